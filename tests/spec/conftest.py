"""A working folder holding the valid fixture spec and its two small CSV files.

Bad specs and bad data are made by editing copies of these, so each test shows exactly the
one mistake a person made. The tests run from inside the folder, so messages read
`bad.yaml:19:12: ...` just as they would for `jdlspec validate bad.yaml`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app

DATA = Path(__file__).parent / "data"


class Workspace:
    def __init__(self, root: Path):
        self.root = root
        self.spec = (DATA / "valid.yaml").read_text(encoding="utf-8")
        for name in ("reference.csv", "submission.csv"):
            shutil.copy(DATA / name, root / name)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write_spec(self, *edits: tuple[str, str], text: str | None = None) -> Path:
        spec = self.spec if text is None else text
        for old, new in edits:
            assert old in spec, f"{old!r} is not in the fixture spec"
            spec = spec.replace(old, new, 1)
        path = self.root / "bad.yaml"
        path.write_text(spec, encoding="utf-8")
        return path

    def validate(self, *names: str):
        return CliRunner().invoke(app, ["validate", *(names or ("bad.yaml",))])

    def errors(self, *names: str) -> list[str]:
        """The problem lines `jdlspec validate` prints, after checking it failed cleanly."""
        result = self.validate(*names)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = result.stderr.splitlines()
        assert lines[-1].endswith("found.")
        return lines[:-1]


@pytest.fixture
def work(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    # the fixture submits 8 people to show one mistake at a time; the minimum submission size
    # (which `validate` and `run` both refuse) has its own tests with a full-size submission
    monkeypatch.setattr("engine.run.prepare.too_small", lambda loaded, attrition: None)
    return Workspace(tmp_path)
