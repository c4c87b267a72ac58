"""Issue 6 end to end on the WordPress theme unit test export: idempotent re-runs, conflicts, dry runs,
the --check drift gate, reports and --jobs determinism. Runs the real CLI in-process on real files."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, corpus_file, isolated_workdir
from markdown_it import MarkdownIt
from pytest_httpserver import HTTPServer
from test_report import SCHEMA, validate
from werkzeug import Request, Response

from wpmigrate.cli import main
from wpmigrate.manifest import MANIFEST_PATH
from wpmigrate.statrecord import RECORD_PATH

EXPORT = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
POST = "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md"
TITLE = "Edge Case: Nested And Mixed Lists"


HOST = "wpthemetestdata.files.wordpress.com"  # where all 37 images of the export live
N_ASSETS = 37


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The export, and a working folder with no configuration file above it. The download cache is
    in tmp_path/cache, outside the working folder (as ~/.cache is outside a site)."""
    path = corpus_file(EXPORT)
    isolated_workdir(tmp_path, monkeypatch, "work")
    return path


@pytest.fixture
def gone_host(httpserver: HTTPServer) -> list[str]:
    """Flags that send the export's image host to a local server answering 404 to everything: the old
    site is gone, as it is for most migrations (and no test here needs the internet)."""
    httpserver.expect_request(re.compile(".*")).respond_with_data("gone", status=404)
    return ["--host-map", f"{HOST}={httpserver.url_for('/').rstrip('/')}"]


@pytest.fixture
def live_host(httpserver: HTTPServer) -> list[str]:
    """The same, answering every image with small PNG bytes that depend on the path."""

    def png(request: Request) -> Response:
        return Response(PNG + request.path.encode(), status=200, content_type="image/png")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(png)
    return ["--host-map", f"{HOST}={httpserver.url_for('/').rstrip('/')}"]


PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"


def convert(*args: object) -> Result:
    # Each call says --offline or maps the image host to a local server: the export's images are on the
    # real wpthemetestdata host and tests never leave 127.0.0.1 (the network guard in conftest checks).
    result = CliRunner().invoke(main, ["convert", *map(str, args)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file below root -> (sha256, mtime in ns); folders too, so a new empty one shows."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
            p.stat().st_mtime_ns if p.is_file() else 0,
        )
        for p in sorted(root.rglob("*"))
    }


def test_second_run_changes_nothing(export: Path) -> None:
    first = convert(export, "-o", "site", "-q", "--offline")
    assert first.exit_code == 0
    assert first.output.endswith("site: 78 new, 0 changed, 0 unchanged\n")
    before = tree(Path("site"))
    assert POST in before and MANIFEST_PATH in before
    second = convert(export, "-o", "site", "--offline", "--report", "report.json")
    assert second.exit_code == 0
    assert second.output.endswith("site: 0 new, 0 changed, 78 unchanged\n")
    assert tree(Path("site")) == before  # bytes and mtimes, manifest included
    summary = json.loads(Path("report.json").read_text())["summary"]
    assert (summary["new"], summary["changed"], summary["unchanged"], summary["files_written"]) == (0, 0, 78, 0)


def test_hand_edited_post_survives_as_a_conflict(export: Path) -> None:
    convert(export, "-o", "site", "-q", "--offline")
    post = Path("site") / POST
    edited = post.read_bytes().replace(b"Nested and mixed lists are", b"Nested and mixed lists (my fix) are")
    assert edited != post.read_bytes()
    post.write_bytes(edited)
    result = convert(export, "-o", "site", "--offline")
    assert result.exit_code == 1
    assert (
        f"Conflicts 1 (not overwritten; --force overwrites files edited by hand):\n  {POST}: edited by hand "
        "since the last run\n" in result.output
    )
    assert post.read_bytes() == edited
    assert convert(export, "-o", "site", "-q", "--offline").exit_code == 1  # still a conflict next time
    forced = convert(export, "-o", "site", "--force", "-q", "--offline")
    assert forced.exit_code == 0 and b"(my fix)" not in post.read_bytes()
    assert forced.output.endswith("site: 0 new, 1 changed, 77 unchanged\n")


def test_dry_run_writes_nothing_when_the_folder_is_absent(export: Path, gone_host: list[str], tmp_path: Path) -> None:
    before = tree(tmp_path)
    result = convert(export, "-o", "site", "--dry-run", "--report", "../report.md", *gone_host)
    assert result.exit_code == 0
    # Nothing was tried yet: the images are "to fetch", apart from the 78 post and page files.
    assert result.output.endswith(
        f"site: 78 new, 0 changed, 0 unchanged, {N_ASSETS} assets to fetch (dry run: nothing written)\n"
    )
    report = Path("../report.md").read_text()
    assert report.startswith("## wpmigrate dry-run: site: 78 new")
    Path("../report.md").unlink()
    assert not Path("site").exists() and not (tmp_path / "cache").exists()  # no cache, no manifest either
    assert tree(tmp_path) == before


