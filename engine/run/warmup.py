"""Import the report writers on a second thread while the statistics run (when no second process
makes the workbook and charts: engine/run/side_process.py).

matplotlib and openpyxl take about half a second to import, nearly all of it Python holding the
interpreter lock, while the statistics spend most of their time in numpy and Arrow, which release
it: on a two-core machine the imports then cost almost nothing. Imports are safe across threads
(each module has its own import lock), so the report stage imports the writers as usual and finds
them loaded, or waits for the import in progress. An import that fails here is left for the report
stage to raise again, where the error is handled.
"""

from __future__ import annotations

import importlib
import threading

REPORT_WRITERS = ("engine.render.charts", "engine.render.annex")  # matplotlib, openpyxl


def import_in_background(modules: tuple[str, ...]) -> threading.Thread:
    thread = threading.Thread(target=_import_all, args=(modules,), name="jdlspec-imports", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the report stage imports it again and reports the error
            return
