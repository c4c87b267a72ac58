"""Passes over the BeautifulSoup tree before conversion, and facts about elements.

    pass_comments   <!--more--> -> <wpm-more> placeholder (markers.py); every other comment, CDATA, PI removed
    pass_repair     void HTML5 elements libxml2 nests content in; <br> in <pre>; multi-line <code>
    pass_urls       links through ctx.rewrite_link, media through ctx.rewrite_asset; assets noted as found
    pass_depth      markup nested deeper than MAX_DEPTH flattened (markdownify recursion guard)

`parse_html` builds the same tree as BeautifulSoup(html, "lxml"), faster (see _TreeBuilder).

plus `table_is_simple` (pipe table or raw HTML?), `code_language`, `html_block` and `classify_media`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from html import escape as html_escape
from typing import Any

from bs4 import (
    BeautifulSoup,
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)
from bs4.builder import nonwhitespace_re
from bs4.builder._lxml import LXMLTreeBuilder
from lxml import etree

from ..models import AssetRef
from ..tagattrs import class_list
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
    for el in (pre, first_tag(pre, "code")):
        if not isinstance(el, Tag):
            continue
        for attr in ("data-lang", "data-language"):
            if el.get(attr):
                return _clean_lang(str(el.get(attr)))
        classes = class_list(el)
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


_CELLS = frozenset(["td", "th"])
_CELL_BLOCKER_SET = frozenset(CELL_BLOCKERS)
_P = frozenset(["p"])


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
            trs = [c for c in child.children if isinstance(c, Tag) and c.name == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[child.name].extend(trs)
    rows = [[c for c in tr.children if isinstance(c, Tag) and c.name in _CELLS] for tr in head + body + foot]
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
            if any(isinstance(n, Tag) and n.name in _CELL_BLOCKER_SET for n in cell.descendants):
                return False
            if len(tags_named(cell, _P)) > 1:
                return False
    # Rows or cells we would not see (stray text, nested <tr> in odd places) mean: keep it as HTML.
    return sum(len(r) for r in rows) == len(tags_named(table, _CELLS))


def cell_align(cell: Tag) -> str:
    align = str(cell.get("align") or cell.get("data-align") or "").lower()
    m = re.search(r"text-align\s*:\s*(left|right|center)", str(cell.get("style") or ""))
    # The table block writes the column alignment as a class (and data-align) on every cell.
    c = re.search(r"\bhas-text-align-(left|right|center)\b", " ".join(cell.get("class") or []))
    return m.group(1) if m else c.group(1) if c else align


def html_block(el: Tag) -> str:
    """An element as a CommonMark HTML block: opening tag alone on line one, no blank line inside."""
    for node in [el, *all_tags(el)]:
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


# Markup whose lxml tree can differ from the parse events bs4 sees: a doctype (kept apart, in docinfo);
# what may put text outside <html> (the tree drops it): an end tag, comment or PI first, </html>, </body>.
_ODD_START = re.compile(r"[ \t\n\r\f]*<[/!?]")
_ODD_MARKUP = ("<!doctype", "</html", "</body", "</head")  # in lower case: found by `in`, not a regex search
# HTML boolean attributes: libxml2's tree gives `disabled` the value "disabled", its events give "".
_BOOLEAN_ATTRS = frozenset(
    [
        "checked",
        "compact",
        "declare",
        "defer",
        "disabled",
        "ismap",
        "multiple",
        "nohref",
        "noresize",
        "noshade",
        "nowrap",
        "readonly",
        "selected",
    ]
)
_TREE_DEPTH = 200
_ASCII_SPACES = BeautifulSoup.ASCII_SPACES  # what bs4 folds a blank text run from


def _has_odd_markup(lowered: str) -> bool:
    return any(odd in lowered for odd in _ODD_MARKUP)


class _Fallback(Exception):
    """The lxml tree holds something _TreeBuilder does not copy exactly: parse the bs4 way."""


class _TreeBuilder(LXMLTreeBuilder):
    """bs4's lxml builder, fed from a tree libxml2 built in C rather than from a Python callback per
    start tag, end tag and text run (bs4's way, 15% of a conversion). The same libxml2 parser with the
    same options makes both, so the tree is the same; what this copies by hand is what bs4 does with
    each event (tests/test_parse_html.py holds it to BeautifulSoup(html, "lxml") on the corpus). Markup
    it cannot copy exactly (a doctype, nodes outside <html>, namespaced or boolean attributes, nesting
    deeper than libxml2 builds) goes
    the bs4 way."""

    # Did the parse make a comment (or a CDATA, PI, doctype)? Unknown after bs4's own parse: True.
    made_comments = True

    def feed(self, markup: Any) -> None:
        self.made_comments = True
        if not isinstance(markup, str) or _ODD_START.match(markup) or _has_odd_markup(markup.lower()):
            super().feed(markup)
            return
        parser = etree.HTMLParser(recover=True, huge_tree=self.huge_tree)
        try:
            parser.feed(markup)
            root = parser.close()
            if root is None or root.getprevious() is not None or root.getnext() is not None:
                raise _Fallback
            self._copy_tree(root)
        except (_Fallback, etree.LxmlError, UnicodeError, ValueError):
            self.made_comments = True
            assert self.soup is not None
            self.soup.reset()  # as new, with the namespaces bs4 registers at the start
            self.initialize_soup(self.soup)
            super().feed(markup)

    def _copy_tree(self, root: Any) -> None:
        """Make the bs4 objects bs4's start/end/data/comment handlers would, in the same order.

        Objects are made without their constructors (Tag.__init__ and NavigableString.__new__ were
        two thirds of this copy): each gets the attributes those would give it, the per-name ones
        from a template made once per parse by a real Tag()."""
        soup = self.soup
        assert soup is not None
        containers = self.string_containers
        preserve = self.preserve_whitespace_tags
        namespaces = self.active_namespace_prefixes[-1]
        attr_dict = self.attribute_dict_class
        value_list = self.attribute_value_list_class
        find_words = nonwhitespace_re.findall
        comment_tag = etree.Comment
        new_tag = Tag.__new__
        new_str = str.__new__
        self.made_comments = False
        templates = _TAG_TEMPLATES
        names: dict[str, int] = {}  # bs4 leaves a count of 0 for each name it saw, in this order
        previous: Any = None  # the node made last (bs4's _most_recent_element)

        def add_string(text: str, parent: Tag, cls: type[NavigableString], keep: bool) -> None:
            """bs4's endData + object_was_parsed: NavigableString(text) then its links."""
            nonlocal previous
            if not keep and not text.strip(_ASCII_SPACES):
                text = "\n" if "\n" in text else " "  # a blank run is one newline or one space
            node = new_str(cls, text)
            siblings = parent.contents
            last = siblings[-1] if siblings else None
            if last is not None:
                last.next_sibling = node
            node.__dict__ = {
                "hidden": False,
                "parent": parent,
                "previous_element": previous,
                "next_element": None,
                "next_sibling": None,
                "previous_sibling": last,
            }
            previous.next_element = node
            siblings.append(node)
            previous = node

        # The open elements: (the next sibling to copy after it, bs4 parent, class of the strings in it,
        # whitespace kept in it?, the text after the element). Children are reached by el[0] and
        # getnext(), not iter(el): lxml makes a tag matcher for each iterator (a third of this copy).
        stack: list[tuple[Any, Tag, type[NavigableString], bool, str | None]] = []
        el: Any = root
        parent: Tag = soup
        cls: type[NavigableString] = NavigableString
        keep = False
        while True:
            if el is None:
                if not stack:
                    break
                el, parent, cls, keep, tail = stack.pop()
                if tail:
                    add_string(tail, parent, cls, keep)
                continue
            tag = el.tag
            if tag is comment_tag:
                self.made_comments = True
                add_string(el.text or "", parent, Comment, keep)
                if el.tail:
                    add_string(el.tail, parent, cls, keep)
                el = el.getnext()
                continue
            if type(tag) is not str:
                raise _Fallback  # a processing instruction or an entity
            known = templates.get(tag)
            if known is None:
                if tag == "meta":  # its charset may become a substitution: Tag() does that
                    raise _Fallback
                known = templates[tag] = _tag_template(soup, self, tag, namespaces)
                if len(templates) > 1000:  # tag names are the author's: keep the table small
                    templates.clear()
            template, word_lists = known
            items = el.items()
            for i, (key, value) in enumerate(items):
                if key[0] == "{" or (value == key and key in _BOOLEAN_ATTRS):
                    raise _Fallback
                if key in word_lists:  # class="a b": bs4's _replace_cdata_list_attribute_values
                    items[i] = (key, value_list(find_words(value)))
            # Made whole, not set one by one: for the values lxml gives (str) and these lists, the
            # __setitem__ of HTMLAttributeDict is dict's, called from Python.
            attrs = attr_dict(items) if items else attr_dict()
            node = new_tag(Tag)
            siblings = parent.contents
            last = siblings[-1] if siblings else None
            if last is not None:
                last.next_sibling = node
            fields = template.copy()
            fields["attrs"] = attrs
            fields["_namespaces"] = namespaces or {}
            fields["contents"] = []
            fields["parent"] = parent
            fields["previous_element"] = previous
            fields["previous_sibling"] = last
            if "interesting_string_types" not in fields:  # a string container's is its own set
                fields["interesting_string_types"] = {containers[tag]}
            node.__dict__ = fields
            if previous is not None:
                previous.next_element = node
            siblings.append(node)
            previous = node
            names[tag] = 0
            stack.append((el.getnext(), parent, cls, keep, el.tail))
            if len(stack) > _TREE_DEPTH:
                raise _Fallback  # libxml2 stops building its tree at depth 256; its events go on
            parent = node
            cls = containers.get(tag, cls)
            keep = keep or tag in preserve
            if el.text:
                add_string(el.text, node, cls, keep)
            el = el[0] if len(el) else None
        soup._most_recent_element = previous
        soup.open_tag_counter = Counter(names)


# Tag name -> what Tag() sets on a new tag of that name that is not a link: the same for every parse,
# as every _TreeBuilder is made alike (no arguments) and the soup is always a BeautifulSoup.
_TAG_TEMPLATES: dict[str, tuple[dict[str, Any], frozenset[str]]] = {}


def _tag_template(
    soup: BeautifulSoup, builder: LXMLTreeBuilder, name: str, namespaces: Any
) -> tuple[dict[str, Any], frozenset[str]]:
    """What Tag(soup, builder, name, ...) sets on a new tag of this name, links and contents aside;
    and the names of its attributes bs4 splits into word lists (class, rel ...)."""
    fields = dict(vars(Tag(soup, builder, name, None, None, None, None, None, namespaces=namespaces)))
    for link in ("attrs", "_namespaces", "contents", "parent", "previous_element", "previous_sibling"):
        fields.pop(link, None)
    if name in builder.string_containers:
        del fields["interesting_string_types"]  # a set per tag: made per tag
    lists = builder.cdata_list_attributes or {}
    return fields, frozenset(lists.get("*", ())) | frozenset(lists.get(name.lower(), ()))


def parse_html(html: str) -> BeautifulSoup:
    """BeautifulSoup(html, "lxml"), the same tree, built in about half the time."""
    return BeautifulSoup(html, builder=_TreeBuilder())


def release_tree(root: Tag, tags: list[Tag]) -> None:
    """Unlink a tree nobody will read again (`tags`: the tags below root, or some of them), so that
    reference counting frees it at once. A bs4 tree is a web of cycles (parent and child, next and
    previous): left to the cycle collector, each post's tree costs collections and, surviving one,
    grows the old generation, which every full collection walks (issue 11: a --jobs worker's CPU)."""
    for tag in tags:
        tag.__dict__.clear()
    node: Tag | None = root
    while node is not None:  # root and its ancestors, up to the soup
        parent = node.parent
        node.__dict__.clear()
        node = parent


def tags_named(root: Tag, names: AbstractSet[str]) -> list[Tag]:
    """root.find_all(list(names)), the same list in the same order, without bs4's matcher (a new
    SoupStrainer per call and a Python match per node: eight times slower)."""
    return [n for n in root.descendants if isinstance(n, Tag) and n.name in names]


def first_tag(root: Tag, name: str) -> Tag | None:
    """root.find(name)."""
    return next((n for n in root.descendants if isinstance(n, Tag) and n.name == name), None)


def has_ancestor(tag: PageElement, name: str) -> bool:
    """tag.find_parent(name) is not None."""
    return any(p.name == name for p in tag.parents)


_NOT_TEXT = (Comment, CData, ProcessingInstruction, Declaration, Doctype)


def pass_comments(root: Tag) -> None:
    if isinstance(root, BeautifulSoup) and isinstance(root.builder, _TreeBuilder) and not root.builder.made_comments:
        return  # parse_html copied the tree and met no comment: no walk needed
    more_done = False
    for node in [n for n in root.descendants if isinstance(n, _NOT_TEXT)]:
        if isinstance(node, Comment) and re.match(r"\s*more\b", str(node)) and not more_done:
            more_done = True
            node.replace_with(Tag(name=MORE_TAG))
        elif isinstance(node, Comment) and re.match(r"\s*nextpage\b", str(node)):
            node.replace_with(" ")  # a page break: at least keep the words apart
        else:
            node.extract()


_VOID_BY_HTML5 = frozenset(["source", "track", "embed", "param", "wbr"])  # libxml2 does not know these are void


def pass_repair(root: Tag) -> list[Tag] | None:
    """Fix what the lxml parser gets wrong for HTML5, and what markdownify cannot see. Returns
    all_tags(root) when it changed nothing (most posts: the caller's next walk is spared), else None.

    One walk gathers the four kinds of tag each step works on: no step makes or removes a tag of a
    later step's kind (but for the <pre> it wraps code in, added to the list) or changes their order."""
    voids: list[Tag] = []
    codes: list[Tag] = []
    pres: list[Tag] = []
    noscripts: list[Tag] = []
    tags = all_tags(root)
    for node in tags:
        name = node.name
        if name in _VOID_BY_HTML5:
            voids.append(node)
        elif name == "code":
            codes.append(node)
        elif name == "pre":
            pres.append(node)
        elif name == "noscript":
            noscripts.append(node)
    changed = bool(noscripts)
    for tag in voids:
        changed = changed or bool(tag.contents)
        for child in reversed(list(tag.contents)):
            tag.insert_after(child.extract())
    for code in codes:
        # Multi-line inline code (autop put <br> in it): a code span cannot hold a line break.
        if first_tag(code, "br") is not None and not has_ancestor(code, "pre"):
            changed = True
            for text in code.find_all(string=True):
                if text.startswith("\n") and getattr(text.previous_sibling, "name", "") == "br":
                    text.replace_with(text[1:])  # the <br> is the line break; the newline was spacing
            pre = Tag(name="pre")
            code.wrap(pre)
            pres.append(pre)  # its <br>s become newlines with the others (in any order: the same result)
    for pre in pres:
        for br in tags_named(pre, _BR):
            changed = True
            br.replace_with("\n")
    for tag in noscripts:
        tag.unwrap()
    return None if changed else tags


_BR = frozenset(["br"])
_URL_TAGS = frozenset(["img", "a", "video", "audio", "source", "track", "embed", "object"])


def all_tags(root: Tag) -> list[Tag]:
    """root.find_all(True): every tag below root, in document order."""
    return [n for n in root.descendants if isinstance(n, Tag)]


def pass_urls(root: Tag, ctx: ConvertContext, assets: list[AssetRef], tags: list[Tag] | None = None) -> None:
    """Rewrite link and media URLs through the context; note every media URL as found. `tags`: all_tags(root)
    when the caller has it (this pass adds or removes no tag)."""

    def media(url: str, kind: str) -> str:
        assets.append(AssetRef(url=url, kind=kind))
        return ctx.rewrite_asset(url)

    for tag in all_tags(root) if tags is None else tags:
        name = tag.name
        if name not in _URL_TAGS:
            continue
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
                        "video" if has_ancestor(tag, "video") else "audio" if has_ancestor(tag, "audio") else "file"
                    )
                tag["src"] = media(src, kind)
            tag.attrs.pop("srcset", None)


