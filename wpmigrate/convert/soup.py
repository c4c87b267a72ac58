"""Passes over the BeautifulSoup tree before conversion, and facts about elements.

    pass_comments   <!--more--> -> <wpm-more> placeholder (markers.py); every other comment, CDATA, PI removed
    pass_repair     void HTML5 elements libxml2 nests content in; <br> in <pre>; multi-line <code>
    pass_urls       links through ctx.rewrite_link, media through ctx.rewrite_asset; assets noted as found
    pass_depth      markup nested deeper than MAX_DEPTH flattened (markdownify recursion guard)

plus `table_is_simple` (pipe table or raw HTML?), `code_language`, `html_block` and `classify_media`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape as html_escape

from bs4 import CData, Comment, Declaration, Doctype, ProcessingInstruction, Tag

from ..models import AssetRef
from . import ConvertContext
from .markers import MORE_TAG

MAX_DEPTH = 120  # markdownify recurses ~3 frames per level; Python's default limit is 1000
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
RAW_BLOCK = frozenset(["iframe", "video", "audio", "object", "embed", "form", "details", "dl", "canvas", "svg", "math"])


# CommonMark HTML block "type 6" names: such a block may put its whole element on one line.
TYPE6 = frozenset(["iframe", "details", "dl", "form", "table"])
VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
CONTAINERS = frozenset(["div", "span", "section", "article", "font", "center", "main", "header", "footer", "aside"])
CELL_BLOCKERS = (
    "br",
    "ul",
    "ol",
    "pre",
    "table",
    "blockquote",
    *HEADINGS,
    "hr",
    "dl",
    "div",
    "figure",
    *sorted(RAW_BLOCK),
)
_LANG_CLASS = re.compile(r"^(?:language|lang)-([\w+#.-]+)$")
_BRUSH = re.compile(r"brush\s*:\s*([\w+#.-]+)")
_HUMAN_LANG = re.compile(r"^(?:[a-z]{2}[-_][A-Za-z]{2,}|en|fr|de|es|it|ja|zh|pt|nl|ru|pl|sv|ko|ar|he)$")
_IMAGE_EXT = frozenset(["jpg", "jpeg", "jpe", "png", "gif", "webp", "svg", "bmp", "tif", "tiff", "avif", "heic", "ico"])
_AUDIO_EXT = frozenset(["mp3", "m4a", "ogg", "oga", "wav", "flac", "aac", "wma"])
_VIDEO_EXT = frozenset(["mp4", "m4v", "mov", "webm", "ogv", "avi", "wmv", "flv", "mkv", "3gp"])
_FILE_EXT = frozenset(
    [
        "pdf",
        "zip",
        "gz",
        "tgz",
        "rar",
        "7z",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "csv",
        "epub",
        "mobi",
        "key",
        "pages",
        "numbers",
    ]
)


def classify_media(url: str) -> str | None:
    """ "image", "audio", "video" or "file" when a URL points at a media file (by extension, or because
    it is under /wp-content/uploads/), else None (a page link)."""
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    for kind, exts in (("image", _IMAGE_EXT), ("audio", _AUDIO_EXT), ("video", _VIDEO_EXT), ("file", _FILE_EXT)):
        if ext in exts:
            return kind
    if "/wp-content/uploads/" in path and ext:
        return "file"
    return None


def code_language(pre: Tag) -> str:
    """The fence's info string, from the <pre> or its <code>: language-x, lang-x, brush: x, data-lang,
    or WP-Syntax's <pre lang="php"> (a human language code there is ignored)."""
    for el in (pre, pre.find("code")):
        if not isinstance(el, Tag):
            continue
        for attr in ("data-lang", "data-language"):
            if el.get(attr):
                return _clean_lang(str(el.get(attr)))
        classes = [str(c) for c in (el.get("class") or [])]
        for cls in classes:
            m = _LANG_CLASS.match(cls)
            if m:
                return _clean_lang(m.group(1))
        m = _BRUSH.search(" ".join(classes))
        if m:
            return _clean_lang(m.group(1))
        lang = str(el.get("lang") or "")
        if el.name == "pre" and lang and not _HUMAN_LANG.match(lang):
            return _clean_lang(lang)
    return ""


