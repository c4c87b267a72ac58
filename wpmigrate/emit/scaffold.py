"""--scaffold: the smallest site skeleton each generator needs to show real pages. Pure.

Written only when the output folder has no site yet (pipeline.py checks for the profile's
`config_files` first); an existing config is never touched. Each skeleton is a config, a default layout, a post
(single) layout and a list page, enough that `jekyll build` / `hugo` build every converted post
without a "Layout ... does not exist" or "found no layout file" warning.
"""

from __future__ import annotations

import json

from ..models import Site

_HEAD = '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>\n'


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML and TOML strings too


def jekyll_scaffold(site: Site) -> dict[str, bytes]:
    title = site.title or "My site"
    files = {
        "_config.yml": (
            "# Written by wpmigrate --scaffold, once: edit it freely, wpmigrate never touches an existing config.\n"
            f"title: {_yaml_text(title)}\n"
            f"url: {_yaml_text(site.link.rstrip('/'))}\n"
            "include: [_redirects]  # Netlify's redirect map (wpmigrate --redirects netlify)\n"
        ),
        "_layouts/default.html": (
            _HEAD.format(lang="{{ site.lang | default: 'en' }}", title="{{ page.title | default: site.title }}")
            + "<body><header><a href=\"{{ '/' | relative_url }}\">{{ site.title }}</a></header>\n"
            "<main>{{ content }}</main></body></html>\n"
        ),
        "_layouts/post.html": (
            "---\nlayout: default\n---\n<article><h1>{{ page.title }}</h1>\n"
            '<time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%Y-%m-%d" }}</time>\n'
            "{{ content }}</article>\n"
        ),
        "_layouts/page.html": "---\nlayout: default\n---\n<article><h1>{{ page.title }}</h1>\n{{ content }}</article>\n",
        "index.html": (
            "---\nlayout: default\ntitle: Home\n---\n<ul>\n{% for post in site.posts %}"
            '<li><a href="{{ post.url | relative_url }}">{{ post.title }}</a></li>\n{% endfor %}</ul>\n'
        ),
        # WordPress's /feed/ redirects here (redirects.py).
        "feed.xml": (
            "---\nlayout: null\n---\n"
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>{{ site.title | xml_escape }}</title><link>{{ site.url }}</link>\n"
            "{% for post in site.posts limit:20 %}<item><title>{{ post.title | xml_escape }}</title>"
            "<link>{{ post.url | absolute_url }}</link><pubDate>{{ post.date | date_to_rfc822 }}</pubDate></item>\n"
            "{% endfor %}</channel></rss>\n"
        ),
    }
    return {path: text.encode("utf-8") for path, text in files.items()}


def hugo_scaffold(site: Site) -> dict[str, bytes]:
    title = site.title or "My site"
    files = {
        "hugo.toml": (
            "# Written by wpmigrate --scaffold, once: edit it freely, wpmigrate never touches an existing config.\n"
            f"baseURL = {_yaml_text(site.link.rstrip('/') + '/' if site.link else '/')}\n"
            f"title = {_yaml_text(title)}\n"
            f"languageCode = {_yaml_text(site.language or 'en')}\n"
            "\n[taxonomies]\ncategory = 'categories'\ntag = 'tags'\n"
            "\n# The converted posts hold raw HTML (tables, embeds, galleries): Goldmark drops it unless told.\n"
            "[markup.goldmark.renderer]\nunsafe = true\n"
        ),
        "layouts/_default/baseof.html": (
            _HEAD.format(lang="{{ site.LanguageCode }}", title="{{ .Title }}")
            + '<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>\n'
            '<main>{{ block "main" . }}{{ end }}</main></body></html>\n'
        ),
        "layouts/_default/single.html": (
            '{{ define "main" }}<article><h1>{{ .Title }}</h1>\n'
            '<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>\n'
            "{{ .Content }}</article>{{ end }}\n"
        ),
        "layouts/_default/list.html": (
            '{{ define "main" }}<h1>{{ .Title }}</h1><ul>\n'
            '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>\n{{ end }}</ul>{{ end }}\n'
        ),
        "layouts/index.html": (
            '{{ define "main" }}<ul>\n{{ range (where site.RegularPages "Section" "posts") }}'
            '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>\n{{ end }}</ul>{{ end }}\n'
        ),
    }
    return {path: text.encode("utf-8") for path, text in files.items()}
