"""Answers: where the answer to a question stands, and what it says.

A yes/no question claims nothing until it is answered; its answer may be the next sentence ("Does it work? Put
simply, it does."), the words given after a lead-in there ("After this report I can answer them: it does.",
"The mentors' reply: “Yes.”"), or the same sentence, after a question asked inside it ("Asked whether the
project had succeeded, the director replied: “Yes, without question.”", "When commissioners ask us whether
it reduces re-offending, we can now say yes.", "Whether it works is no longer in question."). The words of
an answer are data (report_text/rules.yaml vocabulary: `affirmative`, `open_answer`, `hedged_answer`,
`no_answer`, `says_yes`, `settled`, `asks_whether`, `asked_tag`)."""

from __future__ import annotations

import re

from engine.claims.book import RuleBook

# where an answer's own words start: after a colon, an opening quotation mark or a dash that follows a lead-in
LEAD_IN = re.compile(r"[:“\"]\s*|\s[–—-]\s+")
QUOTE_MARKS = re.compile(r"^[\s“”\"‘’']+|[\s“”\"‘’']+$")
# a clause break between a verdict and the question after it ("The funding is settled, and we will ask whether ...")
BETWEEN_CLAUSES = re.compile(r"[,;:!?]|\b(?:and|but|so|while|although|though|because)\b", re.IGNORECASE)
# where a question asked inside a sentence ends: a clause mark, a quotation or a dash
ASKED_END = re.compile(r"[,:;“”\"]|\s[–—-]\s|\s(?:and|but|so)\s")


# the last clause of an answer that opens with words of its own ("Working as a probation officer for 30 years, I can tell
# you it is."; "Having run it for six years, I would say so."): a clause after a comma, with its own subject and verb
LAST_CLAUSE = re.compile(r",\s*(?P<last>[^,;:]+?)\s*[.!]*\s*$")


def spoken(answer: str) -> list[str]:
    """The answer as written, the words it gives as its answer after a lead-in, without quotation marks, and its last
    clause after a comma (what an answer that opens with who is speaking, or why they know, says)."""
    parts = [answer.strip()]
    lead = LEAD_IN.search(answer)
    if lead:
        given = QUOTE_MARKS.sub("", answer[lead.end():])
        if given:
            parts.append(given)
    last = LAST_CLAUSE.search(answer)
    if last:
        parts.append(last.group("last") + ".")
    return parts


# a yes/no question's auxiliary before its subject ("Does the Programme make ...?", "Is it winning ...?"): without it the
# subject stands first, as in the statement the question says once answered yes, and is read as the statement's doer
INVERTED = re.compile(r"^\W*(?:(?:so|and|but|then|now|well)\b,?\s*)?(?:does|do|did|is|are|was|were|can|could|will|would|has|have|had)"
                      r"\s+(?!(?:not|n't|there|it|this|that|they|we|you|i)\b)(?=\S)", re.IGNORECASE)


def uninverted(question: str) -> str | None:
    """The question as a statement with its subject first ("Does Making Connections make women reoffend less?" →
    "Making Connections make women reoffend less"), or None where it does not open with an auxiliary before a subject
    that could be the programme."""
    inverted = INVERTED.match(question)
    return question[inverted.end():].rstrip(" ?") if inverted else None


# where an answer turns after holding back ("It is too early to say for certain, but yes.")
TURN = re.compile(r"[,;:—–-]?\s*\b(?:but|yet|however|still|nevertheless|nonetheless|even so|that said)\b,?\s*", re.IGNORECASE)


def last_word(book: RuleBook, answer: str) -> str:
    """An answer that holds back and then says yes ("It is too early to say for certain, but yes."): its last turn is
    its answer; any other answer as it is ("Yes, but we cannot be sure." keeps its yes and its doubt)."""
    last = TURN.split(answer)[-1]
    return last if last != answer and says(book, "affirmative", last) and not says(book, "open_answer", last) else answer


def says(book: RuleBook, name: str, answer: str) -> bool:
    """Whether the answer, or the words it gives after a lead-in, is of the kind the vocabulary `name` describes."""
    return any(book.words[name].search(part) for part in spoken(answer)) if answer else False


def answered_within(text: str, book: RuleBook) -> tuple[str, str] | None:
    """A question asked inside a sentence and answered in it: (what it asks, the answer), or None. The answer is what
    follows the question after a lead-in ("..., she replied: “Yes.”"), a yes said in words ("..., we can now say
    yes"), or a verdict on the question itself ("Whether it works is no longer in question")."""
    words = book.words
    question = words["asks_whether"].search(text)
    if not question:
        return None
    rest = text[question.end():]
    verdict = words["settled"].search(text[:question.start()] + " ")  # first: "It is no longer in doubt whether ..."
    if verdict and not BETWEEN_CLAUSES.search(text, verdict.end(), question.start()):
        return rest, "yes"
    settled = words["settled"].search(rest)
    if settled and not words["open_answer"].search(rest[settled.start():]):
        return rest[:settled.start()], "yes"
    end = ASKED_END.search(rest)
    if not end:
        return None
    asked, after = rest[:end.start()], rest[end.start():]
    if words["people_answer"].search(after):  # "...; most said yes": the participants' view, as feedback is
        return None
    lead = LEAD_IN.search(after)
    given = QUOTE_MARKS.sub("", after[lead.end():]) if lead else ""
    if given and not words["open_answer"].search(given) and words["affirmative"].search(given):
        return asked, given
    if words["says_yes"].search(after) and not words["open_answer"].search(after):
        return asked, "yes"
    return None


# a question quoted and then tagged ("'Is it working?' we are often asked."), or asked after a clause of its own ("The result
# isn't significant, but is the Programme working?"): the question is what an answer says yes or no to
QUOTED = re.compile(r"^\W*[\"“‘'](?P<question>[^\"“”‘’]{3,}\?)[\"”’']\s*,?\s*(?P<tag>[^.?!\"“”]{0,60})[.!]?\s*$")
AFTER_CLAUSE = re.compile(r"^(?P<lead>(?:\S+\s+){1,}?\S*?(?:[,;—–]|\s-)\s*)(?P<question>(?:(?:but|and|so|yet|then|now)\s+)?(?:does|do|did|is|are|was|"
                          r"were|can|could|will|would|has|have|had|should)\b[^?]*\?)\W*$", re.IGNORECASE)


def question_part(text: str, book: RuleBook) -> tuple[str, str] | None:
    """(the words before the question, the question) where a sentence holds a yes/no question that is not all of it."""
    if "?" not in text:
        return None
    quoted = QUOTED.match(text)
    if quoted and book.words["asked_tag"].search(quoted.group("tag")):
        return "", quoted.group("question")
    after = AFTER_CLAUSE.match(text)
    if after and not book.words["question"].search(text):
        return after.group("lead"), after.group("question")
    return None
