"""Reading a results.json that anyone may have edited: the one check that `bulletin`, `diff`, `check` and
the results cache make before they print a sentence from it (docs/architecture.md §4).

Every sentence those readers print is licensed by the file, so a file whose verdict was set by hand
("significant": true beside p = 0.38) would license a false claim. The guard is consistency: each
verdict agrees with its p-value, interval and the significance level; a suppressed figure is null; the
counts add up; nothing published is a small cell. A digest (`content_sha256`, written by Results.to_json)
only catches accidental edits, since whoever edits the file can recompute it; a file without one is
checked, and read with a warning. Bounded work: the file's size, its texts, its lists and its numbers
are limited before anything else reads them, and a pipe or a device is refused, never waited on.

The smallest figures jdlspec publishes live here too (the floor every reader can see):
- MIN_ANALYSED: the fewest people in an analysed treatment group. 30 is the usual rule-of-thumb smallest
  sample for the normal approximation of a mean that the Welch t-test relies on, and the floor of
  small_groups.min_submitted; it is below 38, the smallest analysis the seeds publish (LPT's Regional).
- ALL_OR_NONE_BELOW: an outcome that 0% or 100% of a group under this many people had tells every
  member's outcome, as a count of 1 to t-1 does.
- SUPPRESS_BELOW_FLOOR: report.suppress_below cannot go lower (with 2, a count of 2 people is printed,
  and each of the two learns the other's outcome).
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from engine import houses
from engine.errors import Problem, UserError, how_many, display_path
from engine.measures import MEASURES, PER_HUNDRED, declare, declared_name_problem
from engine.results import SCHEMA_VERSION, AnalysisResult, GroupProfile, MeasureResult, Results, content_digest

MIN_ANALYSED = 30
ALL_OR_NONE_BELOW = 100
SUPPRESS_BELOW_FLOOR = 3
MAX_BYTES = 5_000_000  # a results.json is about 100 KB whatever the data's size
MAX_TEXT = 10_000  # characters in one text (the spec allows no longer)
MAX_ITEMS = 10_000  # entries in one list or object
MAX_NUMBER = 2**53  # beyond this a number is no count or figure of a real evaluation
MAX_PEOPLE = 10**9  # people or records in any count
TOLERANCE = 1e-6
MISSING_LEVEL = "(missing)"
Found = tuple[str, str]  # (key, what is wrong)


def read_results(path: Path, shown: str | None = None, follow_links: bool = True) -> tuple[Results, list[str]]:
    """The results in `path` and the warnings to print (no digest); UserError with one line when the file
    cannot be read, is not jdlspec results, or is not internally consistent."""
    where = shown or display_path(path)
    data = parse_results(read_limited(path, where, MAX_BYTES, follow_links), where)
    warnings = []
    stored = data.pop("content_sha256", None)
    if stored is None:
        warnings.append(f"{where}: has no content digest (written by an older jdlspec, or edited); it was "
                        "checked for consistency and read")
    elif stored != content_digest(data):
        refuse(where, "content_sha256", "does not match the file's content: the file was changed after jdlspec "
               "wrote it; run the evaluation again")
    results = validated(data, where)
    declare(results.outcome_measures, keep=True)  # its measures and its house, for every reader of the file
    houses.use(results.house)
    problem = next(inconsistencies(results), None)
    if problem is not None:
        key, message = problem
        refuse(where, key, f"{message}; the file was edited or damaged, so nothing is read from it (run the "
               "evaluation again)")
    return results, warnings


def read_report_results(folder: Path) -> Results:
    """A report folder's results.json, checked as read_results does; its warnings go to stderr."""
    path = Path(folder) / "results.json"
    if not (path.exists() or path.is_symlink()):
        refuse(display_path(folder), "", "is not a jdlspec report folder (no results.json); give a folder that "
               "jdlspec run wrote")
    results, warnings = read_results(path)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return results


def refuse(where: str, key: str, message: str) -> None:
    raise UserError(Problem(where, None, None, key, message))


