"""Media URLs -> one local file each. Pure: no disk, no network (assetstage.py and fetch.py do the I/O).

    reference in a post --parse_reference--> Origin: absolute origin URL (+ its Photon form)
    origin --original_candidates--> [best original, ..., the referenced variant]
    best original --local_path--> assets/images/YYYY/MM/name.ext (deterministic, safe everywhere)

AssetResolver ties these together for the converter (ConvertContext.rewrite_asset) and tells the
asset stage (assetstage.py) what to fetch; relink_failed() points references of assets that could
not be fetched back at their absolute origin URL, so a failure never leaves a dead local path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from os.path import commonpath
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from .emit.links import host_key
from .models import Site
from .pathsafe import EXTENSION as _EXT
from .pathsafe import check_relpath, safe_dir, safe_file_name
from .settings import Settings

_AMP = re.compile(r"&(?:amp|#0*38|#x0*26);", re.I)
_PHOTON = re.compile(r"^i\d+\.wp\.com$")
_HOSTLIKE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$")
_SIZED = re.compile(r"-\d{1,5}x\d{1,5}$")
_SCALED = re.compile(r"-(?:scaled|rotated)$")
_PATH_SAFE = "!$&'*+,;=:@-._~"  # RFC 3986 pchar minus parentheses (they break Markdown links)
MAX_RELPATH_CHARS = 180  # leaves room for the output folder under Windows' 260-character limit


def is_wp_cdn(host: str) -> bool:
    """WordPress's own media hosts: Photon (iN.wp.com), s0.wp.com, *.files.wordpress.com, s.w.org."""
    host = host.lower().split(":")[0]
    return host == "wp.com" or host.endswith((".wp.com", ".files.wordpress.com")) or host == "s.w.org"


def unescape_amp(url: str) -> str:
    """`&amp;` (also double-escaped, `&#038;`, `&#x26;`) -> `&`. Only these: a full HTML unescape would
    turn a query like `?a=1&copy=2` into `?a=1©=2`."""
    previous = None
    while previous != url:
        previous, url = url, _AMP.sub("&", url)
    return url


def canonical_path(path: str) -> str:
    """Percent-decode then re-encode each segment, so `caf%C3%A9`, `café` and `%63afé` compare equal."""
    return "/".join(quote(unquote(seg), safe=_PATH_SAFE) for seg in path.split("/"))


def _httrack_hash(query: str) -> str:
    return hashlib.md5(query.encode("utf-8")).hexdigest()[:4]


@dataclass(frozen=True)
class Origin:
    """Where a media reference really points."""

    url: str  # absolute origin URL (no Photon, no size args, canonical percent-encoding)
    photon_host: str = ""  # "i1.wp.com" when the reference went through Photon
    mirror: bool = False  # the reference was a path into a local mirror (../HOST/PATH)
    renamed: bool = False  # an HTTrack `name+md5[:4].ext` local name was mapped back (ext may be a guess)


def _resolve_relative(
    path: str, query: str, hosts: frozenset[str], base: str
) -> tuple[str, str, str, str, bool, bool] | None:
    """A relative reference -> (scheme, host, path, query, mirror, renamed), or None when unknowable.

    Mirror layout (HTTrack, wget -x): `../HOST/PATH`, HOST a WordPress CDN, a site host, or any
    host-like folder followed by a wp-content path. Otherwise only `wp-content` paths are joined
    to the site's base URL: other relative links cannot be told from the post's own files."""
    segs = path.split("/")
    while segs and segs[0] in ("", ".", ".."):
        segs.pop(0)
    if not segs:
        return None
    first = unquote(segs[0]).lower()
    if (
        len(segs) > 1
        and _HOSTLIKE.match(first)
        and (is_wp_cdn(first) or host_key(first) in hosts or "wp-content" in segs)
    ):
        name, renamed = segs[-1], False
        if query and "." in name:
            stem, ext = name.rsplit(".", 1)
            if len(stem) > 4 and stem[-4:].lower() == _httrack_hash(query):
                segs[-1], renamed = f"{stem[:-4]}.{ext}", True
        b = urlsplit(base) if base else None
        scheme = b.scheme if b and host_key(b.netloc) == host_key(first) and b.scheme else "https"
        return scheme, first, "/" + "/".join(segs[1:]), query, True, renamed
    if "wp-content" in segs and base:
        b = urlsplit(base)
        if b.netloc:
            k = segs.index("wp-content")
            return b.scheme or "https", b.netloc.lower(), "/" + "/".join(segs[k:]), query, False, False
    return None


