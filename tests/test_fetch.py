"""The asset fetcher (wpmigrate/fetch.py) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from wpmigrate.fetch import FetchOptions, check_content, fetch_assets, map_host, mirror_names
from wpmigrate.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "assets"
PNG = (FIX / "tiny.png").read_bytes()
JPG = (FIX / "tiny.jpg").read_bytes()
GIF = (FIX / "tiny.gif").read_bytes()
HTML = (FIX / "page.html").read_bytes()


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def http(server: HTTPServer) -> Iterator[HTTPServer]:
    server.clear()
    yield server
    server.clear()


def _settings(**kw: object) -> FetchOptions:
    base: dict[str, object] = {"timeout": 2.0, "retries": 2, "concurrency": 4, "per_host": 2}
    base.update(kw)
    return FetchOptions.from_settings(Settings(**base))  # type: ignore[arg-type]


def _bodies(server: HTTPServer) -> list[tuple[str, int, int]]:
    return [(req.path, resp.status_code, len(resp.get_data())) for req, resp in server.log]


def test_images_are_fetched_into_the_cache(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/u/a.png").respond_with_data(PNG, content_type="image/png")
    http.expect_request("/u/b.jpg").respond_with_data(JPG, content_type="image/jpeg")
    http.expect_request("/u/c.gif").respond_with_data(GIF, content_type="image/gif")
    wanted = {f"assets/images/{n}": [http.url_for(f"/u/{n}")] for n in ("a.png", "b.jpg", "c.gif")}
    results = fetch_assets(wanted, _settings(), tmp_path / "cache")
    assert list(results) == list(wanted)
    for name, data in (("a.png", PNG), ("b.jpg", JPG), ("c.gif", GIF)):
        r = results[f"assets/images/{name}"]
        assert r.ok and r.source == "network" and r.bytes == len(data) == r.transferred
        assert Path(r.path).read_bytes() == data and Path(r.path).is_relative_to(tmp_path / "cache")
    assert (tmp_path / "cache" / "index.json").is_file()
    assert not list((tmp_path / "cache").rglob(".part-*"))


def test_404_fails_with_the_reason(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/missing.png").respond_with_data(b"not here", status=404)
    r = fetch_assets({"a/m.png": [http.url_for("/missing.png")]}, _settings(), tmp_path)["a/m.png"]
    assert not r.ok and r.reason.endswith("missing.png: HTTP 404") and r.path is None
    assert len(http.log) == 1  # a 404 is not retried


def test_500_then_200_is_retried(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_ordered_request("/flaky.png").respond_with_data(b"oops", status=500)
    http.expect_ordered_request("/flaky.png").respond_with_data(PNG, content_type="image/png")
    naps: list[float] = []
    r = fetch_assets({"a/f.png": [http.url_for("/flaky.png")]}, _settings(), tmp_path, sleep=naps.append)["a/f.png"]
    assert r.ok and Path(r.path).read_bytes() == PNG
    assert [s for _, s, _ in _bodies(http)] == [500, 200]
    assert naps == [0.5]  # the first back-off, recorded instead of spent


def test_backoff_doubles_until_the_retries_are_spent(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/down.png").respond_with_data(b"oops", status=503)
    naps: list[float] = []
    r = fetch_assets({"a/d.png": [http.url_for("/down.png")]}, _settings(retries=3), tmp_path, sleep=naps.append)
    assert not r["a/d.png"].ok and r["a/d.png"].reason.endswith("down.png: HTTP 503")
    assert naps == [0.5, 1.0, 2.0] and len(http.log) == 4


def test_slow_response_times_out(http: HTTPServer, tmp_path: Path) -> None:
    def slow(_: Request) -> Response:
        time.sleep(1.0)
        return Response(PNG, content_type="image/png")

    http.expect_request("/slow.png").respond_with_handler(slow)
    start = time.monotonic()
    naps: list[float] = []
    options = _settings(timeout=0.2, retries=1)
    r = fetch_assets({"a/s.png": [http.url_for("/slow.png")]}, options, tmp_path, sleep=naps.append)["a/s.png"]
    assert not r.ok and "timed out" in r.reason
    assert naps == [0.5]  # a timeout is retried
    assert time.monotonic() - start < 3
    assert not list(tmp_path.rglob("files/*/*"))
    # The server is shared by the tests: let its two slow answers finish here, or they land in the
    # next test's request log.
    deadline = time.monotonic() + 5
    while len(http.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(http.log) == 2


def test_429_honours_retry_after(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_ordered_request("/busy.gif").respond_with_data(b"slow down", status=429, headers={"Retry-After": "2"})
    http.expect_ordered_request("/busy.gif").respond_with_data(GIF, content_type="image/gif")
    naps: list[float] = []
    start = time.monotonic()
    r = fetch_assets({"a/b.gif": [http.url_for("/busy.gif")]}, _settings(), tmp_path, sleep=naps.append)["a/b.gif"]
    assert r.ok and Path(r.path).read_bytes() == GIF
    assert naps == [2.0]
    assert time.monotonic() - start < 2.0  # the wait was recorded, not spent


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("3600", 60.0, 60.0),  # capped: a server asking for an hour does not stall the run
        ("in 30 s", 25.0, 30.0),  # an HTTP date (made when the test runs): the time left until then
        ("soon", 0.5, 0.5),  # unreadable: the usual back-off
    ],
)
def test_retry_after_forms(http: HTTPServer, tmp_path: Path, retry_after: str, low: float, high: float) -> None:
    if retry_after == "in 30 s":
        retry_after = email.utils.formatdate(time.time() + 30, usegmt=True)
    http.expect_ordered_request("/b.gif").respond_with_data(b"", status=503, headers={"Retry-After": retry_after})
    http.expect_ordered_request("/b.gif").respond_with_data(GIF, content_type="image/gif")
    naps: list[float] = []
    assert fetch_assets({"a/b.gif": [http.url_for("/b.gif")]}, _settings(), tmp_path, sleep=naps.append)["a/b.gif"].ok
    assert len(naps) == 1 and low <= naps[0] <= high, naps


def test_html_page_with_200_is_not_an_image(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/gone.jpg").respond_with_data(HTML, content_type="text/html; charset=utf-8")
    http.expect_request("/liar.png").respond_with_data(HTML, content_type="image/png")
    results = fetch_assets(
        {"a/g.jpg": [http.url_for("/gone.jpg")], "a/l.png": [http.url_for("/liar.png")]}, _settings(), tmp_path
    )
    assert not results["a/g.jpg"].ok and "served an HTML page, not an image" in results["a/g.jpg"].reason
    assert not results["a/l.png"].ok and "not an image" in results["a/l.png"].reason
    assert not list(tmp_path.rglob("files/*/*"))


def test_redirect_is_followed(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/old.png").respond_with_data(b"", status=301, headers={"Location": http.url_for("/new.png")})
    http.expect_request("/new.png").respond_with_data(PNG, content_type="image/png")
    r = fetch_assets({"a/o.png": [http.url_for("/old.png")]}, _settings(), tmp_path)["a/o.png"]
    assert r.ok and Path(r.path).read_bytes() == PNG and r.url.endswith("/new.png")


def test_redirect_loop_fails(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/loop.png").respond_with_data(b"", status=302, headers={"Location": "/loop.png"})
    r = fetch_assets({"a/l.png": [http.url_for("/loop.png")]}, _settings(), tmp_path)["a/l.png"]
    assert not r.ok and "too many redirects" in r.reason


def test_oversize_is_refused(http: HTTPServer, tmp_path: Path) -> None:
    big = PNG + b"\x00" * 5000
    http.expect_request("/big.png").respond_with_data(big, content_type="image/png")
    http.expect_request("/stream.png").respond_with_handler(
        lambda _: Response(iter([PNG] + [b"\x00" * 1000] * 5), content_type="image/png")
    )
    results = fetch_assets(
        {"a/b.png": [http.url_for("/big.png")], "a/s.png": [http.url_for("/stream.png")]},
        _settings(max_asset_bytes=1000),
        tmp_path,
    )
    assert not results["a/b.png"].ok and "too large (5069 bytes > 1000)" in results["a/b.png"].reason
    assert not results["a/s.png"].ok and "too large (more than 1000 bytes)" in results["a/s.png"].reason
    assert not list(tmp_path.rglob("files/*/*"))


def _conditional(etag: str, data: bytes, ctype: str):  # type: ignore[no-untyped-def]
    def handler(req: Request) -> Response:
        if req.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            data, content_type=ctype, headers={"ETag": etag, "Last-Modified": "Wed, 01 Aug 2012 10:00:00 GMT"}
        )

    return handler


def test_second_run_transfers_no_body(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/e/a.png").respond_with_handler(_conditional('"a1"', PNG, "image/png"))
    http.expect_request("/e/b.jpg").respond_with_handler(_conditional('"b1"', JPG, "image/jpeg"))
    wanted = {"x/a.png": [http.url_for("/e/a.png")], "x/b.jpg": [http.url_for("/e/b.jpg")]}
    first = fetch_assets(wanted, _settings(), tmp_path)
    assert all(r.ok and r.transferred for r in first.values())
    http.clear_log()
    second = fetch_assets(wanted, _settings(), tmp_path)
    assert [(r.ok, r.source, r.transferred) for r in second.values()] == [(True, "cache", 0)] * 2
    assert sorted(_bodies(http)) == [("/e/a.png", 304, 0), ("/e/b.jpg", 304, 0)]
    assert Path(second["x/a.png"].path).read_bytes() == PNG
    # offline: the cache alone, no request at all
    http.clear_log()
    third = fetch_assets(wanted, _settings(offline=True), tmp_path)
    assert all(r.ok and r.source == "cache" for r in third.values()) and not http.log


def test_stale_cache_is_used_when_the_origin_is_gone(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_oneshot_request("/e/c.png").respond_with_handler(_conditional('"c1"', PNG, "image/png"))
    wanted = {"x/c.png": [http.url_for("/e/c.png")]}
    assert fetch_assets(wanted, _settings(), tmp_path)["x/c.png"].ok
    http.expect_request("/e/c.png").respond_with_data(b"gone", status=404)
    r = fetch_assets(wanted, _settings(), tmp_path)["x/c.png"]
    assert r.ok and r.source == "cache" and "stale cache (HTTP 404)" in r.reason


def test_host_map_photon_fallback_and_order(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/site/wp-content/uploads/2012/08/a.jpg").respond_with_data(b"", status=404)
    http.expect_request("/site/wp-content/uploads/2012/08/a-300x200.jpg").respond_with_data(b"", status=404)
    http.expect_request("/photon/www.x.com/wp-content/uploads/2012/08/a.jpg", query_string="ssl=1").respond_with_data(
        JPG, content_type="image/jpeg"
    )
    origin = "https://www.x.com/wp-content/uploads/2012/08/a.jpg"
    wanted = {
        "i/2012/08/a.jpg": [
            origin,
            origin.replace("a.jpg", "a-300x200.jpg"),
            "https://i1.wp.com/www.x.com/wp-content/uploads/2012/08/a.jpg?ssl=1",
        ]
    }
    s = _settings(host_map=(("www.x.com", http.url_for("/site")), ("i1.wp.com", http.url_for("/photon/"))))
    r = fetch_assets(wanted, s, tmp_path)["i/2012/08/a.jpg"]
    assert r.ok and Path(r.path).read_bytes() == JPG
    assert [p for p, _, _ in _bodies(http)] == [
        "/site/wp-content/uploads/2012/08/a.jpg",
        "/site/wp-content/uploads/2012/08/a-300x200.jpg",
        "/photon/www.x.com/wp-content/uploads/2012/08/a.jpg",
    ]


def test_wayback_is_opt_in(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/gone/a.png").respond_with_data(b"", status=404)
    http.expect_request(re.compile(r"^/wb/2id_/")).respond_with_data(PNG, content_type="image/png")
    wanted = {"i/a.png": [http.url_for("/gone/a.png")]}
    assert not fetch_assets(wanted, _settings(), tmp_path / "1")["i/a.png"].ok
    r = fetch_assets(wanted, _settings(wayback=True, wayback_url=http.url_for("/wb")), tmp_path / "2")["i/a.png"]
    assert r.ok and r.source == "wayback" and Path(r.path).read_bytes() == PNG


def test_mirror_first_httrack_and_wget_layouts(http: HTTPServer, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    lego = mirror / "i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingeb45.jpg"
    lego.parent.mkdir(parents=True)
    lego.write_bytes(JPG)
    wget = mirror / "www.y.com/wp-content/uploads/2020/01/b.png"
    wget.parent.mkdir(parents=True)
    wget.write_bytes(PNG)
    bad = mirror / "www.y.com/wp-content/uploads/2020/01/c.png"
    bad.write_bytes(HTML)  # an error page saved under an image name is not the image
    origin = "https://www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpg"
    wanted = {
        "i/lego.jpg": [
            origin,
            "https://i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpg?ssl=1",
        ],
        "i/b.png": ["https://www.y.com/wp-content/uploads/2020/01/b.png"],
        "i/c.png": ["https://www.y.com/wp-content/uploads/2020/01/c.png"],
        "i/escape.png": ["https://www.y.com/../../../../etc/passwd"],
    }
    results = fetch_assets(wanted, _settings(mirrors=(mirror,), offline=True), tmp_path / "cache")
    assert (
        results["i/lego.jpg"].ok
        and results["i/lego.jpg"].path == str(lego)
        and results["i/lego.jpg"].source == "mirror"
    )
    assert results["i/b.png"].ok and results["i/b.png"].path == str(wget)
    assert not results["i/c.png"].ok and "offline" in results["i/c.png"].reason
    assert not results["i/escape.png"].ok
    assert not http.log


def test_per_host_cap_bounds_concurrency(http: HTTPServer, tmp_path: Path) -> None:
    active, peak, lock = [0], [0], threading.Lock()

    def handler(_: Request) -> Response:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return Response(PNG, content_type="image/png")

    http.expect_request(re.compile(r"^/p/")).respond_with_handler(handler)
    wanted = {f"i/{n}.png": [http.url_for(f"/p/{n}.png")] for n in range(8)}
    results = fetch_assets(wanted, _settings(concurrency=8, per_host=2), tmp_path)
    assert all(r.ok for r in results.values())
    assert peak[0] == 2


def test_mirror_names_and_host_map() -> None:
    assert mirror_names("https://i1.wp.com/h.com/a/lego-king.jpeg?ssl=1") == [
        "i1.wp.com/h.com/a/lego-kingeb45.jpeg",
        "h.com/a/lego-kingeb45.jpeg",
        "i1.wp.com/h.com/a/lego-king.jpeg?ssl=1",
        "h.com/a/lego-king.jpeg?ssl=1",
        "i1.wp.com/h.com/a/lego-king.jpeg@ssl=1",
        "h.com/a/lego-king.jpeg@ssl=1",
        "i1.wp.com/h.com/a/lego-kingeb45.jpg",
        "h.com/a/lego-kingeb45.jpg",
    ]
    assert (
        map_host("https://old.com/wp-content/a.png?x=1", (("old.com", "http://127.0.0.1:8/base/"),))
        == "http://127.0.0.1:8/base/wp-content/a.png?x=1"
    )
    assert map_host("https://other.com/a.png", (("old.com", "http://127.0.0.1:8"),)) == "https://other.com/a.png"


def test_check_content() -> None:
    assert check_content("https://x/a.png", PNG, "image/png") == ""
    assert check_content("https://x/a.jpg", PNG, "image/png") == ""  # a PNG named .jpg is still a picture
    assert check_content("https://x/a.pdf", b"%PDF-1.4", "application/pdf") == ""
    assert check_content("https://x/a.pdf", HTML, "text/html") == "served an HTML page, not a media file"
    assert check_content("https://x/a.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "") == ""
