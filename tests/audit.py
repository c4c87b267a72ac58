"""Render-back audit: does our Markdown still say what WordPress showed?

    report = audit_post(post, ctx)        # converts, renders back, compares
    report.problems()                     # [] when nothing was lost

The Markdown is rendered with markdown-it-py (CommonMark + tables) and compared with the source as
WordPress would render it (blocks rendered, wpautop on classic content, shortcodes expanded: the HTML our
passes hand to markdownify), and, for words, links and images, with the raw source too (block comments and
shortcode brackets removed), so a pass that drops text cannot hide behind its own output.

Compared: words in order (the share of the source's words found as an in-order subsequence, >= 99%),
every link target (same-page `#anchors` aside: footnote markers become `[^1]`), every image, and the
number of headings, list items, code blocks, tables and blockquotes.
This is the seed of a user-facing `wpmigrate audit`; it lives in tests until then.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import unquote

import lxml.html
from markdown_it import MarkdownIt

from wpmigrate.convert import Attachment, ConvertContext, blocks, shortcodes
from wpmigrate.convert.autop import autop
from wpmigrate.convert.post import convert_post
from wpmigrate.models import Post

WORD = re.compile(r"\w+", re.UNICODE)
STRUCTURE = {"headings": "h1 h2 h3 h4 h5 h6", "list items": "li", "code blocks": "pre", "tables": "table",
             "blockquotes": "blockquote"}
_MD = MarkdownIt("commonmark").enable("table")
_SHORTCODE_TAG = re.compile(r"\[/?[a-z][\w-]*(?:\s[^\[\]]*)?/?\]")


def render_markdown(markdown: str) -> str:
    return _MD.render(markdown)


def wordpress_html(post: Post, ctx: ConvertContext) -> str:
    """The post as WordPress would serve it, per our passes: what markdownify is given."""
    text, had_blocks = blocks.render_blocks(post.content, ctx, Counter(), footnotes=post.meta.get("footnotes"))
    text, protected = shortcodes.protect_code(text)
    if not had_blocks:
        text = autop(text)
    return shortcodes.render_shortcodes(text, post, ctx, protected, Counter(), Counter())


def raw_visible_html(content: str) -> str:
    """The source with only the machinery taken out: block comments and shortcode brackets."""
    text = re.sub(r"<!--\s*/?wp:.*?-->", "\n", content, flags=re.S)
    text, protected = shortcodes.protect_code(text)  # code bodies are text, not markup
    for token, original in protected.items():
        shown = html.escape(html.unescape(original)) if original.startswith("[") else original
        text = text.replace(token, f"<pre>{shown}</pre>")
    parts = re.split(r"(<[^>]*>)", text)  # brackets inside tags (href="...?a[b]=1") are not shortcodes
    return "".join(p if p.startswith("<") else _SHORTCODE_TAG.sub(" ", p) for p in parts)


@dataclass
class Facts:
    words: list[str]
    links: set[str]
    images: set[str]
    counts: dict[str, int]


def facts_of(html_text: str) -> Facts:
    if not html_text.strip():
        return Facts([], set(), set(), {k: 0 for k in STRUCTURE})
    root = lxml.html.fragment_fromstring(html_text, create_parent="div")
    for bad in root.xpath("//script|//style|//template|//title|//head"):
        bad.drop_tree()
    words = WORD.findall(" ".join(root.itertext()))
    # Links a reader can see and follow: not same-page anchors, not empty (an empty <a> shows nothing).
    links = {_url(a.get("href")) for a in root.iter("a") if (a.get("href") or "").strip()
             and not a.get("href").strip().startswith(("#", "javascript:"))
             and ((a.text_content() or "").strip() or a.find(".//img") is not None)}
    images = {_url(i.get("src")) for i in root.iter("img") if (i.get("src") or "").strip()}
    counts = {}
    for key, tags in STRUCTURE.items():
        found = [el for t in tags.split() for el in root.iter(t)]
        if key == "headings":  # an empty heading shows nothing, and we drop it
            found = [el for el in found if (el.text_content() or "").strip() or el.find(".//img") is not None]
        if key == "code blocks":  # a multi-line <code> outside <pre> shows as a block too
            found += [el for el in root.iter("code") if not any(a.tag == "pre" for a in el.iterancestors())
                      and ("\n" in (el.text_content() or "").strip() or el.find(".//br") is not None)]
        counts[key] = len(found)
    return Facts(words, links, images, counts)


def _url(url: str) -> str:
    """Compare URLs as a browser resolves them: percent-encoding and stray whitespace do not matter."""
    return re.sub(r"\s+", " ", unquote(url.strip()))


def in_order_share(source: list[str], ours: list[str]) -> float:
    """Share of `source` words found, in order, in `ours` (insertions in ours cost nothing)."""
    if not source:
        return 1.0
    matcher = difflib.SequenceMatcher(None, source, ours, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(source)


@dataclass
class Audit:
    where: str
    word_share: float = 1.0
    raw_word_share: float = 1.0
    missing_links: set[str] = field(default_factory=set)
    missing_images: set[str] = field(default_factory=set)
    count_diffs: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (WordPress, ours)

    def problems(self, min_share: float = 0.99) -> list[str]:
        out = []
        if self.word_share < min_share:
            out.append(f"{self.where}: only {self.word_share:.1%} of WordPress's words in order")
        if self.raw_word_share < min_share:
            out.append(f"{self.where}: only {self.raw_word_share:.1%} of the source's words in order")
        out += [f"{self.where}: link lost: {u}" for u in sorted(self.missing_links)]
        out += [f"{self.where}: image lost: {u}" for u in sorted(self.missing_images)]
        out += [f"{self.where}: {k}: WordPress {a}, ours {b}" for k, (a, b) in self.count_diffs.items()]
        return out


def compare(reference_html: str, markdown: str, where: str = "", raw_html: str | None = None) -> Audit:
    ref = facts_of(reference_html)
    ours = facts_of(render_markdown(markdown))
    result = Audit(where, word_share=in_order_share(ref.words, ours.words))
    result.missing_links = ref.links - ours.links
    result.missing_images = ref.images - ours.images
    if raw_html is not None:
        raw = facts_of(raw_html)
        result.raw_word_share = in_order_share(raw.words, ours.words)
        result.missing_links |= raw.links - ours.links
        result.missing_images |= raw.images - ours.images
    result.count_diffs = {k: (ref.counts[k], ours.counts[k]) for k in STRUCTURE if ref.counts[k] != ours.counts[k]}
    return result


def audit_post(post: Post, ctx: ConvertContext) -> Audit:
    converted = convert_post(post, ctx)
    return compare(wordpress_html(post, ctx), converted.markdown, post.where, raw_visible_html(post.content))


# ---------------------------------------------------------------- reading an export for the audit

def attachment_of(post: Post) -> Attachment:
    meta = post.meta.get("_wp_attachment_metadata")
    return Attachment(id=post.id or 0, url=post.attachment_url or post.guid, parent=post.parent,
                      menu_order=post.menu_order, title=post.title, caption=post.excerpt,
                      description=post.content, alt=str(post.meta.get("_wp_attachment_image_alt") or ""),
                      meta=meta if isinstance(meta, dict) else {})


def read_export(path: Path) -> tuple[list[Post], ConvertContext]:
    """Every item of a WXR file, and the context (attachments, children) a conversion needs."""
    from wpmigrate.importers.wxr import open_wxr

    posts = list(open_wxr([path], lambda message: None).posts())
    attachments = {p.id: attachment_of(p) for p in posts if p.type == "attachment" and p.id is not None}
    children: dict[int, list[Attachment]] = {}
    for a in attachments.values():
        if a.parent:
            children.setdefault(a.parent, []).append(a)
    ctx = ConvertContext(attachments=attachments,
                         children={k: tuple(a.id for a in sorted(v, key=lambda a: (a.menu_order, a.id)))
                                   for k, v in children.items()})
    return posts, ctx


def published(posts: Iterable[Post]) -> Iterator[Post]:
    return (p for p in posts if p.type in ("post", "page") and p.status == "publish"
            and p.content_format == "html")
