"""WordPress shortcodes -> HTML that markdown.py renders.

Parsing follows WordPress's grammar (get_shortcode_regex / shortcode_parse_atts): `[name attrs]`,
`[name attrs /]`, `[name attrs]content[/name]` (content runs to the first `[/name]`), `[[name]]` escapes.
WordPress only matches registered names; we match every name, handle the ones we know and leave other
bracketed text (`[sic]`, `[1]`) to be ordinary text. A plausible plugin shortcode we do not know is never left
as literal brackets (a reader of the new site sees those as garbage); per kind:

- enclosing (`[col grid="2-1"]...[/col]`, `[box]...[/box]`): WordPress's plugin wrapped the author's text in
  layout; the text stays, rendered, and the tags go;
- a quote (`[quote author="Ann"]...[/quote]`, QUOTE_NAMES): a blockquote, its author a "— Ann" line;
- a form (`[contact-form-7 id=1]`, `[wpforms]`, FORM_NAMES): a visible note "(contact form: not migrated,
  see the original page)": a static site has nothing to post it to;
- any other standalone one (`[mgslides id=3]`) and a known one we cannot render (`[gist]` with no id), a
  note naming it; a `[gallery]` whose images are not in the export (no attachments), a note saying so.

The notes are the page builders' placeholders (placeholder_note, shared with builders/common.py), so one
search finds them all; every such shortcode is counted in `unknown`, which the report lists. Escaped
`[[name]]` is printed as `[name]`, verbatim inside `<span data-wpm-raw="shortcode">` (markdown.py writes
that text as is; the markers are defined in markers.py). `$latex ...$` and a one-line `[latex]` are
Jetpack's formulas: latex.py writes them as math.

Code shortcodes ([code], [sourcecode], [php] ... of SyntaxHighlighter Evolved) are swapped for empty
`<pre data-wpm-protect="N"></pre>` tokens before autop (a block element autop leaves alone) and rendered
afterwards as `<pre><code class="language-X">`.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from ..models import Post
from . import Attachment, ConvertContext
from .embeds import detect_provider, render_embed
from .latex import math_html, render_latex, split_options
from .markers import (
    BLOCK_END,
    BLOCK_START,
    PROTECT_TOKEN,
    RAW_SHORTCODE,
    SKIP_RAW_SPAN,
    protect_token,
    raw_span,
)

# SyntaxHighlighter Evolved's shortcodes: brush names and aliases. "code"/"sourcecode" take lang=.
CODE_NAMES = frozenset(
    [
        "code",
        "sourcecode",
        "as3",
        "actionscript3",
        "bash",
        "shell",
        "clojure",
        "clj",
        "coldfusion",
        "cf",
        "cpp",
        "c",
        "c-sharp",
        "csharp",
        "css",
        "delphi",
        "pas",
        "pascal",
        "diff",
        "patch",
        "erl",
        "erlang",
        "fsharp",
        "go",
        "golang",
        "groovy",
        "haskell",
        "java",
        "jfx",
        "javafx",
        "javascript",
        "js",
        "jscript",
        "latex",
        "tex",
        "matlab",
        "objc",
        "obj-c",
        "perl",
        "pl",
        "php",
        "plain",
        "text",
        "powershell",
        "ps",
        "py",
        "python",
        "r",
        "rails",
        "ror",
        "ruby",
        "rb",
        "scala",
        "sql",
        "swift",
        "vb",
        "vbnet",
        "xml",
        "xhtml",
        "xslt",
        "html",
        "yaml",
    ]
)
_LANG_ALIASES = {
    "c-sharp": "csharp",
    "jscript": "javascript",
    "js": "javascript",
    "pl": "perl",
    "py": "python",
    "rb": "ruby",
    "ror": "ruby",
    "rails": "ruby",
    "ps": "powershell",
    "shell": "bash",
    "plain": "text",
    "as3": "actionscript3",
    "cf": "coldfusion",
    "pas": "pascal",
    "patch": "diff",
    "erl": "erlang",
    "jfx": "javafx",
    "golang": "go",
    "clj": "clojure",
    "obj-c": "objc",
    "tex": "latex",
    "xhtml": "html",
    "vbnet": "vb",
}
EMBED_NAMES = frozenset(
    {"embed", "youtube", "vimeo", "dailymotion", "tweet", "gist", "googlemaps", "videopress", "wpvideo", "soundcloud"}
)
MEDIA_NAMES = frozenset({"audio", "video", "playlist"})
KNOWN = CODE_NAMES | EMBED_NAMES | MEDIA_NAMES | {"caption", "wp_caption", "gallery"}
# Plugins' forms: WordPress builds them at display time, a static site has nothing to send them to.
FORM_NAMES = {
    "contact-form-7": "contact form",
    "contact-form": "contact form",
    "contact_form": "contact form",
    "gravityform": "contact form",
    "gravityforms": "contact form",
    "wpforms": "contact form",
    "ninja_form": "contact form",
    "ninja_forms": "contact form",
    "formidable": "contact form",
    "fluentform": "contact form",
    "caldera_form": "contact form",
    "si-contact-form": "contact form",
    "mc4wp_form": "newsletter form",
    "jetpack_subscription_form": "subscription form",
    "blog_subscription_form": "subscription form",
}
# Plugins' quote shortcodes: their content is a quotation, their author= a citation.
QUOTE_NAMES = frozenset({"quote", "blockquote", "pullquote", "pull_quote", "testimonial"})
_CITE_ATTRS = ("author", "cite", "source", "name", "by")

# `[` + optional escaping `[` + name + attribute text + `/]` or `]` (WordPress: name not followed by \w or -).
_OPEN = re.compile(r"\[(\[?)([\w-]+)(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)(/)?\]")
_CLOSE_UNKNOWN = re.compile(r"\[/([a-z][\w-]*)\]")
# Regions the scanner never looks into: tags, comments, and code-like elements WordPress prints as text.
_OPAQUE = re.compile(
    SKIP_RAW_SPAN + r"|<(pre|code|script|style|textarea)\b[^>]*>.*?</\1\s*>"
    r"|<!--.*?-->|<[a-zA-Z/!][^>]*>",
    re.S | re.I,
)
# protect_code looks for [code] everywhere but in code-like elements: code bodies may hold a bare "<".
_OPAQUE_CODE = re.compile(r"<(pre|code|script|style|textarea)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_PRE_BRUSH = re.compile(
    r"""<pre\b[^>]*\bclass\s*=\s*["'][^"']*\b(?:brush|lang)\s*:\s*([\w#+-]+)[^"']*["'][^>]*>(.*?)</pre\s*>""",
    re.S | re.I,
)
_IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|avif|bmp|svg|tiff?|heic)(\?|#|$)", re.I)
_AUDIO_EXT = re.compile(r"\.(mp3|m4a|ogg|oga|wav|flac|aac|opus)(\?|#|$)", re.I)
_VIDEO_EXT = re.compile(r"\.(mp4|m4v|webm|ogv|mov|wmv|avi|flv|3gp)(\?|#|$)", re.I)


class Shortcode(NamedTuple):
    name: str
    attrs: dict[str, str]  # named attributes, lower-cased names, entity-decoded values
    args: list[str]  # positional attributes
    content: str | None  # None when not enclosing
    start: int
    end: int
    escaped: bool


def parse_attrs(text: str) -> tuple[dict[str, str], list[str]]:
    """shortcode_parse_atts: named (name=value, quoted or not) and positional attributes."""
    named: dict[str, str] = {}
    positional: list[str] = []
    text = re.sub("[\u00a0\u200b]", " ", text)
    for m in _ATTR.finditer(text):
        if m.group(1) is not None:
            named[m.group(1).lower()] = html.unescape(m.group(2))
        elif m.group(3) is not None:
            named[m.group(3).lower()] = html.unescape(m.group(4))
        elif m.group(5) is not None:
            named[m.group(5).lower()] = html.unescape(m.group(6))
        else:
            value = next(g for g in m.groups()[6:] if g is not None)
            positional.append(html.unescape(value))
    return named, positional


def _opaque_spans(text: str, opaque: re.Pattern[str] = _OPAQUE) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in opaque.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _is_candidate(name: str, attr_text: str, selfclosing: bool, text: str, end: int) -> bool:
    """An unregistered name that still looks like a plugin's shortcode (not `[sic]` or `[1]`)."""
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
        return False
    if attr_text and not attr_text[0].isspace():
        return False
    return selfclosing or "_" in name or "-" in name or "=" in attr_text or f"[/{name}]" in text[end:]


def scan(text: str, known: frozenset[str] | set[str], opaque: re.Pattern[str] = _OPAQUE) -> Iterator[Shortcode]:
    """Yield the shortcodes of `text` left to right, as WordPress's do_shortcode would meet them.

    Known names swallow their content (to the first `[/name]`); unknown candidates yield only their
    opening tag (content None, escaped False) so that what is inside is scanned too.
    """
    spans: tuple[list[int], list[int]] | None = None  # found on the first candidate: most posts have none
    pos = 0
    while True:
        m = _OPEN.search(text, pos)
        if not m:
            return
        if spans is None:
            spans = _opaque_spans(text, opaque)
        starts, ends = spans
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and ends[i] > m.start():
            pos = ends[i]
            continue
        lead, name, attr_text, slash = m.group(1), m.group(2), m.group(3), m.group(4)
        if name in known:
            end, content = m.end(), None
            if not slash:
                close = text.find(f"[/{name}]", m.end())
                if close >= 0:
                    content, end = text[m.end() : close], close + len(name) + 3
            escaped = bool(lead) and text.startswith("]", end)
            start = m.start() + len(lead)
            if escaped:
                start, end = m.start(), end + 1
            named, positional = parse_attrs(attr_text)
            yield Shortcode(name, named, positional, content, start, end, escaped)
            pos = end
        elif not lead and _is_candidate(name, attr_text, bool(slash), text, m.end()):
            named, positional = parse_attrs(attr_text)
            yield Shortcode(name, named, positional, None, m.start(), m.end(), False)
            pos = m.end()
        else:
            pos = m.start() + 1 + len(lead)


def _raw(text: str) -> str:
    """Text markdown.py must write verbatim (no Markdown escaping)."""
    return raw_span(RAW_SHORTCODE, html.escape(text, quote=False))


def _block(fragment: str) -> str:
    return f"{BLOCK_START}{fragment}{BLOCK_END}"


def placeholder_note(label: str, why: str = "not migrated") -> str:
    """What a reader sees where WordPress built something at display time that the export cannot give
    (a form, a gallery of missing attachments, a plugin's widget): a note the author can search for
    ("see the original page"), never literal brackets. Shared with the page builders (builders/common.py)."""
    return f"<em>({html.escape(label, quote=False)}: {html.escape(why, quote=False)}, see the original page)</em>"


# ---------------------------------------------------------------- protect_code / count_shortcodes


def protect_code(html_text: str) -> tuple[str, dict[str, str]]:
    """Before autop: swap [code]-like shortcodes and `<pre class="brush: x">` for opaque tokens so autop
    leaves their bodies alone. Returns the text with tokens and the token -> original text map."""
    protected: dict[str, str] = {}
    out: list[str] = []
    pos = 0
    for sc in scan(html_text, CODE_NAMES, _OPAQUE_CODE):
        if sc.escaped or sc.content is None or (sc.name == "latex" and "\n" not in sc.content):
            continue  # a one-line [latex] is Jetpack's formula (latex.py), not a listing
        token = protect_token(len(protected))
        protected[token] = html_text[sc.start : sc.end]
        out += [html_text[pos : sc.start], token]
        pos = sc.end
    out.append(html_text[pos:])
    text = "".join(out)

    def keep_pre(m: re.Match[str]) -> str:
        token = protect_token(len(protected))
        protected[token] = m.group(0)
        return token

    return _PRE_BRUSH.sub(keep_pre, text), protected


def count_shortcodes(html_text: str) -> Counter:
    """What the converter will meet in a post's raw content: every shortcode name, handled or not.

    Runs the converter's own passes (without attachments), so it equals the `seen` counter of a
    conversion of the same content: inspect's counts are handled + unknown."""
    from .blocks import render_blocks

    seen: Counter = Counter()
    text, _ = render_blocks(html_text, ConvertContext(), Counter())
    text, protected = protect_code(text)
    render_shortcodes(text, Post(source=""), ConvertContext(), protected, seen, Counter())
    return seen


# ---------------------------------------------------------------- render_shortcodes


_BLOCK_ALONE = re.compile(
    rf"<p>\s*{BLOCK_START}([^{BLOCK_START}{BLOCK_END}]*){BLOCK_END}\s*(?:<br\s*/?>\s*)?</p>", re.S
)


def render_shortcodes(
    html_text: str, post: Post, ctx: ConvertContext, protected: dict[str, str], seen: Counter, unknown: Counter
) -> str:
    """After autop: expand known shortcodes to HTML that markdown.py renders; unknown ones stay
    verbatim (and are counted in `unknown`). `seen` counts every shortcode name met."""
    text = _expand(html_text, post, ctx, seen, unknown)
    text = render_latex(text, ctx.math)
    text = PROTECT_TOKEN.sub(lambda m: _block(_render_protected(protected.get(m.group(0), ""), seen, unknown)), text)
    text = autoembed(text, ctx)
    # shortcode_unautop: a block-level result alone in its paragraph replaces the paragraph.
    if BLOCK_START not in text:
        return text.replace(BLOCK_END, "")
    text = _BLOCK_ALONE.sub(r"\1", text)
    return text.replace(BLOCK_START, "").replace(BLOCK_END, "")


def _expand(
    text: str, post: Post, ctx: ConvertContext, seen: Counter, unknown: Counter, wrappers: frozenset[str] = frozenset()
) -> str:
    """Known shortcodes rendered; unknown ones as their content or a note. `wrappers`: names of the
    enclosing shortcodes around `text`, whose nested openers are tags to drop, not notes."""
    out: list[str] = []
    pos = 0
    for sc in scan(text, KNOWN):
        if sc.start < pos:  # inside an unknown enclosing shortcode already rendered with its content
            continue
        out.append(text[pos : sc.start])
        pos = sc.end
        original = text[sc.start : sc.end]
        if sc.escaped:
            inner = original[1:-1]
            out.append(
                _raw(inner)
                if sc.content is None
                else _raw(inner[: inner.index("]") + 1]) + sc.content + _raw(f"[/{sc.name}]")
            )
            continue
        seen[sc.name] += 1
        if sc.name not in KNOWN:
            unknown[sc.name] += 1
            close = text.find(f"[/{sc.name}]", sc.end)
            if close >= 0 and not original.endswith("/]"):
                content = _expand(text[sc.end : close], post, ctx, seen, unknown, wrappers | {sc.name})
                out.append(_render_enclosing(sc, content))
                pos = close + len(sc.name) + 3
            elif sc.name not in wrappers:
                out.append(_render_standalone(sc))
            continue
        if sc.name == "latex" and sc.content is not None and "\n" not in sc.content:
            out.append(_render_latex(sc, ctx, text))
            continue
        rendered = _render_one(sc, post, ctx, seen, unknown)
        if rendered is not None:
            out.append(rendered)
            continue
        unknown[sc.name] += 1
        if sc.content is not None:  # a known name we could not render: what it wraps is the author's text
            out.append(_expand(sc.content, post, ctx, seen, unknown))
        elif sc.name == "gallery":
            out.append(placeholder_note("gallery", "its images are not in the export"))
        elif sc.name in CODE_NAMES:
            out.append(_raw(original))  # an opening [code] with no end: WordPress printed nothing to read
        else:
            out.append(placeholder_note(sc.name))
    out.append(text[pos:])
    result = "".join(out)
    # A closing tag left alone (`[/col]` after a nested `[col]` WordPress also pairs with the first one).
    if "[/" not in result or not seen:
        return result
    starts, ends = _opaque_spans(result)

    def drop_close(m: re.Match[str]) -> str:
        i = bisect.bisect_right(starts, m.start()) - 1
        inside = i >= 0 and ends[i] > m.start()
        return m.group(0) if inside or m.group(1) not in seen else ""

    return _CLOSE_UNKNOWN.sub(drop_close, result)


def _render_latex(sc: Shortcode, ctx: ConvertContext, text: str) -> str:
    """Jetpack's `[latex]x^2[/latex]` (one line: SyntaxHighlighter's LaTeX listings span lines)."""
    tex, _ = split_options(sc.content or "")
    options = "".join(f"&{k}={sc.attrs[k]}" for k in ("bg", "fg", "s") if sc.attrs.get(k))
    if re.search(r"<p>\s*$", text[: sc.start]) and re.match(r"\s*</p>", text[sc.end :]):
        return _block(math_html(tex, ctx.math, True, options))
    return math_html(tex, ctx.math, False, options)


def _render_enclosing(sc: Shortcode, content: str) -> str:
    """A plugin's enclosing shortcode we do not know: its content is the author's text and stays (the
    wrapper, a column, a box, a toggle, was layout); a quote keeps its citation."""
    if sc.name in QUOTE_NAMES:
        cite = next((sc.attrs[a] for a in _CITE_ATTRS if sc.attrs.get(a, "").strip()), "")
        body = content if re.search(r"<(p|div|ul|ol|h\d)\b", content) else f"<p>{content}</p>"
        if cite:
            body += f"<p>— {html.escape(cite.strip(), quote=False)}</p>"
        return _block(f"<blockquote>{body}</blockquote>")
    return content


def _render_standalone(sc: Shortcode) -> str:
    """A plugin's shortcode with no content: WordPress built something at display time. A form or
    anything else, a visible note (the report lists every one)."""
    return placeholder_note(FORM_NAMES.get(sc.name, sc.name))


def _render_one(sc: Shortcode, post: Post, ctx: ConvertContext, seen: Counter, unknown: Counter) -> str | None:
    name = sc.name
    if name in ("caption", "wp_caption"):
        return _render_caption(sc, post, ctx, seen, unknown)
    if name == "gallery":
        return _render_gallery(sc, post, ctx)
    if name in EMBED_NAMES:
        url = embed_url(sc)
        return _block(render_embed(url, ctx.embeds)) if url else None
    if name in MEDIA_NAMES:
        return _render_media(sc, post, ctx)
    return None  # code shortcodes that were not protected (no closing tag)


def _render_protected(original: str, seen: Counter, unknown: Counter) -> str:
    if original.startswith("<"):
        m = _PRE_BRUSH.match(original)
        if not m:
            return original
        lang = _LANG_ALIASES.get(m.group(1).lower(), m.group(1).lower())
        return f'<pre><code class="language-{html.escape(lang)}">{m.group(2)}</code></pre>'
    sc = next(scan(original, CODE_NAMES, _OPAQUE_CODE))
    seen[sc.name] += 1
    return render_code(sc)


def render_code(sc: Shortcode) -> str:
    """A SyntaxHighlighter shortcode as `<pre><code class="language-X">`, body decoded once, re-escaped."""
    lang = sc.attrs.get("lang") or sc.attrs.get("language") or ("" if sc.name in ("code", "sourcecode") else sc.name)
    lang = _LANG_ALIASES.get(lang.lower(), lang.lower())
    body = html.unescape(sc.content or "")
    body = re.sub(r"^[ \t]*\r?\n", "", body)  # the line break right after [code]
    body = re.sub(r"\r?\n[ \t]*$", "", body)  # ... and right before [/code]
    cls = f' class="language-{html.escape(lang)}"' if re.fullmatch(r"[\w#+.-]+", lang or "") else ""
    return f"<pre><code{cls}>{html.escape(body, quote=False)}</code></pre>"


# ---------------------------------------------------------------- captions, galleries, media

_CAPTION_SPLIT = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)


