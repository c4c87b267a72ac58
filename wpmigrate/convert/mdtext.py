"""Markdown text helpers: CommonMark-aware escaping, link parts, and the final tidy-up.

Escaping policy (see markdown.py's docstring for the whole list): escape only where a CommonMark reader
would otherwise misread prose as markup. Inline rules are in `escape_inline`; rules that only matter at
the start of a line are in `escape_line_start`, applied by the converter when a text run begins a line.
"""

from __future__ import annotations

import re
import unicodedata

from .fences import iter_lines

WS = re.compile(r"[ \t\n\r\f]+")
_EDGES = re.compile(r"((?:\s|\\\n)*)(.*?)((?:\s|\\\n)*)\Z", re.S)
_SHORTCODE = re.compile(r"\[/?[A-Za-z][\w-]*(?:\s[^\[\]]*)?/?\](?![(\[])")
_ENTITY_LIKE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
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
# A GFM table's delimiter row (`-|-`, `|:--|`): with any line above it, that line would become a table
# header. Escaping its first hyphen leaves a cell that is not only hyphens, so no table.
_TABLE_DELIMITER = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# The first characters any of those can match at (the patterns' own first characters): anything else
# starts no block. "" is not in it, as no pattern matches an empty text.
_LINE_START_CHARS = frozenset("#>-+*0123456789=_~[| \t:")


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
    if _MAYBE_MARKUP.search(text) is None:
        return text  # most text runs hold nothing to escape
    out: list[str] = []
    pos = 0
    for m in _SHORTCODE.finditer(text):
        out.append(_escape_segment(text, pos, m.start()))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_segment(text, pos, len(text)))
    return "".join(out)


# Characters escape_inline may have to escape (`[` for shortcodes, which it never escapes), and the
# runs and characters _escape_segment looks at: the text between them is copied as it is.
_MAYBE_MARKUP = re.compile(r"[*_~`\\<&\]]")
_SPECIAL = re.compile(r"\*+|_+|~+|[`\\<&\]]")


def _escape_segment(text: str, start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for m in _SPECIAL.finditer(text, start, end):
        i, j = m.span()
        ch = text[i]
        if ch in "*_~":
            prev = text[i - 1] if i > 0 else ""
            nxt = text[j] if j < len(text) else ""
            left, right = _flanking(prev, nxt)
            if ch == "*":
                risky = left or right
            elif ch == "_":
                risky = (left and (not right or _is_punct(prev))) or (right and (not left or _is_punct(nxt)))
            else:  # ~~strike~~ (GFM); a single ~ is harmless
                risky = j - i >= 2 and (left or right)
            if not risky:
                continue
            escaped = "\\" + "\\".join(text[i:j])
        else:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch == "`":
                escaped = "\\`"
            elif ch == "\\":
                if not (nxt == "" or (nxt.isascii() and _is_punct(nxt))):
                    continue
                escaped = "\\\\"
            elif ch == "<":
                # nxt == "" counts ("" is in every string): a "<" ending the text is escaped
                if not (nxt.isalpha() or nxt in "/!?"):
                    continue
                escaped = "\\<"
            elif ch == "&":
                if not _ENTITY_LIKE.match(text, i):
                    continue
                escaped = "\\&"
            else:  # "]"
                if nxt != "(":
                    continue
                escaped = "\\]"
        out.append(text[pos:i])
        out.append(escaped)
        pos = j
    out.append(text[pos:end])
    return "".join(out)


def escape_line_start(text: str) -> str:
    """Escape a construct that would start a block if `text` began a line (text already escaped)."""
    if not may_start_block(text):
        return text
    if "|" in text and _TABLE_DELIMITER.match(text):
        hyphen = text.index("-")
        return text[:hyphen] + "\\" + text[hyphen:]
    for rx in _LINE_START:
        m = rx.match(text)
        if not m:
            continue
        if text[0].isdigit():
            return text[: m.end()] + "\\" + text[m.end() :]
        return "\\" + text
    return text


def may_start_block(text: str) -> bool:
    """False when escape_line_start(text) would surely leave text as it is: its first character starts
    none of the constructs (most text starts with a letter)."""
    return text[:1] in _LINE_START_CHARS


def chomp(text: str) -> tuple[str, str, str]:
    """Split leading/trailing whitespace (U+00A0 included) and hard breaks off, keeping them as they are."""
    if text and not text[0].isspace() and not text[-1].isspace() and text[:2] != "\\\n":
        return "", text, ""  # nothing at either edge (re's \s is str.isspace; a "\\\n" ends in a space)
    m = _EDGES.match(text)
    assert m is not None  # the pattern matches any string
    return m.group(1), m.group(2), m.group(3)


_LEADING_BREAKS = re.compile(r"^(?:[ \t]*\\\n)+")


def strip_breaks(text: str) -> str:
    """Drop hard breaks at the edges of a block: there they would show as a backslash."""
    text = text.strip(" \t\r\n")
    if "\\" not in text:
        return text  # no break to drop
    text = _LEADING_BREAKS.sub("", text, count=1)
    text = text.rstrip(" \t\r\n")
    # A break at the very end is now a lone backslash ("YouTube<br>" in a caption): an odd run only,
    # an even one is escaped backslashes.
    while text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 == 1:
        text = text[:-1].rstrip(" \t\r\n")
    return text


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
    title = WS.sub(" ", title).strip()
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"' if title else ""


def emphasise(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if "*" in text:  # emphasis inside: `_..._` around it reads unambiguously
        return f"_{text}_"
    return f"*{text}*"


_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def tidy_markdown(md: str) -> str:
    """No trailing whitespace, one blank line at most (outside code), no dangling hard break, one final newline."""
    out: list[str] = []
    # Without a fence opener anywhere, no line is code: the lines as they are, no reader needed.
    lines = iter_lines(md) if "```" in md or "~~~" in md else ((False, line) for line in md.split("\n"))
    for in_code, line in lines:
        line = line.rstrip()
        if in_code:
            out.append(line)
            continue
        if not line and out and not out[-1]:
            continue
        if line == "\\" and (not out or not out[-1]):
            continue  # a hard break opening a paragraph (text after a block inside <p>)
        if "  " in line and not line.startswith("<"):
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
