"""False-positive and power benchmark (not a test): how often each published claim is made when there is no
effect, and how often a real effect is found.

Usage (from the repository root):

    python benchmarks/type1.py --sims 200            # quick look while developing
    python benchmarks/type1.py                       # the full run: 2,000 simulations per cell

Each simulation draws a participant group from a pool of national records (a seeded sample of
specs/data/national.parquet, people with a sexual offence history left out as the pipeline does)
and leaves the rest as the comparison pool. Nobody received anything, so every "significant"
result is a false positive. Two ways of choosing the participants:

- random: a simple random sample;
- selected: chosen with probability rising with a propensity score (younger, more previous
  offences, drug misuse, men), so the raw groups differ and re-offend at different rates and
  only the matching can make the comparison fair.

A real effect (--effect, default 0.25): in the rows marked with it, each participant who re-offended
is, with that probability, made one who did not (no re-offence, no custody, no serious re-offence):
25% fewer re-offenders and about 25% fewer re-offences, the time to first re-offence unchanged.

Then, as `jdlspec run` does: common support, the propensity model refitted, radius matching
(caliper 0.2 SD), and `measure_results` with the default spec settings (the n.p >= 10 rule on the
comparison group's rate, the equal-tailed bootstrap for frequency, the score interval at 0%/100%).
A rejection counts only when the measure is reported (and so could be published) and significant;
under an effect, only a significant decrease counts (the power). The table gives, per measure and
group size, the rejections among all simulations and, in brackets, among the simulations where the
measure was reported; "frequency (Welch alone)" is the t-test's own verdict on the reported
frequencies. Runs that the engine refuses (perfect separation in a tiny group) are counted and
left out.

Worker processes (--workers, default 2) each take whole simulations; every simulation has its
own seed from (--seed, scenario, size, index), so the table does not depend on the worker count.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.measures import MEASURES as REGISTRY, NAMES, OUTCOME_COLUMNS  # noqa: E402 - after the path

VARIABLES = ["sex", "age", "previous_offences", "previous_custody", "copas_rate", "offence_severity",
             "employed_prior_year", "need_drugs", "need_accommodation"]
MEASURES = list(NAMES)  # every measure of engine.measures
COUNT_MEASURE = next(m for m in NAMES if REGISTRY[m].kind == "count")  # its Welch verdict alone is shown too
COLUMNS = MEASURES + [f"{COUNT_MEASURE} (Welch alone)"]
SELECTIONS = ["random", "selected"]
SIZES = [25, 40, 100, 300]
EFFECT = [0.0, 0.25]  # share of the participants' re-offenders who do not re-offend (set by --effect)
SCENARIOS = [(selection, effect) for effect in EFFECT for selection in SELECTIONS]

_pool = None  # the worker's records (set once per process)
_selection = None  # the worker's selection weights (log scale)


def load_pool(size: int, seed: int):
    import pandas as pd

    data = pd.read_parquet(ROOT / "specs" / "data" / "national.parquet")
    data = data[data["sexual_offence_history"] != 1]
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(data), size=size, replace=False))
    return data.iloc[rows][VARIABLES + list(OUTCOME_COLUMNS)].reset_index(drop=True)  # only what the stages read: cheap copies


def selection_score(pool) -> np.ndarray:
    """Log-odds of being chosen in the 'selected' scenario: a true propensity on matching variables."""
    age = pool["age"].to_numpy(dtype=float)
    previous = pool["previous_offences"].to_numpy(dtype=float)
    drugs = pool["need_drugs"].fillna(0).to_numpy(dtype=float)
    male = (pool["sex"].astype(str) == "M").to_numpy(dtype=float)
    z = lambda x: (x - x.mean()) / x.std()  # noqa: E731
    return -0.6 * z(age) + 0.5 * z(np.log1p(previous)) + 0.6 * drugs + 0.4 * male


def init_worker(pool_size: int, seed: int) -> None:
    global _pool, _selection
    _pool = load_pool(pool_size, seed)
    _selection = selection_score(_pool)


def choose(rng: np.random.Generator, selection: str, n: int) -> np.ndarray:
    """Participants' rows: uniform, or weighted by exp(selection score) without replacement (Gumbel top-n)."""
    if selection == "random":
        return rng.choice(len(_pool), size=n, replace=False)
    keys = _selection + rng.gumbel(size=len(_pool))
    return np.argpartition(-keys, n)[:n]


def with_effect(treated, effect: float, rng: np.random.Generator):
    """The participants with `effect` of their re-offenders made non-re-offenders (every outcome column)."""
    treated = treated.copy()
    spared = (treated["reoffended"].to_numpy() == 1) & (rng.random(len(treated)) < effect)
    for measure in REGISTRY.values():
        column = treated[measure.column]
        if measure.column == "reoffended" or measure.kind == "count":
            treated.loc[spared, measure.column] = 0
        elif measure.events:  # a text column: no serious re-offence
            treated.loc[spared, measure.column] = None
        elif measure.among_event or column.isna().any():
            treated.loc[spared, measure.column] = np.nan
        else:
            treated.loc[spared, measure.column] = 0
    return treated


