"""Many evaluations in one command: `jdlspec run SPEC...` with several specs.

Evaluations run in parallel worker processes, up to the core count, and each worker reads a data
file once however many specs name it (engine/run/worker.py keeps those reads by content). The runner
is written against concurrent.futures.Executor, so `--scheduler ADDRESS` hands the same tasks to a
Dask distributed cluster instead (pip install -e ".[distributed]").

Every evaluation ends in one line as it ends: ok, failed (its first problem, or how its worker ended),
or not run (the batch was interrupted, or the cluster lost its workers); the summary line is always
printed, Ctrl-C included. A local worker killed in mid-run (out of memory, or by hand) breaks the pool:
the evaluations that had not ended are run again, each in a process of its own, so the one that kills
its worker is named and the others finish. Local workers die with the command (engine/run/worker.py).

Tasks carry absolute paths: the spec's, with its hash (a worker that sees another file there fails that
spec), the report folder's, under reports/ where the command runs, and the publication record's the
command uses ($JDLSPEC_RECORD_DIR), so a worker publishes against the same record. A Dask scheduler must answer,
with at least one worker, within the timeout: a dashboard port, a service that is not Dask, a tls://
address without the cluster's certificates or a scheduler with no workers ends in one line.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

from engine.errors import Problem, how_many
from engine.files import refuse
from engine.run.worker import Outcome, Task, ended, run_one, start_local_worker
from engine.spec.loaded import file_sha256

SCHEDULER_TIMEOUT = 30.0  # seconds for a Dask scheduler to answer with a worker (--scheduler-timeout)
INTERRUPTED = "the batch was interrupted (Ctrl-C)"
WORKER_DIED = ("its worker process ended without a result (killed, or out of memory); the other evaluations went "
               "on")


def tasks_for(specs: list[Path], use_cache: bool, pdf: bool, docx: bool = False) -> list[Task | Outcome]:
    """A task per spec, with absolute paths and the spec's hash; a spec that cannot be read fails here."""
    from engine.run.pipeline import destination

    record = os.environ.get("JDLSPEC_RECORD_DIR")
    record = str(Path(record).expanduser().absolute()) if record else None
    made: list[Task | Outcome] = []
    for spec in specs:
        shown = Path(spec).as_posix()
        try:
            made.append(Task(shown, str(Path(spec).absolute()), file_sha256(Path(spec)),
                             str(destination(Path(spec), None).absolute()), use_cache, pdf, record, docx))
        except OSError as error:
            reason = "it is not a file" if Path(spec).is_dir() else (error.strerror or str(error)).lower()
            made.append(ended(shown, "failed", f"cannot read the spec ({reason})"))
    return made


def run_batch(specs: list[Path], executor: Executor, use_cache: bool = True,
              echo: Callable[[str], None] = print, pdf: bool = False,
              alive: Callable[[], bool] | None = None, docx: bool = False) -> list[Outcome]:
    """Submit every evaluation and print one line per evaluation as it ends; outcomes in the specs' order.
    One whose worker broke the pool is returned "not run" with no line, for the caller to run again.
    Ctrl-C cancels what has not started, and every evaluation not ended is "not run" (interrupted)."""
    made = tasks_for(specs, use_cache, pdf, docx)
    outcomes: list[Outcome | None] = [m if isinstance(m, Outcome) else None for m in made]
    for outcome in outcomes:
        if outcome is not None:
            echo(outcome.line())
    futures = {executor.submit(run_one, m): i for i, m in enumerate(made) if isinstance(m, Task)}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                i = futures[future]
                outcomes[i] = _outcome(future, made[i])
                if outcomes[i].state != "not run" or outcomes[i].problems:
                    echo(outcomes[i].line())
            if pending and alive is not None and not alive():
                _stop(pending, futures, made, outcomes, echo, "the cluster has no workers left")
                pending = set()
    except KeyboardInterrupt:
        _stop(pending, futures, made, outcomes, echo, INTERRUPTED)
    return [o for o in outcomes if o is not None]


def _outcome(future, task: Task) -> Outcome:
    try:
        return future.result()
    except BrokenExecutor:
        return Outcome(task.spec, "not run")  # no problems: the caller runs it again on its own
    except Exception as error:  # a Dask worker that died, a task that could not be sent
        text = " ".join(str(error).split())[:200]
        return ended(task.spec, "failed", f"its worker ended with {type(error).__name__}{': ' + text if text else ''}")


def _stop(pending, futures, made, outcomes, echo, why: str) -> None:
    for future in pending:
        future.cancel()
    for future in pending:
        i = futures[future]
        outcomes[i] = ended(made[i].spec, "not run", why)
        echo(outcomes[i].line())


