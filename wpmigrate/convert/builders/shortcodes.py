"""The engine for shortcode builders (WPBakery, The7, Avada, Divi): a table of module -> handler.

A family module declares `TABLE: dict[str, Handler]`, built from the factories below, so adding a
module is one line: `"vc_column_text": text()`, `"dt_fancy_title": heading("title", level="title_size")`.
Handlers get the shortcode (attributes decoded), the HTML of what it wraps (already expanded) and the
post's BuildState, and return HTML.

Runs before autop, as WPBakery itself does (its text modules run wpautop on their own content): text
modules are turned into paragraphs here, everything else is block-level HTML autop leaves alone.
Shortcodes that belong to no builder ([caption], [gallery], [embed], plugins' own) pass through for
shortcodes.py. Inside a code module nothing is expanded: the shortcodes there are the author's text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..shortcodes import Shortcode, scan
from .common import (
    BuildState,
    attachment_url,
    block,
    bullet_list,
    code,
    decode_base64,
    decode_text,
    embed,
    fallback_html,
    figure,
    heading,
    link,
    paragraphs,
    placeholder,
    quote,
    raw_html,
    vc_link,
)

Handler = Callable[[Shortcode, str, BuildState], str]


def _get(sc: Shortcode, *names: str) -> str:
    for n in names:
        value = sc.attrs.get(n, "")
        if value.strip():
            return decode_text(value.strip())
    return ""


# ---------------------------------------------------------------- handler factories


def unwrap() -> Handler:
    """Layout (rows, columns, sections, containers): its content, in reading order."""
    return lambda sc, inner, st: block(inner)


def drop() -> Handler:
    """Spacing and decoration (gaps, spacers, separators, icons): nothing to read."""
    return lambda sc, inner, st: ""


def inline() -> Handler:
    """Inline decoration (highlights, tooltips, dropcaps): the words stay in the sentence."""
    return lambda sc, inner, st: inner


def text(*title_attrs: str, level: int = 3) -> Handler:
    """A text module: optional title attribute as a heading, then its content as paragraphs."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        return heading(_get(sc, *title_attrs), level) + paragraphs(inner) if title_attrs else paragraphs(inner)

    return handle


def heading_of(attr: str | None = None, level: str = "", default: int = 2) -> Handler:
    """A heading from an attribute (or the content when attr is None); `level` names the h1..h6 attribute."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        words = _get(sc, attr) if attr else re.sub(r"</?p>|<br\s*/?>", " ", inner).strip()
        return heading(words if attr is None else html.escape(words, quote=False), _get(sc, level) or default)

    return handle


def button(text_attrs: tuple[str, ...] = ("title", "text", "button_text"), url_attrs: tuple[str, ...] = ()) -> Handler:
    """A button: a link with its label (the content, or a label attribute)."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        url, label = vc_link(_get(sc, *(url_attrs or ("link", "url", "href", "button_url"))))
        words = re.sub(r"</?p>", "", inner).strip() or html.escape(_get(sc, *text_attrs) or label, quote=False)
        return link(url, words)

    return handle


def image(src_attrs: tuple[str, ...] = ("image", "src", "img"), caption: str = "caption", href: str = "") -> Handler:
    """An image by attachment id or URL, with its caption and link when it has them."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        url, alt = attachment_url(_get(sc, *src_attrs), st)
        target = vc_link(_get(sc, href))[0] if href else ""
        return figure(url, _get(sc, "alt", "image_alt", "title_text") or alt, _get(sc, caption), target)

    return handle


def gallery(ids_attrs: tuple[str, ...] = ("images", "ids", "gallery_ids")) -> Handler:
    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        out = []
        for item in re.split(r"\s*,\s*", _get(sc, *ids_attrs)):
            url, alt = attachment_url(item, st)
            out.append(figure(url, alt))
        return "".join(out)

    return handle


def items(ordered: bool = False) -> Handler:
    """A list whose items are child modules (each renders to `<li>`)."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        found = re.findall(r"<li>(.*?)</li>", inner, re.S)
        return bullet_list(found, ordered) if found else block(inner)

    return handle


def item() -> Handler:
    return lambda sc, inner, st: f"<li>{re.sub(r'</?p>', ' ', inner).strip()}</li>"


