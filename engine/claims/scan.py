"""Rule patterns that skip the alternatives a text cannot match, with the same matches as the whole pattern.

A rule in rules.yaml is one alternation of up to hundreds of phrases (never.proof_anywhere is 100,000 characters),
and Python's re tries every alternative at every position of every clause: that was a third of the claims engine's
time. Most alternatives cannot match without a literal piece of text ("vindicat", "seal of"), so a `Scanned`
pattern first looks for each alternative's piece in the text (case-folded as re.IGNORECASE folds) and runs only
the alternatives whose piece is there. Dropping an alternative that can match nowhere in the text changes no
match (re takes the leftmost match, and at a position the first alternative that matches): the matches are the
whole pattern's, which tests/claims/test_claims_scan.py checks on the corpus and on generated text.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from re import _constants as sre  # the parser's opcodes (sre_constants, deprecated alias)
from re import _parser as parser  # how re itself reads a pattern (sre_parse)

SMALL = 2000  # characters of a pattern that is run whole: scanning for its pieces would cost more than it saves
MIN_PIECE = 3  # an alternative whose surest piece is shorter is always run
MAX_FORMS = 64  # how many spellings a piece may have ("prov(?:e|es|ed)" is three)
# the characters that re.IGNORECASE matches to an ASCII letter other than its own capitals
FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


class Scanned:
    """A pattern whose alternatives are also compiled one by one, run only where their piece is in the text. Nothing
    is compiled until it is first run: a process compiles only the alternatives its texts could match."""

    def __init__(self, source: str, flags: int = 0):
        self.source, self.flags = source, flags
        self._units: list[tuple[tuple[str, ...] | None, str]] | None = None  # (piece, source), in order
        self._compiled_units: dict[int, re.Pattern] = {}
        self._whole: re.Pattern | None = None
        self._empty = False

    @property
    def compiled(self) -> re.Pattern:
        if self._whole is None:
            self._whole = re.compile(self.source, self.flags)
        return self._whole

    @property
    def units(self) -> list[tuple[tuple[str, ...] | None, str]]:
        """Runs of alternatives: each with a piece alone, those without one joined, in the pattern's order."""
        if self._units is None:
            try:
                parts = top_alternatives(self.source) if len(self.source) >= SMALL else (self.source,)
                read = [(part, *_read(part, self.flags)) for part in parts]
            except re.error:  # an alternative that is no pattern alone: the split went wrong, so keep the whole
                read = []
            if len(read) != 1 and not (read and all(groups == 1 for _, groups, _, _ in read)):
                read = [(self.source, *_read(self.source, self.flags))]  # keep the group numbers
            self._empty = any(empty for _, _, empty, _ in read)
            units: list[tuple[tuple[str, ...] | None, list[str]]] = []
            for part, _, _, piece in read:
                if piece is None and units and units[-1][0] is None:
                    units[-1][1].append(part)
                else:
                    units.append((piece, [part]))
            self._units = [(piece, "|".join(f"(?:{p})" for p in group) if len(group) > 1 else group[0])
                           for piece, group in units]
            self._always = tuple(i for i, (piece, _) in enumerate(self._units) if piece is None)
            self._by_start: dict[str, list[tuple[int, str]]] = {}  # a piece's first MIN_PIECE characters -> its units
            for i, (piece, _) in enumerate(self._units):
                for form in piece or ():
                    self._by_start.setdefault(form[:MIN_PIECE], []).append((i, form))
        return self._units

    @property
    def empty(self) -> bool:
        """Whether it could match empty text (then finditer runs the whole pattern, as re steps past empty matches)."""
        return bool(self.units) and self._empty

    def _unit(self, index: int) -> re.Pattern:
        if index not in self._compiled_units:
            units = self.units
            self._compiled_units[index] = self.compiled if len(units) == 1 else re.compile(units[index][1], self.flags)
        return self._compiled_units[index]

    @property
    def pattern(self) -> str:
        return self.source

    def __getattr__(self, name):  # groups, groupindex: the whole pattern's
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"Scanned({self.source[:60]!r}...)"

    def candidates(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Pattern]:
        """The alternatives (in order) that could match in string[pos:endpos]: those whose piece's first characters
        stand somewhere in the text and whose piece is there whole, and those that have no piece."""
        units = self.units
        if len(units) == 1 and units[0][0] is None:
            return [self._unit(0)]
        folded, starts = _folded(string[pos:endpos])
        found = {i for start in starts & self._by_start.keys() for i, form in self._by_start[start] if form in folded}
        return [self._unit(i) for i in sorted(found.union(self._always))]

    def search(self, string, pos=0, endpos=sys.maxsize, units: list[re.Pattern] | None = None):
        """The leftmost match of any alternative; at one place, the first alternative's (as re's alternation).
        `units`: alternatives known to hold every one that could match here (finditer's, for the whole text)."""
        best = None
        for unit in self.candidates(string, pos, endpos) if units is None else units:
            found = unit.search(string, pos, endpos)
            if found and (best is None or found.start() < best.start()):
                best = found
                if best.start() == pos:
                    break
        return best

    def match(self, string, pos=0, endpos=sys.maxsize):
        return next((m for unit in self.candidates(string, pos, endpos) if (m := unit.match(string, pos, endpos))), None)

    def fullmatch(self, string, pos=0, endpos=sys.maxsize):
        return next((m for unit in self.candidates(string, pos, endpos) if (m := unit.fullmatch(string, pos, endpos))),
                    None)

    def finditer(self, string, pos=0, endpos=sys.maxsize):
        if self.empty:
            return self._or_nothing(string, pos, endpos).finditer(string, pos, endpos)
        return self._matches(string, pos, min(endpos, len(string)))

    def _matches(self, string, pos, endpos):
        units = self.candidates(string, pos, endpos)  # a later search reads part of this text: no others can match
        while pos <= endpos and (found := self.search(string, pos, endpos, units)):
            yield found
            pos = found.end()

    def findall(self, string, pos=0, endpos=sys.maxsize):
        return self._or_nothing(string, pos, endpos).findall(string, pos, endpos)

    def sub(self, repl, string, count=0):
        return self._or_nothing(string).sub(repl, string, count)

    def subn(self, repl, string, count=0):
        return self._or_nothing(string).subn(repl, string, count)

    def split(self, string, maxsplit=0):
        return self._or_nothing(string).split(string, maxsplit)

    def _or_nothing(self, string, pos=0, endpos=sys.maxsize) -> re.Pattern:
        """The whole pattern, or one that matches nothing where no alternative could match."""
        return self.compiled if self.candidates(string, pos, endpos) else NOTHING


