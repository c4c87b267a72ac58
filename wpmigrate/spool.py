"""Rendered files spooled to a temporary file, so that a run's memory does not grow with the number
of its posts (issue 11): the pipeline keeps of each file only its path, digest and place in the spool;
the plan hashes nothing again, and the writer and the --diff report read the bytes back when needed.

The file is anonymous (unlinked as soon as it is made): nothing is left behind, whether the run ends,
fails or is killed. A run that writes keeps it in the output's .wpmigrate/ (the disk the files are
going to); a dry run or --check, which must not touch the output folder, in the system's temp folder.
It is closed with the plan that refers to it (Plan.close(), or when the plan is dropped).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .manifest import MANIFEST_DIR
from .pathsafe import is_inside


class Spool:
    """An append-only temporary file of byte strings."""

    def __init__(self, folder: Path | None = None) -> None:
        # Open for the spool's lifetime, which is the plan's, not one block's: closed by close().
        self._file = tempfile.TemporaryFile(dir=folder, prefix="spool-")  # noqa: SIM115
        self._end = 0
        self._made: list[Path] = []  # folders made for it, removed again when left empty

    @classmethod
    def open(cls, out_dir: Path, writes: bool) -> Spool:
        """The spool of a run: in OUT/.wpmigrate/ when the run writes and that folder can be had,
        else in the system's temp folder (an output that is a file or cannot be written is the plan's
        and the writer's to report, with their own messages)."""
        if writes:
            folder = Path(out_dir) / MANIFEST_DIR
            made = [p for p in (folder, *folder.parents) if not p.exists()]
            try:
                folder.mkdir(parents=True, exist_ok=True)
                if is_inside(out_dir, folder):  # not through a symlink to elsewhere
                    spool = cls(folder)
                    spool._made = made
                    return spool
            except OSError:
                pass
            _remove_empty(made)
        return cls()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def put(self, data: bytes) -> Spooled:
        """Append data; returns where it is, with its sha256."""
        offset = self._end
        view = memoryview(data)
        while view:  # pwrite may write less than asked
            done = os.pwrite(self._file.fileno(), view, offset + len(data) - len(view))
            view = view[done:]
        self._end += len(data)
        return Spooled(self, offset, len(data), hashlib.sha256(data).hexdigest())

    def read(self, offset: int, length: int) -> bytes:
        parts = []
        while length > 0:
            chunk = os.pread(self._file.fileno(), length, offset)
            if not chunk:
                raise OSError(f"spool file shorter than expected (at {offset})")
            parts.append(chunk)
            offset += len(chunk)
            length -= len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        """Free the file, and the folders made for it that are still empty."""
        self._file.close()
        _remove_empty(self._made)
        self._made = []


@dataclass(frozen=True, slots=True)
class Spooled:
    """One byte string in a spool."""

    spool: Spool
    offset: int
    length: int
    sha256: str

    def read(self) -> bytes:
        return self.spool.read(self.offset, self.length)


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders (innermost first) while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
