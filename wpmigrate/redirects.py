"""--redirects: a map from every old WordPress URL that moved to its page on the new site. Pure.

Covered, from the export: each post and page (its <link> path, `?p=ID`, `?page_id=ID`), each
attachment page (to the post it belongs to, else the home page), each category, tag and author
archive (`/category/a/b/`, `/tag/x/`, `/author/login/`: to the generator's term page where it makes
one, Hugo's `/categories/NAME/`, else the home page), and the feed (`/feed/` to the new feed). A URL
that the new site serves as it was (--keep-urls) gets no line. Paths are written percent-encoded.

Formats: netlify (`_redirects`, where the profile publishes it), nginx (a `map` to include),
apache (`.htaccess` rules), csv (old,new,status for anything else).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from .emit.profile import Profile
from .models import Site

STATUS = 301
SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Redirect:
    old: str  # a root-relative path, or "/?p=ID" (decoded)
    new: str  # a root-relative URL on the new site (decoded)


@dataclass(frozen=True)
class OldPost:
    """What the redirect map needs of one kept post or page."""

    id: int | None
    type: str
    old_path: str
    url: str  # "" when it has none on the new site (a draft)


@dataclass(frozen=True)
class OldAttachment:
    id: int
    old_path: str
    parent: int | None


def _norm(path: str) -> str:
    return unquote(path).rstrip("/") or "/"


def collect_redirects(
    site: Site,
    posts: Iterable[OldPost],
    attachments: Iterable[OldAttachment],
    profile: Profile,
    used_terms: Collection[tuple[str, str]] = (),
) -> list[Redirect]:
    """Every old URL -> its new URL, in a stable order (first claim of an old URL wins). A term no
    published post has (`used_terms`: (domain, name)) has no page of its own: it goes to the
    profile's archive_url(kind, "") (Hugo: the taxonomy's list)."""
    found: dict[str, str] = {}

    def add(old: str, new: str) -> None:
        if old and new and (old.startswith("/?") or _norm(old) != _norm(new)):
            found.setdefault(old, new)

    url_of: dict[int, str] = {}
    for post in posts:
        if not post.url:
            continue
        if post.id is not None:
            url_of[post.id] = post.url
        add(post.old_path, post.url)
    for post_id, url in sorted(url_of.items()):
        add(f"/?p={post_id}", url)
    for post in posts:
        if post.type == "page" and post.id is not None and post.url:
            add(f"/?page_id={post.id}", post.url)
    home = _home(site)
    for att in attachments:
        target = url_of.get(att.parent or -1, home + "/" if home else "/")
        add(att.old_path, target)
        add(f"/?attachment_id={att.id}", target)
    categories = {t.slug: t for t in site.terms if t.domain == "category"}
    for term in site.terms:
        if term.domain == "category":
            chain, seen = [term.slug], {term.slug}
            parent = categories.get(term.parent)
            while parent and parent.slug not in seen:
                chain.insert(0, parent.slug)
                seen.add(parent.slug)
                parent = categories.get(parent.parent)
            name = term.name if ("category", term.name) in used_terms else ""
            add(f"{home}/category/{'/'.join(chain)}/", profile.archive_url("category", name))
        elif term.domain == "post_tag":
            name = term.name if ("post_tag", term.name) in used_terms else ""
            add(f"{home}/tag/{term.slug}/", profile.archive_url("tag", name))
    for author in site.authors:
        add(f"{home}/author/{author.login.lower()}/", profile.archive_url("author", author.login))
    add(f"{home}/feed/", profile.archive_url("feed", ""))
    return [Redirect(old, new) for old, new in found.items()]


def _home(site: Site) -> str:
    """The path WordPress lived under ("" at the root, "/blog" in a folder)."""
    return unquote(urlsplit(site.link or site.base_blog_url).path).rstrip("/")


def _q(url: str) -> str:
    path, sep, query = url.partition("?")
    return quote(path, safe=SAFE) + sep + query


def _split(old: str) -> tuple[str, str]:
    path, _, query = old.partition("?")
    return path, query


def redirects_file(redirects: list[Redirect], fmt: str, profile: Profile) -> tuple[str, bytes]:
    """(output path, bytes) of the map in format `fmt`."""
    folder = profile.redirects_path.rpartition("/")[0]
    lines: list[str] = []
    if fmt == "netlify":
        lines.append("# Old WordPress URLs -> this site (wpmigrate --redirects netlify)")
        for r in redirects:
            path, query = _split(r.old)
            # `!`: a rule on `/?p=ID` must win over the home page's index.html (Netlify's shadowing).
            lines.append(f"{_q(path)} {query} {_q(r.new)} {STATUS}!" if query else f"{_q(path)} {_q(r.new)} {STATUS}")
        return profile.redirects_path, ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "nginx":
        lines += [
            "# Old WordPress URLs -> this site (wpmigrate --redirects nginx). In the http block:",
            "#   include redirects.nginx.conf;",
            "# and in the server block:",
            "#   if ($wpmigrate_redirect) { return 301 $wpmigrate_redirect; }",
            "map $request_uri $wpmigrate_redirect {",
            '    default "";',
        ]
        for r in redirects:
            lines.append(f'    "{_q(r.old)}" "{_q(r.new)}";')
        lines.append("}")
        return "redirects.nginx.conf", ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "apache":
        lines += ["# Old WordPress URLs -> this site (wpmigrate --redirects apache)", "RewriteEngine On"]
        for r in redirects:
            path, query = _split(r.old)
            if query:
                lines.append(f"RewriteCond %{{QUERY_STRING}} ^{_regex(query)}$")
            else:
                lines.append("RewriteCond %{QUERY_STRING} ^$")
            lines.append(f"RewriteRule ^{_regex(_q(path).lstrip('/'))}$ {_q(r.new)}? [R={STATUS},L,NE]")
        return (folder + "/" if folder else "") + ".htaccess", ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["old", "new", "status"])
    for r in redirects:
        writer.writerow([_q(r.old), _q(r.new), STATUS])
    return "redirects.csv", buffer.getvalue().encode("utf-8")


def _regex(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)


def read_netlify(text: str) -> dict[str, tuple[str, bool]]:
    """{old path or "/?query": (new, forced)} from a `_redirects` file of ours (for tests and checks)."""
    table = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) == 4:
            table[unquote(parts[0]) + "?" + parts[1]] = (unquote(parts[2]), parts[3].endswith("!"))
        else:
            table[unquote(parts[0])] = (unquote(parts[1]), parts[2].endswith("!"))
    return table
