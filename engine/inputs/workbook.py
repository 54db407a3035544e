"""Read a workbook's sheet as Excel shows it: the sheet the spec names or the one holding its columns,
title rows above the header skipped, each row numbered as Excel numbers it, date cells kept as dates.

Other cells become the text a CSV export would hold; a formula is read by the result Excel saved
with it, and one with no saved result (a file written by a program) is refused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import Problem, display_path
from engine.inputs.columns import renames, required_columns
from engine.spec.loaded import LoadedSpec, spec_problem

HEADER_SEARCH = 20  # top rows of a sheet searched for the column names (title rows above them)


@dataclass(frozen=True)
class Sheet:
    """The sheet read: its records, the Excel row of each, what is worth a warning, its name and header row."""

    frame: pd.DataFrame
    rows: np.ndarray
    notes: list[str]
    name: str
    header: int
    day_zero: np.datetime64  # the date of day number 0 in the workbook's date system (1900 or Mac 1904)


ZEROS = re.compile(r"0+")  # a number format that pads with leading zeros, as IDs are kept: 42 shows 00042


def _shown(cell):
    """A cell's value, except a whole number formatted with leading zeros ("00000"), which is the text Excel
    shows (00042): an ID kept as a number reads as the organisation sees it and links as written."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 and float(value).is_integer():
        number_format = getattr(cell, "number_format", None) or ""
        if ZEROS.fullmatch(number_format):
            return str(int(value)).zfill(len(number_format))
    return value


def _cell(value):
    """A spreadsheet cell as the text a CSV export would hold, except a date cell, which stays a date (it is
    a date whatever its display format: engine.inputs.dates reads only typed dates for their day/month order)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # a datetime too
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_sheet(loaded: LoadedSpec, role: str, path: Path, problems: list[Problem]) -> Sheet | None:
    """The sheet data.<role>_sheet names, or else the first sheet holding the column names the spec
    needs (title rows above the header are skipped); cells as text, date cells as dates, and each row
    numbered as Excel numbers it."""
    import openpyxl

    shown = display_path(path)
    if not zipfile.is_zipfile(path):
        text = path.read_bytes()[:2048]
        looks = " (it holds text: a CSV file named .xlsx? give it the .csv ending)" if b"\0" not in text else ""
        problems.append(Problem(shown, None, None, "", f"is not an Excel workbook{looks}"))
        return None
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        wanted = getattr(loaded.spec.data, f"{role}_sheet", None)
        names = book.sheetnames
        if wanted is not None and wanted not in names:
            close = difflib.get_close_matches(wanted, names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(spec_problem(loaded, f"data.{role}_sheet",
                                         f"the workbook has no sheet '{wanted}'{hint} (sheets: {', '.join(names)})"))
            return None
        day_zero = np.datetime64(book.epoch.date(), "D")  # 1899-12-30, or 1904-01-01 (wb.epoch)
        needed = {n.casefold() for n in _needed_names(loaded, role)}
        sheets = [wanted] if wanted else names
        chosen = None
        for name in sheets:
            rows = [[_shown(cell) for cell in row] for row in book[name].iter_rows()]  # from row 1, empty rows too
            header = _header_row(rows, needed)
            if header is not None or wanted or chosen is None and any(any(c is not None for c in r) for r in rows):
                chosen = (name, rows, header or 0)
                if header is not None or wanted:
                    break
    finally:
        book.close()
    if chosen is None:
        problems.append(Problem(shown, None, None, "", f"every sheet of the workbook is empty ({', '.join(names)})"))
        return None
    name, rows, header = chosen
    notes = []
    if wanted is None and len(names) > 1:
        notes.append(f"read this sheet, one of {len(names)} ({', '.join(names)}); name another with "
                     f"data.{role}_sheet")
    if header:
        notes.append(f"the column names are on row {header + 1}; the {header} row{'s' if header > 1 else ''} above "
                     "(a title) were skipped")
    if any(isinstance(c, str) and c.startswith("=") for r in rows for c in r):
        rows = _formula_results(path, name, rows, shown, problems)
        if rows is None:
            return None
    rows = [[_cell(v) for v in row] for row in rows[header:]]
    if not rows or not any(str(c).strip() for c in rows[0]):
        problems.append(Problem(f"{shown}, sheet {name}, row {header + 1}", None, None, "",
                                "is empty; it must hold the column names"))
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows[1:], columns=[f"_{i}" for i in range(width)], dtype=object)
    for column in frame.columns:
        if not frame[column].map(lambda v: isinstance(v, dt.date)).any():
            frame[column] = frame[column].astype("str")
    frame.columns = [str(c) for c in rows[0]]
    return Sheet(frame, np.arange(len(frame)) + 2 + header, notes, name, header + 1, day_zero)


def _needed_names(loaded: LoadedSpec, role: str) -> set[str]:
    """The file's names of the columns the spec needs (to recognise the header row and the data sheet)."""
    back = {contract: file for file, contract in renames(loaded.spec, role).items()}
    return {back.get(name, name) for name in required_columns(loaded.spec)[role]}


def _header_row(rows: list[list], needed: set[str]) -> int | None:
    """The first of the top rows holding most of the needed column names, or None."""
    for number, row in enumerate(rows[:HEADER_SEARCH]):
        names = {str(c).strip().casefold() for c in row if c is not None}
        if needed and len(names & needed) >= max(1, len(needed) // 2):
            return number
    return None


def _formula_results(path: Path, name: str, rows: list[list], shown: str, problems: list[Problem]):
    """Formula cells replaced by the results Excel saved with them; a formula with no saved result
    (a file written by a program, never opened in Excel) is refused rather than read as empty."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        values = [[_shown(cell) for cell in row] for row in book[name].iter_rows()]
    finally:
        book.close()
    unsaved = [(r, c, cell) for r, row in enumerate(rows) for c, cell in enumerate(row)
               if isinstance(cell, str) and cell.startswith("=") and (c >= len(values[r]) or values[r][c] is None)]
    if unsaved:
        r, c, cell = unsaved[0]
        what = f"{len(unsaved):,} formula cells (the first: {cell[:40]}) have no saved results, so their values are" \
            if len(unsaved) > 1 else f"the formula {cell[:40]} has no saved result, so its value is"
        problems.append(Problem(f"{shown}, sheet {name}, cell {get_column_letter(c + 1)}{r + 1}", None, None, "",
                                f"{what} unknown; open the workbook in Excel and save it, or paste the values over "
                                "the formulas"))
        return None
    return values