NOTHING = re.compile(r"(?!)")


@lru_cache(maxsize=256)
def _folded(text: str) -> tuple[str, frozenset[str]]:
    """The text folded as re.IGNORECASE folds it, and each MIN_PIECE characters in it: every pattern read on a clause
    asks for the same."""
    folded = text.translate(FOLDS).lower()
    return folded, frozenset(folded[i:i + MIN_PIECE] for i in range(len(folded) - MIN_PIECE + 1))


@lru_cache(maxsize=65536)
def _read(pattern: str, flags: int) -> tuple[int, bool, tuple[str, ...] | None]:
    """An alternative's group count, whether it can match empty text, and its piece: read once per process, as most
    alternatives are the same in every rule book (a declared measure's words change a few)."""
    tree = parser.parse(pattern, flags)
    return tree.state.groups, tree.getwidth()[0] == 0, piece_in(tree)


@lru_cache(maxsize=4096)
def top_alternatives(pattern: str) -> tuple[str, ...]:
    """The pattern's alternatives at its top level, a group that wraps a whole alternative opened up
    ("(?:a|b)|(?:c)" is a, b and c)."""
    parts = _split_top(pattern)
    if len(parts) == 1:
        inner = _unwrapped(pattern)
        return (pattern,) if inner is None else top_alternatives(inner)
    return tuple(alternative for part in parts for alternative in top_alternatives(part))


def _structure(pattern: str):
    """Each parenthesis and "|" of a pattern that is not escaped and not in a character class, with its place."""
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += pattern[i + 1:i + 2] == "^"
            i += pattern[i + 1:i + 2] == "]"  # a "]" first in a class is a literal
        elif char in "()|":
            yield i, char
        i += 1


