"""Issue 13.5, the seed's scenario: front-matter posts copied from an HTTrack mirror of a WordPress site.

Each point on a hand-written fixture (fixtures/frontmatter/mirror-links, www.example.org) and on the real
files it came from (../shared/seed/leadership.md, ../shared/corpus/amauger/input), through the CLI with
the images served from 127.0.0.1 (--host-map)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, SHARED, local_server

from wpmigrate.cli import main
from wpmigrate.importers.frontmatter import (
    PermalinkStyle,
    learn_permalink_style,
    open_frontmatter,
    similar_slugs,
)

LINKS = FIXTURES / "frontmatter" / "mirror-links"
SEED = SHARED / "seed" / "leadership.md"
AMAUGER = CORPUS / "amauger" / "input"
OLD = "https://www.christianamauger.com/"
JPG = (FIXTURES / "assets" / "tiny.jpg").read_bytes()
TARGET = re.compile(r"\]\(<?([^)>\s]+(?: [^)>\s\"]+ %\})?)>?(?:\s+\"[^\"]*\")?\)")


def quiet(_: str) -> None:
    pass


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present: corpus tests need ../shared beside the repo")
    return path


def serve(files: dict[str, bytes]) -> Callable[[object], object]:
    """A handler answering only the given paths (the old site's uploads), 404 for anything else."""
    from werkzeug import Request, Response

    def handler(request: Request) -> Response:
        body = files.get(request.path)
        return Response(body, content_type="image/jpeg") if body is not None else Response(b"no", status=404)

    return handler  # type: ignore[return-value]  # werkzeug is untyped here; local_server takes any callable


def convert(src: Path, out: Path, hosts: tuple[str, ...], files: dict[str, bytes], tmp: Path) -> str:
    with local_server(serve(files)) as base:
        result = CliRunner().invoke(
            main,
            [
                "convert",
                str(src),
                "--out",
                str(out),
                "--asset-cache",
                str(tmp / "cache"),
                "--strict",
                *(f"--host-map={h}={base}" for h in hosts),
            ],
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    return result.output


def body(out: Path, name: str) -> str:
    return (out / "_posts" / name).read_text(encoding="utf-8").split("\n---\n", 1)[1]


# ---------------------------------------------------------------- fixture: every bullet at once

EXAMPLE_HOSTS = ("www.example.org", "i0.wp.com")


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("links")
    out = tmp / "site"
    uploads = {"/wp-content/uploads/2012/08/pic.jpeg": JPG, "/wp-content/uploads/2012/08/photo.jpg": JPG}
    convert(LINKS, out, EXAMPLE_HOSTS, uploads, tmp)
    return out


def test_fixture_markdown_links_resolve_through_the_link_map(fixture_site: Path) -> None:
    text = body(fixture_site, "2012-08-09-markdown.md")
    assert text == (
        '\nVoir [le billet B]({% post_url 2012-08-08-b %} "B") et [un billet parti](https://www.example.org/gone-post/), '
        "puis [les fondations]({% post_url 2014-07-30-fondations %}#suite).\n\n"
        "Une image : ![photo](/assets/images/2012/08/photo.jpg)\n"
    )


def test_fixture_links_outside_the_run_are_the_old_permalinks(fixture_site: Path) -> None:
    assert "[un billet parti](https://www.example.org/gone-post/)" in body(fixture_site, "2012-08-08-b.md")
    texts = "".join(p.read_text(encoding="utf-8") for p in (fixture_site / "_posts").glob("*.md"))
    assert ".html" not in texts


def test_fixture_original_extension_before_httracks(fixture_site: Path) -> None:
    """The server has pic.jpeg only (the upload); HTTrack's copies are pic7b60.jpg and piceb45.jpg."""
    assert body(fixture_site, "2012-08-08-b.md").count("(/assets/images/2012/08/pic.jpeg)") == 2
    assert (fixture_site / "assets/images/2012/08/pic.jpeg").read_bytes() == JPG
    assert sorted(p.name for p in (fixture_site / "assets/images/2012/08").iterdir()) == ["photo.jpg", "pic.jpeg"]


def test_fixture_no_identity_from_another_posts_attachment(fixture_site: Path) -> None:
    posts = {p.slug: p for p in open_frontmatter([LINKS], quiet).posts()}
    assert posts["b"].link == "https://www.example.org/b-post/"
    assert posts["b"].imported.matched["link"] == "attachment data-permalink"
    # its image was uploaded to b-post first: fondations is still itself
    assert posts["fondations"].link == "https://www.example.org/les-fondations-du-contenu/"
    assert posts["fondations"].imported.matched["link"] == "title (WordPress sanitize_title)"
    assert "[B](<{% post_url 2012-08-08-b %}>)" in body(fixture_site, "2014-07-30-fondations.md")


def test_another_posts_attachment_alone_is_told_apart_by_the_title(tmp_path: Path) -> None:
    """Nothing else in the run claims b-post and nothing links to it: the title still says it is not this post."""
    shutil.copy(LINKS / "2014-07-30-fondations.md", tmp_path)
    text = (tmp_path / "2014-07-30-fondations.md").read_text(encoding="utf-8")
    (tmp_path / "2014-07-30-fondations.md").write_text(text.replace('<a href="b-post.html">B</a>', "B"), "utf-8")
    post = next(open_frontmatter([tmp_path], quiet).posts())
    assert post.link == "https://www.example.org/les-fondations-du-contenu/"
    assert similar_slugs(
        "le-marketing-de-contenu-permet-detablir-un-leadership-eclaire",
        "le-marketing-de-contenu-pour-un-leadership-eclaire",
    )
    assert not similar_slugs("10-types-de-contenus-pour-votre-blog", "les-fondations-du-marketing-de-contenu")


def test_fixture_dated_file_name_keeps_one_date(fixture_site: Path) -> None:
    assert sorted(p.name for p in (fixture_site / "_posts").iterdir()) == [
        "2012-08-08-b.md",
        "2012-08-09-markdown.md",
        "2014-07-30-fondations.md",  # its date from the name (no date key), not 2014-07-30-2014-07-30-...
    ]


@pytest.mark.parametrize(
    ("permalinks", "suffix"),
    [
        (["https://x.org/a-post/pic", "https://x.org/b-post/pic-2"], "/"),
        (["https://x.org/a-post.html/pic"], ".html"),
        (["https://x.org/2012/08/a-post/pic"], ""),  # dated: a slug alone cannot give the URL back
        ([], "/"),  # no evidence: WordPress's /%postname%/
    ],
)
def test_permalink_structure_from_attachment_pages(permalinks: list[str], suffix: str) -> None:
    bodies = [f'<img data-permalink="{u}" src="a.jpg">' for u in permalinks]
    style = learn_permalink_style(bodies, "https://x.org/")
    assert style.suffix == suffix
    expected = {"/": "https://x.org/a/b/", ".html": "https://x.org/a/b.html", "": "https://x.org/a/b.html"}[suffix]
    assert style.from_mirror("https://x.org/a/b.html", "https://x.org/") == expected
    assert PermalinkStyle().from_mirror("https://x.org/wp-content/uploads/a.html", "https://x.org/").endswith(".html")


# ---------------------------------------------------------------- the real files


def test_seed_end_to_end_links_resolve_and_image_is_local(tmp_path: Path) -> None:
    """Done when: `wpmigrate convert ../shared/seed/leadership.md` gives a post whose links all resolve and
    whose image is local."""
    out = tmp_path / "site"
    convert(need(SEED), out, (OLD.split("/")[2],), {"/wp-content/uploads/2012/08/lego-king.jpg": JPG}, tmp_path)
    text = body(out, "2012-08-08-leadership.md")
    targets = TARGET.findall(text)
    assert targets == [
        OLD + "le-marketing-de-contenu-est-roi/",
        OLD + "la-curation-de-contenus-devient-de-plus-en-plus-populaire-en-marketing/",
        "/assets/images/2012/08/lego-king.jpg",
        "/assets/images/2012/08/lego-king.jpg",
        OLD + "la-curation-de-contenus-devient-de-plus-en-plus-populaire-en-marketing/",
    ]
    assert (out / "assets/images/2012/08/lego-king.jpg").read_bytes() == JPG
    # those two old URLs existed: the mirror's other pages link to them (as HTTrack named them)
    mirror = "".join(p.read_text(encoding="utf-8") for p in need(AMAUGER).glob("*.md"))
    for url in targets:
        if url.startswith(OLD):
            assert f'href="{url[len(OLD) : -1]}.html"' in mirror


def test_seed_with_its_sibling_in_the_run_links_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    shutil.copy(need(SEED), folder / "leadership.md")
    shutil.copy(need(AMAUGER / "roi.md"), folder / "roi.md")
    out = tmp_path / "site"
    convert(folder, out, (OLD.split("/")[2],), {"/wp-content/uploads/2012/08/lego-king.jpg": JPG}, tmp_path)
    text = body(out, "2012-08-08-leadership.md")
    assert text.startswith(
        '\nLe [marketing de contenu]({% post_url 2012-07-09-roi %} "Le marketing de contenu est roi")'
    )
    assert "](le-marketing-de-contenu-est-roi.html" not in text


def test_amauger_folder_end_to_end(tmp_path: Path) -> None:
    """The whole folder: every link is a post of the run, a /SLUG/ URL of the old site, an external site or a
    local image; the lego-king upload (a .jpeg, saved .jpg by HTTrack) is fetched under its own name."""
    files = {
        f"/wp-content/uploads/{p}": JPG
        for p in (
            "2011/06/gherman-blogueur-2.jpg",
            "2011/06/gherman-blogueur.jpg",
            "2012/07/149294506_62d9aadb55_o.jpg",
            "2012/07/2435823037_982e775726_o.jpg",
            "2012/07/3184988008_7ecba972e2_b.jpg",
            "2012/07/cecinestpasunmediasocial.jpg",
            "2012/08/lego-king.jpeg",
        )
    }
    files["/assets/img/Stratège-Web-en-7-mots76a1.jpg"] = JPG
    out = tmp_path / "site"
    hosts = ("www.christianamauger.com", "i0.wp.com", "i1.wp.com", "i2.wp.com")
    convert(need(AMAUGER), out, hosts, files, tmp_path)
    seen = 0
    for md in sorted((out / "_posts").glob("*.md")):
        for target in TARGET.findall(md.read_text(encoding="utf-8")):
            seen += 1
            if target.startswith("{% post_url"):
                name = target.split()[2]
                assert (out / "_posts" / f"{name}.md").is_file(), (md.name, target)
            elif target.startswith("/assets/images/"):
                assert (out / target.lstrip("/")).is_file(), (md.name, target)
            elif "christianamauger.com" in target:
                assert re.fullmatch(r"https://www\.christianamauger\.com/[^/]+/", target), (md.name, target)
            else:
                assert not target.startswith(("../", "#")) and "wp.com" not in target, (md.name, target)
    assert seen > 30
    assert (out / "assets/images/2012/08/lego-king.jpeg").read_bytes() == JPG


def test_amauger_dated_copy_keeps_one_date(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    shutil.copytree(need(AMAUGER), folder)
    (folder / "roi.md").rename(folder / "2012-07-09-roi.md")
    posts = {p.slug: p for p in open_frontmatter([folder], quiet).posts()}
    assert posts["roi"].link == OLD + "le-marketing-de-contenu-est-roi/"
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["convert", str(folder), "--out", str(out), "--offline"])
    assert result.exit_code == 0, result.output
    assert (out / "_posts/2012-07-09-roi.md").is_file()
    assert not list((out / "_posts").glob("*-2012-07-09-roi.md"))
    assert "{% post_url 2012-07-09-roi %}" in body(out, "2012-08-08-leadership.md")


def test_amauger_identity_from_own_attachments_only() -> None:
    posts = {p.slug: p for p in open_frontmatter([need(AMAUGER)], quiet).posts()}
    by_attachment = {s for s, p in posts.items() if p.imported.matched["link"] == "attachment data-permalink"}
    assert by_attachment == {"chartes-communiquer", "chartes-eduquer", "leadership"}
    assert len({p.link for p in posts.values()}) == len(posts)  # no two posts share an identity


def test_amauger_original_extension_still_finds_httracks_copy_in_a_mirror(tmp_path: Path) -> None:
    """Offline, the upload lego-king.jpeg is found as HTTrack saved it: i1.wp.com/.../lego-kingeb45.jpg."""
    mirror = tmp_path / "mirror"
    copy = mirror / "i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingeb45.jpg"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(JPG)
    out = tmp_path / "site"
    args = [str(need(AMAUGER / "leadership.md")), "--out", str(out), "--offline", "--strict", "--mirror", str(mirror)]
    result = CliRunner().invoke(main, ["convert", *args, "--asset-cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert (out / "assets/images/2012/08/lego-king.jpeg").read_bytes() == JPG
    assert "[![lego-king](/assets/images/2012/08/lego-king.jpeg" in body(out, "2012-08-08-leadership.md")
