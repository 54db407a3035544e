"""Starting `jdlspec preview` and `jdlspec check --serve` as the real program, for the preview's tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVING = re.compile(r"^Serving (http://127\.0\.0\.1:\d+/\?token=[\w-]+) ")


def at(url: str, path: str) -> str:
    """The printed address (which holds the run's key) of another page: `at(url, "check")`."""
    return url.replace("/?", f"/{path}?", 1)


def workspace(folder: Path) -> Path:
    """A copy of the LPT spec and its data, free to edit."""
    shutil.copy(ROOT / "specs" / "lpt.yaml", folder / "lpt.yaml")
    shutil.copytree(ROOT / "specs" / "data", folder / "data")
    return folder / "lpt.yaml"


def start(cwd: Path, *arguments: str) -> tuple[subprocess.Popen, str]:
    """The program serving (`python -m engine ARGUMENTS --port 0 --no-browser`) and its address. It starts with
    SIGINT at its default, as a terminal's program does (a background job of a script starts with it ignored)."""
    process = subprocess.Popen([sys.executable, "-m", "engine", *arguments, "--port", "0", "--no-browser"], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
                               preexec_fn=None if sys.platform == "win32" else
                               (lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)))
    line = process.stdout.readline()
    found = SERVING.match(line)
    if not found:
        process.kill()
        pytest.fail(f"the server did not start: {line!r} {process.communicate()[1]!r}")
    return process, found.group(1)


def interrupt(process: subprocess.Popen) -> tuple[int, str]:
    """Ctrl-C, then the exit code and what it printed on stderr."""
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail("Ctrl-C did not stop the server within 60 s")
    return process.returncode, err
