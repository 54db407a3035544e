"""Disclosure control: the one place that decides which figures may be published (DESIGN §1.9).

Every output (results.json, report.md/html, the annex, the charts) reads the Results after
`suppress` has run, so none of them decides alone and a suppressed figure is absent everywhere:
it holds null with `suppressed: true` in results.json and prints as '*'.

The rules, with t = report.suppress_below (the disclosure threshold; 0 turns it off):
- Primary: a count of people from 1 to t-1 is suppressed, and so is a count whose complement in
  its group (the group size minus it) is from 1 to t-1 ("37 of 39 are men" gives the 2 women).
- Secondary: the levels of one characteristic add up to the group, so one suppressed level could
  be worked out from the others. Within each such set the smallest published levels are suppressed
  too, until the hidden levels are at least two and hold at least t people together.
- Balance: a participant mean of a 0/1 term is a count (mean x group size) and follows the same
  rules per variable; a suppressed row's standardised differences are null too (they would give
  the mean back). A number's mean is suppressed when fewer than t participants have it recorded.
- Measures: a measure is suppressed (null participant figures, difference, interval, p-value,
  extra test; not reported, reason "suppressed") when its participants number under t, or when the
  people with (or without) the outcome, or the offences counted, number from 1 to t-1.
- A whole evaluation is refused when fewer individuals were submitted than small_groups.min_submitted
  (default 60, never below 30): below that, nothing is published at all.
The ages (youngest and oldest) of the treatment group stay, as in the published reports.
"""

from __future__ import annotations

from engine.errors import Problem, UserError
from engine.results import AnalysisResult, AttritionStep, BalanceRow, GroupProfile, MeasureResult, Profile, Results, Share
from engine.spec.loaded import LoadedSpec

PROPORTIONS = ("rate", "custody", "severity")  # measures in percent of participants
MISSING = "(missing)"


def too_small(loaded: LoadedSpec, attrition: list[AttritionStep]) -> Problem | None:
    """An evaluation of fewer individuals than small_groups.min_submitted (after duplicates). The dry run
    refuses it, so `validate` and `run` agree."""
    steps = {step.step: step for step in attrition}
    individuals = (steps.get("duplicates") or steps["submitted"]).remaining
    minimum = loaded.spec.small_groups.min_submitted
    if individuals >= minimum:
        return None
    line, column = loaded.locate("data.submission")
    return Problem(loaded.display, line, column, "data.submission",
                   f"the submission holds {individuals} individual{'s' if individuals != 1 else ''}; an evaluation "
                   f"needs at least {minimum} (small_groups.min_submitted), so that no one can be identified from "
                   "its figures")


def small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def hidden_cells(counts: list[int], total: int, threshold: int) -> set[int]:
    """Indexes of the cells to suppress in a set of counts that, with any unlisted remainder, add up to total."""
    if threshold <= 0:
        return set()
    hidden = {i for i, c in enumerate(counts) if small(c, threshold) or small(total - c, threshold)}
    remainder = total - sum(counts)  # people in no listed cell: derivable, so it counts as a cell
    while True:
        hidden_people = sum(counts[i] for i in hidden) + max(remainder, 0)
        hidden_cells_n = len(hidden) + (remainder > 0)
        exposed = any(small(counts[i], threshold) for i in hidden) or small(remainder, threshold)
        if not exposed or (hidden_cells_n >= 2 and hidden_people >= threshold):
            return hidden
        candidates = [i for i, c in enumerate(counts) if i not in hidden and c > 0]
        if not candidates:
            return hidden
        hidden.add(min(candidates, key=lambda i: (counts[i], i)))


def suppressed_share(share: Share) -> Share:
    return share.model_copy(update={"count": None, "percent": None, "suppressed": True})


def partition(shares: list[Share], total: int, threshold: int) -> list[Share]:
    """A characteristic's levels (adding up to total) with primary and secondary suppression."""
    counts = [s.count or 0 for s in shares]
    hidden = hidden_cells(counts, total, threshold)
    return [suppressed_share(s) if i in hidden else s.model_copy(update={"suppressed": False})
            for i, s in enumerate(shares)]


def each_alone(shares: list[Share], total: int, threshold: int) -> list[Share]:
    """Shares that do not add up to anything (needs: one person may have several): each against its group."""
    return [suppressed_share(s) if threshold > 0 and (small(s.count or 0, threshold)
                                                      or small(total - (s.count or 0), threshold))
            else s.model_copy(update={"suppressed": False}) for s in shares]


