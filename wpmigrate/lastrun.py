"""A re-run replayed: a record per output folder in the user's cache ($XDG_CACHE_HOME/wpmigrate/last-run/,
beside the asset cache), so that a re-run with nothing changed reads no export, converts nothing and
touches nothing in the output folder, not even the conversion cache's file.

After a writing run, what a run with the same inputs over the output it left would report and plan is
known without running it (`_predict`): every file it wrote is unchanged, every file it removed is gone
(forgotten), conflicts and stale files are what they were, every converted post comes from the
conversion cache, the manifest is the one just written, the warnings, skipped posts and failed assets
are the same. That prediction is recorded with what it depends on:

    the run         the tool's version, every option but how the result is shown (-q, -v, --jobs, --check),
                    the asset cache folder, the working folder
    its inputs      each export's real path, stat and sha256 (hashed as the importer read it)
    the output      size, mtime_ns, inode and ctime_ns of every file the plan names, of the manifest, of
                    the conversion cache, of the profile's config files (present or not), of the asset
                    cache's index and of the cached copies the assets' bytes came from

The next run (or --check) with all of that as recorded returns the recorded report and plan. Anything
else -- an edited or deleted output, another option, another export -- is a full run. No prediction is
recorded (the last one is removed) when the run had an outcome a re-run might not repeat: a failed post
(a time budget is one reason), an asset downloaded or asked for (not --offline), an asset that failed
and would be tried again, an asset still to fetch; nor for inputs other than plain WXR files (a folder
source's files are not watched), nor with --mirror, --in-place, --scaffold, --revalidate, --diff or
--report. tests/test_lastrun_predict.py checks every prediction against a full run, byte for byte.

A stat is trusted only once it is old: ctime cannot be set by hand, so an edit that restores size and
mtime still changes it, but an edit within the same clock tick as the stat (or the filesystem's
timestamp granularity, 2 s on FAT) may not. A stat whose mtime or ctime is within RACY_NS of when it
was taken is "racy" (as git calls it): its file is hashed on replay and must hold the recorded sha256;
a racy file whose bytes the run cannot name (a config file just edited) means no record. An export
whose stat changed but whose bytes did not (touched, copied back) is hashed and still replays.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from . import convcache
from .assetstage import default_cache_dir
from .convcache import CACHE_NAME
from .emit import get_profile
from .manifest import MANIFEST_DIR, Manifest, ManifestEntry, hash_file, manifest_path
from .models import OutputFile, RunReport
from .plan import WRITES, Change, Plan
from .settings import Settings
from .statrecord import Stat, stat_of

SCHEMA = 5  # 3: predicted records, ctime in stats, racy stats, input stats; 4: frames; 5: statrecord.Stat
_ROWS = 4096  # files per frame of the record: what a writing run holds of it at once (issue 11, memory)
_PRESENTATION = {"quiet", "verbose", "jobs", "check"}  # options that change no byte of the output or the report
# path, action, source, kind, old_hash, new_hash, note, to_fetch
ChangeFields = tuple[str, str, str, str, str | None, str | None, str, bool]
ABSENT: Stat = (-1, -1, -1, -1)
# A stat this close to when it was taken may not see a later edit (clock tick, FAT's 2 s timestamps).
RACY_NS = 3_000_000_000


@dataclass(frozen=True)
class Recorded:
    key: str
    inputs: tuple[tuple[str, Stat, bool, str], ...]  # (real path, stat, racy, sha256)
    # (path, stat, sha256 the file must hold when the stat is racy, else None) of everything a re-run
    # would look at in the output.
    stats: tuple[tuple[str, Stat, str | None], ...]
    report: RunReport  # without its changes (they are the plan's)
    # Plain tuples, not the dataclasses: a replay of 10,000 files unpickles them 3x faster (issue 11).
    changes: tuple[ChangeFields, ...]  # each Change's fields but its output and root
    outputs: tuple[tuple[str, str] | None, ...]  # (source, kind) of each change's output, if it had one
    manifest: tuple[tuple[tuple[str, str, str, str, str], ...], dict[str, Any], dict[str, str]]  # see _manifest
    options: dict[str, Any]


def record_path(out_dir: Path) -> Path:
    """Where the record of the output folder `out_dir` is kept."""
    name = hashlib.blake2b(os.path.realpath(out_dir).encode("utf-8"), digest_size=16).hexdigest()
    return default_cache_dir(None).parent / "last-run" / f"{name}.pickle"


def read_record(out_dir: Path) -> bytes | None:
    try:
        return record_path(out_dir).read_bytes()
    except OSError:
        return None


def load_record(out_dir: Path) -> Recorded | None:
    """The record of the output folder `out_dir`, read (None: none, or not of this schema)."""
    return _load(record_path(out_dir))


def _write_record(out_dir: Path, frames: Iterable[object] | None) -> None:
    """Replace the record (None: remove it) with the pickled frames, written as they come."""
    path = record_path(out_dir)
    if frames is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            for frame in frames:
                pickle.dump(frame, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# The record is a header frame, then frames of up to _ROWS rows: ("stats", rows), ("changes", rows) (each
# row a change's fields and its output's (source, kind)), ("manifest", rows). A writing run of 100,000
# files then never holds the whole record (nor its pickle) beside its plan.
_MAGIC = "wpmigrate-last-run"


def _frames_of(rec: Recorded) -> Iterator[object]:
    """A whole Recorded as frames (a replay re-recording settled stats: the record is in memory anyway)."""
    yield _header(rec.key, rec.inputs, rec.report, rec.options, rec.manifest[1], rec.manifest[2])
    yield from _chunked("stats", rec.stats)
    yield from _chunked("changes", zip(rec.changes, rec.outputs, strict=True))
    yield from _chunked("manifest", rec.manifest[0])


def _header(
    key: str, inputs: object, report: RunReport, options: object, m_options: object, m_unfetched: object
) -> tuple[object, ...]:
    return (_MAGIC, SCHEMA, key, inputs, report, options, m_options, m_unfetched)


def _chunked(kind: str, rows: Iterable[object]) -> Iterator[tuple[str, list[object]]]:
    it = iter(rows)
    while chunk := list(islice(it, _ROWS)):
        yield kind, chunk


def _load(path: Path) -> Recorded | None:
    """The record at `path`; None when there is none or it is not one of this schema."""
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError:
        return None
    with fh:
        head = pickle.load(fh)
        if not (isinstance(head, tuple) and len(head) == 8 and head[:2] == (_MAGIC, SCHEMA)):
            return None
        _, _, key, inputs, report, options, m_options, m_unfetched = head
        rows: dict[str, list[Any]] = {"stats": [], "changes": [], "manifest": []}
        while True:
            try:
                kind, chunk = pickle.load(fh)
            except EOFError:
                break
            rows[kind].extend(chunk)
    return Recorded(
        key=key,
        inputs=inputs,
        stats=tuple(rows["stats"]),
        report=report,
        changes=tuple(c for c, _ in rows["changes"]),
        outputs=tuple(o for _, o in rows["changes"]),
        manifest=(tuple(rows["manifest"]), m_options, m_unfetched),
        options=options,
    )


def replay(settings: Settings) -> tuple[RunReport, Plan] | None:
    """The recorded result when nothing it depended on has changed, else None."""
    if not _eligible(settings) or settings.dry_run:
        return None
    try:
        rec = load_record(settings.out)
        if rec is None or rec.key != _key(settings):
            return None
        fence = time.time_ns() - RACY_NS
        if not _inputs_hold(rec, settings) or not _outputs_hold(rec):  # (one stat per export first)
            return None
        if any(sha is not None for _, _, sha in rec.stats) or any(racy for _, _, racy, _ in rec.inputs):
            # Verified by their bytes: stats old enough now are trusted from here on.
            _write_record(settings.out, _frames_of(_settled(rec, fence)))
    except Exception:  # noqa: BLE001  # a damaged record: a full run, whatever unpickling raised
        return None
    out = Path(settings.out)
    root = out.resolve()
    at = str(root)
    changes = []
    for (path, action, source, kind, old, new, note, to_fetch), o in zip(rec.changes, rec.outputs, strict=True):
        # Unchanged: the bytes on disk are the bytes the run would write.
        output = None if o is None else OutputFile(path, data_path=f"{at}/{path}", source=o[0], kind=o[1])
        changes.append(
            Change(
                path=path,
                action=action,
                source=source,
                kind=kind,
                old_hash=old,
                new_hash=new,
                note=note,
                to_fetch=to_fetch,
                output=output,
                root=root,
            )
        )
    files, options, unfetched = rec.manifest
    entries = {p: ManifestEntry(sha256=h, source=src, origin=url, kind=k) for p, h, src, url, k in files}
    manifest = Manifest(files=entries, options=options, unfetched=unfetched)
    plan = Plan(out, tuple(changes), manifest, False, rec.options)
    report = replace(rec.report, changes=list(changes))
    return report, plan


def _outputs_hold(rec: Recorded) -> bool:
    for path, stat, sha in rec.stats:
        if _stat(path) != stat:
            return False
        if sha is not None and _hash_or_none(path) != sha:
            return False
    return True


def _inputs_hold(rec: Recorded, settings: Settings) -> bool:
    if [p for p, _, _, _ in rec.inputs] != [os.path.realpath(s) for s in settings.sources]:
        return False
    for path, stat, racy, sha in rec.inputs:
        now = _stat(path)
        if now[0] != stat[0]:
            return False  # another size: other bytes
        if (racy or now != stat) and _hash_or_none(path) != sha:
            return False  # (a touched export that holds the same bytes still replays)
    return True


def _settled(rec: Recorded, fence: int) -> Recorded:
    """The record with its stats taken again; those older than `fence` are no longer racy."""
    inputs = []
    for path, _, _, digest in rec.inputs:
        st = _stat(path)
        inputs.append((path, st, _racy(st, fence), digest))
    stats = []
    for path, stat, sha in rec.stats:
        st = _stat(path)
        if st != stat:
            raise OSError(f"{path} changed meanwhile")  # no record: the next run is a full one
        stats.append((path, st, sha if _racy(st, fence) else None))
    return replace(rec, inputs=tuple(inputs), stats=tuple(stats))


def record(settings: Settings, report: RunReport, plan: Plan, source: object = None) -> None:
    """After a writing run: record what a run with the same inputs would give, when that is certain,
    else remove any record (it no longer holds). `source`: the run's importer (WxrExport: the identity
    of each export as it read it)."""
    if settings.dry_run or settings.check:
        return
    try:
        predicted = _predict(settings, report, plan) if _eligible(settings) else None
        inputs = None if predicted is None else _inputs(settings, source)
        if predicted is None or inputs is None:
            _write_record(settings.out, None)
        else:
            _write_record(settings.out, _recorded(settings, plan, inputs, predicted))
    except (OSError, pickle.PicklingError, _Unsure):
        try:
            _write_record(settings.out, None)  # no record: the next run is a full one
        except OSError:
            pass


class _Unsure(Exception):
    """Met while the record is written: a file it must vouch for changed meanwhile (no record then)."""


def _predict(settings: Settings, report: RunReport, plan: Plan) -> RunReport | None:
    """What a run with these inputs and options would report over the output this run left (its plan:
    `_predicted_changes`); None when a re-run might have another outcome."""
    if report.failed or report.assets_fetched or report.assets_retry:
        return None  # a failure may be time (post_time_budget); a fetched asset may be asked again
    if settings.download_assets and not settings.offline and report.assets_failed:
        return None  # tried again over the network next time
    for c in plan.changes:
        if c.to_fetch or (c.action in WRITES and c.new_hash is None):
            return None
        if c.action not in WRITES and c.action not in ("remove", "unchanged", "conflict", "stale"):
            return None
    return replace(
        report,
        changes=[],
        posts_converted=0,  # each one was stored in the conversion cache (watched)
        posts_reused=report.posts_reused + report.posts_converted,
    )


def _predicted_changes(plan: Plan) -> Iterator[Change]:
    """The plan a run with the same inputs would make over the output this run left (_predict said yes)."""
    for c in plan.changes:
        if c.action in WRITES:
            yield replace(c, action="unchanged", old_hash=c.new_hash, note="")  # as written
        elif c.action != "remove":  # a removed file is gone: forgotten silently, in the manifest too
            yield c  # unchanged, conflict, stale: the disk and the manifest's entry are what they were


def _recorded(settings: Settings, plan: Plan, inputs: object, report: RunReport) -> Iterator[object]:
    """The record's frames, made as they are written (see _frames_of for the layout)."""
    out = str(settings.out)
    m = plan.manifest
    yield _header(_key(settings), inputs, report, plan.options, m.options, m.unfetched)
    # (path, the sha256 it holds, when known): what a re-run would look at.
    watched: Iterator[tuple[str, str | None]] = chain(
        ((os.path.join(out, c.path), c.old_hash) for c in _predicted_changes(plan)),
        ((os.path.join(out, c.path), None) for c in plan.changes if c.action == "remove"),  # absent
        # An asset's bytes come from the asset cache when there: that copy too.
        ((c.output.data_path, c.new_hash) for c in plan.changes if c.output and c.output.data_path),
        ((str(p), None) for p in _also_watched(settings)),
    )
    yield from _chunked("stats", _stats_of(watched, time.time_ns() - RACY_NS))
    yield from _chunked(
        "changes",
        (
            (
                (c.path, c.action, c.source, c.kind, c.old_hash, c.new_hash, c.note, c.to_fetch),
                None if c.output is None else (c.output.source, c.output.kind),
            )
            for c in _predicted_changes(plan)
        ),
    )
    yield from _chunked("manifest", ((p, e.sha256, e.source, e.origin, e.kind) for p, e in m.files.items()))


