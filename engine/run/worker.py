"""The worker's side of a batch (engine/run/batch.py): one evaluation per task, its reads shared by content,
its end always an Outcome (never an exception that would end the batch).

A worker runs many specs and reads each data file once (engine.inputs.reading keeps its reads, keyed by
path, size and modification time). A file edited with its size and time kept (cp -p, rsync -t, tar, unzip
keep them) would then be served from the old read and certified with the new file's hash, so the reads
are kept here by content: a kept read is served only while the file's bytes hash as they did when it was
read, one version per path, and at most MAX_FILES files (the least recently used goes first), so a worker
that sees many versions of the national data keeps a bounded amount of it in memory.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Problem, UserError, display_path
from engine.spec.loaded import file_sha256

MAX_FILES = 4  # data files a worker keeps read: the national data, and a few submissions
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Task:
    """One evaluation as the command sends it: the spec as typed (for its line), the absolute path and hash
    of the file the command read, the absolute report folder, and the publication record it uses."""

    spec: str
    path: str
    sha256: str
    out: str
    use_cache: bool
    pdf: bool
    record_dir: str | None = None  # the command's $JDLSPEC_RECORD_DIR, absolute (a worker's may differ)
    docx: bool = False


@dataclass(frozen=True)
class Outcome:
    """How one evaluation ended: ok (its folder), failed (its problems), or not run (why)."""

    spec: str
    state: str  # "ok", "failed", "not run"
    folder: str | None = None
    seconds: float = 0.0
    problems: tuple[Problem, ...] = ()
    internal: str = ""  # the traceback of a bug in jdlspec (then there is no problem of the user's)
    bug: str = ""  # that bug in one line

    def line(self) -> str:
        if self.state == "ok":
            return f"ok      {self.spec} → {display_path(self.folder)} ({self.seconds:.1f} s)"
        if self.internal:
            return f"failed  {self.spec}: internal error (a bug in jdlspec): {self.bug}"
        first = str(self.problems[0]) if self.problems else self.state
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{self.state + ' ':<8}{self.spec}: {first}{more}"


def ended(spec: str, state: str, message: str) -> Outcome:
    """An outcome with one line of why (a worker that died, a batch interrupted)."""
    return Outcome(spec, state, problems=(Problem(spec, None, None, "", message),))


def run_one(task: Task) -> Outcome:
    """A worker's task: one evaluation. Its user errors, and any other error, are returned as its outcome."""
    from engine.inputs import reading
    from engine.run.pipeline import run_spec

    if not isinstance(reading.SHARED, ContentShared):
        reading.SHARED = ContentShared()
    start = time.perf_counter()
    try:
        seen = file_sha256(Path(task.path))
    except OSError as error:
        return ended(task.spec, "failed", f"the worker cannot read {task.path} ({(error.strerror or '').lower()}); "
                     "the workers must see the specs and data at the same paths")
    if seen != task.sha256:
        return ended(task.spec, "failed", f"the worker sees another file at {task.path} than the one this command "
                     "read (their hashes differ); the workers must see the specs and data at the same paths")
    try:
        folder = run_spec(Path(task.path), Path(task.out), None, use_cache=task.use_cache, pdf=task.pdf,
                          record_dir=task.record_dir, docx=task.docx)
    except UserError as error:
        return Outcome(task.spec, "failed", seconds=time.perf_counter() - start, problems=tuple(error.problems))
    except Exception as error:  # a bug in jdlspec: this evaluation fails, the batch goes on
        bug = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
        return Outcome(task.spec, "failed", seconds=time.perf_counter() - start, internal=traceback.format_exc(),
                       bug=bug)
    return Outcome(task.spec, "ok", folder=str(folder), seconds=time.perf_counter() - start)


class ContentShared(MutableMapping):
    """engine.inputs.reading's shared reads, served only while the file's content is the one that was read.

    reading.read_file asks `key in shared` before it reads and sets `shared[key]` after; the hash taken at
    the first is kept per thread, and a read is kept only if the file still hashes the same after it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[str, object]] = OrderedDict()  # path -> (hash, read)
        self._asked: dict[tuple[int, str], str] = {}  # (thread, path) -> hash when asked

    def __contains__(self, key) -> bool:
        path = str(key[0])
        try:
            digest = file_sha256(Path(path))
        except OSError:
            return False
        with self._lock:
            self._asked[(threading.get_ident(), path)] = digest
            kept = self._kept.get(path)
            return kept is not None and kept[0] == digest

    def __getitem__(self, key):
        path = str(key[0])
        with self._lock:
            self._kept.move_to_end(path)
            return self._kept[path][1]

    def __setitem__(self, key, read) -> None:
        path = str(key[0])
        with self._lock:
            before = self._asked.pop((threading.get_ident(), path), None)
        try:
            after = file_sha256(Path(path))
        except OSError:
            return
        if before != after:
            return  # changed while it was read: keep nothing
        with self._lock:
            self._kept[path] = (after, read)
            self._kept.move_to_end(path)
            while len(self._kept) > MAX_FILES:
                self._kept.popitem(last=False)

    def __delitem__(self, key) -> None:
        with self._lock:
            del self._kept[str(key[0])]

    def __iter__(self) -> Iterator:
        return iter(list(self._kept))

    def __len__(self) -> int:
        return len(self._kept)


def start_local_worker(parent: int) -> None:
    """A local worker process ignores Ctrl-C (the command stops the batch and prints what ended) and dies
    with the command that started it (process `parent`), however the command ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the command ended before the line above
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
