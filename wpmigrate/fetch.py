"""The one place that downloads: candidate URLs of an asset -> a FetchResult (a file in the asset
cache or a mirror, or why not). What to fetch and what to do with the results is assetstage.py's job.

For each asset, the URLs to try (best original first) are looked up, in this order:
    1. local mirror folders (FetchOptions.mirrors; HTTrack or wget layout)
    2. the asset cache (revalidated with If-None-Match / If-Modified-Since when it has validators;
       used as is when offline or when the server gave no validators)
    3. the network: each URL in order (origin, then the Photon URL without size args), through
       FetchOptions.host_map (OLD host -> NEW base URL)
    4. the Wayback Machine, only when FetchOptions.wayback.
FetchOptions.offline stops after 2. Nothing here writes outside `cache_dir`; the writer copies cache
or mirror files into the output (OutputFile.data_path).

A failed download is not an exception for the caller: it is a FetchResult with ok=False and a
reason, which the run reports (assets_failed) while the post keeps the asset's origin URL. That holds
for a cache that cannot be written too (disk full, permission): that asset fails, the run goes on.

Time: `timeout` bounds each connect and read; `asset_deadline` bounds one asset in all (every URL,
attempt, back-off and Retry-After wait), so a server trickling a byte at a time cannot hold a worker.
Retried: timeouts, 429 and 5xx answers, and a connection dropped mid-transfer; a refused connection
or an unknown host fails at once (waiting will not bring it back within a run).

The cache: `cache_dir/index.json` (URL -> file, ETag, Last-Modified, type, size) and the bodies in
`cache_dir/files/ab/<sha256 of URL>`, each written to a temp file then os.replace()d in. Runs sharing
one cache each save only the entries they changed, merged into the index as it is on disk then (under a
lock file), so neither loses the other's.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypedDict
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from . import __version__
from .settings import Settings

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0
_IMAGE_EXTS = {"jpg", "jpeg", "jpe", "png", "gif", "webp", "bmp", "ico", "svg", "avif", "heic", "heif", "tif", "tiff"}
_HTML_EXTS = {"html", "htm", "xhtml", "php"}


@dataclass(frozen=True)
class FetchOptions:
    """The Settings fields the downloader reads (each documented on Settings, which holds the defaults)."""

    mirrors: tuple[Path, ...]
    host_map: tuple[tuple[str, str], ...]
    offline: bool
    wayback: bool
    wayback_url: str
    timeout: float
    retries: int
    concurrency: int
    per_host: int
    max_asset_bytes: int
    asset_deadline: float

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


# One URL in the cache index (index.json), read back as is: any key may be missing. "from" is the URL
# the body came from after redirects; not a Python name, hence the functional form.
CacheEntry = TypedDict(
    "CacheEntry",
    {"etag": str, "last_modified": str, "content_type": str, "bytes": int, "from": str},
    total=False,
)


@dataclass(frozen=True)
class FetchResult:
    ok: bool
    reason: str = ""  # why it failed (or, when ok, a note such as "stale cache")
    path: str | None = None  # the file holding the bytes: in the cache or in a mirror
    bytes: int = 0
    content_type: str = ""
    url: str = ""  # the URL (or mirror file) the bytes came from; the last one tried when failed
    source: str = ""  # "mirror", "cache", "network", "wayback"
    transferred: int = 0  # body bytes downloaded in this run


# --- content checks ------------------------------------------------------------------------------


def _ext(url: str) -> str:
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like_image(head: bytes) -> bool:
    h = head.lstrip()
    return (
        head.startswith(
            (
                b"\xff\xd8\xff",
                b"\x89PNG\r\n\x1a\n",
                b"GIF87a",
                b"GIF89a",
                b"BM",
                b"\x00\x00\x01\x00",
                b"II*\x00",
                b"MM\x00*",
            )
        )
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:8] == b"ftyp"  # avif, heic
        or (h[:5] in (b"<?xml", b"<svg ", b"<svg>", b"<!--") and b"<svg" in head)
    )


def _looks_like_html(head: bytes) -> bool:
    h = head.lstrip()[:64].lower()
    return h.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in h


def describe_content(url: str, head: bytes, content_type: str) -> str:
    """'' when the bytes (their first 512) can be what `url` names, else what they are instead, to follow
    "served" or "is": "an HTML page, not an image" (an error page served with 200)."""
    ext = _ext(url)
    if ext in _HTML_EXTS:
        return ""
    if ext in _IMAGE_EXTS:
        if _looks_like_image(head):
            return ""
        if "html" in content_type or _looks_like_html(head):
            return "an HTML page, not an image"
        if not head:
            return "empty, not an image"
        sent = f", sent as {content_type}" if content_type else ""
        return f"bytes that are not an image (they start {head[:12]!r}{sent})"
    if "text/html" in content_type or _looks_like_html(head):
        return "an HTML page, not a media file"
    return ""


def check_content(url: str, head: bytes, content_type: str) -> str:
    """'' when the bytes a server sent can be what `url` names, else why not."""
    what = describe_content(url, head, content_type)
    if what.startswith("empty"):
        return "served an empty body, not an image"
    return f"served {what}" if what else ""


# --- host map, mirrors ---------------------------------------------------------------------------


def remove_dot_segments(path: str) -> str:
    """A URL path without `.` and `..` segments (RFC 3986 5.2.4; `%2e%2e` too, which servers decode): a
    `..` above the root is dropped, as browsers do, so the path cannot climb out of a base it is put under."""
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        dots = seg.lower().replace("%2e", ".")
        if dots == "..":
            if len(out) > 1:
                out.pop()
        elif dots != ".":
            out.append(seg)
            continue
        if i == len(segments) - 1:
            out.append("")  # "a/.." names the folder: keep the trailing slash
    if out and out[0] != "":
        out.insert(0, "")
    return "/".join(out) if len(out) > 1 else "/"


def normalise_url(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit(p._replace(path=remove_dot_segments(p.path))) if p.path else url


def map_host(url: str, host_map: tuple[tuple[str, str], ...]) -> str:
    """`--host-map OLD=NEW`: a URL on host OLD is fetched from base URL NEW (path and query kept; dot
    segments removed first, so the request stays under NEW's path)."""
    p = urlsplit(url)
    for old, new in host_map:
        old_host = old.split("://")[-1].split("/")[0].lower()
        if p.netloc.lower() == old_host:
            return new.rstrip("/") + remove_dot_segments(p.path or "/") + (f"?{p.query}" if p.query else "")
    return url


def mirror_names(url: str) -> list[str]:
    """Relative paths under which a mirror may hold `url`: HTTrack (`name` + md5(query)[:4] + `.ext`,
    `.jpeg` saved as `.jpg`), wget (`name?query`, or `name@query` with Windows-safe names), each with
    and without the host folder."""
    p = urlsplit(url)
    path = unquote(p.path).lstrip("/")
    if not path or path.endswith("/"):
        return []
    names = [path]
    if p.query:
        stem, dot, ext = path.rpartition(".")
        h = hashlib.md5(p.query.encode("utf-8")).hexdigest()[:4]
        names = ([f"{stem}{h}.{ext}"] if dot and "/" not in ext else []) + [f"{path}?{p.query}", f"{path}@{p.query}"]
    names += [n[: -len(".jpeg")] + ".jpg" for n in names if n.lower().endswith(".jpeg")]
    out: list[str] = []
    for n in names:
        out += [f"{p.netloc.lower()}/{n}", n]
    return out


def find_in_mirror(url: str, mirrors: tuple[Path, ...]) -> Path | None:
    for rel in mirror_names(url):
        parts = rel.split("/")
        if any(x in ("", ".", "..") or "\\" in x or "\x00" in x for x in parts):
            continue  # never look outside the mirror
        for root in mirrors:
            candidate = Path(root, *parts)
            try:
                if candidate.is_file() and candidate.resolve().is_relative_to(Path(root).resolve()):
                    return candidate
            except (OSError, ValueError):
                continue
    return None


# --- the cache -----------------------------------------------------------------------------------


def _read_index(index_path: Path) -> dict[str, CacheEntry]:
    try:
        data = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache or an unreadable one: start empty, bodies are fetched again
    if isinstance(data, dict) and isinstance(data.get("entries"), dict):
        entries: dict[str, CacheEntry] = data["entries"]
        return entries
    return {}


@contextmanager
def _index_lock(folder: Path) -> Iterator[None]:
    """Runs sharing one cache take turns to save its index (POSIX flock; elsewhere the re-read just
    before the replace still keeps what another run saved earlier)."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    with open(folder / ".index.lock", "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class AssetCache:
    """URL -> body file + validators. Thread-safe; save() merges what this run changed into the index
    on disk and writes it atomically."""

    def __init__(self, cache_dir: Path) -> None:
        self.dir = Path(cache_dir)
        self.index_path = self.dir / "index.json"
        self._lock = threading.Lock()
        self.entries: dict[str, CacheEntry] = _read_index(self.index_path)
        self._changed: dict[str, CacheEntry] = {}

    def file_for(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.dir / "files" / digest[:2] / digest

    def get(self, url: str) -> CacheEntry | None:
        with self._lock:
            entry = self.entries.get(url)
        if entry and self.file_for(url).is_file():
            return entry
        return None

    def put(self, url: str, entry: CacheEntry) -> None:
        with self._lock:
            self.entries[url] = entry
            self._changed[url] = entry

    def save(self) -> None:
        """Write the index when this run changed it: the entries on disk now (another run may have saved
        since we read them) with ours over them. Raises OSError when the cache cannot be written."""
        with self._lock:
            if not self._changed:
                return
            self.dir.mkdir(parents=True, exist_ok=True)
            with _index_lock(self.dir):
                entries = {**_read_index(self.index_path), **self._changed}
                text = json.dumps({"format": 1, "entries": entries}, indent=1, sort_keys=True)
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".index-", suffix=".tmp")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as f:
                        f.write(text)
                    os.replace(tmp, self.index_path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            self.entries, self._changed = entries, {}


# --- the fetcher ---------------------------------------------------------------------------------


class _Fail(Exception):
    def __init__(self, reason: str, retry: bool = False, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


class _Deadline:
    """One asset's time against --asset-deadline (0: no limit), on the fetcher's clock. Counted while a
    request is under way or a retry waits, not while the asset queues for a free per-host slot: a busy
    host delays the assets behind it, it does not fail them."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds, self.clock = seconds, clock
        self.spent = 0.0
        self.since: float | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        self.since = self.clock()
        try:
            yield
        finally:
            self.spent += self.clock() - self.since
            self.since = None

    def left(self) -> float | None:
        if self.seconds <= 0:
            return None
        return self.seconds - self.spent - (self.clock() - self.since if self.since is not None else 0.0)

    def passed(self) -> bool:
        left = self.left()
        return left is not None and left <= 0

    @property
    def reason(self) -> str:
        return f"took longer than the {self.seconds:g} s --asset-deadline"


# A refused connection or an unknown host is not retried (its back-off would only add waiting); a
# connection dropped mid-transfer may well work on the next try.
_RETRIED_TRANSPORT_ERRORS = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def _cache_failure(cache_dir: Path, exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else cache_dir
    return f"cannot write to the download cache {where}: {exc.strerror or exc}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), MAX_RETRY_AFTER))


class Fetcher:
    """Fetches one asset at a time (thread-safe). `sleep` waits between retries and `clock` tells the time
    for --asset-deadline: tests pass fake ones that record the waits instead of spending them."""

    def __init__(
        self,
        options: FetchOptions,
        cache_dir: Path,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.s = options
        self.cache = AssetCache(cache_dir)
        self.sleep = sleep
        self.clock = clock
        self.warn = warn
        self._own_client = client is None
        self._client = client
        self._slots: dict[str, threading.Semaphore] = {}
        self._slots_lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        """Made on the first download: an --offline run or one whose assets are all cached or in a
        mirror never pays for it (loading the TLS certificates is a tenth of a second)."""
        if self._client is None:
            with self._slots_lock:
                if self._client is None:
                    self._client = httpx.Client(
                        follow_redirects=True,
                        max_redirects=5,
                        timeout=httpx.Timeout(self.s.timeout),
                        headers={"User-Agent": f"wpmigrate/{__version__}"},
                        limits=httpx.Limits(
                            max_connections=max(1, self.s.concurrency),
                            max_keepalive_connections=max(1, self.s.concurrency),
                        ),
                    )
        return self._client

    def close(self) -> None:
        try:
            self.cache.save()
        except OSError as exc:
            # The bodies are in the cache and this run uses them; only the next run loses them.
            if self.warn:
                self.warn(
                    f"cannot save the download cache index {self.cache.index_path}: {exc.strerror or exc}; "
                    "the next run downloads this run's assets again"
                )
        finally:
            if self._own_client and self._client is not None:
                self._client.close()

    def _slot(self, url: str) -> threading.Semaphore:
        host = urlsplit(url).netloc.lower()
        with self._slots_lock:
            return self._slots.setdefault(host, threading.Semaphore(max(1, self.s.per_host)))

    def fetch(self, candidates: list[str]) -> FetchResult:
        """The first of `candidates` that can be had, from mirror, cache, network, Wayback in turn."""
        reasons: list[str] = []  # why each place tried could not give it
        for url in candidates:
            found = find_in_mirror(url, tuple(self.s.mirrors))
            if found is None:
                continue
            try:
                with found.open("rb") as f:
                    head = f.read(512)
                size = found.stat().st_size
            except OSError as exc:
                reasons.append(f"mirror copy {found} cannot be read: {exc.strerror or exc}")
                continue
            what = describe_content(url, head, "")
            if not what:
                return FetchResult(True, path=str(found), bytes=size, url=str(found), source="mirror")
            reasons.append(f"mirror copy {found} is {what}")
        deadline = _Deadline(self.s.asset_deadline, self.clock)
        tried = False
        for url in candidates:
            entry = self.cache.get(url)
            if entry is not None and (self.s.offline or not (entry.get("etag") or entry.get("last_modified"))):
                return self._cached(url, entry)
            if self.s.offline or deadline.passed():
                continue
            tried = True
            result = self._download(url, map_host(url, self.s.host_map), entry, "network", deadline)
            if result.ok:
                return result
            reasons.append(f"{url}: {result.reason}")
        if self.s.wayback and not self.s.offline:
            for url in candidates:
                host = urlsplit(url).hostname
                if host and not host.endswith(".wp.com") and not deadline.passed():
                    tried = True
                    target = f"{self.s.wayback_url.rstrip('/')}/2id_/{normalise_url(url)}"
                    result = self._download(url, target, self.cache.get(url), "wayback", deadline)
                    if result.ok:
                        return result
                    reasons.append(f"wayback {url}: {result.reason}")
        if self.s.offline and not tried:
            reasons.append("offline: not in the cache" if reasons else "offline: not in a mirror or the cache")
        return FetchResult(
            False, reason="; ".join(reasons) or "no URL to try", url=candidates[-1] if candidates else ""
        )

    def _cached(self, url: str, entry: CacheEntry, note: str = "") -> FetchResult:
        return FetchResult(
            True,
            reason=note,
            path=str(self.cache.file_for(url)),
            bytes=int(entry.get("bytes", 0)),
            content_type=entry.get("content_type", ""),
            url=url,
            source="cache",
        )

    def _download(
        self, url: str, target: str, entry: CacheEntry | None, source: str, deadline: _Deadline
    ) -> FetchResult:
        """GET `target` for the logical `url`, with retries until `deadline`; conditional when `entry` has
        validators."""
        headers = {}
        if entry:
            if entry.get("etag"):
                headers["If-None-Match"] = entry["etag"]
            if entry.get("last_modified"):
                headers["If-Modified-Since"] = entry["last_modified"]
        attempt = 0
        while True:
            try:
                with self._slot(target), deadline.running():
                    return self._get_once(url, target, headers, entry, source, deadline)
            except _Fail as fail:
                reason = fail.reason
                give_up = not fail.retry or attempt >= self.s.retries
                wait = fail.wait if fail.wait is not None else min(0.5 * 2**attempt, 8.0)
                left = deadline.left()
                if not give_up and left is not None and wait >= left:
                    what = "Retry-After" if fail.wait is not None else "back-off"
                    reason += (
                        f" (gave up: the {wait:g} s {what} would pass the {deadline.seconds:g} s --asset-deadline)"
                    )
                    give_up = True
                if give_up:
                    if entry is not None:  # the old site may be gone: what we had is still the picture
                        return self._cached(url, entry, f"stale cache ({reason})")
                    return FetchResult(False, reason=reason, url=target)
                with deadline.running():
                    self.sleep(wait)
                attempt += 1

    def _get_once(
        self,
        url: str,
        target: str,
        headers: dict[str, str],
        entry: CacheEntry | None,
        source: str,
        deadline: _Deadline,
    ) -> FetchResult:
        left = deadline.left()
        # No single wait may outlast the asset's deadline: a timeout then means the deadline passed.
        cut = left is not None and left < self.s.timeout
        timeout = httpx.Timeout(max(left, 0.001)) if cut and left is not None else httpx.USE_CLIENT_DEFAULT
        try:
            with self.client.stream("GET", target, headers=headers, timeout=timeout) as resp:
                if resp.status_code == 304 and entry is not None:
                    return self._cached(url, entry)
                if resp.status_code in RETRY_STATUSES:
                    raise _Fail(
                        f"HTTP {resp.status_code}", retry=True, wait=_retry_after(resp.headers.get("retry-after"))
                    )
                if resp.status_code != 200:
                    raise _Fail(f"HTTP {resp.status_code}")
                return self._store(url, resp, source, deadline)
        except httpx.TooManyRedirects:
            raise _Fail("too many redirects") from None
        except httpx.TimeoutException:
            if cut or deadline.passed():
                raise _Fail(deadline.reason) from None
            raise _Fail("timed out", retry=True) from None
        except httpx.ConnectError as exc:
            raise _Fail(f"cannot connect: {exc}") from None
        except httpx.TransportError as exc:
            raise _Fail(f"{type(exc).__name__}: {exc}", retry=isinstance(exc, _RETRIED_TRANSPORT_ERRORS)) from None

    def _store(self, url: str, resp: httpx.Response, source: str, deadline: _Deadline) -> FetchResult:
        cap = self.s.max_asset_bytes
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        length = resp.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise _Fail(f"too large ({int(length)} bytes > {cap})")
        final = self.cache.file_for(url)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".part-")
        except OSError as exc:
            raise _Fail(_cache_failure(self.cache.dir, exc)) from None
        size, head = 0, b""
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in resp.iter_bytes():
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                        why = check_content(url, head, ctype) if len(head) >= 512 else ""
                        if why:
                            raise _Fail(why)
                    size += len(chunk)
                    if size > cap:
                        raise _Fail(f"too large (more than {cap} bytes)")
                    f.write(chunk)
                    if deadline.passed():
                        raise _Fail(deadline.reason)
            why = check_content(url, head, ctype)
            if why:
                raise _Fail(why)
            os.replace(tmp, final)
        except OSError as exc:  # disk full, permission: this asset fails, the run goes on
            Path(tmp).unlink(missing_ok=True)
            raise _Fail(_cache_failure(self.cache.dir, exc)) from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.cache.put(
            url,
            {
                "etag": resp.headers.get("etag", ""),
                "last_modified": resp.headers.get("last-modified", ""),
                "content_type": ctype,
                "bytes": size,
                "from": str(resp.url),
            },
        )
        return FetchResult(
            True, path=str(final), bytes=size, content_type=ctype, url=str(resp.url), source=source, transferred=size
        )


def fetch_assets(
    wanted: Mapping[str, list[str]],
    options: FetchOptions,
    cache_dir: Path,
    progress: Callable[[], None] | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    warn: Callable[[str], None] | None = None,
) -> dict[str, FetchResult]:
    """Fetch every wanted asset (local path -> URLs best first), `options.concurrency` at a time and
    at most `options.per_host` per host. Returns local path -> FetchResult, in the order of `wanted`.
    `warn` hears about what fails no single asset (the cache index could not be saved)."""
    fetcher = Fetcher(options, Path(cache_dir), client, sleep, clock, warn)
    results: dict[str, FetchResult] = {}

    def one(path: str) -> FetchResult:
        try:
            return fetcher.fetch(list(wanted[path]))
        finally:
            if progress:
                progress()

    try:
        with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
            for path, result in zip(wanted, pool.map(one, list(wanted)), strict=False):
                results[path] = result
    finally:
        fetcher.close()
    return results


def locate_assets(wanted: Mapping[str, list[str]], mirrors: tuple[Path, ...], cache_dir: Path) -> dict[str, str | None]:
    """For a dry run or --check: where each asset's bytes already are (mirror or cache), no network."""
    cache = AssetCache(cache_dir)
    found: dict[str, str | None] = {}
    for path, urls in wanted.items():
        hit = next((str(m) for u in urls if (m := find_in_mirror(u, tuple(mirrors))) is not None), None)
        if hit is None:
            hit = next((str(cache.file_for(u)) for u in urls if cache.get(u) is not None), None)
        found[path] = hit
    return found
