"""The claims engine: no text says more than the results license (docs/architecture.md §1.9, issue 7).

The recipe, one module per step:
  normalise  the text as the reader sees it (entities, invisible characters, look-alikes, Markdown)
  sentences  paragraphs → sentences → clauses, each with its line
  detect     which clauses are claims: measure, direction, form (fail closed)
  licence    what the results allow for each measure, and the judgement of each claim
  refusal    the message: the sentence, what the results say, a licensed sentence to use instead
The rules themselves are data: report_text/rules.yaml. The same engine checks the report at run
time (engine.claims.pieces), the spec's text in `validate`, and any document (`jdlspec check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from engine.claims.answers import answered_within, last_word, question_part, says, uninverted
from engine.claims.book import book_key, rule_book
from engine.claims.blanking import blank_given, blank_scopes
from engine.claims.detect import Claim, claims_in, measures_named
from engine.claims.figures import figures_compared, gained_figure, shown_elsewhere
from engine.measures import PRIMARY
from engine.claims.names import exhortation
from engine.claims.licence import Licence, judge
from engine.claims.normalise import RLO, reader_line
from engine.claims.refusal import refusal
from engine.claims.sentences import CLAUSE_END, Sentence, sentences

__all__ = ["Breach", "Licence", "find_breaches", "reader_names", "rule_book"]


@dataclass(frozen=True)
class Breach:
    rule: str
    sentence: str  # as the reader sees it
    line: int  # 1-based, within the text checked
    column: int  # 1-based raw column where the sentence starts
    message: str


def find_breaches(text: str, licence: Licence, *, engine: bool = False, quoted: tuple[str, ...] = (),
                  phrases: tuple[str, ...] = (), names: tuple[str, ...] = (), is_name: bool = False) -> list[Breach]:
    """Every sentence of a text that breaks a rule, in reading order, one breach per sentence.

    engine: the text is the engine's own (its group-figure sentences are licensed by their template);
    quoted: the engine's own "What you cannot say" sentences, left out where they are quoted whole;
    is_name: the text is a programme's name, title or organisation: a slogan that urges ("Choose Not To
    Offend") is a name, not a claim, unless it holds a figure, proof or a past result;
    names: the programme's names (name, title, organisation), each checked where the spec writes it, read
    as the names they are ("... after participation in Breaking The Cycle"), with the licence's own (the
    names in results.json), so a press release may name the programme whatever its name says.
    A right-to-left override shows its run reversed: the text is checked as shown and as written
    (the override replaced by a zero-width space, so that columns stay), and fails if either breaks.
    """
    if is_name:  # a name in any language is a name; a slogan that urges is an aim
        slogan = exhortation(reader_line(" ".join(text.split()))[0], rule_book())
        return [b for b in _breaches(text, licence, engine, quoted, phrases, names, claims=not slogan)
                if b.rule != "no-unreadable"]
    names = reader_names(licence, names)
    found = _breaches(text, licence, engine, quoted, phrases, names)
    if engine:  # the engine writes English; what it cannot read there are names and labels, checked on their own
        found = [b for b in found if b.rule != "no-unreadable"]
    if RLO in text:
        seen = {(b.line, b.column) for b in found}
        written = _breaches(text.replace(RLO, "\u200b"), licence, engine, quoted, phrases, names)
        found = sorted(found + [b for b in written if (b.line, b.column) not in seen], key=lambda b: (b.line, b.column))
    return found


def reader_names(licence: Licence, names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The programme's names (the spec's and the licence's) as a reader sees them, longest first."""
    return tuple(sorted({reader_line(n)[0] for n in names + licence.names if n.strip()}, key=len, reverse=True))


@cache
def _phrase_patterns(phrases: tuple[str, ...]) -> list[re.Pattern]:
    """The spec's forbidden phrases, matched ignoring case and spacing (compiled once per spec)."""
    return [re.compile(r"\s+".join(map(re.escape, p.split())), re.IGNORECASE) for p in phrases if p.strip()]


