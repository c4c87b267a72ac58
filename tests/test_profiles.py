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
    assert tuple(PROFILES) == SETTING_PROFILES
    assert {"jekyll", "hugo", "plain", "eleventy", "astro"} <= set(PROFILES) and SETTING_PROFILES[0] == "jekyll"
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


def test_jekyll_keep_urls_sets_the_wordpress_path_and_aliases_add_redirect_from(tmp_path: Path) -> None:
    out = tmp_path / "out"
    convert(str(DEMO), "--keep-urls", "--out", str(out))
    post = (out / "_posts" / "2024-03-16-leaving-the-harbour.md").read_text(encoding="utf-8")
    assert "\npermalink: /2024/03/leaving-the-harbour/\n---\n" in post
    convert(str(DEMO), "--aliases", "--out", str(tmp_path / "aliases"))
    post = (tmp_path / "aliases" / "_posts" / "2024-03-16-leaving-the-harbour.md").read_text(encoding="utf-8")
    assert "\nredirect_from: [/2024/03/leaving-the-harbour/]\n---\n" in post and "permalink" not in post


def test_hugo_bundles_toml_and_drafts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    mirror = str(FIXTURES / "demo" / "mirror")
    convert(str(DEMO), "--mirror", mirror, "--profile", "hugo", "--front-matter", "toml", "--out", str(out))
    post = (out / "content" / "posts" / "leaving-the-harbour" / "index.md").read_text(encoding="utf-8")
    assert post.startswith(
        '+++\ntitle = "Leaving the harbour: a first crossing"\ndate = 2024-03-16\nlastmod = 2024-04-02\n'
        'categories = ["Sailing"]\ntags = ["Brittany"]\nauthor = "Marie Durand"\nurl = "/2024/03/leaving-the-harbour/"\n+++\n'
    )
    # The post's only image is in its bundle, beside it.
    assert "[![The harbour at dawn](harbour.png)](harbour.png)" in post
    assert (out / "content/posts/leaving-the-harbour/harbour.png").is_file() and not (out / "static").exists()
    draft = (out / "content" / "posts" / "winter-maintenance-a-draft" / "index.md").read_text(encoding="utf-8")
    assert "\ndraft = true\n" in draft
    assert (out / "content" / "about-contact.md").read_text(encoding="utf-8").count('url = "/about/contact/"') == 1


def test_toml_front_matter_is_for_hugo_only() -> None:
    with pytest.raises(Exception, match="only Hugo reads TOML"):
        Settings.from_options(sources=["a.xml"], front_matter="toml")


@pytest.mark.parametrize(
    ("fmt", "path", "line"),
    [
        ("netlify", "_redirects", "/ p=10 /sailing/2024/03/16/leaving-the-harbour.html 301!"),
        (
            "nginx",
            "redirects.nginx.conf",
            '    "/2024/03/leaving-the-harbour/" "/sailing/2024/03/16/leaving-the-harbour.html";',
        ),
        ("csv", "redirects.csv", "/tag/brittany/,/,301"),
        (
            "apache",
            ".htaccess",
            "RewriteRule ^2024/03/leaving-the-harbour/$ /sailing/2024/03/16/leaving-the-harbour.html? [R=301,L,NE]",
        ),
    ],
)
def test_each_redirect_format(tmp_path: Path, fmt: str, path: str, line: str) -> None:
    convert(str(DEMO), "--redirects", fmt, "--out", str(tmp_path / "out"))
    lines = (tmp_path / "out" / path).read_text(encoding="utf-8").splitlines()
    assert line in lines
    # Every post, page, attachment page, term and author archive, the feed and ?p=ID: 18 in the demo.
    assert (
        len(
            [
                x
                for x in lines
                if x.strip() and not x.startswith(("#", "map", "}", "    default", "RewriteC", "old,", "RewriteE"))
            ]
        )
        == 18
    )


def test_keep_urls_leaves_kept_paths_out_of_the_map(tmp_path: Path) -> None:
    convert(str(DEMO), "--keep-urls", "--redirects", "csv", "--out", str(tmp_path / "out"))
    text = (tmp_path / "out" / "redirects.csv").read_text(encoding="utf-8")
    assert "\n/2024/03/leaving-the-harbour/," not in text and "/?p=10,/2024/03/leaving-the-harbour/,301" in text


