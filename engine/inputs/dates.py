"""Date columns: one way of writing per column, and the day/month order inferred, never guessed silently.

A workbook's date cells are dates whatever format they are shown in: Excel stored the day, month
and year, so they need no inferring. Only dates written as text do (every value of a CSV, the
text cells of a workbook):

A text column mixing ISO dates (or Excel day numbers) with slashed text is what a program
that converted some dates and not others leaves; its slashed values may be month/day, so such a
column is refused. Otherwise the order of the slashed values comes from all of them
together: a value that only fits month/day (04/25/2013) or only day/month (25/04/2013) is
evidence; a column with evidence both ways, or any month/day evidence, is refused; a column
where every slashed value is ambiguous (03/04/2013) is read day/month, as UK data is, with a
warning. Excel serial day numbers (5 digits) are read as dates, with a warning. In a workbook the
advice is how to turn the typed dates into date cells in Excel, which is where they are fixed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from engine.errors import how_many
from engine.inputs.checks import EXCEL_EPOCH, Checker, text

DATE_HINT = "write dates as YYYY-MM-DD or DD/MM/YYYY"
# how a workbook's dates typed as text become date cells (the fix is made in Excel, not by retyping)
EXCEL_FIX = ("in Excel, select the column and choose Data > Text to Columns > Next > Next > Date: {order} > Finish, "
             "which turns dates typed as text into date cells (Format Cells > Date then shows them as you like)")
TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp]\.?[Mm]\.?)?)?"  # dropped
ISO = r"^(\d{4}-\d{1,2}-\d{1,2})" + TIME + "$"
SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4})" + TIME + "$"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
WEEKDAY = r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"  # "Thu 06/06/2013", "Thursday, 6 June 2013"
DAY_MONTH_NAME = r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]{3,9})\.?[\s\-/.,]*(\d{2}|\d{4})$"  # 6-Jun-2013
MONTH_NAME_DAY = r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2}|\d{4})$"  # June 6, 2013
TWO_DIGIT_YEAR = r"^\d{1,2}([/.\-])\d{1,2}\1\d{2}$"
SERIAL = r"^(\d{5})(?:\.0+)?$"  # Excel's day number: 10000 is 1927-05-18, 99999 is 2173-10-14
YEARS = (1900, 2100)  # a date outside is a mistake here (and pandas cannot hold years after 2262)


def parse_dates(column: pd.Series, name: str, check: Checker, empty_ok: bool) -> pd.Series:
    """Dates as datetime64[ns] at midnight; every unreadable or ambiguous value reported through `check`."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column.dt.tz_localize(None) if getattr(column.dt, "tz", None) else column
        outside = column.notna() & ~within(parsed)
        check.rows(name, outside, lambda i: f'"{column.iloc[i]:%Y-%m-%d}" is not a date from {YEARS[0]} to {YEARS[1]}')
        parsed = parsed.where(~outside).astype("datetime64[ns]").dt.normalize()
        if not empty_ok:
            check.rows(name, column.isna(), lambda i: "is empty; a date is needed")
        return parsed
    cells = None
    if column.dtype == object and not column.map(lambda v: isinstance(v, str) or v is None).all():
        is_cell = column.map(lambda v: isinstance(v, dt.date) and v is not pd.NaT).to_numpy(dtype=bool)
        if is_cell.any():  # a workbook's date cells: dates as Excel stored them
            cells = pd.Series(is_cell, index=column.index)
            stamps = pd.Series([pd.Timestamp(v.year, v.month, v.day) if c and YEARS[0] <= v.year <= YEARS[1] else pd.NaT
                                for v, c in zip(column, is_cell)], index=column.index, dtype="datetime64[ns]")
            years = [v.year if c else 0 for v, c in zip(column, is_cell)]
            column = column.where(~cells, None)
        column = column.map(as_text)  # numbers of a workbook, or Parquet dates as objects
    raw = text(column)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    written = _other_forms(raw)
    iso = written.str.extract(ISO, expand=False)
    slashed = written.str.extract(SLASHED).astype("float64")
    serial = pd.to_numeric(written.str.extract(SERIAL, expand=False), errors="coerce")
    is_iso, is_slashed, is_serial = iso.notna(), slashed[0].notna(), serial.notna()
    if is_slashed.any() and (is_iso.any() or is_serial.any()):
        other, form = (is_iso, "YYYY-MM-DD") if is_iso.any() else (is_serial, "Excel day numbers")
        fix = EXCEL_FIX.format(order="DMY") if check.sheet else "write every date in the column as YYYY-MM-DD"
        check.column(name, np.flatnonzero(is_slashed),
                     f"mixes {form} ({check.examples(other, raw)}) with slashed dates ({check.examples(is_slashed, raw)}), "
                     "the mark of a spreadsheet that converted some dates and not others, so the slashed ones may be "
                     f"month/day; {fix}")
        return parsed
    parsed[is_iso] = bounded(pd.to_datetime(iso[is_iso], format="%Y-%m-%d", errors="coerce"))
    if is_serial.any():
        parsed[is_serial] = bounded(pd.Series(check.day_zero + serial[is_serial].to_numpy().astype("timedelta64[D]"),
                                              index=serial[is_serial].index))
        first = int(np.flatnonzero(is_serial & parsed.notna())[0]) if (is_serial & parsed.notna()).any() else None
        if first is not None:  # day numbers before 1900 are refused below
            system = "" if check.day_zero == EXCEL_EPOCH else ", in the workbook's 1904 date system"
            check.warn(f"column {name} holds Excel day numbers ({check.examples(is_serial, raw)}); "
                       f"read them as dates ({raw.iloc[first]} is {parsed.iloc[first]:%Y-%m-%d}{system})")
    if is_slashed.any() and not _slashed(slashed, raw, parsed, name, check, cells is not None):
        return parsed
    if cells is not None:
        parsed[cells] = stamps[cells]
        _typed_among_cells(raw, ~cells & is_slashed, cells, name, check)
        check.rows(name, cells & stamps.isna(), lambda i: f"a date cell of the year {years[i]} is not a date from "
                   f"{YEARS[0]} to {YEARS[1]}")
        raw = raw.where(~cells, "date cell")  # present, for the checks of empty cells below
    bad = raw.notna() & parsed.isna() & (cells is None or ~cells)
    outside = bad & ~within_years(raw)
    short = bad & written.str.fullmatch(f"{TWO_DIGIT_YEAR[1:-1]}|{_two_digit(DAY_MONTH_NAME)}|"
                                        f"{_two_digit(MONTH_NAME_DAY)}", case=False).fillna(False).astype(bool)
    check.rows(name, outside, lambda i: f'"{raw.iloc[i]}" is not a date from {YEARS[0]} to {YEARS[1]}')
    check.rows(name, short & ~outside, lambda i: f'"{raw.iloc[i]}" has a two-digit year, which could be of either '
               "century; write the year in full: YYYY-MM-DD or DD/MM/YYYY")
    check.rows(name, bad & ~outside & ~short, lambda i: f'"{raw.iloc[i]}" is not a date; {DATE_HINT}')
    if not empty_ok:
        check.rows(name, raw.isna(), lambda i: "is empty; a date is needed")
    return parsed.astype("datetime64[ns]").dt.normalize()


