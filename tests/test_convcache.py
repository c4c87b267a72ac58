"""The conversion cache (wpmigrate/convcache.py): a re-run converts only what could have changed, and
its output is the bytes of a cold run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import FIXTURES, corpus_file

import wpmigrate.convcache as convcache
from wpmigrate.convcache import CACHE_NAME
from wpmigrate.manifest import MANIFEST_DIR
from wpmigrate.models import RunReport
from wpmigrate.pipeline import run
from wpmigrate.settings import Settings
from wpmigrate.statrecord import RECORD_NAME

THEME = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
DEMO = FIXTURES / "demo" / "export.xml"


def convert(export: Path, out: Path, **options: object) -> RunReport:
    settings = Settings.from_options(sources=[export], out=out, offline=True, quiet=True, **options)
    return run(settings)[0]


def tree(folder: Path) -> dict[str, str]:
    """Every file but the caches themselves (the conversion cache, the stat record), by its sha256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (CACHE_NAME, RECORD_NAME)
    }


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    export = tmp_path / "export.xml"
    export.write_bytes(corpus_file(THEME).read_bytes())
    return export


def test_a_rerun_converts_nothing_and_check_neither(theme: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    cold = convert(theme, site)
    kept = cold.posts_converted
    assert kept > 70 and cold.posts_reused == 0
    assert (site / MANIFEST_DIR / CACHE_NAME).is_file()
    before = tree(site)

    again = convert(theme, site)
    assert (again.posts_converted, again.posts_reused) == (0, kept)
    assert tree(site) == before
    assert again.warnings == cold.warnings and again.shortcodes == cold.shortcodes and again.blocks == cold.blocks
    assert {c.action for c in again.changes} == {"unchanged"}

    check = convert(theme, site, check=True)
    assert (check.posts_converted, check.posts_reused) == (0, kept)
    assert {c.action for c in check.changes} == {"unchanged"}


def test_one_changed_title_converts_one_post_and_gives_the_cold_bytes(theme: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    convert(theme, site)
    text = theme.read_text(encoding="utf-8")
    old = "<title>Edge Case: Nested And Mixed Lists</title>"
    assert text.count(old) == 1
    theme.write_text(text.replace(old, "<title>Nested lists, renamed</title>"), encoding="utf-8")

    warm = convert(theme, site)
    assert warm.posts_converted == 1
    fresh = tmp_path / "fresh"  # beside site, so the manifest's relative sources are the same text
    cold = convert(theme, fresh)
    assert cold.posts_reused == 0
    assert tree(site) == tree(fresh)
    assert [c.path for c in warm.changes if c.action == "update"] == [
        "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md"
    ]


def _converted_then_target_renamed(tmp_path: Path) -> tuple[Path, Path]:
    """The demo converted into tmp_path/site, then its tide-tables post renamed (one post links to it)."""
    export = tmp_path / "export.xml"
    export.write_bytes(DEMO.read_bytes())
    site = tmp_path / "site"
    convert(export, site)
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("[CDATA[tide-tables-in-python]]", "[CDATA[tides]]"), encoding="utf-8")
    return export, site


def test_a_moved_link_target_converts_the_posts_linking_to_it(tmp_path: Path) -> None:
    export, site = _converted_then_target_renamed(tmp_path)

    warm = convert(export, site, prune=True)  # the old file of the renamed post goes
    # The renamed post itself (its path changed) and the one post linking to it.
    assert warm.posts_converted == 2
    body = (site / "_posts/2024-03-16-leaving-the-harbour.md").read_text(encoding="utf-8")
    assert "{% post_url 2024-04-01-tides %}" in body
    fresh = tmp_path / "fresh"
    convert(export, fresh)
    assert tree(site) == tree(fresh)


def test_other_options_or_another_version_convert_everything(
    theme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    kept = convert(theme, site).posts_converted
    assert convert(theme, site, embeds="html").posts_converted == kept
    assert convert(theme, site, embeds="html").posts_converted == 0
    monkeypatch.setattr(convcache, "__version__", "99.0")
    assert convert(theme, site, embeds="html").posts_converted == kept


def test_a_dry_run_writes_no_cache_and_a_damaged_cache_is_only_a_miss(theme: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = convert(theme, site, dry_run=True)
    assert report.posts_converted > 70 and not site.exists()
    kept = convert(theme, site).posts_converted
    (site / MANIFEST_DIR / CACHE_NAME).write_bytes(b"not a database")
    again = convert(theme, site)
    assert again.posts_converted == kept  # converted again, nothing lost
    assert {c.action for c in again.changes} == {"unchanged"}


def test_jobs_2_fills_and_uses_the_cache_like_jobs_1(theme: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    convert(theme, one, jobs=1)
    convert(theme, two, jobs=2)
    again = convert(theme, two, jobs=2)
    assert again.posts_converted == 0
    assert tree(one) == tree(two)


def test_the_input_is_read_once_whatever_is_converted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A post whose link target moved is not new to the cache, yet converted again: it comes from the
    run's post spool, not from a second reading of the export; the result is a cold run's."""
    from wpmigrate.importers.wxr import WxrExport

    export, site = _converted_then_target_renamed(tmp_path)
    read: list[int | None] = []
    real = WxrExport._read_item

    def counted(self: WxrExport, source: str, item: object) -> object:
        post = real(self, source, item)  # type: ignore[arg-type]  # (an lxml element)
        read.append(post.id)
        return post

    monkeypatch.setattr(WxrExport, "_read_item", counted)
    warm = convert(export, site, prune=True)
    assert warm.posts_converted == 2
    assert len(read) == len(set(read)) > 2  # every post once
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    convert(export, fresh)
    assert tree(site) == tree(fresh)
