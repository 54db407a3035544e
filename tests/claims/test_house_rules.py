"""Each house's own wording rules (report_text/houses/<house>/rules.yaml) flag their must_flag examples and pass
their must_pass examples, judged in that house against the measures the examples speak of; and the base
house (the Justice Data Lab's) refuses what only another house licenses."""

from __future__ import annotations

import pytest

from engine import houses
from engine.claims import Licence, find_breaches, rule_book
from engine.measures import MeasureDeclaration, declare
from engine.words.texts import text_data

OTHER = [h for h in houses.HOUSES if h != houses.BASE]


def in_house(house: str):
    houses.use(house)
    raw = text_data("rules")
    declare({n: MeasureDeclaration.model_validate(d) for n, d in raw.get("example_measures", {}).items()})
    return rule_book()


def examples(house: str, kind: str) -> list[tuple[str, str, dict]]:
    book = in_house(house)
    own = {r["id"] for r in text_data("rules")["rules"]} - {r["id"] for r in _base_rules()}
    found = [(r.id, e["text"], e["states"]) for r in book.rules.values() if r.id in own
             for e in getattr(r, kind)]
    houses.use(houses.BASE)
    declare({})
    return found


def _base_rules():
    houses.use(houses.BASE)
    return text_data("rules")["rules"]


CASES = [(h, *e) for h in OTHER for e in examples(h, "must_flag")]
PASSES = [(h, *e) for h in OTHER for e in examples(h, "must_pass")]


@pytest.fixture(autouse=True)
def _back_to_the_base():
    yield
    houses.use(houses.BASE)
    declare({})


def test_every_other_house_has_rules_of_its_own():
    assert OTHER == ["employment_data_lab"]
    assert len(CASES) >= 8 and len(PASSES) >= 5


@pytest.mark.parametrize(("house", "rule", "text", "states"), CASES, ids=[f"{c[1]}-{n}" for n, c in enumerate(CASES)])
def test_a_house_rule_flags_its_examples(house, rule, text, states):
    in_house(house)
    assert find_breaches(text, Licence.from_states(states)), text


@pytest.mark.parametrize(("house", "rule", "text", "states"), PASSES, ids=[f"{c[1]}-{n}" for n, c in enumerate(PASSES)])
def test_a_house_rule_passes_its_examples(house, rule, text, states):
    in_house(house)
    assert find_breaches(text, Licence.from_states(states)) == [], text


@pytest.mark.parametrize(("house", "rule", "text", "states"), PASSES, ids=[f"{c[1]}-{n}" for n, c in enumerate(PASSES)])
def test_the_base_house_refuses_the_other_houses_interval_and_headings(house, rule, text, states):
    """The Justice Data Lab's rules refuse the counterfactual interval and the plain verdict headings that the
    other house licenses (its statements of significance alone pass in both)."""
    houses.use(house)
    measures = {n: MeasureDeclaration.model_validate(d) for n, d in text_data("rules")["example_measures"].items()}
    houses.use(houses.BASE)  # the base house's rules, about the other house's measures
    declare(measures)
    said = {b.rule for b in find_breaches(text, Licence.from_states(states))}
    if "significant." in text and "between" not in text:
        assert not said
    else:
        assert said & {"no-counterfactual", "needs-hedge", "no-no-effect", "no-effect-claim"}, text


@pytest.mark.parametrize("house", houses.HOUSES)
def test_a_refusal_suggests_in_its_houses_words(house):
    """An outcome the analysis does not measure, and a report whose results are not yet known: the suggestion is
    worded by the house (the Employment Data Lab's names no re-offending and no 'What you can say' section)."""
    in_house(house)
    unmeasured = find_breaches("Participants were less likely to be arrested.", Licence.from_states({}))
    unknown = find_breaches("This proves the programme works.", Licence(known=False))
    words = text_data("rules")["refusal_words"]
    assert f'you may say instead: "The analysis measured {words["measured"]}, not ' in unmeasured[0].message
    assert f"you may say instead: {words['unknown']} (rule: " in unknown[0].message
    jdl_words = ("re-offending" in unmeasured[0].message.split("you may say instead")[1],
                 "What you can say" in unknown[0].message)
    assert jdl_words == ((True, True) if house == houses.BASE else (False, False))
    houses.use(houses.BASE)
