"""Normalise: the text a reader sees, so that no disguise hides a claim (issue 7, step 1).

Each line is normalised on its own and keeps, for every character of the result, the index of
the raw character it came from, so a breach can still be pointed at in the file the person wrote.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Letters that look like Latin ones (Cyrillic, Greek, and a few others) fold to the Latin letter.
LOOK_ALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ӏ": "l", "һ": "h", "ɡ": "g", "ո": "n", "ս": "u", "ɑ": "a", "ı": "i",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "γ": "y", "η": "n",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # quotes and hyphens the reader cannot tell apart from the plain ones
    "‘": "'", "’": "'", "ʼ": "'", "′": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "‒": "-", "−": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ",
})
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
PLAIN = re.compile(r"[^&<\[*_~`\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\U0010ffff]*")  # no entity, tag, link, mark, control
WORD = re.compile(r"[^ \t\r\n]+")
ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # CommonMark: ASCII punctuation
MARKUP = frozenset("<>[]()*_~`!&\\")  # what markup is made of: literal copies of these are protected
LITERAL = 0xE000  # private-use plane: a literal markup character while the markup is dropped
EMPHASIS = re.compile(r"\*\*+|__+|~~+|(?<=\w)[*_~`]+(?=\w)|(?<=\w)[*_~`]+(?!\w)|(?<!\w)[*_~`]+(?=\w)")


def _invisible(char: str) -> bool:
    """Zero-width, bidi controls, soft hyphen (all format characters) and combining marks."""
    return unicodedata.category(char) in ("Cf", "Mn", "Me", "Cc")


def _decode(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """One pass of HTML entity decoding, each decoded character keeping the entity's raw index (and
    literal: an entity is text, never markup)."""
    text = "".join(_plain(c) for c, _ in chars)
    out: list[tuple[str, int]] = []
    position = 0
    for match in ENTITY.finditer(text):
        out += chars[position:match.start()]
        out += [(_literal(c), chars[match.start()][1]) for c in html.unescape(match.group())]
        position = match.end()
    return out + chars[position:]


RLO, BIDI_END = "\u202e", ("\u202c", "\u2069")  # right-to-left override; pop directional formatting/isolate


def _overridden(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A right-to-left override shows the characters after it in reverse order, up to its pop (or the
    line's end): reverse them, so that the words are checked as the reader sees them."""
    out: list[tuple[str, int]] = []
    position = 0
    while position < len(chars):
        if chars[position][0] != RLO:
            out.append(chars[position])
            position += 1
            continue
        end = next((i for i in range(position + 1, len(chars)) if chars[i][0] in BIDI_END), len(chars))
        out += chars[position + 1:end][::-1]
        position = end + 1
    return out


def _characters(line: str) -> list[tuple[str, int]]:
    """(reader's character, raw index): Markdown's backslash escapes and HTML entities become the
    literal characters they stand for (decoded until none is left, so &amp;#118; too), tags written
    as tags vanish first, NFKC per character (full-width digits, ％, ligatures, mathematical
    letters), look-alikes folded, invisibles dropped. A literal character is held as a private-use
    character (LITERAL + its code) until the markup is gone: `\\_` and `&lt;b&gt;` are what the
    reader sees, never emphasis or a tag."""
    if line.isascii() and "&" not in line and "\\" not in line:  # nothing to decode, fold or reorder
        return [(" " if c in "\t\r\n" else c, i) for i, c in enumerate(line) if " " <= c < "\x7f" or c in "\t\r\n"]
    out = _escaped([(c, i) for i, c in enumerate(line)])
    out = _drop(out, TAG)
    for _ in range(4):
        decoded = _decode(out)
        if decoded == out:
            break
        out = decoded
    out = _overridden(out)
    folded: list[tuple[str, int]] = []
    for char, index in out:
        if _is_literal(char):
            folded.append((char, index))
            continue
        for piece in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            piece = piece.translate(LOOK_ALIKES)
            if piece in "\r\n":
                piece = " "
            if not _invisible(piece):
                folded.append((piece, index))
    return folded


def _literal(char: str) -> str:
    return chr(LITERAL + ord(char)) if char in MARKUP else char


def _plain(char: str) -> str:
    return chr(ord(char) - LITERAL) if _is_literal(char) else char


def _is_literal(char: str) -> bool:
    return LITERAL <= ord(char) < LITERAL + 128


def _escaped(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Markdown's backslash escapes: `\\*` is a literal asterisk (the backslash is not shown)."""
    out: list[tuple[str, int]] = []
    position = 0
    while position < len(chars):
        char, index = chars[position]
        if char == "\\" and position + 1 < len(chars) and chars[position + 1][0] in ESCAPABLE:
            out.append((_literal(chars[position + 1][0]), chars[position + 1][1]))
            position += 2
            continue
        out.append((char, index))
        position += 1
    return out


def _drop(chars: list[tuple[str, int]], pattern: re.Pattern, keep_group: int | None = None) -> list[tuple[str, int]]:
    text = "".join(c for c, _ in chars)
    kept: list[tuple[str, int]] = []
    position = 0
    for match in pattern.finditer(text):
        kept += chars[position:match.start()]
        if keep_group is not None:
            kept += chars[match.start(keep_group):match.end(keep_group)]
        position = match.end()
    return kept + chars[position:]


def reader_line(line: str) -> tuple[str, list[int]]:
    """One line as the reader sees it, and the raw index of each of its characters.

    HTML tags and Markdown emphasis vanish ("pro*ves*" reads "proves", "pro<b></b>ves" too), a
    link shows its text, and runs of spaces become one space.
    """
    if PLAIN.fullmatch(line):
        return _plain_line(line)
    chars = _characters(line)
    chars = _drop(chars, TAG)
    chars = _drop(chars, LINK, keep_group=1)
    chars = _drop(chars, EMPHASIS)
    squeezed: list[tuple[str, int]] = []
    for char, index in chars:
        if char == " " and (not squeezed or squeezed[-1][0] == " "):
            continue
        squeezed.append((char, index))
    while squeezed and squeezed[-1][0] == " ":
        squeezed.pop()
    return "".join(_plain(c) for c, _ in squeezed), [i for _, i in squeezed]


def _plain_line(line: str) -> tuple[str, list[int]]:
    """reader_line for a line of printable ASCII with no entity, tag, link or emphasis mark: only the
    spaces change (the first space after each word stays, where the line has one)."""
    words = [(m.start(), m.end()) for m in WORD.finditer(line)]
    index: list[int] = []
    for number, (start, end) in enumerate(words):
        index.extend(range(start, end + (number < len(words) - 1)))
    return " ".join(line[start:end] for start, end in words), index


def reader_text(text: str) -> str:
    """A whole text as the reader sees it, line by line (for tests and messages)."""
    return "\n".join(reader_line(line)[0] for line in text.splitlines())
