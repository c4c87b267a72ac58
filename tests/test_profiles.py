"""Output profiles (issue 10): the registry, plain, hugo, old URLs kept, redirect maps, the scaffold."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED, corpus_file

from wpmigrate.cli import main
from wpmigrate.emit import PROFILES, get_profile
from wpmigrate.emit.profile import PlaceInput, Profile, fill_permalink
from wpmigrate.settings import PROFILES as SETTING_PROFILES
from wpmigrate.settings import Settings

DEMO = FIXTURES / "demo" / "export.xml"


def convert(*args: str) -> None:
    result = CliRunner().invoke(main, ["convert", "--offline", "-q", *args])
    assert result.exit_code == 0, result.output


def test_one_registry_feeds_settings_and_each_profile_is_a_profile() -> None:
    assert SETTING_PROFILES == tuple(PROFILES) == ("jekyll", "hugo", "plain")
    for name in PROFILES:
        profile: Profile = get_profile(name)
        assert profile.name == name
        assert Settings(profile=name).asset_dir == profile.asset_dir


def test_asset_defaults_are_the_profiles_and_stay_overridable() -> None:
    assert (Settings().asset_dir, Settings().asset_url_prefix) == ("assets/images", "/assets/images")
    hugo = Settings.from_options(sources=["a.xml"], profile="hugo")
    assert (hugo.asset_dir, hugo.asset_url_prefix) == ("static/images", "/images")
    own = Settings.from_options(sources=["a.xml"], profile="hugo", asset_dir="static/media")
    assert (own.asset_dir, own.asset_url_prefix) == ("static/media", "/static/media")


def test_plain_front_matter_is_the_seeds_byte_for_byte(tmp_path: Path) -> None:
    seed = SHARED / "seed" / "leadership.md"
    source = corpus_file("amauger/input/leadership.md")
    if not seed.is_file():
        pytest.skip("../shared/seed/leadership.md not present")
    convert(str(source), "--profile", "plain", "--out", str(tmp_path / "out"))
    written = (tmp_path / "out" / "leadership.md").read_bytes()
    expected = seed.read_bytes()
    front = expected[: expected.index(b"\n---\n", 4) + 5]
    assert written.startswith(front + b"\n")
    assert b"{%" not in written and b"{{" not in written


def test_plain_links_follow_the_permalink_pattern_and_no_liquid_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "out"
    convert(str(DEMO), "--profile", "plain", "--permalink", "/:year/:month/:slug/", "--out", str(out))
    texts = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    assert "leaving-the-harbour.md" in texts and "pages/about/contact.md" in texts
    assert not any("{%" in t or "{{" in t for t in texts.values())
    # The demo's posts link to each other and to a page by their old URLs.
    linked = "\n".join(texts.values())
    assert "](/2024/03/leaving-the-harbour/" in linked
    assert "{% link" not in linked and "post_url" not in linked


def test_fill_permalink_placeholders() -> None:
    p = PlaceInput("post", "publish", "café", datetime(2024, 3, 16), categories=("Sailing", "Boats"))
    assert fill_permalink("/:year/:month/:day/:slug/", p) == "/2024/03/16/café/"
    assert fill_permalink("/:categories/:year/:title.html", p) == "/sailing/boats/2024/café.html"
    assert fill_permalink("/:categories/:slug/", PlaceInput("post", "publish", "x", None)) == "/x/"