@lru_cache(maxsize=2048)
def _detected(text: str, quoted: tuple[str, ...], names: tuple[str, ...] = (),
              book_of: tuple = ()) -> tuple[tuple[Sentence, tuple[Claim, ...]], ...]:
    """Each sentence of a text and its claims: the same whatever the results, so a text checked
    before the statistics (`validate`, the start of a run) and again with them is read once (`book_of`:
    the rule book's house and declared measures, engine.claims.book.book_key)."""
    book = rule_book()
    detected = []
    carried: tuple[str, ...] = ()
    paragraph = -1
    found_sentences = sentences(text, quoted, names)
    general = None  # a figure for people in general in the sentence before ("Nationally, 28% of women re-offend.")
    for index, sentence in enumerate(found_sentences):
        if sentence.paragraph != paragraph:  # a paragraph that opens by pointing back ("That is a fall of 43%.") goes on
            carried, paragraph = (carried if POINTS_BACK.match(sentence.text) else ()), sentence.paragraph  # with the last
        found = tuple(claims_in(sentence, book, carried, names))
        if general and not found and _ours_figure(sentence.text, names, book):  # "... Only 16% of ours did."
            found = (Claim(sentence=sentence, clause=sentence.text, measures=carried or measures_named(general.string, book),
                           forced=True, never=[("benchmark", general.group())]),)
        if not found and _own_figure(sentence, names, book, book.words["named_otherwise"].search):  # "Recidivism among
            found = (Claim(sentence=sentence, clause=sentence.text, measures=measures_named(sentence.text, book) or (PRIMARY,),
                           forced=True),)  # our women: 16%": a result the analysis did not measure (rule named-as-measured)
        if not found and _own_figure(sentence, names, book, lambda clause: measures_named(clause, book), unowned=False):
            found = (Claim(sentence=sentence, clause=sentence.text, measures=measures_named(sentence.text, book),
                           figure=True),)  # "12% of our women were sent back to custody": judged on whether it is reported
        if not any(c.effect for c in found):
            found += _elliptical_yes(sentence, book)
        if "unmeasured" not in {m for c in found for m in c.measures} and (gained_figure(
                sentence.text, names, book, bool(measures_named(sentence.text, book))) or shown_elsewhere(sentence.text, names, book)):
            found += (Claim(sentence=sentence, clause=sentence.text, measures=("unmeasured",), forced=True),)  # "... and 70% find work"
        general = _general_figure(sentence.text, names, book)
        asked, answer = _question_and_answer(found_sentences, index, book)
        within = None if found else answered_within(asked, book)  # "Asked whether it worked, she said: “Yes.”"
        part = question_part(asked, book)
        if part:  # "'Is it working?' we are often asked."; "The result isn't significant, but is it working?": the
            lead, asked = part  # clause before is judged as it stands, the question as a question
            posed = Sentence(asked, sentence.line, sentence.column, sentence.paragraph, (asked,))
            stated = Sentence(lead, sentence.line, sentence.column, sentence.paragraph, (lead,))
            found = (tuple(claims_in(stated, book, carried, names)) if lead.strip() else ()) + tuple(
                _asked(posed, tuple(claims_in(posed, book, carried, names)), answer, book, carried, names))
        elif book.words["question"].search(asked):
            found = _asked(sentence, found, answer, book, carried, names)
        elif within:
            found = _said(sentence, book, carried, names, within[0])
        elif (not found and book.words["asks_whether"].search(asked) and says(book, "affirmative", answer)
              and not says(book, "open_answer", answer)):
            embedded = book.words["asks_whether"].search(asked)  # "We are often asked whether mentoring works. It does."
            found = _said(sentence, book, carried, names, asked[embedded.end():])
        for short in _short_answers(found_sentences, index, book) if asked.endswith("?") else ():
            # read as one ("Re-offending among our graduates? Zero."; "Re-offending? Not among our women. Not one."): what
            # the pair says that neither says alone
            pair = Sentence(f"{asked} {short}", sentence.line, sentence.column, sentence.paragraph, (asked, short))
            held = not book.words["open_answer"].search(short)  # "Definitely.": the answer's certainty or proof is the pair's
            found += tuple(replace(c, never=said) for c in claims_in(pair, book, carried, names)
                           for said in [[n for n in c.never if n[0] in PAIR_FORMS and n[1].lower() not in asked.lower()
                                         or held and n[0] in ANSWER_FORMS and n[1].lower() in short.lower()]] if said)
        detected.append((sentence, found))
        carried = (next((c.measures for c in reversed(found) if c.measures), None)  # what "this difference" points
                   or measures_named(blank_scopes(sentence.text, book), book)  # back to: not a measure the sentence
                   or figures_compared(sentence.text) or carried)  # names only as a question ("did not look at whether ...")
    return tuple(detected)


