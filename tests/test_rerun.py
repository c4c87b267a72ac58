"""Issue 6 end to end on the WordPress theme unit test export: idempotent re-runs, conflicts, dry runs,
the --check drift gate, reports and --jobs determinism. Runs the real CLI in-process on real files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wpmigrate.cli import main
from wpmigrate.manifest import MANIFEST_PATH

from conftest import corpus_file

EXPORT = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
POST = "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md"
TITLE = "Edge Case: Nested And Mixed Lists"


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The export, and a working folder with no configuration file above it."""
    path = corpus_file(EXPORT)
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)  # the config search stops here
    monkeypatch.chdir(work)
    monkeypatch.setenv("NO_COLOR", "1")
    return path


def convert(*args: object) -> Result:
    # --offline: the export's images are on the real wpthemetestdata host; tests never leave 127.0.0.1
    result = CliRunner().invoke(main, ["convert", *map(str, args), "--offline"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file below root -> (sha256, mtime in ns); folders too, so a new empty one shows."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
                                             p.stat().st_mtime_ns if p.is_file() else 0)
            for p in sorted(root.rglob("*"))}


def test_second_run_changes_nothing(export: Path) -> None:
    first = convert(export, "-o", "site", "-q")
    assert first.exit_code == 0
    assert first.output.endswith("site: 79 new, 0 changed, 0 unchanged\n")
    before = tree(Path("site"))
    assert POST in before and MANIFEST_PATH in before
    second = convert(export, "-o", "site", "--report", "report.json")
    assert second.exit_code == 0
    assert second.output.endswith("site: 0 new, 0 changed, 79 unchanged\n")
    assert tree(Path("site")) == before  # bytes and mtimes, manifest included
    summary = json.loads(Path("report.json").read_text())["summary"]
    assert (summary["new"], summary["changed"], summary["unchanged"], summary["files_written"]) == (0, 0, 79, 0)


def test_hand_edited_post_survives_as_a_conflict(export: Path) -> None:
    convert(export, "-o", "site", "-q")
    post = Path("site") / POST
    edited = post.read_bytes().replace(b"Nested and mixed lists are", b"Nested and mixed lists (my fix) are")
    post.write_bytes(edited)
    result = convert(export, "-o", "site")
    assert result.exit_code == 1
    assert f"Conflicts 1 (not overwritten; --force overwrites files edited by hand):\n  {POST}: edited by hand " \
           "since the last run\n" in result.output
    assert post.read_bytes() == edited
    assert convert(export, "-o", "site", "-q").exit_code == 1  # still a conflict next time
    forced = convert(export, "-o", "site", "--force", "-q")
    assert forced.exit_code == 0 and b"(my fix)" not in post.read_bytes()
    assert forced.output.endswith("site: 0 new, 1 changed, 78 unchanged\n")


def test_dry_run_writes_nothing_when_the_folder_is_absent(export: Path) -> None:
    before = tree(Path.cwd())
    result = convert(export, "-o", "site", "--dry-run", "--report", "../report.md")
    assert result.exit_code == 0
    assert result.output.endswith("site: 79 new, 0 changed, 0 unchanged (dry run: nothing written)\n")
    assert not Path("site").exists() and tree(Path.cwd()) == before
    assert Path("../report.md").read_text().startswith("## wpmigrate dry-run: site: 79 new")


def test_dry_run_leaves_an_existing_folder_byte_identical(export: Path) -> None:
    convert(export, "-o", "site", "-q")
    post = Path("site") / POST
    post.write_bytes(post.read_bytes() + b"\nA note of mine.\n")
    (Path("site") / "about.md").unlink()
    before = tree(Path("site"))
    result = convert(export, "-o", "site", "--dry-run", "--force", "--prune")
    assert result.exit_code == 0
    assert result.output.endswith("site: 1 new, 1 changed, 77 unchanged (dry run: nothing written)\n")
    assert tree(Path("site")) == before


def test_check_is_a_drift_gate(export: Path, tmp_path: Path) -> None:
    copy = tmp_path / "export.xml"
    copy.write_bytes(export.read_bytes())
    convert(copy, "-o", "site", "-q")
    before = tree(Path("site"))
    clean = convert(copy, "-o", "site", "--check")
    assert clean.exit_code == 0 and clean.output.endswith("site: 0 new, 0 changed, 79 unchanged (no drift)\n")
    assert convert(export, "-o", "site", "--check", "-q").exit_code == 0  # the original: same output

    text = copy.read_text(encoding="utf-8")
    assert text.count(TITLE) == 1
    copy.write_text(text.replace(TITLE, "Edge Case: Nested and Mixed Lists, Revised"), encoding="utf-8")
    drift = convert(copy, "-o", "site", "--check", "--report", "drift.json")
    assert drift.exit_code == 1
    assert drift.output.endswith("site: 0 new, 1 changed, 78 unchanged (drift: the output would change)\n")
    report = json.loads(Path("drift.json").read_text())
    assert [(c["action"], c["path"]) for c in report["changes"]] == [("update", POST)]
    assert (report["mode"], report["exit_code"]) == ("check", 1)
    assert tree(Path("site")) == before  # --check writes nothing


# --- parallel.convert_many: the --jobs engine ------------------------------------------------------

def _fake_convert(post, ctx):
    from wpmigrate.errors import ConvertError
    from wpmigrate.models import AssetRef, ConvertedPost
    if post.title == "bad":
        raise ConvertError(post.where, "cannot convert")
    ctx.rewrite_asset(f"https://old.example/{post.id}.png")  # a side effect the parent must see
    return ConvertedPost(markdown=f"{post.title} {ctx.label}\n", assets=(AssetRef(f"https://old.example/{post.id}.png"),))


class _Ctx:
    label = "ctx"

    def __init__(self) -> None:
        self.wanted: list[str] = []

    def rewrite_asset(self, url: str) -> str:
        self.wanted.append(url)
        return url


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_convert_many_keeps_order_errors_and_side_effects(jobs: int) -> None:
    from wpmigrate.errors import WpMigrateError
    from wpmigrate.models import Post
    from wpmigrate.parallel import convert_many

    posts = [Post(source="e.xml", id=i, title="bad" if i % 7 == 3 else f"t{i}") for i in range(50)]
    ctx = _Ctx()
    results = list(convert_many(iter(posts), ctx, jobs, _fake_convert, (WpMigrateError,), ctx.rewrite_asset))
    assert [p.id for p, _ in results] == list(range(50))
    assert [r if isinstance(r, str) else r.markdown for _, r in results][:4] == [
        "t0 ctx\n", "t1 ctx\n", "t2 ctx\n", "ConvertError: e.xml post 3 'bad': cannot convert"]
    assert ctx.wanted == [f"https://old.example/{i}.png" for i in range(50) if i % 7 != 3]
