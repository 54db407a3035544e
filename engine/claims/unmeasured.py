"""An outcome the analysis does not measure (work, housing, drugs, family ties, prison discipline ...), said of the
programme's people as a result, in the three shapes a clause with no direction word of its own takes:

- joined to a measured outcome, in a conjunct of its own ("committed fewer proven re-offences and were less likely to
  be in debt", "... than the comparison group and used less heroin"): the direction of that conjunct is the other
  outcome's, and the results say nothing of it;
- gained, said of the people as they stand with no count ("Participants leave with a job to go to", "our women have
  reconnected with their children", "are now in college"): a result of every one of them (a share from the charity's
  own records, "80% of our mentees found housing", is a fact, and is not read here);
- under a modal, after a verb of gaining or changing ("Mentoring may help them find work", "might make it easier to keep
  their tenancy"): a possible change in that outcome, which no "may" licenses, as the results do not speak of it
  (the measured outcome under "may", "may reduce re-offending", is judged by its result as before).

Not a service ("Mentors help women look for work", "We may also help women find housing": those who deliver it, as
the subject of helping), an aim or a question (blanked before), nor a conjunct that a negation takes back. The words
are data in report_text/rules.yaml (vocabulary: other_domain, other_state, attained, hedged_gain, provider_opening).
"""

from __future__ import annotations

import re

from engine.claims.book import RuleBook
from engine.claims.modal import hedged_at

CONJUNCT = re.compile(r"\b(?:and|as well as|alongside|besides|plus|but|while|whilst)\b|[,;]", re.IGNORECASE)
COUNTED = re.compile(r"\b(?:some|many|most|few|several|half|majority|minority|proportion|share|number|numbers|per)\b|\d",
                     re.IGNORECASE)  # a count of the people: the charity's own records, not a result said of all


# a service verb before it: what the service gives them ("supports women who leave HMP Send with housing"), not a result
SERVICE_BEFORE = re.compile(r"\b(?:support|help|assist|provid|offer|refer|equip|work)\w*\b", re.IGNORECASE)


def other_outcome(said: str, clause: str, rest: str, ours: bool, book: RuleBook, continued: bool = False) -> bool:
    """Whether a clause (`said` as written, `clause` with aims and questions blanked, `rest` with the measured
    outcomes' words blanked too) says an outcome the analysis does not measure as a result for the programme's people;
    `continued`: a later clause of a sentence whose clause before spoke of a measured outcome ("fewer of our women
    reoffended, and fewer were evicted"), a conjunct of that claim."""
    words = book.words
    if not ours or not (words["other_domain"].search(rest) or words["other_state"].search(rest)):
        return False
    return joined(clause, rest, book, continued) or attained(rest, book) or hedged(rest, book)


def joined(clause: str, rest: str, book: RuleBook, continued: bool = False) -> bool:
    """A conjunct that names no measured outcome (the same in `clause` and `rest`) holding another outcome with a
    direction or an amount of its own."""
    if clause == rest and not continued:
        return False  # no measured outcome in the clause: the other readings decide
    words = book.words
    start = 0
    for end in [m.start() for m in CONJUNCT.finditer(rest)] + [len(rest)]:
        piece, original = rest[start:end], clause[start:end]
        start = end
        if piece != original or words["negation"].search(piece):
            continue
        domain = words["other_domain"].search(piece)
        if domain and (any(words[w].search(piece) for w in ("down", "up", "better", "gained"))
                       or words["amount_before"].search(piece[:domain.start()])):
            return True
    return False


def attained(rest: str, book: RuleBook) -> bool:
    """Another outcome gained, said of the people with no count of them and not under a modal or a negation."""
    words = book.words
    if COUNTED.search(rest) or words["negation"].search(rest):
        return False
    gained = words["attained"].search(rest)
    if not gained or hedged_at(rest, gained.start(), book) or SERVICE_BEFORE.search(rest, 0, gained.start()):
        return False
    after = rest[gained.start():]
    return bool(words["other_domain"].search(after) or words["other_state"].search(after))


def hedged(rest: str, book: RuleBook) -> bool:
    """A verb of gaining or changing in a modal's scope, then another outcome: not helping said of those who deliver
    the service."""
    words = book.words
    for gain in words["hedged_gain"].finditer(rest):
        if not hedged_at(rest, gain.start(), book):
            continue
        if gain.group().lower().startswith("help") and words["provider_opening"].match(rest):
            continue
        after = rest[gain.start():]
        if words["other_domain"].search(after) or words["other_state"].search(after):
            return True
    return False
