"""Post HTML -> Markdown. Pure: no disk, no network.

The passes, in WordPress's own order for `the_content`:

    blocks.py      Gutenberg block comments -> plain HTML (block attributes used, comments gone)
    shortcodes.py  [code]-like bodies protected first; then [caption], [gallery], [embed] ... -> HTML
    autop.py       wpautop: blank lines -> <p>, single newlines -> <br> (classic content only)
    markdown.py    the markdownify subclass over BeautifulSoup(lxml): HTML -> Markdown

`convert_post(post, ctx)` runs them and returns a ConvertedPost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import Site


def _identity(url: str) -> str:
    return url


@dataclass(frozen=True)
class Attachment:
    """What the converter may need to know about an attachment of the export."""

    id: int
    url: str  # attachment_url (or guid)
    parent: int | None = None
    menu_order: int = 0
    title: str = ""
    caption: str = ""  # the attachment's excerpt
    description: str = ""  # its content
    alt: str = ""  # _wp_attachment_image_alt
    meta: Mapping[str, Any] = field(default_factory=dict)  # decoded _wp_attachment_metadata


@dataclass(frozen=True)
class ConvertContext:
    site: Site = field(default_factory=Site)
    # id -> attachment, for [gallery ids=...], [caption id="attachment_N"], image blocks with "id"
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
    # parent post id -> its attachments' ids in menu order (for [gallery] without ids)
    children: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    # An old link (absolute URL of a post, page or attachment) -> its new URL; identity when unknown.
    rewrite_link: Callable[[str], str] = _identity
    # A media URL (img src, audio/video src, href to an image file) -> what the Markdown should
    # point at (a local asset path, once assets are localised); identity when unknown.
    rewrite_asset: Callable[[str], str] = _identity
    embeds: str = "link"  # "link" or "html"
    excerpt_separator: str = "<!--more-->"
    # WordPress.com LaTeX ($latex x^2$): "kramdown" ($$x^2$$), "dollar" ($x^2$, $$ display) or "image"
    # (WordPress.com's rendered image); see latex.py. Output profiles pick it per generator.
    math: str = "kramdown"
