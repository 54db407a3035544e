"""The speed devices (engine/run/speed.py) belong to the `jdlspec` program alone: importing engine or
calling it as a library changes nothing global, and JDLSPEC_SPEED=0 turns them all off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, os, sys, threading
before = dict(os.environ)
import engine, engine.cli, engine.run.pipeline, engine.run.batch
from engine.run import speed
library = {"environment": dict(os.environ) == before, "threads": threading.active_count(), "devices": sorted(speed._on)}
speed.enable()
print(json.dumps({"library": library, "program": sorted(speed._on),
                  "hugepages": os.environ.get("NUMPY_MADVISE_HUGEPAGE"), "numpy": "numpy" in sys.modules}))
"""


def probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("JDLSPEC_SPEED", "NUMPY_MADVISE_HUGEPAGE")}
    done = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_engine_changes_nothing_and_the_program_turns_the_devices_on():
    seen = probe()
    assert seen["library"] == {"environment": True, "threads": 1, "devices": []}
    assert seen["program"] == ["aside", "exit", "hugepages"]
    assert seen["hugepages"] == "0" and not seen["numpy"]  # set before numpy is imported


def test_jdlspec_speed_0_turns_every_device_off():
    seen = probe(JDLSPEC_SPEED="0")
    assert seen["program"] == [] and seen["hugepages"] is None


def test_a_library_run_starts_no_process(monkeypatch, tmp_path):
    from engine.run import side_process
    from engine.run.pipeline import run_spec

    started = []
    monkeypatch.setattr(side_process.AsideProcess, "__init__", lambda self: started.append("process"))
    run_spec(ROOT / "specs" / "lpt.yaml", tmp_path / "out", use_cache=False)
    assert started == [] and (tmp_path / "out" / "report.md").is_file()
