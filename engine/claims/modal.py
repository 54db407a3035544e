"""The scope of a modal hedge: "may", "might", "could", "appears to", "it is possible that" cover the verb they govern
and its complement ("Mentoring may help women stay out of trouble": the helping and the staying out are both only
possible), and nothing outside it: not words before the modal ("Thanks to mentoring, women may ..."), a concession
that opens the sentence ("Although the numbers may be small, mentoring keeps women out of trouble"), a relative clause
of the subject ("Women who may struggle stay out of trouble") nor a clause joined after it with a subject of its own
("..., and it keeps them out of trouble"). A possibility so worded is judged like the JDL's "may have reduced": by the
direction it names, on a result that is significant in that direction, and never as a universal, a cause or a bare
effect. The modal words are data (report_text/rules.yaml vocabulary: `modal`, `modal_relative`, `modal_break`,
and the effect words it turns into a direction: `hedgeable`, `good_effect`, `bad_effect`)."""

from __future__ import annotations

import re

from engine.claims.blanking import blank_all
from engine.claims.book import RuleBook

def _modals(text: str, book: RuleBook, kind: re.Pattern | None = None) -> list[re.Match]:
    words = book.words
    plain = blank_all(text, words["conceded"])  # a concession's "may" hedges nothing after it
    return [m for m in (kind or words["modal"]).finditer(plain) if not words["modal_relative"].search(plain[:m.start()])]


def hedged_at(text: str, start: int, book: RuleBook, kind: re.Pattern | None = None) -> bool:
    """Whether the words at `start` in `text` (one clause) stand in the scope of a modal hedge before them (`kind`: of
    those modal words only, as "may" and "might", which say a possibility where "appears to" gives a verdict)."""
    return any(m.end() <= start and not book.words["modal_break"].search(text, m.end(), start)
               for m in _modals(text, book, kind))


def unhedged(pattern: re.Pattern, text: str, book: RuleBook) -> re.Match | None:
    """The first match of `pattern` in `text` outside a modal's scope."""
    return next((m for m in pattern.finditer(text) if not hedged_at(text, m.start(), book)), None)


def said_of_all(text: str, book: RuleBook) -> str | None:
    """A good outcome said of the people with no comparison ("women stay out of trouble"): a universal, unless every
    such outcome in the clause is only possible ("may help women stay out of trouble": a bare plural under "may")."""
    found = [m for p in book.good_outcome.values() for m in p.finditer(text)]
    if not found:
        return "a good outcome said of everyone"
    return next((m.group() for m in found if not hedged_at(text, m.end() - 1, book)), None)  # its outcome's last word


def hedged_effect(claim, effect: re.Match | None, said: str, timed: bool, book: RuleBook) -> None:
    """An effect word under a modal in a clause that names a measured outcome ("may help women [stay out of trouble]",
    "may be having a positive effect on re-offending"): a possible change in that outcome, judged by its direction
    (the clause's own, or the effect's: a positive effect on re-offending is fewer re-offences, on the time to a first
    re-offence a longer one), not a bare effect. One with no direction ("may have had an effect on re-offending")
    stays an effect."""
    words = book.words
    if not (claim.effect and effect and claim.measures and "unmeasured" not in claim.measures
            and (words["hedgeable"].search(effect.group()) and hedged_at(said, effect.start(), book)
                 or words["hedgeable_may"].search(effect.group()) and hedged_at(said, effect.start(), book, words["may"]))):
        return
    if words["either_direction"].search(said, effect.start()):  # "may have had an impact ... in either direction"
        claim.directions = {("decrease", False), ("increase", False)}
    if not claim.directions:
        good, bad = words["good_effect"].search(effect.group()), words["bad_effect"].search(effect.group())
        if bool(good) == bool(bad) or words["good_effect"].search(said) and words["bad_effect"].search(said) or words["or_not"].search(said):
            return  # "could have had a positive effect, a negative effect or none": both ways, judged as such
        claim.directions = {("increase" if timed == bool(good) else "decrease", False)}
    claim.effect = None


def only_possible(name: str, text: str, match: re.Match, claim, book: RuleBook) -> bool:
    """A form never published that a modal over it makes a possibility: a cause of a change in a direction the clause
    names ("could help to reduce re-offending", "appears to contribute to lower re-offending"), and a good outcome said
    of people ("may help women stay crime-free"). A word of every or none stays a universal ("may help all women ...",
    "could eliminate re-offending")."""
    if name == "cause":  # (the JDL's "may" anywhere in the clause: "21 fewer in 100 may have re-offended because of ...")
        return bool(claim.directions) and (hedged_at(text, match.end(), book)
                                           or bool(book.words["may"].search(blank_all(text, book.words["conceded"]))))
    if name == "universal":
        return hedged_at(text, match.end() - 1, book) and any(p.search(match.group()) for p in book.good_outcome.values())
    return False
