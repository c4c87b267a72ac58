"""Issue 12.3: a folder or file the run cannot write (--out, --asset-cache, --report) is one line on stderr and
exit 2, checked before any work; a write that fails mid-run (disk full, permission) is one line naming the
path, never a traceback.

Tests run as root in CI, where chmod does not stop writes: the unwritable places here are paths under a
regular FILE (`somefile/site`), which no user can create, and /dev/full, a real "disk full"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, isolated_workdir

from wpmigrate.cli import main
from wpmigrate.errors import OptionsError
from wpmigrate.settings import Settings


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = isolated_workdir(tmp_path, monkeypatch, "blog")
    (folder / "site.xml").write_bytes((FIXTURES / "wxr" / "site.xml").read_bytes())
    (folder / "somefile").write_text("a file, not a folder\n")
    return folder


def convert(*args: object) -> Result:
    return CliRunner().invoke(main, ["convert", "site.xml", "--offline", "-q", *map(str, args)])


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def assert_one_line(result: Result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    assert result.stderr == f"wpmigrate: error: {expected}\n"


def test_out_under_a_file_is_refused_before_any_work(work: Path) -> None:
    before = files_under(work)
    result = convert("-o", "somefile/site")
    assert_one_line(result, "--out somefile/site: cannot create it: somefile is a file, not a folder")
    assert files_under(work) == before


def test_out_that_is_a_file_is_refused(work: Path) -> None:
    assert_one_line(convert("-o", "somefile"), "--out somefile: is a file, not a folder")


def test_asset_cache_under_a_file_is_refused_before_any_work(work: Path) -> None:
    result = convert("-o", "out", "--asset-cache", "somefile/cache")
    assert_one_line(result, "--asset-cache somefile/cache: cannot create it: somefile is a file, not a folder")
    assert not (work / "out").exists()


def test_report_into_a_missing_folder_is_refused_not_created(work: Path) -> None:
    result = convert("-o", "out", "--report", "reports/r.json")
    assert_one_line(
        result, "--report reports/r.json: the folder reports does not exist; create it or give another path"
    )
    assert not (work / "reports").exists()
    assert not (work / "out").exists()  # refused before converting, not after writing the site


def test_report_under_a_file_or_onto_a_folder_is_refused(work: Path) -> None:
    assert_one_line(
        convert("-o", "out", "--report", "somefile/r.json"),
        "--report somefile/r.json: somefile is a file, not a folder",
    )
    (work / "reports").mkdir()
    assert_one_line(convert("-o", "out", "--report", "reports"), "--report reports: is a folder; give a file name")
    assert not (work / "out").exists()


def test_dry_run_does_not_need_a_writable_out(work: Path) -> None:
    result = convert("-o", "somefile/site", "--dry-run")
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into a 0o500 folder anyway")
def test_read_only_out_folder_is_refused(work: Path) -> None:
    locked = work / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert_one_line(convert("-o", "locked/site"), "--out locked/site: cannot create it: locked is not writable")
        assert_one_line(convert("-o", "locked"), "--out locked: is not writable")
    finally:
        locked.chmod(0o700)


def test_settings_from_options_checks_for_library_callers_too(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(OptionsError, match=r"^--out .*f/site: cannot create it: .*f is a file, not a folder$"):
        Settings.from_options(sources=("a.xml",), out=tmp_path / "f" / "site")
    Settings.from_options(sources=("a.xml",), out=tmp_path / "f" / "site", check=True)  # writes nothing: fine


def test_disk_full_while_writing_the_report_is_one_line(work: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    result = convert("-o", "out", "--report", "/dev/full")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr == "wpmigrate: error: cannot write /dev/full: No space left on device\n"
    assert (work / "out" / ".wpmigrate" / "manifest.json").is_file()  # the site was written before it


def test_a_write_failing_mid_run_is_one_line_naming_the_path(work: Path) -> None:
    # A file where the manifest's folder must go: every post is written, then the manifest cannot be.
    (work / "out").mkdir()
    (work / "out" / ".wpmigrate").write_text("in the way\n")
    result = convert("-o", "out")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wpmigrate: error: cannot write out/.wpmigrate/manifest.json: ")
    assert "Traceback" not in result.output
    # Re-run once the obstacle is gone: the run completes.
    (work / "out" / ".wpmigrate").unlink()
    again = convert("-o", "out")
    assert again.exit_code == 0, again.output


def test_a_download_cache_that_cannot_be_written_fails_the_assets_not_the_run(work: Path) -> None:
    from conftest import local_server
    from werkzeug import Request, Response

    (work / "assets.xml").write_bytes((FIXTURES / "assets" / "site.xml").read_bytes())
    png = (FIXTURES / "assets" / "tiny.png").read_bytes()

    def serve(_: Request) -> Response:
        return Response(png, content_type="image/png")

    (work / "cache").mkdir()
    (work / "cache" / "files").write_text("a file where the cache's folder goes\n")  # as a full disk would
    with local_server(serve) as base:
        maps = ["--host-map", f"www.example.test={base}", "--host-map", f"i2.wp.com={base}"]
        result = CliRunner().invoke(main, ["convert", "assets.xml", "-o", "out", "--asset-cache", "cache", *maps])
    assert result.exit_code == 0, result.output  # assets failed, not --strict: the run is fine
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"cannot write to the download cache {Path('cache', 'files')}" in result.stdout
    posts = "".join(p.read_text(encoding="utf-8") for p in (work / "out").rglob("*.md"))
    assert "https://www.example.test/wp-content/uploads/2020/01/ok.png" in posts  # relinked to the origin
    assert not (work / "out" / "assets").exists()
