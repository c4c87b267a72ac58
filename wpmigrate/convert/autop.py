"""wpautop: WordPress's paragraph rules for classic-editor content, written from its documented behaviour.

Classic content is stored without <p> tags: a blank line separates paragraphs and a single newline is a
line break. WordPress adds the markup at display time (`the_content` filter). We do the same before
parsing, so that paragraphs and line breaks survive into Markdown.

The rules, in order (same order as WordPress, which matters because each step sees the previous one's
output):

1. Blank input -> "". A newline is appended so the last paragraph ends like the others.
2. <pre> elements are swapped for placeholders and restored at the end, untouched.
3. Two <br>s in a row mean a paragraph break.
4. Block-level tags (the `BLOCKS` list below, WordPress's `$allblocks`) get blank lines around them so
   they become paragraph boundaries; <hr> too.
5. Newlines *inside* tags and comments (attributes split over lines) are hidden so they neither split
   paragraphs nor become <br>.
6. Whitespace around <option>, inside <object> (around <param>/<embed>), inside <audio>/<video>
   (around <source>/<track>) and before/after <figcaption> is removed: no stray <br> there.
7. Text between blank lines is wrapped in <p>...</p>; empty paragraphs dropped; <p> is not put around
   a lone block tag, nor around <li>; <p><blockquote> becomes <blockquote><p>.
8. With br=True the remaining single newlines become <br />, except inside <script>, <style>, <svg>
   and <math>, and except next to block tags.

Comments such as <!--more--> are inline text to these rules: on a line of their own they end up in a
<p> of their own, which markdown.py turns into a line of its own.
"""

from __future__ import annotations

import re

BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    "blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    "footer|nav|figure|figcaption|details|menu|summary"
)
_ALL = f"(?:{BLOCKS})"
# PHP's \s (no /u flag) is ASCII whitespace; Python's would also match U+00A0 and lose it.
_WS = " \\t\\n\\r\\f\\v"
W = f"[{_WS}]"

# Placeholders for newlines inside tags/comments and inside <script> & co: private-use characters,
# which no whitespace class matches.
_NL = "\ue000wpnl\ue001"
_KEEP_NL = "\ue002"

