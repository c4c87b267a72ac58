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
more tag (`excerpt_separator`) or the first paragraph. Fields are in this fixed order and absent when empty. Every value is written as
PyYAML writes it, so any title (colons, quotes, `#`, a leading `@` or `*`, emoji) loads back unchanged;
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
from datetime import date, datetime, timedelta, timezone
from typing import Any

import yaml

from ..models import ConvertedPost, Post
from .profile import ProfileOptions


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
    """`value` as PyYAML writes it (see _yaml_dump), without running PyYAML for the usual case: a
    string, or a list of strings, free of line breaks and control characters. Byte-identical
    (tests/test_yaml_scalar.py compares the two on odd strings); PyYAML, field by field, was 6% of a
    cold run."""
    if type(value) is str:
        text = _quick_scalar(value, flow=False)
        if text is not None:
            return text
    elif type(value) is list and value:
        items = []
        for v in value:
            item = _quick_scalar(v, flow=True) if type(v) is str else None
            if item is None:
                return _yaml_dump(value)
            items.append(item)
        return "[" + ", ".join(items) + "]"
    return _yaml_dump(value)


def _quick_scalar(text: str, flow: bool) -> str | None:
    """PyYAML's writing of a string made of _PRINTABLE characters (else None): plain when it may be,
    else single-quoted (a quote doubled), which such a string always may be."""
    if not _PRINTABLE.fullmatch(text):
        return None  # (also empty)
    if _plain(text, flow):
        return text
    return "'" + text.replace("'", "''") + "'"


# Characters PyYAML writes as they are with allow_unicode (emitter.analyze_scalar): printable ASCII and
# Unicode without line breaks, controls, the BOM or surrogates. Any other is left to PyYAML.
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]+")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
# Resolver.resolve also tries resolvers registered for any first character (key None) and path resolvers:
# PyYAML's safe resolver has neither, and the shortcut in _plain holds only then.
_WILDCARD_FREE = None not in _RESOLVER.yaml_implicit_resolvers and not _RESOLVER.yaml_path_resolvers


def _plain(text: str, flow: bool) -> bool:
    """True when PyYAML would write `text` (non-empty, _PRINTABLE) as a plain scalar: at the top level (flow False) or as an
    item of a flow list (flow True). False says only "ask PyYAML"."""
    if text[0] == " " or text[-1] == " ":
        return False
    first = text[0]
    if first in "#,[]{}&*!|>'\"%@`" or text.startswith(("---", "...")):
        return False
    if first in "?:-" and (len(text) == 1 or text[1] == " " or (flow and first != "-")):
        return False  # an indicator
    rest = text[1:]
    if " #" in text or ": " in rest or rest.endswith(":"):
        return False
    if flow and any(c in rest for c in ",?[]{}:"):
        return False
    # Not read back as a number, date, bool or null (PyYAML would quote it). The resolver tries only
    # the patterns registered for the first character: with none, it answers str.
    if _WILDCARD_FREE and first not in _RESOLVER.yaml_implicit_resolvers:
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR


def _yaml_dump(value: Any) -> str:
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
    if isinstance(value, BareText):
        return f"{name}: {value}"
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
    if isinstance(value, BareText):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


class BareText(str):
    """A value written as is, unquoted (a date in the --date-format the user asked for)."""


# Names a user may give for a field whatever the profile calls it (--fields modified:modif).
FIELD_ALIASES = {
    "modified": ("modif", "lastmod", "updated"),
    "excerpt": ("summary", "description"),
    "url": ("permalink",),
    "permalink": ("url",),
}


def shape_fields(fields: list[tuple[str, Any]], f: FieldInput, options: ProfileOptions) -> list[tuple[str, Any]]:
    """Apply the user's front-matter options to a profile's fields: --fields (which, in what order,
    renamed: `title,date,modified:modif`), --date-format (strftime, in the post's own time zone: the
    offset between its local and GMT dates in the export, never the machine's) and --terms slugs.
    With none of them the fields come back as they were."""
    if options.terms == "slugs":
        slugs = {
            "category": _category_slugs(f.post),
            "post_tag": [t.slug for t in f.post.terms if t.domain == "post_tag"],
        }
        fields = [
            (n, slugs["category"] if n == "categories" else slugs["post_tag"] if n == "tags" else v) for n, v in fields
        ]
    if options.date_format:
        fields = [(n, _formatted(n, v, f.post, options.date_format)) for n, v in fields]
    if options.fields:
        by_name = dict(fields)
        chosen = []
        for key, out in options.fields:
            names = (key, *FIELD_ALIASES.get(key, ()))
            value = next((by_name[n] for n in names if n in by_name), None)
            chosen.append((out, value))
        fields = chosen
    return fields


def _category_slugs(post: Post) -> list[str]:
    names = set(category_names(post))
    return [t.slug for t in post.terms if t.domain == "category" and t.name in names]


def _formatted(name: str, value: Any, post: Post, fmt: str) -> Any:
    if not isinstance(value, date):
        return value
    if name == "date":
        local, gmt = post.date, post.date_gmt
    else:
        local, gmt = post.modified, post.modified_gmt
    if local is None:
        return value
    if gmt is not None:
        # The site's offset at that date, to the quarter hour (WordPress stores both clocks).
        minutes = round((local - gmt).total_seconds() / 900) * 15
        local = local.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    return BareText(local.strftime(fmt))


def jekyll_fields(f: FieldInput) -> list[tuple[str, Any]]:
    return [(name, fn(f)) for name, fn in JEKYLL_FIELDS]
