"""The Markdown report: results + spec texts → one view-model → one template per section.

Templates only place and format values; every derived presentation value (percent of the
individuals, which variables were poorly matched, whether a rounding note is needed) is
computed here, so the wording can be reviewed without reading statistics. The rendered text
is checked against the wording rules before anything is returned: a report that claims more
than its results allow is never written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Callable

import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from engine.wording import report_text_dir
from engine.claims import Piece, check_claims, spec_pieces, spec_texts
from engine.render.format import FILTERS
from engine.render.view import report_view
from engine.results import Results
from engine.spec.loaded import LoadedSpec

SECTIONS = [
    "summary", "programme", "measurements", "estimates", "can_say", "charts", "own_words", "response",
    "detail", "profile", "matching", "flow", "contacts", "footer",
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    """report_text/labels.yaml: the words for columns, levels and measures."""
    return yaml.safe_load((report_text_dir() / "labels.yaml").read_text(encoding="utf-8"))


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


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """Sandboxed (spec authors' text never runs as code), strict (a misspelt name is an error)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(report_text_dir())),
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


def render_sections(loaded: LoadedSpec, results: Results) -> list[tuple[str, str]]:
    """(section name, Markdown) for every section that has something to say, in report order."""
    view = report_view(loaded, results, labels())
    rendered = []
    for name in SECTIONS:
        text = tidy(environment().get_template(f"{name}.md.j2").render(**view))
        if text:
            rendered.append((name, text))
    return rendered


def map_free_text(loaded: LoadedSpec, change: Callable[[str], str]) -> LoadedSpec:
    """The spec with every piece of its free text (claims.spec_texts) passed through `change`."""
    spec = loaded.spec
    parts = {"programme": spec.programme, "report": spec.report}
    updates: dict[str, dict[str, str]] = {"programme": {}, "report": {}}
    for key, text in spec_texts(spec):
        section, _, field = key.partition(".")
        if section in updates:
            updates[section][field] = change(text)
    analyses = [a.model_copy(update={"description": change(a.description)}) if a.description else a
                for a in spec.analyses]
    changed = {name: parts[name].model_copy(update=fields) for name, fields in updates.items()}
    return replace(loaded, spec=spec.model_copy(update={**changed, "analyses": analyses}))


def no_raw_html(text: str) -> str:
    """Spec text may use Markdown but not HTML: a `<script>` stays text in every Markdown reader."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(loaded: LoadedSpec, results: Results) -> str:
    """The whole report as Markdown; raises UserError when any sentence breaks a wording rule."""
    sections = render_sections(map_free_text(loaded, no_raw_html), results)
    # the templates' own words are checked apart from the spec's, so that a breach in the spec's
    # text is reported once, at its line in the spec
    pieces = spec_pieces(loaded) + [
        Piece(text, f"report_text/{name}.md.j2", quoted_forbidden_ok=True)
        for name, text in render_sections(map_free_text(loaded, lambda text: ""), results)
    ]
    states = {name: measure.state for name, measure in results.headline.measures.items()}
    check_claims(pieces, states, list(loaded.spec.report.forbidden_phrases))
    return "\n\n".join(text for _, text in sections) + "\n"
