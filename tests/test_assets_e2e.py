"""Assets end to end: `wpmigrate convert` (through click's CliRunner) against a real HTTP server on
127.0.0.1, checked through the files it writes, their bytes and the rewritten Markdown."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, SHARED, NetworkGuard, corpus_file
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from wpmigrate.cli import main
from wpmigrate.convcache import CACHE_NAME
from wpmigrate.statrecord import RECORD_NAME

ASSETS = FIXTURES / "assets"
PNG = (ASSETS / "tiny.png").read_bytes()
JPG = (ASSETS / "tiny.jpg").read_bytes()
GIF = (ASSETS / "tiny.gif").read_bytes()
HTML = (ASSETS / "page.html").read_bytes()
SEED = SHARED / "seed" / "leadership.md"
UP = "https://www.example.test/wp-content/uploads/2020/01/"
# Small values through the options, so failures are quick: FAST where a timeout is the point, else
# STEADY, generous enough for a loaded machine (a 127.0.0.1 answer is never that slow).
FAST = ("--timeout", "0.5", "--retries", "1")
STEADY = ("--timeout", "20", "--retries", "1")


def convert(*args: str) -> Result:
    return CliRunner().invoke(main, ["convert", *args], catch_exceptions=False)


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


class Origin:
    """The old site: a handler for every path, with a per-path behaviour, counting what it sends."""

    def __init__(
        self,
        routes: dict[str, Callable[[Request, int], Response]],
        default: Callable[[Request, int], Response] | None = None,
    ) -> None:
        self.routes, self.default = routes, default
        self.hits: Counter[str] = Counter()
        self.sent: list[tuple[str, int, int]] = []  # (path, status, body bytes)
        self.lock = threading.Lock()

    def __call__(self, req: Request) -> Response:
        with self.lock:
            self.hits[req.path] += 1
            n = self.hits[req.path]
        name = req.path.rsplit("/", 1)[-1]
        route = self.routes.get(name, self.default)
        resp = route(req, n) if route else Response(b"no such file", status=404)
        with self.lock:
            self.sent.append((req.path, resp.status_code, len(resp.get_data())))
        return resp

    def bodies(self) -> list[tuple[str, int, int]]:
        """Responses that transferred a body."""
        return [s for s in self.sent if s[2] > 0]


def image(data: bytes, ctype: str) -> Callable[[Request, int], Response]:
    """An image with validators; a conditional request that matches gets 304 and no body."""

    def respond(req: Request, _: int) -> Response:
        etag = f'"{len(data)}-{req.path}"'
        if req.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            data, content_type=ctype, headers={"ETag": etag, "Last-Modified": "Wed, 15 Jan 2020 10:00:00 GMT"}
        )

    return respond


def cases(base: str) -> dict[str, Callable[[Request, int], Response]]:
    def slow(req: Request, n: int) -> Response:
        time.sleep(3.0)  # past --timeout 0.5: the client gives up, the test does not wait on it
        return Response(PNG, content_type="image/png")

    return {
        "ok.png": image(PNG, "image/png"),
        "big.jpg": image(JPG, "image/jpeg"),  # the original behind the Photon-resized reference
        "big-300x200.jpg": image(GIF, "image/gif"),  # the size variant: must not be the one saved
        "missing.png": lambda r, n: Response(b"not found", status=404),
        "flaky.png": lambda r, n: Response(b"oops", status=500) if n == 1 else image(PNG, "image/png")(r, n),
        "slow.png": slow,
        "busy.gif": lambda r, n: (
            Response(b"slow down", status=429, headers={"Retry-After": "1"})
            if n == 1
            else image(GIF, "image/gif")(r, n)
        ),
        "error-page.jpg": lambda r, n: Response(HTML, content_type="text/html; charset=utf-8"),
        "moved.png": lambda r, n: Response(
            b"", status=301, headers={"Location": base + "/wp-content/uploads/2020/01/new-home.png"}
        ),
        "new-home.png": image(PNG, "image/png"),
    }


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file of the output but the caches (tests/test_convcache.py and test_statrecord.py look at those)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (CACHE_NAME, RECORD_NAME)
    }


PICTURES_MD = """\
![ok](/assets/images/2020/01/ok.png)

[![big](/assets/images/2020/01/big.jpg)](/assets/images/2020/01/big.jpg)

