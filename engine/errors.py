"""User-facing problems: what the person who wrote the spec or the data must fix.

A `UserError` carries every problem found in one pass; the CLI prints one line each
and exits 1 without a traceback. Anything else that escapes is an internal error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def display_path(path: str | os.PathLike) -> str:
    """A path as the user would type it: relative to the working folder when inside it, with forward
    slashes on every system (Windows accepts them too), so messages and outputs are the same everywhere."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def how_many(n: int, one: str, many: str | None = None) -> str:
    """'1 evaluation', '2 evaluations', '1,234 people': a count and the noun that agrees with it, for every
    message and line a command prints (the report's own sentences use engine.words.wording.count)."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, located as precisely as we can: file, line, column, key or column name."""

    file: str
    line: int | None
    column: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class UserError(Exception):
    """Raised with every problem found; never a sign of a bug in jdlspec."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnalysisError(Exception):
    """A statistical stage cannot go on with this data (a constant variable, perfect separation, ...).

    The pipeline turns it into a UserError that points at the analysis in the spec.
    """
