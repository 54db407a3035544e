"""The splitter: a programme's name is one word, whatever punctuation it holds (issue 17, item 1)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from engine.claims import Licence, find_breaches
from engine.claims.sentences import sentences

NAME = st.text(st.sampled_from("abcXYZ019 ?!.:;–—-"), min_size=1, max_size=30).filter(
    lambda n: n.strip() and any(c.isalnum() for c in n) and n == n.strip())


def test_a_question_mark_in_a_name_ends_no_sentence():
    text = "For those who re-offend, the Why? 0 programme does not lengthen the time. Next one."
    assert [s.text for s in sentences(text)][:2] == ["For those who re-offend, the Why?", "0 programme does not lengthen the time."]
    assert [s.text for s in sentences(text, names=("the Why? 0 programme",))] == [
        "For those who re-offend, the Why? 0 programme does not lengthen the time.", "Next one."]


def test_a_colon_in_a_name_ends_no_clause():
    [sentence] = sentences("Women on Step Up: North were mentored.", names=("Step Up: North",))
    assert sentence.clauses == ("Women on Step Up: North were mentored.",)


def test_the_engines_own_sentence_with_such_a_name_passes():
    name = "the Why? 0 programme"
    text = ("This analysis provides evidence that, for participants who re-offend during a one-year period, "
            f"{name} does not lengthen the average time to first proven re-offence.")
    assert not find_breaches(text, Licence.unknown(), names=(name,), engine=True)


@settings(max_examples=150, deadline=None)
@given(NAME)
def test_any_name_stays_whole_in_its_sentence_and_clause(name):
    found = sentences(f"We thank {name} for its work. Second sentence here.", names=(name,))
    assert len(found) == 2, [s.text for s in found]
    assert " ".join(name.split()) in found[0].text
    assert any(" ".join(name.split()) in clause for clause in found[0].clauses), found[0].clauses