def parse_reference(ref: str, site_hosts: Iterable[str] = (), base: str = "") -> Origin | None:
    """A media URL as written in a post -> its Origin; None when it is not a resolvable http(s) URL.

    `site_hosts` are the site's hosts (any form: `www.x.com`, `x.com`), `base` its base URL (for
    `wp-content/...` paths without a host). URLs on unrelated hosts come back unchanged (only
    `&amp;` decoded): their query may be meaningful."""
    hosts = frozenset(host_key(h) for h in site_hosts)
    s = unescape_amp(ref.strip())
    if not s or s.startswith(("#", "data:", "mailto:", "javascript:")):
        return None
    if s.startswith("//"):
        s = "https:" + s
    try:
        parts = urlsplit(s)
        port = parts.port
    except ValueError:
        return None
    mirror = renamed = False
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        scheme, host, path, query = parts.scheme, parts.hostname.lower(), parts.path, parts.query
        if port and port != {"http": 80, "https": 443}[scheme]:
            host = f"{host}:{port}"
    else:
        rel = _resolve_relative(parts.path, parts.query, hosts, base)
        if rel is None:
            return None
        scheme, host, path, query, mirror, renamed = rel
    photon_host = ""
    if _PHOTON.match(host):
        inner = path.lstrip("/").split("/", 1)
        if len(inner) == 2 and _HOSTLIKE.match(unquote(inner[0]).lower()):
            ssl = "1" in parse_qs(query).get("ssl", [])
            photon_host, scheme = host, "https" if ssl else "http"
            host, path, query = unquote(inner[0]).lower(), "/" + inner[1], ""
    wpish = bool(photon_host) or mirror or is_wp_cdn(host) or host_key(host) in hosts or "/wp-content/" in path
    if not wpish:
        return Origin(s)
    path = canonical_path(path or "/")
    if _EXT.search(path.rsplit("/", 1)[-1]):
        query = ""  # ?w=, ?resize=, ?ssl=, cache busters: never part of the original file
    return Origin(urlunsplit((scheme, host, path, query, "")), photon_host, mirror, renamed)


def origin_url(url: str, site_hosts: Iterable[str] = (), base: str = "") -> str:
    """The absolute origin URL of a media reference (see parse_reference); `url` itself when unknowable."""
    o = parse_reference(url, site_hosts, base)
    return o.url if o else url


def photon_url(origin: str, photon_host: str = "i0.wp.com") -> str:
    """The Photon URL of an origin, without size args (a fallback when the origin is gone)."""
    p = urlsplit(origin)
    return f"https://{photon_host}/{p.netloc}{p.path}" + ("?ssl=1" if p.scheme == "https" else "")


# --- originals -----------------------------------------------------------------------------------


def split_uploads(url: str) -> tuple[str, str] | None:
    """(prefix, rel): `https://x.com/wp-content/uploads/` + `2012/08/a.jpg`; for WordPress.com the
    prefix is `https://x.files.wordpress.com/`; a multisite `sites/N/` belongs to the prefix."""
    p = urlsplit(url)
    if p.hostname and p.hostname.endswith(".files.wordpress.com"):
        prefix, rel = f"{p.scheme}://{p.netloc}/", p.path.lstrip("/")
    else:
        k = p.path.find("/wp-content/uploads/")
        if k < 0:
            return None
        cut = k + len("/wp-content/uploads/")
        prefix, rel = f"{p.scheme}://{p.netloc}{p.path[:cut]}", p.path[cut:]
    m = re.match(r"sites/\d+/", rel)
    if m:
        prefix, rel = prefix + m.group(0), rel[m.end() :]
    return (prefix, rel) if rel else None


