"""Beaver Builder: the `_fl_builder_data` postmeta, a PHP-serialized map of node id -> node object.

Each node has `type` (row, column-group, column, module), `parent` and `position`; modules carry
`settings` with their own `type` (rich-text, heading, photo, button, ...). Reading order: children of
each node sorted by position, from the nodes without a parent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import (
    BuildState,
    attachment_url,
    block,
    code,
    embed,
    esc,
    fallback_html,
    fallback_texts,
    figure,
    heading,
    link,
    paragraphs,
    placeholder,
    quote,
    raw_html,
)

ModuleHandler = Callable[[dict[str, Any], BuildState], str]

META_KEY = "_fl_builder_data"


def _t(s: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = s.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _items(s: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = s.get(key)
    if isinstance(value, dict):
        value = list(value.values())
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def photo(s: dict[str, Any], st: BuildState) -> str:
    url, alt = attachment_url(_t(s, "photo_src", "photo_url") or _t(s, "photo"), st)
    return figure(url, alt, esc(_t(s, "caption")), _t(s, "link_url"))


def panels(key: str, title: str, body: str) -> ModuleHandler:
    return lambda s, st: "".join(heading(esc(_t(p, title)), 3) + paragraphs(_t(p, body)) for p in _items(s, key))


TABLE: dict[str, ModuleHandler] = {
    "rich-text": lambda s, st: paragraphs(_t(s, "text")),
    "heading": lambda s, st: heading(esc(_t(s, "heading")), _t(s, "tag") or 2),
    "photo": photo,
    "button": lambda s, st: link(_t(s, "link"), esc(_t(s, "text"))),
    "html": lambda s, st: raw_html(_t(s, "html")),
    "video": lambda s, st: embed(_t(s, "embed_code", "video_url", "video"), st),
    "callout": lambda s, st: heading(esc(_t(s, "title")), 3) + paragraphs(_t(s, "text")),
    "cta": lambda s, st: (
        heading(esc(_t(s, "title")), 3) + paragraphs(_t(s, "text")) + link(_t(s, "btn_link"), esc(_t(s, "btn_text")))
    ),
    "tabs": panels("items", "label", "content"),
    "accordion": panels("items", "label", "content"),
    "testimonials": lambda s, st: "".join(quote(_t(t, "testimonial")) for t in _items(s, "testimonials")),
    "separator": lambda s, st: "",
    "icon": lambda s, st: "",
    "contact-form": lambda s, st: placeholder("contact form", st),
    "map": lambda s, st: placeholder("map", st),
    "post-grid": lambda s, st: placeholder("list of posts", st),
    "post-slider": lambda s, st: placeholder("slider of posts", st),
    "code": lambda s, st: code(_t(s, "code")),
}


def render_beaver(data: Any, st: BuildState) -> str | None:
    if not isinstance(data, dict) or not data:
        return None
    nodes = [n for n in data.values() if isinstance(n, dict) and n.get("node")]
    children: dict[str, list[dict[str, Any]]] = {}
    for n in nodes:
        children.setdefault(str(n.get("parent") or ""), []).append(n)
    for kids in children.values():
        kids.sort(key=lambda n: int(n.get("position") or 0) if str(n.get("position") or 0).isdigit() else 0)

    def render(node: dict[str, Any], depth: int) -> str:
        if depth > 40:
            return ""
        if node.get("type") != "module":
            return block("".join(render(k, depth + 1) for k in children.get(str(node["node"]), [])))
        settings = _dict(node.get("settings"))
        kind = str(settings.get("type") or "")
        st.seen[f"beaver:{kind}"] += 1
        handler = TABLE.get(kind)
        if handler is None:
            st.unknown[f"beaver:{kind}"] += 1
            return fallback_html(fallback_texts(settings))
        return handler(settings, st)

    out = "".join(render(n, 0) for n in children.get("", []))
    return out if out.strip() else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
