"""Hostile or careless specs and data: one clear line each and exit 1, never a traceback or a hang,
and never a silently wrong report (exclusion order, record ids, significance level, matching variables)."""

from __future__ import annotations

import json
import os

import pytest

from engine.run.record import start_record

ALIAS = ("aliases (*name) are not allowed in a spec; write the value out in full "
         "(anchors and aliases can make a small file expand without end)")


def bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text, expected", [
    (bomb(), f"spec.yaml:2:10: YAML syntax error: {ALIAS}"),
    ("spec_version: &v [*v]\n", f"spec.yaml:1:19: YAML syntax error: {ALIAS}"),
    ("programme: &p\n  name: x\nother: *p\n", f"spec.yaml:3:8: YAML syntax error: {ALIAS}"),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n",
     "spec.yaml:1:23: YAML syntax error: the spec is nested more than 20 levels deep; a spec needs at most four"),
    ("spec_version: 1\nprogramme:\n  name: a\x00b\x07c\x7f\n",
     "spec.yaml:3:10: control character U+0000 in the spec; delete it (only tabs and line breaks are allowed)"),
])
def test_yaml_bombs_nesting_and_control_bytes_are_one_clear_line(work, text, expected):
    (work.root / "spec.yaml").write_text(text, encoding="utf-8")
    errors = work.errors()  # refused before expansion (benchmarks/validate_speed.py times the bombs)
    assert errors[0] == expected
    if "\x07" in text:
        assert errors[1:] == [e.replace("U+0000", code).replace(":3:10:", col) for e, code, col in
                              ((expected, "U+0007", ":3:12:"), (expected, "U+007F", ":3:14:"))]


@pytest.mark.parametrize("edit, expected", [
    (("caliper: 0.2", "caliper: .inf"), "spec.yaml:13:12: matching.caliper: must be an ordinary number, not infinity or NaN"),
    (("caliper: 0.2", "caliper: .nan"), "spec.yaml:13:12: matching.caliper: must be an ordinary number, not infinity or NaN"),
    (("measures: [rate, frequency]", "measures: [rate, frequency]\nsmall_groups:\n  random_seed: -1"),
     "spec.yaml:20:16: small_groups.random_seed: "),
    (("measures: [rate, frequency]", "measures: [rate, frequency]\nsmall_groups:\n  resampling_draws: 1000000000000"),
     "spec.yaml:20:21: small_groups.resampling_draws: "),
    (("measures: [rate, frequency]", "measures: [rate, frequency]\nstatistics:\n  significance_level: 0.999999"),
     "spec.yaml:20:23: statistics.significance_level: "),
    (("measures: [rate, frequency]", "measures: [rate, frequency]\nstatistics:\n  significance_level: 0.0000001"),
     "spec.yaml:20:23: statistics.significance_level: "),
])
def test_numbers_out_of_bounds_are_refused_at_their_line(work, edit, expected):
    work.write_spec(edit)
    errors = work.errors()
    assert len(errors) == 1 and errors[0].startswith(expected), errors


@pytest.mark.parametrize("variable, why", [
    ("reoffended", "it is an outcome, measured after the programme (matching on it would hide the effect)"),
    ("days_to_first_reoffence", "it is an outcome, measured after the programme (matching on it would hide the effect)"),
    ("offender_id", "it identifies people, and the propensity model needs characteristics"),
    ("index_date", "it is a date; match on a characteristic such as age or cohort_year instead"),
    ("treated", "it marks who took part, which is what the propensity model predicts"),
    ("rearrested", "it is an outcome, measured after the programme (matching on it would hide the effect)"),
])
def test_outcomes_identifiers_dates_and_the_programme_flag_cannot_be_matching_variables(work, variable, why):
    work.write_spec(("variables: [sex, age,", f"variables: [sex, {variable}, age,"),
                    ("  reference: reference.csv", "  reference: reference.csv\n  columns: {reoffended: rearrested}"))
    errors = work.errors()
    assert errors == [f"spec.yaml:15:20: matching.variables.1: '{variable}' cannot be a matching variable: {why}"]


