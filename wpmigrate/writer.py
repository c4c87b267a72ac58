"""The only code that writes into the output folder.

apply_plan() carries out a Plan: every file is written to a temporary file in its own folder and then
moved over the target with os.replace, so a reader (or a crash) sees the old file or the new one, never
half of one. Unchanged files are not opened at all, so their mtime stays. The manifest goes last:
if the run dies half-way, the old manifest still describes what the tool wrote before, and the files
written since look "edited" to the next run (a conflict, never a silent overwrite).

Every path is checked again here (defence in depth): one that resolves outside the output folder,
through `..` or a symlinked folder, raises UnsafePathError before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError, UnsafePathError
from .manifest import MANIFEST_PATH, manifest_chunks
from .pathsafe import InsideResolver, is_inside, resolve_inside
from .plan import WRITES, Change, Plan
from .statrecord import RECORD_PATH, STAT_FIELDS, Stat, record_lines, stat_of

_CHUNK = 1 << 20
# A temp file is created by open(O_EXCL): never over another file, with the umask's mode (0666 minus it).
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def apply_plan(plan: Plan, out_dir: Path) -> None:
    """Write what the plan says: creates/updates/overwrites, then removals, then the manifest."""
    out_dir = Path(out_dir)
    writes = [c for c in plan.changes if c.action in WRITES]
    removes = [c for c in plan.changes if c.action == "remove"]
    # Check every path before touching anything, so a bad one cannot leave a half-applied plan. What
    # resolve() answers is root/path: not kept here, a Path per file is memory (issue 11); each folder
    # is resolved once.
    resolve = InsideResolver(out_dir)
    for c in writes + removes:
        resolve.check(c.path)
    root, prefix = resolve.root, resolve.prefix
    for own, what in ((MANIFEST_PATH, "manifest"), (RECORD_PATH, "stat record")):
        if any(c.path == own for c in writes + removes):
            raise UnsafePathError(f"{own!r} is wpmigrate's own {what}; no output may use that path")
    remove_leftover_temps(out_dir, [c.path for c in plan.changes] + [MANIFEST_PATH])
    if not writes and not removes and not plan.manifest_changed and not plan.stats_stale:
        return
    with _naming(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    folders = _Folders(root)
    temps = _TempNames()
    if writes or removes:
        # The stat record vouches for files as they were: gone until it is written again below, so that
        # a run dying half-way leaves none (the next run then reads every file, as without one).
        try:
            _unlink_quietly(resolve.check(RECORD_PATH), missing_ok_only=False)
        except UnsafePathError:
            pass  # .wpmigrate leads elsewhere: not ours to touch (the manifest's write refuses it)
    written = array("q")  # the stat (statrecord.Stat) of each file written, in the order of `writes`
    for change in writes:
        try:  # _naming() inline: a context manager per file was a tenth of writing a small site
            written.extend(_write_change(change, prefix + change.path, folders, temps))
        except OSError as exc:
            raise OutputError(out_dir / change.path, exc) from None
    for change in removes:
        with _naming(out_dir / change.path):
            _remove_file(root / change.path, out_dir)
    _write_record(plan, prefix, written, folders, temps)
    if plan.manifest_changed:
        target = resolve.check(MANIFEST_PATH)
        with _naming(out_dir / MANIFEST_PATH):
            folders.make(os.path.dirname(target))
            write_atomic(target, manifest_chunks(plan.manifest), sync=True, temps=temps)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError (disk full, permission, a file in the way) as one OutputError naming the output path.
    What was written before stays whole, and the manifest is the old one: a re-run finishes the job."""
    try:
        yield
    except OSError as exc:
        raise OutputError(path, exc) from None


# Temp names: `.wpmigrate-` + 8 characters of [a-z0-9_] + `.tmp`, ours (_TempNames: 8 hex digits) or
# mkstemp's (its fallback, and what older versions left).
_TEMP_NAME = re.compile(r"\.wpmigrate-[a-z0-9_]{8}\.tmp")


