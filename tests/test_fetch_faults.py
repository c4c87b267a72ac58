"""Download faults (issue 12.6 and the defects found with it), against real servers on 127.0.0.1: a body that
trickles, endless Retry-After, a refused or dropped connection, a `..` climbing out of the --host-map base, a
cache that cannot be written, a mirror copy that is an error page, two runs sharing one cache."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pytest_httpserver import HTTPServer

from wpmigrate.fetch import Fetcher, FetchOptions, check_content, fetch_assets, map_host
from wpmigrate.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "assets"
PNG = (FIX / "tiny.png").read_bytes()
GIF = (FIX / "tiny.gif").read_bytes()
HTML = (FIX / "page.html").read_bytes()


def options(**kw: object) -> FetchOptions:
    base: dict[str, object] = {"timeout": 2.0, "retries": 2, "concurrency": 2, "per_host": 2}
    base.update(kw)
    return FetchOptions.from_settings(Settings(**base))  # type: ignore[arg-type]


@contextmanager
def raw_server(handle: Callable[[BaseHTTPRequestHandler, int], None]) -> Iterator[tuple[str, list[str]]]:
    """http.server in a thread, for what a framework will not do (trickle, drop the connection):
    `handle(request, n)` answers the n-th request (from 0). Yields its base URL and the paths asked for."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            paths.append(self.path)
            try:
                handle(self, len(paths) - 1)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: what these tests are about

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()


def send_head(req: BaseHTTPRequestHandler, length: int, ctype: str = "image/png") -> None:
    req.send_response(200)
    req.send_header("Content-Type", ctype)
    req.send_header("Content-Length", str(length))
    req.end_headers()


class FakeClock:
    """time.monotonic and time.sleep for the fetcher: sleeping moves the clock on, instantly."""

    def __init__(self) -> None:
        self.now, self.naps = 1000.0, []  # type: ignore[var-annotated]

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds


# --- the deadline per asset ----------------------------------------------------------------------


def test_a_trickling_body_is_cut_at_the_asset_deadline(tmp_path: Path) -> None:
    def trickle(req: BaseHTTPRequestHandler, _: int) -> None:
        send_head(req, len(PNG))
        for byte in PNG:  # one byte every 0.2 s: each read is well inside --timeout, the whole takes 14 s
            req.wfile.write(bytes([byte]))
            req.wfile.flush()
            time.sleep(0.2)

    with raw_server(trickle) as (base, paths):
        start = time.monotonic()
        wanted = {"i/t.png": [f"{base}/t.png"]}
        r = fetch_assets(wanted, options(timeout=1.0, asset_deadline=1.5, retries=2), tmp_path)["i/t.png"]
        took = time.monotonic() - start
    assert not r.ok and r.reason.endswith("t.png: took longer than the 1.5 s --asset-deadline"), r.reason
    assert 1.4 < took < 3.0, took
    assert paths == ["/t.png"]  # not retried: the deadline is for the asset, not per attempt
    assert not list(tmp_path.rglob("files/*/*"))


def test_queueing_for_a_busy_host_does_not_count(tmp_path: Path) -> None:
    def slow(req: BaseHTTPRequestHandler, _: int) -> None:
        time.sleep(0.4)
        send_head(req, len(PNG))
        req.wfile.write(PNG)

    with raw_server(slow) as (base, paths):
        wanted = {f"i/{n}.png": [f"{base}/{n}.png"] for n in range(3)}
        s = options(timeout=1.0, asset_deadline=0.7, concurrency=3, per_host=1)
        results = fetch_assets(wanted, s, tmp_path)  # one at a time: the third waits 0.8 s, then takes 0.4
    assert [r.ok for r in results.values()] == [True] * 3, [r.reason for r in results.values()]
    assert len(paths) == 3