def test_exclusions_run_in_the_fixed_order_whatever_the_spec_says(work, monkeypatch):
    for person in work.submission[60:64]:  # duplicates of earlier records, some not identified
        for field in ("offender_id", "forename", "surname", "date_of_birth"):  # the same person, not only the id
            person[field] = work.submission[0][field]
    work.submission[65]["offender_id"] = "Z99999"
    work.write_data()
    work.write_spec()
    result = work.run()
    assert result.exit_code == 0, result.output
    fixed = json.loads((work.root / "out" / "results.json").read_text())["attrition"]
    work.write_spec(("[duplicates, not_identified, no_matching_sentence, sexual_offence]",
                     "[sexual_offence, no_matching_sentence, not_identified, duplicates]"))
    result = work.run()
    assert result.exit_code == 0, result.output
    assert json.loads((work.root / "out" / "results.json").read_text())["attrition"] == fixed
    assert [s["step"] for s in fixed] == ["submitted", "duplicates", "not_identified", "no_matching_sentence",
                                          "sexual_offence"]
    work.write_spec(("[duplicates, not_identified, no_matching_sentence, sexual_offence]", "[]"))
    assert work.errors("run") == ["spec.yaml:11:1: exclusions: must include not_identified and no_matching_sentence: "
                                  "a person with no reference record or no index event has no outcome to measure"]
    work.write_spec(("[duplicates, not_identified, no_matching_sentence, sexual_offence]",
                     "[no_matching_sentence, not_identified]"))
    start_record(work.root / "record")  # the duplicates now count: a group a few people apart, published apart
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "record"))
    result = work.run()
    assert result.exit_code == 0, result.output
    flow = json.loads((work.root / "out" / "results.json").read_text())["attrition"]
    assert [(s["step"], s["removed"]) for s in flow] == [("submitted", 0), ("not_identified", 1),
                                                         ("no_matching_sentence", 2)]
    work.write_spec(("[duplicates, not_identified,", "[duplicates, duplicates, not_identified,"))
    assert work.errors() == ["spec.yaml:11:26: exclusions.1: 'duplicates' is listed twice"]


def test_blank_and_repeated_record_ids_are_refused_with_their_rows(work):
    work.submission[3]["record_id"] = ""
    work.submission[9]["record_id"] = work.submission[2]["record_id"]
    work.write_data()
    work.write_spec()
    assert work.errors() == [
        "submission.csv:5: row 5, column record_id: is empty; every record needs its own record_id",
        'submission.csv:11: row 11, column record_id: "R003" is also the record_id of row 4, a different record; '
        "each record needs its own (a row that is an exact copy of another is removed as a duplicate)",
    ]


def test_a_level_other_than_005_is_printed_in_the_report(work):
    work.write_spec(("measures: [rate, frequency]", "measures: [rate, frequency]\nstatistics:\n  significance_level: 0.01"))
    result = work.run()
    assert result.exit_code == 0, result.output
    assert ("The threshold for p-values in this report is 0.01, and the intervals are 99% confidence intervals"
            ) in work.report()
    work.write_spec()
    result = work.run()
    assert result.exit_code == 0, result.output
    assert "The threshold for p-values" not in work.report()


def test_dates_pandas_cannot_hold_are_a_data_error(work):
    work.reference[5]["index_date"] = "2300-01-01"
    work.submission[1]["start_date"] = "1066-01-01"
    work.write_data()
    work.write_spec()
    assert work.errors() == [
        'reference.csv:7: row 7, column index_date: "2300-01-01" is not a date from 1900 to 2100',
        'submission.csv:3: row 3, column start_date: "1066-01-01" is not a date from 1900 to 2100',
    ]


@pytest.mark.parametrize("which", ["spec", "data"])
def test_a_fifo_as_spec_or_data_file_is_refused_without_waiting(work, which):
    work.write_spec()
    if which == "spec":
        os.mkfifo(work.root / "pipe.yaml")
        assert work.errors(name="pipe.yaml") == [
            "pipe.yaml: is not a regular file (a pipe or a device); give a spec file"]
    else:
        (work.root / "reference.csv").unlink()
        os.mkfifo(work.root / "reference.csv")
        assert work.errors() == [
            "spec.yaml:9:14: data.reference: is not a regular file (a pipe or a device): reference.csv"]