def test_dry_run_leaves_an_existing_folder_byte_identical(export: Path, gone_host: list[str], tmp_path: Path) -> None:
    first = convert(export, "-o", "site", "-q", *gone_host)
    assert first.exit_code == 0  # failed downloads are reported; only --strict makes them an error
    assert f"Assets failed {N_ASSETS}:" in first.output
    post = Path("site") / POST
    post.write_bytes(post.read_bytes() + b"\nA note of mine.\n")
    (Path("site") / "about.md").unlink()
    before, cache = tree(Path("site")), tree(tmp_path / "cache")
    result = convert(export, "-o", "site", "--dry-run", "--force", "--prune", "--diff", *gone_host)
    assert result.exit_code == 0
    # The images the last run could not fetch would be tried again, but are not counted as files.
    assert result.output.endswith(
        f"site: 1 new, 1 changed, 76 unchanged, {N_ASSETS} assets to fetch (dry run: nothing written)\n"
    )
    assert f"--- a/{POST}\n+++ b/{POST}\n" in result.output and "-A note of mine.\n" in result.output
    assert "--- /dev/null\n+++ b/about.md\n" in result.output
    assert tree(Path("site")) == before and tree(tmp_path / "cache") == cache


def test_check_is_a_drift_gate(export: Path, tmp_path: Path, gone_host: list[str]) -> None:
    copy = tmp_path / "export.xml"
    copy.write_bytes(export.read_bytes())
    convert(copy, "-o", "site", "-q", *gone_host)
    before = tree(Path("site"))
    # A second real run while the host is still gone: the same failures, nothing rewritten.
    again = convert(copy, "-o", "site", "-q", *gone_host)
    assert again.output.endswith("site: 0 new, 0 changed, 78 unchanged\n") and tree(Path("site")) == before
    # The old host still answers 404: the images it never served are no drift.
    clean = convert(copy, "-o", "site", "--check", *gone_host)
    assert clean.exit_code == 0
    assert clean.output.endswith(f"site: 0 new, 0 changed, 78 unchanged, {N_ASSETS} assets to fetch (no drift)\n")
    assert convert(export, "-o", "site", "--check", "-q", *gone_host).exit_code == 0  # the original: same output
    offline = convert(export, "-o", "site", "--check", "--offline")
    assert offline.exit_code == 0 and offline.output.endswith("site: 0 new, 0 changed, 78 unchanged (no drift)\n")

    text = copy.read_text(encoding="utf-8")
    assert text.count(TITLE) == 1
    copy.write_text(text.replace(TITLE, "Edge Case: Nested and Mixed Lists, Revised"), encoding="utf-8")
    drift = convert(copy, "-o", "site", "--check", "--report", "drift.json", *gone_host)
    assert drift.exit_code == 1
    assert drift.output.endswith(
        f"site: 0 new, 1 changed, 77 unchanged, {N_ASSETS} assets to fetch (drift: the output would change)\n"
    )
    report = json.loads(Path("drift.json").read_text())
    assert [(c["action"], c["path"]) for c in report["changes"]] == [("update", POST)]
    assert (report["mode"], report["exit_code"]) == ("check", 1)
    assert validate(report, SCHEMA) == []
    assert tree(Path("site")) == before  # --check writes nothing


