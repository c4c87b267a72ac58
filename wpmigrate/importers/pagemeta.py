"""What a rendered WordPress page says about itself: its kind, metadata and content. Pure.

Every field is read through an ordered list of (label, reader) fallbacks: the first reader that
returns something wins and its label goes into `PageMeta.matched`, so `inspect` can show *why* a
title or date is what it is. The readers use what WordPress core, Jetpack, Yoast and common
themes put in the page (body classes, Open Graph, JSON-LD, `rel="category tag"`, `time.entry-date`),
never the markup of one theme alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from ..tagattrs import attr_list, attr_str, class_list
from .pagedates import (  # noqa: F401  (re-exported)
    MONTHS,
    date_from_archive_link,
    parse_date,
    parse_human_date,
    to_local_and_utc,
)
from .pageindex import PageIndex, compiled  # noqa: F401  (re-exported)

# ---------------------------------------------------------------- page kinds

POST_JSONLD_TYPES = {"blogposting", "article", "newsarticle", "techarticle", "report", "socialmediaposting"}
# WordPress body_class() values of pages that list posts rather than show one.
LISTING_BODY = {
    "archive": "archive",
    "category": "category listing",
    "tag": "tag listing",
    "author": "author listing",
    "date": "date archive",
    "blog": "posts index",
    "search": "search results",
    "search-results": "search results",
    "search-no-results": "search results",
    "paged": "pagination",
    "error404": "404 page",
    "post-type-archive": "archive",
    "tax-post_format": "format archive",
}
LISTING_PATH = re.compile(
    r"(^|/)(category|tag|author|topics?|series|type|search|comments|feed|wp-json|wp-admin|wp-login\.php|"
    r"wp-includes|trackback|embed|attachment)(/|$)|(^|/)page/\d+(/|$)|(^|/)\d{4}(/\d{2}(/\d{2})?)?/(index\.html?)?$"
)
DUPLICATE_PATH = re.compile(r"(^|/)(amp|print)(/|\.html?$)|[?&](amp|noamp|replytocom|print|share)=", re.I)


# body classes starting with `single-` that are not `single-{post_type}` (Twenty Eleven's single-author...)
NOT_TYPE_CLASS = re.compile(r"^(author|column|format-.*|paged-.*|template.*|sidebar.*|view.*|attachment)$")


@dataclass
class PageMeta:
    kind: str = "unknown"  # "post", "page", "listing", "feed", "duplicate", "attachment", "redirect", "unknown"
    reason: str = ""  # why that kind, for reports
    type: str = "post"  # WordPress post type for kept pages
    id: int | None = None
    url: str = ""  # the page's own absolute URL when the page states it (canonical, og:url, oEmbed)
    canonical: str = ""  # the canonical href exactly as written (may be relative in a mirror)
    title: str = ""
    published: datetime | None = None  # aware when the page gave an offset
    modified: datetime | None = None
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    author: str = ""  # login (author URL slug) when known, else the display name
    author_name: str = ""
    excerpt: str = ""
    image: str = ""
    site_name: str = ""
    lang: str = ""
    matched: dict[str, str] = field(default_factory=dict)


Reader = tuple[str, Callable[[], Any]]


def first_of(meta: PageMeta, name: str, readers: Iterable[Reader]) -> Any:
    """Run readers in order; record the label of the first that returns a non-empty value."""
    for label, read in readers:
        try:
            value = read()
        except (ValueError, TypeError, KeyError, AttributeError):
            value = None
        if value:
            meta.matched[name] = label
            return value
    return None


# ---------------------------------------------------------------- small readers


def meta_content(soup: BeautifulSoup, *names: str) -> str:
    metas = _metas(soup)
    for name in names:
        for value in metas.get(name, []):
            if value.strip():
                return value.strip()
    return ""


def meta_all(soup: BeautifulSoup, name: str) -> list[str]:
    return [v.strip() for v in _metas(soup).get(name, []) if v.strip()]


def _metas(soup: BeautifulSoup) -> dict[str, list[str]]:
    """<meta property|name=... content=...> of the page, read once per soup."""
    cached = soup.__dict__.get("_page_metas")
    if cached is None:
        cached = {}
        for t in soup.find_all("meta"):
            key = t.get("property") or t.get("name")
            if isinstance(key, str) and isinstance(t.get("content"), str):
                cached.setdefault(key, []).append(t["content"])
        soup.__dict__["_page_metas"] = cached
    return cached


def json_ld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph flattened; broken JSON is ignored."""
    out: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                out.append(item)
                stack.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
            elif isinstance(item, list):
                stack.extend(item)
    return out


