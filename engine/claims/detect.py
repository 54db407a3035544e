"""Detect: which clauses are claims, about which measure, in which direction and form.

Fail closed: a clause that names an outcome together with a direction, a no-effect or an effect
word, or says the programme works / is effective / had an impact, is a claim, whatever else it
says. Words in a scope that is not a claim (an aim, a purpose, a caveat) are blanked first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from engine.claims.agency import done_or_set_against, forced_forms, set_against
from engine.claims.aside import (about_method, achieved, about_selection, affirmed, beside_general, both_ways, context_clause,
                                 context_opening, effect_in, either_way, elsewhere, framed_certainty, general_context,
                                 alike_blanked, proof_in, service_or_belief, unproven,
                                 relative_in, significance_said, taken_back, unquoted)
from engine.claims.blanking import (blank_all, blank_given, blank_matches, blank_significance, blank_spans, inside,
                                    outside, blank_scopes, unframed)
from engine.claims.book import RuleBook
from engine.claims.language import unreadable
from engine.claims.names import blank_names
from engine.claims.modal import hedged_effect, only_possible, said_of_all
from engine.claims.quantified import counts_others, negative_universal
from engine.claims.unmeasured import other_outcome
from engine.measures import MEASURES, NAMES, PRIMARY, days_measure
from engine.claims.sentences import CLAUSE_END, Sentence, aside_dashes_blanked

TIME = days_measure(NAMES)  # a time to the first event: "longer"/"shorter" are its directions
OPPOSITE = {"decrease": "increase", "increase": "decrease"}
IT = re.compile(r"\b(?:it|them)\b", re.IGNORECASE)
PRONOUN_START = re.compile(r"^\W*(?:it|this|that|these|they|which|so|or)\b", re.IGNORECASE)
# what another group (mentors, staff) does that acts on the participants: still a claim
OTHER_ACTS = re.compile(r"\bwhich\b|\bthereby\b|\bso that\b|\bhelp\w*|\bkeep\w*|\bkept\b|\b(?:stop|prevent)\w* (?:\w+ ){0,2}from\b"
                        r"|\bdifference\b|\bimpact|\beffect|\bsuccessfully\b",
                        re.IGNORECASE)
# the comparison group as the subject ("a comparison group, who re-offended sooner than our women"):
# its direction is the programme's, the other way round
EFFECT_WORD = re.compile(r"effect|impact|difference|benefit|work|help|matter|fail|flop|backfir|productive|nothing|squib|waste|harm|safe")
PROVEN_OFFENCE = re.compile(r"\s+re-?\s?offen", re.IGNORECASE)
# words that compare groups or count people: without any, a good outcome is said of everyone
NOT_ALL = re.compile(r"\bnot (?:all|every\w*|each)\b", re.IGNORECASE)  # a universal taken back: some, not everyone
COMPARED = re.compile(r"\b(?:more|less|fewer|likel\w*|than|rates?|often|proportion|share|number|numbers|per|longer|sooner|"
                      r"quicker|lower|higher|compared|comparison|whereas|while|some|many|most|few|half|\d+)\b", re.IGNORECASE)
BOTH_WAYS_GOOD = re.compile(r"\b(?:positive|beneficial|good|helpful|favourable)\b", re.IGNORECASE)
BOTH_WAYS_BAD = re.compile(r"\b(?:negative|harmful|bad|adverse|unfavourable)\b", re.IGNORECASE)
COMPARISON_GROUP = re.compile(r"\b(?:comparison|control|matched) group|\bnon-participants\b|\bthose who did not take part\b"
                              r"|\brates?\b|\bpercentage[- ]points?\b|\b\d+(?:\.\d+)?[- ]points?\b|\d+(?:\.\d+)?\s?%\s+(?:against|vs?\.?|versus|compared (?:with|to)|to)\s+\d+(?:\.\d+)?\s?%"
                              r"|\b(?:in|per|out of) (?:every )?(?:100|a hundred|hundred)\b",  # a figure per 100 is a rate's
                              re.IGNORECASE)
ZERO_FIGURE = re.compile(r"0\s*(?:(?:out )?of|%|per ?cent|percent)|(\d+) (?:out )?of (?:the )?\1", re.IGNORECASE)  # a universal
# in figures ("0 of the 100", "100 of the 100")
HELP = re.compile(r"help", re.IGNORECASE)
NOUN_BEFORE = re.compile(r"\b(?:a|an|the|this|that|its|their|any|no|some)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
VERB_FORM = re.compile(r"(?<!ion)(?<!ment)(?:s|ed|ing)$|^(?:fell|rose|grew|shrank|sank|halted)$", re.IGNORECASE)  # "reduces", not "reduction"
LONGEST_RUN = 200  # characters without a space: longer is no word or address a reader reads (and the rules' patterns
LONG_RUN = re.compile(r"\S{%d}" % (LONGEST_RUN + 1))  # take time in its square: a pasted 100,000 "1"s took minutes)
EITHER = re.compile(r"\b(?:or|either|nor|neither)\b", re.IGNORECASE)
# the comparison group as the clause's subject ("women in the comparison group were more likely to re-offend")
THEM_FIRST = re.compile(r"^\W*(?:(?:more|fewer|most|many|some|few|half|a (?:third|quarter)|\d+ ?%?|a (?:higher|larger|greater|"
                        r"bigger|lower|smaller) (?:proportion|share|number|percentage)) of )?(?P<them>"
                        r"(?:(?:the|a|our|their|this) )?(?:(?:similar |matched )?(?:women|men|people|offenders|individuals|"
                        r"young people|those|others) (?:in|from) (?:the |a )?)?(?:matched )?(?:comparison|control) groups?\b"
                        r"|(?:the )?non-participants\b|(?:similar |matched )?(?:women|men|people|those|others|offenders) "
                        r"who did(?: not|n't) (?:take part|participate|join|attend)\b)", re.IGNORECASE)
STATED_FORMS = ("universal", "cause", "certainty")
THAN_US = re.compile(r"\bthan (?:our|us|the participants|participants|(?:the )?mentees|the treatment group|those (?:we|on our))\b",
                     re.IGNORECASE)


@dataclass
class Claim:
    """One clause that says something about the programme's outcomes."""

    sentence: Sentence
    clause: str
    measures: tuple[str, ...] = ()  # () when it names none
    directions: set[tuple[str, bool]] = field(default_factory=set)  # (decrease|increase, negated)
    significance: str | None = None  # "significant" | "not_significant" when it states one
    none_significant: bool = False  # "no significant results", "none of the differences was significant"
    no_effect: str | None = None  # the words, when it says there was no effect
    effect: str | None = None  # the words, when it says the programme works / had an impact
    forms: set[str] = field(default_factory=set)  # hedge, per_hundred, interval, figure
    never: list[tuple[str, str]] = field(default_factory=list)  # (form, words) of forms never published
    change: str | None = None  # a plain change verb ("fell", "reduces")
    forced: bool = False  # refused whatever it speaks of (a word of proof)
    absolute: str | None = None  # a good outcome said of the group with no comparison ("they lead crime-free lives")
    sustained: str | None = None  # the words, when it says an outcome's difference lasted ("sustained", "lasting")
    figure: bool = False  # only a figure of a measure ("16 in 100 went back to prison"): a claim where it is not reported

    @property
    def direction(self) -> str | None:
        plain = {d for d, negated in self.directions if not negated}
        if len(plain) > 1:
            return "both"
        return next(iter(plain), None)

    @property
    def negated(self) -> str | None:
        negated = {d for d, n in self.directions if n}
        return next(iter(negated), None) if not self.direction and len(negated) == 1 else None

    @property
    def is_claim(self) -> bool:
        return bool((self.measures and (self.directions or self.no_effect or self.sustained)) or self.effect
                    or self.no_effect
                    or self.significance or self.forced or self.figure)


