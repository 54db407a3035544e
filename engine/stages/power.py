"""How many participants a non-significant rate difference would need (docs/architecture.md §1.7).

The report's sample-size sentence ("a treatment group of N people would be needed") answers:
if the true rates were the observed ones, how large a treatment group gives the two-sided
test at level alpha the requested power, the comparison group held at its effective size
(it is already as large as the national data allow; only the programme can grow).

Formula (normal approximation of the Welch test of two proportions, unpooled variances):

    (z_{1-alpha/2} + z_{power})^2 * (p_t(1-p_t)/n + p_c(1-p_c)/n_eff) <= d^2,   d = p_t - p_c

so the smallest whole n is

    n = ceil( z^2 p_t(1-p_t) / (d^2 - z^2 p_c(1-p_c)/n_eff) ).

No finite n exists when d = 0, when the comparison group's own uncertainty already uses up the
difference (denominator <= 0), or when the participants' rate is 0% or 100% (no variance to
shrink): then the report prints no sentence.

About the published figure: the LPT report says 428 people for 43.6% against 34.8% (39
participants, 13,557 comparison records). This formula gives 252-255 there (comparison at
13,557 effective records; 254 from the rounded rates, 252 from 17/39 against 4,712/13,557). We tried the standard alternatives and none gives 428: two equal groups
with unpooled variances 479-480, pooled variance 483-484, Cohen's h with statsmodels
NormalIndPower (equal groups 482, comparison fixed at 13,557: 248), Fleiss' continuity
correction 504-506, a one-sample test against the comparison rate 236, a noncentral-t
iteration 256-257, one-sided alpha 377. Solving our formula for the comparison's effective
size gives ~550, which is too small to also reproduce the published interval (-7 to +25), so
the JDL's effective size does not explain it either. We keep the formula above because it
states exactly the question the sentence answers; the difference from 428 is documented
here and in the report helper's notes.
"""

from __future__ import annotations

import math

from scipy.special import ndtri  # scipy.stats.norm.ppf, without importing scipy.stats


def required_treatment_n(
    p_treatment: float, p_comparison: float, comparison_effective_n: float, alpha: float, power: float
) -> int | None:
    """Participants needed to detect p_treatment - p_comparison (proportions, 0-1); None if no finite size."""
    d = p_treatment - p_comparison
    var_t = p_treatment * (1.0 - p_treatment)
    var_c = p_comparison * (1.0 - p_comparison)
    if d == 0 or var_t <= 0 or comparison_effective_n <= 0:
        return None
    z = ndtri(1.0 - alpha / 2.0) + ndtri(power)
    z2 = z * z
    denominator = d * d - z2 * var_c / comparison_effective_n
    if denominator <= 0:
        return None
    n = z2 * var_t / denominator
    if not math.isfinite(n):
        return None
    # A hair below a whole number is that whole number (floating-point noise, not a real excess).
    return max(1, math.ceil(n - 1e-9))
