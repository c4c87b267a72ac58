"""SiteOrigin Page Builder: the `panels_data` postmeta (PHP-serialized; wxr.py already decodes it).

`panels_data` = {"widgets": [...], "grids": [...], "grid_cells": [...]}; each widget says where it sits
(`panels_info`: grid = row, cell = column). Reading order: row by row, cell by cell, widget by widget.
TABLE maps the widget's PHP class -> handler(widget, state) -> HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .common import (
    BuildState,
    as_dict,
    attachment_url,
    block,
    bullet_list,
    embed,
    esc,
    fallback_html,
    fallback_texts,
    figure,
    heading,
    link,
    paragraphs,
    placeholder,
    repeater,
    setting,
)

WidgetHandler = Callable[[dict[str, Any], BuildState], str]

META_KEY = "panels_data"


def text_widget(title: str = "title", body: str = "text") -> WidgetHandler:
    return lambda w, st: heading(esc(setting(w, title)), 3) + paragraphs(setting(w, body))


def image_widget(w: dict[str, Any], st: BuildState) -> str:
    url, alt = attachment_url(setting(w, "image") or setting(w, "image_fallback"), st)
    return heading(esc(setting(w, "title")), 3) + figure(url, setting(w, "alt") or alt, "", setting(w, "url"))


def button_widget(label: str = "text", url: str = "url") -> WidgetHandler:
    return lambda w, st: link(setting(w, url), esc(setting(w, label)))


def panels_widget(key: str, title: str, body: str) -> WidgetHandler:
    return lambda w, st: "".join(
        heading(esc(setting(p, title)), 3) + paragraphs(setting(p, body)) for p in repeater(w, key)
    )


def titled_placeholder(label: str) -> WidgetHandler:
    """A theme widget listing posts of the site: its title, then the placeholder."""
    return lambda w, st: heading(esc(setting(w, "title")), 2) + placeholder(label, st)


def sydney_list(w: dict[str, Any], st: BuildState) -> str:
    lines = [esc(x.lstrip("^").strip()) for x in setting(w, "list").splitlines() if x.strip()]
    return (
        heading(esc(setting(w, "title")), 3)
        + paragraphs(setting(w, "text"))
        + bullet_list(lines)
        + link(setting(w, "button_url"), esc(setting(w, "button_text")))
    )


def facts(prefix: str) -> WidgetHandler:
    """Sydney's facts/skills: four labelled numbers as a list."""

    def handle(w: dict[str, Any], st: BuildState) -> str:
        rows = []
        for n in ("one", "two", "three", "four"):
            label, value = setting(w, f"{prefix}_{n}"), setting(w, f"{prefix}_{n}_max")
            if label:
                rows.append(f"{esc(label)}: {esc(value)}" if value else esc(label))
        return heading(esc(setting(w, "title")), 3) + bullet_list(rows)

    return handle


def layout_widget(w: dict[str, Any], st: BuildState) -> str:
    inner = w.get("panels_data")
    return render_panels(inner, st) or "" if isinstance(inner, dict) else ""


TABLE: dict[str, WidgetHandler] = {
    "WP_Widget_Text": text_widget(),
    "WP_Widget_Custom_HTML": text_widget("title", "content"),
    "SiteOrigin_Widget_Editor_Widget": text_widget(),
    "WP_Widget_Black_Studio_TinyMCE": text_widget(),
    "SiteOrigin_Widget_Headline_Widget": lambda w, st: (
        heading(esc(setting(w, "headline.text")), setting(w, "headline.tag") or 2)
        + heading(esc(setting(w, "sub_headline.text")), setting(w, "sub_headline.tag") or 3)
    ),
    "SiteOrigin_Widget_Image_Widget": image_widget,
    "SiteOrigin_Widget_Button_Widget": button_widget(),
    "SiteOrigin_Widget_Tabs_Widget": panels_widget("tabs", "title", "content_text"),
    "SiteOrigin_Widget_Accordion_Widget": panels_widget("panels", "title", "content_text"),
    "SiteOrigin_Widget_Features_Widget": panels_widget("features", "title", "text"),
    "SiteOrigin_Widget_Video_Widget": lambda w, st: embed(setting(w, "video.external_video", "external_video"), st),
    "SiteOrigin_Widget_GoogleMap_Widget": lambda w, st: placeholder("map", st),
    "SiteOrigin_Widget_ContactForm_Widget": lambda w, st: placeholder("contact form", st),
    "SiteOrigin_Panels_Widgets_Layout": layout_widget,
    "Sydney_Action": lambda w, st: (
        heading(esc(setting(w, "title")), 3)
        + heading(esc(setting(w, "action_text")), 3)
        + link(setting(w, "action_btn_link"), esc(setting(w, "action_btn_text")))
    ),
    "Sydney_List": sydney_list,
    "Sydney_Facts": facts("fact"),
    "Sydney_Skills": facts("skill"),
    "Sydney_Video_Widget": lambda w, st: embed(setting(w, "url"), st),
    "Sydney_Services_Type_A": titled_placeholder("services from the site"),
    "Sydney_Services_Type_B": titled_placeholder("services from the site"),
    "Sydney_Employees": titled_placeholder("team from the site"),
    "Sydney_Testimonials": titled_placeholder("testimonials from the site"),
    "Sydney_Portfolio": titled_placeholder("portfolio from the site"),
    "Sydney_Clients": titled_placeholder("clients from the site"),
    "Sydney_Latest_News": titled_placeholder("list of posts"),
    "Sydney_Social_Profile": lambda w, st: "",
}


def render_panels(data: Any, st: BuildState) -> str | None:
    if not isinstance(data, dict):
        return None
    widgets = repeater(data, "widgets")
    if not widgets:
        return None

    def where(pair: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        i, w = pair
        info = as_dict(w.get("panels_info"))
        return (_int(info.get("grid")), _int(info.get("cell")), i)

    out = []
    for _, w in sorted(enumerate(widgets), key=where):
        info = as_dict(w.get("panels_info"))
        cls = str(info.get("class") or "")
        st.seen[f"siteorigin:{cls}"] += 1
        handler = TABLE.get(cls)
        if handler is None:
            st.unknown[f"siteorigin:{cls}"] += 1
            out.append(fallback_html(fallback_texts({k: v for k, v in w.items() if k != "panels_info"})))
        else:
            out.append(handler(w, st))
    return block("".join(out))


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\d+", value)) else 0
