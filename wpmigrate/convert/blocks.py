"""Gutenberg blocks -> plain HTML (issue 3 fills this in). Placeholder: strips block comments."""

from __future__ import annotations

import re
from collections import Counter

from . import ConvertContext

_BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9_/-]+)(\s+\{.*?\})?\s*(/?)-->", re.S)


def render_blocks(html: str, ctx: ConvertContext, stats: Counter) -> tuple[str, bool]:
    """Replace block comments by the HTML they stand for.

    Returns (html, had_blocks). When the content had blocks WordPress does not run wpautop on it,
    and neither do we. `stats` counts block names seen ("core/paragraph", ...).
    """
    had = False

    def drop(m: re.Match[str]) -> str:
        nonlocal had
        had = True
        if not m.group(1):
            name = m.group(2)
            stats[name if "/" in name else f"core/{name}"] += 1
        return ""

    return _BLOCK_COMMENT.sub(drop, html), had