class _TempNames:
    """Temp files for one run: `.wpmigrate-XXXXXXXX.tmp`, 8 hex digits counting up from a random start.
    mkstemp draws 8 random characters per file in Python, a tenth of the cost of writing a small file
    (issue 11); a counter is as safe, because the file is created with O_EXCL: a name taken (by another
    run in the same folder) is never opened, the count jumps elsewhere, and after a few misses mkstemp
    picks the name."""

    def __init__(self) -> None:
        self._next = int.from_bytes(os.urandom(4), "big")
        self.mode = _default_mode()  # what open() gives a new file: looked up once, not per file

    def open(self, folder: str) -> tuple[int, str]:
        """(fd, path) of a new empty file in folder, with the mode a plain open() gives (the umask's)."""
        for _ in range(8):
            self._next = (self._next + 1) & 0xFFFFFFFF
            tmp = f"{folder}/.wpmigrate-{self._next:08x}.tmp"
            try:
                return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
            except FileExistsError:
                self._next = int.from_bytes(os.urandom(4), "big")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".wpmigrate-", suffix=".tmp")
        try:
            os.fchmod(fd, self.mode)  # mkstemp makes 0600
        except BaseException:
            os.close(fd)
            _unlink_quietly(tmp)
            raise
        return fd, tmp


