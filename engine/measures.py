"""The outcome measures: one entry each, and the one place that says what a measure is.

A measure compares the participants with their weighted comparison group on one reference
column. Its entry says which column it reads and how that column is typed, its kind (a
proportion of people with the event, a count per person, or days among the people with the
event), which direction is the good one, whether it may be a headline, and its decimals in each
output. Every stage reads this registry: the spec's list of measure names, the data contract's
outcome columns, the leakage check, the statistics, disclosure, the claims engine, the view, the
annex, the charts and the type-I benchmark. Nothing else restates it.

A measure's words (table captions, chart titles, sentences, the vocabulary the claims engine
recognises it by) are data under report_text/, keyed by the measure's name: labels.yaml
`measures`, wording.yaml `measures` and rules.yaml `vocabulary.outcome`. Adding a measure of an
existing kind is one entry here, its words there, its column in the synthetic data, and its tests
(docs/architecture.md, "Adding a measure").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["proportion", "count", "days"]
Direction = Literal["decrease", "increase"]
ColumnType = Literal["flag", "count", "days", "text"]

EVENT_COLUMN = "reoffended"  # who had the event (a proven re-offence): the people "days" and "count" speak of
PRIMARY = "rate"  # the Justice Data Lab's primary measure: the sample-size sentence and the exact test are its
PER_HUNDRED = 100.0  # proportions are stated per 100 people (%), and so are counts in sentences


@dataclass(frozen=True)
class Measure:
    name: str  # as the spec's `measures` names it
    column: str  # the reference column it reads (the data contract's name)
    column_type: ColumnType  # how that column's values are read and checked
    description: str  # the column's meaning, for the spec's `data.columns` key
    kind: Kind
    good: Direction  # the direction that would be a good result
    headline: bool  # may be one of the key findings
    decimals: int  # its figures in the tables, the annex and the charts' value labels (as the seeds print them)
    interval_decimals: int  # the annex's interval bounds
    events: tuple[str, ...] = ()  # text columns: the values (trimmed, any case) that count as the event
    empty_without_event: bool = False  # an empty value means "no" for a person without the event
    unit: str = ""  # the chart's value suffix
    per_hundred: bool = field(init=False)  # sentences state it per 100 people

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_hundred", self.kind in ("proportion", "count"))

    @property
    def among_event(self) -> bool:
        """Computed over the people with the event only (time to first re-offence: re-offenders)."""
        return self.kind == "days"

    @property
    def needs_event_column(self) -> bool:
        return self.column != EVENT_COLUMN and (self.among_event or self.empty_without_event)

    @property
    def sentence_scale(self) -> float:
        """Multiplier from a per-person figure to what sentences state (offences per person -> per 100 people)."""
        return PER_HUNDRED if self.kind == "count" else 1.0


_REGISTRY = (
    Measure("rate", EVENT_COLUMN, "flag", "Reference: proven re-offence within one year (0/1).",
            "proportion", "decrease", True, 1, 0, unit="%"),
    Measure("frequency", "reoffences", "count", "Reference: proven re-offences in the year (count).",
            "count", "decrease", True, 2, 1),
    Measure("time_to_first_reoffence", "days_to_first_reoffence", "days",
            "Reference: days to first proven re-offence (1-365).",
            "days", "increase", True, 1, 0),
    Measure("severity", "reoffence_severity", "text", "Reference: severity of the most serious re-offence (text).",
            "proportion", "decrease", False, 1, 0, events=("serious", "high"),
            unit="%"),
    Measure("custody", "reoffence_custody", "flag", "Reference: a re-offence led to a custodial sentence (0/1).",
            "proportion", "decrease", False, 1, 0, empty_without_event=True,
            unit="%"),
)

MEASURES: dict[str, Measure] = {}
NAMES: tuple[str, ...] = ()
HEADLINE_NAMES: tuple[str, ...] = ()
OUTCOME_COLUMNS: tuple[str, ...] = ()  # the reference columns some measure reads (never matching variables)
COLUMN_TYPES: dict[str, ColumnType] = {}


def register(*entries: Measure) -> None:
    """Add measures to the registry. Call it before the rest of engine is imported: the spec's models
    and the other floors take the registry's names when they are imported (tests add one this way)."""
    global NAMES, HEADLINE_NAMES, OUTCOME_COLUMNS
    for entry in entries:
        if entry.name in MEASURES:
            raise ValueError(f"measure {entry.name} is registered twice")
        MEASURES[entry.name] = entry
        COLUMN_TYPES[entry.column] = entry.column_type
    NAMES = tuple(MEASURES)
    HEADLINE_NAMES = tuple(m.name for m in MEASURES.values() if m.headline)
    OUTCOME_COLUMNS = tuple(dict.fromkeys(m.column for m in MEASURES.values()))


register(*_REGISTRY)


def measure(name: str) -> Measure:
    return MEASURES[name]


def columns_read(name: str) -> list[str]:
    """The reference columns a measure reads: its own, and the event column when it depends on it."""
    m = MEASURES[name]
    return [m.column] + ([EVENT_COLUMN] if m.needs_event_column else [])


def days_measure(names) -> str | None:
    """The first "days among those with the event" measure among `names` (the report words it apart)."""
    return next((n for n in names if n in MEASURES and MEASURES[n].among_event), None)
