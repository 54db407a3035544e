"""Every rule flags its must_flag examples and passes its must_pass examples (from rules.yaml)."""

from __future__ import annotations

import pytest

from engine.claims import find_breaches, rule_book

FLAG = [(r.id, e) for r in rule_book().rules for e in r.must_flag]
PASS = [(r.id, e) for r in rule_book().rules for e in r.must_pass]


def _example(example) -> tuple[str, dict[str, str]]:
    return (example, {}) if isinstance(example, str) else (example["text"], dict(example.get("states", {})))


def test_every_rule_has_a_source_and_examples_of_both_kinds():
    ids = [r.id for r in rule_book().rules]
    assert ids == ["no-relative-effect", "no-shows-that", "no-proves", "no-caused",
                   "no-significant-when-not", "no-contradicting-direction"]
    for rule in rule_book().rules:
        assert rule.source and rule.description and rule.must_flag and rule.must_pass, rule.id


@pytest.mark.parametrize(("rule_id", "example"), FLAG, ids=[f"{i}-{n}" for n, (i, _) in enumerate(FLAG)])
def test_must_flag(rule_id, example):
    text, states = _example(example)
    assert rule_id in {b.rule for b in find_breaches(text, states)}


@pytest.mark.parametrize(("rule_id", "example"), PASS, ids=[f"{i}-{n}" for n, (i, _) in enumerate(PASS)])
def test_must_pass(rule_id, example):
    text, states = _example(example)
    assert [b for b in find_breaches(text, states) if b.rule == rule_id] == []


def test_spec_forbidden_phrases_ignore_case_and_spacing():
    breaches = find_breaches("Mentoring is a  Proven\nsolution.", {}, ["proven solution"])
    assert [(b.rule, b.words, b.message) for b in breaches] == [(
        "spec-forbidden-phrase", "Proven solution",
        '"Proven solution" is a phrase listed in report.forbidden_phrases, which the rules forbid '
        "(rule: spec-forbidden-phrase)")]


def test_markdown_marks_and_line_breaks_do_not_hide_a_claim():
    text = "Intro.\n\nThe programme **reduces**\nre-offending by 44%."
    [breach] = find_breaches(text, {})
    assert (breach.rule, breach.words, breach.line) == ("no-relative-effect", "reduces re-offending by 44%", 3)


def test_a_sentence_without_measure_words_talks_about_the_previous_sentences_measure():
    text = "The number of proven re-offences could be lower by as many as 49 offences. This is significant."
    assert [b.rule for b in find_breaches(text, {"frequency": "not_significant", "rate": "decrease"})] == [
        "no-significant-when-not"]
    assert find_breaches(text, {"frequency": "decrease", "rate": "not_significant"}) == []
