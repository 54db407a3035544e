"""E-values against the worked examples of VanderWeele and Ding (2017, Annals of Internal Medicine 167:268)
and of the R package EValue's documentation, then through the measures (statistics.e_values)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.stages.evalues import e_value, measure_e_value, pooled_sd
from engine.stages.outcomes import measure_results
from tests.stages.test_outcomes import ALL, MC_DAYS, MC_FREQ, frame, make_spec, spread_days


@pytest.mark.parametrize(("risk_ratio", "published"), [
    # the paper's first example (EValue's own test suite, tests/testthat/testthat.R, "Annals case #1":
    # evalues.RR(3.9, 1.8, 8.7)): breastfeeding and infant death from respiratory infection
    (3.9, 7.26),  # the paper's E-value of the estimate
    (1.8, 3.00),  # ... and of its lower confidence limit: 1.8 + sqrt(1.8 x 0.8) = 3.0
    # the paper's further example (EValue's "Further Examples #1" and evalues.RR's documented example,
    # "leukemia example in VanderWeele and Ding (2017)": evalues.RR(0.80, 0.71, 0.91)), a protective RR
    (0.80, 1.81),
    (0.91, 1.43),  # ... its upper limit, the one nearer to 1
    (1 / 0.80, 1.81),  # evalues.RR(1 / 0.80): the E-value is symmetric
    (10.729780, 20.95),  # evalues.RR(10.729780, 8.017457, 14.359688): Hammond and Holl, smoking and lung cancer
    (8.017457, 15.52),
])
def test_published_e_values(risk_ratio, published):
    assert round(e_value(risk_ratio), 2) == published


def test_no_difference_has_e_value_1():
    assert e_value(1.0) == 1.0


def test_a_difference_in_means_as_evalues_md_converts_it():
    # evalues.MD(0.5, 0.25): RR = exp(0.91 x 0.5) = 1.58 with E-value 2.53; lower limit exp(0.91 x 0.5 - 1.78 x 0.25)
    # = 1.01 with E-value 1.11. A difference of 5 days on an SD of 10 is d = 0.5; the bound nearest to no
    # difference is d - 1.96 x 0.25 (EValue's 1.78 is 0.91 x 1.96, rounded) on the same scale.
    near = 10 * (0.5 - 1.78 / 0.91 * 0.25)
    e = measure_e_value("days", 105.0, 100.0, near, 9.9, sd=10.0)
    assert e.scale == "standardised_difference"
    assert e.risk_ratio == pytest.approx(math.exp(0.455)) and round(e.estimate, 2) == 2.53
    assert e.risk_ratio_bound == pytest.approx(math.exp(0.01)) and round(e.bound, 2) == 1.11
    # a decrease gives the same E-values as the same increase
    down = measure_e_value("count", 95.0, 100.0, -9.9, -near, sd=10.0)
    assert (down.estimate, down.bound) == pytest.approx((e.estimate, e.bound))


def test_a_risk_ratio_from_two_proportions_by_hand():
    # Making Connections' rate: 15.7% against 27.8%, interval -20 to -4 points. RR = 15.7 / 27.8; the bound
    # nearest to no difference, -4 points, is (27.8 - 4) / 27.8 = 0.856 as a ratio.
    e = measure_e_value("proportion", 15.7, 27.8, -20.0, -4.0)
    rr = 27.8 / 15.7
    assert e.scale == "risk_ratio" and e.risk_ratio == pytest.approx(15.7 / 27.8)
    assert e.estimate == pytest.approx(rr + math.sqrt(rr * (rr - 1)))
    assert round(e.estimate, 2) == 2.94
    rb = 27.8 / 23.8
    assert e.bound == pytest.approx(rb + math.sqrt(rb * (rb - 1))) and round(e.bound, 2) == 1.61
    # an interval holding no difference: the bound's E-value is 1 (as EValue reports it)
    assert measure_e_value("proportion", 30.0, 27.8, -4.0, 8.0).bound == 1.0
    # no finite ratio when a group has none with the outcome
    assert measure_e_value("proportion", 0.0, 27.8, -30.0, -20.0) is None


def test_pooled_sd_is_cohens():
    assert pooled_sd(4.0, 11, 9.0, 21) == pytest.approx(math.sqrt((10 * 4 + 20 * 9) / 30))


def test_measures_carry_e_values_only_when_asked_and_significant():
    treated = frame([0] * 70 + MC_FREQ, MC_DAYS)
    pool = frame([0] * (5514 - 1533) + [3] * 287 + [4] * 1246, spread_days(1533, 219_000))
    weights = np.full(5514, 83 / 5514)
    off = measure_results(treated, pool, weights, np.ones(83, bool), make_spec(ALL, show_time_when_small=True))
    assert all(r.e_value is None for r in off.values())
    spec = make_spec(ALL, show_time_when_small=True).model_copy(deep=True)
    spec = spec.model_copy(update={"statistics": spec.statistics.model_copy(update={"e_values": True})})
    on = measure_results(treated, pool, weights, np.ones(83, bool), spec)
    rate, frequency = on["rate"], on["frequency"]
    assert rate.significant and rate.e_value.scale == "risk_ratio"
    assert rate.e_value.risk_ratio == pytest.approx(rate.treatment / rate.comparison)
    assert rate.e_value.risk_ratio_bound == pytest.approx(1 + rate.stated_high / rate.comparison)
    assert frequency.significant and frequency.e_value.scale == "standardised_difference"
    sd = pooled_sd(np.var(treated["reoffences"], ddof=1), 83, np.var(pool["reoffences"], ddof=1), 5514)
    assert frequency.e_value.risk_ratio == pytest.approx(math.exp(0.91 * frequency.difference / sd))
    assert frequency.e_value.risk_ratio_bound == pytest.approx(math.exp(0.91 * frequency.stated_high / sd))
    time = on["time_to_first_reoffence"]  # 13 re-offenders, 75 days against 142.9: a headline here, as in the seed
    assert time.significant and time.headline and time.e_value.scale == "standardised_difference"
    not_headline = measure_results(treated, pool, weights, np.ones(83, bool), spec.model_copy(update={
        "small_groups": spec.small_groups.model_copy(update={"show_time_when_small": False})}))
    assert not_headline["time_to_first_reoffence"].e_value is None  # significant, but not a headline measure
