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
    as_dict,
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
    repeater,
    setting,
)

Widget = Callable[[dict[str, Any], list[str], BuildState], str]

META_KEY = "_elementor_data"


# ---------------------------------------------------------------- widget factories


def text_widget(key: str) -> Widget:
    return lambda s, kids, st: paragraphs(setting(s, key))


def heading_widget(key: str = "title", size: str = "header_size", default: int = 2) -> Widget:
    return lambda s, kids, st: heading(setting(s, key), setting(s, size) or default)


def image_widget(key: str = "image", caption: str = "caption", href: str = "link.url") -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        url, alt = attachment_url(setting(s, f"{key}.url") or setting(s, f"{key}.id"), st)
        return figure(url, setting(s, f"{key}.alt") or alt, esc(setting(s, caption)), setting(s, href))

    return handle


def button_widget(label: str = "text", href: str = "link.url") -> Widget:
    return lambda s, kids, st: link(setting(s, href), esc(setting(s, label)))


def gallery_widget(key: str) -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        out = []
        for image in repeater(s, key):
            url, alt = attachment_url(image.get("url") or image.get("id"), st)
            out.append(figure(url, alt))
        return "".join(out)

    return handle


def list_widget(key: str, label: str = "text", href: str = "link.url") -> Widget:
    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        lis = []
        for it in repeater(s, key):
            words, url = esc(setting(it, label)), setting(it, href)
            lis.append(f'<a href="{html.escape(url)}">{words}</a>' if url and url != "#" and words else words)
        return bullet_list(lis)

    return handle


def panels_widget(key: str, title: str, body: str, level: int = 3) -> Widget:
    """Tabs, accordion, toggle: a heading per panel, then its content."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        return "".join(heading(esc(setting(p, title)), level) + paragraphs(setting(p, body)) for p in repeater(s, key))

    return handle


def nested_panels_widget(key: str, title: str, level: int = 3) -> Widget:
    """Nested tabs/accordion (Elementor 3.15+): titles in the settings, each panel's content a child element."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        titles = [setting(p, title) for p in repeater(s, key)]
        out = []
        for i, kid in enumerate(kids):
            out.append((heading(esc(titles[i]), level) if i < len(titles) else "") + kid)
        return "".join(out)

    return handle


def box_widget(title: str = "title_text", body: str = "description_text", image_key: str = "") -> Widget:
    """Icon box, image box, call to action: image, title, text."""

    def handle(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
        img = image_widget(image_key)(s, kids, st) if image_key else ""
        return img + heading(esc(setting(s, title)), setting(s, "title_size") or 3) + paragraphs(setting(s, body))

    return handle


def video_widget(s: dict[str, Any], kids: list[str], st: BuildState) -> str:
    kind = setting(s, "video_type") or "youtube"
    url = setting(s, f"{kind}_url", "hosted_url.url", "external_url.url", "youtube_url")
    return embed(url, st)


def quote_widget(body: str, *cite: str) -> Widget:
    return lambda s, kids, st: quote(setting(s, body), ", ".join(esc(setting(s, c)) for c in cite if setting(s, c)))


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
    "html": lambda s, kids, st: raw_html(setting(s, "html")),
    "code-highlight": lambda s, kids, st: code(setting(s, "code")),
    "shortcode": lambda s, kids, st: block(setting(s, "shortcode")),  # expanded later like any shortcode
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
        paragraphs(esc(setting(s, "sub_title")))
        + heading(" ".join(filter(None, (setting(s, "heading"), setting(s, "heading2")))), 2)
        + paragraphs(setting(s, "descrition", "description"))
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
    settings = as_dict(el.get("settings"))
    if el.get("elType") != "widget":
        return block("".join(kids))
    name = str(el.get("widgetType") or "")
    st.seen[f"elementor:{name}"] += 1
    handler = TABLE.get(name)
    if handler is None:
        st.unknown[f"elementor:{name}"] += 1
        return fallback_html(fallback_texts(settings)) + "".join(kids)
    return handler(settings, kids, st)
