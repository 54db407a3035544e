"""Many evaluations in one command: `jdlspec run SPEC...` with several specs.

Evaluations run in parallel worker processes, up to the core count, and each worker reads a
data file once however many specs name it (the national data is the same for all: see
engine.inputs.reading.share_reads). The runner is written against concurrent.futures.Executor,
so `--scheduler ADDRESS` hands the same tasks to a Dask distributed cluster instead
(pip install -e ".[distributed]"). Each evaluation prints one line as it finishes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Problem, UserError


@dataclass(frozen=True)
class Outcome:
    """One evaluation's end: its folder, or the problems that stopped it."""

    spec: str
    folder: str | None
    seconds: float
    problems: list[Problem]

    def line(self) -> str:
        if self.folder is not None:
            return f"ok      {self.spec} → {self.folder} ({self.seconds:.1f} s)"
        first = str(self.problems[0]) if self.problems else "failed"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"failed  {self.spec}: {first}{more}"


def run_one(spec: str, use_cache: bool, pdf: bool = False) -> Outcome:
    """A worker's task: one evaluation, its user errors returned (not raised) so the batch goes on."""
    from engine.inputs.reading import share_reads
    from engine.run.pipeline import run_spec

    share_reads()
    start = time.perf_counter()
    try:
        folder = run_spec(Path(spec), None, None, use_cache=use_cache, pdf=pdf)
    except UserError as error:
        return Outcome(spec, None, time.perf_counter() - start, list(error.problems))
    return Outcome(spec, str(folder), time.perf_counter() - start, [])


@contextmanager
def executor_for(scheduler: str | None, tasks: int) -> Iterator[Executor]:
    """Local worker processes (up to the core count), or a Dask cluster's executor at `scheduler`."""
    if scheduler is None:
        with ProcessPoolExecutor(max_workers=max(1, min(tasks, os.cpu_count() or 1))) as pool:
            yield pool
        return
    try:
        from distributed import Client
    except ImportError:
        raise UserError(Problem("--scheduler", None, None, "", "needs Dask distributed: "
                                'pip install -e ".[distributed]"')) from None
    try:
        client = Client(scheduler, timeout=30)
    except (OSError, TimeoutError, ValueError) as error:
        raise UserError(Problem("--scheduler", None, None, "", f"cannot reach the Dask scheduler at "
                                f"{scheduler}: {error}")) from None
    with client:
        yield client.get_executor(pure=False)


def run_batch(specs: list[Path], executor: Executor, use_cache: bool = True,
              echo: Callable[[str], None] = print, pdf: bool = False) -> list[Outcome]:
    """Submit every evaluation, print one line per evaluation as it ends; outcomes in the specs' order."""
    futures = {executor.submit(run_one, str(spec), use_cache, pdf): i for i, spec in enumerate(specs)}
    outcomes: list[Outcome | None] = [None] * len(specs)
    for future in as_completed(futures):
        outcome = future.result()
        outcomes[futures[future]] = outcome
        echo(outcome.line())
    return [o for o in outcomes if o is not None]
