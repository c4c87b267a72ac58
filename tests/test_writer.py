"""writer.apply_plan on real files: exact bytes, atomic replace, untouched mtimes, refusal to escape."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from wpmigrate.errors import OutputError, UnsafePathError
from wpmigrate.manifest import MANIFEST_PATH
from wpmigrate.models import OutputFile
from wpmigrate.plan import Change, Plan, make_plan
from wpmigrate.writer import apply_plan

OPTS = {"profile": "jekyll"}
FILES = [
    OutputFile("_posts/2008-09-01-hello.md", b"---\ntitle: Hello\n---\n\nHi \xe2\x80\x94 there.\n", source="e.xml#1"),
    OutputFile("about/index.md", b"---\ntitle: About\n---\n", source="e.xml#2", kind="page"),
]


def tree_hash(root: Path) -> str:
    """One hash over every path, file byte and folder below root ("" when root is absent)."""
    if not root.exists():
        return ""
    digest = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        digest.update(p.relative_to(root).as_posix().encode() + b"\0")
        if p.is_file():
            digest.update(p.read_bytes())
    return digest.hexdigest()


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def apply(site: Path, files=FILES, **kw) -> Plan:
    plan = make_plan(files, site, OPTS, force=kw.get("force", False), prune=kw.get("prune", False))
    apply_plan(plan, site)
    return plan


def test_writes_bytes_exactly_as_given(tmp_path: Path) -> None:
    site = tmp_path / "site"
    odd = OutputFile("odd.txt", b"\xef\xbb\xbfBOM and CRLF\r\nkept\r\n")  # the writer must not "fix" anything
    apply(site, [*FILES, odd])
    assert (site / "_posts/2008-09-01-hello.md").read_bytes() == FILES[0].data
    assert (site / "about/index.md").read_bytes() == FILES[1].data
    assert (site / "odd.txt").read_bytes() == odd.data
    assert sorted(p.name for p in site.rglob("*.tmp")) == []


def test_second_apply_leaves_bytes_and_mtimes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    before_hash, before_times = tree_hash(site), mtimes(site)
    assert MANIFEST_PATH in before_times
    plan = apply(site)
    assert {c.action for c in plan.changes} == {"unchanged"} and not plan.manifest_changed
    assert tree_hash(site) == before_hash
    assert mtimes(site) == before_times


def test_update_touches_only_the_changed_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    before = mtimes(site)
    os.utime(site / "about/index.md", ns=(1, 1))  # make any rewrite detectable whatever the clock's resolution
    changed = [OutputFile(FILES[0].path, b"new\n", source="e.xml#1"), FILES[1]]
    apply(site, changed)
    after = mtimes(site)
    assert after["about/index.md"] == 1
    assert (site / FILES[0].path).read_bytes() == b"new\n"
    assert after[MANIFEST_PATH] >= before[MANIFEST_PATH]


def test_dry_run_plan_on_a_missing_folder_writes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "not-yet"
    before = tree_hash(tmp_path)
    plan = make_plan(FILES, site, OPTS, force=False, prune=False)
    assert [c.action for c in plan.changes] == ["create", "create"]
    assert not site.exists() and tree_hash(tmp_path) == before


def test_dry_run_plan_on_an_existing_folder_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    (site / "about/index.md").write_bytes(b"edited\n")
    before, times = tree_hash(site), mtimes(site)
    plan = make_plan([OutputFile(FILES[0].path, b"changed\n")], site, OPTS, force=True, prune=True)
    assert {c.path: c.action for c in plan.changes} == {FILES[0].path: "update", "about/index.md": "remove"}
    assert tree_hash(site) == before and mtimes(site) == times


def test_replacing_keeps_the_file_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    target = site / FILES[0].path
    target.chmod(0o640)
    apply(site, [OutputFile(FILES[0].path, b"new\n", source="e.xml#1"), FILES[1]])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_files_get_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        apply(tmp_path / "site")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "site" / FILES[0].path).stat().st_mode) == 0o644


def test_refuses_a_path_outside_the_output_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    bad = Change(path="../escaped.md", action="create", output=OutputFile("../escaped.md", b"x"))
    good = Change(path="ok.md", action="create", output=OutputFile("ok.md", b"x"))
    plan = Plan(
        out_dir=site,
        changes=(good, bad),
        manifest=None,  # type: ignore[arg-type]
        manifest_changed=True,
    )
    with pytest.raises(UnsafePathError, match="not a plain relative path"):
        apply_plan(plan, site)
    assert not site.exists() and not (tmp_path / "escaped.md").exists()  # checked before anything was written


def test_refuses_a_path_through_a_symlinked_folder(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "_posts").symlink_to(elsewhere, target_is_directory=True)
    change = Change(path="_posts/a.md", action="overwrite", output=OutputFile("_posts/a.md", b"x"))
    plan = Plan(
        out_dir=site,
        changes=(change,),
        manifest=None,  # type: ignore[arg-type]
        manifest_changed=True,
    )
    with pytest.raises(UnsafePathError, match="outside the output folder"):
        apply_plan(plan, site)
    assert list(elsewhere.iterdir()) == []


def test_refuses_to_overwrite_the_manifest_with_an_output(tmp_path: Path) -> None:
    plan = make_plan([OutputFile(MANIFEST_PATH, b"{}")], tmp_path, OPTS, force=True, prune=False)
    with pytest.raises(UnsafePathError, match="wpmigrate's own manifest"):
        apply_plan(plan, tmp_path)


def test_conflicts_and_stale_files_are_not_touched(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    (site / FILES[0].path).write_bytes(b"mine\n")
    os.utime(site / "about/index.md", ns=(5, 5))
    plan = apply(site, [OutputFile(FILES[0].path, b"theirs\n", source="e.xml#1")])
    assert {c.path: c.action for c in plan.changes} == {FILES[0].path: "conflict", "about/index.md": "stale"}
    assert (site / FILES[0].path).read_bytes() == b"mine\n"
    assert (site / "about/index.md").stat().st_mtime_ns == 5


def test_big_cached_asset_is_streamed_and_verified(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    cache.mkdir()
    blob = os.urandom(3 << 20)
    (cache / "k").write_bytes(blob)
    asset = OutputFile("assets/big.bin", data_path=str(cache / "k"), source="https://o/big.bin", kind="asset")
    plan = make_plan([asset], site, OPTS, force=False, prune=False)
    (cache / "k").write_bytes(b"swapped behind our back")
    with pytest.raises(OutputError, match=r"big\.bin: .*/k: changed between planning and writing"):
        apply_plan(plan, site)
    assert not (site / "assets/big.bin").exists() and list((site / "assets").iterdir()) == []
    (cache / "k").write_bytes(blob)
    apply_plan(make_plan([asset], site, OPTS, force=False, prune=False), site)
    assert (site / "assets/big.bin").read_bytes() == blob


def test_temp_files_left_by_a_killed_run_are_removed_at_the_next_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply(site)
    # What kill -9 between mkstemp and os.replace leaves behind, in a folder the run writes to...
    leftovers = [site / "_posts/.wpmigrate-k3x_9q0a.tmp", site / ".wpmigrate/.wpmigrate-abcdefgh.tmp"]
    for p in leftovers:
        p.write_bytes(b"")
    # ... and files that only look like ours, or are not in a folder the run writes to: kept.
    kept = [
        site / "_posts/.wpmigrate-notes.tmp",
        site / "_posts/wpmigrate-k3x_9q0a.tmp",
        site / "_posts/.wpmigrate-k3x_9q0a.tmp.bak",
        site / "other/.wpmigrate-k3x_9q0a.tmp",
        tmp_path / ".wpmigrate-k3x_9q0a.tmp",
    ]
    for p in kept:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"mine")
    plan = apply(site)  # nothing to write: the cleanup still happens
    assert plan.counts() == {"unchanged": 2}
    assert [p for p in leftovers if p.exists()] == []
    assert [p for p in kept if p.read_bytes() == b"mine"] == kept


def test_a_folder_turned_into_a_symlink_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each folder is checked once, after it is made and before the first file goes in: a folder that
    another process swaps for a symlink to elsewhere between the plan's check and the write is refused."""
    import wpmigrate.writer as writer

    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    plan = make_plan(FILES, site, OPTS, force=False, prune=False)
    real_makedirs = os.makedirs

    def swap(path, *args, **kw):  # the race, made to happen every time
        if str(path).endswith("/_posts"):
            os.symlink(elsewhere, path)
        return real_makedirs(path, *args, **kw)

    monkeypatch.setattr(writer.os, "makedirs", swap)
    with pytest.raises(UnsafePathError, match="outside the output folder"):
        apply_plan(plan, site)
    assert list(elsewhere.iterdir()) == []


