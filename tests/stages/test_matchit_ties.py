"""Parity with R's MatchIt 4.7.2 when scores tie exactly (tests/stages/data/matchit-ties/README.md).

25 participants each have two pool records with identical matching variables, so their logit
scores tie. MatchIt breaks the tie by data order, so the same rows in two orders give different
1:1 matches; jdlspec, given each record's row in the reference file, must make MatchIt's choice
in both orders, through the whole pipeline (linking carries the row).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.inputs import read_inputs
from engine.run.pipeline import compute_results
from engine.spec.loader import load_spec
from engine.stages.link import REFERENCE_ROW, link_and_exclude
from engine.stages.matching import match_scores
from engine.stages.propensity import fit_propensity
from engine.stages.support import common_support

DATA = Path(__file__).parent / "data" / "matchit-ties"
ORDERS = ["treated_first", "controls_first"]


def summary(order: str, ratio: int) -> dict:
    results = json.loads((DATA / order / "ref_summary.json").read_text())["results"]
    return next(r for r in results if r["ratio"] == ratio)


@pytest.fixture(scope="module", params=[(o, k) for o in ORDERS for k in (1, 3)], ids=lambda p: f"{p[0]}-k{p[1]}")
def run(request):
    order, ratio = request.param
    loaded = load_spec(DATA / order / f"spec_k{ratio}.yaml")
    return order, ratio, loaded, compute_results(loaded)


def test_published_effects_equal_matchit(run):
    order, ratio, _, results = run
    ref = summary(order, ratio)
    analysis = results.headline
    assert analysis.treatment_n == ref["treated_matched"]
    assert analysis.comparison_n == ref["controls_used"]
    assert analysis.caliper_logit == pytest.approx(ref["caliper_logit"], abs=1e-9)
    assert analysis.measures["rate"].difference == pytest.approx(ref["att_rate_pp"], abs=1e-9)
    assert analysis.measures["frequency"].difference == pytest.approx(ref["att_frequency"], abs=1e-9)


def test_the_two_orders_differ_as_in_matchit():
    assert summary("treated_first", 1)["att_rate_pp"] == pytest.approx(-7.3333333333)
    assert summary("controls_first", 1)["att_rate_pp"] == pytest.approx(-5.3333333333)


def test_same_matched_sets_and_weights(run):
    order, ratio, loaded, _ = run
    spec = loaded.spec
    inputs = read_inputs(loaded)
    cohort = link_and_exclude(spec, inputs.reference, inputs.submission)
    treated = cohort.participants
    pool, variables = common_support(treated, cohort.pool, spec.matching.variables, spec.matching)
    pool = pool.reset_index(drop=True)
    scores = fit_propensity(treated, pool, variables, spec.matching)
    result = match_scores(scores.treated_logit, scores.pool_logit, spec.matching, treated[REFERENCE_ROW], pool[REFERENCE_ROW])
    ours = pd.DataFrame({"treated": treated["offender_id"].to_numpy()[result.pairs[:, 0]],
                         "control": pool["offender_id"].to_numpy()[result.pairs[:, 1]]})
    ref = pd.read_csv(DATA / order / f"ref_matches_k{ratio}.csv", dtype="string")
    key = lambda f: sorted(map(tuple, f.astype(str).values.tolist()))  # noqa: E731
    assert key(ours) == key(ref)
    weights = pd.Series(result.control_weights, index=pool["offender_id"].to_numpy())
    weights = weights[weights > 0]
    weights = weights * len(weights) / weights.sum()  # MatchIt scales to the number of controls used
    ref_w = pd.read_csv(DATA / order / f"ref_weights_k{ratio}.csv", dtype={"offender_id": "string"}).set_index("offender_id")
    assert sorted(weights.index) == sorted(ref_w.index)
    np.testing.assert_allclose(weights[ref_w.index].to_numpy(), ref_w["weight"].to_numpy(), rtol=1e-12, atol=0)


def test_ties_are_broken_by_data_row_not_by_group():
    """Hand case: a participant at 0.0 with tied pool records on both sides of it in the data."""
    from engine.stages.matching import nearest_match

    pool = np.array([0.0, 0.0, 0.0, 1.0])
    # participant is row 5; pool rows 2, 7, 9, 0: two tied records before it in the data, then two after
    first = nearest_match(np.array([0.0]), pool, 0.5, 1, True, np.array([5]), np.array([2, 7, 9, 0]))
    assert first.pairs.tolist() == [[0, 0]]  # the nearest before it in the data (row 2), the left side wins
    listed_first = nearest_match(np.array([0.0]), pool, 0.5, 1, True, np.array([1]), np.array([2, 7, 9, 0]))
    assert listed_first.pairs.tolist() == [[0, 0]]  # before all tied ones: the first tied in the data (row 2)
    listed_last = nearest_match(np.array([0.0]), pool, 0.5, 1, True, np.array([10]), np.array([2, 7, 9, 0]))
    assert listed_last.pairs.tolist() == [[0, 2]]  # after all of them: the last tied in the data (row 9)
    three = nearest_match(np.array([0.0]), pool, 0.5, 3, True, np.array([8]), np.array([2, 7, 9, 0]))
    assert three.pairs[:, 1].tolist() == [1, 2, 0]  # row 7 (left, 1 place), row 9 (right, 1 place), row 2 (left, 2)