def ld_types(item: dict[str, Any]) -> set[str]:
    t = item.get("@type", "")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    for item in json_ld(soup):
        if ld_types(item) & POST_JSONLD_TYPES:
            return item
    return {}


def body_classes(soup: BeautifulSoup) -> list[str]:
    body = soup.body
    return class_list(body)


def text_of(el: Tag | None) -> str:
    return " ".join(el.get_text(" ").split()) if el else ""


def term_slug(href: str, base: str) -> str:
    """`category/news/` or `?cat=news` -> 'news' (percent-decoded)."""
    path = urlsplit(href).path
    m = re.search(rf"(?:^|/){base}/([^/]+(?:/[^/]+)*?)/?(?:index\.html?)?$", path)
    if m:
        return unquote(m.group(1).split("/")[-1])
    return ""


def links_terms(links: Iterable[Tag], base: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a in links:
        name = text_of(a).lstrip("#").strip()
        if not name:
            continue
        slug = term_slug(attr_str(a, "href"), base) or re.sub(r"\s+", "-", name.lower())
        if (slug, name) not in out:
            out.append((slug, name))
    return out


def class_terms(classes: Iterable[str], prefix: str) -> list[tuple[str, str]]:
    """post_class() terms: 'category-news' -> ('news', 'news'). Names are fixed up by the caller."""
    out = []
    for c in classes:
        if c.startswith(prefix) and len(c) > len(prefix):
            slug = unquote(c[len(prefix) :])
            out.append((slug, slug))
    return out


# ---------------------------------------------------------------- classification


def is_xml(raw: str) -> bool:
    head = raw.lstrip("\ufeff \r\n\t")[:400].lower()
    return (head.startswith("<?xml") and "<html" not in head) or head.startswith(("<rss", "<feed", "<urlset"))


def classify_page(soup: BeautifulSoup, raw: str, rel_path: str) -> tuple[str, str, str]:
    """(kind, reason, post type) of one mirrored file, from what WordPress and themes put in it."""
    if is_xml(raw):
        return "feed", "XML feed or sitemap", ""
    if soup.body is None or (
        soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)}) and len(text_of(soup.body)) < 200
    ):
        return "redirect", "redirect or empty page", ""
    html = soup.find("html")
    if html is not None and (html.has_attr("amp") or html.has_attr("⚡")):
        return "duplicate", "AMP rendering", ""
    classes = set(body_classes(soup))
    for cls, why in LISTING_BODY.items():
        if cls in classes and not ({"single", "page", "wp-singular", "singular"} & classes and cls in ("paged",)):
            return "listing", f"body class {cls!r} ({why})", ""
    if "home" in classes and not any(c.startswith("page-id-") for c in classes):
        return "listing", "body class 'home' (front page listing)", ""
    if "attachment" in classes or "single-attachment" in classes:
        return "attachment", "attachment page (body class 'attachment')", "attachment"
    if "single" in classes or any(c.startswith("postid-") for c in classes):
        ptype = (
            "post"
            if "single-post" in classes
            else next(
                (
                    c[len("single-") :]
                    for c in sorted(classes)
                    if c.startswith("single-") and not NOT_TYPE_CLASS.match(c[len("single-") :])
                ),
                "post",
            )
        )
        return "post", "body class 'single'", ptype
    if "page" in classes or any(c.startswith("page-id-") for c in classes):
        return "page", "body class 'page'", "page"
    og_type = meta_content(soup, "og:type").lower()
    if og_type == "article":
        return "post", "og:type article", "post"
    if ld_article(soup):
        return "post", "JSON-LD BlogPosting/Article", "post"
    # Comments are <article class="comment"> in many themes: not posts.
    articles = [
        a
        for a in soup.find_all("article")
        if not any("comment" in c for c in class_list(a)) and a.find_parent(class_=re.compile("comment")) is None
    ]
    contents = soup.select(".entry-content, .post-content, [itemprop=articleBody]")
    if len(articles) > 1 or len(contents) > 1:
        return "listing", f"{max(len(articles), len(contents))} posts on one page", ""
    if LISTING_PATH.search(rel_path):
        return "listing", "archive-like path", ""
    one = len(articles) == 1 or len(contents) == 1
    if one and ({"post", "type-post", "hentry"} & set(class_list(articles[0]) if articles else []) or contents):
        return "post", "one article.post / .entry-content", "post"
    return "unknown", "no WordPress post markers", ""


