"""A declared measure's charts are titled from its own words without doubling them: the engine adds no time or
place phrase of its own next to the declaration's follow-up ("... one year after starting after participation
in ..." was the fault), and the title stays short enough for two or three lines of its image whatever the
declared words (hypothesis draws them from the words a declaration may hold, prepositions among them)."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from engine.houses import use
from engine.measures import MeasureDeclaration, MeasureWords, declare
from engine.words.texts import CHART_LENGTH, labels, measure_labels

# the prepositions of a time or a place ("to" and "of" join a head to its noun: "days to", "percentage of")
PREPOSITIONS = {"after", "at", "before", "by", "during", "following", "for", "from", "in", "into", "on", "over",
                "since", "through", "until", "within"}
VOCABULARY = sorted(PREPOSITIONS | {"to", "of", "were", "in", "work", "employment", "education", "weeks", "the", "programme",
                                    "one", "two", "year", "years", "starting", "leaving", "a", "job", "benefits",
                                    "NEET", "status", "first", "months", "training", "course", "passed", "had"})
FRAME = " participants and the matched comparison group"  # what the titles add after the programme's title


def phrase(most_words: int, most_chars: int):
    return st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=most_words).map(" ".join).filter(
        lambda text: len(text) <= most_chars)


def words(text: str) -> Counter:
    return Counter(text.replace(":", " ").replace(",", " ").split())


def titles(kind: str, people: str, follow_up: str, noun: str, programme: str) -> tuple[str, str, str]:
    """(the chart's name, its image's title, the over-time chart's title) for a measure declared with these words."""
    declare({"m": MeasureDeclaration(column="c", kind=kind, follow_up=follow_up, good="increase",
                                     unit="weeks" if kind == "mean" else "", event_column="e" if kind == "days" else None,
                                     words=MeasureWords(noun=noun, people=people))})
    try:
        made = measure_labels("m")
        over_time = labels()["over_time"]["chart_title"].format(impact=made.get("impact", ""), title=programme)
        return made["chart"], made["chart_title"].format(title=programme), over_time
    finally:
        declare({})


@pytest.mark.parametrize("house", ["justice_data_lab", "employment_data_lab"])
@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["proportion", "mean", "days"]), people=phrase(30, 160), follow_up=phrase(24, 120),
       noun=phrase(12, 80), programme=phrase(6, 40))
def test_titles_never_double_a_phrase_and_stay_short(house, kind, people, follow_up, noun, programme):
    use(house)
    try:
        chart, title, over_time = titles(kind, people, follow_up, noun, programme)
    finally:
        use("justice_data_lab")
    own = words(people) + words(follow_up) + words(noun) + words(programme)
    for made in (title, over_time) if kind != "days" else (title,):  # days: no time points
        added = words(made) - own  # what the engine's frame adds to the declared words
        assert not PREPOSITIONS & set(added), (made, added)
    assert kind == "days" or over_time.startswith(noun[:1].upper() + noun[1:] + ": ")  # no follow-up: each point gives its own time
    assert len(chart) <= CHART_LENGTH and title == f"{chart}:{title.split(':', 1)[1]}"
    assert title.endswith(programme + FRAME) and len(textwrap.wrap(title, 70)) <= 3


def test_a_follow_up_is_said_once_in_the_examples_chart_titles():
    chart, title, over_time = titles("proportion", "were in employment", "one year after starting the programme",
                                     "employment", "Next Steps")
    assert title == ("People who were in employment one year after starting the programme: Next Steps participants "
                     "and the matched comparison group")
    assert over_time == "Employment: estimated impact, Next Steps participants and the matched comparison group"


def test_words_too_long_for_a_title_give_a_shorter_form_of_their_own():
    people = "were in paid employment of at least sixteen hours a week as recorded by their employer"
    chart, _, _ = titles("proportion", people, "one year after starting the programme", "employment", "Next Steps")
    assert len(f"People who {people} one year after starting the programme") > CHART_LENGTH
    assert chart == "Employment one year after starting the programme"
