"""A writing run records what the next run with the same inputs would give (lastrun._predict), and that run
replays it. Each scenario here makes such a writing run, then compares what the replay gives with what the
full path gives when replay is disabled -- report text, JSON report, exit code, plan changes, manifest --
byte for byte, with and without --check. The reference is always a real full run, never the predictor.
Where a re-run might not repeat the writing run (a download, a failure), nothing may be recorded."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, corpus_file, isolated_workdir, local_server
from werkzeug import Request, Response

import wpmigrate.lastrun as lastrun
import wpmigrate.pipeline as pipeline
from wpmigrate.lastrun import read_record
from wpmigrate.manifest import MANIFEST_PATH
from wpmigrate.models import RunReport
from wpmigrate.plan import Plan
from wpmigrate.report import exit_code, render_json, render_text
from wpmigrate.settings import Settings

THEME = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
NESTED = "<title>Edge Case: Nested And Mixed Lists</title>"
NESTED_POST = "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md"
HOST = "wpthemetestdata.files.wordpress.com"
Outcome = tuple[str, str, int, RunReport, Plan]


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolated_workdir(tmp_path, monkeypatch, "work")


def settings_for(sources: list[Path], out: Path, **options: object) -> Settings:
    return Settings.from_options(sources=sources, out=out, quiet=True, **{"offline": True, **options})


def run(sources: list[Path], out: Path, **options: object) -> Outcome:
    settings = settings_for(sources, out, **options)
    report, plan = pipeline.run(settings)
    text, data, code = (
        render_text(report, plan, settings),
        render_json(report, plan, settings),
        exit_code(report, plan, settings),
    )
    plan.close()
    return text, data, code, report, plan


def full(sources: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> Outcome:
    """The reference: the whole path (read, index, convert or take from the cache, plan, apply)."""
    with monkeypatch.context() as m:
        m.setattr(lastrun, "replay", lambda settings: None)
        return run(sources, out, **options)


def replayed(sources: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> Outcome:
    """A run that must replay: reading the export fails the test."""

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the export was read: not replayed")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "open_sources", no_reading)
        return run(sources, out, **options)


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the output but the conversion cache (a full run may compact it): bytes and mtime."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "convert-cache.sqlite"
    }


def assert_same(a: Outcome, b: Outcome) -> None:
    (ta, ja, ca, ra, pa), (tb, jb, cb, rb, pb) = a, b
    assert ta == tb
    assert ja == jb
    assert ca == cb
    assert ra == rb  # every field: counts, warnings, skipped, failed, assets, changes, posts reused
    assert pa.changes == pb.changes
    assert pa.manifest_bytes == pb.manifest_bytes and pa.options == pb.options
    assert pa.manifest_changed == pb.manifest_changed and pa.drift == pb.drift
    assert [(c.output.source, c.output.kind) if c.output else None for c in pa.changes] == [
        (c.output.source, c.output.kind) if c.output else None for c in pb.changes
    ]


def check_prediction(sources: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> Outcome:
    """After a writing run that recorded: the replay, with and without --check, is what the full path gives,
    and that full path writes nothing."""
    assert read_record(out) is not None
    before = snapshot(out)
    got = replayed(sources, out, monkeypatch, **options)
    got_check = replayed(sources, out, monkeypatch, check=True, **options)
    reference = full(sources, out, monkeypatch, **options)
    assert reference[3].posts_converted == 0 and not reference[4].manifest_changed
    assert snapshot(out) == before  # the prediction was right: the full run wrote nothing
    assert_same(got, reference)
    assert_same(got_check, full(sources, out, monkeypatch, check=True, **options))
    return reference


def copy_of(src: Path, tmp_path: Path, name: str = "export.xml") -> Path:
    dest = tmp_path / name
    shutil.copyfile(src, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the scenarios ------------------------------------------------------------------------------------
def test_a_cold_run_offline_with_failed_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    text, _, _, report, plan = run([export], out)
    assert report.posts_converted > 70 and report.assets_failed and report.skipped
    assert plan.counts()["create"] > 70
    reference = check_prediction([export], out, monkeypatch)
    assert reference[3].posts_reused == report.posts_converted and reference[0] != text


@pytest.mark.parametrize(
    "options",
    [
        {"download_assets": False, "profile": "hugo"},  # (hugo warns of its config: read from the output)
        {"redirect_format": "netlify", "aliases": True},  # a file that is no post's
    ],
)
def test_other_options(options: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out, **options)
    check_prediction([export], out, monkeypatch, **options)


@pytest.mark.parametrize(
    "name",
    [
        "damaged.xml",  # repairs, each a warning
        "site.xml",
        "script-cdata.xml",
        "site-utf16.xml",  # read through the repairer from the first byte
    ],
)
def test_fixture_exports(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(FIXTURES / "wxr" / name, tmp_path), tmp_path / "site"
    report = run([export], out)[3]
    if report.failed:  # a failed post is never predicted: a re-run converts it again
        assert read_record(out) is None
        return
    check_prediction([export], out, monkeypatch)


def test_a_damaged_export_is_predicted_with_its_repairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(FIXTURES / "wxr" / "damaged.xml", tmp_path), tmp_path / "site"
    report = run([export], out)[3]
    assert any("removed" in w or "escaped" in w for w in report.warnings) and not report.failed
    reference = check_prediction([export], out, monkeypatch)
    assert reference[3].warnings == report.warnings


def test_split_exports_gzipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    first = tmp_path / "split-1.xml.gz"
    first.write_bytes(gzip.compress((FIXTURES / "wxr" / "split-1.xml").read_bytes()))
    second = copy_of(FIXTURES / "wxr" / "split-2.xml", tmp_path, "split-2.xml")
    out = tmp_path / "site"
    run([first, second], out)
    check_prediction([first, second], out, monkeypatch)


@pytest.mark.parametrize(
    "rel",
    [
        "real-wxr/fdietz__fdietz.github.com/wordpress.xml",  # an undeclared atom: prefix, repaired CDATA
        "real-wxr/1Marc__wordpress-to-gatsby/export.xml",
        "real-wxr/mfgpcm__wordpress-export-to-markdown/wordpress_export.xml",
    ],
)
def test_corpus_exports(rel: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(rel), tmp_path), tmp_path / "site"
    report = run([export], out)[3]
    if report.failed:
        assert read_record(out) is None
        return
    check_prediction([export], out, monkeypatch)


def test_one_title_changed_then_prune_removes_a_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    edit(export, NESTED, "<title>Nested lists, renamed</title>")
    _, _, _, report, plan = run([export], out)
    assert report.posts_converted == 1 and plan.counts()["update"] == 1
    check_prediction([export], out, monkeypatch)
    # The post gone from the export: stale without --prune (nothing written: the manifest keeps it) ...
    text = export.read_text(encoding="utf-8")
    start = text.index("<title>Nested lists, renamed</title>")
    item = text.rindex("<item>", 0, start)
    export.write_text(text[:item] + text[text.index("</item>", start) + len("</item>") :], encoding="utf-8")
    _, _, _, report, plan = run([export], out)
    assert [c.action for c in plan.changes if c.path == NESTED_POST] == ["stale"]
    check_prediction([export], out, monkeypatch)
    # ... and removed with it: the next run forgets it.
    _, _, _, report, plan = run([export], out, prune=True)
    assert [c.action for c in plan.changes if c.path == NESTED_POST] == ["remove"]
    assert not (out / NESTED_POST).exists()
    reference = check_prediction([export], out, monkeypatch, prune=True)
    assert all(c.path != NESTED_POST for c in reference[4].changes)


def test_a_conflict_beside_an_update_then_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    post = out / NESTED_POST
    post.write_bytes(post.read_bytes() + b"\nmy note\n")  # a hand edit
    (out / "_posts/in-the-way.md").write_bytes(b"mine")  # not ours, not in the way of anything
    edit(export, "<title>Lorem Ipsum</title>", "<title>Lorem ipsum, again</title>")
    _, _, code, _, plan = run([export], out)
    assert code == 1 and plan.counts()["conflict"] == 1 and plan.counts()["update"] == 1
    reference = check_prediction([export], out, monkeypatch)
    assert reference[2] == 1 and [c.path for c in reference[4].by_action("conflict")] == [NESTED_POST]
    # --force overwrites it: the next run with --force finds it unchanged.
    _, _, code, _, plan = run([export], out, force=True)
    assert code == 0 and plan.counts()["overwrite"] == 1
    check_prediction([export], out, monkeypatch, force=True)


def test_a_file_deleted_by_hand_is_written_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    (out / NESTED_POST).unlink()
    _, _, _, report, plan = run([export], out)
    assert plan.counts()["create"] == 1 and report.posts_converted == 0  # from the conversion cache
    check_prediction([export], out, monkeypatch)


def test_inputs_that_are_not_exports_record_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mirror and front-matter files: a folder's files are not watched, so every run is a full one."""
    mirror_out, fm_out = tmp_path / "site-mirror", tmp_path / "site-fm"
    mirror = [FIXTURES / "mirror"]
    run(mirror, mirror_out)
    assert read_record(mirror_out) is None
    assert_same(run(mirror, mirror_out), full(mirror, mirror_out, monkeypatch))
    pages = sorted((FIXTURES / "frontmatter" / "mirror-links").glob("*.md"))
    run(pages, fm_out)
    assert read_record(fm_out) is None
    assert_same(run(pages, fm_out), full(pages, fm_out, monkeypatch))


