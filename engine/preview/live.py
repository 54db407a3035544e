"""The live report: the spec, its texts and its data watched, the report made again in memory at each change.

Nothing is written into a report folder (that is `jdlspec run`'s); the statistics go to the results cache, as a
run's do, so a text-only edit is rendered from it in well under a second (engine/run/cache.py). A change that
needs the statistics shows each stage while it runs. A spec with problems keeps the last good report on show,
with the problems (the command line's lines) above it, so a typo never blanks the page.

Watching: a thread compares every file's modification time, size and inode every POLL seconds. The files are a
handful (the spec and the two data files it names), so polling costs microseconds, needs no dependency, and
behaves the same on every system and on network drives, where the systems' change notifications (inotify,
FSEvents, ReadDirectoryChangesW, which watchfiles wraps) do not fire or must fall back to polling anyway.
"""

from __future__ import annotations

import hashlib
import os
import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from engine.claims import Licence
from engine.errors import Problem, UserError
from engine.run.progress import Progress

POLL = 0.2  # seconds between two looks at the watched files


@dataclass(frozen=True)
class Report:
    """A good report, as shown: its HTML (report.html's bytes), and what the checker needs of it."""

    html: bytes
    title: str
    licence: Licence
    quotations: tuple[str, ...]
    number: int  # 1 for the first good report, and so on


@dataclass
class State:
    """What the page shows: the last good report, the problems of the last attempt, the stage being worked on."""

    version: int = 0  # goes up at every change of anything below
    report: Report | None = None
    problems: list[str] = field(default_factory=list)  # the command line's lines, count line included
    busy: str = "reading the spec"  # the stage under way; "" when idle

    def public(self) -> dict:
        """What the page's script is sent."""
        return {"version": self.version, "report": self.report.number if self.report else 0,
                "title": self.report.title if self.report else "", "problems": self.problems, "busy": self.busy}


def problem_lines(problems: list[Problem], notes: list[str] = ()) -> list[str]:
    """The lines `jdlspec` prints for refused input (engine.cli.refused): one per problem, then the count."""
    count = len(problems)
    return [str(p) for p in problems] + ["; ".join([f"{count} problem{'s' if count != 1 else ''} found", *notes]) + "."]


class _Stages(Progress):
    """A run's progress, shown in the page stage by stage."""

    def __init__(self, live: LivePreview):
        super().__init__(enabled=False)
        self.live = live

    @contextmanager
    def stage(self, name: str):
        self.live.update(busy=name)
        with super().stage(name):
            yield


class LivePreview:
    """The spec watched by one thread, the report made by another; `state` and `wait` for the server."""

    def __init__(self, spec: Path, on_bug: Callable[[str], str]):
        self.spec = Path(spec)
        self.on_bug = on_bug  # takes a traceback, saves it, returns the line to show
        self.state = State()
        self.changed = threading.Condition()
        self.dirty = threading.Event()
        self.stopped = threading.Event()
        self.watched: list[Path] = [self.spec]
        self._charts: tuple[str, dict[str, bytes]] = ("", {})

    def start(self) -> None:
        self.dirty.set()
        for target, name in ((self._render_loop, "jdlspec-render"), (self._watch_loop, "jdlspec-watch")):
            threading.Thread(target=target, name=name, daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()
        self.dirty.set()
        with self.changed:
            self.changed.notify_all()

    def update(self, **values) -> None:
        with self.changed:
            for key, value in values.items():
                setattr(self.state, key, value)
            self.state.version += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> dict:
        """The state once its version is past `seen` (or after `timeout` seconds, or when stopping)."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.version > seen or self.stopped.is_set(), timeout)
            return self.state.public()

    def _watch_loop(self) -> None:
        seen = self._stamps()
        while not self.stopped.wait(POLL):
            now = self._stamps()
            if now != seen and now.keys() == seen.keys():  # new keys: the files the render just read
                self.dirty.set()
            seen = now

    def _stamps(self) -> dict[Path, tuple | None]:
        stamps = {}
        for path in list(self.watched):
            try:
                info = os.stat(path)
                stamps[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
            except OSError:
                stamps[path] = None
        return stamps

    def _render_loop(self) -> None:
        while True:
            self.dirty.wait()
            if self.stopped.is_set():
                return
            self.dirty.clear()
            try:
                report = self.render()
            except UserError as error:
                self.update(problems=problem_lines(error.problems, getattr(error, "__notes__", [])), busy="")
            except Exception:  # noqa: BLE001 - a bug in jdlspec: said in the page and the terminal, then go on
                self.update(problems=[self.on_bug(traceback.format_exc())], busy="")
            else:
                self.update(report=report, problems=[], busy="")

    def render(self) -> Report:
        """The report as `jdlspec run` would make it now, in memory (raises UserError as a run does)."""
        from engine.claims.pieces import check_spec_text
        from engine.commands.check import licence_of, quotations_of
        from engine.render.html import render_html
        from engine.report import report_markdown
        from engine.run.cache import RunCache
        from engine.run.pipeline import compute, unchanged
        from engine.spec.loader import load_spec

        self.update(busy="reading the spec")
        loaded = load_spec(self.spec)
        data = [loaded.resolve(getattr(loaded.spec.data, role)) for role in ("reference", "submission")]
        self.watched = [self.spec, *data]
        check_spec_text(loaded)  # overclaims in the spec's own text, before any statistics (as a run)
        cache = RunCache.for_spec(loaded)
        results = cache.results() if cache else None
        if results is None:
            results = compute(loaded, _Stages(self))[0]
            unchanged(loaded, cache, results)  # a data file saved during the run: said, and made again
            if cache:
                cache.store(results)
        self.update(busy="writing the report")
        markdown = report_markdown(loaded, results)
        html = render_html(markdown, self.charts(loaded, results), loaded.spec.title, results.synthetic)
        number = (self.state.report.number if self.state.report else 0) + 1
        return Report(html.encode("utf-8"), loaded.spec.title, licence_of(results, markdown), quotations_of(markdown),
                      number)

    def charts(self, loaded, results) -> dict[str, bytes]:
        """The charts, drawn again only when what they show changed (a text edit leaves them as they were)."""
        from engine.render.charts import draw_charts

        key = hashlib.sha256("\0".join([loaded.spec.programme.title, results.headline.model_dump_json(),
                                        ",".join(results.measures), repr(results.significance_level)]).encode()
                             ).hexdigest()
        if self._charts[0] != key:
            self._charts = (key, draw_charts(loaded, results))
        return self._charts[1]
