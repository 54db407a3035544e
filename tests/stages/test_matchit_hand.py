"""A held-out check of MatchIt 4.7.2's tie rule (issue 22, item 2): tie shapes the shared fixture
(tests/stages/data/matchit-interleaved) does not hold, with the expected matches worked out by hand from
MatchIt's source, not from the engine or from the Python transcription.

Source read (kosukeimai/MatchIt at the 4.7.2 release commit ac853e7):
- R/matchit2nearest.R l.403-404: with replacement (reuse.max >= n1) participants are matched in data
  order; without it `m.order` is "largest": by descending distance, equal distances in data order.
- src/nn_matchC_vec.cpp l.95: every record, participant or not, is placed by `order(distance)`, equal
  distances in data order. With replacement (l.287-348) one `find_control_vec` call per participant
  finds all `ratio` matches; without it (l.186-286) matching goes in rounds of one match each, and a
  record matched once, or a participant with `ratio` matches or none found, is no longer eligible.
- src/internal.cpp `find_control_vec` (l.175-440): from the participant's place, turns go left,
  right, left ... one place each (a place held by a participant or an ineligible record uses its turn);
  a side stops at the caliper (distance > caliper), at `first_control` / `last_control`, after `ratio`
  finds, or at a record with `ratio` found ones strictly nearer; in round r > 1 the search starts
  outside the participant's earlier matches and skips records nearer than the farthest of them. The
  found ones are cut to `ratio` by std::partial_sort (ratio 1: the first found unless a later one is
  strictly nearer); `n <= ratio` found in non-decreasing distance are kept as found.

Notation in the derivations: places 0, 1, ... in `order(distance)`; "L3 C2 found" is a left turn to
place 3 that finds comparison record C2; T are participants, C comparison records, named by data row.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.inputs import read_inputs
from engine.spec.loader import load_spec
from engine.stages.link import REFERENCE_ROW, link_and_exclude
from engine.stages.matching import match_scores
from engine.stages.outcomes import measure_results
from engine.stages.propensity import fit_propensity
from engine.stages.support import common_support
from tests.stages.matchit_transcript import matchit_nearest
from tests.stages.test_matchit_rule import engine_columns


def both(treat, score, ratio, replace, width):
    """The engine's match matrix (data rows as the tie-breaking rows) and the transcription's."""
    rows = range(len(treat))
    got = engine_columns(treat, score, rows, ratio, replace, width)
    return got, matchit_nearest(treat, score, ratio, replace, width)


# rows C0, T1, C2, T3, T4, C5, C6: one score, so places are data rows
SEVERAL = ([0, 1, 0, 1, 1, 0, 0], [0.0] * 7)


def test_several_participants_among_several_tied_records_one_to_one():
    """T1: L0 C0 found (left side done), R2 C2 found; C0 was found first -> C0.
    T3: L2 C2 found; R4 T4; R5 C5 found -> C2 (found first).
    T4: L3 T3; R5 C5 found; L2 C2 found -> C5 (found first).
    With replacement all three are searched in data order and nothing is used up. Without it (order
    "largest": all equal, so data order) the same: T1 takes C0; for T3 first_control moves to place 2 and
    T3 finds C2 first; for T4 first_control moves to 5, the left side stops at once and R5 C5 is found."""
    for replace in (True, False):
        assert both(*SEVERAL, 1, replace, 0.5) == ([[0], [2], [5]], [[0], [2], [5]])


def test_several_participants_among_several_tied_records_ratio_2_and_3():
    """Ratio 2, with replacement. T1: L0 C0, R2 C2, left stops at first_control, R3 T3, R4 T4, R5 C5 (no
    two found strictly nearer, so kept): found C0, C2, C5, all at 0; partial_sort of 2 out of 3 equal
    distances keeps places 0, 1 of the found list -> [C0, C2].
    T3: L2 C2, R4 T4, L1 T1, R5 C5, L0 C0, R6 C6 -> found C2, C5, C0, C6 -> [C2, C5].
    T4: L3 T3, R5 C5, L2 C2, R6 C6, L1 T1, L0 C0 -> found C5, C2, C6, C0 -> [C5, C2].
    Ratio 3: T1 finds C0, C2, then C5 and C6 on the right -> 4 found, partial_sort keeps the first
    three of equal distances -> [C0, C2, C5]; T3 finds C2, C5, C0, C6 -> [C2, C5, C0]; T4 finds C5, C2,
    C6, C0 -> [C5, C2, C6]. (libstdc++'s make_heap / sort_heap on equal keys: worked through on paper
    for 3 of 4: heap [2, 1, 0, 3], sorted back to [0, 1, 2].)"""
    assert both(*SEVERAL, 2, True, 0.5) == ([[0, 2], [2, 5], [5, 2]],) * 2
    assert both(*SEVERAL, 3, True, 0.5) == ([[0, 2, 5], [2, 5, 0], [5, 2, 6]],) * 2


def test_reuse_changes_who_is_left_without_a_match():
    """Rows T0, C1, T2, T3, C4, one score. With replacement: T0: left stops at once, R1 C1 -> C1;
    T2: L1 C1, R3 T3, R4 C4 -> C1 (found first); T3: L2 T2, R4 C4, L1 C1 -> C4 (found first).
    Without: T0 -> C1; for T2 first_control moves past T0 and C1 to place 4, so the left stops at once
    and R4 C4 is found; then no comparison record is eligible (n_eligible 0): T3 is not matched."""
    treat, score = [1, 0, 1, 1, 0], [0.0] * 5
    assert both(treat, score, 1, True, 0.5) == ([[1], [1], [4]],) * 2
    assert both(treat, score, 1, False, 0.5) == ([[1], [4], []],) * 2


def test_equal_distances_either_side_and_a_record_at_the_caliper():
    """Rows Ca 0.5, T1 0.25, Cb 0.0, T2 0.25, Cc 0.5, Cd 0.0; places by score then row: Cb, Cd, T1, T2,
    Ca, Cc. Every distance is 0.25, exactly the caliper (kept: only > caliper stops a side).
    Ratio 1: T1: L1 Cd found, R3 T2, R4 Ca found -> Cd (first). T2: L2 T1, R4 Ca, L1 Cd -> Ca (first).
    Ratio 2: T1: L1 Cd, R3 T2, L0 Cb (the left side has its 2), R4 Ca, R5 Cc -> [Cd, Cb], both from
    the left though Ca is as many places away as Cb: the left side took its turn first.
    T2: L2 T1, R4 Ca, L1 Cd, R5 Cc, L0 Cb -> [Ca, Cd].
    A caliper just under 0.25 matches nobody."""
    treat, score = [0, 1, 0, 1, 0, 0], [0.5, 0.25, 0.0, 0.25, 0.5, 0.0]
    assert both(treat, score, 1, True, 0.25) == ([[5], [0]],) * 2
    assert both(treat, score, 2, True, 0.25) == ([[5, 2], [0, 5]],) * 2
    assert both(treat, score, 1, True, 0.2499) == ([[], []],) * 2


# rows C0 0.0, T1 0.5, C2 0.5, T3 0.5, C4 1.0, C5 0.5, C6 0.0; places: C0, C6, T1, C2, T3, C5, C4
ROUNDS = ([0, 1, 0, 1, 0, 0, 0], [0.0, 0.5, 0.5, 0.5, 1.0, 0.5, 0.0])


def test_rounds_without_replacement_start_outside_earlier_matches():
    """Without replacement, participants T1 then T3 (equal scores: data order).
    Round 1. T1 (place 2): L1 C6 at 0.5 found, R3 C2 at 0 found -> C2 (strictly nearer). T3 (place 4):
    L3 C2 used, R5 C5 at 0 found, L2 T1, L1 C6: one found strictly nearer -> left stops -> C5.
    Round 2. T1: starts at places 2..3 (its match C2), skips nothing nearer than 0: L1 C6 (0.5) found,
    R4 T3, R5 C5 used, R6 C4 (0.5) found -> C6 (first). T3: starts at 4..5, L3 C2 used, R6 C4 found,
    L2 T1 (it has its 2: ineligible), L1 C6 used, L0 C0 (0.5, not strictly farther) found -> C4 (first).
    Ratio 3, round 3. T1: starts at places 1..3, nothing nearer than 0.5 (C6): L0 C0 found -> C0;
    then no record is eligible and T3 keeps two."""
    assert both(*ROUNDS, 2, False, 10.0) == ([[2, 6], [5, 4]],) * 2
    assert both(*ROUNDS, 3, False, 10.0) == ([[2, 6, 0], [5, 4]],) * 2


def test_ratio_2_with_replacement_keeps_the_heap_order():
    """The same rows, with replacement. T1 (place 2): L1 C6 (0.5), R3 C2 (0), L0 C0 (0.5: only one found
    is strictly nearer, so kept; the left side has its 2), R4 T3, R5 C5 (0) -> found distances
    [0.5, 0, 0.5, 0]. partial_sort(2 of 4): make_heap of the first two gives [0, 1] (ind 0 is the larger);
    ind 2 is not smaller than ind 0; ind 3 is: it replaces the top and the heap becomes [1, 3]; sort_heap
    gives [3, 1] -> [C5, C2]: C5 in the first column though C2 was found first.
    T3 (place 4): L3 C2 (0), R5 C5 (0), L2 T1, R6 C4 (0.5: two strictly nearer, right stops), L1 C6
    (left stops) -> two found, in order -> [C2, C5]."""
    assert both(*ROUNDS, 2, True, 10.0) == ([[5, 2], [2, 5]],) * 2


def test_a_different_data_order_of_the_same_people():
    """The people of ROUNDS with the participants first in the data: rows T0 0.5, T1 0.5, C2 0.0, C3 0.5,
    C4 1.0, C5 0.5, C6 0.0; places C2, C6, T0, T1, C3, C5, C4. Ratio 1 with replacement:
    T0 (place 2): L1 C6 (0.5) found, R3 T1, R4 C3 (0) found -> C3 (strictly nearer).
    T1 (place 3): L2 T0, R4 C3 (0) found, L1 C6: one strictly nearer, left stops -> C3.
    Without replacement T0 takes C3; T1: L2 T0 (ineligible), R4 C3 used, L1 C6 (0.5) found, R5 C5 (0)
    found -> C5."""
    treat, score = [1, 1, 0, 0, 0, 0, 0], [0.5, 0.5, 0.0, 0.5, 1.0, 0.5, 0.0]
    assert both(treat, score, 1, True, 10.0) == ([[3], [3]],) * 2
    assert both(treat, score, 1, False, 10.0) == ([[3], [5]],) * 2


# --- through the pipeline's stages: a saturated propensity model on one 3-level variable --------------
# Cells (participants / comparison records): a 2 / 6, b 3 / 2, c 1 / 4. The fitted logit of a saturated
# model is the log-odds of each cell: c -ln 4 < a -ln 3 < b ln 1.5; every record of a cell has the same
# score. Rows (data order) and outcomes (re-offended, re-offences):
PEOPLE = [  # (cell, participant, reoffended, reoffences)
    ("a", 0, 1, 2), ("b", 1, 0, 0), ("a", 1, 1, 1), ("c", 0, 0, 0), ("b", 0, 1, 3), ("a", 0, 0, 0),
    ("b", 1, 1, 2), ("c", 0, 1, 1), ("a", 1, 0, 0), ("a", 0, 1, 4), ("b", 0, 1, 1), ("c", 1, 1, 3),
    ("b", 1, 1, 1), ("a", 0, 0, 0), ("c", 0, 1, 2), ("a", 0, 1, 1), ("c", 0, 0, 0), ("a", 0, 0, 0),
]
# places by score, then row: c: 3 7 T11 14 16 | a: 0 T2 5 T8 9 13 15 17 | b: T1 4 T6 10 T12
# The caliper's SD over the 18 scores is 0.754205; 0.2 SD = 0.1508 keeps every match inside its cell,
# 0.5 SD = 0.3771 lets a reach c (0.2877 apart) but not b (1.504).
HAND = {  # (ratio, replace, caliper): ({participant row: comparison rows in column order}, ATT rate pp, ATT count)
    # T1: L12 (17, cell a) beyond the caliper, R14 4. T2: L5 0, R7 5 -> 0. T6: L14 4, R16 10 -> 4.
    # T8: L7 5, R9 9 -> 5. T11: L1 7, R3 14 -> 7. T12: L16 10, right end -> 10.
    (1, True, 0.2): ({1: [4], 2: [0], 6: [4], 8: [5], 11: [7], 12: [10]}, -100 / 6, -3 / 6),
    # "largest" first: T1, T6, T12 (b), T2, T8 (a), T11. T1 -> 4; T6: L14 used, R16 10 -> 10; T12: L16,
    # L14 used, L15 T6, L13 T1, L12 beyond the caliper, right end: no match. a and c as above.
    (1, False, 0.2): ({1: [4], 6: [10], 2: [0], 8: [5], 11: [7]}, -20.0, -1 / 5),
    # T1: R14 4, R15 T6, R16 10. T2: L5 0, R7 5, L4 (cell c) beyond, R8 T8, R9 9 -> 3 found, keep 2.
    # T6: L14 4, R16 10. T8: L7 5, R9 9, L6 T2, R10 13, L5 0 -> [5, 9]. T11: L1 7, R3 14, L0 3, R4 16
    # -> [7, 14]. T12: L16 10, L15 T6, L14 4 -> [10, 4].
    (2, True, 0.2): ({1: [4, 10], 2: [0, 5], 6: [4, 10], 8: [5, 9], 11: [7, 14], 12: [10, 4]}, -100 / 6, -7 / 12),
    # Round 1 as (1, False) (T12 ineligible). Round 2: T1, T6 find nothing (b used up, a beyond) and
    # become ineligible. T2 (outside 5..6, nothing nearer than 0): L4 16 (cell c, 0.288, inside 0.5 SD)
    # found, R7 used, R8 T8, R9 9 (0) found -> 9. T8 (7..8): L6 T2, R9 used, L5 used, R10 13 found, L4
    # 16: one strictly nearer -> 13. T11 (1..2): L0 3, R3 14 -> 3. Round 3: T2 (5..9): L4 16 (0.288),
    # R10 used, R11 15 (0) -> 15. T8 (7..10): L6 T2 (has 3), R11 used, L5 used, R12 17 found, L4 16
    # stops the left -> 17. T11 (0..2): first_control is place 3: R3 14 -> 14.
    (3, False, 0.5): ({1: [4], 6: [10], 2: [0, 9, 15], 8: [5, 13, 17], 11: [7, 3, 14]}, -40 / 3, -4 / 15),
}


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    """The fixture's files, read, linked and scored as the pipeline does (no matching yet)."""
    folder = tmp_path_factory.mktemp("hand")
    reference = pd.DataFrame({
        "offender_id": [f"P{row:02d}" for row in range(len(PEOPLE))],
        "index_date": "2015-06-01",
        "x": [cell for cell, *_ in PEOPLE],
        "reoffended": [r for *_, r, _ in PEOPLE],
        "reoffences": [k for *_, k in PEOPLE],
    })
    reference.to_csv(folder / "reference.csv", index=False)
    participants = [row for row, (_, t, _, _) in enumerate(PEOPLE) if t][::-1]  # listed in another order
    pd.DataFrame({"record_id": [f"R{row}" for row in participants], "offender_id": [f"P{row:02d}" for row in
                  participants], "start_date": "2015-06-01"}).to_csv(folder / "submission.csv", index=False)
    (folder / "spec.yaml").write_text(
        "spec_version: 1\nprogramme: {name: the hand programme, title: Hand, organisation: Audit, summary: Ties.}\n"
        "data: {reference: reference.csv, submission: submission.csv, link_on: [offender_id], days_before_index: 0,"
        " days_after_index: 0}\nexclusions: [duplicates, not_identified, no_matching_sentence]\n"
        "matching: {method: nearest, ratio: 1, replace: true, caliper: 0.2, variables: [x]}\n"
        "analyses: [{name: All, headline: true}]\nmeasures: [rate, frequency]\n")
    loaded = load_spec(folder / "spec.yaml")
    inputs = read_inputs(loaded)
    cohort = link_and_exclude(loaded.spec, inputs.reference, inputs.submission)
    pool, variables = common_support(cohort.participants, cohort.pool, loaded.spec.matching.variables,
                                     loaded.spec.matching)
    pool = pool.reset_index(drop=True)
    scores = fit_propensity(cohort.participants, pool, variables, loaded.spec.matching)
    return loaded.spec, cohort.participants, pool, scores