def _typed_among_cells(raw: pd.Series, typed: pd.Series, cells: pd.Series, name: str, check: Checker) -> None:
    """Slashed dates typed as text among a workbook's date cells were read day/month; say how to make them cells."""
    if typed.any():
        count = int(typed.sum())
        check.warn(f"column {name}: {count:,} date{'s are' if count != 1 else ' is'} typed as text "
                   f"({check.examples(typed, raw)}) among {int(cells.sum()):,} date cells; the typed ones were read "
                   f"as day/month (DD/MM/YYYY). To make them date cells, {EXCEL_FIX.format(order='DMY')}")


def within(values: pd.Series) -> pd.Series:
    """True for dates inside YEARS (any datetime unit: checked before a nanosecond cast could overflow)."""
    years = pd.Series(values).dt.year
    return (years >= YEARS[0]) & (years <= YEARS[1])


def bounded(values: pd.Series) -> pd.Series:
    """Dates outside YEARS made missing (the caller reports them), then nanoseconds."""
    values = pd.Series(values)
    return values.where(within(values)).astype("datetime64[ns]")


def within_years(raw: pd.Series) -> pd.Series:
    """False for text naming a four-digit year outside YEARS (so the message can say so)."""
    year = pd.to_numeric(raw.str.extract(r"(?:^|\D)(\d{4})(?:\D|$)", expand=False), errors="coerce")
    return ~((year < YEARS[0]) | (year > YEARS[1])).fillna(False).astype(bool)


