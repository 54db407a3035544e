"""The exclusion flow does what its names say: duplicates removes one person's records and exact copies,
not identified is split by reason with the blank link fields warned, and --unlinked lists who to chase."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app
from engine.run.publish import MARKER

NAMES = ("  link_on: [offender_id]", "  link_on: [surname, forename, date_of_birth]")


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def append_rows(work, *rows: str) -> None:
    path = work.root / "submission.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(row + "\n" for row in rows), encoding="utf-8")


def test_exact_copies_and_one_persons_records_are_removed_and_counted(work):
    append_rows(work, "R1,A0002,Carl,Brown,1997-10-05,2011-03-11",  # an exact copy of R1: pasted twice
                "R1,A0002,Carl,Brown,1997-10-05,2011-03-11",
                "R9,A0005,Fay,Okafor,1999-04-03,2011-07-08")  # R2's person again, under another record_id
    work.write_spec()
    result = work.validate()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:4] == ["  people: 11 → 8 → 8 → 8 → 6", "    submitted:                  11",
                                               "    duplicates:                  8  (-3)"]


def test_not_identified_is_split_by_reason_with_the_blank_link_fields_warned(work):
    work.edit("submission.csv", "R2,A0005,Fay,Okafor,1999-04-03", "R2,A0005,Fay,Okafor,")  # line 3: no birth date
    work.edit("submission.csv", "R4,A0013,Dan,Okafor", "R4,A0013,,Okafor")  # line 5: no forename
    work.edit("submission.csv", "R5,A0017,Hal,Jones,1981-02-21", "R5,A0017,Hal,Jones,1981-02-22")  # nobody has it
    work.write_spec(NAMES)
    lines = work.validate().stdout.splitlines()
    assert lines[1] == "  people: 8 → 8 → 5 → 5 → 4"
    assert lines[4:6] == ["    not identified:              5  (-3)",
                          "      no identifier: 1, no date of birth: 1, not found: 1"]
    assert [line for line in lines if "counted as not identified" in line] == [
        '  warning: submission.csv: 1 record has no forename (row 5 "R4"), so it could not be looked for in the '
        "reference data on [surname, forename, date_of_birth] and is counted as not identified; fill in what your "
        "records hold",
        '  warning: submission.csv: 1 record has no date_of_birth (row 3 "R2"), so it could not be looked for in the '
        "reference data on [surname, forename, date_of_birth] and is counted as not identified; fill in what your "
        "records hold"]


def test_unlinked_writes_each_record_not_identified_with_its_row_and_reason(work):
    work.edit("submission.csv", "R2,A0005,Fay,Okafor,1999-04-03", "R2,A0005,Fay,Okafor,")
    work.edit("submission.csv", "R5,A0017,Hal,Jones,1981-02-21", "R5,A0017,Hal,Jones,1981-02-22")
    work.write_spec(NAMES)
    result = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "chase.csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("  wrote chase.csv: the 2 records not identified, each with its row and "
                                              "reason (keep it private: it names your records)")
    assert lines_of(work.root / "chase.csv") == ["record_id,row,reason", "R2,3,no date of birth", "R5,6,not found"]
    again = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "chase.csv"])  # its own file: replaced
    assert again.exit_code == 0, again.output


def test_unlinked_is_refused_inside_a_report_folder_and_over_another_file(work):
    work.write_spec()
    (work.root / "reports" / "bad").mkdir(parents=True)
    (work.root / "reports" / "bad" / MARKER).write_text("")
    result = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "reports/bad/chase.csv"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("reports/bad/chase.csv: is inside a report folder; write the records not "
                                             "identified somewhere that is never published, e.g. outside reports/")
    (work.root / "notes.csv").write_text("my notes\n")
    result = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "notes.csv"])
    assert result.stderr.splitlines()[0] == ("notes.csv: exists and was not written by jdlspec; it will not be "
                                             "overwritten (use --force to replace it)")
    assert lines_of(work.root / "notes.csv") == ["my notes"]
    forced = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "notes.csv", "--force"])  # as it says
    assert forced.exit_code == 0, forced.output
    assert lines_of(work.root / "notes.csv") == ["record_id,row,reason"]
    inside = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "reports/bad/chase.csv", "--force"])
    assert inside.exit_code == 1 and "is inside a report folder" in inside.stderr  # --force never publishes it
    alone = CliRunner().invoke(app, ["validate", "bad.yaml", "--force"])
    assert alone.exit_code == 1
    assert alone.stderr.splitlines()[0] == "--force: only says that --unlinked may overwrite its file; give " \
                                           "--unlinked FILE too"


def test_an_organisation_checks_its_submission_without_the_national_data(work):
    (work.root / "reference.csv").unlink()  # the organisation does not hold it
    append_rows(work, "R1,A0002,Carl,Brown,1997-10-05,2011-03-11")
    work.edit("submission.csv", "R2,A0005,Fay,Okafor,1999-04-03", "R2,A0005,Fay,Okafor,")
    work.write_spec()
    one_person = CliRunner().invoke(app, ["validate", "bad.yaml", "--no-reference"])
    assert one_person.stdout.splitlines()[1] == "  records: 9 submitted → 8 people after duplicates (-1)"
    append_rows(work, "R9,A0099,Carl,Brown,1997-10-05,2011-04-11")  # R1's person under another offender_id: as run
    assert CliRunner().invoke(app, ["validate", "bad.yaml", "--no-reference"]).stdout.splitlines()[1] == \
        "  records: 10 submitted → 8 people after duplicates (-2)"
    work.edit("submission.csv", "R9,A0099,Carl,Brown,1997-10-05,2011-04-11\n", "")
    work.write_spec(NAMES)
    result = CliRunner().invoke(app, ["validate", "bad.yaml", "--no-reference"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "bad.yaml: ok (the submission checked; the reference data not read)",
        "  records: 9 submitted → 8 people after duplicates (-1)",
        "  cannot be looked for: 1 with no date_of_birth"]
    work.edit("submission.csv", "2011-03-11", "2011-02-31")
    refused = CliRunner().invoke(app, ["validate", "bad.yaml", "--no-reference"])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == ('submission.csv:2: row 2, column start_date: "2011-02-31" is not a '
                                              "date; write dates as YYYY-MM-DD or DD/MM/YYYY")


def with_sex(work, values: dict[str, str], heading: str = "Gender") -> None:
    """The submission with a column of sex under the organisation's own heading, mapped in the spec."""
    path = work.root / "submission.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + f",{heading}"] + [line + "," + values.get(line.split(",")[0], "") for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


