"""Differencing between publications: a run whose group differs from a published one by 1 to t-1 people
is refused (engine/run/record.py); the record is private, kept where the spec or the environment names,
and a missing one blocks a re-run unless the spec declares the first publication."""

from __future__ import annotations

import json
import re

import pytest

from engine.run import pipeline
from engine.run.record import RECORD_FILE, start_record
from publication_workspace import refused


def record_id(line: str) -> str:
    return re.search(r"\(record ([0-9a-f]{12})\)", line).group(1)


def test_one_more_named_person_is_refused_and_nothing_is_written(work):
    """The issue's attack: the second run, one named person larger, would give that person's outcome."""
    work.people = list(range(69))
    work.write_data()
    assert work.run("first").exit_code == 0
    work.people = list(range(70))
    work.write_data()
    line = refused(work.run("second"))
    assert "the National analysis's treatment group differs by 1 person from the National analysis's treatment " \
           "group of the report published on" in line and "as first (record " in line
    assert "fewer than report.suppress_below (5)" in line and "would give that person's outcome" in line
    assert "publication: {withdrawn: [" in line
    assert not (work.root / "second").exists()


def test_leaving_out_a_few_named_people_is_refused(work):
    """Five records left out, two of them analysed (three never identified): the groups differ by 2."""
    work.unknown = 3
    work.write_data()
    assert work.run("first").exit_code == 0
    work.people, work.unknown = list(range(68)), 0
    work.write_data()
    assert "differs by 2 people" in refused(work.run("second"))


def test_a_withdrawn_report_lets_the_run_publish_and_stays_withdrawn(work):
    work.people = list(range(69))
    work.write_data()
    assert work.run("first").exit_code == 0
    work.people = list(range(70))
    work.write_data()
    line = refused(work.run("second"))
    suggested = re.search(r"\((publication: \{withdrawn: \['[0-9a-f]{12}'\]\})\)", line).group(1)
    work.write_spec(extra=suggested + "\n")  # as the message says it, pasted
    published = work.run("second")
    assert published.exit_code == 0, published.output
    work.write_spec()  # the spec no longer says so: the record remembers the withdrawal
    assert work.run("third").exit_code == 0


def test_groups_far_enough_apart_or_the_same_are_published(work):
    work.people = list(range(65))
    work.write_data()
    assert work.run("first").exit_code == 0
    work.people = list(range(70))  # five more people: as many as the threshold
    work.write_data()
    assert work.run("second").exit_code == 0
    assert work.run("again").exit_code == 0  # the same people again: nothing new


def test_another_evaluation_of_the_same_people_is_compared_too(work):
    """Renaming the programme (a new identity) does not escape the record: every group in it is compared."""
    work.people = list(range(69))
    work.write_data()
    assert work.run("first").exit_code == 0
    work.people = list(range(70))
    work.write_data()
    work.write_spec(("organisation: Test Trust", "organisation: Another Trust"))
    assert "differs by 1 person" in refused(work.run("second"))


def test_a_larger_threshold_of_either_run_applies(work):
    work.write_spec(("published: 2013-02-01", "published: 2013-02-01\n  suppress_below: 8"))
    work.people = list(range(64))
    work.write_data()
    assert work.run("first").exit_code == 0
    work.write_spec()  # the default 5, but the earlier report's 8 counts
    work.people = list(range(70))
    work.write_data()
    assert "differs by 6 people" in refused(work.run("second"))


def test_a_missing_record_blocks_publication_unless_the_spec_says_first(work, monkeypatch):
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "records"))  # nothing there
    calls = []
    real = pipeline.compute
    monkeypatch.setattr(pipeline, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    line = refused(work.run())
    assert "publication.record: there is no record of earlier publications at records (named by " \
           "JDLSPEC_RECORD_DIR)" in line and "publication: {first: true}" in line
    assert calls == [] and not (work.root / "out").exists()  # refused before any statistics
    work.write_spec(extra="publication:\n  first: true\n")
    assert work.run().exit_code == 0
    assert (work.root / "records" / RECORD_FILE).is_file()
    assert oct((work.root / "records").stat().st_mode & 0o777) == "0o700"


def test_first_is_refused_where_the_report_folder_already_holds_a_published_report(work, monkeypatch):
    """A record moved (or named otherwise) and the spec still saying first: the earlier report in the same folder
    was checked against a record that is not here, so a new one would let a group one person larger pass."""
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "records"))
    work.people = list(range(69))
    work.write_data()
    work.write_spec(extra="publication:\n  first: true\n")
    assert work.run().exit_code == 0
    (work.root / "records").rename(work.root / "moved")
    work.people = list(range(70))  # one more named person: the swap the record is there to refuse
    work.write_data()
    line = refused(work.run())
    assert line.startswith("spec.yaml:21:") and "publication.first: out already holds a published report" in line
    assert "the record that report was checked against is not at records (named by JDLSPEC_RECORD_DIR)" in line
    assert not (work.root / "records").exists()  # no record started around the earlier one
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "moved"))
    assert "differs by 1 person" in refused(work.run())  # pointed at that record: the swap is refused


