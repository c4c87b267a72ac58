"""What every builder family shares: the per-post state, small HTML makers, attribute decoding.

Handlers build plain HTML that the rest of the pipeline already knows how to turn into Markdown
(headings, paragraphs, `<figure><img>`, `<blockquote>`, `<pre><code>`, lists). Block-level output is
wrapped in newlines so that autop, which runs after the shortcode builders, leaves it alone.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ...models import Post
from .. import ConvertContext
from ..autop import autop
from ..embeds import render_embed
from ..shortcodes import placeholder_note


@dataclass
class BuildState:
    """One post's conversion: where counts and report lines go."""

    post: Post
    ctx: ConvertContext
    seen: Counter = field(default_factory=Counter)  # every module name met
    unknown: Counter = field(default_factory=Counter)  # modules with no mapping (text kept by the fallback)
    placeholders: Counter = field(default_factory=Counter)  # label -> modules left as a visible placeholder
    warnings: list[str] = field(default_factory=list)
    uses_builder: bool = False  # set once a builder's data or shortcodes were found

    def report_lines(self) -> list[str]:
        """One line per post for the placeholders (a user checks those pages by hand)."""
        if not self.placeholders:
            return []
        what = ", ".join(f"{label} x{n}" if n > 1 else label for label, n in sorted(self.placeholders.items()))
        return [f"page-builder modules with no static content, left as a placeholder: {what}"]


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def block(fragment: str) -> str:
    """Block-level output on lines of its own (autop then leaves it alone)."""
    return f"\n\n{fragment.strip()}\n\n" if fragment.strip() else ""


def heading(text: str, level: int | str = 2) -> str:
    n = _level(level)
    return block(f"<h{n}>{text.strip()}</h{n}>") if strip_tags(text).strip() else ""


def _level(value: int | str, default: int = 2) -> int:
    m = re.search(r"\d", str(value or ""))
    n = int(m.group(0)) if m else default
    return min(max(n, 1), 6)


def paragraphs(text: str) -> str:
    """Classic-editor text (blank lines are paragraphs) as HTML paragraphs, as the builders' text modules do."""
    return block(autop(text)) if text.strip() else ""


def link(url: str, text: str) -> str:
    label = text.strip() or esc(url)
    if not url or url.strip() in ("#", ""):
        return block(f"<p>{label}</p>") if strip_tags(label).strip() else ""
    return block(f'<p><a href="{attr(url.strip())}">{label}</a></p>')


def figure(src: str, alt: str = "", caption: str = "", href: str = "") -> str:
    if not src:
        return ""
    img = f'<img src="{attr(src)}" alt="{attr(alt)}">'
    if href and href.strip() not in ("#", ""):
        img = f'<a href="{attr(href.strip())}">{img}</a>'
    cap = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    return block(f"<figure>{img}{cap}</figure>")


def bullet_list(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    lis = "".join(f"<li>{i.strip()}</li>" for i in items if strip_tags(i).strip())
    return block(f"<{tag}>{lis}</{tag}>") if lis else ""


def quote(text: str, cite: str = "") -> str:
    body = autop(text) if "<p" not in text else text
    if cite.strip():
        body += f"<p>— {cite.strip()}</p>"
    return block(f"<blockquote>{body}</blockquote>") if strip_tags(body).strip() else ""


def code(text: str) -> str:
    return block(f"<pre><code>{esc(text)}</code></pre>") if text.strip() else ""


def embed(url: str, state: BuildState) -> str:
    return block(render_embed(url.strip(), state.ctx.embeds)) if url.strip() else ""


def placeholder(label: str, state: BuildState) -> str:
    """A module whose content WordPress builds at display time (forms, maps, sliders of posts)."""
    state.placeholders[label] += 1
    return block(f"<p>{placeholder_note(label)}</p>")


def raw_html(text: str) -> str:
    return block(f'<div data-wpm-raw="html">{text.strip()}</div>') if text.strip() else ""


def strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text or ""))


def decode_text(value: str) -> str:
    """Attribute text some builders store URL-encoded (WPBakery's `%20`, Avada's encoded titles)."""
    if "%" in value and re.search(r"%[0-9A-Fa-f]{2}", value):
        return unquote(value)
    return value


def decode_base64(value: str) -> str:
    """WPBakery's raw HTML/JS: base64 of the URL-encoded text. Text that is not base64 is returned as is."""
    compact = re.sub(r"\s+", "", html.unescape(value))
    if not compact or not re.fullmatch(r"[A-Za-z0-9+/_-]+=*", compact):
        return value
    try:
        raw = base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=b"-_" if "-" in compact else None)
        return unquote(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value


def vc_link(value: str) -> tuple[str, str]:
    """WPBakery's `link` attribute: `url:http%3A%2F%2F...|title:Text|target:_blank` or a plain URL."""
    if "url:" not in value:
        return value.strip(), ""
    parts = dict(p.split(":", 1) for p in value.split("|") if ":" in p)
    return unquote(parts.get("url", "")).strip(), unquote(parts.get("title", "")).strip()


def attachment_url(value: Any, state: BuildState) -> tuple[str, str]:
    """An image given as an attachment id or a URL -> (url, alt). ("", "") when the export lacks it."""
    text = str(value or "").strip()
    if not text:
        return "", ""
    if re.fullmatch(r"\d+", text):
        att = state.ctx.attachments.get(int(text))
        if att is None:
            state.warnings.append(f"page-builder image: attachment {text} is not in the export")
            return "", ""
        return att.url, att.alt
    url = text.split("|")[0]
    return url, ""


# Setting names that hold text a reader sees, for modules we have no mapping for: their text is kept
# rather than lost (the module is still reported as unmapped).
TEXT_KEYS = re.compile(
    r"^(title|title_text|heading|sub_?title|subheading|subhead|text|content|description|description_text|desc|"
    r"caption|label|name|position|job|author|quote|button_text|btn_text|list_title|list_content|editor|"
    r"before_text|after_text|highlighted_text|rotating_text|tab_title|tab_content|item_title|item_content|"
    r"testimonial_content|testimonial_name|testimonial_job|alert_title|alert_description|prefix|suffix)$"
)


def fallback_texts(settings: Any, depth: int = 0) -> list[str]:
    """Text-like values of a module's settings (recursing into repeaters), in their order."""
    out: list[str] = []
    if depth > 4:
        return out
    items = (
        settings.items() if isinstance(settings, dict) else enumerate(settings) if isinstance(settings, list) else ()
    )
    for key, value in items:
        if isinstance(value, str) and isinstance(key, str) and TEXT_KEYS.match(key) and strip_tags(value).strip():
            out.append(value)
        elif isinstance(value, (dict, list)) and not (isinstance(key, str) and key.startswith(("_", "typography"))):
            out.extend(fallback_texts(value, depth + 1))
    return out


def fallback_html(texts: list[str]) -> str:
    return "".join(paragraphs(t) if "<" in t or "\n" in t else block(f"<p>{esc(t)}</p>") for t in texts)


def setting(obj: Any, *keys: str) -> str:
    """The first of `keys` that holds text (dotted keys reach into objects: `link.url`); "" when none."""
    for key in keys:
        value: Any = obj
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def repeater(obj: Any, key: str) -> list[dict[str, Any]]:
    """A list setting's items (PHP arrays with string keys arrive as dicts)."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, dict):
        value = list(value.values())
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
