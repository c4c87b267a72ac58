"""config.load_config: wpmigrate.toml / [tool.wpmigrate], key spelling, unknown keys, paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpmigrate.config import load_config
from wpmigrate.errors import OptionsError

CLI_NAMES = {
    "sources": "sources",
    "out": "out",
    "types": "types",
    "status": "statuses",
    "dry_run": "dry_run",
    "report": "report_path",
    "jobs": "jobs",
    "force": "force",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_no_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()  # stop the search here, not in whatever folder holds tmp_path
    monkeypatch.chdir(tmp_path)
    assert load_config(tmp_path) == {}


def test_wpmigrate_toml_with_dashes_and_underscores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "wpmigrate.toml",
        'sources = ["export.xml"]\nout = "site"\ndry-run = true\n'
        'status = "publish,draft"\njobs = 2\nreport = "report.md"\n',
    )
    assert load_config(tmp_path, CLI_NAMES) == {
        "sources": ["export.xml"],
        "out": "site",
        "dry_run": True,
        "statuses": "publish,draft",
        "jobs": 2,
        "report_path": "report.md",
    }


def test_default_names_are_the_settings_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "wpmigrate.toml", 'asset-dir = "img"\nasset_url_prefix = "/img"\nstatus = ["publish"]\n')
    assert load_config(tmp_path) == {"asset_dir": "img", "asset_url_prefix": "/img", "statuses": ["publish"]}


def test_pyproject_tool_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[project]\nname = "blog"\n\n[tool.wpmigrate]\nout = "docs"\nforce = false\n')
    assert load_config(tmp_path, CLI_NAMES) == {"out": "docs", "force": False}


def test_wpmigrate_toml_wins_over_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.wpmigrate]\nout = "from-pyproject"\n')
    write(tmp_path / "wpmigrate.toml", 'out = "from-toml"\n')
    assert load_config(tmp_path, CLI_NAMES) == {"out": "from-toml"}


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "wpmigrate.toml", "jobs = 3\n")
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(tmp_path / "sub", CLI_NAMES) == {"jobs": 3}


def test_search_stops_at_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "wpmigrate.toml", "jobs = 3\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert load_config(tmp_path / "repo", CLI_NAMES) == {}


def test_paths_are_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / "wpmigrate.toml", 'sources = ["exports/site.xml", "/abs/other.xml"]\nout = "site"\ntypes = "post"\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert load_config(tmp_path / "sub", CLI_NAMES) == {
        "sources": ["../exports/site.xml", "/abs/other.xml"],
        "out": "../site",
        "types": "post",
    }


def test_unknown_key_names_it_and_the_known_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "wpmigrate.toml", 'out = "site"\ndry_rum = true\n')
    with pytest.raises(OptionsError) as err:
        load_config(tmp_path, CLI_NAMES)
    assert str(err.value) == (
        "wpmigrate.toml: unknown key 'dry_rum' (known: dry-run, force, jobs, out, report, sources, status, types)"
    )


def test_unknown_key_in_pyproject_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", "[tool.wpmigrate]\nfoo = 1\n")
    with pytest.raises(OptionsError, match=r"^pyproject.toml \[tool.wpmigrate\]: unknown key 'foo' \(known: "):
        load_config(tmp_path, CLI_NAMES)


def test_one_option_spelt_twice_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "wpmigrate.toml", "dry-run = true\ndry_run = false\n")
    with pytest.raises(OptionsError, match="'dry_run' and 'dry-run' are the same option"):
        load_config(tmp_path, CLI_NAMES)


def test_invalid_toml_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "wpmigrate.toml", 'out = "site"\njobs = \n')
    with pytest.raises(OptionsError, match=r"^wpmigrate.toml: not valid TOML: .*line 2"):
        load_config(tmp_path, CLI_NAMES)


def test_explicit_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "ci" / "migrate.toml", "jobs = 4\n")
    assert load_config(tmp_path, CLI_NAMES, config_file=tmp_path / "ci" / "migrate.toml") == {"jobs": 4}
    with pytest.raises(OptionsError, match="configuration file not found"):
        load_config(tmp_path, CLI_NAMES, config_file=tmp_path / "nope.toml")
