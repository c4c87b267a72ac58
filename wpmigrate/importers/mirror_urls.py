"""Mirror paths and URLs: which folder is the site's root, and the URL a mirror-relative href had. Pure
but for `local_file` (which looks at the disk). Used by html_mirror.py and frontmatter.py.

HTTrack keeps other hosts in sibling folders (`../i1.wp.com/...`) and saves `name.ext?query` as
`name` + md5(query)[:4] + `.ext`; wget keeps `name?query`; both save a directory URL as `index.html`.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import Tag

from ..models import Site
from ..tagattrs import attr_str

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass
class Layout:
    """Which folder of the mirror is the site root, and the URL it had."""

    site_dir: str = ""  # POSIX, relative to the input root; "" for the root itself
    site_url: str = "https://example.invalid/"

    def page_path(self, rel: str) -> str:
        if not self.site_dir:
            return rel
        return posixpath.relpath(rel, self.site_dir)


# ---------------------------------------------------------------- URLs

HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](?::\d+)?$", re.I)
FILE_EXT_RE = re.compile(r"\.(html?|php|aspx?|jsp|xml|json|js|css|jpe?g|png|gif|webp|svg|pdf|txt|zip|mp[34])$", re.I)


def is_host_folder(name: str) -> bool:
    return bool(HOST_RE.match(name)) and not FILE_EXT_RE.search(name)


def unhash_httrack(name: str, query: str) -> str:
    """HTTrack saves `name.ext?q` as `name` + md5(q)[:4] + `.ext`: undo it when the hash checks out."""
    m = re.match(r"^(.*?)([0-9a-f]{4})(\.[A-Za-z0-9]+)$", name)
    if m and query and hashlib.md5(query.encode("utf-8")).hexdigest()[:4] == m.group(2):
        return m.group(1) + m.group(3)
    return name


def mirror_url_to_link(href: str, page_path: str, site: Site) -> str:
    """A mirror-relative href -> the absolute URL it had on the old site.

    `page_path` is the page's path relative to the site's root folder in the mirror (e.g.
    `2012/08/slug/index.html`); `site.link` is the URL of that folder. `../i1.wp.com/x` (HTTrack
    keeps other hosts in sibling folders) becomes `https://i1.wp.com/x`; HTTrack's query hashes
    (`indexd784.html?feed=rss2`) are undone; absolute URLs, fragments and mailto: pass unchanged.
    """
    href = htmllib.unescape((href or "").strip())
    if not href or href.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
        return href
    if href.startswith("//"):
        return "https:" + href
    root = site.link if site.link.endswith("/") else site.link + "/"
    parts = urlsplit(href)
    tail = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    if parts.path.startswith("/"):
        origin = urlsplit(root)
        return f"{origin.scheme}://{origin.netloc}{_unhash_path(parts.path, parts.query)}{tail}"
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), parts.path)) if parts.path else page_path
    if parts.path.endswith("/") and not joined.endswith("/"):
        joined += "/"
    if joined in (".", "./"):
        joined = ""
    segs = joined.split("/")
    ups = 0
    while segs and segs[0] == "..":
        segs.pop(0)
        ups += 1
    if ups and segs and is_host_folder(segs[0]):
        return f"https://{segs[0]}/{_unhash_path('/'.join(segs[1:]), parts.query)}{tail}"
    return root + _unhash_path("/".join(segs), parts.query) + tail


def _unhash_path(path: str, query: str) -> str:
    head, _, name = path.rpartition("/")
    name = unhash_httrack(name, htmllib.unescape(query))
    if name in ("index.html", "index.htm"):  # wget/HTTrack's name for a directory URL
        name = ""
    return f"{head}/{name}" if head else name


def url_identity(url: str) -> str:
    """Host (no www) + decoded path without index.html or trailing slash + query: one post, one key."""
    parts = urlsplit(url)
    host = parts.netloc.lower().split(":")[0]
    host = host[4:] if host.startswith("www.") else host
    path = unquote(parts.path)
    if path.endswith(("/index.html", "/index.htm", "/index.php")):
        path = path.rsplit("/", 1)[0]
    return host + path.rstrip("/") + ("?" + parts.query if parts.query else "")


def infer_layout(pages: Sequence[Any], roots: list[Path], site_url: str = "") -> tuple[Layout, str]:
    """Vote over pages that state their own URL: align file path and URL path from the end."""
    votes: Counter[tuple[str, str]] = Counter()
    for p in pages:
        if p.url.startswith("http"):
            aligned = align_path(p.rel, p.url)
            if aligned:
                votes[aligned] += 1
    if site_url:
        site_dir = votes.most_common(1)[0][0][0] if votes else ""
        return Layout(site_dir, site_url if site_url.endswith("/") else site_url + "/"), "--site-url"
    if votes:
        (site_dir, url), _ = votes.most_common(1)[0]
        return Layout(site_dir, url), "page URLs (canonical/og:url/oEmbed)"
    for root in roots:
        if root.is_dir() and is_host_folder(root.name):
            return Layout("", f"https://{root.name}/"), "folder name"
        hosts = [d.name for d in root.iterdir() if d.is_dir() and is_host_folder(d.name)] if root.is_dir() else []
        if len(hosts) >= 1:
            best = max(hosts, key=lambda h: sum(1 for p in pages if p.rel.startswith(h + "/")))
            return Layout(best, f"https://{best}/"), "HTTrack host folder"
    return Layout(), ""


def align_path(rel: str, url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    upath = [unquote(s) for s in parts.path.split("/") if s]
    rpath = [unquote(s) for s in rel.split("/") if s]
    if rpath and rpath[-1].lower() in ("index.html", "index.htm"):
        rpath = rpath[:-1]
    if upath and upath[-1].lower() in ("index.html", "index.htm", "index.php"):
        upath = upath[:-1]
    k = 0
    while k < min(len(rpath), len(upath)):
        r, u = rpath[-1 - k], upath[-1 - k]
        if r != u and not (k == 0 and r.rsplit(".", 1)[0] == u):
            break
        k += 1
    if k == 0 and (rpath or upath):
        return None
    site_dir = "/".join(rel.split("/")[: len(rpath) - k])
    url_root = f"{parts.scheme}://{parts.netloc}/" + "".join(s + "/" for s in upath[: len(upath) - k])
    return site_dir, url_root


URL_ATTRS = (
    "href",
    "src",
    "poster",
    "data-src",
    "data-lazy-src",
    "data-orig-file",
    "data-medium-file",
    "data-large-file",
    "data-full-url",
    "data-link",
)


def absolutize(
    el: Tag, page_path: str, site: Site, site_root: Path | None, mirror_root: Path | None = None
) -> dict[str, str]:
    """Make every relative URL in el absolute (in place); return {absolute URL: mirror file} for
    referenced files that exist in the mirror (images first of all, HTTrack names included)."""
    local: dict[str, str] = {}

    def fix(url: str) -> str:
        new = mirror_url_to_link(url, page_path, site)
        if new != url and site_root is not None and not re.match(r"^[a-z][a-z0-9+.-]*:", url.strip(), re.I):
            f = local_file(url, page_path, site_root, mirror_root or site_root)
            if f is not None and f.suffix.lower() not in PAGE_SUFFIXES:
                local[new] = str(f)
        return new

    for tag in el.find_all(True):
        for attr in URL_ATTRS:
            value = tag.get(attr)
            if isinstance(value, str):
                tag[attr] = fix(value)
        for attr in ("srcset", "data-srcset"):
            if tag.has_attr(attr):
                cands = []
                for cand in attr_str(tag, attr).split(","):
                    bits = cand.strip().split(None, 1)
                    if bits:
                        cands.append(" ".join([fix(bits[0]), *bits[1:]]))
                tag[attr] = ", ".join(cands)
    return local


def local_file(href: str, page_path: str, site_root: Path, mirror_root: Path) -> Path | None:
    """The mirror's file for a relative href, never one outside mirror_root (`../../etc/passwd`)."""
    path = urlsplit(htmllib.unescape(href.strip())).path
    if not path or path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    for cand in (joined, unquote(joined)):
        f = Path(os.path.normpath(site_root / cand))
        try:
            if f.is_file() and f.resolve().is_relative_to(mirror_root.resolve()):
                return f
        except OSError:
            continue
    return None
