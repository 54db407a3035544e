"""docs/spec.md: a plain-English reference of every spec key, generated from the JSON Schema.

Generated (`jdlspec schema --markdown --out docs/spec.md`), never written by hand, so it cannot
drift from the models: a test keeps the committed file equal to this output.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.spec.schema import spec_json_schema

INTRO = """# The spec: every key

An evaluation is one YAML file. `jdlspec new NAME` writes one with every key commented; this page
describes each key, its default and the values it takes. Keys without a default must be written.
Generated from the models by `jdlspec schema --markdown --out docs/spec.md`: do not edit by hand.
"""
DECLARING = """## Declaring your own outcome measures

The built-in measures are the Justice Data Lab's re-offending ones. Any other outcome in the reference
data is declared under `outcome_measures` and listed in `measures`, with no code. A worked example: an
employment programme whose reference data has, for each person, `in_work_12m` (0/1: in work one year
after starting), `weeks_worked_24m` (weeks in work in the two years after starting), `found_job` (0/1)
and `days_to_first_job` (empty for people who found none):

```yaml
outcome_measures:
  in_work:
    column: in_work_12m
    kind: proportion              # the people with the outcome, in %
    follow_up: one year after starting
    good: increase
    words:
      noun: employment            # the outcome as a noun
      people: were in work        # "people who were in work"
      recognise: [employ, unemploy, in work, jobs]
  weeks_worked:
    column: weeks_worked_24m
    kind: mean                    # the average per person, decided by Welch's t-test
    follow_up: in the two years after starting
    good: increase
    unit: weeks
    decimals: 1
    words:
      noun: time in work
      people: weeks in work       # "the average number of weeks in work"
  days_to_job:
    column: days_to_first_job
    kind: days                    # among the people with the event only
    event_column: found_job
    follow_up: in the first year
    good: decrease
    headline: false               # a further measure, never a key finding
    words:
      noun: time to a first job
      people: first job           # "the average time to first job"
measures: [in_work, weeks_worked, days_to_job]
```

The report then has, for `in_work`, the table *Proportion of people who were in work one year after
starting*, the estimate "The number of people who were in work one year after starting could be higher
by between 5 and 12 people", and the sentence you can say, "This analysis provides evidence that, for
every 100 participants, the programme may increase the number of people who were in work one year
after starting by between 5 and 12 people" (with the run's own figures). The claims engine knows the
measure by its `people` phrase, its `noun` and its `recognise` words, so "the programme tripled the number
in work", "ended unemployment among participants" or "shows the scheme is effective" are refused in the
report, in the spec's own texts and by `jdlspec check`, as re-offending overclaims are. The words may hold
letters, digits, spaces and `, ' ( ) % : / -` only, so no output reads them as markup.

A measure may also be measured at several time points, each its own column, and the report then shows the
impact and its interval at every point in a table and a chart; with `sustained_from`, it says the impact was
sustained only when every point from that one on is statistically significant in the direction of the
measure's own result. The claims engine holds any text to the same rule: "sustained", "lasting" or
"persisted" said of an outcome is refused (rule not-sustained) unless the results show it so:

```yaml
    over_time: {3: in_work_3m, 6: in_work_6m, 12: in_work_12m, 18: in_work_18m, 24: in_work_24m}
    sustained_from: 6
```

Only proportion and mean measures take `over_time`. A days measure is averaged over the people who had
its event, and at each time point that is a different group (those with a first job by 3 months, by 6
months, ...), so its points would not compare like with like and no "sustained" reading of them would
hold; a spec that gives one is refused at its `over_time` line. To follow a first event over time,
declare the proportion of people who had it by each point, from a 0/1 column per point:

```yaml
  job_by:
    column: job_by_12m
    kind: proportion
    follow_up: by one year after starting
    good: increase
    over_time: {3: job_by_3m, 6: job_by_6m, 12: job_by_12m}
    words: {noun: finding a first job, people: had found a first job}
```

## Houses: whose wording the report is in

