"""The data files: contract types after reading, and every bad value named by file, row and column."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from engine.errors import UserError
from engine.inputs import read_inputs
from engine.spec.loader import load_spec

ROW1 = "A0001,Ben,Jones,1981-10-07,2011-11-28,0,1,1,38,M,41,Wales,18,"  # line 2 of reference.csv
ROW4 = "A0004,Eve,Patel,1977-03-23,2012-02-11,0,0,0,,M,36,London,13,0"  # line 5, did not re-offend
NOT_A_DATE = "is not a date; write dates as YYYY-MM-DD or DD/MM/YYYY"


def test_valid_fixture_validates(work):
    work.write_spec()
    result = work.validate()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "bad.yaml: ok",
        "  people: 8 → 8 → 8 → 8 → 6",
        "    submitted:                   8",
        "    duplicates:                  8  (-0)",
        "    not identified:              8  (-0)",
        "    no matching sentence:        8  (-0)",
        "    sexual offence:              6  (-2)",
        "  linked: 8 of 8 submitted records (100%) on [offender_id]",
    ]


def test_inputs_have_contract_types(work):
    inputs = read_inputs(load_spec(work.write_spec()))
    ref, sub = inputs.reference, inputs.submission
    assert len(ref) == 40 and len(sub) == 8
    for name in ("index_date", "date_of_birth"):
        assert ref[name].dtype == "datetime64[ns]"
    assert sub["start_date"].dtype == "datetime64[ns]"
    assert sub["start_date"].iloc[0] == pd.Timestamp("2011-03-11")
    for name in ("sexual_offence_history", "reoffended"):
        assert ref[name].dtype == np.int8 and set(ref[name]) <= {0, 1}
    assert ref["reoffences"].dtype == np.int64
    assert ref["days_to_first_reoffence"].dtype == np.float64
    assert ref["days_to_first_reoffence"].iloc[0] == 38 and np.isnan(ref["days_to_first_reoffence"].iloc[3])
    assert ref["need_drugs"].dtype == np.float64 and np.isnan(ref["need_drugs"].iloc[0])
    assert ref["need_drugs"].iloc[1] == 1.0
    assert ref["age"].dtype == np.float64 and ref["age"].iloc[0] == 41.0
    assert pd.api.types.is_string_dtype(ref["region"]) and ref["region"].iloc[1] == "North West"
    assert pd.api.types.is_string_dtype(ref["offender_id"]) and pd.api.types.is_string_dtype(sub["record_id"])
    raw = (work.root / "reference.csv").read_bytes()
    assert inputs.files["reference"].model_dump() == {
        "path": "reference.csv", "sha256": hashlib.sha256(raw).hexdigest(), "rows": 40,
    }
    assert inputs.files["submission"].rows == 8


def test_renamed_columns_and_other_spellings_are_read(work):
    """data.columns and data.start_column rename; DD/MM/YYYY dates, a time after a date, yes/no flags are read."""
    for name in ("reference.csv", "submission.csv"):
        work.edit(name, "offender_id", "PNC")
    work.edit("submission.csv", "start_date", "Started")
    path = work.root / "submission.csv"  # every start date DD/MM/YYYY (one column, one way of writing)
    path.write_text(re.sub(r"(\d{4})-(\d\d)-(\d\d)\n", r"\3/\2/\1\n", path.read_text()))
    work.edit("reference.csv", ROW1, ROW1.replace(",0,1,1,38,", ",no,Yes,1,38,"))
    work.edit("reference.csv", "2011-11-28", "2011-11-28 14:05:00")  # a database export's time is dropped
    work.edit("reference.csv", "need_drugs", "employed")  # yes/no text in another column becomes 0/1
    text = (work.root / "reference.csv").read_text()
    lines = text.splitlines()
    lines[1:] = [line.rsplit(",", 1)[0] + ("," + ("yes" if i % 2 else "no")) for i, line in enumerate(lines[1:])]
    (work.root / "reference.csv").write_text("\n".join(lines) + "\n")
    work.write_spec(("  start_column: start_date", "  start_column: Started\n  columns: {offender_id: PNC}"),
                    ("region, previous_offences, need_drugs]", "region, previous_offences, employed]"))
    inputs = read_inputs(load_spec("bad.yaml"))
    assert inputs.submission["start_date"].iloc[0] == pd.Timestamp("2011-03-11")
    assert inputs.reference["index_date"].iloc[0] == pd.Timestamp("2011-11-28")
    assert inputs.reference["offender_id"].iloc[0] == "A0001"
    assert inputs.reference["sexual_offence_history"].iloc[0] == 0 and inputs.reference["reoffended"].iloc[0] == 1
    assert inputs.reference["employed"].tolist()[:3] == [0, 1, 0] and inputs.reference["employed"].dtype == np.int8


def test_parquet_reference(work):
    frame = pd.read_csv(work.root / "reference.csv", dtype=str, keep_default_na=False)
    frame["index_date"] = pd.to_datetime(frame["index_date"])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"]).dt.date  # Parquet date32
    frame["region"] = frame["region"].astype("category")
    frame["reoffended"] = frame["reoffended"].astype(int)
    frame.loc[2, "reoffended"] = 2
    frame.to_parquet(work.root / "reference.parquet")
    work.write_spec(("reference: reference.csv", "reference: reference.parquet"))
    assert work.errors() == ['reference.parquet: row 3, column reoffended: "2" is not 0 or 1']
    frame.loc[2, "reoffended"] = 1
    frame.to_parquet(work.root / "reference.parquet")
    inputs = read_inputs(load_spec("bad.yaml"))
    assert inputs.reference["index_date"].dtype == "datetime64[ns]"
    assert inputs.reference["reoffended"].dtype == np.int8
    assert inputs.reference["date_of_birth"].dtype == "datetime64[ns]"
    assert inputs.reference["date_of_birth"].iloc[0] == pd.Timestamp("1981-10-07")
    assert pd.api.types.is_string_dtype(inputs.reference["region"]) and inputs.reference["region"].iloc[0] == "Wales"


def test_a_pandas_index_saved_in_the_parquet_file_is_not_the_rows(work):
    """`to_parquet` keeps a pandas index that is not 0, 1, 2 ...: repeated labels (as pd.concat leaves them)
    broke linking with an internal error, and a named index held a column of the data."""
    frame = pd.read_csv(work.root / "reference.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(work.root / "plain.parquet")
    expected = read_inputs(load_spec(work.write_spec(("reference: reference.csv", "reference: plain.parquet"))))
    halves = [frame.iloc[:20], frame.iloc[20:].set_axis(range(20))]  # labels 0-19 twice
    pd.concat(halves).to_parquet(work.root / "repeated.parquet")
    named = frame.set_index("offender_id")  # the linking column as the index
    named.iloc[::-1].iloc[::-1].to_parquet(work.root / "named.parquet")
    for name in ("repeated", "named"):
        work.write_spec(("reference: reference.csv", f"reference: {name}.parquet"))
        inputs = read_inputs(load_spec("bad.yaml"))
        got = inputs.reference[expected.reference.columns]
        pd.testing.assert_frame_equal(got, expected.reference)
        assert work.validate().exit_code == 0
    frame.loc[2, "reoffended"] = "2"  # and a bad value is named by its row in the file
    frame.set_axis(range(100, 140)).to_parquet(work.root / "shifted.parquet")
    work.write_spec(("reference: reference.csv", "reference: shifted.parquet"))
    assert work.errors() == ['shifted.parquet: row 3, column reoffended: "2" is not 0 or 1']


SPEC_SIDE = [
    ("missing data file", [("reference: reference.csv", "reference: referense.csv")], [],
     ["bad.yaml:10:14: data.reference: file not found: referense.csv (paths are relative to the spec's folder); "
      "did you mean 'reference.csv'?"]),
    ("missing data folder", [("submission: submission.csv", "submission: data/submission.csv")], [],
     ["bad.yaml:11:15: data.submission: file not found: data/submission.csv (the folder data does not exist; "
      "paths are relative to the spec's folder); did you mean 'submission.csv'?"]),
    ("not a data file", [("reference: reference.csv", "reference: reference.xls")], [],
     ["bad.yaml:10:14: data.reference: must be a .csv, .xlsx or .parquet file (you wrote 'reference.xls'); "
      "save the workbook as .xlsx"]),
    ("missing matching column", [("[sex, age, region,", "[sex, agee, region,")], [],
     ["bad.yaml:20:20: matching.variables.1: the reference data (reference.csv) has no column 'agee'; "
      "did you mean 'age'? (its columns: offender_id, forename, surname, date_of_birth, index_date, sexual_offence_history, reoffended, reoffences, "
      "days_to_first_reoffence, sex, age, region, previous_offences, need_drugs)"]),
    ("missing link column", [("  link_on: [offender_id]", "  link_on: [surname, forename, date_of_birth]")],
     [("submission.csv", "forename", "first_name")],
     ["bad.yaml:12:22: data.link_on.1: the submission (submission.csv) has no column 'forename' (its columns: "
      "record_id, offender_id, first_name, surname, date_of_birth, start_date); if it has another name there, "
      "write it as data.submission_columns.forename"]),
    ("renamed column not there", [("  start_column: start_date", "  columns: {offender_id: PNC}")], [],
     ["bad.yaml:13:26: data.columns.offender_id: the reference data (reference.csv) has no column 'PNC' "
      "(its columns: offender_id, forename, surname, date_of_birth, index_date, sexual_offence_history, reoffended, reoffences, "
      "days_to_first_reoffence, sex, age, region, previous_offences, need_drugs); data.columns renames it in both "
      "files: a name only one file uses goes in data.submission_columns.offender_id or "
      "data.reference_columns.offender_id instead",
      "bad.yaml:13:26: data.columns.offender_id: the submission (submission.csv) has no column 'PNC' "
      "(its columns: record_id, offender_id, forename, surname, date_of_birth, start_date); data.columns renames it "
      "in both files: a name only one file uses goes in data.submission_columns.offender_id or "
      "data.reference_columns.offender_id instead"]),
    ("own heading mapped in both files", [("  link_on: [offender_id]", "  link_on: [surname, forename, date_of_birth]"),
                                          ("  start_column: start_date", "  columns: {forename: First name}")],
     [("submission.csv", "forename", "First name")],
     ["bad.yaml:13:23: data.columns.forename: the reference data (reference.csv) has no column 'First name' "
      "(its columns: offender_id, forename, surname, date_of_birth, index_date, sexual_offence_history, reoffended, "
      "reoffences, days_to_first_reoffence, sex, age, region, previous_offences, need_drugs); data.columns renames "
      "it in both files: a name only one file uses goes in data.submission_columns.forename or "
      "data.reference_columns.forename instead"]),
    ("pool value not present", [("{region: [London, Wales]}", "{region: [Londn, Wales, Mars]}")], [],
     ["bad.yaml:25:21: analyses.1.pool.region.0: 'Londn' never occurs in column region of the reference data; "
      "did you mean 'London'? (values: London, North West, South East, Wales)",
      "bad.yaml:25:35: analyses.1.pool.region.2: 'Mars' never occurs in column region of the reference data "
      "(values: London, North West, South East, Wales)"]),
]

DATA_SIDE = [
    ("bad date", [("reference.csv", "1981-10-07", "1981-02-31")],
     [f'reference.csv:2: row 2, column date_of_birth: "1981-02-31" {NOT_A_DATE}']),
    ("bad DD/MM/YYYY date", [("submission.csv", "2011-03-11", "31/02/2011")] + [
        ("submission.csv", iso, slashed) for iso, slashed in [
            ("2011-06-08", "08/06/2011"), ("2012-07-03", "03/07/2012"), ("2011-10-17", "17/10/2011"),
            ("2011-10-26", "26/10/2011"), ("2012-10-09", "09/10/2012"), ("2011-05-15", "15/05/2011"),
            ("2012-10-06", "06/10/2012")]],
     [f'submission.csv:2: row 2, column start_date: "31/02/2011" {NOT_A_DATE}']),
    ("year alone is not a date", [("reference.csv", "1981-10-07", "1981")],
     [f'reference.csv:2: row 2, column date_of_birth: "1981" {NOT_A_DATE}']),
    ("empty programme start", [("submission.csv", "2011-03-11", "")],
     ["submission.csv:2: row 2, column start_date: is empty; a date is needed"]),
    ("2 in a 0/1 column", [("reference.csv", ROW1, ROW1.replace(",0,1,1,38,", ",2,1,1,38,"))],
     ['reference.csv:2: row 2, column sexual_offence_history: "2" is not 0 or 1']),
    ("negative count", [("reference.csv", ROW1, ROW1.replace(",0,1,1,38,", ",0,1,-1,38,"))],
     ['reference.csv:2: row 2, column reoffences: "-1" is negative; a count is 0 or more']),
    ("count not whole", [("reference.csv", ROW1, ROW1.replace(",0,1,1,38,", ",0,1,1.5,38,"))],
     ['reference.csv:2: row 2, column reoffences: "1.5" is not a whole number']),
    ("days out of range", [("reference.csv", ROW1, ROW1.replace(",38,", ",400,"))],
     ['reference.csv:2: row 2, column days_to_first_reoffence: "400" is not a whole number of days from 1 to 365']),
    ("days missing for a re-offender", [("reference.csv", ROW1, ROW1.replace(",38,", ",,"))],
     ["reference.csv:2: row 2, column days_to_first_reoffence: is empty but reoffended is 1"]),
    ("days for a non-re-offender", [("reference.csv", ROW4, ROW4.replace(",0,,M,", ",0,12,M,"))],
     ["reference.csv:5: row 5, column days_to_first_reoffence: is 12 but reoffended is 0; it must be empty"]),
    ("count for a non-re-offender", [("reference.csv", ROW4, ROW4.replace(",0,0,0,,", ",0,0,2,,"))],
     ["reference.csv:5: row 5, column reoffences: is 2 but reoffended is 0"]),
    ("need not 0/1", [("reference.csv", ROW4, ROW4[:-1] + "yes please")],
     ['reference.csv:5: row 5, column need_drugs: "yes please" is not 0 or 1']),
    ("problems in both files at once",
     [("reference.csv", ROW1, ROW1.replace("2011-11-28,0,1,1", "2011-11-31,0,1,x")),
      ("submission.csv", "R1,", "R1,,")],
     [f'reference.csv:2: row 2, column index_date: "2011-11-31" {NOT_A_DATE}',
      'reference.csv:2: row 2, column reoffences: "x" is not a whole number',
      "submission.csv:2: this row has 7 fields (separated by ',') where the header has 6; a value holding the "
      "separator must be in quotes"]),
]


@pytest.mark.parametrize("edits, data_edits, expected", [c[1:] for c in SPEC_SIDE], ids=[c[0] for c in SPEC_SIDE])
def test_spec_points_at_data_problem(work, edits, data_edits, expected):
    for name, old, new in data_edits:
        work.edit(name, old, new)
    work.write_spec(*edits)
    assert work.errors() == expected


@pytest.mark.parametrize("data_edits, expected", [c[1:] for c in DATA_SIDE], ids=[c[0] for c in DATA_SIDE])
def test_bad_data_names_file_row_and_column(work, data_edits, expected):
    for name, old, new in data_edits:
        work.edit(name, old, new)
    work.write_spec()
    assert work.errors() == expected


def test_many_bad_rows_are_capped_per_column(work):
    path = work.root / "reference.csv"
    lines = path.read_text().splitlines()
    for i in range(1, 26):
        parts = lines[i].split(",")
        lines[i] = ",".join(parts[:4] + ["2011-02-30"] + parts[5:])
    path.write_text("\n".join(lines) + "\n")
    work.write_spec()
    errors = work.errors()
    assert errors == [f'reference.csv:{n + 1}: row {n + 1}, column index_date: "2011-02-30" {NOT_A_DATE}' for n in (1, 2, 3)] + [
        "reference.csv: column index_date: and 22 more rows with the same problem"]


def test_spec_and_data_problems_come_together_from_several_specs(work):
    work.write_spec(("  caliper: 0.2", "  caliper: -1"))
    (work.root / "other.yaml").write_text(work.spec.replace("[sex, age, region,", "[sex, agee, region,"))
    assert work.errors("bad.yaml", "other.yaml") == [
        "bad.yaml:19:12: matching.caliper: must be at least 0.001 (you wrote -1)",
        "other.yaml:20:20: matching.variables.1: the reference data (reference.csv) has no column 'agee'; "
        "did you mean 'age'? (its columns: offender_id, forename, surname, date_of_birth, index_date, "
        "sexual_offence_history, reoffended, reoffences, days_to_first_reoffence, sex, age, region, previous_offences, "
        "need_drugs)",
    ]


def test_user_error_not_traceback_from_api(work):
    work.edit("reference.csv", ROW1, ROW1.replace(",0,1,1,38,", ",0,7,1,38,"))
    with pytest.raises(UserError) as caught:
        read_inputs(load_spec(work.write_spec()))
    assert [str(p) for p in caught.value.problems] == ['reference.csv:2: row 2, column reoffended: "7" is not 0 or 1']


def test_a_submission_with_its_own_headings_links_by_name_and_the_reference_keeps_its_own(work):
    """data.submission_columns names the submission's columns only: the reference data keeps its names."""
    path = work.root / "submission.csv"
    path.write_text(path.read_text().replace("record_id,offender_id,forename,surname,date_of_birth,start_date",
                                             "Ref,PNC ID,First name,Surname,Date of birth,Start date", 1))
    work.write_spec(("  link_on: [offender_id]\n  start_column: start_date",
                     "  link_on: [surname, forename, date_of_birth]\n  submission_columns: {record_id: Ref, "
                     "forename: First name, surname: Surname, date_of_birth: Date of birth, start_date: Start date}"))
    inputs = read_inputs(load_spec("bad.yaml"))
    assert inputs.submission.columns.tolist() == ["record_id", "forename", "surname", "date_of_birth", "start_date"]
    assert inputs.submission["forename"].iloc[0] == "Carl" and inputs.reference["forename"].iloc[0] == "Ben"
    assert "people: 8 → 8 → 8 → 8 → 6" in work.validate().stdout


def test_a_file_mapping_overrides_data_columns_for_its_file_only(work):
    work.edit("reference.csv", "offender_id", "PNC")
    work.write_spec(("  start_column: start_date", "  columns: {offender_id: PNC}\n  submission_columns: "
                                                    "{offender_id: offender_id}"))
    inputs = read_inputs(load_spec("bad.yaml"))
    assert inputs.reference["offender_id"].iloc[0] == "A0001" and inputs.submission["offender_id"].iloc[0] == "A0002"
    work.write_spec(("  start_column: start_date", "  start_column: Started\n  submission_columns: {start_date: Begun}"))
    assert work.errors() == ["bad.yaml:10:3: data: data.start_column ('Started') and data.submission_columns.start_date "
                             "('Begun') name different columns; keep one"]
