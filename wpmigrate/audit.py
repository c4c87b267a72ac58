"""Render-back audit: does our Markdown still say what WordPress showed?

    result = audit_post(post, ctx)        # converts, renders back, compares
    result.problems()                     # [] when nothing was lost

Our Markdown is rendered to HTML with markdown-it-py (CommonMark + GFM tables, what most Markdown
readers agree on) and compared with two references:

- `wordpress_html`: the post as WordPress would serve it: the saved HTML, with our renderers standing in
  only where WordPress renders at display time and the export holds no output (server-rendered void
  blocks, the footnotes block, wpautop on classic content, and the shortcodes WordPress core and
  Jetpack register). It does not run the converter's other passes (what blocks.py does to saved markup,
  the notes unknown shortcodes become), so a bug there is not hidden by the reference repeating it.
- `raw_visible_html`: the source with only the machinery taken out (block comments, shortcode
  brackets, Jetpack's `$latex` marker; code shortcode bodies shown as <pre>; void blocks, which
  WordPress renders on the server, through our renderer). It keeps a pass that drops text, links or
  structure from hiding behind its own output.

Compared, against both: the words in order (share of the reference's words found as an in-order
subsequence of ours, >= 99%), every link target, every image, and the number of headings, list items,
code blocks, tables and blockquotes.

Also reported, as each is a defect a reader sees even when every word is there:

- Flash players (`<object>`, `<embed>`) left in ours as raw HTML: they play nowhere;
- shortcodes left as text: `[name` of a shortcode of the source (`compare(..., source=)`), in ours'
  text outside code more often than in WordPress's (an escaped `[[name]]` shows `[name]` on both);
- a heading that swallowed what followed it (a `<h3">` typo): a heading of ours longer than
  SWALLOW_MIN_WORDS words and more than twice the reference's longest;
- hidden text made visible: the words of an element hidden by its style (`display:none`, off-screen
  `left:-10000px`, TinyMCE's paste buffer) found in ours but nowhere in what WordPress showed.

What is not counted, because WordPress shows nothing or because it is layout rather than content
(each is applied to both sides alike):

- same-page links (`#anchor`, footnote back-links: footnote markers become `[^1]`), `javascript:`
  links, and links with neither text nor image (a reader cannot see them);
- empty headings (nothing to show; we drop them);
- `<li>` of image grids (gallery blocks v1, Jetpack tiled galleries and slideshows: their `<ul>` is
  layout, and each image becomes a figure of ours);
- the `<pre class="wp-block-verse">` of verse blocks (poetry: we write its lines as lines, with its
  emphasis, rather than as code);
- a `<code>` outside `<pre>` that spans lines counts as a code block (it shows as one, and is one of ours);
- text of `<script>`, `<style>`, `<template>` (not shown).

Footnote definitions (`[^1]: note`) are kramdown syntax, which a plain CommonMark reader may take for
link reference definitions and hide: `render_markdown` escapes them first, so they show as text.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import lxml.html

from .convert import ConvertContext, blocks, shortcodes
from .convert.autop import autop
from .convert.post import convert_post
from .errors import OptionsError
from .models import Post

WORD = re.compile(r"\w+", re.UNICODE)
STRUCTURE = {
    "headings": "h1 h2 h3 h4 h5 h6",
    "list items": "li",
    "code blocks": "pre",
    "tables": "table",
    "blockquotes": "blockquote",
}
MIN_WORD_SHARE = 0.99
_SHORTCODE_TAG = re.compile(r"\[/?[a-z][\w-]*(?:\s[^\[\]]*)?/?\]")
_GRID = re.compile(
    r"\b(blocks-gallery-grid|wp-block-gallery|tiled-gallery|wp-block-jetpack-[\w-]*gallery|wp-block-jetpack-slideshow)\b"
)
_VOID_BLOCK = re.compile(r"<!--\s+wp:[a-z][a-z0-9_/-]*\s+(?:\{.*?\}\s+)?/-->", re.S)
_FOOTNOTE_DEF = re.compile(r"^(\[\^[^\]\s]+\]:)", re.M)


@functools.cache
def _renderer() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError as exc:  # an optional dependency: only the audit needs it
        raise OptionsError("the audit needs markdown-it-py: pip install 'wpmigrate[audit]'") from exc
    return MarkdownIt("commonmark").enable("table")


def render_markdown(markdown: str) -> str:
    """Our Markdown as a CommonMark reader (with tables) shows it."""
    # Footnote definitions are kramdown's: show them as the text they are, not as link definitions.
    return str(_renderer().render(_FOOTNOTE_DEF.sub(r"\\\1", markdown)))


def wordpress_html(post: Post, ctx: ConvertContext) -> str:
    """The post as WordPress would serve it: its saved HTML, with only what WordPress renders at display
    time rendered by us.

    Not circular where it matters: a converter pass that changes saved markup (a quote's citation, a
    gallery's grid, a verse, a Custom HTML block, an unknown shortcode made a note) is not applied here,
    so what it loses shows. Our renderers stand in only where WordPress itself renders and the export
    holds no output to compare with: server-rendered (void) blocks and the footnotes block; wpautop on
    classic content (autop.py is its port); and the shortcodes WordPress core and Jetpack register
    ([caption], [gallery], [embed], [audio], code ...), whose HTML exists only once rendered. A plugin's
    shortcode the export cannot render is shown as the source shows it, tags taken out, content kept.
    """
    footnotes = post.meta.get("footnotes")
    text = _VOID_BLOCK.sub(
        lambda m: blocks.render_blocks(m.group(0), ctx, Counter(), footnotes=footnotes)[0], post.content
    )
    had_blocks = blocks.parse_blocks(post.content)[1]
    text = re.sub(r"<!--\s*/?wp:.*?-->", "\n", text, flags=re.S)
    text, protected = shortcodes.protect_code(text)
    if not had_blocks and not post.imported.rendered:
        text = autop(text)
    return shortcodes.render_shortcodes(_unknown_tags_out(text), post, ctx, protected, Counter(), Counter())


def _unknown_tags_out(text: str) -> str:
    """A plugin's shortcode tags taken out (its content stays), so only registered ones are rendered."""
    names = {sc.name for sc in shortcodes.scan(text, shortcodes.KNOWN) if sc.name not in shortcodes.KNOWN}
    if not names:
        return text
    out, pos = [], 0
    for sc in shortcodes.scan(text, shortcodes.KNOWN):
        if sc.name in names and not sc.escaped:
            out += [text[pos : sc.start], " "]
            pos = sc.end
    out.append(text[pos:])
    pattern = re.compile(r"\[/(" + "|".join(re.escape(n) for n in sorted(names)) + r")\]")
    return pattern.sub(" ", "".join(out))


def raw_visible_html(content: str) -> str:
    """The source with only the machinery taken out: block comments and shortcode brackets."""
    # A void block has no saved HTML: WordPress renders it on the server (social links, latest posts);
    # our renderer stands in for it (most of those vanish). Every other block comment just goes.
    text = _VOID_BLOCK.sub(lambda m: blocks.render_blocks(m.group(0), ConvertContext(), Counter())[0], content)
    text = re.sub(r"<!--\s*/?wp:.*?-->", "\n", text, flags=re.S)
    text = re.sub(r"\$latex(?:=\s*|\s+)", "$", text)  # Jetpack's formula marker: the formula is what shows
    text, protected = shortcodes.protect_code(text)  # code bodies are text, not markup
    for token, original in protected.items():
        shown = html.escape(html.unescape(original)) if original.startswith("[") else original
        text = text.replace(token, f"<pre>{shown}</pre>")
    parts = re.split(r"(<[^>]*>)", text)  # brackets inside tags (href="...?a[b]=1") are not shortcodes
    return "".join(p if p.startswith("<") else _SHORTCODE_TAG.sub(" ", p) for p in parts)


@dataclass
class Facts:
    """What a reader gets from a piece of HTML."""

    words: list[str]
    links: set[str]
    images: set[str]
    counts: dict[str, int]
    players: int = 0  # Flash <object>/<embed> players: they play nowhere now
    hidden: list[list[str]] = field(default_factory=list)  # words of each element hidden by its style
    heading_words: list[int] = field(default_factory=list)  # length of each heading, in words
    paragraphs: int = 0  # <p> with words
    prose: str = ""  # the text outside code, for literal shortcodes


def facts_of(html_text: str) -> Facts:
    if not html_text.strip():
        return Facts([], set(), set(), dict.fromkeys(STRUCTURE, 0))
    root = lxml.html.fragment_fromstring(html_text, create_parent="div")
    for bad in root.xpath("//script|//style|//template|//title|//head"):
        bad.drop_tree()
    hidden_words = []
    for hidden in [el for el in root.iter() if isinstance(el.tag, str) and _hidden(el)]:
        if hidden.getparent() is None:
            continue  # inside a hidden element already dropped
        hidden_words.append(WORD.findall(hidden.text_content() or ""))
        hidden.drop_tree()  # a reader never saw it (TinyMCE's off-screen paste buffer, display:none)
    for smiley in [i for i in root.iter("img") if _SMILEY_CLASS & set((i.get("class") or "").split())]:
        # WordPress drew the author's emoji or ":-)" as an image; a reader sees the character
        smiley.tail = (smiley.get("alt") or "") + (smiley.tail or "")
        smiley.drop_tree()
    words = WORD.findall(" ".join(root.itertext()))
    links = {_url(a.get("href")) for a in root.iter("a") if _visible_link(a)}
    images = {_url(i.get("src")) for i in root.iter("img") if (i.get("src") or "").strip()}
    counts = {}
    for key, tags in STRUCTURE.items():
        found = [el for t in tags.split() for el in root.iter(t)]
        if key == "headings":
            found = [el for el in found if (el.text_content() or "").strip() or el.find(".//img") is not None]
        if key == "list items":
            found = [el for el in found if not any(_GRID.search(a.get("class") or "") for a in el.iterancestors())]
        if key == "code blocks":  # verse is poetry WordPress puts in a <pre>; ours keeps its lines as lines
            found = [el for el in found if "wp-block-verse" not in (el.get("class") or "")]
            found += [
                el
                for el in root.iter("code")
                if not any(a.tag == "pre" for a in el.iterancestors())
                and ("\n" in (el.text_content() or "").strip() or el.find(".//br") is not None)
            ]
        counts[key] = len(found)
    players = sum(1 for el in root.iter("object", "embed") if not any(a.tag == "object" for a in el.iterancestors()))
    heading_words = [
        len(WORD.findall(el.text_content() or "")) for t in STRUCTURE["headings"].split() for el in root.iter(t)
    ]
    paragraphs = sum(1 for el in root.iter("p") if WORD.search(el.text_content() or ""))
    prose = _prose(root)
    return Facts(
        words, links, images, counts, players, [w for w in hidden_words if w], heading_words, paragraphs, prose
    )


def _prose(root: Any) -> str:
    """The text outside code and pre (where a shortcode's name is the author's example)."""
    parts = []
    for el in root.iter():
        inside = any(a.tag in ("code", "pre") for a in el.iterancestors())
        if not inside and el.tag not in ("code", "pre") and isinstance(el.tag, str):
            parts.append(el.text or "")
        if not inside:
            parts.append(el.tail or "")
    return " ".join(parts)


_SMILEY_CLASS = frozenset(["wp-smiley", "emoji"])
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top)\s*:\s*-\d{4,}px", re.I)


