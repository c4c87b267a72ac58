"""Page builders -> the plain HTML the rest of the converter reads. One module per builder family:

    wpbakery.py    WPBakery / Visual Composer `vc_*`, with The7's `dt_*`      shortcodes in content
    avada.py       Avada / Fusion Builder `fusion_*`, [fullwidth], [one_third]   shortcodes in content
    divi.py        Divi `et_pb_*`                                             shortcodes in content
    elementor.py   `_elementor_data` (JSON)                                   postmeta
    siteorigin.py  `panels_data` (PHP-serialized)                             postmeta
    beaver.py      `_fl_builder_data` (PHP-serialized)                        postmeta

Each holds a table module name -> handler; shortcodes.py is the engine for the shortcode families.
Block builders (Kadence, Spectra, GenerateBlocks, Stackable) need nothing here: blocks.py keeps the
inner HTML of blocks it has no renderer for and drops their comments, as for core blocks. They are
only named in BLOCK_NAMESPACES, for `inspect`.

Where the page comes from: Elementor's JSON always wins over content:encoded (Elementor writes only a
plain-text copy there). SiteOrigin's and Beaver's data win when content:encoded is empty or lacks
text the builder data holds: when it is complete it is WordPress's own rendering, which also holds
what the theme's dynamic widgets printed (team members, services) that the builder data does not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from ...models import Post
from . import avada, beaver, divi, elementor, siteorigin, wpbakery
from .common import BuildState, fallback_texts, strip_tags
from .shortcodes import Handler, expand, placeholder_for

__all__ = ["BuildState", "detect_builders", "expand_shortcodes", "page_html"]

# Shortcode families: name, module table, name prefixes (unlisted modules with these prefixes still
# count as the family's and are unwrapped by the fallback), and the marker that turns the family on.
SHORTCODE_FAMILIES: list[tuple[str, dict[str, Handler], tuple[str, ...], re.Pattern[str]]] = [
    ("WPBakery", wpbakery.TABLE, wpbakery.PREFIXES, re.compile(r"\[(vc|dt)_")),
    (
        "Avada",
        avada.TABLE,
        avada.PREFIXES,
        re.compile(r"\[(fusion_|fullwidth[\s\]]|one_(half|third|fourth)[\s\]]|separator\s[^\]]*style_type=)"),
    ),
    ("Divi", divi.TABLE, divi.PREFIXES, re.compile(r"\[et_pb_")),
]

# Postmeta families: name, meta key, renderer, whether it wins over a complete content:encoded.
META_FAMILIES: list[tuple[str, str, Callable[[Any, BuildState], str | None], bool]] = [
    ("Elementor", elementor.META_KEY, elementor.render_elementor, True),
    ("SiteOrigin", siteorigin.META_KEY, siteorigin.render_panels, False),
    ("Beaver Builder", beaver.META_KEY, beaver.render_beaver, False),
]

BLOCK_NAMESPACES = {
    "kadence": "Kadence Blocks",
    "uagb": "Spectra",
    "generateblocks": "GenerateBlocks",
    "ugb": "Stackable",
    "stackable": "Stackable",
}
_BLOCK_NS = re.compile(r"<!--\s+wp:(" + "|".join(BLOCK_NAMESPACES) + r")/")


def detect_builders(post: Post) -> list[str]:
    """The page builders a post was made with, by name (for `inspect`)."""
    found = [name for name, key, _, _ in META_FAMILIES if _has_data(post.meta.get(key))]
    text = post.content if post.content_format == "html" else ""
    found += [name for name, _, _, marker in SHORTCODE_FAMILIES if marker.search(text)]
    found += sorted({BLOCK_NAMESPACES[ns] for ns in _BLOCK_NS.findall(text)})
    return found


def _has_data(value: Any) -> bool:
    return bool(value) and value not in ("[]", "{}")


def page_html(post: Post, st: BuildState) -> tuple[str, bool]:
    """The post's HTML: from builder postmeta when that is the better source, else content:encoded.

    Returns (html, from_builder): HTML built from postmeta already has its paragraphs (no autop)."""
    for _name, key, render, always in META_FAMILIES:
        data = post.meta.get(key)
        if not _has_data(data):
            continue
        trial = BuildState(post, st.ctx)  # counts only kept when this source is used
        built = render(data, trial)
        if not built or not strip_tags(built).strip():
            continue
        if not always and not _degraded(post.content, data):
            continue
        st.seen.update(trial.seen)
        st.unknown.update(trial.unknown)
        st.placeholders.update(trial.placeholders)
        st.warnings.extend(trial.warnings)
        st.uses_builder = True
        return built, True
    return post.content, False


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", html.unescape(strip_tags(text)).lower()))


def _degraded(content: str, data: Any) -> bool:
    """content:encoded is empty, or misses a text the builder data holds."""
    have = _words(content)
    if not have:
        return True
    texts = [_words(t) for t in fallback_texts(data, -8)]
    return any(t and t[:60] not in have for t in texts)


def expand_shortcodes(html_text: str, st: BuildState) -> str:
    """Before autop: replace the shortcodes of every builder family the post shows; then, on builder
    pages only, the plugins' forms and sliders such pages embed (elsewhere they stay reported as unknown)."""
    for _name, table, prefixes, marker in SHORTCODE_FAMILIES:
        if marker.search(html_text):
            html_text = expand(html_text, table, prefixes, st)
            st.uses_builder = True
    return expand(html_text, PLUGIN_TABLE, (), st) if st.uses_builder else html_text


# Plugins' shortcodes found on builder pages whose output is built at display time.
PLUGIN_TABLE: dict[str, Handler] = {
    "contact-form-7": placeholder_for("contact form"),
    "wpforms": placeholder_for("form"),
    "gravityform": placeholder_for("form"),
    "ninja_form": placeholder_for("form"),
    "go_pricing": placeholder_for("pricing table"),
    "rev_slider": placeholder_for("slider"),
    "layerslider": placeholder_for("slider"),
}
