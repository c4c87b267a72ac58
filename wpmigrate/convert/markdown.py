r"""Post HTML -> Markdown (CommonMark + GFM pipe tables), with a markdownify subclass.

`html_to_markdown(html, ctx)` parses once with BeautifulSoup(html, "lxml"), runs passes over the soup
(comments, void-element repair, URL rewriting and asset collection, nesting guard), then converts.

Decisions (what the output looks like, and why):

- Headings are ATX (`## Title`); a trailing `#` run in a heading is escaped so it is not eaten as a
  closing sequence. Empty headings vanish.
- Bullets are `-` at every level; ordered lists keep `start`. Item content is indented by the width
  of its marker, which is what CommonMark needs for nesting. Two lists of one kind in a row alternate
  `-`/`*` (or `.`/`)`) so a reader does not merge them.
- Emphasis `*em*`, strong `**strong**`. Whitespace (including U+00A0) at the inside edges of an
  inline element is moved outside the markers; a whitespace-only inline element becomes its own
  whitespace, so words are never glued together.
- A `<br>` is a hard line break written as a trailing backslash (`line\` + newline): visible in the
  source, never stripped by editors the way two trailing spaces are. Breaks at the start or end of a
  block are dropped (they would show as a literal backslash). Output therefore has no trailing spaces.
- `<hr>` is `---`, always preceded by a blank line (so it cannot turn the line above into a heading).
- `<figure>` with an image and a `<figcaption>`: the image line, then on the very next line the
  caption in emphasis, `*caption*` (`_caption_` when it holds `*` itself; one paragraph: the caption stays attached to the image). Figures
  around anything else (table, embed, quote) get the caption as an emphasised paragraph after it.
  This is the form the [caption] shortcode and the Gutenberg image block both end up in.
- Code: `<pre>` (with or without `<code>`) becomes a fenced block; the fence is backticks, one longer
  than the longest backtick run inside (at least three); the language comes from `language-x`,
  `lang-x`, `brush: x` (SyntaxHighlighter), or `data-lang`/`data-language`. The body is the element's
  text (`<br>` inside counts as a newline) with trailing whitespace on each line removed. A `<pre>`
  holding links or images stays a raw `<pre>` HTML block instead: a fence would lose them.
- Simple tables become GFM pipe tables; the first row is the header (the `<thead>` row, or else the
  first row, even when it is made of `<td>`: pipe tables must have one). Tables with colspan/rowspan,
  ragged rows, nested tables, or block content in cells (`<br>`, lists, paragraphs, code, embeds) are
  kept as raw HTML so no structure is lost.
- Custom HTML blocks (`core/html`, marked `data-wpm-raw="html"` by blocks.py) are the author's markup,
  written as one raw HTML block (blank lines dropped, or `&#10;` inside `<pre>`), attributes kept.
- Text of `<span data-wpm-raw>` (kept shortcodes, footnote markers `[^1]`, math) is written as is, unescaped;
  a `<div data-wpm-raw="math">` (display math from latex.py) is written as its lines.
  (markers.py defines these in-tree markers and says who writes each.)
- A nested ordered list that does not start at 1 follows a blank line: CommonMark would otherwise read
  it as the item's text.
- Raw HTML is kept where Markdown has no equivalent: iframe, video, audio, object, embed, form,
  details, dl, canvas, svg, math, script with src, and complex tables. Each is an HTML block between
  blank lines, its opening tag alone on the first line and no blank line inside (a blank line would
  end the block). class/style/data-*/srcset attributes are dropped from it. `<sub>`, `<sup>`,
  `<del>`, `<s>`, `<u>`, `<mark>` stay as inline HTML.
- Entities become characters: `&rsquo;` -> ’, `&nbsp;` -> U+00A0 (kept as that character). Paragraphs
  made only of whitespace (the classic editor's `<p>&nbsp;</p>` spacers) are dropped.
- `<!--more-->` (any `<!--more ...-->`) becomes `ctx.excerpt_separator` on a line of its own (Jekyll's
  `excerpt_separator`); `<!--nextpage-->` and every other comment vanish, so `<!-- wp:` never leaks.
- Escaping: text is escaped only where a CommonMark reader would misread it.
  Always: backticks, `<` before a letter, `/`, `!` or `?` (would be HTML), `&` before `name;` or `#123;`
  (would be an entity), `\` before punctuation or at the end of a text run.
  When they could open or close emphasis by CommonMark's flanking rules: `*` and `_` (so `snake_case`
  and `2 * 3` stay as they are), and `~~`. `](` (would make a link). At the start of a line
  only: `#` heading, `>` quote, `-`/`+`/`*` bullet, `1.`/`1)` item, `=`/`-` runs (setext underline),
  thematic breaks, `~~~` fence, `[x]: ` (link definition). `|` inside table cells.
  Things that look like WordPress shortcodes (`[name ...]`) are never escaped.
- Deeply nested markup is flattened (containers first, then anything) before conversion, so
  markdownify's recursion never overflows.
- Output: no trailing whitespace, at most one blank line in a row (outside code), a single final
  newline; "" for an empty body.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape as html_escape
from typing import TYPE_CHECKING, Any

from bs4 import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from markdownify import ATX, MarkdownConverter

from ..models import AssetRef
from . import ConvertContext
from .cleanup import pass_cleanup, repair_tag_typos
from .markers import MORE_TAG, RAW_ATTR, RAW_HTML, RAW_MATH
from .mdtext import (
    WS,
    chomp,
    emphasise,
    escape_inline,
    escape_line_start,
    format_destination,
    format_title,
    may_start_block,
    strip_breaks,
    tidy_markdown,
)
from .soup import (
    HEADINGS,
    RAW_BLOCK,
    all_tags,
    cell_align,
    classify_media,
    code_language,
    first_tag,
    flatten_deep_markup,
    html_block,
    parse_html,
    pass_comments,
    pass_depth,
    pass_repair,
    pass_urls,
    raw_html,
    release_tree,
    table_is_simple,
    table_rows,
    unique,
)

if TYPE_CHECKING:
    # markdownify's own stub (__init__.pyi) declares only its public calls; these are the parts of
    # MarkdownConverter we subclass and call back into, as markdownify 1.2 defines them.
    class _Converter(MarkdownConverter):
        class DefaultOptions:
            pass

        def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
            return ""

        def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            return ""

else:
    _Converter = MarkdownConverter

__all__ = ["WordPressConverter", "classify_media", "escape_inline", "html_to_markdown"]

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "main",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "dl",
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        *HEADINGS,
        "pre",
        "hr",
        "address",
        "center",
        "details",
        "summary",
        "form",
        "fieldset",
        "body",
        "html",
        "[document]",
        MORE_TAG,
    ]
)
# Inline tags that write a marker before their text: text inside them is not at the start of a line.
MARKED_INLINE = frozenset(
    ["em", "i", "strong", "b", "code", "kbd", "samp", "tt", "del", "s", "strike", "sub", "sup", "u", "mark", "q"]
)
RAW_INLINE = frozenset(["input", "select", "textarea", "button"])


def _linked(tag: Tag) -> bool:
    """A link or image a fenced code block would lose (a bare "#" link leads nowhere: not worth HTML)."""
    return (tag.name == "a" and str(tag.get("href") or "").strip() not in ("", "#")) or (
        tag.name == "img" and bool(tag.get("src"))
    )


def _inline(marker: str, close: str | None = None, same: tuple[str, ...] = ()):
    """Build a convert_<tag> for an inline element written as marker + text + marker."""

    def convert(self: WordPressConverter, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        lead, core, trail = chomp(text)
        if not core:
            return " " if lead and lead.strip(" ") == "" else lead  # keep words apart, keep U+00A0
        if any(t in parent_tags for t in same) or "\n\n" in core:
            return lead + core + trail  # nested same emphasis, or blocks inside: markers would break
        return f"{lead}{marker}{core}{close if close is not None else marker}{trail}"

    return convert


class WordPressConverter(_Converter):
    class Options(_Converter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        strong_em_symbol = "*"
        newline_style = "backslash"
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        autolinks = True
        table_infer_header = True

    def __init__(self, ctx: ConvertContext) -> None:
        # markdownify's __init__ rebuilds its options from the class attributes (two dir() calls); a
        # converter is made per post, so its state is built once per class and copied.
        self.__dict__.update(_initial_state(type(self)))
        self._fns = _CONVERT_FNS.setdefault(type(self), {})
        self.ctx = ctx
        self._cells: dict[int, str] = {}
        self._captions: dict[int, str] = {}
        # Memos, so that questions about earlier siblings stay linear (the tree does not change meanwhile).
        self._line_memo: dict[int, Any] = {}  # _at_line_start
        self._alt_memo: dict[int, bool] = {}  # _alternate
        self._item_index: dict[int, dict[int, int]] = {}  # _items_before
        self._child_tags = _CHILD_TAGS  # shared by every conversion: _tags_below is a pure function

    # --- dispatch -----------------------------------------------------------------------------
    # markdownify's own walk (MarkdownConverter.process_tag, 1.2) asks `node.find_parent("pre")` for
    # every element and builds a SoupStrainer for it, and finds its convert_<tag> by name per element.
    # This walk is the same algorithm with what it needs passed down instead: `parent_tags` already holds
    # the name of every ancestor below the root (so "inside a <pre>" is `"pre" in parent_tags`), the
    # whitespace rules are answered once per tag name, and convert_<tag> is looked up once per class.
    # The convert_* methods (ours and markdownify's) are called exactly as markdownify calls them.
    # It uses no private markdownify name (1.2's rules are copied below, not called), so markdownify
    # is not pinned: a later 1.2.x changing its own walk would not change this output.
    def process_tag(self, node: Tag, parent_tags: set[str] | frozenset[str] | None = None) -> str:
        tags = parent_tags if type(parent_tags) is frozenset else frozenset(parent_tags or ())
        name = node.name
        if (
            name in RAW_BLOCK
            or (name == "table" and not table_is_simple(node))
            or (name == "script" and node.attrs.get("src"))
        ):
            return "\n\n" + html_block(node) + "\n\n"
        if name in RAW_INLINE:
            return str(node)
        raw = node.attrs.get(RAW_ATTR)  # node.get(), without its call
        if name == "div" and raw == RAW_MATH:  # display math: its lines stay lines (latex.py)
            return "\n\n" + node.get_text().strip() + "\n\n"
        if raw == RAW_HTML or (name == "pre" and node.find(_linked) is not None):
            # Custom HTML blocks stay the author's markup; a <pre> with links or images inside stays
            # HTML too, as a fenced block would lose them.
            if name != "pre":
                return "\n\n" + raw_html(node.decode_contents()) + "\n\n"
            for attr in [a for a in node.attrs if a in ("style", RAW_ATTR)]:
                del node.attrs[attr]
            return "\n\n" + raw_html(str(node)) + "\n\n"

        inner = self._child_tags.get((tags, name))
        if inner is None:
            if len(self._child_tags) > 10_000:  # ancestries are the author's: keep the table small
                self._child_tags.clear()
            inner = self._child_tags[(tags, name)] = _tags_below(tags, name)
        trim_inside = _TRIM_INSIDE_BY_NAME.get(name)
        if trim_inside is None:
            trim_inside = _trim_inside(name)
            if len(_TRIM_INSIDE_BY_NAME) < 1000:  # tag names are the author's: keep the table small
                _TRIM_INSIDE_BY_NAME[name] = trim_inside
        strings: list[str] = []
        for child in node.contents:
            if isinstance(child, Tag):
                out = self.process_tag(child, inner)
            elif isinstance(child, NavigableString) and not isinstance(child, (Comment, Doctype)):
                if not child.strip():  # whitespace next to a block's edge or a block is dropped
                    prev, nxt = child.previous_sibling, child.next_sibling
                    if trim_inside and (not prev or not nxt):
                        continue
                    if (isinstance(prev, Tag) and _trim_outside(prev.name)) or (
                        isinstance(nxt, Tag) and _trim_outside(nxt.name)
                    ):
                        continue
                out = self.process_text(child, inner)
            else:
                continue
            if out:
                strings.append(out)
        text = "".join(strings)
        if "\n\n" in text and "pre" not in inner:
            # Newlines where two children meet are collapsed (without such a meeting there is no "\n\n").
            text = _join_blocks(strings)

        fn = self._fns.get(name, _UNKNOWN)
        if fn is _UNKNOWN:
            fn = _find_convert_fn(type(self), name)
            if len(self._fns) < 500:  # tag names are the author's: keep the table small
                self._fns[name] = fn
        if fn is not None:
            text = fn(self, node, text, tags)
        if not text.strip() and name in BLOCK_TAGS and "_inline" not in tags:
            # An empty block (<p><br></p>, <h2></h2>) still ends the line it interrupts: the walk has
            # already trimmed the text around it, which would otherwise run together ("one" + "two").
            return "\n\n"
        return text

    def process_text(self, el: NavigableString, parent_tags: set[str] | frozenset[str] | None = None) -> str:
        parent_tags = parent_tags or set()
        if isinstance(el, (Comment, CData, ProcessingInstruction, Declaration, Doctype)):
            return ""
        text = str(el)
        if "pre" in parent_tags:
            return text
        if "  " in text or not text.isprintable():  # "\t\n\r\f" are not printable: else WS finds nothing
            text = WS.sub(" ", text)
        prev, nxt = el.previous_sibling, el.next_sibling
        parent = el.parent
        at_edge = (prev is None or nxt is None) and _is_block(parent)  # first or last in a block
        if (isinstance(prev, Tag) and (prev.name in _BREAKS_LINE)) or (at_edge and prev is None):
            text = text.lstrip(" ")
        if (isinstance(nxt, Tag) and (nxt.name in _BREAKS_LINE)) or (at_edge and nxt is None):
            text = text.rstrip(" ")
        if "_noformat" in parent_tags or not text:
            return text
        if isinstance(parent, Tag) and parent.name == "span" and parent.attrs.get(RAW_ATTR):
            return text  # a kept shortcode or a footnote marker: Markdown text as it must be read
        text = escape_inline(text)
        if "$" in text:  # the author's dollars are not math delimiters (see latex.py)
            text = text.replace("$", "\\$") if self.ctx.math == "dollar" else text.replace("$$", "\\$\\$")
        stripped = text.lstrip(" ")
        # may_start_block first: most text could start no block, so where it stands does not matter.
        if may_start_block(stripped) and "_inline" not in parent_tags and _at_line_start(el, self._line_memo):
            text = text[: len(text) - len(stripped)] + escape_line_start(stripped)
        return text

    # --- blocks -------------------------------------------------------------------------------
    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = strip_breaks(text)
        if "_inline" in parent_tags:
            return " " + text + " "
        return f"\n\n{text}\n\n" if text.strip() else ""

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = strip_breaks(text)
        if "_inline" in parent_tags:
            return " " + text + " "
        return f"\n\n{text}\n\n" if text.strip() else ""

    convert_article = convert_section = convert_header = convert_footer = convert_div
    convert_aside = convert_nav = convert_main = convert_center = convert_address = convert_div
    convert_hgroup = convert_fieldset = convert_summary = convert_div

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        quoted = super().convert_blockquote(el, strip_breaks(text), parent_tags)
        return "\n" + quoted if quoted.strip() else ""  # a blank line before, also when nested

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = WS.sub(" ", text.replace("\\\n", " ")).strip()
        if "_inline" in parent_tags:
            return text
        if not text:
            return ""
        if text.endswith("#"):  # (stripped: no final newline for $ to match before)
            text = re.sub(r"(^|\s)(#+)$", r"\1\\\2", text)
        return "\n\n{} {}\n\n".format("#" * max(1, min(6, n)), text)

    def convert_hr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\n\n---\n\n"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return " " if "_inline" in parent_tags else "\\\n"

    def convert_wpm_more(self, el: Tag, text: str, parent_tags: set[str]) -> str:  # markers.MORE_TAG
        return "\n\n" + self.ctx.excerpt_separator + "\n\n"

    def convert_list(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "li" in parent_tags:
            # CommonMark: an ordered list not starting at 1 cannot interrupt a paragraph (the item's text).
            start = str(el.get("start") or "1").strip()
            gap = "\n\n" if el.name == "ol" and start not in ("", "1") else "\n"
            # Ended by a blank line: text after a nested list, in the same item, is a paragraph of its
            # own (without it markdownify glues that text to the last nested item). A trailing blank
            # line is dropped with the item's other trailing breaks.
            return gap + text.rstrip() + "\n\n"
        return "\n\n" + text.rstrip() + "\n\n"

    convert_ul = convert_ol = convert_list

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = strip_breaks(text or "")
        parent = el.parent
        alt = parent is not None and _alternate(parent, self._alt_memo)
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start") or "1")
            first = int(start) if start.isdigit() else 1
            bullet = f"{first + self._items_before(el)}{')' if alt else '.'} "
        else:
            bullet = ("*" if alt else "-") + " "
        if not text:
            return bullet.rstrip() + "\n"
        pad = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [(pad + ln) if ln else "" for ln in lines[1:]])
        return bullet + body + "\n"

    def _items_before(self, li: Tag) -> int:
        """How many <li> siblings come before this one (counted once per list, not once per item)."""
        parent = li.parent
        if parent is None:
            return 0
        if id(parent) not in self._item_index:
            items = [c for c in parent.children if isinstance(c, Tag) and c.name == "li"]
            self._item_index[id(parent)] = {id(item): i for i, item in enumerate(items)}
        return self._item_index[id(parent)].get(id(li), 0)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        code = el.get_text()
        if code.startswith("\n"):
            code = code[1:]
        lines = [ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if not lines:
            return ""
        code = "\n".join(lines)
        longest = max((len(r) for r in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}{code_language(el)}\n{code}\n{fence}\n\n"

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        caption = ""
        for cap in el.contents:  # its own captions (direct children)
            if not isinstance(cap, Tag) or cap.name != "figcaption":
                continue
            caption += self._captions.pop(id(cap), "")
        body = strip_breaks(text)
        caption = caption.strip()
        if not caption:
            return f"\n\n{body}\n\n" if body else ""
        if not body:
            return f"\n\n{caption}\n\n"
        single_image = "\n" not in body and (body.startswith(("![", "[![")))
        return f"\n\n{body}{chr(10) if single_image else chr(10) * 2}{caption}\n\n"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        paras = [p.strip() for p in strip_breaks(text).split("\n\n") if p.strip()]
        caption = "\n\n".join(emphasise(p) for p in paras)
        if el.parent is not None and el.parent.name == "figure":
            self._captions[id(el)] = caption
            return ""
        return f"\n\n{caption}\n\n" if caption else ""

    # --- tables -------------------------------------------------------------------------------
    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        cell = WS.sub(" ", text.replace("\\\n", " ")).strip()
        self._cells[id(el)] = _UNESCAPED_PIPE.sub(r"\\|", cell) if "|" in cell else cell
        return ""

    convert_th = convert_td

    def convert_tr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    def convert_caption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        self._captions[id(el)] = emphasise(strip_breaks(text))
        return ""

    def convert_table(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        rows = table_rows(el)
        if not rows:
            return ""
        grid = [[self._cells.pop(id(c), "") for c in row] for row in rows]
        width = max(len(r) for r in grid)
        aligns = [cell_align(c) for c in rows[0]] + [""] * (width - len(rows[0]))
        seps = {"left": ":---", "center": ":---:", "right": "---:"}
        out = [
            "| " + " | ".join(grid[0] + [""] * (width - len(grid[0]))) + " |",
            "| " + " | ".join(seps.get(a, "---") for a in aligns) + " |",
        ]
        out += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in grid[1:]]
        caption = "".join(
            self._captions.pop(id(c), "") for c in el.contents if isinstance(c, Tag) and c.name == "caption"
        )
        table = "\n".join(line.replace("|  |", "| |") for line in out)
        return "\n\n" + (caption + "\n\n" if caption else "") + table + "\n\n"

    # --- inline -------------------------------------------------------------------------------
    convert_em = convert_i = _inline("*", same=("em", "i"))
    convert_strong = convert_b = _inline("**", same=("strong", "b"))
    convert_del = _inline("<del>", "</del>")
    convert_s = convert_strike = _inline("<s>", "</s>")
    convert_sub = _inline("<sub>", "</sub>")
    convert_sup = _inline("<sup>", "</sup>")
    convert_u = _inline("<u>", "</u>")
    convert_mark = _inline("<mark>", "</mark>")

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        lead, core, trail = chomp(text)
        if not core:
            return lead
        longest = max((len(r) for r in re.findall(r"`+", core)), default=0)
        tick = "`" * (longest + 1)
        pad = " " if longest or core.startswith("`") or core.endswith("`") else ""
        return f"{lead}{tick}{pad}{core}{pad}{tick}{trail}"

    convert_kbd = convert_samp = convert_tt = convert_code

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        href = el.get("href")
        lead, core, trail = chomp(text)
        if href is None:
            anchor = el.get("id") or el.get("name")
            if anchor and not core:
                return f'<a id="{html_escape(str(anchor))}"></a>'
            return text
        href = str(href).strip()
        if not core:
            return lead
        title = el.get("title") or ""
        if (
            not title
            and re.match(r"(?:https?|mailto|ftp):", href)
            and el.get_text().strip() == href
            and not el.find("img")
        ):
            return f"{lead}<{href}>{trail}"
        return f"{lead}[{core}]({format_destination(href)}{format_title(str(title))}){trail}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src") or "").strip()
        alt = WS.sub(" ", str(el.get("alt") or "")).strip()
        if "[" in alt or "]" in alt or "\\" in alt:
            alt = _ALT_SPECIAL.sub(lambda m: "\\" + m[0], alt)
        if not src:
            return alt
        return f"![{alt}]({format_destination(src)}{format_title(str(el.get('title') or ''))})"

    def convert_q(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "“" + text + "”"

    def convert_script(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    convert_style = convert_template = convert_head = convert_title = convert_script


# --- the walk's helpers (see WordPressConverter.process_tag) ---------------------------------------
_ConvertFn = Callable[..., str]
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_ALT_SPECIAL = re.compile(r"[\[\]\\]")
_UNKNOWN: Any = object()
_CONVERT_FNS: dict[type, dict[str, _ConvertFn | None]] = {}  # class -> tag name -> convert function
_INITIAL_STATE: dict[type, dict[str, Any]] = {}
_CHILD_TAGS: dict[tuple[frozenset[str], str], frozenset[str]] = {}  # (parent_tags, name) -> _tags_below
_HEADING_NAME = re.compile(r"h(\d+)")  # markdownify's heading test (a prefix match: "h2x" counts)
_FN_NAME = re.compile(r"[\[\]:-]")
# markdownify 1.2's whitespace rules (its should_remove_whitespace_inside/_outside, not public API):
# whitespace-only text just inside these blocks or headings, or next to them or a <pre>, is dropped.
_TRIM_INSIDE = frozenset(
    [
        "p",
        "blockquote",
        "article",
        "div",
        "section",
        "ol",
        "ul",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
    ]
)


_TRIM_INSIDE_BY_NAME: dict[str, bool] = {}  # tag name -> _trim_inside(name)


def _trim_inside(name: str) -> bool:
    return name in _TRIM_INSIDE or (name[:1] == "h" and _HEADING_NAME.match(name) is not None)


def _trim_outside(name: str) -> bool:
    return name == "pre" or _trim_inside(name)


def _initial_state(cls: type) -> dict[str, Any]:
    """What markdownify's __init__ sets on a converter of this class, its containers copied."""
    if cls not in _INITIAL_STATE:
        proto: Any = object.__new__(cls)
        MarkdownConverter.__init__(proto)
        _INITIAL_STATE[cls] = dict(vars(proto))
    return {k: (v.copy() if isinstance(v, (dict, list, set)) else v) for k, v in _INITIAL_STATE[cls].items()}


