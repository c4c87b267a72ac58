"""A re-run with nothing changed, replayed: a record per output folder in the user's cache
($XDG_CACHE_HOME/wpmigrate/last-run/, beside the asset cache), so that a re-run touches nothing in the
output folder, not even the conversion cache's file.

A writing run that changed nothing (every file of its plan unchanged, the manifest too, no post converted
or failed, no asset fetched) records what it reported and planned, with what it depended on:

    the run         the tool's version, every option but how the result is shown (-q, -v, --jobs, --check),
                    the asset cache folder
    its inputs      each export's real path and sha256 (a touched but identical export still replays)
    the output      size, mtime_ns and inode of every file the plan names, of the manifest, of the
                    profile's config files (present or not), of the asset cache's index and of the
                    cached copies the assets' bytes came from

The next run (or --check) with all of that as recorded reads and converts nothing: it returns the
recorded report and plan. Anything else -- an edited or deleted output, another option, another
export -- is a full run. A writing run that is not such a no-op removes the record. Only plain WXR
files qualify as inputs (a folder source's files are not watched), and not with --mirror, --in-place,
--scaffold, --revalidate, --dry-run, --diff or --report, nor when the last run left assets unfetched
that it would try to download again (not --offline).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from . import convcache
from .assetstage import default_cache_dir
from .emit import get_profile
from .manifest import hash_file, manifest_path
from .models import OutputFile, RunReport
from .plan import Change, Plan
from .settings import Settings

SCHEMA = 2  # 2: no manifest bytes (the plan renders them), changes hold the output root
_PRESENTATION = {"quiet", "verbose", "jobs", "check"}  # options that change no byte of the output or the report
Stat = tuple[int, int, int]  # size, mtime_ns, inode; (-1, -1, -1): absent


@dataclass(frozen=True)
class Recorded:
    key: str
    inputs: tuple[tuple[str, str], ...]  # (real path, sha256)
    stats: tuple[tuple[str, Stat], ...]  # (path, stat) of everything the run looked at in the output
    report: RunReport  # without its changes (they are the plan's)
    changes: tuple[Change, ...]  # without their outputs
    outputs: tuple[tuple[str, str] | None, ...]  # (source, kind) of each change's output, if it had one
    manifest: Any
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


def _write_record(out_dir: Path, blob: bytes | None) -> None:
    """Replace the record (None: remove it)."""
    path = record_path(out_dir)
    if blob is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def replay(settings: Settings) -> tuple[RunReport, Plan] | None:
    """The last run's report and plan when nothing it depended on has changed, else None."""
    if not _eligible(settings) or settings.dry_run:
        return None
    try:
        blob = read_record(settings.out)
        if blob is None:
            return None
        rec = pickle.loads(blob)
        if not isinstance(rec, Recorded) or rec.key != _key(settings):
            return None
        if any(_stat(path) != stat for path, stat in rec.stats):
            return None
        if rec.inputs != _inputs(settings):
            return None
    except Exception:  # noqa: BLE001  # a damaged record: a full run, whatever unpickling raised
        return None
    out = Path(settings.out)
    root = out.resolve()
    changes = []
    for c, o in zip(rec.changes, rec.outputs, strict=True):
        # Unchanged: the bytes on disk are the bytes the run would write.
        output = None if o is None else OutputFile(c.path, data_path=str(root / c.path), source=o[0], kind=o[1])
        changes.append(replace(c, output=output, root=root))
    plan = Plan(out, tuple(changes), rec.manifest, False, rec.options)
    report = replace(rec.report, changes=list(changes))
    return report, plan


def record(settings: Settings, report: RunReport, plan: Plan) -> None:
    """After a writing run: record it if it changed nothing, else remove any record (it no longer holds)."""
    if settings.dry_run or settings.check:
        return
    noop = (
        _eligible(settings)
        and not plan.manifest_changed
        and all(c.action == "unchanged" for c in plan.changes)
        and report.posts_converted == 0
        and not report.failed
        and report.assets_fetched == 0
        and not report.assets_retry
        and not (settings.download_assets and not settings.offline and report.assets_failed)
    )
    try:
        if not noop:
            _write_record(settings.out, None)
            return
        out = Path(settings.out)
        watched = [out / c.path for c in plan.changes] + _also_watched(settings)
        # An asset's bytes come from the asset cache when there: that copy too.
        watched += [Path(c.output.data_path) for c in plan.changes if c.output and c.output.data_path]
        rec = Recorded(
            key=_key(settings),
            inputs=_inputs(settings),
            stats=tuple((str(p), _stat(p)) for p in watched),
            report=replace(report, changes=[]),
            changes=tuple(replace(c, output=None, root=None) for c in plan.changes),
            outputs=tuple(None if c.output is None else (c.output.source, c.output.kind) for c in plan.changes),
            manifest=plan.manifest,
            options=plan.options,
        )
        _write_record(settings.out, pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError):
        try:
            _write_record(settings.out, None)  # no record: the next run is a full one
        except OSError:
            pass


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


def _inputs(settings: Settings) -> tuple[tuple[str, str], ...]:
    return tuple((os.path.realpath(source), hash_file(Path(source))) for source in settings.sources)


def _also_watched(settings: Settings) -> list[Path]:
    """Files besides the plan's that a run reads in the output folder, or that decide where assets come from."""
    out = Path(settings.out)
    profile = get_profile(settings.profile, settings.profile_options())
    paths = [manifest_path(out)] + [out / name for name in profile.config_files]
    if settings.download_assets:
        paths.append(default_cache_dir(settings.asset_cache) / "index.json")
    return paths


def _stat(path: str | Path) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1, -1)
    return (st.st_size, st.st_mtime_ns, st.st_ino)
