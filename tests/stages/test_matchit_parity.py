"""Parity with R's MatchIt 4.7.2 on a 6,150-record fixture (tests/stages/data/matchit/README.md).

Nearest-neighbour matching with replacement, caliper 0.2 SD of the logit score, ratios 1 and 5:
the same scores, caliper, matched sets, weights, effects and standardised differences as R.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.spec.models import Matching
from engine.stages.matching import match_scores
from engine.stages.propensity import Encoding, category_codes, fit_propensity

DATA = Path(__file__).parent / "data" / "matchit"
VARIABLES = ["sex", "age", "previous_offences", "copas_rate", "region", "need_drugs"]
SUMMARY = {r["ratio"]: r for r in json.loads((DATA / "ref_summary.json").read_text())["results"]}


@pytest.fixture(scope="module")
def fixture():
    reference = pd.read_csv(DATA / "reference.csv", dtype={"offender_id": "string"})
    is_treated = reference["offender_id"].str.startswith("T").to_numpy(dtype=bool)
    treated = reference[is_treated].reset_index(drop=True)
    pool = reference[~is_treated].reset_index(drop=True)
    matching = Matching(
        method="nearest", replace=True, caliper=0.2, variables=VARIABLES,
        reference_levels={"sex": "F", "region": "London"},
    )
    scores = fit_propensity(treated, pool, VARIABLES, matching)
    return treated, pool, matching, scores


def term_values(encoding: Encoding, frame: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """(term name, values) for every term of the model, the reference level included, as MatchIt's
    balance table lists them: a number 0 where missing plus its missing indicator, one 0/1 column per level."""
    terms = encoding.terms()
    if encoding.categorical:
        codes = category_codes(frame[encoding.variable], encoding)
        return [(term.name, (codes == code).astype(np.float64)) for code, term in enumerate(terms)]
    raw = frame[encoding.variable].to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(raw)
    out = [(terms[0].name, np.where(missing, 0.0, raw))]
    if encoding.has_missing:
        out.append((terms[1].name, missing.astype(np.float64)))
    return out


def matchit_std_mean_diff(treated_values, pool_values, weights, treated_matched) -> float:
    """MatchIt's "Std. Mean Diff." after matching (ATT): over the SD of all treated units (ddof=1),
    or for a 0/1 term sqrt(p(1-p)) of the treated proportion. Not a percentage."""
    treated_values = np.asarray(treated_values, dtype=np.float64)
    difference = treated_values[treated_matched].mean() - np.average(pool_values, weights=weights)
    if np.isin(np.concatenate([treated_values, pool_values]), [0.0, 1.0]).all():
        p = treated_values.mean()
        sd = np.sqrt(p * (1 - p))
    else:
        sd = treated_values.std(ddof=1)
    return float(difference / sd) if sd > 0 else float(difference)


def run(fixture, ratio):
    treated, pool, matching, scores = fixture
    return match_scores(scores.treated_logit, scores.pool_logit, matching.model_copy(update={"ratio": ratio}))


def test_logit_scores_equal_glm(fixture):
    treated, pool, _, scores = fixture
    distance = pd.read_csv(DATA / "ref_distance.csv", dtype={"offender_id": "string"}).set_index("offender_id")
    expected_t = distance.loc[treated["offender_id"], "logit_score"].to_numpy()
    expected_p = distance.loc[pool["offender_id"], "logit_score"].to_numpy()
    np.testing.assert_allclose(scores.treated_logit, expected_t, rtol=0, atol=1e-6)
    np.testing.assert_allclose(scores.pool_logit, expected_p, rtol=0, atol=1e-6)
    assert scores.terms[:3] == ["(intercept)", "sex: M", "age"]


@pytest.mark.parametrize("ratio", [1, 5])
def test_caliper_and_counts(fixture, ratio):
    result = run(fixture, ratio)
    ref = SUMMARY[ratio]
    assert result.caliper_logit == pytest.approx(ref["caliper_logit"], abs=1e-9)
    assert result.treated_matched.sum() == ref["treated_matched"]
    assert (result.control_weights > 0).sum() == ref["controls_used"]
    assert result.control_weights.sum() == pytest.approx(ref["treated_matched"], rel=1e-12)


@pytest.mark.parametrize("ratio", [1, 5])
def test_same_matched_sets(fixture, ratio):
    treated, pool, _, _ = fixture
    result = run(fixture, ratio)
    ours = pd.DataFrame(
        {"treated": treated["offender_id"].to_numpy()[result.pairs[:, 0]],
         "control": pool["offender_id"].to_numpy()[result.pairs[:, 1]]}
    )
    ref = pd.read_csv(DATA / f"ref_matches_k{ratio}.csv", dtype="string")
    as_sets = lambda f: {t: frozenset(g["control"]) for t, g in f.groupby("treated")}  # noqa: E731
    assert as_sets(ours) == as_sets(ref)
    # and in MatchIt's order (nearest first, as the match matrix's columns)
    key = lambda f: f.sort_values("treated", kind="stable").astype(str).values.tolist()  # noqa: E731
    assert key(ours) == key(ref)


@pytest.mark.parametrize("ratio", [1, 5])
def test_same_weights_after_scaling(fixture, ratio):
    _, pool, _, _ = fixture
    result = run(fixture, ratio)
    ours = pd.Series(result.control_weights, index=pool["offender_id"].to_numpy())
    ours = ours[ours > 0]
    ours = ours * len(ours) / ours.sum()  # MatchIt scales control weights to the number of controls used
    ref = pd.read_csv(DATA / f"ref_weights_k{ratio}.csv", dtype={"offender_id": "string"}).set_index("offender_id")
    assert sorted(ours.index) == sorted(ref.index)
    np.testing.assert_allclose(ours[ref.index].to_numpy(), ref["weight"].to_numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize("ratio", [1, 5])
def test_same_effects(fixture, ratio):
    treated, pool, _, _ = fixture
    result = run(fixture, ratio)
    ref = SUMMARY[ratio]
    m = result.treated_matched
    rate = 100 * (treated["reoffended"].to_numpy()[m].mean() - np.average(pool["reoffended"], weights=result.control_weights))
    freq = treated["reoffences"].to_numpy()[m].mean() - np.average(pool["reoffences"], weights=result.control_weights)
    # the reference JSON carries 10 decimals
    assert rate == pytest.approx(ref["att_rate_pp"], abs=1e-9)
    assert freq == pytest.approx(ref["att_frequency"], abs=1e-9)


@pytest.mark.parametrize("ratio", [1, 5])
def test_same_standardised_differences(fixture, ratio):
    treated, pool, matching, scores = fixture
    result = run(fixture, ratio)
    ref = pd.read_csv(DATA / f"ref_balance_k{ratio}.csv").set_index("term")["std_mean_diff"]
    ours = {}
    for encoding in scores.encodings:
        for (term, t_values), (_, p_values) in zip(term_values(encoding, treated), term_values(encoding, pool)):
            ours[term.replace(": ", "")] = matchit_std_mean_diff(
                t_values, p_values, result.control_weights, result.treated_matched
            )
    ours["distance"] = matchit_std_mean_diff(
        scores.treated_logit, scores.pool_logit, result.control_weights, result.treated_matched
    )
    assert sorted(ours) == sorted(ref.index)
    for term, expected in ref.items():
        assert ours[term] == pytest.approx(expected, abs=1e-6), term


@pytest.mark.parametrize("ratio", [1, 5])
def test_treated_convention_equals_matchit(fixture, ratio):
    """balance.convention: treated divides numbers by the participants' SD as MatchIt does; 0/1 terms
    are raw differences (cobalt), which are MatchIt's figure times the treated proportion's SD."""
    from engine.spec.models import Balance
    from engine.stages.balance import balance_table

    treated, pool, matching, scores = fixture
    result = run(fixture, ratio)
    ref = pd.read_csv(DATA / f"ref_balance_k{ratio}.csv").set_index("term")["std_mean_diff"]
    encodings = [e for e in scores.encodings if e.variable != "need_drugs"]  # MatchIt fills its missing with 0
    rows = balance_table(treated, pool, encodings, result.control_weights, result.treated_matched,
                         Balance(convention="treated"))
    checked = 0
    for row in rows:
        term = row.variable + (row.level or "")
        assert row.smd_percent == row.smd_percent_treated
        if row.binary:
            p = (treated[row.variable].astype(str) == row.level).mean()
            expected = 100 * ref[term] * np.sqrt(p * (1 - p))
        else:
            expected = 100 * ref[term]
        assert row.smd_percent_treated == pytest.approx(expected, abs=1e-6), term
        checked += 1
    assert checked == 10
