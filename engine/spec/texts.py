"""The spec's printed texts: every string the report shows (names, titles, organisation, contacts,
analysis names and descriptions, nouns, free text, footer), with its key path. The claims engine
checks each at its line; the renderers escape each as the report prints it."""

from __future__ import annotations

from pydantic import BaseModel

NOT_SHOWN = ("data", "exclusions", "measures", "spec_version", "statistics", "small_groups", "balance",
             "report.forbidden_phrases", "report.published", "report.suppress_below", "matching.method",
             "matching.caliper", "matching.ratio", "matching.replace", "matching.reference_levels",
             "matching.categorical", "publication", "service.house")
# a declared measure's keys that name columns or choices, not words the report prints
NOT_SHOWN_IN_MEASURES = ("column", "event_column", "kind", "good", "words.recognise")



def _measure_key(path: str) -> str | None:
    """'words.recognise' for 'outcome_measures.in_work.words.recognise.0': a declared measure's own key."""
    parts = path.split(".")
    if parts[0] != "outcome_measures" or len(parts) < 3:
        return None
    return ".".join(p for p in parts[2:] if not p.isdigit())


def _strings(value, path: str):
    """(key path, text) for every string under a spec value, in the spec's order."""
    if path in NOT_SHOWN or _measure_key(path) in NOT_SHOWN_IN_MEASURES:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")


def spec_texts(spec) -> list[tuple[str, str]]:
    """(key path, text) for every piece of text in the spec that the report prints (names, titles,
    organisation, contacts, analysis names and descriptions, nouns, free text, footer)."""
    return [(key, text) for key, text in _strings(spec, "") if text.strip()]
