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


def test_results_sheet_speaks_the_reports_language(results):
    sheet = workbook(build_annex(results))["Results"]
    rate = find(sheet, "National", "One-year proven re-offending rate (%)")
    values = [c.value for c in rate]
    # rounded as the report's Table 1 prints them: 43.6, 34.8, 8.8, -7 to +25, 0.28
    assert values[2:11] == [39, 13557, 10251, 43.6, 34.8, 8.8, -7, 25, 0.28]
    assert values[11:17] == ["No", "not significantly different", "Yes", None, "Yes", 428]
    assert rate[5].number_format == "0.0" and rate[8].number_format == "0" and rate[10].number_format == "0.00"
    frequency = find(sheet, "National", "One-year proven re-offending frequency (offences per person)")
    assert [c.value for c in frequency][5:13] == [0.95, 1.62, -0.67, -1.2, -0.1, 0.01, "Yes", "lower"]
    assert frequency[8].number_format == "0.0"
    time = find(sheet, "Regional", "Average time to first proven re-offence, re-offenders only (days)")
    assert [c.value for c in time][12] == "not significantly different"
    assert [c.value for c in time][17:22] == ["resampling test", 0.6, "No", "t-test", 0.61]
    assert sum(1 for r in rows(sheet) if r[0] in ("National", "Regional")) == 6


def test_states_are_lower_higher_shorter_longer_and_unreported_measures_say_why(results):
    national = results.analyses[0]
    time = national.measures["time_to_first_reoffence"].model_copy(update={"state": "decrease", "significant": True})
    custody = national.measures["rate"].model_copy(update={
        "reported": False, "not_reported_reason": "too_few_events", "ci_low": None, "ci_high": None,
        "p_value": None})
    changed = national.model_copy(update={"measures": {**national.measures, "time_to_first_reoffence": time,
                                                       "custody": custody}})
    data = results.model_copy(update={"analyses": [changed], "measures": [*results.measures, "custody"]})
    sheet = workbook(build_annex(data))["Results"]
    assert find(sheet, "National", "Average time to first proven re-offence, re-offenders only (days)")[12].value \
        == "shorter"
    row = [c.value for c in find(sheet, "National", "People with a re-offence resulting in custody (% of all people)")]
    assert row[8:15] == [None, None, None, "No", "not reported", "No",
                         "too few people would be expected to have this outcome to make a reliable estimate"]
    header = [c.value for c in find(sheet, "Analysis")]
    assert "Why not reported" in header and "Treatment group compared with comparison group" in header


def test_matching_quality_has_a_block_per_analysis_in_plain_labels(results):
    sheet = workbook(build_annex(results))["Matching quality"]
    table = rows(sheet)
    assert ("National analysis (the headline analysis)",) + (None,) * 9 in table
    assert ("Regional analysis",) + (None,) * 9 in table
    assert table.count(("Matching quality uses the pooled convention.",) + (None,) * 9) == 2
    assert table.count(("Age", None, 21.4, 32.7, 21.6, -120.5, -4.1, "well matched", None, None)) == 2
    assert ("Sex", "male", 0.9, 0.8, 0.86, 27.3, 7.2, "reasonably well matched", None, None) in table
    assert ("Drug use", "not recorded", 0.2, 0.3, 0.15, -23.0, 13.1, "poorly matched", None, None) in table


def test_group_characteristics_counts_and_percentages_in_separate_columns(results):
    sheet = workbook(build_annex(results))["Group characteristics"]
    header = [c.value for c in find(sheet, "Characteristic")]
    assert header == ["Characteristic", "Level", "Analysed: people", "Analysed: % of group", "Not analysed: people",
                      "Not analysed: % of group"]
    assert [c.value for c in find(sheet, "Everyone in the group")][2:] == [39, None, 29, None]
    assert [c.value for c in find(sheet, "Sex", "male")][2:] == [36, 92, 29, 100]
    assert [c.value for c in find(sheet, "Sex", "female")][2:] == ["*", "*", None, None]  # 3 women: suppressed
    assert [c.value for c in find(sheet, "Sex", "Unknown")][2:] == [None, None, "*", "*"]
    assert find(sheet, "Risks and needs (% of those assessed)", "had previously misused drugs")[2].value == "*"
    assert find(sheet, "Not identified in the national data (no information held)")[2].value == 4


def test_flow_of_people_in_the_order_it_happened(results):
    table = rows(workbook(build_annex(results))["Flow of people"])
    assert table[4:9] == [
        ("Records submitted", None, 77),
        ("Duplicate records removed", 1, 76),
        ("Not identified in the national data", 4, 72),
        ("No sentence matching the time on the programme", 25, 47),
        ("Current or previous sexual offence", 4, 43),
    ]
    start = table.index(("Regional analysis", None, None))
    assert table[start + 2:start + 8] == [
        ("Comparison pool (restricted)", None, 30012),
        ("Pool records sharing no participant's characteristics", 12, 30000),
        ("Participants before matching", None, 43),
        ("Participants with no comparison record close enough", 5, 38),
        ("Comparison records matched to the treatment group", None, 2100),
        ("Comparison group's effective size", None, 1800),
    ]


def test_no_raw_variable_names_in_the_annex(results):
    book = workbook(build_annex(results))
    for name in SHEETS[:-1]:
        for row in rows(book[name]):
            for value in row:
                assert not (isinstance(value, str) and "_" in value), (name, value)
    about = rows(book["About"])
    assert ("Measures", "One-year proven re-offending rate (%), One-year proven re-offending frequency (offences "
            "per person), Average time to first proven re-offence, re-offenders only (days)", None, None) in about


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


def test_results_sheet_gives_the_deciding_tests_interval_its_draws_and_the_e_values(results):
    from engine.results import DecidingTest, EValue, MonteCarlo

    national = results.analyses[0]
    frequency = national.measures["frequency"].model_copy(update={
        "decided_by": DecidingTest(test="bootstrap", p_value=0.0072, ci_low=-1.417, ci_high=-0.223,
                                   monte_carlo=MonteCarlo(draws=20000, p_value_low=0.0052, p_value_high=0.0098)),
        "e_value": EValue(scale="standardised_difference", risk_ratio=0.672, risk_ratio_bound=0.749,
                          estimate=2.3388, bound=2.0033)})
    changed = national.model_copy(update={"measures": {**national.measures, "frequency": frequency}})
    sheet = workbook(build_annex(results.model_copy(update={"analyses": [changed]})))["Results"]
    header = [c.value for c in find(sheet, "Analysis")]
    row = dict(zip(header, [c.value for c in find(sheet, "National", "One-year proven re-offending frequency "
                                                  "(offences per person)")]))
    assert (row["Deciding test's interval: from"], row["Deciding test's interval: to"]) == (-1.4, -0.2)
    assert (row["Resampling draws"], row["Resampling p-value, given the draws: at least"],
            row["Resampling p-value, given the draws: at most"]) == (20000, 0.005, 0.01)
    assert (row["E-value of the estimate"], row["E-value of the interval's bound nearest to no difference"]) == \
        (2.34, 2.0)
    assert "exp(0.91 d)" in row["Notes"]
    rate = dict(zip(header, [c.value for c in find(sheet, "National", "One-year proven re-offending rate (%)")]))
    assert rate["E-value of the estimate"] is None and rate["Deciding test's interval: from"] is None
