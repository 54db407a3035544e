"""Annex: the sheets hold the results' exact numbers, and the file repeats byte for byte."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from engine.render.annex import ZIP_TIME, build_annex

SHEETS = ["Group characteristics", "Matching quality", "Results", "Flow of people", "About"]


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def find(sheet, first: str, second=None) -> list:
    for row in sheet.iter_rows():
        if row[0].value == first and (second is None or row[1].value == second):
            return row
    raise AssertionError(f"no row {first!r} {second!r}")


def test_sheets_in_order_with_bold_headers(results):
    book = workbook(build_annex(results))
    assert book.sheetnames == SHEETS
    header = find(book["Results"], "Analysis")
    assert all(cell.font.b for cell in header)
    assert book["Results"].column_dimensions["B"].width > 20


def time_p(results):
    return next(a for a in results.analyses if a.name == "Regional").measures["time_to_first_reoffence"].p_value


def test_results_sheet_holds_the_unrounded_numbers(results):
    sheet = workbook(build_annex(results))["Results"]
    rate = find(sheet, "National", "One-year proven re-offending rate (%)")
    values = [c.value for c in rate]
    assert values[2:11] == [39, 13557, 10250.5, 43.58974358974359, 34.79, 8.79974358974359, -7.3, 24.9, 0.2812]
    assert values[11:17] == ["No", "not significant", "Yes", "Yes", 38.2, 428]
    assert rate[5].number_format == "0.0" and rate[10].number_format == "0.000"
    frequency = find(sheet, "National", "One-year proven re-offending frequency (offences per person)")
    assert [c.value for c in frequency][5:13] == [0.95, 1.62, -0.67, -1.2, -0.14, 0.014, "Yes", "decrease"]
    assert frequency[5].number_format == "0.00"
    time = find(sheet, "Regional", "Average time to first proven re-offence (days)")
    assert [c.value for c in time][17:20] == ["resampling test", 0.6, "No"]
    assert [c.value for c in time][20:25] == [None, "welch", time_p(results), -30.1, 50.5]
    assert sum(1 for r in rows(sheet) if r[0] in ("National", "Regional")) == 6


def test_matching_quality_has_a_block_per_analysis(results):
    sheet = workbook(build_annex(results))["Matching quality"]
    table = rows(sheet)
    assert ("Analysis: National (headline)",) + (None,) * 7 in table
    assert ("Analysis: Regional",) + (None,) * 7 in table
    assert table.count(("age", None, 21.4, 32.7, 21.6, -120.5, -4.1, "well")) == 2
    assert ("need_drugs", "(missing)", 0.2, 0.3, 0.15, -23.0, 13.1, "poorly") in table


def test_group_characteristics_suppress_small_counts(results):
    sheet = workbook(build_annex(results))["Group characteristics"]
    assert [c.value for c in find(sheet, "People")][2:] == [39, 29]
    assert [c.value for c in find(sheet, "Sex", "M")][2:] == [92.3, 100]
    assert [c.value for c in find(sheet, "Sex", "F")][2:] == ["*", None]  # 3 women: suppressed
    assert [c.value for c in find(sheet, "Sex", "Unknown")][2:] == [None, "*"]
    assert find(sheet, "Needs (% of those assessed)", "need_drugs")[2].value == "*"
    assert find(sheet, "Not identified (no information held)")[1].value == 4


def test_flow_of_people(results):
    sheet = workbook(build_annex(results))["Flow of people"]
    table = rows(sheet)
    assert table[3:8] == [
        ("Records submitted", 0, 77),
        ("Duplicate records removed", 1, 76),
        ("Not identified in the reference data", 4, 72),
        ("No sentence matching the participation period", 25, 47),
        ("Sexual offence history", 4, 43),
    ]
    unmatched = [r for r in table if r[0] == "No comparison within the caliper"]
    assert unmatched == [("No comparison within the caliper", 4, 39), ("No comparison within the caliper", 5, 38)]


def test_about_names_the_inputs(results):
    table = rows(workbook(build_annex(results))["About"])
    assert ("Spec", "specs/lpt.yaml", "ab" * 32, None) in table
    assert ("Input: submission", "specs/data/lpt_submission.csv", "ef" * 32, 77) in table
    assert ("Engine version", "0.1.0", None, None) in table


def test_identical_bytes_and_no_clock(results):
    first, second = build_annex(results), build_annex(results)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core
    book = workbook(first)
    assert book.properties.modified.year == 2000
