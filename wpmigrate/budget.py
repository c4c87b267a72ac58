"""A time budget per post: a post whose conversion runs too long fails (reported), the run goes on.

Conversion is linear in the input, but a budget still bounds what no test foresaw: one hostile post
must not hold a whole migration. The budget is enforced with SIGALRM (a timer that interrupts the
converter between two Python instructions), so it works in the --jobs worker processes too. Where
there is no SIGALRM (Windows), outside the main thread, or while the caller runs its own timer, the
post is converted without a budget rather than with a wrong one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ConvertError
from .models import ConvertedPost, Post


class _OutOfTime(BaseException):
    """Raised by the timer. A BaseException, so that no `except Exception` on the way swallows it."""


def _raise_out_of_time(_signum: int, _frame: Any) -> None:
    raise _OutOfTime


def can_enforce() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # nobody else's timer is running
    )


@dataclass(frozen=True)
class WithinBudget:
    """`convert(post, ctx)` with at most `seconds` per post (0 or less: no limit). Raises ConvertError
    naming the post and the limit when the time is up."""

    convert: Callable[[Post, Any], ConvertedPost]
    seconds: float

    def __call__(self, post: Post, ctx: Any) -> ConvertedPost:
        if self.seconds <= 0 or not can_enforce():
            return self.convert(post, ctx)
        previous = signal.signal(signal.SIGALRM, _raise_out_of_time)
        try:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            try:
                return self.convert(post, ctx)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _OutOfTime:
            raise ConvertError(
                post.where, f"conversion took longer than {self.seconds:g} s (the per-post time budget); skipped"
            ) from None
        finally:
            signal.signal(signal.SIGALRM, previous)