def _find_convert_fn(cls: type, name: str) -> _ConvertFn | None:
    """convert_<tag> as markdownify's get_conv_fn finds it (no strip/convert options), unbound: it is
    called with the converter first."""
    name = name.lower()
    fn = getattr(cls, "convert_" + _FN_NAME.sub("_", name), None)
    if fn:
        return fn
    heading = _HEADING_NAME.match(name)
    if heading:
        n = int(heading.group(1))
        return lambda self, el, text, parent_tags: self.convert_hN(n, el, text, parent_tags)
    return None


def _tags_below(tags: frozenset[str], name: str) -> frozenset[str]:
    """The parent_tags of a tag's children, as markdownify builds them (with its pseudo-tags)."""
    below = set(tags)
    below.add(name)
    if _HEADING_NAME.match(name) is not None or name in ("td", "th"):
        below.add("_inline")
    if name in ("pre", "code", "kbd", "samp"):
        below.add("_noformat")
    return frozenset(below)


def _join_blocks(strings: list[str]) -> str:
    """Join the children's strings, newlines at each boundary collapsed to the larger run (at most two),
    as markdownify does outside <pre>."""
    out: list[str] = []
    pending = ""  # the previous string's trailing newlines, not yet written
    for s in strings:
        if s[0] == "\n":
            body = s.lstrip("\n")
            lead = len(s) - len(body)
            if pending:
                lead = min(2, max(len(pending), lead))
            else:
                out.append(pending)
            out.append("\n" * lead)
        else:
            body = s
            out.append(pending)
        content = body.rstrip("\n")
        out.append(content)
        pending = body[len(content) :]
    out.append(pending)
    return "".join(out)


