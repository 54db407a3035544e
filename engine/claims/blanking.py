"""Blanking: the parts of a sentence that are not claims, turned to spaces so every position keeps its place
(aims, purposes and caveats to the end of their clause, the words of significance, a declared measure's own
name), for the detector to read what is left."""

from __future__ import annotations

import re

from engine.claims.book import RuleBook
from engine.claims.sentences import CLAUSE_END, as_word, blank_given  # noqa: F401 (the names, read as one word)

# an aim's list goes on ("..., and to reduce re-offending"; "with the aim of building confidence, and reducing
# re-offending"), unless the gerund is the subject of a verb ("..., and reducing re-offending has been the result") or the
# "to" is the sentence's own ("proclaimed the Programme, designed to reduce re-offending, to be a success"); and on through
# what it tests, set after a dash ("to test what charities assert – that intensive help would bring it down")
CONTINUES_AIM = re.compile(r"^\W*(?:(?:and |or |but also )?to\b(?!\s+be\b)|that\b(?=[^.;:!?]*\b(?:would|could|might)\b)|(?:and |or )(?!(?:re-?\s?)?offending\b)\w+ing\b(?![^.;:]*\b(?:has|have|had|is|was|were|are|did|does)\b))",
                           re.IGNORECASE)
# ... as a question's does through a second predicate of its subject ("Asking whether the Programme is worthwhile, and
# makes a difference, is a legitimate question"), not through a clause with a subject of its own (", and it does")
CONTINUES_QUESTION = re.compile(r"^\W*(?:and|or)\s+(?:whether\s+)?(?:(?:really|actually|truly)\s+)?(?:makes?|does|is|are|has|have|works?|"
                                r"helps?|reduces?|cuts?|keeps?|changes?|matters?|delivers?|succeeds?|prevents?|lowers?)\b"
                                r"(?!\s+(?:it|they|she|he|we|this|that|the|our|its|mentoring|\w+ly)\b)", re.IGNORECASE)  # not "and does it ever!"
OPENING_PURPOSE = re.compile(r"^\W*(?:with (?:the|an|a) (?:\w+ )?(?:aims?|intentions?|goals?|objectives?|purposes?|view) (?:of|to) |"
                             r"(?:in order )?to (?!date\b|sum\b|conclude\b|summari[sz]e\b|be (?:clear|fair|honest)\b|put it\b"
                             r"|our\b|everyone|my\b|the\b|this\b|that\b|them\b|us\b|me\b))[^,.;:!?]{1,80},", re.IGNORECASE)
SIGNIFICANCE_WORD = re.compile(r"statistically (?:discernible|detectable)\b|(?:statistically )?(?:non-?|in)?significan\w*|\bsignificance\b|\bp ?[<≤] ?0?\.\d+", re.IGNORECASE)


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_all(text: str, pattern: re.Pattern) -> str:
    return blank_matches(text, pattern.finditer(text))


def blank_significance(text: str, pattern: re.Pattern) -> str:
    """The words of significance blanked, and only those: "a significant rise" still says "rise"."""
    for match in pattern.finditer(text):
        for word in SIGNIFICANCE_WORD.finditer(match.group()):
            text = blank(text, match.start() + word.start(), match.start() + word.end())
    return text


def inside(match: re.Match, spans: list[tuple[int, int]], offset: int = 0) -> bool:
    """Does the match (in a text starting at `offset` of the sentence) start inside one of the sentence's spans? A
    match that starts in a measure's name reads its word as the sentence's ("kept" in "housing tenancy kept was
    sustained from 3 months" is no "kept ... from"); one that starts before it may name it ("ended unemployment")."""
    return any(s <= match.start() + offset < e for s, e in spans)


def outside(pattern: re.Pattern, text: str, spans: list[tuple[int, int]], offset: int = 0) -> re.Match | None:
    """The first match that does not start inside a declared measure's own phrase (`spans`, over the sentence)."""
    return next((m for m in pattern.finditer(text) if not inside(m, spans, offset)), None)


