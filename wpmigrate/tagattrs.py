"""Typed reads of HTML attributes from BeautifulSoup tags.

bs4 types `tag.get(name)` as `str | AttributeValueList | None`: multi-valued attributes (class, rel,
headers, accept-charset ...) come back as lists, the others as strings. These helpers say which
one the caller wants, so the call sites need neither casts nor isinstance checks.
"""

from __future__ import annotations

from bs4 import Tag


def attr_str(tag: Tag | None, name: str) -> str:
    """The attribute as a string: "" when absent; a multi-valued one joined by spaces."""
    value = tag.get(name) if tag is not None else None
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def attr_list(tag: Tag | None, name: str) -> list[str]:
    """A multi-valued attribute (class, rel) as a list: [] when absent; a plain string split on spaces."""
    value = tag.get(name) if tag is not None else None
    if value is None:
        return []
    return value.split() if isinstance(value, str) else list(value)


def class_list(tag: Tag | None) -> list[str]:
    return attr_list(tag, "class")
