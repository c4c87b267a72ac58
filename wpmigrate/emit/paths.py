"""Output paths: slugs, file names and the guarantee that nothing leaves the output folder. Pure.

Decisions:
- A WordPress slug is used as WordPress stored it, percent-decoded (so `%e6%97%a5` becomes `日`):
  non-ASCII slugs are valid file names everywhere and keep the old URLs recognisable.
  python-slugify is used only when WordPress gave no slug (drafts often have none).
- Two posts of one type (pages: of one parent) with one slug get `-2`, `-3` ..., as WordPress does;
  the post with the lower id keeps the plain slug, so the result does not depend on file order.
- Whatever a slug says, the path is made of safe components: no `..`, no separators, no control
  characters, none of the characters Windows forbids, no reserved device names, at most 120 bytes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote

from slugify import slugify

from ..errors import UnsafePathError

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*#%\[\]]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_COMPONENT_BYTES = 120


def decode_slug(raw: str) -> str:
    """WordPress stores non-ASCII slugs percent-encoded (lower-case hex); decode them."""
    raw = raw.strip()
    if "%" in raw:
        try:
            raw = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raw = unquote(raw, errors="replace")
    return unicodedata.normalize("NFC", raw)


def safe_component(name: str, fallback: str = "untitled") -> str:
    """One path component that is safe on Linux, macOS and Windows."""
    name = _FORBIDDEN.sub("-", name)
    name = re.sub(r"\s+", "-", name).strip(" .-")
    name = re.sub(r"-{2,}", "-", name)
    if not name or set(name) <= {"."}:
        name = fallback
    if name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"{name}-"
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_COMPONENT_BYTES:
        digest = hashlib.sha256(encoded).hexdigest()[:8]
        cut = encoded[: MAX_COMPONENT_BYTES - 9].decode("utf-8", errors="ignore").rstrip("-.")
        name = f"{cut}-{digest}"
    return name


def slug_for(slug: str, title: str, post_id: int | None) -> str:
    """The slug to use: WordPress's own, else one made from the title, else from the id."""
    decoded = decode_slug(slug) if slug else ""
    if not decoded:
        decoded = slugify(title or "", max_length=80)
    fallback = f"post-{post_id}" if post_id is not None else "untitled"
    return safe_component(decoded.lower() if decoded.isascii() else decoded, fallback)


def check_relpath(path: str) -> str:
    """Raise UnsafePathError unless `path` is a relative POSIX path that stays inside its root."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path or re.match(r"^[A-Za-z]:", path):
        raise UnsafePathError(f"unsafe output path {path!r}")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise UnsafePathError(f"unsafe output path {path!r}")
    return path


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
        taken.add(candidate.lower())
        return candidate
