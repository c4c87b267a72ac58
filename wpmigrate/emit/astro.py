"""The Astro profile: content collections. Pure.

Decisions:
- Posts: `src/content/blog/SLUG.md` (the `blog` collection), drafts too with `draft: true` (the
  scaffold's routes leave them out); pages: `src/content/pages/PARENT-SLUG.md` (a `pages` collection).
- Front matter as Astro's blog template has it: `title`, `description` (the excerpt), `pubDate`,
  `updatedDate`, then `categories`, `tags`, `author`, `draft` and `permalink`, all in the scaffold's
  collection schema (src/content.config.ts), which Astro validates at build time.
- Old URLs kept by default (--no-keep-urls to turn it off): `permalink` is the WordPress path and the
  scaffold's `src/pages/[...path].astro` serves each entry there; otherwise `/blog/SLUG/`, `/PARENT/SLUG/`.
  Internal links are root-relative URLs.
- Images go to `src/assets/images/` and are linked relatively (`../../assets/images/...`, every
  entry being two folders down), which is where Astro's image pipeline finds and optimises them.
- Raw HTML: Astro's Markdown (remark/rehype) keeps it.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import ConvertedPost, OutputFile, Post, Site
from ..pathsafe import check_relpath
from .frontmatter import FIELDS, FieldInput, render_front_matter, shape_fields
from .profile import PUBLISHED, PlaceInput, Placement, ProfileOptions, end_text

SCHEMA = """import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

// The front matter wpmigrate writes; Astro checks every entry against it at build time.
const entry = z.object({
  title: z.string(),
  description: z.string().optional(),
  pubDate: z.coerce.date().optional(),
  updatedDate: z.coerce.date().optional(),
  categories: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  author: z.string().optional(),
  draft: z.boolean().optional(),
  permalink: z.string().optional(),
});

const blog = defineCollection({ loader: glob({ base: './src/content/blog', pattern: '**/*.md' }), schema: entry });
const pages = defineCollection({ loader: glob({ base: './src/content/pages', pattern: '**/*.md' }), schema: entry });

export const collections = { blog, pages };
"""

ROUTE = """---
import { getCollection, render } from 'astro:content';
import Base from '../layouts/Base.astro';

export async function getStaticPaths() {
  const blog = (await getCollection('blog')).filter((e) => !e.data.draft);
  const pages = (await getCollection('pages')).filter((e) => !e.data.draft);
  return [
    ...blog.map((e) => ({ params: { path: (e.data.permalink ?? `/blog/${e.id}/`).replace(/^\\/|\\/$/g, '') }, props: { e } })),
    ...pages.map((e) => ({ params: { path: (e.data.permalink ?? `/${e.id}/`).replace(/^\\/|\\/$/g, '') }, props: { e } })),
  ];
}
const { e } = Astro.props;
const { Content } = await render(e);
---
<Base title={e.data.title}>
  <article><h1>{e.data.title}</h1>{e.data.pubDate && <time>{e.data.pubDate.toISOString().slice(0, 10)}</time>}<Content /></article>
</Base>
"""

INDEX = """---
import { getCollection } from 'astro:content';
import Base from '../layouts/Base.astro';
const posts = (await getCollection('blog')).filter((e) => !e.data.draft)
  .sort((a, b) => (b.data.pubDate?.valueOf() ?? 0) - (a.data.pubDate?.valueOf() ?? 0));
---
<Base title="Home">
  <ul>{posts.map((e) => <li><a href={e.data.permalink ?? `/blog/${e.id}/`}>{e.data.title}</a></li>)}</ul>
</Base>
"""

FEED = """import { getCollection } from 'astro:content';

