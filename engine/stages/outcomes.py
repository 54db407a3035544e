"""Outcome measures: participants against their weighted comparison group (docs/architecture.md §1.6).

Each measure is a per-person value (rate, custody and severity in percent, frequency in
re-offences, time in days). The participants' mean is compared with the comparison group's
weighted mean by a Welch t-test in which the comparison group counts as its effective size,
because radius matching gives a large group with very unequal weights and counting records
would overstate its precision.

Choices (the brief left them open; they are the documented behaviour):
- Comparison variance: the unbiased "reliability weights" form
  sum w (x - m)^2 / (sum w - sum w^2 / sum w); with equal weights it is the ordinary
  ddof=1 variance, so the same data give the same answer as an unweighted Welch test.
  Participants' variance is the ordinary ddof=1 variance.
- Severity: a re-offence is serious when `reoffence_severity` (trimmed, any case) is
  "serious" or "high"; anything else, or empty, is not serious.
- Custody: empty `reoffence_custody` counts as 0 for non-re-offenders; it is an error for a
  re-offender (we will not guess whether they went to custody).
- Reporting (the n.p >= 10 rule): a measure is reported when the people expected to have the
  outcome without the programme, the participants x the comparison group's proportion (the
  measure's own for a proportion; the event's, re-offending, for counts and days), reaches
  small_groups.min_expected_count. The rule does not look at the participants' outcomes: counting
  the participants' own events (as before) selected the groups that happened to re-offend more, so
  that at 25 participants 3.5-9.2% of the reported rates were false "increases" and none a decrease
  (issue 22's audit; benchmarks/type1.py gives the rate among reported results now). A measure whose comparison group's effective size is below
  small_groups.min_comparison_effective_n is not reported either ("small_comparison": its spread
  cannot be estimated; 5 records of effective size 1.23 gave intervals of +-3.9 million points).
  Nor is a measure whose test cannot be computed (a single participant: "untestable"), or a
  frequency or time with no variance in a group ("no_variance"): `reported` is false with its
  `not_reported_reason`, `significant` is false and its interval and p-value are null, so no
  output can call it significant and results.json never holds NaN.
- Which test decides (`decided_by`; the Welch figures always stay in ci_low/ci_high/p_value):
  * rate, custody, severity: Welch, except when either group's proportion is 0% or 100%:
    then Newcombe's score interval and its p-value decide ("score", welch_valid false), and the
    report states that interval.
  * frequency (kind "count"): the equal-tailed bootstrap test (engine.stages.resampling) decides,
    with its own interval, because Welch rejects a true null 11-16% of the time on counts this
    skewed. The report keeps Welch's interval where it agrees with the verdict
    (MeasureResult.stated_low).
  * time to first re-offence: Welch.
  benchmarks/type1.py measures every claim's false-positive rate under no effect, and the power
  of the rate and frequency tests at a 25% reduction.
- Extra test for small groups: the bootstrap test; "exact" uses an exact binomial test for the
  rate and the bootstrap test for the other measures. Every bootstrap draws until its verdict is
  settled, so the verdict does not depend on the seed (its Monte Carlo interval is kept).
- E-values (statistics.e_values): for each significant headline measure, from the interval the
  report states (engine.stages.evalues).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engine.errors import AnalysisError
from engine.measures import MEASURES, PER_HUNDRED, PRIMARY, outcome_columns
from engine.results import DecidingTest, ExtraTest, MeasureResult, MonteCarlo, NotReportedReason, TimePoint
from engine.spec.models import Spec
from engine.stages.evalues import measure_e_value, pooled_sd
from engine.stages.power import required_treatment_n
from engine.stages.resampling import Bootstrap, bootstrap_test
from engine.stages.significance import (
    WelchTest,
    effective_n,
    newcombe,
    newcombe_p_value,
    weighted_mean,
    weighted_variance,
    weighted_welch,
)

def measure_values(frame: pd.DataFrame, name: str, spec: Spec, column: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-person values of a measure (proportions in percent) and which rows it covers (engine.measures:
    a "days" measure covers the people with the event only); `column`: the measure at another time point."""
    m = MEASURES[name] if column is None else replace(MEASURES[name], column=column)
    for column in [m.column] + ([m.event_column] if m.needs_event_column else []):
        if column not in frame.columns:
            file_column = getattr(spec.data.columns, column, column)
            raise AnalysisError(f'measure {name} needs the column "{file_column}", which the reference data does not have')
    rows = np.ones(len(frame), dtype=bool)
    event = _numbers(frame, m.event_column) == 1 if m.needs_event_column else None
    if m.events:  # a text column: the event is one of these values
        text = frame[m.column].astype("string").str.strip().str.lower()
        values = text.isin(m.events).fillna(False).to_numpy(dtype=bool).astype(float)
    else:
        values = _numbers(frame, m.column)
    if event is not None:
        if np.isnan(values[event]).any():
            who = "a re-offender" if m.event_column == "reoffended" else f"a person with {m.event_column} 1"
            raise AnalysisError(f'{who} has no "{getattr(spec.data.columns, m.column, m.column)}" value')
        if m.among_event:
            rows = event
        else:  # empty without the event means no
            values = np.where(np.isnan(values), 0.0, values)
    if m.kind == "proportion":
        values = values * PER_HUNDRED
    return values, rows


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def measure_results(
    treated: pd.DataFrame, pool: pd.DataFrame, weights: np.ndarray, treated_matched: np.ndarray, spec: Spec
) -> dict[str, MeasureResult]:
    """Every measure of one analysis, in spec.measures order."""
    participants = treated.loc[np.asarray(treated_matched, dtype=bool)]
    w_all = np.asarray(weights, dtype=float)
    columns = [c for c in outcome_columns() if c in pool.columns]
    matched_pool = pool.loc[w_all > 0, columns]  # only what the measures read: the pool has millions of rows
    w_matched = w_all[w_all > 0]
    return {measure: _measured(measure, participants, matched_pool, w_matched, spec) for measure in spec.measures}


