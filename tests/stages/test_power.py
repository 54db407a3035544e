"""The sample-size sentence: participants needed, by hand from the formula in engine/stages/power.py."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from engine.stages.power import required_treatment_n

Z = 1.959963984540054 + 0.8416212335729143  # z_{0.975} + z_{0.80}


def by_hand(p_t, p_c, n_eff, z=Z):
    return z * z * p_t * (1 - p_t) / ((p_t - p_c) ** 2 - z * z * p_c * (1 - p_c) / n_eff)


def test_lpt_published_rates():
    # 43.6% against 34.8%, comparison at 13,557: 253.5 -> 254 (the report printed 428; see the module docstring)
    n = by_hand(0.436, 0.348, 13557)
    assert n == pytest.approx(253.535, abs=1e-3)
    assert required_treatment_n(0.436, 0.348, 13557, 0.05, 0.8) == math.ceil(n) == 254


def test_with_the_comparison_infinitely_large_it_is_the_one_sample_formula():
    # 7.8489 * .25 / .01 = 196.2 -> 197
    assert Z * Z * 0.25 / 0.01 == pytest.approx(196.22, abs=0.01)
    assert required_treatment_n(0.5, 0.4, 1e12, 0.05, 0.8) == 197


def test_level_and_power_are_used():
    z = stats.norm.ppf(0.995) + stats.norm.ppf(0.9)  # 2.5758 + 1.2816
    assert required_treatment_n(0.3, 0.2, 5000, 0.01, 0.9) == math.ceil(by_hand(0.3, 0.2, 5000, z)) == 329
    # symmetric in the direction of the difference (a decrease needs as many people as an increase)
    assert required_treatment_n(0.2, 0.3, 5000, 0.05, 0.8) == math.ceil(by_hand(0.2, 0.3, 5000))


def test_no_finite_size():
    assert required_treatment_n(0.35, 0.35, 13557, 0.05, 0.8) is None  # no difference
    # the comparison's own uncertainty exceeds the difference: .01 - 7.85*.21/100 < 0
    assert required_treatment_n(0.4, 0.3, 100, 0.05, 0.8) is None
    assert required_treatment_n(0.0, 0.3, 13557, 0.05, 0.8) is None  # no participant variance
    assert required_treatment_n(0.4, 0.3, 0, 0.05, 0.8) is None
