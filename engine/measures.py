"""The outcome measures: one entry each, and the one place that says what a measure is.

A measure compares the participants with their weighted comparison group on one reference
column. Its entry says which column it reads and how that column is typed, its kind (a
proportion of people with the event, a count per person, a mean of a count or duration, or days
among the people with the event), which direction is the good one, whether it may be a headline,
and its decimals in each output. Every stage reads this registry: the spec's list of measure names,
the data contract's outcome columns, the leakage check, the statistics, disclosure, the claims
engine, the view, the annex, the charts and the type-I benchmark. Nothing else restates it.

Two sources fill it. The built-in re-offending measures are entries here, and their words (table
captions, chart titles, sentences, the vocabulary the claims engine recognises them by) are data under
report_text/, keyed by the measure's name: labels.yaml `measures`, wording.yaml `measures` and rules.yaml
`vocabulary.outcome`. A spec may declare its own measures (`outcome_measures`, a MeasureDeclaration
each, with their words): `declare` puts them in the registry for the evaluation being read, as a
context variable, so every reader of MEASURES sees them without knowing where they came from. Whoever
reads a spec or a results.json declares what it holds (the spec loader, engine.results_check, the side
process); results.json carries the declarations, so the bulletin, diff and check need no spec.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Kind = Literal["proportion", "count", "mean", "days"]
Direction = Literal["decrease", "increase"]
ColumnType = Literal["flag", "count", "days", "text", "amount", "amount_or_empty"]

EVENT_COLUMN = "reoffended"  # who had the event (a proven re-offence): the people "days" and "count" speak of
PRIMARY = "rate"  # the Justice Data Lab's primary measure: the sample-size sentence and the exact test are its
PER_HUNDRED = 100.0  # proportions are stated per 100 people (%), and so are counts in sentences
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# a declared measure's words: letters, digits, spaces and plain punctuation, so no output reads them as markup
WORDS = r"^[\w ,'’()%:/-]*$"


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
    counts_the_event: bool = False  # a count of the events themselves: 1 or more exactly for those with the event
    unit: str = ""  # the chart's value suffix
    event_column: str = EVENT_COLUMN  # the 0/1 column of who had the event ("days" measures speak of them)
    words: Mapping[str, str] | None = None  # a declared measure's words (built-in ones: report_text/)
    per_hundred: bool = field(init=False)  # sentences state it per 100 people

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_hundred", self.kind in ("proportion", "count"))

    @property
    def among_event(self) -> bool:
        """Computed over the people with the event only (time to first re-offence: re-offenders)."""
        return self.kind == "days"

    @property
    def needs_event_column(self) -> bool:
        return self.column != self.event_column and (self.among_event or self.empty_without_event)

    @property
    def sentence_scale(self) -> float:
        """Multiplier from a per-person figure to what sentences state (offences per person -> per 100 people)."""
        return PER_HUNDRED if self.kind == "count" else 1.0

    @property
    def declared(self) -> bool:
        return self.words is not None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class MeasureWords(_Strict):
    """How the report, its charts and tables, and the claims engine name a declared measure."""

    noun: str = Field(min_length=1, max_length=80, pattern=WORDS, description="The outcome as a noun, as in 'impact on ...', e.g. "
                      "'employment', 'time in work', 'benefit receipt'.")
    people: str = Field(min_length=1, max_length=160, pattern=WORDS, description="What the people with the outcome did, after "
                        "'people who', e.g. 'were in employment one year after starting'. For a mean: what is "
                        "counted, after 'the average number of', e.g. 'weeks in employment in the two years after "
                        "starting'. For days: the event, after 'time to', e.g. 'first job'.")
    table: str | None = Field(default=None, max_length=200, pattern=WORDS, description="The results table's caption. Default: made "
                              "from `people`.")
    chart: str | None = Field(default=None, max_length=120, pattern=WORDS, description="The chart's title. Default: made from "
                              "`people`.")
    recognise: list[str] = Field(default=[], max_length=40, description="Further words the claims engine recognises "
                                 "this outcome by, beside `noun` (a word matches its longer forms too: 'employ' "
                                 "finds employed and employment), e.g. [employ, in work, jobs, unemploy].")

    @field_validator("recognise")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        for word in value:
            if len(word.strip()) < 3:
                raise ValueError(f"'{word}' is too short to recognise the outcome by (3 letters or more)")
        return value


class MeasureDeclaration(_Strict):
    """One outcome measure declared in the spec (outcome_measures.<name>)."""

    column: str = Field(min_length=1, max_length=200, description="The reference data's column it reads: 0/1 for "
                        "a proportion, a number 0 or more for a mean, whole days (empty without the event) for days.")
    kind: Literal["proportion", "mean", "days"] = Field(description="proportion: the people with the outcome (%); "
                                                        "mean: the average of a count or duration per person; days: "
                                                        "the average days to a first event, among those with one.")
    event_column: str | None = Field(default=None, max_length=200, description="days only: the 0/1 column of who "
                                     "had the event (its days are empty for the others).")
    follow_up: str = Field(min_length=1, max_length=120, pattern=WORDS, description="The follow-up window or time point it is "
                           "measured at, as said after the outcome, e.g. 'one year after starting the programme'.")
    good: Direction = Field(description="The direction that would be a good result: increase or decrease.")
    unit: str = Field(default="", max_length=30, pattern=WORDS, description="mean and days: the unit of the figures, plural, e.g. "
                      "'weeks' (days: 'days'). proportion: leave unset (percent).")
    decimals: int = Field(default=1, ge=0, le=3, description="Decimals of its figures in tables, charts and the annex.")
    headline: bool = Field(default=True, description="May it be one of the key findings?")
    over_time: dict[Annotated[int, Field(ge=1, le=240)], Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default={}, max_length=60,
        description="proportion and mean: the same outcome at several time points, as months after the start of "
        "follow-up -> the reference column measured then, in increasing order and each its own column, e.g. "
        "{3: in_work_3m, 6: in_work_6m, 12: in_work_12m}. The "
        "report shows the impact and its interval at each point in a table and a chart.")
    sustained_from: int | None = Field(
        default=None, ge=1, le=240,
        description="with over_time: the time point (months) from which the report may call the impact "
        "sustained: only when every point from it on is statistically significant in the same direction.")
    words: MeasureWords = Field(description="The words that name it.")

    @model_validator(mode="after")
    def _points(self) -> MeasureDeclaration:
        months = list(self.over_time)
        if months != sorted(months):
            later = next(m for m, n in zip(months, months[1:]) if m > n)
            raise ValueError(f"over_time must list its time points in increasing order ({later} comes before "
                             f"{months[months.index(later) + 1]}): each is months after the start of follow-up")
        columns = list(self.over_time.values())
        twice = next((c for c in columns if columns.count(c) > 1), None)
        if twice is not None:
            raise ValueError(f"over_time gives the column '{twice}' for two time points "
                             f"({', '.join(str(m) for m, c in self.over_time.items() if c == twice)} months); "
                             "each point is measured in its own column")
        return self

    @model_validator(mode="after")
    def _event(self) -> MeasureDeclaration:
        if self.kind == "days" and self.event_column is None:
            raise ValueError("event_column must name the 0/1 column of who had the event: a days measure is averaged "
                             "over the people with it")
        if self.kind != "days" and self.event_column is not None:
            raise ValueError(f"event_column is for days measures only (this one is a {self.kind}); delete it")
        if self.over_time and self.kind == "days":
            raise ValueError("over_time is for proportion and mean measures: a days measure averages over the people "
                             "who had the event, a different group at each time point, so its points would not "
                             "compare like with like. To follow a first event over time, declare the proportion who "
                             "had it by each point (kind: proportion, over_time: {3: job_by_3m, 6: job_by_6m})")
        if self.sustained_from is not None and self.sustained_from not in self.over_time:
            raise ValueError(f"sustained_from must be one of the over_time points ({', '.join(map(str, sorted(self.over_time))) or 'none given'})")
        return self

    def time_points(self) -> list[tuple[int, str]]:
        """(months, column) of each time point, earliest first."""
        return sorted(self.over_time.items())

    def measure(self, name: str) -> Measure:
        kind: Kind = self.kind
        column_type: ColumnType = {"proportion": "flag", "mean": "amount", "days": "amount_or_empty"}[kind]
        unit = "%" if kind == "proportion" else ""
        return Measure(name, self.column, column_type, f"Reference: {self.words.people} ({kind}).", kind, self.good,
                       self.headline, self.decimals, self.decimals, unit=unit,
                       event_column=self.event_column or self.column,
                       words={**self.model_dump(exclude={"words"}), **self.words.model_dump(),
                              "table": self.words.table or "", "chart": self.words.chart or ""})


_BUILT_IN: dict[str, Measure] = {}
_DECLARED: ContextVar[Mapping[str, Measure]] = ContextVar("declared_measures", default=MappingProxyType({}))


class _Registry(Mapping):
    """The built-in measures, then the ones declared for the evaluation being read."""

    def __getitem__(self, name: str) -> Measure:
        declared = _DECLARED.get()
        return declared[name] if name in declared else _BUILT_IN[name]

    def __iter__(self) -> Iterator[str]:
        yield from _BUILT_IN
        yield from (n for n in _DECLARED.get() if n not in _BUILT_IN)

    def __len__(self) -> int:
        return len(_BUILT_IN) + sum(n not in _BUILT_IN for n in _DECLARED.get())


MEASURES: Mapping[str, Measure] = _Registry()
NAMES: tuple[str, ...] = ()  # the built-in measures
HEADLINE_NAMES: tuple[str, ...] = ()
OUTCOME_COLUMNS: tuple[str, ...] = ()  # the reference columns a built-in measure reads (never matching variables)
COLUMN_TYPES: dict[str, ColumnType] = {}


def register(*entries: Measure) -> None:
    """Add built-in measures. Call it before the rest of engine is imported: the spec's models
    and the other floors take the registry's names when they are imported (tests add one this way)."""
    global NAMES, HEADLINE_NAMES, OUTCOME_COLUMNS
    for entry in entries:
        if entry.name in _BUILT_IN:
            raise ValueError(f"measure {entry.name} is registered twice")
        _BUILT_IN[entry.name] = entry
        COLUMN_TYPES[entry.column] = entry.column_type
    NAMES = tuple(_BUILT_IN)
    HEADLINE_NAMES = tuple(m.name for m in _BUILT_IN.values() if m.headline)
    OUTCOME_COLUMNS = tuple(dict.fromkeys(m.column for m in _BUILT_IN.values()))


