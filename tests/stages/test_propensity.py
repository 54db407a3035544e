"""Propensity model: the same estimates as statsmodels' Logit, and clear errors on data it cannot fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from engine.errors import AnalysisError
from engine.spec.models import Matching
from engine.stages.propensity import fit_propensity


def frames(seed=3, n_t=200, n_p=2000):
    rng = np.random.default_rng(seed)

    def make(n, shift):
        age = rng.integers(18, 60, n).astype(float)
        need = (rng.random(n) < 0.3 + shift).astype(float)
        need[rng.random(n) < 0.25] = np.nan
        region = rng.choice(["Wales", "London", "North"], n, p=[0.3, 0.4 - shift, 0.3 + shift])
        band = rng.choice([1, 2, 3], n).astype(float)
        ethnicity = pd.array(rng.choice(["A", "B", None], n, p=[0.6, 0.3, 0.1]), dtype="string")
        return pd.DataFrame({
            "age": age - 5 * shift, "need_drugs": need, "region": pd.array(region, dtype="string"),
            "band": band, "ethnicity": ethnicity,
        })

    return make(n_t, 0.2), make(n_p, 0.0)


MATCHING = Matching(
    variables=["age", "need_drugs", "region", "band", "ethnicity"], categorical=["band"],
    reference_levels={"region": "London"},
)


def test_same_as_statsmodels():
    treated, pool = frames()
    scores = fit_propensity(treated, pool, MATCHING.variables, MATCHING)
    assert scores.terms == [
        "(intercept)", "age", "need_drugs", "need_drugs: missing", "region: North", "region: Wales",
        "band: 2", "band: 3", "ethnicity: B", "ethnicity: (missing)",
    ]
    both = pd.concat([treated, pool], ignore_index=True)
    x = pd.DataFrame({
        "const": 1.0, "age": both["age"], "need_drugs": both["need_drugs"].fillna(0),
        "need_missing": both["need_drugs"].isna().astype(float),
        "north": (both["region"] == "North").astype(float), "wales": (both["region"] == "Wales").astype(float),
        "band2": (both["band"] == 2).astype(float), "band3": (both["band"] == 3).astype(float),
        "ethB": (both["ethnicity"] == "B").fillna(False).astype(float),
        "ethNA": both["ethnicity"].isna().astype(float),
    })
    y = np.r_[np.ones(len(treated)), np.zeros(len(pool))]
    fit = sm.Logit(y, x).fit(disp=0, tol=1e-12, maxiter=100)
    np.testing.assert_allclose(scores.coefficients, fit.params.to_numpy(), rtol=1e-7, atol=1e-9)
    linear = x.to_numpy() @ fit.params.to_numpy()
    np.testing.assert_allclose(scores.treated_logit, linear[: len(treated)], atol=1e-8)
    np.testing.assert_allclose(scores.pool_logit, linear[len(treated):], atol=1e-8)


def error(treated, pool, variables, **matching):
    with pytest.raises(AnalysisError) as caught:
        fit_propensity(treated, pool, variables, Matching(variables=variables, **matching))
    return str(caught.value)


def test_constant_variable():
    treated, pool = frames()
    treated["cohort"], pool["cohort"] = 2015.0, 2015.0
    assert error(treated, pool, ["age", "cohort"]).startswith("cohort: every participant and pool record has the same value (2015)")
    treated["sex"] = pd.array(["M"] * len(treated), dtype="string")
    pool["sex"] = pd.array(["M"] * len(pool), dtype="string")
    assert error(treated, pool, ["sex"]).startswith("sex: every participant and pool record has the same value (M)")


def test_level_only_one_group_has():
    treated, pool = frames()
    pool["region"] = pool["region"].replace("Wales", "North")
    n_wales = int((treated["region"] == "Wales").sum())
    assert error(treated, pool, ["age", "region"]).startswith(
        f"region: {n_wales} participant{'s have' if n_wales != 1 else ' has'} 'Wales' but no pool record does"
    )
    treated, pool = frames()
    treated["region"] = treated["region"].replace("Wales", "North")
    message = error(treated, pool, ["age", "region"])
    assert message.startswith("region: no participant has 'Wales'")


def test_binary_every_participant_has():
    treated, pool = frames()
    treated["need_drugs"] = treated["need_drugs"].where(treated["need_drugs"].isna(), 1.0)
    assert error(treated, pool, ["age", "need_drugs"]).startswith("need_drugs: every participant has 1")


def test_numeric_perfect_separation():
    treated, pool = frames()
    treated["age"] = np.linspace(18, 20, len(treated))
    pool["age"] = np.linspace(21, 60, len(pool))
    message = error(treated, pool, ["age", "region"])
    assert message.startswith("age: the propensity model does not converge")


def test_collinear_variables():
    treated, pool = frames()
    treated["age_again"], pool["age_again"] = treated["age"] * 2, pool["age"] * 2
    assert error(treated, pool, ["age", "age_again"]).startswith("age_again: 'age_again' is fully determined")


def test_unknown_reference_level():
    treated, pool = frames()
    message = error(treated, pool, ["region"], reference_levels={"region": "Mars"})
    assert message == "region: the reference level 'Mars' does not occur in the data (levels: London, North, Wales)"


def test_warm_start_on_a_sample_gives_the_same_estimates(monkeypatch):
    from engine.stages import logit, propensity

    hessians = []  # rows of each pass over the data that computed a Hessian
    evaluate = logit.evaluate

    def counted(design, *args, **kwargs):
        if kwargs.get("buffer") is not None:
            hessians.append(len(design))
        return evaluate(design, *args, **kwargs)

    monkeypatch.setattr(logit, "evaluate", counted)
    treated, pool = frames(seed=8, n_t=300, n_p=4000)
    cold = fit_propensity(treated, pool, MATCHING.variables, MATCHING)
    cold_hessians, hessians[:] = hessians.count(4300), []
    monkeypatch.setattr(propensity, "SAMPLE_ROWS", 500)  # the pool is 8x the sample: warm start used
    warm = fit_propensity(treated, pool, MATCHING.variables, MATCHING)
    assert cold_hessians >= 3 and hessians.count(4300) < cold_hessians  # the sample's Hessian saves full passes
    np.testing.assert_allclose(warm.coefficients, cold.coefficients, rtol=0, atol=1e-9)
    np.testing.assert_allclose(warm.pool_logit, cold.pool_logit, rtol=0, atol=1e-9)


def test_a_number_used_as_a_category_takes_a_numeric_reference_level():
    treated, pool = frames()
    matching = MATCHING.model_copy(update={"reference_levels": {"region": "London", "band": 2}})
    scores = fit_propensity(treated, pool, matching.variables, matching)
    assert "band: 1" in scores.terms and "band: 3" in scores.terms and "band: 2" not in scores.terms
