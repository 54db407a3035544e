"""The equal-tailed bootstrap test (engine.stages.resampling) against an exact calculation, its interval's
duality with its verdict, and verdicts that do not depend on the seed (issue 22, items 1, 3 and 6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from engine.stages.resampling import bootstrap_test, largest_rejected_tail, monte_carlo_interval, p_estimate
from engine.stages.significance import weighted_welch
from tests.stages.test_outcomes import MC_DAYS, spread_days


def exact_null(n: int, m: int, share: float):
    """The law of D* = mean of n minus mean of m 0/1 draws at `share`: (values, probabilities)."""
    a, b = np.arange(n + 1), np.arange(m + 1)
    values = (a[:, None] / n - b[None, :] / m).ravel()
    probs = (stats.binom.pmf(a, n, share)[:, None] * stats.binom.pmf(b, m, share)[None, :]).ravel()
    return values, probs


def test_p_value_equals_the_exact_equal_tailed_p_within_its_monte_carlo_interval():
    # 0/1 outcomes: 6 of 40 participants against 30% of 400 equally weighted records. Pooled share
    # (6 + 120) / 440; D* is a difference of two binomial means, so its tails are exact sums.
    x_t = np.array([1.0] * 6 + [0.0] * 34)
    x_c = np.array([1.0] * 120 + [0.0] * 280)
    values, probs = exact_null(40, 400, 126 / 440)
    d = 6 / 40 - 0.3
    exact = 2 * min(probs[values <= d + 1e-12].sum(), probs[values >= d - 1e-12].sum())
    boot = bootstrap_test(x_t, x_c, np.ones(400), 0.05, 200_000, seed=11)
    assert boot.p_low <= exact <= boot.p_high
    assert boot.verdict == ("significant" if exact <= 0.05 else "not_significant")
    assert 0.01 < exact < 0.05 and boot.significant  # a decrease the equal-tailed test finds


def test_the_interval_is_the_shifts_the_test_keeps():
    # by hand on 9 draws at alpha 0.4: p = 2 (m + 1) / 10 <= 0.4 for m <= 1, so k = 1 and the interval is
    # [d - D*_(8), d - D*_(2)]: the second largest and second smallest draws
    assert largest_rejected_tail(9, 0.4) == 1 and p_estimate(1, 9) == pytest.approx(0.4)
    assert largest_rejected_tail(999, 0.05) == 24 and p_estimate(24, 999) == pytest.approx(0.05)
    assert largest_rejected_tail(100, 0.001) == -1  # too few draws to ever reject at 0.1%


def test_the_interval_by_hand_from_known_draws(monkeypatch):
    """The draws replaced by known ones: D* = i / 1000 - 0.5 for i = 1 ... 1000 (shuffled), d = -0.4965.
    Three draws are at or below d, so p = 2 (3 + 1) / 1001; at alpha 0.05 the largest rejected tail is
    k = 24 (2 x 25 / 1001 <= 0.05 < 2 x 26 / 1001), so the interval is d minus the 976th and the 25th
    smallest draws: [-0.4965 - 0.476, -0.4965 + 0.475] = [-0.9725, -0.0215]."""
    import engine.stages.resampling as resampling

    draws = np.random.default_rng(1).permutation(np.arange(1, 1001) / 1000 - 0.5)
    calls = iter([draws, np.zeros(1000)])
    monkeypatch.setattr(resampling, "_means", lambda rng, people, pooled, values, size: next(calls))
    boot = bootstrap_test(np.array([-0.4965, -0.4965]), np.array([0.0]), np.array([1.0]), 0.05, 1000, seed=0)
    assert boot.draws == 1000 and boot.p_value == pytest.approx(8 / 1001)
    assert (boot.p_low, boot.p_high) == monte_carlo_interval(3, 1000) and boot.p_high < 0.05 and boot.significant
    assert (boot.ci_low, boot.ci_high) == pytest.approx((-0.9725, -0.0215), abs=1e-12)


def test_monte_carlo_interval_is_clopper_pearson_doubled():
    low, high = monte_carlo_interval(20, 1000, error=0.05)
    ci = stats.binomtest(20, 1000).proportion_ci(0.95, method="exact")
    assert (low, high) == pytest.approx((2 * ci.low, 2 * ci.high), rel=1e-9)
    assert monte_carlo_interval(0, 1000)[0] == 0.0 and monte_carlo_interval(1000, 1000)[1] == 1.0


@st.composite
def groups(draw):
    n_t, n_c = draw(st.integers(2, 40)), draw(st.integers(2, 60))
    top = draw(st.sampled_from([1, 4, 15]))
    x_t = np.array(draw(st.lists(st.integers(0, top), min_size=n_t, max_size=n_t)), float)
    x_c = np.array(draw(st.lists(st.integers(0, top), min_size=n_c, max_size=n_c)), float)
    w = np.array(draw(st.lists(st.sampled_from([0.0, 0.2, 1.0, 3.0]), min_size=n_c, max_size=n_c)))
    return x_t, x_c, w, draw(st.sampled_from([0.05, 0.01, 0.2])), draw(st.sampled_from([100, 1000, 3000]))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(groups())
def test_the_interval_excludes_zero_exactly_when_the_verdict_is_significant(case):
    x_t, x_c, w, alpha, most = case
    boot = bootstrap_test(x_t, x_c, w, alpha, most, seed=3)
    if w.sum() == 0:
        assert boot is None
        return
    assert boot.draws <= most and boot.p_low <= boot.p_value <= boot.p_high
    assert boot.significant == (boot.p_high <= alpha)
    assert boot.verdict != "not_significant" or boot.p_low > alpha
    assert boot.verdict != "inconclusive" or (boot.draws == most and boot.p_low <= alpha < boot.p_high)
    assert (boot.ci_low > 0 or boot.ci_high < 0) == boot.significant
    assert boot.ci_low <= boot.ci_high


def mc_time_groups():
    """Making Connections' 13 re-offenders (mean 75 days) against 2,418 comparison re-offenders (142.9)."""
    return np.array(MC_DAYS, float), np.array(spread_days(2418, 345532), float), np.full(2418, 13 / 2418)


