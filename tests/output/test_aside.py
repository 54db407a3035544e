"""The workbook and charts made in a second process: the same bytes as made here, and made here when it fails."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.run import side_process as aside
from engine.run.side_process import AsideProcess, binary_files


@pytest.mark.parametrize("charts", [True, False])
def test_the_process_makes_the_same_bytes(loaded, results, charts):
    process = AsideProcess()
    assert process._process is not None
    made = process.request(loaded, results, charts)()
    assert made == binary_files(loaded, results, charts)
    assert sorted(made) == (["annex.xlsx", "charts/frequency.png", "charts/rate.png"] if charts else ["annex.xlsx"])
    process.close()  # nothing left to stop


@pytest.mark.parametrize("child", [
    "import sys; sys.stdin.buffer.read(); sys.exit(3)",  # dies
    "import sys; sys.stdin.buffer.read(); sys.stdout.write('not a pickle')",  # answers garbage
    "import pickle, sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(pickle.dumps({'x': b''}))",  # no workbook
    "import sys; sys.exit(0)",  # never reads its request
])
def test_a_process_that_fails_leaves_the_files_to_this_one(loaded, results, monkeypatch, child):
    real_popen = subprocess.Popen
    monkeypatch.setattr(aside.subprocess, "Popen", lambda args, **kw: real_popen([sys.executable, "-c", child], **kw))
    assert AsideProcess().request(loaded, results, True)() == binary_files(loaded, results, True)


def test_no_process_at_all_makes_them_here(loaded, results, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(aside.subprocess, "Popen", refuse)
    assert AsideProcess().request(loaded, results, True)() == binary_files(loaded, results, True)


def test_a_run_that_ends_early_stops_the_process():
    process = AsideProcess()
    child = process._process
    process.close()
    assert child.returncode is not None


def test_results_that_cannot_be_pickled_are_made_here_without_waiting(loaded, results):
    import threading

    unpicklable = results.model_copy()
    object.__setattr__(unpicklable, "lock", threading.Lock())
    process = AsideProcess()
    child = process._process
    assert process.request(loaded, unpicklable, True)() == binary_files(loaded, results, True)
    assert child.poll() is not None  # stopped, not left reading its stdin


def test_another_engine_in_the_working_folder_is_not_imported(loaded, results, tmp_path, monkeypatch):
    fake = tmp_path / "engine" / "run"
    fake.mkdir(parents=True)
    (tmp_path / "engine" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "side_process.py").write_text(
        "import pickle, sys\ndef serve():\n    sys.stdin.buffer.readline(); pickle.load(sys.stdin.buffer)\n"
        "    sys.stdout.buffer.write(pickle.dumps({'annex.xlsx': b'EVIL'}))\n")
    monkeypatch.chdir(tmp_path)
    assert AsideProcess().request(loaded, results, False)() == binary_files(loaded, results, False)


def test_no_interpreter_to_start_makes_them_here(loaded, results, monkeypatch):
    monkeypatch.setattr(aside.sys, "executable", None)
    process = AsideProcess()
    assert process._process is None
    assert process.request(loaded, results, True)() == binary_files(loaded, results, True)


def test_a_run_that_fails_after_its_request_stops_the_process(loaded, results):
    process = AsideProcess()
    child = process._process
    process.request(loaded, results, True)  # the report then fails before it waits for the files
    process.close()
    assert child.poll() is not None
