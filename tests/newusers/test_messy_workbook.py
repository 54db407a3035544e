"""A real organisation's workbook, first time: saved the way Excel saves it (a title block above the header,
its own column headings, UK dates in date cells and typed as text, blank dates of birth, rows pasted
twice, people the national data does not hold). It validates with Excel's own row numbers, links by name
under its own headings, removes and counts the duplicates, and makes a report, with no edit to the
workbook beyond the one a message asks for."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.commands.new import new_evaluation

ROOT = Path(__file__).resolve().parents[2]
HEADINGS = ["Ref", "First name", "Surname", "Date of birth", "Start date", "Notes"]
FIRST_ROW = 5  # two title rows and a blank row above the headings (row 4)
PEOPLE, UNKNOWN, NO_BIRTH_DATE, COPIES = 110, 5, 3, 3
TYPO_ROW = 35  # the start date typed as "31/02/2014"
SPEC_DATA = """data:
  reference: data/national.parquet
  submission: data/Participants.xlsx
  link_on: [surname, forename, date_of_birth]
  submission_columns:
    record_id: Ref
    forename: First name
    surname: Surname
    date_of_birth: Date of birth
    start_date: Start date
  days_before_index: 183
  days_after_index: 0
"""


def women_released(count: int) -> pd.DataFrame:
    """Women leaving custody in 2013-14 without a sexual offence, from the (synthetic) national data."""
    national = pd.read_parquet(ROOT / "specs" / "data" / "national.parquet",
                               columns=["offender_id", "forename", "surname", "date_of_birth", "sex", "disposal",
                                        "index_date", "sexual_offence_history"])
    national["index_date"] = pd.to_datetime(national["index_date"])
    chosen = national[(national["sex"] == "F") & (national["disposal"] == "custody")
                      & (national["sexual_offence_history"] == 0)
                      & national["index_date"].between("2013-03-01", "2014-06-30")]
    return chosen.drop_duplicates("offender_id").sample(count, random_state=18).reset_index(drop=True)


def records() -> list[list]:
    """The rows as the organisation keeps them: dates mostly as date cells, some typed as text."""
    people = women_released(PEOPLE)
    rows = []
    for i, person in people.iterrows():
        born = pd.Timestamp(person["date_of_birth"]).to_pydatetime()
        start = (person["index_date"] - pd.Timedelta(days=60)).to_pydatetime()
        rows.append([f"WC{i + 1:03d}", person["forename"].upper() if i % 4 == 0 else person["forename"],
                     f" {person['surname']} " if i % 7 == 2 else person["surname"],
                     None if i in (10, 40, 70) else (f"{born:%d/%m/%Y}" if i % 11 == 3 else born),
                     f"{start:%d/%m/%Y}" if i % 9 == 4 else start, "referred by probation" if i % 5 == 0 else None])
    for k in range(UNKNOWN):  # not in the national data
        rows.append([f"WC{PEOPLE + k + 1:03d}", "Nobody", f"Unknown{k}", dt.datetime(1980, 1, k + 1),
                     dt.datetime(2013, 9, 1), None])
    rows += [list(rows[i]) for i in (5, 6, 7)]  # pasted twice
    return rows


def write_workbook(path: Path, rows: list[list]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Participants"
    sheet["A1"] = "Women's Centre: programme participants, 2013 to 2014"
    sheet["A2"] = "Prepared by the data officer for the evaluation"
    for column, heading in enumerate(HEADINGS, start=1):
        sheet.cell(FIRST_ROW - 1, column, heading)
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(FIRST_ROW + offset, column, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
    sheet.cell(TYPO_ROW, 5).value = "31/02/2014"
    book.save(path)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    root = tmp_path_factory.mktemp("women")
    spec, _ = new_evaluation("women", root)
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r'"FILL IN: [^"]*"', '"the Women\'s Centre mentoring programme"', text)
    text = re.sub(r"\ndata:\n(?:  .*\n|\n)*?(?=\n# People left out)", "\n" + SPEC_DATA, text)
    spec.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "specs" / "data" / "national.parquet", root / "data" / "national.parquet")
    rows = records()
    write_workbook(root / "data" / "Participants.xlsx", rows)
    return root, spec, rows


def validate(root: Path, spec: Path):
    return CliRunner().invoke(app, ["validate", str(spec.relative_to(root))])


def test_the_workbook_validates_with_excel_row_numbers_then_reports(evaluation, monkeypatch):
    root, spec, rows = evaluation
    monkeypatch.chdir(root)
    refused = validate(root, spec)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[:-1] == [
        f'data/Participants.xlsx, sheet Participants, row {TYPO_ROW}: column Start date: "31/02/2014" is not a '
        "date; write dates as YYYY-MM-DD or DD/MM/YYYY"]

    # what the message asks: that row's start date, entered as a date
    book = openpyxl.load_workbook(root / "data" / "Participants.xlsx")
    book["Participants"].cell(TYPO_ROW, 5).value = rows[TYPO_ROW - FIRST_ROW][4]
    book.save(root / "data" / "Participants.xlsx")

    checked = validate(root, spec)
    assert checked.exit_code == 0, checked.output
    lines = checked.stdout.splitlines()
    individuals = PEOPLE + UNKNOWN
    identified = PEOPLE - NO_BIRTH_DATE
    assert lines[1] == f"  people: {individuals + COPIES} → {individuals} → {identified} → {identified} → {identified}"
    assert lines[3:6] == [f"    duplicates:                {individuals:>3}  (-{COPIES})",
                          f"    not identified:            {identified:>3}  (-{UNKNOWN + NO_BIRTH_DATE})",
                          f"      no identifier: 0, no date of birth: {NO_BIRTH_DATE}, not found: {UNKNOWN}"]
    warnings = [line for line in lines if line.startswith("  warning:")]
    excel_row = lambda i: FIRST_ROW + i  # noqa: E731
    assert ("  warning: data/Participants.xlsx, sheet Participants: the column names are on row 4; the 3 rows "
            "above (a title) were skipped") in warnings
    assert (f'  warning: data/Participants.xlsx, sheet Participants: 3 records have no Date of birth (row '
            f'{excel_row(10)} "WC011", row {excel_row(40)} "WC041", row {excel_row(70)} "WC071"), so they could not '
            "be looked for in the reference data on [surname, forename, date_of_birth] and are counted as not "
            "identified; fill in what your records hold") in warnings
    typed = [w for w in warnings if "typed as text" in w]
    assert len(typed) == 2 and all("Text to Columns" in w and "Date: DMY" in w for w in typed)
    assert f"row {excel_row(4)} " in typed[1]  # the first start date typed as text, at its Excel row

    ran = CliRunner().invoke(app, ["run", str(spec.relative_to(root)), "--out", "reports/women", "-q"])
    assert ran.exit_code == 0, ran.output
    report = (root / "reports" / "women" / "report.md").read_text(encoding="utf-8")
    assert (f"{individuals + COPIES} records were submitted for analysis by the Women's Centre mentoring programme, "
            f"corresponding to {individuals} individuals. {COPIES} duplicate records were removed.") in report
    assert "*Made from synthetic data:" in report
