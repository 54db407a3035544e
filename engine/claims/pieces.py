"""Where text comes from: every user field that reaches the report, located in the spec, and the
engine's rendered sections. A breach is reported once, at the place its writer can fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.claims import Breach, Licence, find_breaches
from engine.errors import Problem, UserError
from engine.spec.loaded import LoadedSpec
from engine.spec.texts import spec_texts

@dataclass(frozen=True)
class Piece:
    """Text to check and where it came from.

    origin: "specs/lpt.yaml:12:3: programme.response" (spec text, reported at the sentence's line in
    the spec), "report_text/summary.md.j2" (rendered engine text, reported at its line) or a file
    checked by `jdlspec check`. engine: the engine's own text; quoted: its "cannot say" sentences.
    """

    text: str
    origin: str
    engine: bool = False
    quoted: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # the programme's names, read as names in the engine's text
    is_name: bool = False  # the text is itself one of the programme's names (a slogan may be a name)
    source: str | None = None  # the spec file's text, to point at the sentence itself
    line: int | None = None  # the key's line in the spec
    column: int | None = None
    file: str = ""
    where: str = ""


NAME_KEYS = ("programme.name", "programme.title", "programme.organisation")


def spec_pieces(loaded: LoadedSpec) -> list[Piece]:
    pieces = []
    programme = loaded.spec.programme
    names = tuple(n for n in (programme.name, programme.title, programme.organisation) if n.strip())
    for key, text in spec_texts(loaded.spec):
        line, column = loaded.locate(key)
        name = key in NAME_KEYS  # a name is judged as a name; elsewhere the names it declares are names
        pieces.append(Piece(text=text, origin=key, source=loaded.source, line=line, column=column,
                            file=loaded.display, where=key, is_name=name, names=() if name else names))
    return pieces


def _in_source(source: str, from_line: int, text: str, line: int, column: int) -> tuple[int, int] | None:
    """Line and column in the spec file of the sentence that starts at (line, column) of a field's
    text: the raw words found at or after the key's line (a YAML block moves them)."""
    raw = text.splitlines()[line - 1][column - 1:] if line - 1 < len(text.splitlines()) else ""
    words = raw.split()[:4]
    if not words:
        return None
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    lines = source.splitlines(keepends=True)
    offset = sum(len(item) for item in lines[: from_line - 1])
    match = pattern.search(source, offset)
    if match is None:
        return None
    before = source[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def problem(piece: Piece, breach: Breach) -> Problem:
    if piece.line:
        found = _in_source(piece.source, piece.line, piece.text, breach.line, breach.column) if piece.source else None
        line, column = found or (piece.line, piece.column)
        return Problem(piece.file, line, column, piece.where, breach.message)
    return Problem(piece.file or piece.origin, breach.line, None, piece.where, breach.message)


def breaches_of(pieces: list[Piece], licence: Licence, phrases: list[str] = ()) -> list[Problem]:
    return [problem(piece, breach) for piece in pieces
            for breach in find_breaches(piece.text, licence, engine=piece.engine, quoted=piece.quoted,
                                        phrases=tuple(phrases), names=piece.names, is_name=piece.is_name)]


def check_pieces(pieces: list[Piece], licence: Licence, phrases: list[str] = ()) -> None:
    """Raise a UserError with one Problem per breach, or return quietly when all text is licensed."""
    problems = breaches_of(pieces, licence, phrases)
    if problems:
        raise UserError(problems)


def check_spec_text(loaded: LoadedSpec) -> None:
    """Before any statistics (`validate`, the start of `run`): what no result can license —
    relative effects, proof, certainty, universals, 'shows that', no-effect and effect claims."""
    check_pieces(spec_pieces(loaded), Licence.unknown(), list(loaded.spec.report.forbidden_phrases))
