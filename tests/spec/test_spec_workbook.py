"""Rows are named as the user's own program numbers them, and a workbook's date cells are dates.

A workbook row is Excel's row number (the header row and the title rows above it counted) with the
sheet's name; a CSV row is the line a text editor shows, blank lines and values with line breaks
counted; one message never gives two numbers for one row."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd

from engine.inputs import read_inputs
from engine.spec.loader import load_spec

TITLE_ROWS = 3  # a title block above the header: the header is Excel's row 4, the first record row 5


def workbook(work, cells: dict[int, object] | None = None, title: bool = True) -> None:
    """The fixture's submission as sub.xlsx, sheet Records, dates as date cells, start_date of the
    record on Excel row r replaced by cells[r] (a date, or text as typed)."""
    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Records"
    top = TITLE_ROWS + 1 if title else 1
    if title:
        sheet["A1"] = "Test Trust: records for the evaluation"
        sheet["A2"] = "Prepared by the data team"
    for column, name in enumerate(frame.columns, start=1):
        sheet.cell(top, column, name)
    for offset, row in enumerate(frame.itertuples(index=False), start=1):
        for column, (name, value) in enumerate(zip(frame.columns, row), start=1):
            cell = sheet.cell(top + offset, column)
            if name in ("date_of_birth", "start_date"):
                cell.value = dt.datetime.fromisoformat(value)
                cell.number_format = "dd/mm/yyyy" if offset % 2 else "d mmm yyyy"  # the display format is no matter
            else:
                cell.value = value
    for row, value in (cells or {}).items():
        sheet.cell(row, 6).value = value
    book.save(work.root / "sub.xlsx")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))


def test_a_bad_cell_is_named_by_sheet_and_excel_row(work):
    workbook(work, {7: "31/02/2011"})  # the third record, below a title block
    assert work.errors() == ['sub.xlsx, sheet Records, row 7: column start_date: "31/02/2011" is not a date; write '
                             "dates as YYYY-MM-DD or DD/MM/YYYY"]


def test_a_repeated_record_id_names_both_excel_rows(work):
    workbook(work, title=False)
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    book.active["A9"] = "R2"
    book.save(work.root / "sub.xlsx")
    assert work.errors() == [
        'sub.xlsx, sheet Records, row 9: column record_id: "R2" is also the record_id of row 3, a different record; '
        "each record needs its own (a row that is an exact copy of another is removed as a duplicate)"]


def test_date_cells_and_dates_typed_as_text_are_read_by_cell_type(work):
    # row 5 holds a date cell whose day is 3 and month 11; rows 6 and 8 hold dates typed as text
    workbook(work, {5: dt.datetime(2011, 3, 11), 6: "08/06/2011", 8: "17/10/2011"})
    inputs = read_inputs(load_spec("bad.yaml"))
    assert [f"{d:%Y-%m-%d}" for d in inputs.submission["start_date"]][:4] == [
        "2011-03-11", "2011-06-08", "2012-07-03", "2011-10-17"]
    assert inputs.warnings == [
        "sub.xlsx, sheet Records: the column names are on row 4; the 3 rows above (a title) were skipped",
        'sub.xlsx, sheet Records: column start_date: 2 dates are typed as text (row 6 "08/06/2011", row 8 '
        '"17/10/2011") among 6 date cells; the typed ones were read as day/month (DD/MM/YYYY). To make them date '
        "cells, in Excel, select the column and choose Data > Text to Columns > Next > Next > Date: DMY > Finish, "
        "which turns dates typed as text into date cells (Format Cells > Date then shows them as you like)"]


def test_month_day_dates_typed_as_text_are_refused_with_the_excel_fix(work):
    workbook(work, {6: "06/28/2011", 8: "10/17/2011"})
    [line] = work.errors()
    assert line == (
        'sub.xlsx, sheet Records, row 6: column start_date: these look like month/day dates: 2 values (row 6 '
        '"06/28/2011", row 8 "10/17/2011") have a second number over 12, so every slashed date in the column may be '
        "month/day; if they are month/day, in Excel, select the column and choose Data > Text to Columns > Next > "
        "Next > Date: MDY > Finish, which turns dates typed as text into date cells (Format Cells > Date then shows "
        "them as you like)")


def test_a_csv_row_is_the_line_an_editor_shows(work):
    text = (work.root / "submission.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("Carl", '"Carl\nCarlos"')  # a value with a line break: R1 takes lines 2 and 3
    text.insert(3, "")  # a blank line: line 5
    text[4] = text[4].replace("2012-07-03", "2012-07-32")  # R3, on line 6
    (work.root / "submission.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    work.write_spec()
    assert work.errors() == ['submission.csv:6: row 6, column start_date: "2012-07-32" is not a date; write dates as '
                             "YYYY-MM-DD or DD/MM/YYYY"]


def test_a_csv_with_old_mac_line_ends_is_read_and_its_lines_counted(work):
    """Lines ended by CR alone (classic Mac OS, some exports): read as any CSV, never an internal error."""
    text = (work.root / "submission.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(text[3].split(",")[-1], "2012-13-01")  # R3's start_date, on line 4
    (work.root / "submission.csv").write_bytes(("\r".join(text) + "\r").encode("utf-8"))
    work.write_spec()
    assert work.errors() == ['submission.csv:4: row 4, column start_date: "2012-13-01" is not a date; write dates as '
                             "YYYY-MM-DD or DD/MM/YYYY"]
    (work.root / "submission.csv").write_bytes(("\r".join(text[:3] + text[4:]) + "\r").encode("utf-8"))
    result = work.validate()
    assert result.exit_code == 0, result.output


def test_an_id_kept_as_a_number_with_leading_zeros_reads_as_excel_shows_it(work):
    # record_id 7 shown as 00007 (Format Cells > Custom > 00000), as organisations keep IDs; 8 with no format
    workbook(work, title=False)
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    book.active["A2"] = 7
    book.active["A2"].number_format = "00000"
    book.active["A3"] = 8
    book.save(work.root / "sub.xlsx")
    inputs = read_inputs(load_spec("bad.yaml"))
    assert list(inputs.submission["record_id"])[:3] == ["00007", "8", "R3"]


def test_a_csv_saved_from_a_workbook_with_a_title_block_says_where_the_column_names_are(work):
    text = (work.root / "submission.csv").read_text(encoding="utf-8")
    title = "Test Trust: records for the evaluation,,,,,\nPrepared by the data team,,,,,\n,,,,,\n"
    (work.root / "submission.csv").write_text(title + text, encoding="utf-8")
    work.write_spec()
    assert work.errors() == [
        "submission.csv:1: line 1 names only 1 of the 6 columns that hold values: a title above the column names? "
        "If they are on line 4, delete the lines above it (in a CSV file the column names are line 1), or give the "
        "workbook itself, whose title rows are skipped"]


def test_a_title_block_over_headings_the_spec_does_not_name_says_to_check_the_names(work):
    workbook(work)  # title rows 1-3, column names on row 4
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    for column, heading in enumerate(["Ref", "PNC", "First name", "Last name", "DOB", "Started"], start=1):
        book.active.cell(4, column).value = heading
    book.save(work.root / "sub.xlsx")
    assert work.errors() == [
        "sub.xlsx, sheet Records, row 1: names only 1 of the 6 columns that hold values, and no row above row 21 "
        "holds the column names the spec needs: if they are on row 4, check them against the names the spec gives "
        "(data.columns, data.submission_columns, data.reference_columns)"]


def test_an_id_with_leading_zeros_reads_as_excel_shows_it_in_a_sheet_with_formulas(work):
    import re
    import zipfile

    workbook(work, title=False)
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    book.active["A2"] = 7
    book.active["A2"].number_format = "00000"
    book.active["G1"] = "note"
    book.active["G2"] = "=1+1"
    book.save(work.root / "sub.xlsx")
    with zipfile.ZipFile(work.root / "sub.xlsx") as package:  # as Excel saves it: the formula's result kept
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'(<c r="G2"[^>]*>)<f>1\+1</f>(<v\s*/>|<v></v>)?', rb"\1<f>1+1</f><v>2</v>", parts[sheet])
    assert b"<v>2</v>" in parts[sheet]
    with zipfile.ZipFile(work.root / "sub.xlsx", "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    inputs = read_inputs(load_spec("bad.yaml"))
    assert list(inputs.submission["record_id"])[:2] == ["00007", "R2"]


def _excel_1904_workbook(work, serials: bool) -> list[str]:
    """The fixture's submission as a workbook in Excel for Mac's 1904 date system: dates of birth as date cells,
    programme starts as date cells or as plain day numbers (counted, as Excel counts them there, from
    1904-01-01). Returns the start dates as Excel shows them."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row))
        start = dt.date.fromisoformat(values["start_date"])
        values["date_of_birth"] = dt.datetime.fromisoformat(values["date_of_birth"])
        values["start_date"] = (start - dt.date(1904, 1, 1)).days if serials else dt.datetime.combine(start, dt.time())
        sheet.append(list(values.values()))
    book.save(work.root / "sub.xlsx")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))
    return list(frame["start_date"])


