"""A declared measure's words are its name, whatever verbs they hold ("kept their housing tenancy", "reduced
their drinking", "achieved a qualification"): the engine's own report of it passes its own check in both houses,
and overclaims about it in any words are refused while the sentences its results license pass.

Found by a cold attack on issue 20: a measure named "housing tenancy kept" stopped every run (its "kept" read as
a cause), a declared mean that was not significant stopped the Justice Data Lab house's run (its group-figure
sentence read as a claim of direction), and "All participants gained a qualification" or "Thanks to the
programme, participants gained a qualification" passed (the outcome said as it stands, with no direction word).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine import houses
from engine.claims import Licence, find_breaches
from engine.cli import app
from engine.measures import MeasureDeclaration, declare
from engine.report import report_markdown
from engine.results_check import read_report_results
from engine.spec.loader import load_spec
from tests.measures.test_declared_measures import DECLARED, declared_spec, twin_data

HOUSES = ("justice_data_lab", "employment_data_lab")
# verbs the rules read as causes, changes, proof, effects or directions when they are the sentence's own
VERBS = ["kept", "keep", "achieved", "found", "reduced", "helped into", "stopped", "improved", "ended", "prevented",
         "increased", "caused", "delivered", "gained", "lowered", "cut", "avoided", "quit", "proved", "got",
         "transformed", "enabled", "benefited from", "worked in", "moved into", "stayed in", "rose to", "fell behind on",
         "produced", "secured", "sustained", "lasting", "held down", "turned around"]
OBJECTS = ["their housing tenancy", "a qualification", "stable accommodation", "their drug use", "a job",
           "their rent arrears", "contact with their children", "a training place", "paid work", "their debts"]
FOLLOW_UPS = ["one year after starting the programme", "in the year after release", "after they were helped",
              "six months after the course ended"]


def named(verb: str, thing: str) -> dict:
    return {"people": f"{verb} {thing}", "noun": f"{thing.removeprefix('their ').removeprefix('a ')} {verb}"}


@st.composite
def words(draw) -> dict:
    return named(draw(st.sampled_from(VERBS)), draw(st.sampled_from(OBJECTS)))


@st.composite
def three(draw) -> list[dict]:
    """Words for three measures, each of its own thing (two measures named alike cannot be told apart)."""
    things = draw(st.lists(st.sampled_from(OBJECTS), min_size=3, max_size=3, unique=True))
    return [named(draw(st.sampled_from(VERBS)), thing) for thing in things]


def declaration(kind: str, w: dict, follow_up: str, good: str = "increase") -> MeasureDeclaration:
    extra = {"unit": "weeks"} if kind == "mean" else {"event_column": "e"} if kind == "days" else {}
    return MeasureDeclaration.model_validate({"column": "c", "kind": kind, "follow_up": follow_up, "good": good,
                                              "words": w, **extra})


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The twin measures' reports (the seed's re-offending columns under declared names) in both houses."""
    work = tmp_path_factory.mktemp("words")
    twin_data(work)
    made = {}
    for house in HOUSES:
        spec = declared_spec(work, DECLARED)
        text = spec.read_text(encoding="utf-8").replace("service:\n", f"service:\n  house: {house}\n", 1)
        (work / f"{house}.yaml").write_text(text, encoding="utf-8")
        done = CliRunner().invoke(app, ["run", str(work / f"{house}.yaml"), "--out", str(work / house), "-q"])
        assert done.exit_code == 0, done.output
        made[house] = (load_spec(work / f"{house}.yaml"), read_report_results(work / house))
    yield made
    declare({})
    houses.use(houses.BASE)


def renamed(loaded, results, new: dict[str, dict], significant: bool = True):
    """The same results with other words for each declared measure (and the mean made not significant)."""
    declarations = {name: d.model_copy(update={"words": d.words.model_copy(update=new[name])})
                    for name, d in results.outcome_measures.items()}
    analyses = results.analyses
    if not significant:  # the mean's interval across 0: its group-figure sentence states a difference only
        analyses = [a.model_copy(update={"measures": {**a.measures, "weeks_worked": a.measures["weeks_worked"].model_copy(
            update={"ci_low": -0.5, "ci_high": 0.5, "p_value": 0.4, "significant": False, "state": "not_significant"})}})
            for a in analyses]
    spec = loaded.spec.model_copy(update={"outcome_measures": {**loaded.spec.outcome_measures, **declarations}})
    declare(declarations)
    return replace(loaded, spec=spec), results.model_copy(update={"outcome_measures": declarations, "analyses": analyses})