def _clean_lang(lang: str) -> str:
    lang = re.sub(r"[^\w+#.-]", "", lang.strip().lower())
    return "" if lang in ("none", "plain", "text", "plaintext", "nohighlight") else lang


def table_rows(table: Tag) -> list[list[Tag]]:
    """Rows in display order (thead, bodies and loose rows, tfoot), each a list of its cells."""
    head: list[Tag] = []
    body: list[Tag] = []
    foot: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            body.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            trs = child.find_all("tr", recursive=False)
            {"thead": head, "tbody": body, "tfoot": foot}[child.name].extend(trs)
    rows = [list(tr.find_all(["td", "th"], recursive=False)) for tr in head + body + foot]
    return [r for r in rows if r]


def table_is_simple(table: Tag) -> bool:
    """Can this table be a pipe table without losing structure?"""
    rows = table_rows(table)
    if not rows or len({len(r) for r in rows}) != 1:
        return False
    for row in rows:
        for cell in row:
            for attr in ("colspan", "rowspan"):
                if str(cell.get(attr, "1")).strip() not in ("", "1"):
                    return False
            if cell.find(CELL_BLOCKERS) is not None or len(cell.find_all("p")) > 1:
                return False
    # Rows or cells we would not see (stray text, nested <tr> in odd places) mean: keep it as HTML.
    return sum(len(r) for r in rows) == len(table.find_all(["td", "th"]))


def cell_align(cell: Tag) -> str:
    align = str(cell.get("align") or cell.get("data-align") or "").lower()
    m = re.search(r"text-align\s*:\s*(left|right|center)", str(cell.get("style") or ""))
    # The table block writes the column alignment as a class (and data-align) on every cell.
    c = re.search(r"\bhas-text-align-(left|right|center)\b", " ".join(cell.get("class") or []))
    return m.group(1) if m else c.group(1) if c else align


def html_block(el: Tag) -> str:
    """An element as a CommonMark HTML block: opening tag alone on line one, no blank line inside."""
    for node in [el, *el.find_all(True)]:
        for attr in list(node.attrs):
            if attr in ("class", "style", "srcset", "sizes", "loading", "decoding") or attr.startswith("data-"):
                del node.attrs[attr]
    if el.name in TYPE6 or el.name in VOID:
        html = str(el)
    else:
        attrs = "".join(
            f' {k}="{html_escape(" ".join(v) if isinstance(v, list) else str(v))}"' for k, v in el.attrs.items()
        )
        inner = el.decode_contents().strip("\n")
        html = f"<{el.name}{attrs}>\n{inner}\n</{el.name}>" if inner.strip() else f"<{el.name}{attrs}>\n</{el.name}>"
    return "\n".join(line.rstrip() for line in html.split("\n") if line.strip())


# Tags that open a CommonMark HTML block of types 1-6 (any text may follow them on the line).
_BLOCK_OPENERS = frozenset(
    [
        "pre",
        "script",
        "style",
        "textarea",
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        *HEADINGS,
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ]
)
_PRE_SPAN = re.compile(r"<pre\b.*?</pre\s*>", re.S | re.I)


def raw_html(markup: str) -> str:
    """Author's markup kept as one CommonMark HTML block, byte for byte apart from blank lines.

    A blank line would end the block, so whitespace-only lines are dropped outside <pre> and written
    as `&#10;` inside it (the same newline for a browser). Markup that does not open with a block
    tag is wrapped in a <div>, else a CommonMark reader would take it for a paragraph."""

    def keep_pre_lines(m: re.Match[str]) -> str:
        text = m.group(0)
        while re.search(r"\n[ \t]*\n", text):
            text = re.sub(r"\n[ \t]*\n", "\n&#10;", text)
        return text

    markup = _PRE_SPAN.sub(keep_pre_lines, markup.strip())
    first = re.match(r"<([a-zA-Z][a-zA-Z0-9-]*)", markup)
    if not first or first.group(1).lower() not in _BLOCK_OPENERS:
        markup = f"<div>\n{markup}\n</div>"
    return "\n".join(line.rstrip() for line in markup.split("\n") if line.strip())