def _stats_of(watched: Iterable[tuple[str, str | None]], fence: int) -> Iterator[tuple[str, Stat, str | None]]:
    for path, sha in watched:
        st = _stat(path)
        racy = _racy(st, fence)
        name, parent = os.path.basename(path), os.path.basename(os.path.dirname(path))
        if racy and name == CACHE_NAME and parent == MANIFEST_DIR:
            # Just written too, and never hashed: what it holds only decides whether the re-run's files
            # are converted or taken from it, the same bytes either way (convcache's contract).
            racy = False
        if racy and sha is None:
            # Changed just now (the manifest this run wrote, a config file, the asset cache's index): its
            # bytes as they are (they are what the run wrote or read a moment ago; any stat is taken after).
            sha = _hash_or_none(path)
            if sha is None or _stat(path) != st:
                raise _Unsure(path)
        yield path, st, sha if racy else None


def _eligible(settings: Settings) -> bool:
    return (
        not (settings.mirrors or settings.in_place or settings.scaffold or settings.revalidate)
        and not (settings.diff or settings.report)
        and bool(settings.sources)
        and all(Path(s).is_file() and Path(s).name.lower().endswith((".xml", ".xml.gz")) for s in settings.sources)
    )


def _key(settings: Settings) -> str:
    options = [(f.name, getattr(settings, f.name)) for f in fields(settings) if f.name not in _PRESENTATION]
    cache = default_cache_dir(settings.asset_cache) if settings.download_assets else None
    # The version as the conversion cache knows it (one version: the cache's entries are that version's).
    return repr((SCHEMA, convcache.__version__, options, str(cache), os.getcwd()))


