"""Front-matter files (.md/.markdown/.html with a YAML header) -> Site + Post records.

These are half-finished migrations: a Jekyll/Hugo header over a body that is still WordPress's
rendered HTML (../shared/corpus/amauger/input), or already Markdown (../shared/seed). The header
is kept as it was written:

- `Post.front_matter` is the parsed mapping, keys in file order (PyYAML keeps insertion order);
- `Post.imported.front_matter_text` is the header's exact text (between the `---` lines, with
  `drop_keys` removed line by line), so an emitter can re-emit it byte for byte: re-dumping the
  mapping would normalise quoting, dates and flow lists (`[a, b]`), and lose comments and the
  author's spacing. Emitters should prefer the text and fall back to the mapping.

The body: WordPress HTML -> content_format "html" with Post.imported.rendered = True (no wpautop:
it is rendered output already); Markdown -> content_format "markdown". Mirror-relative URLs in an
HTML body (`slug.html`, `../i1.wp.com/...`) are made absolute with html_mirror.mirror_url_to_link,
as for a mirror; the original relative form of each is kept in Post.imported.mirror_refs. A Markdown
body's links (not its media: the asset stage reads those) are resolved the same way.

Old URLs: HTTrack names a post `slug.html`, but WordPress served it at the site's permalink structure.
PermalinkStyle learns that structure from the attachment permalinks WordPress left in the bodies
(`data-permalink="https://host/SLUG/attachment"`: the parent post was `/SLUG/`); with no evidence it
assumes WordPress's `/%postname%/`. Each `name.html` link then becomes the URL the old site really had.
Post.meta stays empty: these files have no postmeta.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml
from bs4 import BeautifulSoup

from ..convert.mdurls import rewrite_markdown_urls
from ..errors import InputError
from ..models import AssetRef, ImportInfo, Post, Site, Term
from . import Warn, warn_once
from .mirror_urls import URL_ATTRS, mirror_url_to_link, unhash_httrack

SUFFIXES = (".md", ".markdown", ".mdown", ".html", ".htm")
FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
HTML_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|dl|figure|table|blockquote|section|article|img|a|span|strong|"
    r"em|b|i|iframe|pre|hr|br|center|font|!--)[\s>/]",
    re.I,
)
ATTR_RE = re.compile(r"(\s(?:{}|srcset|data-srcset)\s*=\s*)(\"([^\"]*)\"|'([^']*)')".format("|".join(URL_ATTRS)), re.I)
DATE_KEYS = ("date", "published", "pubDate", "created")
MODIFIED_KEYS = ("modif", "modified", "last_modified_at", "lastmod", "updated")
EXCERPT_KEYS = ("excerpt", "summary", "description")


@dataclass
class FrontMatterFile:
    text: str  # header text between the --- lines, exactly as written (after drop_keys)
    data: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line


def split_front_matter(raw: str, path: str) -> FrontMatterFile | None:
    """Header and body of one file; None when it has no front matter. Bad YAML raises InputError."""
    m = FRONT_MATTER.match(raw)
    if not m:
        return None
    text = m.group(1)
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise InputError(
            path,
            f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
            line=line,
            hint="fix the header between the --- lines",
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            path, "front matter is not a mapping of keys to values", line=2, hint="write it as `key: value` lines"
        )
    body = raw[m.end() :]
    return FrontMatterFile(text, data, body, raw[: m.end()].count("\n") + 1)


def drop_keys_from_text(text: str, keys: tuple[str, ...]) -> str:
    """Remove top-level `key:` entries (with their indented or list continuation lines) from YAML text."""
    if not keys:
        return text
    out: list[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        top = re.match(r"^([^\s#-][^:]*?|\"[^\"]*\"|'[^']*')\s*:(\s|$)", line)
        if top:
            dropping = top.group(1).strip("'\"") in keys
        elif line.strip() and not line[0].isspace() and not line.startswith("-"):
            dropping = False
        if not dropping:
            out.append(line)
    return "".join(out)


def detect_body_format(body: str, suffix: str) -> str:
    """'html' for WordPress markup, 'markdown' otherwise. A .html file is always HTML."""
    if suffix.lower() in (".html", ".htm"):
        return "html"
    stripped = body.strip()
    if not stripped or not HTML_START.match(stripped):
        return "markdown"
    html_marks = len(re.findall(r"</?(p|div|br|h[1-6]|li|figure|img)\b", stripped, re.I))
    md_marks = len(re.findall(r"^(#{1,6} |[-*+] |> |\d+\. )|\]\(", stripped, re.M))
    return "html" if html_marks >= md_marks else "markdown"


CONTENT_OPEN = re.compile(r"<(?:div|section)\b[^>]*\bclass=[\"'][^\"']*\b(?:entry-content|post-content)\b[^>]*>", re.I)
HEADER_CHROME = ".entry-title, .post-title, time, .byline, .entry-meta, .posted-on, .post-meta, .author"


def strip_page_header(body: str) -> tuple[str, str]:
    """A body copied with the theme's post header (h1.entry-title, time, byline) before its
    `.entry-content`: cut the header, byte-exact elsewhere. Returns (body, removed text)."""
    m = CONTENT_OPEN.search(body)
    if not m or not body[: m.start()].strip():
        return body, ""
    before = BeautifulSoup(body[: m.start()], "html.parser")
    removed = " ".join(before.get_text(" ").split())
    for el in before.select(HEADER_CHROME):
        el.decompose()
    if before.get_text().strip():
        return body, ""  # real text before the content: keep everything
    return body[m.end() :], removed


def wp_sanitize_title(title: str) -> str:
    """WordPress's sanitize_title_with_dashes, enough to predict a post's slug from its title."""
    s = htmllib.unescape(re.sub(r"<[^>]*>", "", title))
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("ß", "ss").lower()
    s = re.sub(r"[\u00a0\u2013\u2014]", "-", s).replace(".", "-").replace("/", "-")
    s = re.sub(r"[^\w\s-]", "", s)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", s)).strip("-")


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str) and value.strip():
        from .pagemeta import parse_date

        d = parse_date(value)
        return d.replace(tzinfo=None) if d and d.tzinfo else d
    return None


def as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    if isinstance(value, str) and value.strip():
        return [value.strip()]  # Jekyll also splits on spaces; a one-string value is one term here
    return []


Relink = Callable[[str], str]


def _keep(url: str) -> str:
    return url


def absolutize_html(body: str, page_path: str, site: Site, relink: Relink = _keep) -> tuple[str, dict[str, str]]:
    """Rewrite relative URL attributes in place, touching nothing else of the body. `relink` turns a
    mirror page URL into the old site's (PermalinkStyle.from_mirror)."""
    refs: dict[str, str] = {}
    originals = original_names(body)

    def fix(url: str) -> str:
        new = relink(mirror_url_to_link(url, page_path, site))
        if new != htmllib.unescape(url) and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            new = original_extension(url, new, originals)
            refs[new] = htmllib.unescape(url)
        return new

    def repl(m: re.Match[str]) -> str:
        quote = m.group(2)[0]
        value = m.group(3) if m.group(3) is not None else m.group(4)
        if "srcset" in m.group(1).lower():
            cands = [c.strip().split(None, 1) for c in value.split(",") if c.strip()]
            new = ", ".join(" ".join([fix(c[0]), *c[1:]]) for c in cands)
        else:
            new = fix(value)
        if new == htmllib.unescape(value):
            return m.group(0)
        new = new.replace("&", "&amp;").replace(quote, "&quot;" if quote == '"' else "&#39;")
        return f"{m.group(1)}{quote}{new}{quote}"

    return ATTR_RE.sub(repl, body), refs


