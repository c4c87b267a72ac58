"""Test side of the render-back audit (wpmigrate/audit.py): reading a whole export for it.

Re-exports the library's helpers, so tests can `import audit` and use `audit.facts_of`, `audit.compare` ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from wpmigrate.audit import (  # noqa: F401
    MIN_WORD_SHARE,
    STRUCTURE,
    Audit,
    Facts,
    audit_post,
    compare,
    facts_of,
    in_order_share,
    raw_visible_html,
    render_markdown,
    wordpress_html,
)
from wpmigrate.convert import Attachment, ConvertContext
from wpmigrate.models import Post
from wpmigrate.pipeline import attachment_of

# ---------------------------------------------------------------- reading an export for the audit


def read_export(path: Path) -> tuple[list[Post], ConvertContext]:
    """Every item of a WXR file, and the context (attachments, children) a conversion needs."""
    from wpmigrate.importers.wxr import open_wxr

    posts = list(open_wxr([path], lambda message: None).posts())
    attachments = {p.id: attachment_of(p) for p in posts if p.type == "attachment" and p.id is not None}
    children: dict[int, list[Attachment]] = {}
    for a in attachments.values():
        if a.parent:
            children.setdefault(a.parent, []).append(a)
    ctx = ConvertContext(
        attachments=attachments,
        children={k: tuple(a.id for a in sorted(v, key=lambda a: (a.menu_order, a.id))) for k, v in children.items()},
    )
    return posts, ctx


def published(posts: Iterable[Post]) -> Iterator[Post]:
    return (p for p in posts if p.type in ("post", "page") and p.status == "publish" and p.content_format == "html")
