"""Measure the WXR importer alone: posts per second and peak RSS, in a fresh process.

    python bench/bench_import.py /tmp/big.xml [--passes 2]

Reads the file the way the pipeline does (open_wxr, then posts() `--passes` times: the pipeline reads
it once) and touches every field so nothing is left lazy. Peak RSS is resource.getrusage's ru_maxrss of
this process (interpreter and imports included; the baseline before parsing is printed too).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wpmigrate.importers.wxr import open_wxr


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--passes", type=int, default=1)
    args = ap.parse_args()
    base = peak_rss_mb()
    warnings: list[str] = []
    start = time.perf_counter()
    export = open_wxr([args.path], warnings.append)
    count = chars = 0
    for _ in range(args.passes):
        for post in export.posts():
            count += 1
            chars += len(post.content) + len(post.title) + len(post.meta) + len(post.comments)
    elapsed = time.perf_counter() - start
    size = args.path.stat().st_size
    print(f"file {args.path.name}: {size / 1e6:.1f} MB, {count // args.passes} items, {args.passes} pass(es)")
    print(f"time {elapsed:.2f} s: {count / elapsed:,.0f} posts/s, {size * args.passes / 1e6 / elapsed:.1f} MB/s")
    print(f"peak RSS {peak_rss_mb():.0f} MB (baseline after imports {base:.0f} MB); warnings {len(warnings)}")


if __name__ == "__main__":
    main()
