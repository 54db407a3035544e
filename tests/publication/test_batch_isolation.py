"""Batches and clusters (engine/run/batch.py, worker.py): every spec ends in one line (ok, failed, not
run), the summary is always printed, a worker's reads are kept by content and bounded, workers die with
their parent, and a scheduler that is not a working Dask scheduler ends in one line."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.inputs import reading
from engine.run import pipeline
from engine.run.batch import WORKER_DIED, run_batch, run_local, summary, tasks_for
from engine.run.worker import MAX_FILES, ContentShared, Task, run_one
from engine.spec.loader import load_spec
from publication_workspace import refused

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def specs(tmp_path, monkeypatch) -> list[Path]:
    """Three spec files (their contents do not matter: run_spec is replaced by a fake in these tests)."""
    monkeypatch.chdir(tmp_path)
    paths = []
    for name in ("a", "killer", "c"):
        (tmp_path / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")
        paths.append(Path(f"{name}.yaml"))
    return paths


def fake_run(path, out, *args, **kwargs):
    """A run that takes no time; 'killer' kills its own process, 'broken' is a bug in jdlspec."""
    if Path(path).stem == "killer":
        os.kill(os.getpid(), signal.SIGKILL)
    if Path(path).stem == "broken":
        raise RuntimeError("an internal error\nover two lines")
    return Path(out)


def test_an_internal_error_fails_one_spec_and_the_others_run(specs, monkeypatch):
    (specs[1].parent / "broken.yaml").write_text("#\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "run_spec", fake_run)
    lines = []
    with ThreadPoolExecutor(2) as pool:
        outcomes = run_batch([specs[0], Path("broken.yaml"), specs[2]], pool, echo=lines.append)
    assert [o.state for o in outcomes] == ["ok", "failed", "ok"]
    assert "failed  broken.yaml: internal error (a bug in jdlspec): RuntimeError: an internal error over two " \
           "lines" in lines
    assert "Traceback" in outcomes[1].internal and not outcomes[1].problems
    assert summary(outcomes) == "2 of 3 evaluations written. 1 failed, 0 not run."
    assert summary(outcomes[:1]) == "1 of 1 evaluation written."  # the noun agrees with its count


def test_a_killed_worker_takes_only_its_own_evaluation(specs, monkeypatch):
    monkeypatch.setattr(pipeline, "run_spec", fake_run)  # the worker processes are forked with it
    lines = []
    outcomes = run_local(specs, True, False, lines.append)
    assert [o.state for o in outcomes] == ["ok", "failed", "ok"]
    assert outcomes[1].problems[0].message == WORKER_DIED
    assert len(lines) == 3 and all(line.split()[0] in ("ok", "failed") for line in lines)


def test_tasks_carry_absolute_paths_the_spec_hash_and_the_record(specs, monkeypatch):
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", "records")
    [task, *_] = tasks_for(specs, True, False)
    assert Path(task.path).is_absolute() and task.path.endswith("a.yaml") and task.spec == "a.yaml"
    assert task.out == str(Path.cwd() / "reports" / "a")
    assert task.record_dir == str(Path.cwd() / "records")  # a worker publishes against the command's record


def test_a_worker_that_sees_another_file_fails_that_spec(specs, monkeypatch):
    monkeypatch.setattr(pipeline, "run_spec", fake_run)
    [task, *_] = tasks_for(specs, True, False)
    Path(task.path).write_text("# another spec at the same path\n", encoding="utf-8")
    outcome = run_one(task)
    assert outcome.state == "failed" and "the worker sees another file at" in outcome.line()
    gone = Task("a.yaml", "/nowhere/a.yaml", task.sha256, task.out, True, False)
    assert "the worker cannot read /nowhere/a.yaml" in run_one(gone).line()


def test_a_spec_that_cannot_be_read_fails_at_once(specs, monkeypatch):
    monkeypatch.setattr(pipeline, "run_spec", fake_run)
    lines = []
    with ThreadPoolExecutor(1) as pool:
        outcomes = run_batch([specs[0], Path("missing.yaml")], pool, echo=lines.append)
    assert [o.state for o in outcomes] == ["ok", "failed"] and "cannot read the spec" in lines[0]


SCRIPT = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (a background job ignores Ctrl-C)
sys.path.insert(0, {root!r})
from pathlib import Path
import engine.run.pipeline as pipeline
def slow(path, out, *args, **kwargs):
    time.sleep(120)
    return Path(out)
pipeline.run_spec = slow
from engine.cli import app
app(["run", "a.yaml", "b.yaml", "c.yaml"])
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        return "Z" not in (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False


def start_batch(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-c", SCRIPT.format(root=str(ROOT))], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children(process.pid)) < 2:
        time.sleep(0.2)
    workers = children(process.pid)
    assert len(workers) >= 2, "the workers did not start"
    time.sleep(1.0)
    return process, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_prints_every_line_and_the_summary_and_stops_the_workers(tmp_path):
    process, workers = start_batch(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130, output  # interrupted
    for name in ("a", "b", "c"):
        assert f"not run {name}.yaml: {name}.yaml: the batch was interrupted (Ctrl-C)" in output
    assert "0 of 3 evaluations written. 0 failed, 3 not run." in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(alive(w) for w in workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path):
    process, workers = start_batch(tmp_path)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(alive(w) for w in workers), "workers outlived the command"
    process.stdout.close()


# --- shared reads, by content ------------------------------------------------------------------

def test_a_file_edited_with_its_size_and_time_kept_is_read_again(work, monkeypatch):
    monkeypatch.setattr(reading, "SHARED", ContentShared())
    loaded = load_spec(work.root / "spec.yaml")
    path = work.root / "submission.csv"
    first = reading.read_file(loaded, "submission", [])
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Name1,", "Nama1,", 1), encoding="utf-8")  # the same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as cp -p, rsync -t, tar and unzip leave it
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = reading.read_file(loaded, "submission", [])
    assert "Name1" in set(first.frame["forename"]) and "Nama1" in set(second.frame["forename"])
    assert len(reading.SHARED) == 1  # one version of the file is kept, not both


def test_a_worker_keeps_a_bounded_number_of_files(tmp_path):
    shared = ContentShared()
    for i in range(MAX_FILES + 3):
        path = tmp_path / f"data{i}.csv"
        path.write_text(f"x\n{i}\n", encoding="utf-8")
        key = (str(path), 0, 0)
        assert key not in shared
        shared[key] = f"read {i}"
    assert len(shared) == MAX_FILES
    assert (str(tmp_path / f"data{MAX_FILES + 2}.csv"), 0, 0) in shared
    assert (str(tmp_path / "data0.csv"), 0, 0) not in shared


def test_a_read_of_a_file_changed_while_it_was_read_is_not_kept(tmp_path):
    shared = ContentShared()
    path = tmp_path / "data.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    key = (str(path), 0, 0)
    assert key not in shared
    path.write_text("x\n2\n", encoding="utf-8")
    shared[key] = "the read of the old bytes"
    assert len(shared) == 0


# --- a scheduler that is not a working Dask scheduler ------------------------------------------

@pytest.fixture
def not_dask():
    """An HTTP server (as a dashboard port is): it accepts the connection and never speaks Dask."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def run_on(work, scheduler: str):
    started = time.perf_counter()
    result = work.invoke("run", "a.yaml", "b.yaml", "--scheduler", scheduler, "--scheduler-timeout", "2")
    return refused(result), time.perf_counter() - started


def test_a_port_that_is_not_dask_ends_in_one_line(work, not_dask):
    pytest.importorskip("distributed")
    line, seconds = run_on(work, not_dask)
    assert line.startswith("--scheduler: ") and not_dask in line and "2 s" in line
    assert seconds < 20


@pytest.mark.parametrize("address, expected", [("tcp://127.0.0.1:1", "cannot reach a Dask scheduler at "
                                                "tcp://127.0.0.1:1"),
                                               ("tls://127.0.0.1:1", "tls:// needs the cluster's certificates")])
def test_an_unreachable_or_tls_scheduler_ends_in_one_line(work, address, expected):
    pytest.importorskip("distributed")
    line, seconds = run_on(work, address)
    assert expected in line and seconds < 20


def test_a_scheduler_with_no_workers_ends_in_one_line(work):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        line, seconds = run_on(work, cluster.scheduler_address)
    assert f"the Dask scheduler at {cluster.scheduler_address} has no workers (waited 2 s)" in line
    assert seconds < 20