_BLOCKS = BLOCK_TAGS | RAW_BLOCK
_BREAKS_LINE = _BLOCKS | {"br"}  # text next to these starts or ends a line: its spaces go


def _is_block(node: Any) -> bool:
    return isinstance(node, Tag) and node.name in _BLOCKS


def _invisible(node: Any) -> bool:
    """Writes nothing that shows at the start of a line: whitespace, a comment, an empty inline tag."""
    if isinstance(node, NavigableString):
        return isinstance(node, Comment) or not node.strip()
    return (
        isinstance(node, Tag)
        and node.name not in ("br", "img")
        and not _is_block(node)
        and not node.get_text().strip()
        and not node.find("img")
    )


def _visible_before(node: Any, memo: dict[int, Any]) -> Any:
    """The nearest previous sibling of node that is not _invisible (None: none). Memoised per node, so
    asking for every text node of a long run of siblings stays linear."""
    chain = []
    prev = node.previous_sibling
    while prev is not None and id(prev) not in memo and _invisible(prev):
        chain.append(prev)
        prev = prev.previous_sibling
    found = memo[id(prev)] if prev is not None and id(prev) in memo else prev
    for skipped in chain:
        memo[id(skipped)] = found  # what is visible before an invisible node is the same
    return found


def _at_line_start(el: NavigableString, memo: dict[int, Any] | None = None) -> bool:
    """Is this text the first thing on its Markdown line (so `# `, `1. `, `> ` would start a block)?
    `memo` (one per conversion, of an unchanging tree) makes a whole document's questions linear."""
    memo = {} if memo is None else memo
    node: Any = el
    while True:
        prev = _visible_before(node, memo)
        if prev is not None:
            return prev.name == "br" or _is_block(prev) if isinstance(prev, Tag) else False
        parent = node.parent
        if parent is None or _is_block(parent):
            return True
        if parent.name in MARKED_INLINE or (parent.name == "a" and parent.get("href") is not None):
            return False
        node = parent


