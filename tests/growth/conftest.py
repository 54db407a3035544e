"""What the growth tests share: the CLI as a user runs it, a private copy of the seed specs and their
data, and a report folder's files as bytes (to compare two runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def run_cli():
    """`run_cli("run", spec, "--out", folder)`: the jdlspec command in this process (arguments may be paths)."""

    def run(*args):
        return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def copy_specs():
    """`copy_specs(folder)`: the seed specs and their data copied to folder/specs (returned), to edit freely."""

    def copy(folder: Path) -> Path:
        target = folder / "specs"
        shutil.copytree(ROOT / "specs", target)
        return target

    return copy


@pytest.fixture(scope="session")
def files_of():
    """`files_of(folder)`: every file under a folder, by relative path, as bytes."""

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    return files
