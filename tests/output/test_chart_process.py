"""Charts drawn in a second process: the same bytes as drawn here, and drawn here when it fails."""

from __future__ import annotations

import subprocess
import sys

from engine.render import chart_process
from engine.render.chart_process import ChartProcess
from engine.render.charts import draw_charts


def test_the_process_draws_the_same_bytes(loaded, results):
    aside = ChartProcess()
    assert aside._process is not None
    assert aside.request(loaded, results)() == draw_charts(loaded, results)
    aside.close()  # nothing left to stop


def test_a_process_that_dies_leaves_the_drawing_to_this_one(loaded, results, monkeypatch):
    dying = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); sys.exit(3)"]
    real_popen = subprocess.Popen
    monkeypatch.setattr(chart_process.subprocess, "Popen", lambda args, **kw: real_popen(dying, **kw))
    assert ChartProcess().request(loaded, results)() == draw_charts(loaded, results)


def test_a_process_that_answers_garbage_leaves_the_drawing_to_this_one(loaded, results, monkeypatch):
    garbage = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); sys.stdout.write('not a pickle')"]
    real_popen = subprocess.Popen
    monkeypatch.setattr(chart_process.subprocess, "Popen", lambda args, **kw: real_popen(garbage, **kw))
    assert ChartProcess().request(loaded, results)() == draw_charts(loaded, results)


def test_no_process_at_all_draws_here(loaded, results, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(chart_process.subprocess, "Popen", refuse)
    assert ChartProcess().request(loaded, results)() == draw_charts(loaded, results)


def test_a_run_that_ends_early_stops_the_process():
    aside = ChartProcess()
    process = aside._process
    aside.close()
    assert process.returncode is not None
