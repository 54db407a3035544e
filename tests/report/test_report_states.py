"""Every combination of headline states renders, passes the claims check and says the right summary."""

from __future__ import annotations

import itertools

import pytest
from report_fixtures import LPT_PROGRAMME, loaded, lpt_results, spec

from engine.report import report_markdown

MEASURES = ["rate", "frequency", "time_to_first_reoffence"]
SCALE = {"rate": 1.0, "frequency": 0.01, "time_to_first_reoffence": 3.0}


def with_states(states: tuple[str, ...], single: bool):
    base = lpt_results()
    national = base.analyses[0]
    measures = dict(national.measures)
    for m, state in zip(MEASURES, states):
        r, s = measures[m], SCALE[m]
        update = {"headline": True}
        if state != "not_significant":
            low, high = (-20 * s, -4 * s) if state == "decrease" else (4 * s, 20 * s)
            update.update(ci_low=low, ci_high=high, p_value=0.01, significant=True, state=state,
                          difference=(low + high) / 2, treatment=r.comparison + (low + high) / 2,
                          required_treatment_n=None)
        measures[m] = r.model_copy(update=update)
    analyses = [national.model_copy(update={"measures": measures})] + ([] if single else base.analyses[1:])
    return base.model_copy(update={"analyses": analyses})


@pytest.mark.parametrize("states", list(itertools.product(["decrease", "increase", "not_significant"], repeat=3)))
def test_every_state_combination_renders_honestly(states):
    for single in (False, True):
        text = report_markdown(loaded(spec(LPT_PROGRAMME)), with_states(states, single))
        summary = text.split("**")[1]
        if set(states) == {"not_significant"}:
            assert "more people would need to have completed the programme" in summary
        else:
            assert "The results show that" in summary
        if states[0] == "decrease":
            assert "were less likely to re-offend within a one-year period" in summary
        if states[0] == "increase":
            assert "were more likely to re-offend within a one-year period" in summary
        if states[2] == "decrease" and states[0] == "decrease":
            assert "However, participants who committed a re-offence did so more quickly" in summary
        if states[2] == "increase" and states[0] == "decrease":
            assert "In addition, participants who committed a re-offence took longer to do so" in summary
        if single:
            assert "In the analysis, the **three headline measures**" in text
            assert "4 people (5%) were excluded because they could not be matched" in text
