"""The output of each profile is a site its real generator builds, with no missing-layout warning, and
that site (served on 127.0.0.1 with the --redirects netlify map applied) answers every old URL of the
export with 200 after at most one redirect. Each generator's tests skip, saying why, without it."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, corpus_file

from wpmigrate.cli import main
from wpmigrate.importers import open_sources
from wpmigrate.redirects import read_netlify

NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"  # where .ci/run installs Eleventy and Astro


def node_tool(name: str) -> str | None:
    local = NODE_MODULES / ".bin" / name
    return str(local) if local.is_file() else None


GENERATORS = {
    "jekyll": shutil.which("jekyll"),
    "hugo": shutil.which("hugo"),
    "eleventy": node_tool("eleventy"),
    "astro": node_tool("astro"),
}
INSTALL = {
    "jekyll": "apt-get install jekyll",
    "hugo": "apt-get install hugo",
    "eleventy": "npm install --no-audit --no-fund @11ty/eleventy@3 in .ci/node, as .ci/run does",
    "astro": "npm install --no-audit --no-fund astro@5 in .ci/node, as .ci/run does",
}
PROFILES = list(GENERATORS)
BUILT_POST = {
    "jekyll": "sailing/2024/03/16/leaving-the-harbour.html",
    "hugo": "2024/03/leaving-the-harbour/index.html",
    "eleventy": "2024/03/leaving-the-harbour/index.html",
    "astro": "2024/03/leaving-the-harbour/index.html",
}
BUILT_IMAGE = {
    "jekyll": "assets/images/2024/03/harbour.png",
    "hugo": "2024/03/leaving-the-harbour/harbour.png",
    "eleventy": "assets/images/2024/03/harbour.png",
    "astro": "",  # Astro's image pipeline renames it (/_astro/harbour.HASH.webp): checked below
}
WPTT = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
ALIENLEBARGE = "real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml"  # 588 items of a real blog
EXPORTS = {"wptt": WPTT, "alienlebarge": ALIENLEBARGE}
BIG = pytest.param("alienlebarge", marks=pytest.mark.slow)
# What each generator says when a page has no layout to render it with.
MISSING_LAYOUT = ("does not exist", "found no layout file", "WARN")


def needs(profile: str) -> None:
    if GENERATORS[profile] is None:
        pytest.skip(f"{profile} is not installed (Debian: {INSTALL[profile]})")


def source_args(which: str) -> list[str]:
    if which == "demo":
        return [str(FIXTURES / "demo" / "export.xml"), "--mirror", str(FIXTURES / "demo" / "mirror")]
    return [str(corpus_file(EXPORTS[which]))]


def build(profile: str, which: str, root: Path, *extra: str) -> tuple[Path, Path, str]:
    """Convert with --scaffold and a netlify map, then build: (source folder, built site, build log)."""
    needs(profile)
    out = root / f"{profile}-{which}"
    args = ["convert", *source_args(which), "--offline", "-q", "--out", str(out), "--profile", profile, *extra]
    result = CliRunner().invoke(main, [*args, "--scaffold", "--redirects", "netlify"])
    assert result.exit_code == 0, result.output
    built = root / f"{profile}-{which}-built"
    if profile == "astro":
        # The site's own node_modules: links to the installed packages, and its own Vite cache.
        (out / "node_modules").mkdir()
        for package in NODE_MODULES.iterdir():
            (out / "node_modules" / package.name).symlink_to(package)
    command = {
        "jekyll": [str(GENERATORS["jekyll"]), "build", "-s", str(out), "-d", str(built)],
        "hugo": [str(GENERATORS["hugo"]), "-s", str(out), "-d", str(built)],
        # Eleventy reads its config from the current folder.
        "eleventy": [str(GENERATORS["eleventy"]), "--input=.", f"--output={built}"],
        # Astro runs its build output to render the pages: it must stay inside the project (dist/).
        "astro": [str(GENERATORS["astro"]), "build"],
    }[profile]
    proc = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=out)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    return out, out / "dist" if profile == "astro" else built, log


_BUILT: dict[tuple[str, str], tuple[Path, Path, str]] = {}


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    def get(profile: str, which: str) -> tuple[Path, Path, str]:
        if (profile, which) not in _BUILT:
            _BUILT[profile, which] = build(profile, which, tmp_path_factory.mktemp("sites"))
        return _BUILT[profile, which]

    return get


@pytest.mark.parametrize("which", ["demo", "wptt", BIG])
@pytest.mark.parametrize("profile", PROFILES)
def test_the_scaffolded_site_builds_without_warnings(site, profile: str, which: str) -> None:  # type: ignore[no-untyped-def]
    out, built, log = site(profile, which)
    # Astro's only other warning: an export without pages leaves the `pages` collection empty.
    empty = (
        "[glob-loader] No files found",
        "[glob-loader] The base directory",
        'collection "pages" does not exist or is empty',
    )
    plain_log = re.sub(r"\x1b\[[0-9;]*m", "", log)  # Astro colours its log whatever the terminal
    warned = [line for line in plain_log.splitlines() if any(w in line for w in MISSING_LAYOUT)]
    assert not [line for line in warned if not any(e in line for e in empty)], log[-3000:]
    pages = list(built.rglob("*.html"))
    posts = [p for p in out.rglob("*.md") if not {"_drafts", "drafts"} & set(p.parts)]
    assert len(pages) >= len([p for p in posts if "\ndraft: true\n" not in p.read_text(encoding="utf-8")]) - 1
    if which == "demo":
        html = (built / BUILT_POST[profile]).read_text(encoding="utf-8")
        assert "<h1>Leaving the harbour: a first crossing</h1>" in html and "colour of slate" in html
        if BUILT_IMAGE[profile]:
            assert (built / BUILT_IMAGE[profile]).is_file()
        else:
            assert list(built.glob("_astro/harbour.*.webp")) and "/_astro/harbour." in html


@contextmanager
def serve(root: Path, redirects: dict[str, tuple[str, bool]]) -> Iterator[str]:
    """A static server of `root` on 127.0.0.1 applying a netlify map as Netlify does: a forced rule
    (`301!`) first, else the file when there is one, else the rule."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            key = path + (f"?{parts.query}" if parts.query else "")
            rule = redirects.get(key) or redirects.get(key.rstrip("/")) or redirects.get(key + "/")
            found = self.file(path)
            if rule and (rule[1] or found is None):
                self.send_response(301)
                self.send_header("Location", quote(rule[0], safe="/:@!$&'()*+,;=-._~%"))
                self.end_headers()
                return
            self.send_response(200 if found else 404)
            self.end_headers()

        def file(self, path: str) -> Path | None:
            target = root / path.lstrip("/")
            for candidate in (target / "index.html", target, Path(str(target) + ".html")):
                if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
                    return candidate
            return None

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def status_after_one_redirect(host: str, url: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", url)
    response = conn.getresponse()
    response.read()
    if response.status in (301, 302):
        location = response.getheader("Location") or ""
        conn.request("GET", location)
        second = conn.getresponse()
        second.read()
        return second.status, location
    return response.status, url


def old_urls(export: Path) -> list[str]:
    """Every public URL the WordPress site had for the export's content: posts, pages and attachment
    pages (their <link>), `?p=ID`, `?page_id=ID`, category and tag archives."""
    source = open_sources([export], lambda _w: None)
    urls: list[str] = []
    for post in source.posts():
        if post.type not in ("post", "page", "attachment") or post.password:
            continue  # password-protected posts are left out unless asked (privacy.py)
        if post.type != "attachment" and post.status != "publish":
            continue  # never public
        path = urlsplit(post.link).path
        if path and path != "/":
            urls.append(quote(unquote(path)).replace("//", "/"))
        if post.id is not None:
            urls.append(f"/?{'attachment_id' if post.type == 'attachment' else 'p'}={post.id}")
            if post.type == "page":
                urls.append(f"/?page_id={post.id}")
    categories = {t.slug: t for t in source.site.terms if t.domain == "category"}
    for term in source.site.terms:
        if term.domain == "category":
            chain = [term.slug]
            while categories.get(chain[0]) and categories[chain[0]].parent in categories:
                chain.insert(0, categories[chain[0]].parent)
            urls.append(quote("/category/" + "/".join(chain) + "/"))
        elif term.domain == "post_tag":
            urls.append(quote(f"/tag/{term.slug}/"))
    return [*urls, "/feed/"]


@pytest.mark.parametrize("which", ["wptt", BIG])
@pytest.mark.parametrize("profile", PROFILES)
def test_every_old_url_answers_after_at_most_one_redirect(site, profile: str, which: str) -> None:  # type: ignore[no-untyped-def]
    out, built, _log = site(profile, which)
    redirects_file = out / {"hugo": "static/_redirects", "astro": "public/_redirects"}.get(profile, "_redirects")
    assert (built / "_redirects").is_file()  # published with the site, where Netlify reads it
    table = read_netlify(redirects_file.read_text(encoding="utf-8"))
    urls = old_urls(corpus_file(EXPORTS[which]))
    assert len(urls) > 300
    with serve(built, table) as host:
        failures = [(url, *status_after_one_redirect(host, url)) for url in urls]
    failures = [f for f in failures if f[1] != 200]
    assert not failures, failures[:20]


def test_jekyll_with_keep_urls_serves_every_post_and_page_at_its_old_path(tmp_path: Path) -> None:
    out, built, _log = build("jekyll", "wptt", tmp_path, "--keep-urls")
    table = read_netlify((out / "_redirects").read_text(encoding="utf-8"))
    source = open_sources([corpus_file(WPTT)], lambda _w: None)
    paths = [
        quote(unquote(urlsplit(p.link).path)).replace("//", "/")
        for p in source.posts()
        if p.type in ("post", "page") and p.status == "publish" and not p.password and urlsplit(p.link).path
    ]
    assert len(paths) > 50 and not any(unquote(p) in table for p in paths)  # none needs a redirect
    with serve(built, table) as host:
        answers = [(path, *status_after_one_redirect(host, path)) for path in paths]
    assert not [a for a in answers if a[1:] != (200, a[0])], answers[:10]