export async function GET() {
  const posts = (await getCollection('blog')).filter((e) => !e.data.draft);
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = posts.map((e) => `<item><title>${esc(e.data.title)}</title><link>${e.data.permalink ?? `/blog/${e.id}/`}</link></item>`);
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>${items.join('')}</channel></rss>`,
    { headers: { 'Content-Type': 'application/rss+xml' } });
}
"""


class AstroProfile:
    name = "astro"
    asset_dir = "src/assets/images"
    asset_url = "../../assets/images"  # relative to src/content/COLLECTION/ENTRY.md
    raw_html = ""  # the Markdown renderer keeps raw HTML as it is
    math = "dollar"  # WordPress.com LaTeX: $...$ / $$...$$, what remark-math expects
    redirects_path = "public/_redirects"
    publish_setting = ""
    config_files: tuple[str, ...] = ("astro.config.mjs", "astro.config.ts", "astro.config.js")

    def __init__(self, options: ProfileOptions | None = None) -> None:
        self.options = options or ProfileOptions()
        self.keep_urls = self.options.keep_urls is not False

    def place(self, p: PlaceInput) -> Placement:
        published = p.status in PUBLISHED and not (p.type == "post" and p.date is None)
        kept = p.old_path if self.keep_urls else ""
        kind = "draft" if not published else "page" if p.type == "page" else "post"
        if p.type == "page":
            rel = "src/content/pages/" + "-".join([*p.ancestors, p.slug]) + ".md"
            url = kept or "/" + "/".join([*p.ancestors, p.slug]) + "/"
        else:
            collection = "blog" if p.type == "post" else p.type
            rel = f"src/content/{collection}/{p.slug}.md"
            url = kept or f"/{collection}/{p.slug}/"
        if not published:
            return Placement(check_relpath(rel), "", url, kind)
        return Placement(check_relpath(rel), url, url, kind, url)

    def link_to_file(self, rel: str, url: str) -> str:
        return url

    def render(self, post: Post, converted: ConvertedPost, placement: Placement, author_name: str = "") -> bytes:
        f = FieldInput(post, converted, author_name, placement.permalink)
        fields: list[tuple[str, Any]] = [
            ("title", post.title or placement.path.rsplit("/", 1)[-1][:-3]),  # the schema requires one
            ("description", FIELDS["excerpt"](f)),
            ("pubDate", FIELDS["date"](f)),
            ("updatedDate", FIELDS["modif"](f)),
            ("categories", FIELDS["categories"](f)),
            ("tags", FIELDS["tags"](f)),
            ("author", FIELDS["author"](f)),
            ("draft", True if placement.kind == "draft" else None),
            ("permalink", placement.permalink),
        ]
        return end_text(render_front_matter(shape_fields(fields, f, self.options)), converted.markdown)

    def archive_url(self, kind: str, name: str) -> str:
        return "/feed.xml" if kind == "feed" else "/"

    def arrange(self, outputs: list[OutputFile], asset_dir: str, asset_url: str) -> list[OutputFile]:
        return outputs

    def scaffold(self, site: Site) -> dict[str, bytes]:
        title = json.dumps(site.title or "My site", ensure_ascii=False)
        files = {
            "package.json": json.dumps(
                {
                    "name": "site",
                    "type": "module",
                    "private": True,
                    "scripts": {"build": "astro build"},
                    "dependencies": {"astro": ">=5"},
                },
                indent=2,
            )
            + "\n",
            "astro.config.mjs": (
                "// Written by wpmigrate --scaffold, once: edit it freely, wpmigrate never touches an existing config.\n"
                "import { defineConfig } from 'astro/config';\n\nexport default defineConfig({});\n"
            ),
            "src/content.config.ts": SCHEMA,
            "src/layouts/Base.astro": (
                '---\nconst { title } = Astro.props;\n---\n<!doctype html>\n<html><head><meta charset="utf-8">'
                f'<title>{{title}}</title></head>\n<body><header><a href="/">{{{title}}}</a></header>\n'
                "<main><slot /></main></body></html>\n"
            ),
            "src/pages/index.astro": INDEX,
            "src/pages/[...path].astro": ROUTE,
            "src/pages/feed.xml.js": FEED,
        }
        return {path: text.encode("utf-8") for path, text in files.items()}
