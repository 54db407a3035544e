"""Asides: words that look like a claim about the programme's result but are about something else —
a word of proof in the scope of a negation ("neither proves nor disproves"), a clause about what the
analysis counts ("offences never detected are not included") or about who chose to take part ("people
who volunteer may already be less likely to re-offend"), and figures about offenders in general
("according to MoJ figures ...", "juvenile offenders had a rate of 37%, down on the year before")."""

from __future__ import annotations

import re

from engine.claims.agency import set_against
from engine.claims.blanking import blank_all, blank_matches, denied_at
from engine.claims.book import RuleBook
from engine.claims.quantified import negative_universal, their_own
from engine.claims.sentences import CLAUSE_END

# a word of proof whose verb or noun is negated ("does not prove", "neither proves", "is not proof",
# "has not been proven"); "not only proves", "no doubt proves" are not negations of the proof
NEGATED = re.compile(r"(?:\b(?:not|never|neither|nor|cannot|no|without|yet to)|n't)(?: (?:yet|necessarily|itself|in itself|"
                     r"by itself|on its own|alone|been|be|either|a|an|the|any|(?:claim|say|argue|suggest|conclude|pretend|assert|"
                     r"state|believe|think)(?: that)?|(?!(?:only|merely|simply|solely)\b)\w+ly))*\s+$",
                     re.IGNORECASE)
# ... or a claim of it disowned before it ("we do not claim the figures prove that mentoring works")
NOT_SAID = re.compile(r"(?:\b(?:not|never|cannot)|n't)\s+(?:\w+\s+)?(?:claim|say|suggest|argue|pretend|assert|believe|think|mean|promise|guarantee|pledge|predict)"
                      r"(?:s|ed|ing)?\b(?: that)?[^.;:!?]{0,60}$", re.IGNORECASE)
# ... or a negation inside the words of proof, before their verb or noun ("the results neither validate nor invalidate our
# approach", "the report is not an endorsement of the programme"): the voucher is named first, the negation after it
INNER_NEGATION = re.compile(r"(?:\b(?:not|never|neither|nor|cannot|no longer)|n't)\s+(?!(?:only|merely|just|simply|solely)\b)"
                            r"(?:\w+\s+){0,2}?(?:in)?(?:valid|vindic|endors|verif|confirm|corrobor|substant|back|bear|bore|"
                            r"borne|support|prov|proof|justif|attest|uph[oe]ld|affirm|reaffirm|reinforc|underl|strength|bolster|"
                            r"show|demonstr|ratif|stamp|seal)\w*", re.IGNORECASE)
# an effect word whose object is lacking ("the lack of a clear result", "did not give us the positive result")
LACKING = re.compile(r"(?:\b(?:lack|absence|want) of|\bwithout|(?:\bnot|n't|\byet to) "
                     r"(?:get|got|give|gave|produce|produced|show|showed|find|found|see|saw|achieve|achieved|deliver|delivered|"
                     r"obtain|obtained|receive|received|reach|reached|bring|brought)(?: us| them| it)?)(?: (?:a|an|any|the|clear|real))*\s+$",
                     re.IGNORECASE)
# two words joined by "or" ("reductions or increases", "rise or fall"), or by "nor" where neither is ruled out: a
# direction each way names neither
PAIR = re.compile(r"\b([\w-]+) (?:or|and/or|nor(?=[^.;:!?]{0,80}\b(?:can|could)(?:not|n't| not)? (?:yet )?(?:be )?(?:ruled out|"
                  r"excluded|discounted)\b)) (?:an? |the )?([\w-]+)\b", re.IGNORECASE)  # "neither a rise nor a fall can be ruled out"
