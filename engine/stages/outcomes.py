"""Outcome measures: participants against their weighted comparison group (DESIGN §1.6).

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
- Reporting (the n.p >= 10 rule): rate, custody and severity are reported when participants
  x proportion (the count of participants with the outcome) reaches
  small_groups.min_expected_count; frequency and time when the participants' re-offenders do
  (as the JDL does). A measure whose test cannot be computed (a single participant, an
  effective comparison size of one: "untestable"), or a frequency or time with no variance in
  a group ("no_variance"), is not reported either: `reported` is false with its
  `not_reported_reason`, `significant` is false and its interval and p-value are null, so no
  output can call it significant and results.json never holds NaN.
- Which test decides (`decided_by`; the Welch figures always stay in ci_low/ci_high/p_value):
  * rate, custody, severity: Welch, except when either group's proportion is 0% or 100%:
    then Newcombe's score interval and its p-value decide ("score"), and the report states
    that interval.
  * frequency: a significant difference needs both the Welch test and the bootstrap test
    (significance.py) to reject, because Welch alone rejects a true null 11-16% of the time on
    counts this skewed. decided_by names the bootstrap when its p-value is the larger (the one
    that binds), so the verdict's own p-value never contradicts it; otherwise Welch decided.
  * time to first re-offence: Welch.
  benchmarks/type1.py measures every claim's false-positive rate under no effect.
- Extra test for small groups: the bootstrap test; "exact" uses an exact binomial test for the
  rate and the bootstrap test for the other measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.errors import AnalysisError
from engine.results import DecidingTest, ExtraTest, MeasureResult, NotReportedReason
from engine.spec.models import Spec
from engine.stages.power import required_treatment_n
from engine.stages.significance import (
    WelchTest,
    bootstrap_p_value,
    effective_n,
    newcombe,
    newcombe_p_value,
    weighted_mean,
    weighted_welch,
)

SERIOUS_SEVERITY = ("serious", "high")
PROPORTION_MEASURES = ("rate", "custody", "severity")
MEASURE_COLUMN = {
    "rate": "reoffended",
    "frequency": "reoffences",
    "time_to_first_reoffence": "days_to_first_reoffence",
    "custody": "reoffence_custody",
    "severity": "reoffence_severity",
}


def measure_values(frame: pd.DataFrame, measure: str, spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """Per-person values of a measure and which rows it covers (time: re-offenders only)."""
    column = MEASURE_COLUMN[measure]
    needed = [column] + (["reoffended"] if measure in ("time_to_first_reoffence", "custody") else [])
    for name in needed:
        if name not in frame.columns:
            file_column = getattr(spec.data.columns, name, name)
            raise AnalysisError(f'measure {measure} needs the column "{file_column}", which the reference data does not have')
    rows = np.ones(len(frame), dtype=bool)
    if measure == "rate":
        values = _numbers(frame, column) * 100.0
    elif measure == "frequency":
        values = _numbers(frame, column)
    elif measure == "time_to_first_reoffence":
        rows = _numbers(frame, "reoffended") == 1
        values = _numbers(frame, column)
        if np.isnan(values[rows]).any():
            raise AnalysisError(f'a re-offender has no "{spec.data.columns.days_to_first_reoffence}" value')
    elif measure == "custody":
        values = _numbers(frame, column)
        reoffended = _numbers(frame, "reoffended") == 1
        if np.isnan(values[reoffended]).any():
            raise AnalysisError(f'a re-offender has no "{spec.data.columns.reoffence_custody}" value')
        values = np.where(np.isnan(values), 0.0, values) * 100.0
    else:  # severity
        text = frame[column].astype("string").str.strip().str.lower()
        values = text.isin(SERIOUS_SEVERITY).fillna(False).to_numpy(dtype=bool).astype(float) * 100.0
    return values, rows


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def measure_results(
    treated: pd.DataFrame, pool: pd.DataFrame, weights: np.ndarray, treated_matched: np.ndarray, spec: Spec
) -> dict[str, MeasureResult]:
    """Every measure of one analysis, in spec.measures order."""
    participants = treated.loc[np.asarray(treated_matched, dtype=bool)]
    w_all = np.asarray(weights, dtype=float)
    outcome_columns = [c for c in dict.fromkeys(MEASURE_COLUMN.values()) if c in pool.columns]
    matched_pool = pool.loc[w_all > 0, outcome_columns]  # only what the measures read: the pool has millions of rows
    w_matched = w_all[w_all > 0]
    if "reoffended" not in participants.columns:
        raise AnalysisError(f'the measures need the column "{spec.data.columns.reoffended}", which the reference data does not have')
    reoffenders = int((_numbers(participants, "reoffended") == 1).sum())
    results = {}
    for measure in spec.measures:
        x_t, rows_t = measure_values(participants, measure, spec)
        x_c, rows_c = measure_values(matched_pool, measure, spec)
        results[measure] = _one_measure(measure, x_t[rows_t], x_c[rows_c], w_matched[rows_c], reoffenders, spec)
    return results


def _not_reported_reason(
    measure: str, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, test: WelchTest | None, expected: float, spec: Spec
) -> NotReportedReason | None:
    """Why the report may not state this measure (None: it may)."""
    if expected < spec.small_groups.min_expected_count:
        return "too_few_events"
    if test is None:
        return "no_variance" if len(x_t) > 1 and effective_n(w_c) > 1 else "untestable"
    if measure not in PROPORTION_MEASURES and (np.ptp(x_t) == 0 or np.ptp(x_c[w_c > 0]) == 0):
        return "no_variance"  # a mean with no spread in one group: Welch would lean on the other alone
    return None


def _decide(
    measure: str, test: WelchTest, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, spec: Spec
) -> tuple[bool, DecidingTest | None]:
    """Is the difference significant, and which test's verdict is that (None: Welch's)?"""
    alpha = spec.statistics.significance_level
    if measure in PROPORTION_MEASURES:
        p_t, p_c = test.treatment / 100.0, test.comparison / 100.0
        if min(p_t, p_c) <= 0.0 or max(p_t, p_c) >= 1.0:
            n_t, n_c = len(x_t), test.comparison_effective_n
            low, high = newcombe(p_t, n_t, p_c, n_c, alpha)
            p = newcombe_p_value(p_t, n_t, p_c, n_c)
            return p <= alpha, DecidingTest(test="score", p_value=p, ci_low=100.0 * low, ci_high=100.0 * high)
    if measure == "frequency":
        small = spec.small_groups
        p = bootstrap_p_value(x_t, x_c, w_c, small.resampling_draws, small.random_seed)
        if p is not None and p > test.p_value:
            return test.p_value <= alpha and p <= alpha, DecidingTest(test="bootstrap", p_value=p)
    return test.p_value <= alpha, None


def _one_measure(
    measure: str, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, reoffenders: int, spec: Spec
) -> MeasureResult:
    alpha = spec.statistics.significance_level
    small = spec.small_groups
    n_t = len(x_t)
    comparison_n = int(np.count_nonzero(w_c > 0))
    test = weighted_welch(x_t, x_c, w_c, alpha)
    if measure in PROPORTION_MEASURES:
        expected = float(np.sum(x_t)) / 100.0  # participants x proportion
    else:
        expected = float(reoffenders)
    reason = _not_reported_reason(measure, x_t, x_c, w_c, test, expected, spec)
    reported = reason is None
    if measure == "time_to_first_reoffence":
        enough = n_t >= small.min_reoffenders_for_time or small.show_time_when_small
        headline = reported and enough
    else:
        headline = reported and measure in ("rate", "frequency")
    extra = None
    if small.extra_test != "none" and n_t < small.min_reoffenders_for_time:
        extra = _extra_test(measure, x_t, x_c, w_c, spec)
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
    significant, decided_by = _decide(measure, test, x_t, x_c, w_c, spec)
    state = "not_significant"
    if significant and test.difference < 0:
        state = "decrease"
    elif significant and test.difference > 0:
        state = "increase"
    required = None
    if measure == "rate" and reported and not significant:  # an unreported rate gets no sentence
        required = required_treatment_n(
            test.treatment / 100.0, test.comparison / 100.0, test.comparison_effective_n, alpha, spec.statistics.power
        )
    return MeasureResult(
        treatment_n=n_t, comparison_n=comparison_n, treatment=test.treatment, comparison=test.comparison,
        difference=test.difference, ci_low=test.ci_low, ci_high=test.ci_high, p_value=test.p_value,
        significant=significant, state=state, required_treatment_n=required,
        comparison_effective_n=test.comparison_effective_n, degrees_of_freedom=test.degrees_of_freedom,
        reported=reported, headline=headline, extra_test=extra, decided_by=decided_by,
    )  # fmt: skip


def _extra_test(measure: str, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, spec: Spec) -> ExtraTest | None:
    """The small-group check beside the t-test (None when a group is empty)."""
    small = spec.small_groups
    alpha = spec.statistics.significance_level
    if small.extra_test == "exact" and measure == "rate" and len(x_t) and np.sum(w_c) > 0:
        p_c = float(np.sum(w_c * x_c) / np.sum(w_c)) / 100.0
        k = int(round(float(np.sum(x_t)) / 100.0))
        from scipy.stats import binomtest  # only for the exact test: scipy.stats takes 0.5 s to import

        p = float(binomtest(k, len(x_t), min(max(p_c, 0.0), 1.0)).pvalue)
        return ExtraTest(name="exact binomial test", p_value=p, significant=p <= alpha)
    p = bootstrap_p_value(x_t, x_c, w_c, small.resampling_draws, small.random_seed)
    if p is None:
        return None
    return ExtraTest(name="resampling test", p_value=p, significant=p <= alpha)
