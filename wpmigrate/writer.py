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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .errors import OutputError, UnsafePathError
from .manifest import MANIFEST_PATH, manifest_chunks
from .pathsafe import InsideResolver, is_inside, resolve_inside
from .plan import WRITES, Change, Plan

_CHUNK = 1 << 20


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
        resolve(c.path)
    root = resolve.root
    if any(c.path == MANIFEST_PATH for c in writes + removes):
        raise UnsafePathError(f"{MANIFEST_PATH!r} is wpmigrate's own manifest; no output may use that path")
    remove_leftover_temps(out_dir, [c.path for c in plan.changes] + [MANIFEST_PATH])
    if not writes and not removes and not plan.manifest_changed:
        return
    with _naming(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    mode = _default_mode()
    for change in writes:
        with _naming(out_dir / change.path):
            _write_change(change, root / change.path, out_dir, mode)
    for change in removes:
        with _naming(out_dir / change.path):
            _remove_file(root / change.path, out_dir)
    if plan.manifest_changed:
        target = resolve(MANIFEST_PATH)
        with _naming(out_dir / MANIFEST_PATH):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, manifest_chunks(plan.manifest), mode, sync=True)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError (disk full, permission, a file in the way) as one OutputError naming the output path.
    What was written before stays whole, and the manifest is the old one: a re-run finishes the job."""
    try:
        yield
    except OSError as exc:
        raise OutputError(path, exc) from None


# mkstemp(prefix=".wpmigrate-", suffix=".tmp") names: 8 random characters of [a-z0-9_].
_TEMP_NAME = re.compile(r"\.wpmigrate-[a-z0-9_]{8}\.tmp")


def remove_leftover_temps(out_dir: Path, paths: list[str]) -> list[Path]:
    """Remove the temp files a killed run left (kill -9 between mkstemp and os.replace), so they are
    not committed with the site. Only our own naming pattern, only regular files, only in the
    folders (inside out_dir) that hold the given output paths. Returns what was removed."""
    root = Path(out_dir)
    removed: list[Path] = []
    for folder in sorted({PurePosixPath(p).parent.as_posix() for p in paths}):
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


def write_atomic(target: Path, data: bytes | Iterable[bytes], mode: int | None = None, *, sync: bool = False) -> None:
    """Write bytes exactly as given (binary: no newline or encoding translation) via temp + rename;
    `data` may come in pieces (the manifest of a big site: never whole in memory)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".wpmigrate-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                fh.writelines(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target, mode))
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _write_change(change: Change, target: Path, out_dir: Path, mode: int) -> None:
    out = change.output
    if out is None or change.to_fetch:
        # The pipeline fetches before applying and leaves failed downloads out of the plan.
        raise ValueError(f"{change.path}: nothing to write ({'not downloaded' if out else 'no output'})")
    _make_parents(target, out_dir)
    if out.data_path is None:
        write_atomic(target, out.read_bytes(), mode)  # in memory, or one post's bytes from the spool
        return
    # A big file in a cache: stream it, and make sure it is still what the plan hashed.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".wpmigrate-", suffix=".tmp")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as dst, open(out.data_path, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
        if change.new_hash is not None and digest.hexdigest() != change.new_hash:
            raise OSError(f"{out.data_path}: changed between planning and writing {change.path}")
        os.chmod(tmp, _mode_for(target, mode))
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _make_parents(target: Path, out_dir: Path) -> None:
    """Create the folders above target, re-checking that none of them leads out of out_dir."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not is_inside(out_dir, target.parent):
        raise UnsafePathError(f"{target} resolves outside the output folder {out_dir.resolve()}")


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


def _mode_for(target: Path, default: int | None) -> int:
    """Keep the permissions of the file being replaced; new files get the umask's default."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return default if default is not None else _default_mode()


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


__all__ = ["apply_plan", "remove_leftover_temps", "write_atomic"]
