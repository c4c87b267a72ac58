"""The conversion cache: `.wpmigrate/convert-cache.sqlite` in the output folder, so that a re-run (or
--check) converts only the posts whose output could differ from last time.

An entry is found by a digest of everything a post's rendered bytes depend on, and then checked
against what the post linked to:

    the post itself     every field the importer gave (its line in the file aside: a post moved
                        down by an edit above it is the same post)
    its placement       path, permalink, the author's display name
    the run             the tool's version, Settings.output_options(), the asset settings that
                        decide local paths, the site, attachments and children (galleries), and
                        the hosts the link map knows (they decide which links and media are ours)
    what it links to    each ctx.rewrite_link(url) the conversion made and its answer, checked
                        against this run's link map: a post whose link target moved is converted again

What is kept is the rendered file (before failed assets are pointed back at their origin: that is
decided after conversion, every run), the report's per-post counts and warnings, and the media URLs
the conversion passed to ctx.rewrite_asset, which a hit replays in input order so the asset stage
sees exactly what a cold run sees.

A run that writes (not --dry-run, not --check) adds what it converted and drops entries it did not
use, so the file holds one entry per post of the last run. Deleting it only costs time.

The input is read once per run: the index pass pickles each post it keeps once (spool.pickle_post),
and those bytes give both its content digest (`note`) and its place in the run's post spool, from which
the conversion pass reads the posts to convert. (A re-run with nothing changed at all since the last run
reads nothing: lastrun.py replays the result that run predicted.)

A --jobs worker makes the key and the pickled entry of each post it converts (`Traced(pack=...)`), so
this process only inserts them.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import __version__
from .manifest import MANIFEST_DIR
from .models import ConvertedPost, Post

CACHE_NAME = "convert-cache.sqlite"
SCHEMA = 1

PostKey = tuple[str, int | None, int | None]


@dataclass(frozen=True)
class TracedPost(ConvertedPost):
    """A ConvertedPost plus the link and media lookups its conversion made, in order (or, when the
    cache is written, its cache key and entry, which hold them), as sent back by a --jobs worker."""

    links: tuple[tuple[str, str], ...] = ()  # (url, what rewrite_link answered)
    media: tuple[str, ...] = ()  # urls passed to rewrite_asset
    data: bytes = b""  # the rendered file (rendered where it was converted: a --jobs worker)
    sha256: str = ""  # of data, hashed there too
    key: bytes = b""  # when the cache is written: its key and entry, made there too (Traced.pack)
    entry: bytes = b""


@dataclass(frozen=True)
class CachedPost:
    """A cache hit: the rendered file and what the report needs of the conversion."""

    data: bytes
    warnings: tuple[str, ...]
    shortcodes: Counter
    unknown_shortcodes: Counter
    blocks: Counter
    media: tuple[str, ...]


# The lookups of the conversion running in this process (one post at a time per process).
_links: list[tuple[str, str]] = []
_media: list[str] = []


def trace_rewrites(
    rewrite_link: Callable[[str], str], rewrite_asset: Callable[[str], str]
) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The two context functions, recording their calls for `traced`."""

    def link(url: str) -> str:
        new = rewrite_link(url)
        _links.append((url, new))
        return new

    def asset(url: str) -> str:
        _media.append(url)
        return rewrite_asset(url)

    return link, asset


_CONVERTED_FIELDS = tuple(f.name for f in fields(ConvertedPost))  # (dataclasses.fields is slow per post)


@dataclass(frozen=True)
class Traced:
    """`convert(post, ctx)` then `render(post, converted)`, returning a TracedPost with the file's
    sha256 and, when the cache is written (`pack(post)`: the post's cache key), its cache key and
    entry. --jobs workers get it by fork, so all of it runs there and this process only collects
    files. What is in the rendered file (the body) or the entry (links, media) is not sent back again."""

    convert: Callable[[Post, Any], ConvertedPost]
    render: Callable[[Post, ConvertedPost], bytes]
    pack: Callable[[Post], bytes] | None = None

    def __call__(self, post: Post, ctx: Any) -> ConvertedPost:
        _links.clear()
        _media.clear()
        done = self.convert(post, ctx)
        data = self.render(post, done)
        base = {name: getattr(done, name) for name in _CONVERTED_FIELDS}
        base["markdown"] = base["excerpt"] = ""
        sha256 = hashlib.sha256(data).hexdigest()
        links, media = tuple(_links), tuple(_media)
        if self.pack is None:
            return TracedPost(**base, links=links, media=media, data=data, sha256=sha256)
        entry = (links, data, done.warnings, done.shortcodes, done.unknown_shortcodes, done.blocks, media)
        blob = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)  # as `lookup` unpacks it
        return TracedPost(**base, data=data, sha256=sha256, key=self.pack(post), entry=blob)


def content_digest(blob: bytes) -> bytes:
    """The content digest of a post: of its pickle (spool.pickle_post: the post as read, its line aside)."""
    return hashlib.blake2b(blob, digest_size=16).digest()


