"""A progress bar for long runs, drawn on stderr only when a person is watching.

Silent when stderr is not a terminal (pipes, files, CI logs), when `CI` is set to a true
value (CI systems that fake a terminal), and with `--quiet`.  It only appears once a run has
lasted `delay` seconds, so the five-article runs stay as quiet as before.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def wanted(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Whether a bar should be drawn: a terminal, not CI, not --quiet."""
    stream = stream or sys.stderr
    if quiet or os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    def __init__(
        self,
        total: int,
        label: str,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        delay: float = 0.5,
        width: int = 30,
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.delay = delay
        self.width = width
        self.done = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._drawn = False

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if not self.enabled:
            return
        now = time.monotonic()
        # A redraw at most ten times a second keeps the bar from costing throughput.
        if now - self.start < self.delay or (
            now - self._last_draw < 0.1 and self.done < self.total
        ):
            return
        self._last_draw = now
        self._draw(now)

    def _draw(self, now: float) -> None:
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * self.width)
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {frac:4.0%} {self.done}/{self.total} "
            f"{rate:,.0f}/s ETA {eta:,.0f}s "
        )
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