def _general_figure(text: str, names: tuple[str, ...], book) -> re.Match | None:
    """A share of people in general said of an outcome, not of the programme's people nor of the comparison group."""
    words = book.words
    if (words["share"].search(text) and measures_named(text, book) and not words["comparison_named"].search(text)
            and not words["own_people"].search(text) and not any(n in text for n in names)):
        return words["general_group"].search(text)
    return None


def _ours_figure(text: str, names: tuple[str, ...], book) -> bool:
    """A share of the programme's people, of an outcome or after a label ("Making Connections participants: 16%"),
    set beside the general figure just before it (engine.claims.aside.beside_general, across two sentences)."""
    words = book.words
    ours = words["own_people"].search(text) or any(n in text for n in names)
    text = blank_given(text, names)  # a name's own figure ("the 50% Club") is no share of anyone
    return bool(ours and words["share"].search(text) and not words["comparison_named"].search(text)
                and (measures_named(text, book) or len(text.split()) <= SHORT_LABEL))


def _own_figure(sentence: Sentence, names: tuple[str, ...], book, names_it, unowned: bool = True) -> bool:
    """A figure of the programme's people or of the comparison group in a clause that `names_it` reads a measure in
    (another measure's words: "Recidivism among the women we mentored stood at 16 per cent"; a measure the results may
    not report: "12% of our women went back to prison"). The clause that names it decides whose it is: people in
    general there ("Nationally, 61% of men ... were reconvicted, and it is this group the Programme works with") are
    context. `unowned`: a figure of nobody in particular ("Recidivism stood at 16 per cent") is ours, and figures said to
    be alike are figures ("Reconviction rates were similar for both groups"); else only a share of the people is."""
    words = book.words
    if sentence.text.rstrip().endswith("?") and not words["share"].search(sentence.text):
        return False  # "To what extent would one expect differences in reconviction, given only 100 participants?" asks
    text = blank_given(sentence.text, names)
    figured = (words["counted"].search(text) or LIKENED.search(text)) if unowned else (
        words["share"].search(text) or OF_ALL.search(text))  # a share of people, not a count ("39 men took part")
    if not (names_it(text) and figured):  # what a name says is no measure ("the Reducing Reoffending Partnership")
        return False
    for clause in (sentence.labelled(c) for c in sentence.clauses if names_it(blank_given(sentence.labelled(c), names))):
        named = (words["own_people"].search(clause) or words["comparison_named"].search(clause)
                 or THE_PEOPLE.search(clause) or any(n in clause for n in names))
        clause = blank_given(clause, names)
        others = _said_by_others(clause, words)
        said_general = others or any(words[w].search(clause) for w in ("general_population", "general_group")) or any(
            words[w].match(clause) for w in ("population_subject", "national_scope"))
        if unowned:  # two groups' figures set beside each other are ours, a figure of people in general is not
            ours = named or SET_BESIDE.search(clause) or not (said_general or ANY_PEOPLE.search(text))  # "Rates
            # for women remain high: 54% are reconvicted ..."
        else:  # only people named as ours, and not in others' research ("MoJ research found that 79% of ...")
            ours = named and not others
        if ours and not _general_figure(clause, (), book):
            return True
    return False


def _said_by_others(clause: str, words) -> bool:
    """A finding given by its source ("MoJ research found ..."), unless the source is this evaluation ("..., the
    analysis found", "the Justice Data Lab report found"): then the figure is the results' own."""
    said = words["attributed"].search(clause)
    ours = words["this_evaluation"].search(clause)
    return bool(said) and not (ours and ours.start() <= said.start() <= ours.end() + 1)


def _elliptical_yes(sentence: Sentence, book) -> tuple[Claim, ...]:
    """A clause that says yes to what its sentence said before it without saying it again ("A method designed to test
    whether the programme works, and it does"; "It does not mean the programme does not work; our figures show that it
    does"; "We aim to help women stay out of prison, and 84% did"): it claims what was asked, aimed at or denied, when
    that names an outcome or an effect (a yes to anything else, "We wanted to publish it, and we did", claims nothing)."""
    words = book.words
    for start, clause in ((m.end(), sentence.text[m.end():]) for m in CLAUSE_END.finditer(sentence.text)):
        if words["ellipsis"].match(clause.split(";")[0].split(":")[0]):
            before = sentence.text[:start]
            if words["effect_asked"].search(before) or measures_named(before, book):
                return (Claim(sentence=sentence, clause=clause.strip(), effect="a yes to: " + before.strip()),)
    return ()


