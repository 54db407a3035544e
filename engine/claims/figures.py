"""A sentence of the groups' figures ("44 of the 100 people committed a proven re-offence ..., 7 people
more than in the comparison group"): licensed wherever it is written when its figures are the
results', rounded as the report prints them. So a comms officer may copy the report's own figure
sentences, and a figure that was changed is judged like any other claim."""

from __future__ import annotations

import re

from engine.claims.aside import affirmed
from engine.claims.blanking import blank_all, blank_given
from engine.claims.sentences import CLAUSE_END
from engine.measures import PRIMARY
from engine.words.format import rounded

# the participants' figure opens the sentence, after its "For every 100 people who took part," if it has one
OPENING = re.compile(r"^\W*(?:(?:for|of|out of|in) (?:any |every )?100 [^,.;]{1,80},\s*)?(\d+(?:\.\d+)?)\b", re.IGNORECASE)
SIMILAR = re.compile(r"\bsimilar to (?:re-?offenders in )?the comparison group\b", re.IGNORECASE)  # a difference of 0
DIFFERENCE = re.compile(r"\b(\d+(?:\.\d+)?) (?:people|person|offen[cs]es?|days?) (?:more|fewer|less|later|sooner)\b",
                        re.IGNORECASE)


def figures_agree(text: str, treatment: float | None, difference: float | None) -> bool:
    """The sentence opens with the participants' figure and states the difference, both as the results
    round them (per 100 people, offences per 100 people, or days)."""
    opening, stated = OPENING.match(text), DIFFERENCE.search(text)
    if opening is None or treatment is None or difference is None:
        return False
    if stated is None:
        return bool(SIMILAR.search(text)) and rounded(abs(difference)) == 0 == rounded(float(opening.group(1))) - rounded(treatment)
    return (rounded(float(opening.group(1))) == rounded(treatment)
            and rounded(float(stated.group(1))) == rounded(abs(difference)))


PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|per ?cent\b|percent\b)(?!\s*(?:age\s*)?points?)(?!\s+of\b)", re.IGNORECASE)
NEAR = 5  # percentage points: "over 40%", "nearly 45%" for a relative change of 44.6%


def relative_figure(text: str, treatment: float | None, difference: float | None) -> str | None:
    """A percentage that is the difference as a share of the comparison group's figure (16 against 28 in 100 is
    "45% fewer"), and not either group's figure or the difference itself: a relative change, however it is worded
    ("12 points (nearly 45%) less likely", "which works out at more than 40 per cent")."""
    if treatment is None or difference is None or treatment - difference <= 0:
        return None
    comparison = treatment - difference
    relative = abs(difference) / comparison * 100
    for match in PERCENT.finditer(text):
        value = float(match.group(1))
        if abs(value - relative) <= NEAR and all(abs(value - f) > 1.5 for f in (treatment, comparison, abs(difference))):
            return match.group()
    return None


# two figures set side by side ("16 in 100 against 28 in 100", "16% v 28%"): the groups' rates, whatever the sentence calls them
FIGURES_COMPARED = re.compile(r"(?<![\d.])\d{1,4}(?:\.\d{1,3})?\s?(?:%|per ?cent|(?:in|per|out of) (?:every )?100)?\s+(?:against|vs?\.?|versus|"
                              r"compared (?:with|to))\s+\d{1,4}(?:\.\d{1,3})?\s?(?:%|per ?cent|(?:in|per|out of) (?:every )?100)",
                              re.IGNORECASE)  # (figures of at most four digits: a run of 100,000 is read once, not in its square)


# two figures in a sentence that names the comparison group in any words: the groups' rates side by side
FIGURE = re.compile(r"(?<![\d.])\d{1,4}(?:\.\d{1,3})?\s?(?:%|per ?cent\b|(?:in|per|out of) (?:every )?100\b|/\s?100\b)", re.IGNORECASE)
GROUP_NAMED = re.compile(r"\b(?:comparison|control|matched) group|\bsimilar (?:\w+ )?(?:women|men|people|offenders|adults|young \w+)|"
                         r"\bnon-participants\b|\bwho did(?: not|n't)\b", re.IGNORECASE)  # the comparison group, in any words
# the comparison group's figure under its label ("Comparison group: 28%.", "the comparison group's figure was 28 in 100")
LABELLED = re.compile(r"\b(?:(?:comparison|control|matched) group|similar (?:\w+ )?(?:women|men|people|offenders|adults)|non-participants|"
                      r"(?:those|people|women|men) who did(?: not|n't) take part|(?:comparison|control|theirs)(?=\s*:))(?:[’']s)?(?: (?:\w+ ){0,3}?(?:was|is|were|of|at|on))?"
                      r"\W{0,3}\s*\d{1,4}(?:\.\d{1,3})?\s?(?:%|per ?cent|(?:in|per|out of) (?:every )?100|/\s?100\b)", re.IGNORECASE)
# the groups' difference in points ("12 points lower", "12 percentage points higher", "a 12-point drop"): a rate's
POINTS = re.compile(r"\b(?:\d{1,2}(?:\.\d{1,2})?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
                    r"[\s-]?(?:percentage[\s-])?points?\s+(?:lower|higher|fewer|more|less|down|up|below|above|better|worse|drop|fall|reduction|decrease|cut|"
                    r"gap|difference|rise|increase)\b|\b(?:gap|difference)\b[^.;:!?]{0,20}?\b\d{1,2}(?:\.\d{1,2})?[\s-]?(?:percentage[\s-])?points?\b", re.IGNORECASE)


