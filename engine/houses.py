"""The publishing houses: whose templates, words and wording rules a report is written in.

The same method serves more than one data lab, and what a report may say is the house's, not the
engine's: the Justice Data Lab's wording never states an impact interval against what would have
happened without the programme, the Employment Data Lab's does. report_text/ holds the Justice Data
Lab's templates and rules; each other house is a folder report_text/houses/<house>/ whose templates
replace the base's of the same name and whose YAML files are laid over the base's (engine.words.texts).

The spec names its house (service.house); results.json carries it, so check, diff and the bulletin read
the same rules. Like the declared measures (engine.measures), the house is a context variable: whoever
reads a spec or a results.json says which house it is (`use`), and the words read it (`current`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

House = Literal["justice_data_lab", "employment_data_lab"]
HOUSES: tuple[str, ...] = ("justice_data_lab", "employment_data_lab")
BASE: House = "justice_data_lab"  # report_text/ itself

_HOUSE: ContextVar[str] = ContextVar("house", default=BASE)


def use(house: str) -> None:
    """The house of the evaluation being read, for every text read next."""
    if house not in HOUSES:
        raise ValueError(f"no house {house}")
    _HOUSE.set(house)


def current() -> str:
    return _HOUSE.get()


@contextmanager
def speaking(house: str) -> Iterator[None]:
    """The house of one output being written (an annex, a chart) from its results, whatever was read before;
    the house before it is back afterwards."""
    if house not in HOUSES:
        raise ValueError(f"no house {house}")
    token = _HOUSE.set(house)
    try:
        yield
    finally:
        _HOUSE.reset(token)