def _split_top(pattern: str) -> list[str]:
    """Split at each "|" outside parentheses, character classes and escapes."""
    parts, depth, start = [], 0, 0
    for i, char in _structure(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _unwrapped(pattern: str) -> str | None:
    """The inside of a "(?:...)" that is the whole pattern (not "(?:a)b", nor "(?:a)?"), else None."""
    if not pattern.startswith("(?:") or not pattern.endswith(")") or pattern.endswith("\\)"):
        return None
    inner = pattern[3:-1]
    return inner if _balanced(inner) else None


def _balanced(text: str) -> bool:
    """Parentheses outside classes and escapes never close more than they opened (so the outer pair is one group)."""
    depth = 0
    for _, char in _structure(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def piece_of(pattern: str, flags: int) -> tuple[str, ...] | None:
    """piece_in for a pattern's text."""
    try:
        return piece_in(parser.parse(pattern, flags))
    except re.error:
        return None


def piece_in(tree) -> tuple[str, ...] | None:
    """The spellings (case-folded) of a piece of text every match of `pattern` holds, the longest found; None
    when there is no such piece of MIN_PIECE characters. Folding both sides is safe with or without IGNORECASE:
    it only finds more texts that could match."""
    runs = _runs(list(tree))
    runs = [run for run in runs if min(map(len, run)) >= MIN_PIECE]
    return max(runs, key=lambda run: (min(map(len, run)), -len(run)), default=None)


def _runs(items: list) -> list[tuple[str, ...]]:
    """The pieces of literal text that a sequence of parsed items must consume, each as its spellings."""
    runs: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ("",)

    def close():
        nonlocal current
        if current != ("",):
            runs.append(current)
        current = ("",)

    for op, arg in items:
        if op == sre.LITERAL and arg < 128:
            current = tuple(s + chr(arg).lower() for s in current)
        elif op in ZERO_WIDTH:
            continue  # consumes nothing: the text on either side is still one piece
        elif op == sre.IN and (chars := _class_letters(arg)) is not None and _product(current, chars):
            current = _product(current, chars)
        elif op == sre.SUBPATTERN and not arg[1] and not arg[2]:
            whole = _every_text(list(arg[3]))
            if whole is not None and (joined := _product(current, whole)):
                current = joined
            else:
                close()
                runs.extend(_required(list(arg[3])))
        elif op == sre.BRANCH:
            whole = _every_text([(op, arg)])
            if whole is not None and (joined := _product(current, whole)):
                current = joined
            else:
                close()
                runs.extend(_required([(op, arg)]))
        elif op in REPEATS and arg[0] >= 1:
            close()
            runs.extend(_required(list(arg[2])))
        else:
            close()
    close()
    return runs


def _required(items: list) -> list[tuple[str, ...]]:
    """Pieces a group's inside must consume: those of its sequence, or, for alternatives, one piece of each."""
    if len(items) == 1 and items[0][0] == sre.BRANCH:
        best = []
        for alternative in items[0][1][1]:
            found = [run for run in _runs(list(alternative)) if min(map(len, run)) >= MIN_PIECE]
            if not found:
                return []
            best.append(max(found, key=lambda run: (min(map(len, run)), -len(run))))
        union = tuple(sorted({s for run in best for s in run}))
        return [union] if len(union) <= MAX_FORMS else []
    return _runs(items)


def _every_text(items: list) -> tuple[str, ...] | None:
    """Every text a group can match, when it is only literals and alternatives of them; else None."""
    forms: tuple[str, ...] = ("",)
    for op, arg in items:
        if op == sre.LITERAL and arg < 128:
            forms = tuple(s + chr(arg).lower() for s in forms)
        elif op == sre.BRANCH:
            alternatives = [_every_text(list(a)) for a in arg[1]]
            if any(a is None for a in alternatives):
                return None
            forms = _product(forms, tuple(s for a in alternatives for s in a))
        elif op == sre.SUBPATTERN and not arg[1] and not arg[2]:
            inner = _every_text(list(arg[3]))
            forms = None if inner is None else _product(forms, inner)
        elif op == sre.IN and (chars := _class_letters(arg)) is not None:
            forms = _product(forms, chars)
        else:
            return None
        if not forms:
            return None
    return forms


def _class_letters(items: list) -> tuple[str, ...] | None:
    """A small class of ASCII literals ("[sz]", "[ie]"), as its folded characters; else None."""
    if len(items) > 4 or any(op != sre.LITERAL or arg >= 128 for op, arg in items):
        return None
    return tuple(sorted({chr(arg).lower() for _, arg in items}))


def _product(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...] | None:
    joined = tuple(dict.fromkeys(a + b for a in left for b in right))
    return joined if len(joined) <= MAX_FORMS else None
