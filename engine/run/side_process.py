"""Build a run's workbook and draw its charts in a second process, started when the run starts.

openpyxl and matplotlib take about 0.2 and 0.4 s to import, and each chart about 0.1 s to draw, all
of it Python that holds the interpreter lock. A process started at the beginning of `jdlspec run`
imports them on the second core while this one reads the data and fits the models (or, on a rerun
from the cache, checks the texts), and builds the files while this one checks and writes the
report's text. The process is a fresh interpreter (`python -c`, importing this copy of `engine`), given the spec
and results as a pickle on its stdin and answering with the files as a pickle on its stdout; it runs
the same `binary_files`, so the bytes are the same as made here. Anything that goes wrong with it
(no process may be started, it crashed, it was killed, it answered nonsense) falls back to making
the files in this process; an error in making them is then raised here, where the run handles it.
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


def binary_files(loaded: LoadedSpec, results: Results, charts: bool) -> dict[str, bytes]:
    """annex.xlsx and, with `charts`, charts/<measure>.png: the report files that are not text."""
    from engine.render.annex import build_annex  # openpyxl and matplotlib: only where the files are made
    from engine import houses
    from engine.measures import declare

    declare(results.outcome_measures)  # a process of its own: the measures the spec declared, from the results
    houses.use(results.house)
    files = {"annex.xlsx": build_annex(results)}
    if charts:
        from engine.render.charts import draw_charts

        files.update(draw_charts(loaded, results))
    return files


# The process imports `engine` from this copy of it, never from its working folder: `python -c`
# would put that folder first on its path, and a folder holding another `engine` (or `openpyxl`)
# would then make the report's files.
START = "import sys; sys.path = [{root!r}] + [p for p in sys.path if p]; from engine.run.side_process import serve; serve()"


class AsideProcess:
    """A maker of the binary files on the second core: start it when a run starts, say whether charts
    are needed (`expect`), `request` the files when the results exist, and call what `request`
    returns when they are needed. `close` stops it whatever state it is in."""

    def __init__(self) -> None:
        source_root = str(Path(__file__).resolve().parents[2])  # where this `engine` is, installed or not
        self._expected = False
        self._requested = False
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-c", START.format(root=source_root)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        except (OSError, TypeError, ValueError):  # no process may start; no interpreter to start (embedded)
            self._process = None

    def expect(self, charts: bool) -> None:
        """Say, once the cache has been looked at, whether charts will be wanted (matplotlib is
        imported only then); a line this short never blocks on the pipe."""
        if self._process is not None and not self._expected:
            self._expected = True
            try:
                self._process.stdin.write(b"charts\n" if charts else b"annex\n")
                self._process.stdin.flush()
            except OSError:
                self.close()

    def request(self, loaded: LoadedSpec, results: Results, charts: bool) -> Callable[[], dict[str, bytes]]:
        """Send the results to the process now (a thread writes them: the pipe holds only 64 KB while
        the process is still importing); the function returned waits for the files."""
        self.expect(charts)  # if not said already: the process reads that line first
        process = None if self._requested else self._process
        self._requested = True
        try:
            payload = pickle.dumps((loaded, results, charts)) if process else b""
        except Exception:  # noqa: BLE001 - what cannot be sent is made here
            process = None
        if process is None:
            self.close()
            return lambda: binary_files(loaded, results, charts)
        answer: list[bytes] = []

        def exchange() -> None:
            try:
                answer.append(process.communicate(payload, timeout=120)[0])
            except Exception:  # noqa: BLE001 - a broken pipe, a timeout: the files are made here
                process.kill()

        thread = threading.Thread(target=exchange, name="jdlspec-aside", daemon=True)
        thread.start()

        def files() -> dict[str, bytes]:
            thread.join()
            self.close()
            if answer and process.returncode == 0:
                try:
                    made = pickle.loads(answer[0])
                except Exception:  # noqa: BLE001 - whatever it wrote, the files are made here instead
                    made = None
                if isinstance(made, dict) and "annex.xlsx" in made:
                    return made
            return binary_files(loaded, results, charts)

        return files

    def close(self) -> None:
        """Stop the process if it is still running (the run ended before, or while, it made the files)."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        if process is not None:
            process.wait()


def serve() -> None:
    """The process's side: import the writers at once (matplotlib when the run says charts will be
    wanted), then make what stdin asks for. It yields the CPU to the run (a higher nice value):
    reading the data uses both cores for a moment."""
    nice = getattr(os, "nice", None)  # not on Windows
    if nice:
        nice(5)
    import engine.render.annex  # noqa: F401 - imported while the run computes

    if sys.stdin.buffer.readline() == b"charts\n":
        import engine.render.charts  # noqa: F401
    loaded, results, charts = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(binary_files(loaded, results, charts)))
    sys.stdout.flush()
    os._exit(0)  # the run is waiting: skip the interpreter's teardown of matplotlib