# ---------------------------------------------------------------- metadata

TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " » ", " :: ", " · ", " ～ ")


def strip_site_name(title: str, site_name: str) -> str:
    if site_name:
        for sep in TITLE_SEPARATORS:
            if title.endswith(sep + site_name):
                return title[: -len(sep + site_name)].strip()
            if title.startswith(site_name + sep):
                return title[len(site_name + sep) :].strip()
    return ""


def title_site_suffix(title: str) -> str:
    """The part after the last separator of a <title>: a site-name candidate."""
    for sep in TITLE_SEPARATORS:
        if sep in title:
            return title.rsplit(sep, 1)[1].strip()
    return ""


def read_meta(soup: BeautifulSoup, meta: PageMeta, site_name: str = "", page_path: str = "") -> PageMeta:
    """Fill meta's fields from the page with ordered fallbacks (see `matched`)."""
    ld = ld_article(soup)
    idx = PageIndex.of(soup)
    article = next(iter(idx.by_tag.get("article", [])), None) or soup.body or soup
    article_classes = class_list(article) if isinstance(article, Tag) else []
    anchors = [a for a in idx.by_tag.get("a", []) if isinstance(a.get("href"), str)]
    in_article = [a for a in anchors if article is soup or any(p is article for p in a.parents)]
    meta.site_name = site_name or meta_content(soup, "og:site_name")
    html = next(iter(idx.by_tag.get("html", [])), None)
    meta.lang = attr_str(html, "lang") or meta_content(soup, "og:locale")

    meta.id = first_of(
        meta,
        "id",
        [
            ("body class postid-N/page-id-N", lambda: _int_class(body_classes(soup), ("postid-", "page-id-"))),
            ("article id post-N", lambda: _int_re(r"^post-(\d+)$", attr_str(article, "id"))),
            ("link rel=shortlink ?p=N", lambda: _int_query(_link_href(soup, "shortlink"), "p")),
        ],
    )
    meta.canonical = _link_href(soup, "canonical")
    meta.url = (
        first_of(
            meta,
            "url",
            [
                ("link rel=canonical", lambda: meta.canonical if "://" in meta.canonical else ""),
                ("og:url", lambda: meta_content(soup, "og:url")),
                ("oEmbed discovery link", lambda: _oembed_url(soup)),
                ("JSON-LD url", lambda: _ld_str(ld.get("mainEntityOfPage")) or _ld_str(ld.get("url"))),
                ("HTTrack 'Mirrored from' comment", lambda: _httrack_origin(soup)),
            ],
        )
        or ""
    )
    raw_title = text_of(soup.title)
    title_readers: list[Reader] = [("og:title", lambda: _strip_site(meta_content(soup, "og:title"), meta.site_name))]
    for sel in (
        "h1.entry-title",
        ".entry-title",
        "h1.post-title",
        "h1[itemprop=headline]",
        "h1.page-title",
        ".page-title h1",
    ):
        title_readers.append((sel, _text_reader(idx, sel)))
    title_readers += [
        ("JSON-LD headline", lambda: _ld_str(ld.get("headline"))),
        ("<title> minus site name", lambda: strip_site_name(raw_title, meta.site_name)),
        ("first h1 matching <title>", lambda: _h1_in_title(idx.by_tag.get("h1", []), raw_title)),
        ("<title>", lambda: raw_title),
    ]
    meta.title = first_of(meta, "title", title_readers) or ""

    published_time = idx.first("time.entry-date.published[datetime], time.published[datetime]")
    meta.published = first_of(
        meta,
        "published",
        [
            ("article:published_time", lambda: parse_date(meta_content(soup, "article:published_time"))),
            ("JSON-LD datePublished", lambda: parse_date(_ld_str(ld.get("datePublished")))),
            (
                "time.published[datetime]",
                lambda: parse_date(attr_str(published_time, "datetime")) if published_time else None,
            ),
            ("time.entry-date[datetime]", lambda: _time_attr(idx.first("time.entry-date[datetime]"))),
            ("time.updated[datetime] (FoundationPress)", lambda: _time_attr(idx.first("time.updated[datetime]"))),
            ("time[datetime]", lambda: _time_attr(idx.first("time[datetime]", article))),
            ("meta date/DC.date", lambda: parse_date(meta_content(soup, "date", "DC.date", "dc.date", "pubdate"))),
            ("time text", lambda: parse_human_date(text_of(idx.first("time", article) or idx.first("time")))),
            ("day-archive link", lambda: date_from_archive_link(in_article, page_path)),
            ("[itemprop=datePublished] text (Astra)", lambda: _itemprop_date(idx, article, meta.lang)),
            (
                ".posted-on/.entry-date/.post-date/.metadata-item text",
                lambda: next(
                    filter(
                        None,
                        (
                            parse_human_date(text_of(el), meta.lang)
                            for el in idx.select(
                                ".posted-on, .entry-date, .post-date, .date, .metadata-item, .entry-meta, .post-meta"
                            )
                        ),
                    ),
                    None,
                ),
            ),
        ],
    )
    meta.modified = first_of(
        meta,
        "modified",
        [
            (
                "article:modified_time",
                lambda: parse_date(meta_content(soup, "article:modified_time", "og:updated_time")),
            ),
            ("JSON-LD dateModified", lambda: parse_date(_ld_str(ld.get("dateModified")))),
            (
                "time.updated[datetime]",
                lambda: (
                    _time_attr(idx.first("time.updated[datetime]"))
                    if meta.matched.get("published", "").startswith(
                        ("time.published", "time.entry-date", "article:", "JSON")
                    )
                    else None
                ),
            ),
        ],
    )

    def scoped(selector: str, prefix: str) -> list[Tag]:
        # The post's own article first: related-post widgets carry rel="category tag" links too. An
        # article with its own `category-*`/`tag-*` classes never takes another post's terms.
        inside = idx.select(selector, article) if article is not soup else []
        if inside or (article is not soup and class_terms(article_classes, prefix)):
            return inside
        return idx.select(selector)

    def term_readers(readers: list[Reader]) -> list[Reader]:
        # WordPress pages have no categories or tags: a link to /category/x/ in a page's text is just a link.
        return [r for r in readers if r[0].startswith("post class")] if meta.type == "page" else readers

    meta.categories = (
        first_of(
            meta,
            "categories",
            term_readers(
                [
                    ('a[rel~="category"]', lambda: links_terms(scoped('a[rel~="category"]', "category-"), "category")),
                    ("article:section", lambda: [(s.lower(), s) for s in meta_all(soup, "article:section")]),
                    (
                        ".cat-links/.post-categories/.h-blog-categories a",
                        lambda: links_terms(
                            scoped(
                                ".cat-links a, .post-categories a, .entry-categories a, .categories-links a, .h-blog-categories a, "
                                ".post-category a, .meta-category a",
                                "category-",
                            ),
                            "category",
                        ),
                    ),
                    (
                        "link to /category/",
                        lambda: links_terms([a for a in in_article if "/category/" in a["href"]], "category"),
                    ),
                    ("post class category-*", lambda: class_terms(article_classes, "category-")),
                    ("JSON-LD articleSection", lambda: [(s.lower(), s) for s in _ld_list(ld.get("articleSection"))]),
                ]
            ),
        )
        or []
    )
    meta.tags = (
        first_of(
            meta,
            "tags",
            term_readers(
                [
                    (
                        'a[rel="tag"]',
                        lambda: links_terms(
                            [a for a in scoped('a[rel~="tag"]', "tag-") if "category" not in attr_list(a, "rel")], "tag"
                        ),
                    ),
                    ("article:tag", lambda: [(t.lower(), t) for t in meta_all(soup, "article:tag")]),
                    (
                        ".tags-links/.post-tags/.tags-container a",
                        lambda: links_terms(
                            scoped(
                                ".tags-links a, .tag-links a, .post-tags a, .entry-tags a, .tags-container a, a.tags",
                                "tag-",
                            ),
                            "tag",
                        ),
                    ),
                    ("link to /tag/", lambda: links_terms([a for a in in_article if "/tag/" in a["href"]], "tag")),
                    ("post class tag-*", lambda: class_terms(article_classes, "tag-")),
                    ("JSON-LD keywords", lambda: [(k.lower(), k) for k in _ld_list(ld.get("keywords"))]),
                ]
            ),
        )
        or []
    )

    author_link = idx.first('a[rel~="author"]') or next(
        (a for a in anchors if re.search(r"(^|/)author/[^/]+", attr_str(a, "href"))), None
    )
    meta.author_name = (
        first_of(
            meta,
            "author",
            [
                ("meta author", lambda: meta_content(soup, "author")),
                ("JSON-LD author", lambda: _ld_name(ld.get("author"))),
                ('a[rel="author"] / link to /author/', lambda: text_of(author_link)),
                (".byline/.vcard .fn", lambda: text_of(idx.first(".byline .fn, .vcard .fn, .author-name, .byline a"))),
            ],
        )
        or ""
    )
    meta.author = (term_slug(attr_str(author_link, "href"), "author") if author_link else "") or meta.author_name
    meta.excerpt = (
        first_of(
            meta,
            "excerpt",
            [
                ("meta description", lambda: meta_content(soup, "description")),
                ("og:description", lambda: meta_content(soup, "og:description")),
                ("JSON-LD description", lambda: _ld_str(ld.get("description"))),
            ],
        )
        or ""
    )
    meta.image = (
        first_of(
            meta,
            "image",
            [
                ("og:image", lambda: meta_content(soup, "og:image", "og:image:url", "twitter:image")),
                ("JSON-LD image", lambda: _ld_str(ld.get("image"))),
            ],
        )
        or ""
    )
    return meta