def one_simulation(task: tuple[int, int, int, int]) -> tuple[int, int, dict | None]:
    """(scenario index, size, sim index, seed) -> per measure (reported, rejected); None if refused."""
    from engine.errors import AnalysisError
    from engine.spec.models import Spec
    from engine.stages.matching import match_scores
    from engine.stages.outcomes import measure_results
    from engine.stages.propensity import fit_propensity
    from engine.stages.support import common_support

    scenario_index, n, index, seed = task
    selection, effect = SCENARIOS[scenario_index]
    rng = np.random.default_rng([seed, scenario_index % len(SELECTIONS), n, index])  # the same groups with and without
    chosen = choose(rng, selection, n)
    mask = np.zeros(len(_pool), dtype=bool)
    mask[chosen] = True
    treated = _pool[mask].reset_index(drop=True)
    if effect:
        treated = with_effect(treated, effect, rng)
    spec = Spec.model_validate({
        "spec_version": 1,
        "programme": {"name": "the programme", "title": "The programme", "organisation": "Org", "summary": "x"},
        "data": {"reference": "r.parquet", "submission": "s.csv"},
        "matching": {"variables": VARIABLES},
        "analyses": [{"name": "National"}],
        "measures": MEASURES,
    })
    try:
        pool, variables = common_support(treated, _pool[~mask], VARIABLES, spec.matching)
        pool = pool.reset_index(drop=True)
        scores = fit_propensity(treated, pool, variables, spec.matching)
        matched = match_scores(scores.treated_logit, scores.pool_logit, spec.matching)
        results = measure_results(treated, pool, matched.control_weights, matched.treated_matched, spec)
    except AnalysisError:
        return scenario_index, n, None
    found = ("decrease",) if effect else ("decrease", "increase")  # under an effect, a decrease is the finding
    out = {m: (r.reported, r.reported and r.state in found) for m, r in results.items()}
    f = results[COUNT_MEASURE]
    welch = f.reported and f.p_value <= spec.statistics.significance_level and (not effect or f.difference < 0)
    out[f"{COUNT_MEASURE} (Welch alone)"] = (f.reported, welch)
    return scenario_index, n, out


def table(counts: dict, refused: dict, sims: int) -> str:
    head = "| participants | selection | effect | " + " | ".join(COLUMNS) + " | refused |"
    lines = [head, "|---:|---|---|" + "---:|" * (len(COLUMNS) + 1)]
    for s, (selection, effect) in enumerate(SCENARIOS):
        for n in SIZES:
            cells = []
            for column in COLUMNS:
                reported, rejected = counts[(s, n, column)]
                done = sims - refused[(s, n)]
                share = f"{100 * rejected / done:.1f}" if done else "-"
                given = f" ({100 * rejected / reported:.1f} of {reported:,})" if reported else " (never reported)"
                cells.append(share + given)
            said = f"{100 * effect:g}% fewer re-offenders" if effect else "none"
            lines.append(f"| {n} | {selection} | {said} | " + " | ".join(cells) + f" | {refused[(s, n)]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=2000, help="simulations per scenario and group size")
    parser.add_argument("--pool", type=int, default=20000, help="records drawn from the national data")
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--effect", type=float, default=EFFECT[1], help="share of re-offenders spared (0: none)")
    args = parser.parse_args()
    SIZES[:] = args.sizes
    SCENARIOS[:] = [(selection, effect) for effect in sorted({0.0, args.effect}) for selection in SELECTIONS]
    tasks = [(s, n, i, args.seed) for s in range(len(SCENARIOS)) for n in SIZES for i in range(args.sims)]
    counts = {(s, n, c): [0, 0] for s in range(len(SCENARIOS)) for n in SIZES for c in COLUMNS}
    refused = {(s, n): 0 for s in range(len(SCENARIOS)) for n in SIZES}
    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with context.Pool(args.workers, initializer=init_worker, initargs=(args.pool, args.seed)) as workers:
        for done, (s, n, out) in enumerate(workers.imap_unordered(one_simulation, tasks, chunksize=8), 1):
            if out is None:
                refused[(s, n)] += 1
            else:
                for column, (reported, rejected) in out.items():
                    counts[(s, n, column)][0] += reported
                    counts[(s, n, column)][1] += rejected
            if done % 500 == 0:
                print(f"{done:,} of {len(tasks):,} simulations, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(f"Rejections (%): false positives under no effect, significant decreases under the effect; pool "
          f"{args.pool:,} records, {args.sims:,} simulations per row, seed {args.seed}, "
          f"{time.perf_counter() - start:.0f} s with {args.workers} workers.\n")
    print(table(counts, refused, args.sims))


if __name__ == "__main__":
    main()
