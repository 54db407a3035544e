"""Plain-English messages for spec mistakes.

The people who edit specs are not programmers, so pydantic's own wording ("Input should be a
valid number, unable to parse string as a number") never reaches them: each common pydantic
error type is translated here into what was expected and what they wrote, with a
"did you mean" wherever a close spelling exists.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from engine.measures import WORDS
from engine.spec.models import Spec

# What a Literal-valued key holds, for "'frequncy' is not a measure".
LITERAL_NOUNS = {
    "measures": "a measure",
    "exclusions": "an exclusion step",
    "link_on": "a linking field",
    "method": "a matching method",
    "extra_test": "an extra test",
}

YAML_HINTS = {
    "mapping values are not allowed here": "a ':' where YAML did not expect one; check the line above for a key "
    "without its ':', and put text that contains ': ' in quotes",
    "expected <block end>, but found": "this line does not fit the indentation of the lines above it "
    "(a key among list items, or a list item among keys)",
    "could not find expected ':'": "expected 'key: value' here; check the colon after the key and the indentation",
    "expected ',' or ']'": "a list opened with '[' at line {start} is not closed with ']'",
    "expected ',' or '}'": "a mapping opened with '{{' at line {start} is not closed with '}}'",
    "did not find expected key": "this line is not indented like the keys around it",
    "did not find expected '-' indicator": "this line is not indented like the list items around it",
    "found unexpected end of stream": "the file ends inside an unfinished value; check for an unclosed quote or bracket",
    "found a tab character that violates indentation": "tab character in indentation; use spaces",
    "expected a single document in the stream": "the file holds more than one YAML document; remove the '---' line",
}

TAB = "tab character in indentation; use spaces"
MERGE_MARKER = "merge conflict marker: resolve the conflict in git first"
EMPTY = "the file is empty; a spec starts with 'spec_version: 1'"


KEY_WITH_VALUE = re.compile(r"^(\s*)(?:-\s+)?([^:#\s][^:#]*?):\s+[^\s|>#]")


def indentation_hint(text: str, line: int) -> str | None:
    """When a line is indented deeper than a 'key: value' line above it, say so: YAML reads the deeper
    line as more of that value and then stumbles on its ':', which its own message hides."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    current = lines[line - 1]
    above = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")),
                 None)
    if above is None:
        return None
    match = KEY_WITH_VALUE.match(lines[above - 1])
    indent = len(current) - len(current.lstrip(" "))
    if not match or indent <= len(match.group(1)):
        return None
    key_column = lines[above - 1].index(match.group(2))
    return (f"indentation: this line is indented more than '{match.group(2)}' on line {above}, which already has "
            f"its value; indent it by {key_column} spaces like '{match.group(2)}' (or check for a missing key above)")


def decimal_comma(value: Any) -> str | None:
    """'0,2' as 0.2: the decimal comma of many locales."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
        return value.strip().replace(",", ".")
    return None


def percent_as_fraction(value: Any) -> str | None:
    """'5%' as 0.05: a percentage where the spec takes a proportion."""
    match = isinstance(value, str) and re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
    return f"{float(match.group(1)) / 100:g}" if match else None


def did_you_mean(word: object, choices: list[str]) -> str:
    """'; did you mean 'caliper'?' when a choice is close to the word, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def wrote(value: Any) -> str:
    """The value as the person wrote it, for '(you wrote ...)'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping of keys and values"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unwrap(annotation: Any) -> list[Any]:
    """The types inside Optional/Union annotations."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def model_at(path: tuple) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at a key path (None when it is not a model)."""
    current: Any = Spec
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
        candidates = _unwrap(current)
        current = candidates[0] if len(candidates) == 1 else current
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def allowed_keys(path: tuple) -> list[str]:
    model = model_at(path)
    return list(model.model_fields) if model else []


def unknown_key(key: object, parent: tuple) -> str:
    allowed = allowed_keys(parent)
    hint = did_you_mean(key, allowed)
    if hint or not allowed:
        return f"unknown key '{key}'{hint}"
    return f"unknown key '{key}' (allowed keys: {', '.join(allowed)})"


