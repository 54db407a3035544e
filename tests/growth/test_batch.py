"""Batch runs: several specs in parallel workers, one line each, the same reports as one at a time."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.run.batch import run_batch
from engine.inputs import reading

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def batch(tmp_path, monkeypatch, copy_specs):
    """Two evaluations of different programmes sharing one national data file (mc_a: Making Connections,
    mc_b: LPT with a narrower caliper), and a broken third; run from tmp_path."""
    copy_specs(tmp_path)
    spec = (tmp_path / "specs" / "making_connections.yaml").read_text(encoding="utf-8")
    lpt = (tmp_path / "specs" / "lpt.yaml").read_text(encoding="utf-8")
    (tmp_path / "specs" / "mc_a.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "specs" / "mc_b.yaml").write_text(lpt.replace("  caliper: 0.2", "  caliper: 0.1"), encoding="utf-8")
    (tmp_path / "specs" / "broken.yaml").write_text(spec.replace("  caliper: 0.2", "  caliper: -1"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_batch_writes_each_report_as_a_single_run_would(batch, run_cli, files_of):
    result = run_cli("run", "specs/mc_a.yaml", "specs/mc_b.yaml", "--no-cache")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sorted(line.split()[1] for line in lines[:2]) == ["specs/mc_a.yaml", "specs/mc_b.yaml"]
    assert all(line.startswith("ok ") for line in lines[:2])
    assert lines[2] == "2 of 2 evaluations written."
    single = run_cli("run", "specs/mc_b.yaml", "--out", "single", "-q", "--no-cache")
    assert single.exit_code == 0, single.output
    written, alone = files_of(batch / "reports" / "mc_b"), files_of(batch / "single")
    assert written == alone


def test_a_failed_evaluation_does_not_stop_the_others(batch, run_cli):
    result = run_cli("run", "specs/mc_a.yaml", "specs/broken.yaml")
    assert result.exit_code == 1
    assert any(line.startswith("failed  specs/broken.yaml: ") and "caliper" in line for line in result.output.splitlines())
    assert "1 of 2 evaluations written." in result.output
    assert (batch / "reports" / "mc_a" / "results.json").is_file()
    assert not (batch / "reports" / "broken").exists()


def test_each_data_file_is_read_once_per_worker(batch, monkeypatch):
    """One worker (a thread here, so the count is visible) running two specs reads the national file once."""
    reads = []
    real = reading._read_parquet
    monkeypatch.setattr(reading, "_read_parquet", lambda path: reads.append(path) or real(path))
    monkeypatch.setattr(reading, "SHARED", None)
    with ThreadPoolExecutor(max_workers=1) as executor:
        outcomes = run_batch([Path("specs/mc_a.yaml"), Path("specs/mc_b.yaml")], executor, use_cache=False,
                             echo=lambda line: None)
    assert [o.folder is not None for o in outcomes] == [True, True]
    assert len(reads) == 1


def test_dask_cluster_runs_the_batch(batch, monkeypatch, run_cli):
    """The same runner on a local Dask cluster started here gives the same results.json bytes as local
    runs. Skipped without `.[distributed]`, except in CI (CI=true), which installs it: there it must run."""
    if os.environ.get("CI") == "true":
        import distributed
    else:
        distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(reading, "SHARED", None)  # the in-process worker must not leave its reads behind
    # one task at a time: the BLAS thread limit (threadpoolctl, in engine/stages) is per process, so two
    # evaluations on one process's threads can differ from a local run in a figure's last digit
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = run_cli("run", "specs/mc_a.yaml", "specs/mc_b.yaml", "--scheduler", cluster.scheduler_address,
                         "--no-cache")
    assert result.exit_code == 0, result.output
    assert "2 of 2 evaluations written." in result.output
    for name in ("mc_a", "mc_b"):
        local = run_cli("run", f"specs/{name}.yaml", "--out", f"local_{name}", "-q", "--no-cache")
        assert local.exit_code == 0, local.output
        assert (batch / "reports" / name / "results.json").read_bytes() == (batch / f"local_{name}" / "results.json").read_bytes()
    assert (batch / "reports" / "mc_a" / "report.md").read_text(encoding="utf-8") == (
        ROOT / "tests" / "golden" / "making_connections.md").read_text(encoding="utf-8")
