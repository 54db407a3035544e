"""Draw a run's charts in a second process, started when the run starts.

matplotlib takes about 0.4 s to import and each chart about 0.1 s to draw, all of it Python that
holds the interpreter lock. A process started at the beginning of `jdlspec run` imports it on the
second core while this one reads the data and fits the models, and draws the charts while this one
checks and writes the report's text: half a second off a run the size of LPT. The process is a fresh
interpreter (`python -m engine.render.chart_process`), given the spec and results as a pickle on its
stdin and answering with the charts as a pickle on its stdout; it runs the same `draw_charts`, so the
bytes are the same as drawn here. Anything that goes wrong with it (no process may be started, it
crashed, it was killed) falls back to drawing in this process; an error in drawing itself is
raised here again by that fallback, where the run handles it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.results import Results
    from engine.spec.loaded import LoadedSpec


def draw_here(loaded: LoadedSpec, results: Results) -> dict[str, bytes]:
    from engine.render.charts import draw_charts  # matplotlib: only when charts are drawn in this process

    return draw_charts(loaded, results)


class ChartProcess:
    """A chart drawer on the second core: start it when a run starts, `request` the charts when the
    results exist, and call what `request` returns when they are needed."""

    def __init__(self) -> None:
        source_root = str(Path(__file__).resolve().parents[2])  # where `engine` is, installed or not
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")]))}
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "engine.render.chart_process"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            )
        except OSError:
            self._process = None

    def request(self, loaded: LoadedSpec, results: Results) -> Callable[[], dict[str, bytes]]:
        """Send the results to the process now (a thread writes them: the pipe holds only 64 KB while
        the process is still importing); the function returned waits for the charts."""
        process, self._process = self._process, None
        if process is None:
            return lambda: draw_here(loaded, results)
        answer: list[bytes] = []

        def exchange() -> None:
            try:
                answer.append(process.communicate(pickle.dumps((loaded, results)), timeout=120)[0])
            except (OSError, ValueError, subprocess.TimeoutExpired):
                process.kill()

        thread = threading.Thread(target=exchange, name="jdlspec-charts", daemon=True)
        thread.start()

        def charts() -> dict[str, bytes]:
            thread.join()
            process.wait()
            if answer and process.returncode == 0:
                try:
                    drawn = pickle.loads(answer[0])
                except Exception:  # noqa: BLE001 - whatever it wrote, the charts are drawn here instead
                    drawn = None
                if isinstance(drawn, dict):
                    return drawn
            return draw_here(loaded, results)

        return charts

    def close(self) -> None:
        """Stop the process if no charts were requested (the run ended before its report)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()


def serve() -> None:
    """The process's side: import matplotlib at once, then draw what stdin asks for. It yields the
    CPU to the run (a higher nice value): reading the data uses both cores for a moment."""
    if hasattr(os, "nice"):
        os.nice(5)
    from engine.render.charts import draw_charts

    loaded, results = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(draw_charts(loaded, results)))
    sys.stdout.flush()
    os._exit(0)  # the run is waiting: skip the interpreter's teardown of matplotlib


if __name__ == "__main__":
    serve()
