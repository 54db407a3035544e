"""Give every column its contract type and check each value, collecting problems by file, row and column.

Repeated problems are capped per column and kind: the first CAP rows, then a count, so a
file with one systematic mistake gets three lines, not three hundred. All checks are
vectorised: the national file can hold millions of rows.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engine.errors import Problem, how_many
from engine.measures import column_types

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day number 0 (the 1900 date system, Windows' and today's Mac's)
CAP = 3  # rows shown for one kind of problem in one column; the rest are counted
FLAGS = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "false": 0, "true": 1, "no": 0, "yes": 1, "n": 0, "y": 1}
WORD_FLAGS = {"false", "true", "no", "yes", "n", "y"}
# contract column -> kind (docs/architecture.md §2); need_* are "need", anything else is inferred ("auto")
KINDS = {
    "offender_id": "text", "record_id": "text", "forename": "text", "surname": "text",
    "date_of_birth": "date_or_empty", "end_date": "date_or_empty",
    "index_date": "date", "start_date": "date", "sexual_offence_history": "flag",
}


def kinds() -> dict[str, str]:
    """Each contract column's kind: KINDS, and the outcome columns as engine.measures types them (the measures
    a spec declares included)."""
    return {**KINDS, **column_types()}
DECIMAL_COMMA = r"-?\d+,\d+"
# words for "not known" that, in a column of numbers, must be an empty cell (else the column would be read as text)
NOT_KNOWN = {"n/a", "na", "n.a.", "#n/a", "-", "--", ".", "?", "unknown", "not known", "null", "none", "missing",
             "not recorded", "nan", "blank"}
MOSTLY_NUMBERS = 0.8  # a column whose cells are at least this share numbers is numeric: text in it is a mistake


class Checker:
    """Collects the problems and warnings of one data file, each at the row its reader sees.

    A row is numbered as the program the file is read in numbers it: a CSV row by its line in a text
    editor (the header is line 1, and Excel shows the same number), a workbook row by Excel's own row
    number (header and title rows counted) with the sheet's name, a Parquet row by its place (1 = first)."""

    def __init__(self, file: str, lines: np.ndarray | None, sheet: str | None = None,
                 day_zero: np.datetime64 = EXCEL_EPOCH):
        self.file = file
        self.day_zero = day_zero  # what an Excel day number counts from: 1899-12-30, or 1904-01-01 in a Mac workbook
        self.lines = lines  # the file line (CSV) or sheet row (workbook) of each row, or None (Parquet)
        self.sheet = sheet  # the workbook's sheet, or None
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.counts: dict[str, int] = {}

    def number(self, i: int) -> int:
        """The row number the user sees for row position i."""
        return i + 1 if self.lines is None else int(self.lines[i])

    def row(self, i: int) -> str:
        """'row 35': how a message names row position i."""
        return f"row {self.number(i)}"

    def problem(self, i: int | None, where: str, message: str) -> Problem:
        """A problem at row position i (None: the file or sheet as a whole), about `where` (a column)."""
        if self.sheet is not None:
            place = f"{self.file}, sheet {self.sheet}" + ("" if i is None else f", {self.row(i)}")
            return Problem(place, None, None, where, message)
        if i is None:
            return Problem(self.file, None, None, where, message)
        line = None if self.lines is None else self.number(i)
        return Problem(self.file, line, None, f"{self.row(i)}, {where}", message)

    def rows(self, column: str, mask, message: Callable[[int], str]) -> bool:
        """Report the rows where mask is true (the first CAP, then a count); True when any."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return False
        for i in positions[:CAP]:
            self.problems.append(self.problem(int(i), f"column {column}", message(int(i))))
        if len(positions) > CAP:
            self.problems.append(self.problem(None, f"column {column}",
                                              f"and {how_many(len(positions) - CAP, 'more row')} with the same problem"))
        self.counts[column] = self.counts.get(column, 0) + len(positions)
        return True

    def column(self, column: str, positions: np.ndarray, message: str) -> None:
        """One problem about a whole column, at its first offending row (the message lists the rows)."""
        if len(positions) and self.sheet is None and self.lines is not None:
            self.problems.append(Problem(self.file, self.number(int(positions[0])), None, f"column {column}", message))
        else:
            first = int(positions[0]) if len(positions) and self.sheet is not None else None
            self.problems.append(self.problem(first, f"column {column}", message))
        self.counts[column] = self.counts.get(column, 0) + max(len(positions), 1)

    def warn(self, message: str) -> None:
        where = self.file if self.sheet is None else f"{self.file}, sheet {self.sheet}"
        self.warnings.append(f"{where}: {message}")

    def examples(self, mask, values: pd.Series, n: int = CAP) -> str:
        """'row 3 "04/25/2013", row 9 "05/30/2013" and 7 more' for the rows where mask is true."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        shown = [f'{self.row(int(i))} "{values.iloc[int(i)]}"' for i in positions[:n]]
        more = f" and {len(positions) - n:,} more" if len(positions) > n else ""
        return ", ".join(shown) + more


