"""Disclosure control: the one place that decides which figures may be published (docs/architecture.md §1.9).
(disclosure_cells counts the people behind a figure; disclosure_subtraction finds figures that give a
count back by subtraction; `suppress` here applies every rule.)

Every output (results.json, report.md/html, the annex, the charts, and what `bulletin`, `diff` and
the run summary read back from results.json) is made from the Results after `suppress` has run,
so none of them decides alone and a suppressed figure is absent everywhere: it holds null with
`suppressed: true` in results.json and prints as '*'.

The rules, with t = report.suppress_below (the disclosure threshold). A "cell" is
a count of people; a table's cells add up to its group (the levels of a characteristic, its
not-recorded level included; a 0/1 number's yes and no among the people it is recorded for):
- Primary: a cell of 1 to t-1 people is suppressed, and so is a cell whose complement in its group
  is 1 to t-1 ("37 of 39 are men" gives the 2 women). A group under t shows no cell at all.
- Secondary: within a table, the smallest published cells (ties by name, so every table of the
  same group hides the same ones) are suppressed too, until the hidden cells are at least two
  and hold at least t people together.
- Balance: a participant mean of a 0/1 term is a cell (mean x group, or x the people recorded for a
  0/1 number); a suppressed row's mean, standardised differences and matching verdict are null, and
  so is its comparison mean after matching (matching makes it the participants' mean, exactly so
  when the groups are matched exactly on the variable).
  The report's verdict per characteristic (`verdicts`) still counts the hidden rows.
- Before matching: a row's standardised difference before matching gives back the mean of all
  participants before matching (the same inversion an attacker would make), and with the matched
  group's mean, the unmatched people's (and with the profile's not-analysed group, the excluded
  people's). That column is null for a characteristic whenever any of these would show a cell
  under t, in every analysis.
- Pool: a pool mean before matching counts pool records; a small restricted pool's cells under t
  are null (with their before-matching differences).
- Numbers: one the matched participants hold only two values of (a cohort year) counts people.
- Warnings: results.json keeps the rows a warning names, not the data values it quotes.
- Between analyses: two analyses' treatment groups differ by some people; a characteristic published
  for both gives those people's by subtraction. A later analysis's balance rows (per characteristic)
  are suppressed when the difference would show a cell under t (always, when the groups differ by 1
  to t-1 people). Its measures are not: the published seeds print both analyses' outcomes (LPT 39
  and 38 people, MC 83 and 84), so one person's outcome can be told, but not who they are.
- Profile: the profile's analysed group is the headline treatment group, so its characteristics
  and the headline's balance rows of the same variable hide the same levels; its needs hide when
  the people assessed number 1 to t-1. How many were not assessed (or had a number not recorded)
  is published, as the seeds print it (35 of 39 assessed).
- Measures: a measure is suppressed (null participant figures, difference, interval, p-value,
  extra test; not reported, reason "suppressed") when its participants number under t, or when the
  people with (or without) the outcome, or the offences counted, number 1 to t-1; time to
  re-offence counts re-offenders, so it goes with their number and its complement. An outcome that none
  (or all) of a group under ALL_OR_NONE_BELOW (100) had is suppressed too: it tells every member's outcome
  (a characteristic such as "100% female" is not an outcome, and stays as the seeds print it).
- A whole evaluation is refused when fewer individuals were submitted than small_groups.min_submitted
  (default 60, never below 30), or when its treatment group, after the exclusions or in any analysis
  after matching, holds fewer than MIN_ANALYSED (30) people: the smallest published group is the
  analysed one. `run` also refuses an analysis whose matched comparison group holds 1 to t-1 records
  (too_few_compared). t itself cannot be set below SUPPRESS_BELOW_FLOOR (3).
The ages (youngest and oldest) of the treatment group stay, as in the published reports, and so
does the flow of people (how many each step of the analysis removed).
"""

from __future__ import annotations

import re

from engine.disclosure.cells import NO, PROFILE_FIELDS, RECORDED, YES, Cells, after_count, hidden_cells, small, \
    variable_cells, variables
from engine.disclosure.subtraction import before_hidden, between, pool_hidden
from engine.errors import Problem
from engine.measures import MEASURES, PER_HUNDRED
from engine.results_check import ALL_OR_NONE_BELOW, MIN_ANALYSED
from engine.results import AnalysisResult, AttritionStep, BalanceRow, GroupProfile, MeasureResult, Profile, Results, Share
from engine.spec.loaded import LoadedSpec