def panel(title_attr: str = "title", level: int = 3) -> Handler:
    """A tab, accordion or toggle panel: its title as a heading, then its content."""

    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        return heading(html.escape(_get(sc, title_attr), quote=False), level) + paragraphs(inner)

    return handle


def blockquote(cite_attrs: tuple[str, ...] = ("name", "author"), extra: tuple[str, ...] = ()) -> Handler:
    def handle(sc: Shortcode, inner: str, st: BuildState) -> str:
        cite = ", ".join(html.escape(v, quote=False) for v in (_get(sc, a) for a in (*cite_attrs, *extra)) if v)
        return quote(inner, cite)

    return handle


def code_block() -> Handler:
    """Code shown as code: the raw content, the line breaks autop would add taken out again."""
    return lambda sc, inner, st: code(html.unescape((sc.content or "").strip("\n")))


def video(url_attrs: tuple[str, ...] = ("link", "src", "url", "video", "youtube", "vimeo")) -> Handler:
    return lambda sc, inner, st: embed(vc_link(_get(sc, *url_attrs))[0], st)


def raw(base64_content: bool = False) -> Handler:
    """Raw HTML modules; WPBakery stores theirs base64-encoded."""
    return lambda sc, inner, st: raw_html(decode_base64(sc.content or "") if base64_content else inner)


def placeholder_for(label: str) -> Handler:
    """Content built at display time: a visible placeholder (and whatever the author wrote inside)."""
    return lambda sc, inner, st: placeholder(label, st) + block(inner)


def compose(*parts: Handler) -> Handler:
    """Several handlers in a row over one module: image, then heading, then text (blurbs, teasers...)."""
    return lambda sc, inner, st: "".join(p(sc, inner, st) for p in parts)


def titled(*title_attrs: str, level: int = 3) -> Handler:
    """Just a heading from the first title attribute that has text (for compose)."""
    return lambda sc, inner, st: heading(html.escape(_get(sc, *title_attrs), quote=False), level)


def content() -> Handler:
    """The content as paragraphs (for compose)."""
    return lambda sc, inner, st: paragraphs(inner)


# Attributes whose values are text a reader sees, for modules without a mapping.
_FALLBACK_ATTRS = ("title", "heading", "subtitle", "sub_title", "caption", "text", "label", "name", "description")


def _fallback(sc: Shortcode, inner: str, st: BuildState) -> str:
    st.unknown[sc.name] += 1
    texts = [html.escape(_get(sc, a), quote=False) for a in _FALLBACK_ATTRS if _get(sc, a)]
    return fallback_html(texts) + paragraphs(inner)


# ---------------------------------------------------------------- the expander


def expand(text: str, table: dict[str, Handler], prefixes: tuple[str, ...], st: BuildState, depth: int = 0) -> str:
    """Replace the builder shortcodes of `text` (names in `table`, or starting with a family prefix)."""
    names = (
        set(table) | {n for n in re.findall(r"\[([a-z][\w-]*)", text) if n.startswith(prefixes)}
        if prefixes
        else set(table)
    )
    known = frozenset(n for n in names if f"[{n}" in text)
    if not known or depth > 60:
        return text
    # A closing tag without its opening one (broken markup) is layout: dropped from the text between modules.
    stray = re.compile(r"\[/(" + "|".join(map(re.escape, sorted(known))) + r")\]")
    out: list[str] = []
    pos = 0
    for sc in scan(text, known):
        if sc.name not in known:
            continue  # another plugin's shortcode: shortcodes.py's business
        out.append(stray.sub("", text[pos : sc.start]))
        pos = sc.end
        if sc.escaped:
            out.append(text[sc.start : sc.end])
            continue
        st.seen[sc.name] += 1
        handler = table.get(sc.name, _fallback)
        keeps_raw = handler in _RAW_HANDLERS
        inner = sc.content or ""
        if not keeps_raw:
            inner = expand(inner, table, prefixes, st, depth + 1)
        out.append(handler(sc, inner, st))
    out.append(stray.sub("", text[pos:]))
    return "".join(out)


_RAW_HANDLERS: set[Handler] = set()


def raw_content(handler: Handler) -> Handler:
    """Mark a handler whose content must not be expanded (code, raw HTML)."""
    _RAW_HANDLERS.add(handler)
    return handler