def _render_caption(sc: Shortcode, post: Post, ctx: ConvertContext, seen: Counter, unknown: Counter) -> str | None:
    content = _expand(sc.content or "", post, ctx, seen, unknown)
    caption = sc.attrs.get("caption", "")
    m = _CAPTION_SPLIT.match(content)
    if m:
        image, rest = m.group(1), m.group(2)
        if not caption:
            caption = rest
    else:
        image = content
    caption = re.sub(r"^(\s|<br\s*/?>)+|(\s|<br\s*/?>)+$", "", caption)
    if not image.strip():
        return None
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return _block(f"<figure>{image.strip()}{cap}</figure>")


def _ids(value: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", value or "")]


def _attached(post: Post, ctx: ConvertContext, sc: Shortcode, pattern: re.Pattern[str]) -> list[Attachment]:
    """The attachments a media shortcode shows: ids=/include=, else the post's children minus exclude=."""
    ids = _ids(sc.attrs.get("ids") or sc.attrs.get("include", ""))
    explicit = bool(ids)
    if not ids:
        parent = _ids(sc.attrs.get("id", ""))
        parent_id = parent[0] if parent else post.id
        ids = list(ctx.children.get(parent_id, ())) if parent_id is not None else []
        excluded = set(_ids(sc.attrs.get("exclude", "")))
        ids = [i for i in ids if i not in excluded]
    found = [ctx.attachments[i] for i in ids if i in ctx.attachments]
    if not explicit:
        found = [a for a in found if pattern.search(a.url)]
        if sc.attrs.get("orderby", "").upper() == "ID":
            found.sort(key=lambda a: a.id)
        if sc.attrs.get("order", "").upper() == "DESC":
            found.reverse()
    return found


def figure_html(src: str, alt: str = "", caption: str = "", title: str = "") -> str:
    """The figure contract with markdown.py: image line, then its caption."""
    attrs = f' src="{html.escape(src)}" alt="{html.escape(alt)}"'
    if title:
        attrs += f' title="{html.escape(title)}"'
    cap = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    return f"<figure><img{attrs}>{cap}</figure>"


def _render_gallery(sc: Shortcode, post: Post, ctx: ConvertContext) -> str | None:
    images = _attached(post, ctx, sc, _IMAGE_EXT)
    if not images:
        return None
    return _block("\n".join(figure_html(a.url, a.alt, a.caption) for a in images))


def _media_url(sc: Shortcode, exts: tuple[str, ...]) -> str:
    for key in ("src", *exts):
        if sc.attrs.get(key):
            return sc.attrs[key].strip()
    for arg in sc.args:
        if arg.startswith(("http://", "https://", "/")):
            return arg
    return ""


def _render_media(sc: Shortcode, post: Post, ctx: ConvertContext) -> str | None:
    kind = sc.name if sc.name != "playlist" else ("video" if sc.attrs.get("type") == "video" else "audio")
    pattern = _AUDIO_EXT if kind == "audio" else _VIDEO_EXT
    exts = ("mp3", "m4a", "ogg", "wav", "wma") if kind == "audio" else ("mp4", "m4v", "webm", "ogv", "wmv", "flv")
    urls = [] if sc.name == "playlist" else [_media_url(sc, exts)]
    if not any(urls):
        attached = _attached(post, ctx, sc, pattern)
        urls = [a.url for a in (attached if sc.name == "playlist" else attached[:1])]
    if not any(urls):
        return None
    poster = sc.attrs.get("poster", "")
    extra = f' poster="{html.escape(poster)}"' if poster and kind == "video" else ""
    return _block(
        "\n".join(
            f'<{kind} controls src="{html.escape(u)}"{extra}><a href="{html.escape(u)}">{html.escape(u)}</a></{kind}>'
            for u in urls
        )
    )


# ---------------------------------------------------------------- embeds


def embed_url(sc: Shortcode) -> str:
    """The URL a provider shortcode points at ("" when it names none)."""
    first = (
        sc.attrs.get("url")
        or sc.attrs.get("id")
        or sc.attrs.get("tweet")
        or (sc.args[0] if sc.args else "")
        or (sc.content or "")
    ).strip()
    first = html.unescape(re.sub(r"<[^>]+>", "", first)).strip().lstrip("=").strip()
    if not first:
        return ""
    if re.match(r"(www\.|[\w-]+\.[a-z]{2,}/)", first):
        first = "https://" + first
    if first.startswith(("http://", "https://")):
        return first
    ident = first.split("&")[0]
    if not re.fullmatch(r"[\w-]+", ident):
        return ""
    templates = {
        "youtube": "https://www.youtube.com/watch?v={}",
        "vimeo": "https://vimeo.com/{}",
        "dailymotion": "https://www.dailymotion.com/video/{}",
        "gist": "https://gist.github.com/{}",
        "tweet": "https://twitter.com/i/status/{}",
        "videopress": "https://videopress.com/v/{}",
        "wpvideo": "https://videopress.com/v/{}",
    }
    return templates[sc.name].format(ident) if sc.name in templates else ""


_BARE_URL = re.compile(r"(<p>\s*|<br\s*/?>\s*|^[ \t]*)(https?://[^\s<>\"]+)(?=\s*(?:</p>|<br\s*/?>|$))", re.M)


def _may_hold_bare_url(text: str) -> bool:
    """False only when _BARE_URL surely finds nothing: no "http" comes after a ">" or a line start
    (what its three openings end with), whitespace between them skipped."""
    i = text.find("http")
    while i >= 0:
        j = i - 1
        while j >= 0 and text[j].isspace():  # \s as re reads it
            if text[j] == "\n":
                return True  # a line start (before [ \t]*) or a ">" further back: let the regex say
            j -= 1
        if j < 0 or text[j] == ">":
            return True
        i = text.find("http", i + 4)
    return False


def autoembed(text: str, ctx: ConvertContext) -> str:
    """WordPress's auto-embed: a URL alone on its line (or paragraph) becomes an embed, or at least a link."""
    if not _may_hold_bare_url(text):
        return text  # no scan of every line with _BARE_URL: most posts have no URL on its own
    spans: list[tuple[list[int], list[int]]] = []  # found on the first bare URL: most posts have none

    def embed(m: re.Match[str]) -> str:
        if not spans:
            spans.append(_opaque_spans(text))
        starts, ends = spans[0]
        i = bisect.bisect_right(starts, m.start(2)) - 1
        if i >= 0 and ends[i] > m.start(2):
            return m.group(0)
        url = html.unescape(m.group(2))
        provider = detect_provider(url)
        rendered = render_embed(url, ctx.embeds, provider=provider)
        if m.group(1).startswith("<p") and re.match(r"\s*</p>", text[m.end() :]):
            return m.group(1) + _block(rendered)  # unautop removes the now empty paragraph around it
        return m.group(1) + re.sub(r"^<p>|</p>$", "", rendered)

    return _BARE_URL.sub(embed, text)