QUALITY_ORDER = {"well": 0, "reasonably": 1, "poorly": 2}


def too_small(loaded: LoadedSpec, attrition: list[AttritionStep]) -> Problem | None:
    """An evaluation of fewer individuals than small_groups.min_submitted (after duplicates), or whose
    exclusions leave fewer participants than MIN_ANALYSED. The dry run refuses it, so `validate` and `run`
    agree."""
    steps = {step.step: step for step in attrition}
    individuals = (steps.get("duplicates") or steps["submitted"]).remaining
    minimum = loaded.spec.small_groups.min_submitted
    if individuals >= minimum:
        participants = attrition[-1].remaining  # none left: the dry run names the step that lost them
        return too_few_analysed(loaded, participants) if participants else None
    line, column = loaded.locate("data.submission")
    return Problem(loaded.display, line, column, "data.submission",
                   f"the submission holds {individuals} individual{'s' if individuals != 1 else ''}; an evaluation "
                   f"needs at least {minimum} (small_groups.min_submitted), so that no one can be identified from "
                   "its figures")


def too_few_analysed(loaded: LoadedSpec, people: int, number: int | None = None) -> Problem | None:
    """A treatment group under MIN_ANALYSED (engine.results_check, with its source): the smallest group jdlspec
    publishes is the analysed one, whatever was submitted. `number`: an analysis's matched participants;
    None: the participants left after the exclusions (the dry run refuses those at once)."""
    if people >= MIN_ANALYSED:
        return None
    if number is None:
        key, what, then = "data.submission", "the exclusions leave", "the flow of people says where they were lost"
    else:
        key, what = f"analyses.{number}", f"analysis {loaded.spec.analyses[number].name}: matching leaves"
        then = "widen its pool or the caliper, or remove the analysis"
    return Problem(loaded.display, *loaded.locate(key), key,
                   f"{what} {people} participant{'s' if people != 1 else ''}; jdlspec publishes no treatment group "
                   f"of fewer than {MIN_ANALYSED}, so that no one can be identified from its figures ({then})")


def too_few_compared(loaded: LoadedSpec, number: int, analysis: AnalysisResult) -> Problem | None:
    """An analysis whose matched comparison group holds fewer records than the threshold: its comparison
    figures would describe those few people (a pool restricted to a small area), so it is refused."""
    threshold = loaded.spec.report.suppress_below
    if not small(analysis.comparison_n, threshold):
        return None
    key = f"analyses.{number}.pool" if analysis.pool_restriction else f"analyses.{number}"
    return Problem(loaded.display, *loaded.locate(key), key,
                   f"analysis {analysis.name}: its comparison group holds {analysis.comparison_n} record"
                   f"{'s' if analysis.comparison_n != 1 else ''}, fewer than report.suppress_below ({threshold}), so "
                   "its figures would describe those few people; widen the pool or remove the analysis")


# --- balance -----------------------------------------------------------------------------------

def hidden_rows(rows: list[BalanceRow], n: int, threshold: int, start: dict[str, set[str]] | None = None) -> set[int]:
    """Rows whose participant figures are suppressed: primary and secondary, per variable."""
    hidden: set[int] = set()
    for variable, indexes in variables(rows).items():
        own = [rows[i] for i in indexes]
        found = variable_cells(own, n, after_count)
        if found is None:
            hidden.update(indexes)
            continue
        cells, shown, total = found
        names = list(cells)
        forced = {names.index(k) for k in (start or {}).get(variable, set()) if k in cells}
        for k in hidden_cells([cells[k] for k in names], total, threshold, names, forced):
            hidden.add(indexes[shown[names[k]]])
    return hidden


def hidden_levels(rows: list[BalanceRow], hidden: set[int]) -> dict[str, set[str]]:
    """The cells of each variable whose rows are hidden (for making another table of the group agree)."""
    out: dict[str, set[str]] = {}
    for i in hidden:
        row = rows[i]
        levels = {row.level} if row.level is not None else {YES, NO, RECORDED, *(f"{v:g}" for v in row.two_values or ())}
        out.setdefault(row.variable, set()).update(levels)
    return out


def suppressed_row(row: BalanceRow) -> BalanceRow:
    return row.model_copy(update={"treatment_mean": None, "comparison_mean": None, "smd_percent": None,
                                  "smd_percent_before": None,
                                  "smd_percent_pooled": None, "smd_percent_treated": None, "quality": None,
                                  "suppressed": True})


