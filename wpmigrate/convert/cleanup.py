"""Junk that real WordPress content carries and a reader never saw, removed before conversion. Pure.

repair_tag_typos   `<h3">` (a stray quote after the tag name, a typo the classic editor kept): lxml
                   makes an element named `h3"` that never closes, and markdownify's prefix match
                   then turns the rest of the post into one heading. The typo is mended in the text,
                   so the author's `</h3>` closes the heading they meant.
pass_cleanup       on the parsed tree:
                   - elements whose name is still not an HTML name are unwrapped (content kept);
                   - TinyMCE's paste buffer `<div id="_mcePaste" style="...left:-10000px...">` (an
                     off-screen copy of pasted text that old editors saved by mistake) is dropped: it
                     was never shown. One saved without its hiding style was shown, and is kept;
                   - WordPress emoji and smiley images (`img.wp-smiley`, `img.emoji`, which WordPress
                     made from the characters the author typed) become their `alt` text again, the
                     emoji character or the `:-)` the author wrote, rather than an image to download;
                   - a paragraph holding a run of two or more `<br>` (a blank line typed inside a
                     paragraph) is split there into paragraphs: Markdown has no empty line inside a
                     paragraph, and a line holding only `\\` is what it would otherwise get;
                   - adjacent one-item lists (`<ul><li>a</li></ul><ul><li>b</li></ul>`) are one list:
                     typed one item at a time (a list block per item, Enter twice in the classic
                     editor), they showed as one column of bullets, and kept apart Markdown would need
                     alternating `-`/`*` markers to separate them. Lists of several items, ordered lists
                     (their numbers would change) and lists with different attributes (classes) stay apart.
                   - Flash-era and raw video players (`<object>`, `<embed>`, `<iframe>` of YouTube,
                     Vimeo, Dailymotion...) become what an [embed] gets (`--embeds link`: a labelled
                     link to the video's page; `--embeds html`: the provider's current iframe). Flash
                     plays nowhere any more, so an `.swf` of an unknown service becomes a link to the
                     file, with a warning; an iframe of an unknown service stays as it is (it may work).
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from ..tagattrs import attr_str, class_list
from .embeds import render_embed
from .soup import all_tags, has_ancestor

_TAG_TYPO = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)[\"']+(?=[\s/>])")
_HTML_NAME = re.compile(r"^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?$")
_html_names: dict[str, bool] = {}  # tag name -> _HTML_NAME matches it (a regex per element was 1/3 of this pass)
_EMOJI_CLASSES = frozenset(["wp-smiley", "emoji"])
_OFF_SCREEN = re.compile(r"(?:left|top)\s*:\s*-\d{3,}px|display\s*:\s*none", re.I)


def repair_tag_typos(html: str) -> str:
    return _TAG_TYPO.sub(r"<\1", html) if "<" in html else html


def pass_cleanup(root: Tag, mode: str = "link", warnings: list[str] | None = None) -> None:
    """All of this module's tree work in one walk over the tree: junk removed on the way, paragraphs,
    lists and players gathered and mended after it (`mode` and `warnings` are the players')."""
    paragraphs: list[Tag] = []
    lists: list[Tag] = []
    players: list[Tag] = []
    for el in all_tags(root):  # a list: the loop removes tags
        if el.parent is None:
            continue  # removed with an ancestor
        name = el.name
        html_name = _html_names.get(name)
        if html_name is None:
            html_name = _html_names[name] = _HTML_NAME.match(name) is not None
        if not html_name:
            el.unwrap()
        elif name == "div" and el.get("id") == "_mcePaste" and _OFF_SCREEN.search(attr_str(el, "style")):
            el.decompose()
        elif name == "img" and _EMOJI_CLASSES & set(class_list(el)) and attr_str(el, "alt").strip():
            el.replace_with(NavigableString(attr_str(el, "alt").strip()))
        elif name == "p":
            paragraphs.append(el)
        elif name == "ul":
            lists.append(el)
        elif name in _PLAYER_TAGS:
            players.append(el)
    for p in paragraphs:
        if p.parent is not None:
            _split_at_blank_lines(p)
    for lst in lists:
        _merge_one_item_lists(lst)
    _replace_players(players, mode, warnings if warnings is not None else [])


def _split_at_blank_lines(p: Tag) -> None:
    """<p>a<br><br>b</p> -> <p>a</p><p>b</p>, for runs of <br> that are children of the paragraph."""
    if sum(1 for c in p.contents if isinstance(c, Tag) and c.name == "br") < 2:
        return  # no run of two
    groups: list[list[object]] = [[]]
    run: list[object] = []  # the <br>s (and blanks between them) seen since the last content
    for child in list(p.contents):
        if (isinstance(child, Tag) and child.name == "br") or (
            isinstance(child, NavigableString) and not child.strip() and run
        ):
            run.append(child)
        else:
            if sum(1 for n in run if isinstance(n, Tag)) >= 2 and groups[-1]:
                groups.append([])
            else:
                groups[-1].extend(run)
            run = []
            groups[-1].append(child)
    groups[-1].extend(run)
    if len(groups) < 2:
        return
    for group in groups:
        new = Tag(name="p", attrs=dict(p.attrs))
        for node in group:
            new.append(node.extract())  # type: ignore[attr-defined]  # PageElement.extract
        p.insert_before(new)
    p.decompose()


def _items(lst: Tag) -> list[Tag]:
    return [c for c in lst.children if isinstance(c, Tag) and c.name == "li"]


def _merge_one_item_lists(lst: Tag) -> None:
    """<ul><li>a</li></ul><ul><li>b</li></ul> -> <ul><li>a</li><li>b</li></ul>, for a run of adjacent
    one-item lists: a list typed one item at a time (a list block per item, Enter twice in the classic
    editor), which WordPress showed as one column of bullets. Lists of several items stay apart."""
    if lst.parent is None or len(_items(lst)) != 1:
        return
    nxt = lst.next_sibling
    while nxt is not None:
        gap = []
        while isinstance(nxt, NavigableString) and not nxt.strip():
            gap.append(nxt)
            nxt = nxt.next_sibling
        if not (isinstance(nxt, Tag) and nxt.name == "ul" and nxt.attrs == lst.attrs and len(_items(nxt)) == 1):
            return
        for blank in gap:
            blank.extract()
        following = nxt.next_sibling
        lst.append(_items(nxt)[0].extract())
        nxt.decompose()
        nxt = following


# Player URLs -> the page a reader (and render_embed) knows the video by.
_PLAYERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/(?:v|embed)/([\w-]{6,})", re.I),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"^(?:https?:)?//player\.vimeo\.com/video/(\d+)", re.I), "https://vimeo.com/{}"),
    (
        re.compile(r"^(?:https?:)?//(?:www\.)?dailymotion\.com/(?:swf|embed/video)/([a-z0-9]+)", re.I),
        "https://www.dailymotion.com/video/{}",
    ),
    (
        re.compile(r"^(?:https?:)?//player\.youku\.com/player\.php/sid/(\w+)", re.I),
        "https://v.youku.com/v_show/id_{}.html",
    ),
)
_INLINE_PARENTS = frozenset(["p", "a", "span", "strong", "em", "b", "i", "li", "td", "th", "figcaption", "label"])


