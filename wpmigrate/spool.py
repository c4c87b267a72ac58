"""Rendered files spooled to a temporary file, so that a run's memory does not grow with the number
of its posts (issue 11): the pipeline keeps of each file only its path, digest and place in the spool;
the plan hashes nothing again, and the writer and the --diff report read the bytes back when needed.

The file is anonymous (unlinked as soon as it is made): nothing is left behind, whether the run ends,
fails or is killed. A run that writes keeps it in the output's .wpmigrate/ (the disk the files are
going to); a dry run or --check, which must not touch the output folder, in the system's temp folder.
It is closed with the plan that refers to it (Plan.close(), or when the plan is dropped).

PostSpool is the same kind of file for the posts the index pass keeps, each pickled once (the bytes that
also give its content digest, convcache.py): the conversion pass reads them back from there, in this
process or in a --jobs worker that inherited the open file by fork, instead of parsing the input again.
It is about the size of the input, and closed as soon as the conversion pass is over.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .manifest import MANIFEST_DIR
from .models import Post
from .pathsafe import is_inside

PostKey = tuple[str, int | None, int | None]


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

    def put(self, data: bytes, sha256: str = "") -> Spooled:
        """Append data; returns where it is, with its sha256 (`sha256` when the caller has it already:
        a --jobs worker hashes what it rendered, sparing this process)."""
        offset = self.append(data)
        return Spooled(self, offset, len(data), sha256 or hashlib.sha256(data).hexdigest())

    def append(self, data: bytes) -> int:
        """Append data; returns its offset."""
        offset = self._end
        view = memoryview(data)
        while view:  # pwrite may write less than asked
            done = os.pwrite(self._file.fileno(), view, offset + len(data) - len(view))
            view = view[done:]
        self._end += len(data)
        return offset

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


def pickle_post(post: Post) -> bytes:
    """The post as read, its line aside (a post moved down by an edit above it is the same post), its
    source as a real path (however it was typed, from whatever folder): both are in its key, which
    unpickle_post takes back. Exact, and fast; the bytes may differ for equal posts (pickle records
    object sharing), which costs the cache a conversion, never a wrong hit."""
    fields = dict(vars(post))
    del fields["line"]
    fields["source"] = _real(post.source)
    return pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)


def unpickle_post(blob: bytes, key: PostKey) -> Post:
    """The post pickle_post pickled, whose key (source, line, id) is `key`."""
    fields: dict[str, Any] = pickle.loads(blob)
    fields["source"], fields["line"] = key[0], key[1]
    return Post(**fields)


@functools.lru_cache(maxsize=256)
def _real(path: str) -> str:
    return os.path.realpath(path)


class PostSpool:
    """The posts kept by the index pass, pickled (pickle_post), for the conversion pass. Reads use
    pread, which has no shared file position: forked workers read the file they inherited, at once."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool

    @classmethod
    def open(cls, out_dir: Path, writes: bool) -> PostSpool:
        """Where Spool.open puts a run's spool (OUT/.wpmigrate/, else the temp folder)."""
        return cls(Spool.open(out_dir, writes))

    def put(self, blob: bytes) -> tuple[int, int]:
        """Append a pickled post; returns (offset, length), what get() takes back."""
        return self._spool.append(blob), len(blob)

    def get(self, offset: int, length: int, key: PostKey) -> Post:
        return unpickle_post(self._spool.read(offset, length), key)

    def close(self) -> None:
        self._spool.close()

    @property
    def closed(self) -> bool:
        return self._spool.closed
