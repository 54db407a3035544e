"""What stage a run is in: a rich status line on a terminal, silence otherwise.

Every stage is also timed, so benchmarks/scale.py can print wall time per stage without
instrumenting the pipeline a second time.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console


class Progress:
    """Use as a context manager around a run; `stage(name)` around each step."""

    def __init__(self, enabled: bool = True):
        self.console = Console(stderr=True)
        self.enabled = enabled and sys.stderr.isatty() and self.console.is_terminal
        self.timings: list[tuple[str, float]] = []
        self._status = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._status = self.console.status("starting")
            self._status.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)
            self._status = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._status is not None:
            self._status.update(f"{name} …")
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.timings.append((name, elapsed))
            if self.enabled:
                self.console.print(f"[green]✓[/] {name} [dim]{elapsed:.1f} s[/]")

