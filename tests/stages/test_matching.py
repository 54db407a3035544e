"""Matching against brute force (radius: every participant against every pool record), MatchIt's own
matching loop transcribed (nearest) and hand calculation."""

from __future__ import annotations

import numpy as np
import pytest

from engine.spec.models import Matching
from engine.stages.matching import caliper_width, match_scores, nearest_match, radius_match
from tests.stages.matchit_transcript import matchit_nearest


def brute_radius(t, p, width):
    weights = np.zeros(p.size)
    matched = np.zeros(t.size, dtype=bool)
    for i, score in enumerate(t):
        inside = np.abs(p - score) <= width
        if inside.any():
            matched[i] = True
            weights[inside] += 1.0 / inside.sum()
    return matched, weights


def transcript_nearest(t, p, width, ratio, replace):
    """MatchIt 4.7.2's C++ matching loop, transcribed line by line (tests/stages/matchit_transcript.py),
    on nearest_match's default data order: the pool first, then the participants."""
    columns = matchit_nearest([0] * p.size + [1] * t.size, list(p) + list(t), ratio, replace, width)
    weights = np.zeros(p.size)
    for picks in columns:
        for j in picks:
            weights[j] += 1.0 / len(picks)
    return [list(map(int, picks)) for picks in columns], weights


def test_radius_by_hand():
    result = radius_match(np.array([0.0, 1.0, 5.0]), np.array([-0.05, 0.05, 0.5, 1.02]), 0.1)
    assert result.treated_matched.tolist() == [True, True, False]
    assert result.control_weights.tolist() == [0.5, 0.5, 0.0, 1.0]
    assert result.matches_per_treated.tolist() == [2, 1, 0]


def test_caliper_is_sd_over_both_groups():
    t, p = np.array([1.0, 2.0]), np.array([0.0, 3.0, 4.0])
    assert caliper_width(t, p, 0.2) == pytest.approx(0.2 * np.std([1, 2, 0, 3, 4], ddof=1), rel=1e-14)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rounded", [False, True])
def test_radius_equals_brute_force(seed, rounded):
    rng = np.random.default_rng(seed)
    t = rng.normal(0.5, 1, 40)
    p = rng.normal(0, 1, 900)
    if rounded:  # many exact ties and scores on the caliper's edge
        t, p = np.round(t, 1), np.round(p, 1)
    width = caliper_width(t, p, 0.2) if not rounded else 0.1
    result = radius_match(t, p, width)
    matched, weights = brute_radius(t, p, width)
    assert result.treated_matched.tolist() == matched.tolist()
    np.testing.assert_allclose(result.control_weights, weights, rtol=1e-12, atol=0)
    assert ((result.control_weights > 0) == (weights > 0)).all()
    assert result.control_weights.sum() == pytest.approx(matched.sum(), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ratio", [1, 3])
@pytest.mark.parametrize("replace", [True, False])
@pytest.mark.parametrize("rounded", [False, True])
def test_nearest_equals_brute_force(seed, ratio, replace, rounded):
    rng = np.random.default_rng(100 + seed)
    t = rng.normal(0.8, 1, 30)
    p = rng.normal(0, 1, 300)
    if rounded:
        t, p = np.round(t, 1), np.round(p, 1)
    width = 0.15
    result = nearest_match(t, p, width, ratio, replace)
    taken, weights = transcript_nearest(t, p, width, ratio, replace)
    ours = [[] for _ in t]
    for i, j in result.pairs:
        ours[i].append(int(j))
    assert ours == taken
    np.testing.assert_allclose(result.control_weights, weights, rtol=1e-12, atol=0)
    if not replace:
        assert np.bincount(result.pairs[:, 1], minlength=p.size).max() <= 1


def test_match_scores_uses_the_spec():
    t, p = np.array([0.0, 10.0]), np.linspace(-1, 1, 21)
    radius = match_scores(t, p, Matching(variables=["x"], caliper=0.2))
    assert radius.caliper_logit == pytest.approx(0.2 * np.std(np.concatenate([t, p]), ddof=1))
    assert radius.treated_matched.tolist() == [True, False]
    assert radius.pairs is None
    nearest = match_scores(t, p, Matching(variables=["x"], method="nearest", ratio=2))
    assert nearest.pairs.tolist() == [[0, 10], [0, 9]]  # 0.0 itself, then -0.1 (the left wins the tie with 0.1)
    assert nearest.control_weights.sum() == pytest.approx(1.0)


def test_nobody_within_the_caliper_is_an_error():
    from engine.errors import AnalysisError

    with pytest.raises(AnalysisError, match="no participant has a comparison record within the caliper"):
        match_scores(np.array([50.0]), np.linspace(-1, 1, 1000), Matching(variables=["x"]))
