"""The Markdown report's sections: results + spec texts → one view-model → one template per section.

Templates only place and format values; every derived presentation value (percent of the
individuals, which variables were poorly matched, whether a rounding note is needed) is
computed in the view, so the wording can be reviewed without reading statistics. This module
only renders: engine.report makes the report's text and has every sentence checked.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from engine.houses import current
from engine.words.texts import house_dir, labels, report_text_dir, text_data
from engine.spec.texts import spec_texts
from engine.words.format import FILTERS
from engine.words.safe_text import markdown_text, one_line, plain_text
from engine.render.view import report_view
from engine.results import Results
from engine.spec.loaded import LoadedSpec

SECTIONS = [
    "summary", "programme", "measurements", "estimates", "can_say", "charts", "over_time", "own_words", "response",
    "detail", "profile", "matching", "flow", "contacts", "footer",
]
FREE_TEXT_KEYS = (  # the spec's Markdown text (analyses.N.description is added per analysis)
    "report.title", "programme.summary", "programme.in_their_own_words", "programme.response",
    "programme.profile_note", "report.analyses_intro", "report.footer",
)
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]




def people(count: int, one: str = "person", many: str = "people") -> str:
    """'1 person', '4 people', '13,557 records'."""
    return f"{count:,} {one if count == 1 else many}"


def number_word(count: int) -> str:
    """'two' for 2, as the seeds write small counts in prose; digits from 11 up."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else f"{count:,}"


def join_and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def possessive(name: str) -> str:
    """"London Probation Trust's", "Making Connections'"."""
    return name + ("'" if name.endswith("s") else "'s")


def capital(text: str) -> str:
    """First letter upper case, the rest untouched ('the Making ...' → 'The Making ...')."""
    return text[:1].upper() + text[1:]


def quote(text: str) -> str:
    """A Markdown block quotation of free text from the spec."""
    lines = text.strip().splitlines()
    return "\n".join(f"> {line}".rstrip() for line in lines)


def environment() -> SandboxedEnvironment:
    """Sandboxed (spec authors' text never runs as code), strict (a misspelt name is an error); the current
    house's templates first (engine.houses)."""
    return _environment(current())


@lru_cache(maxsize=None)
def _environment(house: str) -> SandboxedEnvironment:
    own = house_dir(house)
    folders = ([str(own)] if own is not None else []) + [str(report_text_dir())]
    env = SandboxedEnvironment(
        loader=FileSystemLoader(folders),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(
        people=people, number_word=number_word, join_and=join_and, possessive=possessive, capital=capital,
        quote=quote,
    )
    return env


def tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank lines at the ends."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render_sections(loaded: LoadedSpec, results: Results, view: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """(section name, Markdown) for every section that has something to say, in report order."""
    view = view or report_view(loaded, results, labels())
    rendered = []
    for name in text_data("labels").get("sections", SECTIONS):  # a house may order its own
        text = tidy(environment().get_template(f"{name}.md.j2").render(**view))
        if text:
            rendered.append((name, text))
    return rendered


def free_texts(spec) -> list[tuple[str, str]]:
    """(key path, text) for the spec's Markdown free text."""
    found = []
    for key in FREE_TEXT_KEYS:
        value = spec
        for part in key.split("."):
            value = getattr(value, part, None)
        found.append((key, value))
    found += [(f"analyses.{i}.description", a.description) for i, a in enumerate(spec.analyses)]
    return [(key, text) for key, text in found if text]


def safe_spec(loaded: LoadedSpec) -> LoadedSpec:
    """The spec as the report prints it (engine.words.safe_text): free text without raw HTML or
    images, the title on one line, every other printed field one line of plain text."""
    spec = loaded.spec
    data = spec.model_dump()
    free = {key for key, _ in free_texts(spec)}
    for key, text in spec_texts(spec):
        parts = key.split(".")
        if "variables" in parts or "pool" in parts:
            continue  # column names and values, matched against the data, not printed as written
        new = one_line(text) if key == "report.title" else markdown_text(text) if key in free else plain_text(text)
        target = data
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(parts[-1]) if isinstance(target, list) else parts[-1]] = new
    return replace(loaded, spec=type(spec).model_validate(data))


def safe_results(results: Results) -> Results:
    """Analysis names and pool values (from the spec, carried in the results) as plain text."""
    analyses = [a.model_copy(update={
        "name": plain_text(a.name),
        "description": markdown_text(a.description) if a.description else a.description,
        "pool_restriction": {k: [plain_text(str(v)) for v in vs] for k, vs in a.pool_restriction.items()},
    }) for a in results.analyses]
    return results.model_copy(update={"analyses": analyses})
