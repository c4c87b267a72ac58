"""What every output profile provides (the `Profile` protocol), and the records it works with. Pure.

A profile answers, for one static-site generator:
- where a post, page or draft goes (`place`), and what an internal link to it becomes (`Placement.ref`);
- its public URL on the new site (`Placement.url`), for the redirect map (redirects.py);
- how a link to a file at a given output path is written (`link_to_file`, for --in-place);
- the bytes of a post's file: front matter (fields and format) and body (`render`);
- its default asset folder and the URL posts use for it (`asset_dir`, `asset_url`), and where the
  downloaded assets finally go (`arrange`: Hugo moves an image into the one bundle that uses it);
- what its Markdown renderer needs to pass raw HTML through (`raw_html`: "" nothing, else the config setting);
- where old category, tag and author archives and the feed go (`archive_url`, for redirects.py);
- where a redirect map is served from (`redirects_path`), and the smallest site skeleton (`scaffold`).

Profiles are listed once, in emit/__init__.py (PROFILES); Settings and the CLI read their names there.
Nothing here imports settings.py: settings imports the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ..models import ConvertedPost, OutputFile, Post, Site

# The statuses a profile publishes (scheduled posts too: generators hold back future dates themselves).
PUBLISHED = ("publish", "future")
FRONT_MATTER_FORMATS = ("yaml", "toml")


@dataclass(frozen=True, slots=True)  # one per post, kept for the whole run
class Placement:
    path: str  # relative output path
    ref: str  # what an internal link to this post becomes; "" to keep the old URL
    permalink: str = ""  # front-matter permalink / url (the path the post is served at, when set)
    kind: str = "post"  # "post", "page", "draft"
    url: str = ""  # root-relative URL on the new site; "" when unpublished (a draft has no URL)


@dataclass(frozen=True)
class PlaceInput:
    """What a profile may use to place one post (all small: the index keeps it for every post)."""

    type: str
    status: str
    slug: str  # unique and safe already
    date: datetime | None
    ancestors: tuple[str, ...] = ()  # page parents' slugs
    old_path: str = ""  # the post's WordPress path (from its <link>), "/2024/03/slug/"; "" when unknown
    categories: tuple[str, ...] = ()  # category names as the front matter writes them


@dataclass(frozen=True)
class ProfileOptions:
    """The options that shape a profile's output (Settings.profile_options() builds them)."""

    keep_urls: bool | None = None  # None: the profile's default
    permalink: str = ""  # URL pattern of posts (plain): :year :month :day :slug :title; "" the profile's
    front_matter: str = "yaml"  # or "toml" (Hugo)
    aliases: bool = False  # old URLs in front matter (Jekyll redirect_from, Hugo aliases)
    fields: tuple[tuple[str, str], ...] = ()  # (field, name written): which fields, in order; () the profile's
    date_format: str = ""  # strftime pattern of dates; "": YYYY-MM-DD
    terms: str = "names"  # categories and tags as "names" or "slugs"


class Profile(Protocol):
    name: str
    asset_dir: str  # default folder of downloaded assets inside the output
    asset_url: str  # default URL prefix posts use for that folder
    raw_html: str  # "": the renderer keeps raw HTML; else the config setting it needs (the scaffold writes it)
    math: str  # how WordPress.com LaTeX is written: ConvertContext.math ("kramdown", "dollar" or "image")
    redirects_path: str  # where a netlify `_redirects` file is published from
    publish_setting: str  # what the site's config must say to publish redirects_path ("" nothing)
    config_files: tuple[str, ...]  # the generator's config files: one present means a site is already there

    def place(self, p: PlaceInput) -> Placement: ...

    def link_to_file(self, rel: str, url: str) -> str:
        """How a post links to the post written at output path `rel` (served at `url`)."""
        ...

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes: ...

    def archive_url(self, kind: str, name: str) -> str:
        """Where an old archive goes: kind "category", "tag", "author" (name: the term's name or the
        author's login) or "feed"."""
        ...

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        """The run's files, rearranged where the generator wants assets beside posts (Hugo bundles)."""
        ...

    def scaffold(self, site: Site) -> dict[str, bytes]:
        """The smallest site skeleton: output path -> bytes (written only where no site is yet)."""
        ...


def old_path_of(url: str) -> str:
    """The path of an old WordPress URL, percent-decoded ("" when it has none worth keeping)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    path = re.sub("/{2,}", "/", unquote(parts.path or "", errors="replace"))  # `//x/` is not a host
    if not path.startswith("/") or path == "/" or parts.query:
        return ""  # `?p=ID` links (no pretty permalinks) have no path to keep
    return path


def fill_permalink(pattern: str, p: PlaceInput) -> str:
    """A URL from a pattern: :year :month :day :slug (:title is the same), :categories."""
    values = {
        ":year": f"{p.date:%Y}" if p.date else "",
        ":month": f"{p.date:%m}" if p.date else "",
        ":day": f"{p.date:%d}" if p.date else "",
        ":categories": "/".join(dict.fromkeys(c.lower() for c in p.categories)),  # as Jekyll: a set
        ":slug": p.slug,
        ":title": p.slug,
    }
    url = pattern
    for key in sorted(values, key=len, reverse=True):
        url = url.replace(key, values[key])
    while "//" in url:
        url = url.replace("//", "/")
    return url if url.startswith("/") else "/" + url


def end_text(front: str, body: str) -> bytes:
    """Front matter, one blank line, the body; LF endings, UTF-8 without BOM, a final newline."""
    text = front + ("\n" + body if body.strip() else "")
    if not text.endswith("\n"):
        text += "\n"
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
