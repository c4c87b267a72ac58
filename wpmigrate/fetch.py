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
reason, which the run reports (assets_failed) while the post keeps the asset's origin URL.

The cache: `cache_dir/index.json` (URL -> file, ETag, Last-Modified, type, size) and the bodies in
`cache_dir/files/ab/<sha256 of URL>`, each written to a temp file then os.replace()d in.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypedDict
from urllib.parse import unquote, urlsplit

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


def check_content(url: str, head: bytes, content_type: str) -> str:
    """'' when the bytes can be what `url` names, else why not (an HTML error page served with 200)."""
    ext = _ext(url)
    if ext in _HTML_EXTS:
        return ""
    if ext in _IMAGE_EXTS:
        if _looks_like_image(head):
            return ""
        what = (
            "an HTML page"
            if ("html" in content_type or _looks_like_html(head))
            else f"{content_type or 'unknown'} data"
        )
        return f"served {what}, not an image"
    if "text/html" in content_type or _looks_like_html(head):
        return "served an HTML page, not a media file"
    return ""


# --- host map, mirrors ---------------------------------------------------------------------------


def map_host(url: str, host_map: tuple[tuple[str, str], ...]) -> str:
    """`--host-map OLD=NEW`: a URL on host OLD is fetched from base URL NEW (path and query kept)."""
    p = urlsplit(url)
    for old, new in host_map:
        old_host = old.split("://")[-1].split("/")[0].lower()
        if p.netloc.lower() == old_host:
            return new.rstrip("/") + p.path + (f"?{p.query}" if p.query else "")
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


class AssetCache:
    """URL -> body file + validators. Thread-safe; save() writes the index atomically."""

    def __init__(self, cache_dir: Path) -> None:
        self.dir = Path(cache_dir)
        self.index_path = self.dir / "index.json"
        self._lock = threading.Lock()
        self.entries: dict[str, CacheEntry] = {}
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError):
            pass  # no cache or an unreadable one: start empty, bodies are fetched again

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

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            text = json.dumps({"format": 1, "entries": self.entries}, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".index-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.index_path)


# --- the fetcher ---------------------------------------------------------------------------------


class _Fail(Exception):
    def __init__(self, reason: str, retry: bool = False, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


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
    """Fetches one asset at a time (thread-safe). `sleep` waits between retries: tests pass a fake one
    that records the waits instead of spending them."""

    def __init__(
        self,
        options: FetchOptions,
        cache_dir: Path,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.s = options
        self.cache = AssetCache(cache_dir)
        self.sleep = sleep
        self._own_client = client is None
        self.client = client or httpx.Client(
            follow_redirects=True,
            max_redirects=5,
            timeout=httpx.Timeout(options.timeout),
            headers={"User-Agent": f"wpmigrate/{__version__}"},
            limits=httpx.Limits(
                max_connections=max(1, options.concurrency), max_keepalive_connections=max(1, options.concurrency)
            ),
        )
        self._slots: dict[str, threading.Semaphore] = {}
        self._slots_lock = threading.Lock()

    def close(self) -> None:
        self.cache.save()
        if self._own_client:
            self.client.close()

    def _slot(self, url: str) -> threading.Semaphore:
        host = urlsplit(url).netloc.lower()
        with self._slots_lock:
            return self._slots.setdefault(host, threading.Semaphore(max(1, self.s.per_host)))

    def fetch(self, candidates: list[str]) -> FetchResult:
        """The first of `candidates` that can be had, from mirror, cache, network, Wayback in turn."""
        for url in candidates:
            found = find_in_mirror(url, tuple(self.s.mirrors))
            if found is not None:
                with found.open("rb") as f:
                    head = f.read(512)
                if not check_content(url, head, ""):
                    return FetchResult(
                        True, path=str(found), bytes=found.stat().st_size, url=str(found), source="mirror"
                    )
        reasons: list[str] = []
        for url in candidates:
            entry = self.cache.get(url)
            if entry is not None and (self.s.offline or not (entry.get("etag") or entry.get("last_modified"))):
                return self._cached(url, entry)
            if self.s.offline:
                continue
            result = self._download(url, map_host(url, self.s.host_map), entry, "network")
            if result.ok:
                return result
            reasons.append(f"{url}: {result.reason}")
        if self.s.wayback and not self.s.offline:
            for url in candidates:
                host = urlsplit(url).hostname
                if host and not host.endswith(".wp.com"):
                    target = f"{self.s.wayback_url.rstrip('/')}/2id_/{url}"
                    result = self._download(url, target, self.cache.get(url), "wayback")
                    if result.ok:
                        return result
                    reasons.append(f"wayback {url}: {result.reason}")
        if self.s.offline and not reasons:
            reasons.append("offline: not in a mirror or the cache")
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

    def _download(self, url: str, target: str, entry: CacheEntry | None, source: str) -> FetchResult:
        """GET `target` for the logical `url`, with retries; conditional when `entry` has validators."""
        headers = {}
        if entry:
            if entry.get("etag"):
                headers["If-None-Match"] = entry["etag"]
            if entry.get("last_modified"):
                headers["If-Modified-Since"] = entry["last_modified"]
        attempt = 0
        while True:
            try:
                with self._slot(target):
                    return self._get_once(url, target, headers, entry, source)
            except _Fail as fail:
                if not fail.retry or attempt >= self.s.retries:
                    if entry is not None:  # the old site may be gone: what we had is still the picture
                        return self._cached(url, entry, f"stale cache ({fail.reason})")
                    return FetchResult(False, reason=fail.reason, url=target)
                self.sleep(fail.wait if fail.wait is not None else min(0.5 * 2**attempt, 8.0))
                attempt += 1

    def _get_once(
        self, url: str, target: str, headers: dict[str, str], entry: CacheEntry | None, source: str
    ) -> FetchResult:
        try:
            with self.client.stream("GET", target, headers=headers) as resp:
                if resp.status_code == 304 and entry is not None:
                    return self._cached(url, entry)
                if resp.status_code in RETRY_STATUSES:
                    raise _Fail(
                        f"HTTP {resp.status_code}", retry=True, wait=_retry_after(resp.headers.get("retry-after"))
                    )
                if resp.status_code != 200:
                    raise _Fail(f"HTTP {resp.status_code}")
                return self._store(url, resp, source)
        except httpx.TooManyRedirects:
            raise _Fail("too many redirects") from None
        except httpx.TimeoutException:
            raise _Fail("timed out", retry=True) from None
        except httpx.TransportError as exc:
            raise _Fail(f"{type(exc).__name__}: {exc}", retry=True) from None

    def _store(self, url: str, resp: httpx.Response, source: str) -> FetchResult:
        cap = self.s.max_asset_bytes
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        length = resp.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise _Fail(f"too large ({int(length)} bytes > {cap})")
        final = self.cache.file_for(url)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".part-")
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
            why = check_content(url, head, ctype)
            if why:
                raise _Fail(why)
            os.replace(tmp, final)
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
) -> dict[str, FetchResult]:
    """Fetch every wanted asset (local path -> URLs best first), `options.concurrency` at a time and
    at most `options.per_host` per host. Returns local path -> FetchResult, in the order of `wanted`."""
    fetcher = Fetcher(options, Path(cache_dir), client, sleep)
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
