"""A re-run with nothing changed replays the last run (wpmigrate/lastrun.py): the same report and plan as a
full run, and a full run as soon as anything it depended on changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import corpus_file

import wpmigrate.lastrun as lastrun
import wpmigrate.pipeline as pipeline
from wpmigrate.lastrun import read_record, record_path
from wpmigrate.models import RunReport
from wpmigrate.plan import Plan
from wpmigrate.settings import Settings

THEME = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"


def convert(export: Path, out: Path, **options: object) -> tuple[RunReport, Plan]:
    settings = Settings.from_options(sources=[export], out=out, offline=True, quiet=True, **options)
    return pipeline.run(settings)


def full(export: Path, out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[RunReport, Plan]:
    """A run that never replays (what a replay must equal)."""
    with monkeypatch.context() as m:
        m.setattr(lastrun, "replay", lambda settings: None)
        return convert(export, out, **options)


def replayed(export: Path, out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[RunReport, Plan]:
    """A run that must replay: reading the export fails the test."""

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the export was read")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "open_sources", no_reading)
        return convert(export, out, **options)


def same(a: tuple[RunReport, Plan], b: tuple[RunReport, Plan]) -> None:
    (ra, pa), (rb, pb) = a, b
    assert ra == rb  # every field: counts, warnings, skipped, failed, assets, changes
    assert pa.changes == pb.changes and pa.manifest_bytes == pb.manifest_bytes and pa.options == pb.options
    assert pa.manifest_changed == pb.manifest_changed and pa.drift == pb.drift
    assert [(c.output.source, c.output.kind) if c.output else None for c in pa.changes] == [
        (c.output.source, c.output.kind) if c.output else None for c in pb.changes
    ]
    assert [c.new_bytes() for c in pa.changes[:20]] == [c.new_bytes() for c in pb.changes[:20]]


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """(export, output folder) after a cold run, which records what a re-run would give."""
    export = tmp_path / "export.xml"
    export.write_bytes(corpus_file(THEME).read_bytes())
    out = tmp_path / "site"
    cold, _ = convert(export, out)
    assert cold.posts_converted > 70 and read_record(out) is not None
    return export, out


def test_a_rerun_and_check_replay_exactly_what_a_full_run_reports(
    site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    export, out = site
    reference = full(export, out, monkeypatch)
    assert reference[0].assets_failed and reference[0].skipped and reference[0].blocks  # all must be replayed
    same(replayed(export, out, monkeypatch), reference)
    same(replayed(export, out, monkeypatch, check=True), full(export, out, monkeypatch, check=True))
    same(replayed(export, out, monkeypatch, jobs=2, verbose=1), reference)


def test_a_record_in_many_frames_replays_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record is written in frames of _ROWS files (a big site's is never whole in memory): three files
    a frame here, so every list in it spans frames, and the replay still equals a full run."""
    monkeypatch.setattr(lastrun, "_ROWS", 3)
    export = tmp_path / "export.xml"
    export.write_bytes(corpus_file(THEME).read_bytes())
    out = tmp_path / "site"
    convert(export, out)
    record = lastrun.load_record(out)
    assert record is not None and len(record.changes) > 3 * 20 and len(record.manifest[0]) > 3 * 20
    same(replayed(export, out, monkeypatch), full(export, out, monkeypatch))


def test_a_touched_but_identical_export_still_replays(site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = site
    assert not any(p.name.endswith(".pickle") for p in out.rglob("*"))  # nothing of it in the output folder
    os.utime(export, ns=(1, 1))
    same(replayed(export, out, monkeypatch), full(export, out, monkeypatch))


def test_a_changed_export_is_a_full_run(site: tuple[Path, Path]) -> None:
    export, out = site
    text = export.read_text(encoding="utf-8")
    old = "<title>Edge Case: Nested And Mixed Lists</title>"
    export.write_text(text.replace(old, "<title>Nested lists, renamed</title>"), encoding="utf-8")
    report, plan = convert(export, out)
    assert report.posts_converted == 1 and plan.counts()["update"] == 1


def test_an_edited_output_is_a_full_run_that_sees_the_edit(site: tuple[Path, Path]) -> None:
    export, out = site
    post = out / "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md"
    data = post.read_bytes()
    post.write_bytes(data.replace(b"Nested", b"NESTED", 1))  # same size
    _, plan = convert(export, out, check=True)
    assert [c.path for c in plan.changes if c.action == "conflict"] == [post.relative_to(out).as_posix()]
    post.unlink()
    _, plan = convert(export, out)
    assert plan.counts()["create"] == 1 and post.read_bytes() == data


def test_another_option_is_a_full_run(site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = site
    report, _ = convert(export, out, embeds="html")
    assert report.posts_converted > 0
    assert convert(export, out, embeds="html")[0].posts_converted == 0 and read_record(out) is not None
    monkeypatch.setattr(lastrun.convcache, "__version__", "99.0")
    assert convert(export, out, embeds="html")[0].posts_converted > 0  # not replayed: the record is another version's


def test_a_damaged_record_is_a_full_run(site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    export, out = site
    record_path(out).write_bytes(b"not a pickle")
    same(convert(export, out), full(export, out, monkeypatch))
    assert read_record(out) is not None  # that run changed nothing: recorded again