def over_time_results(
    treated: pd.DataFrame, pool: pd.DataFrame, weights: np.ndarray, treated_matched: np.ndarray, spec: Spec
) -> dict[str, list[TimePoint]]:
    """Each declared measure with time points (outcome_measures.*.over_time), at every point, earliest first:
    the same matched groups compared on the column measured then."""
    participants = treated.loc[np.asarray(treated_matched, dtype=bool)]
    w_all = np.asarray(weights, dtype=float)
    matched_pool = pool.loc[w_all > 0, [c for c in outcome_columns() if c in pool.columns]]
    found = {}
    for measure in spec.measures:
        declared = spec.outcome_measures.get(measure)
        if declared is not None and declared.over_time:
            found[measure] = [TimePoint(months=months, result=_measured(measure, participants, matched_pool,
                                                                        w_all[w_all > 0], spec, column))
                              for months, column in declared.time_points()]
    return found


def _measured(measure: str, participants: pd.DataFrame, matched_pool: pd.DataFrame, w_matched: np.ndarray,
              spec: Spec, column: str | None = None) -> MeasureResult:
    x_t, rows_t = measure_values(participants, measure, spec, column)
    x_c, rows_c = measure_values(matched_pool, measure, spec, column)
    rate = _comparison_rate(measure, matched_pool, x_c, w_matched, spec)
    expected = len(participants) * rate  # people expected to have the outcome without the programme
    return _one_measure(measure, x_t[rows_t], x_c[rows_c], w_matched[rows_c], expected, spec)


def _comparison_rate(measure: str, pool: pd.DataFrame, x_c: np.ndarray, w: np.ndarray, spec: Spec) -> float:
    """The weighted share of the comparison group with the outcome: the measure's own for a proportion; for
    counts and days the share with its event (re-offending for the built-in ones), and for a declared mean the
    share with any of it (a value above 0)."""
    if w.sum() <= 0:
        return 0.0
    m = MEASURES[measure]
    if m.kind == "proportion":
        having = x_c / PER_HUNDRED
    elif m.kind == "mean":
        having = np.nan_to_num(x_c) > 0
    else:
        if m.event_column not in pool.columns:
            column = getattr(spec.data.columns, m.event_column, m.event_column)
            raise AnalysisError(f'the measure {measure} needs the column "{column}", which the reference data does '
                                'not have')
        having = _numbers(pool, m.event_column) == 1
    return float(np.dot(w, having) / w.sum())


def _not_reported_reason(
    measure: str, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, test: WelchTest | None, expected: float, spec: Spec
) -> NotReportedReason | None:
    """Why the report may not state this measure (None: it may)."""
    small = spec.small_groups
    n_eff = effective_n(w_c)
    if expected < small.min_expected_count:
        return "too_few_events"
    if n_eff < small.min_comparison_effective_n:
        return "small_comparison"
    if test is None:
        return "no_variance" if len(x_t) > 1 and n_eff > 1 else "untestable"
    if MEASURES[measure].kind != "proportion" and (np.ptp(x_t) == 0 or np.ptp(x_c[w_c > 0]) == 0):
        return "no_variance"  # a mean with no spread in one group: Welch would lean on the other alone
    return None


def _monte_carlo(boot: Bootstrap) -> MonteCarlo:
    return MonteCarlo(draws=boot.draws, p_value_low=boot.p_low, p_value_high=boot.p_high)


def _decide(
    measure: str, test: WelchTest, n_t: int, boot: Bootstrap | None, alpha: float
) -> tuple[bool, DecidingTest | None]:
    """Is the difference significant, and which test's verdict is that (None: Welch's)?"""
    kind = MEASURES[measure].kind
    if kind == "proportion":
        p_t, p_c = test.treatment / PER_HUNDRED, test.comparison / PER_HUNDRED
        if min(p_t, p_c) <= 0.0 or max(p_t, p_c) >= 1.0:
            n_c = test.comparison_effective_n
            low, high = newcombe(p_t, n_t, p_c, n_c, alpha)
            p = newcombe_p_value(p_t, n_t, p_c, n_c)
            return p <= alpha, DecidingTest(test="score", p_value=p, ci_low=PER_HUNDRED * low,
                                            ci_high=PER_HUNDRED * high, welch_valid=False)
    if kind == "count" and boot is not None:
        return boot.significant, DecidingTest(
            test="bootstrap", p_value=boot.p_value, ci_low=boot.ci_low, ci_high=boot.ci_high,
            monte_carlo=_monte_carlo(boot), inconclusive=boot.verdict == "inconclusive")
    return test.p_value <= alpha, None