def test_the_scores_are_the_cells_log_odds_and_tie_exactly(stages):
    _, treated, pool, scores = stages
    logit = {"a": -math.log(3), "b": math.log(1.5), "c": -math.log(4)}
    for frame, values in ((treated, scores.treated_logit), (pool, scores.pool_logit)):
        for cell, value in zip(frame["x"].astype(str), values):
            assert value == pytest.approx(logit[cell], abs=1e-8)
    everything = np.concatenate([scores.treated_logit, scores.pool_logit])
    assert np.unique(everything).size == 3  # bit for bit: a cell's records tie exactly
    assert np.std(everything, ddof=1) == pytest.approx(0.754205, abs=1e-6)


@pytest.mark.parametrize("config", list(HAND), ids=lambda c: f"k{c[0]}_{'rep' if c[1] else 'norep'}_cal{c[2]}")
def test_pairs_and_att_are_the_hand_derived_ones(stages, config):
    spec, treated, pool, scores = stages
    ratio, replace, caliper = config
    expected, att_rate, att_count = HAND[config]
    matching = spec.matching.model_copy(update={"ratio": ratio, "replace": replace, "caliper": caliper})
    result = match_scores(scores.treated_logit, scores.pool_logit, matching, treated[REFERENCE_ROW],
                          pool[REFERENCE_ROW])
    t_rows, p_rows = treated[REFERENCE_ROW].to_numpy(), pool[REFERENCE_ROW].to_numpy()
    got: dict[int, list[int]] = {}
    for i, j in result.pairs:
        got.setdefault(int(t_rows[i]), []).append(int(p_rows[j]))
    assert got == expected
    measures = measure_results(treated, pool, result.control_weights, result.treated_matched, spec)
    assert measures["rate"].difference == pytest.approx(att_rate, abs=1e-9)
    assert measures["frequency"].difference == pytest.approx(att_count, abs=1e-9)
