"""The report's sentences for one measure's result (docs/architecture.md §1.9, the seeds' patterns).

The sentences themselves are data (report_text/wording.yaml), so wording can be reviewed and
changed without touching code. This module only picks them by measure and state and hands
them the MeasureResult's numbers, scaled to "per 100 people" (rate-like measures are already
people per 100, frequency is multiplied by 100, time stays in days). Formatting is done by the
engine.words.format filters inside the templates: nothing here turns a number into text
except `count`, which uses format.magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from engine.words.texts import text_data
from engine.words.format import FILTERS, interval_level, magnitude, rounded, whole
from engine.measures import MEASURES
from engine.results import MeasureResult, ProgrammeInfo
from engine.spec.models import Programme

STATES = ("decrease", "increase", "not_significant")


@dataclass(frozen=True)
class MeasureWording:
    """Every sentence the report says about one measure of the headline analysis."""

    measure: str
    state: str  # "decrease" | "increase" | "not_significant"
    typical_treatment: str  # "For any 100 typical people in the treatment group" line
    typical_comparison: str  # the same for the comparison group
    estimate: str  # "Overall estimates of the impact" (headline box) sentence
    can_say: str  # the ✓ sentence, without the ✓ and the quotes
    cannot_say: str  # the ✗ sentence, without the ✗ and the quotes
    chart_caption: str  # "Significant difference between groups" / "Non-significant ..."
    heading: str = ""  # a house's verdict heading ("Increased employment"), where its wording has one


def count(value: float, one: str, many: str, places: int = 0) -> str:
    """'4 people', '1 person': the magnitude of a number and the noun that agrees with it."""
    text = magnitude(value, places)
    return f"{text} {one if text == '1' else many}"


def rate_of(value: float) -> str:
    """' (a rate of 44%)' after 'N of the 100 people'; nothing where N is 100, which says it all (and
    'a rate of 100%' would read as a claim about every person, which the claims engine refuses)."""
    return "" if whole(value) == "100" else " " + _render(_wording()["rate_of"], value=value)


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(FILTERS)
    env.globals["count"] = count
    env.globals["rate_of"] = rate_of
    return env


def _wording() -> dict[str, Any]:
    return text_data("wording")  # the current house's (engine.words.texts caches it)


@lru_cache(maxsize=None)
def _template(source: str):
    return _environment().from_string(source)


def _render(source: str, **context: Any) -> str:
    return " ".join(_template(source).render(**context).split())


def _context(
    measure: str, result: MeasureResult, programme: Programme | ProgrammeInfo, ordinal: int, released: bool = False
) -> dict[str, Any]:
    scale = MEASURES[measure].sentence_scale
    low, high = result.stated_low * scale, result.stated_high * scale  # the deciding test's interval
    near, far = (high, low) if result.state == "decrease" else (low, high)
    difference = result.difference * scale
    change = rounded(difference, 0)
    significance = ""
    if result.state != "not_significant":
        sentences = _wording()["significance"]
        significance = sentences[min(max(ordinal, 0), len(sentences) - 1)]
    return {
        "name": programme.name,
        # a report's programme names its noun; the bulletin's (results.json ProgrammeInfo) keeps the default
        "noun": getattr(programme, "per_hundred_noun", Programme.model_fields["per_hundred_noun"].default),
        "participants": programme.participants,
        "state": result.state,
        "treatment": result.treatment * scale,
        "comparison": result.comparison * scale,
        "per_person_t": result.treatment,
        "per_person_c": result.comparison,
        "difference": difference,
        "low": low,
        "high": high,
        "near": near,
        "far": far,
        "change": 0 if change == 0 else (1 if change > 0 else -1),
        "relative": abs(result.difference) / abs(result.comparison) * 100 if result.comparison else 0.0,
        "significance": significance,
        "after_release": " after release from custody" if released else "",
        "places": MEASURES[measure].decimals,
        "words": _declared_words(measure),
    }


def _declared_words(measure: str) -> dict[str, str]:
    """A measure's words for the sentences of its kind (wording.yaml `declared`): a declared measure's from its
    declaration, a built-in one's from the house's wording.yaml measures.<name>.words (none in the base house,
    which has sentences of its own for each)."""
    words = MEASURES[measure].words or _wording()["measures"].get(measure, {}).get("words")
    if words is None:
        return {}
    unit = words.get("unit") or "units"
    one = unit[:-1] if unit.endswith("s") and len(unit) > 1 else unit
    return {"noun": words["noun"], "people": words["people"], "follow_up": words["follow_up"], "unit": unit,
            "unit_one": one}


def _texts(measure: str) -> dict[str, Any]:
    """A measure's sentences: its kind's for a declared one; a built-in one's own (wording.yaml `measures`),
    except in a house that words every measure by its kind (`by_kind`: the Employment Data Lab's pattern for
    re-offending too), whose kind's sentences replace the ones it has, with the measure's own verdict heading."""
    m, wording = MEASURES[measure], _wording()
    if m.declared:
        return wording["declared"][m.kind]
    own = wording["measures"][measure]
    if not wording.get("by_kind"):
        return own
    return {**own, **wording["declared"][m.kind], **({"heading": own["heading"]} if "heading" in own else {})}


def measure_wording(
    measure: str, result: MeasureResult, programme: Programme | ProgrammeInfo, ordinal: int = 0, released: bool = False
) -> MeasureWording:
    """The sentences for one measure in the state its interval gives.

    `ordinal` is how many significant results the headline box has already stated before this
    one: 0 gives "This is a statistically significant result.", 1 "This is also a ...", 2 or
    more "Again, this is a ..." (as the Making Connections seed). Ignored when not significant.
    `released`: every participant was released from custody, so the time sentences may say so.
    """
    texts = _texts(measure)
    context = _context(measure, result, programme, ordinal, released)
    state = result.state
    caption = _wording()["chart_caption"]["not_significant" if state == "not_significant" else "significant"]
    return MeasureWording(
        measure=measure,
        state=state,
        typical_treatment=_render(texts["typical_treatment"], **context),
        typical_comparison=_render(texts["typical_comparison"], **context),
        estimate=_render(texts["estimate"], **context),
        can_say=_render(texts["can_say"][state], **context),
        cannot_say=_render(texts["cannot_say"][state], **context),
        chart_caption=caption,
        heading=_render(texts["heading"][state], **context) if "heading" in texts else "",
    )


def sustained_sentence(measure: str, state: str, start: int, end: int) -> str:
    """A declared measure's impact, significant in one direction at every time point from `start` to `end`
    months (wording.yaml declared.<kind>.sustained): said only when the results show it (engine.render.view)."""
    return _render(_texts(measure)["sustained"], state=state, start=start, end=end, words=_declared_words(measure))


def sample_size_sentence(rate: MeasureResult, others_significant: bool = False) -> str | None:
    """The headline box's closing sentence: how many participants would settle the rate.

    None when the rate is significant or no finite number exists. With `others_significant`
    (some other headline measure is significant) it speaks of the rate alone, since "the
    directions of these differences" would then wrongly include settled ones.
    """
    if rate.significant or rate.state != "not_significant" or rate.required_treatment_n is None:
        return None
    texts = _wording()["sample_size"]
    return _render(texts["alone" if others_significant else "with_others"], n=rate.required_treatment_n)


def decided_by_note(measure: str, result: MeasureResult, alpha: float) -> str:
    """Which test decided a verdict that is not the table's t-test's, with its p-value and interval
    (wording.yaml decided_by)."""
    deciding = result.decided_by
    mc = deciding.monte_carlo
    return _render(
        _wording()["decided_by"][deciding.test], p=deciding.p_value, welch_p=result.p_value,
        edge=0 if min(result.treatment, result.comparison) <= 0 else 1, low=deciding.ci_low, high=deciding.ci_high,
        places=MEASURES[measure].interval_decimals, level=interval_level(alpha), alpha=f"{alpha:g}",
        yes=result.significant, welch_yes=result.welch_significant, inconclusive=deciding.inconclusive,
        draws=mc.draws if mc else 0, p_low=mc.p_value_low if mc else None, p_high=mc.p_value_high if mc else None,
    )


def e_value_sentence(items: list[dict[str, Any]]) -> str | None:
    """The one sentence of "The results in detail" that gives the E-values (wording.yaml e_values); None
    without any. Each item: about, estimate, bound, scale (results.json e_value)."""
    if not items:
        return None
    approximate = any(i["scale"] == "standardised_difference" for i in items)
    return _render(_wording()["e_values"]["sentence"], items=items, approximate=approximate)


def rounding_differs(measure: str, result: MeasureResult) -> bool:
    """True when the rounded group figures do not differ by the rounded difference (44 - 35 != 9).

    The template then adds the note that totals may not equal the sum due to rounding.
    """
    scale = MEASURES[measure].sentence_scale
    t, c = rounded(result.treatment * scale), rounded(result.comparison * scale)
    return t - c != rounded(result.difference * scale)
