"""Progress on stderr, with terminal manners: a redrawn bar on a terminal, a few plain lines in a CI
log, nothing at all with -q. Callers never test for any of this: make_progress() returns an object
that is always safe to call (sqlite-utils' null progress bar idea).

    progress = make_progress(quiet=settings.quiet)
    tick = progress("Converting", total)    # -> callable; call it once per item
    ...
    progress.close()                         # finishes a bar left open (e.g. after an error)

Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM is "dumb".
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import IO

REDRAW_SECONDS = 0.1  # at most ten redraws a second: drawing must not cost more than converting
PLAIN_STEPS = 10  # a plain line every 10 %


def use_color(stream: IO[str] | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


class Bar:
    """One counted task. Calling it advances by n; it closes itself when the total is reached."""

    def __init__(self, label: str, total: int, stream: IO[str], *, tty: bool, color: bool) -> None:
        self.label, self.total, self.stream = label, max(total, 0), stream
        self.tty, self.color = tty, color
        self.count = 0
        self.closed = False
        self._last_draw = 0.0
        self._last_step = 0
        if not tty:
            self._line(f"{label}: {self.total} items")
        else:
            self._draw(force=True)

    def __call__(self, n: int = 1) -> None:
        if self.closed:
            return
        self.count += n
        if self.tty:
            self._draw(force=self.count >= self.total)
        elif self.total >= 2 * PLAIN_STEPS:
            step = self.count * PLAIN_STEPS // self.total
            if step > self._last_step and self.count < self.total:
                self._last_step = step
                self._line(f"{self.label}: {self.count}/{self.total} ({step * 100 // PLAIN_STEPS}%)")
        if self.total and self.count >= self.total:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.tty:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
        else:
            self._line(f"{self.label}: {self.count}/{self.total} done")

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        width = shutil.get_terminal_size((80, 24)).columns
        counter = f" {self.count}/{self.total}"
        room = max(10, min(40, width - len(self.label) - len(counter) - 4))
        filled = room * self.count // self.total if self.total else room
        bar = "#" * filled + "-" * (room - filled)
        if self.color:
            bar = f"\x1b[32m{'#' * filled}\x1b[2m{'-' * (room - filled)}\x1b[0m"
        self.stream.write(f"\r{self.label} [{bar}]{counter}")
        self.stream.flush()

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class Progress:
    """A factory of bars, the shape pipeline.run(progress_factory=...) expects."""

    def __init__(self, stream: IO[str] | None = None, *, tty: bool | None = None, color: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = _isatty(self.stream) if tty is None else tty
        self.color = (use_color(self.stream) if color is None else color) and self.tty
        self.bars: list[Bar] = []

    def __call__(self, label: str, total: int) -> Callable[..., None]:
        self.close()
        bar = Bar(label, total, self.stream, tty=self.tty, color=self.color)
        self.bars.append(bar)
        return bar

    def echo(self, text: str) -> None:
        """A message line that does not garble an open bar."""
        if self.tty and any(not b.closed for b in self.bars):
            # Blank the bar's line (spaces, not an escape code: TERM=dumb has none), then write.
            self.stream.write("\r" + " " * (shutil.get_terminal_size((80, 24)).columns - 1) + "\r")
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        for bar in self.bars:
            bar.close()


class NullProgress(Progress):
    """-q: a progress that prints nothing."""

    def __init__(self) -> None:
        self.bars = []

    def __call__(self, label: str, total: int) -> Callable[..., None]:
        return _nothing

    def echo(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _nothing(n: int = 1) -> None:
    pass


def make_progress(quiet: bool = False, stream: IO[str] | None = None) -> Progress:
    return NullProgress() if quiet else Progress(stream)
