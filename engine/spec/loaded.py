"""A validated spec together with where it came from, so later stages can point at its lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import Problem, display_path
from engine.spec.models import Spec


@dataclass(frozen=True)
class LoadedSpec:
    """The spec, its file, and the (line, column) of every key path such as 'programme.response'."""

    spec: Spec
    path: Path
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    source: str | None = None  # the file's text as loaded, so messages can point inside a block of text

    @property
    def name(self) -> str:
        """The spec's name: its file name without the extension (reports/<name>/ by default)."""
        return self.path.stem

    @property
    def display(self) -> str:
        return display_path(self.path)

    def resolve(self, relative: str) -> Path:
        """A data path from the spec, relative to the spec file's folder."""
        return (self.path.parent / relative).resolve()

    def locate(self, key_path: str) -> tuple[int | None, int | None]:
        """Line and column (1-based) of a key path, or of its nearest located parent."""
        parts = key_path.split(".")
        while parts:
            found = self.positions.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return (None, None)

    def sha256(self) -> str:
        return file_sha256(self.path)


def spec_problem(loaded: LoadedSpec, key: str, message: str) -> Problem:
    """A problem located at the spec line that asked for something."""
    line, column = loaded.locate(key)
    return Problem(loaded.display, line, column, key, message)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks so a national data file never sits in memory twice."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