register(
    Measure("rate", EVENT_COLUMN, "flag", "Reference: proven re-offence within one year (0/1).",
            "proportion", "decrease", True, 1, 0, unit="%"),
    Measure("frequency", "reoffences", "count", "Reference: proven re-offences in the year (count).",
            "count", "decrease", True, 2, 1, counts_the_event=True),
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


def declared_name_problem(name: str) -> str | None:
    """Why a name cannot be a declared measure's (None: it can)."""
    if name in _BUILT_IN:
        return f"'{name}' is a built-in measure; give yours another name"
    if not NAME.match(name):
        return f"'{name}' cannot name a measure: use lower case letters, digits and _ (up to 40), starting with a letter"
    return None


def declare(declarations: Mapping[str, MeasureDeclaration], keep: bool = False) -> None:
    """The measures a spec or a results.json declares, for what this context reads next: they replace any
    declared before (a spec: one evaluation at a time), or with `keep` join them (several results read
    together, as diff and the bulletin do)."""
    made = {name: d.measure(name) for name, d in declarations.items() if name not in _BUILT_IN}
    _DECLARED.set(MappingProxyType({**_DECLARED.get(), **made} if keep else made))


def declared() -> dict[str, Measure]:
    """The measures declared for the evaluation being read, by name."""
    return dict(_DECLARED.get())


def outcome_columns() -> tuple[str, ...]:
    """Every reference column some measure reads, the declared ones' included (never matching variables)."""
    extra = [c for m in _DECLARED.get().values() for c in (m.column, m.event_column, *m.words.get("over_time", {}).values())]
    return tuple(dict.fromkeys([*OUTCOME_COLUMNS, *extra]))


# a column several measures read is checked as the narrowest type they all accept (a 0/1 column is a count and a
# number; days to an event are numbers or empty); two types with no such narrowest one are refused in the spec
NARROWING = ("flag", "count", "amount", "amount_or_empty")
COLUMN_WORDS = {"flag": "0/1", "count": "a count", "amount": "a number 0 or more", "amount_or_empty":
                "a number or empty", "days": "days to a first re-offence", "text": "text"}


def narrower(a: ColumnType, b: ColumnType) -> ColumnType | None:
    """The type that is both a and b (None: no column can be both)."""
    if a == b:
        return a
    if a in NARROWING and b in NARROWING:
        return NARROWING[min(NARROWING.index(a), NARROWING.index(b))]
    return "days" if {a, b} == {"days", "amount_or_empty"} else None


def declared_columns(d: MeasureDeclaration) -> list[tuple[str, ColumnType, tuple]]:
    """(column, type, the declaration's key that names it) for each reference column a declaration reads."""
    own: ColumnType = {"proportion": "flag", "mean": "amount", "days": "amount_or_empty"}[d.kind]
    read = [(d.column, own, ("column",))] + ([(d.event_column, "flag", ("event_column",))] if d.event_column else [])
    return read + [(column, own, ("over_time", months)) for months, column in d.over_time.items()]


def column_types() -> dict[str, ColumnType]:
    """The type of each outcome column; a declared measure's event column is 0/1."""
    types = dict(COLUMN_TYPES)
    for m in _DECLARED.get().values():
        read = [(m.column, m.column_type), *((c, m.column_type) for c in m.words.get("over_time", {}).values())]
        for column, kind in read + ([(m.event_column, "flag")] if m.event_column != m.column else []):
            types[column] = (narrower(types[column], kind) or types[column]) if column in types else kind
    return types


def measure(name: str) -> Measure:
    return MEASURES[name]


def columns_read(name: str) -> list[str]:
    """The reference columns a measure reads: its own, the event column when it depends on it, and a declared
    measure's columns at its time points."""
    m = MEASURES[name]
    points = list(m.words.get("over_time", {}).values()) if m.declared else []
    return list(dict.fromkeys([m.column] + ([m.event_column] if m.needs_event_column else []) + points))


def days_measure(names) -> str | None:
    """The first "days among those with the event" measure among `names` (the report words it apart)."""
    return next((n for n in names if n in MEASURES and MEASURES[n].among_event), None)