def worst_verdicts(rows: list[BalanceRow]) -> dict[str, str]:
    """Each variable's worst verdict over all its rows, hidden ones included (what the report names)."""
    worst: dict[str, str] = {}
    for row in rows:
        if row.quality is not None and QUALITY_ORDER[row.quality] > QUALITY_ORDER.get(worst.get(row.variable), -1):
            worst[row.variable] = row.quality
    return worst


# --- measures ----------------------------------------------------------------------------------

def measure_cells(name: str, result: MeasureResult, group: int) -> Cells | None:
    """A measure's participant figure as people (or offences), with the group it is a share of."""
    if result.treatment is None:
        return None
    kind = MEASURES[name].kind
    if kind == "proportion":
        having = round(result.treatment * result.treatment_n / PER_HUNDRED)
        return {"having": having, "not": result.treatment_n - having}
    if kind in ("count", "mean"):  # the offences (or the units of a declared mean) the participants had in all
        return {"offences": round(result.treatment * result.treatment_n)}
    return {"having": result.treatment_n, "not": group - result.treatment_n}  # days: the people with the event


def exposed_measure(name: str, result: MeasureResult, group: int, threshold: int) -> bool:
    cells = measure_cells(name, result, group)
    if cells is None:
        return False
    if MEASURES[name].among_event:  # all re-offended: the time figure says so
        return small(cells["having"], threshold) or small(cells["not"], threshold) or cells["not"] == 0 < group < \
            ALL_OR_NONE_BELOW
    if result.treatment_n < threshold:
        return True
    if MEASURES[name].kind in ("count", "mean"):
        return small(cells["offences"], threshold) or (cells["offences"] == 0 and all_or_none(0, result.treatment_n))
    return small(cells["having"], threshold) or small(cells["not"], threshold) or \
        all_or_none(cells["having"], result.treatment_n)


def all_or_none(having: int, group: int) -> bool:
    """An outcome that none (or all) of a group under ALL_OR_NONE_BELOW had tells each member's outcome."""
    return group < ALL_OR_NONE_BELOW and having in (0, group)


def suppressed_measure(name: str, result: MeasureResult, threshold: int) -> MeasureResult:
    n = result.treatment_n
    hide_n = n is not None and (small(n, threshold) or MEASURES[name].among_event)
    return result.model_copy(update={
        "treatment": None, "difference": None, "ci_low": None, "ci_high": None, "p_value": None,
        "significant": False, "state": "not_significant", "required_treatment_n": None,
        "degrees_of_freedom": None, "reported": False, "headline": False, "extra_test": None,
        "not_reported_reason": result.not_reported_reason or "suppressed", "decided_by": None, "suppressed": True,
        "e_value": None,
        "treatment_n": None if hide_n else n,
    })


# --- putting it together -----------------------------------------------------------------------

def analysis(raw: AnalysisResult, threshold: int, hide_before: set[str], hide_variables: set[str],
             start: dict[str, set[str]] | None = None) -> AnalysisResult:
    rows = raw.balance
    hidden = hidden_rows(rows, raw.treatment_n, threshold, start)
    hidden |= {i for i, row in enumerate(rows) if row.variable in hide_variables}
    pool = pool_hidden(raw, threshold)
    balance = []
    for i, row in enumerate(rows):
        if i in hidden:
            row = suppressed_row(row)
        elif row.variable in hide_before or row.variable in pool:
            row = row.model_copy(update={"smd_percent_before": None})
        if row.variable in pool:  # the before-matching difference would give the pool's mean back too
            row = row.model_copy(update={"comparison_mean_before": None})
        balance.append(row)
    measures = {}
    for name, m in raw.measures.items():
        if m.treatment is not None and exposed_measure(name, m, raw.treatment_n, threshold):
            m = suppressed_measure(name, m, threshold)
        measures[name] = m
    over_time = {name: [p.model_copy(update={"result": suppressed_measure(name, p.result, threshold)})
                        if p.result.treatment is not None and exposed_measure(name, p.result, raw.treatment_n, threshold)
                        else p for p in points] for name, points in raw.over_time.items()}
    return raw.model_copy(update={"balance": balance, "measures": measures, "verdicts": worst_verdicts(rows),
                                  "over_time": over_time})


def suppressed_share(share: Share) -> Share:
    return share.model_copy(update={"count": None, "percent": None, "suppressed": True})


