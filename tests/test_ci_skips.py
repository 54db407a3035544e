"""In CI a skip fails the run unless its reason is one tests/conftest.py accepts; elsewhere it is a skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = """
import pytest

def test_runs():
    pass

def test_needs_a_tool():
    pytest.skip("chromium is not installed")

@pytest.mark.skipif(True, reason="Windows has no SIGINT to send to another process")
def test_not_on_this_system():
    pass
"""


def outcome(folder: Path, ci: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    # Its own empty ini file: a tmp_path inside the repository (CI's --basetemp) would otherwise pick up
    # pyproject.toml's addopts, and a second -q hides the summary line.
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(folder / "pytest.ini"),
                           str(folder)], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=120)
    return done.stdout.strip().splitlines()[-1]


def test_a_skip_in_ci_fails_unless_its_reason_is_accepted(tmp_path):
    shutil.copy(Path(__file__).parent / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(TESTS, encoding="utf-8")
    assert outcome(tmp_path, ci=False).startswith("1 passed, 2 skipped")
    assert outcome(tmp_path, ci=True).startswith("1 failed, 1 passed, 1 skipped")