def test_the_record_lives_where_the_spec_names_it_else_beside_the_reference_data(work, monkeypatch):
    work.write_spec(extra="publication:\n  first: true\n  record: ../national/records\n")
    assert work.run().exit_code == 0
    assert (work.root.parent / "national" / "records" / RECORD_FILE).is_file()
    monkeypatch.delenv("JDLSPEC_RECORD_DIR")
    work.write_spec(extra="publication:\n  first: true\n")
    assert work.run("beside").exit_code == 0
    assert (work.root / ".jdlspec-published" / RECORD_FILE).is_file()


def test_the_record_is_private_and_never_in_a_report(work, monkeypatch):
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "records"))
    work.write_spec(extra="publication:\n  first: true\n")
    assert work.run().exit_code == 0
    [entry] = (work.root / "records").glob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    hashes = data["groups"]["National"]
    assert len(hashes) == 70 and all(re.fullmatch(r"[0-9a-f]{32}", h) for h in hashes)
    assert "A00001" not in entry.read_text(encoding="utf-8") and "Name1" not in entry.read_text(encoding="utf-8")
    written = b"".join(p.read_bytes() for p in (work.root / "out").rglob("*") if p.is_file())
    assert not any(h.encode() in written for h in hashes)
    assert oct(entry.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("place", ["report", "cache"])
def test_a_record_in_a_report_folder_or_the_cache_is_refused(work, monkeypatch, place):
    assert work.run().exit_code == 0
    inside = work.root / "out" / "records" if place == "report" else work.root / "cache" / "records"
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "cache"))
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(inside))
    work.write_spec(extra="publication:\n  first: true\n")
    line = refused(work.run("other"))
    assert ("in a report folder" if place == "report" else "in the results cache") in line


def test_a_damaged_record_is_one_line(work, monkeypatch):
    folder = work.root / "records"
    start_record(folder)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(folder))
    (folder / "0123456789ab.json").write_text("{not json", encoding="utf-8")
    assert "this publication record entry is damaged" in refused(work.run())


@pytest.mark.parametrize("loss", ["salt deleted", "entry from another record"])
def test_a_record_whose_salt_does_not_match_its_entries_is_refused(work, monkeypatch, loss):
    """Hashes made with another salt never match, so every group would pass: the salt file lost (`cp *` skips
    dot files) and started again, or another record's entry copied in, is a damaged record, never a new one."""
    folder = work.root / "records"
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(folder))
    work.people = list(range(69))
    work.write_data()
    work.write_spec(extra="publication:\n  first: true\n")  # as the seed specs keep saying
    assert work.run("first").exit_code == 0
    if loss == "salt deleted":
        (folder / RECORD_FILE).unlink()
    else:
        other = work.root / "other"
        start_record(other)
        for entry in folder.glob("*.json"):
            entry.rename(other / entry.name)
        folder.rename(work.root / "lost")
        other.rename(folder)
    work.people = list(range(70))  # one more named person
    work.write_data()
    line = refused(work.run("second"))
    assert ("lists publications but its salt (.jdlspec-record) is missing" if loss == "salt deleted"
            else "this entry was written with another salt than the record's") in line
    assert "restore the whole record (dot files included)" in line
    assert not (work.root / "second").exists()


def test_a_cached_run_is_checked_against_the_record_too(work, monkeypatch):
    """A text edit reuses the statistics when the record knows the run; with another record (nothing
    published from these results), the statistics run again so the groups can be checked."""
    assert work.run("first").exit_code == 0
    work.write_spec(("summary: Mentoring for adults in three regions.", "summary: Mentoring in three regions."))
    calls = []
    real = pipeline.compute
    monkeypatch.setattr(pipeline, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert work.run("second").exit_code == 0
    assert calls == []
    other = work.root / "other-record"
    start_record(other)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(other))
    assert work.run("third").exit_code == 0
    assert calls == [1]


def test_a_record_id_of_digits_only_is_read_as_the_message_writes_it(work):
    """About one id in 280 is twelve digits, which YAML reads as a number (with a leading 0, an octal one): the
    message quotes the id, and an id written without quotes is refused with its own text to put in quotes."""
    work.write_spec(extra="publication:\n  withdrawn: ['012345670123']\n")
    assert work.run().exit_code == 0
    work.write_spec(extra="publication:\n  withdrawn: [012345670123]\n")
    result = work.run()
    assert result.exit_code == 1
    assert "publication.withdrawn.0: must be text (you wrote 012345670123); put it in quotes: '012345670123'" \
        in result.output


def test_withdrawn_ids_are_checked_in_the_spec(work):
    work.write_spec(extra="publication:\n  withdrawn: [not-an-id]\n")
    result = work.run()
    assert result.exit_code == 1 and "publication.withdrawn.0" in result.output


def test_a_batch_worker_publishes_against_the_record_of_the_command_that_sent_it(work, monkeypatch):
    """A Dask worker runs with its own environment: the record comes with the task (engine/run/worker.py)."""
    from engine.run.pipeline import run_spec

    sent = work.root / "the-command's-record"
    start_record(sent)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(work.root / "the-worker's-own"))  # nothing there
    run_spec(work.root / "spec.yaml", work.root / "out", record_dir=str(sent))
    assert len(list(sent.glob("*.json"))) == 1
    assert not (work.root / "the-worker's-own").exists()