PERCENT = re.compile(r"\d\s?%|\bper ?cent\b|\bpercent\b", re.IGNORECASE)  # a relative figure is judged with its verbs
# a change said as a noun of something else ("improvements in housing", "a rise in employment"); a figure's or a
# group's noun ("a fall in the rate", "in the treatment group") is ours
CHANGE_NOUN = re.compile(r"\b(?:improvement|increase|reduction|decrease|rise|fall|drop|decline|gain|change)s?$", re.IGNORECASE)
OF_ANOTHER = re.compile(r"\s+in (?!(?:the |their |his |her |its |our )?(?:number|numbers|rates?|levels?|proportion|"
                        r"frequency|likelihood|chances?|risks?|share|percentage|amount|count|total|odds|time|days|groups?|"
                        r"treatment|comparison|control|participants?|people|those|men|women|offenders|mentees|cohort|sample|"
                        r"figures?|outcomes?|results?|proven|one-year|first|between|by|from|to|among|amongst|for|their|his|"
                        r"her|its|our|them|these)\b)(?:the |their |his |her |its |our )?(?=[a-z])", re.IGNORECASE)
PHRASE_WORD = re.compile(r"[\w'’-]+ +")  # a word of a noun phrase and the space after it
PROOF_EFFECT = re.compile(r"vindicat|prov|shown", re.IGNORECASE)
HELP = re.compile(r"help", re.IGNORECASE)
# that the programme works, in a word: a result whatever it is said of (not an effect on lives or confidence)
BARE_EFFECT = re.compile(r"\W*(?:(?:it|is|was|are|has|have|been|really|truly|does|do|did|highly|very|so|most|more|clearly|an?)\s+)*"
                         r"(?:works?|worked|working|effective\w*|success\w*|succeed\w*|pa(?:ys|id|y) off|deliver\w*|vindicat\w*)\b",
                         re.IGNORECASE)


# ... or a subject of nothing ("Nothing in these findings vindicates ...", "None of the results validate ...")
NOTHING_FOUND = re.compile(r"\s+(?:that there (?:is|was|were|are) )?(?:no|nothing|none)\b", re.IGNORECASE)  # what is shown is nothing
NOTHING_IN = re.compile(r"\b(?:nothing|none|no part|no one|not one) (?:in|of|from|within) (?:the |these |this |those |our |its |their )?(?:\w+ ){0,2}$",
                        re.IGNORECASE)


def affirmed(pattern: re.Pattern, text: str, book: RuleBook) -> list[re.Match]:
    """The matches of `pattern` (words of proof) that no negation right before them, or inside them before the word of
    proof, takes back, that stand in no denial's scope ("an association rather than proof"), and that confirm no
    difficulty ("confirmation of the difficulty of demonstrating an impact") nor what is possible for anyone ("living
    proof that change is possible")."""
    return [m for m in pattern.finditer(text)
            if not NEGATED.search(text[max(0, m.start() - 40):m.start()]) and not INNER_NEGATION.search(m.group())
            and not denied_at(text, m.start(), book) and not denied_at(text, m.end() - 1, book)  # "results are associations rather than proof"
            and not NOTHING_IN.search(text[max(0, m.start() - 40):m.start()])
            and not NOTHING_FOUND.match(text, m.end())  # "finds no statistically significant reductions"
            and not NOT_SAID.search(text[max(0, m.start() - 80):m.start()])
            and not book.words["proof_of_difficulty"].match(text, m.end())  # "confirmation of the difficulty of ..."
            and not book.words["proof_of_possibility"].match(text, m.end())]  # "living proof that change is possible"


def elsewhere(clause: str, match: re.Match, book: RuleBook) -> bool:
    """A direction word that is a change noun of a thing no outcome's words name ("improvements in housing",
    not "a fall in offending"): not the outcome's direction."""
    thing = OF_ANOTHER.match(clause, match.end()) if CHANGE_NOUN.search(match.group()) else None
    return bool(thing and not any(p.match(clause, at) for at in _words_of(clause, thing.end())
                                  for p in (*book.outcome.values(), *book.good_outcome.values())))


def _words_of(text: str, start: int) -> list[int]:
    """Where the first words of a noun phrase start: its outcome may stand inside it ("a fall in returns to custody")."""
    return [start] + [start + m.end() for m in PHRASE_WORD.finditer(text[start:start + 40])][:2]


