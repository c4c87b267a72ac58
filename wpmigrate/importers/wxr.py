"""WordPress export (WXR 1.0, 1.1, 1.2) reader: streams `Post` records with flat memory.

    export = open_wxr([Path("site.xml"), Path("site-2.xml.gz")], warn)
    export.site            # channel facts merged over all files
    for post in export.posts(): ...   # every item of every file, in file order; re-iterable

Parsing: lxml's pull parser (the feed interface behind iterparse), fed 1 MiB chunks; each <item> becomes a
`Post` at its end tag and is then cleared and removed from the tree, so memory stays flat however big the
file. No entity expansion, no DTD, no network (`resolve_entities=False, load_dtd=False, no_network=True`);
`huge_tree` lifts libxml2's 10 MB text-node limit (safe, nothing is expanded).

Namespaces: elements are matched by local name under a namespace *kind* ("wp", "excerpt", "content", "dc"),
found from the URI whatever its version or scheme (http/https wordpress.org/export/1.0|1.1|1.2, the excerpt
namespace is told from the wp one by its `/excerpt/`), else from the prefix. So `content:encoded` and
`excerpt:encoded` stay apart while a wp: element under an odd URI is still read.

Damage: the bytes pass through `xmlrepair.XmlRepairer` first (BOM, junk before `<?xml`, control characters,
non-UTF-8 bytes, bare `&` in URLs, HTML entities, unsplit `]]>` in CDATA): each repair is a warning naming
file and line, at most a few per kind and file, then a count. What the repairer cannot mend (truncated
file, mismatched tags, not WXR at all) raises `WxrError` with file, line, column and what to do.
A missing or unknown `wp:wxr_version` is a warning; the file is read as WXR 1.2 (versions differ little).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import os
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote

from lxml import etree

from ..errors import WxrError
from ..models import Author, Comment, Post, Site, Term
from ..statrecord import Stat, stat_of
from .phpserialize import looks_serialized, maybe_unserialize
from .xmlrepair import CleanPassage, NeedsRepair, XmlRepairer

Warn = Callable[[str], None]
CHUNK = 1 << 20
KNOWN_VERSIONS = {"1.0", "1.1", "1.2"}
MAX_WARNINGS_PER_KIND = 3
HINT_DAMAGED = "the export is damaged; export it again from WordPress, Tools > Export"
HINT_NOT_WXR = "pass the .xml file WordPress makes in Tools > Export"
HINT_TRUNCATED = "the export is cut short; download it again, or export it again from WordPress, Tools > Export"
_REPAIR_TEXT = {
    "bom": "removed {detail}",
    "junk": "removed {detail}",
    "whitespace": "removed {detail}",
    "encoding": "{detail}",
    "control": "removed control character {detail} (not allowed in XML)",
    "amp": "escaped a bare '&' that starts no entity reference: {detail}",
    "entity": "replaced HTML entity {detail} (undefined in XML) by its character",
    "unknown-entity": "unknown entity {detail} kept as text",
    "cdata": "kept {detail} as text (an old exporter did not escape it)",
    "stray-cdata-end": "escaped a stray {detail}",
}


@dataclass(frozen=True)
class FileIdentity:
    """What a complete read of one export file saw: the file's stat when it was opened, the same when the
    read ended, and the sha256 of every byte read (hashed as they streamed, not read again). lastrun.py
    decides when the stat alone identifies the bytes."""

    stat: Stat  # size, mtime_ns, inode, ctime_ns (statrecord.stat_of)
    before_ns: int  # time.time_ns() just before that stat was taken
    sha256: str


class WxrExport:
    """One site's export, possibly in several files. `.posts()` streams all files again on each call."""

    def __init__(self, paths: list[Path], warn: Warn) -> None:
        self.paths = [Path(p) for p in paths]
        self._warn = warn
        self._said: set[str] = set()  # warnings already given (posts() may run several times)
        self._terms: dict[tuple[str, str], Term] = {}
        self._damaged: set[Path] = set()  # files that need XmlRepairer (the others are read as they are)
        # Per file, what its complete reads saw (None once two differed), and the stat of every read
        # when it opened the file, complete or not (the header's, one given up for the repairer's).
        self._identities: dict[Path, FileIdentity | None] = {}
        self._opened: dict[Path, set[Stat]] = {}
        self._term_of: dict[tuple[str, str, str, str], Term] = {}
        self.site = self._read_sites()

    def identity(self, path: Path) -> FileIdentity | None:
        """The file as every read of this run saw it; None if no read was complete, or two reads saw
        different files (the run then mixed two versions of it)."""
        identity = self._identities.get(Path(path))
        if identity is None or self._opened.get(Path(path), set()) != {identity.stat}:
            return None
        return identity

    def read_whole(self, path: Path) -> bool:
        """True once a read of `path` was complete (whatever it found)."""
        return path in self._identities

    def opened(self, path: Path, stat: Stat) -> None:
        self._opened.setdefault(path, set()).add(stat)

    def saw(self, path: Path, identity: FileIdentity) -> None:
        if path not in self._identities:
            self._identities[path] = identity
            return
        known = self._identities[path]  # (the first read's `before_ns` kept: the earlier, the stricter)
        if known is not None and (known.stat, known.sha256) != (identity.stat, identity.sha256):
            self._identities[path] = None

    def posts(self) -> Iterator[Post]:
        for path in self.paths:
            yield from self._stream_items(path)

    # -- channel ----------------------------------------------------------------------------------------
    def _read_sites(self) -> Site:
        merged: dict[str, str] = {}
        authors: dict[str, Author] = {}
        for path in self.paths:
            facts, file_authors, terms = self._read_header(path)
            for key, value in facts.items():
                if value and not merged.get(key):
                    merged[key] = value
                elif value and key == "base_site_url" and value.rstrip("/") != merged[key].rstrip("/"):
                    self.say(
                        f"{path}: base_site_url {value} differs from {merged[key]} of the first file; "
                        "are these exports of one site?"
                    )
            for a in file_authors:
                authors.setdefault(a.login, a)
            for t in terms:
                self._terms.setdefault((t.domain, t.slug), t)
        return Site(authors=tuple(authors.values()), terms=tuple(self._terms.values()), **merged)

    def _read_header(self, path: Path) -> tuple[dict[str, str], list[Author], list[Term]]:
        """Channel facts up to the first <item> (WordPress writes them all before the items)."""
        facts: dict[str, str] = {}
        authors: list[Author] = []
        terms: list[Term] = []
        comment_generator = ""
        saw_wp = saw_channel = False
        version_line: int | None = None
        for event, el in _events(path, self, ("start", "end", "comment"), None):
            if event == "comment":
                if el.getparent() is None and not comment_generator:
                    m = re.search(r'generator="([^"]+)"', el.text or "")
                    comment_generator = m.group(1) if m else ""
                continue
            depth = _depth(el)
            if event == "start":
                if depth == 0:
                    _check_root(path, el)
                    saw_wp = any("wordpress.org/export" in (uri or "") for uri in el.nsmap.values())
                elif depth == 1 and _local(el) == "channel":
                    saw_channel = True
                elif depth == 2 and _local(el) == "item":
                    break
                continue
            if depth != 2 or _local(el.getparent()) != "channel":
                continue
            key = _key(el)
            saw_wp = saw_wp or key.startswith("wp:")
            if key == "wp:author":
                authors.append(_read_author(el))
            elif key in ("wp:category", "wp:tag", "wp:term"):
                term = _read_term(key, el)
                if term:
                    terms.append(term)
            elif key in _SITE_FIELDS:
                facts.setdefault(_SITE_FIELDS[key], _text(el))
                if key == "wp:wxr_version":
                    version_line = el.sourceline
            el.clear(keep_tail=True)
        if not saw_channel:
            raise WxrError(str(path), "an <rss> file without <channel>: not a WordPress export", hint=HINT_NOT_WXR)
        if not saw_wp:
            raise WxrError(
                str(path),
                "an RSS feed, not a WordPress export (no wp: elements)",
                hint="a feed holds only recent posts; " + HINT_NOT_WXR,
            )
        facts.setdefault("generator", comment_generator)
        version = facts.get("wxr_version", "")
        if not version:
            self.say(f"{path}: no wp:wxr_version; reading it as WXR 1.2")
        elif version not in KNOWN_VERSIONS:
            self.say(
                f"{path}:{version_line}: wp:wxr_version is {version!r}, not 1.0, 1.1 or 1.2; reading it as WXR 1.2"
            )
        return facts, authors, terms

    # -- items ------------------------------------------------------------------------------------------
    def _stream_items(self, path: Path) -> Iterator[Post]:
        """The file's bytes go to the parser as they are while CleanPassage finds them clean (most exports:
        the repairer's Python scan is most of the reading time); at the first doubt the file is read again
        through XmlRepairer, its first `done` items skipped (they were read from the same bytes)."""
        done = 0
        if path not in self._damaged:
            try:
                for post in self._posts_of(path, _events(path, self, ("end",), "{*}item", repair=False), 0):
                    done += 1
                    if post is not None:
                        yield post
                return
            except NeedsRepair:
                self._damaged.add(path)
        for post in self._posts_of(path, _events(path, self, ("end",), "{*}item"), done):
            if post is not None:
                yield post

    def _posts_of(
        self,
        path: Path,
        events: Iterator[tuple[str, etree._Element]],
        skip: int,
    ) -> Iterator[Post | None]:
        """One Post per item of the channel; None for the first `skip` items."""
        source = str(path)
        for _event, el in events:
            parent = el.getparent()
            if parent is None or _local(parent) != "channel":
                continue  # an <item> nested in something else is not a post
            if skip:
                skip -= 1
                post = None
            else:
                post = self._read_item(source, el)
            el.clear(keep_tail=True)
            while el.getprevious() is not None:  # drop finished items so the tree stays small
                del parent[0]
            yield post

    def _read_item(self, source: str, item: etree._Element) -> Post:
        # The hot loop of reading an export (~30 children an item): keys come from the tag cache inline,
        # and a leaf's text is read without the helpers' calls (issue 11).
        f: dict[str, str] = {}
        raw_terms: list[tuple[str, str, str]] = []
        meta: dict[str, object] = {}
        comments: list[Comment] = []
        line = item.sourceline
        keys = _KEY_CACHE
        for child in item:
            tag = child.tag
            key = keys.get(tag)  # (a comment's or PI's tag is a function: never in the cache)
            if key is None:
                if not isinstance(tag, str):
                    continue  # comments, PIs
                key = _key(child)
            if key == ":category":
                raw_terms.append(self._raw_term(child))
            elif key == "wp:postmeta":
                mk, mv = _pair(child)
                meta[mk] = self._decode_meta(source, line, mk, mv)
            elif key == "wp:comment":
                comments.append(self._read_comment(child))
            elif key not in f:
                if len(child):
                    f[key] = "".join(child.itertext()).strip()
                else:
                    text = child.text
                    f[key] = text.strip() if text else ""
        terms = self._resolve_terms(raw_terms) if raw_terms else []
        where = f"{source}:{line}"
        date = self._date(where, f, "wp:post_date")
        date_gmt = self._date(where, f, "wp:post_date_gmt")
        if "wp:post_date" not in f or "wp:post_date_gmt" not in f:
            pub = _pubdate(f.get(":pubDate", ""))
            if pub is not None:
                if "wp:post_date" not in f:
                    date = pub.replace(tzinfo=None)
                if "wp:post_date_gmt" not in f:
                    date_gmt = pub.astimezone(UTC).replace(tzinfo=None)
        get = f.get
        return Post(
            source=source,
            line=line,
            id=_int(get("wp:post_id")),
            title=get(":title", ""),
            slug=unquote(get("wp:post_name", "")),
            link=get(":link", ""),
            guid=get(":guid", ""),
            # wp_insert_post() makes a post without status a draft; so do we
            status=get("wp:status") or "draft",
            type=get("wp:post_type") or "post",
            date=date,
            date_gmt=date_gmt,
            modified=self._date(where, f, "wp:post_modified"),
            modified_gmt=self._date(where, f, "wp:post_modified_gmt"),
            author=get("dc:creator", ""),
            terms=tuple(terms),
            excerpt=get("excerpt:encoded", ""),
            content=get("content:encoded", ""),
            parent=_int(get("wp:post_parent")) or None,
            menu_order=_int(get("wp:menu_order")) or 0,
            sticky=get("wp:is_sticky", "0") == "1",
            password=get("wp:post_password", ""),
            meta=meta,
            attachment_url=get("wp:attachment_url", ""),
            comments=tuple(comments),
        )

    @staticmethod
    def _raw_term(el: etree._Element) -> tuple[str, str, str]:
        text = el.text if len(el) == 0 else "".join(el.itertext())
        return (
            _normal_domain(el.get("domain", "")) or "category",
            unquote(el.get("nicename", "")),
            term_name(text.strip() if text else ""),
        )

    def _resolve_terms(self, raw: list[tuple[str, str, str]]) -> list[Term]:
        """Item terms, deduplicated, with slug and parent from the channel's term list where known.

        WXR 1.0 writes each term twice, once without nicename (and categories without domain)."""
        named = {(d, n) for d, s, n in raw if s}
        out: dict[tuple[str, str], Term] = {}
        for domain, slug, name in raw:
            if not slug:
                if (domain, name) in named:
                    continue
                slug = next((t.slug for t in self._terms.values() if t.domain == domain and t.name == name), "")
            key = (domain, slug or name)
            if key not in out:
                known = self._terms.get((domain, slug))
                fields = (domain, slug, name, known.parent if known else "")
                term = self._term_of.get(fields)
                if term is None:  # one Term per distinct term, shared by its posts (frozen)
                    term = self._term_of[fields] = Term(*fields)
                out[key] = term
        return list(out.values())

    def _decode_meta(self, source: str, line: int | None, key: str, value: str) -> object:
        decoded, ok = maybe_unserialize(value)
        if not ok and key == "_wp_attachment_metadata" and looks_serialized(value):
            self.say(f"{source}:{line}: _wp_attachment_metadata is not readable PHP-serialized data; kept as text")
        return decoded

    def _read_comment(self, el: etree._Element) -> Comment:
        f: dict[str, str] = {}  # (the last of each key counts)
        keys = _KEY_CACHE
        for c in el:
            tag = c.tag
            key = keys.get(tag)
            if key is None:
                if not isinstance(tag, str):
                    continue
                key = _key(c)
            if key != "wp:commentmeta":
                f[key] = _text(c)
        return Comment(
            id=_int(f.get("wp:comment_id")),
            author=f.get("wp:comment_author", ""),
            author_email=f.get("wp:comment_author_email", ""),
            author_url=f.get("wp:comment_author_url", ""),
            date=_wpdate(f.get("wp:comment_date", "")),
            date_gmt=_wpdate(f.get("wp:comment_date_gmt", "")),
            content=f.get("wp:comment_content", ""),
            approved=f.get("wp:comment_approved", "1"),
            parent=_int(f.get("wp:comment_parent")) or None,
            type=f.get("wp:comment_type", ""),
        )

    def _date(self, where: str, f: dict[str, str], key: str) -> datetime | None:
        raw = f.get(key, "")
        value = _wpdate(raw)
        if value is None and raw and not raw.startswith("0000-00-00"):
            self.say(f"{where}: unreadable date {raw!r} in {key}; treated as no date")
        return value

    # -- warnings ---------------------------------------------------------------------------------------
    def say(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            self._warn(message)

    def report_repairs(self, path: Path, repairs: list, counts: Counter[str], final: bool) -> None:
        """Warn about new repairs: the first few of each kind, and at the end of the file a count of the rest."""
        for r in repairs:
            counts[r.kind] += 1
            if counts[r.kind] <= MAX_WARNINGS_PER_KIND:
                self.say(f"{path}:{r.line}: " + _REPAIR_TEXT[r.kind].format(detail=r.detail))
        if final:
            for kind, n in counts.items():
                if n > MAX_WARNINGS_PER_KIND:
                    self.say(
                        f"{path}: ... and {n - MAX_WARNINGS_PER_KIND} more repairs like "
                        f"'{_REPAIR_TEXT[kind].format(detail='...')}'"
                    )


def open_wxr(paths: list[Path], warn: Warn) -> WxrExport:
    """Read the channel header of every file now (a non-WXR file fails here); posts stream later."""
    return WxrExport(paths, warn)


# -- the event stream ---------------------------------------------------------------------------------
def _events(
    path: Path, export: WxrExport, events: tuple[str, ...], tag: str | None, repair: bool = True
) -> Iterator[tuple[str, etree._Element]]:
    """Parser events over the repaired bytes of `path`; any fault becomes a one-line WxrError. With
    repair=False, over the bytes as they are, and any doubt or fault raises NeedsRepair instead."""
    repairer = XmlRepairer() if repair else CleanPassage()
    parser = etree.XMLPullParser(
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=False,
    )
    seen_root = False
    counts: Counter[str] = Counter()
    done = 0  # repairs already reported

    def report(final: bool) -> None:
        nonlocal done
        export.report_repairs(path, repairer.repairs[done:], counts, final)
        done = len(repairer.repairs)

    try:
        # Hashed once per run: a later read only shows, by its stat, that it read the same file.
        with _open_binary(path, hashing=not export.read_whole(path)) as (fh, reader):
            export.opened(path, reader.stat)
            while True:
                raw = fh.read(CHUNK)
                parser.feed(repairer.feed(raw, final=not raw))
                report(final=False)
                if not seen_root:
                    _check_sniffed_root(path, repairer)
                    seen_root = repairer.root_name is not None
                for ev in parser.read_events():
                    yield ev
                if not raw:
                    break
            try:
                parser.close()
            except etree.XMLSyntaxError as e:
                # libxml2 reports some faults (an odd namespace URI) as non-fatal: everything was read
                # (e.error_log also holds older errors of this thread: look only at this one)
                this = [x for x in e.error_log if x.line == e.lineno and x.type == e.code]
                if not this or any(x.level_name == "FATAL" for x in this):
                    raise
                export.say(f"{path}:{e.lineno}: {_soft_error_text(this[-1].message)}")
            for ev in parser.read_events():
                yield ev
            identity = reader.identity()
            if identity is not None:
                export.saw(path, identity)
        report(final=True)
    except etree.XMLSyntaxError as e:
        if not repair:
            raise NeedsRepair from None
        _check_sniffed_root(path, repairer)
        raise _syntax_error(path, e, repairer.lines if repairer.at_eof else None) from None
    except (OSError, EOFError, zlib.error) as e:
        if not repair:
            raise NeedsRepair from None
        hint = (
            "download or copy the file again"
            if isinstance(e, (EOFError, zlib.error, gzip.BadGzipFile))
            else "check the path and its permissions"
        )
        raise WxrError(str(path), f"cannot read: {getattr(e, 'strerror', None) or e}", hint=hint) from None


_UNDECLARED = re.compile(r"Namespace prefix (\S+) on (\S+) is not defined")


def _soft_error_text(message: str) -> str:
    """A fault libxml2 read past, as a warning."""
    m = _UNDECLARED.match(message)
    if m:
        prefix, name = m.groups()
        return (
            f"namespace prefix {prefix!r} of <{prefix}:{name}> is not declared (the exporter left it out); read as is"
        )
    return f"{message} (ignored)"


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _HashingReader:
    """The file's bytes as read, hashed on the way (gzip reads through it too: the hash is the file's)."""

    def __init__(self, fh: BinaryIO, hashing: bool) -> None:
        self._fh = fh
        self._before = time.time_ns()
        self.stat = stat_of(os.fstat(fh.fileno()))
        self._digest = hashlib.sha256() if hashing else None
        self._count = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._fh.read(size)
        if self._digest is not None:
            self._digest.update(data)
        self._count += len(data)
        return data

    def identity(self) -> FileIdentity | None:
        """The read's identity once every byte was read and the file did not change meanwhile."""
        if self._digest is None or self._count != self.stat[0]:
            return None
        if stat_of(os.fstat(self._fh.fileno())) != self.stat:
            return None
        return FileIdentity(self.stat, self._before, self._digest.hexdigest())


@contextmanager
def _open_binary(path: Path, hashing: bool = True) -> Iterator[tuple[_Readable, _HashingReader]]:
    """(the decompressed bytes, the reader of the file's own bytes, hashing them if asked)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
        fh.seek(0)
        raw = _HashingReader(fh, hashing)
        if magic == b"\x1f\x8b":
            # (typeshed's overloads do not take a duck-typed reader)
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:  # type: ignore[call-overload]
                yield gz, raw
        else:
            yield raw, raw


def _check_root(path: Path, el: etree._Element) -> None:
    if _local(el) != "rss":
        _not_wxr(path, _local(el), el.sourceline)


def _check_sniffed_root(path: Path, repairer: XmlRepairer | CleanPassage) -> None:
    name = repairer.root_name
    if name is not None and name.split(":")[-1] != "rss":
        _not_wxr(path, name, None)


def _not_wxr(path: Path, name: str, line: int | None) -> None:
    what = "an HTML page" if name.lower() == "html" else f"an XML file whose root is <{name}>"
    raise WxrError(str(path), f"not a WordPress export: {what}, not <rss>", line=line, hint=HINT_NOT_WXR)


_MISMATCH = re.compile(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)")
_PREMATURE = re.compile(r"Premature end of data in tag (\S+) line (\d+)")
_TRAILER = re.compile(r",? line \d+, column \d+$")


def _syntax_error(path: Path, e: etree.XMLSyntaxError, last_line: int | None) -> WxrError:
    msg = _TRAILER.sub("", (e.msg or str(e)).strip())
    line, column = e.position if e.position and e.position[0] else (e.lineno or None, None)
    hint = HINT_DAMAGED
    m = _MISMATCH.match(msg)
    if m:
        msg = f"mismatched tag: expected </{m.group(1)}> (opened on line {m.group(2)}), found </{m.group(3)}>"
    elif (m := _PREMATURE.match(msg)) or msg in ("no element found", "EndTag: '</' not found"):
        msg = "the file ends too early" + (f", inside <{m.group(1)}> opened on line {m.group(2)}" if m else "")
        hint = HINT_TRUNCATED
    elif last_line is not None and line and line >= last_line:
        msg = f"the file ends too early ({msg})"
        hint = HINT_TRUNCATED
    elif msg.startswith(("Document is empty", "Start tag expected")):
        msg, hint = "empty or not XML", HINT_NOT_WXR
    return WxrError(str(path), msg, line=line or None, column=column or None, hint=hint)


# -- element helpers ----------------------------------------------------------------------------------
_KIND_CACHE: dict[tuple[str, str | None], str] = {}
_PREFIX_KINDS = {"wp", "excerpt", "content", "dc"}
_SITE_FIELDS = {
    ":title": "title",
    ":link": "link",
    ":description": "description",
    ":language": "language",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
    ":generator": "generator",
}


def _kind(uri: str, prefix: str | None) -> str:
    got = _KIND_CACHE.get((uri, prefix))
    if got is None:
        if "wordpress.org/export" in uri:
            got = "excerpt" if "/excerpt" in uri else "wp"
        elif "purl.org/rss/1.0/modules/content" in uri:
            got = "content"
        elif "purl.org/dc/elements" in uri:
            got = "dc"
        elif not uri:
            got = ""
        else:
            got = prefix if prefix in _PREFIX_KINDS else "other"
        _KIND_CACHE[(uri, prefix)] = got
    return got


_KEY_CACHE: dict[str, str] = {}


def _key(el: etree._Element) -> str:
    """'kind:local', e.g. 'wp:post_id', 'content:encoded', ':title' (no namespace)."""
    tag = el.tag
    key = _KEY_CACHE.get(tag)
    if key is None:
        if tag[0] != "{":
            key = ":" + tag
        else:
            uri, local = tag[1:].split("}", 1)
            kind = _kind(uri, el.prefix)
            if kind != _kind(uri, None):
                return f"{kind}:{local}"  # known by its prefix only: do not cache by tag
            key = f"{kind}:{local}"
        _KEY_CACHE[tag] = key
    return key


def _local(el: etree._Element) -> str:
    tag = el.tag
    if isinstance(tag, str) and tag[:1] != "{":
        # An undeclared prefix (`atom:link` in old WordPress.com exports) stays in the name as text.
        return tag.rsplit(":", 1)[-1]
    return etree.QName(el).localname


def _depth(el: etree._Element) -> int:
    d = 0
    while (el := el.getparent()) is not None:
        d += 1
    return d


def _text(el: etree._Element) -> str:
    return _raw(el).strip()


def _raw(el: etree._Element) -> str:
    return el.text or "" if len(el) == 0 else "".join(el.itertext())


def _pair(el: etree._Element) -> tuple[str, str]:
    key = value = ""
    for c in el:
        if isinstance(c.tag, str):
            k = _key(c)
            if k.endswith(":meta_key"):
                key = _text(c)
            elif k.endswith(":meta_value"):
                value = _raw(c)
    return key, value


def _read_author(el: etree._Element) -> Author:
    f = {_key(c): _text(c) for c in el if isinstance(c.tag, str)}
    return Author(
        login=f.get("wp:author_login", ""),
        display_name=f.get("wp:author_display_name", ""),
        email=f.get("wp:author_email", ""),
        first_name=f.get("wp:author_first_name", ""),
        last_name=f.get("wp:author_last_name", ""),
    )


def _read_term(key: str, el: etree._Element) -> Term | None:
    f = {_key(c): _text(c) for c in el if isinstance(c.tag, str)}
    if key == "wp:category":
        domain, slug, name, parent = (
            "category",
            f.get("wp:category_nicename", ""),
            f.get("wp:cat_name", ""),
            f.get("wp:category_parent", ""),
        )
    elif key == "wp:tag":
        domain, slug, name, parent = "post_tag", f.get("wp:tag_slug", ""), f.get("wp:tag_name", ""), ""
    else:
        domain, slug, name, parent = (
            f.get("wp:term_taxonomy", ""),
            f.get("wp:term_slug", ""),
            f.get("wp:term_name", ""),
            f.get("wp:term_parent", ""),
        )
    if not (slug or name):
        return None
    return Term(_normal_domain(domain) or "category", unquote(slug), term_name(name), unquote(parent))


def term_name(text: str) -> str:
    """A term name as a reader sees it. WordPress stores names HTML-escaped (`Tips &amp; Misc`) and the
    export writes them so inside CDATA, where XML does not decode them: decode once, as for titles."""
    return html.unescape(text) if "&" in text else text


def _normal_domain(domain: str) -> str:
    return "post_tag" if domain == "tag" else domain  # WXR 1.0 wrote domain="tag"


def _int(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def _wpdate(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw or raw.startswith("0000-00-00"):
        return None
    try:
        value = datetime.fromisoformat(raw)  # "2010-10-20 14:08:20"
    except ValueError:
        return None
    return value if value.tzinfo is None else value.replace(tzinfo=None)


def _pubdate(raw: str) -> datetime | None:
    """RSS pubDate with its offset; WordPress writes '30 Nov -0001' for no date."""
    raw = raw.strip()
    if not raw or "-0001" in raw:
        return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
