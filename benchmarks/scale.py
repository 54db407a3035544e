"""Scale benchmark (not a test): how long propensity, matching and balance take on big pools.

Usage (from the repository root):

    python benchmarks/scale.py                      # pools of 100k and 1M records
    python benchmarks/scale.py --sizes 100000 1000000 5000000

Each pool size runs in fresh subprocesses so that peak memory (ru_maxrss) belongs to that size
alone: one for the stages on in-memory data (two analyses: National, and Regional with the pool
restricted to London), one that writes the data as Parquet + CSV with a spec, one that times
`compute_results` on those files (reading, linking, both analyses with outcomes, profile), one
that times the whole process `jdlspec run` (imports and report files included), and a plain
script for comparison: read the same Parquet, fit the same logit for the National analysis with
statsmodels, radius-match it. Synthetic data: ~30 matching variables (numbers,
0/1 flags, text categories, a number used as a category, ten needs with ~25% not assessed),
1,000 participants whose characteristics differ from the pool's. Seeded, so runs repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NUMERIC = ["age", "previous_offences", "previous_custody", "previous_court_orders", "previous_cautions",
           "age_first_contact", "copas_rate", "months_since_last"]
FLAGS = ["employed_prior_year", "benefits_prior_year", "homeless_prior_year"]
CATEGORIES = {
    "sex": ["F", "M"],
    "ethnicity": ["Asian", "Black", "Mixed", "Other", "White"],
    "nationality": ["Foreign", "Unknown", "UK"],
    "region": ["East", "London", "Midlands", "North East", "North West", "South East", "South West", "Wales", "Yorks"],
    "disposal": ["Community order", "Custody", "Suspended sentence", "Youth order"],
    "custody_length_band": ["1-2y", "6-12m", "<6m", "none", ">2y"],
    "index_offence": ["Burglary", "Criminal damage", "Drugs", "Fraud", "Motoring", "Other", "Public order",
                      "Robbery", "Theft", "Violence"],
    "offence_severity": ["High", "Low", "Medium"],
}
NEEDS = ["need_accommodation", "need_employment", "need_finance", "need_relationships", "need_lifestyle",
         "need_drugs", "need_alcohol", "need_emotional", "need_thinking", "need_attitudes"]
VARIABLES = NUMERIC + FLAGS + list(CATEGORIES) + ["cohort_year"] + NEEDS
PARTICIPANTS = 1000


def people(rng: np.random.Generator, n: int, shift: float, prefix: str) -> pd.DataFrame:
    """n records; `shift` moves participants away from the pool so matching has work to do."""
    data: dict[str, object] = {"offender_id": pd.array([f"{prefix}{i:08d}" for i in range(n)], dtype="string")}
    data["age"] = np.clip(rng.normal(32 - 6 * shift, 10, n).round(), 18, 80)
    data["previous_offences"] = np.floor(rng.exponential(8 + 4 * shift, n))
    data["previous_custody"] = np.floor(rng.exponential(2, n))
    data["previous_court_orders"] = np.floor(rng.exponential(3, n))
    data["previous_cautions"] = np.floor(rng.exponential(2.5, n))
    data["age_first_contact"] = np.clip(rng.normal(19, 5, n).round(), 10, 70)
    data["copas_rate"] = rng.normal(0.2 * shift, 1, n)
    data["months_since_last"] = np.floor(rng.exponential(14, n))
    for name in FLAGS:
        data[name] = (rng.random(n) < 0.35 + 0.1 * shift).astype(np.int64)
    for name, levels in CATEGORIES.items():
        p = np.ones(len(levels))
        p[1] += 2 * shift  # participants lean to the second level (e.g. London)
        codes = rng.choice(len(levels), n, p=p / p.sum())
        data[name] = pd.array(np.array(levels, dtype=object)[codes], dtype="string")
    data["cohort_year"] = rng.integers(2010, 2014, n).astype(np.float64)
    for name in NEEDS:
        need = (rng.random(n) < 0.3 + 0.15 * shift).astype(np.float64)
        need[rng.random(n) < 0.25] = np.nan
        data[name] = need
    reoffended = (rng.random(n) < 0.35 - 0.05 * shift).astype(np.int64)
    data["reoffended"] = reoffended
    data["reoffences"] = np.where(reoffended == 1, 1 + np.floor(rng.exponential(1.5, n)), 0).astype(np.int64)
    data["days_to_first_reoffence"] = np.where(reoffended == 1, rng.integers(1, 366, n), np.nan)
    data["sexual_offence_history"] = np.zeros(n, dtype=np.int64)
    data["index_date"] = pd.Timestamp("2013-06-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    return pd.DataFrame(data)


def make_data(size: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    return people(rng, PARTICIPANTS, 1.0, "T"), people(rng, size, 0.0, "C")


def run_stages(size: int, seed: int) -> dict:
    from engine.spec.models import Balance, Matching
    from engine.stages.balance import balance_table
    from engine.stages.matching import match_scores
    from engine.stages.propensity import fit_propensity
    from engine.stages.support import common_support, restrict_pool

    start = time.perf_counter()
    treated, pool = make_data(size, seed)
    out: dict = {"size": size, "generate_s": time.perf_counter() - start, "analyses": []}
    matching = Matching(variables=VARIABLES, categorical=["cohort_year"])
    analyses = [("National", {}, VARIABLES), ("Regional", {"region": ["London"]}, [v for v in VARIABLES if v != "region"])]
    for name, restriction, variables in analyses:
        times: dict = {"name": name}
        t0 = time.perf_counter()
        supported = common_support(treated, restrict_pool(pool, restriction), variables, matching)
        if isinstance(supported, tuple):  # (pool, variables left to model)
            supported, variables = supported
        analysis_pool = supported.reset_index(drop=True)
        t1 = time.perf_counter()
        scores = fit_propensity(treated, analysis_pool, variables, matching)
        t2 = time.perf_counter()
        matched = match_scores(scores.treated_logit, scores.pool_logit, matching)
        t3 = time.perf_counter()
        balance_table(treated, analysis_pool, scores.encodings, matched.control_weights,
                      matched.treated_matched, Balance(), scores.codes)
        t4 = time.perf_counter()
        times.update(pool=len(analysis_pool), terms=len(scores.terms), newton_iterations=scores.iterations,
                     pool_s=t1 - t0, propensity_s=t2 - t1, matching_s=t3 - t2, balance_s=t4 - t3,
                     matched=int(matched.treated_matched.sum()),
                     comparison_n=int((matched.control_weights > 0).sum()))
        out["analyses"].append(times)
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


SPEC = """spec_version: 1
programme:
  name: the benchmark programme
  title: Benchmark programme
  organisation: Benchmark organisation
  summary: A synthetic programme used to time jdlspec on large pools.