def number(value: Any) -> str:
    """0.0 reads as 0, 0.25 as 0.25."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choices(expected: str) -> list[str]:
    quoted = re.findall(r"'([^']*)'", expected)
    return quoted or [c.strip() for c in re.split(r",| or ", expected) if c.strip()]


def literal(value: Any, expected: str, path: tuple) -> str:
    choices = _choices(expected)
    key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    noun = LITERAL_NOUNS.get(key)
    listed = ", ".join(choices)
    if noun is None:
        if len(choices) == 1:
            return f"must be {choices[0]} (you wrote {wrote(value)})"
        return f"must be one of {listed} (you wrote {wrote(value)})"
    return f"{wrote(value)} is not {noun}{did_you_mean(value, choices)} (choose from {listed})"


def _size(error: dict) -> str:
    ctx = error.get("ctx") or {}
    n = ctx.get("min_length", 1)
    return "must not be empty" if n == 1 else f"must have at least {n} items"


def translate(error: dict, path: tuple, union_tags: list[str], written: str | None = None) -> str:
    """One pydantic error, at a key path of the data, in plain English. `written`: the value's text as the
    spec has it, where YAML read it as a number or date (an ID such as 0123 is an octal number to YAML)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    you = f"(you wrote {wrote(value)})"
    if union_tags:
        kinds = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false"}
        wanted = " or ".join(kinds.get(t.split("[")[0], t) for t in union_tags)
        return f"must be {wanted} {you}"
    if kind == "missing":
        return f"missing required key '{path[-1]}'"
    if kind == "extra_forbidden":
        return unknown_key(path[-1], path[:-1])
    if kind == "literal_error":
        return literal(value, str(ctx.get("expected", "")), path)
    if kind == "greater_than":
        return f"must be greater than {number(ctx['gt'])} {you}"
    if kind == "greater_than_equal":
        return f"must be at least {number(ctx['ge'])} {you}"
    if kind == "less_than":
        return f"must be less than {number(ctx['lt'])} {you}"
    if kind == "less_than_equal":
        return f"must be at most {number(ctx['le'])} {you}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number {you}"
    if kind == "finite_number":
        return f"must be an ordinary number, not infinity or NaN {you}"
    if kind in ("float_parsing", "float_type"):
        if point := decimal_comma(value):
            return f"must be a number {you}; write {point}, with a decimal point"
        if fraction := percent_as_fraction(value):
            return f"must be a number {you}; write {fraction}, a proportion rather than a percentage"
        return f"must be a number {you}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false {you}"
    if kind.startswith("date") or kind.startswith("datetime"):
        if isinstance(value, str):
            return f"'{value}' is not a date; write it as YYYY-MM-DD"
        return f"must be a date written as YYYY-MM-DD {you}"
    if kind == "list_type":
        return f"must be a list, e.g. [a, b] {you}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        keys = allowed_keys(path)
        shown = f" ({', '.join(keys[:6])}{', ...' if len(keys) > 6 else ''})" if keys else ""
        return f"must be a mapping of keys{shown} {you}"
    if kind in ("string_type", "string_sub_type"):
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            text = written or wrote(value)
            return f"must be text (you wrote {text}); put it in quotes: '{text}'"
        return f"must be text {you}"
    if kind == "too_short":
        return f"{_size(error)} {you}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error.get("msg", "")))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == WORDS:
        return f"may hold only letters, digits, spaces and , ' ( ) % : / - {you}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    return f"{error.get('msg', kind)} {you}"

ALIAS = ("aliases (*name) are not allowed in a spec; write the value out in full "
         "(anchors and aliases can make a small file expand without end)")
TOO_DEEP = "the spec is nested more than {depth} levels deep; a spec needs at most four"
CONTROL = "control character {code} in the spec; delete it (only tabs and line breaks are allowed)"
TOO_LONG_TEXT = "is {length:,} characters long; a text in a spec may be at most {limit:,}"
TOO_BIG = "is {size:,} bytes; a spec is a few kilobytes (at most {limit:,} bytes), so this is not one"