def run_digest(options: Mapping[str, object], *parts: object) -> bytes:
    """What every post's output depends on beyond itself."""
    text = repr((SCHEMA, __version__, sorted(options.items()), parts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class ConversionCache:
    """One run's view of the cache file. Lookups read it; `store` and `finish` write only when writable."""

    def __init__(self, db: sqlite3.Connection | None, writable: bool) -> None:
        self._db = db
        self.writable = writable
        self.path: Path | None = None
        self._created = False
        self.known: set[bytes] = set()
        self.contents: dict[PostKey, bytes] = {}
        self._used: list[bytes] = []
        self.run = b""

    @classmethod
    def open(cls, out_dir: Path, writable: bool) -> ConversionCache:
        """The cache of the output folder. Nothing is created until a post is stored; a damaged file is
        a miss for every post (and replaced by a writing run)."""
        cache = cls(None, writable)
        cache.path = Path(out_dir) / MANIFEST_DIR / CACHE_NAME
        if not cache.path.is_file():
            return cache
        try:
            uri = f"{cache.path.resolve().as_uri()}?mode={'rw' if writable else 'ro'}"
            db = sqlite3.connect(uri, uri=True)
            cache.known = {row[0] for row in db.execute("SELECT content FROM posts")}
        except (sqlite3.Error, OSError):
            return cls(None, False)  # damaged: not used, and not written either (a person may look at it)
        cache._db = db
        if writable:
            cls._tune(db)
        return cache

    @staticmethod
    def _tune(db: sqlite3.Connection) -> None:
        # Rollback in memory: a failed run leaves the file as it was, and no journal file beside it.
        db.execute("PRAGMA journal_mode=MEMORY")
        db.execute("PRAGMA synchronous=OFF")  # a cache: a power cut costs time, not correctness

    def _create(self) -> sqlite3.Connection | None:
        """The file, made on the first store of a run that writes."""
        if self.path is None:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path)
            db.execute("PRAGMA page_size=65536")  # entries of a few KB: fewer, larger page writes (-40% CPU)
            self._tune(db)
            db.execute("CREATE TABLE IF NOT EXISTS posts (key BLOB PRIMARY KEY, content BLOB, entry BLOB)")
        except (sqlite3.Error, OSError):
            self.writable = False  # no cache this run (an output folder that is a file: the plan says so)
            return None
        self._created = True
        return db

    def note(self, k: PostKey, blob: bytes) -> None:
        """The content digest of a post the index pass keeps, from its pickle (spool.pickle_post)."""
        self.contents[k] = content_digest(blob)

    def post_key(self, k: PostKey, placement: object) -> bytes:
        """The cache key of a post: the run, its content, where it goes. (Its author's display name is
        the site's, in the run digest.)"""
        content = self.contents.get(k, b"")
        text = repr((self.run, content, placement)).encode("utf-8")
        return hashlib.blake2b(text, digest_size=16).digest()

    def lookup(self, key: bytes, rewrite_link: Callable[[str], str]) -> CachedPost | None:
        """The entry under `key` whose recorded links still lead where they led, else None."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT entry FROM posts WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            links, data, warnings, shortcodes, unknown, blocks, media = pickle.loads(row[0])
        except Exception:  # noqa: BLE001  # a damaged entry is a miss, whatever unpickling raised
            return None
        if any(rewrite_link(url) != new for url, new in links):
            return None
        self._used.append(key)
        return CachedPost(data, warnings, shortcodes, unknown, blocks, media)

    def store(self, k: PostKey, converted: TracedPost) -> None:
        """Add the entry of the post `k`, packed where it was converted (Traced.pack)."""
        if not self.writable or not converted.entry:
            return
        if self._db is None:
            self._db = self._create()
            if self._db is None:
                return
        key = converted.key
        self._db.execute(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?)", (key, self.contents.get(k, b""), converted.entry)
        )
        self._used.append(key)

    @property
    def empty(self) -> bool:
        """No entry to look up (no cache file, or a damaged one)."""
        return self._db is None

    def finish(self) -> None:
        """Keep only this run's entries, and close."""
        if self._db is None:
            return
        if self.writable:
            self._db.execute("CREATE TEMP TABLE used (key BLOB PRIMARY KEY)")
            self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
            self._db.execute("DELETE FROM posts WHERE key NOT IN (SELECT key FROM used)")
            self._db.commit()
        self._db.close()
        self._db = None

    def close(self) -> None:
        """Without saving (the run failed); a file this run created is removed."""
        if self._db is not None:
            self._db.rollback()
            self._db.close()
            self._db = None
        if self._created and self.path is not None:
            self.path.unlink(missing_ok=True)
            try:
                self.path.parent.rmdir()  # only when empty: the manifest keeps it otherwise
                self.path.parent.parent.rmdir()
            except OSError:
                pass
