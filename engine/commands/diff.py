"""What changed between two runs of an evaluation, and why: `jdlspec diff OLD_DIR NEW_DIR`.

Reads only the two report folders (results.json and report.md), so it works on published
reports without their data. The causes come first (spec settings, input files), then what they
did: the flow of people, each figure that moved, verdicts that changed, sentences of the report
that changed. Markdown, for a pull request or an e-mail.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from engine.errors import Problem, UserError, display_path
from engine.results import Results
from engine.results_check import read_limited, read_report_results

MAX_REPORT_BYTES = 1_000_000  # a report.md is tens of kilobytes; difflib compares its sentences

FIGURES = [  # (key, label, decimals): the figures of a measure that the report prints
    ("treatment_n", "participants", 0), ("comparison_n", "comparison records", 0),
    ("treatment", "participants' figure", 2), ("comparison", "comparison figure", 2),
    ("difference", "difference", 2), ("ci_low", "interval low", 2), ("ci_high", "interval high", 2),
    ("p_value", "p-value", 3), ("required_treatment_n", "participants needed", 0),
]
ANALYSIS_FIGURES = [("treatment_n", "matched participants", 0), ("comparison_n", "comparison records", 0),
                    ("comparison_effective_n", "comparison effective size", 1), ("unmatched_n", "unmatched participants", 0),
                    ("pool_n", "pool records", 0), ("caliper_logit", "caliper (logit)", 4)]
MATCHED = {"well": "well matched", "reasonably": "reasonably matched", "poorly": "poorly matched"}


def read_report(folder: Path) -> tuple[Results, str]:
    """A report folder's results (checked for consistency) and Markdown; a folder that is not a report, or
    a file jdlspec did not write, is a one-line error."""
    results = read_report_results(folder)
    path = folder / "report.md"
    if not (path.exists() or path.is_symlink()):
        return results, ""
    where = display_path(path)
    try:
        return results, read_limited(path, where, MAX_REPORT_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(Problem(where, None, None, "", "is not UTF-8 text, so not the report.md jdlspec wrote")) from None


def diff_reports(old_dir: Path, new_dir: Path) -> str:
    """The Markdown account of what changed from the old report folder to the new one."""
    old, old_md = read_report(old_dir)
    new, new_md = read_report(new_dir)
    problem = differenced(old, new, old_dir, new_dir)
    if problem is not None:
        raise UserError(problem)
    sections = [
        f"# Changes from {display_path(old_dir)} to {display_path(new_dir)}",
        *synthetic_note(old, new),
        section("Spec settings", settings_changes(old, new)),
        section("Input files", input_changes(old, new)),
        section("Flow of people", flow_changes(old, new)),
        section("Figures that moved", figure_changes(old, new)),
        section("Verdicts that changed", verdict_changes(old, new)),
        section("Report sentences that changed", sentence_changes(old_md, new_md)),
    ]
    return "\n\n".join(sections) + "\n"


def synthetic_note(old: Results, new: Results) -> list[str]:
    """A note when either report was made from synthetic data (its figures are not a real evaluation's)."""
    made = [name for name, results in (("old", old), ("new", new)) if results.synthetic]
    if not made:
        return []
    which = "both reports were" if len(made) == 2 else f"the {made[0]} report was"
    return [f"*Made from synthetic data: {which} made from records written by jdlspec synth for demonstration; "
            "the figures are not those of a real evaluation.*"]


def differenced(old: Results, new: Results, old_dir: Path, new_dir: Path) -> Problem | None:
    """Two runs of one programme whose groups differ by 1 to t-1 people: set side by side, their figures
    give those people's outcomes by subtraction, so diff shows neither (`run` refuses to publish such a
    run: engine/run/record.py)."""
    def identity(results: Results):
        programme = results.spec.programme
        return None if programme is None else (" ".join(programme.organisation.casefold().split()),
                                               " ".join(programme.title.casefold().split()))

    if identity(old) != identity(new):
        return None
    threshold = max(old.suppress_below, new.suppress_below)
    groups = [(f"the {a.name[:80]} analysis's treatment group", a.treatment_n, b.treatment_n)
              for a in old.analyses for b in new.analyses if a.name == b.name]
    for label, before, after in groups:
        differ = abs(before - after)
        if 0 < differ < threshold:
            people = "1 person" if differ == 1 else f"{differ} people"
            them = "that person's outcome" if differ == 1 else "those people's outcomes"
            return Problem(f"{display_path(old_dir)} and {display_path(new_dir)}", None, None, "",
                           f"{label} is {before:,} people in one and {after:,} in the other: they differ by {people}, "
                           f"fewer than report.suppress_below ({threshold}), and side by side the two runs' figures "
                           f"would give {them} by subtraction, so diff shows neither (jdlspec run refuses to "
                           "publish such a run)")
    return None


def section(title: str, lines: list[str]) -> str:
    return f"## {title}\n\n" + ("\n".join(lines) if lines else "No change.")


def flatten(value, prefix: str = "") -> dict[str, object]:
    """{'matching.caliper': 0.2, 'analyses.1.pool.region': ['London'], ...}."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{i}."))
        return out
    return {prefix[:-1]: value}


def shown(value) -> str:
    return "(not set)" if value is None else "`" + json.dumps(value, ensure_ascii=False) + "`"


def settings_changes(old: Results, new: Results) -> list[str]:
    lines = []
    if old.spec.sha256 != new.spec.sha256:
        lines.append(f"- spec file {old.spec.path} ({old.spec.sha256[:12]}) → {new.spec.path} ({new.spec.sha256[:12]})")
    if old.spec.settings is None or new.spec.settings is None:
        if old.spec.statistics_sha256 != new.spec.statistics_sha256:
            lines.append("- the statistical settings changed (one run's results.json does not list them)")
        return lines
    before, after = flatten(old.spec.settings), flatten(new.spec.settings)
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            lines.append(f"- `{key}`: {shown(before.get(key))} → {shown(after.get(key))}")
    if old.spec.sha256 != new.spec.sha256 and len(lines) == 1:
        lines.append("- only texts changed: the statistics are the same settings on the same data")
    return lines


def input_changes(old: Results, new: Results) -> list[str]:
    lines = []
    for role in sorted(set(old.inputs) | set(new.inputs)):
        a, b = old.inputs.get(role), new.inputs.get(role)
        if a is None or b is None:
            lines.append(f"- {role}: {'added' if a is None else 'removed'}")
        elif (a.path, a.sha256, a.rows) != (b.path, b.sha256, b.rows):
            rows = f", rows {count(a.rows)} → {count(b.rows)}" if a.rows != b.rows else ""
            same = " (same content)" if a.sha256 == b.sha256 else ""
            lines.append(f"- {role}: {a.path} ({a.sha256[:12]}) → {b.path} ({b.sha256[:12]}){same}{rows}")
    return lines


def count(value) -> str:
    return "–" if value is None else f"{value:,}"


def number(value, decimals: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:,.{decimals}f}"


def moved(a, b, decimals: int) -> bool:
    """Changed as printed to `decimals` places plus two: noise below the report's precision is not news."""
    if a is None or b is None:
        return a is not b
    return round(float(a), decimals + 2) != round(float(b), decimals + 2)


def table(rows: list[tuple[str, str, str]], header: tuple[str, str, str]) -> list[str]:
    if not rows:
        return []
    lines = [f"| {header[0]} | {header[1]} | {header[2]} |", "|---|---:|---:|"]
    return lines + [f"| {a} | {b} | {c} |" for a, b, c in rows]


def flow_changes(old: Results, new: Results) -> list[str]:
    rows = []
    before = {s.step: s.remaining for s in old.attrition}
    after = {s.step: s.remaining for s in new.attrition}
    for step in list(before) + [s for s in after if s not in before]:
        if before.get(step) != after.get(step):
            rows.append((f"after {step.replace('_', ' ')}", count(before.get(step)), count(after.get(step))))
    for name in analysis_names(old, new):
        a, b = analysis(old, name), analysis(new, name)
        if a is None or b is None:
            rows.append((f"{name} analysis", "present" if a else "absent", "present" if b else "absent"))
            continue
        for key, label, decimals in ANALYSIS_FIGURES:
            x, y = getattr(a, key), getattr(b, key)
            if moved(x, y, decimals):
                rows.append((f"{name}: {label}", number(x, decimals), number(y, decimals)))
    return table(rows, ("", "old", "new"))


def analysis_names(old: Results, new: Results) -> list[str]:
    names = [a.name for a in old.analyses]
    return names + [a.name for a in new.analyses if a.name not in names]


def analysis(results: Results, name: str):
    return next((a for a in results.analyses if a.name == name), None)


def measure_pairs(old: Results, new: Results):
    for name in analysis_names(old, new):
        a, b = analysis(old, name), analysis(new, name)
        measures = list((a.measures if a else {}).keys()) + [m for m in (b.measures if b else {}) if not a or m not in a.measures]
        for measure in measures:
            yield name, measure, (a.measures.get(measure) if a else None), (b.measures.get(measure) if b else None)


def called(measure: str, old: Results, new: Results) -> str:
    """How a line names a measure: a declared one by its own noun and its name ("eviction (rare m)"), as the
    report names it; a built-in one by its name."""
    declared = new.outcome_measures.get(measure) or old.outcome_measures.get(measure)
    plain = measure.replace("_", " ")
    return f"{declared.words.noun} ({plain})" if declared else plain


def figure_changes(old: Results, new: Results) -> list[str]:
    rows = []
    for name, measure, a, b in measure_pairs(old, new):
        for key, label, decimals in FIGURES:
            x = getattr(a, key) if a else None
            y = getattr(b, key) if b else None
            if moved(x, y, decimals):
                rows.append((f"{name}, {called(measure, old, new)}: {label}", number(x, decimals), number(y, decimals)))
    return table(rows, ("figure", "old", "new"))


def verdict(m) -> str:
    if m is None:
        return "not measured"
    if not m.reported:
        return f"not reported ({(m.not_reported_reason or 'no reason').replace('_', ' ')})"
    return {"decrease": "significant decrease", "increase": "significant increase",
            "not_significant": "not significant"}[m.state]


def verdict_changes(old: Results, new: Results) -> list[str]:
    lines = []
    for name, measure, a, b in measure_pairs(old, new):
        if verdict(a) != verdict(b):
            lines.append(f"- {name}, {called(measure, old, new)}: {verdict(a)} → {verdict(b)}")
    for name in analysis_names(old, new):
        a, b = analysis(old, name), analysis(new, name)
        if a and b:
            before = {(r.variable, r.level): r.quality for r in a.balance}
            for row in b.balance:
                was = before.get((row.variable, row.level))
                if was is not None and row.quality is not None and was != row.quality:  # None: suppressed
                    level = f" ({row.level})" if row.level else ""
                    lines.append(f"- {name}, balance of {row.variable}{level}: {MATCHED[was]} → {MATCHED[row.quality]}")
    return lines


def sentences(markdown: str) -> list[str]:
    """The report's sentences as a reader sees them, one per item (table rows and headings whole)."""
    out = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("|", "#")):
            out.append(line)
            continue
        out.extend(part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z✓✗\"'(])", line) if part.strip())
    return out


def sentence_changes(old_md: str, new_md: str) -> list[str]:
    a, b = sentences(old_md), sentences(new_md)
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lines.extend(f"- − {s}" for s in a[i1:i2])
        lines.extend(f"- + {s}" for s in b[j1:j2])
    return lines
