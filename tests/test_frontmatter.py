"""The front-matter importer: headers kept exactly, HTML bodies resolved like a mirror, words kept."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import audit
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import CORPUS, SHARED, local_server

from wpmigrate.cli import main
from wpmigrate.errors import InputError
from wpmigrate.importers import detect_kind, open_sources
from wpmigrate.importers.frontmatter import (
    detect_body_format,
    drop_keys_from_text,
    open_frontmatter,
    split_front_matter,
    wp_sanitize_title,
)

AMAUGER = CORPUS / "amauger" / "input"
SEED = SHARED / "seed" / "leadership.md"
SITE = "https://www.christianamauger.com/"


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def amauger() -> Path:
    if not AMAUGER.is_dir():
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    return AMAUGER


def header_of(path: Path) -> tuple[str, list[str]]:
    """An independent reading of a file's header: the exact text and its top-level keys in order."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head = text[4 : text.index("\n---\n", 3) + 1]
    return head, re.findall(r"^([A-Za-z_][\w-]*):", head, re.M)


# ---------------------------------------------------------------- visible words, in order


def html_words(html: str) -> list[str]:
    return audit.facts_of(html).words


def words_kept(html: str, markdown: str) -> float:
    """Share of the input's visible words found in the rendered output in the same order (tests/audit.py)."""
    return audit.in_order_share(html_words(html), audit.facts_of(audit.render_markdown(markdown)).words)


def test_words_kept_measures_order_and_loss() -> None:
    assert words_kept("<p>un deux <a href='x'>trois</a></p>", "un deux [trois](<{% post_url x %}>)\n") == 1.0
    assert words_kept("<p>un deux trois quatre</p>", "un trois\n") == 0.5
    assert words_kept("<p>un deux</p>", "deux un\n") == 0.5


# ---------------------------------------------------------------- unit


def test_split_front_matter_keeps_text_and_order() -> None:
    raw = "---\ntitle: 'A: b'\ndate: 2012-08-08\ntags: [x, y]\n# a comment\n---\n\n<p>Body</p>\n"
    fm = split_front_matter(raw, "x.md")
    assert fm.text == "title: 'A: b'\ndate: 2012-08-08\ntags: [x, y]\n# a comment\n"
    assert list(fm.data) == ["title", "date", "tags"]
    assert fm.body == "\n<p>Body</p>\n" and fm.body_line == 7


def test_bad_yaml_is_a_one_line_error_with_the_line() -> None:
    with pytest.raises(InputError) as err:
        split_front_matter("---\ntitle: ok\ndate: [unclosed\nx: y\n---\nbody\n", "posts/x.md")
    assert str(err.value).startswith("posts/x.md:")
    assert "front matter is not valid YAML" in str(err.value) and "\n" not in str(err.value)


def test_drop_keys_from_text_removes_entries_and_their_continuations() -> None:
    text = "title: T\nauthor:\n  name: A\n  url: u\ncover: c\ntags:\n- a\n- b\n"
    assert drop_keys_from_text(text, ("author", "tags")) == "title: T\ncover: c\n"


@pytest.mark.parametrize(
    "body,suffix,fmt",
    [
        ("\n<p>\n  Le texte\n</p>\n", ".md", "html"),
        ("\nLe [lien](x.html) et du **gras**.\n\n## Titre\n", ".md", "markdown"),
        ("<img src='a.png'>\n\n# Titre\n\n- un\n- deux\n\n[x](y)\n", ".md", "markdown"),
        ("Texte sans balise", ".html", "html"),
    ],
)
def test_detect_body_format(body: str, suffix: str, fmt: str) -> None:
    assert detect_body_format(body, suffix) == fmt


@pytest.mark.parametrize(
    "title,slug",
    [
        (
            "Le Web 2.0, ni une mode, ni une option, mais une nouvelle forme de communication",
            "le-web-2-0-ni-une-mode-ni-une-option-mais-une-nouvelle-forme-de-communication",
        ),
        (
            "Les chartes d'utilisation des médias sociaux (éduquer)",
            "les-chartes-dutilisation-des-medias-sociaux-eduquer",
        ),
        (
            "Content Curator, un mot à retenir dans le Web social de 2011",
            "content-curator-un-mot-a-retenir-dans-le-web-social-de-2011",
        ),
        ("Dessine-moi un stratège Web", "dessine-moi-un-stratege-web"),
    ],
)
def test_wp_sanitize_title(title: str, slug: str) -> None:
    assert wp_sanitize_title(title) == slug


# ---------------------------------------------------------------- the amauger posts


