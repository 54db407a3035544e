"""The bootstrap test of a difference in means, its interval, and draws until its verdict is settled
(docs/architecture.md §1.6).

Why a bootstrap: the Welch test of a mean rejects a true null too often on counts as skewed as
re-offences (71% zeros, skewness about 8-12): a participant group without its rare heavy
re-offenders has both a low mean and a low variance. This test never divides by a variance
estimate. Under no effect both groups come from one distribution, estimated by pooling them (the
participants with weight n, the comparison with weight n_eff); it draws a participant group of n
and a comparison group of n_eff from it (multinomial counts over the distinct values, so the cost
does not grow with n_eff) and compares their difference in means D* with the observed one, d.
Drawing the comparison group too carries its uncertainty (treating its mean as known made the
test 7.9% liberal when n_eff is small).

Equal-tailed: p = 2 min(P(D* <= d), P(D* >= d)), estimated as 2 (m + 1) / (B + 1) with m the
smaller tail count of B draws. A test on |D*| (as before) spends its 5% where a skewed
distribution's long tail is, on increases: at 40 participants every rejection it made was an
increase, and it found a real 25% reduction far less often than this one (benchmarks/type1.py).

Its interval is the set of shifts delta that the same test would not reject, d - delta lying within
the central 1 - alpha of the draws: [d - D*_(B-k), d - D*_(k+1)] with k the largest tail count at
which p <= alpha. So the interval excludes 0 exactly when the test rejects, draw for draw.

Draws until settled: the verdict must not depend on the seed. Draws come in looks of 10,000
(enough for steady interval bounds), 20,000, 40,000, ... up to `most`; after each look a
Clopper-Pearson interval of p (each look misses with probability 1e-4) decides: wholly at or below alpha, significant; wholly above it, not
significant; else draw more. A p-value still straddling alpha after `most` draws is
"inconclusive": not significant, and its interval is widened to reach 0 (the draws cannot exclude
no difference). results.json keeps the draws and the Monte Carlo interval of p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special  # not scipy.stats: it takes 0.5 s to import

from engine.stages.significance import effective_n

FIRST_LOOK = 10_000  # draws before the first look; each look doubles them
LOOK_ERROR = 1e-4  # chance that one look's interval of p misses the p of infinitely many draws
Verdict = Literal["significant", "not_significant", "inconclusive"]


@dataclass(frozen=True)
class Bootstrap:
    p_value: float
    p_low: float  # the Monte Carlo interval of p (what more draws could still make it)
    p_high: float
    draws: int
    verdict: Verdict
    ci_low: float  # the test's own interval of the difference (excludes 0 exactly when significant)
    ci_high: float

    @property
    def significant(self) -> bool:
        return self.verdict == "significant"


def monte_carlo_interval(tail: int, draws: int, error: float = LOOK_ERROR) -> tuple[float, float]:
    """Clopper-Pearson interval of an equal-tailed p from its smaller tail count, doubled and held to [0, 1]."""
    low = 0.0 if tail == 0 else float(special.betaincinv(tail, draws - tail + 1, error / 2))
    high = 1.0 if tail >= draws else float(special.betaincinv(tail + 1, draws - tail, 1 - error / 2))
    return min(1.0, 2 * low), min(1.0, 2 * high)


def p_estimate(tail: int, draws: int) -> float:
    return min(1.0, 2 * (tail + 1) / (draws + 1))


def largest_rejected_tail(draws: int, alpha: float) -> int:
    """The largest smaller-tail count at which p <= alpha (-1: none), by the very comparison the verdict makes."""
    k = int(alpha * (draws + 1) / 2) - 1
    while k >= 0 and p_estimate(k, draws) > alpha:
        k -= 1
    while p_estimate(k + 1, draws) <= alpha:
        k += 1
    return k


def bootstrap_test(
    treatment: np.ndarray, comparison: np.ndarray, weights: np.ndarray, alpha: float, most: int, seed: int
) -> Bootstrap | None:
    """Equal-tailed bootstrap test of no difference in means, drawn until its verdict is settled (see above)."""
    x_t = np.asarray(treatment, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = w > 0
    x_c, w_c = np.asarray(comparison, dtype=float)[keep], w[keep]
    n = len(x_t)
    if n == 0 or len(x_c) == 0:
        return None
    n_eff = effective_n(w_c)
    size_c = max(1, int(round(n_eff)))
    values, where = np.unique(np.concatenate([x_t, x_c]), return_inverse=True)
    share_t = np.bincount(where[:n], minlength=values.size) / n
    share_c = np.bincount(where[n:], weights=w_c, minlength=values.size) / w_c.sum()
    pooled = n * share_t + n_eff * share_c
    pooled /= pooled.sum()
    observed = float(np.mean(x_t)) - float(np.dot(share_c, values))
    tolerance = 1e-9 * max(1.0, float(np.abs(values).max()))  # a draw this close to d is d (rounding)
    rng = np.random.default_rng(seed)
    drawn: list[np.ndarray] = []
    total, look, below, above = 0, min(FIRST_LOOK, most), 0, 0
    while True:
        size = look - total
        batch = _means(rng, n, pooled, values, size) - _means(rng, size_c, pooled, values, size)
        batch[np.abs(batch - observed) <= tolerance] = observed
        drawn.append(batch)
        total = look
        below += int(np.count_nonzero(batch <= observed))
        above += int(np.count_nonzero(batch >= observed))
        p_low, p_high = monte_carlo_interval(min(below, above), total)
        verdict: Verdict = "significant" if p_high <= alpha else "not_significant" if p_low > alpha else "inconclusive"
        if verdict != "inconclusive" or total >= most:
            break
        look = min(2 * look, most)
    tail = min(below, above)
    low, high = _interval(np.sort(np.concatenate(drawn)), observed, largest_rejected_tail(total, alpha))
    if verdict == "inconclusive":
        low, high = min(low, 0.0), max(high, 0.0)
    return Bootstrap(p_estimate(tail, total), p_low, p_high, total, verdict, low, high)


def _means(rng: np.random.Generator, people: int, pooled: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """`size` means of `people` values drawn from the pooled distribution: by multinomial counts over the
    distinct values, or person by person when there are fewer people than values (quicker, same law)."""
    if people < values.size:
        return values[rng.choice(values.size, size=(size, people), p=pooled)].sum(axis=1) / people
    return rng.multinomial(people, pooled, size=size) @ values / people


def _interval(ordered: np.ndarray, observed: float, k: int) -> tuple[float, float]:
    """The shifts the test does not reject: d minus the draws between the (k+1)-th from each end.
    With k < 0 no shift is rejected by so few draws: the interval spans every draw and 0."""
    if k < 0:
        return min(0.0, observed - float(ordered[-1])), max(0.0, observed - float(ordered[0]))
    return observed - float(ordered[len(ordered) - 1 - k]), observed - float(ordered[k])