def text(column: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed and empty cells missing."""
    values = column.astype("str") if column.dtype != "str" else column
    values = values.str.strip()
    return values.where(values.notna() & (values != ""))


def to_float(values: pd.Series) -> pd.Series:
    """Numbers from text, missing where a cell is not a number (Arrow's cast is ~30x pandas' to_numeric)."""
    try:
        out = pc.cast(pa.array(values, from_pandas=True), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(out, index=values.index, dtype=np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return pd.to_numeric(values, errors="coerce").astype(np.float64)


def flag_values(values: pd.Series) -> pd.Series:
    """1, 0 or missing from 0/1/true/false/yes/no text (any case)."""
    lower = values.str.lower()
    ones = lower.isin([k for k, v in FLAGS.items() if v == 1]).to_numpy()
    zeros = lower.isin([k for k, v in FLAGS.items() if v == 0]).to_numpy()
    return pd.Series(np.where(ones, 1.0, np.where(zeros, 0.0, np.nan)), index=values.index)


def _numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric values and the cells as written (for messages)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype(np.float64), column
    raw = text(column)
    return to_float(raw), raw


def flags(column: pd.Series, name: str, check: Checker, empty_ok: bool) -> pd.Series:
    """0/1 (also true/false/yes/no); empty allowed only for needs (not assessed)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(np.int8)
    numeric = pd.api.types.is_numeric_dtype(column)
    values = column.astype(np.float64) if numeric else flag_values(text(column))
    raw = column if numeric else text(column)
    empty = raw.isna().to_numpy()
    bad = ~values.isin([0, 1]).to_numpy() & ~empty
    check.rows(name, bad, lambda i: f'"{raw.iloc[i]}" is not 0 or 1')
    if empty_ok:
        return values.where(~pd.Series(bad, index=values.index))
    check.rows(name, empty, lambda i: "is empty; write 0 or 1")
    return values.fillna(0).astype(np.int8)


def not_whole(values: pd.Series) -> np.ndarray:
    """Where a number is missing, infinite or has a fraction: `values.isna() | (values % 1 != 0)`
    without numpy's remainder, which is hundreds of times slower on missing values."""
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return ~(np.floor(numbers) == numbers) | np.isinf(numbers)


def count(column: pd.Series, name: str, check: Checker) -> pd.Series:
    values, raw = _numbers(column)
    empty = raw.isna().to_numpy()
    check.rows(name, empty, lambda i: "is empty; write a count (0 or more)")
    check.rows(name, ~empty & not_whole(values),
               lambda i: f'"{raw.iloc[i]}" is not a whole number')
    check.rows(name, (values < 0).to_numpy(), lambda i: f'"{raw.iloc[i]}" is negative; a count is 0 or more')
    return values.fillna(0).round().astype(np.int64)


def amount(column: pd.Series, name: str, check: Checker, empty_ok: bool) -> pd.Series:
    """A declared measure's number: 0 or more (a count or a duration), empty only where it may be."""
    values, raw = _numbers(column)
    written = raw.notna().to_numpy()
    if not empty_ok:
        check.rows(name, ~written, lambda i: "is empty; write a number (0 or more)")
    bad = written & (values.isna() | (values < 0) | np.isinf(values.to_numpy())).to_numpy()
    check.rows(name, bad, lambda i: f'"{raw.iloc[i]}" is not a number of 0 or more')
    return values.where(~pd.Series(bad, index=values.index))


def days(column: pd.Series, name: str, check: Checker) -> pd.Series:
    values, raw = _numbers(column)
    written = raw.notna().to_numpy()
    bad = written & (not_whole(values) | ((values < 1) | (values > 365)).to_numpy())
    check.rows(name, bad, lambda i: f'"{raw.iloc[i]}" is not a whole number of days from 1 to 365')
    return values.where(~pd.Series(bad, index=values.index))


def inferred(column: pd.Series, name: str, check: Checker) -> pd.Series:
    """Other columns: numbers stay numbers (0/1 as int), yes/no become 0/1, anything else is text.

    A column that is mostly numbers with a few words ("twenty", "N/A") is refused at those
    cells: read as text it would silently become a category of a hundred levels.
    """
    if pd.api.types.is_bool_dtype(column):
        return column.astype(np.int8)
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(np.float64)
    else:
        raw = text(column)
        present = raw.dropna()
        if present.empty:
            return raw
        distinct = pd.Series(present.unique()).str.lower()  # a category's few values, not every row
        if not raw.isna().any() and distinct.isin(list(FLAGS)).all() and distinct.isin(WORD_FLAGS).any():
            return flag_values(raw).astype(np.int8)
        sample = present.head(1000)
        sample = sample[~sample.str.lower().isin(NOT_KNOWN)]
        if len(sample) and to_float(sample).notna().mean() + sample.str.fullmatch(DECIMAL_COMMA).mean() \
                < MOSTLY_NUMBERS / 2:
            return raw  # plainly text (categories): skip the full conversion, slow on millions of rows
        values = to_float(raw)
        comma = raw.str.fullmatch(DECIMAL_COMMA).fillna(False).to_numpy(dtype=bool)
        words = (raw.notna() & values.isna()).to_numpy() & ~comma
        unknown = raw.str.lower().isin(NOT_KNOWN).to_numpy()
        numbers = values.notna().sum() + comma.sum()
        if not numbers or numbers < MOSTLY_NUMBERS * (len(present) - unknown.sum()):
            return raw
        words &= ~unknown
        check.rows(name, comma, lambda i: f'"{raw.iloc[i]}" has a decimal comma; write '
                   f'{raw.iloc[i].replace(",", ".")}, with a decimal point')
        check.rows(name, words, lambda i: f'"{raw.iloc[i]}" is not a number, in a column of numbers; write a '
                   "number, or leave the cell empty if it is not known")
        check.rows(name, unknown, lambda i: f'"{raw.iloc[i]}" is text in a column of numbers; leave the cell empty '
                   "when the value is not known")
    if not values.isna().any() and values.isin([0, 1]).all():
        return values.astype(np.int64)
    return values