def test_amauger_front_matter_is_kept_exactly(amauger: Path) -> None:
    assert detect_kind(amauger) == "frontmatter"
    posts = list(open_sources([amauger], quiet, content_selector="", drop_keys=()).posts())
    assert len(posts) == 10
    for post in posts:
        path = Path(post.source)
        head, keys = header_of(path)
        assert post.imported.front_matter_text == head, path.name
        assert list(post.front_matter) == keys, path.name
        assert post.slug == path.stem and post.line == 1
        assert post.content_format == "html" and post.imported.rendered is True
        assert post.meta == {}  # no postmeta in a front-matter file; the header text is in post.imported
        # title, date and categories for reports come from the header
        assert post.title == re.search(r"^title: (.*)$", head, re.M).group(1)
        assert post.date == datetime.strptime(re.search(r"^date: (.*)$", head, re.M).group(1), "%Y-%m-%d")
        cats = re.search(r"^categories: \[(.*)\]$", head, re.M).group(1)
        assert post.categories == [c.strip() for c in cats.split(",")]
    summary = next(p for p in posts if p.slug == "communication").imported.front_matter_text
    assert "économiques. \ncover: web2\n" in summary  # the trailing space of the summary value is kept


def test_amauger_drop_keys(amauger: Path) -> None:
    source = open_frontmatter([amauger], quiet, drop_keys=("author", "cover"))
    for post in source.posts():
        head, keys = header_of(Path(post.source))
        assert list(post.front_matter) == [k for k in keys if k not in ("author", "cover")]
        expected = "".join(
            line for line in head.splitlines(keepends=True) if not line.startswith(("author:", "cover:"))
        )
        assert post.imported.front_matter_text == expected


def test_amauger_links_match_the_posts_they_point_at(amauger: Path) -> None:
    posts = {p.slug: p for p in open_frontmatter([amauger], quiet).posts()}
    # WordPress served /SLUG/ (the attachment permalinks say so); HTTrack named it SLUG.html
    assert posts["roi"].link == SITE + "le-marketing-de-contenu-est-roi/"
    assert posts["roi"].guid == SITE + "le-marketing-de-contenu-est-roi.html"
    assert posts["leadership"].link == SITE + "le-marketing-de-contenu-permet-detablir-un-leadership-eclaire/"
    assert posts["leadership"].imported.matched["link"] == "attachment data-permalink"
    assert posts["ecrire"].imported.matched["link"] == "front matter permalink"
    assert posts["roi"].imported.matched["permalink structure"] == (
        "attachment permalinks (data-permalink, 7): /%postname%/"
    )
    links = {p.link for p in posts.values()}
    # every link between these ten posts, written `slug.html` in the bodies, is now the target's old URL
    internal = [
        (slug, href)
        for slug, p in posts.items()
        for href in re.findall(r'href="(https://www\.christianamauger\.com/[^"]+)"', p.content)
    ]
    to_ours = {(s, h) for s, h in internal if h in links}
    assert to_ours == {
        ("chartes-communiquer", SITE + "ecrire-pour-le-web-ciblage-structure-et-personnalisation/"),
        ("chartes-communiquer", SITE + "le-marketing-de-contenu-est-roi/"),
        ("chartes-communiquer", SITE + "les-chartes-dutilisation-des-medias-sociaux-eduquer/"),
        ("chartes-eduquer", SITE + "les-chartes-dutilisation-des-medias-sociaux-communiquer/"),
        ("ecrire", SITE + "dessine-moi-un-stratege-web/"),
        ("ecrire", SITE + "le-web-2-0-ni-une-mode-ni-une-option-mais-une-nouvelle-forme-de-communication/"),
        ("finir", SITE + "content-curator-un-mot-a-retenir-dans-le-web-social-de-2011/"),
        ("finir", SITE + "dessine-moi-un-stratege-web/"),
        ("leadership", SITE + "le-marketing-de-contenu-est-roi/"),
    }
    # and the links to posts outside the run: the URLs WordPress served, never HTTrack's SLUG.html
    pages = [h for _, h in internal if "/wp-content/" not in h]
    assert len(pages) == 25 and not [h for h in pages if h.endswith(".html")]


def test_amauger_mirror_paths_become_absolute_and_nothing_else_changes(amauger: Path) -> None:
    post = next(p for p in open_frontmatter([amauger], quiet).posts() if p.slug == "leadership")
    # HTTrack saved the upload lego-king.jpeg as .jpg; data-orig-file names the original
    src = "https://i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpeg?resize=285%2C263&amp;ssl=1"
    assert f'src="{src}"' in post.content
    assert post.imported.mirror_refs[src.replace("&amp;", "&")] == (
        "../i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingc434.jpg?resize=285%2C263&ssl=1"
    )
    original = (amauger / "leadership.md").read_text(encoding="utf-8").split("\n---\n", 1)[1].lstrip("\n")
    # Only URL attributes were touched: the text, entities and layout are byte for byte the input's.
    strip = re.compile(r'(href|src)="[^"]*"')
    assert strip.sub("", post.content) == strip.sub("", original)


