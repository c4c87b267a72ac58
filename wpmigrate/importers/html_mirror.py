"""Static mirrors of a WordPress site (HTTrack, wget) -> Site + Post records.

open_mirror(paths, warn, content_selector=..., site_url=...) scans the folder(s) once: every
.html page is classified (pagemeta.classify_page), duplicate renderings of one post (AMP,
?replytocom, print, HTTrack query copies) are grouped by their canonical URL and only the best
copy is kept, and the mirror's layout (which folder is the site root, which URL it had) is
inferred by aligning file paths with the URLs pages state about themselves. `.posts()` then
parses the kept pages again, one at a time, so memory stays flat.

Every relative href/src in a post's content is made absolute (mirror_urls.py), so the
pipeline's link map and asset resolver see the old site's URLs exactly as in a WXR export;
files that exist in the mirror are listed in Post.imported.local_files (absolute URL -> file).

Post.imported (models.ImportInfo) gets: rendered=True (rendered HTML, no wpautop), matched (field ->
the selector or reader that gave it, for `inspect`), removed (chrome taken out), local_files and
featured_image (og:image). Post.meta stays empty: a mirror has no postmeta.
options: content_selector, site_url, keep_boilerplate.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Comment, Tag

from ..errors import InputError, OptionsError
from ..models import Author, ImportInfo, Post, Site, Term
from ..tagattrs import attr_str
from . import Warn, pagemeta, warn_once
from .mirror_urls import (  # noqa: F401  (re-exported: tests and frontmatter.py import them from here)
    PAGE_SUFFIXES,
    URL_ATTRS,
    Layout,
    absolutize,
    align_path,
    infer_layout,
    is_host_folder,
    local_file,
    mirror_url_to_link,
    unhash_httrack,
    url_identity,
)

SKIP_DIRS = {"hts-cache", ".git", "wp-admin", "wp-includes", "wp-json"}

CONTENT_SELECTORS = (
    ".entry-content",
    ".post-content",
    ".post-entry",
    "[itemprop=articleBody]",
    ".article-content",
    ".single-content",
    ".entry-body",
    ".post-body",
    ".colibri-post-content",
    ".td-post-content",
    ".amp-wp-article-content",
    ".elementor-widget-theme-post-content",
    "article .content",
    "section.content",
    ".entry",
    "article",
    "main",
    "#content",
)
# Theme and plugin chrome that WordPress prints inside or right after the_content().
CHROME_SELECTORS = (
    ".sharedaddy",
    ".sd-sharing-enabled",
    ".sd-like",
    "#jp-post-flair",
    ".jp-post-flair",
    "#jp-relatedposts",
    ".jp-relatedposts",
    ".jetpack-likes-widget-wrapper",
    ".wpl-likebox",
    ".post-likes-widget-placeholder",
    ".addtoany_share_save_container",
    ".a2a_kit",
    ".shareaholic-canvas",
    ".heateor_sss_sharing_container",
    ".ssba",
    ".ssba-wrap",
    ".social-share",
    ".share-buttons",
    ".sharing",
    ".wp-socializer",
    ".twitter-share-button",
    ".fb-like",
    ".fb-share-button",
    "#fb-root",
    ".g-plusone",
    ".yarpp-related",
    ".crp_related",
    ".related-posts",
    "#comments",
    ".comments-area",
    "#respond",
    ".comment-respond",
    "form.comment-form",
    "ins.adsbygoogle",
    ".adsbygoogle",
    ".wpcnt",
    ".wordads-ad-wrapper",
    ".advertisement",
    "[id^=div-gpt-ad]",
    ".saboxplugin-wrap",
    ".post-navigation",
    ".entry-meta",
    ".lwptoc",
    "#ez-toc-container",
    "#toc_container",
    ".entry-footer",
    ".jetpack_subscription_widget",
    ".mc4wp-form",
    # line-number gutters of code highlighters (rouge, SyntaxHighlighter, Crayon, Prism): not code
    "td.gutter",
    "td.rouge-gutter",
    "pre.lineno",
    ".crayon-nums",
    ".line-numbers-rows",
    "script",
    "style",
    "link",
    "meta",
)


@dataclass
class PageRecord:
    file: Path
    rel: str  # POSIX path relative to its input root
    root: Path
    kind: str
    reason: str
    type: str = "post"
    url: str = ""  # absolute URL the page states for itself ("" when none)
    canonical: str = ""  # canonical href as written
    id: int | None = None  # WordPress post id (postid-N body class, shortlink)
    tail: tuple[str, ...] = ()  # signatures of the content's last top-level nodes


# ---------------------------------------------------------------- content


def select_content(soup: BeautifulSoup, override: str = "") -> tuple[Tag | None, str]:
    """The element holding the_content(); the most text-rich match of the first selector that matches."""
    idx = pagemeta.PageIndex.of(soup)
    for sel in ((override,) if override else ()) + CONTENT_SELECTORS:
        found = idx.select(sel)
        # A match nested inside another match of the same selector is the same content.
        found = [el for el in found if not any(p is o for o in found for p in el.parents)]
        if found:
            return max(found, key=lambda el: len(el.get_text())), sel
    return None, ""


def clean_content(el: Tag, idx: pagemeta.PageIndex | None = None) -> list[str]:
    """Remove chrome in place; returns the selectors that removed something (Post.imported.removed)."""
    removed: list[str] = []
    for c in el.find_all(string=lambda s: isinstance(s, Comment)):
        if not re.match(r"\s*(more|nextpage|noteaser)\b", c):
            c.extract()
    for img in el.find_all("img"):  # lazy-loading plugins keep the real URL in data-*
        real = img.get("data-lazy-src") or img.get("data-src")
        if real and (not img.get("src") or attr_str(img, "src").startswith("data:")):
            img["src"] = real
            if img.get("data-lazy-srcset") or img.get("data-srcset"):
                img["srcset"] = img.get("data-lazy-srcset") or img["data-srcset"]
            nxt = img.find_next_sibling()
            if nxt is not None and nxt.name == "noscript":
                nxt.decompose()
    for ns in el.find_all("noscript"):
        ns.unwrap()
    idx = idx or pagemeta.PageIndex(el)
    for sel in CHROME_SELECTORS:
        for hit in idx.select(sel, el):
            if hit is el or hit.decomposed:
                continue
            parent = hit.parent
            if sel not in ("script", "style", "link", "meta"):
                removed.append(sel)
            hit.decompose()
            _drop_empty_ancestors(parent, el)
    return sorted(set(removed))


def _drop_empty_ancestors(node: Tag | None, stop: Tag) -> None:
    while node is not None and node is not stop and isinstance(node, Tag):
        if node.get_text(strip=True) or node.find(["img", "iframe", "video", "audio", "embed", "object", "hr"]):
            return
        parent = node.parent
        node.decompose()
        node = parent


def top_signatures(el: Tag, n: int = 40) -> tuple[str, ...]:
    """Hashes of the last top-level nodes, prefixed "T" when the node shows text, "-" when not."""
    nodes = [c for c in el.children if not (isinstance(c, str) and not c.strip())]
    return tuple(
        ("T" if (c.get_text() if isinstance(c, Tag) else str(c)).strip() else "-")
        + hashlib.sha1(" ".join(str(c).split()).encode()).hexdigest()[:12]
        for c in nodes[-n:]
    )


def strip_tail(el: Tag, k: int) -> None:
    nodes = [c for c in el.children if not (isinstance(c, str) and not c.strip())]
    for c in nodes[len(nodes) - k :]:
        c.extract()


# ---------------------------------------------------------------- the source


@dataclass
class Mirror:
    roots: list[Path]
    warn: Warn
    content_selector: str = ""
    keep_boilerplate: bool = False
    site: Site = field(default_factory=Site)
    layout: Layout = field(default_factory=Layout)
    pages: list[PageRecord] = field(default_factory=list)  # kept post/page files, in path order
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (file, kind, reason)
    term_names: dict[tuple[str, str], str] = field(default_factory=dict)
    boilerplate: dict[str, int] = field(default_factory=dict)  # rel -> trailing nodes to drop
    page_ids: dict[str, int] = field(default_factory=dict)  # url_identity of a kept page -> its id

    def posts(self) -> Iterator[Post]:
        for rec in self.pages:
            post = self.read_post(rec)
            if post is not None:
                yield post

    def read_post(self, rec: PageRecord) -> Post | None:
        raw = read_text(rec.file, self.warn)
        if raw is None:
            return None
        soup = BeautifulSoup(raw, "lxml")
        page_path = self.layout.page_path(rec.rel)
        meta = pagemeta.read_meta(
            soup, pagemeta.PageMeta(kind=rec.kind, reason=rec.reason, type=rec.type), self.site.title, page_path
        )
        link = self.page_url(rec)
        el, selector = select_content(soup, self.content_selector)
        removed: list[str] = []
        local: dict[str, str] = {}
        content = ""
        if el is None:
            self.warn(
                f"{rec.file}: no post content found (tried {', '.join(CONTENT_SELECTORS[:6])}, ...); "
                "pass --content-selector"
            )
        else:
            removed = clean_content(el)
            k = self.boilerplate.get(rec.rel, 0)
            if k:
                strip_tail(el, k)
                removed.append(f"{k} trailing nodes repeated on other pages")
            site_root = rec.root / self.layout.site_dir if self.layout.site_dir else rec.root
            local = absolutize(el, page_path, self.site, site_root, rec.root)
            content = el.decode_contents().strip()
        meta.matched["content"] = selector
        meta.matched["kind"] = rec.reason
        date, date_gmt = pagemeta.to_local_and_utc(meta.published)
        modified, modified_gmt = pagemeta.to_local_and_utc(meta.modified)
        terms = tuple(Term("category", s, self.term_names.get(("category", s), n)) for s, n in meta.categories)
        terms += tuple(Term("post_tag", s, self.term_names.get(("post_tag", s), n)) for s, n in meta.tags)
        imported = ImportInfo(
            rendered=True,
            matched=dict(meta.matched),
            removed=tuple(removed),
            local_files=local,
            featured_image=mirror_url_to_link(meta.image, page_path, self.site) if meta.image else "",
        )
        return Post(
            source=str(rec.file),
            id=meta.id,
            title=meta.title,
            slug=slug_of(link),
            link=link,
            parent=self.parent_of(link) if rec.type == "page" else None,
            type=rec.type or "post",
            status="publish",
            date=date,
            date_gmt=date_gmt,
            modified=modified,
            modified_gmt=modified_gmt,
            author=meta.author,
            terms=terms,
            excerpt=meta.excerpt,
            content=content,
            content_format="html",
            imported=imported,
        )

    def parent_of(self, link: str) -> int | None:
        """A page's parent is the page one URL level up (/about/team/ -> /about/), when mirrored."""
        key = url_identity(link)
        if "/" not in key.rstrip("/"):
            return None
        return self.page_ids.get(key.rsplit("/", 1)[0])

    def page_url(self, rec: PageRecord) -> str:
        """The page's old URL: its canonical link when that resolves, else its path in the mirror."""
        page_path = self.layout.page_path(rec.rel)
        return mirror_url_to_link(rec.canonical or posixpath.basename(page_path), page_path, self.site)