`service.house` chooses the publishing house whose templates, words and wording rules the report follows:
`justice_data_lab` (the default: the seeds' reports) or `employment_data_lab`. The Employment Data Lab's
report opens, as its published reports do, with a summary, the caveat about the quasi-experimental
method, and its headline results, each under its verdict heading ("Increased
employment", "Reduced NEET status", "No statistically significant impact on benefit receipt") with its
impact interval: "The percentage of programme participants who were in employment one year after
starting the programme was between 7 and 14 percentage points higher than it would have been had they not
participated in the programme. This result was statistically significant." Then "Sustained impact" where
the results show it, the charts, the impact over time and the tables. Its rules license that interval, which the Justice Data Lab's refuse (rule no-counterfactual),
and a verdict heading needs no "may"; the direction and significance must still be the results'.
A house words every measure alike, the built-in re-offending ones too: in the Employment Data Lab's house
the one-year rate reads "The percentage of programme participants who committed a proven re-offence within
a one-year period was between 4 and 21 percentage points less than it would have been had they not
participated in the programme", under "Reduced re-offending", so a reader of that house's reports meets one
pattern for every result, whichever measures the spec names. The run's summary lines, the bulletin (one
house's reports at a time) and the annex speak the house's words too.
`specs/employment.yaml` is a complete example, on data `jdlspec synth --dataset employment` writes.

The data contract grows by the declared columns: each is read from the reference data (typed as its kind
says: 0/1, a number 0 or more, or whole days with the event's 0/1 column), is never a matching variable
or a balance row, and results.json carries the declarations, so `check`, `diff`, the bulletin and the
results cache read a report without its spec. A column two measures read is checked as both ask (a 0/1
column may be a proportion and a mean; days to a first re-offence cannot be a proportion), and each time
point's column is required as the measure's own is. The sexual-offence exclusion is the Justice Data Lab's:
in another house a spec that lists no `exclusions` has the other three, so its data need no
`sexual_offence_history` column.
"""
KINDS = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false",
         "array": "list", "object": "mapping", "null": "nothing"}


def _resolve(schema: dict, node: dict) -> dict:
    return schema["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node


def _model(schema: dict, node: dict) -> dict | None:
    """The nested model of a key (itself, a list's items, a mapping's values or an optional's branch), if any."""
    values = node.get("additionalProperties")
    for candidate in (node, node.get("items", {}), values if isinstance(values, dict) else {}, *node.get("anyOf", [])):
        if "$ref" in candidate:
            return _resolve(schema, candidate)
    return None


def _kind(schema: dict, node: dict) -> str:
    if "anyOf" in node:
        return " or ".join(dict.fromkeys(_kind(schema, n) for n in node["anyOf"] if n.get("type") != "null"))
    if "enum" in node or "const" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node.get("enum", [node.get("const")]))
    if "$ref" in node:
        return "section"
    kind = KINDS.get(node.get("type", ""), node.get("type", "value"))
    if node.get("type") == "array" and "items" in node:
        inner = node["items"]
        return ("list of sections" if "$ref" in inner else f"list; each {_kind(schema, inner)}")
    if node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return kind


def _limits(node: dict) -> str:
    words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
             "exclusiveMaximum": "less than", "minItems": "at least {} item(s)"}
    parts = []
    for key, word in words.items():
        if key in node:
            parts.append(word.format(node[key]) if "{}" in word else f"{word} {node[key]}")
    return "; ".join(parts)


def _default(node: dict, required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in node:
        return "see below"
    value = node["default"]
    return "none" if value is None else f"`{json.dumps(value, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _section(schema: dict, model: dict, path: str, out: list[str]) -> None:
    rows, nested = [], []
    required = set(model.get("required", []))
    for key, node in model.get("properties", {}).items():
        full = f"{path}.{key}" if path else key
        kind, limits = _kind(schema, node), _limits(node)
        rows.append(f"| `{full}` | {_cell(node.get('description', ''))} | {_cell(kind)}"
                    f"{'; ' + limits if limits else ''} | {_default(node, key in required)} |")
        inner = _model(schema, node)
        if inner is not None and inner.get("properties"):
            each = "[]" if node.get("type") == "array" else ".<name>" if isinstance(node.get("additionalProperties"), dict) else ""
            nested.append((full + each, inner))
    out += ["| key | what it is | value | default |", "|---|---|---|---|", *rows, ""]
    for full, inner in nested:
        out += [f"### `{full}`", ""]
        if inner.get("description"):
            out += [_cell(inner["description"]), ""]
        _section(schema, inner, full, out)


def spec_reference() -> str:
    """The whole reference as Markdown."""
    schema = spec_json_schema()
    out = [INTRO, "## Top-level keys", ""]
    _section(schema, schema, "", out)
    out += ["", DECLARING]
    return "\n".join(out).rstrip() + "\n"


def write_reference(path: Path, force: bool = False) -> None:
    """Write the reference; a file that is not one (by its first line) is replaced only with force."""
    from engine.files import write_owned_file

    def is_reference(existing: Path) -> bool:
        return existing.read_text(encoding="utf-8", errors="replace").startswith(INTRO.splitlines()[0])

    write_owned_file(Path(path), spec_reference().encode("utf-8"), is_reference, force, "spec reference")
