"""The sample-size sentence: participants needed, checked against values worked out independently of
engine/stages/power.py (textbook cases, and the power its answer gives in a simulated Welch test)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from engine.stages.power import required_treatment_n


def simulated_power(n: int, p_t: float, p_c: float, n_c: int, alpha: float, draws: int = 40_000) -> float:
    """Share of simulated studies (n participants, n_c comparison records, true rates p_t and p_c) whose
    two-sided test with unpooled variances is significant at alpha."""
    rng = np.random.default_rng(20261206)
    rate_t, rate_c = rng.binomial(n, p_t, draws) / n, rng.binomial(n_c, p_c, draws) / n_c
    z = (rate_t - rate_c) / np.sqrt(rate_t * (1 - rate_t) / n + rate_c * (1 - rate_c) / n_c)
    return float(np.mean(np.abs(z) > ndtri(1 - alpha / 2)))


def test_lpt_published_rates():
    # 43.6% against 34.8%, comparison at 13,557: 254 (the report printed 428; see the module docstring)
    assert required_treatment_n(0.436, 0.348, 13557, 0.05, 0.8) == 254


def test_with_the_comparison_infinitely_large_it_is_the_one_sample_textbook_size():
    # (1.96 + 0.8416)^2 * 0.5 * 0.5 / 0.1^2 = 196.2 -> 197, as tables of one-sample sizes give
    assert required_treatment_n(0.5, 0.4, 1e12, 0.05, 0.8) == 197


@pytest.mark.parametrize("p_t, p_c, n_c, alpha, power", [
    (0.436, 0.348, 13557, 0.05, 0.8), (0.3, 0.2, 5000, 0.01, 0.9), (0.2, 0.3, 5000, 0.05, 0.8),
    (0.25, 0.35, 800, 0.05, 0.8),
])
def test_the_size_it_gives_has_the_power_asked_for_in_a_simulation(p_t, p_c, n_c, alpha, power):
    n = required_treatment_n(p_t, p_c, n_c, alpha, power)
    assert abs(simulated_power(n, p_t, p_c, n_c, alpha) - power) < 0.03
    assert simulated_power(int(0.85 * n), p_t, p_c, n_c, alpha) < power - 0.04  # fewer people are not enough


def test_no_finite_size():
    assert required_treatment_n(0.35, 0.35, 13557, 0.05, 0.8) is None  # no difference
    # the comparison's own uncertainty exceeds the difference: .01 - 7.85*.21/100 < 0
    assert required_treatment_n(0.4, 0.3, 100, 0.05, 0.8) is None
    assert required_treatment_n(0.0, 0.3, 13557, 0.05, 0.8) is None  # no participant variance
    assert required_treatment_n(0.4, 0.3, 0, 0.05, 0.8) is None