def _slashed(parts: pd.DataFrame, raw: pd.Series, parsed: pd.Series, name: str, check: Checker,
             among_cells: bool = False) -> bool:
    """Read the slashed values day/month into `parsed` unless their order is month/day or mixed (then refuse)."""
    first, second, year = parts[0], parts[1], parts[2]
    only_md = (first <= 12) & (second > 12) & (second <= 31)
    only_dm = (second <= 12) & (first > 12) & (first <= 31)
    in_excel = check.sheet is not None
    if only_md.any() and only_dm.any():
        fix = "correct the ones typed the other way, then " + EXCEL_FIX.format(order="DMY") if in_excel else \
            "write every date in the column as YYYY-MM-DD"
        check.column(name, np.flatnonzero(only_md),
                     f"mixes day/month dates ({check.examples(only_dm, raw)}) with month/day dates "
                     f"({check.examples(only_md, raw)}); {fix}")
        return False
    if only_md.any():
        count = int(only_md.sum())
        fix = (f"if they are month/day, {EXCEL_FIX.format(order='MDY')}" if in_excel
               else "write the dates as YYYY-MM-DD (or DD/MM/YYYY)")
        check.column(name, np.flatnonzero(only_md),
                     f"these look like month/day dates: {count:,} value{'s' if count != 1 else ''} "
                     f"({check.examples(only_md, raw)}) have a second number over 12, so every slashed date in the "
                     f"column may be month/day; {fix}")
        return False
    written = parts.notna().all(axis=1)
    stamp = year.where(written, 2000).astype(int).astype(str) + "-" + second.where(written, 1).astype(int).astype(str) \
        + "-" + first.where(written, 1).astype(int).astype(str)
    parsed[written] = bounded(pd.to_datetime(stamp[written], format="%Y-%m-%d", errors="coerce"))
    if not only_dm.any() and not among_cells:
        count = int(written.sum())
        they, were = ("they", "were") if count != 1 else ("it", "was")
        fix = f"If {they} {'are' if count != 1 else 'is'} month/day, " + (
            EXCEL_FIX.format(order="MDY") if in_excel else f"write {'them' if count != 1 else 'it'} as YYYY-MM-DD")
        every = "all " if count != 1 else "the only "
        check.warn(f"column {name}: {every}{how_many(count, 'slashed date')} ({check.examples(written, raw)}) could be "
                   f"day/month or month/day; {they} {were} read as day/month (DD/MM/YYYY). {fix}")
    return True


def _other_forms(raw: pd.Series) -> pd.Series:
    """The column with other ways of writing a date brought to the forms above: a weekday name dropped,
    '.' or '-' between day, month and year made '/', YYYY/MM/DD and YYYYMMDD made ISO, month names
    (6-Jun-2013, June 6, 2013) made ISO. Values already in a known form are left alone (fast on millions)."""
    known = raw.str.match(ISO) | raw.str.match(SLASHED) | raw.str.match(SERIAL)
    other = raw.notna() & ~known.fillna(False).astype(bool)
    if not other.any():
        return raw
    values = raw[other].str.lower().str.replace(WEEKDAY, "", regex=True).str.strip()
    values = values.str.replace(r"^(\d{1,2})([.\-])(\d{1,2})\2(\d{4})", r"\1/\3/\4", regex=True)
    values = values.str.replace(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})", r"\1-\3-\4", regex=True)
    values = values.str.replace(r"^((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", r"\1-\2-\3", regex=True)
    for pattern, day, month, year in ((DAY_MONTH_NAME, 0, 1, 2), (MONTH_NAME_DAY, 1, 0, 2)):
        parts = values.str.extract(pattern)
        number = parts[month].map(_month_number)
        ok = number.notna() & (parts[year].str.len() == 4)
        values[ok] = parts[year][ok] + "-" + number[ok].astype(int).astype(str) + "-" + parts[day][ok]
    out = raw.copy()
    out[other] = values
    return out


def _month_number(word) -> float:
    """1-12 for a month's name or its abbreviation (Sept too), else NaN."""
    if not isinstance(word, str):
        return np.nan
    for number, start in enumerate(MONTHS, start=1):
        full = pd.Timestamp(2000, number, 1).strftime("%B").lower()
        if word.startswith(start) and (full.startswith(word) or word == "sept"):
            return float(number)
    return np.nan


def _two_digit(pattern: str) -> str:
    """A month-name pattern that matches only two-digit years (for the message that asks for four)."""
    return pattern[1:-1].replace(r"(\d{2}|\d{4})", r"\d{2}")


def as_text(value) -> str | None:
    """A cell of an object column as date text: datetimes and dates as YYYY-MM-DD, anything else as written."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
