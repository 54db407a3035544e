"""Data files as people really send them: every kind of broken or unusual file is read correctly
or refused with its cause in plain words, by `validate` (the dry run) exactly as by `run`."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.run.prepare import prepare
from engine.inputs import read_inputs
from engine.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
FLOW_OK = "  people: 8 → 8 → 8 → 8 → 6"
ISO_END = re.compile(r"(\d{4})-(\d\d)-(\d\d)$", re.M)  # the submission's last column: start_date


def rewrite(work, name: str, change) -> None:
    path = work.root / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def ok_lines(work) -> list[str]:
    if not (work.root / "bad.yaml").exists():
        work.write_spec()
    result = work.validate()
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def start_dates(work) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in read_inputs(load_spec(work.write_spec())).submission["start_date"]]


ISO_STARTS = ["2011-03-11", "2011-06-08", "2012-07-03", "2011-10-17", "2011-10-26", "2012-10-09", "2011-05-15",
              "2012-10-06"]


# --- dates -------------------------------------------------------------------------------------------


def test_a_column_mixing_iso_and_slashed_dates_is_refused_with_rows_of_each(work):
    work.edit("submission.csv", "2011-10-17", "10/17/2011")
    work.edit("submission.csv", "2012-07-03", "03/07/2012")
    work.write_spec()
    [line] = work.errors()
    assert line.startswith("submission.csv:4: column start_date: mixes YYYY-MM-DD (row 2 \"2011-03-11\", "
                           "row 3 \"2011-06-08\", row 6 \"2011-10-26\" and 3 more) with slashed dates "
                           "(row 4 \"03/07/2012\", row 5 \"10/17/2011\")")


def test_month_day_dates_are_refused_once_per_column_with_a_count(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"\2/\3/\1", t))
    work.write_spec()
    assert work.errors() == [
        'submission.csv:5: column start_date: these look like month/day dates: 3 values (row 5 "10/17/2011", '
        'row 6 "10/26/2011", row 8 "05/15/2011") have a second number over 12, so every slashed date in the '
        "column may be month/day; write the dates as YYYY-MM-DD (or DD/MM/YYYY)"]


def test_month_day_and_day_month_in_one_column_are_refused(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"\2/\3/\1", t).replace("10/17/2011", "17/10/2011"))
    work.write_spec()
    assert work.errors() == [
        'submission.csv:6: column start_date: mixes day/month dates (row 5 "17/10/2011") with month/day dates '
        '(row 6 "10/26/2011", row 8 "05/15/2011"); write every date in the column as YYYY-MM-DD']


def test_day_month_evidence_reads_the_column_day_month_without_a_warning(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"\3/\2/\1", t))
    assert start_dates(work) == ISO_STARTS
    assert read_inputs(load_spec("bad.yaml")).warnings == []


def test_all_ambiguous_slashed_dates_are_read_day_month_with_a_warning(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"0\3/\2/\1", t.replace("-17\n", "-07\n")
                                                            .replace("-26\n", "-06\n").replace("-15\n", "-05\n"))
            .replace("011/", "11/").replace("008/", "08/").replace("003/", "03/").replace("009/", "09/")
            .replace("006/", "06/").replace("007/", "07/").replace("005/", "05/"))
    lines = ok_lines(work)
    assert lines[-1] == (
        '  warning: submission.csv: column start_date: all 8 slashed dates (row 2 "11/03/2011", row 3 "08/06/2011", '
        'row 4 "03/07/2012" and 5 more) could be day/month or month/day; they were read as day/month (DD/MM/YYYY). '
        "If they are month/day, write them as YYYY-MM-DD")
    assert start_dates(work)[:3] == ["2011-03-11", "2011-06-08", "2012-07-03"]


def test_excel_day_numbers_are_read_as_dates_with_a_warning(work):
    serial = lambda m: str((pd.Timestamp(m.group(0)) - pd.Timestamp("1899-12-30")).days)  # noqa: E731
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(serial, t))
    assert start_dates(work) == ISO_STARTS
    assert read_inputs(load_spec("bad.yaml")).warnings == [
        'submission.csv: column start_date holds Excel day numbers (row 2 "40613", row 3 "40702", row 4 "41093" '
        "and 5 more); read them as dates (40613 is 2011-03-11)"]


def test_xlsx_dates_stored_as_dates_and_the_named_sheet(work):
    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    for name in ("date_of_birth", "start_date"):
        frame[name] = pd.to_datetime(frame[name])
    with pd.ExcelWriter(work.root / "sub.xlsx") as writer:
        pd.DataFrame({"note": ["read me first"]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="Records", index=False)
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx\n  submission_sheet: Records"))
    assert start_dates(work) == ISO_STARTS
    inputs = read_inputs(load_spec("bad.yaml"))
    assert inputs.submission["record_id"].tolist()[:2] == ["R1", "R2"]
    assert inputs.submission["date_of_birth"].iloc[0] == pd.Timestamp("1997-10-05")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx\n  submission_sheet: Record"))
    assert work.errors() == ["bad.yaml:12:21: data.submission_sheet: the workbook has no sheet 'Record'; did you "
                             "mean 'Records'? (sheets: Notes, Records)"]
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))  # the sheet with the columns is read
    inputs = read_inputs(load_spec("bad.yaml"))
    assert [f"{d:%Y-%m-%d}" for d in inputs.submission["start_date"]] == ISO_STARTS
    assert inputs.warnings == [
        "sub.xlsx, sheet Records: read this sheet, one of 2 (Notes, Records); name another with data.submission_sheet"]


def test_dates_outside_1900_to_2100_are_refused_not_a_traceback(work):
    work.edit("submission.csv", "2011-03-11", "2300-01-01")
    work.edit("submission.csv", "1999-04-03", "1677-01-01")
    work.write_spec()
    assert work.errors() == [
        'submission.csv:3: row 3, column date_of_birth: "1677-01-01" is not a date from 1900 to 2100',
        'submission.csv:2: row 2, column start_date: "2300-01-01" is not a date from 1900 to 2100']
    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    frame["start_date"] = pd.to_datetime(frame["start_date"], format="%Y-%m-%d").dt.date  # Parquet date32
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"].str.replace("1677", "1977")).dt.date
    frame.to_parquet(work.root / "sub.parquet")
    work.write_spec(("submission: submission.csv", "submission: sub.parquet"))
    assert work.errors() == ['sub.parquet: row 1, column start_date: "2300-01-01" is not a date from 1900 to 2100']


# --- separators, encodings and headers ---------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_other_separators_are_read_as_commas_are(work, separator):
    rewrite(work, "submission.csv", lambda t: t.replace(",", separator))
    rewrite(work, "reference.csv", lambda t: t.replace(",", separator))
    assert ok_lines(work)[1] == FLOW_OK


def test_bom_header_spaces_and_case_and_blank_rows_and_columns_are_normalised(work):
    def excel_like(t: str) -> str:
        lines = t.splitlines()
        lines[0] = lines[0].replace("record_id,offender_id", " Record_ID , OFFENDER_ID")
        return "\ufeff" + "\n".join(line + "," for line in lines) + "\n,,,,,,\n,,,,,,\n"
    rewrite(work, "submission.csv", excel_like)
    lines = ok_lines(work)
    assert lines[1] == FLOW_OK and len(lines) == 8  # no warning: nothing was guessed
    assert read_inputs(load_spec("bad.yaml")).submission.columns.tolist() == [
        "record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date"]


def test_a_shared_read_is_tidied_for_every_spec(work, monkeypatch):
    """A batch worker reads a file once; the second spec naming it still gets the tidied columns."""
    from engine.inputs import reading

    monkeypatch.setattr(reading, "SHARED", None)
    reading.share_reads()
    rewrite(work, "submission.csv", lambda t: "\ufeff" + t.replace("record_id,offender_id", " Record_ID , OFFENDER_ID"))
    work.write_spec()
    for _ in range(2):
        assert read_inputs(load_spec("bad.yaml")).submission.columns.tolist() == [
            "record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date"]


def test_duplicate_and_unnamed_columns_are_refused(work):
    rewrite(work, "reference.csv", lambda t: t.replace("need_drugs", "Age", 1))
    work.write_spec()
    assert work.errors() == ["reference.csv:1: column 14: 'Age' is also the name of column 11; each column needs "
                             "its own name"]
    rewrite(work, "reference.csv", lambda t: t.replace(",Age\n", ",\n", 1))
    assert work.errors() == ["reference.csv:1: column 14: has no name but holds values (first at row 3); give it "
                             "a name in the header"]


def test_a_word_in_a_column_of_numbers_is_refused_not_turned_into_a_category(work):
    work.edit("reference.csv", ",M,41,", ",M,twenty,")
    work.edit("reference.csv", ",M,33,", ",M,N/A,")
    work.write_spec()
    assert work.errors() == [
        'reference.csv:2: row 2, column age: "twenty" is not a number, in a column of numbers; write a number, '
        "or leave the cell empty if it is not known",
        'reference.csv:3: row 3, column age: "N/A" is text in a column of numbers; leave the cell empty when the '
        "value is not known"]


def test_decimal_commas_in_a_column_of_numbers_are_refused_with_the_number_to_write(work):
    rewrite(work, "reference.csv", lambda t: t.replace(",", ";"))
    work.edit("reference.csv", ";M;41;", ";M;41,5;")
    work.write_spec()
    assert work.errors() == ['reference.csv:2: row 2, column age: "41,5" has a decimal comma; write 41.5, with a '
                             "decimal point"]


def test_unused_submission_columns_are_not_checked(work):
    rewrite(work, "submission.csv", lambda t: "".join(line + ",twenty\n" for line in t.splitlines()))
    assert ok_lines(work)[1] == FLOW_OK


# --- plausibility ------------------------------------------------------------------------------------


def test_implausible_values_are_refused_with_their_rows(work):
    work.edit("reference.csv", ",M,41,Wales,18,", ",M,7,Wales,-2,")
    work.edit("reference.csv", ",M,36,", ",M,120,")
    work.edit("submission.csv", "R1,A0002,Carl,Brown,1997-10-05", "R1,A0002,Carl,Brown,2012-10-05")
    work.write_spec()
    assert work.errors() == [
        "reference.csv:2: row 2, column age: is 7; an age must be from 10 to 110",
        "reference.csv:5: row 5, column age: is 120; an age must be from 10 to 110",
        "reference.csv:2: row 2, column previous_offences: is -2; a count of previous events is 0 or more",
        "submission.csv:2: row 2, column date_of_birth: 2012-10-05 is after start_date 2011-03-11",
    ]


def test_start_dates_outside_the_reference_years_are_warned(work):
    work.edit("submission.csv", "2011-06-08", "2016-06-08")
    assert ok_lines(work)[-1] == (
        '  warning: submission.csv: 1 of 8 programme start dates (row 3 "2016-06-08") lies outside the reference '
        "data's index dates (2011-03-01 to 2012-11-30), so no reference record can match it")


def test_the_start_date_warning_follows_the_participation_window(work):
    """Index dates run 2011-03-01 to 2012-11-30; the window is 0 days before an index date to 182 after it."""
    work.edit("submission.csv", "2011-06-08", "2013-03-01")  # 91 days after the last index date: may match
    work.edit("submission.csv", "2011-10-26", "2011-02-28")  # 1 day before the first: cannot
    assert ok_lines(work)[-1] == (
        '  warning: submission.csv: 1 of 8 programme start dates (row 6 "2011-02-28") lies outside the reference '
        "data's index dates (2011-03-01 to 2012-11-30), so no reference record can match it")
    work.edit("submission.csv", "2011-02-28", "2011-03-01")
    work.edit("submission.csv", "2013-03-01", "2013-05-31")  # 182 days after 2012-11-30: the window's last day
    assert not any("warning" in line for line in ok_lines(work))
    work.edit("submission.csv", "2013-05-31", "2013-06-01")
    assert "(row 3 \"2013-06-01\")" in ok_lines(work)[-1]


def test_two_index_events_on_one_date_with_different_outcomes_are_warned(work):
    row = "A0002,Carl,Brown,1997-10-05,2011-03-01,0,1,1,223,M,33,North West,2,1"
    rewrite(work, "reference.csv", lambda t: t + row.replace(",0,1,1,223,", ",0,0,0,,") + "\n")
    assert ok_lines(work)[-1] == (
        "  warning: the reference data has two or more index events on the same date with different outcomes for 1 "
        "submitted person (A0002 on 2011-03-01); the first in the file is used")


# --- linking -----------------------------------------------------------------------------------------


def test_ids_in_another_case_or_with_spaces_link(work):
    rewrite(work, "submission.csv", lambda t: t.replace(",A0", ", a0"))
    assert ok_lines(work)[1] == FLOW_OK


def test_names_in_another_unicode_form_case_and_punctuation_link(work):
    def accent(t: str, form: str) -> str:
        return t.replace("Okafor", unicodedata.normalize(form, "Ókafor-Nwosu")).replace("Brown", "BROWN ")
    rewrite(work, "reference.csv", lambda t: accent(t, "NFC"))
    rewrite(work, "submission.csv", lambda t: accent(t, "NFD").replace("Ókafor-Nwosu", "okafor  nwosu"))
    work.write_spec(("link_on: [offender_id]", "link_on: [surname, forename, date_of_birth]"))
    assert ok_lines(work)[1] == FLOW_OK


def test_an_empty_id_column_says_so_and_suggests_linking_by_name(work):
    rewrite(work, "submission.csv", lambda t: re.sub(r"^(R\d),A\d+,", r"\1,,", t, flags=re.M))
    work.write_spec()
    assert work.errors() == [
        "bad.yaml:16:26: exclusions.1: no one is left after the step 'not identified': none of the 8 people was found "
        "in the reference data on [offender_id]: offender_id is empty in all 8 rows of the submission; link on "
        "[surname, forename, date_of_birth] instead?"]


def test_ids_that_lost_their_leading_zeros_are_named(work):
    rewrite(work, "reference.csv", lambda t: re.sub(r"^A(\d+),", r"\1,", t, flags=re.M))
    rewrite(work, "submission.csv", lambda t: re.sub(r",A0+(\d+),", r",\1,", t))
    work.write_spec()
    [line] = work.errors()
    assert line.endswith("none of the 8 people was found in the reference data on [offender_id]: the IDs look like "
                         "they lost or gained leading zeros: 8 more records link when zeros are ignored (the "
                         "submission's '2' is '0002' in the reference data); write the IDs exactly as the reference "
                         "data does")


def test_a_low_link_rate_is_warned_with_the_reason(work):
    rewrite(work, "submission.csv", lambda t: re.sub(r"^(R[1-5]),A\d+,", r"\1,,", t, flags=re.M))
    assert ok_lines(work)[-3:] == [
        "  linked: 3 of 8 submitted records (38%) on [offender_id]",
        "  warning: only 3 of 8 submitted records (38%) were found in the reference data on [offender_id]: "
        "offender_id is empty in 5 of 8 rows of the submission",
        '  warning: submission.csv: 5 records have no offender_id (row 2 "R1", row 3 "R2", row 4 "R3" and 2 more), '
        "so they could not be looked for in the reference data on [offender_id] and are counted as not identified; "
        "fill in what your records hold"]


# --- nobody left: the step is named, not the propensity model ----------------------------------------


def test_a_header_only_submission(work):
    rewrite(work, "submission.csv", lambda t: t.splitlines()[0] + "\n")
    work.write_spec()
    assert work.errors() == ["submission.csv: the submission has no records, only a header"]


def test_start_dates_in_2099_name_the_no_matching_sentence_step(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"2099-\2-\3", t))
    work.write_spec()
    assert work.errors() == [
        "bad.yaml:16:42: exclusions.2: no one is left after the step 'no matching sentence': all 8 people lack an "
        "index event from 0 days before to 182 days after their programme start (starts 2099-03-11 to 2099-10-26; "
        "the reference data's index dates run 2011-03-01 to 2012-11-30)"]


def test_everyone_excluded_for_a_sexual_offence(work):
    rewrite(work, "reference.csv", lambda t: re.sub(r"^(A\d+,[^,]*,[^,]*,[^,]*,[^,]*),0,", r"\1,1,", t, flags=re.M))
    work.write_spec()
    assert work.errors() == ["bad.yaml:16:64: exclusions.3: no one is left after the step 'sexual offence': all 8 "
                             "people have a sexual offence history"]


def test_a_variable_no_participant_has_is_named_at_its_spec_line(work):
    participants = ["A0002", "A0005", "A0009", "A0013", "A0017", "A0021", "A0026", "A0030"]
    rewrite(work, "reference.csv", lambda t: re.sub(
        r"^(" + "|".join(participants) + r")(,.*),[01]?$", r"\1\2,", t, flags=re.M))
    work.write_spec()
    assert work.errors() == [
        "bad.yaml:20:52: matching.variables.4: need_drugs is empty for all 6 participants left after the step "
        "'sexual offence', so the propensity model cannot use it; remove it from the variables, or fill it in the "
        "reference data"]


# --- suggestions -------------------------------------------------------------------------------------


def test_suggestions_for_pool_values_paths_decimal_commas_and_indentation(work):
    work.write_spec(("{region: [London, Wales]}", "{region: [north west]}"))
    assert work.errors() == ["bad.yaml:25:21: analyses.1.pool.region.0: 'north west' never occurs in column region "
                             "of the reference data; did you mean 'North West'? (values: London, North West, South "
                             "East, Wales)"]
    (work.root / "data").mkdir()
    (work.root / "reference.csv").rename(work.root / "data" / "reference.csv")
    work.write_spec()
    assert work.errors() == ["bad.yaml:10:14: data.reference: file not found: reference.csv (paths are relative to "
                             "the spec's folder); did you mean 'data/reference.csv'?"]
    work.write_spec(("caliper: 0.2", 'caliper: "0,2"'))
    assert work.errors() == ["bad.yaml:19:12: matching.caliper: must be a number (you wrote '0,2'); write 0.2, "
                             "with a decimal point"]
    work.write_spec(("  caliper: 0.2", "   caliper: 0.2"))
    assert work.errors() == ["bad.yaml:19:1: YAML syntax error: indentation: this line is indented more than "
                             "'method' on line 18, which already has its value; indent it by 2 spaces like 'method' "
                             "(or check for a missing key above)"]


def test_a_percentage_where_a_proportion_is_wanted_is_refused_with_the_proportion_to_write(work):
    work.write_spec(("caliper: 0.2", "caliper: 20%"))
    assert work.errors() == ["bad.yaml:19:12: matching.caliper: must be a number (you wrote '20%'); write 0.2, "
                             "a proportion rather than a percentage"]


# --- validate is the dry run of run ------------------------------------------------------------------


def test_run_refuses_what_validate_refuses(work):
    rewrite(work, "submission.csv", lambda t: ISO_END.sub(r"\2/\3/\1", t))
    work.write_spec()
    expected = work.errors()
    result = CliRunner().invoke(app, ["run", "bad.yaml", "--out", "out", "-q"])
    assert result.exit_code == 1 and result.stderr.splitlines()[:-1] == expected
    assert not (work.root / "out").exists()


def test_validate_prints_the_seed_flow_without_fitting_or_matching(monkeypatch):
    """validate is the cheap dry run: it never fits the propensity model, matches or tests outcomes.
    (Checked structurally; how long it takes is measured by benchmarks/validate_speed.py, since
    wall-clock limits are flaky on a shared machine.)"""
    import engine.stages.matching
    import engine.stages.outcomes
    import engine.stages.propensity

    def forbidden(*args, **kwargs):
        raise AssertionError("validate ran an analysis stage")

    monkeypatch.setattr(engine.stages.propensity, "fit_propensity", forbidden)
    monkeypatch.setattr(engine.stages.matching, "match_scores", forbidden)
    monkeypatch.setattr(engine.stages.outcomes, "measure_results", forbidden)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["validate", "specs/lpt.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["specs/lpt.yaml: ok", "  people: 77 → 76 → 72 → 47 → 43"]
    prepared = prepare(load_spec(ROOT / "specs" / "lpt.yaml"))
    assert [s.remaining for s in prepared.cohort.attrition] == [77, 76, 72, 47, 43]


# --- held-out kinds (attack9): spreadsheets as sent, words for "not known", the minimum size ---------


def test_a_sheet_with_title_rows_above_the_header_or_after_an_empty_sheet_is_read(work):
    import openpyxl

    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    with pd.ExcelWriter(work.root / "sub.xlsx") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Sheet1", index=False)
        frame.to_excel(writer, sheet_name="Records", index=False, startrow=3)
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    book["Records"]["A1"] = "Test Trust: submission to the Justice Data Lab"
    book["Records"].merge_cells("A1:F2")
    book.save(work.root / "sub.xlsx")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))
    inputs = read_inputs(load_spec("bad.yaml"))
    assert [f"{d:%Y-%m-%d}" for d in inputs.submission["start_date"]] == ISO_STARTS
    assert inputs.warnings == [
        "sub.xlsx, sheet Records: read this sheet, one of 2 (Sheet1, Records); name another with data.submission_sheet",
        "sub.xlsx, sheet Records: the column names are on row 4; the 3 rows above (a title) were skipped"]
    assert FLOW_OK in ok_lines(work)
    assert inputs.places["submission"].lines[0] == 5  # messages name the sheet's own row numbers


def test_formulas_without_saved_results_are_refused_not_read_as_empty(work):
    import openpyxl

    frame = pd.read_csv(work.root / "submission.csv", dtype=str)
    frame.to_excel(work.root / "sub.xlsx", index=False)
    book = openpyxl.load_workbook(work.root / "sub.xlsx")
    for row in range(2, 10):
        book.active.cell(row, 1).value = f'="R"&{row - 1}'  # written by a program: no cached result
    book.save(work.root / "sub.xlsx")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))
    assert work.errors() == [
        "sub.xlsx, sheet Sheet1, cell A2: 8 formula cells (the first: =\"R\"&1) have no saved results, so their "
        "values are unknown; open the workbook in Excel and save it, or paste the values over the formulas"]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused_without_a_traceback(work):
    (work.root / "sub.xlsx").write_bytes((work.root / "submission.csv").read_bytes())
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))
    assert work.errors() == ["sub.xlsx: is not an Excel workbook (it holds text: a CSV file named .xlsx? give it "
                             "the .csv ending)"]
    assert work.errors("bad.yaml") == work.errors()  # and run says the same (one code path)


@pytest.mark.parametrize("word", ["N/A", "-", "unknown", "NA", "not known"])
def test_words_for_not_known_in_a_column_of_numbers_are_refused_even_when_many(work, word):
    lines = (work.root / "reference.csv").read_text(encoding="utf-8").splitlines()
    for i in range(1, len(lines), 2):  # half the ages: read as text, age would silently become a category
        cells = lines[i].split(",")
        cells[10] = word
        lines[i] = ",".join(cells)
    (work.root / "reference.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    work.write_spec()
    errors = work.errors()
    assert errors[0] == (f'reference.csv:2: row 2, column age: "{word}" is text in a column of numbers; leave the '
                         "cell empty when the value is not known")
    assert errors[-1] == "reference.csv: column age: and 17 more rows with the same problem"


def test_too_few_people_submitted_is_refused_by_validate_as_by_run(work, monkeypatch):
    from engine import disclosure

    monkeypatch.setattr("engine.run.prepare.too_small", disclosure.too_small)  # the fixture turns it off: 8 people
    work.write_spec()
    expected = ["bad.yaml:11:15: data.submission: the submission holds 8 individuals; an evaluation needs at "
                "least 60 (small_groups.min_submitted), so that no one can be identified from its figures"]
    assert work.errors() == expected
    result = CliRunner().invoke(app, ["run", "bad.yaml", "--out", "out"])
    assert result.exit_code == 1 and result.stderr.splitlines()[:-1] == expected


@pytest.mark.parametrize("written", [
    "15.08.2013", "15-08-2013", "Thu 15/08/2013", "Thursday, 15 August 2013", "15-Aug-2013", "August 15th, 2013",
    "2013/08/15", "20130815", "2013-08-15T09:30:00Z", "2013-08-15 09:30:00+01:00", "15 Aug. 2013"])
def test_other_ways_of_writing_a_date_are_read(written):
    from engine.inputs.checks import Checker
    from engine.inputs.dates import parse_dates

    check = Checker("x.csv", None)
    parsed = parse_dates(pd.Series([written, written]), "d", check, False)
    assert check.problems == [] and parsed.iloc[0] == pd.Timestamp("2013-08-15")


@pytest.mark.parametrize("written", ["15/08/13", "15.08.13", "8/15/13", "15-Aug-13", "Aug 15, 13"])
def test_a_two_digit_year_is_refused_as_such(written):
    from engine.inputs.checks import Checker
    from engine.inputs.dates import parse_dates

    check = Checker("x.csv", None)
    parse_dates(pd.Series([written]), "start_date", check, False)
    assert [p.message for p in check.problems] == [
        f'"{written}" has a two-digit year, which could be of either century; write the year in full: YYYY-MM-DD or '
        "DD/MM/YYYY"]


def test_month_day_dates_with_dots_or_dashes_are_refused_like_slashed_ones():
    from engine.inputs.checks import Checker
    from engine.inputs.dates import parse_dates

    for separator in ".-":
        check = Checker("x.csv", None)
        parse_dates(pd.Series([f"08{separator}15{separator}2013", f"03{separator}04{separator}2013"]), "d", check, False)
        [problem] = check.problems
        assert problem.message.startswith("these look like month/day dates: 1 value")


DATEISH = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\A\d{1,4}[/.\- ]\d{1,2}[/.\- ]\d{1,4}( \d{1,2}:\d\d)?\Z"),
    st.from_regex(r"\A(Mon |Thursday, )?\d{1,2}(st)? ?(Jan|Sept|June|Foo)[a-z]{0,6}[ ,.-]*\d{1,5}\Z"),
    st.from_regex(r"\A[A-Za-z]{3,9}\.? \d{1,2}(th)?,? \d{2,4}\Z"),
    st.from_regex(r"\A\d{4,8}(\.0)?\Z"),
    st.sampled_from(["N/A", "-", "unknown", "", " ", "twenty", "12 years", "1,5", "1e400", "nan", "inf"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DATEISH, min_size=1, max_size=12))
def test_any_text_in_a_date_column_is_read_as_a_date_in_range_or_reported(values):
    from engine.inputs.checks import Checker
    from engine.inputs.dates import YEARS, parse_dates

    check = Checker("x.csv", None)
    parsed = parse_dates(pd.Series(values, dtype=object), "d", check, True)
    assert len(parsed) == len(values)
    read = parsed.dropna()
    assert ((read.dt.year >= YEARS[0]) & (read.dt.year <= YEARS[1])).all()
    unread = [i for i, v in enumerate(values) if v.strip() and pd.isna(parsed.iloc[i])]
    assert not unread or check.problems  # nothing written is dropped without a word


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DATEISH, st.integers(-5, 200).map(str), st.floats(-1e6, 1e6).map(str)), min_size=1,
                max_size=12))
def test_any_text_in_an_inferred_column_is_numbers_text_or_reported(values):
    from engine.inputs.checks import FLAGS, Checker, inferred

    check = Checker("x.csv", None)
    out = inferred(pd.Series(values, dtype=object), "age", check)
    assert len(out) == len(values)
    if pd.api.types.is_numeric_dtype(out) and not check.problems:
        written = [v.strip() for v in values]  # Excel's TRUE/FALSE in a flag column are numbers too (1/0)
        written = [str(FLAGS[v.lower()]) if v.lower() in FLAGS else v for v in written]
        numbers = pd.to_numeric(pd.Series(written).replace("", None), errors="coerce")
        assert numbers.notna().sum() == out.notna().sum()  # no written value became a silent gap


def test_a_row_with_more_or_fewer_fields_than_the_header_is_named_by_its_line(work):
    work.edit("submission.csv", "R2,A0005,Fay,Okafor,1999-04-03,2011-06-08", "R2,A0005,Fay,Okafor, Jr,1999-04-03,2011-06-08")
    work.write_spec()
    assert work.errors() == ["submission.csv:3: this row has 7 fields (separated by ',') where the header has 6; a "
                             "value holding the separator must be in quotes"]
    work.edit("submission.csv", "R2,A0005,Fay,Okafor, Jr,1999-04-03,2011-06-08", "R2,A0005,Fay")
    assert work.errors() == ["submission.csv:3: this row has 3 fields (separated by ',') where the header has 6; the "
                             "row is cut short"]


def test_y_and_n_are_read_as_flags(work):
    rewrite(work, "reference.csv", lambda t: re.sub(r"^(([^,]*,){6})1,", r"\1Y,", re.sub(r"^(([^,]*,){6})0,", r"\1N,", t, flags=re.M), flags=re.M))
    assert "Y," in (work.root / "reference.csv").read_text() and ok_lines(work)[1] == FLOW_OK


def test_a_value_over_a_megabyte_is_refused_at_its_row_not_with_the_readers_words(work):
    """A document pasted into one cell: pyarrow says 'straddling object ... increase block size?'."""
    lines = (work.root / "submission.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    first, rest = lines[2].split(",", 1)
    lines[2] = first + "," + "x" * 5_000_000 + rest[rest.index(","):]
    (work.root / "submission.csv").write_text("".join(lines), encoding="utf-8")
    work.write_spec()
    assert work.errors() == ["submission.csv:3: a value in this row is too long to read (5,000,000 characters: "
                             "a whole document pasted into one cell?); shorten it or remove it"]
