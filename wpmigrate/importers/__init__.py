"""Importers: each turns one kind of input into Site + a stream of Post records, and does nothing else.

    wxr.py          WordPress export files (.xml, .xml.gz; several files of one site)
    html_mirror.py  static mirrors of a WordPress site (HTTrack, wget)            [issue 5]
    frontmatter.py  front-matter files whose body is still WordPress HTML         [issue 5]
    mirror_urls.py  mirror paths -> the old site's URLs (HTTrack/wget names), shared by both
    pagemeta.py     what a rendered page says about itself (+ pagedates.py, pageindex.py)

Every importer returns an object with the `Source` shape: `.site` and a re-iterable `.posts()`.
The pipeline iterates `.posts()` once, in its index pass (the conversion pass reads the posts back
from the run's post spool), so a 1 GB export is streamed rather than held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, TypedDict, Unpack

from ..errors import InputError
from ..models import Post, Site

Warn = Callable[[str], None]


def warn_once(warn: Warn) -> Warn:
    """`warn`, saying each message once: an importer may read a file more than once (the WXR reader
    reads it again through its repairer at the first doubt), and would otherwise say things twice."""
    seen: set[str] = set()

    def once(message: str) -> None:
        if message not in seen:
            seen.add(message)
            warn(message)

    return once


class ImportOptions(TypedDict, total=False):
    """What a mirror or front-matter folder may need told; a WXR export needs none of it."""

    content_selector: str  # mirrors: the element that holds the post (--content-selector)
    site_url: str  # mirrors, front-matter folders: the old site's address (--site-url)
    keep_boilerplate: bool  # mirrors: keep blocks that end every post (--keep-boilerplate)
    drop_keys: tuple[str, ...]  # front-matter folders: header keys to leave out (--drop-key)


class Source(Protocol):
    site: Site

    def posts(self) -> Iterator[Post]: ...


def open_sources(paths: Sequence[Path], warn: Warn, **options: Unpack[ImportOptions]) -> Source:
    """Pick the importer for the given inputs. All inputs of one run must be of one kind."""
    from . import wxr

    if not paths:
        raise InputError("(no input)", "no input given", hint="pass a WordPress export file, e.g. export.xml")
    for p in paths:
        if not Path(p).exists():
            raise InputError(str(p), "no such file or folder", hint="check the path")
    kinds = {detect_kind(Path(p)) for p in paths}
    if len(kinds) > 1:
        raise InputError(
            str(paths[0]),
            f"inputs of different kinds given together ({', '.join(sorted(kinds))})",
            hint="convert each kind in its own run",
        )
    kind = kinds.pop()
    if kind == "wxr":
        return wxr.open_wxr([Path(p) for p in paths], warn)
    if kind == "mirror":
        from . import html_mirror

        return html_mirror.open_mirror([Path(p) for p in paths], warn, **options)
    if kind == "frontmatter":
        from . import frontmatter

        return frontmatter.open_frontmatter([Path(p) for p in paths], warn, **options)
    raise InputError(
        str(paths[0]),
        "not a WordPress export, HTML mirror or folder of front-matter files",
        hint="pass a WXR .xml/.xml.gz file, a mirror folder, or a folder of .md/.html posts",
    )


def detect_kind(path: Path) -> str:
    """'wxr', 'mirror', 'frontmatter' or 'unknown', from names and a peek at the content."""
    if path.is_file():
        name = path.name.lower()
        if name.endswith((".xml", ".xml.gz", ".wxr", ".gz")):
            return "wxr"
        if name.endswith((".md", ".markdown", ".html", ".htm")):
            head = path.read_bytes()[:4]
            return "frontmatter" if head.startswith(b"---") else "mirror"
        return "wxr"  # let the WXR reader give the precise error
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        # A mirror may hold a README.md and a front-matter folder may hold .html posts: count the
        # files that open with a front-matter header against plain HTML pages (the first 1000 text files).
        texts = [p for p in files if p.suffix.lower() in (".md", ".markdown", ".html", ".htm")][:1000]
        with_fm = sum(1 for p in texts if _starts_with_front_matter(p))
        plain_html = sum(1 for p in texts if p.suffix.lower() in (".html", ".htm")) - sum(
            1 for p in texts if p.suffix.lower() in (".html", ".htm") and _starts_with_front_matter(p)
        )
        if with_fm and with_fm >= plain_html:
            return "frontmatter"
        if plain_html:
            return "mirror"
        if any(p.suffix.lower() in (".md", ".markdown") for p in files):
            return "frontmatter"
    return "unknown"


def _starts_with_front_matter(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(8).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return False
