"""Do the seed reports' verdicts depend on the resampling's random seed? (issue 22, item 6; not a test)

Runs the statistics of both seed specs with small_groups.random_seed 0, 1, ..., N-1 and counts, per
analysis and measure, each bootstrap verdict: the frequency's (the bootstrap decides it) and the
small-group check's (Making Connections' time to first re-offence: "verified using additional
statistical tests"), with the range of their p-values and of the draws it took to settle them.

Usage (from the repository root):

    python benchmarks/seeds.py --seeds 50
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.run.pipeline import compute_results  # noqa: E402 - after the path
from engine.run.progress import Progress  # noqa: E402
from engine.spec.loader import load_spec  # noqa: E402

SEEDS = ("lpt", "making_connections")


def verdict(test, alpha: float) -> str:
    """The draws' verdict: settled on one side of the level, or not."""
    if test.inconclusive:
        return "inconclusive"
    return "significant" if test.monte_carlo.p_value_high <= alpha else "not significant"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    print("| spec | analysis | measure | test | verdicts over seeds | p-values | draws |")
    print("|---|---|---|---|---|---|---|")
    for name in SEEDS:
        loaded = load_spec(ROOT / "specs" / f"{name}.yaml")
        found: dict[tuple, list] = defaultdict(list)
        p_values: dict[tuple, list] = defaultdict(list)
        for seed in range(args.seeds):
            small = loaded.spec.small_groups.model_copy(update={"random_seed": seed})
            spec = loaded.spec.model_copy(update={"small_groups": small})
            results = compute_results(replace(loaded, spec=spec), Progress(enabled=False))
            for analysis in results.analyses:
                for measure, r in analysis.measures.items():
                    for kind, test in (("deciding", r.decided_by), ("check", r.extra_test)):
                        if test is not None and test.monte_carlo is not None:
                            found[(analysis.name, measure, kind)].append(verdict(test, results.significance_level))
                            p_values[(analysis.name, measure, kind)].append(test)
        for (analysis, measure, kind), verdicts in found.items():
            tests = p_values[(analysis, measure, kind)]
            said = ", ".join(f"{verdicts.count(v)} {v}" for v in sorted(set(verdicts)))
            p = [t.p_value for t in tests]
            draws = sorted({t.monte_carlo.draws for t in tests})
            print(f"| {name} | {analysis} | {measure} | {kind} | {said} | {min(p):.4f}-{max(p):.4f} | "
                  f"{', '.join(f'{d:,}' for d in draws)} |")


if __name__ == "__main__":
    main()
