"""The Jekyll profile: placement of posts, pages and drafts, the form of internal links, file bytes.

Decisions:
- Published posts: `_posts/YYYY-MM-DD-slug.md` (local publish date). Scheduled (`future`) posts
  too: Jekyll itself holds back future-dated posts unless built with --future, as WordPress did.
- Every other status (draft, pending; private with --include-protected, see privacy.py) and a published
  post without any date: `_drafts/slug.md`.
- Pages: at their WordPress path, made of their ancestors' slugs (`about/team.md`), with
  `permalink: /about/team/` so the old URL keeps working. Unpublished pages go to `_drafts/` too.
- --keep-urls: posts and pages get `permalink:` set to their WordPress path, so every old URL still
  answers. Off by default (it would change every post file of an existing migration); without it, a
  post is served at Jekyll's default `/:categories/:year/:month/:day/:title.html`, and --redirects
  writes the map from the old URLs (redirects.py). --aliases adds `redirect_from:` (jekyll-redirect-from).
- Other post types asked for with --types: a Jekyll collection folder, `_TYPE/slug.md`.
- Internal links use Jekyll's own tags, `{% post_url 2012-08-08-slug %}` and `{% link about/team.md %}`:
  Jekyll checks at build time that the target exists, and they follow any `permalink` setting.
  Links to drafts keep their old URL (a draft has no URL yet).
- A file is front matter, one blank line, the Markdown body; LF endings, UTF-8 without BOM.
- Jekyll runs Liquid over every post before Markdown, so `{{ ... }}` or `{% ... %}` written in a post
  (a Jinja, Handlebars or Liquid sample) would vanish or break the build. Bodies converted from HTML
  get such text protected: a fenced code block holding any goes inside `{% raw %}` ... `{% endraw %}`
  lines (a `{% endraw %}` inside such a block is printed through Liquid, see escape_endraw), and in
  prose each `{{ ... }}` / `{% ... %}` is wrapped the same way (see protect_liquid).
  Bodies that were Markdown already are left alone: their author may mean the Liquid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..convert.fences import iter_segments
from ..models import ConvertedPost, OutputFile, Post, Site
from ..pathsafe import check_relpath, safe_name
from .frontmatter import FieldInput, jekyll_fields, render_front_matter, shape_fields
from .profile import PUBLISHED, PlaceInput, Placement, ProfileOptions, end_text, fill_permalink, old_path_of

# Jekyll's own default for posts (no `permalink` in _config.yml): categories are lower-cased.
JEKYLL_POST_URL = "/:categories/:year/:month/:day/:title.html"


class JekyllProfile:
    name = "jekyll"
    asset_dir = "assets/images"
    asset_url = "/assets/images"
    raw_html = ""  # kramdown passes HTML blocks through
    math = "kramdown"  # WordPress.com LaTeX: kramdown reads $$...$$ as math (inline and display); MathJax renders it
    redirects_path = "_redirects"  # published because the scaffold's _config.yml includes it
    publish_setting = "include: [_redirects]"  # Jekyll skips files named _*
    config_files: tuple[str, ...] = (
        "_config.yml",
        "_config.yaml",
        "_config.toml",
    )  # present: a site is here, no --scaffold

    def __init__(self, options: ProfileOptions | None = None) -> None:
        self.options = options or ProfileOptions()
        self.keep_urls = bool(self.options.keep_urls)  # off by default: `permalink:` would change every post

    def place(self, p: PlaceInput) -> Placement:
        """Where a post goes. `p.slug` is already unique and safe; `p.ancestors` are page parents' slugs."""
        published = p.status in PUBLISHED
        kept = p.old_path if self.keep_urls else ""
        if p.type == "page":
            parts = [*p.ancestors, p.slug]
            rel = "/".join(parts) + ".md"
            permalink = kept or "/" + "/".join(parts) + "/"
            if published:
                return Placement(check_relpath(rel), self.link_to_file(rel, permalink), permalink, "page", permalink)
            return Placement(check_relpath("_drafts/" + rel), "", permalink, "draft")
        if p.type != "post":
            folder = "_" + safe_name(p.type, "items")
            return Placement(check_relpath(f"{folder}/{p.slug}.md"), "", "", "post" if published else "draft")
        if published and p.date is not None:
            stem = f"{p.date:%Y-%m-%d}-{p.slug}"
            url = kept or fill_permalink(JEKYLL_POST_URL, replace(p, slug=slugify_pretty(p.slug)))
            return Placement(check_relpath(f"_posts/{stem}.md"), f"{{% post_url {stem} %}}", kept, "post", url)
        return Placement(check_relpath(f"_drafts/{p.slug}.md"), "", "", "draft")

    def link_to_file(self, rel: str, url: str) -> str:
        # Jekyll resolves `{% link %}` for posts, pages and collections whatever the file is called,
        # and fails the build when the target is gone.
        return f"{{% link {rel} %}}"

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes:
        kept = post.imported.front_matter_text
        if kept is not None:
            # A file that already had front matter keeps it byte for byte (see importers/frontmatter.py).
            front = "---\n" + kept + ("" if kept.endswith("\n") or not kept else "\n") + "---\n"
        else:
            f = FieldInput(post, converted, author_name, placement.permalink)
            fields = jekyll_fields(f)
            if self.options.aliases:
                fields.append(("redirect_from", list(redirect_from(post, placement))))
            front = render_front_matter(shape_fields(fields, f, self.options))
        body = converted.markdown
        if post.content_format != "markdown":
            body = protect_liquid(body)
        return end_text(front, body)

    def archive_url(self, kind: str, name: str) -> str:
        # Jekyll makes no term or author pages; the scaffold's feed.xml is the feed.
        return "/feed.xml" if kind == "feed" else "/"

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        return outputs  # assets stay in the asset folder

    def scaffold(self, site: Site) -> dict[str, bytes]:
        from .scaffold import jekyll_scaffold

        return jekyll_scaffold(site)


