"""Balance of the matching variables (docs/architecture.md §1.5): how alike the two groups are, before and after.

One row per number and per level of each category (all levels, the reference level included,
plus the missing indicators), so the annex shows every group the model saw. Each row carries the
standardised difference in both conventions (`balance.convention` picks the one the verdicts and
the report use; the annex prints both):

- pooled (the Justice Data Lab's published convention, the default): 100 × (mean_t − mean_c) /
  √((var_t + var_c) / 2), the comparison's mean and variance weighted by the matching weights,
  0/1 terms standardised too;
- treated (cobalt's default for the ATT, and MatchIt's for numbers): 100 × (mean_t − mean_c) /
  SD of all participants before matching (ddof 1), and for a 0/1 term (a level, a missing
  indicator, a number that only takes 0 and 1) the raw difference in percentage points.

Where the denominator is 0 (a constant group) the before-matching pooled SD stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from engine.results import BalanceRow, Quality
from engine.spec.models import Balance
from engine.stages.encoding import Encoding, category_codes


def weighted_mean_var(values: np.ndarray, weights: np.ndarray | None) -> tuple[float, float]:
    """Mean and unbiased variance; with weights, the reliability-weight form that reduces to ddof=1."""
    if values.size == 0:
        return float("nan"), 0.0
    if weights is None:
        return float(values.mean()), float(values.var(ddof=1)) if values.size > 1 else 0.0
    total = weights.sum()
    if total <= 0:
        return float("nan"), 0.0
    mean = float(np.dot(weights, values) / total)
    denominator = total - np.dot(weights, weights) / total
    if denominator <= 0:
        return mean, 0.0
    return mean, float(np.dot(weights, (values - mean) ** 2) / denominator)


def smd_percent(mean_t: float, var_t: float, mean_c: float, var_c: float, fallback_sd: float = 0.0) -> float:
    """Standardised difference in %; where both groups are constant, the before-matching SD stands in."""
    difference = mean_t - mean_c
    if difference == 0 or np.isnan(difference):
        return 0.0
    sd = np.sqrt((var_t + var_c) / 2)
    if sd <= 0:
        sd = fallback_sd if fallback_sd > 0 else abs(difference)
    return float(100.0 * difference / sd)


def smd_treated_percent(difference: float, var_treated: float, binary: bool, fallback_sd: float) -> float:
    """cobalt's convention: over the participants' SD before matching; a 0/1 term's raw difference."""
    if difference == 0 or np.isnan(difference):
        return 0.0
    if binary:
        return float(100.0 * difference)
    sd = np.sqrt(var_treated)
    if sd <= 0:
        sd = fallback_sd if fallback_sd > 0 else abs(difference)
    return float(100.0 * difference / sd)


def is_binary(encoding: Encoding, treated: pd.DataFrame, pool: pd.DataFrame) -> bool:
    """A number that only takes 0 and 1 (where recorded) is a 0/1 term, as cobalt treats it."""
    if encoding.categorical:
        return True
    if encoding.binary is not None:
        return encoding.binary
    values = pd.concat([treated[encoding.variable], pool[encoding.variable]]).dropna().unique()
    return bool(np.isin(values.astype(float), [0.0, 1.0]).all())


def two_values(values: pd.Series) -> tuple[float, float] | None:
    """The two values of a number the matched participants hold only two of: its mean then counts
    people (a cohort year of 2012 and 2013), so engine.disclosure treats it as counts."""
    found = np.unique(values.dropna().to_numpy(dtype=np.float64))
    return (float(found[0]), float(found[1])) if found.size == 2 else None


def quality(smd: float, thresholds: Balance) -> Quality:
    size = abs(smd)
    if size < thresholds.well_matched_below:
        return "well"
    if size <= thresholds.poorly_matched_above:
        return "reasonably"
    return "poorly"


@dataclass(frozen=True)
class Group:
    """Mean and variance of every term of one variable in one group (before/after, treated/comparison)."""

    means: np.ndarray
    variances: np.ndarray


def indicator_moments(sums: np.ndarray, total: float, squares: float) -> Group:
    """0/1 terms from their weighted counts: mean p and variance S·p(1−p)/(S − Σw²/S).

    With unit weights (S = Σw² = n) this is the ddof=1 variance; with matching weights, the
    reliability-weight variance `weighted_mean_var` computes, without a column per level.
    """
    if total <= 0:
        return Group(np.full(sums.size, np.nan), np.zeros(sums.size))
    p = sums / total
    p = np.where(np.abs(p - 1.0) < 1e-12, 1.0, p)  # a level holding all the weight is 1, not 1 less rounding
    denominator = total - squares / total
    variance = total * p * (1 - p) / denominator if denominator > 0 else np.zeros(sums.size)
    return Group(p, variance)


def shares(codes: np.ndarray, levels: int, weights: np.ndarray | None) -> Group:
    """Every level's indicator from one bincount."""
    if weights is None:
        return indicator_moments(np.bincount(codes, minlength=levels)[:levels].astype(np.float64), codes.size, codes.size)
    sums = np.bincount(codes, weights=weights, minlength=levels)[:levels]
    return indicator_moments(sums, float(weights.sum()), float(np.dot(weights, weights)))