def player_page_url(src: str) -> str:
    """The video page behind a player URL ("" when it is not a player we know)."""
    src = htmllib.unescape(src.strip())
    for pattern, page in _PLAYERS:
        m = pattern.match(src)
        if m:
            return page.format(m.group(1))
    parts = urlsplit(src if "//" in src else "//" + src)
    if parts.netloc.lower().endswith("vimeo.com") and "moogaloop" in parts.path:
        clip = parse_qs(parts.query).get("clip_id", [""])[0]
        if clip.isdigit():
            return f"https://vimeo.com/{clip}"
    return ""


def _player_src(el: Tag) -> str:
    if el.name == "object":
        for param in el.find_all("param"):
            if str(param.get("name") or "").lower() in ("movie", "src") and param.get("value"):
                return str(param.get("value"))
        inner = el.find("embed")
        if isinstance(inner, Tag) and inner.get("src"):
            return str(inner.get("src"))
        return str(el.get("data") or "")
    return str(el.get("src") or "")


def _is_flash(el: Tag) -> bool:
    """A Flash player by its type or ActiveX class, whatever its URL looks like (`http://g4tv.com/lv3/44277`)."""
    types = [str(el.get("type") or "")] + [str(e.get("type") or "") for e in el.find_all("embed")]
    return "shockwave-flash" in " ".join(types).lower() or "d27cdb6e" in str(el.get("classid") or "").lower()


_PLAYER_TAGS = frozenset(["object", "embed", "iframe"])


def _replace_players(players: list[Tag], mode: str, warnings: list[str]) -> None:
    for el in players:
        if not isinstance(el, Tag) or el.parent is None or has_ancestor(el, "object"):
            continue  # gone with its <object>, or the <embed> fallback inside one
        src = _player_src(el)
        page = player_page_url(src)
        if page:
            fragment = render_embed(page, mode)
        elif el.name != "iframe" and src.strip() and (re.search(r"\.swf(?:$|[?#&])", src, re.I) or _is_flash(el)):
            url = htmllib.unescape(src.strip())
            url = "https:" + url if url.startswith("//") else url
            warnings.append(f"a Flash player ({url}) plays nowhere any more: written as a link to it")
            fragment = f'<p><a href="{htmllib.escape(url)}">Flash content: {htmllib.escape(url, quote=False)}</a></p>'
        else:
            continue
        target: Tag = el
        parent = el.parent
        if isinstance(parent, Tag) and parent.name == "a" and not parent.get_text(strip=True):
            target = parent  # a link around a player: the player's link replaces both...
            href = str(parent.get("href") or "").strip()
            if href and htmllib.unescape(href) not in (page, htmllib.unescape(src.strip())):
                # ... keeping where the author's link went, when it went elsewhere
                esc = htmllib.escape(href)
                fragment += f' <a href="{esc}">{htmllib.escape(href, quote=False)}</a>'
        new = BeautifulSoup(fragment, "html.parser")
        inline = isinstance(target.parent, Tag) and target.parent.name in _INLINE_PARENTS
        if inline and new.p is not None:
            new.p.unwrap()
        for node in list(new.contents):
            target.insert_before(node.extract())
        target.decompose()