ANSWER_WORD = re.compile(r"^.*\b(?:no|nope|yes|yeah)\s*[,;:.!—–-]+", re.IGNORECASE)  # "No, it was shorter": the answer's "no"


def _negated(clause: str, start: int, book: RuleBook) -> bool:
    """A negation in the three words before a direction word; an answer's "no" before a comma negates the question, not
    what follows it."""
    before = ANSWER_WORD.sub("", clause[max(0, start - 30):start])
    words = before.split()[-3:]
    return bool(book.words["negation"].search(" ".join(words))) if words else False


def _outcomes(clause: str, book: RuleBook) -> tuple[list[str], list[str], str]:
    """(measures named, measures named the good way round, the clause with those words blanked). A declared
    measure's own phrases come first, the longest first, so another measure's shorter word inside one ('in work' in
    'weeks in work') does not take it."""
    named = []
    for measure, pattern in book.named_by:
        if pattern.search(clause):
            named.append(measure)
            clause = blank_all(clause, pattern)
    good = []
    for measure, pattern in book.good_outcome.items():
        if pattern.search(clause):
            good.append(measure)
            clause = blank_all(clause, pattern)
    for measure, pattern in book.outcome.items():  # in order: a measure's words are its own, not the next one's
        if pattern.search(clause):
            named.append(measure)
            clause = blank_all(clause, pattern)
    return named, good, clause


