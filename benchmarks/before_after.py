"""Before/after benchmark (not a test): `jdlspec run` as a whole process, two checkouts in one run.

Usage (from the repository root; BEFORE is a checkout of the commit to compare with, e.g.
`git worktree add /tmp/before HEAD~1`; the 1M files come from scale.py):

    python benchmarks/scale.py --mode prepare --size 1000000 --folder /tmp/bench-1m
    python benchmarks/before_after.py --before /tmp/before --data-1m /tmp/bench-1m --rounds 7

Each round runs every configuration once, in turn, so that the load of a shared machine falls on all
of them alike: the BEFORE checkout; this checkout as it is; and this checkout with each of its speed
devices off (engine/run/speed.py) and with all of them off (JDLSPEC_SPEED=0). Each process runs from its checkout (`python -m engine run
SPEC --no-cache -q`), so it imports that checkout's engine. Prints the median and lowest wall time of
each, and the median's ratio to BEFORE.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.run.record import start_record  # noqa: E402 - after the path
# A configuration: (label, checkout, devices to turn off or None for all off).
DRIVER = ("import sys; sys.path.insert(0, {root!r}); from engine.run import speed; "
          "speed.DEVICES = speed.DEVICES - {off!r}; from engine.cli import main; sys.argv[0] = 'jdlspec'; main()")


def command(checkout: Path, off: frozenset[str] | None, spec: Path, out: Path) -> tuple[list[str], dict]:
    args = ["run", str(spec), "--no-cache", "-q", "--out", str(out)]
    env = {**os.environ, "JDLSPEC_CACHE_DIR": str(out.parent / "cache"), "JDLSPEC_RECORD_DIR": str(out.parent / "record")}
    env.pop("JDLSPEC_SPEED", None)
    if off is None:
        env["JDLSPEC_SPEED"] = "0"
    if not off:
        return [sys.executable, "-m", "engine", *args], env
    return [sys.executable, "-c", DRIVER.format(root=str(checkout), off=set(off)), *args], env


def timed(checkout: Path, off, spec: Path, scratch: Path) -> float:
    spec = spec if spec.is_absolute() else checkout / spec  # the seed spec as each checkout has it
    cmd, env = command(checkout, off, spec, scratch / "out")
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {done.stderr.strip().splitlines()[-1:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the commit to compare with")
    parser.add_argument("--data-1m", type=Path, help="folder prepared by scale.py --mode prepare (spec.yaml)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    configurations = [("before", args.before.resolve(), frozenset()), ("after", ROOT, frozenset())]
    configurations += [(f"after, {d} off", ROOT, frozenset({d})) for d in ("aside", "exit", "hugepages")]
    configurations += [("after, all off", ROOT, None)]
    workloads = [("LPT", Path("specs/lpt.yaml"))]
    if args.data_1m:
        workloads.append(("1M", args.data_1m.resolve() / "spec.yaml"))
    for name, spec in workloads:
        times: dict[str, list[float]] = {label: [] for label, _, _ in configurations}
        with tempfile.TemporaryDirectory(prefix="jdlspec-before-after-") as folder:
            start_record(Path(folder) / "record")  # the publication record a run checks itself against
            for _ in range(args.rounds):
                for label, checkout, off in configurations:
                    times[label].append(timed(checkout, off, spec, Path(folder)))
        base = statistics.median(times["before"])
        print(f"\n{name}: {args.rounds} rounds, load average {os.getloadavg()[0]:.1f} at the end")
        for label, walls in times.items():
            median = statistics.median(walls)
            print(f"  {label:<28} median {median:6.2f} s  lowest {min(walls):6.2f} s  {median / base:5.2f} of before")


if __name__ == "__main__":
    main()
