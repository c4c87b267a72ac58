"""Issue 11, flat memory: a run's rendered files live in an anonymous spool file, in OUT/.wpmigrate/ for a
run that writes and in the temp folder for --dry-run/--check; it is gone after the run, failed or not.
So do the posts the index pass keeps (the post spool), which the conversion pass reads back."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, corpus_file, isolated_workdir

from wpmigrate import pipeline, writer
from wpmigrate.convcache import ConversionCache
from wpmigrate.errors import OutputError
from wpmigrate.models import OutputFile, Post
from wpmigrate.pipeline import run
from wpmigrate.settings import Settings
from wpmigrate.spool import PostSpool, Spool, pickle_post, unpickle_post

EXPORT = FIXTURES / "wxr" / "site.xml"
needs_proc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")


def open_files() -> dict[int, str]:
    """What this process's file descriptors point at."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
    return found


def settings(out: Path, export: Path = EXPORT, **options: object) -> Settings:
    options.setdefault("jobs", 1)
    return Settings.from_options(sources=(export,), out=out, offline=True, quiet=True, **options)


def watch_post_spools(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where each post spool of a run is while the index pass fills it, in the order of the runs."""
    where: list[str] = []
    seen: set[int] = set()
    real = PostSpool.put

    def put(self: PostSpool, blob: bytes) -> tuple[int, int]:
        if id(self) not in seen:
            seen.add(id(self))
            where.append(os.readlink(f"/proc/self/fd/{self._spool._file.fileno()}"))
        return real(self, blob)

    monkeypatch.setattr(PostSpool, "put", put)
    return where


def test_spool_gives_back_what_it_was_given(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    a, b = spool.put(b"first\n"), spool.put(b"")
    c = spool.put("é\n".encode() * 5000)
    assert (a.read(), b.read(), c.read()) == (b"first\n", b"", "é\n".encode() * 5000)
    assert c.sha256 == hashlib.sha256("é\n".encode() * 5000).hexdigest()
    assert list(tmp_path.iterdir()) == []  # anonymous: no name in the folder, even while open
    out = OutputFile("a.md", source="x.xml#1", spooled=a)
    again = out.with_bytes(b"second\n")
    assert again.spooled is not None and again.read_bytes() == b"second\n" and out.read_bytes() == b"first\n"
    assert OutputFile("b.md", b"mem").with_bytes(b"new") == OutputFile("b.md", b"new")
    spool.close()
    assert spool.closed


def test_a_post_comes_back_from_the_post_spool_as_it_was_read(tmp_path: Path) -> None:
    post = Post(source="a/../e.xml", line=12, id=3, title="T", content="é" * 100_000, meta={"m": [1, {"x": 2}]})
    moved = Post(**{**vars(post), "line": 40})
    assert pickle_post(moved) == pickle_post(post)  # a post moved down the file is the same post
    assert unpickle_post(pickle_post(post), ("a/../e.xml", 12, 3)) == post  # its source as it was typed
    spool = PostSpool(Spool(tmp_path))
    first, second = spool.put(pickle_post(post)), spool.put(pickle_post(moved))
    assert first == (0, len(pickle_post(post))) and second[0] == first[1]
    assert spool.get(*second, ("a/../e.xml", 40, 3)) == moved and spool.get(*first, ("a/../e.xml", 12, 3)) == post
    assert list(tmp_path.iterdir()) == []
    spool.close()
    assert spool.closed


@needs_proc
def test_a_run_spools_in_its_output_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"
    before = open_files()
    posts = watch_post_spools(monkeypatch)
    _, plan = run(settings(out))
    assert len(posts) == 1 and posts[0].startswith(str(out.resolve() / ".wpmigrate") + "/")
    assert posts[0].endswith("(deleted)")
    assert plan.spool is not None and not plan.spool.closed
    where = open_files()[plan.spool._file.fileno()]
    assert where.startswith(str(out.resolve() / ".wpmigrate") + "/") and where.endswith("(deleted)")
    written = [c for c in plan.changes if c.action == "create" and c.kind == "post"]
    assert written and all(c.output and c.output.spooled for c in written)
    assert written[0].new_bytes() == (out / written[0].path).read_bytes()
    assert sorted(p.name for p in (out / ".wpmigrate").iterdir()) == [
        "convert-cache.sqlite",
        "manifest.json",
        "written-stats",
    ]
    plan.close()
    assert open_files().keys() == before.keys()


@needs_proc
def test_a_failed_run_closes_its_spool_and_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"

    def disk_full(plan: object, out_dir: Path) -> None:
        raise OutputError(out_dir / "x.md", OSError(28, "No space left on device"))

    monkeypatch.setattr(writer, "apply_plan", disk_full)
    gc.collect()  # files an earlier test left to the collector would close during the run, not here
    before = open_files()
    with pytest.raises(OutputError) as failed:
        run(settings(out))
    assert failed.traceback and open_files().keys() == before.keys()  # (`failed` holds the run's frames)
    assert not out.exists()  # the folders made for the spool (and the cache) are removed again


@needs_proc
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_conversion_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Ctrl-C while posts convert (here or in --jobs workers): the spools are closed, the workers
    stopped, the folders made for the run removed."""
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"
    export = corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml")  # enough posts for workers
    real, stored = ConversionCache.store, []
    real_convert = pipeline.convert_post

    def slow_convert(post: Post, ctx: object) -> object:
        time.sleep(0.03)  # (the theme's ~80 posts then take workers over a second: still at work below)
        return real_convert(post, ctx)  # type: ignore[arg-type]  # (a ConvertContext)

    def store(self: ConversionCache, *args: object) -> None:
        stored.append(len(multiprocessing.active_children()))
        if len(stored) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does: Python raises KeyboardInterrupt
        real(self, *args)  # type: ignore[arg-type]  # (the arguments it was given)

    monkeypatch.setattr(pipeline, "convert_post", slow_convert)
    monkeypatch.setattr(ConversionCache, "store", store)
    posts = watch_post_spools(monkeypatch)
    before = open_files()
    with pytest.raises(KeyboardInterrupt) as interrupted:
        run(settings(out, export, jobs=jobs))
    # (`interrupted` holds the run's frames, so nothing was closed by being dropped)
    assert interrupted.traceback and posts[0].startswith(str(out.resolve() / ".wpmigrate") + "/")
    assert stored == [jobs if jobs > 1 else 0] * 3  # the workers were at work when it came
    assert multiprocessing.active_children() == []
    assert open_files().keys() == before.keys()
    assert [f for f in open_files().values() if f.startswith(str(out.resolve()))] == []
    assert not out.exists()


@needs_proc
@pytest.mark.parametrize("mode", ["dry_run", "check"])
def test_dry_runs_spool_outside_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"
    posts = watch_post_spools(monkeypatch)
    _, plan = run(settings(out, **{mode: True}))
    assert not out.exists()
    assert posts[0].startswith(str(Path(tempfile.gettempdir()).resolve()) + "/") and posts[0].endswith("(deleted)")
    assert plan.spool is not None
    where = open_files()[plan.spool._file.fileno()]
    assert where.startswith(str(Path(tempfile.gettempdir()).resolve()) + "/")
    assert not where.startswith(str(out.resolve()))
    created = [c for c in plan.changes if c.action == "create" and c.kind == "post"]
    assert created and created[0].new_bytes().startswith(b"---\n")  # the --diff report reads it back
    plan.close()
    # over an existing output: nothing added to it either
    _, written = run(settings(out))
    written.close()
    listing = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setattr("wpmigrate.lastrun.replay", lambda settings: None)  # the full path, not a replay
    _, plan = run(settings(out, **{mode: True}))
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == listing
    assert not open_files()[plan.spool._file.fileno()].startswith(str(out.resolve()))
    plan.close()