def test_downloaded_assets_are_left_alone_on_a_re_run(
    export: Path, live_host: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = convert(export, "-o", "site", "-q", *live_host)
    assert first.exit_code == 0
    assert first.output.endswith(f"site: {78 + N_ASSETS} new, 0 changed, 0 unchanged\n")
    before = tree(Path("site"))
    assets = [p for p in before if p.startswith("assets/images/") and before[p][0] != "dir"]
    assert len(assets) == N_ASSETS
    assert (Path("site") / assets[0]).read_bytes().startswith(PNG)
    assert b"](/assets/images/2008/06/" in b"".join(
        (Path("site") / p).read_bytes() for p in before if p.endswith(".md")
    )
    again = convert(export, "-o", "site", "-q", *live_host)
    assert again.output.endswith(f"site: 0 new, 0 changed, {78 + N_ASSETS} unchanged\n")
    assert tree(Path("site")) == before
    # A CI machine: a fresh checkout of the site, an empty download cache, no network at all.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    gate = convert(export, "-o", "site", "--check", "--offline")
    assert gate.exit_code == 0
    assert gate.output.endswith(f"site: 0 new, 0 changed, {78 + N_ASSETS} unchanged (no drift)\n")


@pytest.mark.slow
def test_jobs_2_gives_the_same_bytes_as_jobs_1(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wpmigrate.pipeline as pipeline

    jobs_seen: list[int] = []

    def spy(posts, ctx, jobs, *args, **kw):  # the real engine, noting how many processes it was given
        jobs_seen.append(jobs)
        return convert_many(posts, ctx, jobs, *args, **kw)

    convert_many = pipeline.convert_many
    monkeypatch.setattr(pipeline, "convert_many", spy)
    one = convert(export, "-o", "one", "-q", "--offline", "--jobs", "1", "--report", "one.json")
    two = convert(export, "-o", "two", "-q", "--offline", "--jobs", "2", "--report", "two.json")
    assert jobs_seen == [1, 2]
    assert one.output.replace("one:", "X:") == two.output.replace("two:", "X:")
    # The stat record holds inodes and mtimes: machine-local, not output.
    hashes = {name: {p: h for p, (h, _) in tree(Path(name)).items() if p != RECORD_PATH} for name in ("one", "two")}
    assert len(hashes["one"]) > 78 and hashes["one"] == hashes["two"]  # manifest included
    reports = [json.loads(Path(f"{n}.json").read_text()) for n in ("one", "two")]
    assert {**reports[0], "output_dir": ""} == {**reports[1], "output_dir": ""}


def test_reports_of_a_real_run_validate_and_render(export: Path) -> None:
    convert(export, "-o", "site", "-q", "--offline")
    (Path("site") / POST).write_bytes(b"mine\n")
    convert(export, "-o", "site", "--offline", "--dry-run", "--report", "r.json")
    convert(export, "-o", "site", "--offline", "--dry-run", "--report", "r.md")
    report = json.loads(Path("r.json").read_text())
    assert validate(report, SCHEMA) == []
    assert report["summary"]["conflicting"] == 1 and report["summary"]["assets_failed"] == N_ASSETS
    html = MarkdownIt("commonmark").enable("table").render(Path("r.md").read_text())
    assert html.count("<table>") >= 3  # counts, posts, changes
    assert f"<td>conflict</td>\n<td><code>{POST}</code></td>" in html


# --- parallel.convert_many: the --jobs engine ------------------------------------------------------


def _fake_convert(post, ctx):
    from wpmigrate.errors import ConvertError
    from wpmigrate.models import AssetRef, ConvertedPost

    if post.title == "bad":
        raise ConvertError(post.where, "cannot convert")
    ctx.rewrite_asset(f"https://old.example/{post.id}.png")  # a side effect the parent must see
    return ConvertedPost(
        markdown=f"{post.title} {ctx.label}\n", assets=(AssetRef(f"https://old.example/{post.id}.png"),)
    )


class _Ctx:
    label = "ctx"

    def __init__(self) -> None:
        self.wanted: list[str] = []

    def rewrite_asset(self, url: str) -> str:
        self.wanted.append(url)
        return url


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_convert_many_keeps_order_errors_and_side_effects(jobs: int) -> None:
    from wpmigrate.models import Post
    from wpmigrate.parallel import convert_many

    posts = [Post(source="e.xml", id=i, title="bad" if i % 7 == 3 else f"t{i}") for i in range(50)]
    ctx = _Ctx()
    results = list(convert_many(iter(posts), ctx, jobs, _fake_convert, ctx.rewrite_asset))
    assert [p.id for p, _ in results] == list(range(50))
    assert [r if isinstance(r, str) else r.markdown for _, r in results][:4] == [
        "t0 ctx\n",
        "t1 ctx\n",
        "t2 ctx\n",
        "cannot convert",
    ]
    assert ctx.wanted == [f"https://old.example/{i}.png" for i in range(50) if i % 7 != 3]


def test_manifest_is_the_same_bytes_whatever_the_folder_and_the_way_the_path_is_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = isolated_workdir(tmp_path, monkeypatch, "work")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "export.xml").write_bytes((FIXTURES / "wxr" / "site.xml").read_bytes())
    first = convert("../inputs/export.xml", "-o", "site", "-q", "--offline")
    manifest = work / "site" / MANIFEST_PATH
    before = manifest.read_bytes(), manifest.stat().st_mtime_ns
    assert b'"source": "../../inputs/export.xml#' in before[0]  # relative to the output folder
    # From another folder, the export named as a plain name and the output as a path.
    monkeypatch.chdir(inputs)
    second = convert("export.xml", "-o", "../work/site", "--offline")
    # From the output folder itself, everything absolute.
    monkeypatch.chdir(work / "site")
    third = convert(inputs / "export.xml", "-o", work / "site", "--offline")
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == before
    n = first.output.split(": ")[-1].split(" new")[0]
    for result in (second, third):
        assert result.exit_code == 0
        assert result.output.endswith(f"site: 0 new, 0 changed, {n} unchanged\n"), result.output
