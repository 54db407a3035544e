"""E-values (VanderWeele and Ding 2017): how strong hidden bias would need to be to explain a difference away.

Matching removes only measured differences. The E-value is the smallest strength of association, on
the risk ratio scale, that an unmeasured characteristic would need with both taking part and the
outcome, over and above the matched characteristics, to explain the observed difference away; the
E-value of the interval's bound nearest to no difference is the strength that would move the
interval to include no difference.

    E = RR + sqrt(RR (RR - 1)) for RR >= 1, and the same of 1/RR for RR < 1

(the paper's formula; the R package EValue's `threshold`). How a measure's difference becomes a
risk ratio follows its kind (engine.measures):
- proportion: RR = p_t / p_c, the participants' proportion over the comparison group's, as the
  paper does for a risk ratio from proportions. Its bound is the stated interval's bound nearest 0
  as a ratio to the comparison proportion, (p_c + bound) / p_c, so that the bound's E-value speaks
  of the very interval the report states and is above 1 exactly when that interval excludes 0 (the
  comparison proportion is held fixed: its effective size is large next to the participants').
- count, days: a difference in means, as EValue's `evalues.MD`: standardised by the pooled SD
  (Cohen's d, the comparison group at its effective size), RR = exp(0.91 d) (Chinn 2000, VanderWeele
  2017), its bound from the stated bound nearest 0 on the same scale.
None when the ratio is not finite and positive (a group at 0%).
"""

from __future__ import annotations

import math

from engine.measures import Kind
from engine.results import EValue

CHINN = 0.91  # log risk ratio per SD: half Chinn's log odds ratio pi / sqrt(3) (common outcome), as EValue rounds it


def e_value(risk_ratio: float) -> float:
    """The E-value of one risk ratio (1 for no difference)."""
    rr = risk_ratio if risk_ratio >= 1 else 1.0 / risk_ratio
    return rr + math.sqrt(rr * (rr - 1.0))


def pooled_sd(var_t: float, n_t: float, var_c: float, n_c: float) -> float:
    """Cohen's pooled standard deviation, each group's variance weighted by its degrees of freedom."""
    return math.sqrt(((n_t - 1) * var_t + (n_c - 1) * var_c) / (n_t + n_c - 2))


def measure_e_value(
    kind: Kind, treatment: float, comparison: float, low: float, high: float, sd: float | None = None
) -> EValue | None:
    """E-values of a difference (treatment - comparison, interval low to high, in the measure's units).

    `sd` is the pooled SD for count and days measures (engine.stages.evalues.pooled_sd)."""
    difference = treatment - comparison
    near = 0.0 if low <= 0 <= high else (low if difference > 0 else high)
    if kind == "proportion":
        if comparison <= 0 or treatment <= 0:
            return None
        scale, ratio, bound = "risk_ratio", treatment / comparison, 1.0 + near / comparison
    else:
        if sd is None or not sd > 0:
            return None
        scale = "standardised_difference"
        ratio, bound = math.exp(CHINN * difference / sd), math.exp(CHINN * near / sd)
    if not (math.isfinite(ratio) and ratio > 0 and math.isfinite(bound) and bound > 0):
        return None
    return EValue(scale=scale, risk_ratio=ratio, risk_ratio_bound=bound, estimate=e_value(ratio), bound=e_value(bound))
