"""The tests behind each measure's verdict (docs/architecture.md §1.6): Welch and the score interval.

- `weighted_welch`: the published JDL figures (interval, p-value), the comparison group at its
  effective size n_eff = (sum w)^2 / sum w^2.
- `newcombe`: a proportion at 0% or 100% has no variance, so Welch's interval would come from
  the other group alone (0 of 39 "significant, p = 3e-15"). Newcombe's hybrid score interval for
  a difference of proportions (Newcombe 1998, method 10), built from the two Wilson intervals
  (the comparison's at its effective size), stays valid at the boundary; its p-value is the
  level at which the interval first touches 0 (test inversion).
- The bootstrap test that decides the frequency's verdict is in engine.stages.resampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special  # not scipy.stats: it takes 0.5 s to import


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


def weighted_mean(x: np.ndarray, weights: np.ndarray) -> float:
    """The weighted mean, kept inside the values' range (rounding gave 100.00000000000001%)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    mean = float(np.sum(w * x) / np.sum(w))
    used = x[w > 0]
    return min(max(mean, float(used.min())), float(used.max()))


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
    mean_c = weighted_mean(x_c, w)
    diff = mean_t - mean_c
    spread = a * a / (n_t - 1) + b * b / (n_eff - 1)
    if spread > 0 and np.isfinite(spread):
        df = se2 * se2 / spread
    else:  # variances so small that their squares underflow: the same ratio, each share of se2 taken first
        df = 1.0 / ((a / se2) ** 2 / (n_t - 1) + (b / se2) ** 2 / (n_eff - 1))
    se = float(np.sqrt(se2))
    half = float(special.stdtrit(df, 1.0 - alpha / 2.0)) * se  # t.ppf
    p = float(2.0 * special.stdtr(df, -abs(diff) / se))  # t.sf
    return WelchTest(mean_t, mean_c, diff, diff - half, diff + half, min(p, 1.0), float(df), n_eff)


def wilson(p: float, n: float, alpha: float) -> tuple[float, float]:
    """Wilson's score interval for a proportion p observed in n (n may be an effective size)."""
    z = -float(special.ndtri(alpha / 2.0))  # norm.isf, exact for the tiny levels the p-value search tries
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if p <= 0 else max(0.0, centre - half)
    return low, 1.0 if p >= 1 else min(1.0, centre + half)


def newcombe(p_t: float, n_t: float, p_c: float, n_c: float, alpha: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_t - p_c (proportions, 0-1)."""
    l_t, u_t = wilson(p_t, n_t, alpha)
    l_c, u_c = wilson(p_c, n_c, alpha)
    d = p_t - p_c
    return d - float(np.hypot(p_t - l_t, u_c - p_c)), d + float(np.hypot(u_t - p_t, p_c - l_c))


def newcombe_p_value(p_t: float, n_t: float, p_c: float, n_c: float) -> float:
    """The largest level at which Newcombe's interval still holds 0 (its two-sided p-value)."""
    if p_t == p_c:
        return 1.0
    low, high = 1e-300, 1.0 - 1e-12  # the interval shrinks as alpha grows: bisect on alpha
    def excludes(a: float) -> bool:
        lo, hi = newcombe(p_t, n_t, p_c, n_c, a)
        return lo > 0 or hi < 0
    if excludes(low):
        return 0.0
    if not excludes(high):
        return 1.0
    for _ in range(200):
        middle = np.sqrt(low * high) if high / low > 4 else (low + high) / 2
        if excludes(middle):
            high = middle
        else:
            low = middle
        if high - low <= 1e-12 * high:
            break
    return float(high)
