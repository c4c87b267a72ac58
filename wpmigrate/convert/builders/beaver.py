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
    as_dict,
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
    repeater,
    setting,
)

ModuleHandler = Callable[[dict[str, Any], BuildState], str]

META_KEY = "_fl_builder_data"


def photo(s: dict[str, Any], st: BuildState) -> str:
    url, alt = attachment_url(setting(s, "photo_src", "photo_url") or setting(s, "photo"), st)
    return figure(url, alt, esc(setting(s, "caption")), setting(s, "link_url"))


def panels(key: str, title: str, body: str) -> ModuleHandler:
    return lambda s, st: "".join(
        heading(esc(setting(p, title)), 3) + paragraphs(setting(p, body)) for p in repeater(s, key)
    )


TABLE: dict[str, ModuleHandler] = {
    "rich-text": lambda s, st: paragraphs(setting(s, "text")),
    "heading": lambda s, st: heading(esc(setting(s, "heading")), setting(s, "tag") or 2),
    "photo": photo,
    "button": lambda s, st: link(setting(s, "link"), esc(setting(s, "text"))),
    "html": lambda s, st: raw_html(setting(s, "html")),
    "video": lambda s, st: embed(setting(s, "embed_code", "video_url", "video"), st),
    "callout": lambda s, st: heading(esc(setting(s, "title")), 3) + paragraphs(setting(s, "text")),
    "cta": lambda s, st: (
        heading(esc(setting(s, "title")), 3)
        + paragraphs(setting(s, "text"))
        + link(setting(s, "btn_link"), esc(setting(s, "btn_text")))
    ),
    "tabs": panels("items", "label", "content"),
    "accordion": panels("items", "label", "content"),
    "testimonials": lambda s, st: "".join(quote(setting(t, "testimonial")) for t in repeater(s, "testimonials")),
    "separator": lambda s, st: "",
    "icon": lambda s, st: "",
    "contact-form": lambda s, st: placeholder("contact form", st),
    "map": lambda s, st: placeholder("map", st),
    "post-grid": lambda s, st: placeholder("list of posts", st),
    "post-slider": lambda s, st: placeholder("slider of posts", st),
    "code": lambda s, st: code(setting(s, "code")),
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
        settings = as_dict(node.get("settings"))
        kind = str(settings.get("type") or "")
        st.seen[f"beaver:{kind}"] += 1
        handler = TABLE.get(kind)
        if handler is None:
            st.unknown[f"beaver:{kind}"] += 1
            return fallback_html(fallback_texts(settings))
        return handler(settings, st)

    out = "".join(render(n, 0) for n in children.get("", []))
    return out if out.strip() else None