# Tags flatten_deep_markup may drop: each needs its end tag (so a stack can follow them) and holds
# nothing whose meaning depends on its parent being there.
_DEEP_TAGS = CONTAINERS | frozenset(
    [
        "b",
        "i",
        "em",
        "strong",
        "u",
        "s",
        "strike",
        "sub",
        "sup",
        "small",
        "big",
        "code",
        "kbd",
        "tt",
        "q",
        "cite",
        "abbr",
        "del",
        "ins",
        "mark",
        "a",
        "blockquote",
        "ul",
        "ol",
        "dl",
        "table",
        "nav",
        "figure",
    ]
)
_MARKUP_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea)\b.*?(?:</\1\s*>|\Z)|<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>",
    re.S | re.I,
)


# Where a start tag of _DEEP_TAGS may be: every one _MARKUP_TOKEN finds is found here (and more: in
# comments, scripts), so their count bounds the depth from above, in one scan in C.
_DEEP_START = re.compile(r"<(?:" + "|".join(sorted(_DEEP_TAGS)) + r")(?![a-zA-Z0-9-])", re.I)


def flatten_deep_markup(html: str) -> tuple[str, int]:
    """(html, depth seen): when tags of _DEEP_TAGS nest deeper than MAX_DEPTH, the start and end tags
    below MAX_DEPTH // 3 of them are left out, before parsing. The parser itself is quadratic in depth
    (BeautifulSoup walks up the open tags for each text node), so this must happen on the text: 100,000
    nested divs would take minutes to parse. Text is never dropped. Depth 0: nothing to do."""
    if html.count("<") <= MAX_DEPTH or len(_DEEP_START.findall(html)) <= MAX_DEPTH:
        return html, 0  # fewer start tags of _DEEP_TAGS (counted anywhere) than it takes
    deepest = depth = 0
    for m in _MARKUP_TOKEN.finditer(html):
        name = (m.group(3) or "").lower()
        if name in _DEEP_TAGS:
            depth = depth - 1 if m.group(2) else depth + 1
            depth = max(depth, 0)
            deepest = max(deepest, depth)
    if deepest <= MAX_DEPTH:
        return html, 0
    out: list[str] = []
    last = depth = 0
    kept: dict[str, list[bool]] = {}  # per tag name: was each open one kept?
    for m in _MARKUP_TOKEN.finditer(html):
        name = (m.group(3) or "").lower()
        if name not in _DEEP_TAGS:
            continue
        if m.group(2):  # an end tag: dropped when its start tag was
            opened = kept.get(name)
            if not opened:
                continue  # a stray end tag: the parser ignores it
            depth = max(depth - 1, 0)
            if opened.pop():
                continue
        else:
            depth += 1
            keep = depth <= MAX_DEPTH // 3
            kept.setdefault(name, []).append(keep)
            if keep:
                continue
        out.append(html[last : m.start()])
        last = m.end()
    out.append(html[last:])
    return "".join(out), deepest


