"""The claims check: no report says more than its statistics support (DESIGN §1.9).

Rules are data (report_text/rules.yaml), each with its source and examples. Every rendered
section and every free-text field of the spec is checked sentence by sentence; a breach stops
the run with one line per breach naming the place, the words and the rule, so the person who
wrote them can fix the spec or the template rather than publish an overclaim.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from engine.errors import Problem, UserError
from engine.spec.loaded import LoadedSpec
from engine.wording import report_text_dir

FLAGS = re.IGNORECASE
SPEC_TEXT_KEYS = (  # the spec's free text; analyses.N.description is added per analysis
    "report.title",
    "programme.summary",
    "programme.in_their_own_words",
    "programme.response",
    "programme.profile_note",
    "report.analyses_intro",
    "report.footer",
)
ORIGIN = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?(?:: (?P<where>.+))?$")
MARKUP = re.compile(r"\*\*|__|(?<!\w)\*|\*(?!\w)|`|[✓✗“”\"]|^\s*(?:#+|[-+*]|\d+\.|>)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])[’')\]]*\s+")
CLAUSE_END = re.compile(  # ", and ...", "; ", ": ", and "... and had/were/did ..." (a new predicate)
    r",\s+(?=(?:and|but|while|whereas|however)\b)|;\s+|:\s+"
    r"|\s+(?:and|but)\s+(?=(?:had|have|has|were|was|are|is|did|do|does|took|take|may|committed|commit)\b)", FLAGS)
BLOCK_START = re.compile(r"^\s*(?:#+|[-+*]|\d+\.|>|\|)\s")


@dataclass(frozen=True)
class Piece:
    """Text to check and where it came from, printed first in a breach's message.

    origin is "specs/lpt.yaml:12:3: programme.response" for spec text (the breach is reported
    at that place) or "report_text/summary.md.j2" for a rendered template (the breach is
    reported at its line in the rendered text). With quoted_forbidden_ok, lines holding a ✗
    are skipped: they quote the forbidden claims on purpose.
    """

    text: str
    origin: str
    quoted_forbidden_ok: bool = False
    source: str | None = None  # the spec file's text, to point at the line of the breach itself


@dataclass(frozen=True)
class Case:
    patterns: tuple[re.Pattern, ...]
    allow: tuple[re.Pattern, ...] = ()
    states: tuple[str, ...] | None = None  # None: every sentence
    measures: tuple[str, ...] | None = None  # None: every measure (with states)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    source: str
    what: str  # '"<words>" is <what>, which the rules forbid'; may hold {measure}
    cases: tuple[Case, ...]
    must_flag: tuple[Any, ...] = ()
    must_pass: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Breach:
    rule: str
    words: str
    line: int  # 1-based, within the piece's text
    message: str


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    measures: dict[str, tuple[re.Pattern, ...]]
    fallback: dict[str, tuple[re.Pattern, ...]]
    labels: dict[str, str]
    spec_rule: Rule


def _compile(patterns: list[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, FLAGS) for p in patterns)


def _case(raw: dict) -> Case:
    return Case(
        patterns=_compile(raw["patterns"]),
        allow=_compile(raw.get("allow", [])),
        states=tuple(raw["states"]) if "states" in raw else None,
        measures=tuple(raw["measures"]) if "measures" in raw else None,
    )


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    """report_text/rules.yaml, compiled (a malformed file is a bug in jdlspec, so it raises)."""
    raw = yaml.safe_load((report_text_dir() / "rules.yaml").read_text(encoding="utf-8"))
    rules = tuple(
        Rule(id=r["id"], description=r["description"], source=r["source"], what=r["what"],
             cases=tuple(_case(c) for c in r["cases"]),
             must_flag=tuple(r.get("must_flag", [])), must_pass=tuple(r.get("must_pass", [])))
        for r in raw["rules"]
    )
    s = raw["spec_phrases"]
    spec_rule = Rule(id=s["id"], description=s["description"], source=s["source"], what=s["what"], cases=())
    return RuleBook(
        rules=rules,
        measures={m: _compile(p) for m, p in raw["measures"].items()},
        fallback={m: _compile(p) for m, p in raw["fallback"].items()},
        labels=dict(raw["labels"]),
        spec_rule=spec_rule,
    )


def _paragraphs(text: str, skip_crossed: bool) -> list[tuple[str, list[int], list[int]]]:
    """Paragraphs as (clean text, start offset of each line, line number of each line).

    A blank line, a heading, a list item or a table row starts a new paragraph; Markdown marks
    are removed so that '**9 people more**' reads as words.
    """
    paragraphs: list[tuple[str, list[int], list[int]]] = []
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []

    def close() -> None:
        if parts:
            paragraphs.append((" ".join(parts), list(starts), list(numbers)))
        parts.clear(), starts.clear(), numbers.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if skip_crossed and "✗" in line:
            close()
            continue
        if not line.strip() or BLOCK_START.match(line):
            close()
        cleaned = " ".join(MARKUP.sub("", line.replace("’", "'")).split())
        if cleaned:
            starts.append(sum(len(p) + 1 for p in parts))
            numbers.append(number)
            parts.append(cleaned)
    close()
    return paragraphs


def _split(text: str, boundary: re.Pattern, base: int = 0) -> list[tuple[int, str]]:
    """(offset, part) for the parts of a text between boundaries."""
    spans, start = [], 0
    for end in boundary.finditer(text):
        spans.append((base + start, text[start:end.start()]))
        start = end.end()
    if start < len(text):
        spans.append((base + start, text[start:]))
    return spans


def _measures_of(sentence: str, book: RuleBook) -> tuple[str, ...]:
    found = tuple(m for m, pats in book.measures.items() if any(p.search(sentence) for p in pats))
    if found:
        return found
    return tuple(m for m, pats in book.fallback.items() if any(p.search(sentence) for p in pats))


def _blank(sentence: str, allow: tuple[re.Pattern, ...]) -> str:
    for pattern in allow:
        sentence = pattern.sub(lambda m: "\0" * len(m.group()), sentence)
    return sentence


def _search(case: Case, text: str, found) -> None:
    searched = _blank(text, case.allow)
    for pattern in case.patterns:
        for match in pattern.finditer(searched):
            found(match)


def _message(words: str, rule: Rule, measure: str | None, book: RuleBook) -> str:
    what = rule.what.format(measure=book.labels.get(measure or "", measure or "this measure"))
    return f'"{words}" is {what}, which the rules forbid (rule: {rule.id})'


def find_breaches(text: str, states: dict[str, str], extra_phrases: list[str] = (),
                  skip_crossed: bool = False) -> list[Breach]:
    """Every breach of the rules in a text, in reading order."""
    book = rule_book()
    phrases = [re.compile(r"\s+".join(map(re.escape, p.split())), FLAGS) for p in extra_phrases if p.strip()]
    breaches: list[Breach] = []
    for paragraph, starts, numbers in _paragraphs(text, skip_crossed):

        def add(rule: Rule, match: re.Match, offset: int, part: str, measure: str | None = None) -> None:
            line = numbers[bisect_right(starts, offset + match.start()) - 1]
            words = part[match.start():match.end()]
            breach = Breach(rule.id, words, line, _message(words, rule, measure, book))
            if breach not in breaches:
                breaches.append(breach)

        current: tuple[str, ...] = ()
        for offset, sentence in _split(paragraph, SENTENCE_END):
            # rules for every sentence see it whole; rules about a measure's state see each clause
            # with the measures it names ("less likely to re-offend, and had a higher frequency")
            for rule in book.rules:
                for case in rule.cases:
                    if case.states is None:
                        _search(case, sentence, lambda m, r=rule, o=offset, s=sentence: add(r, m, o, s))
            for pattern in phrases:
                for match in pattern.finditer(sentence):
                    add(book.spec_rule, match, offset, sentence)
            for start, clause in _split(sentence, CLAUSE_END, offset):
                current = _measures_of(clause, book) or current
                for rule in book.rules:
                    for case in rule.cases:
                        if case.states is None:
                            continue
                        for measure in current:
                            if states.get(measure) in case.states and (case.measures is None or measure in case.measures):
                                _search(case, clause, lambda m, r=rule, o=start, c=clause, x=measure: add(r, m, o, c, x))
    return breaches


def _problem(piece: Piece, breach: Breach) -> Problem:
    parts = ORIGIN.match(piece.origin)
    file, where = parts["file"], parts["where"] or ""
    if parts["line"]:
        line, column = int(parts["line"]), int(parts["column"]) if parts["column"] else None
        if piece.source is not None:
            line, column = _in_source(piece.source, line, breach.words) or (line, column)
    else:
        line, column = breach.line, None
    return Problem(file, line, column, where, breach.message)


def _in_source(source: str, from_line: int, words: str) -> tuple[int, int] | None:
    """Line and column of the words in the spec file, at or after the key's line: the phrase
    itself, not the `response: |` line ten lines above it. Line breaks and indentation of a
    YAML block may fall between the words."""
    pattern = re.compile(r"\s+".join(map(re.escape, words.split())), FLAGS)
    lines = source.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: from_line - 1])
    match = pattern.search(source, offset)
    if match is None:
        return None
    before = source[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def check_claims(pieces: list[Piece], states: dict[str, str], extra_phrases: list[str]) -> None:
    """Raise a UserError with one Problem per breach, or return quietly when all text is allowed.

    states: the headline analysis's measure -> state, so rules about significance and direction
    can tell an honest sentence from an overclaim.
    """
    problems = [
        _problem(piece, breach)
        for piece in pieces
        for breach in find_breaches(piece.text, states, extra_phrases, piece.quoted_forbidden_ok)
    ]
    if problems:
        raise UserError(problems)


def spec_texts(spec) -> list[tuple[str, str]]:
    """(key path, text) for every piece of free text in the spec that the report prints."""
    found = []
    for key in SPEC_TEXT_KEYS:
        value = spec
        for part in key.split("."):
            value = getattr(value, part, None)
        found.append((key, value))
    found += [(f"analyses.{i}.description", a.description) for i, a in enumerate(spec.analyses)]
    return [(key, text) for key, text in found if text]


def spec_pieces(loaded: LoadedSpec) -> list[Piece]:
    """The spec's free text, each piece located at its key in the spec file."""
    pieces = []
    for key, text in spec_texts(loaded.spec):
        line, column = loaded.locate(key)
        place = loaded.display + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        pieces.append(Piece(text=text, origin=f"{place}: {key}", source=loaded.source))
    return pieces


def check_spec_text(loaded: LoadedSpec) -> None:
    """The rules that need no results (relative effects, proof, causes, the spec's own phrases)
    on the spec's free text: `validate` and the start of `run` catch these before any statistics."""
    check_claims(spec_pieces(loaded), {}, list(loaded.spec.report.forbidden_phrases))
