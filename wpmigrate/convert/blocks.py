"""Gutenberg blocks -> plain HTML: comments parsed (as WordPress's block parser does), attributes used.

A block is `<!-- wp:ns/name {"json":"attrs"} -->inner<!-- /wp:ns/name -->` or void `<!-- wp:name /-->`;
the namespace defaults to `core/`. We parse the comments into a tree, render children first, then
each block by its type (see RENDERERS). Types without a renderer keep their inner HTML (columns, group,
cover ... in reading order); dynamic blocks rendered by the server (latest posts, query loops,
navigation) have no text in the post and vanish.

Footnotes: the inline markers become `<span data-wpm-raw="footnote">[^1]</span>` and the footnotes
block a run of `<p><span data-wpm-raw="footnote">[^1]:</span> note</p>` definitions (Markdown footnotes
as kramdown and most renderers read them). Their text comes from the post's "footnotes" meta.
(markers.py defines these markers.)
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from . import ConvertContext
from .embeds import detect_provider, provider_for_slug, render_embed
from .markers import RAW_FOOTNOTE, raw_div, raw_span

# WordPress's block delimiter grammar: names are lower case, the JSON ends at the first `}` followed by
# whitespace and the end of the comment.
_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<ns>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
_LEFTOVER = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.S)  # invalid names (wp:core/4-invalid ...)

# Blocks whose content WordPress builds at display time from the database: their own markup is a
# placeholder, but blocks the author put inside (a paragraph in a comments block) still show.
VANISH = frozenset(
    [
        "spacer",
        "latest-posts",
        "latest-comments",
        "archives",
        "categories",
        "tag-cloud",
        "calendar",
        "rss",
        "search",
        "query",
        "query-loop",
        "query-pagination",
        "navigation-link",
        "navigation-submenu",
        "home-link",
        "loginout",
        "site-logo",
        "site-title",
        "site-tagline",
        "post-title",
        "post-content",
        "post-excerpt",
        "post-featured-image",
        "post-date",
        "post-author",
        "post-author-name",
        "post-author-biography",
        "post-terms",
        "post-comments",
        "post-comments-form",
        "post-navigation-link",
        "comments",
        "comments-query-loop",
        "avatar",
        "read-more",
        "pattern",
        "block",
        "legacy-widget",
        "widget-group",
        "term-description",
        "query-title",
        "comments-title",
        "comments-pagination",
    ]
)
# ... and these with everything inside: templates repeated per post, "no results" texts, menus.
DROP_ALL = frozenset(
    [
        "query-no-results",
        "post-template",
        "comment-template",
        "navigation",
        "page-list",
        "page-list-item",
        "template-part",
    ]
)


@dataclass
class Block:
    name: str  # "core/paragraph"
    attrs: dict[str, Any]
    inner: list[Block | str] = field(default_factory=list)


_JSON = json.JSONDecoder()


def _decode_json(text: str) -> Any:
    """json.loads(text) for a text starting with "{", without its wrapping (it was half the parse)."""
    value, end = _JSON.raw_decode(text)
    if text[end:].strip(" \t\n\r"):  # json.loads: only JSON whitespace may follow
        raise ValueError("extra data after the JSON")
    return value


def parse_blocks(text: str) -> tuple[list[Block | str], bool]:
    """The block tree of a post (top-level items: freeform HTML strings and blocks), and whether it had any."""
    root = Block("", {})
    stack = [root]
    pos = 0
    had = False
    for m in _DELIMITER.finditer(text):
        start, end = m.span()
        stack[-1].inner.append(text[pos:start])
        pos = end
        had = True
        closer, ns, short, attrs_json, void = m.groups()
        name = (ns or "core/") + short
        if closer:
            # Close the innermost open block of that name (and any left open inside it); else ignore it.
            for i in range(len(stack) - 1, 0, -1):
                if stack[i].name == name:
                    del stack[i:]
                    break
            continue
        try:
            attrs = _decode_json(attrs_json) if attrs_json else {}
        except ValueError:
            attrs = {}
        block = Block(name, attrs if isinstance(attrs, dict) else {})
        stack[-1].inner.append(block)
        if not void:
            stack.append(block)
    root.inner.append(text[pos:])
    return root.inner, had


def render_blocks(html_text: str, ctx: ConvertContext, stats: Counter, footnotes: Any = None) -> tuple[str, bool]:
    """Replace block comments by the HTML they stand for.

    Returns (html, had_blocks). When the content had blocks WordPress does not run wpautop on it,
    and neither do we. `stats` counts block names seen ("core/paragraph", ...). `footnotes` is the
    post's "footnotes" meta (JSON text or list of {"id", "content"}), for the core/footnotes block.
    """
    if "<!--" not in html_text:
        return html_text, False
    tree, had = parse_blocks(html_text)
    if not had:
        return _LEFTOVER.sub("", html_text), False
    notes = _footnote_list(footnotes)
    out = "".join(_render(item, ctx, stats, notes) for item in tree)
    if notes:
        out = _mark_footnotes(out, notes)
    return _LEFTOVER.sub("", out), True


def _render(item: Block | str, ctx: ConvertContext, stats: Counter, notes: list[dict[str, str]]) -> str:
    if isinstance(item, str):
        return item
    name = item.name
    stats[name] += 1
    short = name[5:] if name.startswith("core/") else name
    if short in DROP_ALL:
        _count_children(item, stats)
        return ""
    if short in VANISH:
        return "".join(_render(c, ctx, stats, notes) for c in item.inner if isinstance(c, Block))
    inner = "".join(_render(child, ctx, stats, notes) for child in item.inner)
    renderer = RENDERERS.get(short) or RENDERERS.get(item.name)
    if item.name.startswith("core-embed/"):
        renderer = _render_embed
    if short == "footnotes":
        return _render_footnotes(notes)
    return renderer(item, inner, ctx) if renderer else inner


def _count_children(block: Block, stats: Counter) -> None:
    for child in block.inner:
        if isinstance(child, Block):
            stats[child.name] += 1
            _count_children(child, stats)


# ---------------------------------------------------------------- helpers over fragments


def _fragment(inner: str) -> etree._Element:
    """The inner HTML as children of a <div> (lxml), for the renderers that need structure."""
    return lxml.html.fragment_fromstring(inner, create_parent="div")


def _serialize(el: etree._Element) -> str:
    return lxml.html.tostring(el, encoding="unicode", with_tail=False)


def _inner_html(el: etree._Element) -> str:
    parts = [html.escape(el.text or "", quote=False)]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in el]
    return "".join(parts)


def _classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


# ---------------------------------------------------------------- renderers


def _render_quote(block: Block, inner: str, ctx: ConvertContext) -> str:
    """quote / pullquote: the blockquote with its citation as a last "— cite" paragraph."""
    root = _fragment(inner)
    quote = root.find(".//blockquote")
    if quote is None:
        return inner
    cites = [c for c in quote if c.tag == "cite"]
    citation = block.attrs.get("citation") if not cites else None
    for cite in cites:
        para = etree.Element("p")
        para.text = "— " + (cite.text or "")
        para.extend(list(cite))
        cite.addnext(para)
        para.tail = cite.tail
        quote.remove(cite)
    if citation:
        quote.append(lxml.html.fragment_fromstring(f"<p>— {citation}</p>"))
    quote.attrib.pop("class", None)
    return _serialize(quote)


def _render_code(block: Block, inner: str, ctx: ConvertContext) -> str:
    """core/code, syntaxhighlighter/code: `<pre><code class="language-X">`, body as written."""
    lang = str(block.attrs.get("language") or block.attrs.get("lang") or "")
    m = re.search(r"<pre\b[^>]*>(.*)</pre>", inner, re.S | re.I)
    body = m.group(1) if m else inner
    c = re.fullmatch(r"\s*<code\b([^>]*)>(.*)</code>\s*", body, re.S | re.I)
    if c:
        body = c.group(2)
        named = re.search(r"language-([\w#+.-]+)", c.group(1))
        lang = lang or (named.group(1) if named else "")
    if not lang and m:
        found = re.search(r"(?:language-|lang-|brush:\s*)([\w#+.-]+)", m.group(0)[:200])
        lang = found.group(1) if found else ""
    cls = f' class="language-{html.escape(lang.lower())}"' if re.fullmatch(r"[\w#+.-]+", lang) else ""
    return f"<pre><code{cls}>{body}</code></pre>"


def _render_preformatted(block: Block, inner: str, ctx: ConvertContext) -> str:
    """Preformatted text, not code: a fence when plain; the `<pre>` itself when it has emphasis (or
    other inline formatting) WordPress showed and a fence would lose."""
    m = re.search(r"<pre\b[^>]*>(.*)</pre>", inner, re.S | re.I)
    body = re.sub(r"<br\s*/?>", "\n", m.group(1) if m else inner, flags=re.I)
    if re.search(r"<(em|i|strong|b|u|mark|s|del|sub|sup)\b", body, re.I):
        return raw_div(f"<pre>{body}</pre>")
    return f"<pre>{body}</pre>"


def _render_verse(block: Block, inner: str, ctx: ConvertContext) -> str:
    """Poetry, not code: a paragraph whose lines stay lines, and whose indentation and runs of spaces
    (which the verse's <pre> showed) stay too, as no-break spaces Markdown does not collapse."""
    m = re.search(r"<pre\b[^>]*>(.*)</pre>", inner, re.S | re.I)
    body = (m.group(1) if m else inner).strip("\n")
    body = re.sub(r"<br\s*/?>\r?\n?", "\n", body, flags=re.I)
    lines = [_keep_spaces(line) for line in re.split(r"\r?\n", body)]
    return "<p>" + "<br>\n".join(lines) + "</p>"


def _keep_spaces(line: str) -> str:
    """A verse line's leading indentation (a tab as four) and inner runs of spaces as U+00A0, outside tags."""
    parts = re.split(r"(<[^>]*>)", line.replace("\t", "    "))
    for i, part in enumerate(parts):
        if part.startswith("<"):
            continue
        if i == 0:
            part = re.sub(r"^ +", lambda m: "\u00a0" * len(m.group(0)), part)
        parts[i] = re.sub(r"(?:(?<=\S)|^) {2,}", lambda m: "\u00a0" * (len(m.group(0)) - 1) + " ", part)
    return "".join(parts)


def _render_table(block: Block, inner: str, ctx: ConvertContext) -> str:
    """The table, then its caption as an emphasised paragraph."""
    root = _fragment(inner)
    table = root.find(".//table")
    if table is None:
        return inner
    cap = root.find(".//figcaption")
    table.attrib.pop("class", None)
    out = _serialize(table)
    if cap is not None and (cap.text_content() or "").strip():
        out += f"\n<figcaption>{_inner_html(cap).strip()}</figcaption>"
    return out


def _render_image(block: Block, inner: str, ctx: ConvertContext) -> str:
    """An image block is already <figure><a?><img></a?><figcaption?></figure>; fill a missing alt."""
    att_id = block.attrs.get("id")
    att = ctx.attachments.get(att_id) if isinstance(att_id, int) else None
    if att is not None and att.alt:
        inner = re.sub(
            r'(<img\b[^>]*?\balt=)(""|\'\')', lambda m: f'{m.group(1)}"{html.escape(att.alt)}"', inner, count=1
        )
    if "<img" not in inner and block.attrs.get("url"):
        inner = f'<figure><img src="{html.escape(block.attrs["url"])}" alt="{html.escape(block.attrs.get("alt", ""))}"></figure>'
    return inner


def _render_gallery(block: Block, inner: str, ctx: ConvertContext) -> str:
    """core/gallery (all versions), Jetpack tiled gallery and slideshow: one figure per image."""
    root = _fragment(inner)
    figures: list[str] = []
    for img in root.iter("img"):
        fig = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        cap = None
        if fig is not None and "wp-block-gallery" not in _classes(fig):
            cap = next((c for c in fig.iter("figcaption")), None)
        li = next((a for a in img.iterancestors() if a.tag == "li"), None)
        if cap is None and li is not None:
            cap = next((c for c in li.iter("figcaption")), None)
        src = img.get("src") or img.get("data-orig-file") or img.get("data-full-url") or ""
        caption = _inner_html(cap).strip() if cap is not None else ""
        image = f'<img src="{html.escape(src)}" alt="{html.escape(img.get("alt") or "")}">'
        link = next((a for a in img.iterancestors() if a.tag == "a"), None)
        if link is not None and link.get("href"):
            image = f'<a href="{html.escape(link.get("href"))}">{image}</a>'
        figures.append(f"<figure>{image}" + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")
    if not figures and block.attrs.get("images"):  # Jetpack slideshow/tiled gallery saved as attributes
        for image in block.attrs["images"]:
            if isinstance(image, dict) and image.get("url"):
                figures.append(
                    f'<figure><img src="{html.escape(image["url"])}" alt="{html.escape(image.get("alt") or "")}"></figure>'
                )
    gallery_cap = next(
        (
            c
            for c in root.iter("figcaption")
            if "blocks-gallery-caption" in _classes(c)
            or (c.getparent() is not None and "wp-block-gallery" in _classes(c.getparent()))
        ),
        None,
    )
    if gallery_cap is not None and (gallery_cap.text_content() or "").strip():
        figures.append(f"<figcaption>{_inner_html(gallery_cap).strip()}</figcaption>")
    return "\n".join(figures)


def _render_embed(block: Block, inner: str, ctx: ConvertContext) -> str:
    """core/embed and legacy core-embed/*: provider link (or markup), then the caption."""
    root = _fragment(inner) if inner.strip() else None
    url = str(block.attrs.get("url") or "")
    if not url and root is not None:
        wrapper = next((d for d in root.iter() if "wp-block-embed__wrapper" in _classes(d)), root)
        url = (wrapper.text_content() or "").strip().split()[0] if (wrapper.text_content() or "").strip() else ""
    if not url:
        return inner
    slug = str(block.attrs.get("providerNameSlug") or block.name.split("/", 1)[1])
    provider = detect_provider(url) or provider_for_slug(slug)
    out = render_embed(url, ctx.embeds, provider=provider)
    cap = root.find(".//figcaption") if root is not None else None
    if cap is not None and (cap.text_content() or "").strip():
        out += f"\n<figcaption>{_inner_html(cap).strip()}</figcaption>"
    return out


def _render_buttons(block: Block, inner: str, ctx: ConvertContext) -> str:
    """Each button a paragraph with its link (or its text when it links nowhere)."""
    root = _fragment(inner)
    out = []
    for el in root.iter("a", "button"):
        if el.tag == "a" and el.get("href"):
            out.append(f'<p><a href="{html.escape(el.get("href"))}">{_inner_html(el).strip()}</a></p>')
        elif (el.text_content() or "").strip():
            out.append(f"<p>{_inner_html(el).strip()}</p>")
    return "\n".join(out)


def _render_file(block: Block, inner: str, ctx: ConvertContext) -> str:
    """File: its link(s) on one line (the file name, then the "Download" button's link)."""
    root = _fragment(inner) if inner.strip() else None
    links = [
        f'<a href="{html.escape(a.get("href"))}">{_inner_html(a).strip() or html.escape(a.get("href"))}</a>'
        for a in (root.iter("a") if root is not None else ())
        if a.get("href")
    ]
    return f"<p>{' '.join(links)}</p>" if links else inner


def _render_separator(block: Block, inner: str, ctx: ConvertContext) -> str:
    return "<hr>"


# Custom HTML holding any of these stays the author's markup: it does something (scripts, styles, forms,
# players, drawings) or is laid out by hand (<pre>), which Markdown cannot say.
_KEEP_RAW = frozenset(
    [
        "script",
        "style",
        "noscript",
        "link",
        "meta",
        "form",
        "input",
        "select",
        "textarea",
        "button",
        "iframe",
        "object",
        "embed",
        "video",
        "audio",
        "canvas",
        "svg",
        "math",
        "pre",
        "template",
        "details",
        "dialog",
        "map",
        "area",
    ]
)


def _render_html(block: Block, inner: str, ctx: ConvertContext) -> str:
    """Custom HTML: plain block markup (headings, paragraphs, lists, links, images ..., nothing styled
    inline) is content like any other and becomes Markdown; anything else stays the author's markup,
    as is (markdown.py writes it as one raw HTML block). Loose text between the tags stays raw too:
    WordPress printed it without paragraphs, which Markdown cannot write."""
    if not inner.strip():
        return ""
    return inner if _is_plain_markup(inner) else raw_div(inner)


def _is_plain_markup(inner: str) -> bool:
    try:
        root = _fragment(inner)
    except (etree.ParserError, ValueError):
        return False
    if (root.text or "").strip() or any((child.tail or "").strip() for child in root):
        return False
    for el in root.iter():
        if not isinstance(el.tag, str):
            return False  # a comment or a processing instruction: the author's markup
        if el is root:
            continue
        if el.tag in _KEEP_RAW or el.get("style") or any(a.startswith("on") for a in el.attrib):
            return False
    return len(root) > 0


def _render_social(block: Block, inner: str, ctx: ConvertContext) -> str:
    url = str(block.attrs.get("url") or "")
    if not url:
        return ""
    label = str(block.attrs.get("label") or block.attrs.get("service") or url).capitalize()
    return f'<li><a href="{html.escape(url)}">{html.escape(label)}</a></li>'


def _render_social_links(block: Block, inner: str, ctx: ConvertContext) -> str:
    items = re.findall(r"<li><a href=.*?</a></li>", inner, re.S)
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def _render_cover(block: Block, inner: str, ctx: ConvertContext) -> str:
    """Cover: its background image (when only an attribute or CSS has it), then its content."""
    url = str(block.attrs.get("url") or "")
    shown = re.search(r"<(img|video)\b[^>]*\bsrc=", inner)
    if url and block.attrs.get("backgroundType", "image") == "image" and not shown:
        inner = (
            f'<figure><img src="{html.escape(url)}" alt="{html.escape(str(block.attrs.get("alt") or ""))}"></figure>\n'
            + inner
        )
    return inner


RENDERERS: dict[str, Callable[[Block, str, ConvertContext], str]] = {
    "quote": _render_quote,
    "pullquote": _render_quote,
    "code": _render_code,
    "syntaxhighlighter/code": _render_code,
    "preformatted": _render_preformatted,
    "verse": _render_verse,
    "table": _render_table,
    "image": _render_image,
    "gallery": _render_gallery,
    "jetpack/tiled-gallery": _render_gallery,
    "jetpack/slideshow": _render_gallery,
    "embed": _render_embed,
    "buttons": _render_buttons,
    "button": lambda b, i, c: i,
    "separator": _render_separator,
    "file": _render_file,
    "html": _render_html,
    "social-link": _render_social,
    "social-links": _render_social_links,
    "cover": _render_cover,
    "cover-image": _render_cover,
}


# ---------------------------------------------------------------- footnotes


def _footnote_list(meta: Any) -> list[dict[str, str]]:
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return []
    if not isinstance(meta, list):
        return []
    return [n for n in meta if isinstance(n, dict) and n.get("id")]


_FN_MARK = re.compile(r'<sup\b[^>]*\bdata-fn="([^"]+)"[^>]*>.*?</sup>', re.S)


def _mark_footnotes(text: str, notes: list[dict[str, str]]) -> str:
    numbers = {n["id"]: i for i, n in enumerate(notes, 1)}

    def mark(m: re.Match[str]) -> str:
        n = numbers.get(m.group(1))
        return raw_span(RAW_FOOTNOTE, f"[^{n}]") if n else m.group(0)

    return _FN_MARK.sub(mark, text)


def _render_footnotes(notes: list[dict[str, str]]) -> str:
    return "\n".join(
        f"<p>{raw_span(RAW_FOOTNOTE, f'[^{i}]:')} {n.get('content', '')}</p>" for i, n in enumerate(notes, 1)
    )