@pytest.mark.parametrize("house", HOUSES)
@pytest.mark.parametrize("significant", [True, False])
def test_a_measure_named_with_verbs_gets_its_report(reports, house, significant):
    loaded, results = reports[house]
    houses.use(house)
    new = {"in_work": {"noun": "housing tenancy kept", "people": "kept their housing tenancy"},
           "weeks_worked": {"noun": "weeks in work achieved", "people": "weeks of work achieved"},
           "days_to_job": {"noun": "time to a qualification gained", "people": "qualification gained"}}
    report = report_markdown(*renamed(loaded, results, new, significant))  # raises if it refuses its own words
    assert "kept their housing tenancy" in report and "weeks of work achieved" in report


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                                     HealthCheck.function_scoped_fixture])
@given(house=st.sampled_from(HOUSES), w=three(), significant=st.booleans())
def test_any_declared_words_the_engine_writes_pass_its_own_check(reports, house, w, significant):
    loaded, results = reports[house]
    houses.use(house)
    report = report_markdown(*renamed(loaded, results, dict(zip(["in_work", "weeks_worked", "days_to_job"], w)), significant))
    assert w[0]["people"] in report


def overclaims(w: dict, follow_up: str) -> list[str]:
    people, noun = w["people"], w["noun"]
    return [f"The programme tripled the number of people who {people}.",
            f"This shows that the programme improves {noun}.",
            f"Because of the programme, more participants {people}.",
            f"Thanks to the programme, participants {people}.",
            f"All participants {people} {follow_up}.",
            f"Every participant {people}.",
            f"The programme guarantees that participants {people}.",
            f"Fewer participants {people} than in the comparison group.",  # the results say more
            f"The rise in {noun} was sustained over two years.",  # not at every point
            f"Participants were 40% more likely to have {noun}."]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(house=st.sampled_from(HOUSES), w=words(), follow_up=st.sampled_from(FOLLOW_UPS), template=st.integers(0, 9))
def test_overclaims_in_the_declared_words_are_refused(house, w, follow_up, template):
    houses.use(house)
    declare({"tenancy": declaration("proportion", w, follow_up)})
    try:
        text = overclaims(w, follow_up)[template]
        assert find_breaches(text, Licence.from_states({"tenancy": "increase"})), text
    finally:
        declare({})
        houses.use(houses.BASE)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(house=st.sampled_from(HOUSES), w=words(), follow_up=st.sampled_from(FOLLOW_UPS))
def test_fair_sentences_in_the_declared_words_pass(house, w, follow_up):
    houses.use(house)
    declare({"tenancy": declaration("proportion", w, follow_up)})
    try:
        fair = [f"This analysis provides evidence that, for every 100 participants, the programme may increase the "
                f"number of people who {w['people']} {follow_up} by between 5 and 12 people.",
                f"The programme may increase the number of people who {w['people']} {follow_up}."]
        if house == "employment_data_lab":
            fair += [f"The percentage of programme participants who {w['people']} {follow_up} was between 5 and 12 "
                     "percentage points higher than it would have been had they not participated in the programme.",
                     f"Increased {w['noun']}",
                     f"The rise in {w['noun']} was sustained from 6 months."]  # no verb of the name reaches past it
        for text in fair:
            assert find_breaches(text, Licence.from_states({"tenancy": "increase sustained"})) == [], text
    finally:
        declare({})
        houses.use(houses.BASE)


def test_diff_names_a_declared_measure_by_its_own_words(reports):
    from engine.commands.diff import figure_changes, verdict_changes

    _, old = reports["justice_data_lab"]
    new = old.model_copy(update={"analyses": [a.model_copy(update={"measures": {**a.measures, "in_work": a.measures[
        "in_work"].model_copy(update={"treatment": 20.0, "significant": False, "state": "not_significant"})}})
        for a in old.analyses]})
    said = "\n".join(verdict_changes(old, new) + figure_changes(old, new))
    assert "Complex, employment (in work): significant decrease → not significant" in said, said
    assert "Complex, employment (in work): participants' figure" in said, said