# -- what is never predicted -------------------------------------------------------------------------
def serve(status: int) -> tuple[Callable[[Request], Response], list[str]]:
    """A handler answering every image (or `status`), and the paths it was asked for."""
    served: list[str] = []

    def handler(request: Request) -> Response:
        served.append(request.path)
        if status != 200:
            return Response("gone", status=status)
        return Response(b"\x89PNG\r\n\x1a\n" + request.path.encode(), status=200, content_type="image/png")

    return handler, served


def test_downloads_are_never_predicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    live, served = serve(200)
    with local_server(live) as url:
        online = {"offline": False, "host_map": (f"{HOST}={url}",)}
        report = run([export], out, **online)[3]
        assert report.assets_fetched > 30 and read_record(out) is None  # downloaded: no prediction
        asked = len(served)
        report = run([export], out, **online)[3]
        # Every asset is in the output now: the run asks nothing, changes nothing, and is recorded.
        assert report.assets_fetched == 0 and len(served) == asked
        check_prediction([export], out, monkeypatch, **online)
        assert len(served) == asked  # nor did the full runs


def test_failed_downloads_are_never_predicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    gone, served = serve(404)
    with local_server(gone) as url:
        online = {"offline": False, "host_map": (f"{HOST}={url}",)}
        report = run([export], out, **online)[3]
        assert report.assets_failed and read_record(out) is None  # would be tried again
        asked = len(served)
        report = run([export], out, **online)[3]
        assert report.assets_failed and read_record(out) is None and len(served) > asked  # and was


