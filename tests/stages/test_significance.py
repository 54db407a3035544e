"""The tests behind the verdicts: score intervals against published values, the bootstrap against
Welch's known failure on skewed counts, and degenerate groups that must never read as significant.
The bootstrap itself is tested in test_resampling.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from engine.stages.outcomes import measure_results
from engine.stages.resampling import bootstrap_test
from engine.stages.significance import newcombe, newcombe_p_value, wilson
from tests.stages.test_outcomes import frame, make_spec, run


def test_wilson_at_the_boundary_by_hand():
    low, high = wilson(1.0, 39, 0.05)  # 39 of 39: n / (n + z^2) .. 1
    z2 = stats.norm.ppf(0.975) ** 2
    assert low == pytest.approx(39 / (39 + z2), rel=1e-12) and high == 1.0
    assert round(100 * low) == 91
    assert wilson(0.0, 39, 0.05) == pytest.approx((0.0, z2 / (39 + z2)), rel=1e-12)


def test_newcombe_equals_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, Table II, 56/70 - 48/80, method 10: 0.0524 to 0.3339
    low, high = newcombe(56 / 70, 70, 48 / 80, 80, 0.05)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


@pytest.mark.parametrize("case", [(56 / 70, 70, 48 / 80, 80), (1.0, 39, 0.35, 500.0), (0.1, 30, 0.12, 2000.0)])
def test_newcombe_p_value_inverts_the_interval(case):
    p = newcombe_p_value(*case)
    low, high = newcombe(*case, p)
    assert min(abs(low), abs(high)) < 1e-9
    assert newcombe_p_value(0.3, 40, 0.3, 900) == 1.0


def skewed_counts() -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.where(rng.random(5000) < 0.7, 0, rng.geometric(0.15, 5000)).astype(float)


def counts_frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"reoffended": (values > 0).astype(int), "reoffences": values.astype(int),
                         "days_to_first_reoffence": np.where(values > 0, 30.0, np.nan)})


def test_bootstrap_refuses_what_welch_overstates_on_skewed_counts():
    """25 participants without a heavy re-offender: Welch says p ~ 5e-8, the bootstrap p ~ 0.07. The
    table keeps Welch's figures; the sentences state the bootstrap's interval, which holds 0."""
    c = skewed_counts()
    t = np.array([0] * 13 + [1] * 10 + [2, 4], float)
    r = run(counts_frame(t), counts_frame(c), ["frequency"], min_expected_count=0)["frequency"]
    assert r.reported and r.p_value < 1e-7 and r.ci_high < 0  # the Welch figures stay, for comparability
    assert not r.significant and r.state == "not_significant"
    assert r.decided_by.test == "bootstrap" and 0.05 < r.decided_by.p_value < 0.1
    assert r.decided_by.monte_carlo.p_value_low > 0.05 and not r.decided_by.inconclusive
    assert r.states_deciding_interval and r.stated_low < 0 < r.stated_high
    assert (r.stated_low, r.stated_high) == (r.decided_by.ci_low, r.decided_by.ci_high)
    assert (r.table_low, r.table_high) == (r.ci_low, r.ci_high)


def test_where_welch_agrees_the_report_keeps_its_interval():
    c = skewed_counts()
    t = np.array([0] * 16 + [1] * 9, float)  # both tests find the decrease (bootstrap p ~ 0.012)
    r = run(counts_frame(t), counts_frame(c), ["frequency"], min_expected_count=0)["frequency"]
    assert r.significant and r.state == "decrease" and r.decided_by.test == "bootstrap"
    assert not r.states_deciding_interval and (r.stated_low, r.stated_high) == (r.ci_low, r.ci_high)


def test_bootstrap_carries_the_comparison_groups_uncertainty():
    """Same participants, same comparison distribution: a smaller comparison group gives a larger p."""
    x_c = np.array([0.0] * 60 + [1.0] * 25 + [3.0] * 15)
    t = np.array([0.0] * 20 + [1.0] * 5)
    big = bootstrap_test(t, np.tile(x_c, 50), np.ones(5000), 0.05, 100_000, seed=5)
    small = bootstrap_test(t, x_c, np.ones(100), 0.05, 100_000, seed=5)
    assert small.p_value > 1.2 * big.p_value


def test_all_participants_reoffending_is_decided_by_the_score_interval():
    pool = frame([0] * 650 + [1] * 350, [30] * 350)
    r = run(frame([1] * 39, [30] * 39), pool, ["rate"])["rate"]
    assert r.reported and r.treatment == 100.0
    assert r.decided_by.test == "score"
    low, high = newcombe(1.0, 39, 0.35, r.comparison_effective_n, 0.05)
    assert (r.decided_by.ci_low, r.decided_by.ci_high) == pytest.approx((100 * low, 100 * high))
    assert r.decided_by.ci_low < r.ci_low  # wider than Welch's, which leans on the comparison alone
    assert r.significant and r.state == "increase" and r.decided_by.p_value <= 0.05


def test_no_events_is_never_significant():
    pool = frame([0] * 900 + [1] * 100, [30] * 100)
    pool["reoffence_severity"] = np.where(pool["reoffended"] == 1, "serious", "")
    treated = frame([0] * 20 + [1] * 19, [30] * 19)
    treated["reoffence_severity"] = ""
    r = run(treated, pool, ["rate", "severity"])
    assert r["severity"].treatment == 0.0
    assert not r["severity"].reported and r["severity"].not_reported_reason == "too_few_events"
    assert not r["severity"].significant and r["severity"].state == "not_significant"
    assert r["severity"].p_value is None and r["severity"].decided_by is None
    # even with the n.p rule switched off, 0 events is decided by the score interval, not by Welch
    r0 = run(treated, pool, ["severity"], min_expected_count=0)["severity"]
    assert r0.decided_by.test == "score"
    assert r0.decided_by.p_value > r0.p_value


def test_a_frequency_without_variance_is_untestable():
    pool = frame([0] * 500 + [1] * 300 + [4] * 200, [30] * 500)
    r = run(frame([2] * 30, [30] * 30), pool, ["frequency"], min_expected_count=0)["frequency"]
    assert not r.reported and r.not_reported_reason == "no_variance" and not r.significant
    assert r.ci_low is None and r.p_value is None


def test_unreported_measures_carry_their_reason():
    none = measure_results(frame([0] * 40), frame([0] * 500), np.full(500, 40 / 500), np.ones(40, bool), make_spec())
    assert {m: r.not_reported_reason for m, r in none.items()} == {
        "rate": "too_few_events", "frequency": "too_few_events", "time_to_first_reoffence": "too_few_events"}
    for r in none.values():
        assert not r.significant and r.decided_by is None


def test_welch_degrees_of_freedom_survive_variances_whose_squares_underflow():
    """Spreads of 1e-160 square to 0 in floating point: the degrees of freedom are still Welch's (here,
    equal variances and groups of 4 and 4, 6), not a division by zero (found by the outcome invariants)."""
    from engine.stages.significance import weighted_welch

    treatment = np.array([0.0, 2e-160, 0.0, 2e-160])
    comparison = np.array([0.0, 2e-160, 0.0, 2e-160])
    test = weighted_welch(treatment, comparison, np.ones(4), 0.05)
    assert test is not None and test.degrees_of_freedom == pytest.approx(6.0)
    ordinary = weighted_welch(treatment * 1e150, comparison * 1e150, np.ones(4), 0.05)
    assert ordinary.degrees_of_freedom == pytest.approx(test.degrees_of_freedom)
