"""Agency and comparison: who a clause says did the change, and what a figure is set against.

The Justice Data Lab words a result as the groups compared ("those who took part were less likely to
re-offend") or with "may". A clause whose subject is the programme, taking part in it or the people who
deliver it, and whose predicate changes an outcome, says the programme caused the change, in any verb or
noun: "the course slashes re-offending", "our mentoring made a significant reduction in re-offending",
"joining the scheme lowers a woman's chances", "the programme's reduction of re-offending", "re-offending
was reduced by the programme". The comparison group's figures are the only ones a result is set against:
a figure set against a predicted rate, a national one, drop-outs or an earlier period is a benchmark.
The words are data (report_text/rules.yaml vocabulary: `agent`, `not_agent`, `not_predicate`, `that_clause`,
`agent_by`, `set_against`, `negation_before`, `benchmark_negated`, `before_after`; never.benchmark)."""

from __future__ import annotations

import re

from engine.claims.book import RuleBook

NAME_GAP = re.compile(r"^\W*_+(?!\w)")  # the programme's name, one word of underscores where the sentence names it
CLAUSE_STOP = re.compile(r"[.;:!?()]|,\s|\s[–—-]\s")  # where a comparison's target ends


def programme_cause(said: str, written: str, book: RuleBook) -> str | None:
    """The words that make the programme the doer of a change the clause states plainly (not with "may"); the
    subject may stand after a reporting verb ("the results show that our mentoring made a reduction ...")."""
    if book.words["hedge"].search(said):
        return None
    starts = [0] + [m.end() for m in book.words["that_clause"].finditer(said)]
    acts = next((a for s in starts for a in [programme_acts(said[s:], written[s:], book)] if a), None)
    return acts if isinstance(acts, str) or acts is None else acts.group().strip()


def programme_acts(said: str, written: str, book: RuleBook) -> re.Match | str | None:
    """The words that make the programme the doer of the clause's change: its subject (the programme, taking
    part, its staff; the programme's own name where it stands first), or the agent of a passive ("reduced by
    the programme"). None when the subject is the people ("Making Connections women were less likely ...")."""
    words = book.words
    subject = words["agent"].match(said)
    if subject and not words["not_agent"].match(said, subject.end()) and _acts_on(said, subject.end(), book):
        return subject
    gap = NAME_GAP.match(written)
    if (gap and said[:gap.end()].strip() and not words["not_agent"].match(written, gap.end())
            and _acts_on(said, gap.end(), book)):
        return said[:gap.end()].strip()
    return words["agent_by"].search(said)


def _acts_on(said: str, end: int, book: RuleBook) -> bool:
    """The subject's own predicate holds the change: no relative clause, reporting verb or comma comes between
    them ("Making Connections welcomes the results, which show a lower rate" says nothing the programme did)."""
    changes = [m.start() for name in ("down", "up", "better") for m in [book.words[name].search(said, end)] if m]
    first = min(changes, default=None)
    return first is not None and not book.words["not_predicate"].search(said[end:first])


def set_against(text: str, book: RuleBook) -> re.Match | None:
    """A word that sets the clause's figure beside another ("than", "compared with", "against", "while"),
    unless a negation takes it back ("the report does not compare participants with national rates")."""
    return next((m for m in book.words["set_against"].finditer(text)
                 if not book.words["negation_before"].search(text[max(0, m.start() - 40):m.start()])), None)


UNDER_A_FIGURE = re.compile(r"\d[^.;]{0,60}?\b(?:under|over|beneath|beyond)\s+(?:the |a |an |its |their )?\d", re.IGNORECASE)


def benchmark(text: str, book: RuleBook) -> re.Match | None:
    """A comparison with anyone but the matched comparison group: a benchmark named in a clause that sets a
    figure against another, not itself taken back ("the comparison group, not the national average, ..."),
    or a before-and-after in the sentence ("in the year before joining, 60% ...; in the year after, 16%")."""
    if set_against(text, book) or UNDER_A_FIGURE.search(text):  # "16 in 100, well under the 35 in 100 predicted"
        for match in book.never["benchmark"].finditer(text):
            if not book.words["benchmark_negated"].search(text[max(0, match.start() - 20):match.start()]):
                return match
    return book.words["before_after"].search(text)


def other_target(text: str, book: RuleBook) -> re.Match | None:
    """A comparison whose target is a group of people other than the matched comparison group ("than women released
    from short sentences", "than the women we worked with in 2019", "compared with those who left early"): the
    target is read up to the clause's end; the comparison group in any words, a figure alone ("than 28 in 100")
    or a supposed case ("than they would have") is not another group."""
    words = book.words
    for match in words["than_target"].finditer(text):
        window = CLAUSE_STOP.split(text[match.end():match.end() + 90])[0]
        if words["matched_target"].search(window):
            continue
        if words["figure_target"].match(window) and not words["group_after"].search(window):
            continue
        return match
    return None


def forced_forms(own: str, own_written: str, measured: bool, about_outcomes: bool, book: RuleBook) -> list[tuple[str, str]]:
    """Forms refused in any sentence, asked or not: a figure set against a benchmark ("16%, against an OGRS-predicted
    35%"; also with no outcome named: "That compares with 28% of women who did not start"), a figure to a figure by
    an arrow ("re-offences: 105 ➝ 31", a change said as a cause)."""
    found = []
    arrow = about_outcomes and book.words["from_to"].search(own_written)
    if arrow:
        found.append(("cause", arrow.group()))
    against = (measured or book.words["figure_any"].search(own)) and benchmark(own, book)
    if against:
        found.append(("benchmark", against.group()))
    return found


def done_or_set_against(claim, said: str, written: str, own_written: str, ours: bool,
                        book: RuleBook) -> list[tuple[str, str]]:
    """What a claim with no other form refused says besides its direction: that the programme made the change ("our
    mentoring made a significant reduction in re-offending"), or, of our people, a comparison with another group
    ("... less likely to reoffend than women released from short sentences")."""
    if claim.never or claim.effect or claim.no_effect or not claim.measures:
        return []
    acts = claim.direction in ("decrease", "increase") and programme_cause(said, written, book)
    if acts:  # judged after the direction and significance (engine.claims.licence): the wrong direction is named first
        return [("agent", acts)]
    target = claim.directions and ours and other_target(own_written, book)
    return [("benchmark", target.group().strip())] if target else []
