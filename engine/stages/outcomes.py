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
from engine.measures import EVENT_COLUMN, MEASURES, OUTCOME_COLUMNS, PER_HUNDRED, PRIMARY, columns_read
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

def measure_values(frame: pd.DataFrame, name: str, spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """Per-person values of a measure (proportions in percent) and which rows it covers (engine.measures:
    a "days" measure covers the people with the event only)."""
    m = MEASURES[name]
    for column in columns_read(name):
        if column not in frame.columns:
            file_column = getattr(spec.data.columns, column, column)
            raise AnalysisError(f'measure {name} needs the column "{file_column}", which the reference data does not have')
    rows = np.ones(len(frame), dtype=bool)
    event = _numbers(frame, EVENT_COLUMN) == 1 if m.needs_event_column else None
    if m.events:  # a text column: the event is one of these values
        text = frame[m.column].astype("string").str.strip().str.lower()
        values = text.isin(m.events).fillna(False).to_numpy(dtype=bool).astype(float)
    else:
        values = _numbers(frame, m.column)
    if event is not None:
        if np.isnan(values[event]).any():
            raise AnalysisError(f'a re-offender has no "{getattr(spec.data.columns, m.column, m.column)}" value')
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
    outcome_columns = [c for c in OUTCOME_COLUMNS if c in pool.columns]
    matched_pool = pool.loc[w_all > 0, outcome_columns]  # only what the measures read: the pool has millions of rows
    w_matched = w_all[w_all > 0]
    if EVENT_COLUMN not in participants.columns:
        raise AnalysisError(f'the measures need the column "{getattr(spec.data.columns, EVENT_COLUMN)}", which the '
                            'reference data does not have')
    reoffenders = int((_numbers(participants, EVENT_COLUMN) == 1).sum())
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
    if MEASURES[measure].kind != "proportion" and (np.ptp(x_t) == 0 or np.ptp(x_c[w_c > 0]) == 0):
        return "no_variance"  # a mean with no spread in one group: Welch would lean on the other alone
    return None


def _decide(
    measure: str, test: WelchTest, x_t: np.ndarray, x_c: np.ndarray, w_c: np.ndarray, spec: Spec
) -> tuple[bool, DecidingTest | None]:
    """Is the difference significant, and which test's verdict is that (None: Welch's)?"""
    alpha = spec.statistics.significance_level
    if MEASURES[measure].kind == "proportion":
        p_t, p_c = test.treatment / PER_HUNDRED, test.comparison / PER_HUNDRED
        if min(p_t, p_c) <= 0.0 or max(p_t, p_c) >= 1.0:
            n_t, n_c = len(x_t), test.comparison_effective_n
            low, high = newcombe(p_t, n_t, p_c, n_c, alpha)
            p = newcombe_p_value(p_t, n_t, p_c, n_c)
            return p <= alpha, DecidingTest(test="score", p_value=p, ci_low=PER_HUNDRED * low, ci_high=PER_HUNDRED * high)
    if MEASURES[measure].kind == "count":
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
    kind = MEASURES[measure].kind
    if kind == "proportion":
        expected = float(np.sum(x_t)) / PER_HUNDRED  # participants x proportion
    else:
        expected = float(reoffenders)
    reason = _not_reported_reason(measure, x_t, x_c, w_c, test, expected, spec)
    reported = reason is None
    if kind == "days":
        enough = n_t >= small.min_reoffenders_for_time or small.show_time_when_small
        headline = reported and enough
    else:
        headline = reported and MEASURES[measure].headline
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
    if measure == PRIMARY and reported and not significant:  # an unreported rate gets no sentence
        required = required_treatment_n(
            test.treatment / PER_HUNDRED, test.comparison / PER_HUNDRED, test.comparison_effective_n, alpha, spec.statistics.power
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
    if small.extra_test == "exact" and measure == PRIMARY and len(x_t) and np.sum(w_c) > 0:
        p_c = float(np.sum(w_c * x_c) / np.sum(w_c)) / PER_HUNDRED
        k = int(round(float(np.sum(x_t)) / PER_HUNDRED))
        from scipy.stats import binomtest  # only for the exact test: scipy.stats takes 0.5 s to import

        p = float(binomtest(k, len(x_t), min(max(p_c, 0.0), 1.0)).pvalue)
        return ExtraTest(name="exact binomial test", p_value=p, significant=p <= alpha)
    p = bootstrap_p_value(x_t, x_c, w_c, small.resampling_draws, small.random_seed)
    if p is None:
        return None
    return ExtraTest(name="resampling test", p_value=p, significant=p <= alpha)