def test_retry_after_waits_stop_at_the_asset_deadline(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/busy.gif").respond_with_data(b"", status=429, headers={"Retry-After": "60"})
    clock = FakeClock()
    wanted = {"i/b.gif": [httpserver.url_for("/busy.gif")]}
    s = options(retries=3, asset_deadline=100.0)
    r = fetch_assets(wanted, s, tmp_path, sleep=clock.sleep, clock=clock.time)["i/b.gif"]
    assert clock.naps == [60.0]  # a second 60 s wait would end past the deadline: given up instead
    assert not r.ok and r.reason.endswith(
        "busy.gif: HTTP 429 (gave up: the 60 s Retry-After would pass the 100 s --asset-deadline)"
    )
    assert len(httpserver.log) == 2


def test_deadline_zero_means_no_limit(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/busy.gif").respond_with_data(b"", status=429, headers={"Retry-After": "60"})
    clock = FakeClock()
    s = options(retries=3, asset_deadline=0.0)
    fetch_assets({"i/b.gif": [httpserver.url_for("/busy.gif")]}, s, tmp_path, sleep=clock.sleep, clock=clock.time)
    assert clock.naps == [60.0, 60.0, 60.0]


# --- the rejection message ------------------------------------------------------------------------


def test_bytes_sent_as_an_image_type_are_named_for_what_they_are() -> None:
    why = check_content("https://x/a.png", b'{"error": "quota exceeded"}', "image/png")
    assert why == 'served bytes that are not an image (they start b\'{"error": "q\', sent as image/png)'
    assert check_content("https://x/a.png", b"", "image/png") == "served an empty body, not an image"
    assert check_content("https://x/a.png", HTML, "image/png") == "served an HTML page, not an image"
    assert check_content("https://x/a.gif", b"\x00\x00garbage", "") == (
        "served bytes that are not an image (they start b'\\x00\\x00garbage')"
    )


# --- .. in a mapped URL ---------------------------------------------------------------------------


def test_dot_segments_stay_under_the_host_map_base(tmp_path: Path) -> None:
    def serve(req: BaseHTTPRequestHandler, _: int) -> None:
        send_head(req, len(PNG))
        req.wfile.write(PNG)

    with raw_server(serve) as (base, paths):
        s = options(host_map=(("www.x.com", f"{base}/BASE"),))
        wanted = {
            "i/x.png": ["https://www.x.com/wp-content/uploads/2020/01/../../../../../tmp/x.png"],
            "i/y.png": ["https://www.x.com/wp-content/uploads/%2e%2e/%2E%2E/./y.png"],
        }
        results = fetch_assets(wanted, s, tmp_path)
    assert all(r.ok for r in results.values())
    assert sorted(paths) == ["/BASE/tmp/x.png", "/BASE/y.png"]
    assert map_host("https://old.com/a/b/../../../../etc/passwd?x=1", (("old.com", "http://h/base/"),)) == (
        "http://h/base/etc/passwd?x=1"
    )


# --- connection errors ----------------------------------------------------------------------------


def test_a_refused_connection_is_not_retried(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    naps: list[float] = []
    r = fetch_assets({"i/a.png": [f"http://127.0.0.1:{port}/a.png"]}, options(retries=3), tmp_path, sleep=naps.append)
    assert not r["i/a.png"].ok and "Connection refused" in r["i/a.png"].reason, r["i/a.png"].reason
    assert naps == []


def test_a_connection_dropped_mid_transfer_is_retried(tmp_path: Path) -> None:
    def drop_first(req: BaseHTTPRequestHandler, n: int) -> None:
        send_head(req, len(PNG))
        req.wfile.write(PNG if n else PNG[:20])  # the first answer stops half-way
        req.close_connection = True

    naps: list[float] = []
    with raw_server(drop_first) as (base, paths):
        r = fetch_assets({"i/d.png": [f"{base}/d.png"]}, options(retries=2), tmp_path, sleep=naps.append)["i/d.png"]
    assert r.ok and Path(r.path or "").read_bytes() == PNG
    assert naps == [0.5] and paths == ["/d.png", "/d.png"]


# --- the cache and the mirror ---------------------------------------------------------------------


def test_a_cache_that_cannot_be_written_fails_the_asset_not_the_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    httpserver.expect_request("/b.gif").respond_with_data(GIF, content_type="image/gif")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "files").write_text("a file where the cache's folder goes\n")  # as a full or read-only disk would
    wanted = {"i/a.png": [httpserver.url_for("/a.png")], "i/b.gif": [httpserver.url_for("/b.gif")]}
    results = fetch_assets(wanted, options(), cache)
    for r in results.values():
        assert not r.ok and f"cannot write to the download cache {cache / 'files'}" in r.reason, r.reason
    assert not (cache / "index.json").exists()  # nothing new to record


def test_an_index_that_cannot_be_saved_is_a_warning(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    cache = tmp_path / "cache"
    (cache / "index.json").mkdir(parents=True)  # a folder where the index goes: it cannot be replaced
    (cache / "index.json" / "x").write_text("x")
    warnings: list[str] = []
    r = fetch_assets({"i/a.png": [httpserver.url_for("/a.png")]}, options(), cache, warn=warnings.append)["i/a.png"]
    assert r.ok and Path(r.path or "").read_bytes() == PNG  # this run has its bytes
    assert warnings == [
        f"cannot save the download cache index {cache / 'index.json'}: Is a directory; "
        "the next run downloads this run's assets again"
    ]
    assert not list(cache.glob(".index-*"))  # no temp file left behind


def test_a_mirror_copy_that_is_an_error_page_is_named(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    bad = mirror / "www.y.com/wp-content/uploads/2020/01/c.png"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(HTML)
    wanted = {"i/c.png": ["https://www.y.com/wp-content/uploads/2020/01/c.png"]}
    r = fetch_assets(wanted, options(mirrors=(mirror,), offline=True), tmp_path / "cache")["i/c.png"]
    assert not r.ok
    assert r.reason == f"mirror copy {bad} is an HTML page, not an image; offline: not in the cache"


def test_two_runs_sharing_a_cache_keep_both_entries(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/a.png").respond_with_data(PNG, content_type="image/png", headers={"ETag": '"a"'})
    httpserver.expect_request("/b.gif").respond_with_data(GIF, content_type="image/gif", headers={"ETag": '"b"'})
    a, b = httpserver.url_for("/a.png"), httpserver.url_for("/b.gif")
    cache = tmp_path / "cache"
    one, two = Fetcher(options(), cache), Fetcher(options(), cache)  # both read the (empty) index first
    assert one.fetch([a]).ok and two.fetch([b]).ok
    one.close()
    two.close()  # saved last: must not drop what the first one saved
    entries = json.loads((cache / "index.json").read_text(encoding="utf-8"))["entries"]
    assert sorted(entries) == [a, b] and entries[a]["etag"] == '"a"' and entries[b]["etag"] == '"b"'
    httpserver.clear_log()
    offline = fetch_assets({"x": [a], "y": [b]}, options(offline=True), cache)
    assert all(r.ok and r.source == "cache" for r in offline.values()) and not httpserver.log