def figures_compared(text: str) -> tuple[str, ...]:
    """The primary measure, when a sentence that names no outcome sets the groups' figures side by side ("The rate was 16 in
    100 against 28 in 100."), gives the comparison group's under its label ("Comparison group: 28%.", "Comparison: 28/100.",
    "Theirs: 28%.") or the difference in points ("12 points lower.", "The gap is 12 points"): what the next sentence of its
    paragraph speaks of ("That's a 43 per cent gap.", "Relative reduction: 43%.", "That's close to half.")."""
    two_groups = len(FIGURE.findall(text)) >= 2 and GROUP_NAMED.search(text)  # "44 in 100 for ... and 36 in 100 for similar ..."
    return (PRIMARY,) if FIGURES_COMPARED.search(text) or LABELLED.search(text) or POINTS.search(text) or two_groups else ()


def gained_figure(text: str, names: tuple[str, ...], book, measured: bool) -> bool:
    """A share of the programme's people said to gain an outcome the analysis does not measure, set beside an outcome it
    does (`measured`: "Only 16% of our women reoffend and more than 70% find employment on release"): a result the
    report does not give, offered as one of its own. Alone, a figure from the charity's own records is a fact ("80% of
    our mentees found stable housing"); nor is a share of people in general ("Nationally, 17% of prison leavers find work
    within a year") or what the people had before ("70% of the women we work with had been homeless")."""
    words = book.words
    if not measured:
        return False
    ours = words["own_people"].search(text) or any(n in text for n in names)
    general = any(words[w].search(text) for w in ("general_group", "national_anywhere", "attributed", "general_population"))
    return bool(ours and not general and words["gained_figure"].search(blank_given(text, names)))


def shown_elsewhere(text: str, names: tuple[str, ...], book) -> bool:
    """This evaluation said to show an outcome it does not measure, in the clause after its verb ("The results show that
    <name> not only helps women get into employment but also ..."): a result the report does not give. A declared
    measure's own words ("in work one year after starting") are measured, not another domain."""
    words = book.words
    text = blank_given(text, names)
    for _, declared in book.named_by:
        text = blank_all(text, declared)
    for shown in affirmed(words["results_show"], text, book):
        end = CLAUSE_END.search(text, shown.end())
        if words["other_domain"].search(text, shown.end(), end.start() if end else len(text)):
            return True
    return False


# a figure of people per 100 or a share in a sentence about the results ("12 in 100", "16%", "21 women per 100",
# "12 percentage points"), and a word before it that makes it approximate ("about 15%", "nearly 30 in 100")
STATED = re.compile(r"(?<![\w.,£$€/-])(\d{1,3}(?:\.\d{1,3})?)\s?(?:%|per ?cent\b|percent\b|percentage[\s-]points?\b|"
                    r"(?:(?:people|persons?|women|men|girls|boys|young people|adults|participants|offenders|(?:proven )?"
                    r"(?:re-?)?offen[cs]es|more|fewer|less|lower|higher) ){0,2}(?:in|per|out of|of) (?:every |each )?100\b)",
                    re.IGNORECASE)
# the people per 100 after the hundred they are of ("In every 100 participants, 85 stayed free of a re-offence")
OPENED = re.compile(r"\b(?:in|of|for|out of) (?:every |each |any )?100\b[^,.;:]{0,60},\s*(?:only |just |some |about |around )?"
                    r"(\d{1,3}(?:\.\d{1,3})?)\b(?!\s?%|\s?per ?cent|\s+(?:in|per|out of|of) )", re.IGNORECASE)
APPROXIMATE = re.compile(r"\b(?:about|around|nearly|almost|roughly|approximately|some|over|more than|less than|under|"
                         r"fewer than|just|close to|barely|only just)\W*$", re.IGNORECASE)
# a figure that is the test's, not the result's ("significant at the 5% level", "95% confident", "a 5% chance")
NOT_A_RESULT = re.compile(r"\W*(?:\w+\W+)?(?:level|significan|confiden|chance|probability|likel[iy]hood|sure|certain|threshold)",
                          re.IGNORECASE)
SET_LEVEL = re.compile(r"\b(?:level|threshold|confidence|significance|chance|probability) (?:of|at)\W*$", re.IGNORECASE)
EXACT, NEAR_ENOUGH = 0.55, 1.5  # how far a figure may be from the results': rounding, or a word that says it is rounded


def misquoted(text: str, known: tuple[float, ...], swapped: tuple[tuple[float, float], ...] = ()) -> str | None:
    """A figure of people per 100 (or a share) that none of the results' figures rounds to: a group's rate or its
    complement, a difference, an interval's bound, of any analysis ("12 in 100 against 28 in 100" where 16 of every
    100 participants re-offended); or the groups' two figures the wrong way round, the participants' named first
    (`swapped`: "28% of participants ..., compared with 16% of the comparison group"). None where the results give no
    figures to check against (before a run)."""
    if not known:
        return None
    stated = sorted((m for pattern in (STATED, OPENED) for m in pattern.finditer(text)
                     if not (NOT_A_RESULT.match(text, m.end()) or SET_LEVEL.search(text, 0, m.start()))), key=lambda m: m.start())
    for match in stated:
        value = float(match.group(1))
        slack = NEAR_ENOUGH if APPROXIMATE.search(text[:match.start()]) else EXACT
        if not any(abs(value - figure) <= slack for figure in known):
            return match.group()
    group = GROUP_NAMED.search(text)
    if len(stated) >= 2 and group and group.start() > stated[0].start():
        pair = (float(stated[0].group(1)), float(stated[1].group(1)))
        if any(abs(pair[0] - a) <= EXACT and abs(pair[1] - b) <= EXACT for a, b in swapped):
            return f"{stated[0].group()} ... {stated[1].group()}"
    return None
