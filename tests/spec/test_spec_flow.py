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