class _Folders:
    """The folders written to, each made and checked to be inside the output folder once (not once per
    file: 10,000 realpaths were a fifth of writing a site). The check runs after the folder is made,
    right before the first file goes into it: a folder that turned into a symlink to elsewhere since the
    plan's check is refused."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._done: set[str] = set()

    def make(self, folder: str) -> None:
        if folder not in self._done:
            os.makedirs(folder, exist_ok=True)
            if not is_inside(self.root, Path(folder)):
                raise UnsafePathError(f"{folder} resolves outside the output folder {self.root}")
            self._done.add(folder)


def remove_leftover_temps(out_dir: Path, paths: list[str]) -> list[Path]:
    """Remove the temp files a killed run left (kill -9 between creating a temp file and os.replace), so
    they are not committed with the site. Only our own naming pattern, only regular files, only in the
    folders (inside out_dir) that hold the given output paths. Returns what was removed."""
    root = Path(out_dir)
    removed: list[Path] = []
    for folder in sorted({p.rpartition("/")[0] or "." for p in paths}):
        try:
            base = resolve_inside(root, folder) if folder != "." else root
            entries = list(os.scandir(base))
        except (OSError, UnsafePathError):
            continue  # absent, or not ours to look into
        for entry in entries:
            if _TEMP_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                _unlink_quietly(entry.path)
                removed.append(Path(entry.path))
    return removed


def write_atomic(
    target: str | Path,
    data: bytes | Iterable[bytes],
    mode: int | None = None,
    *,
    sync: bool = False,
    new: bool = False,
    temps: _TempNames | None = None,
    folder: str | None = None,
) -> Stat:
    """Write bytes exactly as given (binary: no newline or encoding translation) via temp + rename;
    `data` may come in pieces (the manifest of a big site: never whole in memory). The file replaced
    keeps its permissions; a new one gets `mode`, or the umask's. `new`: the plan saw no file there, so
    its mode is not looked up. Returns the stat (statrecord.Stat) of what was written."""
    target = os.fspath(target)
    temps = temps or _TempNames()
    fd, tmp = temps.open(os.path.dirname(target) if folder is None else folder)
    try:
        try:
            if isinstance(data, bytes):
                _write_all(fd, data)
            else:
                _write_pieces(fd, data)
            if sync:
                os.fsync(fd)
            _set_mode(fd, target, mode, new, temps.mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return stat_of(os.stat(target))  # what the stat record keeps (after the rename: it moves the ctime)


def _write_pieces(fd: int, pieces: Iterable[bytes]) -> None:
    """Small pieces (a line per file of the manifest) gathered into one write per 256 KiB."""
    buffer: list[bytes] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= 1 << 18:
            _write_all(fd, b"".join(buffer))
            buffer.clear()
            size = 0
    if buffer:
        _write_all(fd, b"".join(buffer))


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:  # os.write may write less than asked
        view = view[os.write(fd, view) :]


def _set_mode(fd: int, target: str, mode: int | None, new: bool, created: int) -> None:
    """Give the temp file the mode of the file it replaces, or `mode`; `created` is the mode open() gave
    it (the umask's)."""
    keep = None
    if not new:
        try:
            keep = os.stat(target).st_mode & 0o7777
        except OSError:
            pass
    if keep is None:
        keep = mode
    if keep is not None and keep != created:
        os.fchmod(fd, keep)


def _write_change(change: Change, target: str, folders: _Folders, temps: _TempNames) -> Stat:
    out = change.output
    if out is None or change.to_fetch:
        # The pipeline fetches before applying and leaves failed downloads out of the plan.
        raise ValueError(f"{change.path}: nothing to write ({'not downloaded' if out else 'no output'})")
    folder = target.rpartition("/")[0] or "/"  # target is prefix + a checked relative POSIX path
    folders.make(folder)
    new = change.action == "create"
    if out.data_path is None:
        data = out.read_bytes()  # in memory, or one post's bytes from the spool
        return write_atomic(target, data, new=new, temps=temps, folder=folder)
    # A big file in a cache: stream it, and make sure it is still what the plan hashed.
    fd, tmp = temps.open(folder)
    try:
        try:
            digest = hashlib.sha256()
            with open(out.data_path, "rb") as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    _write_all(fd, chunk)
            if change.new_hash is not None and digest.hexdigest() != change.new_hash:
                raise OSError(f"{out.data_path}: changed between planning and writing {change.path}")
            _set_mode(fd, target, None, new, temps.mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return stat_of(os.stat(target))


def _stat_at(numbers: array[int], i: int) -> Stat:
    """The i-th stat of an array holding STAT_FIELDS numbers per file."""
    size, mtime, ino, ctime = numbers[STAT_FIELDS * i : STAT_FIELDS * i + STAT_FIELDS]
    return size, mtime, ino, ctime


def _write_record(plan: Plan, prefix: str, written: array[int], folders: _Folders, temps: _TempNames) -> None:
    """The stat record (statrecord.py): what was just written, and what the plan read and left alone.
    A cache: when it cannot be written, there is none (the next run reads every file)."""
    target = prefix + RECORD_PATH

    def entries() -> Iterator[tuple[str, Stat, str]]:
        disk = plan.disk_stats
        w = 0
        for i, c in enumerate(plan.changes):
            if c.action in WRITES:
                stat = _stat_at(written, w)
                w += 1
                if c.new_hash is not None:
                    yield c.path, stat, c.new_hash
            elif c.action != "remove" and disk is not None and c.old_hash and disk[STAT_FIELDS * i] >= 0:
                yield c.path, _stat_at(disk, i), c.old_hash

    try:
        folders.make(os.path.dirname(target))
    except (OSError, UnsafePathError):
        return  # .wpmigrate cannot be had here (the manifest's write says why)
    try:
        write_atomic(target, record_lines(folders.root, entries()), temps=temps)
    except OSError:
        _unlink_quietly(target, missing_ok_only=False)


def _remove_file(target: Path, out_dir: Path) -> None:
    """Remove a pruned file, then the folders it leaves empty (never the output folder itself)."""
    _unlink_quietly(target)
    root = out_dir.resolve()
    folder = target.parent
    while folder.resolve() != root and is_inside(root, folder):
        try:
            folder.rmdir()
        except OSError:
            break  # not empty (or not ours to remove): stop climbing
        folder = folder.parent


def _default_mode() -> int:
    """The mode a plain open() would give a new file (0666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _unlink_quietly(path: str | Path, *, missing_ok_only: bool = True) -> None:
    """Remove path if there; `missing_ok_only=False`: ignore any failure (a cache file)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        if missing_ok_only:
            raise


__all__ = ["apply_plan", "remove_leftover_temps", "write_atomic"]