def test_the_verdict_is_the_same_whatever_the_seed():
    x_t, x_c, w = mc_time_groups()
    results = [bootstrap_test(x_t, x_c, w, 0.05, 100_000, seed) for seed in range(50)]
    assert {r.verdict for r in results} == {"significant"}
    assert max(r.p_value for r in results) < 0.05
    # with too few draws allowed to settle it, the same data are "inconclusive" whatever the seed
    few = [bootstrap_test(x_t, x_c, w, 0.05, 300, seed) for seed in range(50)]
    assert {r.verdict for r in few} == {"inconclusive"}
    assert all(r.ci_low <= 0 <= r.ci_high for r in few)  # not significant: its interval holds 0


def test_a_decrease_in_skewed_counts_has_an_interval_longer_on_the_decrease_side():
    # 25 participants without a heavy re-offender against a skewed national distribution (mean 2.0):
    # Welch says p ~ 2e-9; the equal-tailed test p ~ 0.03, and its interval reaches much further down
    # than up: a group of 25 without the rare heavy re-offenders is not as unusual as Welch makes it.
    rng = np.random.default_rng(3)
    c = np.where(rng.random(5000) < 0.7, 0, rng.geometric(0.15, 5000)).astype(float)
    t = np.array([0] * 16 + [1] * 8 + [4], float)
    assert weighted_welch(t, c, np.ones(5000), 0.05).p_value < 1e-8
    for seed in (20130201, 1, 2):
        boot = bootstrap_test(t, c, np.ones(5000), 0.05, 100_000, seed=seed)
        assert boot.significant and 0.015 < boot.p_value < 0.045 and boot.ci_high < 0
        assert -boot.ci_low > 20 * -boot.ci_high
