"""Slugs: decoded, made when missing, unique. Pure. (What makes a path safe is in pathsafe.py.)

Decisions:
- A WordPress slug is used as WordPress stored it, percent-decoded (so `%e6%97%a5` becomes `日`):
  non-ASCII slugs are valid file names everywhere and keep the old URLs recognisable.
  python-slugify is used only when WordPress gave no slug (drafts often have none).
- Two posts of one type (pages: of one parent) with one slug get `-2`, `-3` ..., as WordPress does;
  the post with the lower id keeps the plain slug, so the result does not depend on file order.
- Whatever a slug says, it becomes one safe path component (pathsafe.safe_name: no `..`, no separators,
  no control characters, none of the characters Windows forbids, no device names, at most 120 bytes).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from slugify import slugify

from ..pathsafe import safe_name


def decode_slug(raw: str) -> str:
    """WordPress stores non-ASCII slugs percent-encoded (lower-case hex); decode them."""
    raw = raw.strip()
    if "%" in raw:
        try:
            raw = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raw = unquote(raw, errors="replace")
    return unicodedata.normalize("NFC", raw)


def slug_for(slug: str, title: str, post_id: int | None) -> str:
    """The slug to use: WordPress's own, else one made from the title, else from the id."""
    decoded = decode_slug(slug) if slug else ""
    if not decoded:
        decoded = slugify(title or "", max_length=80)
    fallback = f"post-{post_id}" if post_id is not None else "untitled"
    return safe_name(decoded.lower() if decoded.isascii() else decoded, fallback)


class SlugRegistry:
    """Hands out unique slugs per scope (post type, parent) in the order WordPress would."""

    def __init__(self) -> None:
        self._taken: dict[tuple[object, ...], set[str]] = {}

    def claim(self, scope: tuple[object, ...], slug: str) -> str:
        taken = self._taken.setdefault(scope, set())
        candidate, n = slug, 2
        while candidate.lower() in taken:
            candidate = f"{slug}-{n}"
            n += 1
        folded = candidate.lower()
        taken.add(candidate if folded == candidate else folded)  # most slugs are lower-case already: one string
        return candidate
