"""Names: a programme's or organisation's name says who, not what happened. Proper names in a sentence are
blanked before it is read, unless the name itself carries a claim ("the Reoffending Reduced Programme"); a
name that urges ("Choose Not To Offend") is an aim, not a finding."""

from __future__ import annotations

import re

from engine.claims.blanking import as_word
from engine.claims.book import RuleBook

# a name's words that state a purpose ("Reducing", "Prevention", "Desistance"), not an outcome
PURPOSE_WORD = re.compile(r"\b(?!(?:difference|influence)\b)[\w'-]+(?:ing|ion|ions|ment|ance|ence)\b", re.IGNORECASE)
SLOGAN_START = re.compile(r"^\W*(?:the\s+)?([A-Za-z]+)\b", re.IGNORECASE)
IMPERATIVE = re.compile(r"^\s*(?:the\s+)?([A-Za-z]+(?<![sd]))\b", re.IGNORECASE)  # a first word without -s/-ed
CLAIM_WORDS = ("down", "up", "better", "longer", "shorter", "effect", "no_effect")


def _name_claims(name: str, book: RuleBook) -> bool:
    """Fail closed: a name may not carry a claim. Its words less those that state a purpose may hold
    no figure, comparison, word of proof, direction, effect or good outcome ("the Reoffending Reduced
    Programme", "Women Stay Out Of Prison Scheme"); "the Reducing Re-offending Partnership" may."""
    if book.words["name_claim"].search(name):
        return True
    rest = PURPOSE_WORD.sub(" ", name)
    first = IMPERATIVE.match(rest)
    if first and any(book.words[w].search(first.group(1)) for w in ("down", "up", "better")):
        rest = rest[first.end():]  # "the Stop Offending Trust": an imperative states an aim
    return any(book.words[w].search(rest) for w in CLAIM_WORDS) or any(
        p.search(rest) for p in book.good_outcome.values()) or bool(book.never["universal"].search(rest))


def exhortation(name: str, book: RuleBook) -> bool:
    """A programme's name (its name, title or organisation as the spec writes it) that urges rather than
    reports ("Choose Not To Offend", "the Stop Offending Now programme", "No More Victims"): an aim, not a
    finding, unless it
    holds a figure, a word of proof or a result in the past ("Cut Crime By 50%", "Proven To Work")."""
    first = SLOGAN_START.match(name)
    aspiration = book.words["aspiration"].match(name)  # "No More Victims", "Zero Tolerance", "Towards Desistance"
    if aspiration:
        rest = name[aspiration.end():]
    elif first and book.words["imperative"].fullmatch(first.group(1)):
        rest = name[first.end():]
    else:
        return False
    return not (book.never["relative"].search(rest) or book.never["proof"].search(rest)
                or book.words["name_result"].search(rest) or book.words["name_claim_figure"].search(rest))


def blank_names(text: str, book: RuleBook) -> str:
    """Proper names ("the Reducing Re-offending Partnership") say who, not what happened; a name that
    itself carries a claim is read like any other words."""
    for match in book.words["name"].finditer(text):
        if not _name_claims(match.group(), book):
            text = as_word(text, match.start(), match.end())
    return text