def _strip_site(title: str, site_name: str) -> str:
    return strip_site_name(title, site_name) or title


def _h1_in_title(h1s: list[Tag], raw_title: str) -> str:
    for h1 in h1s:
        t = text_of(h1)
        if t and any(raw_title.startswith(t + sep) for sep in TITLE_SEPARATORS):
            return t
    return ""


def _itemprop_date(idx: PageIndex, article: Tag | BeautifulSoup, lang: str) -> datetime | None:
    """`<span class="published" itemprop="datePublished">14/11/2017</span>` (Astra): the post's own first."""
    el = idx.first("[itemprop=datePublished]", article) or idx.first("[itemprop=datePublished]")
    if el is None:
        return None
    value = attr_str(el, "content") or attr_str(el, "datetime")
    return parse_date(value) if value else parse_human_date(text_of(el), lang)


def _time_attr(el: Tag | None) -> datetime | None:
    return parse_date(attr_str(el, "datetime")) if el is not None and isinstance(el.get("datetime"), str) else None


def _link_href(soup: BeautifulSoup, rel: str) -> str:
    for link in soup.find_all("link", href=True):
        if rel in [r.lower() for r in attr_list(link, "rel")]:
            return attr_str(link, "href").strip()
    return ""


def _oembed_url(soup: BeautifulSoup) -> str:
    for link in soup.find_all("link", href=True, type="application/json+oembed"):
        url = parse_qs(urlsplit(attr_str(link, "href")).query).get("url", [""])[0]
        if url.startswith("http"):
            return url
    return ""


def _httrack_origin(soup: BeautifulSoup) -> str:
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        m = re.search(r"Mirrored from (\S+) by HTTrack", c)
        if m:
            url = m.group(1)
            return url if "://" in url else "https://" + url
    return ""


def _int_class(classes: list[str], prefixes: tuple[str, ...]) -> int | None:
    for c in classes:
        for p in prefixes:
            if c.startswith(p) and c[len(p) :].isdigit():
                return int(c[len(p) :])
    return None


def _text_reader(idx: PageIndex, selector: str) -> Callable[[], str]:
    return lambda: text_of(idx.first(selector))


def _int_re(pattern: str, value: str) -> int | None:
    m = re.match(pattern, value or "")
    return int(m.group(1)) if m else None


def _int_query(url: str, name: str) -> int | None:
    v = parse_qs(urlsplit(url).query).get(name, [""])[0]
    return int(v) if v.isdigit() else None


def _ld_str(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("@id") or value.get("url") or value.get("name") or "")
    if isinstance(value, list):
        return _ld_str(value[0]) if value else ""
    return str(value or "").strip()


def _ld_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _ld_name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "")