def test_markdown_body_passes_as_markdown() -> None:
    if not SEED.exists():
        pytest.skip("../shared/seed not present")
    post = next(open_frontmatter([SEED], quiet).posts())
    assert post.content_format == "markdown" and not post.imported.rendered
    # only the links to sibling pages changed: to the URLs the old site served (media stay for the asset stage)
    body = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1].lstrip("\n")
    for slug in (
        "le-marketing-de-contenu-est-roi",
        "la-curation-de-contenus-devient-de-plus-en-plus-populaire-en-marketing",
    ):
        body = body.replace(f"]({slug}.html ", f"]({SITE}{slug}/ ")
    assert post.content == body
    assert (
        post.imported.mirror_refs[SITE + "le-marketing-de-contenu-est-roi/"] == "le-marketing-de-contenu-est-roi.html"
    )


def test_unknown_site_warns_and_keeps_relative_links(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n<p><a href='b.html'>b</a></p>\n", encoding="utf-8")
    warnings: list[str] = []
    post = next(open_frontmatter([tmp_path], warnings.append).posts())
    assert post.content == "<p><a href='b.html'>b</a></p>\n" and post.link == ""
    assert warnings == [
        f"{tmp_path}: relative links in HTML bodies but the old site's address is unknown; "
        "pass --site-url to resolve them"
    ]


# ---------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def converted(amauger: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("amauger") / "site"
    result = CliRunner().invoke(main, ["convert", str(amauger), "--out", str(out), "--offline"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def output_of(out: Path, stem: str) -> str:
    return next(out.glob(f"_posts/*-{stem}.md")).read_text(encoding="utf-8")


def test_amauger_words_kept_in_order(amauger: Path, converted: Path) -> None:
    for path in sorted(amauger.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        out = output_of(converted, path.stem).split("\n---\n", 1)[1]
        if '<div class="entry-content">' in body:
            # ecrire.md was copied with the theme's post header (title, "Posté le", "Écrit par") before
            # div.entry-content; the importer drops it, as the person did. Those words are all in the
            # front matter; every other word must be kept.
            header, body = body.split('<div class="entry-content">', 1)
            assert html_words(header) == (
                re.findall(
                    r"\w+",
                    "Écrire pour le Web : ciblage, structure et "
                    "personnalisation Posté le 14 juin 2011 à 9 h 25 min. Écrit par "
                    "Christian Amauger",
                )
            )
        assert words_kept(body, out) >= 0.99, path.name


def test_amauger_french_typography_kept(amauger: Path, converted: Path) -> None:
    for path in sorted(amauger.glob("*.md")):
        text = BeautifulSoup(path.read_text(encoding="utf-8").split("\n---\n", 1)[1], "lxml").get_text()
        out = output_of(converted, path.stem).split("\n---\n", 1)[1]
        for ch in "’«»":
            assert out.count(ch) >= text.count(ch), (path.name, ch)
        # U+00A0 inside text (« mot », 24 %): a paragraph holding only &nbsp; is spacing, not text
        glued = re.compile(r"\S\u00a0|\u00a0\S")
        assert len(glued.findall(out)) >= len(glued.findall(text)), path.name


def test_amauger_internal_links_point_at_converted_posts(converted: Path) -> None:
    leadership = output_of(converted, "leadership")
    assert "[marketing de contenu](<{% post_url 2012-07-09-roi %}>" in leadership
    finir = output_of(converted, "finir")
    assert "{% post_url 2011-01-05-curator %}" in finir and "{% post_url 2010-12-01-dessine-moi %}" in finir
    for path in converted.glob("_posts/*.md"):
        assert "&amp;" not in path.read_text(encoding="utf-8"), path.name


def test_amauger_rendered_html_gets_no_autop(amauger: Path, converted: Path) -> None:
    """Rendered HTML keeps its own paragraphs: a hard break only where the author wrote <br>."""
    for path in sorted(amauger.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        breaks = len(re.findall(r"\\\n", output_of(converted, path.stem)))
        assert breaks <= len(re.findall(r"<br\s*/?>", body)), path.name


def test_amauger_front_matter_re_emitted_byte_for_byte(amauger: Path, converted: Path) -> None:
    for path in sorted(amauger.glob("*.md")):
        head, _ = header_of(path)
        assert output_of(converted, path.stem).startswith("---\n" + head + "---\n"), path.name


def test_folder_with_a_bad_header_stops_before_any_post(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nok\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: B\ntags: [x\n---\nbody\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        open_frontmatter([tmp_path], quiet)
    assert str(err.value).startswith(f"{tmp_path / 'b.md'}:4: front matter is not valid YAML")


def test_file_without_header_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nok\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Notes\n", encoding="utf-8")
    warnings: list[str] = []
    posts = list(open_frontmatter([tmp_path], warnings.append).posts())
    assert [p.title for p in posts] == ["A"] and posts[0].content == "ok\n"
    assert warnings == [f"{tmp_path / 'README.md'}: no front matter (no leading --- line); skipped"]


def test_a_warning_from_reading_a_post_is_given_once_though_posts_are_read_twice(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nok\n", encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"---\ntitle: B\n---\ncaf\xe9\n")  # Latin-1, not UTF-8
    warnings: list[str] = []
    source = open_frontmatter([tmp_path], warnings.append)
    for _ in range(2):  # the pipeline's index pass, then its conversion pass
        assert [p.title for p in source.posts()] == ["A"]
    assert warnings == [f"{tmp_path / 'b.md'}: not UTF-8 text (byte 20); skipped (re-save it as UTF-8)"]


# ---------------------------------------------------------------- images from a local server, --drop-key

JPG = (Path(__file__).resolve().parents[1] / "fixtures" / "assets" / "tiny.jpg").read_bytes()
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(<?([^)>\s]+)")
LINK_TARGET = re.compile(r"\]\(<?([^)>\s]+)")


def test_amauger_images_become_local_files_from_a_mapped_host(amauger: Path, tmp_path: Path) -> None:
    """The bodies reference HTTrack-renamed Photon copies (../i1.wp.com/.../lego-kingc434.jpg?resize=...);
    with the site's host mapped to a server on 127.0.0.1, each becomes one local file of the original."""
    from werkzeug import Request, Response

    served: list[str] = []

    def handler(request: Request) -> Response:
        if request.path.startswith(("/wp-content/uploads/", "/assets/img/")):
            served.append(request.path)
            return Response(JPG, content_type="image/jpeg")
        return Response(b"not here", status=404)

    with local_server(handler) as base:
        out = tmp_path / "site"
        # every host an image could be fetched from points at the local server: nothing leaves 127.0.0.1
        maps = [f"--host-map={h}={base}" for h in ("www.christianamauger.com", "i0.wp.com", "i1.wp.com", "i2.wp.com")]
        result = CliRunner().invoke(
            main,
            ["convert", str(amauger), "--out", str(out), "--asset-cache", str(tmp_path / "cache"), *maps],
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    assert (
        sorted(served)
        == sorted(set(served))
        == [
            "/assets/img/Stratège-Web-en-7-mots76a1.jpg",  # dessine-moi.md: a root-relative path, kept as found
            "/wp-content/uploads/2011/06/gherman-blogueur-2.jpg",
            "/wp-content/uploads/2011/06/gherman-blogueur.jpg",
            "/wp-content/uploads/2012/07/149294506_62d9aadb55_o.jpg",
            "/wp-content/uploads/2012/07/2435823037_982e775726_o.jpg",
            "/wp-content/uploads/2012/07/3184988008_7ecba972e2_b.jpg",
            "/wp-content/uploads/2012/07/cecinestpasunmediasocial.jpg",
            "/wp-content/uploads/2012/08/lego-king.jpeg",  # data-orig-file's name, not HTTrack's .jpg
        ]
    )  # the originals, HTTrack's hash and Photon's resize undone; one request each
    images = 0
    for path in sorted((out / "_posts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert "&amp;" not in text and "wp.com" not in text and "../" not in text, path.name
        refs = IMAGE_REF.findall(text)
        images += len(refs)
        for ref in refs:
            assert ref.startswith("/assets/images/"), (path.name, ref)
            assert (out / ref.lstrip("/")).read_bytes() == JPG, (path.name, ref)
        for target in LINK_TARGET.findall(text):  # image links (<a href> to the full size) are local too
            if re.search(r"\.(jpe?g|png|gif)$", target, re.I):
                assert target.startswith("/assets/images/") and (out / target.lstrip("/")).is_file(), target
    source_images = sum(len(re.findall(r"<img\b", p.read_text(encoding="utf-8"))) for p in amauger.glob("*.md"))
    assert images == source_images == 8


def test_drop_key_through_the_cli(amauger: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        ["convert", str(amauger), "--out", str(out), "--offline", "--drop-key", "author", "--drop-key", "cover"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    for path in sorted(amauger.glob("*.md")):
        head, keys = header_of(path)
        kept = "".join(line for line in head.splitlines(keepends=True) if not line.startswith(("author:", "cover:")))
        assert kept != head, path.name  # each of the ten has both keys
        written = output_of(out, path.stem)
        assert written.startswith("---\n" + kept + "---\n"), path.name
        assert re.findall(r"^([A-Za-z_][\w-]*):", kept, re.M) == [k for k in keys if k not in ("author", "cover")]
