"""Texts the spec's writer must supply: `jdlspec new` writes them as 'FILL IN: ...' placeholders.

A placeholder left in place is a problem at its own line ("fill in programme.summary"), so a
new spec refuses to validate or run until every one is replaced, and no report can ever print one.
"""

from __future__ import annotations

from typing import Any, Callable

MARKER = "FILL IN"


def is_placeholder(value: Any) -> bool:
    """Text that starts with the marker in any case, or holds it in capitals anywhere: a writer who
    typed in front of the placeholder, or around it, has not replaced it yet (fail closed)."""
    return isinstance(value, str) and (value.lstrip().upper().startswith(MARKER) or MARKER in value)


def _hint(text: str) -> str:
    """What the placeholder asks for: the rest of its line after the marker."""
    at = text.find(MARKER)
    rest = text[at + len(MARKER):] if at >= 0 else text.lstrip()[len(MARKER):]
    return rest.splitlines()[0].lstrip(" :").strip() if rest.strip() else ""


def placeholders(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(key path, the placeholder's hint) for every placeholder left in the spec's data, in file order."""
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in placeholders(value, path + (key,))]
    if isinstance(data, list):
        return [found for i, value in enumerate(data) for found in placeholders(value, path + (i,))]
    if is_placeholder(data):
        return [(path, _hint(data))]
    return []


def placeholder_message(key: str, hint: str) -> str:
    return f"fill in {key}" + (f": {hint}" if hint else "") + " (replace the 'FILL IN' placeholder)"


def placeholder_problems(data: Any, problem: Callable[[tuple, str], None]) -> None:
    """Report each placeholder through `problem(path, message)`."""
    for path, hint in placeholders(data):
        problem(path, placeholder_message(".".join(str(p) for p in path), hint))
