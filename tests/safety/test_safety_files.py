"""Data loss: jdlspec never replaces or overwrites what it did not write, and says so in one line.

One test per kind of the red-team report (issue 8): a folder that merely looks like a report, synth
and schema overwriting files, two specs writing one folder, two runs at once with stale leftovers,
and operating-system failures (a parent that is a file, no permission, a full disk, a mount point).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engine.run.publish as output
from engine.cli import app
from engine.errors import UserError
from engine.run.publish import MARKER, publish

NEW = {"results.json": b'{"new": 1}\n', "report.md": b"# New\n", "charts/rate.png": b"png-new"}


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def dead_pid() -> int:
    """The id of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_folder_that_only_looks_like_a_report_is_not_replaced(tmp_path):
    theirs = tmp_path / "lpt"
    (theirs / "charts").mkdir(parents=True)
    (theirs / "results.json").write_text('{"mine": true}')
    (theirs / "charts" / "rate.png").write_bytes(b"their chart")
    with pytest.raises(UserError, match=f"was not written by jdlspec \\(it has no {MARKER} file\\)"):
        publish(theirs, NEW)
    assert (theirs / "charts" / "rate.png").read_bytes() == b"their chart"
    publish(tmp_path / "ours", NEW)
    assert (tmp_path / "ours" / MARKER).is_file()
    publish(tmp_path / "ours", {**NEW, "report.md": b"# Newer\n"})  # our own folder is replaced
    assert (tmp_path / "ours" / "report.md").read_bytes() == b"# Newer\n"


def test_synth_and_schema_never_overwrite_files_they_did_not_write(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "national.parquet").write_bytes(b"the real national data")
    result = invoke("synth", "--out", "data", "--size", "300")
    assert result.exit_code == 1
    assert "national.parquet: exists and was not written by jdlspec" in result.stderr
    assert (data / "national.parquet").read_bytes() == b"the real national data"
    assert invoke("synth", "--out", "fresh", "--size", "300").exit_code == 0
    first = (tmp_path / "fresh" / "national.parquet").read_bytes()
    assert invoke("synth", "--out", "fresh", "--size", "300", "--seed", "7").exit_code == 0  # its own files
    assert (tmp_path / "fresh" / "national.parquet").read_bytes() != first
    assert invoke("synth", "--out", "data", "--size", "300", "--force").exit_code == 0
    assert (data / "national.parquet").read_bytes()[:4] == b"PAR1"

    notes = tmp_path / "notes.json"
    notes.write_text('{"my": "notes"}')
    result = invoke("schema", "--out", "notes.json")
    assert result.exit_code == 1 and "notes.json: exists and was not written by jdlspec" in result.stderr
    assert notes.read_text() == '{"my": "notes"}'
    assert invoke("schema", "--out", "schema.json").exit_code == 0
    assert invoke("schema", "--out", "schema.json").exit_code == 0  # a jdlspec schema may be replaced
    assert invoke("schema", "--out", "notes.json", "--force").exit_code == 0
    assert json.loads(notes.read_text())["title"] == "jdlspec spec"


@pytest.mark.parametrize("args, message", [
    (["synth", "--out", "afile", "--size", "300"], "afile: is a file; --out takes a folder for the data files"),
    (["synth", "--size", "-5"], "--size: must be a number of records from 1 to 3,000,000 (you wrote -5)"),
    (["synth", "--size", str(10**12)],
     "--size: must be a number of records from 1 to 3,000,000 (you wrote 1000000000000)"),
    (["schema", "--out", "adir"], "adir: is a folder; give a file name for the schema file"),
])
def test_synth_and_schema_wrong_targets_get_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message
    assert (tmp_path / "afile").read_text() == "x" and not any((tmp_path / "adir").iterdir())


def test_two_specs_that_write_one_folder_are_refused_up_front(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lpt.yaml").write_text("spec_version: 1\n")
    result = invoke("run", "a/lpt.yaml", "b/lpt.yaml", "--quiet")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("b/lpt.yaml: writes the same report folder reports/lpt as "
                                            "a/lpt.yaml; rename one spec file or run them one at a time with --out")
    assert not (tmp_path / "reports").exists()
    (tmp_path / "a" / "lpt.yaml").rename(tmp_path / "a" / "LPT.yaml")  # one folder on macOS and Windows disks
    result = invoke("run", "a/LPT.yaml", "b/lpt.yaml", "--quiet")
    assert result.exit_code == 1 and result.stderr.startswith("b/lpt.yaml: writes the same report folder reports/LPT")


HOLD_LOCK = """
import sys, time
from pathlib import Path
from engine.run.publish import folder_lock
with folder_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_held_lock_refuses_and_a_killed_runs_leftovers_are_cleaned(tmp_path):
    out = tmp_path / "lpt"
    publish(out, NEW)
    lock = tmp_path / ".lpt.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(UserError, match=f"another jdlspec run \\(process {holder.pid}\\) is writing this folder"):
            publish(out, {**NEW, "report.md": b"# loser\n"})
        assert (out / "report.md").read_bytes() == b"# New\n"
    finally:
        holder.kill()
        holder.wait()
    lock.write_text(f"{os.getppid()}\n")  # a killed run's lock file, its process id now someone else's
    for leftover in (".lpt.tmp-1", f".lpt.old-{dead_pid()}"):
        (tmp_path / leftover / "charts").mkdir(parents=True)
    publish(out, {**NEW, "report.md": b"# winner\n"})
    assert (out / "report.md").read_bytes() == b"# winner\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lpt"]


def test_a_run_killed_between_its_renames_gets_the_old_report_back(tmp_path, monkeypatch):
    out = tmp_path / "lpt"
    publish(out, NEW)
    os.rename(out, tmp_path / f".lpt.old-{dead_pid()}")  # the old report moved aside, the new one never in
    (tmp_path / ".lpt.tmp-1" / "charts").mkdir(parents=True)
    monkeypatch.setattr(Path, "write_bytes", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "x")))
    with pytest.raises(UserError, match="the disk is full"):
        publish(out, {**NEW, "report.md": b"# never\n"})
    monkeypatch.undo()
    assert (out / "report.md").read_bytes() == b"# New\n"  # put back by the next run, even one that fails
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lpt"]


@pytest.mark.parametrize("fault, message", [
    ("parent_is_file", "cannot write the report folder: a folder in its path is a file"),
    ("no_permission", "cannot write the report folder: permission denied"),
    ("disk_full", "cannot write the report folder: the disk is full"),
    ("mount_point", "is a mount point, which cannot be replaced; choose a folder inside it"),
])
def test_operating_system_failures_are_one_line(tmp_path, monkeypatch, fault, message):
    monkeypatch.chdir(tmp_path)
    out = Path("reports/lpt")
    if fault == "parent_is_file":
        Path("reports").write_text("a file")
    elif fault == "no_permission":
        monkeypatch.setattr(Path, "mkdir", lambda *a, **k: (_ for _ in ()).throw(PermissionError(errno.EACCES, "x")))
    elif fault == "disk_full":
        monkeypatch.setattr(Path, "write_bytes", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "x")))
    else:
        publish(out, NEW)
        monkeypatch.setattr(output.os.path, "ismount", lambda path: Path(path).name == "lpt")
    with pytest.raises(UserError) as caught:
        publish(out, NEW)
    monkeypatch.undo()
    assert [str(p) for p in caught.value.problems] == [f"reports/lpt: {message}"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.name.startswith(".")) == (
        [".jdlspec-report"] if fault == "mount_point" else [])