![missing](https://www.example.test/wp-content/uploads/2020/01/missing.png)

![flaky](/assets/images/2020/01/flaky.png)

![slow](https://www.example.test/wp-content/uploads/2020/01/slow.png)

![busy](/assets/images/2020/01/busy.gif)

![error page](https://www.example.test/wp-content/uploads/2020/01/error-page.jpg)

![moved](/assets/images/2020/01/moved.png)

![foreign](https://elsewhere.example.net/cat.png)
"""
FETCHED = {
    "assets/images/2020/01/ok.png": PNG,
    "assets/images/2020/01/big.jpg": JPG,
    "assets/images/2020/01/flaky.png": PNG,
    "assets/images/2020/01/busy.gif": GIF,
    "assets/images/2020/01/moved.png": PNG,
}


def test_every_fetch_case_through_the_cli(server: HTTPServer, tmp_path: Path) -> None:
    base = server.url_for("").rstrip("/")
    origin = Origin(cases(base))
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    out, cache, report = tmp_path / "site", tmp_path / "cache", tmp_path / "report.json"
    result = convert(
        str(ASSETS / "site.xml"),
        "--out",
        str(out),
        "--asset-cache",
        str(cache),
        "--host-map",
        f"www.example.test={base}",
        "--strict",
        "--report",
        str(report),
        *FAST,
    )
    assert result.exit_code == 1, result.output  # --strict: three assets failed

    # files on disk and their bytes: one file per original, nothing for failures or foreign hosts
    posts = {"_posts/2020-01-15-pictures.md"}
    assert set(files_under(out)) - {".wpmigrate/manifest.json"} == posts | set(FETCHED)
    for rel, data in FETCHED.items():
        assert (out / rel).read_bytes() == data, rel
    # the Markdown: local paths for what was fetched, the absolute origin URL for what failed
    text = (out / "_posts/2020-01-15-pictures.md").read_text(encoding="utf-8")
    assert text.split("---\n\n", 1)[1] == PICTURES_MD
    # the report names every failure with its reason
    failed = {d["url"]: d["reason"] for d in json.loads(report.read_text(encoding="utf-8"))["assets_failed"]}
    assert failed == {
        UP + "missing.png": f"{UP}missing.png: HTTP 404",
        UP + "slow.png": f"{UP}slow.png: timed out",
        UP + "error-page.jpg": f"{UP}error-page.jpg: served an HTML page, not an image",
    }
    assert "Assets failed 3:" in result.output and f"{UP}slow.png: timed out" in result.output
    # what the server saw: retries where they help, the original before the variant, nothing for a 404 twice
    assert origin.hits["/wp-content/uploads/2020/01/flaky.png"] == 2
    assert origin.hits["/wp-content/uploads/2020/01/busy.gif"] == 2
    assert origin.hits["/wp-content/uploads/2020/01/missing.png"] == 1
    assert origin.hits["/wp-content/uploads/2020/01/slow.png"] == 2  # --retries 1
    assert origin.hits["/wp-content/uploads/2020/01/big-300x200.jpg"] == 0

    # again, offline, into a fresh folder: the cache alone, no request at all, and no --strict: exit 0
    n = len(origin.sent)
    again = convert(
        str(ASSETS / "site.xml"), "--out", str(tmp_path / "site2"), "--asset-cache", str(cache), "--offline", *FAST
    )
    assert again.exit_code == 0, again.output
    assert len(origin.sent) == n
    for rel, data in FETCHED.items():
        assert (tmp_path / "site2" / rel).read_bytes() == data
    assert (tmp_path / "site2/_posts/2020-01-15-pictures.md").read_text(encoding="utf-8") == text


def test_offline_opens_no_connection_at_all(network_guard: NetworkGuard, server: HTTPServer, tmp_path: Path) -> None:
    origin = Origin(cases(server.url_for("").rstrip("/")))
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    network_guard.allow_loopback = False  # not even 127.0.0.1
    result = convert(
        str(ASSETS / "site.xml"),
        "--out",
        str(tmp_path / "o"),
        "--asset-cache",
        str(tmp_path / "c"),
        "--host-map",
        f"www.example.test={server.url_for('').rstrip('/')}",
        "--offline",
    )
    assert result.exit_code == 0, result.output
    assert not origin.sent and not network_guard.refused
    assert "offline: not in a mirror or the cache" in result.output
    text = (tmp_path / "o/_posts/2020-01-15-pictures.md").read_text(encoding="utf-8")
    assert f"![ok]({UP}ok.png)" in text and "/assets/" not in text


def test_the_network_guard_refuses_other_hosts(network_guard: NetworkGuard) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get("http://www.example.test/a.png")
    assert network_guard.refused == ["name lookup of www.example.test"]
    network_guard.refused.clear()


# --- the seed post: a front-matter file pointing at ../i1.wp.com mirror paths ----------------------------

LEGO_PATH = "/wp-content/uploads/2012/08/lego-king.jpg"


def _seed(tmp: Path) -> Path:
    if not SEED.is_file():
        pytest.skip("../shared/seed/leadership.md not present")
    folder = tmp / "posts"
    folder.mkdir()
    shutil.copy(SEED, folder / "leadership.md")
    return folder


def test_seed_post_one_local_file_for_both_lego_references(server: HTTPServer, tmp_path: Path) -> None:
    origin = Origin({"lego-king.jpg": image(JPG, "image/jpeg")})
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    posts, out = _seed(tmp_path), tmp_path / "site"
    result = convert(
        str(posts),
        "--out",
        str(out),
        "--asset-cache",
        str(tmp_path / "c"),
        "--strict",
        "--host-map",
        f"www.christianamauger.com={server.url_for('').rstrip('/')}",
        *STEADY,
    )
    assert result.exit_code == 0, result.output
    assert set(files_under(out)) == {
        ".wpmigrate/manifest.json",
        "_posts/2012-08-08-leadership.md",
        "assets/images/2012/08/lego-king.jpg",
    }
    assert (out / "assets/images/2012/08/lego-king.jpg").read_bytes() == JPG
    assert [p for p, _, _ in origin.sent] == [LEGO_PATH]  # the original once, not the resized copy
    text = (out / "_posts/2012-08-08-leadership.md").read_text(encoding="utf-8")
    assert (
        '[![lego-king](/assets/images/2012/08/lego-king.jpg "lego-king")](/assets/images/2012/08/lego-king.jpg)' in text
    )
    assert "&amp;" not in text and "wp.com" not in text
    # the front matter is kept byte for byte, and so is every other line of the body
    seed = SEED.read_text(encoding="utf-8")
    assert text.startswith(seed.split("\n---\n", 1)[0] + "\n---\n")
    changed = [(a, b) for a, b in zip(seed.splitlines(), text.splitlines(), strict=False) if a != b]
    assert len(changed) == 3 and "lego-king" in changed[1][0]
    # the mirror's page links (SLUG.html) became the URLs the old site served (/SLUG/): see test_seed_scenario.py
    old_url = re.compile(r"\]\(([a-z0-9-]+)\.html ")
    for before, after in (changed[0], changed[2]):
        assert old_url.sub(r"](https://www.christianamauger.com/\1/ ", before) == after
    assert len(seed.splitlines()) == len(text.splitlines())
    # the cache lost and the old site gone: the copy in the output folder is still the picture
    shutil.rmtree(tmp_path / "c")
    again = convert(str(posts), "--out", str(out), "--asset-cache", str(tmp_path / "c"), "--strict", "--offline")
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed, 2 unchanged" in again.output and "Assets failed" not in again.output
    assert (out / "_posts/2012-08-08-leadership.md").read_text(encoding="utf-8") == text
    assert (out / "assets/images/2012/08/lego-king.jpg").read_bytes() == JPG


def test_seed_post_in_place(server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = Origin({"lego-king.jpg": image(JPG, "image/jpeg")})
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    posts = _seed(tmp_path)  # tmp_path is the site root, posts/ holds the half-migrated post
    monkeypatch.chdir(tmp_path)
    args = (
        "posts",
        "--in-place",
        "--asset-cache",
        str(tmp_path / "c"),
        "--host-map",
        f"www.christianamauger.com={server.url_for('').rstrip('/')}",
        *STEADY,
    )
    result = convert(*args)
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    assert set(files_under(tmp_path)) - {p for p in files_under(tmp_path) if p.startswith("c/")} == {
        ".wpmigrate/manifest.json",
        "posts/leadership.md",
        "assets/images/2012/08/lego-king.jpg",
    }
    text = (posts / "leadership.md").read_text(encoding="utf-8")
    seed = SEED.read_text(encoding="utf-8")
    old = "https://www.christianamauger.com/"
    assert text == seed.replace(
        "../i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingc434.jpg?resize=285%2C263&amp;ssl=1",
        "/assets/images/2012/08/lego-king.jpg",
    ).replace(
        "../i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingeb45.jpg?ssl=1",
        "/assets/images/2012/08/lego-king.jpg",
    ).replace(  # posts outside the run: their old URLs (WordPress's /SLUG/, not HTTrack's SLUG.html)
        "](le-marketing-de-contenu-est-roi.html ", f"]({old}le-marketing-de-contenu-est-roi/ "
    ).replace(
        "](la-curation-de-contenus-devient-de-plus-en-plus-populaire-en-marketing.html ",
        f"]({old}la-curation-de-contenus-devient-de-plus-en-plus-populaire-en-marketing/ ",
    )
    assert text != seed and "&amp;" not in text and "wp.com" not in text
    # a second run: nothing to do, the picture is still ours (not stale), no body transferred
    before = len(origin.bodies())
    again = convert(*args, "--prune")
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed, 1 unchanged" in again.output and "stale" not in again.output
    assert (posts / "leadership.md").read_text(encoding="utf-8") == text
    assert (tmp_path / "assets/images/2012/08/lego-king.jpg").read_bytes() == JPG
    assert len(origin.bodies()) == before


def test_in_place_refuses_files_outside_out_and_exports(tmp_path: Path) -> None:
    posts = _seed(tmp_path)
    result = CliRunner().invoke(
        main, ["convert", str(posts), "--in-place", "--out", str(tmp_path / "elsewhere"), "--offline"]
    )
    assert result.exit_code == 2
    assert "--in-place:" in result.output and "is not inside the output folder" in result.output
    assert (posts / "leadership.md").read_bytes() == SEED.read_bytes()
    result = CliRunner().invoke(
        main, ["convert", str(ASSETS / "site.xml"), "--in-place", "--out", str(tmp_path), "--offline"]
    )
    assert result.exit_code == 2 and "front-matter files" in result.output and "Traceback" not in result.output


# --- the theme unit test export, its image host served from 127.0.0.1 ---------------------------------

_IMAGE_REF = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^\s)>]+)|<img\b[^>]*\bsrc=[\"']([^\"']+)|<(?:video|audio)\b[^>]*\bposter=[\"']([^\"']+)"
)
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|ico)$", re.I)


def _image_refs(out: Path) -> list[tuple[str, str]]:
    """(post, url) of every image in the Markdown: `![..](url)`, `<img src>`, and links to image files."""
    refs = []
    for md in sorted(out.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        for m in _IMAGE_REF.finditer(text):
            refs.append((md.relative_to(out).as_posix(), next(g for g in m.groups() if g)))
        for url in re.findall(r"\]\(\s*<?([^\s)>]+)", text):
            if _IMAGE_EXT.search(url.split("?")[0]) and (md.relative_to(out).as_posix(), url) not in refs:
                refs.append((md.relative_to(out).as_posix(), url))
    return refs


@pytest.mark.slow
def test_wptt_every_image_is_a_local_file_and_a_rerun_transfers_nothing(server: HTTPServer, tmp_path: Path) -> None:
    wptt = corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml")
    origin = Origin(
        {},
        default=lambda req, n: image(
            PNG if req.path.endswith(".png") else GIF if req.path.endswith(".gif") else JPG, "image/png"
        )(req, n),
    )
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    base = server.url_for("").rstrip("/")
    out, cache = tmp_path / "site", tmp_path / "cache"
    args = (
        str(wptt),
        "--out",
        str(out),
        "--asset-cache",
        str(cache),
        "--strict",
        *STEADY,
        "--host-map",
        f"wpthemetestdata.files.wordpress.com={base}/files",
        "--host-map",
        f"wpthemetestdata.wordpress.com={base}/blog",
    )
    result = convert(*args)
    assert result.exit_code == 0, result.output
    refs = _image_refs(out)
    assert len(refs) > 100
    remote = [(post, url) for post, url in refs if not url.startswith("/assets/images/")]
    assert remote == []
    missing = [(post, url) for post, url in refs if not (out / unquote(url).lstrip("/")).is_file()]
    assert missing == []
    assets = {p.relative_to(out).as_posix() for p in (out / "assets/images").rglob("*") if p.is_file()}
    assert assets >= {unquote(url).lstrip("/") for _, url in refs}
    # nothing fetched that no post uses (the others are audio, video and PDF files the posts link to)
    texts = "".join(md.read_text(encoding="utf-8") for md in out.rglob("*.md"))
    assert [a for a in sorted(assets) if f"/{a}" not in unquote(texts)] == []
    first = origin.bodies()
    assert first and all(status == 200 for _, status, _ in first)
    assert len({path for path, _, _ in first}) == len(first)  # each file downloaded once

    # the second run: the assets in the output are WordPress uploads, which do not change under the
    # same name: not a single request
    origin.sent.clear()
    again = convert(*args)
    assert again.exit_code == 0, again.output
    assert origin.sent == []
    assert "0 new, 0 changed" in again.output
    # --revalidate: a conditional request for each, answered 304; no body crosses the wire
    again = convert(*args, "--revalidate")
    assert again.exit_code == 0, again.output
    assert origin.bodies() == []
    assert {status for _, status, _ in origin.sent} == {304}
    assert len(origin.sent) == len(first)
    assert "0 new, 0 changed" in again.output


# --- nothing from the input can write outside the output folder ----------------------------------------

HOSTILE_URLS = [
    "https://www.example.test/wp-content/uploads/../../../../../../escape-dots.png",
    "https://www.example.test/wp-content/uploads/%2e%2e/%2e%2e/%2E%2E/%2e%2e/%2e%2e/escape-pct.png",
    "https://www.example.test/wp-content/uploads/2020/01/..%2f..%2f..%2f..%2f..%2fescape-slash.png",
    "https://www.example.test/wp-content/uploads/2020/01/..%5c..%5c..%5c..%5c..%5cescape-bs.png",
    "https://www.example.test/wp-content/uploads/2020/01/..\\..\\..\\..\\..\\escape-rawbs.png",
    "https://www.example.test/wp-content/uploads/2020/01/escape-nul%00.png",
    "https://www.example.test//tmp/escape-abs.png",
    "https://www.example.test/C:/Windows/escape-drive.png",
    "https://www.example.test/wp-content/uploads/2020/01/" + "long" * 500 + ".png",
    "https://www.example.test/wp-content/uploads/" + "/".join(["deep"] * 300) + "/escape-deep.png",
    "../../../../../../../../www.example.test/wp-content/uploads/../../../../escape-mirror.png",
    "https://i0.wp.com/www.example.test/wp-content/uploads/%2e%2e/%2e%2e/%2e%2e/escape-photon.png?ssl=1",
    "https://www.example.test/wp-content/uploads/2020/01/%2e%2e",
]
HOSTILE_SLUGS = [
    "../../../../escape-slug",
    "%2e%2e%2f%2e%2e%2fescape-slug2",
    "..\\..\\escape-slug3",
    "escape-nul%00",
    "/tmp/escape-slug4",
    "C:%5cescape-slug5",
    "x" * 1000,
]


def _hostile_export(path: Path) -> None:
    from xml.sax.saxutils import escape

    imgs = "".join(
        f'<p><a href="{escape(u)}"><img src="{escape(u)}" alt="h{i}" /></a></p>\n' for i, u in enumerate(HOSTILE_URLS)
    )
    items = []
    for i, slug in enumerate(["pictures", *HOSTILE_SLUGS]):
        items.append(f"""<item><title>Post {i}</title><link>https://www.example.test/?p={i + 1}</link>
<content:encoded><![CDATA[{imgs if i == 0 else "<p>text</p>"}]]></content:encoded>
<wp:post_id>{i + 1}</wp:post_id><wp:post_date>2020-01-15 10:00:00</wp:post_date>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status>{"publish" if i % 2 == 0 else "draft"}</wp:status>
<wp:post_parent>0</wp:post_parent><wp:post_type>{"post" if i % 3 else "page"}</wp:post_type></item>""")
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><link>https://www.example.test</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://www.example.test</wp:base_site_url>
{"".join(items)}</channel></rss>""",
        encoding="utf-8",
    )


def _everything(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize("kind", ["wxr", "frontmatter"])
def test_hostile_urls_and_names_stay_inside_the_output_folder(kind: str, server: HTTPServer, tmp_path: Path) -> None:
    origin = Origin({}, default=lambda req, n: Response(PNG, content_type="image/png"))
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    src = tmp_path / "in"
    src.mkdir()
    if kind == "wxr":
        _hostile_export(src / "export.xml")
        source = src / "export.xml"
    else:  # a Markdown body and an HTML body, with the same URLs
        md = "".join(
            f"[![h{i}]({u.replace(chr(92), '%5C')})]({u.replace(chr(92), '%5C')})\n\n"
            for i, u in enumerate(HOSTILE_URLS)
        )
        (src / "md.md").write_text(f"---\ntitle: md\ndate: 2020-01-15\n---\n\n{md}", encoding="utf-8")
        html = "".join(f'<p><img src="{u}"></p>\n' for u in HOSTILE_URLS)
        (src / "html.html").write_text(f"---\ntitle: html\ndate: 2020-01-15\n---\n{html}", encoding="utf-8")
        source = src
    out = tmp_path / "a" / "b" / "c" / "site"
    before = _everything(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "convert",
            str(source),
            "--out",
            str(out),
            "--asset-cache",
            str(tmp_path / "cache"),
            "--host-map",
            f"www.example.test={server.url_for('').rstrip('/')}",
            "--site-url",
            "https://www.example.test/",
            *STEADY,
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # nothing new anywhere but the output folder and the cache
    new = {p for p in _everything(tmp_path) - before if not p.startswith(("a/b/c/site", "cache"))}
    assert new == {"a", "a/b", "a/b/c"}
    assert origin.sent  # the images really were downloaded ...
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assets = [p for p in written if "assets" in p.relative_to(out).parts]
    assert len(assets) >= 8  # ... and written, each inside the folder, under a name safe everywhere
    for p in written:
        rel = p.relative_to(out).as_posix()
        assert p.resolve().is_relative_to(out.resolve()) and not p.is_symlink()
        assert all(
            seg not in ("", ".", "..")
            and "\\" not in seg
            and "\x00" not in seg
            and ":" not in seg
            and len(seg.encode()) <= 255
            for seg in rel.split("/")
        ), rel
        if p in assets:
            assert rel.startswith("assets/images/") and len(rel) <= 180, rel
            assert p.read_bytes() == PNG
    for name in ("escape-dots.png", "escape-pct.png", "escape-slash.png", "escape-bs.png", "escape-abs.png"):
        assert not Path("/", name).exists() and not Path("/tmp", name).exists()
    # every local reference in the Markdown is one of those files
    for md in (p for p in written if p.suffix == ".md"):
        for url in re.findall(r"\]\((/assets/images/[^\s)]+)", md.read_text(encoding="utf-8")):
            assert (out / unquote(url).lstrip("/")).is_file(), url


def test_in_place_html_body_is_written_beside_as_markdown(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = Origin({"ok.png": image(PNG, "image/png")})
    server.expect_request(re.compile("^/")).respond_with_handler(origin)
    (tmp_path / "_posts").mkdir()
    html = (
        "---\ntitle: Old one\ndate: 2020-01-15\n# a comment kept\n---\n"
        '<p>Hello <img src="https://i0.wp.com/www.example.test/wp-content/uploads/2020/01/ok.png?w=300&amp;ssl=1"></p>\n'
    )
    page = tmp_path / "_posts" / "2020-01-15-old-one.html"
    page.write_text(html, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = convert(
        "_posts",
        "--in-place",
        "--asset-cache",
        str(tmp_path / "c"),
        "--site-url",
        "https://www.example.test/",
        "--host-map",
        f"www.example.test={server.url_for('').rstrip('/')}",
        *STEADY,
    )
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == html  # the input is left as it was
    assert (tmp_path / "_posts/2020-01-15-old-one.md").read_text(
        encoding="utf-8"
    ) == "---\ntitle: Old one\ndate: 2020-01-15\n# a comment kept\n---\n\nHello ![](/assets/images/2020/01/ok.png)\n"
    assert (tmp_path / "assets/images/2020/01/ok.png").read_bytes() == PNG
    assert (
        "_posts/2020-01-15-old-one.html: written beside it as Markdown, _posts/2020-01-15-old-one.md" in result.output
    )


def test_in_place_never_overwrites_a_markdown_file_beside_an_html_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/a.html").write_text("---\ntitle: A\ndate: 2020-01-15\n---\n<p>new</p>\n", encoding="utf-8")
    mine = tmp_path / "posts/a.md"
    mine.write_text("---\ntitle: my own notes\n---\n\nmine\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["convert", "posts/a.html", "--in-place", "--offline"])
    assert result.exit_code == 1 and "conflict" in result.output, result.output
    assert mine.read_text(encoding="utf-8") == "---\ntitle: my own notes\n---\n\nmine\n"