def partition(shares: list[Share], total: int, threshold: int, start: set[str] = frozenset()) -> list[Share]:
    """A characteristic's levels (adding up to total) with primary and secondary suppression; a group
    under the threshold lists no levels (which levels occur would itself describe its few people)."""
    if small(total, threshold):
        return []
    counts = [s.count or 0 for s in shares]
    names = [s.level for s in shares]
    hidden = hidden_cells(counts, total, threshold, names, {i for i, s in enumerate(shares) if s.level in start})
    return [suppressed_share(s) if i in hidden else s.model_copy(update={"suppressed": False})
            for i, s in enumerate(shares)]


def needs(profile: GroupProfile, threshold: int, start: set[str] = frozenset()) -> dict:
    """Needs are each a share of those assessed; all hide when the assessed are few. (How many were not
    assessed is published, as in the seeds: 35 of 39.)"""
    assessed = profile.needs_assessed_n or 0
    if threshold > 0 and small(assessed, threshold):
        return {"needs": [suppressed_share(s) for s in profile.needs], "needs_assessed_n": None,
                "needs_assessed_percent": None}
    shown = [suppressed_share(s) if threshold > 0 and (s.level in start or small(s.count or 0, threshold)
                                                       or small(assessed - (s.count or 0), threshold))
             else s.model_copy(update={"suppressed": False}) for s in profile.needs]
    return {"needs": shown}


def group(profile: GroupProfile, threshold: int, start: dict[str, set[str]] | None = None) -> GroupProfile:
    start = start or {}
    update = {f: partition(getattr(profile, f), profile.n, threshold, start.get(f, set())) for f in PROFILE_FIELDS}
    update.update(needs(profile, threshold, {v for v, levels in start.items() if levels & {YES, NO}}))
    return profile.model_copy(update=update)


def profile_hidden(profile: GroupProfile) -> dict[str, set[str]]:
    """The profile's hidden levels per balance variable name (a need's share is its 0/1 number's yes cell)."""
    out = {f: {s.level for s in getattr(profile, f) if s.suppressed} for f in PROFILE_FIELDS}
    for s in profile.needs:
        if s.suppressed:
            out.setdefault(s.level, set()).update({YES, NO})
    return out


def agree(profile: GroupProfile, headline: AnalysisResult, threshold: int, *hides) -> tuple[GroupProfile, AnalysisResult]:
    """The profile's analysed group is the headline treatment group: both tables hide the same cells."""
    agreed: dict[str, set[str]] = {}
    while True:
        shown = group(profile, threshold, agreed)
        result = analysis(headline, threshold, *hides, start=agreed)
        hidden = {i for i, row in enumerate(result.balance) if row.suppressed}
        now = {k: set(v) for k, v in agreed.items()}
        for source in (profile_hidden(shown), hidden_levels(result.balance, hidden)):
            for variable, levels in source.items():
                now.setdefault(variable, set()).update(levels)
        if now == agreed:
            return shown, result
        agreed = now


DATA_VALUE = re.compile(r'\s*"[^"\n]*"|\s*\(\S+ is \d{4}-\d{2}-\d{2}\)')  # a quoted cell; "(20000 is 1954-10-03)"


def public_warning(warning: str) -> str:
    """A warning without the data values it quotes as examples (a date of birth, a start date): the
    terminal shows them to the analyst, results.json publishes only the rows."""
    return DATA_VALUE.sub("", warning)


def suppress(results: Results, threshold: int) -> Results:
    """The Results with every disclosive figure suppressed; every output is made from these."""
    raw = results.analyses
    results = results.model_copy(update={"warnings": [public_warning(w) for w in results.warnings]})
    if threshold <= 0:
        return results.model_copy(update={"suppress_below": 0})
    hide_before = before_hidden(raw, threshold, results.profile.not_analysed if results.profile else None)
    hide_variables = between(raw, threshold)
    analyses = [analysis(a, threshold, hide_before, hide_variables[i]) for i, a in enumerate(raw)]
    profile = results.profile
    if profile is not None:
        analysed = group(profile.analysed, threshold)
        headline = next((i for i, a in enumerate(raw) if a.headline), None)
        if headline is not None:
            analysed, analyses[headline] = agree(profile.analysed, raw[headline], threshold, hide_before,
                                                 hide_variables[headline])
        profile = Profile(analysed=analysed, not_analysed=group(profile.not_analysed, threshold),
                          not_identified_n=profile.not_identified_n)
    return results.model_copy(update={"analyses": analyses, "profile": profile, "suppress_below": threshold})
