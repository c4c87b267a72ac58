"""Front matter: a registry of small field functions, written with PyYAML. Pure.

The Jekyll default is the seed post's format (../shared/seed/leadership.md):

    ---
    layout: post
    title: Le marketing de contenu, pour un leadership éclairé
    date: 2012-08-08
    modif: 2015-11-10
    categories: [reseaux sociaux, medias sociaux]
    ---

then `tags`, `author`, `excerpt`, `excerpt_separator` (posts with a more tag) where present, and
`permalink` for pages (so their old URL keeps working). `excerpt` is the post's WordPress excerpt as
one line of plain text (convert.post.excerpt_text); without one, Jekyll cuts its own excerpt at the
more tag (`excerpt_separator`) or the first paragraph. Fields are in this fixed order and absent when empty. Every value goes through
PyYAML, so any title (colons, quotes, `#`, a leading `@` or `*`, emoji) loads back unchanged;
lists are flow lists like the seed's `categories`. The seed's blank line before the closing
`---` is not reproduced by the Jekyll profile (it carries nothing and YAML ignores it); the plain
profile, whose front matter is the seed's, reproduces it (blank_before_end).

Other profiles pick their fields from FIELDS by name (`FIELDS["title"]`) and may add their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from ..models import ConvertedPost, Post


@dataclass(frozen=True)
class FieldInput:
    post: Post
    converted: ConvertedPost
    author_name: str  # display name of the post's author, "" when unknown
    permalink: str  # for pages: their old path; "" otherwise


FieldFn = Callable[[FieldInput], Any]


def _layout(f: FieldInput) -> str:
    return "page" if f.post.type == "page" else "post"


def _title(f: FieldInput) -> str:
    return f.post.title


def _day(d: datetime | None) -> date | None:
    return d.date() if d else None


def _date(f: FieldInput) -> date | None:
    return _day(f.post.date or f.post.date_gmt)


def _modif(f: FieldInput) -> date | None:
    # Only when it says something: a modified date equal to the publish date adds nothing.
    modified = _day(f.post.modified or f.post.modified_gmt)
    return modified if modified and modified != _date(f) else None


def _categories(f: FieldInput) -> list[str]:
    # WordPress puts every post in its default category when none was chosen: that is not a category.
    # Its slug is "uncategorized" in English installs, but translated installs translate the slug too
    # (hidemiyoshi.jp: /category/%e6%9c%aa%e5%88%86%e9%a1%9e/ = 未分類), hence the names as well.
    return [
        t.name
        for t in f.post.terms
        if t.domain == "category"
        and t.slug.lower() != "uncategorized"
        and t.name.lower() not in ("uncategorized", "non classé", "未分類")
    ]


def _tags(f: FieldInput) -> list[str]:
    return f.post.tags


def _author(f: FieldInput) -> str:
    return f.author_name or f.post.author


def _excerpt(f: FieldInput) -> str:
    return f.converted.excerpt  # the WordPress excerpt, already plain text


def _excerpt_separator(f: FieldInput) -> str:
    # Jekyll cuts post.excerpt at its default "\n\n" unless told; the more marker is WordPress's cut.
    return f.converted.excerpt_separator


def _permalink(f: FieldInput) -> str:
    return f.permalink


def category_names(post: Post) -> tuple[str, ...]:
    return tuple(_categories(FieldInput(post, ConvertedPost(""), "", "")))


JEKYLL_FIELDS: tuple[tuple[str, FieldFn], ...] = (
    ("layout", _layout),
    ("title", _title),
    ("date", _date),
    ("modif", _modif),
    ("categories", _categories),
    ("tags", _tags),
    ("author", _author),
    ("excerpt", _excerpt),
    ("excerpt_separator", _excerpt_separator),
    ("permalink", _permalink),
)


FIELDS: dict[str, FieldFn] = dict(JEKYLL_FIELDS)


_LINE_BREAKS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _yaml_scalar(value: Any) -> str:
    # YAML folds NEL and the Unicode line separators into spaces on reading: a value holding them
    # (or other control characters) is written double-quoted with escapes so it loads back unchanged.
    tricky = any(isinstance(v, str) and _LINE_BREAKS.search(v) for v in (value if isinstance(value, list) else [value]))
    text = yaml.safe_dump(
        value,
        allow_unicode=not tricky,
        default_flow_style=True,
        width=1 << 30,
        sort_keys=False,
        default_style='"' if tricky else None,
    )
    # safe_dump ends a top-level scalar with "\n...\n" (document end); keep only the value.
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    return text.rstrip("\n")


def dump_field(name: str, value: Any) -> str:
    """One `name: value` line. Dates stay bare (YAML reads them as dates, as Jekyll wants)."""
    if isinstance(value, date):
        return f"{name}: {value.isoformat()}"
    if isinstance(value, (list, tuple)):
        return f"{name}: {_yaml_scalar(list(value))}"
    return f"{name}: {_yaml_scalar(value)}"


def render_front_matter(fields: list[tuple[str, Any]], *, blank_before_end: bool = False) -> str:
    """YAML front matter; `blank_before_end` reproduces the seed's blank line before the closing `---`."""
    lines = ["---"]
    for name, value in fields:
        if value in (None, "", [], ()):
            continue
        lines.append(dump_field(name, value))
    lines.extend(["", "---"] if blank_before_end else ["---"])
    return "\n".join(lines) + "\n"


def render_toml_front_matter(fields: list[tuple[str, Any]]) -> str:
    """TOML front matter between `+++` lines (Hugo). Values are written as JSON-compatible TOML:
    strings quoted and escaped, dates bare, lists inline."""
    lines = ["+++"]
    for name, value in fields:
        if value in (None, "", [], ()):
            continue
        lines.append(f"{name} = {_toml_value(value)}")
    lines.append("+++")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def jekyll_fields(f: FieldInput) -> list[tuple[str, Any]]:
    return [(name, fn(f)) for name, fn in JEKYLL_FIELDS]