def both_ways(text: str, book: RuleBook) -> str:
    """The text with each pair of opposite directions joined by "or" blanked ("whether re-offending rises or
    falls", "reductions or increases"): such a pair says the outcome may move either way, not which."""
    if PERCENT.search(text):
        return text
    words = book.words
    for match in PAIR.finditer(text):
        left, right = match.group(1), match.group(2)
        if any(words[a].search(left) and words[b].search(right) for a, b in (("down", "up"), ("up", "down"))):
            text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]
    return text


# a pair of quotation marks around a few words ("'works'", "‘works’", "«works»", "„works“"): scare quotes say the words
# they hold; a closing single mark after an s is no plural possessive when an opening one stands before it
QUOTED_WORDS = re.compile(r"(?<!\w)(['‘’‚«‹„\"“”])(?=\w)([^'‘’«»‹›„\"“”.;:!?]{1,60}?)(?<=\w)(['‘’»›“”\"])(?!\w)")


def scare_quotes_blanked(text: str) -> str:
    """The text without the marks of each quoted phrase."""
    return QUOTED_WORDS.sub(lambda m: m.group(2), text)


def achieved(text: str, measures: tuple[str, ...], before: str, book: RuleBook) -> re.Match | None:
    """An aim said to be met in words that point back to it ("set out to cut re-offending, and has done so"), where the
    clause carries the measure of an aim `before` it: that the programme moved it, an effect ("Women were invited, and most
    did so"; "16 in 100 did so": re-offended, no aim)."""
    aimed = any(book.not_claims[name].search(before) for name in ("aim", "made_for", "purpose"))
    return book.words["achieved_aim"].search(text) if measures and aimed else None


def effect_in(text: str, book: RuleBook) -> re.Match | None:
    """A word that the programme works or had an effect, unless what it names is said to be lacking, or it is a word of
    proof that a negation takes back ("the results neither vindicate nor condemn the model"); read through scare quotes."""
    text = scare_quotes_blanked(text)
    return next((m for m in book.words["effect"].finditer(text) if not LACKING.search(text[max(0, m.start() - 40):m.start()])
                 and not (PROOF_EFFECT.match(m.group()) and (NEGATED.search(text[max(0, m.start() - 40):m.start()])
                                                              or NOTHING_IN.search(text[max(0, m.start() - 40):m.start()])))), None)


def service_or_belief(effect: re.Match, said: str, whole: str, measures: tuple[str, ...], book: RuleBook) -> bool:
    """An effect word that is no result: helping said of those who deliver the service ("Volunteers help people"), or
    an effect on what the sentence itself puts outside the analysis ("a difference to people's lives in ways the
    analysis cannot measure") or reports as what participants tell us ("the men tell us the Programme has changed
    their lives"), where the clause names no measured outcome; or an effect or success whose clause's subject is the
    service's running or an event, not the programme ("The fundraising gala was a spectacular success", "Recruitment
    has shown early signs of improvement": vocabulary `delivery_subject`)."""
    words = book.words
    return bool(HELP.match(effect.group()) and words["provider_subject"].match(said)
                or words["delivery_subject"].match(said)  # "The fundraising gala was a great success"
                or not measures and not BARE_EFFECT.match(effect.group())  # "feedback shows it works" is a result
                and (words["beyond_measure"].search(whole) or words["feedback"].search(whole)))


def significance_said(clause: str, book: RuleBook) -> str:
    """How a clause that speaks of significance states it: not significant where it says so, unless it also calls the
    difference real outside that denial ("The difference is meaningful, even if it did not reach significance")."""
    denied = [m.span() for m in book.words["not_significant"].finditer(clause)]
    real = any(not any(s <= m.start() < e for s, e in denied) for m in book.words["real_gap"].finditer(clause))
    return "significant" if real or not denied else "not_significant"


def proof_in(text: str, book: RuleBook) -> re.Match | None:
    """A word of proof that makes any sentence a claim (never.proof_anywhere), unless negated; read through quotation
    marks, as reported speech says what it quotes (the analysis "backs up everything we've been saying")."""
    return next(iter(affirmed(book.never["proof_anywhere"], unquoted(unproven(text, book)), book)), None)


