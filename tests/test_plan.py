"""plan.make_plan: outputs vs disk vs manifest, on real files in tmp_path. Planning never writes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from wpmigrate.errors import InputError
from wpmigrate.manifest import MANIFEST_PATH, read_manifest
from wpmigrate.models import OutputFile
from wpmigrate.plan import make_plan
from wpmigrate.statrecord import RECORD_PATH
from wpmigrate.writer import apply_plan

OPTS = {"profile": "jekyll", "types": ("post", "page")}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def outs(**files: bytes) -> list[OutputFile]:
    """outs(_posts__a_md=b"...") -> an OutputFile for _posts/a.md (keyword names cannot hold / or .)."""
    return [
        OutputFile(re.sub(r"_md$", ".md", key.replace("__", "/")), data, source=f"x.xml#{i}")
        for i, (key, data) in enumerate(files.items())
    ]


def run(out_dir: Path, outputs: list[OutputFile], *, force: bool = False, prune: bool = False, apply: bool = True):
    plan = make_plan(outputs, out_dir, OPTS, force=force, prune=prune)
    if apply:
        apply_plan(plan, out_dir)
    return plan


def actions(plan) -> dict[str, str]:
    return {c.path: c.action for c in plan.changes}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_first_run_creates_everything(tmp_path: Path) -> None:
    plan = make_plan(outs(_posts__a_md=b"A\n", about_md=b"B\n"), tmp_path / "site", OPTS, force=False, prune=False)
    assert actions(plan) == {"_posts/a.md": "create", "about.md": "create"}
    assert [c.path for c in plan.changes] == ["_posts/a.md", "about.md"]
    a = plan.changes[0]
    assert (a.old_hash, a.new_hash, a.source) == (None, sha(b"A\n"), "x.xml#0")
    assert a.old_bytes() is None and a.new_bytes() == b"A\n"
    assert plan.manifest_changed and plan.drift
    assert not (tmp_path / "site").exists()  # planning wrote nothing


def test_second_run_is_all_unchanged(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(_posts__a_md=b"A\n"))
    plan = run(site, outs(_posts__a_md=b"A\n"), apply=False)
    assert actions(plan) == {"_posts/a.md": "unchanged"}
    assert not plan.manifest_changed and not plan.drift


def test_changed_source_updates_file_we_wrote(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"old\n"))
    plan = run(site, outs(a_md=b"new\n"), apply=False)
    (change,) = plan.changes
    assert (change.action, change.old_hash, change.new_hash) == ("update", sha(b"old\n"), sha(b"new\n"))
    assert change.old_bytes() == b"old\n" and change.new_bytes() == b"new\n"


def test_hand_edited_file_is_a_conflict_and_keeps_its_manifest_entry(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"ours\n"))
    (site / "a.md").write_bytes(b"theirs\n")
    plan = run(site, outs(a_md=b"new\n"))
    (change,) = plan.changes
    assert (change.action, change.note) == ("conflict", "edited by hand since the last run")
    assert (site / "a.md").read_bytes() == b"theirs\n"
    # Still recorded as what we wrote, so the next run still sees the edit.
    assert read_manifest(site).files["a.md"].sha256 == sha(b"ours\n")
    assert actions(run(site, outs(a_md=b"new\n"), apply=False)) == {"a.md": "conflict"}


def test_edit_that_equals_new_output_is_unchanged(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"ours\n"))
    (site / "a.md").write_bytes(b"new\n")
    assert actions(run(site, outs(a_md=b"new\n"))) == {"a.md": "unchanged"}
    assert read_manifest(site).files["a.md"].sha256 == sha(b"new\n")


def test_force_overwrites_an_edited_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"ours\n"))
    (site / "a.md").write_bytes(b"theirs\n")
    plan = run(site, outs(a_md=b"new\n"), force=True)
    assert actions(plan) == {"a.md": "overwrite"}
    assert (site / "a.md").read_bytes() == b"new\n"
    assert actions(run(site, outs(a_md=b"new\n"), apply=False)) == {"a.md": "unchanged"}


def test_untracked_existing_file_is_a_conflict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.md").write_bytes(b"mine\n")
    plan = run(site, outs(index_md=b"generated\n"))
    (change,) = plan.changes
    assert (change.action, change.note) == ("conflict", "a file not written by wpmigrate is in the way")
    assert (site / "index.md").read_bytes() == b"mine\n"
    assert "index.md" not in read_manifest(site).files


def test_untracked_identical_file_is_adopted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_bytes(b"same\n")
    assert actions(run(site, outs(a_md=b"same\n"))) == {"a.md": "unchanged"}
    assert read_manifest(site).files["a.md"].sha256 == sha(b"same\n")


def test_file_deleted_by_hand_is_written_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"A\n"))
    (site / "a.md").unlink()
    (change,) = run(site, outs(a_md=b"A\n")).changes
    assert (change.action, change.note) == ("create", "deleted by hand since the last run; written again")


def test_stale_file_is_kept_without_prune_and_removed_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the outputs come from x.xml in the current folder
    site = tmp_path / "site"
    run(site, outs(_posts__a_md=b"A\n", _posts__gone_md=b"G\n"))
    plan = run(site, outs(_posts__a_md=b"A\n"))
    assert actions(plan) == {"_posts/a.md": "unchanged", "_posts/gone.md": "stale"}
    stale = plan.changes[1]
    # The manifest's source, relative to the output folder
    assert (stale.source, stale.note) == ("../x.xml#1", "source gone; --prune removes it")
    assert (site / "_posts/gone.md").exists()
    assert "_posts/gone.md" in read_manifest(site).files  # still tracked

    plan = run(site, outs(_posts__a_md=b"A\n"), prune=True)
    assert actions(plan) == {"_posts/a.md": "unchanged", "_posts/gone.md": "remove"}
    assert not (site / "_posts/gone.md").exists()
    assert sorted(read_manifest(site).files) == ["_posts/a.md"]


def test_prune_removes_emptied_folders_but_not_the_output_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(deep__er__x_md=b"X\n"))
    run(site, [], prune=True)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [".wpmigrate", MANIFEST_PATH, RECORD_PATH]


def test_edited_stale_file_is_not_pruned_unless_forced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(gone_md=b"G\n"))
    (site / "gone.md").write_bytes(b"G, with my notes\n")
    assert actions(run(site, [])) == {"gone.md": "stale"}
    plan = run(site, [], prune=True)
    assert actions(plan) == {"gone.md": "conflict"}
    assert plan.changes[0].note == "source gone, but edited by hand since the last run: not removed"
    assert (site / "gone.md").exists()
    assert actions(run(site, [], prune=True, force=True)) == {"gone.md": "remove"}
    assert not (site / "gone.md").exists()


def test_stale_file_already_gone_is_forgotten(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(gone_md=b"G\n"))
    (site / "gone.md").unlink()
    plan = run(site, [])
    assert plan.changes == ()
    assert read_manifest(site).files == {}


def test_keep_protects_outputs_missing_for_a_passing_reason(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(site, outs(a_md=b"A\n", b_md=b"B\n"))
    plan = make_plan(outs(a_md=b"A\n"), site, OPTS, force=False, prune=True, keep={"b.md"})
    assert actions(plan) == {"a.md": "unchanged"}
    assert "b.md" in plan.manifest.files and not plan.manifest_changed


def test_folder_in_the_way_is_a_conflict_even_with_force(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a.md").mkdir(parents=True)
    plan = make_plan(outs(a_md=b"A\n"), site, OPTS, force=True, prune=False)
    assert actions(plan) == {"a.md": "conflict"}
    assert plan.changes[0].note == "not a regular file (a folder?) is in the way"


def test_path_through_symlink_out_of_the_folder_is_a_conflict(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "_posts").symlink_to(elsewhere, target_is_directory=True)
    plan = make_plan(outs(_posts__a_md=b"A\n"), site, OPTS, force=True, prune=False)
    assert actions(plan) == {"_posts/a.md": "conflict"}
    assert "outside the output folder" in plan.changes[0].note


def test_options_go_into_the_manifest_sorted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    plan = run(site, outs(a_md=b"A\n"))
    doc = json.loads((site / MANIFEST_PATH).read_text())
    assert doc == {
        "files": {"a.md": {"kind": "post", "sha256": sha(b"A\n"), "source": "../x.xml#0"}},
        "format": 1,
        "options": {"profile": "jekyll", "types": ["post", "page"]},
    }
    assert (site / MANIFEST_PATH).read_bytes() == plan.manifest_bytes
    assert plan.manifest_bytes.endswith(b"}\n") and b"\r" not in plan.manifest_bytes
    # A change of options alone rewrites the manifest but changes no file.
    plan = make_plan(outs(a_md=b"A\n"), site, {"profile": "jekyll"}, force=False, prune=False)
    assert plan.manifest_changed and not plan.drift


def test_assets_record_origin_and_are_hashed_from_their_cache_file(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    cache.mkdir()
    blob = bytes(range(256)) * 5000
    (cache / "abc").write_bytes(blob)
    asset = OutputFile(
        "assets/images/a.jpg", data_path=str(cache / "abc"), source="https://old.example/a.jpg", kind="asset"
    )
    plan = run(site, [asset])
    assert plan.changes[0].new_hash == sha(blob)
    assert (site / "assets/images/a.jpg").read_bytes() == blob
    entry = json.loads((site / MANIFEST_PATH).read_text())["files"]["assets/images/a.jpg"]
    assert entry == {"kind": "asset", "origin": "https://old.example/a.jpg", "sha256": sha(blob)}


def test_asset_not_downloaded_yet_is_to_fetch(tmp_path: Path) -> None:
    site = tmp_path / "site"
    asset = OutputFile(
        "assets/images/a.jpg",
        data_path=str(tmp_path / "cache/missing"),
        source="https://old.example/a.jpg",
        kind="asset",
    )
    plan = make_plan([asset], site, OPTS, force=False, prune=False)
    (change,) = plan.changes
    assert (change.action, change.to_fetch, change.new_hash) == ("create", True, None)
    assert plan.assets_to_fetch == 1 and change.new_bytes() is None


def test_asset_in_place_and_unedited_needs_no_fetch(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    cache.mkdir()
    (cache / "abc").write_bytes(b"JPEG")
    asset = OutputFile("assets/a.jpg", data_path=str(cache / "abc"), source="https://o/a.jpg", kind="asset")
    run(site, [asset])
    (cache / "abc").unlink()  # e.g. a fresh CI machine: cache empty, output committed
    plan = make_plan([asset], site, OPTS, force=False, prune=False)
    assert actions(plan) == {"assets/a.jpg": "unchanged"} and plan.assets_to_fetch == 0


def test_two_outputs_with_one_path_is_an_error(tmp_path: Path) -> None:
    from wpmigrate.errors import UnsafePathError

    with pytest.raises(UnsafePathError, match="two outputs want the same path"):
        make_plan([OutputFile("a.md", b"1"), OutputFile("a.md", b"2")], tmp_path, OPTS, force=False, prune=False)


def test_broken_manifest_is_an_input_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / ".wpmigrate").mkdir()
    (tmp_path / MANIFEST_PATH).write_text('{"files": {')
    with pytest.raises(InputError, match=r"manifest\.json:1: manifest is not valid JSON"):
        make_plan([], tmp_path, OPTS, force=False, prune=False)


@pytest.mark.parametrize(
    "disk,new,recorded,force,expected",
    [
        (None, "N", None, False, ("create", "")),
        (None, "N", "R", False, ("create", "deleted by hand since the last run; written again")),
        ("N", "N", None, False, ("unchanged", "")),
        ("N", "N", "R", False, ("unchanged", "")),
        ("R", "N", "R", False, ("update", "")),
        ("E", "N", "R", False, ("conflict", "edited by hand since the last run")),
        ("E", "N", "R", True, ("overwrite", "edited by hand since the last run")),
        ("E", "N", None, False, ("conflict", "a file not written by wpmigrate is in the way")),
        ("E", "N", None, True, ("overwrite", "a file not written by wpmigrate is in the way")),
        ("R", None, "R", False, ("unchanged", "")),  # asset in place, not downloaded again
        ("E", None, "R", False, ("conflict", "edited by hand since the last run")),
        (None, None, None, False, ("create", "")),
    ],
)
def test_decide(disk, new, recorded, force, expected) -> None:
    from wpmigrate.plan import decide

    assert decide(disk, new, recorded, force=force) == expected


def test_output_folder_that_is_a_file_is_an_options_error(tmp_path: Path) -> None:
    from wpmigrate.errors import OptionsError

    (tmp_path / "site").write_text("oops")
    with pytest.raises(OptionsError, match=r"^--out .*site: exists and is not a folder"):
        make_plan([OutputFile("a.md", b"A")], tmp_path / "site", OPTS, force=False, prune=False)


def test_unfetched_assets_are_remembered_sorted_and_only_when_any(tmp_path: Path) -> None:
    site = tmp_path / "site"
    plan = make_plan(
        outs(a_md=b"A\n"),
        site,
        OPTS,
        force=False,
        prune=False,
        unfetched={
            "assets/images/z.png": "https://old.example/z.png",
            "assets/images/b.png": "https://old.example/b.png",
        },
    )
    apply_plan(plan, site)
    doc = json.loads((site / MANIFEST_PATH).read_text())
    assert list(doc["unfetched"].items()) == [
        ("assets/images/b.png", "https://old.example/b.png"),
        ("assets/images/z.png", "https://old.example/z.png"),
    ]
    assert read_manifest(site).unfetched == doc["unfetched"]
    same = make_plan(outs(a_md=b"A\n"), site, OPTS, force=False, prune=False, unfetched=dict(doc["unfetched"]))
    assert not same.manifest_changed  # still failing: the manifest is not rewritten
    fixed = make_plan(outs(a_md=b"A\n"), site, OPTS, force=False, prune=False)
    assert fixed.manifest_changed and "unfetched" not in json.loads(fixed.manifest_bytes)
