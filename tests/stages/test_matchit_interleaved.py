"""Parity with R's MatchIt 4.7.2 when participants sit between tied pool records in the data
(tests/stages/data/matchit-interleaved/README.md; issue 22, item 2).

300 records, two discrete covariates (6 distinct scores), 114 participants, rows shuffled in two
orders. Almost every match is an exact tie, so the result is MatchIt's tie rule (see the docstring
of engine/stages/matching.py). For both orders and every configuration R was run with (ratio 1
and 3, with and without replacement, caliper 0.2 and 10 SD), through the engine's stages as the
pipeline runs them: the same pairs (each participant's comparison records, in MatchIt's match
matrix column order), weights, counts, caliper, effects and standardised differences.
"""

from __future__ import annotations

from pathlib import Path

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
from tests.stages.test_matchit_parity import matchit_std_mean_diff, term_values

DATA = Path(__file__).parent / "data" / "matchit-interleaved"
ORDERS = ["shuffle1", "shuffle2"]
CONFIGS = [(k, rep, cal) for k in (1, 3) for rep in (True, False) for cal in (0.2, 10)]


def cfg_name(ratio: int, replace: bool, caliper: float) -> str:
    return f"k{ratio}_{'rep' if replace else 'norep'}_cal{caliper:g}"


def r_output(order: str, kind: str, cfg: str) -> pd.DataFrame:
    return pd.read_csv(DATA / order / "r" / f"{kind}_{cfg}.csv")


def r_summary(order: str, cfg: str) -> pd.Series:
    return pd.read_csv(DATA / order / "r" / "summary.csv").set_index("cfg").loc[cfg]


def columns(pairs: pd.DataFrame) -> dict[int, list[int]]:
    """Each participant's comparison records in match-matrix column order (pairs_*.csv lists column 1
    for every participant, then column 2 ...)."""
    out: dict[int, list[int]] = {}
    for t, c in zip(pairs["treated_row"], pairs["control_row"]):
        out.setdefault(int(t), []).append(int(c))
    return out


@pytest.fixture(scope="module", params=ORDERS)
def prepared(request):
    """The stages before matching, once per row order (they do not depend on ratio, replace or caliper)."""
    order = request.param
    loaded = load_spec(DATA / order / "spec_k1.yaml")
    spec = loaded.spec
    inputs = read_inputs(loaded)
    cohort = link_and_exclude(spec, inputs.reference, inputs.submission)
    treated = cohort.participants
    pool, variables = common_support(treated, cohort.pool, spec.matching.variables, spec.matching)
    pool = pool.reset_index(drop=True)
    scores = fit_propensity(treated, pool, variables, spec.matching)
    return order, spec, treated, pool, scores


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: cfg_name(*c))
def run(prepared, request):
    order, spec, treated, pool, scores = prepared
    ratio, replace, caliper = request.param
    matching = spec.matching.model_copy(update={"ratio": ratio, "replace": replace, "caliper": caliper})
    result = match_scores(scores.treated_logit, scores.pool_logit, matching, treated[REFERENCE_ROW], pool[REFERENCE_ROW])
    return order, cfg_name(ratio, replace, caliper), spec, treated, pool, scores, result


def test_every_record_is_analysed_in_the_r_row_order(prepared):
    order, _, treated, pool, scores = prepared
    for_r = pd.read_csv(DATA / order / "for_r.csv")
    assert sorted(treated[REFERENCE_ROW]) == list(np.flatnonzero(for_r["treat"] == 1))
    assert sorted(pool[REFERENCE_ROW]) == list(np.flatnonzero(for_r["treat"] == 0))
    # the engine's scores are R's, and tie exactly where R's do (6 distinct values)
    distance = r_output(order, "weights", "k1_rep_cal0.2")["distance"].to_numpy()
    np.testing.assert_allclose(scores.treated_logit, distance[treated[REFERENCE_ROW]], rtol=0, atol=1e-9)
    np.testing.assert_allclose(scores.pool_logit, distance[pool[REFERENCE_ROW]], rtol=0, atol=1e-9)
    assert np.unique(np.concatenate([scores.treated_logit, scores.pool_logit])).size == 6


def test_same_pairs_in_matchit_column_order(run):
    order, cfg, _, treated, pool, _, result = run
    t_rows = treated[REFERENCE_ROW].to_numpy()
    p_rows = pool[REFERENCE_ROW].to_numpy()
    ours: dict[int, list[int]] = {}
    for i, j in result.pairs:
        ours.setdefault(int(t_rows[i]), []).append(int(p_rows[j]))
    assert ours == columns(r_output(order, "pairs", cfg))


def test_same_weights(run):
    order, cfg, _, treated, pool, _, result = run
    ref = r_output(order, "weights", cfg).set_index("row")["weight"]
    assert result.treated_matched.tolist() == (ref[treated[REFERENCE_ROW]].to_numpy() == 1).tolist()
    assert set(ref[treated[REFERENCE_ROW]].unique()) <= {0.0, 1.0}
    ours = pd.Series(result.control_weights, index=pool[REFERENCE_ROW].to_numpy())
    ours = ours * (ours > 0).sum() / ours.sum()  # MatchIt scales control weights to the number of controls used
    np.testing.assert_allclose(ours.to_numpy(), ref[ours.index].to_numpy(), rtol=1e-12, atol=1e-12)


def test_same_counts_caliper_and_effects(run):
    order, cfg, spec, treated, pool, _, result = run
    ref = r_summary(order, cfg)
    assert result.caliper_logit == pytest.approx(ref["caliper_logit"], abs=1e-9)
    assert result.treated_matched.sum() == ref["treated_matched"]
    assert (result.control_weights > 0).sum() == ref["controls"]
    measures = measure_results(treated, pool, result.control_weights, result.treated_matched, spec)
    assert measures["rate"].difference == pytest.approx(ref["att_rate_pp"], abs=1e-9)
    assert measures["frequency"].difference == pytest.approx(ref["att_count"], abs=1e-9)


def test_same_standardised_differences(run):
    order, cfg, _, treated, pool, scores, result = run
    ref = r_output(order, "balance", cfg).set_index("term")["std_mean_diff"]
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


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: cfg_name(*c))
def test_the_transcription_is_matchit(order, config):
    """The pure-Python transcription of MatchIt's C++ (the oracle of test_matchit_rule.py), run on R's
    own distances, makes R's match matrix, columns in order."""
    ratio, replace, caliper = config
    cfg = cfg_name(ratio, replace, caliper)
    treat = pd.read_csv(DATA / order / "for_r.csv")["treat"].to_numpy()
    distance = r_output(order, "weights", cfg)["distance"].to_numpy()
    mm = matchit_nearest(treat, distance, ratio, replace, float(r_summary(order, cfg)["caliper_logit"]))
    ours = {int(t): row for t, row in zip(np.flatnonzero(treat == 1), mm) if row}
    assert ours == columns(r_output(order, "pairs", cfg))