data:
  reference: reference.parquet
  submission: submission.csv
matching:
  variables: [{variables}]
  categorical: [cohort_year]
analyses:
  - name: National
    headline: true
  - name: Regional
    pool: {{region: [London]}}
    variables: [{regional}]
measures: [rate, frequency, time_to_first_reoffence]
"""


def prepare_files(size: int, seed: int, folder: Path) -> dict:
    """Reference (Parquet, pool and participants) and submission (CSV) and a spec, for the whole run."""
    treated, pool = make_data(size, seed)
    reference = pd.concat([pool, treated], ignore_index=True)
    reference.to_parquet(folder / "reference.parquet", index=False)
    submission = pd.DataFrame({
        "record_id": [f"R{i:06d}" for i in range(len(treated))],
        "offender_id": treated["offender_id"],
        "start_date": (treated["index_date"] + pd.Timedelta(days=10)).dt.strftime("%Y-%m-%d"),
    })
    submission.to_csv(folder / "submission.csv", index=False)
    regional = [v for v in VARIABLES if v != "region"]
    (folder / "spec.yaml").write_text(SPEC.format(variables=", ".join(VARIABLES), regional=", ".join(regional)))
    return {"size": size, "prepared": str(folder)}


def run_pipeline(folder: Path) -> dict:
    from engine.run import pipeline
    from engine.spec.loader import load_spec

    start = time.perf_counter()
    results = pipeline.compute_results(load_spec(folder / "spec.yaml"))
    wall = time.perf_counter() - start
    return {
        "whole_run_s": wall,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "analyses": [{"name": a.name, "treatment_n": a.treatment_n, "comparison_n": a.comparison_n} for a in results.analyses],
    }


def run_plain(folder: Path) -> dict:
    """What an analyst would write by hand for one analysis: pandas, statsmodels' Logit, radius matching.

    Same data, same National model terms (categories one-hot with the first level left out, a
    missing indicator per need), same 0.2 SD caliper; no exclusions, balance, outcomes or report.
    """
    import statsmodels.api as sm

    reference = pd.read_parquet(folder / "reference.parquet")
    submission = pd.read_csv(folder / "submission.csv")
    y = reference["offender_id"].isin(submission["offender_id"]).to_numpy(dtype=np.float64)
    columns = {}
    for name in VARIABLES:
        column = reference[name]
        if name in CATEGORIES or name == "cohort_year":
            columns.update(pd.get_dummies(column, prefix=name, drop_first=True, dtype=np.float64))
        else:
            columns[name] = column.fillna(0.0).astype(np.float64)
            if column.isna().any():
                columns[f"{name}_missing"] = column.isna().astype(np.float64)
    design = sm.add_constant(pd.DataFrame(columns))
    fit = sm.Logit(y, design).fit(disp=0)
    logit = design.to_numpy() @ fit.params.to_numpy()
    treated, pool = logit[y == 1], logit[y == 0]
    width = 0.2 * logit.std(ddof=1)
    order = np.argsort(pool)
    lo = np.searchsorted(pool[order], treated - width, side="left")
    hi = np.searchsorted(pool[order], treated + width, side="right")
    k = hi - lo
    matched = k > 0
    steps = np.zeros(pool.size + 1)
    np.add.at(steps, lo[matched], 1.0 / k[matched])
    np.add.at(steps, hi[matched], -1.0 / k[matched])
    weights = np.empty(pool.size)
    weights[order] = np.cumsum(steps[:-1])
    return {"matched": int(matched.sum()), "comparison_n": int((weights > 1e-12).sum()), "terms": design.shape[1]}


def run_timed(command: list[str]) -> dict:
    """Wall clock and peak memory of one whole process (interpreter start, imports and all)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return {"wall_s": wall, "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


BLAS_THREADS: str | None = None  # --blas-threads: OPENBLAS/OMP/MKL thread count for the children


def child(args: list[str]) -> dict:
    """Run one mode in a fresh interpreter; its last stdout line is the JSON result."""
    env = dict(os.environ)
    if args[:2] in (["--mode", "stages"], ["--mode", "pipeline"]):  # as the jdlspec program does (engine/run/speed.py)
        env.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    if BLAS_THREADS:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = BLAS_THREADS
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(size: int, seed: int) -> None:
    stages = child(["--mode", "stages", "--size", str(size), "--seed", str(seed)])
    print(f"\npool {size:,} records, {PARTICIPANTS:,} participants, {len(VARIABLES)} matching variables")
    if "error" in stages:
        print(f"  stages failed: {stages['error']}")
    else:
        for a in stages["analyses"]:
            print(f"  {a['name']:<9} pool {a['pool']:>9,}  terms {a['terms']:>3}  "
                  f"support {a['pool_s']:6.2f}s  propensity {a['propensity_s']:6.2f}s ({a['newton_iterations']} it)  "
                  f"matching {a['matching_s']:6.3f}s  balance {a['balance_s']:6.2f}s  "
                  f"matched {a['matched']:,}  comparison {a['comparison_n']:,}")
        print(f"  stages peak memory {stages['max_rss_mb']:,.0f} MB (includes the generated data)")
    with tempfile.TemporaryDirectory(prefix="jdlspec-bench-") as tmp:
        prepared = child(["--mode", "prepare", "--size", str(size), "--seed", str(seed), "--folder", tmp])
        if "error" in prepared:
            print(f"  whole run: preparing files failed: {prepared['error']}")
            return
        whole = child(["--mode", "pipeline", "--folder", tmp])
        process = child(["--mode", "timed", "--", sys.executable, "-m", "engine", "run", "--quiet",
                         str(Path(tmp) / "spec.yaml"), "--out", str(Path(tmp) / "report")])
        plain = child(["--mode", "timed", "--", sys.executable, __file__, "--mode", "plain", "--folder", tmp])
    if "error" in whole:
        print(f"  compute_results failed: {whole['error']}")
    else:
        counts = ", ".join(f"{a['name']} {a['treatment_n']}/{a['comparison_n']:,}" for a in whole["analyses"])
        print(f"  compute_results (read, link, 2 analyses, outcomes, profile) {whole['whole_run_s']:.1f}s, "
              f"peak memory {whole['max_rss_mb']:,.0f} MB  [{counts}]")
    for label, figures in (("whole process: jdlspec run (2 analyses, report files)", process),
                           ("plain script: pandas + statsmodels Logit + radius, 1 analysis", plain)):
        if "error" in figures:
            print(f"  {label} failed: {figures['error']}")
        else:
            print(f"  {label} {figures['wall_s']:.1f}s, peak memory {figures['max_rss_mb']:,.0f} MB")
    if "error" not in process and "error" not in plain:
        print(f"  ratio jdlspec whole run / plain script: {process['wall_s'] / plain['wall_s']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=20130201)
    parser.add_argument("--mode", choices=["report", "stages", "prepare", "pipeline", "plain", "timed"],
                        default="report")
    parser.add_argument("--size", type=int)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--blas-threads", help="threads for numpy's BLAS in the timed runs (default: its own choice)")
    parser.add_argument("command", nargs="*", help="--mode timed: the command to time (after --)")
    args = parser.parse_args()
    global BLAS_THREADS
    BLAS_THREADS = args.blas_threads
    if args.mode == "stages":
        print(json.dumps(run_stages(args.size, args.seed)))
    elif args.mode == "prepare":
        print(json.dumps(prepare_files(args.size, args.seed, args.folder)))
    elif args.mode == "pipeline":
        print(json.dumps(run_pipeline(args.folder)))
    elif args.mode == "plain":
        print(json.dumps(run_plain(args.folder)))
    elif args.mode == "timed":
        print(json.dumps(run_timed(args.command)))
    else:
        print(f"{os.cpu_count()} cores; BLAS threads: {BLAS_THREADS or 'default'}; "
              f"load average {os.getloadavg()[0]:.1f} at the start")
        for size in args.sizes:
            report(size, args.seed)


if __name__ == "__main__":
    main()
