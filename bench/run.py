"""wpmigrate beside the fastest peer, on the same generated exports, in one sitting.

    python bench/run.py --sizes 1000,10000 [--repeat 3] [--warm] [--scaling] [--no-peer] [--jobs N]

For each size: writes (once, then re-used) an export replicating the theme unit test data's posts and
pages (make_wxr.py --theme) into bench/.work/, then runs, interleaved and --repeat times,

    wpmigrate convert EXPORT --out FRESH --offline -q                 (default options otherwise)
    node wordpress-export-to-markdown 2.2.2 --wizard false ...        (write delay 0, images off)

each cold run into a folder removed just before (then os.sync() and a 3 s pause: settle()), and
prints the best wall time of each, posts/s, the peak RSS of that run (the largest process of it:
ru_maxrss from wait4) and the ratio peer time / wpmigrate time (above 1: wpmigrate is faster). The load
average is printed beside each figure: the machines these run on are shared.

--scaling adds wpmigrate cold with --jobs 1 and --jobs 2, interleaved.
--warm adds wpmigrate's re-runs into the last cold output: nothing changed, one post's title changed,
and `--check` with nothing changed (the conversion cache, issue 11).

The peer is installed on first use under bench/.peer/ (git-ignored) with
`npm install --no-audit --no-fund wordpress-export-to-markdown@2.2.2`, and its settings.js patched:
`markdown_file_write_delay = 0` (it sleeps 25 ms between files by default, which would measure the sleep).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
TRASH = WORK / "trash"  # output folders of finished runs, removed when every run is timed
PEER_DIR = HERE / ".peer"
PEER_PKG = PEER_DIR / "node_modules" / "wordpress-export-to-markdown"
PEER_VERSION = "2.2.2"

sys.path.insert(0, str(HERE))
from make_wxr import write_wxr  # noqa: E402  (bench/ is not a package)


@dataclass(frozen=True)
class Timing:
    seconds: float
    peak_mb: float
    files: int
    load: float  # 1-minute load average when the run started
    exit: int


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}, Python {sys.version.split()[0]}"


def load1() -> float:
    return os.getloadavg()[0]


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of the child's largest process, exit status) of one command."""
    # As a user's shell runs them: some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run
    # compile wpmigrate's source again (about 0.3 s) where an installed package has its bytecode cached.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:4])} ... failed with exit {proc.returncode}: {err.decode(errors='replace')[-800:]}")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode  # KiB on Linux


def count_md(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.md")) if folder.exists() else 0


def export_for(size: int) -> Path:
    path = WORK / f"theme-{size}.xml"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_wxr(tmp, size, theme=True)
        tmp.replace(path)
    return path


def install_peer() -> Path:
    index = PEER_PKG / "index.js"
    if not index.exists():
        PEER_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", f"wordpress-export-to-markdown@{PEER_VERSION}"],
            cwd=PEER_DIR,
            check=True,
        )
    settings = PEER_PKG / "src" / "settings.js"
    text = settings.read_text(encoding="utf-8")
    patched = re.sub(r"(markdown_file_write_delay\s*=\s*)\d+", r"\g<1>0", text)
    if patched != text:
        settings.write_text(patched, encoding="utf-8")
    return index


def wpmigrate_cmd(export: Path, out: Path, jobs: int | None, *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "wpmigrate", "convert", str(export), "--out", str(out), "--offline", "-q", *extra]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def peer_cmd(index: Path, export: Path, out: Path) -> list[str]:
    return [
        "node",
        str(index),
        "--wizard",
        "false",
        "--input",
        str(export),
        "--output",
        str(out),
        "--save-attached-images",
        "false",
        "--save-scraped-images",
        "false",
        "--include-other-types",
        "true",
    ]


# After removing an output folder: how long to let the disk settle before a timed run (see settle()).
SETTLE_SECONDS = 3.0