def run_local(specs: list[Path], use_cache: bool, pdf: bool, echo: Callable[[str], None],
              docx: bool = False) -> list[Outcome]:
    """The batch in local worker processes; the evaluations of a worker that died run again one by one."""
    outcomes = in_pool(specs, use_cache, pdf, echo, docx)
    again = [i for i, o in enumerate(outcomes) if o.state == "not run" and not o.problems]  # their worker died
    for i in again:
        if any(interrupted(o) for o in outcomes):
            outcomes[i] = ended(outcomes[i].spec, "not run", INTERRUPTED)
        else:
            [outcome] = in_pool([specs[i]], use_cache, pdf, lambda line: None, docx)
            outcomes[i] = outcome if outcome.state != "not run" or outcome.problems else \
                ended(outcome.spec, "failed", WORKER_DIED)
        echo(outcomes[i].line())
    return outcomes


def in_pool(specs: list[Path], use_cache: bool, pdf: bool, echo: Callable[[str], None],
            docx: bool = False) -> list[Outcome]:
    """The specs in a pool of their own. Interrupted, its workers are ended at once: the interpreter's exit
    would otherwise wait for them (concurrent.futures joins its workers), minutes for a long evaluation."""
    pool = local_pool(len(specs))
    outcomes: list[Outcome] = []
    try:
        outcomes = run_batch(specs, pool, use_cache, echo, pdf, docx=docx)
    finally:
        workers = list((pool._processes or {}).values())  # no public way to end them before Python 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        if not outcomes or any(interrupted(o) for o in outcomes):
            for process in workers:
                process.kill()
    return outcomes


def interrupted(outcome: Outcome) -> bool:
    return bool(outcome.problems) and outcome.problems[0].message == INTERRUPTED


def local_pool(tasks: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max(1, min(tasks, os.cpu_count() or 1)), initializer=start_local_worker,
                               initargs=(os.getpid(),))


def run_on_cluster(specs: list[Path], scheduler: str, timeout: float, use_cache: bool, pdf: bool,
                   echo: Callable[[str], None], docx: bool = False) -> list[Outcome]:
    """The batch on the Dask cluster at `scheduler`: a worker that died fails its evaluation; a cluster
    with no workers for `timeout` seconds leaves the rest not run."""
    with dask_client(scheduler, timeout) as client:
        lost = [None]

        def alive() -> bool:
            try:
                workers = len(client.nthreads())
            except Exception:  # the scheduler itself is gone
                workers = 0
            if workers:
                lost[0] = None
            elif lost[0] is None:
                lost[0] = time.monotonic()
            return lost[0] is None or time.monotonic() - lost[0] < timeout

        return run_batch(specs, client.get_executor(pure=False), use_cache, echo, pdf, alive, docx)


@contextmanager
def dask_client(scheduler: str, timeout: float) -> Iterator:
    """A client of the Dask scheduler at `scheduler` that has a worker, or one line saying what was reached."""
    try:
        from distributed import Client
    except ImportError:
        refuse("--scheduler", 'needs Dask distributed: pip install -e ".[distributed]"')
    quiet = logging.getLogger("distributed")
    level, quiet.level = quiet.level, logging.CRITICAL  # its connection errors come as tracebacks in the log
    try:
        client = _connect(Client, scheduler, timeout)
        try:
            client.wait_for_workers(1, timeout=timeout)
        except Exception:
            client.close(timeout=timeout)
            refuse("--scheduler", f"the Dask scheduler at {scheduler} has no workers (waited {timeout:g} s); "
                   f"start some with `dask worker {scheduler}`")
    finally:
        quiet.setLevel(level)
    try:
        yield client
    finally:
        client.close(timeout=timeout)


def _connect(client_class, scheduler: str, timeout: float):
    """Connect on a thread of its own: a port that is not a Dask scheduler can keep the client waiting far
    past its own timeout, so this gives up after `timeout` seconds whatever the client does."""
    made: list = []

    def connect() -> None:
        try:
            made.append(client_class(scheduler, timeout=timeout, set_as_default=False))
        except BaseException as error:
            made.append(error)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout + 5)
    tls = " (tls:// needs the cluster's certificates, which jdlspec does not configure)" if \
        scheduler.startswith("tls://") else ""
    if not made:
        refuse("--scheduler", f"no Dask scheduler answered at {scheduler} within {timeout:g} s (a dashboard port, or "
               f"a service that is not Dask?){tls}")
    if isinstance(made[0], BaseException):
        reason = " ".join(str(made[0]).split())[:200] or type(made[0]).__name__
        refuse("--scheduler", f"cannot reach a Dask scheduler at {scheduler}: {reason}{tls}")
    return made[0]


def summary(outcomes: list[Outcome]) -> str:
    """'2 of 3 evaluations written.', and how many failed or did not run."""
    written = sum(o.state == "ok" for o in outcomes)
    line = f"{written} of {how_many(len(outcomes), 'evaluation')} written."
    failed, not_run = sum(o.state == "failed" for o in outcomes), sum(o.state == "not run" for o in outcomes)
    if failed or not_run:
        line += f" {failed} failed, {not_run} not run."
    return line


def problems_of(outcomes: list[Outcome]) -> list[Problem]:
    return [p for o in outcomes if o.state != "ok" for p in o.problems]