def test_temp_names_never_take_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wpmigrate.writer as writer

    theirs = tmp_path / ".wpmigrate-00000001.tmp"  # another run's temp file, at the name ours comes to
    theirs.write_bytes(b"theirs")
    monkeypatch.setattr(writer.os, "urandom", bytes)  # every new start is 0: 1 is next, again
    old = os.umask(0o022)
    try:
        names = writer._TempNames()
        fd, tmp = names.open(str(tmp_path))  # 8 tries at the same taken name, then mkstemp's
        os.close(fd)
    finally:
        os.umask(old)
    assert theirs.read_bytes() == b"theirs" and Path(tmp) != theirs
    assert writer._TEMP_NAME.fullmatch(Path(tmp).name)  # what the next run's cleanup knows
    assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o644  # not mkstemp's 0600
    monkeypatch.undo()
    names = writer._TempNames()
    fd, tmp = names.open(str(tmp_path))
    os.close(fd)
    assert writer._TEMP_NAME.fullmatch(Path(tmp).name) and theirs.read_bytes() == b"theirs"


def test_a_symlinked_wpmigrate_folder_is_not_touched(tmp_path: Path) -> None:
    """The stat record is removed and written in .wpmigrate/ only when that folder is inside the output."""
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (elsewhere / "written-stats").write_bytes(b"someone else's")
    (site / ".wpmigrate").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside the output folder"):
        apply(site)  # the manifest cannot be written there
    assert sorted(p.name for p in elsewhere.iterdir()) == ["written-stats"]
    assert (elsewhere / "written-stats").read_bytes() == b"someone else's"
