"""Every rule in rules.yaml flags its must_flag examples and passes its must_pass examples.

An example with `states` is judged against a headline analysis in those states. One without is a
form no result can license: it is flagged even without results (what `validate` sees), and a
must_pass example without states passes without results and in every state of the rate.
"""

from __future__ import annotations

import pytest

from engine.claims import Licence, find_breaches, rule_book

RULES = rule_book().rules.values()
FLAG = [(r.id, e) for r in RULES for e in r.must_flag]
PASS = [(r.id, e) for r in RULES for e in r.must_pass]
EVERY_RATE = [Licence.unknown()] + [Licence.from_states({"rate": s}) for s in ("decrease", "increase", "not_significant")]


def _example(example) -> tuple[str, list[Licence]]:
    if isinstance(example, str):
        return example, EVERY_RATE
    return example["text"], [Licence.from_states(dict(example["states"]))]


def test_every_rule_has_a_source_and_examples_of_both_kinds():
    for rule in RULES:
        assert rule.source and rule.description and rule.what, rule.id
        assert rule.must_flag and rule.must_pass, rule.id


@pytest.mark.parametrize(("rule_id", "example"), FLAG, ids=[f"{i}-{n}" for n, (i, _) in enumerate(FLAG)])
def test_must_flag(rule_id, example):
    text, licences = _example(example)
    for licence in licences[:1] if isinstance(example, str) else licences:
        assert rule_id in {b.rule for b in find_breaches(text, licence)}, text


@pytest.mark.parametrize(("rule_id", "example"), PASS, ids=[f"{i}-{n}" for n, (i, _) in enumerate(PASS)])
def test_must_pass(rule_id, example):
    text, licences = _example(example)
    for licence in licences:
        assert find_breaches(text, licence) == [], text


def test_spec_forbidden_phrases_ignore_case_and_spacing():
    [breach] = find_breaches("Mentoring is a  Life-Changing\nsolution.", Licence.unknown(), phrases=("life-changing solution",))
    assert (breach.rule, breach.line) == ("spec-forbidden-phrase", 1)
    assert breach.message == ('"Life-Changing solution" is a phrase listed in report.forbidden_phrases, which the '
                              "rules forbid (rule: spec-forbidden-phrase)")


def test_a_refusal_names_the_sentence_the_results_and_a_licensed_alternative():
    licence = Licence.from_states({"rate": "not_significant"})
    [breach] = find_breaches("Intro.\n\nParticipants re-offended less than the comparison group.", licence)
    assert breach.line == 3 and breach.rule == "not-significant"
    assert breach.message == (
        '"Participants re-offended less than the comparison group." is a direction or significance claimed for '
        "the one-year re-offending rate, which is not significant; the results say: the rate difference is not "
        'significant; you may say instead: "The difference in the one-year re-offending rate between the groups '
        'was not statistically significant." or, in plain words: "The analysis could not tell whether taking part '
        'changed how many people re-offend: more people would need to be analysed." (rule: not-significant)')


def test_markdown_marks_and_line_breaks_do_not_hide_a_claim():
    [breach] = find_breaches("Intro.\n\nThe programme **reduces**\nre-offending by 44%.", Licence.unknown())
    assert (breach.rule, breach.line, breach.sentence) == (
        "no-relative-effect", 3, "The programme reduces re-offending by 44%.")


def test_a_sentence_that_points_back_speaks_of_the_measure_before_it():
    text = "The number of proven re-offences could be lower by between 12 and 49 offences. This is significant."
    assert [b.rule for b in find_breaches(text, Licence.from_states({"frequency": "not_significant", "rate": "decrease"}))] == [
        "not-significant"]
    assert find_breaches(text, Licence.from_states({"frequency": "decrease", "rate": "not_significant"})) == []


def test_the_programmes_names_are_names_in_the_engines_text():
    """A name passes where the spec writes it; in the engine's sentences it stands for the programme."""
    heading = "Average time to first proven re-offence after participation in Breaking The Cycle"
    licence = Licence.from_states({"time_to_first_reoffence": "not_significant"})
    assert find_breaches("Breaking The Cycle", licence) == []
    assert find_breaches(heading, licence, engine=True, names=("Breaking The Cycle",)) == []
    assert [b.rule for b in find_breaches(heading, licence, engine=True)] == ["not-significant"]
    # in a writer's text that names the programme (a press release checked against its results) too
    assert find_breaches(heading, licence, names=("Breaking The Cycle",)) == []
    named = Licence(licence.analyses, licence.headline, names=("Breaking The Cycle",))
    assert find_breaches(heading, named) == []
    assert find_breaches("Mentoring is breaking the cycle of crime.", named)  # the words, not the name
