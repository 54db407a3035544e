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
  (as the JDL does). A measure whose test cannot be computed (a single participant, no
  re-offenders, no variance in either group, an effective comparison size of one) is not
  reported either; its interval, p-value and degrees of freedom are null, so that results.json
  never holds NaN and no template can print an invented interval.
- Extra test for small groups: see `resampling_p_value`; "exact" uses an exact binomial test
  for the rate and the resampling test for the other measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from engine.errors import AnalysisError
from engine.results import ExtraTest, MeasureResult
from engine.spec.models import Spec
from engine.stages.power import required_treatment_n

SERIOUS_SEVERITY = ("serious", "high")
PROPORTION_MEASURES = ("rate", "custody", "severity")
MEASURE_COLUMN = {
    "rate": "reoffended",
    "frequency": "reoffences",
    "time_to_first_reoffence": "days_to_first_reoffence",
    "custody": "reoffence_custody",
    "severity": "reoffence_severity",
}


@dataclass(frozen=True)
class WelchTest:
    """A weighted Welch comparison: treatment mean minus weighted comparison mean."""

    treatment: float
    comparison: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    degrees_of_freedom: float
    comparison_effective_n: float


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2; 0 for no weight."""
    w = np.asarray(weights, dtype=float)
    total_sq = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / total_sq if total_sq > 0 else 0.0


def weighted_variance(x: np.ndarray, weights: np.ndarray) -> float:
    """Reliability-weights unbiased variance; NaN when it is undefined (effective size <= 1)."""
    w = np.asarray(weights, dtype=float)
    x = np.asarray(x, dtype=float)
    total = float(np.sum(w))
    if total <= 0:
        return float("nan")
    mean = float(np.sum(w * x)) / total
    denominator = total - float(np.sum(w * w)) / total
    if denominator <= 0:
        return float("nan")
    return float(np.sum(w * (x - mean) ** 2)) / denominator


def weighted_welch(treatment: np.ndarray, comparison: np.ndarray, weights: np.ndarray, alpha: float) -> WelchTest | None:
    """Welch test with the comparison at its effective size; None when it cannot be computed."""
    x_t = np.asarray(treatment, dtype=float)
    x_c = np.asarray(comparison, dtype=float)
    w = np.asarray(weights, dtype=float)
    n_t = len(x_t)
    n_eff = effective_n(w)
    if n_t < 2 or n_eff <= 1:
        return None
    v_t = float(np.var(x_t, ddof=1))
    v_c = weighted_variance(x_c, w)
    a, b = v_t / n_t, v_c / n_eff
    se2 = a + b
    if not np.isfinite(se2) or se2 <= 0:
        return None
    mean_t = float(np.mean(x_t))
    mean_c = float(np.sum(w * x_c) / np.sum(w))
    diff = mean_t - mean_c
    df = se2 * se2 / (a * a / (n_t - 1) + b * b / (n_eff - 1))
    se = float(np.sqrt(se2))
    half = float(special.stdtrit(df, 1.0 - alpha / 2.0)) * se  # scipy.stats.t.ppf, without importing scipy.stats
    p = float(2.0 * special.stdtr(df, -abs(diff) / se))  # t.sf
    return WelchTest(mean_t, mean_c, diff, diff - half, diff + half, min(p, 1.0), float(df), n_eff)


def resampling_p_value(
    treatment: np.ndarray, comparison: np.ndarray, weights: np.ndarray, draws: int, seed: int
) -> float | None:
    """Two-sided Monte Carlo test of the participants' mean against the matched comparison group.

    Under no effect, the participants' outcomes are a sample from the comparison group's
    (weighted) distribution. So draw `draws` groups of as many records as there are participants
    from the comparison records, each with probability proportional to its matching weight, and
    count how often such a group's mean lies as far from the comparison mean as the participants'
    does. Unlike relabelling (a permutation test), this respects very unequal radius-matching
    weights, and it needs no assumption about the shape of the distribution, which is the doubt
    about a t-test on a dozen skewed times. For a 0/1 outcome it is the exact binomial test,
    estimated by simulation. p = (1 + #{|D*| >= |D|}) / (1 + draws), never 0 (Phipson & Smyth
    2010). Seeded, so it repeats exactly.
    """
    x_t = np.asarray(treatment, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = w > 0
    x_c, w_c = np.asarray(comparison, dtype=float)[keep], w[keep]
    if len(x_t) == 0 or len(x_c) == 0:
        return None
    probability = w_c / w_c.sum()
    centre = float(np.dot(probability, x_c))
    observed = abs(float(np.mean(x_t)) - centre)
    rng = np.random.default_rng(seed)
    exceed = 0
    per_batch = max(1, 2_000_000 // len(x_t))  # bounded memory for large groups
    for start in range(0, draws, per_batch):
        batch = min(per_batch, draws - start)
        drawn = rng.choice(len(x_c), size=(batch, len(x_t)), p=probability)
        distance = np.abs(x_c[drawn].mean(axis=1) - centre)
        exceed += int(np.count_nonzero(distance >= observed - 1e-12 * max(1.0, observed)))
    return (1 + exceed) / (1 + draws)


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
    matched_pool = pool.loc[w_all > 0]
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
    reported = test is not None and expected >= small.min_expected_count
    if measure == "time_to_first_reoffence":
        enough = n_t >= small.min_reoffenders_for_time or small.show_time_when_small
        headline = reported and enough
    else:
        headline = reported and measure in ("rate", "frequency")
    extra = None
    if small.extra_test != "none" and n_t < small.min_reoffenders_for_time:
        extra = _extra_test(measure, x_t, x_c, w_c, spec)
    if test is None:
        mean_t = float(np.mean(x_t)) if n_t else 0.0
        mean_c = float(np.sum(w_c * x_c) / np.sum(w_c)) if np.sum(w_c) > 0 else 0.0
        diff = mean_t - mean_c
        return MeasureResult(
            treatment_n=n_t, comparison_n=comparison_n, treatment=mean_t, comparison=mean_c, difference=diff,
            ci_low=None, ci_high=None, p_value=None, significant=False, state="not_significant",
            required_treatment_n=None, comparison_effective_n=effective_n(w_c), degrees_of_freedom=None,
            reported=False, headline=False, extra_test=extra,
        )  # fmt: skip
    significant = test.p_value <= alpha
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
        reported=reported, headline=headline, extra_test=extra,
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
    p = resampling_p_value(x_t, x_c, w_c, small.resampling_draws, small.random_seed)
    if p is None:
        return None
    return ExtraTest(name="resampling test", p_value=p, significant=p <= alpha)
