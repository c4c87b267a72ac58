"""The records that flow through the pipeline.

importers  ->  Post (+ Site)          what WordPress had (+ ImportInfo: what the importer learned)
convert    ->  ConvertedPost          Markdown body + the assets it references
emit       ->  OutputFile             one file's relative path and bytes
plan       ->  Change                 what applying would do to one file on disk
pipeline   ->  RunReport              everything a user needs to read afterwards

All are frozen dataclasses. Mappings inside them are plain dicts by convention
and must not be mutated after construction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spool import Spooled


@dataclass(frozen=True)
class Term:
    """A category, tag or other taxonomy term, as on an item or in the channel."""

    domain: str  # "category", "post_tag", "post_format", or a custom taxonomy
    slug: str  # WordPress "nicename", percent-decoded
    name: str
    parent: str = ""  # parent term's slug, "" for none


@dataclass(frozen=True)
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Comment:
    id: int | None
    author: str
    author_email: str
    author_url: str
    date: datetime | None
    date_gmt: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash"
    parent: int | None
    type: str  # "", "comment", "pingback", "trackback"


@dataclass(frozen=True)
class Site:
    """Channel-level facts of one export (or the union over several files of one site)."""

    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    generator: str = ""
    authors: tuple[Author, ...] = ()
    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class ImportInfo:
    """What an importer learned about a post besides WordPress's own fields and postmeta.

    A WXR item has none of it (the defaults). Mirrors (importers/html_mirror.py) and front-matter
    files (importers/frontmatter.py) fill what they know.
    """

    # The content is HTML as WordPress served it: convert/post.py and audit.py skip wpautop.
    rendered: bool = False
    # field -> the selector or reader that gave it ("content": ".entry-content"), shown by `inspect`.
    matched: Mapping[str, str] = field(default_factory=dict)
    # Theme and plugin chrome taken out of the content (selectors, or a description).
    removed: tuple[str, ...] = ()
    # Mirrors: absolute URL -> the mirror file it was saved as, for files the content refers to.
    local_files: Mapping[str, str] = field(default_factory=dict)
    # Front-matter files: absolute URL -> the mirror-relative form the body had (`../i1.wp.com/...`).
    mirror_refs: Mapping[str, str] = field(default_factory=dict)
    # Front-matter files: the header's exact text between the `---` lines, re-emitted byte for byte
    # by emit/jekyll.py; None when the input had no header.
    front_matter_text: str | None = None
    # Mirrors: the page's og:image (or equivalent), as an absolute URL; "" when none.
    featured_image: str = ""


@dataclass(frozen=True)
class Post:
    """One WordPress item (post, page, attachment, custom type), whatever the importer.

    `source` and `line` say where it came from, for error messages and the manifest.
    Dates are naive datetimes: `date` is the site's local time, `date_gmt` UTC.
    None means WordPress had no date (0000-00-00 00:00:00, "30 Nov -0001").
    """

    source: str  # path of the input file
    line: int | None = None  # line of <item> in the input, when known
    id: int | None = None
    title: str = ""
    slug: str = ""  # percent-decoded wp:post_name; "" when WordPress gave none
    link: str = ""
    guid: str = ""
    status: str = "publish"
    type: str = "post"
    date: datetime | None = None
    date_gmt: datetime | None = None
    modified: datetime | None = None
    modified_gmt: datetime | None = None
    author: str = ""  # login (dc:creator)
    terms: tuple[Term, ...] = ()
    excerpt: str = ""
    content: str = ""
    content_format: str = "html"  # "html" (WordPress markup) or "markdown" (already converted)
    parent: int | None = None
    menu_order: int = 0
    sticky: bool = False
    password: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # WordPress postmeta only, PHP-serialized values decoded
    attachment_url: str = ""
    comments: tuple[Comment, ...] = ()
    # Front matter already present on an imported Markdown/HTML file, kept as is and in order.
    front_matter: dict[str, Any] | None = None
    # What a mirror or front-matter importer learned beyond the above (never in `meta`).
    imported: ImportInfo = field(default_factory=ImportInfo)

    @property
    def categories(self) -> list[str]:
        return [t.name for t in self.terms if t.domain == "category"]

    @property
    def tags(self) -> list[str]:
        return [t.name for t in self.terms if t.domain == "post_tag"]

    @property
    def where(self) -> str:
        """Human pointer to this post for messages: file, line and id."""
        bits = [self.source]
        if self.line:
            bits[0] += f":{self.line}"
        if self.id is not None:
            bits.append(f"post {self.id}")
        if self.title:
            bits.append(repr(self.title[:60]))
        return " ".join(bits)


@dataclass(frozen=True)
class AssetRef:
    """A media URL found in a post, as written there (after HTML unescaping)."""

    url: str
    kind: str = "image"  # "image", "video", "audio", "file"


@dataclass(frozen=True)
class ConvertedPost:
    markdown: str  # the body, ending with exactly one "\n" (or empty)
    assets: tuple[AssetRef, ...] = ()
    warnings: tuple[str, ...] = ()  # plain messages; pipeline.convert_all prefixes the post's location
    shortcodes: Counter = field(default_factory=Counter)  # name -> count seen
    unknown_shortcodes: Counter = field(default_factory=Counter)  # name -> count left verbatim
    blocks: Counter = field(default_factory=Counter)  # block name -> count seen
    excerpt: str = ""  # the post's WordPress excerpt as one paragraph of plain text; "" when it has none
    excerpt_separator: str = ""  # the more marker, when the body holds it on a line of its own


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file the run wants to exist in the output folder. Its bytes are in `data`, or in a file
    (`data_path`), or in the run's spool (`spooled`): read them with read_bytes()."""

    path: str  # POSIX path relative to the output folder, already checked safe
    data: bytes = b""
    # For big files (downloaded assets): the bytes live in this file instead of `data`.
    data_path: str | None = None
    source: str = ""  # "file.xml#123" or a path: where it came from (manifest, reports)
    kind: str = "post"  # "post", "page", "draft", "asset"
    # A run's rendered posts: the bytes (and their sha256) live in its spool (spool.py), not in memory.
    spooled: Spooled | None = field(default=None, repr=False)

    def read_bytes(self) -> bytes:
        """The file's bytes, wherever they are."""
        if self.spooled is not None:
            return self.spooled.read()
        if self.data_path is not None:
            with open(self.data_path, "rb") as fh:
                return fh.read()
        return self.data

    def with_bytes(self, data: bytes) -> OutputFile:
        """The same file with other bytes, kept where this one keeps them (spooled, or in memory)."""
        if self.spooled is not None:
            return replace(self, spooled=self.spooled.spool.put(data))
        return replace(self, data=data, data_path=None)


@dataclass(frozen=True)
class Skipped:
    """A post that was read but not written, and why. Nothing is dropped silently."""

    where: str
    type: str
    status: str
    reason: str


@dataclass(frozen=True)
class Failed:
    """A post whose conversion raised; the run went on without it."""

    where: str
    error: str


@dataclass
class RunReport:
    """Everything a run did or would do. Accumulated by pipeline.run(), rendered by report.py."""

    sources: list[str] = field(default_factory=list)
    read: Counter = field(default_factory=Counter)  # "type/status" -> posts read
    written: Counter = field(default_factory=Counter)  # output kind -> files in the output
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)  # plan.Change, in path order
    assets_fetched: int = 0
    assets_failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    # Dry run / --check: origin URLs of assets the last run could not fetch, not tried again now.
    assets_retry: list[str] = field(default_factory=list)
    shortcodes: Counter = field(default_factory=Counter)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    blocks: Counter = field(default_factory=Counter)
    dry_run: bool = False
    posts_converted: int = 0  # conversions run (failures included)
    posts_reused: int = 0  # posts taken from the conversion cache (convcache.py) instead