def _inputs(settings: Settings, source: object) -> tuple[tuple[str, Stat, bool, str], ...] | None:
    """Each export as this run read it: (real path, stat, racy, sha256); None when a read saw it change."""
    from .importers.wxr import WxrExport  # (here: a replay need not load lxml)

    inputs = []
    for path in settings.sources:
        identity = source.identity(Path(path)) if isinstance(source, WxrExport) else None
        if identity is None:
            return None
        stat: Stat = identity.stat
        inputs.append((os.path.realpath(path), stat, _racy(stat, identity.before_ns - RACY_NS), identity.sha256))
    return tuple(inputs)


def _also_watched(settings: Settings) -> list[Path]:
    """Files besides the plan's that a run reads in the output folder, or that decide where assets come from."""
    out = Path(settings.out)
    profile = get_profile(settings.profile, settings.profile_options())
    paths = [manifest_path(out), out / MANIFEST_DIR / CACHE_NAME] + [out / name for name in profile.config_files]
    if settings.download_assets:
        paths.append(default_cache_dir(settings.asset_cache) / "index.json")
    return paths


def _racy(stat: Stat, fence: int) -> bool:
    return stat != ABSENT and max(stat[1], stat[3]) >= fence  # mtime, ctime


def _hash_or_none(path: str) -> str | None:
    try:
        return hash_file(Path(path))
    except OSError:
        return None


def _stat(path: str | Path) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return ABSENT
    return stat_of(st)
