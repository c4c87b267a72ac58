"""The exception tree. Library code raises these; only the CLI turns them into exit codes.

WpMigrateError                 base: catch this to catch anything the tool raises on purpose
 ├── InputError                an input file is unusable as a whole (exit 2): names file, line, column, fix
 │    └── WxrError             ... and it is (or claims to be) a WordPress export
 ├── OptionsError              a flag or config key is wrong (exit 2): names the option
 ├── ConvertError              one post could not be converted; the run goes on (exit 1 at the end)
 ├── OutputError               a file of the site or the report could not be written (exit 2): names it
 └── UnsafePathError           a slug or URL tried to leave the output folder; the post is skipped

InternalError (not a WpMigrateError: nobody raises it on purpose) is a bug met while converting one
post: any exception but the RECORDED ones, re-raised with the post's location (exit 3). An asset that
cannot be downloaded is no exception either: fetch.FetchResult (ok=False, reason) says why, the run
lists it under "assets failed" (exit 1 only with --strict) and the post keeps its origin URL.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WpMigrateError(Exception):
    """Base class of every error raised on purpose by wpmigrate."""


class InputError(WpMigrateError):
    """An input that cannot be used at all. str() is the one-line message for the user."""

    def __init__(
        self, path: str, message: str, *, line: int | None = None, column: int | None = None, hint: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class WxrError(InputError):
    """A WordPress export (WXR) that cannot be read."""


class OptionsError(WpMigrateError):
    """A command-line option or configuration value that makes no sense."""


class ConvertError(WpMigrateError):
    """One post failed to convert. Carries the post's location."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


class OutputError(WpMigrateError):
    """Writing the site or the report failed mid-run (disk full, permission): one line naming the file.
    Paths checked before the run (Settings.from_options) fail earlier, as OptionsError."""

    def __init__(self, path: str | os.PathLike[str], exc: OSError) -> None:
        self.path = os.fspath(path)
        reason = exc.strerror or str(exc)
        other = str(exc.filename) if exc.filename is not None else ""
        # Name the file the OS complained about when it is not the target nor a temp file beside it.
        if other and Path(other).parent != Path(self.path).parent and other != self.path:
            reason += f" ({other})"
        super().__init__(f"cannot write {self.path}: {reason}")


class UnsafePathError(WpMigrateError):
    """A computed output path would escape the output folder or is not a valid file name."""


# A post that fails with one of these is recorded (report.failed) and the run goes on: the failure is
# ours to explain (RecursionError: markup nested beyond what the parsers take). Anything else is a bug.
RECORDED: tuple[type[BaseException], ...] = (WpMigrateError, RecursionError)


def describe(exc: BaseException) -> str:
    """ "Type: message", the text recorded for a failed post and shown for an internal error. A
    ConvertError's own text says just what went wrong: the report puts the post's location before it."""
    if isinstance(exc, ConvertError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


class InternalError(Exception):
    """A bug met while handling one post. Holds plain strings only, so it survives pickling from a
    worker process; `details` is the original traceback, shown with -v."""

    def __init__(self, where: str, error: str, details: str = "") -> None:
        self.where = where
        self.error = error
        self.details = details
        super().__init__(f"{where}: {error}")

    def __reduce__(self) -> tuple[type[InternalError], tuple[str, str, str]]:
        return (InternalError, (self.where, self.error, self.details))


@contextmanager
def bugs_named(where: str) -> Iterator[None]:
    """Re-raise an exception that is not RECORDED as an InternalError naming the post `where`."""
    try:
        yield
    except RECORDED:
        raise
    except Exception as exc:
        raise InternalError(where, describe(exc), traceback.format_exc()) from exc
