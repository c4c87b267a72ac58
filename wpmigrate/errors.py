"""The exception tree. Library code raises these; only the CLI turns them into exit codes.

WpMigrateError                 base: catch this to catch anything the tool raises on purpose
 ├── InputError                an input file is unusable as a whole (exit 2): names file, line, column, fix
 │    └── WxrError             ... and it is (or claims to be) a WordPress export
 ├── OptionsError              a flag or config key is wrong (exit 2): names the option
 ├── ConvertError              one post could not be converted; the run goes on (exit 1 at the end)
 └── UnsafePathError           a slug or URL tried to leave the output folder; the post is skipped

An asset that cannot be downloaded is not an exception: fetch.FetchResult (ok=False, reason) says why,
the run lists it under "assets failed" (exit 1 only with --strict) and the post keeps its origin URL.
"""

from __future__ import annotations


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
        super().__init__(f"{where}: {message}")


class UnsafePathError(WpMigrateError):
    """A computed output path would escape the output folder or is not a valid file name."""