def blank_spans(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """The text (starting at `offset` of its sentence) with the sentence's spans blanked."""
    for s, e in spans:
        start, end = max(0, s - offset), min(len(text), e - offset)
        if start < end:
            text = blank(text, start, end)
    return text


def blank_matches(text: str, matches) -> str:
    for match in matches:
        text = blank(text, match.start(), match.end())
    return text


def _clause_ends(text: str) -> list[int]:
    return [m.start() for m in CLAUSE_END.finditer(text)] + [len(text)]


AIMED_VERB = re.compile(r"\s*[\w-]*")


def _clause_start(text: str, at: int) -> int:
    return max((m.end() for m in CLAUSE_END.finditer(text, 0, at)), default=0)


# an aim set between commas ("The scheme, with the aim of reducing re-offending, lowered it"; "..., which aims to ..., ")
LISTED_GERUND = re.compile(r"^\s*\w+ing\b(?![^,.;:]*\b(?:has|have|had|is|was|were|are|did|does)\b)", re.IGNORECASE)  # "..., helping her settle"
# a relative clause set off by a comma or dash after an aim, with a subject and a verb of its own ("..., which we know
# reduces re-offending", "..., which has cut re-offending"): not the aim's
ASSERTED_RELATIVE = re.compile(r"(?:,|\s[–—-])\s*which\s+(?:(?:we|i|they|everyone|everybody|staff|people|research|evidence)\s+"
                               r"(?:\w+ly\s+)?(?:know|knew|believe|are (?:sure|confident|certain)|have (?:seen|found|shown)|"
                               r"shows?|proves?|tells? us)\s+|(?:\w+ly\s+)?(?:has|have|had|is|was|does|did)\s+)", re.IGNORECASE)
AFTER_COMMA = re.compile(r",\s*(?:which\s+|who\s+|that\s+)?$")
# ... or opening the sentence as a phrase before its clause ("In the hope of reducing re-offending, the Programme has cut
# it"): to its comma too (not a clause: "It is essential that men are helped to build stable, law-abiding lives")
OPENS_SENTENCE = re.compile(r"\W*(?:(?:but|and|so|yet|now)\b,?\s*)?", re.IGNORECASE)
ADVERBIAL_AIM = re.compile(r"(?:in|with|aiming|hoping|seeking|intending|determined|keen|eager|wanting|striving)\b", re.IGNORECASE)


def _aside_end(text: str, start: int, end: int, listed: re.Pattern) -> int:
    """Where an aim set after a comma ends: at the next comma before `end` whose words after it do not carry the
    aim on ("..., with the aim of building confidence, to adapt to life outside, and to reduce re-offending"; "..., it
    was hoped to improve service use, reduce offending and ...": rules.yaml aim_listed)."""
    comma = text.find(",", start, end)
    while comma != -1 and (CONTINUES_AIM.match(text[comma + 1:]) or LISTED_GERUND.match(text[comma + 1:])
                           or listed.match(text, comma + 1)):
        comma = text.find(",", comma + 1, end)
    return end if comma == -1 else comma


LIST_ITEM = re.compile(r",\s*(?:(?:a|an|the|some|more|better|new|practical)\s+)?[a-z][\w-]*\s*$")  # ", disposition", ", housing advice"


def _list_goes_on(text: str, end: int, book: RuleBook) -> bool:
    """An aim's means go on through the last item of a list (", knowledge, disposition, and skills that ..."): a bare item
    after a comma just before `end`, then "and" and a noun phrase (rules.yaml aim_list_item)."""
    return bool(LIST_ITEM.search(text, 0, end) and book.words["aim_list_item"].match(text, end))


# where the scope of a denial ends: a comma or a clause mark ("Rather than going back to prison, 84% stayed out")
SCOPE_END = re.compile(r"[,.;:!?()]|\s[–—-]\s")


def denied_at(text: str, start: int, book: RuleBook) -> bool:
    """Does the word at `start` stand in the scope of a denial (rules.yaml vocabulary.denial: "an association rather
    than proof", "falls short of proving", "no claims about its effect", "should not describe the Programme as
    proven"), which runs from its words to the next comma or clause mark?"""
    return any(not SCOPE_END.search(text, m.end(), start) for m in book.words["denial"].finditer(text, 0, start))


# a direction set against its opposite ("increases rather than decreases in re-offending", "raised it instead of lowering
# it"): the word after the contrast, whose outcome is both sides'
CONTRASTED = re.compile(r"\s*(?:an? |the )?([\w-]+)")


def blank_denials(text: str, book: RuleBook) -> str:
    """The scopes of denials blanked, each from its words to the next comma or clause mark; a direction denied beside
    its opposite, only itself (the outcome after it is the other direction's too)."""
    for match in list(book.words["denial"].finditer(text)):
        end = SCOPE_END.search(text, match.end())
        end = end.start() if end else len(text)
        before = text[:match.start()].split()[-1:]
        after = CONTRASTED.match(text, match.end())
        if before and after and _direction_word(before[0], book) and _direction_word(after.group(1), book):
            end = min(end, after.end())
        text = blank(text, match.start(), end)
    return text


def _direction_word(word: str, book: RuleBook) -> bool:
    return any(book.words[name].fullmatch(word) for name in ("down", "up"))


# a "that" clause opening a sentence, then called settled ("That the Programme works is clear"; rules.yaml settled)
# a bare "but" after an embedded question opens a main clause of its own ("There are many reasons why women re-offend but
# what is clear is that ..."): the question's scope ends there
QUESTION_TURN = re.compile(r"\s(?:but|yet)\s+(?=(?:what|it|this|that|we|they|our|the|when|with|once|if|there|women|men|people)\b)",
                           re.IGNORECASE)
THAT_OPENS = re.compile(r"^\W*that\b", re.IGNORECASE)


def unframed(text: str, book: RuleBook) -> str:
    """A claim that a frame turns around, read as said: the frame's words blanked, the claim kept. What is called the
    only thing one may say ("It would be wrong to say anything other than that the Programme works"), and a "that"
    clause called settled ("That the Programme works is no longer in doubt"; "whether" clauses called settled are
    questions answered yes: engine.claims.answers.answered_within)."""
    for match in list(book.words["only_saying"].finditer(text)):
        start = max((e.end() for e in CLAUSE_END.finditer(text, 0, match.start())), default=0)
        text = blank(text, start, match.end())
    opening = THAT_OPENS.match(text)
    settled = opening and book.words["settled"].search(text, opening.end())
    if settled and not any(CLAUSE_END.finditer(text, opening.end(), settled.start())):
        text = blank(blank(text, *opening.span()), *settled.span())
    return text


def blank_scopes(text: str, book: RuleBook) -> str:
    """Aims, purposes and caveats, from their marker to the end of the clause (and on through
    clauses that carry the same aim: ', and to reduce re-offending'); an opening purpose ("To reduce
    bias, ...") or condition ("If the programme had no effect, ...") up to its comma; denials up to theirs."""
    text = blank_denials(text, book)
    conceding = book.words["conceded"].match(text)  # "Although the analysis could not show an effect, we know it works":
    for opening in (OPENING_PURPOSE.match(text), book.words["condition"].match(text)):
        if opening:
            text = blank(text, opening.start(), opening.end())
    for name, pattern in book.not_claims.items():
        for match in list(pattern.finditer(text)):
            ends = _clause_ends(text)
            end = next(e for e in ends if e >= match.end())
            if conceding and match.start() < conceding.end() <= end:
                end = conceding.end() - 1  # a scope in the conceding clause ends with it
            while end < len(text):
                following = CLAUSE_END.match(text, end)
                rest = text[following.end():] if following else text[end:]
                if not (CONTINUES_AIM.match(rest) or name == "question" and CONTINUES_QUESTION.match(rest)
                        or name in ("aim", "made_for") and (book.words["aim_goes_on"].match(text, end)
                                                            or _list_goes_on(text, end, book))):
                    break
                end = next((e for e in ends if e > end), len(text))
            if name == "made_for" and not book.words["main_verb"].search(text, _clause_start(text, match.start()), match.start()):
                verb = book.words["main_verb"].search(text, match.end(), end)  # the phrase in its subject: its own
                end = AIMED_VERB.match(text, match.end()).end() if verb else end  # words, the outcome named
                # ("A course devised to lower re-offending has lowered it": "re-offending has lowered it" is read)
            if name in ("aim", "made_for", "purpose") and (AFTER_COMMA.search(text, 0, match.start())
                                               or OPENS_SENTENCE.fullmatch(text, 0, match.start())
                                               and ADVERBIAL_AIM.match(text, match.start())):
                end = _aside_end(text, match.end(), end, book.words["aim_listed"])
            if name in ("aim", "made_for", "purpose"):  # a relative clause set off after the aim says what it is of its own
                said = ASSERTED_RELATIVE.search(text, match.end(), end)  # ("... to improve access to it, which we know
                end = said.start() if said else end  # reduces re-offending")
            if name == "threshold":  # "with a p-value of up to 0.05 considered indicative of a real difference, ..."
                comma = text.find(",", match.end(), end)
                end = end if comma == -1 else comma
            if name == "aimed_phrase":  # "programmes aimed at reducing re-offending": its own words
                end = match.end()
            turn = QUESTION_TURN.search(text, match.end(), end) if name == "question" else None
            end = turn.start() if turn else end
            text = blank(text, match.start(name) if match.groupdict().get(name) else match.start(), end)  # the
    return text  # scope's own words, when its pattern names them ("a proven approach to ...": not_claims.made_for)
