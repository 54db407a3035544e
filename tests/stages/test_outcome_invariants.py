"""Degenerate groups through measure_results: whatever the data, no output calls an untestable
measure significant, nothing is NaN or infinite, and reported / not_reported_reason / significant /
state / decided_by agree (the verdict always matches the p-value and interval of the test that
decided). The score interval is checked against statsmodels' independent Newcombe interval."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep

from engine.stages.outcomes import measure_results
from engine.stages.significance import newcombe
from tests.stages.test_outcomes import make_spec

MEASURES = ["rate", "frequency", "time_to_first_reoffence", "custody", "severity"]


def people(draw, n, reoffend, most, custody, severity) -> pd.DataFrame:
    flags = [draw(st.booleans()) if reoffend is None else reoffend for _ in range(n)]
    return pd.DataFrame({
        "reoffended": [int(r) for r in flags],
        "reoffences": [draw(st.integers(1, most)) if r else 0 for r in flags],
        "days_to_first_reoffence": [float(draw(st.integers(1, 365))) if r else np.nan for r in flags],
        "reoffence_custody": [float(draw(st.sampled_from(custody))) if r else np.nan for r in flags],
        "reoffence_severity": [draw(st.sampled_from(severity)) if r else "" for r in flags],
    })  # fmt: skip


@st.composite
def groups(draw):
    n_t, n_c = draw(st.integers(1, 30)), draw(st.integers(1, 40))
    most = draw(st.sampled_from([1, 3, 12]))  # 1: everyone re-offends once (no frequency variance)
    custody = draw(st.sampled_from([[0], [1], [0, 1]]))
    severity = draw(st.sampled_from([["serious"], ["minor"], ["serious", "minor", "high"]]))
    treated = people(draw, n_t, draw(st.sampled_from([None, True, False])), most, custody, severity)
    pool = people(draw, n_c, draw(st.sampled_from([None, True, False])), most, custody, severity)
    kind = draw(st.sampled_from(["equal", "one", "skewed"]))
    if kind == "equal":
        weights = np.full(n_c, n_t / n_c)
    elif kind == "one":  # effective size at or just above 1
        weights = np.r_[1.0, np.full(n_c - 1, draw(st.sampled_from([0.0, 1e-3])))]
    else:
        weights = np.array(draw(st.lists(st.floats(0, 5), min_size=n_c, max_size=n_c)))
    small = {"min_expected_count": draw(st.sampled_from([0, 1, 10])),
             "min_comparison_effective_n": draw(st.sampled_from([1, 2, 10])),
             "extra_test": draw(st.sampled_from(["none", "resampling", "exact"])),
             "resampling_draws": draw(st.sampled_from([200, 5000]))}
    return treated, pool, weights, small


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(groups())
def test_every_verdict_agrees_with_the_test_that_decided(case):
    treated, pool, weights, small = case
    spec = make_spec(MEASURES, **small)
    alpha = spec.statistics.significance_level
    for measure, r in measure_results(treated, pool, weights, np.ones(len(treated), bool), spec).items():
        why = (measure, json.dumps(r.model_dump(mode="json"), allow_nan=False))  # no NaN or inf anywhere
        assert (r.not_reported_reason is None) == r.reported, why
        if not r.reported:
            assert not r.significant and r.state == "not_significant" and not r.headline, why
            assert r.p_value is None and r.ci_low is None and r.ci_high is None and r.decided_by is None, why
            continue
        assert r.comparison_effective_n >= spec.small_groups.min_comparison_effective_n, why
        assert r.comparison_effective_n > 1 and r.treatment_n >= 2, why
        assert r.significant == (r.state != "not_significant"), why
        assert not r.significant or (r.state == "decrease") == (r.difference < 0), why
        if measure in ("rate", "custody", "severity"):
            assert 0 <= r.treatment <= 100 and 0 <= r.comparison <= 100, why
            boundary = min(r.treatment, r.comparison) == 0 or max(r.treatment, r.comparison) == 100
            assert (r.decided_by is not None and r.decided_by.test == "score") == boundary, why
        decided = r.decided_by
        if decided is None:  # Welch
            assert r.significant == (r.p_value <= alpha) == (r.ci_low > 0 or r.ci_high < 0), why
        elif decided.test == "score":
            assert r.significant == (decided.p_value <= alpha) == (decided.ci_low > 0 or decided.ci_high < 0), why
            assert decided.ci_low <= r.difference <= decided.ci_high, why
            assert not decided.welch_valid and (r.stated_low, r.table_low) == (decided.ci_low, decided.ci_low), why
        else:
            assert decided.test == "bootstrap" and measure == "frequency", why
            mc = decided.monte_carlo
            assert mc.p_value_low <= decided.p_value <= mc.p_value_high, why
            assert r.significant == (mc.p_value_high <= alpha) == (decided.ci_low > 0 or decided.ci_high < 0), why
            assert decided.inconclusive == (mc.p_value_low <= alpha < mc.p_value_high), why
        # whatever decided, the interval the sentences state agrees with the verdict
        assert (r.stated_low > 0 or r.stated_high < 0) == r.significant, why


def frame(reoffended, **extra) -> pd.DataFrame:
    reoffended = np.asarray(reoffended, dtype=int)
    return pd.DataFrame({"reoffended": reoffended, "reoffences": reoffended, **extra})


def test_a_comparison_of_all_reoffenders_is_exactly_100_percent():
    # Before: the weighted mean of 100s was 100.00000000000001%, the score interval went NaN and
    # the rate said "score interval -100 to -2.9" beside the score p-value 1.0.
    treated, pool = frame([0] * 3), frame([1] * 4)
    weights = np.array([1.0, 0.001, 0.001, 0.001])
    spec = make_spec(["rate"], min_expected_count=0, min_comparison_effective_n=1)
    rate = measure_results(treated, pool, weights, np.ones(3, bool), spec)["rate"]
    assert rate.comparison == 100.0 and rate.difference == -100.0
    n_eff = 1.003**2 / (1 + 3e-6)
    low, high = confint_proportions_2indep(0, 3, n_eff, n_eff, method="newcomb", compare="diff")
    assert (rate.decided_by.ci_low, rate.decided_by.ci_high) == pytest.approx((100 * low, 100 * high), abs=1e-9)
    assert rate.decided_by.p_value < 0.05 and rate.significant and rate.state == "decrease"


@pytest.mark.parametrize("k_t, n_t, k_c, n_c", [
    (0, 39, 50, 500), (39, 39, 300, 500), (0, 25, 0, 100), (25, 25, 100, 100), (0, 10, 1, 40), (40, 40, 39, 40),
])
def test_score_interval_equals_statsmodels_newcombe_at_the_boundary(k_t, n_t, k_c, n_c):
    low, high = confint_proportions_2indep(k_t, n_t, k_c, n_c, method="newcomb", compare="diff")
    assert newcombe(k_t / n_t, n_t, k_c / n_c, n_c, 0.05) == pytest.approx((low, high), abs=1e-12)


def test_all_of_39_reoffending_states_the_score_interval():
    # 39 of 39 against 60 of 100 (equal weights): Newcombe (statsmodels) is 0.3051 to 0.4889, not
    # Welch's interval from the comparison's variance alone.
    treated, pool = frame([1] * 39), frame([1] * 60 + [0] * 40)
    rate = measure_results(treated, pool, np.full(100, 0.39), np.ones(39, bool), make_spec(["rate"]))["rate"]
    low, high = confint_proportions_2indep(39, 39, 60, 100, method="newcomb", compare="diff")
    assert rate.decided_by.test == "score" and rate.significant and rate.state == "increase"
    assert (rate.decided_by.ci_low, rate.decided_by.ci_high) == pytest.approx((100 * low, 100 * high), abs=1e-9)
    assert (rate.stated_low, rate.stated_high) == pytest.approx((100 * low, 100 * high), abs=1e-9)