def slug_of(url: str) -> str:
    path = unquote(urlsplit(url).path).rstrip("/")
    if path.endswith(("/index.html", "/index.htm")):
        path = path.rsplit("/", 1)[0]
    name = path.rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|php)$", "", name)


def read_text(file: Path, warn: Warn) -> str | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        warn(f"{file}: cannot read ({exc.strerror}); skipped")
        return None
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def walk_pages(roots: list[Path]) -> Iterator[tuple[Path, Path, str]]:
    for root in roots:
        if root.is_file():
            yield root, root.parent, root.name
            continue
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root).as_posix()
            if f.suffix.lower() in PAGE_SUFFIXES and f.is_file() and not (set(rel.split("/")[:-1]) & SKIP_DIRS):
                yield f, root, rel


def open_mirror(
    paths: list[Path],
    warn: Warn,
    content_selector: str = "",
    site_url: str = "",
    keep_boilerplate: bool = False,
    **_: object,
) -> Mirror:
    roots = [Path(p) for p in paths]
    if content_selector:
        try:
            pagemeta.compiled(content_selector)
        except (soupsieve.SelectorSyntaxError, ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0]
            raise OptionsError(
                f"--content-selector {content_selector!r}: not a CSS selector ({reason}); "
                "e.g. 'div.post-text' or 'article .body'"
            ) from None
    warn = warn_once(warn)  # read_post warns, and posts() runs twice
    mirror = Mirror(roots, warn, content_selector=content_selector, keep_boilerplate=keep_boilerplate)
    scanned: list[PageRecord] = []
    titles: Counter[str] = Counter()
    authors: dict[str, str] = {}
    for file, root, rel in walk_pages(roots):
        raw = read_text(file, warn)
        if raw is None:
            continue
        if "<title>Local index - HTTrack" in raw[:3000] or "HTTrack Website Copier - Open Source" in raw[:3000]:
            mirror.skipped.append((str(file), "httrack", "HTTrack's own index page"))
            continue
        if pagemeta.is_xml(raw):
            mirror.skipped.append((str(file), "feed", "XML feed or sitemap"))
            continue
        soup = BeautifulSoup(raw, "lxml")
        kind, reason, ptype = pagemeta.classify_page(soup, raw, rel)
        if kind == "unknown" and content_selector and len(soup.select(content_selector)) == 1:
            kind, reason, ptype = "post", f"--content-selector {content_selector} matches once", "post"
        probe = pagemeta.PageMeta()
        rec = PageRecord(file, rel, root, kind, reason, ptype)
        if kind in ("post", "page", "duplicate", "unknown"):
            pagemeta.read_meta(soup, probe)
            rec.url, rec.canonical, rec.id = probe.url, probe.canonical, probe.id
            if probe.author and probe.author_name and probe.author != probe.author_name:
                authors.setdefault(probe.author, probe.author_name)
            suffix = pagemeta.title_site_suffix(pagemeta.text_of(soup.title))
            if suffix:
                titles[suffix] += 1
            el, _sel = select_content(soup, content_selector)
            if el is not None and kind in ("post", "page"):
                clean_content(el)
                rec.tail = top_signatures(el)
        collect_term_names(soup, mirror.term_names)
        scanned.append(rec)
    if not scanned:
        raise InputError(
            str(roots[0]), "no .html pages found in this mirror", hint="pass the folder HTTrack or wget wrote"
        )
    mirror.layout, how = infer_layout(scanned, roots, site_url)
    if not how:
        warn(
            f"{roots[0]}: cannot tell the site's address from the pages (no canonical, og:url or oEmbed link); "
            f"links use {mirror.layout.site_url} (pass --site-url)"
        )
    site_name = titles.most_common(1)[0][0] if titles and titles.most_common(1)[0][1] > 1 else ""
    mirror.site = Site(
        title=site_name,
        link=mirror.layout.site_url,
        authors=tuple(Author(login, name) for login, name in sorted(authors.items())),
    )
    choose_pages(mirror, scanned)
    if not keep_boilerplate:
        mirror.boilerplate = find_boilerplate(mirror.pages)
        if mirror.boilerplate:
            warn(
                f"{roots[0]}: {len(mirror.boilerplate)} posts end with the same block (banners, share rows); "
                "removed from each (--keep-boilerplate keeps it)"
            )
    summary = Counter(kind for _, kind, _ in mirror.skipped)
    if summary:
        warn(
            f"{roots[0]}: {len(mirror.pages)} post/page files kept; skipped "
            + ", ".join(f"{n} {k}" for k, n in sorted(summary.items()))
        )
    return mirror