def pass_depth(root: Tag, warnings: list[str], seen_depth: int = 0, tag_count: int | None = None) -> None:
    """Flatten markup nested deeper than MAX_DEPTH: containers first, then whatever is left.
    `seen_depth`: the depth flatten_deep_markup saw before parsing (it flattened it already);
    `tag_count`: len(all_tags(root)), when the caller has it."""
    if tag_count is None:
        tag_count = sum(1 for n in root.descendants if isinstance(n, Tag))
    if seen_depth <= MAX_DEPTH and tag_count <= MAX_DEPTH:
        return  # no deeper than it has tags: the walk below would find nothing to do
    deepest = seen_depth
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
    unwrap_all(root, [node for _, node in deep])
    stack = [(root, 0)]
    cut: list[Tag] = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            cut.append(node)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tag))
    unwrap_all(root, cut)


def unwrap_all(root: Tag, tags: list[Tag]) -> None:
    """Replace each of `tags` (below root) by its children, as Tag.unwrap() would one by one, in one
    linear pass: unwrap() looks its tag up in the parent's list, so unwrapping thousands of nested
    tags one at a time is quadratic (20,000 nested divs took most of a minute)."""
    doomed = {id(t) for t in tags}
    if not doomed:
        return
    for tag in tags:  # out of the document-order chain (the order of what is left does not change)
        before, after = tag.previous_element, tag.next_element
        if before is not None:
            before.next_element = after
        if after is not None:
            after.previous_element = before
    stack: list[Tag] = [root]
    while stack:
        node = stack.pop()
        if any(id(c) in doomed for c in node.contents):
            node.contents = _spliced(node.contents, doomed)
            for i, child in enumerate(node.contents):
                child.parent = node
                child.previous_sibling = node.contents[i - 1] if i else None
                child.next_sibling = node.contents[i + 1] if i + 1 < len(node.contents) else None
        stack.extend(c for c in node.contents if isinstance(c, Tag))
    for tag in tags:
        tag.contents, tag.parent, tag.previous_sibling, tag.next_sibling = [], None, None, None
        tag.previous_element = tag.next_element = None


def _spliced(contents: list[PageElement], doomed: set[int]) -> list[PageElement]:
    """contents with every doomed tag replaced by its own (spliced) contents, in order."""
    out: list[PageElement] = []
    stack = [iter(contents)]
    while stack:
        for child in stack[-1]:
            if id(child) in doomed:
                stack.append(iter(child.contents))  # type: ignore[attr-defined]  # doomed ones are Tags
                break
            out.append(child)
        else:
            stack.pop()
    return out


def unique(refs: Iterable[AssetRef]) -> list[AssetRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.url not in seen:
            seen.add(ref.url)
            out.append(ref)
    return out