def _alternate(lst: Tag, memo: dict[int, bool] | None = None) -> bool:
    """True when this list directly follows a list of the same kind (it must look different): odd
    places in a run of such lists. `memo` keeps each list's answer, so a long run stays linear."""
    memo = {} if memo is None else memo
    run: list[Tag] = []
    node: Tag | None = lst
    answer = False  # the parity before the first list of the run
    while node is not None:
        if id(node) in memo:
            answer = not memo[id(node)]
            break
        run.append(node)
        prev = node.previous_sibling
        while isinstance(prev, NavigableString) and not prev.strip():
            prev = prev.previous_sibling
        node = prev if isinstance(prev, Tag) and prev.name == lst.name else None
    for item in reversed(run):  # from the first list of the run to this one
        memo[id(item)] = answer
        answer = not answer
    return memo[id(lst)]


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a post's tree is built, walked and released (and back on
    after, unless it was off already). The tree's few hundred objects would set off a collection every
    few posts, each walking every object young enough, and a full one now and then walking the whole
    heap (in a --jobs worker: the parent's too): 8% of a conversion. release_tree frees the tree
    without the collector, so nothing piles up meanwhile; other cyclic garbage waits for the next
    collection, after the post."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def html_to_markdown(
    html: str,
    ctx: ConvertContext | None = None,
    *,
    assets: list[AssetRef] | None = None,
    warnings: list[str] | None = None,
) -> str:
    """Convert post HTML to Markdown. `assets` (if given) receives every media URL as found, in order."""
    ctx = ctx or ConvertContext()
    if not html or not html.strip():
        return ""
    found: list[AssetRef] = []
    notes: list[str] = []
    html, seen_depth = flatten_deep_markup(repair_tag_typos(html))
    with cycle_collector_paused():
        soup = parse_html(html)
        root: Tag = first_tag(soup, "body") or soup  # soup.body, without bs4's find
        pass_comments(soup)
        pass_cleanup(root, ctx.embeds, notes)
        # One list of the tags for the next two passes (pass_urls adds and removes no tag): pass_repair's
        # own, when it changed nothing.
        tags = pass_repair(root) or all_tags(root)
        pass_urls(root, ctx, found, tags)
        pass_depth(root, notes, seen_depth, len(tags))
        md = WordPressConverter(ctx).convert_soup(root)
        release_tree(root, tags)
    if assets is not None:
        assets.extend(unique(found))
    if warnings is not None:
        warnings.extend(notes)
    return tidy_markdown(md)
