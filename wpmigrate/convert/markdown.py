"""Post HTML -> Markdown (CommonMark + GFM pipe tables), with a markdownify subclass.

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
- A `<br>` is a hard line break written as a trailing backslash (`line\\` + newline): visible in the
  source, never stripped by editors the way two trailing spaces are. Breaks at the start or end of a
  block are dropped (they would show as a literal backslash). Output therefore has no trailing spaces.
- `<hr>` is `---`, always preceded by a blank line (so it cannot turn the line above into a heading).
- `<figure>` with an image and a `<figcaption>`: the image line, then on the very next line the
  caption in emphasis, `*caption*` (one paragraph: the caption stays attached to the image). Figures
  around anything else (table, embed, quote) get the caption as an emphasised paragraph after it.
  This is the form the [caption] shortcode and the Gutenberg image block both end up in.
- Code: `<pre>` (with or without `<code>`) becomes a fenced block; the fence is backticks, one longer
  than the longest backtick run inside (at least three); the language comes from `language-x`,
  `lang-x`, `brush: x` (SyntaxHighlighter), or `data-lang`/`data-language`. The body is the element's
  text (`<br>` inside counts as a newline) with trailing whitespace on each line removed.
- Simple tables become GFM pipe tables; the first row is the header (the `<thead>` row, or else the
  first row, even when it is made of `<td>`: pipe tables must have one). Tables with colspan/rowspan,
  ragged rows, nested tables, or block content in cells (`<br>`, lists, paragraphs, code, embeds) are
  kept as raw HTML so no structure is lost.
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
  (would be an entity), `\\` before punctuation or at the end of a text run.
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

import re
import unicodedata
from html import escape as html_escape
from typing import Any, Iterable

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from markdownify import ATX, MarkdownConverter

from ..models import AssetRef
from . import ConvertContext

MAX_DEPTH = 120  # markdownify recurses ~3 frames per level; Python's default limit is 1000

BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote section article header footer aside nav main figure figcaption dd dt dl "
    "td th tr table thead tbody tfoot h1 h2 h3 h4 h5 h6 pre hr address center details summary form "
    "fieldset body html [document] wpm-more".split()
)
# Inline tags that write a marker before their text: text inside them is not at the start of a line.
MARKED_INLINE = frozenset("em i strong b code kbd samp tt del s strike sub sup u mark q".split())
RAW_BLOCK = frozenset("iframe video audio object embed form details dl canvas svg math".split())
RAW_INLINE = frozenset("input select textarea button".split())
# CommonMark HTML block "type 6" names: such a block may put its whole element on one line.
TYPE6 = frozenset("iframe details dl form table".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
CONTAINERS = frozenset("div span section article font center main header footer aside".split())
CELL_BLOCKERS = ("br", "ul", "ol", "pre", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                 "hr", "dl", "div", "figure", *sorted(RAW_BLOCK))

_WS = re.compile(r"[ \t\n\r\f]+")
_SHORTCODE = re.compile(r"\[/?[A-Za-z][\w-]*(?:\s[^\[\]]*)?/?\](?![(\[])")
_ENTITY_LIKE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LANG_CLASS = re.compile(r"^(?:language|lang)-([\w+#.-]+)$")
_BRUSH = re.compile(r"brush\s*:\s*([\w+#.-]+)")
_HUMAN_LANG = re.compile(r"^(?:[a-z]{2}[-_][A-Za-z]{2,}|en|fr|de|es|it|ja|zh|pt|nl|ru|pl|sv|ko|ar|he)$")
_IMAGE_EXT = frozenset("jpg jpeg jpe png gif webp svg bmp tif tiff avif heic ico".split())
_AUDIO_EXT = frozenset("mp3 m4a ogg oga wav flac aac wma".split())
_VIDEO_EXT = frozenset("mp4 m4v mov webm ogv avi wmv flv mkv 3gp".split())
_FILE_EXT = frozenset("pdf zip gz tgz rar 7z doc docx xls xlsx ppt pptx odt ods odp rtf txt csv epub mobi key pages numbers".split())
_LINE_START = [
    re.compile(r"#{1,6}(?=[ \t]|$)"),  # ATX heading
    re.compile(r">"),  # block quote
    re.compile(r"[-+*](?=[ \t]|$)"),  # bullet
    re.compile(r"[0-9]{1,9}(?=[.)](?:[ \t]|$))"),  # ordered item: escape the dot, see below
    re.compile(r"(?:=+|-+)[ \t]*$"),  # setext underline
    re.compile(r"(?:[-*_][ \t]*){3,}$"),  # thematic break
    re.compile(r"~~~"),  # fence
    re.compile(r"\[[^\]]*\]:"),  # link reference definition
]


def classify_media(url: str) -> str | None:
    """"image", "audio", "video" or "file" when a URL points at a media file (by extension, or because
    it is under /wp-content/uploads/), else None (a page link)."""
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    for kind, exts in (("image", _IMAGE_EXT), ("audio", _AUDIO_EXT), ("video", _VIDEO_EXT), ("file", _FILE_EXT)):
        if ext in exts:
            return kind
    if "/wp-content/uploads/" in path and ext:
        return "file"
    return None


def _is_ws(ch: str) -> bool:
    return ch == "" or ch.isspace() or unicodedata.category(ch) == "Zs"


def _is_punct(ch: str) -> bool:
    return ch != "" and unicodedata.category(ch)[0] in "PS"


def _flanking(prev: str, nxt: str) -> tuple[bool, bool]:
    left = not _is_ws(nxt) and (not _is_punct(nxt) or _is_ws(prev) or _is_punct(prev))
    right = not _is_ws(prev) and (not _is_punct(prev) or _is_ws(nxt) or _is_punct(nxt))
    return left, right


def escape_inline(text: str) -> str:
    """Backslash-escape what a CommonMark reader would take for markup, and nothing else."""
    out: list[str] = []
    pos = 0
    for m in _SHORTCODE.finditer(text):
        out.append(_escape_segment(text, pos, m.start()))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_segment(text, pos, len(text)))
    return "".join(out)


def _escape_segment(text: str, start: int, end: int) -> str:
    out: list[str] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in "*_~":
            j = i
            while j < end and text[j] == ch:
                j += 1
            run = text[i:j]
            prev = text[i - 1] if i > 0 else ""
            nxt = text[j] if j < len(text) else ""
            left, right = _flanking(prev, nxt)
            if ch == "*":
                risky = left or right
            elif ch == "_":
                risky = (left and (not right or _is_punct(prev))) or (right and (not left or _is_punct(nxt)))
            else:  # ~~strike~~ (GFM); a single ~ is harmless
                risky = len(run) >= 2 and (left or right)
            out.append("".join("\\" + c for c in run) if risky else run)
            i = j
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "`":
            out.append("\\`")
        elif ch == "\\":
            out.append("\\\\" if (nxt == "" or (nxt.isascii() and _is_punct(nxt))) else "\\")
        elif ch == "<" and (nxt.isalpha() or nxt in "/!?"):
            out.append("\\<")
        elif ch == "&" and _ENTITY_LIKE.match(text, i):
            out.append("\\&")
        elif ch == "]" and nxt == "(":
            out.append("\\]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def escape_line_start(text: str) -> str:
    """Escape a construct that would start a block if `text` began a line (text already escaped)."""
    for rx in _LINE_START:
        m = rx.match(text)
        if not m:
            continue
        if text[0].isdigit():
            return text[: m.end()] + "\\" + text[m.end():]
        return "\\" + text
    return text


def _chomp(text: str) -> tuple[str, str, str]:
    """Split leading/trailing whitespace (U+00A0 included) off, keeping the characters themselves."""
    core = text.strip()
    if not core:
        return text, "", ""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return lead, core, trail


def _inline(marker: str, close: str | None = None, same: tuple[str, ...] = ()):
    """Build a convert_<tag> for an inline element written as marker + text + marker."""

    def convert(self: "WordPressConverter", el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        lead, core, trail = _chomp(text)
        if not core:
            return " " if lead and lead.strip(" ") == "" else lead  # keep words apart, keep U+00A0
        if any(t in parent_tags for t in same) or "\n\n" in core:
            return lead + core + trail  # nested same emphasis, or blocks inside: markers would break
        return f"{lead}{marker}{core}{close if close is not None else marker}{trail}"

    return convert


def _strip_breaks(text: str) -> str:
    """Drop hard breaks at the edges of a block: there they would show as a backslash."""
    text = re.sub(r"^(?:[ \t]*\\\n)+", "", text.strip(" \t\r\n"))
    return re.sub(r"(?:\\\n[ \t]*)+$", "", text).strip(" \t\r\n")


def format_destination(url: str) -> str:
    """A link destination as CommonMark reads it: <...> when it has spaces or unbalanced parens."""
    depth = 0
    balanced = True
    for ch in url:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                balanced = False
    if depth:
        balanced = False
    if not url or any(c in url for c in " <>\n") or not balanced:
        return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\n", "") + ">"
    return url


def format_title(title: str) -> str:
    title = _WS.sub(" ", title).strip()
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"' if title else ""


class WordPressConverter(MarkdownConverter):
    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        strong_em_symbol = "*"
        newline_style = "backslash"
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        autolinks = True
        table_infer_header = True

    def __init__(self, ctx: ConvertContext, **options: Any) -> None:
        super().__init__(**options)
        self.ctx = ctx
        self._cells: dict[int, str] = {}
        self._captions: dict[int, str] = {}

    # --- dispatch -----------------------------------------------------------------------------
    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        name = node.name
        if name in RAW_BLOCK or (name == "table" and not table_is_simple(node)) or (
                name == "script" and node.get("src")):
            return "\n\n" + html_block(node) + "\n\n"
        if name in RAW_INLINE:
            return str(node)
        return super().process_tag(node, parent_tags)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        parent_tags = parent_tags or set()
        if isinstance(el, (Comment, CData, ProcessingInstruction, Declaration, Doctype)):
            return ""
        text = str(el)
        if "pre" in parent_tags:
            return text
        text = _WS.sub(" ", text)
        prev, nxt = el.previous_sibling, el.next_sibling
        parent = el.parent
        if (_is_block(prev) or (prev is not None and prev.name == "br")
                or (_is_block(parent) and prev is None)):
            text = text.lstrip(" ")
        if _is_block(nxt) or (_is_block(parent) and nxt is None) or (nxt is not None and nxt.name == "br"):
            text = text.rstrip(" ")
        if "_noformat" in parent_tags or not text:
            return text
        text = escape_inline(text)
        if "_inline" not in parent_tags and _at_line_start(el):
            stripped = text.lstrip(" ")
            text = text[: len(text) - len(stripped)] + escape_line_start(stripped)
        return text

    # --- blocks -------------------------------------------------------------------------------
    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _strip_breaks(text)
        if "_inline" in parent_tags:
            return " " + text + " "
        return f"\n\n{text}\n\n" if text.strip() else ""

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _strip_breaks(text)
        if "_inline" in parent_tags:
            return " " + text + " "
        return f"\n\n{text}\n\n" if text.strip() else ""

    convert_article = convert_section = convert_header = convert_footer = convert_div
    convert_aside = convert_nav = convert_main = convert_center = convert_address = convert_div
    convert_hgroup = convert_fieldset = convert_summary = convert_div

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        quoted = super().convert_blockquote(el, _strip_breaks(text), parent_tags)
        return "\n" + quoted if quoted.strip() else ""  # a blank line before, also when nested

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _WS.sub(" ", text.replace("\\\n", " ")).strip()
        if "_inline" in parent_tags:
            return text
        if not text:
            return ""
        text = re.sub(r"(^|\s)(#+)$", r"\1\\\2", text)
        return "\n\n%s %s\n\n" % ("#" * max(1, min(6, n)), text)

    def convert_hr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\n\n---\n\n"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return " " if "_inline" in parent_tags else "\\\n"

    def convert_wpm_more(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\n\n" + self.ctx.excerpt_separator + "\n\n"

    def convert_list(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "li" in parent_tags:
            return "\n" + text.rstrip()
        return "\n\n" + text.rstrip() + "\n\n"

    convert_ul = convert_ol = convert_list

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _strip_breaks(text or "")
        parent = el.parent
        alt = parent is not None and _alternate(parent)
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start") or "1")
            first = int(start) if start.isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}{')' if alt else '.'} "
        else:
            bullet = ("*" if alt else "-") + " "
        if not text:
            return bullet.rstrip() + "\n"
        pad = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [(pad + ln) if ln else "" for ln in lines[1:]])
        return bullet + body + "\n"

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
        for cap in el.find_all("figcaption", recursive=False):
            caption += self._captions.pop(id(cap), "")
        body = _strip_breaks(text)
        caption = caption.strip()
        if not caption:
            return f"\n\n{body}\n\n" if body else ""
        if not body:
            return f"\n\n{caption}\n\n"
        single_image = "\n" not in body and (body.startswith("![") or body.startswith("[!["))
        return f"\n\n{body}{chr(10) if single_image else chr(10) * 2}{caption}\n\n"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        paras = [p.strip() for p in _strip_breaks(text).split("\n\n") if p.strip()]
        caption = "\n\n".join(emphasise(p) for p in paras)
        if el.parent is not None and el.parent.name == "figure":
            self._captions[id(el)] = caption
            return ""
        return f"\n\n{caption}\n\n" if caption else ""

    # --- tables -------------------------------------------------------------------------------
    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        cell = _WS.sub(" ", text.replace("\\\n", " ")).strip()
        self._cells[id(el)] = re.sub(r"(?<!\\)\|", r"\\|", cell)
        return ""

    convert_th = convert_td

    def convert_tr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    def convert_caption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        self._captions[id(el)] = emphasise(_strip_breaks(text))
        return ""

    def convert_table(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        rows = table_rows(el)
        if not rows:
            return ""
        grid = [[self._cells.pop(id(c), "") for c in row] for row in rows]
        width = max(len(r) for r in grid)
        aligns = [_cell_align(c) for c in rows[0]] + [""] * (width - len(rows[0]))
        seps = {"left": ":---", "center": ":---:", "right": "---:"}
        out = ["| " + " | ".join(grid[0] + [""] * (width - len(grid[0]))) + " |",
               "| " + " | ".join(seps.get(a, "---") for a in aligns) + " |"]
        out += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in grid[1:]]
        caption = "".join(self._captions.pop(id(c), "") for c in el.find_all("caption", recursive=False))
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
        lead, core, trail = _chomp(text)
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
        lead, core, trail = _chomp(text)
        if href is None:
            anchor = el.get("id") or el.get("name")
            if anchor and not core:
                return f'<a id="{html_escape(str(anchor))}"></a>'
            return text
        href = str(href).strip()
        if not core:
            return lead
        title = el.get("title") or ""
        if (not title and re.match(r"(?:https?|mailto|ftp):", href)
                and el.get_text().strip() == href and not el.find("img")):
            return f"{lead}<{href}>{trail}"
        return f"{lead}[{core}]({format_destination(href)}{format_title(str(title))}){trail}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src") or "").strip()
        alt = _WS.sub(" ", str(el.get("alt") or "")).strip()
        alt = re.sub(r"([\[\]\\])", r"\\\1", alt)
        if not src:
            return alt
        return f"![{alt}]({format_destination(src)}{format_title(str(el.get('title') or ''))})"

    def convert_q(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "“" + text + "”"

    def convert_script(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    convert_style = convert_template = convert_head = convert_title = convert_script


# --- helpers on the soup ---------------------------------------------------------------------------

def _is_block(node: Any) -> bool:
    return isinstance(node, Tag) and (node.name in BLOCK_TAGS or node.name in RAW_BLOCK)


def _at_line_start(el: NavigableString) -> bool:
    """Is this text the first thing on its Markdown line (so `# `, `1. `, `> ` would start a block)?"""
    node: Any = el
    while True:
        prev = node.previous_sibling
        while prev is not None and (
                (isinstance(prev, NavigableString) and (isinstance(prev, Comment) or not prev.strip()))
                or (isinstance(prev, Tag) and prev.name not in ("br", "img") and not _is_block(prev)
                    and not prev.get_text().strip() and not prev.find("img"))):
            prev = prev.previous_sibling
        if prev is not None:
            return prev.name == "br" or _is_block(prev) if isinstance(prev, Tag) else False
        parent = node.parent
        if parent is None or _is_block(parent):
            return True
        if parent.name in MARKED_INLINE or (parent.name == "a" and parent.get("href") is not None):
            return False
        node = parent


def _alternate(lst: Tag) -> bool:
    """True when this list directly follows a list of the same kind (it must look different)."""
    count = 0
    prev = lst.previous_sibling
    while prev is not None:
        if isinstance(prev, NavigableString) and not prev.strip():
            prev = prev.previous_sibling
            continue
        if isinstance(prev, Tag) and prev.name == lst.name:
            count += 1
            prev = prev.previous_sibling
            continue
        break
    return count % 2 == 1


def emphasise(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if text.startswith("*") or text.endswith("*"):
        return f"_{text}_"
    return f"*{text}*"


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
    head, body, foot = [], [], []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            body.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows = child.find_all("tr", recursive=False)
            {"thead": head, "tbody": body, "tfoot": foot}[child.name].extend(rows)
    rows = [[c for c in tr.find_all(["td", "th"], recursive=False)] for tr in head + body + foot]
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


def _cell_align(cell: Tag) -> str:
    align = str(cell.get("align") or "").lower()
    m = re.search(r"text-align\s*:\s*(left|right|center)", str(cell.get("style") or ""))
    return m.group(1) if m else align


def html_block(el: Tag) -> str:
    """An element as a CommonMark HTML block: opening tag alone on line one, no blank line inside."""
    for node in [el, *el.find_all(True)]:
        for attr in list(node.attrs):
            if attr in ("class", "style", "srcset", "sizes", "loading", "decoding") or attr.startswith("data-"):
                del node.attrs[attr]
    if el.name in TYPE6 or el.name in VOID:
        html = str(el)
    else:
        attrs = "".join(f' {k}="{html_escape(" ".join(v) if isinstance(v, list) else str(v))}"'
                        for k, v in el.attrs.items())
        inner = el.decode_contents().strip("\n")
        html = f"<{el.name}{attrs}>\n{inner}\n</{el.name}>" if inner.strip() else f"<{el.name}{attrs}>\n</{el.name}>"
    return "\n".join(line.rstrip() for line in html.split("\n") if line.strip())


# --- passes ------------------------------------------------------------------------------------

def _pass_comments(root: Tag) -> None:
    more_done = False
    for node in list(root.find_all(string=lambda s: isinstance(s, (Comment, CData, ProcessingInstruction,
                                                                    Declaration, Doctype)))):
        if isinstance(node, Comment) and re.match(r"\s*more\b", str(node)) and not more_done:
            more_done = True
            node.replace_with(Tag(name="wpm-more"))
        elif isinstance(node, Comment) and re.match(r"\s*nextpage\b", str(node)):
            node.replace_with(" ")  # a page break: at least keep the words apart
        else:
            node.extract()


def _pass_repair(root: Tag) -> None:
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


def _pass_urls(root: Tag, ctx: ConvertContext, assets: list[AssetRef]) -> None:
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
                    kind = classify_media(src) or ("video" if tag.find_parent("video") else
                                                   "audio" if tag.find_parent("audio") else "file")
                tag["src"] = media(src, kind)
            tag.attrs.pop("srcset", None)


def _pass_depth(root: Tag, warnings: list[str]) -> None:
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
    for _, node in sorted(deep, key=lambda d: -d[0]):
        node.unwrap()
    stack = [(root, 0)]
    cut: list[tuple[int, Tag]] = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            cut.append((depth, node))
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tag))
    for _, node in sorted(cut, key=lambda d: -d[0]):
        node.unwrap()


_FENCE = re.compile(r"^ *(`{3,}|~{3,})")
_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def tidy_markdown(md: str) -> str:
    """No trailing whitespace, one blank line at most (outside code), no dangling hard break, one final newline."""
    out: list[str] = []
    fence = ""
    for line in md.split("\n"):
        line = line.rstrip()
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = ""
            out.append(line)
            continue
        if m:
            fence = m.group(1)
        if not line and out and not out[-1]:
            continue
        if line == "\\" and (not out or not out[-1]):
            continue  # a hard break opening a paragraph (text after a block inside <p>)
        if not line.startswith("<"):
            line = _INNER_SPACES.sub(" ", line)  # "a <b> </b> c" and friends
        if not line and out and _dangling_break(out[-1]):
            out[-1] = out[-1][:-1].rstrip()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    if out and _dangling_break(out[-1]):
        out[-1] = out[-1][:-1].rstrip()
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out) + "\n" if out else ""


def _dangling_break(line: str) -> bool:
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def html_to_markdown(html: str, ctx: ConvertContext | None = None, *, assets: list[AssetRef] | None = None,
                     warnings: list[str] | None = None) -> str:
    """Convert post HTML to Markdown. `assets` (if given) receives every media URL as found, in order."""
    ctx = ctx or ConvertContext()
    if not html or not html.strip():
        return ""
    found: list[AssetRef] = []
    notes: list[str] = []
    soup = BeautifulSoup(html, "lxml")
    root: Tag = soup.body or soup
    _pass_comments(soup)
    _pass_repair(root)
    _pass_urls(root, ctx, found)
    _pass_depth(root, notes)
    md = WordPressConverter(ctx).convert_soup(root)
    if assets is not None:
        assets.extend(_unique(found))
    if warnings is not None:
        warnings.extend(notes)
    return tidy_markdown(md)


def _unique(refs: Iterable[AssetRef]) -> list[AssetRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.url not in seen:
            seen.add(ref.url)
            out.append(ref)
    return out