def test_scaffold_never_touches_an_existing_config(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "_config.yml").write_text("title: mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(DEMO), "--offline", "--scaffold", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "_config.yml").read_text(encoding="utf-8") == "title: mine\n"
    assert not (out / "_layouts").exists() and "already holds a site" in result.output
    fresh = tmp_path / "fresh"
    convert(str(DEMO), "--scaffold", "--out", str(fresh))
    assert "include: [_redirects]" in (fresh / "_config.yml").read_text(encoding="utf-8")
    assert {p.name for p in (fresh / "_layouts").iterdir()} == {"default.html", "post.html", "page.html"}


def test_front_matter_fields_order_renames_dates_in_the_sites_zone_and_slugs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fmt = "%Y-%m-%d %H:%M:%S %z"
    convert(
        str(DEMO),
        "--fields",
        "title,date,modified:modif,categories",
        "--date-format",
        fmt,
        "--terms",
        "slugs",
        "--out",
        str(out),
    )
    post = (out / "_posts" / "2024-03-16-leaving-the-harbour.md").read_text(encoding="utf-8")
    # 09:30 local, 08:30 GMT in the export: +0100; the April modification is in summer time, +0200.
    assert post.startswith(
        "---\ntitle: 'Leaving the harbour: a first crossing'\ndate: 2024-03-16 09:30:00 +0100\n"
        "modif: 2024-04-02 18:05:11 +0200\ncategories: [sailing]\n---\n"
    )


def test_front_matter_options_from_wpmigrate_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import isolated_workdir

    work = isolated_workdir(tmp_path, monkeypatch, "blog")
    (work / "wpmigrate.toml").write_text(
        f'sources = ["{DEMO.as_posix()}"]\nprofile = "hugo"\nfields = ["title", "modified:updated", "tags"]\n'
        "offline = true\nquiet = true\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["convert"])
    assert result.exit_code == 0, result.output
    post = (work / "site" / "content" / "posts" / "leaving-the-harbour" / "index.md").read_text(encoding="utf-8")
    assert post.startswith(
        "---\ntitle: 'Leaving the harbour: a first crossing'\nupdated: 2024-04-02\ntags: [Brittany]\n---\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": "title,:x"}, "--fields ':x': expected FIELD or FIELD:NAME"),
        ({"terms": "ids"}, "--terms: unknown form 'ids'; choose names or slugs"),
        ({"date_format": "YYYY"}, "--date-format 'YYYY': give a strftime pattern"),
        ({"redirects": "iis"}, "--redirects: unknown format 'iis'"),
        ({"permalink": "posts/:slug"}, "--permalink 'posts/:slug': give a root-relative pattern with :slug"),
    ],
)
def test_bad_profile_options_are_one_line(options: dict[str, object], message: str) -> None:
    from wpmigrate.errors import OptionsError

    with pytest.raises(OptionsError) as err:
        Settings.from_options(sources=["a.xml"], **options)
    assert str(err.value).startswith(message)


def test_hugo_without_the_raw_html_setting_is_warned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(DEMO), "--offline", "--profile", "hugo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "hugo drops raw HTML from Markdown" in result.output
    assert "unless its config says markup.goldmark.renderer.unsafe = true" in result.output
    (out / "hugo.toml").write_text("[markup.goldmark.renderer]\nunsafe = true\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["convert", str(DEMO), "--offline", "--profile", "hugo", "--out", str(out)])
    assert again.exit_code == 0 and "raw HTML" not in again.output


def test_toml_front_matter_of_every_wptt_post_loads_back(tmp_path: Path) -> None:
    import tomllib

    out = tmp_path / "out"
    convert(
        str(corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml")),
        "--profile",
        "hugo",
        "--front-matter",
        "toml",
        "--no-assets",
        "--out",
        str(out),
    )
    files = list((out / "content").rglob("*.md"))
    assert len(files) > 70
    titles = {tomllib.loads(f.read_text(encoding="utf-8").split("+++\n")[1]).get("title") for f in files}
    assert "Template: Excerpt (Defined)" in titles


def test_a_jekyll_config_that_does_not_publish_the_redirect_map_is_warned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "_config.yml").write_text("title: mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(DEMO), "--offline", "--redirects", "netlify", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "_config.yml: _redirects is not published unless it says include: [_redirects]" in result.output