def test_a_failed_post_is_never_predicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A post over its time budget (the real budget.py timer) fails now and may not next time."""
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    real = pipeline.convert_post

    def slow(post, ctx):  # type: ignore[no-untyped-def]
        if post.title == "Edge Case: Nested And Mixed Lists":
            time.sleep(1)
        return real(post, ctx)

    monkeypatch.setattr(pipeline, "convert_post", slow)
    report = run([export], out, jobs=1, post_time_budget=0.3)[3]
    assert [f.error for f in report.failed] == [
        "conversion took longer than 0.3 s (the per-post time budget); skipped"
    ] and read_record(out) is None
    monkeypatch.setattr(pipeline, "convert_post", real)
    report = run([export], out, jobs=1, post_time_budget=0.3)[3]
    assert not report.failed and report.posts_converted == 1 and read_record(out) is not None


# -- racy stats ---------------------------------------------------------------------------------------
def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Right after the run that wrote it (its stat racy), and long after (ctime changes with any edit)."""
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    post = out / NESTED_POST
    st = post.stat()
    data = post.read_bytes()
    post.write_bytes(data.replace(b"Nested", b"NESTED", 1))
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, _, code, _, plan = run([export], out, check=True)
    assert code == 1 and [c.path for c in plan.by_action("conflict")] == [NESTED_POST]
    post.write_bytes(data)  # undone
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
    run([export], out)
    monkeypatch.setattr(lastrun, "RACY_NS", 0)  # as if long after: stats trusted
    run([export], out, prune=False, force=False)  # a full run: recorded with settled stats
    record = lastrun.load_record(out)
    assert record is not None
    assert all(sha is None for _, _, sha in record.stats)
    st = post.stat()
    post.write_bytes(data.replace(b"Nested", b"NESTED", 1))
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, _, code, _, plan = run([export], out, check=True)
    assert code == 1 and [c.path for c in plan.by_action("conflict")] == [NESTED_POST]


def test_a_touched_export_with_the_same_bytes_replays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    os.utime(export, ns=(1, 1))
    check_prediction([export], out, monkeypatch)
    edit(export, NESTED, NESTED.replace("Lists", "Listz"))  # same size ...
    st = export.stat()
    os.utime(export, ns=(1, 1))  # ... same mtime as the record's: its ctime tells
    assert export.stat().st_size == st.st_size
    assert run([export], out)[3].posts_converted == 1


def test_the_manifest_is_watched(tmp_path: Path) -> None:
    export, out = copy_of(corpus_file(THEME), tmp_path), tmp_path / "site"
    run([export], out)
    (out / MANIFEST_PATH).unlink()
    _, _, _, report, plan = run([export], out)
    assert report.posts_reused > 70 and plan.manifest_changed  # a full run, which writes it again
