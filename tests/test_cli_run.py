"""The convert command's run control: wpmigrate.toml / [tool.wpmigrate] read by the CLI (flags win,
unknown keys are a one-line error), progress on stderr with terminal manners, --diff's pairing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, isolated_workdir

from wpmigrate.cli import main
from wpmigrate.progress import Progress, make_progress, use_color
from wpmigrate.settings import PROFILES, Settings

EXPORT = FIXTURES / "wxr" / "site.xml"  # 1 post, 1 draft (password-protected: skipped), 1 page, 1 attachment
SUMMARY = "2 new, 0 changed, 0 unchanged\n"  # the draft has a password: not written


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolated_workdir(tmp_path, monkeypatch, "blog")


def run(*args: object) -> Result:
    return CliRunner().invoke(main, ["convert", *map(str, args)], catch_exceptions=False)


def test_wpmigrate_toml_holds_every_option(work: Path) -> None:
    (work / "exports").mkdir()
    (work / "exports" / "site.xml").write_bytes(EXPORT.read_bytes())
    (work / "wpmigrate.toml").write_text(
        'sources = ["exports/site.xml"]\nout = "docs"\noffline = true\n'
        'types = ["post"]\nreport = "report.json"\nquiet = true\n'
    )
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stdout == "docs: 1 new, 0 changed, 0 unchanged\n"  # types=post, quiet: from the file
    assert sorted(p.name for p in (work / "docs").rglob("*.md")) == [
        "2024-04-14-matin-à-étretat.md",
    ]  # no page
    assert (work / "report.json").is_file()


def test_flags_override_the_file(work: Path) -> None:
    (work / "wpmigrate.toml").write_text(
        f'sources = ["{EXPORT.as_posix()}"]\nout = "docs"\noffline = true\ntypes = "post"\n'
    )
    result = run("--out", "site", "--types", "post,page", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == "site: " + SUMMARY and not (work / "docs").exists()


def test_config_paths_are_relative_to_the_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "pyproject.toml").write_text(
        f'[project]\nname = "blog"\n\n[tool.wpmigrate]\n'
        f'sources = ["{EXPORT.as_posix()}"]\nout = "site"\nno-assets = true\n'
    )
    (work / "sub").mkdir()
    monkeypatch.chdir(work / "sub")
    result = run("-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == "../site: " + SUMMARY and (work / "site" / "ancien.md").is_file()


def settings_of(monkeypatch: pytest.MonkeyPatch, *args: object) -> Settings:
    """The Settings the command line builds (the run itself goes on, without downloads)."""
    import wpmigrate.pipeline as pipeline

    seen: list[Settings] = []
    real = pipeline.run

    def spy(settings: Settings, **kw: Any) -> Any:
        seen.append(settings)
        return real(settings, **kw)

    monkeypatch.setattr(pipeline, "run", spy)
    result = run(*args)
    assert result.exit_code == 0, result.output
    return seen[0]


@pytest.mark.parametrize("value", [True, False])
def test_a_flag_from_the_file_is_undone_by_its_other_form(
    work: Path, monkeypatch: pytest.MonkeyPatch, value: bool
) -> None:
    (work / "wpmigrate.toml").write_text(
        f'sources = ["{EXPORT.as_posix()}"]\nassets = false\noffline = {str(value).lower()}\nquiet = true\n'
    )
    assert settings_of(monkeypatch).offline is value
    assert settings_of(monkeypatch, "--no-offline" if value else "--offline").offline is not value
    assert settings_of(monkeypatch, "--assets", "--offline").download_assets is True


def test_a_flags_no_form_is_a_key_too(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "wpmigrate.toml").write_text(
        f'sources = ["{EXPORT.as_posix()}"]\nno-assets = true\nno_quiet = false\nstatus = ["publish"]\n'
    )
    settings = settings_of(monkeypatch)
    assert (settings.download_assets, settings.quiet, settings.statuses) == (False, True, ("publish",))
    (work / "wpmigrate.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\nassets = true\nno-assets = true\n')
    result = run()
    assert result.exit_code == 2
    assert result.stderr == "wpmigrate: error: wpmigrate.toml: 'no-assets' and 'assets' are the same option; keep one\n"
    (work / "wpmigrate.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\nno-offline = "perhaps"\n')
    bad = run().stderr
    assert bad.startswith("wpmigrate: error: wpmigrate.toml: no-offline = 'perhaps': 'perhaps' is not a valid boolean.")
    assert len(bad.splitlines()) == 1


def test_profile_is_a_choice(work: Path) -> None:
    result = run(EXPORT, "--profile", "gatsby")
    choices = ", ".join(f"'{name}'" for name in PROFILES)  # the registry's, in its order
    assert (
        result.exit_code == 2 and f"Invalid value for '--profile': 'gatsby' is not one of {choices}." in result.stderr
    )
    (work / "wpmigrate.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\nprofile = "gatsby"\n')
    assert run().stderr == f"wpmigrate: error: wpmigrate.toml: profile = 'gatsby': 'gatsby' is not one of {choices}.\n"


def test_unknown_key_is_a_one_line_error(work: Path) -> None:
    (work / "wpmigrate.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\ndry_rum = true\n')
    result = run("-o", "site")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "wpmigrate: error: wpmigrate.toml: unknown key 'dry_rum' (known: aliases, asset-cache, asset-deadline, asset-dir, "
    )
    assert "dry-run" in lines[0] and not (work / "site").exists()


def test_a_value_of_the_wrong_type_names_file_and_key(work: Path) -> None:
    (work / "wpmigrate.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\njobs = "many"\n')
    result = run("-o", "site")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("wpmigrate: error: wpmigrate.toml: jobs = 'many': ")
    assert "not a valid integer" in result.stderr and len(result.stderr.splitlines()) == 1
    (work / "wpmigrate.toml").write_text('sources = "export.xml"\n')
    assert run().stderr == "wpmigrate: error: wpmigrate.toml: sources = 'export.xml': Value must be an iterable.\n"


def test_explicit_config_file_and_bad_toml(work: Path) -> None:
    (work / "ci.toml").write_text(f'sources = ["{EXPORT.as_posix()}"]\nout = "from-ci"\noffline = true\n')
    assert run("--config", "ci.toml", "-q").stdout == "from-ci: " + SUMMARY
    (work / "wpmigrate.toml").write_text("out = \n")
    bad = run(EXPORT, "-q")
    assert bad.exit_code == 2 and bad.stderr.startswith("wpmigrate: error: wpmigrate.toml: not valid TOML: ")
    assert len(bad.stderr.splitlines()) == 1


def test_no_sources_anywhere(work: Path) -> None:
    result = run("-o", "site")
    assert result.exit_code == 2
    assert result.stderr == (
        "wpmigrate: error: no SOURCES given: name an export file or folder (or set sources in wpmigrate.toml)\n"
    )


def test_diff_needs_dry_run_or_check(work: Path) -> None:
    result = run(EXPORT, "-o", "site", "--diff")
    assert result.exit_code == 2 and "use it with --dry-run or --check" in result.stderr
    assert not (work / "site").exists()


def test_progress_is_plain_lines_off_a_terminal_and_silent_with_q(work: Path) -> None:
    loud = run(EXPORT, "-o", "site", "--offline")
    assert loud.stderr == "Converting: 2 items\nConverting: 2/2 done\n"
    assert "\x1b" not in loud.output and "\r" not in loud.output
    quiet = run(EXPORT, "-o", "site2", "--offline", "-q")
    assert quiet.stderr == "" and quiet.stdout == "site2: " + SUMMARY


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal_with_colour_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = _Tty()
    assert use_color(stream)
    tick = Progress(stream)("Converting", 2)
    tick()
    tick()
    text = stream.getvalue()
    assert text.startswith("\rConverting [") and text.endswith(" 2/2\n") and "\x1b[32m" in text

    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Tty()
    assert not use_color(stream)
    tick = Progress(stream)("Converting", 1)
    tick()
    assert "\x1b" not in stream.getvalue() and stream.getvalue().endswith("] 1/1\n")
    assert "#" * 10 in stream.getvalue()


def test_plain_lines_every_tenth_and_null_progress() -> None:
    stream = io.StringIO()
    tick = Progress(stream)("Fetching assets", 40)
    for _ in range(40):
        tick()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Fetching assets: 40 items" and lines[1] == "Fetching assets: 4/40 (10%)"
    assert lines[-1] == "Fetching assets: 40/40 done" and len(lines) == 11
    silent = make_progress(quiet=True)
    silent("x", 3)()
    silent.close()  # prints nothing, needs no stream
