"""URLs inside a Markdown body (a half-done migration): media through ctx.rewrite_asset, links through
ctx.rewrite_link. Pure: the text is rewritten only where a URL stands, every other byte is kept.

Where URLs are looked for: inline links and images `[t](url "title")` (also `<url>`), reference
definitions `[id]: url`, and `src`/`href`/`srcset`/`data-orig-file`/`data-large-file` attributes of raw
HTML in the Markdown. Fenced code blocks (as convert/fences.py reads them) and inline code spans are left
alone: a URL shown as code is text, not a reference. (Indented code blocks are not told apart from
indented list content.)
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

from ..models import AssetRef
from .fences import iter_segments
from .soup import classify_media

_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)", re.S)
# `](` + destination (`<...>` or without spaces, one level of balanced parentheses) + optional title.
_INLINE = re.compile(
    r"(\]\(\s*)(<[^<>\n]*>|(?:[^\s()<>\\]|\\.|\([^\s()]*\))+)(?=(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\))"
)
_REFDEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.M)
_ATTR = re.compile(r"(\s(?:src|href|srcset|data-orig-file|data-large-file|poster)\s*=\s*)(\"[^\"]*\"|'[^']*')", re.I)


def rewrite_markdown_urls(
    markdown: str, rewrite_asset: Callable[[str], str], rewrite_link: Callable[[str], str], assets: list[AssetRef]
) -> str:
    """`markdown` with every media URL localised and every link through the link map."""

    def one(url: str) -> str:
        kind = classify_media(url)
        if kind:
            assets.append(AssetRef(url=htmllib.unescape(url), kind=kind))
            return rewrite_asset(url)
        return rewrite_link(url)

    def inline(m: re.Match[str]) -> str:
        dest = m.group(2)
        if dest.startswith("<"):
            new = one(dest[1:-1])
            return m.group(1) + ("<" + new + ">" if new != dest[1:-1] else dest)
        return m.group(1) + one(dest)

    def refdef(m: re.Match[str]) -> str:
        dest = m.group(2)
        if dest.startswith("<"):
            return m.group(1) + "<" + one(dest[1:-1]) + ">"
        return m.group(1) + one(dest)

    def attr(m: re.Match[str]) -> str:
        quote, value = m.group(2)[0], htmllib.unescape(m.group(2)[1:-1])
        if "srcset" in m.group(1).lower():
            cands = [c.strip().split(None, 1) for c in value.split(",") if c.strip()]
            new = ", ".join(" ".join([one(c[0]), *c[1:]]) for c in cands)
        else:
            new = one(value.strip())
        if new == value:
            return m.group(0)
        new = new.replace("&", "&amp;").replace(quote, "&quot;" if quote == '"' else "&#39;")
        return f"{m.group(1)}{quote}{new}{quote}"

    def prose(text: str) -> str:
        out, last = [], 0
        for span in _CODE_SPAN.finditer(text):
            out.append(_ATTR.sub(attr, _INLINE.sub(inline, text[last : span.start()])))
            out.append(span.group(0))
            last = span.end()
        out.append(_ATTR.sub(attr, _INLINE.sub(inline, text[last:])))
        return _REFDEF.sub(refdef, "".join(out))

    return "".join(text if code else prose(text) for code, text in iter_segments(markdown))
