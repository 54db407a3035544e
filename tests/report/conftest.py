"""Fixtures of the report tests: the two seed reports' figures (see report_fixtures.py)."""

from __future__ import annotations

import pytest
from report_fixtures import LPT_PROGRAMME, MC_PROGRAMME, loaded, lpt_results, mc_results, spec

from engine.results import Results
from engine.spec.loaded import LoadedSpec


@pytest.fixture
def lpt() -> tuple[LoadedSpec, Results]:
    contacts = [{"heading": "Press enquiries should be directed to the Ministry of Justice press office",
                 "lines": ["Tel: 020 3334 3555"]},
                {"heading": "Other enquiries about the analysis should be directed to",
                 "lines": ["Sarah French", "Justice Data Lab Team", "E-mail: justice.datalab@justice.gsi.gov.uk"]}]
    return loaded(spec(LPT_PROGRAMME, report={"contacts": contacts})), lpt_results()


@pytest.fixture
def mc() -> tuple[LoadedSpec, Results]:
    return loaded(spec(MC_PROGRAMME, analyses=[{"name": "Complex", "headline": True}, {"name": "Standard"}],
                       small_groups={"show_time_when_small": True, "extra_test": "resampling"})), mc_results()
