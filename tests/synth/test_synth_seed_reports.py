"""The seed specs on the committed demo data, through the real pipeline: the published flows and verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.pipeline import compute_results
from engine.spec.loader import load_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.fixture(scope="module")
def lpt():
    return compute_results(load_spec(SPECS / "lpt.yaml"))


@pytest.fixture(scope="module")
def mc():
    return compute_results(load_spec(SPECS / "making_connections.yaml"))


def analyses(results):
    return {a.name: a for a in results.analyses}


def test_lpt_flow_and_groups(lpt):
    assert [s.remaining for s in lpt.attrition] == [77, 76, 72, 47, 43]
    national, regional = analyses(lpt)["National"], analyses(lpt)["Regional"]
    assert (national.treatment_n, regional.treatment_n) == (39, 38)
    rate = national.measures["rate"]
    assert round(rate.treatment, 1) == 43.6 and abs(rate.comparison - 34.8) < 3
    assert round(national.measures["frequency"].treatment, 2) == 0.95
    assert round(regional.measures["frequency"].treatment, 2) == 0.97
    assert national.measures["time_to_first_reoffence"].treatment == 176.0
    assert national.measures["time_to_first_reoffence"].treatment_n == 17
    assert 5_000 < national.comparison_n and 2_000 < regional.comparison_n < national.comparison_n
    for analysis in (national, regional):
        assert {m.state for m in analysis.measures.values()} == {"not_significant"}


def test_mc_flow_and_groups(mc):
    assert [s.remaining for s in mc.attrition] == [142, 140, 132, 88, 86]
    complex_, standard = analyses(mc)["Complex"], analyses(mc)["Standard"]
    assert (complex_.treatment_n, standard.treatment_n) == (83, 84)
    rate = complex_.measures["rate"]
    assert round(rate.treatment, 1) == 15.7 and abs(rate.comparison - 27.8) < 3
    assert round(standard.measures["rate"].treatment, 1) == 15.5
    assert round(complex_.measures["frequency"].treatment, 2) == 0.31
    assert complex_.measures["time_to_first_reoffence"].treatment == 75.0
    assert 3_000 < complex_.comparison_n < 9_000
    assert {m.state for m in complex_.measures.values()} == {"decrease"}
