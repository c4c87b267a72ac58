"""`wpmigrate inspect`: what a user wants to know before migrating. Reads, never writes.

Shortcode counts come from the same parser the converter uses (convert.shortcodes.count_shortcodes),
so what inspect announces is what the converter meets: handled plus reported as unknown.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .importers import open_sources

_BLOCK_OPEN = re.compile(r"<!--\s*wp:([a-z0-9_-]+(?:/[a-z0-9_-]+)?)[\s/]")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.I)


def inspect_sources(paths: list[Path], **options: Any) -> dict[str, Any]:
    """`options` go to the importer (content_selector, site_url for mirrors and front-matter folders)."""
    from .convert.builders import detect_builders
    from .convert.shortcodes import count_shortcodes

    warnings: list[str] = []
    source = open_sources(paths, warnings.append, **{k: v for k, v in options.items() if v})
    by_type: Counter = Counter()
    authors: Counter = Counter()
    categories: Counter = Counter()
    tags: Counter = Counter()
    shortcodes: Counter = Counter()
    blocks: Counter = Counter()
    builders: Counter = Counter()  # page builder -> posts made with it
    image_hosts: Counter = Counter()
    first = last = None
    matched: dict[str, Counter] = {}  # field -> {selector or reader that gave it: posts}
    by_post: dict[str, dict[str, str]] = {}  # file -> {field: selector}, for --json
    for post in source.posts():
        by_type[f"{post.type}/{post.status}"] += 1
        if post.type in ("attachment",):
            host = urlsplit(post.attachment_url or post.guid).netloc
            if host:
                image_hosts[host] += 1
            continue
        if post.type in ("nav_menu_item", "wp_navigation", "wp_global_styles", "custom_css"):
            continue
        if post.date and post.type in ("post", "page"):
            first = min(first, post.date) if first else post.date
            last = max(last, post.date) if last else post.date
        if post.author:
            authors[post.author] += 1
        categories.update(post.categories)
        tags.update(post.tags)
        builders.update(detect_builders(post))
        if post.content_format == "html":
            shortcodes.update(count_shortcodes(post.content))
            for name in _BLOCK_OPEN.findall(post.content):
                blocks[name if "/" in name else f"core/{name}"] += 1
            for src in _IMG_SRC.findall(post.content):
                host = urlsplit(src).netloc or "(relative)"
                image_hosts[host] += 1
        found = post.imported.matched
        if found:
            by_post[post.source] = dict(found)
        for field_name, selector in found.items():
            matched.setdefault(field_name, Counter())[selector or NOT_FOUND] += 1
        if "kind" in found:  # a mirror page: say which fields no selector found, too
            for field_name in MIRROR_FIELDS:
                if field_name not in found:
                    matched.setdefault(field_name, Counter())[NOT_FOUND] += 1
    site = source.site
    return {
        "site": {
            "title": site.title,
            "link": site.link,
            "language": site.language,
            "wxr_version": site.wxr_version,
            "generator": site.generator,
        },
        "counts": dict(sorted(by_type.items())),
        "date_range": [first.strftime("%Y-%m-%d") if first else None, last.strftime("%Y-%m-%d") if last else None],
        "authors": _top(authors, {a.login: a.display_name for a in site.authors}),
        "categories": dict(categories.most_common()),
        "tags": dict(tags.most_common()),
        "shortcodes": dict(shortcodes.most_common()),
        "blocks": dict(blocks.most_common()),
        "page_builders": dict(builders.most_common()),
        "image_hosts": dict(image_hosts.most_common()),
        "selectors": {f: dict(c.most_common()) for f, c in sorted(matched.items(), key=lambda kv: _field_rank(kv[0]))},
        "matched_by_post": by_post,
        # mirrors: every file not taken as a post, and why (listing, feed, duplicate rendering...)
        "skipped": [{"file": f, "kind": k, "reason": r} for f, k, r in getattr(source, "skipped", [])],
        "warnings": warnings,
    }


NOT_FOUND = "(not found)"
# Metadata a mirror page may give (importers/pagemeta.py read_meta), in the order inspect shows them.
MIRROR_FIELDS = (
    "kind",
    "id",
    "url",
    "title",
    "published",
    "modified",
    "categories",
    "tags",
    "author",
    "excerpt",
    "image",
    "content",
)


def _field_rank(name: str) -> tuple[int, str]:
    return (MIRROR_FIELDS.index(name) if name in MIRROR_FIELDS else len(MIRROR_FIELDS), name)


def _top(counts: Counter, names: dict[str, str]) -> dict[str, int]:
    return {(f"{login} ({names[login]})" if names.get(login) else login): n for login, n in counts.most_common()}


def render_inspection(facts: dict[str, Any], as_json: bool = False) -> str:
    if as_json:
        return json.dumps(facts, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    lines = []
    site = facts["site"]
    lines.append(f"Site: {site['title'] or '(untitled)'} {site['link']}".rstrip())
    if site["wxr_version"]:
        lines.append(f"WXR version {site['wxr_version']}, language {site['language'] or '(none)'}")
    lines.append("Items by type/status:")
    lines += [f"  {k:<32} {v:>6}" for k, v in facts["counts"].items()]
    start, end = facts["date_range"]
    if start:
        lines.append(f"Dates: {start} .. {end}")
    for title, key, limit in (
        ("Authors", "authors", 20),
        ("Categories", "categories", 30),
        ("Tags", "tags", 30),
        ("Page builders (posts)", "page_builders", 20),
        ("Shortcodes", "shortcodes", 50),
        ("Block types", "blocks", 80),
        ("Image hosts", "image_hosts", 20),
    ):
        items = list(facts[key].items())
        if not items:
            continue
        more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
        lines.append(f"{title} ({len(items)}){more}:")
        lines += [f"  {k:<40} {v:>6}" for k, v in items[:limit]]
    if facts["selectors"]:
        # Which selector or reader gave each field, with how many posts: a field read by a weak fallback
        # (or not found) is where --content-selector or a look at the theme's markup helps.
        lines.append("Metadata found by (field: selector, posts):")
        for field_name, labels in facts["selectors"].items():
            lines.append(f"  {field_name}:")
            lines += [f"    {label:<52} {n:>6}" for label, n in labels.items()]
    skipped = facts.get("skipped") or []
    if skipped:
        lines.append(f"Files skipped ({len(skipped)}){f' (+{len(skipped) - 30} more)' if len(skipped) > 30 else ''}:")
        lines += [f"  {s['kind']:<10} {s['file']}: {s['reason']}" for s in skipped[:30]]
    for w in facts["warnings"]:
        lines.append(f"warning: {w}")
    return "\n".join(lines) + "\n"