def absolutize_markdown(body: str, page_path: str, site: Site, relink: Relink = _keep) -> tuple[str, dict[str, str]]:
    """A Markdown body's relative links -> the old site's URLs (then the link map finds the posts of the
    run). Media stay as written: the asset stage resolves mirror paths itself (HTTrack names included)."""
    refs: dict[str, str] = {}

    def link(url: str) -> str:
        if not url or url.startswith(("#", "/")) or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            return url
        new = relink(mirror_url_to_link(url, page_path, site))
        if new != htmllib.unescape(url):
            refs[new] = htmllib.unescape(url)
        return new

    unused: list[AssetRef] = []
    return rewrite_markdown_urls(body, _keep, link, unused), refs


_ORIG_FILE = re.compile(r"""\sdata-orig-file\s*=\s*["']([^"']+)""", re.I)


def _upload_key(url: str) -> str:
    """`.../wp-content/uploads/2012/08/lego-king.jpeg?fit=..` -> `2012/08/lego-king` (any host, Photon or not)."""
    path = unquote(urlsplit(htmllib.unescape(url)).path)
    k = path.find("/wp-content/uploads/")
    return path[k + len("/wp-content/uploads/") :].rsplit(".", 1)[0] if k >= 0 else ""


def original_names(body: str) -> dict[str, str]:
    """Upload stem -> the original file's extension, from the `data-orig-file` WordPress wrote on images."""
    names: dict[str, str] = {}
    for url in _ORIG_FILE.findall(body):
        name = urlsplit(htmllib.unescape(url)).path.rsplit("/", 1)[-1]
        if _upload_key(url) and "." in name:
            names.setdefault(_upload_key(url), name.rsplit(".", 1)[1])
    return names


