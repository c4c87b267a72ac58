"""Elementor: the page is the `_elementor_data` postmeta (JSON), not content:encoded.

Elementor writes a plain-text copy of the page into post_content (no tab titles as headings, no button
links, often nothing at all), so when the JSON is there we read it instead. The JSON is a tree of
elements: sections/columns/containers (layout, unwrapped) and widgets (`widgetType` + `settings`).
TABLE maps widget type -> handler(settings, children_html, state) -> HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from .common import (
    BuildState,
    attachment_url,
    block,
    bullet_list,
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

Widget = Callable[[dict[str, Any], list[str], BuildState], str]

META_KEY = "_elementor_data"


def _s(settings: dict[str, Any], *keys: str) -> str:
    """A setting's text; dotted keys reach into objects (`link.url`)."""
    for key in keys:
        value: Any = settings
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _list(settings: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = settings.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# ---------------------------------------------------------------- widget factories


def text_widget(key: str) -> Widget:
    return lambda s, kids, st: paragraphs(_s(s, key))


def heading_widget(key: str = "title", size: str = "header_size", default: int = 2) -> Widget:
    return lambda s, kids, st: heading(_s(s, key), _s(s, size) or default)


def image_widget(key: str = "image", caption: str = "caption", href: str = "link.url") -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        url, alt = attachment_url(_s(s, f"{key}.url") or _s(s, f"{key}.id"), st)
        return figure(url, _s(s, f"{key}.alt") or alt, esc(_s(s, caption)), _s(s, href))

    return handle


def button_widget(label: str = "text", href: str = "link.url") -> Widget:
    return lambda s, kids, st: link(_s(s, href), esc(_s(s, label)))


def gallery_widget(key: str) -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        out = []
        for image in _list(s, key):
            url, alt = attachment_url(image.get("url") or image.get("id"), st)
            out.append(figure(url, alt))
        return "".join(out)

    return handle


def list_widget(key: str, label: str = "text", href: str = "link.url") -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        lis = []
        for it in _list(s, key):
            words, url = esc(_s(it, label)), _s(it, href)
            lis.append(f'<a href="{html.escape(url)}">{words}</a>' if url and url != "#" and words else words)
        return bullet_list(lis)

    return handle


def panels_widget(key: str, title: str, body: str, level: int = 3) -> Widget:
    """Tabs, accordion, toggle: a heading per panel, then its content."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        return "".join(heading(esc(_s(p, title)), level) + paragraphs(_s(p, body)) for p in _list(s, key))

    return handle


def nested_panels_widget(key: str, title: str, level: int = 3) -> Widget:
    """Nested tabs/accordion (Elementor 3.15+): titles in the settings, each panel's content a child element."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        titles = [_s(p, title) for p in _list(s, key)]
        out = []
        for i, kid in enumerate(kids):
            out.append((heading(esc(titles[i]), level) if i < len(titles) else "") + kid)
        return "".join(out)

    return handle


def box_widget(title: str = "title_text", body: str = "description_text", image_key: str = "") -> Widget:
    """Icon box, image box, call to action: image, title, text."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        img = image_widget(image_key)(s, kids, st) if image_key else ""
        return img + heading(esc(_s(s, title)), _s(s, "title_size") or 3) + paragraphs(_s(s, body))

    return handle


def video_widget(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
    kind = _s(s, "video_type") or "youtube"
    url = _s(s, f"{kind}_url", "hosted_url.url", "external_url.url", "youtube_url")
    return embed(url, st)


def quote_widget(body: str, *cite: str) -> Widget:
    return lambda s, kids, st: quote(_s(s, body), ", ".join(esc(_s(s, c)) for c in cite if _s(s, c)))


def placeholder_widget(label: str) -> Widget:
    return lambda s, kids, st: placeholder(label, st)


def drop_widget(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
    return ""


TABLE: dict[str, Widget] = {
    "text-editor": text_widget("editor"),
    "heading": heading_widget(),
    "image": image_widget(),
    "button": button_widget(),
    "video": video_widget,
    "icon-list": list_widget("icon_list"),
    "image-gallery": gallery_widget("wp_gallery"),
    "gallery": gallery_widget("gallery"),
    "image-carousel": gallery_widget("carousel"),
    "tabs": panels_widget("tabs", "tab_title", "tab_content"),
    "accordion": panels_widget("tabs", "tab_title", "tab_content"),
    "toggle": panels_widget("tabs", "tab_title", "tab_content"),
    "nested-tabs": nested_panels_widget("tabs", "tab_title"),
    "nested-accordion": nested_panels_widget("items", "item_title"),
    "icon-box": box_widget(),
    "image-box": box_widget(image_key="image"),
    "call-to-action": box_widget("title", "description", "bg_image"),
    "testimonial": quote_widget("testimonial_content", "testimonial_name", "testimonial_job"),
    "blockquote": quote_widget("blockquote_content", "author_name"),
    "alert": box_widget("alert_title", "alert_description"),
    "html": lambda s, kids, st: raw_html(_s(s, "html")),
    "code-highlight": lambda s, kids, st: code(_s(s, "code")),
    "shortcode": lambda s, kids, st: block(_s(s, "shortcode")),  # expanded later like any shortcode
    "text-path": text_widget("text"),
    "counter": heading_widget("title", "title_tag", 4),
    "progress": heading_widget("title", "title_tag", 4),
    "divider": drop_widget,
    "spacer": drop_widget,
    "icon": drop_widget,
    "social-icons": drop_widget,
    "rating": drop_widget,
    "star-rating": drop_widget,
    "google_maps": placeholder_widget("map"),
    "form": placeholder_widget("form"),
    "login": placeholder_widget("login form"),
    "sidebar": placeholder_widget("widget area"),
    "wp-widget-search": drop_widget,
    "posts": placeholder_widget("list of posts"),
    "portfolio": placeholder_widget("portfolio from the site"),
    # Themesflat's add-ons (the cerax demo): a line each, like Elementor's own
    "tfaccordion": panels_widget("accordion_list", "list_title", "list_content"),
    "tftabs": panels_widget("tab_list", "list_title", "list_content"),
    "tf-title-section": lambda s, kids, st: (
        paragraphs(esc(_s(s, "sub_title")))
        + heading(" ".join(filter(None, (_s(s, "heading"), _s(s, "heading2")))), 2)
        + paragraphs(_s(s, "descrition", "description"))
    ),
    "tf-button": button_widget("button_text", "link.url"),
    "fluent-form-widget": placeholder_widget("form"),
    "metform": placeholder_widget("form"),
    "wpforms": placeholder_widget("form"),
}


def render_elementor(data: Any, st: BuildState) -> str | None:
    """The HTML of a page's `_elementor_data`, or None when it holds no elements we can read."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            st.warnings.append("_elementor_data is not valid JSON; content:encoded used instead")
            return None
    if not isinstance(data, list) or not data:
        return None
    return "".join(_render(el, st, 0) for el in data if isinstance(el, dict))


def _render(el: dict[str, Any], st: BuildState, depth: int) -> str:
    if depth > 80:
        return ""
    kids = [_render(k, st, depth + 1) for k in el.get("elements") or [] if isinstance(k, dict)]
    settings = _dict(el.get("settings"))
    if el.get("elType") != "widget":
        return block("".join(kids))
    name = str(el.get("widgetType") or "")
    st.seen[f"elementor:{name}"] += 1
    handler = TABLE.get(name)
    if handler is None:
        st.unknown[f"elementor:{name}"] += 1
        return fallback_html(fallback_texts(settings)) + "".join(kids)
    return handler(settings, kids, st)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