def _good_blanked(clause: str, good: list[str], book: RuleBook) -> str:
    """The clause without the good outcomes _outcomes found in it (in the same order)."""
    for measure in good:
        clause = blank_all(clause, book.good_outcome[measure])
    return clause


def _measures(named: list[str], good: list[str], timed: bool) -> tuple[str, ...]:
    found = list(dict.fromkeys(named + good))
    if timed and found:  # "sooner", "longer": a time to a first event (a declared one's, if it names one)
        return tuple(m for m in found if m in MEASURES and MEASURES[m].among_event) or (TIME,)
    specific = [m for m in found if m != PRIMARY]  # the primary measure is the fallback
    return tuple(specific or found)


def measures_named(text: str, book: RuleBook) -> tuple[str, ...]:
    """The measures a sentence names, claim or not ("Participants re-offended at 37 in 100 against 49"):
    what the next sentence of its paragraph speaks of ("That is a reduction of a quarter.")."""
    named, good, rest = _outcomes(blank_all(text, book.words["context"]), book)
    return _measures(named, good, bool(book.words["longer"].search(rest) or book.words["shorter"].search(rest)))


def _directions(clause: str, measures: tuple[str, ...], good: list[str], book: RuleBook,
                own: list[tuple[int, int]] = (), some: bool = False) -> set[tuple[str, bool]]:
    """The directions a clause says; a direction word inside a declared measure's own phrase (`own`: the spans of
    "reduced their drinking") names the outcome, and says nothing."""
    them = THEM_FIRST.search(clause)
    if them:  # the group's own words ("who did not take part") negate nothing said of it
        clause = clause[:them.start("them")] + " " * len(them.group("them")) + clause[them.end("them"):]
    found = _said_directions(clause, measures, good, book, own, some)
    if book.words["reverse"].search(clause):  # "increases rather than decreases, or the reverse": both ways
        found |= {(OPPOSITE[d], n) for d, n in found}
    if them or THAN_US.search(clause):  # said of them (against us, or alone): turned round
        return {(OPPOSITE[d], n) for d, n in found}
    return found


def _said_directions(clause: str, measures: tuple[str, ...], good: list[str], book: RuleBook,
                     own: list[tuple[int, int]], some: bool = False) -> set[tuple[str, bool]]:
    words = book.words
    found: set[tuple[str, bool]] = set()

    def said(pattern: re.Pattern, change_nouns: bool = True):
        return (m for m in pattern.finditer(clause)
                if not inside(m, own) and not (change_nouns and elsewhere(clause, m, book)) and not counts_others(clause, m, book))

    if measures and all(m in MEASURES and MEASURES[m].among_event for m in measures):
        for name, direction in (("longer", "increase"), ("shorter", "decrease")):
            for m in said(words[name], change_nouns=False):
                found.add((direction, _negated(clause, m.start(), book)))
        if found:
            return found
    flip = bool(good) and measures != (TIME,) and any(m in good for m in measures)
    for name, direction in (("down", "decrease"), ("up", "increase")):
        for m in said(words[name]):
            found.add((OPPOSITE[direction] if flip else direction, _negated(clause, m.start(), book)))
    for m in said(words["better"]):
        found.add(("increase" if measures == (TIME,) else "decrease", _negated(clause, m.start(), book)))
    if good and not found and not some:  # "participants stayed out of trouble": fewer re-offended, or later ("not
        # all of them stayed out of trouble", `some`, compares nothing)
        found.add(("increase" if measures == (TIME,) else "decrease", False))
    if not found and negative_universal(clause, book):  # "None of the young men who stuck with their mentor re-offended"
        found.add(("decrease", False))
    return found


