"""The command line's speed devices, in one place behind one switch.

Each device stays because a benchmark shows it pays (benchmarks/README.md, "The speed devices",
measured on and off in one run):

- `aside`: a one-spec `jdlspec run` starts a second process first thing, which imports openpyxl and
  matplotlib and then makes the workbook and charts on the other core while this one computes and
  checks the report's text (engine/run/side_process.py; same bytes, made here if it fails);
- `hugepages`: numpy's huge-page advice off (NUMPY_MADVISE_HUGEPAGE=0, unless set) before numpy is
  imported: where the kernel compacts memory synchronously for it, a million-record run spent over a
  second more filling its design matrix;
- `exit`: the process ends with os._exit once its output is flushed, without the interpreter's
  teardown (freeing every object of the run one by one only keeps the prompt waiting).

A thread importing the writers while the statistics ran (for batches and library calls) showed no gain
there and was removed. `jdlspec` turns the devices on as it starts (`enable`); JDLSPEC_SPEED=0 in the
environment leaves them off. A program that imports `engine` gets none of them: no environment variable,
numpy setting, process or early exit.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from engine.run.side_process import AsideProcess

DEVICES = frozenset({"aside", "hugepages", "exit"})
_on: frozenset[str] = frozenset()


def enable() -> None:
    """Turn the devices on for this process (the `jdlspec` program only), unless JDLSPEC_SPEED=0.
    (benchmarks/before_after.py narrows DEVICES first, to time the program without one of them.)"""
    global _on
    _on = frozenset() if os.environ.get("JDLSPEC_SPEED") == "0" else DEVICES
    if "hugepages" in _on and "numpy" not in sys.modules:  # the batch's workers inherit it too
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def aside_process() -> AsideProcess | None:
    """The second process of a one-spec run, started now so that it imports while the run does."""
    if "aside" not in _on:
        return None
    from engine.run.side_process import AsideProcess

    return AsideProcess()


def leave(code: int) -> NoReturn:
    """End the program with `code`: its files are written and closed and its helper process stopped,
    so once the output is flushed nothing is left for the interpreter's teardown to do."""
    sys.stdout.flush()
    sys.stderr.flush()
    if "exit" in _on or code == 130:  # interrupted: a batch's workers (deaf to Ctrl-C) die with this process
        os._exit(code)
    sys.exit(code)
