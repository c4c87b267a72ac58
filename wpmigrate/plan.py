"""Rendered outputs vs what is on disk (and in the manifest) -> a list of changes. Reads, never writes.

For each path the run wants to write:

    disk file absent                              -> create
    disk bytes == new bytes                       -> unchanged   (not touched: bytes and mtime kept)
    disk differs, disk == manifest hash           -> update      (we wrote it; nobody edited it since)
    disk differs from the manifest, or the file
      is not in the manifest at all               -> conflict    (a person's file: never overwritten ...)
                                                     overwrite   (... unless --force)

For each path in the manifest the run no longer produces (its source post vanished):

    disk file absent                              -> forgotten silently (dropped from the manifest)
    unedited                                      -> stale       (kept; removed only with --prune: remove)
    edited by hand                                -> stale, or with --prune a conflict (remove with --force)

A path that resolves outside the output folder (a symlinked folder, say) or is not a regular file is
always a conflict, whatever --force says: the writer refuses it anyway.
"""

from __future__ import annotations

import bisect
import errno
import os
import stat
from array import array
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import OptionsError, UnsafePathError
from .manifest import (
    Manifest,
    ManifestEntry,
    forget_resolved_sources,
    hash_bytes,
    hash_chunks,
    hash_file,
    hash_open,
    manifest_chunks,
    manifest_path,
    portable_source,
    read_manifest,
    render_manifest,
)
from .models import OutputFile
from .pathsafe import InsideResolver
from .spool import Spool
from .statrecord import STAT_FIELDS, KnownStats, Stat, stat_of

ACTIONS = ("create", "update", "unchanged", "conflict", "overwrite", "stale", "remove")
# Actions that make the writer touch the disk.
WRITES = ("create", "update", "overwrite")


@dataclass(frozen=True, slots=True)
class Change:
    """What applying the plan does (or would do) to one path of the output folder."""

    path: str  # POSIX, relative to the output folder
    action: str  # one of ACTIONS
    source: str = ""  # where the content comes from (this run's, or the manifest's for stale files)
    kind: str = "post"
    old_hash: str | None = None  # sha256 of the file on disk; None when absent
    new_hash: str | None = None  # sha256 of what the run wants; None for stale/remove, or an asset to fetch
    note: str = ""  # why, when the action alone does not say it
    to_fetch: bool = False  # an asset not downloaded yet (dry runs): its bytes are unknown
    output: OutputFile | None = field(default=None, repr=False, compare=False)
    # The output folder, resolved (one object shared by every change: not a Path per file; issue 11).
    root: Path | None = field(default=None, repr=False, compare=False)

    @property
    def disk_path(self) -> Path | None:
        """Where the path is on disk (checked to be inside the output folder when the plan was made)."""
        return None if self.root is None else self.root / self.path

    def old_bytes(self) -> bytes | None:
        """What is on disk (None when absent). Read it before applying the plan: afterwards the disk
        holds the new bytes."""
        if self.old_hash is None or self.disk_path is None:
            return None
        return self.disk_path.read_bytes()

    def new_bytes(self) -> bytes | None:
        """What the run wants there (None for stale/removed files and assets not fetched yet)."""
        if self.output is None or self.to_fetch:
            return None
        return self.output.read_bytes()


@dataclass(frozen=True)
class Plan:
    out_dir: Path
    changes: tuple[Change, ...]  # in path order
    manifest: Manifest  # what the manifest will say after applying
    manifest_changed: bool  # False: applying leaves the manifest file untouched
    options: dict[str, Any] = field(default_factory=dict)
    # Where the run's rendered files are (spool.py): open as long as the plan may be applied or diffed.
    spool: Spool | None = field(default=None, repr=False, compare=False)
    # Size, mtime_ns, inode and ctime_ns of each change's file as the plan saw it when it hashed it (or trusted the
    # record: statrecord.py), STAT_FIELDS numbers per change in the order of `changes`, -1 when not looked at
    # or absent. The writer records them with old_hash. Numbers, not a tuple per file (issue 11, memory).
    disk_stats: array[int] | None = field(default=None, repr=False, compare=False)
    # True when some file had to be read that the stat record did not vouch for: the writer writes the
    # record again even if nothing else changes, so that the next run need not read it.
    stats_stale: bool = False

    def close(self) -> None:
        """Free the spool; the plan's new bytes cannot be read afterwards."""
        if self.spool is not None:
            self.spool.close()

    @property
    def manifest_bytes(self) -> bytes:
        """The manifest's bytes, made when asked (the writer streams them: manifest_chunks)."""
        return render_manifest(self.manifest)

    def counts(self) -> Counter:
        return Counter(c.action for c in self.changes)

    def by_action(self, *actions: str) -> list[Change]:
        return [c for c in self.changes if c.action in actions]

    @property
    def drift(self) -> bool:
        """True when applying would change anything the user can see (the --check question)."""
        return any(c.action != "unchanged" for c in self.changes)

    @property
    def assets_to_fetch(self) -> int:
        return sum(1 for c in self.changes if c.to_fetch and c.action in WRITES)


