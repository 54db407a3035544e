"""Publishing: all or nothing, the old report kept on failure, nobody else's folder deleted."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

import engine.run.publish as output
from engine.errors import UserError
from engine.run.publish import publish

NEW = {"results.json": b'{"new": 1}\n', "report.md": b"# New\n", "charts/rate.png": b"png-new"}
OLD = {"results.json": b'{"old": 1}\n', "report.md": b"# Old\n", "charts/rate.png": b"png-old",
       "charts/time_to_first_reoffence.png": b"png-old-time"}


def tree(folder: Path) -> dict[str, bytes]:
    """The folder's files, without jdlspec's ownership marker (test_marks_its_folder checks that)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != output.MARKER}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


def test_writes_a_new_folder(tmp_path):
    out = tmp_path / "reports" / "lpt"
    assert publish(out, NEW) == out
    assert tree(out) == NEW
    assert siblings(out) == ["lpt"]  # no temporary or backup folder left


def test_replaces_a_previous_report_whole(tmp_path):
    out = tmp_path / "lpt"
    publish(out, OLD)
    publish(out, NEW)
    assert tree(out) == NEW  # the old time chart is gone too
    assert siblings(out) == ["lpt"]


def test_keeps_the_old_report_when_a_file_is_not_bytes(tmp_path):
    out = tmp_path / "lpt"
    publish(out, OLD)
    broken = dict(NEW, **{"report.html": "<html> as str, not bytes"})
    with pytest.raises(TypeError, match="report.html"):
        publish(out, broken)
    assert tree(out) == OLD
    assert siblings(out) == ["lpt"]


def test_keeps_the_old_report_when_a_write_fails_half_way(tmp_path, monkeypatch):
    out = tmp_path / "lpt"
    publish(out, OLD)
    real = Path.write_bytes
    written = []

    def failing(self, data):
        if written:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(UserError, match="cannot write the report folder: the disk is full"):
        publish(out, NEW)
    monkeypatch.undo()
    assert len(written) == 1
    assert tree(out) == OLD
    assert siblings(out) == ["lpt"]


def test_restores_the_old_report_when_the_swap_fails(tmp_path, monkeypatch):
    out = tmp_path / "lpt"
    publish(out, OLD)
    real = os.rename

    def failing(source, target):
        if Path(source).name.startswith(".lpt.tmp-"):
            raise OSError(18, "Invalid cross-device link")
        return real(source, target)

    monkeypatch.setattr(output.os, "rename", failing)
    with pytest.raises(UserError, match="cannot write the report folder: it is a mount point"):
        publish(out, NEW)
    monkeypatch.undo()
    assert tree(out) == OLD
    assert siblings(out) == ["lpt"]


def test_refuses_a_folder_jdlspec_did_not_write(tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"precious")
    with pytest.raises(UserError, match="was not written by jdlspec"):
        publish(out, NEW)
    (out / output.MARKER).write_bytes(b"")
    with pytest.raises(UserError, match="holds chapter1.docx, which jdlspec did not write"):
        publish(out, NEW)
    assert tree(out) == {"chapter1.docx": b"precious"}
    assert siblings(out) == ["thesis"]


def test_refuses_a_stray_file_among_the_charts_and_a_plain_file(tmp_path):
    out = tmp_path / "lpt"
    publish(out, OLD)
    (out / "charts" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="notes.txt"):
        publish(out, NEW)
    plain = tmp_path / "file"
    plain.write_text("x")
    with pytest.raises(UserError, match="is not a folder"):
        publish(plain, NEW)


def test_an_empty_folder_is_fine(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    publish(out, NEW)
    assert tree(out) == NEW


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "charts/../../x", "a\\b"])
def test_rejects_names_outside_the_folder(tmp_path, name):
    with pytest.raises(ValueError):
        publish(tmp_path / "out", {name: b"x"})
    assert not (tmp_path / "out").exists()


def test_relative_paths_and_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert publish(Path("reports/lpt"), NEW) == Path("reports/lpt")
    assert tree(tmp_path / "reports" / "lpt") == NEW
    (tmp_path / "results.json").write_bytes(b"{}")
    with pytest.raises(UserError, match="working folder"):
        publish(Path("."), NEW)
    with pytest.raises(UserError, match="working folder"):
        publish(Path("reports/.."), NEW)


@pytest.mark.parametrize(("name", "named"), [("charts/our_logo.png", "charts/our_logo.png"),
                                             ("annex (1).xlsx", "annex (1).xlsx"), ("charts/old/rate.png", "charts/old")])
def test_a_file_the_manifest_does_not_list_is_refused_even_with_a_report_name(tmp_path, name, named):
    """A user's logo among the charts has a chart's name and suffix; only the manifest says whose it is."""
    out = tmp_path / "lpt"
    publish(out, OLD)
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(b"the organisation's own")
    with pytest.raises(UserError, match=f"holds {re.escape(named)}, which jdlspec did not write"):
        publish(out, NEW)
    assert (out / name).read_bytes() == b"the organisation's own" and tree(out)["report.md"] == OLD["report.md"]


def test_a_listed_file_changed_since_is_refused_by_name_and_a_deleted_one_is_not(tmp_path):
    out = tmp_path / "lpt"
    publish(out, {**OLD, "annex.xlsx": b"annex as written"})
    (out / "annex.xlsx").write_bytes(b"annex re-saved in Excel")
    with pytest.raises(UserError, match="holds annex.xlsx, changed since jdlspec wrote it"):
        publish(out, NEW)
    assert (out / "annex.xlsx").read_bytes() == b"annex re-saved in Excel"
    (out / "annex.xlsx").unlink()  # moved out, as the message says: the folder is jdlspec's again
    publish(out, NEW)
    assert tree(out) == NEW


@pytest.mark.parametrize("lock", ["~$annex.xlsx", "~$port.docx"])
def test_an_office_lock_file_is_reported_as_a_file_still_open(tmp_path, lock):
    out = tmp_path / "lpt"
    publish(out, OLD)
    (out / lock).write_bytes(b"user")
    with pytest.raises(UserError, match=f"holds {re.escape(lock)}, the lock file Excel or Word keeps while a file is open"):
        publish(out, NEW)


def test_the_marker_lists_every_file_with_its_hash(tmp_path):
    out = tmp_path / "lpt"
    publish(out, NEW)
    lines = (out / output.MARKER).read_bytes().decode("utf-8").splitlines()
    assert lines[0] == output.MARKER_TEXT.decode("utf-8").strip()
    assert lines[1:] == [f"{hashlib.sha256(NEW[n]).hexdigest()}  {n}" for n in sorted(NEW)]