# people in general, as a bare plural ("women", "adults leaving prison"), not ones already spoken of ("the women")
ANY_PEOPLE = re.compile(r"(?<!\bthe )(?<!\bour )(?<!\bthese )(?<!\bits )\b(?:women|men|adults|people|offenders|prisoners|"
                        r"prison leavers|young (?:men|women|people|adults))\b", re.IGNORECASE)
SET_BESIDE = re.compile(r"\b(?:against|versus|vs\.?|compared (?:with|to))\b", re.IGNORECASE)  # two groups' figures
OF_ALL = re.compile(r"\b\d+ (?:per |of (?:the |our |its |their |these |those )?)(?:100|hundred|\d+)\b")  # "12 of the 100", "16 per 100"
# two groups' figures said to be alike ("Reconviction rates were similar for both groups"): a figure in other words
LIKENED = re.compile(r"\b(?:rates?|figures?|levels?|numbers?|proportions?|percentages?|odds|risks?|chances?|likelihood)\b[^.;]{0,30}\b(?:similar|the same|alike|equal|"
                     r"identical|comparable|no different|in line|on a par)\b(?! (?:[\w-]+ )?(?:women|men|people|offenders|adults|individuals|"
                     r"groups?|prisoners))|\b(?:similar|the same|equal|identical|comparable) (?:\w+ )?"
                     r"(?:rates?|levels?|numbers?|proportions?|percentages?|odds|risks?|chances?|likelihood) of\b", re.IGNORECASE)
# people named as ones already spoken of ("44% of the men", "both groups"), not people in general ("45% of adults")
THE_PEOPLE = re.compile(r"\b(?:the|these|our|its) (?:[\w-]+ ){0,2}?(?:men|women|people|participants|group|cohort|clients)\b"
                        r"|\b(?:both|either|each) groups?\b",
                        re.IGNORECASE)


# the opening of a sentence that speaks of what the one before said ("That is ...", "In other words, ...", "This means ...")
POINTS_BACK = re.compile(r"^\W*(?:(?:that|this|which|it)(?:['’]s|\s+(?:is|was|means?|meant|represents?|equates?|amounts?|works? out|comes? to))"
                         r"|in other words|put (?:simply|another way|differently)|or,? to put it|in relative terms|that'?s)\b",
                         re.IGNORECASE)
SHORT_LABEL = 8  # words: a figure this short after a general one is its counterpart ("Our participants: 16%.")


# who speaks, in an interview or a FAQ ("Q: Does it work? A: Yes."): not part of what is asked or answered
SPEAKER = re.compile(r"^\W*(?:Q|A|Question|Answer)\s*[:.]\s*", re.IGNORECASE)


def _question_and_answer(found: list[Sentence], index: int, book) -> tuple[str, str]:
    """A sentence and the one after it, without who speaks; a speaker's mark alone ("A.") or a sentence that only says the
    question was asked ("That was the question.") is passed over."""
    following = [SPEAKER.sub("", s.text).strip() for s in found[index + 1:index + 4]]
    answer = next((f for f in following if f and not book.words["question_echo"].match(f)
                   and not book.words["follow_up_question"].match(f)), "")  # "If so, how strong is it?": asked, not answered
    return SPEAKER.sub("", found[index].text).strip(), answer


def _short_answers(found: list[Sentence], index: int, book) -> list[str]:
    """The short sentences that answer a question, one after another, until one is long or leaves it open ("Re-offending?
    Not among our women. Not one."): each is read with the question."""
    shorts = []
    for following in found[index + 1:index + 1 + SHORT_RUN]:
        text = SPEAKER.sub("", following.text).strip()
        if not text:
            continue
        if len(text.split()) > (SHORT_ANSWER if not shorts else FRAGMENT) or says(book, "open_answer", text) or text.endswith("?"):
            break
        shorts.append(text)
    return shorts