def read_limited(path: Path, where: str, limit: int, follow_links: bool = True) -> bytes:
    """A regular file's bytes, at most `limit`: a pipe or a device is refused without waiting on it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))  # not on Windows
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        refuse(where, "", "does not exist")
    except OSError as error:
        refuse(where, "", f"cannot be read ({(error.strerror or str(error)).lower()})")
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            refuse(where, "", "is not a regular file (a folder, pipe or device), so not one jdlspec wrote")
        with os.fdopen(os.dup(handle), "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        refuse(where, "", f"cannot be read ({(error.strerror or str(error)).lower()})")
    finally:
        os.close(handle)
    if len(data) > limit:
        refuse(where, "", f"is larger than {limit:,} bytes, far more than jdlspec writes there")
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number jdlspec writes")


def parse_results(data: bytes, where: str) -> dict:
    """The file's JSON object, its numbers finite and its texts, lists and numbers bounded."""
    try:
        parsed = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        refuse(where, "", "is not UTF-8 text, so not a results file jdlspec wrote")
    except RecursionError:
        refuse(where, "", "is nested too deeply to be a results file jdlspec wrote")
    except ValueError as error:
        refuse(where, "", f"is not valid JSON ({str(error).splitlines()[0]})")
    if not isinstance(parsed, dict):
        refuse(where, "", "is not a JSON object, so not a results file jdlspec wrote")
    found = next(unbounded(parsed), None)
    if found is not None:
        refuse(where, *found)
    version = parsed.get("schema_version")
    if version != SCHEMA_VERSION:
        refuse(where, "schema_version", f"is {json.dumps(version)[:40]}, but this jdlspec reads results of schema "
               f"version {SCHEMA_VERSION} only; run the evaluation again with this jdlspec")
    return parsed


