"""MatchIt's tie rule in general (issue 22, item 2): the engine's fast nearest-neighbour matcher
against a plain transcription of MatchIt 4.7.2's C++ matching loop (tests/stages/matchit_transcript.py,
which test_matchit_interleaved.py checks against R's own output).

Small data with few distinct scores, so nearly every choice is an exact tie; random row orders, so
participants sit between tied pool records; every ratio / replace / caliper combination. The engine
must make MatchIt's match matrix: the same comparison records, in the same columns.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.stages.matching import nearest_match
from tests.stages.matchit_transcript import matchit_nearest

SCORES = [-1.5, -1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0]


def engine_columns(treat, score, rows, ratio, replace, width, pass_rows=True):
    """The engine's matches as MatchIt's match matrix: for each participant in data order, the data
    indices of its comparison records, in order. `rows` are the records' rows in the data (any
    increasing numbers: the data may have rows that are not in the analysis)."""
    treat = np.asarray(treat, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    rows = np.asarray(rows, dtype=np.int64)
    t_idx, p_idx = np.flatnonzero(treat), np.flatnonzero(~treat)
    if pass_rows:
        result = nearest_match(score[t_idx], score[p_idx], width, ratio, replace, rows[t_idx], rows[p_idx])
    else:
        result = nearest_match(score[t_idx], score[p_idx], width, ratio, replace)
    out: list[list[int]] = [[] for _ in t_idx]
    for i, j in result.pairs:
        out[i].append(int(p_idx[j]))
    k = np.array([len(x) for x in out])
    assert result.matches_per_treated.tolist() == k.tolist()
    assert result.treated_matched.tolist() == (k > 0).tolist()
    expected_w = np.zeros(p_idx.size)
    for picks in out:
        for j in picks:
            expected_w[np.searchsorted(p_idx, j)] += 1.0 / len(picks)
    np.testing.assert_allclose(result.control_weights, expected_w, rtol=1e-12, atol=0)
    return out


def test_two_participants_between_two_tied_pool_records():
    """Rows Ca, T1, T2, Cb with one score, 1:1 with replacement: MatchIt gives T1 -> Ca and T2 -> Cb.

    T1 looks left first and finds Ca one place away; to its right T2 takes a turn, then Cb, equally
    near but found second. T2 finds T1 to its left, Cb to its right, then Ca: Cb was found first."""
    treat, score, rows = [0, 1, 1, 0], [0.0] * 4, [0, 1, 2, 3]
    assert matchit_nearest(treat, score, 1, True, 0.5) == [[0], [3]]
    assert engine_columns(treat, score, rows, 1, True, 0.5) == [[0], [3]]
    # the participants' own rows count: with the pool elsewhere in the data, the answer moves with them
    assert engine_columns([1, 0, 0, 1], score, rows, 1, True, 0.5) == [[1], [2]]
    assert engine_columns([0, 0, 1, 1], score, rows, 1, True, 0.5) == [[1], [1]]
    assert engine_columns([1, 1, 0, 0], score, rows, 1, True, 0.5) == [[2], [2]]


def test_the_hand_cases_of_the_old_rule():
    """The participant at 0.0 with tied pool records both sides of it in the data (row 5 of pool rows
    2, 7, 9 and 0). At ratio 3 MatchIt finds row 7 (left, 1 place), row 9 (right, 1 place), row 2
    (left, 2 places) and keeps them in that order (std::is_sorted on equal distances)."""
    pool = np.array([0.0, 0.0, 0.0, 1.0])
    three = nearest_match(np.array([0.0]), pool, 0.5, 3, True, np.array([8]), np.array([2, 7, 9, 0]))
    assert three.pairs[:, 1].tolist() == [1, 2, 0]
    # data order rows 0 (1.0), 2, 7, 8 (participant), 9
    assert matchit_nearest([0, 0, 0, 1, 0], [1.0, 0.0, 0.0, 0.0, 0.0], 3, True, 0.5) == [[2, 4, 1]]


def test_unequal_distances_are_not_ties():
    """Nearest first whatever the places: ties only decide between equally near records."""
    # data: pool 0.45 at row 0, participants 0.5 at rows 1-3, pool 0.52 at row 4
    got = engine_columns([0, 1, 1, 1, 0], [0.45, 0.5, 0.5, 0.5, 0.52], range(5), 1, True, 1.0)
    assert got == [[4], [4], [4]]


@st.composite
def tied_data(draw):
    n = draw(st.integers(2, 40))
    values = draw(st.lists(st.sampled_from(SCORES), min_size=1, max_size=4, unique=True))
    score = draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))
    treat = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    assume_both = draw(st.permutations(range(n)))  # make sure both groups exist, at random places
    treat[assume_both[0]], treat[assume_both[1]] = True, False
    gaps = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))  # rows not in the analysis
    rows = np.cumsum(gaps) - 1
    ratio = draw(st.one_of(st.integers(1, 4), st.integers(5, 20)))
    replace = draw(st.booleans())
    width = draw(st.sampled_from([0.0, 0.25, 0.3, 0.5, 0.75, 1.0, 10.0]))  # on score differences, too
    return treat, score, rows, ratio, replace, width


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tied_data(), st.booleans())
def test_engine_equals_matchit_transcription(data, pass_rows):
    treat, score, rows, ratio, replace, width = data
    treat_arr = np.asarray(treat, dtype=bool)
    if not pass_rows:  # without rows the engine counts the pool as listed first, then the participants
        order = np.concatenate([np.flatnonzero(~treat_arr), np.flatnonzero(treat_arr)])
        treat = [treat[i] for i in order]
        score = [score[i] for i in order]
    expected = matchit_nearest(treat, score, ratio, replace, width)
    assert engine_columns(treat, score, rows, ratio, replace, width, pass_rows) == expected


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ratio", [1, 3])
@pytest.mark.parametrize("replace", [True, False])
def test_engine_equals_matchit_transcription_on_a_bigger_pool(seed, ratio, replace):
    """Hundreds of participants, thousands of pool records, five scores: long runs of taken records
    and of participants to step over."""
    rng = np.random.default_rng(seed)
    n = 2500
    treat = rng.random(n) < 0.12
    score = rng.choice([-1.0, -0.4, 0.0, 0.2, 0.9], n, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    score[treat] = rng.choice([-0.4, 0.0, 0.2, 0.9], treat.sum())
    rows = np.arange(n)
    expected = matchit_nearest(treat.astype(int), score, ratio, replace, 0.5)
    assert engine_columns(treat, score, rows, ratio, replace, 0.5) == expected


@pytest.mark.parametrize("replace", [True, False])
@pytest.mark.parametrize("ratio", [1, 2, 5])
def test_distinct_scores_take_the_nearest(replace, ratio):
    """No ties: both make the plain nearest-neighbour match, nearest first."""
    rng = np.random.default_rng(7)
    treat = rng.random(400) < 0.2
    score = rng.normal(0, 1, 400) + 0.5 * treat
    expected = matchit_nearest(treat.astype(int), score, ratio, replace, 0.1)
    got = engine_columns(treat, score, np.arange(400), ratio, replace, 0.1)
    assert got == expected
    for picks, t in zip(got, np.flatnonzero(treat)):
        d = np.abs(score[picks] - score[t])
        assert (np.diff(d) >= 0).all()