SHORT_RUN = 2  # sentences: a question's short answer may come in two fragments ("Not among our women. Not one."),
FRAGMENT = 4  # words: the second no longer than this
PAIR_FORMS = ("universal", "relative")  # what a question and its short answer say together ("... by how much? 43%.")
ANSWER_FORMS = ("certainty", "proof")  # ... and what a short answer adds to what it answers ("Less likely? Definitely.")
SHORT_ANSWER = 12  # words: an answer this short that does not hold back is a yes ("For the people in this study, it was.")


def _asked(sentence: Sentence, found: tuple[Claim, ...], answer: str, book, carried, names) -> tuple[Claim, ...]:
    """A yes/no question asks; what it says is claimed only by its answer. Answered openly ("The analysis
    could not tell") or by a sentence of its own (judged on its own), it claims nothing; answered "yes"
    in any words ("Absolutely.", "We think so.", "All the signs point that way."), it claims what it
    asks, and that the programme worked if it asks nothing the rules can read; a short answer that does not
    hold back ("Most definitely.") says yes to a question of whether the programme is good ("Was it worth
    it?"); an answer that turns to the inquiry ("We asked the Data Lab to find out.") leaves it open, as does
    nothing at all ("Can mentoring help women leaving prison?" as a headline); followed by a sentence the rules
    cannot read as an answer, it is read as the claim it asks about (fail closed); answered "no", it says the opposite
    of what it asks (_denied), or nothing where it asks what may be known ("Can we be sure ...? No."). What a question holds
    whatever its answer (a figure beside a general one, a relative change, proof) is judged either way."""
    forced = tuple(c for c in found if c.forced)
    answer = last_word(book, answer)
    if not answer:  # nothing follows: a question asked, not answered
        return tuple(c for c in forced if not c.never or any(n[0] not in ASKED for n in c.never))
    if says(book, "open_answer", answer):  # answered openly: what it asks, proof too, stays asked ("Is the Programme
        # proven to work? No: the results were not statistically significant.")
        return tuple(c for c in forced if not c.never or any(n[0] not in ASKED + VOUCHED + ("counterfactual",) for n in c.never))
    if says(book, "hedged_answer", answer):  # "It may.": what it asks, said with may
        return _said(sentence, book, carried, names, hedged=True)
    if says(book, "no_answer", answer) and book.words["knowing_question"].search(SPEAKER.sub("", sentence.text)):
        return ()  # "Can we be sure it caused the difference? No.": left open
    asked = SPEAKER.sub("", sentence.text)
    if (says(book, "no_answer", answer) and book.words["failing"].search(asked)
            and not book.words["analysis_question"].match(asked)):  # "Did the Programme fail? No.": it worked
        return (Claim(sentence=sentence, clause=sentence.text, effect="a no to: " + sentence.text),)
    if says(book, "no_answer", answer):
        effect_asked = bool(book.words["effect_asked"].search(sentence.text))  # "Does it work? No.", not "Is it the answer?"
        denied = (_denied(c, effect_asked) for c in found or _said(sentence, book, carried, names)
                  if not any(n[0] in VOUCHED for n in c.never))  # "Is this proof that it works? No.": nothing said
        return tuple(c for c in denied if c.is_claim)
    if says(book, "affirmative", answer):  # the statement it says, its subject first: "Does <name> make women reoffend
        statement = uninverted(asked)  # less? Absolutely." says <name> makes them (a cause)
        return (statement and _said(sentence, book, carried, names, statement, fallback=False)) or found or _said(
            sentence, book, carried, names)
    if answer and (claims_in(Sentence(answer, 0, 0, 0, (answer,)), book, carried, names)
                   or book.words["counted"].search(answer) and measures_named(answer, book)
                   and not any(says(book, "affirmative", part) for part in ANSWER_PARTS.split(answer))):
        return forced  # the answer makes its own claim, or gives the figures (with no "..., so yes"), and is judged for it
    if book.words["inquiry"].search(answer):
        return forced  # "We asked the Justice Data Lab to find out.": the question stays open
    if found:
        return found
    assents = answer and len(answer.split()) <= SHORT_ANSWER and not book.words["dissent"].search(answer)
    if assents and book.words["evaluative"].search(sentence.text):  # "Was it worth it? Most definitely."
        return _said(sentence, book, carried, names)
    return found