def choose_pages(mirror: Mirror, scanned: list[PageRecord]) -> None:
    """Keep one page per canonical URL: the copy that is its own canonical, else the least derived one."""
    groups: dict[str, list[PageRecord]] = {}
    by_id: dict[int, str] = {}  # one post id, one post: HTTrack copies may lack a canonical link
    for rec in scanned:
        if rec.kind not in ("post", "page", "duplicate"):
            if rec.kind == "unknown":
                mirror.warn(f"{rec.file}: not recognised as a post ({rec.reason}); skipped")
            mirror.skipped.append((str(rec.file), rec.kind, rec.reason))
            continue
        key = url_identity(mirror.page_url(rec))
        if rec.id is not None:
            key = by_id.setdefault(rec.id, key)
        groups.setdefault(key, []).append(rec)
    for key, recs in groups.items():

        def rank(r: PageRecord, key: str = key) -> tuple[bool, bool, bool, str]:
            own = mirror_url_to_link(
                posixpath.basename(mirror.layout.page_path(r.rel)), mirror.layout.page_path(r.rel), mirror.site
            )
            return (r.kind == "duplicate", url_identity(own) != key, bool(pagemeta.DUPLICATE_PATH.search(r.rel)), r.rel)

        recs.sort(key=rank)
        best = recs[0]
        if best.kind == "duplicate":
            best.kind, best.type = "post", "post"
        mirror.pages.append(best)
        for other in recs[1:]:
            mirror.skipped.append((str(other.file), "duplicate", f"another rendering of {best.rel}"))
    mirror.pages.sort(key=lambda r: (str(r.root), r.rel))
    mirror.page_ids = {url_identity(mirror.page_url(r)): r.id for r in mirror.pages if r.type == "page" and r.id}