def alike_blanked(rest: str, clause: str, book: RuleBook) -> str:
    """`rest` (the clause, outcomes blanked) with the groups' likeness in what they were matched on blanked ("identical in
    terms of 5 characteristics (age, ... previous offences)"): the matching, no sameness of an outcome, unless the
    likeness goes on to one ("identical in terms of age and in terms of re-offending")."""
    words = book.words
    return blank_matches(rest, (m for m in words["matched_alike"].finditer(clause)
                                if not words["alike_in_outcome"].search(clause, m.end())))


def unproven(text: str, book: RuleBook) -> str:
    """The text with the words of proof that vouch for nothing of the programme's blanked (vocabulary.not_proof): "proven"
    in the measure's name ("the proven one-year re-offending rate"), the research-based methods a service works through."""
    return blank_all(text, book.words["not_proof"])


# a quotation mark, not an apostrophe inside a word ("we've", "the Lab's")
QUOTATION = re.compile(r"[\"“”«»„]|(?<!\w)['‘’]|(?<=[^\Ws])['‘’](?!\w)")


def unquoted(text: str) -> str:
    """The text without its quotation marks: what a quotation or reported speech says is said."""
    return QUOTATION.sub("", text)


def about_method(said: str, book: RuleBook) -> bool:
    """A clause about what the analysis counts or leaves out ("offences that are never detected are not
    included") or what its analysts do ("the Data Lab matches these men to ..."), not about anyone's outcome; a word
    of proof (or, in the first, our side) in it makes it a claim again."""
    words = book.words
    return bool((words["not_reported"].search(said) or words["analyst_method"].match(said)
                 or words["method_clause"].search(said) and not words["programme_side"].search(said))
                and not proof_in(said, book))


def about_selection(said: str, book: RuleBook) -> bool:
    """A clause about who chooses or is chosen to take part ("people who volunteer may already be less likely to
    re-offend", "selected as those most likely to succeed"): the limits of the comparison, not its result;
    a relative figure, a word of proof or a universal in it makes it a claim again."""
    never = book.never
    return bool(book.words["selection_marker"].search(said) and book.words["selection_subject"].search(said)
                and not (proof_in(said, book) or never["relative"].search(said) or never["universal"].search(said)))