def group(profile: GroupProfile, threshold: int) -> GroupProfile:
    n = profile.n
    needs = profile.needs
    if threshold > 0 and small(profile.needs_assessed_n, threshold):
        needs = [suppressed_share(s) for s in needs]
    else:
        needs = each_alone(needs, profile.needs_assessed_n, threshold)
    return profile.model_copy(update={
        "sex": partition(profile.sex, n, threshold),
        "ethnicity": partition(profile.ethnicity, n, threshold),
        "nationality": partition(profile.nationality, n, threshold),
        "index_year": partition(profile.index_year, n, threshold),
        "sentence": partition(profile.sentence, n, threshold),
        "needs": needs,
    })


def suppressed_row(row: BalanceRow) -> BalanceRow:
    return row.model_copy(update={"treatment_mean": None, "smd_percent": None, "smd_percent_before": None,
                                  "smd_percent_pooled": None, "smd_percent_treated": None, "suppressed": True})


def balance(rows: list[BalanceRow], n: int, threshold: int) -> list[BalanceRow]:
    """Each variable's 0/1 terms as one set of counts; a number's mean needs t recorded values."""
    if threshold <= 0:
        return rows
    out = list(rows)
    variables = dict.fromkeys(row.variable for row in rows)
    for variable in variables:
        indexes = [i for i, row in enumerate(rows) if row.variable == variable]
        if small(n, threshold):
            for i in indexes:
                out[i] = suppressed_row(rows[i])
            continue
        binary = [i for i in indexes if is_count(rows[i])]
        counts = [round((rows[i].treatment_mean or 0.0) * n) for i in binary]
        categorical = any(rows[i].level not in (None, MISSING) for i in binary)
        if categorical:
            hidden = hidden_cells(counts, n, threshold)
        else:  # a 0/1 or number variable's own row and its missing indicator: each against the group
            hidden = {k for k, c in enumerate(counts) if small(c, threshold) or small(n - c, threshold)}
        for k in hidden:
            out[binary[k]] = suppressed_row(rows[binary[k]])
        missing = sum(c for k, c in enumerate(counts) if rows[binary[k]].level == MISSING)
        for i in indexes:
            if i not in binary and small(n - missing, threshold):
                out[i] = suppressed_row(rows[i])
    return out


def is_count(row: BalanceRow) -> bool:
    """A 0/1 term (a level, a missing indicator, a 0/1 variable): its mean times n counts people."""
    means = (row.treatment_mean, row.comparison_mean, row.comparison_mean_before)
    # a number whose means all lie in [0, 1] is taken for 0/1: at worst a proportion is over-suppressed
    return row.binary or row.level is not None or all(m is not None and 0 <= m <= 1 for m in means)


def measure(name: str, result: MeasureResult, threshold: int) -> MeasureResult:
    if threshold <= 0 or result.treatment is None:
        return result
    n = result.treatment_n
    exposed = n < threshold
    if name in PROPORTIONS:
        having = round(result.treatment * n / 100)
        exposed |= small(having, threshold) or small(n - having, threshold)
    elif name == "frequency":
        exposed |= small(round(result.treatment * n), threshold)
    if not exposed:
        return result
    return result.model_copy(update={
        "treatment": None, "difference": None, "ci_low": None, "ci_high": None, "p_value": None,
        "significant": False, "state": "not_significant", "required_treatment_n": None,
        "degrees_of_freedom": None, "reported": False, "headline": False, "extra_test": None,
        "not_reported_reason": result.not_reported_reason or "suppressed", "decided_by": None, "suppressed": True,
        "treatment_n": None if small(n, threshold) else n,
    })


def analysis(result: AnalysisResult, threshold: int) -> AnalysisResult:
    return result.model_copy(update={
        "balance": balance(result.balance, result.treatment_n, threshold),
        "measures": {name: measure(name, m, threshold) for name, m in result.measures.items()},
    })


def suppress(results: Results, threshold: int) -> Results:
    """The Results with every disclosive figure suppressed; every output is made from these."""
    profile = results.profile
    if profile is not None:
        profile = Profile(analysed=group(profile.analysed, threshold),
                          not_analysed=group(profile.not_analysed, threshold),
                          not_identified_n=profile.not_identified_n)
    return results.model_copy(update={
        "analyses": [analysis(a, threshold) for a in results.analyses],
        "profile": profile,
        "suppress_below": threshold,
    })