def settle() -> None:
    """Flush what the last run left to the disk, then pause: the same before every timed run, for both
    tools, so that no run pays for writing back the one before it."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


def clear(out: Path) -> None:
    """Make way for a cold run: the old folder is moved into TRASH (a rename: instant), and TRASH is
    emptied once every run is timed. Deleting it here would tax the next timed run: on ext4 mounted with
    `discard` (this machine's root), the blocks an `rm -rf` of 10,000 files frees are discarded in the
    background for seconds afterwards, and file creations meanwhile are ten times slower (openat 0.5 ms
    instead of 0.05 ms). A sync and a pause do not reliably cover it."""
    if out.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        out.rename(TRASH / f"{out.name}-{time.time_ns()}")


def run_one(cmd: list[str], out: Path, fresh: bool = True) -> Timing:
    if fresh:
        clear(out)
        settle()
    load = load1()
    seconds, peak, code = timed(cmd, cwd=ROOT)
    return Timing(seconds, peak, count_md(out), load, code)


def best(runs: list[Timing]) -> Timing:
    return min(runs, key=lambda t: t.seconds)


def line(label: str, t: Timing, posts: int) -> str:
    return (
        f"| {label} | {t.seconds:.2f} s | {posts / t.seconds:,.0f} posts/s | {t.peak_mb:.0f} MB "
        f"| {t.files} files | load {t.load:.2f} |"
    )


def retitle_one(export: Path, target: Path) -> None:
    """A copy of the export with the first post's title changed. Line by line: the bench process must
    stay small, as a child started by exec reports the RSS its parent had when it forked (Linux)."""
    done, in_item = False, False
    with export.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for text in src:
            in_item = in_item or "<item>" in text
            if in_item and not done and "<title>" in text:
                m = re.search(r"<title>(<!\[CDATA\[)?", text)
                assert m is not None
                text = text[: m.end()] + "Changed " + text[m.end() :]
                done = True
            dst.write(text)
    assert done, f"{export}: no item title"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated post counts")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved; the best is kept")
    ap.add_argument("--jobs", type=int, default=None, help="wpmigrate --jobs (default: its own default)")
    ap.add_argument("--warm", action="store_true", help="also time wpmigrate's re-runs (cache)")
    ap.add_argument("--no-peer", action="store_true", help="wpmigrate only")
    ap.add_argument("--scaling", action="store_true", help="also time wpmigrate --jobs 1 against --jobs 2")
    args = ap.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    index = None if args.no_peer else install_peer()
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}: {machine()}")
    print("| run | time | rate | peak RSS | output | load |\n|---|---:|---:|---:|---:|---:|")
    try:
        for size in sizes:
            bench_size(size, args, index)
    finally:
        shutil.rmtree(TRASH, ignore_errors=True)


def bench_size(size: int, args: argparse.Namespace, index: Path | None) -> None:
    """Every timing of one export size (cold against the peer, then --scaling and --warm if asked)."""
    export = export_for(size)
    ours: list[Timing] = []
    peer: list[Timing] = []
    out_ours, out_peer = WORK / f"out-wpmigrate-{size}", WORK / f"out-peer-{size}"
    for _ in range(args.repeat):
        ours.append(run_one(wpmigrate_cmd(export, out_ours, args.jobs), out_ours))
        if index is not None:
            peer.append(run_one(peer_cmd(index, export, out_peer), out_peer))
    o = best(ours)
    print(line(f"wpmigrate {size:,} cold (best of {len(ours)})", o, size))
    if peer:
        p = best(peer)
        print(line(f"peer {size:,} (best of {len(peer)})", p, size))
        print(
            f"| ratio {size:,}: peer / wpmigrate time | {p.seconds / o.seconds:.2f} | | "
            f"memory {o.peak_mb / p.peak_mb:.2f} | | |"
        )
    if args.scaling:
        scaling(export, out_ours, args.repeat, size)
    if args.warm:
        warm(export, out_ours, args, size, o)
    clear(out_peer)


def scaling(export: Path, out: Path, repeat: int, size: int) -> None:
    """Cold runs with 1 and 2 processes, interleaved (the parallel speed-up)."""
    one: list[Timing] = []
    two: list[Timing] = []
    for _ in range(repeat):
        one.append(run_one(wpmigrate_cmd(export, out, 1), out))
        two.append(run_one(wpmigrate_cmd(export, out, 2), out))
    a, b = best(one), best(two)
    print(line(f"wpmigrate {size:,} cold --jobs 1", a, size))
    print(line(f"wpmigrate {size:,} cold --jobs 2 ({a.seconds / b.seconds:.2f}x)", b, size))


def warm(export: Path, out: Path, args: argparse.Namespace, size: int, cold: Timing) -> None:
    """Re-runs over the same export path (the cache knows posts by their source), its content switched
    between the original and a copy with one title changed."""
    live, changed = WORK / f"live-{size}.xml", WORK / f"live-{size}-changed.xml"
    shutil.copyfile(export, live)
    retitle_one(export, changed)
    run_one(wpmigrate_cmd(live, out, args.jobs), out)  # the cold run the re-runs start from
    runs: dict[str, list[Timing]] = {"re-run, nothing changed": [], "--check, nothing changed": []}
    runs["re-run, one title changed"] = []
    for _ in range(args.repeat):
        runs["re-run, nothing changed"].append(run_one(wpmigrate_cmd(live, out, args.jobs), out, fresh=False))
        runs["--check, nothing changed"].append(run_one(wpmigrate_cmd(live, out, args.jobs, "--check"), out, False))
        # Changed, then back: each timed run converts exactly one post.
        shutil.copyfile(changed, live)
        runs["re-run, one title changed"].append(run_one(wpmigrate_cmd(live, out, args.jobs), out, fresh=False))
        shutil.copyfile(export, live)
        run_one(wpmigrate_cmd(live, out, args.jobs), out, fresh=False)
    for label, timings in runs.items():
        t = best(timings)
        print(line(f"wpmigrate {size:,} {label} ({100 * t.seconds / cold.seconds:.0f}% of cold)", t, size))
    live.unlink()
    changed.unlink()


if __name__ == "__main__":
    main()