def test_date_cells_of_a_1904_workbook_are_the_dates_excel_shows(work):
    shown = _excel_1904_workbook(work, serials=False)
    # the file really is in the 1904 system: its cells hold day numbers counted from 1904
    with zipfile.ZipFile(work.root / "sub.xlsx") as package:
        assert b'date1904="1"' in package.read("xl/workbook.xml")
        assert b"<v>39151</v>" in package.read("xl/worksheets/sheet1.xml")  # R1's start 2011-03-11 is 39,151 there
    inputs = read_inputs(load_spec("bad.yaml"))
    assert [f"{d:%Y-%m-%d}" for d in inputs.submission["start_date"]] == shown
    assert f"{inputs.submission['date_of_birth'].iloc[0]:%Y-%m-%d}" == "1997-10-05"


def test_day_numbers_of_a_1904_workbook_are_read_in_its_date_system(work):
    shown = _excel_1904_workbook(work, serials=True)
    inputs = read_inputs(load_spec("bad.yaml"))
    assert [f"{d:%Y-%m-%d}" for d in inputs.submission["start_date"]] == shown  # not 4 years and a day early
    assert inputs.warnings[0] == ('sub.xlsx, sheet Sheet: column start_date holds Excel day numbers (row 2 "39151", '
                                  'row 3 "39240", row 4 "39631" and 5 more); read them as dates (39151 is '
                                  "2011-03-11, in the workbook's 1904 date system)")