def slugify_pretty(text: str) -> str:
    """Jekyll's Utils.slugify(mode: "pretty", cased: true), which makes `:title` in post URLs: runs of
    anything but letters, marks, decimal digits and `._~!$&'()+,;=@` become `-`, none at either end."""
    out: list[str] = []
    for ch in text:
        if unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "Nd" or ch in "._~!$&'()+,;=@":
            out.append(ch)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def redirect_from(post: Post, placement: Placement) -> tuple[str, ...]:
    """The post's old path when it is not kept (jekyll-redirect-from / Hugo aliases write a page there)."""
    old = old_path_of(post.link)
    return (old,) if old and placement.url and old.rstrip("/") != placement.url.rstrip("/") else ()


# Our own link tags (Placement.ref), the only Liquid a converted body may hold.
_OWN_TAG = re.compile(r"\{% (?:post_url|link) [^{}%\n]+ %\}")
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\{%")


def protect_liquid(markdown: str) -> str:
    """Make Liquid-looking text in a converted body come out of Jekyll as written (pure)."""
    if "{{" not in markdown and "{%" not in markdown:
        return markdown
    out: list[str] = []
    for code, text in iter_segments(markdown):
        if not code:
            out.append(_LIQUID.sub(_protect_span, text))
        elif "{{" in text or "{%" in text:
            indent = text[: len(text) - len(text.lstrip(" "))]
            body, end = (text[:-1], "\n") if text.endswith("\n") else (text, "")
            body = "\n".join(map(escape_endraw, body.split("\n")))
            out.append(f"{indent}{{% raw %}}\n{body}\n{indent}{{% endraw %}}{end}")
        else:
            out.append(text)
    return "".join(out)


# `{% endraw %}` (any spacing, `{%-`) would end a raw block early: Liquid cannot escape it inside one.
_ENDRAW = re.compile(r"\{%(?=-?\s*endraw\b)")


def escape_endraw(line: str) -> str:
    """A line inside `{% raw %}` whose own `{% endraw %}` text must come out as written: close the raw
    block, print its `{%` through Liquid (a variable holding no `}`, which would end it), reopen."""
    return _ENDRAW.sub(lambda _m: '{% endraw %}{{ "{%" }}{% raw %}', line)


def _protect_span(m: re.Match[str]) -> str:
    text = m.group()
    if _OWN_TAG.fullmatch(text):
        return text
    if "endraw" not in text and len(text) > 2:
        return "{% raw %}" + text + "{% endraw %}"
    # A lone opener, or text that would close a raw block early: print the opener through Liquid.
    return _LIQUID_OPENER.sub(lambda o: '{{ "' + o.group() + '" }}', text)


_LIQUID_OPENER = re.compile(r"\{\{|\{%")
