"""WordPress.com / Jetpack LaTeX: `$latex x^2$` and `[latex]x^2[/latex]` -> math a generator renders.

WordPress.com drew each formula as an image (`https://s0.wp.com/latex.php?latex=...`). We write it as
math, per `ConvertContext.math`:

    "kramdown"  `$$x^2$$` inline and display (Jekyll's kramdown: `$$` alone in its paragraph is a
                display block, inside a sentence inline math)
    "dollar"    `$x^2$` inline, `$$` fences on lines of their own for display (Hugo's passthrough,
                Astro/remark-math, KaTeX auto-render)
    "image"     the image WordPress.com served, `![x^2](https://s0.wp.com/latex.php?latex=x%5E2...)`,
                for sites with no math renderer

A formula is display math when it is alone in its paragraph, inline otherwise.

Escaping: the TeX is written verbatim inside a `data-wpm-raw="math"` marker (markers.py), which
markdown.py writes as is: Markdown's escaping (`\\_`, `\\*`) would corrupt the TeX, and math-aware
renderers read the math span before emphasis, so `_`/`*` inside it are safe. What the delimiters need:
a `$` of the formula is written `\\$` (valid TeX, and it cannot close the span); in kramdown mode `$$`
cannot occur in TeX that WordPress.com accepted. In image mode the TeX is the alt text, escaped by
markdown.py like any alt text, and percent-encoded in the URL. The other way round, the author's own
dollars in prose must not open math: markdown.py writes them `\\$` in "dollar" mode ("$5 and $10"
would be a formula there) and a `$$` as `\\$\\$` in the others (kramdown's delimiter).

Jetpack's options after the formula (`&bg=ffffff&fg=000000&s=1`) are colours and size of the image:
dropped for math, kept in the image URL. `[latex]` is also SyntaxHighlighter's LaTeX brush: a body on
one line is a formula, a body over several lines a code listing (shortcodes.py decides).
"""

from __future__ import annotations

import bisect
import html
import re
from urllib.parse import quote

from .markers import RAW_MATH, raw_div, raw_span

MATH_MODES = ("kramdown", "dollar", "image")

# Jetpack's latex_markup: `$latex` then `=` or spaces, the formula (a `\$` does not end it), `$`.
_DOLLAR_LATEX = re.compile(r"\$latex(?:=\s*|\s+)((?:[^$]|(?<=(?<!\\)\\)\$)+?)(?<!\\)\$")
_OPTIONS = re.compile(r"(?:&(?:bg|fg|s)=[^&]*)+$")
# Regions never looked into: code-like elements (their text is the author's), comments, tags.
_OPAQUE = re.compile(r"<(pre|code|script|style|textarea)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def split_options(formula_html: str) -> tuple[str, str]:
    """The formula (entities decoded, tags dropped) and Jetpack's `&bg=..&fg=..&s=..` options."""
    text = html.unescape(re.sub(r"<[^>]+>", "", formula_html)).strip()
    m = _OPTIONS.search(text)
    options = m.group(0) if m else ""
    return text[: len(text) - len(options)].strip(), options


def math_html(tex: str, mode: str, display: bool, options: str = "") -> str:
    """One formula as the HTML markdown.py writes (see the module docstring for the modes)."""
    if mode == "image":
        url = "https://s0.wp.com/latex.php?latex=" + quote(tex, safe="") + (options or "&bg=ffffff&fg=000000&s=0")
        img = f'<img src="{html.escape(url)}" alt="{html.escape(tex)}">'
        return f"<p>{img}</p>" if display else img
    body = tex.replace("$", r"\$").replace(r"\\$", r"\$")  # a `$` already escaped stays escaped once
    if mode == "dollar":
        return (
            raw_div(f"$$\n{html.escape(body)}\n$$", RAW_MATH)
            if display
            else raw_span(RAW_MATH, f"${html.escape(body)}$")
        )
    marked = raw_span(RAW_MATH, f"$${html.escape(body)}$$")
    return f"<p>{marked}</p>" if display else marked


def render_latex(text: str, mode: str) -> str:
    """Every `$latex ...$` of (autop'd) HTML outside code as math; display when alone in a paragraph."""
    if "$latex" not in text:
        return text
    starts, ends = [], []
    for m in _OPAQUE.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    out: list[str] = []
    pos = 0
    for m in _DOLLAR_LATEX.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if m.start() < pos or (i >= 0 and ends[i] > m.start()):
            continue
        tex, options = split_options(m.group(1))
        if not tex:
            continue
        before = re.search(r"<p>\s*$", text[pos : m.start()])
        after = re.match(r"\s*</p>", text[m.end() :])
        if before and after:  # alone in its paragraph: the paragraph becomes the display formula
            out += [text[pos : pos + before.start()], math_html(tex, mode, True, options)]
            pos = m.end() + after.end()
        else:
            out += [text[pos : m.start()], math_html(tex, mode, False, options)]
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)