def general_context(whole: str, sided: str, book: RuleBook) -> bool:
    """Figures about offenders in general, not this programme or this evaluation: another study's finding ("previous
    studies of mentoring found ..."), a finding attributed to its source ("according to MoJ statistics", "research
    suggests that"), what a sentence type or a factor does ("short sentences do little to reduce re-offending"), or a
    national statistic whose subject is a population in general and which sets it against an earlier period or
    another group of offenders, or gives a figure only a nation has ("juvenile offenders had a rate of 37%, down 0.7
    points on the year before", "the cost of re-offending has risen to £18 billion a year", "reoffending has fallen
    nationally since 2008"). A comparison in an attributed finding must be of people in general or of what is linked
    to re-offending ("young adults re-offend more than any other age group"), not of an unnamed group against a
    benchmark. `sided`: the sentence with its aims and caveats blanked, where "the Programme" is still the programme."""
    words = book.words
    sided = blank_all(sided, words["civic_our"])  # "reducing demand on our police": everyone's police, not ours
    if words["our_new_finding"].search(whole):  # "A new report by the Ministry of Justice finds that mentoring ...": ours
        return False
    lead = words["source_lead"].match(whole)  # "We know from national data that people with a job ... are less likely ..."
    if lead:
        return general_context(whole[lead.end():], sided[lead.end():], book)
    if ((words["other_research"].match(whole) or words["other_body"].search(whole))
            and not (words["own_specific"].search(sided) and not their_own(whole, book))):  # "Previous studies of
        return True  # mentoring have found ...", "..., the National Audit Office found": another's finding, whatever it is about
        # (its participants are its own where it names its programme: "an evaluation of a similar scheme in Leeds found ...")
    other = words["other_analysis"].search(sided)  # "A Justice Data Lab analysis of St Giles Trust's service found ..."
    if other and not words["own_specific"].search(DATA_LAB.sub(" ", sided[:other.start()]) + " " + sided[other.end():]):
        return True
    if words["programme_side"].search(sided) or words["this_evaluation"].search(whole):
        return False
    if words["general_subject"].match(whole) or words["general_cause"].search(whole):
        return True  # "Short sentences do little to reduce re-offending", "What keeps women out of prison is ...": in general
    if general_sides(whole, book):
        return True  # "Reoffending rates in London are higher than the national average"
    if national_change(whole, book) and not set_against(whole, book) and not words["contrast"].search(whole):
        return True  # "Reoffending has fallen nationally, from 31% in 2008 to 25% in 2019"
    if words["attributed"].search(whole) and not (words["our_evidence"].search(whole) and negative_universal(whole, book)):
        return bool(words["association"].search(whole) or words["trend"].search(whole) or words["demographic"].search(whole)
                    or words["national_anywhere"].search(whole)  # "MoJ statistics put the overall adult rate at one in four"
                    or (words["general_population"].search(whole) or words["national_figure"].search(whole))  # "costs £65,000
                    and not set_against(whole, book))  # on average (Social Exclusion Unit)": a figure only a nation has
    compared = words["statistic"].search(whole) or set_against(whole, book)
    if nation_beaten(whole, book):  # "The reoffending rate of 16 per cent compares favourably to the national figure"
        return False
    return bool(words["national_scope"].match(whole) or words["population_subject"].match(whole)
                and (words["trend"].search(whole) or words["national_figure"].search(whole)
                     or words["national_anywhere"].search(whole)
                     or compared and words["association"].search(whole))
                or words["factor_link"].search(whole)  # "employment is one of the factors most linked to desistance"
                or words["demographic"].search(whole))  # "women are more likely than men to be sent to prison"


def nation_beaten(whole: str, book: RuleBook) -> bool:
    """A figure of no one named set against the nation's, the nation only on the far side ("The reoffending rate of 16 per
    cent compares favourably to the national figure"): the programme's own figure against a benchmark, not a national
    statistic (people in general on the near side, "adult offenders", keep it context)."""
    words = book.words
    against = set_against(whole, book)
    if not against or not words["figure_any"].search(whole[:against.start()]):
        return False
    near, far = whole[:against.start()], whole[against.end():]
    return bool(words["national_anywhere"].search(far) and not words["national_anywhere"].search(near)
                and not any(words[w].search(near) for w in ("general_group", "general_population", "attributed", "trend")))


DATA_LAB = re.compile(r"\b(?:justice data lab|data lab|jdl)\b", re.IGNORECASE)  # who made another's analysis
SIDE_END = re.compile(r"[.;:!?()]|,\s|\s[–—-]\s")  # where a comparison's second side ends
OUR_PRISON = re.compile(r"\bHMP\b|\b(?:this|our|the) (?:prison|establishment|area|borough)\b", re.IGNORECASE)


def general_sides(whole: str, book: RuleBook) -> bool:
    """A comparison whose two sides are both people in general or places ("Reoffending rates in London are higher
    than the national average", "the rate for those released from custody is higher than for those starting a court
    order"): context, neither side the programme's people. A prison named (the programme's own: "women leaving HMP
    Send") or anyone of ours on either side makes it the programme's comparison again."""
    words = book.words
    against = set_against(whole, book)
    if not against or OUR_PRISON.search(whole):
        return False
    first, second = whole[:against.start()], SIDE_END.split(whole[against.end():])[0]
    return all(words["general_side"].search(side) and not any(
        words[w].search(side) for w in ("own_people", "programme_side", "comparison_named", "this_evaluation"))
        for side in (first, second))