ANSWER_PARTS = re.compile(r"[,;:—–]\s*")  # an answer's clauses, each of which may say yes ("16 in 100 ..., so yes.")
ASKED = ("universal", "cause", "certainty")  # what a question only asks, answered openly ("Does it work for every woman? We don't know.")
DENIED = ("universal", "cause")  # what a "no" takes back with the question that says it ("Did all of them ...? No.")
VOUCHED = ("proof", "certainty", "shows")  # a question of proof answered "no" says neither the proof nor what it proves
SIGNIFICANCE_DENIED = {"significant": "not_significant", "not_significant": "significant", None: None}


def _denied(claim: Claim, effect_asked: bool) -> Claim:
    """A question's claim answered "no": its directions negated ("Was it longer? No."), its significance turned round,
    its effect a no-effect where it asks whether the programme works ("Does it work? No."; "Is mentoring the answer? No."
    is an opinion), and its universal or cause taken back ("Did all of them stay out of trouble? No.")."""
    never = [n for n in claim.never if n[0] not in DENIED]
    universal = any(n[0] == "universal" for n in claim.never)  # "Did every woman stay out of trouble? No.": not all did,
    directions = set() if universal else {(d, not n) for d, n in claim.directions}  # which says no direction
    return replace(claim, directions=directions, change=None, never=never,  # "Does it work for everyone? No programme
                   significance=SIGNIFICANCE_DENIED[claim.significance], effect=None if universal else claim.no_effect,
                   no_effect=claim.effect if effect_asked and not universal else None,  # does.": not for all, no "none"
                   forced=bool(never) or claim.forced and not claim.never)  # forced by a form a "no" keeps, or by none


def _said(sentence: Sentence, book, carried, names, asked: str | None = None, hedged: bool = False,
          fallback: bool = True) -> tuple[Claim, ...]:
    """What a question says once answered yes: the question as a statement ("Is the difference significant?" says
    it is significant, judged against the results), or, where the rules read no claim in it, that the programme
    worked, if it asks whether the programme is good ("Was it worth it?") or about its people's outcome ("Are our
    mentees staying straight?", "Can mentoring break the cycle?"); `hedged`: a yes with may ("It may."), judged
    as the question said with may; a yes to anything else ("Is the programme free?", "Is reoffending a problem?") says
    nothing of the result."""
    asked = SPEAKER.sub("", sentence.text if asked is None else asked).strip()
    stated = ("It may be that " if hedged else "") + asked.rstrip("?.").rstrip() + "."
    said = claims_in(Sentence(stated, sentence.line, sentence.column, sentence.paragraph, (stated,)), book, carried, names)
    if said or not fallback:
        return tuple(replace(c, sentence=sentence) for c in said)
    words = book.words
    if words["view_question"].match(asked) or words["analysis_question"].match(asked):  # "Did the women value their
        return ()  # mentors? Yes.": their view, as feedback is; "Will the findings change how we work?": of the analysis
    proof = book.never["proof"].search(asked)
    if proof:  # "Is this the proof we needed? It is.": the yes says the proof
        return (Claim(sentence=sentence, clause=sentence.text, forced=True, never=[("proof", proof.group())]),)
    changed = measures_named(asked, book) or any(words[w].search(asked) for w in ("down", "up", "better", "effect"))
    ours = words["programme_side"].search(asked) or any(n.lower() in asked.lower() for n in names)  # or its name
    if words["evaluative"].search(asked) or (changed and ours):  # "Can mentoring break the cycle?"
        return (Claim(sentence=sentence, clause=sentence.text, effect="a yes to: " + sentence.text),)
    return ()


def _breaches(text: str, licence: Licence, engine: bool, quoted: tuple[str, ...],
              phrases: tuple[str, ...], names: tuple[str, ...], claims: bool = True) -> list[Breach]:
    book = rule_book()
    wanted = _phrase_patterns(phrases)
    breaches: list[Breach] = []
    for sentence, found in _detected(text, quoted, names, book_key()):
        message = None
        for pattern in wanted:
            match = pattern.search(sentence.text)
            if match:
                rule = book.spec_rule
                message = f'"{match.group()}" is {rule.what}, which the rules forbid (rule: {rule.id})'
                breaches.append(Breach(rule.id, sentence.text, sentence.line, sentence.column, message))
                break
        for claim in found if claims else ():
            verdict = judge(claim, licence, book, engine)
            if verdict and message is None:
                message = refusal(sentence.text, verdict, licence, book)
                breaches.append(Breach(verdict.rule, sentence.text, sentence.line, sentence.column, message))
    return breaches