def pass_comments(root: Tag) -> None:
    more_done = False
    for node in list(
        root.find_all(string=lambda s: isinstance(s, (Comment, CData, ProcessingInstruction, Declaration, Doctype)))
    ):
        if isinstance(node, Comment) and re.match(r"\s*more\b", str(node)) and not more_done:
            more_done = True
            node.replace_with(Tag(name=MORE_TAG))
        elif isinstance(node, Comment) and re.match(r"\s*nextpage\b", str(node)):
            node.replace_with(" ")  # a page break: at least keep the words apart
        else:
            node.extract()


def pass_repair(root: Tag) -> None:
    """Fix what the lxml parser gets wrong for HTML5, and what markdownify cannot see."""
    for tag in root.find_all(["source", "track", "embed", "param", "wbr"]):
        for child in reversed(list(tag.contents)):  # libxml2 does not know these are void
            tag.insert_after(child.extract())
    for code in root.find_all("code"):
        # Multi-line inline code (autop put <br> in it): a code span cannot hold a line break.
        if code.find("br") is not None and code.find_parent("pre") is None:
            for text in code.find_all(string=True):
                if text.startswith("\n") and getattr(text.previous_sibling, "name", "") == "br":
                    text.replace_with(text[1:])  # the <br> is the line break; the newline was spacing
            code.wrap(Tag(name="pre"))
    for pre in root.find_all("pre"):
        for br in pre.find_all("br"):
            br.replace_with("\n")
    for tag in root.find_all(["noscript"]):
        tag.unwrap()


def pass_urls(root: Tag, ctx: ConvertContext, assets: list[AssetRef]) -> None:
    """Rewrite link and media URLs through the context; note every media URL as found."""

    def media(url: str, kind: str) -> str:
        assets.append(AssetRef(url=url, kind=kind))
        return ctx.rewrite_asset(url)

    for tag in root.find_all(["img", "a", "video", "audio", "source", "track", "embed", "object"]):
        name = tag.name
        if name == "img":
            src = str(tag.get("src") or "").strip()
            lazy = tag.get("data-lazy-src") or tag.get("data-src") or tag.get("data-orig-file")
            if (not src or src.startswith("data:")) and lazy:
                src = str(lazy).strip()
            if src and not src.startswith("data:"):
                tag["src"] = media(src, "image")
            for attr in ("srcset", "sizes"):
                tag.attrs.pop(attr, None)
        elif name == "a":
            href = tag.get("href")
            if href is None:
                continue
            href = str(href).strip()
            kind = classify_media(href)
            tag["href"] = media(href, kind) if kind else ctx.rewrite_link(href)
        elif name == "object":
            if tag.get("data"):
                tag["data"] = media(str(tag["data"]).strip(), classify_media(str(tag["data"])) or "file")
        else:
            if name == "video" and tag.get("poster"):
                tag["poster"] = media(str(tag["poster"]).strip(), "image")
            if tag.get("src"):
                src = str(tag["src"]).strip()
                if name == "track":
                    kind = "file"
                elif name in ("video", "audio"):
                    kind = name
                else:
                    kind = classify_media(src) or (
                        "video" if tag.find_parent("video") else "audio" if tag.find_parent("audio") else "file"
                    )
                tag["src"] = media(src, kind)
            tag.attrs.pop("srcset", None)


def pass_depth(root: Tag, warnings: list[str]) -> None:
    """Flatten markup nested deeper than MAX_DEPTH: containers first, then whatever is left."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    deep: list[tuple[int, Tag]] = []
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH // 3 and node.name in CONTAINERS:
            deep.append((depth, node))
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tag))
    if deepest <= MAX_DEPTH:
        return
    warnings.append(f"markup nested {deepest} levels deep was flattened")
    for _, node in sorted(deep, key=lambda d: d[0]):  # shallowest first: each unwrap moves few nodes
        node.unwrap()
    stack = [(root, 0)]
    cut: list[tuple[int, Tag]] = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            cut.append((depth, node))
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tag))
    for _, node in sorted(cut, key=lambda d: d[0]):
        node.unwrap()


def unique(refs: Iterable[AssetRef]) -> list[AssetRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.url not in seen:
            seen.add(ref.url)
            out.append(ref)
    return out
