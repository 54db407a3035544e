"""Quantified groups: who a negative universal counts, and how far what it says of them reaches.

"None", "nobody", "not one", "not a single", "no" before a person: a word that counts people, unless the words
after it name a thing ("none of the figures can be compared ...", "no single programme can ...": rules.yaml
vocabulary.counted_things), when it says nothing of anyone's outcome. Its scope is the rest of its clause,
however long the group's description: "None of the young men who stuck with their mentor through the gate went on
to re-offend" says that no one re-offended, a universal fall. An outcome inside the group's own relative clause
("none of the women who had re-offended before ...") describes the group; it is not said of it.
Whose people they are is decided before (engine.claims.aside.general_context: another body's finding about
people in general is context)."""

from __future__ import annotations

import re

from engine.claims.book import RuleBook

# the relative clause of the counted group, right before an outcome: the outcome is who they are, not what they did
RELATIVE = re.compile(r"\b(?:who|that|which|whom)\s+(?:(?:had|have|has|were|was|are|is|once|previously|already|ever|"
                      r"been|never|not)\s+){0,3}$", re.IGNORECASE)
THING_RELATIVE = re.compile(r"([\w'’-]+)\s+(?:that|which)\s", re.IGNORECASE)  # "the circumstances that ..."
NAMED = re.compile(r"(?<!\w)_{2,}(?!\w)")  # the programme's declared name, blanked before the rules read the sentence


def counts_others(clause: str, match: re.Match, book: RuleBook) -> bool:
    """A negative quantifier (`match`) that counts things ("none of the figures"), those who deliver the service
    ("none of the staff"), or the people of another body's finding ("A Home Office study found that none of the
    people who took part in its pilot were reconvicted"): nothing said of the programme's people. Another's
    finding counts ours only where the clause marks them ours (rules.yaml vocabulary.ours_marked: "our", the
    programme's name, "the programme"), and not where it names the other body's own programme ("its pilot")."""
    words = book.words
    match = words["negative_quantifier"].match(clause, match.start())  # the quantifier a rule's match opens with
    if not match:
        return False
    if words["counted_things"].match(clause, match.end()):
        return True
    before = clause[:match.start()]
    theirs = ((words["attributed"].search(before) or words["other_body"].search(before) or words["other_research"].match(before)
               or words["their_programme"].search(before))
              and not (words["this_evaluation"].search(before) or words["our_evidence"].search(before)))
    group = clause[match.end():]  # a name before the group is the finding's source ("the Centre for Justice Innovation")
    return bool(theirs and not (words["first_person"].search(clause) or NAMED.search(group)
                                or words["ours_marked"].search(group) and not their_own(clause, book)))


def their_own(text: str, book: RuleBook) -> bool:
    """Another body's finding names its own programme ("its pilot", "a similar scheme in Leeds", "the American trials")
    and the sentence does not speak in the first person: the participants it counts are that programme's."""
    return bool(book.words["their_programme"].search(text) and not book.words["first_person"].search(text))


def negative_universal(clause: str, book: RuleBook) -> re.Match | None:
    """The first negative quantifier over the programme's people whose scope, the rest of the clause, names an
    outcome outside the group's own relative clause and outside a relative clause of a thing ("none of the women
    chose the circumstances that led them to offend")."""
    for quantifier in book.words["negative_quantifier"].finditer(clause):
        if counts_others(clause, quantifier, book):
            continue
        for pattern in book.outcome.values():
            for m in pattern.finditer(clause, quantifier.end()):
                if not (RELATIVE.search(clause, quantifier.end(), m.start())
                        or _of_a_thing(clause[quantifier.end():m.start()], book)):
                    return quantifier
    return None


def _of_a_thing(between: str, book: RuleBook) -> bool:
    """A relative clause of a thing between the group and the outcome ("the circumstances that led them to ...")."""
    return any(not book.words["counted_person"].fullmatch(m.group(1)) for m in THING_RELATIVE.finditer(between))
