"""The link map: an old WordPress URL of a post or page -> how the new site refers to it. Pure.

A post is known by every URL WordPress gave it: its permalink (`link`), its `guid` when that is
a URL, and the `?p=ID` / `?page_id=ID` forms. Keys ignore the scheme, a `www.` prefix, case of the
host, percent-encoding and a trailing slash, so `http://www.Example.com/2012/08/caf%C3%A9/` and
`https://example.com/2012/08/café` are one post. Only links on the site's own hosts (or
root-relative ones) are rewritten; a fragment (`#comments`) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit


def host_key(host: str) -> str:
    host = (host or "").lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def url_key(url: str) -> str | None:
    """The lookup key of a site URL (path plus a meaningful query), or None when there is none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = unquote(parts.path or "/", errors="replace")
    if path.endswith(("/index.html", "/index.php")):
        path = path.rsplit("/", 1)[0] + "/"
    path = path.rstrip("/") or "/"
    query = parse_qs(parts.query)
    for name in ("p", "page_id", "attachment_id"):
        if name in query and query[name][0].isdigit():
            return f"?{name}={int(query[name][0])}"
    if path == "/" and parts.query:
        return None
    return path


def url_keys(urls: list[str]) -> tuple[str, ...]:
    """The keys under which a post's old URLs are found (none for "" or the site's root)."""
    keys = (url_key(url) for url in urls if url)
    return tuple(key for key in keys if key and key != "/")


@dataclass
class LinkMap:
    hosts: set[str] = field(default_factory=set)
    targets: dict[str, str] = field(default_factory=dict)

    def add_host(self, url: str) -> None:
        host = host_key(urlsplit(url).netloc) if url else ""
        if host:
            self.hosts.add(host)

    def add(self, urls: list[str], ref: str) -> None:
        """Register every old URL of one post; the first post to claim a key keeps it."""
        self.add_keys(url_keys(urls), ref)

    def add_keys(self, keys: tuple[str, ...], ref: str) -> None:
        """Register the url_keys() of one post's old URLs; the first post to claim a key keeps it."""
        for key in keys:
            self.targets.setdefault(key, ref)

    def add_ids(self, post_id: int | None, type: str, ref: str) -> None:
        if post_id is None:
            return
        self.targets.setdefault(f"?p={post_id}", ref)
        if type == "page":
            self.targets.setdefault(f"?page_id={post_id}", ref)

    def rewrite(self, href: str) -> str:
        """The new reference for `href`, or `href` itself when it is not one of our posts."""
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            return href
        try:
            parts = urlsplit(href)
        except ValueError:
            return href
        if parts.scheme not in ("", "http", "https"):
            return href
        if parts.netloc:
            if host_key(parts.netloc) not in self.hosts:
                return href
        elif not parts.path.startswith("/") and not parts.query:
            return href  # a relative link: the importer that knows its base resolves it first
        key = url_key(href)
        ref = self.targets.get(key) if key else None
        if not ref:
            return href
        return ref + (f"#{parts.fragment}" if parts.fragment else "")