_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[A-Za-z/!?][^<>]*>?", re.S)
_OPEN_BLOCK = re.compile(rf"(<{_ALL}[{_WS}/>])", re.I)
_CLOSE_BLOCK = re.compile(rf"(</{_ALL}>)", re.I)
_HR = re.compile(rf"(<hr{W}*?/?>)", re.I)
_DOUBLE_BR = re.compile(rf"<br{W}*/?>{W}*<br{W}*/?>", re.I)
_RAW_NEWLINES = re.compile(r"<(script|style|svg|math)\b.*?</\1>", re.S | re.I)
# The steps run on every post, compiled once. Their replacements are functions, not "\1" templates:
# Python 3.11 expands a template in Python for each match, slower than a function.
_BLANK_RUNS = re.compile(r"\n\n+")
_PARAGRAPH_BREAK = re.compile(rf"\n{W}*\n")
_EMPTY_P = re.compile(rf"<p>{W}*</p>")
_P_CLOSED_BY = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_BLOCK = re.compile(rf"<p>{W}*(</?{_ALL}[^>]*>){W}*</p>")
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>")
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_P_BEFORE_BLOCK = re.compile(rf"<p>{W}*(</?{_ALL}[^>]*>)")
_P_AFTER_BLOCK = re.compile(rf"(</?{_ALL}[^>]*>){W}*</p>")
_BR_FORMS = re.compile(r"<br>|<br/>")
_NEWLINE = re.compile(rf"(?<!<br />){W}*\n")  # what add_line_breaks does: the reference (tests)
_NEWLINE_RUN = re.compile(rf"\n{W}*")  # found by its newline: a fast scan, not a try at every position
_BLANKS = " \t\r\f\v"  # W but the newline
_BR_AFTER_BLOCK = re.compile(rf"(</?{_ALL}[^>]*>){W}*<br />")
_BR_BEFORE_BLOCK = re.compile(rf"<br />({W}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_LAST_NEWLINE = re.compile(r"\n</p>$")


def add_line_breaks(text: str) -> str:
    """_NEWLINE.sub("<br />\\n", text), five times faster: that regex tries a match at every position.

    Each of its matches lies in a run of whitespace holding a newline: from the run's start (or the
    next character, when "<br />" comes just before the run) to the run's last newline."""
    out: list[str] = []
    pos = 0
    for m in _NEWLINE_RUN.finditer(text):
        first, end = m.span()  # the run's first newline, the run's end
        start = first
        while start > pos and text[start - 1] in _BLANKS:
            start -= 1
        last = text.rfind("\n", first, end)
        if text.endswith("<br />", 0, start):
            start += 1  # the lookbehind fails at the run's start; inside the run it cannot
            if start > last:
                continue
        out.append(text[pos:start])
        out.append("<br />\n")
        pos = last + 1
    out.append(text[pos:])
    return "".join(out)


def _first_group(m: re.Match[str]) -> str:
    return m[1]


def _hide_newlines_in_tags(text: str) -> str:
    return _TAG_OR_COMMENT.sub(lambda m: m.group(0).replace("\n", _NL), text)


def _stash_pre(text: str) -> tuple[str, dict[str, str]]:
    """Swap every <pre>...</pre> for a placeholder block tag (WordPress splits on '</pre>' too)."""
    stash: dict[str, str] = {}
    if "<pre" not in text:
        return text, stash
    parts = text.split("</pre>")
    last = parts.pop()
    out = []
    for i, part in enumerate(parts):
        start = part.find("<pre")
        if start < 0:  # a stray </pre>: keep the text, drop nothing
            out.append(part + "</pre>")
            continue
        name = f"<pre wp-pre-tag-{i}></pre>"
        stash[name] = part[start:] + "</pre>"
        out.append(part[:start] + name)
    out.append(last)
    return "".join(out), stash


def autop(text: str, br: bool = True) -> str:
    """Add <p> and <br /> to classic-editor HTML the way WordPress displays it."""
    if not text.strip(" \t\n\r\0\x0b"):
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    text, pre = _stash_pre(text)

    text = _DOUBLE_BR.sub("\n\n", text)
    text = _OPEN_BLOCK.sub(lambda m: "\n\n" + m[1], text)
    text = _CLOSE_BLOCK.sub(lambda m: m[1] + "\n\n", text)
    text = _HR.sub(lambda m: m[1] + "\n\n", text)
    text = _hide_newlines_in_tags(text)

    if "<option" in text:
        text = re.sub(rf"{W}*<option", "<option", text)
        text = re.sub(rf"</option>{W}*", "</option>", text)
    if "</object>" in text:
        text = re.sub(rf"(<object[^>]*>){W}*", r"\1", text)
        text = re.sub(rf"{W}*</object>", "</object>", text)
        text = re.sub(rf"{W}*(</?(?:param|embed)[^>]*>){W}*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(rf"([<\[](?:audio|video)[^>\]]*[>\]]){W}*", r"\1", text)
        text = re.sub(rf"{W}*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(rf"{W}*(<(?:source|track)[^>]*>){W}*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(rf"{W}*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(rf"</figcaption>{W}*", "</figcaption>", text)

    text = _BLANK_RUNS.sub("\n\n", text)
    pieces = [p for p in _PARAGRAPH_BREAK.split(text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in pieces)

    text = _EMPTY_P.sub("", text)
    text = _P_CLOSED_BY.sub(lambda m: f"<p>{m[1]}</p></{m[2]}>", text)
    text = _P_AROUND_BLOCK.sub(_first_group, text)
    text = _P_AROUND_LI.sub(_first_group, text)
    text = _P_BLOCKQUOTE.sub(lambda m: f"<blockquote{m[1]}><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(_first_group, text)
    text = _P_AFTER_BLOCK.sub(_first_group, text)

    if br:
        text = _RAW_NEWLINES.sub(lambda m: m.group(0).replace("\n", _KEEP_NL), text)
        text = _BR_FORMS.sub("<br />", text)
        text = add_line_breaks(text)
        text = text.replace(_KEEP_NL, "\n")

    text = _BR_AFTER_BLOCK.sub(_first_group, text)
    text = _BR_BEFORE_BLOCK.sub(_first_group, text)
    text = _LAST_NEWLINE.sub("</p>", text)

    for name, original in pre.items():
        text = text.replace(name, original)
    return text.replace(_NL, "\n")
