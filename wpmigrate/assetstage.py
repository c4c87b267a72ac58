"""The asset stage, after conversion: the media the posts refer to -> asset output files, and the
posts relinked to the origin URL of each asset that could not be had.

    resolver.wanted()        --gather_assets-->    {local path: AssetOutcome}
        (a real run downloads through fetch.py; a dry run or --check only looks in mirrors and the cache)
    outputs + outcomes       --localise_outputs--> AssetStageResult
        (the rewritten outputs plus one asset OutputFile per local file, and the report entries)

gather_assets does the I/O; localise_outputs touches no disk but the run's spool (a relinked post is
spooled again), so what a run does with a given set of download results can be tested without a server.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .assets import AssetResolver, make_relinker
from .fetch import AssetCache, FetchOptions, fetch_assets, locate_assets
from .models import OutputFile, RunReport
from .settings import Settings

OFFLINE_REASON = "offline: not in a mirror or the cache"


@dataclass(frozen=True)
class AssetOutcome:
    """What became of one wanted asset. Without a data_path its references point back at the origin:
    then either `failure` says why, or `retry` says a dry run predicts it fails as on the last run."""

    data_path: str | None = None  # the file holding its bytes; for a dry run's "to fetch", where they will be
    fetched: bool = False  # downloaded (or revalidated) by this run
    failure: str = ""
    retry: bool = False


@dataclass(frozen=True)
class AssetFailure:
    url: str  # the origin URL the post now points at
    reason: str


@dataclass(frozen=True)
class AssetStageResult:
    outputs: tuple[OutputFile, ...]  # the posts (relinked where an asset failed), then the assets
    fetched: int = 0
    failures: tuple[AssetFailure, ...] = ()
    retry: tuple[str, ...] = ()  # dry run: origin URLs of assets the last run could not fetch
    unfetched: dict[str, str] = field(default_factory=dict)  # local path -> origin URL, for the manifest

    def add_to(self, report: RunReport) -> None:
        report.assets_fetched += self.fetched
        report.assets_failed.extend((f.url, f.reason) for f in self.failures)
        report.assets_retry.extend(self.retry)


def default_cache_dir(configured: Path | None) -> Path:
    """--asset-cache, else $XDG_CACHE_HOME/wpmigrate/assets (~/.cache/...): outside the output folder,
    so the site is not stored twice and a fresh output folder still re-uses the downloads."""
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wpmigrate" / "assets"


def gather_assets(
    wanted: Mapping[str, list[str]],
    settings: Settings,
    progress_factory: Callable[[str, int], Callable[[], None]] | None = None,
    failed_before: Mapping[str, str] | None = None,
    in_output: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    warn: Callable[[str], None] | None = None,
) -> dict[str, AssetOutcome]:
    """Where the bytes of each wanted asset (local path -> URLs best first) are, in the order of `wanted`.

    A dry run (or --check) fetches nothing. Each asset not yet in a mirror or the cache is either
    - certain to fail (--offline), or predicted to fail as it did on the last run (`failed_before`,
      from the manifest): its references point at the origin, as the real run would leave them, so
      an unchanged export is no drift while a download keeps failing; or
    - planned with a data_path that does not exist, which the plan reports as "to fetch".

    `in_output`: {local path: file} of the assets a previous run wrote into the output folder. When
    an asset is nowhere else (an empty cache on a CI machine, the old host gone), that copy is kept as
    it is rather than pointing its posts back at a dead origin. `warn` hears what fails no single asset
    (the cache index could not be saved)."""
    if not wanted:
        return {}  # and no cache folder is created
    cache_dir = default_cache_dir(settings.asset_cache)
    kept = in_output or {}
    outcomes: dict[str, AssetOutcome] = {}
    if settings.dry_run or settings.check:
        before = failed_before or {}
        cache = AssetCache(cache_dir)
        for path, where in locate_assets(wanted, settings.mirrors, cache_dir).items():
            where = where or kept.get(path)
            if where:
                outcomes[path] = AssetOutcome(where)
            elif settings.offline:
                outcomes[path] = AssetOutcome(failure=OFFLINE_REASON)
            elif path in before:
                outcomes[path] = AssetOutcome(retry=True)
            else:
                outcomes[path] = AssetOutcome(str(cache.file_for(wanted[path][0])))
        return outcomes
    tick = progress_factory("Fetching assets", len(wanted)) if progress_factory else None
    lock = threading.Lock()

    def progress() -> None:
        if tick:
            with lock:
                tick()

    # An asset a previous run wrote (still in the output and the manifest) is not asked for again:
    # WordPress never changes an upload under the same name. Its bytes are taken from the cache when
    # there (so the plan still sees a hand-edited copy as a conflict), else from the output itself.
    # --revalidate asks the server again about every one.
    reused = {} if settings.revalidate else locate_assets({p: u for p, u in wanted.items() if p in kept}, (), cache_dir)
    to_fetch = {p: u for p, u in wanted.items() if p not in reused}
    options = FetchOptions.from_settings(settings)
    fetched = (
        fetch_assets(to_fetch, options, cache_dir, progress if tick else None, sleep=sleep, warn=warn)
        if to_fetch
        else {}
    )
    for path in wanted:
        if path in reused:
            outcomes[path] = AssetOutcome(reused[path] or kept[path])
            progress()
            continue
        result = fetched[path]
        if result.ok and result.path:
            outcomes[path] = AssetOutcome(result.path, fetched=True)
        elif path in kept:
            outcomes[path] = AssetOutcome(kept[path])
        else:
            outcomes[path] = AssetOutcome(failure=result.reason)
    return outcomes


def localise_outputs(
    outputs: Sequence[OutputFile], resolver: AssetResolver, outcomes: Mapping[str, AssetOutcome]
) -> AssetStageResult:
    """Add one asset OutputFile per asset that has its bytes, and point the references of the others
    back at their origin URL (in every output that is not itself an asset)."""
    assets: list[OutputFile] = []
    failed: list[str] = []
    failures: list[AssetFailure] = []
    retry: list[str] = []
    for path, outcome in outcomes.items():
        if outcome.data_path is not None:
            assets.append(OutputFile(path, data_path=outcome.data_path, source=resolver.origin(path), kind="asset"))
            continue
        failed.append(path)
        if outcome.retry:
            retry.append(resolver.origin(path))
        else:
            failures.append(AssetFailure(resolver.origin(path), outcome.failure))
    if failed:
        relink = make_relinker(resolver.relink_map(failed))
        relinked = []
        for out in outputs:
            if out.data_path is None and out.kind != "asset":
                text = out.read_bytes().decode("utf-8")
                new = relink(text)
                if new != text:
                    out = out.with_bytes(new.encode("utf-8"))  # spooled again when it was spooled
            relinked.append(out)
        outputs = relinked
    return AssetStageResult(
        outputs=(*outputs, *assets),
        fetched=sum(1 for o in outcomes.values() if o.fetched),
        failures=tuple(failures),
        retry=tuple(retry),
        unfetched={path: resolver.origin(path) for path in sorted(failed)},
    )
