"""The Eleventy (11ty) profile. Pure.

Decisions:
- Posts: `posts/SLUG.md`; the scaffold's `posts/posts.json` (a directory data file) gives them
  `tags: posts` (so they form `collections.posts`) and their layout. Pages: `pages/PARENT/SLUG.md`.
  Unpublished posts and pages: `drafts/SLUG.md` with `permalink: false` (never written to the site)
  and `eleventyExcludeFromCollections: true`.
- Old URLs are kept by default (--no-keep-urls to turn it off): `permalink:` is the WordPress path;
  without it posts are at Eleventy's `/posts/SLUG/`, pages at `/PARENT/SLUG/` (always set: the
  folder `pages/` is not in their old URL).
- Front matter: `title`, `date`, `updated`, `tags` (WordPress tags: each one a collection too),
  `categories`, `author`, `description` (the excerpt), `permalink`; YAML.
- Eleventy runs Liquid over Markdown files by default, so `{{ }}` in a post would break the build:
  every file says `templateEngineOverride: md` (Markdown only). Internal links are root-relative URLs.
- Assets: `assets/images/` (copied by the scaffold's `addPassthroughCopy`). Raw HTML: markdown-it as
  Eleventy configures it keeps it (`html: true`).
"""

from __future__ import annotations

from typing import Any

from ..models import ConvertedPost, OutputFile, Post, Site
from ..pathsafe import check_relpath
from .frontmatter import FIELDS, FieldInput, render_front_matter, shape_fields
from .profile import PUBLISHED, PlaceInput, Placement, ProfileOptions, end_text


class EleventyProfile:
    name = "eleventy"
    asset_dir = "assets/images"
    asset_url = "/assets/images"
    raw_html = ""  # the Markdown renderer keeps raw HTML as it is
    math = "dollar"  # WordPress.com LaTeX: $...$ / $$...$$, what markdown-it math plugins expect
    redirects_path = "_redirects"  # copied through by the scaffold's config
    publish_setting = ""
    config_files: tuple[str, ...] = (
        "eleventy.config.js",
        "eleventy.config.cjs",
        "eleventy.config.mjs",
        ".eleventy.js",
    )

    def __init__(self, options: ProfileOptions | None = None) -> None:
        self.options = options or ProfileOptions()
        self.keep_urls = self.options.keep_urls is not False

    def place(self, p: PlaceInput) -> Placement:
        published = p.status in PUBLISHED and not (p.type == "post" and p.date is None)
        if not published:
            return Placement(check_relpath(f"drafts/{p.type}-{p.slug}.md"), "", "", "draft")
        kept = p.old_path if self.keep_urls else ""
        if p.type == "page":
            url = kept or "/" + "/".join([*p.ancestors, p.slug]) + "/"
            return Placement(check_relpath("pages/" + "/".join([*p.ancestors, p.slug]) + ".md"), url, url, "page", url)
        folder = "posts" if p.type == "post" else p.type
        url = kept or f"/{folder}/{p.slug}/"
        return Placement(check_relpath(f"{folder}/{p.slug}.md"), url, kept, "post", url)

    def link_to_file(self, rel: str, url: str) -> str:
        return url

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes:
        f = FieldInput(post, converted, author_name, placement.permalink)
        draft = placement.kind == "draft"
        fields: list[tuple[str, Any]] = [
            ("title", post.title),
            ("date", FIELDS["date"](f)),
            ("updated", FIELDS["modif"](f)),
            ("tags", FIELDS["tags"](f)),
            ("categories", FIELDS["categories"](f)),
            ("author", FIELDS["author"](f)),
            ("description", FIELDS["excerpt"](f)),
            ("permalink", False if draft else placement.permalink),
            ("eleventyExcludeFromCollections", True if draft else None),
            ("templateEngineOverride", "md"),
        ]
        return end_text(
            render_front_matter(shape_fields(fields, f, self.options)), converted.markdown
        )  # `permalink: false` is kept

    def archive_url(self, kind: str, name: str) -> str:
        return "/feed.xml" if kind == "feed" else "/"

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        return outputs

    def scaffold(self, site: Site) -> dict[str, bytes]:
        title = (site.title or "My site").replace("\\", "\\\\").replace('"', '\\"')
        files = {
            "eleventy.config.cjs": (
                "// Written by wpmigrate --scaffold, once: edit it freely, wpmigrate never touches an existing config.\n"
                "module.exports = function (eleventyConfig) {\n"
                '  eleventyConfig.addPassthroughCopy("assets");\n'
                '  eleventyConfig.addPassthroughCopy("_redirects");\n'
                '  eleventyConfig.ignores.add("drafts/**");\n'
                '  eleventyConfig.ignores.add("README.md");\n'
                "};\n"
            ),
            "_data/site.json": f'{{"title": "{title}"}}\n',
            "_includes/layouts/base.njk": (
                '<!doctype html>\n<html><head><meta charset="utf-8"><title>{{ title or site.title }}</title></head>\n'
                '<body><header><a href="/">{{ site.title }}</a></header>\n<main>{{ content | safe }}</main></body></html>\n'
            ),
            "_includes/layouts/post.njk": (
                "---\nlayout: layouts/base.njk\n---\n<article><h1>{{ title }}</h1>\n"
                "<time>{{ page.date.toISOString().slice(0, 10) }}</time>\n{{ content | safe }}</article>\n"
            ),
            "_includes/layouts/page.njk": (
                "---\nlayout: layouts/base.njk\n---\n<article><h1>{{ title }}</h1>\n{{ content | safe }}</article>\n"
            ),
            "posts/posts.json": '{"layout": "layouts/post.njk", "tags": ["posts"]}\n',
            "pages/pages.json": '{"layout": "layouts/page.njk"}\n',
            "index.njk": (
                "---\nlayout: layouts/base.njk\ntitle: Home\n---\n<ul>\n"
                "{%- for post in collections.posts | reverse %}\n"
                '<li><a href="{{ post.url }}">{{ post.data.title }}</a></li>\n{%- endfor %}\n</ul>\n'
            ),
            "feed.njk": (
                "---\npermalink: /feed.xml\neleventyExcludeFromCollections: true\n---\n"
                '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{{ site.title }}</title>\n'
                "{%- for post in collections.posts | reverse %}\n"
                "<item><title>{{ post.data.title }}</title><link>{{ post.url }}</link></item>\n{%- endfor %}\n"
                "</channel></rss>\n"
            ),
        }
        return {path: text.encode("utf-8") for path, text in files.items()}