def claims_in(sentence: Sentence, book: RuleBook, carried: tuple[str, ...],
              names: tuple[str, ...] = ()) -> list[Claim]:
    """The claims of one sentence; `carried` is the measure the sentence before spoke of, `names` the
    programme's names in the engine's text (checked where the spec writes them)."""
    words = book.words
    whole = aside_dashes_blanked(sentence.text.replace("\n", " "))  # an aim or a claim split across lines is one sentence
    named = nameless = blank_given(whole, names)  # the programme's names are names: never a figure, proof or universal
    by_name = named != whole  # (`nameless` keeps it: the clauses' loop names its outcomes `named`)
    unnamed = unframed(both_ways(named, book), book)  # "reductions or increases in re-offending" names no direction;
    # "Whether it works is no longer an open question" says it works
    if LONG_RUN.search(whole) or unreadable(unnamed, book):  # fail closed: text in a language the rules do not read
        return [Claim(sentence=sentence, clause=whole.strip(), forced=True, never=[("unreadable", whole.strip())])]
    unscoped = blank_all(blank_names(unnamed, book), words["context"])
    text = blank_scopes(unscoped, book)
    sided = blank_scopes(unnamed, book)  # aims and caveats blanked, not proper names: "the Programme" is ours
    spans = [m.span() for m in book.own.finditer(unnamed)]  # a declared measure's own phrases: its name, whose verbs
    own = blank_spans(unnamed, spans)  # ("kept their tenancy") are not the sentence's
    vouched = proof_in(own, book)  # a word of proof is a claim whoever the sentence is about
    if (words["other_groups"].search(whole) and not words["programme_side"].search(sided) and not set_against(whole, book)
            and not vouched and unnamed == whole):  # the programme's own name speaks of the programme
        return []
    outcomes = measures_named(whole, book)
    versus = outcomes and beside_general(named, by_name or bool(words["own_people"].search(sided)), book)  # a name's
    # own figure ("the 50% Club") is no figure
    if versus:  # "Nationally, 28% of adults re-offend, while only 16% of our women did": a benchmark, however joined
        return [Claim(sentence=sentence, clause=whole.strip(), measures=outcomes, forced=True,
                      never=[("benchmark", versus.group())])]
    general = named == whole and general_context(whole, sided, book)  # a name is never context
    if general and not book.never["savings"].search(whole) and not vouched:  # "according to MoJ figures, a quarter of adult offenders re-offend"
        return []
    forms: set[str] | None = None  # the sentence's permitted forms, looked for once it holds a claim
    found: list[Claim] = []
    current, seen = carried, 0
    clauses = _clauses(text)
    for index, (start, clause) in enumerate(clauses):
        aside = measures_named(unscoped[seen:start], book) if IT.search(clause) else ()  # a clause wholly aside before this
        current, seen = aside or current, start + len(clause)  # one: its outcome is what "it" here speaks of ("Expecting
        # none would have been naive, but the Programme has brought it down")
        said = whole[start:start + len(clause)]
        written, own_written = unnamed[start:start + len(clause)], own[start:start + len(clause)]
        subject = words["other_subject"].match(said)
        unowned = blank_spans(said, spans, start)
        if (subject and not words["programme_side"].search(said[subject.end():]) and not OTHER_ACTS.search(unowned)
                and not proof_in(unowned, book)) or about_method(said, book) or about_selection(said, book) or (
                start and nameless == whole and context_clause(said, sided[start:start + len(clause)], book)) or (
                not start and nameless[:len(clause)] == said and context_opening(said, sided[:len(clause)], whole[len(clause):], book, (
                    lambda rest: claims_in(Sentence(rest, sentence.line, sentence.column, sentence.paragraph, (rest,)), book,
                                           measures_named(said, book), names)))):
            continue  # "Mentors were former offenders who had moved away from crime"; "offences never detected are not counted";
            # "That is why we do what we do: nationally, more than half of people ... are back in court within a year"
        named, good, rest = _outcomes(clause, book)
        rest = blank_spans(rest, spans, start)  # a follow-up "after they were helped" names when, not an effect
        timed = bool(words["longer"].search(rest) or words["shorter"].search(rest))
        measures = _measures(named, good, timed)
        claim = Claim(sentence=sentence, clause=sentence.text[start:start + len(clause)].strip())
        said_significance = list(words["significance"].finditer(clause))  # the outcome read: "a notable gap in re-offending"
        significance = [m for m in said_significance if not rest[m.end():m.end() + 2].startswith("?")]
        if significance:
            claim.significance = significance_said(clause, book)
            claim.none_significant = bool(words["none_significant"].search(rest))
        if not measures and current and (index > 0 or aside or PRONOUN_START.match(clause)):
            measures = current  # "..., or may increase it by ...", "This is a significant result."
        measures = measures or ((PRIMARY,) if words["people_per_hundred_change"].search(rest) else ())
        amount = any(words["amount_before"].search(rest[:rest.rfind(" ", 0, m.end()) + 1])  # the last word is the outcome
                     for m in words["other_domain"].finditer(rest))
        of_ours = (words["programme_side"].search(said) or nameless[start:start + len(clause)] != said  # or its name
                   or words["comparison_named"].search(said))  # "... than women who were not mentored"
        unmeasured = (not measures and words["other_domain"].search(rest) and (of_ours or significance)  # "a significant
                      and not words["than_other"].search(said)  # improvement in housing": a test no analysis made
                      and (any(words[w].search(rest) for w in ("down", "up", "better", "help_into", "gained"))
                           or amount or book.never["cause"].search(rest)))
        other = other_outcome(said, clause, rest, bool(of_ours or words["doer"].search(said) or words["agent"].match(said)
                                                       or index and current), book, bool(index and current))
        if unmeasured or other:  # "participants were more likely to find work", "... and used less heroin", "may help
            measures = tuple(m for m in measures if m != "unmeasured") + ("unmeasured",)  # them find work": not measured
        after = whole[start + len(clause):].lstrip()
        listed = not measures and after.startswith(":") and measures_named(after[1:], book)
        measures = listed or measures  # "... on all three measures: how many, how often and how soon" (its own only)
        claim.measures = measures
        if measures:
            # "none of the differences between the groups was significant" speaks of no one's re-offending
            scrubbed = blank_significance(blank_all(_good_blanked(clause, good, book), words["none_significant"]),
                                           words["significance"])
            claim.directions = _directions(scrubbed, measures, good, book, [(s - start, e - start) for s, e in spans],
                                           bool(NOT_ALL.search(said)))
            claim.directions = claim.directions or ({("increase", False)} if other else set())  # a change in it
            if good and not (COMPARED.search(said) or NOT_ALL.search(said)):
                claim.absolute = said_of_all(said, book)  # not under a modal ("may help women stay out of trouble")
            sustained = words["sustained"].search(rest)
            claim.sustained = sustained.group() if sustained else None
        effect = (effect_in(rest, book) or effect_in(blank_spans(clause, spans, start), book)  # some name their outcome
                  or achieved(rest, measures, nameless[:start], book))  # "set out to cut re-offending, and has done so"
        claim.effect = effect.group() if effect and not service_or_belief(effect, said, whole, measures, book) else None
        hedged_effect(claim, effect, said, measures == (TIME,), book)  # "may be having a positive effect on re-offending"
        alike = alike_blanked(rest, clause, book)  # "identical in terms of age, gender ...": the matching
        no_effect = (words["no_effect"].search(blank_matches(alike, words["significance"].finditer(alike)))
                     or words["alike_outcome"].search(clause))  # "similar with respect to their re-offending"
        if no_effect and (measures or EFFECT_WORD.search(no_effect.group())):
            claim.no_effect = no_effect.group()
        both = {"decrease", "increase"} <= {d for d, negated in claim.directions if not negated}
        if words["hedge"].search(said) and EITHER.search(said) and (
                both or BOTH_WAYS_GOOD.search(said) and BOTH_WAYS_BAD.search(said) or words["or_not"].search(said)
                and not any(words["affirmative"].search(c) for _, c in _clauses(whole[start + len(clause):]))):
            claim.effect = claim.no_effect = None  # "may have had a positive effect, a negative one or none"; "... or it may not"
            # (unless the sentence goes on to answer it: "..., or it may not have; we think it did")
        # a word of proof anywhere; a relative form about an outcome, whatever its verb
        about_outcomes = measures or current or COMPARISON_GROUP.search(unnamed)  # a relative figure needs no verb
        # a declared outcome said of people as it stands ("All participants gained a qualification", "Thanks to the
        # programme, participants kept their tenancy"): a universal, a cause or a certainty is a claim without a direction
        stated = book.people.search(written) and any(book.never[f].search(own_written) for f in STATED_FORMS)
        savings = book.never["savings"].search(own_written)
        if savings and not general:
            claim.never.append(("savings", savings.group()))
        # "got 40% of participants into work", "gained more qualifications": a result in another outcome
        counted = (unmeasured and (amount or words["statistic"].search(own_written) or words["gained"].search(rest))
                   or measures == ("unmeasured",) and words["counted"].search(own_written))  # "16% were rearrested, against 28%"
        caused = words["caused_difference"].search(clause) or (measures or current) and words["credited"].search(clause)
        if caused and not words["may"].search(words["conceded"].sub(" ", clause)):
            claim.never.append(("cause", caused.group().strip()))
        claim.forced = bool(proof_in(own_written, book) or not index and vouched or claim.never or stated or counted
                            or about_outcomes and relative_in(own_written, book)
                            or about_outcomes and book.never["counterfactual"].search(own_written)
                            or measures and (outside(book.never["universal_outcome"], written, spans, start)  # {outcome}
                                             or outside(book.never["universal_after"], unnamed, spans)))
        sentence_forms = forced_forms(own, own_written, bool(measures), bool(about_outcomes), book)  # benchmark, arrow
        claim.never += sentence_forms
        claim.forced = claim.forced or bool(sentence_forms)
        if claim.is_claim:
            if forms is None:
                forms = {name for name in ("hedge", "per_hundred", "interval", "figure")
                         if words[name].search(words["conceded"].sub(" ", text) if name == "hedge" else text)}
            claim.forms = set(forms)
            _never_forms(claim, own_written, own, book, (written, unnamed, spans, start))
            ours = bool(words["programme_side"].search(written) or PRONOUN_START.match(clause) or by_name)
            claim.never += done_or_set_against(claim, said, written, own_written, ours, book)  # cause, other group
            found.extend(_by_timing(claim, scrubbed if measures else "", good, book, [(s - start, e - start) for s, e in spans]))
        # an aim's measure is what a pronoun after it speaks of ("... to cut reoffending, and it has cut it")
        aimed_clause = unscoped[start:clauses[index + 1][0] if index + 1 < len(clauses) else len(unscoped)]  # with its
        # blanked aim, which the clause mark's spaces may have taken ("set out to cut re-offending and did so")
        aimed, aimed_good, _ = ([], [], "") if measures or aimed_clause == clause else _outcomes(aimed_clause, book)
        current = (not listed and measures) or _measures(aimed, aimed_good, False) or current
    return either_way(found)


