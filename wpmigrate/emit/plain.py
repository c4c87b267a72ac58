"""The plain profile: Markdown for any tool, with no generator syntax at all. Pure.

Decisions:
- Published posts: `SLUG.md` at the root of the output; pages: `pages/PARENT/SLUG.md`; anything
  unpublished: `drafts/SLUG.md`; other post types: `TYPE/SLUG.md`.
- Internal links are root-relative URLs of the new site: posts follow --permalink (default
  `/:year/:month/:day/:slug/`; :categories too), pages `/PARENT/SLUG/`. With --keep-urls both are
  the WordPress paths instead. Nothing checks these at build time: there is no build.
- No Liquid, shortcodes or template tags are written: a `{%` in the output is the author's own text.
- Front matter is the seed's (../shared/seed/leadership.md) byte for byte: `layout`, `title`, `date`,
  `modif`, `categories`, then `tags` and `excerpt` when present, and a blank line before the closing `---`.
"""

from __future__ import annotations

from ..models import ConvertedPost, OutputFile, Post, Site
from ..pathsafe import check_relpath, safe_name
from .frontmatter import FIELDS, FieldInput, render_front_matter, shape_fields
from .profile import PUBLISHED, PlaceInput, Placement, ProfileOptions, end_text, fill_permalink

PLAIN_FIELDS = ("layout", "title", "date", "modif", "categories", "tags", "excerpt")
DEFAULT_PERMALINK = "/:year/:month/:day/:slug/"


class PlainProfile:
    name = "plain"
    asset_dir = "assets/images"
    asset_url = "/assets/images"
    raw_html = ""  # the Markdown renderer keeps raw HTML as it is
    math = "dollar"  # WordPress.com LaTeX: $...$ / $$...$$, the most widely read math notation in Markdown
    redirects_path = "_redirects"
    publish_setting = ""
    config_files: tuple[str, ...] = ()  # present: a site is here, no --scaffold

    def __init__(self, options: ProfileOptions | None = None) -> None:
        self.options = options or ProfileOptions()
        self.permalink = self.options.permalink or DEFAULT_PERMALINK
        self.keep_urls = bool(self.options.keep_urls)

    def place(self, p: PlaceInput) -> Placement:
        published = p.status in PUBLISHED
        if not published or (p.type == "post" and p.date is None):
            return Placement(check_relpath(f"drafts/{p.slug}.md"), "", "", "draft")
        if p.type == "page":
            url = p.old_path if self.keep_urls and p.old_path else "/" + "/".join([*p.ancestors, p.slug]) + "/"
            rel = "pages/" + "/".join([*p.ancestors, p.slug]) + ".md"
            return Placement(check_relpath(rel), url, "", "page", url)
        if p.type != "post":
            return Placement(check_relpath(f"{safe_name(p.type, 'items')}/{p.slug}.md"), "", "", "post")
        url = p.old_path if self.keep_urls and p.old_path else fill_permalink(self.permalink, p)
        return Placement(check_relpath(f"{p.slug}.md"), url, "", "post", url)

    def link_to_file(self, rel: str, url: str) -> str:
        return url

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes:
        f = FieldInput(post, converted, author_name, placement.permalink)
        fields = shape_fields([(name, FIELDS[name](f)) for name in PLAIN_FIELDS], f, self.options)
        front = render_front_matter(fields, blank_before_end=True)
        return end_text(front, converted.markdown)

    def archive_url(self, kind: str, name: str) -> str:
        return "/feed.xml" if kind == "feed" else "/"

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        return outputs  # assets stay in the asset folder

    def scaffold(self, site: Site) -> dict[str, bytes]:
        return {}  # no generator, no skeleton
