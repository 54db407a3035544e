"""The rule patterns that run only the alternatives whose literal piece is in the text (engine/claims/scan.py) match
exactly what the whole patterns match: on the corpus, on generated text, and with the characters that
re.IGNORECASE folds into ASCII letters."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.claims.book import rule_book
from engine.claims.scan import FOLDS, Scanned, piece_of, top_alternatives

CORPUS = Path(__file__).resolve().parent / "corpus"


def book_patterns() -> dict[str, Scanned]:
    book = rule_book()
    found = {f"{group}.{name}": pattern for group in ("words", "never", "not_claims", "outcome", "good_outcome")
             for name, pattern in getattr(book, group).items()}
    assert all(isinstance(p, Scanned) for p in found.values())
    return found


def spans(found) -> list[tuple[int, int]]:
    return [m.span() for m in found]


def span(found) -> tuple[int, int] | None:
    return found.span() if found else None


def same(pattern: Scanned, text: str, pos: int) -> None:
    whole = pattern.compiled
    assert spans(pattern.finditer(text)) == spans(whole.finditer(text)), (pattern, text)
    assert span(pattern.search(text, pos)) == span(whole.search(text, pos)), (pattern, text, pos)
    assert span(pattern.match(text, pos)) == span(whole.match(text, pos)), (pattern, text, pos)
    assert span(pattern.fullmatch(text)) == span(whole.fullmatch(text)), (pattern, text)
    assert pattern.sub("_", text) == whole.sub("_", text)


def test_the_alternatives_of_a_pattern():
    assert top_alternatives("(?:a|b)|(?:c)") == ("a", "b", "c")
    assert top_alternatives("(?:a)b|c") == ("(?:a)b", "c")  # the group is not the whole alternative
    assert top_alternatives("[|(]x|\\|y") == ("[|(]x", "\\|y")  # a "|" in a class or escaped splits nothing
    assert top_alternatives("(?:a)(?:b)") == ("(?:a)(?:b)",)


def test_the_piece_every_match_holds():
    assert piece_of(r"\bvindicat\w*", re.I) == ("vindicat",)
    assert piece_of(r"\b(?:seal|stamp) of approval\b", re.I) == ("seal of approval", "stamp of approval")
    assert piece_of(r"\banaly[sz]e", re.I) == ("analyse", "analyze")
    assert piece_of(r"(?<!not )\bproof\b", re.I) == ("proof",)  # what a lookbehind reads is not consumed
    assert piece_of(r"\b\w+ly\b", re.I) is None  # no piece of three letters: always run
    assert piece_of(r"(?:x+)?abc", re.I) == ("abc",)


def test_every_character_re_folds_into_ascii_is_folded_first():
    """Under re.IGNORECASE "PROVİNG" matches "proving": the text is folded as re folds it before the pieces are
    looked for (a character missing here would let an alternative be skipped that matches)."""
    letters = re.compile(r"[a-z0-9]", re.IGNORECASE)
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if letters.fullmatch(chr(c))}
    assert folding == {chr(c) for c in FOLDS}
    proof = book_patterns()["never.proof_anywhere"]
    for text in ("The data PROVİNG our model works.", "Ministry analysis provides the proof that we were right."):
        same(proof, text, 0)


def test_the_corpus_is_matched_as_by_the_whole_patterns():
    texts = [s["text"] for path in sorted(CORPUS.glob("*.yaml"))
             for s in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sentences", [])]
    for pattern in book_patterns().values():
        for i, text in enumerate(texts[::40]):
            same(pattern, text, (i * 7) % (len(text) + 1))


def _pieces() -> list[str]:
    book = rule_book()
    return sorted({form for p in (*book.never.values(), *book.words.values()) for piece, _ in p.units if piece
                   for form in piece})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_pieces()), st.sampled_from(["the Programme", "women", "re-offending",
                                                                         "not", "no", "İ", "ſ", "K", "’s", "—"]),
                          st.text(alphabet="abcdefghijklmnop ,.'-", max_size=6)), min_size=1, max_size=12),
       st.integers(min_value=0, max_value=40))
def test_generated_text_is_matched_as_by_the_whole_patterns(words, pos):
    text = " ".join(words)
    for pattern in book_patterns().values():
        same(pattern, text, min(pos, len(text)))
