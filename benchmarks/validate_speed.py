"""Speed benchmark (not a test): `validate` is the cheap dry run, well under `run`, and hostile YAML
(alias bombs, deep nesting) is refused at once.

Usage (from the repository root):

    python benchmarks/validate_speed.py

Times wall-clock seconds of each, in fresh processes (imports included), best of three. Timing
lives here rather than in the tests, where it was flaky on a shared machine; the tests check the
same thing structurally (validate never fits, matches or tests outcomes; bombs are refused by rule).
Targets: validate of specs/lpt.yaml under 30 s (run is timed with --no-cache for comparison); each hostile spec under 5 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = {
    "alias bomb": "\n".join(['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
                            + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "\n",
    "deep nesting": "x: " + "[" * 5000 + "]" * 5000 + "\n",
}


def seconds(*args: str) -> float:
    """Best of three wall-clock times of `jdlspec ARGS` in a fresh process."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        validate = seconds("validate", "specs/lpt.yaml")
        run = seconds("run", "specs/lpt.yaml", "--no-cache", "--out", str(Path(tmp) / "out"))
        print(f"validate specs/lpt.yaml: {validate:.2f} s (target < 30 s)")
        print(f"run --no-cache specs/lpt.yaml: {run:.2f} s")
        for name, text in HOSTILE.items():
            spec = Path(tmp) / "hostile.yaml"
            spec.write_text(text, encoding="utf-8")
            print(f"validate {name}: {seconds('validate', str(spec)):.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