def numeric_group(values: np.ndarray, missing: np.ndarray, weights: np.ndarray | None) -> Group:
    """A number over the rows where it was recorded, and its missing indicator."""
    if not missing.any():  # nobody missing in this group: the indicator is 0 throughout
        mean, variance = weighted_mean_var(values, weights)
        return Group(np.array([mean, 0.0]), np.array([variance, 0.0]))
    recorded = ~missing
    if weights is None:
        mean, variance = weighted_mean_var(values[recorded], None)
        flag = indicator_moments(np.array([float(missing.sum())]), float(values.size), float(values.size))
    else:
        mean, variance = weighted_mean_var(values[recorded], weights[recorded])
        flag = indicator_moments(np.array([float(weights[missing].sum())]), float(weights.sum()),
                                 float(np.dot(weights, weights)))
    return Group(np.array([mean, flag.means[0]]), np.array([variance, flag.variances[0]]))


def variable_groups(encoding: Encoding, treated: pd.DataFrame, pool: pd.DataFrame, weights, matched, codes=None):
    """Per group (treated before, comparison before, treated after, comparison after): a Group.
    `codes`: the category's level codes (participants, pool) when the propensity model has them."""
    if encoding.categorical:
        t_codes, p_codes = codes or (category_codes(treated[encoding.variable], encoding),
                                     category_codes(pool[encoding.variable], encoding))
        n = len(encoding.levels)
        return (shares(t_codes, n, None), shares(p_codes, n, None),
                shares(t_codes[matched], n, None), shares(p_codes, n, weights))
    t_values = treated[encoding.variable].to_numpy(dtype=np.float64, na_value=np.nan)
    p_values = pool[encoding.variable].to_numpy(dtype=np.float64, na_value=np.nan)
    t_missing, p_missing = np.isnan(t_values), np.isnan(p_values)
    return (numeric_group(t_values, t_missing, None), numeric_group(p_values, p_missing, None),
            numeric_group(t_values[matched], t_missing[matched], None), numeric_group(p_values, p_missing, weights))


def balance_table(
    treated: pd.DataFrame,
    pool: pd.DataFrame,
    encodings: list[Encoding],
    weights: np.ndarray,
    treated_matched: np.ndarray,
    thresholds: Balance,
    codes: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> list[BalanceRow]:
    """Before: all participants against the whole pool, unweighted. After: matched participants
    against the weighted comparison group. A number's own row is left out when no matched
    participant or no weighted comparison has it recorded (its missing row is 100% then).

    `encodings` are the propensity model's (PropensityScores.encodings): the same levels and
    terms the model saw, without reading the data for them twice; `codes` (PropensityScores.codes)
    spare factorising each category's millions of values again."""
    weights = np.asarray(weights, dtype=np.float64)
    treated_matched = np.asarray(treated_matched, dtype=bool)
    # One BLAS thread: a dot product split between threads adds its halves in another order (the
    # last digits followed the core count), and OpenBLAS's idle threads spin: six times the CPU.
    # Set once for all variables (finding the BLAS libraries takes a millisecond each time).
    with threadpool_limits(limits=1, user_api="blas"):
        groups = [variable_groups(encoding, treated, pool, weights, treated_matched,
                                  (codes or {}).get(encoding.variable)) for encoding in encodings]
    rows = []
    for encoding, (t0, c0, t1, c1) in zip(encodings, groups):
        variable = encoding.variable
        number_binary = is_binary(encoding, treated, pool)
        two = None if encoding.categorical or number_binary else two_values(treated[variable][treated_matched])
        for j, term in enumerate(encoding.terms()):
            if np.isnan(t1.means[j]) or np.isnan(c1.means[j]):
                continue  # recorded for nobody in a matched group: its "(missing)" row says so
            binary = number_binary or term.level is not None
            sd_before = float(np.sqrt((t0.variances[j] + c0.variances[j]) / 2))
            pooled_before = smd_percent(t0.means[j], t0.variances[j], c0.means[j], c0.variances[j])
            pooled = smd_percent(t1.means[j], t1.variances[j], c1.means[j], c1.variances[j], fallback_sd=sd_before)
            treated_before = smd_treated_percent(t0.means[j] - c0.means[j], t0.variances[j], binary, sd_before)
            treated_after = smd_treated_percent(t1.means[j] - c1.means[j], t0.variances[j], binary, sd_before)
            chosen, before = (pooled, pooled_before) if thresholds.convention == "pooled" else (treated_after, treated_before)
            rows.append(
                BalanceRow(
                    variable=variable,
                    level=term.level,
                    treatment_mean=float(t1.means[j]),
                    comparison_mean=float(c1.means[j]),
                    smd_percent=chosen,
                    quality=quality(chosen, thresholds),
                    comparison_mean_before=float(c0.means[j]),
                    smd_percent_before=before,
                    binary=binary,
                    smd_percent_pooled=pooled,
                    smd_percent_treated=treated_after,
                    two_values=two if term.level is None else None,
                )
            )
    return rows

