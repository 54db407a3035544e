"""What `jdlspec check` reads of a document: its visible blocks, each line knowing where it is.

Every format reader (plain text here, HTML and Markdown in html_text.py, .docx in docx_text.py) turns
a document into blocks, one per paragraph, table cell or list item a reader sees, and the claims
engine gets them one paragraph each, separated by blank lines (so that two cells are never read as
one sentence). Each line keeps its place in the document (a source line, or "table 1, row 2, cell 3"
in a .docx), since the engine's own line numbers count lines of a text nobody wrote.
Files are read within limits and never opened when they are not regular files (a FIFO would block).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
# The largest file of each format read: far beyond any press release or board paper, and within a
# minute's work (markdown-it parses about 100 KB a second of hostile Markdown, the claims engine reads
# about 50 KB a second of text).
FILE_LIMITS = {".docx": 50 * MB, ".html": 5 * MB, ".htm": 5 * MB, ".md": MB, ".markdown": MB, ".txt": MB}
DOCX_LIMIT = 50 * MB  # what a .docx's parts may inflate to, all together
VISIBLE_TEXT_LIMIT = MB  # what the claims engine reads of one document
FORMATS = ".docx, .md (or .markdown), .html (or .htm) and .txt"

Place = int | str  # a source line (Markdown, HTML, text) or a place in a .docx ("table 1, row 2, cell 3")


class DocumentError(Exception):
    """A document that cannot be read as its reader sees it: one line saying why."""


@dataclass(frozen=True)
class Line:
    text: str
    place: Place


Block = list[Line]  # one paragraph, cell, list item or heading, as the reader sees it


def size_text(limit: int) -> str:
    return f"{limit // MB} MB"


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Opened without blocking and checked on the
    open descriptor, so a FIFO, a device such as /dev/zero or a folder is refused, never waited on."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except IsADirectoryError:
        raise DocumentError("a folder, not a document") from None
    except OSError as error:
        raise DocumentError(f"cannot open it ({(error.strerror or str(error)).lower()})") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise DocumentError("a folder, not a document")
        if not stat.S_ISREG(mode):
            raise DocumentError("not a regular file (a pipe, device or socket): give a saved document")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except BlockingIOError:
        raise DocumentError("not a regular file: give a saved document") from None
    except OSError as error:
        raise DocumentError(f"cannot read it ({(error.strerror or str(error)).lower()})") from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise DocumentError(f"larger than {size_text(limit)}, the most jdlspec check reads")
    return b"".join(chunks)


META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes, html: bool = False) -> str:
    """Text in UTF-8 (or UTF-16 with its byte-order mark); HTML may name another encoding in <meta charset>,
    as Word's "Save as Web Page" does. Anything else is refused rather than guessed."""
    for mark, codec in BOMS:
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(codec)
            except UnicodeDecodeError as error:
                raise DocumentError(f"not {codec.upper()} text as its byte-order mark says (byte {error.start + 1})") \
                    from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        declared = META_CHARSET.search(data[:4096]) if html else None
        if declared:
            name = declared.group(1).decode("ascii")
            try:
                return data.decode(codecs.lookup(name).name)
            except (LookupError, UnicodeDecodeError):
                raise DocumentError(f"not text in {name}, the encoding it declares") from None
        raise DocumentError(f"not UTF-8 text (byte {error.start + 1}): save it as UTF-8") from None


def plain_blocks(text: str, place=lambda line: line) -> list[Block]:
    """Plain text as it is: a blank line ends a paragraph; each line keeps its line number (line ends
    counted as an editor counts them: LF, CRLF or CR)."""
    blocks: list[Block] = [[]]
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if raw.strip():
            blocks[-1].append(Line(raw, place(number)))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def engine_text(blocks: list[Block]) -> tuple[str, list[Place | None]]:
    """The text the claims engine reads: one paragraph per block, separated by blank lines; and the place
    of each of its lines (index 0 unused, as the engine counts lines from 1). A character that str.splitlines
    takes for a line end (form feed, U+2028, ...) starts a new line here too, in the same place, so the
    engine's line numbers stay those of this list. Refused beyond VISIBLE_TEXT_LIMIT."""
    lines: list[str] = []
    places: list[Place | None] = [None]
    size = 0
    for block in blocks:
        parts = [(piece, line.place) for line in block for piece in line.text.splitlines() if piece.strip()]
        if not parts:
            continue
        if lines:
            lines.append("")
            places.append(None)
        for piece, place in parts:
            lines.append(piece)
            places.append(place)
            size += len(piece) + 1
        if size > VISIBLE_TEXT_LIMIT:
            raise DocumentError(f"more than {size_text(VISIBLE_TEXT_LIMIT)} of visible text, the most jdlspec "
                                "check reads in one document: check it in parts")
    return "\n".join(lines), places
