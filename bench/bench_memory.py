"""wpmigrate's peak memory against the size of the export (issue 11: flat memory).

    python bench/bench_memory.py --sizes 1000,10000,30000,100000 [--jobs N] [--dry-run]

For each size: the export of run.py (make_wxr.py --theme, written once into bench/.work/, ~4.8 KB a
post), then one cold `wpmigrate convert EXPORT --out FRESH --offline -q` (default options otherwise),
printing wall time and the peak RSS of the parent process and of its largest --jobs worker
(getrusage SELF and CHILDREN, taken as the process exits), and the growth per post from the
previous size. The parent is what grows with the export; workers hold one post at a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import WORK, export_for, load1, machine  # noqa: E402  (bench/ is not a package)

# Runs the CLI in this interpreter and, at exit, writes the peaks (KiB on Linux) to the file in argv[1].
PROBE = """
import atexit, json, resource, runpy, sys
out = sys.argv.pop(1)
def peaks():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"parent": me.ru_maxrss, "child": kids.ru_maxrss}, fh)
atexit.register(peaks)
sys.argv[0] = "wpmigrate"
runpy.run_module("wpmigrate", run_name="__main__")
"""


def measure(size: int, jobs: int | None, dry_run: bool) -> dict[str, float]:
    export = export_for(size)
    out = WORK / f"mem-out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    probe = WORK / f"mem-{size}.json"
    cmd = [sys.executable, "-c", PROBE, str(probe), "convert", str(export), "--out", str(out), "--offline", "-q"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if dry_run:
        cmd.append("--dry-run")
    load = load1()
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the offline asset failures of the theme data are expected
        sys.exit(f"wpmigrate failed on {export}: {done.stderr.decode(errors='replace')[-2000:]}")
    peaks = json.loads(probe.read_text())
    probe.unlink()
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "parent": peaks["parent"] / 1024, "child": peaks["child"] / 1024, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,30000,100000")
    parser.add_argument("--jobs", type=int, default=None, help="default: wpmigrate's (the cores available)")
    parser.add_argument("--dry-run", action="store_true", help="measure --dry-run instead (spool in the temp folder)")
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {machine()}, jobs {args.jobs or 'default'}")
    print(f"{'posts':>7} {'wall s':>7} {'parent MB':>9} {'worker MB':>9} {'KB/post':>8}  load")
    last: tuple[int, float] | None = None
    for size in (int(s) for s in args.sizes.split(",")):
        m = measure(size, args.jobs, args.dry_run)
        slope = f"{(m['parent'] - last[1]) * 1024 / (size - last[0]):8.2f}" if last and size != last[0] else " " * 8
        print(f"{size:>7} {m['wall']:7.1f} {m['parent']:9.1f} {m['child']:9.1f} {slope}  {m['load']:.1f}", flush=True)
        last = (size, m["parent"])


if __name__ == "__main__":
    main()