def _hidden(el: Any) -> bool:
    """Hidden by its own style, as a browser hides it (a TinyMCE paste buffer saved without its
    off-screen style was shown like any div)."""
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _visible_link(a: Any) -> bool:
    href = (a.get("href") or "").strip()
    return (
        bool(href)
        and not href.startswith(("#", "javascript:"))
        and bool((a.text_content() or "").strip() or a.find(".//img") is not None)
    )


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
    """The comparison of one post; `problems()` lists what was lost, one line each."""

    where: str
    word_share: float = 1.0  # against WordPress's rendering
    raw_word_share: float = 1.0  # against the raw source
    missing_links: set[str] = field(default_factory=set)
    missing_images: set[str] = field(default_factory=set)
    count_diffs: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (reference, ours)
    raw_players: int = 0  # Flash players left in our output as raw HTML
    leftover_shortcodes: dict[str, int] = field(default_factory=dict)  # name -> literal `[name` of ours
    swallowing_heading: tuple[int, int, int, int] | None = None  # words: ours, WordPress's longest; paragraphs
    revealed: list[str] = field(default_factory=list)  # text of hidden source elements shown in ours

    def problems(self, min_share: float = MIN_WORD_SHARE) -> list[str]:
        out = []
        if self.word_share < min_share:
            out.append(f"{self.where}: only {self.word_share:.1%} of WordPress's words in order")
        if self.raw_word_share < min_share:
            out.append(f"{self.where}: only {self.raw_word_share:.1%} of the source's words in order")
        out += [f"{self.where}: link lost: {u}" for u in sorted(self.missing_links)]
        out += [f"{self.where}: image lost: {u}" for u in sorted(self.missing_images)]
        out += [f"{self.where}: {k}: WordPress {a}, ours {b}" for k, (a, b) in self.count_diffs.items()]
        if self.raw_players:
            out.append(f"{self.where}: {self.raw_players} Flash player(s) left as raw HTML")
        out += [
            f"{self.where}: shortcode left as text: [{k}] x{n}" for k, n in sorted(self.leftover_shortcodes.items())
        ]
        if self.swallowing_heading:
            ours, theirs, ref_p, our_p = self.swallowing_heading
            out.append(
                f"{self.where}: a heading of {ours} words (WordPress's longest: {theirs}) swallowed the text after"
                f" it (paragraphs: WordPress {ref_p}, ours {our_p})"
            )
        out += [f"{self.where}: hidden text made visible: {t}" for t in self.revealed]
        return out


