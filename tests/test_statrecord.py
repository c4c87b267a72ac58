"""The stat record (OUT/.wpmigrate/written-stats): a re-run trusts a file whose size, mtime_ns and inode
are what this machine recorded after writing it, and reads every other file, on real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import wpmigrate.plan as plan_module
from wpmigrate.manifest import MANIFEST_PATH
from wpmigrate.models import OutputFile
from wpmigrate.plan import Plan, make_plan
from wpmigrate.statrecord import RECORD_PATH
from wpmigrate.writer import apply_plan

OPTS = {"profile": "jekyll"}
POST = "_posts/2008-09-01-hello.md"
OLD, NEW = b"---\ntitle: Hello\n---\n\nHi.\n", b"---\ntitle: Hello\n---\n\nHo.\n"  # one size
T1 = 1_700_000_000 * 10**9 + 123_456_789  # an mtime with nanoseconds, as a write gives


def plan_for(site: Path, data: bytes = OLD) -> Plan:
    files = [OutputFile(POST, data, source="e.xml#1"), OutputFile("about/index.md", b"About\n", source="e.xml#2")]
    return make_plan(files, site, OPTS, force=False, prune=False)


def action(site: Path, data: bytes = OLD) -> str:
    return {c.path: c.action for c in plan_for(site, data).changes}[POST]


def unreadable(path: str) -> object:
    raise AssertionError(f"{path} was read: the stat record should have vouched for it")


def written_site(tmp_path: Path) -> Path:
    """A site written, its post's mtime set to T1 and recorded so, and the record a second newer than
    the files (not "racy": see statrecord.py)."""
    site = tmp_path / "site"
    apply_plan(plan_for(site), site)
    os.utime(site / POST, ns=(T1, T1))
    plan = plan_for(site)  # the post is read (its stat is not the recorded one) ...
    assert plan.stats_stale and not plan.manifest_changed
    apply_plan(plan, site)  # ... so the record is written again, with nothing else
    record = site / RECORD_PATH
    later = max(T1, (site / "about/index.md").stat().st_mtime_ns) + 10**9
    os.utime(record, ns=(later, later))
    assert not plan_for(site).stats_stale
    return site


def edit_in_place(path: Path, data: bytes, mtime_ns: int) -> None:
    """Same inode (as `>` in a shell or an editor writing in place), then the mtime set."""
    ino = path.stat().st_ino
    with open(path, "r+b") as fh:
        fh.write(data)
        fh.truncate()
    os.utime(path, ns=(mtime_ns, mtime_ns))
    assert path.stat().st_ino == ino


def test_an_in_place_edit_restoring_size_and_exact_mtime_is_seen_by_its_ctime(tmp_path: Path) -> None:
    """make would trust this edit (same inode, size and mtime_ns); the recorded ctime does not."""
    site = written_site(tmp_path)
    edit_in_place(site / POST, NEW, T1)
    assert (site / POST).stat().st_mtime_ns == T1
    assert action(site) == "conflict"


def test_the_record_is_machine_local_and_the_manifest_has_no_stats(tmp_path: Path) -> None:
    site = written_site(tmp_path)
    manifest = (site / MANIFEST_PATH).read_text(encoding="utf-8")
    assert str(T1) not in manifest and str((site / POST).stat().st_ino) not in manifest
    lines = (site / RECORD_PATH).read_text(encoding="utf-8").splitlines()
    st = (site / POST).stat()
    assert f"{st.st_size} {T1} {st.st_ino} {st.st_ctime_ns} " in next(
        line for line in lines if line.endswith(" " + POST)
    )


def test_an_unchanged_re_run_does_not_rewrite_the_record_and_a_deleted_one_comes_back(tmp_path: Path) -> None:
    site = written_site(tmp_path)
    record = site / RECORD_PATH
    before = record.stat()
    apply_plan(plan_for(site), site)
    assert record.stat().st_mtime_ns == before.st_mtime_ns and record.stat().st_ino == before.st_ino
    record.unlink()
    plan = plan_for(site)
    assert plan.stats_stale and {c.action for c in plan.changes} == {"unchanged"}
    apply_plan(plan, site)
    assert record.read_text(encoding="utf-8").count("\n") == 3  # the header and both files


def test_a_writing_run_records_what_it_wrote(tmp_path: Path) -> None:
    site = written_site(tmp_path)
    apply_plan(plan_for(site, NEW), site)  # an update: a new file (new inode, mtime now)
    assert (site / POST).read_bytes() == NEW
    later = (site / POST).stat().st_mtime_ns + 10**9
    os.utime(site / RECORD_PATH, ns=(later, later))
    with pytest.MonkeyPatch.context() as mp:  # trusted: the record vouches for the bytes written, unread
        mp.setattr(plan_module, "_hash_and_stat", unreadable)
        assert action(site, NEW) == "unchanged"
    edit_in_place(site / POST, OLD, (site / POST).stat().st_mtime_ns)
    assert action(site, NEW) == "conflict"  # the same size and mtime_ns, but the ctime moved