def _one_measure(
    measure: str, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, expected: float, spec: Spec
) -> MeasureResult:
    alpha = spec.statistics.significance_level
    small = spec.small_groups
    n_t = len(x_t)
    comparison_n = int(np.count_nonzero(w_c > 0))
    test = weighted_welch(x_t, x_c, w_c, alpha)
    reason = _not_reported_reason(measure, x_t, x_c, w_c, test, expected, spec)
    reported = reason is None
    if MEASURES[measure].among_event:
        enough = n_t >= small.min_reoffenders_for_time or small.show_time_when_small
        headline = reported and enough and MEASURES[measure].headline
    else:
        headline = reported and MEASURES[measure].headline
    checked = small.extra_test != "none" and n_t < small.min_reoffenders_for_time
    exact = small.extra_test == "exact" and measure == PRIMARY
    boot = None  # one bootstrap serves both the frequency's verdict and the extra test
    if (reported and MEASURES[measure].kind == "count") or (checked and not exact):
        boot = bootstrap_test(x_t, x_c, w_c, alpha, small.resampling_draws, small.random_seed)
    extra = _extra_test(x_t, x_c, w_c, boot, exact, spec) if checked else None
    if not reported:
        mean_t = float(np.mean(x_t)) if n_t else 0.0
        mean_c = weighted_mean(x_c, w_c) if np.sum(w_c) > 0 else 0.0
        diff = mean_t - mean_c
        return MeasureResult(
            treatment_n=n_t, comparison_n=comparison_n, treatment=mean_t, comparison=mean_c, difference=diff,
            ci_low=None, ci_high=None, p_value=None, significant=False, state="not_significant",
            required_treatment_n=None, comparison_effective_n=effective_n(w_c), degrees_of_freedom=None,
            reported=False, headline=False, extra_test=extra, not_reported_reason=reason,
        )  # fmt: skip
    significant, decided_by = _decide(measure, test, n_t, boot, alpha)
    state = "not_significant"
    if significant and test.difference < 0:
        state = "decrease"
    elif significant and test.difference > 0:
        state = "increase"
    required = None
    if measure == PRIMARY and not significant:
        required = required_treatment_n(test.treatment / PER_HUNDRED, test.comparison / PER_HUNDRED,
                                        test.comparison_effective_n, alpha, spec.statistics.power)
    result = MeasureResult(
        treatment_n=n_t, comparison_n=comparison_n, treatment=test.treatment, comparison=test.comparison,
        difference=test.difference, ci_low=test.ci_low, ci_high=test.ci_high, p_value=test.p_value,
        significant=significant, state=state, required_treatment_n=required,
        comparison_effective_n=test.comparison_effective_n, degrees_of_freedom=test.degrees_of_freedom,
        reported=reported, headline=headline, extra_test=extra, decided_by=decided_by,
    )  # fmt: skip
    if spec.statistics.e_values and significant and headline:
        result = result.model_copy(update={"e_value": _e_value(measure, result, x_t, x_c, w_c)})
    return result


def _e_value(measure: str, result: MeasureResult, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray):
    """The E-values of the interval the report states (engine.stages.evalues)."""
    kind = MEASURES[measure].kind
    sd = None
    if kind != "proportion":
        var_t, var_c = float(np.var(x_t, ddof=1)), weighted_variance(x_c, w_c)
        sd = pooled_sd(var_t, len(x_t), var_c, result.comparison_effective_n)
    return measure_e_value(kind, result.treatment, result.comparison, result.stated_low, result.stated_high, sd)


def _extra_test(
    x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, boot: Bootstrap | None, exact: bool, spec: Spec
) -> ExtraTest | None:
    """The small-group check beside the t-test (None when a group is empty)."""
    alpha = spec.statistics.significance_level
    if exact:
        if not len(x_t) or np.sum(w_c) <= 0:
            return None
        p_c = float(np.sum(w_c * x_c) / np.sum(w_c)) / PER_HUNDRED
        k = int(round(float(np.sum(x_t)) / PER_HUNDRED))
        from scipy.stats import binomtest  # only for the exact test: scipy.stats takes 0.5 s to import

        p = float(binomtest(k, len(x_t), min(max(p_c, 0.0), 1.0)).pvalue)
        return ExtraTest(name="exact binomial test", p_value=p, significant=p <= alpha)
    if boot is None:
        return None
    return ExtraTest(name="resampling test", p_value=boot.p_value, significant=boot.significant,
                     monte_carlo=_monte_carlo(boot), inconclusive=boot.verdict == "inconclusive")