# A heading of ours longer than this, and more than twice WordPress's longest, has eaten what followed it.
SWALLOW_MIN_WORDS = 15


def compare(
    reference_html: str, markdown: str, where: str = "", raw_html: str | None = None, source: str | None = None
) -> Audit:
    """Compare our Markdown with WordPress's HTML (and the raw source, when given). `source` (the post's
    saved content) names the shortcodes whose literal `[name` must not be left in ours."""
    ours = facts_of(render_markdown(markdown))
    result = Audit(where, raw_players=ours.players)
    refs = [facts_of(h) for h in ([reference_html] if raw_html is None else [reference_html, raw_html])]
    for i, ref in enumerate(refs):
        share = in_order_share(ref.words, ours.words)
        if i == 0:
            result.word_share = share
        else:
            result.raw_word_share = share
        result.missing_links |= ref.links - ours.links
        result.missing_images |= ref.images - ours.images
        for k in STRUCTURE:
            if ref.counts[k] != ours.counts[k] and k not in result.count_diffs:
                result.count_diffs[k] = (ref.counts[k], ours.counts[k])
    if source is not None:
        result.leftover_shortcodes = _leftover_shortcodes(source, refs[0].prose, ours.prose)
    longest_ours = max(ours.heading_words, default=0)
    longest_ref = max((n for ref in refs for n in ref.heading_words), default=0)
    if longest_ours > max(2 * longest_ref, longest_ref + SWALLOW_MIN_WORDS):
        result.swallowing_heading = (longest_ours, longest_ref, refs[0].paragraphs, ours.paragraphs)
    visible = " " + " ".join(refs[0].words) + " "
    shown = " " + " ".join(ours.words) + " "
    for hidden in (h for ref in refs for h in ref.hidden):
        text = " " + " ".join(hidden) + " "
        if text in shown and text not in visible and text.strip() not in result.revealed:
            result.revealed.append(text.strip())
    return result


def shortcode_names(source: str) -> set[str]:
    """Names used as shortcodes in a post's saved content (escaped `[[name]]` ones are text)."""
    text, _ = blocks.render_blocks(source, ConvertContext(), Counter())
    return {sc.name for sc in shortcodes.scan(text, shortcodes.KNOWN) if not sc.escaped}


def _leftover_shortcodes(source: str, reference_prose: str, our_prose: str) -> dict[str, int]:
    """Shortcodes of the source whose `[name ...]` a reader of ours sees more often than WordPress
    showed it (an escaped `[[name]]` shows `[name]` on both sides)."""
    out = {}
    for name in shortcode_names(source):
        literal = re.compile(r"\[/?" + re.escape(name) + r"(?=[\s\]/])")
        extra = len(literal.findall(our_prose)) - len(literal.findall(reference_prose))
        if extra > 0:
            out[name] = extra
    return out


def audit_post(post: Post, ctx: ConvertContext) -> Audit:
    """Convert one post and compare the result with what WordPress shows."""
    converted = convert_post(post, ctx)
    raw = raw_visible_html(post.content) if post.content_format == "html" else None
    return compare(wordpress_html(post, ctx), converted.markdown, post.where, raw, post.content)