def strip_variant(rel: str) -> str:
    """`2012/08/a-300x200.jpg`, `a-scaled.jpg`, `a-rotated.jpg` -> `2012/08/a.jpg`.

    An edited image `a-e1234567890123.jpg` is kept: it is the attachment's main file after the edit
    (what the author chose to show); only its sizes `a-e1234567890123-300x200.jpg` are stripped."""
    folder, _, name = rel.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return rel
    stem = _SIZED.sub("", stem)
    while _SCALED.search(stem):
        stem = _SCALED.sub("", stem)
    return f"{folder}/{stem}.{ext}" if folder else f"{stem}.{ext}"


def uploads_relative(file: str) -> str:
    """The uploads-relative path in `_wp_attachment_metadata`'s `file`. WordPress.com (and old multisite
    installs) stored the server's absolute path there (`/home/wpcom/public_html/wp-content/blogs.dir/d0d/
    7296504/files/2009/04/x.png`): the part after `/files/` or `/uploads/` is the path; an absolute path
    with neither says nothing usable ("" then: the attachment URL decides)."""
    if not file.startswith("/") and "blogs.dir/" not in file:
        return file
    m = re.search(r"/(?:files|uploads)/(.+)$", file)
    return m.group(1) if m else ""


def attachment_index(attachments: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Uploads-relative path of every known file (main, sizes, original) -> its originals, best first.

    Built from convert.Attachment records (`url`, `meta` = decoded `_wp_attachment_metadata`): `file`
    is the main file (`-scaled` since WP 5.3), `original_image` the upload before scaling, `sizes`
    the generated variants. An attachment without metadata is still known to be an original."""
    index: dict[str, tuple[str, ...]] = {}
    for att in attachments:
        meta: Mapping[str, Any] = getattr(att, "meta", None) or {}
        split = split_uploads(origin_url(getattr(att, "url", "") or ""))
        url_rel = split[1] if split else ""
        main = canonical_path(uploads_relative(str(meta.get("file") or ""))) or url_rel
        if not main:
            continue
        folder = main.rpartition("/")[0]

        def join(n: object, folder: str = folder) -> str:
            return canonical_path(f"{folder}/{n}" if folder else str(n))

        best = [join(meta["original_image"])] if meta.get("original_image") else []
        best.append(main)
        known = set(best) | ({url_rel} if url_rel else set())
        sizes = meta.get("sizes")
        for size in sizes.values() if isinstance(sizes, Mapping) else ():
            if isinstance(size, Mapping) and size.get("file"):
                known.add(join(size["file"]))
        for rel in known:
            index.setdefault(rel, tuple(dict.fromkeys(best)))
    return index


def original_candidates(
    origin: str, index: Mapping[str, tuple[str, ...]] | None = None, renamed: bool = False
) -> list[str]:
    """The URLs to try for `origin`, best original first, the referenced variant itself last."""
    split = split_uploads(origin)
    if split is None:
        return [origin]
    prefix, rel = split
    index = index or {}
    best = index.get(rel)
    if best is None and renamed:
        # HTTrack picks the extension from the MIME type: lego-king.jpeg was saved as .jpg.
        stem = rel.rsplit(".", 1)[0]
        best = next((v for k, v in index.items() if k.rsplit(".", 1)[0] == stem), None)
    if best is None:
        best = (strip_variant(rel),)
    return list(dict.fromkeys([prefix + r for r in best] + [origin]))


# --- local paths ---------------------------------------------------------------------------------


def local_path(origin: str, asset_dir: str = "assets/images", primary_hosts: Iterable[str] = ()) -> str:
    """The output-relative path of an original: a pure function of its URL.

    Uploads of the site itself (`primary_hosts`) keep WordPress's layout: `ASSET_DIR/2012/08/a.jpg`
    (other uploads folders under `ASSET_DIR/uploads/`); anything else goes under
    `ASSET_DIR/HOST/...`. The scheme does not matter (http and https are one file). Every segment
    passes safe_file_name, so no input can leave the output folder; an over-long path keeps its
    file name under a hash of its folders."""
    asset_dir = safe_dir(asset_dir)
    p = urlsplit(origin)
    host = safe_file_name((p.netloc or "unknown").lower().replace(":", "_"))
    primary = {host_key(h) for h in primary_hosts}
    split = split_uploads(origin)
    if split:
        rel = [unquote(s) for s in split[1].split("/") if s] or ["index"]
        multisite = re.search(r"/(sites/\d+)/$", split[0])
        if multisite:
            rel = multisite.group(1).split("/") + rel
        if host_key(p.netloc) in primary:
            segs = rel if re.fullmatch(r"\d{4}", rel[0]) else ["uploads", *rel]
        else:
            segs = [host, *rel]
    else:
        segs = [host, *(unquote(s) for s in p.path.split("/") if s)]
    if p.query:
        segs[-1] = f"{segs[-1]}?{p.query}"  # hashed by safe_file_name: a query means a different file
    parts = [safe_file_name(s) for s in segs]
    path = "/".join([asset_dir, *parts])
    if len(path) > MAX_RELPATH_CHARS:
        folders = hashlib.sha256("/".join(segs[:-1]).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        path = "/".join([asset_dir, parts[0], folders, parts[-1]])  # parts are <= FILE_NAME_BYTES each
    return check_relpath(path)


# --- the resolver the converter calls ------------------------------------------------------------


def site_hosts_of(site: Any) -> list[str]:
    """The hosts of a models.Site: link, blog URL, site URL (not the bare wordpress.com of WP.com
    exports), and for a WordPress.com blog `x.wordpress.com` its uploads host `x.files.wordpress.com`."""
    hosts: list[str] = []
    for url in (getattr(site, "link", ""), getattr(site, "base_blog_url", ""), getattr(site, "base_site_url", "")):
        host = urlsplit(url).netloc.lower() if url else ""
        if host and host_key(host) != "wordpress.com":
            hosts.append(host)
            if host.endswith(".wordpress.com") and not host.endswith(".files.wordpress.com"):
                hosts.append(host[: -len(".wordpress.com")] + ".files.wordpress.com")
    return list(dict.fromkeys(hosts))


class AssetResolver:
    """Rewrites media references to local asset URLs and remembers what to fetch.

    `rewrite` is meant as ConvertContext.rewrite_asset. A reference is localised when it has a file
    extension and its host is allowed: the site's hosts, `--host-map` OLD hosts, `--asset-host`s,
    WordPress's CDNs, the host behind a Photon URL, or a mirror path. Anything else comes back as its
    origin URL (for WordPress URLs: without Photon, size args and `&amp;`)."""

    def __init__(
        self,
        site: Site,
        attachments: Mapping[int, Any] | Iterable[Any],
        settings: Settings,
        extra_hosts: Iterable[str] = (),
    ) -> None:
        self.settings = settings
        mapped = [old.split("://")[-1].split("/")[0] for old, _ in settings.host_map]
        self.hosts = [*site_hosts_of(site), *extra_hosts, *mapped]
        self.primary = frozenset(host_key(h) for h in self.hosts)
        self.allowed = self.primary | {host_key(h) for h in settings.asset_hosts}
        self.base = getattr(site, "link", "") or getattr(site, "base_blog_url", "")
        values = attachments.values() if isinstance(attachments, Mapping) else attachments
        self.index = attachment_index(values)
        self.asset_dir = safe_dir(settings.asset_dir)
        self.prefix = settings.asset_url_prefix.rstrip("/")
        self._wanted: dict[str, list[str]] = {}
        # url -> its rewrite: the same image is in many posts (and a --jobs parent replays every URL),
        # and the answer depends only on the URL and what this resolver was made with. A second call's
        # bookkeeping would change nothing (same path, same candidates), so it is skipped too.
        self._answers: dict[str, str] = {}
        self._origin: dict[str, str] = {}
        self._local: set[str] = set()

    def _allowed(self, o: Origin) -> bool:
        host = urlsplit(o.url).netloc
        return bool(o.photon_host) or o.mirror or is_wp_cdn(host) or host_key(host) in self.allowed

    def rewrite(self, url: str) -> str:
        if not url or url.startswith(self.prefix + "/"):
            if url:  # already ours (a re-run over rewritten files): remember the file is still used
                self._local.add(self.asset_dir + url[len(self.prefix) :].split("#")[0].split("?")[0])
            return url
        answer = self._answers.get(url)
        if answer is None:
            answer = self._answers[url] = self._rewrite(url)
        return answer

    def _rewrite(self, url: str) -> str:
        o = parse_reference(url, self.hosts, self.base)
        if o is None:
            return url
        last = urlsplit(o.url).path.rsplit("/", 1)[-1]
        if not _EXT.search(last) or not self._allowed(o):
            return o.url
        candidates = original_candidates(o.url, self.index, o.renamed)
        if o.photon_host:
            candidates += [photon_url(c, o.photon_host) for c in candidates]
        path = local_path(candidates[0], self.asset_dir, self.primary)
        known = self._wanted.setdefault(path, [])
        known.extend(c for c in candidates if c not in known)
        self._origin.setdefault(path, candidates[0])
        return self.reference(path)

    def rewrite_origin(self, url: str) -> str:
        """For --no-assets: media stay remote, but as clean absolute origin URLs (no Photon, no mirror
        paths, no `&amp;`); the referenced size is kept since nothing is downloaded."""
        if not url or url.startswith(self.prefix + "/"):
            return url
        o = parse_reference(url, self.hosts, self.base)
        return o.url if o else url

    def reference(self, path: str) -> str:
        """How Markdown refers to the local file `path` (output-relative)."""
        return self.prefix + path[len(self.asset_dir) :]

    def wanted(self) -> dict[str, list[str]]:
        """local path -> URLs to try, best first, for everything rewritten so far."""
        return {p: list(c) for p, c in self._wanted.items()}

    def local_paths(self) -> set[str]:
        """Output-relative asset paths that posts referred to already in local form."""
        return set(self._local)

    def origin(self, path: str) -> str:
        return self._origin[path]

    def relink_map(self, failed_paths: Iterable[str]) -> dict[str, str]:
        """{local reference: origin URL} for relink_failed()."""
        return {self.reference(p): self._origin[p] for p in failed_paths if p in self._origin}


def relink_failed(markdown: str, mapping: Mapping[str, str]) -> str:
    """Point every reference to a local asset that could not be fetched back at its origin URL."""
    return make_relinker(mapping)(markdown)


def make_relinker(mapping: Mapping[str, str]) -> Callable[[str], str]:
    """relink_failed() with its pattern compiled once, for a whole run (one pattern per post made this
    quadratic: every post was tested against every failed asset)."""
    if not mapping:
        return lambda markdown: markdown
    refs = sorted(mapping, key=len, reverse=True)  # longest first: a ref may be a prefix of another
    common = commonpath(refs)
    pattern = re.compile(
        r"(?<![\w/.%-])"
        + re.escape(common)
        + "("
        + "|".join(re.escape(r[len(common) :]) for r in refs)
        + r")(?![\w/.%-])"
    )

    def relink(markdown: str) -> str:
        if common not in markdown:
            return markdown
        return pattern.sub(lambda m: mapping[common + m.group(1)], markdown)

    return relink
