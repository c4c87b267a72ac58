"""1,000 images at 100 ms latency: a cold run and a re-run of `wpmigrate convert`, from a local server.

    python bench/bench_assets.py [--images 1000] [--latency 0.1] [--per-host N] [--concurrency N]

Starts a threaded http.server on 127.0.0.1 that sleeps `--latency` seconds before every answer (a 304
too) and serves a small PNG per path with an ETag and a Last-Modified (as WordPress hosting does, so a
cache entry can be revalidated). Writes an export of `--images` posts with one image each on
https://bench.example/wp-content/uploads/..., maps that host to the server (--host-map), then runs
into a fresh output folder with a fresh download cache (cold), and again into the same folder (re-run).
Prints wall times, the requests the server saw and the load average.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example</wp:base_site_url><wp:base_blog_url>https://bench.example</wp:base_blog_url>
"""
ITEM = """<item><title>Picture {n}</title><link>https://bench.example/?p={n}</link>
<dc:creator>bench</dc:creator><guid isPermaLink="false">https://bench.example/?p={n}</guid>
<content:encoded><![CDATA[<p>Picture {n}:</p>
<img src="https://bench.example/wp-content/uploads/2020/01/picture-{n}.png" alt="picture {n}">]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2020-01-01 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt><wp:post_name>picture-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>
</item>
"""
LAST_MODIFIED = "Wed, 01 Jan 2020 10:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    latency = 0.1
    requests = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        with Handler.lock:
            Handler.requests += 1
        time.sleep(self.latency)
        etag = '"' + hashlib.md5(self.path.encode()).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = PNG + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--per-host", type=int, default=None)
    ap.add_argument("--concurrency", type=int, default=None)
    ap.add_argument("--revalidate", action="store_true", help="also time a re-run with --revalidate")
    args = ap.parse_args()
    Handler.latency = args.latency
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = Path(tempfile.mkdtemp(prefix="wpmigrate-bench-assets-"))
    try:
        export = work / "export.xml"
        export.write_text(
            HEADER + "".join(ITEM.format(n=n) for n in range(1, args.images + 1)) + "</channel></rss>\n",
            encoding="utf-8",
        )
        cmd = [sys.executable, "-m", "wpmigrate", "convert", str(export), "--out", str(work / "site"), "-q"]
        cmd += ["--host-map", f"bench.example=http://127.0.0.1:{server.server_address[1]}"]
        cmd += ["--asset-cache", str(work / "cache")]
        for flag, value in (("--per-host", args.per_host), ("--concurrency", args.concurrency)):
            if value is not None:
                cmd += [flag, str(value)]
        runs = [("cold", cmd), ("re-run", cmd)]
        if args.revalidate:
            runs.append(("re-run --revalidate", [*cmd, "--revalidate"]))
        for label, argv in runs:
            load, before = os.getloadavg()[0], Handler.requests
            start = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"{label}: exit {proc.returncode}: {proc.stderr[-800:]}")
            print(
                f"{label}: {elapsed:.2f} s, {Handler.requests - before} requests, "
                f"{args.images} images at {args.latency * 1000:.0f} ms, load {load:.2f}"
            )
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