_NO_STAT: Stat = (-1, -1, -1, -1)


def _look(resolve: InsideResolver, rel: str, known: KnownStats) -> tuple[bool, str | None, str, Stat]:
    """(whether rel has a place on disk, its sha256 or None when absent, a problem, its stat). An unsafe
    path has no place on disk (False) and its problem says why; a path in the way of something else has
    no hash. One lstat for the usual cases (a re-run looks at every file of the site), and no read when
    the stat record vouches for the file."""
    try:
        path = resolve.check(rel, follow=False)
    except UnsafePathError as exc:
        return False, None, str(exc), _NO_STAT
    try:
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return True, None, "", _NO_STAT
        if stat.S_ISLNK(st.st_mode):
            try:
                resolve.check_link(rel)
            except UnsafePathError as exc:
                return False, None, str(exc), _NO_STAT
            try:
                st = os.stat(path)
            except (FileNotFoundError, NotADirectoryError):
                return True, None, "a dangling symlink is in the way", _NO_STAT
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return True, None, "a dangling symlink is in the way", _NO_STAT
                raise
        if not stat.S_ISREG(st.st_mode):
            return True, None, "not a regular file (a folder?) is in the way", _NO_STAT
        trusted = known.hash_for(rel, st)
        if trusted is not None:
            return True, trusted, "", stat_of(st)
        sha, seen = _hash_and_stat(path)
        return True, sha, "", seen
    except OSError as exc:
        return True, None, f"cannot read: {exc.strerror or exc}", _NO_STAT


