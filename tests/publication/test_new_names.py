"""`jdlspec new` writes both files or neither, and refuses names no file system can hold."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.cli import app


def new(tmp_path, name: str):
    return CliRunner().invoke(app, ["new", name, "--dir", str(tmp_path / "specs")])


def written(tmp_path) -> list[str]:
    return sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["x" * 250, "a" * 101])
def test_a_long_name_is_refused_and_nothing_is_written(tmp_path, name):
    result = new(tmp_path, name)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "a name has at most 100 characters" in result.output and len(result.output.splitlines()) == 2
    assert written(tmp_path) == []


@pytest.mark.parametrize("name", ["CON", "nul", "Aux", "prn", "COM1", "lpt9"])
def test_a_name_windows_cannot_hold_is_refused(tmp_path, name):
    result = new(tmp_path, name)
    assert result.exit_code == 1
    assert f"'{name}' is a device name on Windows" in result.output
    assert written(tmp_path) == []


def test_names_that_only_look_reserved_are_fine(tmp_path):
    assert new(tmp_path, "lpt").exit_code == 0
    assert new(tmp_path, "console").exit_code == 0


def test_when_the_template_cannot_be_written_the_spec_is_not_left_behind(tmp_path):
    (tmp_path / "specs" / "data").mkdir(parents=True)
    (tmp_path / "specs" / "data" / "trial_submission_template.csv").symlink_to(tmp_path / "nowhere")  # dangling
    result = new(tmp_path, "trial")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "specs" / "trial.yaml").exists()


def test_a_data_folder_made_for_the_files_goes_with_them(tmp_path):
    (tmp_path / "specs").write_text("a file where the folder should be", encoding="utf-8")
    result = new(tmp_path, "trial")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert written(tmp_path) == ["specs"]
