"""What this machine saw of the output files it wrote: OUT/.wpmigrate/written-stats, so that a re-run
does not read and hash every file of the site to learn that nothing changed (issue 11).

For each file, the record says "the file at this path with this size, mtime_ns, inode and ctime_ns held
these bytes (sha256)". The plan trusts a file whose stat is the recorded one, as git's index does (and
lastrun.py); any other file is read and hashed as before. Inodes and mtimes mean nothing on
another machine or disk, so the record is machine-local: not in manifest.json (which users commit), and
ignored when the output folder's device is not the one it was written on. It is a cache: missing, damaged
or from another version, it is not used (every file is hashed), and deleting it is always safe.

An edit that keeps the size is still seen: writing a file sets its mtime and ctime to the time of the write
(to the nanosecond on ext4, APFS and NTFS) and replacing it gives it a new inode; an edit in place that
sets the old mtime back (`touch -d`) still moves the ctime, which no tool can set back. A file whose
mtime is not older than the record itself (written in the same clock tick as the record, so an edit
right after the write might keep its mtime) is never trusted: git's "racy" rule.

Format: a header line `wpmigrate-stats 1 DEV`, then one line per file, sorted by path (str order, the
plan's): `SIZE MTIME_NS INODE CTIME_NS SHA256 PATH`. Paths hold no control characters (pathsafe), so no newline.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .manifest import MANIFEST_DIR

RECORD_NAME = "written-stats"
RECORD_PATH = f"{MANIFEST_DIR}/{RECORD_NAME}"
_MAGIC = "wpmigrate-stats"
_VERSION = "2"
Stat = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns
STAT_FIELDS = 4


def stat_of(st: os.stat_result) -> Stat:
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


class KnownStats:
    """The record, read for one pass over paths in ascending order (the plan's order): each lookup moves
    forward through the file, so the record is never held whole (100,000 files: issue 11, memory).
    A context manager: the file stays open for the pass."""

    def __init__(self, root: Path) -> None:
        self.complete = False  # True while every file looked up was in the record as it is now
        self._fh: TextIO | None = None
        self._cutoff = 0
        self._current: tuple[str, Stat, str] | None = None
        try:
            fh = open(root / RECORD_PATH, encoding="utf-8", errors="surrogateescape", newline="\n")  # noqa: SIM115
        except OSError:
            return
        try:
            dev = os.stat(root).st_dev
            st = os.fstat(fh.fileno())
            if fh.readline().split() != [_MAGIC, _VERSION, str(dev)] or st.st_dev != dev:
                fh.close()
                return
        except (OSError, ValueError):
            fh.close()
            return
        self._fh, self._cutoff, self.complete = fh, st.st_mtime_ns, True

    def __enter__(self) -> KnownStats:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def hash_for(self, rel: str, st: os.stat_result) -> str | None:
        """The recorded sha256 of rel when its stat is the recorded one (and not racy), else None."""
        current = self._current
        while current is None or current[0] < rel:
            current = self._current = self._next()
            if current is None:
                self.complete = False
                return None
        if current[0] != rel or current[1] != stat_of(st):
            self.complete = False
            return None
        if st.st_mtime_ns >= self._cutoff:
            return None  # racy: maybe edited in the tick the record was written; not stale either
        return current[2]

    def _next(self) -> tuple[str, Stat, str] | None:
        """The next entry; None at the end, or from a damaged line on (nothing after it is trusted)."""
        previous = self._current[0] if self._current else ""
        line = self._fh.readline() if self._fh is not None else ""
        try:
            size, mtime, ino, ctime, sha, path = line.rstrip("\n").split(" ", 5)
            entry = (path, (int(size), int(mtime), int(ino), int(ctime)), sha)
        except ValueError:
            entry = None
        if entry is None or entry[0] <= previous or len(entry[2]) != 64:
            self.close()
            return None
        return entry


def record_lines(root: Path, entries: Iterable[tuple[str, Stat, str]]) -> Iterator[bytes]:
    """The record's bytes for (path, stat, sha256) in path order."""
    yield f"{_MAGIC} {_VERSION} {os.stat(root).st_dev}\n".encode()
    for rel, (size, mtime, ino, ctime), sha in entries:
        yield f"{size} {mtime} {ino} {ctime} {sha} {rel}\n".encode("utf-8", "surrogateescape")