def _hash_and_stat(path: str) -> tuple[str, Stat]:
    """sha256 of the file and its stat taken from the same open file, before reading: an edit after the
    stat changes the mtime, so what is recorded never vouches for bytes it did not see."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        return hash_open(fh), stat_of(st)


def _new_hash(out: OutputFile) -> tuple[str | None, bool]:
    """(sha256, to_fetch). A data_path that does not exist yet is an asset still to download."""
    if out.spooled is not None:
        return out.spooled.sha256, False  # hashed as it was spooled
    if out.data_path is not None:
        p = Path(out.data_path)
        if not p.is_file():
            return None, True
        return hash_file(p), False
    return hash_bytes(out.data), False


def _entry_for(out: OutputFile, sha: str, out_dir: Path) -> ManifestEntry:
    if out.kind == "asset":
        return ManifestEntry(sha256=sha, origin=out.source, kind=out.kind)
    return ManifestEntry(sha256=sha, source=portable_source(out.source, out_dir), kind=out.kind)


def make_plan(
    outputs: Sequence[OutputFile],
    out_dir: Path,
    options: dict[str, Any],
    *,
    force: bool,
    prune: bool,
    keep: Collection[str] = (),
    in_place: Collection[str] = (),
    unfetched: Mapping[str, str] | None = None,
    spool: Spool | None = None,
) -> Plan:
    """Compare the outputs with the disk and the last manifest. Reads only.

    `in_place`: paths that are this run's own input files (--in-place): the file on disk is what was
    just converted, so replacing it is an update, never a conflict.

    `keep`: paths this run did not produce for a passing reason (their post failed to convert, their
    asset failed to download): they are neither stale nor pruned, and keep their manifest entry.
    `unfetched`: assets that could not be downloaded (path -> origin URL), remembered in the manifest.
    `spool`: where spooled outputs keep their bytes; the plan closes it (Plan.close()).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OptionsError(f"--out {out_dir}: exists and is not a folder; give a folder (it is created if missing)")
    old = read_manifest(out_dir)
    forget_resolved_sources()
    resolve = InsideResolver(out_dir)
    root = resolve.root  # what resolve_inside() puts a checked path under
    changes: list[Change] = []
    seen = array("q")  # the stat of each change's file, STAT_FIELDS numbers per change (Plan.disk_stats)

    def add(change: Change, st: Stat = _NO_STAT) -> None:
        changes.append(change)
        seen.extend(st)

    files: dict[str, ManifestEntry] = {}
    # Outputs in path order: a path wanted twice is the one before again, and the paths produced are a
    # sorted list to search (not a set of every path: issue 11, memory).
    produced: list[str] = []

    # Two passes in path order, each with its own reading of the stat record (it is read forward only).
    with KnownStats(root) as known:
        for out in sorted(outputs, key=lambda o: o.path):
            rel = out.path
            if produced and rel == produced[-1]:
                raise UnsafePathError(f"{rel!r}: two outputs want the same path (second from {out.source})")
            produced.append(rel)
            new_hash, to_fetch = _new_hash(out)
            recorded = old.files.get(rel)
            placed, old_hash, problem, st = _look(resolve, rel, known)
            if not placed:
                add(
                    Change(
                        rel,
                        "conflict",
                        out.source,
                        out.kind,
                        new_hash=new_hash,
                        note=problem,
                        to_fetch=to_fetch,
                        output=out,
                    )
                )
                continue
            if problem:
                action, note = "conflict", problem
            else:
                action, note = decide(old_hash, new_hash, recorded.sha256 if recorded else None, force=force)
                if rel in in_place and action in ("conflict", "overwrite"):
                    action, note = "update", "rewritten in place"
            if action == "unchanged" and to_fetch:
                to_fetch = False  # the asset in place is taken as is: nothing to download
            # One Change made per file (replace() twice per file was a tenth of a plan).
            change = Change(
                rel,
                action,
                out.source,
                out.kind,
                old_hash,
                new_hash,
                note=note,
                to_fetch=to_fetch,
                output=out,
                root=root,
            )
            add(change, st)
            if action == "conflict" or (new_hash is None and action == "unchanged"):
                if recorded:
                    files[rel] = recorded  # still ours, still edited: a conflict again next run
            elif new_hash is not None:
                files[rel] = _entry_for(out, new_hash, out_dir)
    stale = not known.complete
    first = len(changes)  # the first pass's changes, in path order
    with KnownStats(root) as known:
        for rel in sorted(rel for rel in old.files if not _in_sorted(produced, rel)):
            recorded = old.files[rel]
            if rel in keep:
                files[rel] = recorded
                continue
            base = Change(path=rel, action="conflict", source=recorded.origin or recorded.source, kind=recorded.kind)
            placed, old_hash, problem, st = _look(resolve, rel, known)
            if not placed:
                add(replace(base, note=problem))
                continue
            base = replace(base, root=root)
            if old_hash is None and not problem:
                continue  # gone already: nothing to do, forget it
            if problem:
                add(replace(base, note=problem))
                files[rel] = recorded
                continue
            edited = old_hash != recorded.sha256
            if not prune:
                note = "source gone; edited by hand since the last run" if edited else "source gone; --prune removes it"
                add(replace(base, action="stale", old_hash=old_hash, note=note), st)
                files[rel] = recorded
            elif edited and not force:
                note = "source gone, but edited by hand since the last run: not removed"
                add(replace(base, old_hash=old_hash, note=note), st)
                files[rel] = recorded
            else:
                note = "edited by hand; removed because of --force" if edited else ""
                add(replace(base, action="remove", old_hash=old_hash, note=note), st)
    stale = stale or not known.complete

    # The two passes merged in path order, each change with its stat (no copy when the second pass, the
    # files whose source is gone, added nothing: the usual run, and 100,000 files are memory).
    if first < len(changes):
        order = sorted(range(len(changes)), key=lambda i: changes[i].path)
        changes = [changes[i] for i in order]
        seen = array("q", (n for i in order for n in seen[STAT_FIELDS * i : STAT_FIELDS * (i + 1)]))
    manifest = Manifest(files=files, options=_plain(options), unfetched=dict(unfetched or {}))
    try:
        # Compared by digest: neither the old manifest of a big site nor the new one is held whole.
        current = hash_file(manifest_path(out_dir))
    except OSError:
        current = None
    return Plan(
        out_dir=out_dir,
        changes=tuple(changes),
        manifest=manifest,
        manifest_changed=current != hash_chunks(manifest_chunks(manifest)),
        options=manifest.options,
        spool=spool,
        disk_stats=seen,
        stats_stale=stale,
    )


def _in_sorted(items: list[str], item: str) -> bool:
    at = bisect.bisect_left(items, item)
    return at < len(items) and items[at] == item


def decide(disk: str | None, new: str | None, recorded: str | None, *, force: bool) -> tuple[str, str]:
    """(action, note) for one output path, from three hashes: on disk (None: absent), wanted (None:
    an asset not downloaded yet) and recorded in the manifest (None: not ours)."""
    if disk is None:
        return "create", "deleted by hand since the last run; written again" if recorded else ""
    if new is None and recorded == disk:
        # Bytes unknown until downloaded; an asset in place and unedited is taken as is
        # (asset paths are a function of the origin URL).
        return "unchanged", ""
    if disk == new:
        return "unchanged", ""
    if recorded == disk:
        return "update", ""
    note = "edited by hand since the last run" if recorded else "a file not written by wpmigrate is in the way"
    return ("overwrite" if force else "conflict"), note


def _plain(value: Any) -> Any:
    """Options as JSON-ready values with a fixed order (tuples -> lists, Paths -> POSIX strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return Path(value).as_posix()
    return value
