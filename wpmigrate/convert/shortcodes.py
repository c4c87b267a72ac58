"""WordPress shortcodes (issue 3 fills this in). Placeholders keep text as it is."""

from __future__ import annotations

from collections import Counter

from . import ConvertContext
from ..models import Post


def protect_code(html: str) -> tuple[str, dict[str, str]]:
    """Before autop: swap [code]-like shortcodes for opaque tokens so autop leaves their bodies alone.

    Returns the text with tokens and the token -> original text map for render_shortcodes.
    """
    return html, {}


def render_shortcodes(html: str, post: Post, ctx: ConvertContext, protected: dict[str, str],
                      seen: Counter, unknown: Counter) -> str:
    """After autop: expand known shortcodes to HTML that markdown.py renders; unknown ones stay
    verbatim (and are counted in `unknown`). `seen` counts every shortcode name met."""
    for token, original in protected.items():
        html = html.replace(token, original)
    return html