def original_extension(relative: str, url: str, originals: dict[str, str]) -> str:
    """HTTrack picks a saved file's extension from the MIME type (`lego-king.jpeg` saved as `.jpg`): where
    the mirror name was HTTrack's and `data-orig-file` names the upload, give back the upload's extension."""
    parts = urlsplit(htmllib.unescape(relative))
    name = parts.path.rsplit("/", 1)[-1]
    ext = originals.get(_upload_key(url))
    if not ext or unhash_httrack(name, parts.query) == name:
        return url
    target = urlsplit(url)
    stem, dot, old = target.path.rpartition(".")
    if not dot or old.lower() == ext.lower():
        return url
    return urlunsplit(target._replace(path=f"{stem}.{ext}"))


@dataclass(frozen=True)
class PermalinkStyle:
    """How the old site's post URLs ended: `/` (`/%postname%/`), `.html`, or "" when they held more than
    the slug (dates, categories), so a mirror name cannot be turned back into one."""

    suffix: str = "/"
    how: str = "assumed: WordPress's /%postname%/ (no attachment permalink says otherwise)"

    def from_mirror(self, url: str, site_link: str) -> str:
        """`https://host/slug.html` (HTTrack's name for `/slug/`) -> the URL the old site served."""
        if self.suffix != "/" or not site_link or not url.startswith(site_link):
            return url
        parts = urlsplit(url)
        path = url[len(site_link) :].split("#", 1)[0].split("?", 1)[0]
        if not path.lower().endswith(".html") or path.split("/", 1)[0] in ("wp-content", "wp-includes"):
            return url
        tail = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        return site_link + path[: -len(".html")] + "/" + tail


def learn_permalink_style(bodies: list[str], site_link: str) -> PermalinkStyle:
    """The permalink structure, from attachment pages: WordPress files each under its parent post's URL."""
    parents: Counter[str] = Counter()
    for body in bodies:
        for url in re.findall(r'data-permalink=["\']([^"\']+)', body):
            url = htmllib.unescape(url)
            if site_link and url.startswith(site_link):
                segs = [s for s in urlsplit(url[len(site_link) :]).path.split("/") if s]
                if len(segs) >= 2:
                    parents["/".join(segs[:-1])] += 1
    if not parents:
        return PermalinkStyle()
    html = sum(n for p, n in parents.items() if p.lower().endswith(".html"))
    flat = sum(n for p, n in parents.items() if "/" not in p and not p.lower().endswith(".html"))
    how = f"attachment permalinks (data-permalink, {sum(parents.values())})"
    if html > flat:
        return PermalinkStyle(".html", how + ": /%postname%.html")
    if flat:
        return PermalinkStyle("/", how + ": /%postname%/")
    return PermalinkStyle("", how + ": dated or nested, mirror names kept")


def infer_site_url(bodies: list[str]) -> str:
    """The old site's address from what WordPress left in the HTML: attachment permalinks, Photon paths."""
    hosts: Counter[str] = Counter()
    for body in bodies:
        for scheme, host in re.findall(r'data-permalink=["\'](https?)://([^/"\']+)', body):
            hosts[f"{scheme}://{host}/"] += 3
        for host in re.findall(r"i\d\.wp\.com/([^/\"'?]+)/", body):
            hosts[f"https://{host}/"] += 1
    return hosts.most_common(1)[0][0] if hosts else ""


