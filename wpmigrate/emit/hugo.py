"""The Hugo profile. Pure.

Decisions:
- Posts are page bundles, `content/posts/SLUG/index.md`; drafts too, with `draft: true` (Hugo builds
  them only with --buildDrafts). Pages: `content/PARENT-SLUG.md` (flat: in Hugo a page file and a
  folder of the same name would fight over one URL), served at `/PARENT/SLUG/` through `url:`.
- Old URLs are kept by default (--no-keep-urls to turn it off): `url:` is the WordPress path, so
  `/2024/03/leaving-the-harbour/` still answers. Without it posts are at Hugo's `/posts/SLUG/`.
  --aliases also lists the old path in `aliases:` when it is not kept.
- Internal links are root-relative URLs (Hugo's `ref` shortcode would fail the build on a post
  left out with --types or --status; a URL fails softly).
- Front matter: `title`, `date`, `lastmod`, `draft`, `categories`, `tags` (Hugo's default
  taxonomies), `author`, `summary`, `url`, `aliases`; YAML, or TOML with --front-matter toml.
- Downloaded images go beside the one post that uses them, in its bundle (`content/posts/SLUG/a.png`,
  linked as `a.png`), where Hugo's image processing finds them as page resources; an image used by
  several posts (or whose name is taken in the bundle) stays in `static/images/` (served at `/images/`).
- Raw HTML: Hugo's Markdown renderer (Goldmark) drops it unless `markup.goldmark.renderer.unsafe`
  is set. The converted posts do hold raw HTML (tables with spans, embeds with --embeds html,
  galleries), so --scaffold writes a `hugo.toml` that sets it; a site with its own config must set it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..models import ConvertedPost, OutputFile, Post, Site
from ..pathsafe import check_relpath, safe_name
from .frontmatter import FIELDS, FieldInput, render_front_matter, render_toml_front_matter, shape_fields
from .jekyll import redirect_from
from .profile import PUBLISHED, PlaceInput, Placement, ProfileOptions, end_text


class HugoProfile:
    name = "hugo"
    asset_dir = "static/images"
    asset_url = "/images"
    raw_html = "markup.goldmark.renderer.unsafe = true"  # Goldmark drops raw HTML without it
    math = "dollar"  # WordPress.com LaTeX: $...$ / $$...$$, what Hugo's passthrough math and KaTeX/MathJax expect
    redirects_path = "static/_redirects"
    publish_setting = ""
    config_files: tuple[str, ...] = (
        "hugo.toml",
        "hugo.yaml",
        "hugo.json",
        "config.toml",
        "config.yaml",
        "config.json",
    )  # present: a site is here, no --scaffold

    def __init__(self, options: ProfileOptions | None = None) -> None:
        self.options = options or ProfileOptions()
        self.keep_urls = self.options.keep_urls is not False  # on unless --no-keep-urls

    def place(self, p: PlaceInput) -> Placement:
        published = p.status in PUBLISHED and not (p.type == "post" and p.date is None)
        kept = p.old_path if self.keep_urls else ""
        if p.type == "page":
            url = kept or "/" + "/".join([*p.ancestors, p.slug]) + "/"
            rel = "content/" + "-".join([*p.ancestors, p.slug]) + ".md"
            return Placement(
                check_relpath(rel),
                url if published else "",
                url,
                "page" if published else "draft",
                url if published else "",
            )
        section = "posts" if p.type == "post" else safe_name(p.type, "items")
        rel = f"content/{section}/{p.slug}/index.md"
        url = kept or f"/{section}/{p.slug}/"
        if not published:
            return Placement(check_relpath(rel), "", kept, "draft")
        return Placement(check_relpath(rel), url, kept, "post", url)

    def link_to_file(self, rel: str, url: str) -> str:
        return url

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes:
        f = FieldInput(post, converted, author_name, placement.permalink)
        lastmod = FIELDS["modif"](f)
        fields: list[tuple[str, Any]] = [
            ("title", post.title),
            ("date", FIELDS["date"](f)),
            ("lastmod", lastmod),
            ("draft", True if placement.kind == "draft" else None),
            ("categories", FIELDS["categories"](f)),
            ("tags", FIELDS["tags"](f)),
            ("author", FIELDS["author"](f)),
            ("summary", FIELDS["excerpt"](f)),
            ("url", placement.permalink),
        ]
        if self.options.aliases:
            fields.append(("aliases", list(redirect_from(post, placement))))
        toml = self.options.front_matter == "toml"
        fields = shape_fields(fields, f, self.options)
        front = render_toml_front_matter(fields) if toml else render_front_matter(fields)
        return end_text(front, converted.markdown)

    def archive_url(self, kind: str, name: str) -> str:
        # Hugo makes a page per taxonomy term and an RSS feed at /index.xml; no author pages.
        if kind in ("category", "tag"):
            taxonomy = "categories" if kind == "category" else "tags"
            return f"/{taxonomy}/{urlize(name)}/" if name else f"/{taxonomy}/"
        return "/index.xml" if kind == "feed" else "/"

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        return bundle_assets(outputs, asset_dir, asset_url)

    def scaffold(self, site: Site) -> dict[str, bytes]:
        from .scaffold import hugo_scaffold

        return hugo_scaffold(site)


def urlize(name: str) -> str:
    """A term name as Hugo puts it in a URL (helpers.MakePathSanitized): spaces become `-`, letters,
    digits, marks and `._-+~#%/` stay, anything else goes, lower-cased."""
    kept = []
    for ch in name.strip():
        if ch.isspace():
            kept.append("-")
        elif ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in "._-+~#%/":
            kept.append(ch)
    return "".join(kept).lower()


def bundle_assets(outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
    """Move each asset that exactly one bundle (`.../index.md`) refers to into that bundle, and make the
    reference relative. Pure: the outputs in, the outputs out."""
    prefix = asset_url.rstrip("/") + "/"
    assets = {o.path: o for o in outputs if o.kind == "asset" and o.path.startswith(asset_dir + "/")}
    if not assets:
        return outputs
    urls = {prefix + path[len(asset_dir) + 1 :]: path for path in assets}
    find = re.compile(
        r"(?<![\w/.%-])(" + "|".join(map(re.escape, sorted(urls, key=len, reverse=True))) + r")(?![\w/.%-])"
    )
    users: dict[str, set[str]] = {}
    for o in outputs:
        if o.kind != "asset" and o.path.endswith("/index.md"):
            for url in set(find.findall(o.read_bytes().decode("utf-8", errors="replace"))):
                users.setdefault(url, set()).add(o.path)
    moves: dict[str, dict[str, str]] = {}  # bundle file -> {url: file name in the bundle}
    for url, files in sorted(users.items()):
        if len(files) != 1:
            continue
        (bundle,) = files
        name = url.rsplit("/", 1)[-1]
        taken = moves.setdefault(bundle, {})
        if name not in taken.values() and name != "index.md":
            taken[url] = name
    moved = {urls[url]: bundle.rsplit("/", 1)[0] + "/" + name for bundle, m in moves.items() for url, name in m.items()}
    result = []
    for o in outputs:
        if o.path in moved:
            result.append(replace(o, path=moved[o.path]))
        elif o.path in moves:
            text = find.sub(_relinker(moves[o.path]), o.read_bytes().decode("utf-8"))
            result.append(o.with_bytes(text.encode("utf-8")))
        else:
            result.append(o)
    return result


def _relinker(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda m: table.get(m.group(1), m.group(1))
