"""Settings.from_options: the one place every option is checked and normalised, whoever calls it
(the command line, a configuration file read by config.load_config, a library user)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpmigrate.config import load_config
from wpmigrate.errors import OptionsError
from wpmigrate.settings import PROFILES, Settings


def test_option_values_become_fields(tmp_path: Path) -> None:
    settings = Settings.from_options(
        sources=["export.xml"],
        types="post, page,book",
        status=("publish", "draft,private"),
        mirror=[tmp_path],
        host_map=["https://WWW.Example.com/blog=http://127.0.0.1:8000 "],
        asset_host=("cdn.example.com,img.example.com", "static.example.com"),
        assets=False,
        asset_dir="/img/posts/",
        drop_key="wp_id",
        timeout=5,
    )
    assert settings.sources == (Path("export.xml"),)
    assert settings.types == ("post", "page", "book")
    assert settings.statuses == ("publish", "draft", "private")
    assert settings.mirrors == (tmp_path,)
    assert settings.host_map == (("www.example.com", "http://127.0.0.1:8000"),)
    assert settings.asset_hosts == ("cdn.example.com", "img.example.com", "static.example.com")
    assert (settings.download_assets, settings.asset_dir, settings.asset_url_prefix) == (
        False,
        "img/posts",
        "/img/posts",
    )
    assert settings.drop_keys == ("wp_id",) and settings.timeout == 5.0 and isinstance(settings.timeout, float)


def test_defaults_are_the_fields_and_none_means_default() -> None:
    settings = Settings.from_options(sources=("a.xml",), out=None, status=None, asset_url=None, report=None)
    assert settings == Settings(sources=(Path("a.xml"),))
    assert Settings.from_options(sources=("a.xml",), in_place=True).out == Path(".")
    assert Settings.from_options(sources=("a.xml",), in_place=True, out="site").out == Path("site")
    assert Settings.from_options(sources=("a.xml",), asset_url="https://cdn.example/img/").asset_url_prefix == (
        "https://cdn.example/img"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "no SOURCES given: name an export file or folder (or set sources in wpmigrate.toml)"),
        ({"colour": True}, "--colour: no such option"),
        ({"status": "publish", "statuses": ["draft"]}, "--status and --statuses are the same option; give one"),
        ({"host_map": ["www.example.com"]}, "--host-map 'www.example.com': expected OLD=NEW, e.g. "),
        ({"host_map": ["old.example=ftp://x"]}, "--host-map 'old.example=ftp://x': expected OLD=NEW"),
        ({"mirror": ["no/such/folder"]}, "--mirror no/such/folder: not a folder"),
        ({"offline": "yes"}, "--offline: expected true or false, not 'yes'"),
        ({"jobs": True}, "--jobs: expected a whole number, not True"),
        ({"jobs": 0}, "--jobs must be 1 or more"),
        ({"timeout": 0}, "--timeout: give 0.01 seconds or more"),
        ({"retries": -1}, "--retries: give 0 or more"),
        (
            {"profile": "gatsby"},
            f"--profile: unknown profile 'gatsby'; choose one of {', '.join(PROFILES)}",
        ),
        ({"types": ""}, "--types: give at least one post type"),
        ({"types": 3}, "--types: expected a value or a list of values, not 3"),
        ({"diff": True}, "--diff shows what would change: use it with --dry-run or --check"),
    ],
)
def test_each_bad_option_is_one_line_naming_it(options: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"sources": ["a.xml"], **options} if options else {}
    with pytest.raises(OptionsError) as err:
        Settings.from_options(**values)
    assert str(err.value).startswith(message)


def test_a_configuration_file_read_by_a_library_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "mirror").mkdir()
    (tmp_path / "wpmigrate.toml").write_text(
        'sources = ["export.xml"]\nstatus = ["publish"]\nmirror = ["mirror"]\nassets = false\n'
        'host-map = ["old.example=http://127.0.0.1:9"]\nasset_url_prefix = "/media"\n'
    )
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_options(**load_config(tmp_path))
    assert settings.statuses == ("publish",) and settings.mirrors == (Path("mirror"),)
    assert settings.host_map == (("old.example", "http://127.0.0.1:9"),)
    assert (settings.download_assets, settings.asset_url_prefix) == (False, "/media")
