"""Every column converted to its contract type, then checked for values that cannot all be true.

Types come from the data contract (docs/architecture.md §2); plausibility rules catch what types cannot:
ages outside 10-110, negative counts of previous offences, outcomes that contradict
`reoffended`, and dates of birth after the event they precede.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from engine.inputs.checks import Checker, amount, count, days, flags, inferred, kinds, text
from engine.inputs.dates import as_text, parse_dates
from engine.measures import MEASURES

# the submission template `jdlspec new` writes: its columns and the example row that must be replaced
SUBMISSION_HEADER = ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date", "end_date"]
SUBMISSION_EXAMPLE = ["EX0001", "A1234567", "Jane", "Example", "1990-01-31", "2024-03-04", "2024-06-28"]
AGES = (10, 110)  # the age of criminal responsibility in England and Wales, and a generous upper bound
AGE_COLUMN = re.compile(r"^(age|age_.*|.*_age)$")
COUNT_COLUMN = re.compile(r"^(previous_.*|number_of_.*|.*_count|count_.*)$")


def typed(frame: pd.DataFrame, original: dict[str, str], check: Checker,
          types: dict[str, str] | None = None) -> pd.DataFrame:
    """Every column converted to its contract type (`types`: the file's own, e.g. the submission's; default
    the reference data's, declared outcome columns included); bad values reported through `check`."""
    out, known = {}, types if types is not None else kinds()
    for name in frame.columns:
        column = frame[name]
        shown = original.get(name, name)
        kind = "need" if name.startswith("need_") else known.get(name, "auto")
        if column.dtype == object and kind not in ("date", "date_or_empty"):
            column = column.map(as_text)  # a workbook's date cell in a column that is not a date: its text
        if kind == "text":
            out[name] = text(column)
        elif kind in ("date", "date_or_empty"):
            out[name] = parse_dates(column, shown, check, empty_ok=kind == "date_or_empty")
        elif kind in ("flag", "need"):
            out[name] = flags(column, shown, check, empty_ok=kind == "need")
        elif kind == "count":
            out[name] = count(column, shown, check)
        elif kind == "days":
            out[name] = days(column, shown, check)
        elif kind in ("amount", "amount_or_empty"):
            out[name] = amount(column, shown, check, empty_ok=kind == "amount_or_empty")
        else:
            out[name] = inferred(column, shown, check)
    return pd.DataFrame(out, index=frame.index, copy=False)  # no copy into 2-D blocks: 0.25 s a million rows


def _clean(check: Checker, original: dict[str, str], *names: str) -> bool:
    """All these columns are present in the typed frame's names and had no problem of their own."""
    return not any(check.counts.get(original.get(n, n)) for n in names)


def consistency(frame: pd.DataFrame, original: dict[str, str], check: Checker) -> None:
    """Outcome columns that contradict the event column (engine.measures): days must agree with it, a count
    is 0 without the event (and 1 or more with it when it counts the events themselves), and a flag that is
    empty without the event may be 1 only with it."""
    for m in MEASURES.values():
        event = m.event_column
        if m.column == event or event not in frame or m.column not in frame or not _clean(check, original, event, m.column):
            continue
        flag = frame[event].to_numpy()
        name, values = original.get(m.column, m.column), frame[m.column]
        shown = original.get(event, event)
        if m.among_event:
            check.rows(name, (flag == 1) & values.isna().to_numpy(), lambda i: f"is empty but {shown} is 1")
            check.rows(name, (flag == 0) & values.notna().to_numpy(),
                       lambda i, v=values: f"is {v.iloc[i]:g} but {shown} is 0; it must be empty")
        elif m.kind == "count":
            number = values.to_numpy()
            if m.counts_the_event:  # a count of some of the events (those that led to custody) may be 0
                check.rows(name, (flag == 1) & (number == 0), lambda i: f"is 0 but {shown} is 1")
            check.rows(name, (flag == 0) & (number > 0), lambda i, n=number: f"is {n[i]} but {shown} is 0")
        elif m.empty_without_event:
            check.rows(name, (flag == 0) & (values.to_numpy() == 1),
                       lambda i, what=m.name: f"is 1 ({what} after a re-offence) but {shown} is 0")


def plausibility(frame: pd.DataFrame, original: dict[str, str], check: Checker, event: str) -> None:
    """Values of the right type that cannot be true: ages, negative counts, a birth after the event."""
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) or not _clean(check, original, name):
            continue
        shown = original.get(name, name)
        values = column.to_numpy(dtype=np.float64)
        if AGE_COLUMN.match(name):
            low, high = AGES
            check.rows(shown, (values < low) | (values > high),
                       lambda i: f"is {values[i]:g}; an age must be from {low} to {high}")
        elif COUNT_COLUMN.match(name):
            check.rows(shown, values < 0, lambda i: f"is {values[i]:g}; a count of previous events is 0 or more")
    if "date_of_birth" in frame and event in frame and _clean(check, original, "date_of_birth", event):
        born, then = frame["date_of_birth"], frame[event]
        label = original.get(event, event)
        check.rows(original.get("date_of_birth", "date_of_birth"), (born > then).to_numpy(),
                   lambda i: f"{born.iloc[i]:%Y-%m-%d} is after {label} {then.iloc[i]:%Y-%m-%d}")


def record_ids(frame: pd.DataFrame, name: str, check: Checker) -> None:
    """Every submitted record has its own record_id: a blank one, or two different rows under one, would
    change the counts. A row that is an exact copy of another (a line pasted twice) is one record: the
    duplicates step removes it and counts it."""
    ids = frame["record_id"]
    check.rows(name, ids.isna().to_numpy(), lambda i: "is empty; every record needs its own record_id")
    present = ids.notna().to_numpy()
    keys = pd.Series([str(v).casefold() if p else "" for v, p in zip(ids.tolist(), present)])  # 'A1' = 'a1'
    first = {}
    for position, value in enumerate(keys.tolist()):
        if present[position]:
            first.setdefault(value, position)
    repeated = present & keys.duplicated(keep="first").to_numpy()
    content = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    copy = np.array([repeated[i] and content[i] == content[first[keys.iloc[i]]] for i in range(len(keys))], dtype=bool)
    check.rows(name, repeated & ~copy, lambda i: f'"{ids.iloc[i]}" is also the record_id of '
               f"{check.row(first[keys.iloc[i]])}, a different record; each record needs its own (a row that is an "
               "exact copy of another is removed as a duplicate)")


def template_example(frame: pd.DataFrame, original: dict, check: Checker) -> None:
    """The example row of `jdlspec new`'s submission template, left in: it is nobody, so it is refused."""
    example = dict(zip(SUBMISSION_HEADER, SUBMISSION_EXAMPLE))
    if "record_id" not in frame.columns:
        return
    same = frame["record_id"].astype("string").str.strip().eq(example["record_id"]).fillna(False).to_numpy()
    for column in ("offender_id", "surname"):
        if column in frame.columns:
            same &= frame[column].astype("string").str.strip().str.casefold().eq(
                example[column].casefold()).fillna(False).to_numpy()
    check.rows(original.get("record_id", "record_id"), same, lambda i: "is the submission template's example row "
               f"({example['record_id']}, {example['forename']} {example['surname']}); delete it")

