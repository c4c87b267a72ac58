"""The in-tree markers the converter passes leave for each other. Every marker is defined here and
nowhere else; none of them reaches the output.

`data-wpm-raw="KIND"` (RAW_ATTR) on a `<span>` or `<div>`: "this is already Markdown or the author's
markup; write it as is".
    KIND "shortcode"  written by shortcodes.py (raw_span) around an unknown shortcode kept verbatim;
    KIND "footnote"   written by blocks.py (raw_span) around a footnote marker `[^1]` / `[^1]:`;
    KIND "html"       written by blocks.py (raw_div) around a Custom HTML block's inner markup;
    KIND "math"       written by latex.py around a formula already in Markdown's math syntax (a span
                      inline, a div for a display block whose lines must stay lines).
    Read by markdown.py: the text of a marked span is written unescaped; a "html" div is written as
    one raw HTML block, and the attribute itself is dropped from a kept `<pre>`. Read by shortcodes.py
    too: the scanner never looks inside a marked span (SKIP_RAW_SPAN), so a kept shortcode is not
    parsed twice.

`<pre data-wpm-protect="N"></pre>` (protect_token, PROTECT_TOKEN): an empty stand-in for the N-th
    code shortcode (`[code]...[/code]`) or `<pre class="brush: x">` of a post. Written by
    shortcodes.protect_code before autop (a `<pre>` is a block autop leaves alone), with a token ->
    original text map; read by shortcodes.render_shortcodes, which renders the original in its place,
    and by audit.raw_visible_html, which shows it as text.

BLOCK_START / BLOCK_END (the control characters U+0002 / U+0003): written by shortcodes.py around
    block-level output of a code shortcode, read right after by the shortcode_unautop step of
    render_shortcodes (a block alone in its `<p>` replaces the paragraph), then removed: they never
    leave render_shortcodes. One already in a post's text is removed there too (a WXR post has none:
    XML 1.0 forbids them and xmlrepair.py drops them).

`<wpm-more>` (MORE_TAG): written by soup.pass_comments in place of the first `<!--more-->` comment;
    read by markdown.py (a block-level tag; `convert_wpm_more` writes ctx.excerpt_separator on a line
    of its own: markdownify finds that method from the tag name, "-" read as "_").

Not markers between passes: autop.py's private-use placeholders (`\\ue000wpnl\\ue001`, `\\ue002`, `<pre
wp-pre-tag-N>`) are written and read inside autop() itself, as in WordPress's wpautop.
"""

from __future__ import annotations

import re

RAW_ATTR = "data-wpm-raw"
RAW_SHORTCODE = "shortcode"
RAW_FOOTNOTE = "footnote"
RAW_HTML = "html"
RAW_MATH = "math"
# For the shortcode scanner's skip list: a marked span holding only text.
SKIP_RAW_SPAN = rf"<span {re.escape(RAW_ATTR)}[^>]*>[^<]*</span>"

PROTECT_ATTR = "data-wpm-protect"
PROTECT_TOKEN = re.compile(rf'<pre {re.escape(PROTECT_ATTR)}="(\d+)"></pre>')

BLOCK_START, BLOCK_END = "\x02", "\x03"

MORE_TAG = "wpm-more"


def raw_span(kind: str, text: str) -> str:
    """A span markdown.py writes as is; `text` is HTML (escape plain text before)."""
    return f'<span {RAW_ATTR}="{kind}">{text}</span>'


def raw_div(inner_html: str, kind: str = RAW_HTML) -> str:
    """The author's markup (or, for RAW_MATH, a display formula), written by markdown.py as one block."""
    return f'<div {RAW_ATTR}="{kind}">{inner_html}</div>'


def protect_token(n: int) -> str:
    return f'<pre {PROTECT_ATTR}="{n}"></pre>'