def _by_timing(claim: Claim, clause: str, good: list[str], book: RuleBook, own: list[tuple[int, int]]) -> list[Claim]:
    """A clause about a time to a first event and other measures at once ("re-offended less often and later",
    "improvements on all three measures"): each read with its own directions, as "better" and "later" mean a
    longer time but fewer offences."""
    timed = tuple(m for m in claim.measures if m in MEASURES and MEASURES[m].among_event)
    others = tuple(m for m in claim.measures if m not in timed)
    if not (timed and others and claim.directions):
        return [claim]
    return [replace(claim, measures=group, directions=_directions(clause, group, good, book, own))
            for group in (others, timed)]


def _clauses(text: str) -> list[tuple[int, str]]:
    spans, start = [], 0
    for end in CLAUSE_END.finditer(text):
        spans.append((start, text[start:end.start()]))
        start = end.end()
    spans.append((start, text[start:]))
    return [(s, c) for s, c in spans if c.strip()]


def _never_forms(claim: Claim, clause: str, text: str, book: RuleBook, named: tuple) -> None:
    """Forms never published whatever the results, and whether a plain change verb needs a hedge
    (`clause` and its sentence `text` as written, the programme's names and the declared measures' own phrases
    blanked; `named`: the clause and sentence with those phrases, their spans and the clause's start, for the
    universals, which may name an outcome)."""
    named_clause, named_text, spans, start = named
    never = book.never
    if not (claim.directions or claim.effect or claim.no_effect or claim.forced):
        return  # a statement of significance alone is judged against the results
    for name in ("relative", "proof", "certainty", "universal", "benchmark", "cause", "counterfactual", "vivid"):
        pattern = never[name]
        source = unquoted(unproven(text, book)) if name == "proof" else text if name == "relative" else named_clause if name == "universal" else clause
        found = [m for m in pattern.finditer(source) if (source is not named_clause or not inside(m, spans, start))
                 and not taken_back(name, source, m, book) and not only_possible(name, source, m, claim, book)]
        # ("Because the result is significant", "not as a percentage"; "may have re-offended because of the support")
        if name == "proof":  # a word of proof a negation takes back ("neither proves nor disproves") proves nothing
            found = affirmed(pattern, source, book) or affirmed(never["proof_anywhere"], source, book)  # ... or any sentence's
        elif name in ("certainty", "vivid"):  # "we can't yet be sure", "we do not claim it plummeted": taken back; "the
            found = affirmed(pattern, blank_all(source, book.words["likelihood_will"]), book) or (  # chance that she will" is no
                framed_certainty(text, start, book) if name == "certainty" else [])  # certainty; "What is clear is that, ..., they"
        elif name == "universal":  # "not all of them" takes it back; a word of "all" or "none" first, a zero figure
            kept = {m.span() for m in affirmed(pattern, source, book) if not counts_others(source, m, book)}  # ("0 of the 100") last: see licence.judge
            found = sorted((m for m in found if m.span() in kept), key=lambda m: bool(ZERO_FIGURE.fullmatch(m.group())))
        for match in found:
            if name == "proof" and match.group().lower() == "proven" and PROVEN_OFFENCE.match(source, match.end()):
                continue
            claim.never.append((name, match.group()))
            break
    if claim.forced and not claim.never:  # forced by a universal said of the outcome past its clause ("Re-offending: nil.")
        universal = outside(never["universal_after"], named_text, spans)
        if universal:
            claim.never.append(("universal", universal.group()))
    bound = never["one_sided"].findall(text)
    if len(bound) == 1 and claim.direction in ("decrease", "increase") and not (
            book.words["down"].search(text) and book.words["up"].search(text)):
        claim.never.append(("one_sided", bound[0]))  # "by up to 21 points": the far end alone, in one direction
    if claim.absolute and not claim.never:  # a form named above (a cause, a universal word) says more
        claim.never.append(("universal", claim.absolute))
    change = never["change"].search(clause)
    acts = change or claim.effect or claim.no_effect
    noun_change = change and _as_noun(clause, change) and (
        claim.significance == "significant" or claim.forms & {"per_hundred", "interval"})
    shown = affirmed(never["shows"], clause, book)  # "the analysis could not show an effect" shows nothing
    if acts and not (noun_change and not claim.effect) and shown and "hedge" not in claim.forms:
        claim.never.append(("shows", shown[0].group()))
    # a change said as a verb ("reduces", "slashed") needs "may"; as a noun of the groups' figures ("experienced
    # a reduction of between 4 and 21 points") a number per 100 or an interval is enough
    noun = _as_noun(clause, change) if change else None
    told = change and book.words["fact_lead"].search(clause[:change.start()])  # "..., could ... after a trial run reduced
    if told and not noun:  # re-offending": a change told as a fact in a clause of its own, whatever the modal before it
        claim.change = change.group()
    elif change and "hedge" not in claim.forms and not (noun and (claim.forms & {"per_hundred", "interval", "figure"}
                                                                or claim.significance == "significant")):
        claim.change = change.group()


def _as_noun(clause: str, change: re.Match) -> bool:
    """A change word used as a noun of the groups' figures ("a reduction of between 4 and 21 points"), not
    as a verb whose subject stands before it ("the scheme reduces re-offending by between 4 and 21 ...")."""
    return bool(NOUN_BEFORE.search(clause[:change.start()])) and not VERB_FORM.search(change.group())