def national_change(whole: str, book: RuleBook) -> bool:
    """The sentence's first change is said of the nation ("Re-offending is falling nationally, but not for women on
    short sentences"; "Crime fell in England and Wales last year"): a change said first with no place and the
    nation's after it ("Re-offending fell 12 points; nationally it fell 2") is the programme's, set beside it."""
    words = book.words
    for clause in CLAUSE_END.split(whole):
        if any(words[w].search(clause) for w in ("down", "up")):
            return bool(words["national_anywhere"].search(clause))
    return bool(words["national_anywhere"].search(whole) and words["national_figure"].search(whole))


def beside_general(whole: str, ours: bool, book: RuleBook) -> re.Match | None:
    """People in general whose figure stands beside the programme's own in one sentence ("Nationally, 28% of adults
    re-offend, while only 16% of our women did"; "the national rate is 28.1%, but just 16% of participants
    re-offended"): a comparison with the wrong group, whatever word joins them. `ours`: the sentence speaks of the
    programme's people. Not when the other figure is the matched comparison group's."""
    words = book.words
    if not ours or len(words["share"].findall(whole)) < 2 or words["comparison_named"].search(whole):
        return None
    return words["general_group"].search(whole)


def context_clause(said: str, sided: str, book: RuleBook) -> bool:
    """A clause after the first that gives figures about offenders in general (general_context), with no saving or
    proof in it: context, whatever the clause before it says."""
    return (general_context(said, sided, book) and not book.never["savings"].search(said)
            and not proof_in(said, book))


def context_opening(said: str, sided: str, rest: str, book: RuleBook, claims_of) -> bool:
    """A first clause that gives a share of people in general (context_clause: "Statistics show that two thirds of young
    offenders will be re-arrested") before clauses that, read alone with its measure (`claims_of`), claim nothing ("; the
    Programme works with exactly this group"): context. A general law ("A job reduces re-offending, and our men got jobs")
    or a later clause that claims something ("..., and only a third of ours were") keeps the sentence a claim."""
    rest = rest.lstrip(" ,;:–—-")
    return bool(rest and book.words["share"].search(said) and context_clause(said, sided, book) and not claims_of(rest))


def either_way(found: list) -> list:
    """Clauses of one sentence that say with "may" that a measure moved each way ("It is possible that the Programme
    reduced re-offending, and it is possible that it increased it"): together they say both, as the JDL's "may
    decrease ... or may increase" does, and neither alone."""
    hedged = [c for c in found if c.directions and "hedge" in c.forms and not c.never and not c.effect]
    for measures in {c.measures for c in hedged}:
        same = [c for c in hedged if c.measures == measures]
        both = {(d, n) for c in same for d, n in c.directions}
        if {("decrease", False), ("increase", False)} <= both:
            for claim in same:
                claim.directions = both
    return found


def taken_back(name: str, text: str, match: re.Match, book: RuleBook) -> bool:
    """A form never published that its own words take back: a cause that is evidential ("Because the result is
    significant"), a relative form named to say it is not used ("in people per 100, not as a percentage reduction")."""
    return bool(name == "cause" and book.words["evidential"].match(text, match.start())
                or name == "relative" and book.words["relative_negated"].search(text[max(0, match.start() - 40):match.start()]))


def relative_in(text: str, book: RuleBook) -> re.Match | None:
    """The first relative form in the text that its words do not take back (taken_back)."""
    return next((m for m in book.never["relative"].finditer(text) if not taken_back("relative", text, m, book)), None)


FRAME_CLOSED = re.compile(r"[.;!?]|\bbut\b|\bwhile\b|\bwhereas\b", re.IGNORECASE)  # where a clause's frame stops governing


def framed_certainty(text: str, start: int, book: RuleBook) -> list[re.Match]:
    """A certainty said in a clause before the claim that frames the rest of its sentence ("What is clear is that, when
    women have a mentor, they are less likely to re-offend"): the claim's own certainty, unless a clause break other
    than a comma comes between them ("It is clear that the sample is small, but women may be less likely ...")."""
    before = text[:start]
    return [m for m in affirmed(book.words["certain_frame"], before, book) if not FRAME_CLOSED.search(before, m.end())]
