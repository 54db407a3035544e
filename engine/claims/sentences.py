"""Split: paragraphs → sentences → clauses, each knowing the line it starts on (issue 7, step 2).

A blank line, a heading, a list item or a table row starts a new paragraph. Lines the engine
quotes on purpose (its own "What you cannot say" sentences, passed in as `quoted`) are left out:
they are recognised by their exact text, never by a mark a writer could type.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from engine.claims.normalise import reader_line

LIST_MARK = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+")
BLOCK_START = re.compile(r"^\s*(?:#+|[-+*]|\d+[.)]|>|\|)\s")
MARKS = re.compile(r"^\s*(?:#+|[-+*]|\d+[.)]|>)\s+|[✓✗|]")
SENTENCE_END = re.compile(r"(?<=[.!?])['\")\]]*\s+(?=[^a-z])")
CLAUSE_END = re.compile(
    r",\s+(?=(?:and|but|while|whereas|however|although|though|yet)\b)|;\s+|:\s+|\s+[–—]\s+|\s-\s"
    r"|\s+(?:and|but)\s+(?=(?:had|have|has|were|was|are|is|did|do|does|took|take|may|committed|commit)\b)",
    re.IGNORECASE)


# an aside between two dashes ("None of the three measures – the rate, frequency and timing – showed ..."): the clause
# goes on across it, so its subject stays with its verb
# a sentence's opening label: a few words that are no clause, and a colon ("Reconviction rates: ...", not "That is why we do it: ...")
LABEL = re.compile(r"^(?!(?:[^:]*\s)?(?:is|are|was|were|we|it|that|this|why|do|does|did|has|have|had)\b)(?:[^\s:;.!?]+\s+){0,3}[^\s:;.!?]+:\s",
                   re.IGNORECASE)
ASIDE_DASHES = re.compile(r"(?<=\s)[–—](\s[^–—.;:!?]{1,100}?\s)[–—](?=\s)")


@dataclass(frozen=True)
class Sentence:
    text: str  # as the reader sees it
    line: int  # 1-based line of the text where it starts
    column: int  # 1-based raw column on that line
    paragraph: int
    clauses: tuple[str, ...]

    def labelled(self, clause: str) -> str:
        """A clause with the label the sentence opens with ("Reconviction rates: down from 28% to 16%."): the label
        with what it labels, a clause after it with the label; any other clause as it is."""
        label = LABEL.match(self.text)
        if not label:
            return clause
        if label.group().startswith(clause.strip()):
            return self.text
        return label.group() + clause if clause in self.text[label.end():] else clause


def as_word(text: str, start: int, end: int) -> str:
    """A name turned to one word of underscores (no rule's word): the programme's or an organisation's name reads
    as the noun it is, so a rule that spans it reads across it ("No woman who completed Making Connections has been
    reconvicted"), and nothing it says (a figure, a slogan) is read."""
    return text[:start] + "_" * (end - start) + text[end:]


def blank_given(text: str, names: tuple[str, ...]) -> str:
    """The programme's names blanked where they stand whole (not inside a longer word or number: a
    programme called "0" leaves "100 people" alone). A name with no letter or digit ("," or "?") names
    nothing a reader could mistake for words, and blanking it would take the text's own punctuation."""
    for name in (n for n in names if any(c.isalnum() for c in n)):  # an empty name is found everywhere
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            whole = not (start and text[start - 1].isalnum() and name[0].isalnum()) and not (
                end < len(text) and text[end].isalnum() and name[-1].isalnum())
            if whole:
                text = as_word(text, start, end)
            start = text.find(name, end if whole else start + 1)
    return text


def _split(text: str, boundary: re.Pattern, seen: str | None = None) -> list[tuple[int, str]]:
    """The text's parts between boundaries, found in `seen` (the text with its names as one word, same length):
    a "?" or ":" inside a programme's name ("Why? 0", "Step Up: Women") ends no sentence or clause."""
    spans, start = [], 0
    for end in boundary.finditer(text if seen is None else seen):
        if text[start:end.start()].strip():
            spans.append((start, text[start:end.start()]))
        start = end.end()
    if text[start:].strip():
        spans.append((start, text[start:]))
    return spans


def aside_dashes_blanked(text: str) -> str:
    """The text (same length) with the two dashes around each aside read as spaces, so no clause ends at them."""
    return ASIDE_DASHES.sub(lambda m: f" {m.group(1)} ", text)


def sentences(text: str, quoted: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[Sentence]:
    """Every sentence of a Markdown or plain text, in reading order (`names`: the programme's names, as the
    reader sees them, which no sentence or clause ends inside)."""
    names = tuple(" ".join(n.split()) for n in names)
    # as written and as a reader sees it (a backslash-escaped "<" in the Markdown is "<" on the page): whatever a name's escaping
    exempt = {f'✗ "{q}"' for q in quoted} | {reader_line(f'✗ "{q}"')[0].strip() for q in quoted}
    found: list[Sentence] = []
    paragraph: list[tuple[str, int, int]] = []  # (clean text, line number, raw column of its first char)
    number = 0

    def close() -> None:
        nonlocal number
        if paragraph:
            joined, starts = "", []
            for part, _, _ in paragraph:
                starts.append(len(joined) + (1 if joined else 0))
                joined = f"{joined} {part}" if joined else part
            seen = blank_given(joined, names)
            for offset, sentence in _split(joined, SENTENCE_END, seen):
                which = bisect_right(starts, offset) - 1
                _, line, column = paragraph[which]
                found.append(Sentence(sentence.strip(), line, column + max(offset - starts[which], 0), number,
                                      tuple(c.strip() for _, c in _split(sentence, CLAUSE_END, aside_dashes_blanked(seen[offset:offset + len(sentence)])))))
            number += 1
        paragraph.clear()

    in_quote = False  # the line before was quoted text: a quoted paragraph goes on over its "> " lines
    for line_number, raw in enumerate(text.splitlines(), start=1):
        seen, index = reader_line(raw)
        body = seen.lstrip()[1:].strip() if seen.lstrip().startswith(">") else None
        goes_on = in_quote and bool(body) and not BLOCK_START.match(body + " ")
        if not seen.strip() or body == "" or (BLOCK_START.match(seen) and not goes_on):
            close()
        in_quote = bool(body)
        if LIST_MARK.sub("", seen).strip() in exempt:
            close()
            continue
        cleaned = " ".join(MARKS.sub(" ", seen).split())
        if cleaned:
            first = len(seen) - len(seen.lstrip())
            lead = MARKS.match(seen)
            first = lead.end() if lead else first
            paragraph.append((cleaned, line_number, (index[first] if first < len(index) else 0) + 1))
    close()
    return found