CONTRADICTIONS = ("  link_on: [offender_id]", "  link_on: [offender_id]\n  submission_columns: {sex: Gender}")


def test_a_record_whose_details_contradict_its_national_record_is_named_at_its_row(work):
    work.edit("submission.csv", "R1,A0002,Carl,Brown", "R1,A0007,Carl,Brown")  # A0007 is Hal Evans, a woman
    work.edit("submission.csv", "R4,A0013,Dan,Okafor,1996-04-07", "R4,A0013,Dan,Okafor,1996-04-17")
    with_sex(work, {"R1": "M", "R2": "Male", "R3": "f", "R5": "2", "R6": "unknown"})  # R2, R3, R5: as A0005, A0009, A0017 (ONS 2: female)
    work.write_spec(CONTRADICTIONS)
    result = CliRunner().invoke(app, ["validate", "bad.yaml", "--unlinked", "chase.csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "  people: 8 → 8 → 6 → 6 → 5"  # R4 was also the one with a sexual offence history
    assert lines[4:6] == ["    not identified:              6  (-2)",
                          "      no identifier: 0, not found: 0, details differ: 2"]
    assert [line for line in lines if "someone else's" in line or "sex code" in line] == [
        "  warning: submission.csv:2: row 2, record R1: its name, date of birth and sex differ from the national "
        "record of offender_id A0007, so it is someone else's record (a mistyped offender_id?); excluded as not "
        "identified",
        "  warning: submission.csv:5: row 5, record R4: its date of birth differs from the national record of "
        "offender_id A0013, so it is someone else's record (a mistyped offender_id?); excluded as not identified",
        '  warning: submission.csv: column Gender: 1 value (row 7 "unknown") is no sex code jdlspec compares (M/F, '
        "male/female, 1/2), so those records' sex was not compared with the national record"]
    assert lines_of(work.root / "chase.csv") == ["record_id,row,reason", 'R1,2,"details differ: name, date of birth, sex"',
                                                 "R4,5,details differ: date of birth"]


def test_the_rows_of_a_workbook_are_named_as_excel_shows_them(work):
    import openpyxl

    work.edit("submission.csv", "R3,A0009,Jo,Jones,1997-03-17", "R3,A0009,Jo,Jones,1997-03-18")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Participants"
    sheet.append(["Participants of the Test programme"])  # a title row: the header is Excel's row 2
    for line in lines_of(work.root / "submission.csv"):
        sheet.append(line.split(","))
    book.save(work.root / "sub.xlsx")
    work.write_spec(("submission: submission.csv", "submission: sub.xlsx"))
    lines = work.validate().stdout.splitlines()
    assert [line for line in lines if "someone else's" in line] == [
        "  warning: sub.xlsx, sheet Participants, row 5: record R3: its date of birth differs from the national record "
        "of offender_id A0009, so it is someone else's record (a mistyped offender_id?); excluded as not identified"]


def test_one_person_under_two_ids_is_counted_once_with_the_rows_named(work):
    append_rows(work, "R9,A0099,Carl,Brown,1997-10-05,2011-04-11")  # R1's person, under an identifier nobody has
    work.write_spec()
    lines = work.validate().stdout.splitlines()
    assert lines[1:6] == ["  people: 9 → 8 → 8 → 8 → 6", "    submitted:                   9",
                          "    duplicates:                  8  (-1)", "    not identified:              8  (-0)",
                          "    no matching sentence:        8  (-0)"]
    assert "  warning: submission.csv: rows 2 and 10 (record_ids R1, R9) are one person under different offender_id " \
           "values (the same forename, surname and date of birth): counted once, row 2 kept and the other removed as a " \
           "duplicate" in lines


def test_index_dates_and_programme_starts_in_the_future_are_warned(work):
    work.edit("reference.csv", "A0001,Ben,Jones,1981-10-07,2011-11-28", "A0001,Ben,Jones,1981-10-07,2099-11-28")
    work.edit("submission.csv", "R8,A0030,Adam,Nowak,1983-10-03,2012-10-06", "R8,A0030,Adam,Nowak,1983-10-03,2098-10-06")
    work.write_spec()
    lines = [line for line in work.validate().stdout.splitlines() if "in the future" in line]
    assert lines == [
        '  warning: reference.csv: 1 index date (row 2 "2099-11-28") lies in the future: a year of follow-up that has '
        "not happened has no outcome to know; is the date right?",
        '  warning: submission.csv: 1 programme start date (row 9 "2098-10-06") lies in the future: nobody can have '
        "started the programme then; is the date right?"]


def test_when_every_record_contradicts_its_national_record_the_refusal_says_so(work):
    import re

    path = work.root / "submission.csv"
    path.write_text(re.sub(r",(\d{4})-(\d\d-\d\d),(\d{4}-)", lambda m: f",{int(m[1]) - 1}-{m[2]},{m[3]}",
                           path.read_text(encoding="utf-8")), encoding="utf-8")  # every birth a year earlier
    work.write_spec()
    assert work.errors() == [
        "bad.yaml:16:26: exclusions.1: no one is left after the step 'not identified': none of the 8 people was "
        "identified in the reference data on [offender_id]: 8 were found, but their name, date of birth or sex "
        "contradicts the national record the key links to (someone else's identifiers?)"]