def unbounded(value) -> Iterator[Found]:
    """Values no run writes: NaN or infinite numbers, huge numbers, over-long texts, over-long lists."""
    stack = [("", value)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, float) and not math.isfinite(item):
            yield key, "is not a finite number"
        elif isinstance(item, (int, float)) and abs(item) > MAX_NUMBER:
            yield key, f"is {item:.3g}, far beyond any figure of an evaluation"
        elif isinstance(item, str) and len(item) > MAX_TEXT:
            yield key, f"is a text of {len(item):,} characters; jdlspec writes at most {MAX_TEXT:,}"
        elif isinstance(item, (list, dict)) and len(item) > MAX_ITEMS:
            yield key, f"has {len(item):,} entries; jdlspec writes at most {MAX_ITEMS:,}"
        elif isinstance(item, dict):
            stack.extend((f"{key}.{k}".lstrip(".") if len(k) <= 200 else f"{key}.(a long key)", v)
                         for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{key}.{i}".lstrip("."), v) for i, v in enumerate(item))


def validated(data: dict, where: str) -> Results:
    try:
        return Results.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        refuse(where, key, f"{first['msg'][:200].lower()}, so this is not a results file jdlspec wrote")


# --- consistency -------------------------------------------------------------------------------

def inconsistencies(results: Results) -> Iterator[Found]:
    """Everything a run never writes, first found first."""
    yield from _run_facts(results)
    participants = results.attrition[-1].remaining if results.attrition else 0
    for i, analysis in enumerate(results.analyses):
        yield from _analysis(results, analysis, f"analyses.{i}", participants)
    if results.profile is not None:
        for name in ("analysed", "not_analysed"):
            yield from _profile(getattr(results.profile, name), results.suppress_below, f"profile.{name}")


def _run_facts(results: Results) -> Iterator[Found]:
    headlines = [a.name for a in results.analyses if a.headline]
    if len(headlines) != 1:
        yield "analyses", f"has {len(headlines)} headline analyses; a run has exactly one"
    if len({a.name for a in results.analyses}) != len(results.analyses):
        yield "analyses", "has two analyses of the same name"
    named = next((p for name in results.outcome_measures if (p := declared_name_problem(name))), None)
    if named:
        yield "outcome_measures", named
    unknown = [m for m in results.measures if m not in MEASURES]
    if unknown:
        yield "measures", f"names a measure jdlspec does not know ({unknown[0][:40]})"
    if not 0.001 <= results.significance_level <= 0.10:
        yield "significance_level", f"is {results.significance_level:g}; a spec sets 0.001 to 0.10"
    if results.suppress_below < SUPPRESS_BELOW_FLOOR:
        yield "suppress_below", (f"is {results.suppress_below}: these results were written without disclosure "
                                 f"control (jdlspec applies at least {SUPPRESS_BELOW_FLOOR})")
    steps = results.attrition
    if not steps or steps[0].step != "submitted" or steps[0].removed != 0:
        yield "attrition", "does not start with the records submitted"
    for k, step in enumerate(steps):
        if not 0 <= step.remaining <= MAX_PEOPLE or step.removed < 0:
            yield f"attrition.{k}", "counts people that cannot be"
        elif k and steps[k - 1].remaining - step.removed != step.remaining:
            yield f"attrition.{k}", (f"{how_many(steps[k - 1].remaining, 'person', 'people')} less {step.removed:,} removed is not the "
                                     f"{step.remaining:,} it says remain")


def _analysis(results: Results, a: AnalysisResult, key: str, participants: int) -> Iterator[Found]:
    counts = {"treatment_n": a.treatment_n, "comparison_n": a.comparison_n, "unmatched_n": a.unmatched_n,
              "pool_n": a.pool_n, "outside_support_n": a.outside_support_n}
    for name, value in counts.items():
        if not 0 <= value <= MAX_PEOPLE:
            yield f"{key}.{name}", f"is {value:,}, which no group of people can be"
            return
    if a.treatment_n + a.unmatched_n != participants:
        yield key, (f"{a.treatment_n:,} matched and {how_many(a.unmatched_n, 'unmatched participant')} are not the "
                    f"{participants:,} left after the exclusions")
    if a.treatment_n < MIN_ANALYSED:
        yield f"{key}.treatment_n", f"is {a.treatment_n}; jdlspec publishes no analysis of fewer than {MIN_ANALYSED}"
    if a.comparison_n > a.pool_n or not 0 <= a.comparison_effective_n <= a.comparison_n + TOLERANCE:
        yield key, "its comparison group is larger than its pool, or its effective size larger than the group"
    yield from _balance(a, results.suppress_below, key)
    for name, m in a.measures.items():
        if name not in results.measures:
            yield f"{key}.measures.{name}"[:200], "is not among the run's measures"
        else:
            yield from _measure(name, m, a, results, f"{key}.measures.{name}")
    for name, points in a.over_time.items():  # a declared measure at its time points: each checked as a measure
        if name not in results.measures:
            yield f"{key}.over_time.{name}"[:200], "is not among the run's measures"
            continue
        for i, point in enumerate(points):
            yield from _measure(name, point.result, a, results, f"{key}.over_time.{name}.{i}")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def _at_most(p: float, level: float) -> bool:
    return p <= level * (1 + TOLERANCE)


def _measure(name: str, m: MeasureResult, a: AnalysisResult, results: Results, key: str) -> Iterator[Found]:
    level = results.significance_level
    if m.significant != (m.state != "not_significant"):
        yield key, f"says significant is {str(m.significant).lower()} but its state is {m.state}"
    yield from _verdict(m, level, key)
    if m.reported == (m.not_reported_reason is not None):
        yield key, "must give a reason exactly when it is not reported"
    if m.suppressed and any(v is not None for v in (m.treatment, m.difference, m.ci_low, m.ci_high, m.p_value)):
        yield key, "is suppressed but still holds the participants' figure, difference, interval or p-value"
    if m.significant and (m.suppressed or not m.reported):
        yield key, "is significant but not reported"
    if m.significant and m.required_treatment_n is not None:
        yield key, "is significant but still gives the participants needed to detect it"
    for field, p in (("p_value", m.p_value), ("decided_by.p_value", m.decided_by and m.decided_by.p_value),
                     ("extra_test.p_value", m.extra_test and m.extra_test.p_value)):
        if p is not None and not 0 <= p <= 1:
            yield f"{key}.{field}", f"is {p:g}, which no p-value can be"
    if m.ci_low is not None and m.ci_high is not None and m.ci_low > m.ci_high:
        yield key, "its interval's low end is above its high end"
    if not 0 <= m.comparison_n <= min(a.comparison_n, MAX_PEOPLE) or (m.treatment_n or 0) > a.treatment_n:
        yield key, "counts more people than its analysis holds"
    if None not in (m.treatment, m.difference) and not _close(m.difference, m.treatment - m.comparison):
        yield key, (f"its difference {m.difference:g} is not the participants' {m.treatment:g} less the "
                    f"comparison's {m.comparison:g}")
    kind = MEASURES[name].kind
    for figure in (m.treatment, m.comparison):
        if figure is not None and (figure < 0 or (kind == "proportion" and figure > PER_HUNDRED + TOLERANCE)):
            yield key, f"holds {figure:g}, which is no {name.replace('_', ' ')} of a group"
    yield from _extra(m, level, key)
    yield from _measure_cells(name, m, a.treatment_n, results.suppress_below, key)


def _verdict(m: MeasureResult, level: float, key: str) -> Iterator[Found]:
    """The verdict against the deciding test's p-value and interval and the level. A measure may be less
    than its p-value allows (a second test disagreed, resampling was inconclusive), never more."""
    deciding = m.decided_by
    if not m.significant:
        if m.reported and deciding is None and m.p_value is not None and m.p_value < level * (1 - TOLERANCE):
            yield key, f"says not significant, but its p-value {m.p_value:.3g} is below the significance level {level:g}"
        return
    p = deciding.p_value if deciding is not None else m.p_value
    low, high = (deciding.ci_low, deciding.ci_high) if deciding is not None else (m.ci_low, m.ci_high)
    if p is None or not _at_most(p, level):
        shown = "it has no p-value" if p is None else f"its p-value {p:.3g} is above the significance level {level:g}"
        yield key, f"says significant, but {shown}"
    elif low is not None and high is not None:
        if not (low > 0 or high < 0):
            yield key, f"says significant, but its interval {low:.3g} to {high:.3g} holds no difference (0)"
        elif (m.state == "decrease") != (high < 0):
            yield key, f"says {m.state}, but its interval {low:.3g} to {high:.3g} points the other way"
    elif m.difference is not None and (m.state == "decrease") != (m.difference < 0):
        yield key, f"says {m.state}, but its difference {m.difference:.3g} points the other way"


def _extra(m: MeasureResult, level: float, key: str) -> Iterator[Found]:
    extra = m.extra_test
    if extra is not None and extra.significant and not _at_most(extra.p_value, level):
        yield f"{key}.extra_test", (f"says significant, but its p-value {extra.p_value:.3g} is above the "
                                    f"significance level {level:g}")


# --- disclosure: what a run would have suppressed ----------------------------------------------

def small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def _measure_cells(name: str, m: MeasureResult, group: int, t: int, key: str) -> Iterator[Found]:
    """The people (or offences) behind a published participant figure: none may be 1 to t-1, nor all or
    none of a group under ALL_OR_NONE_BELOW."""
    if m.treatment is None or m.suppressed:
        return
    kind, n = MEASURES[name].kind, m.treatment_n
    if n is None:
        yield key, "publishes the participants' figure without their number"
        return
    if kind == "proportion":
        having = round(m.treatment * n / PER_HUNDRED)
        cells, of = (having, n - having), n
    elif kind in ("count", "mean"):
        cells, of = (round(m.treatment * n),), n
    else:
        cells, of = (n, group - n), group
    if n < t or any(small(c, t) for c in cells):
        yield key, f"publishes a figure that stands for fewer than {t} people (report.suppress_below)"
    elif of < ALL_OR_NONE_BELOW and 0 in cells:
        yield key, f"publishes an outcome that all or none of a group of {of} had, which tells each one's outcome"


def _balance(a: AnalysisResult, t: int, key: str) -> Iterator[Found]:
    """Hidden rows hold nothing; a shown cell (a characteristic's level, a 0/1 number's yes and no among
    those it is recorded for) is not 1 to t-1 people; a characteristic's hidden levels hold no one or at
    least t (else subtraction tells them). How many had a number not recorded is published, as in the seeds."""
    n = a.treatment_n
    categorical = {r.variable for r in a.balance if r.level not in (None, MISSING_LEVEL)}
    missing = {r.variable: round(r.treatment_mean * n) for r in a.balance
               if r.level == MISSING_LEVEL and r.variable not in categorical and r.treatment_mean is not None}
    shown: dict[str, int] = {}
    for k, row in enumerate(a.balance):
        where = f"{key}.balance.{k}"
        if row.suppressed:
            if any(v is not None for v in (row.treatment_mean, row.comparison_mean, row.smd_percent, row.quality)):
                yield where, "is suppressed but still holds its figures"
            continue
        if row.treatment_mean is None:
            yield where, "has no participants' figure but is not marked suppressed"
            continue
        if row.variable in categorical:
            group = n
            shown[row.variable] = shown.get(row.variable, 0) + round(row.treatment_mean * n)
        elif row.binary and row.level is None:
            group = n - missing.get(row.variable, 0)
        else:
            continue
        count = round(row.treatment_mean * group)
        if small(count, t) or small(group - count, t):
            yield where, f"shows a cell of fewer than {t} participants (report.suppress_below)"
    for variable in sorted(categorical):
        hidden = n - shown.get(variable, 0)
        if hidden < 0 or small(hidden, t):
            yield f"{key}.balance", f"the hidden levels of {variable[:60]} can be told by subtraction"


def _profile(group: GroupProfile, t: int, key: str) -> Iterator[Found]:
    for field in ("sex", "ethnicity", "nationality", "index_year", "sentence"):
        shares = getattr(group, field)
        shown = 0
        for k, share in enumerate(shares):
            if share.suppressed:
                if share.count is not None or share.percent is not None:
                    yield f"{key}.{field}.{k}", "is suppressed but still holds its count"
                continue
            if share.count is None or small(share.count, t) or small(group.n - share.count, t):
                yield f"{key}.{field}.{k}", f"shows a count of fewer than {t} people (report.suppress_below)"
                continue
            shown += share.count
        if shares and (small(group.n - shown, t) or shown > group.n):
            yield f"{key}.{field}", "its hidden levels can be told by subtraction"
    assessed = group.needs_assessed_n
    for k, share in enumerate(group.needs):
        if share.suppressed:
            if share.count is not None or share.percent is not None:
                yield f"{key}.needs.{k}", "is suppressed but still holds its count"
        elif assessed is None or share.count is None or small(share.count, t) or small(assessed - share.count, t):
            yield f"{key}.needs.{k}", f"shows a count of fewer than {t} people (report.suppress_below)"
