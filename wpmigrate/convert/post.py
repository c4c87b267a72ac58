"""One post -> ConvertedPost: the converter passes in WordPress's own order.

    blocks.render_blocks     Gutenberg comments -> HTML          (tells us whether the post had blocks)
    shortcodes.protect_code  [code]-like bodies hidden from autop
    autop                    classic content only: WordPress runs wpautop only when there are no blocks
    shortcodes.render_...    [caption], [gallery], [embed] ... -> HTML; unknown ones counted, kept
    html_to_markdown         the markdownify subclass; collects media URLs as found (before rewriting)

Excerpt: a post with a WordPress excerpt (`Post.excerpt`, the export's `excerpt:encoded`) gets it as
`ConvertedPost.excerpt`, one paragraph of plain text (excerpt_text: tags dropped, entities decoded,
line breaks and runs of spaces made one space): front matter is no place for Markdown or HTML, and
themes print `page.excerpt` as is or through `strip_html`. Otherwise the `<!--more-->` marker
(ctx.excerpt_separator) stays in the body on a line of its own: Jekyll's `excerpt_separator` cuts the
excerpt there itself, so the excerpt and the body can never disagree. A post that has the marker says
so in its front matter (`excerpt_separator: <!--more-->`), so Jekyll needs no site-wide setting.

Markdown content (`post.content_format == "markdown"`, e.g. a half-converted front-matter file) is kept
as written apart from line endings, the single final newline and its URLs: media are localised and
links go through the link map (mdurls.py), as for HTML content.
"""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup

from ..errors import ConvertError
from ..models import AssetRef, ConvertedPost, Post
from . import ConvertContext, blocks, builders, shortcodes
from .autop import autop
from .fences import iter_segments
from .markdown import html_to_markdown
from .mdurls import rewrite_markdown_urls


def convert_post(post: Post, ctx: ConvertContext) -> ConvertedPost:
    """Convert one post's content. Raises ConvertError only when the content cannot be converted at all."""
    if post.content_format == "markdown":
        body = post.content.replace("\r\n", "\n").replace("\r", "\n").rstrip()
        md_assets: list[AssetRef] = []
        body = rewrite_markdown_urls(body, ctx.rewrite_asset, ctx.rewrite_link, md_assets)
        return ConvertedPost(markdown=body + "\n" if body.strip() else "", assets=tuple(md_assets))
    if post.content_format != "html":
        raise ConvertError(post.where, f"unknown content format {post.content_format!r} (expected html or markdown)")

    stats: Counter = Counter()
    seen: Counter = Counter()
    unknown: Counter = Counter()
    warnings: list[str] = []
    assets: list[AssetRef] = []
    build = builders.BuildState(post, ctx, seen, unknown)
    try:
        content, from_builder = builders.page_html(post, build)
        html, had_blocks = blocks.render_blocks(content, ctx, stats, footnotes=post.meta.get("footnotes"))
        html, protected = shortcodes.protect_code(html)
        html = builders.expand_shortcodes(html, build)
        # Rendered HTML (from a mirror, a half-done migration or builder data) already has its paragraphs.
        if not had_blocks and not from_builder and not post.imported.rendered:
            html = autop(html)
        html = shortcodes.render_shortcodes(html, post, ctx, protected, seen, unknown)
        markdown = html_to_markdown(html, ctx, assets=assets, warnings=warnings)
    except RecursionError as exc:  # the depth guard should prevent this; say which post if it does not
        raise ConvertError(post.where, "markup nested too deeply to convert") from exc
    warnings += build.report_lines() + build.warnings
    if "<!-- wp:" in markdown and any(
        "<!-- wp:" in text for code, text in iter_segments(markdown) if not code
    ):  # in code: the author's text
        warnings.append("a Gutenberg block comment was left in the text")
    separator = (
        ctx.excerpt_separator
        if ctx.excerpt_separator
        and ctx.excerpt_separator in markdown
        and re.search(r"^" + re.escape(ctx.excerpt_separator) + r"$", markdown, re.M)
        else ""
    )
    return ConvertedPost(
        markdown=markdown,
        assets=tuple(assets),
        warnings=tuple(warnings),  # plain messages: the pipeline adds the post's location
        shortcodes=seen,
        unknown_shortcodes=unknown,
        blocks=stats,
        excerpt=excerpt_text(post.excerpt),
        excerpt_separator=separator,
    )


# Elements whose edges separate words: a line break or a paragraph end is a space in a one-line excerpt.
_WORD_BREAKS = ("br", "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th")
_ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: French typography keeps its no-break spaces


def excerpt_text(html_text: str) -> str:
    """A WordPress excerpt (plain text or HTML) as one paragraph of plain text; "" for none."""
    if not html_text.strip():
        return ""
    if "<" not in html_text and "&" not in html_text:  # plain text: nothing for a parser to do
        return _ASCII_SPACES.sub(" ", html_text).strip()
    soup = BeautifulSoup(html_text, "html.parser")
    for el in soup.find_all(_WORD_BREAKS):
        el.insert_before(" ")
        el.insert_after(" ")
    return _ASCII_SPACES.sub(" ", soup.get_text()).strip()