def find_boilerplate(pages: list[PageRecord], min_pages: int = 3) -> dict[str, int]:
    """Trailing content nodes repeated at the end of most posts: how many to drop. Only nodes without
    text (banners, image links, share rows, spacing): a repeated signature line is the author's words."""
    counts: Counter[tuple[str, ...]] = Counter()
    for p in pages:
        for k in range(1, len(p.tail) + 1):
            counts[p.tail[-k:]] += 1
    need = max(min_pages, (len(pages) + 1) // 2)
    out: dict[str, int] = {}
    for p in pages:
        best = 0
        for k in range(1, len(p.tail)):  # never the whole content
            if p.tail[-k].startswith("T"):
                break
            if counts[p.tail[-k:]] >= need:
                best = k
        if best:
            out[p.rel] = best
    return out


def collect_term_names(soup: BeautifulSoup, names: dict[tuple[str, str], str]) -> None:
    """Term display names from links to term archives anywhere in the mirror (post classes give only slugs)."""
    for a in soup.find_all("a", href=True):
        for base, domain in (("category", "category"), ("tag", "post_tag")):
            href = attr_str(a, "href")
            if f"{base}/" in href:
                slug = pagemeta.term_slug(href, base)
                text = pagemeta.text_of(a)
                if slug and text and len(text) < 80:
                    names.setdefault((domain, slug), text)