@dataclass
class FrontMatterSource:
    files: list[Path]
    warn: Warn  # says each message once (open_frontmatter wraps it in warn_once)
    drop_keys: tuple[str, ...] = ()
    site: Site = field(default_factory=Site)
    html_links: bool = False  # bodies link siblings as `slug.html` (HTTrack convention)
    style: PermalinkStyle = field(default_factory=PermalinkStyle)
    claims: dict[str, str] = field(default_factory=dict)  # old-URL slug -> the file that claims it

    def relink(self, url: str) -> str:
        return self.style.from_mirror(url, self.site.link) if self.html_links else url

    def posts(self) -> Iterator[Post]:
        for path in self.files:
            post = self.read_post(path)
            if post is not None:
                yield post

    def read_post(self, path: Path) -> Post | None:
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.warn(f"{path}: not UTF-8 text (byte {exc.start}); skipped (re-save it as UTF-8)")
            return None
        except OSError as exc:
            self.warn(f"{path}: cannot read ({exc.strerror}); skipped")
            return None
        fm = split_front_matter(raw, str(path))
        if fm is None:
            self.warn(f"{path}: no front matter (no leading --- line); skipped")
            return None
        data = {k: v for k, v in fm.data.items() if k not in self.drop_keys}
        text = drop_keys_from_text(fm.text, self.drop_keys)
        fmt = detect_body_format(fm.body, path.suffix)
        matched: dict[str, str] = {"format": fmt}
        link, how = self.old_url(data, fm.body, path)
        matched["link"] = how
        if link and self.html_links:
            matched["permalink structure"] = self.style.how
        body = fm.body.lstrip("\r\n")
        imported = ImportInfo(front_matter_text=text, matched=matched)
        # Relative links resolve against where the page sat in the mirror (`slug.html`), not its old URL.
        page_path = link[len(self.site.link) :] if link.startswith(self.site.link) else path.stem + ".html"
        if fmt == "html":
            body, removed = strip_page_header(body)
            if removed:
                self.warn(
                    f"{path}:{fm.body_line}: removed the theme's post header before .entry-content "
                    f"({removed[:80]}); title, date and author are in the front matter"
                )
            refs: dict[str, str] = {}
            if self.site.link:
                body, refs = absolutize_html(body, page_path, self.site, self.relink)
            imported = replace(
                imported,
                rendered=True,
                removed=(f"theme header before .entry-content: {removed}",) if removed else (),
                mirror_refs=refs,
            )
        elif self.site.link:
            body, refs = absolutize_markdown(body, page_path, self.site, self.relink)
            imported = replace(imported, mirror_refs=refs)
        old = self.relink(link)
        terms = tuple(Term("category", wp_sanitize_title(c) or c, c) for c in as_list(data.get("categories")))
        terms += tuple(Term("post_tag", wp_sanitize_title(t) or t, t) for t in as_list(data.get("tags")))
        # Jekyll's `2014-07-30-name.md`: the date is the file's, the name is the slug (no second date).
        dated = DATED_NAME.match(path.stem)
        published = next((as_datetime(data[k]) for k in DATE_KEYS if k in data), None)
        if published is None and dated:
            published = as_datetime(dated.group(1))
        modified = next((as_datetime(data[k]) for k in MODIFIED_KEYS if k in data), None)
        layout = str(data.get("layout") or "")
        return Post(
            source=str(path),
            line=1,
            title=str(data.get("title") or ""),
            slug=dated.group(2) if dated else path.stem,
            link=old,
            guid=link if link != old else "",  # the mirror's name, for the link map
            type="page" if layout == "page" else "post",
            status="draft" if data.get("published") is False or data.get("draft") is True else "publish",
            date=published,
            modified=modified,
            author=str(data.get("author") or ""),
            terms=terms,
            excerpt=str(next((data[k] for k in EXCERPT_KEYS if k in data), "") or "").strip(),
            content=body,
            content_format=fmt,
            front_matter=data,
            imported=imported,
        )

    def old_url(self, data: dict[str, Any], body: str, path: Path) -> tuple[str, str]:
        """The post's URL on the old site, in the form the other bodies link to it."""
        if not self.site.link:
            return "", "no site address known"
        permalink = str(data.get("permalink") or "")
        if permalink.startswith("http"):
            return permalink, "front matter permalink"
        if permalink:
            return mirror_url_to_link(permalink.lstrip("/"), "index.html", self.site), "front matter permalink"
        slug, how = "", ""
        if data.get("slug"):
            slug, how = str(data["slug"]), "front matter slug"
        else:
            slug = self.own_attachment_parent(data, body, path)
            if slug:
                how = "attachment data-permalink"
            elif data.get("title"):
                slug, how = wp_sanitize_title(str(data["title"])), "title (WordPress sanitize_title)"
        if not slug:
            return "", "none"
        return self.site.link + (f"{slug}.html" if self.html_links else f"{slug}/"), how

    def own_attachment_parent(self, data: dict[str, Any], body: str, path: Path) -> str:
        """The post's slug from its images' attachment pages (`/SLUG/attachment`), but only when SLUG is
        this post's: an image first uploaded to another post keeps that post as its parent, and taking
        it would give this post the other's identity (and every link to either would hit one of them)."""
        parents = Counter(re.findall(rf'data-permalink=["\']{re.escape(self.site.link)}([^/"\']+)/', body))
        title = wp_sanitize_title(str(data.get("title") or ""))
        own_links = {
            unquote(h).rsplit("/", 1)[-1].removesuffix(".html") for h in re.findall(r'href=["\']([^"\']+)', body)
        }
        for slug, _ in parents.most_common():
            if self.claims.get(slug, str(path)) != str(path) or slug in own_links:
                continue  # another file of the run is that post, or this post links to it
            if title and not similar_slugs(slug, title):
                continue
            return slug
        return ""


DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")


def similar_slugs(a: str, b: str) -> bool:
    """Two slugs name one post: most of their words (of 4 letters or more) are shared. A title edited after
    publication keeps most of its slug's words; another post's slug shares few."""
    wa, wb = ({w for w in s.split("-") if len(w) >= 4} for s in (a, b))
    if not wa or not wb:
        return a == b
    return len(wa & wb) / len(wa | wb) >= 0.5


def claimed_slugs(files: list[Path], headers: list[dict[str, Any]]) -> dict[str, str]:
    """Old-URL slug -> file, for posts that say who they are (slug or permalink key) or whose title gives it."""
    claims: dict[str, str] = {}
    for f, data in zip(files, headers, strict=True):
        permalink = str(data.get("permalink") or "").strip("/").rsplit("/", 1)[-1].removesuffix(".html")
        for slug in (str(data.get("slug") or ""), permalink, wp_sanitize_title(str(data.get("title") or ""))):
            if slug:
                claims.setdefault(slug, str(f))
    return claims


def find_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        else:
            files.append(p)
    return files


def open_frontmatter(
    paths: list[Path], warn: Warn, drop_keys: tuple[str, ...] = (), site_url: str = "", **_: object
) -> FrontMatterSource:
    warn = warn_once(warn)  # read_post warns, and posts() runs twice
    files = find_files([Path(p) for p in paths])
    if not files:
        raise InputError(str(paths[0]), "no .md or .html files found", hint="pass a folder of front-matter posts")
    bodies, kept, headers = [], [], []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            warn(f"{f}: cannot read ({exc.strerror}); skipped")
            continue
        # Check every header now, so a bad one stops the run before anything is written.
        fm = split_front_matter(text, str(f))
        if fm is None:
            warn(f"{f}: no front matter (no leading --- line); skipped")
            continue
        bodies.append(text)
        kept.append(f)
        headers.append(fm.data)
    files = kept
    url = site_url or infer_site_url(bodies)
    if url and not url.endswith("/"):
        url += "/"
    html_links = any(re.search(r'href=["\'][^"\':/]+\.html["\']|\]\([^\s):/]+\.html[\s)]', b) for b in bodies)
    style = learn_permalink_style(bodies, url)
    source = FrontMatterSource(
        files, warn, tuple(drop_keys), Site(link=url), html_links, style, claimed_slugs(files, headers)
    )
    if not url and any(re.search(r'(?:href|src)=["\'](?!https?:|mailto:|#|/)', b) for b in bodies):
        warn(
            f"{paths[0]}: relative links in HTML bodies but the old site's address is unknown; "
            "pass --site-url to resolve them"
        )
    return source
