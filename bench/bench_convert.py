"""Measure a whole `wpmigrate convert` run: posts per second and peak RSS, in a child process.

    python bench/bench_convert.py /tmp/big.xml [--jobs 1] [--keep]

Runs `python -m wpmigrate convert FILE --out TMP --offline -q` (offline: the network would measure the
network) into a fresh temporary folder, then reads the child's peak RSS from getrusage(RUSAGE_CHILDREN).
Prints one line per figure; paste them into bench/README.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the output folder and print its path")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="wpmigrate-bench-")) / "site"
    cmd = [
        sys.executable,
        "-m",
        "wpmigrate",
        "convert",
        str(args.path),
        "--out",
        str(out),
        "--offline",
        "-q",
        "--jobs",
        str(args.jobs),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    if proc.returncode not in (0, 1):
        sys.exit(f"convert failed with exit {proc.returncode}: {proc.stderr.strip()[:500]}")
    written = sum(1 for _ in out.rglob("*.md"))
    print(f"file {args.path.name}: {args.path.stat().st_size / 1e6:.1f} MB, {written} Markdown files written")
    print(f"time {elapsed:.1f} s: {written / elapsed:,.0f} posts/s (jobs {args.jobs})")
    print(f"peak RSS {peak_mb:.0f} MB")
    print(f"output kept in {out}" if args.keep else "", end="\n" if args.keep else "")
    if not args.keep:
        import shutil

        shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
