"""The HTML mirror importer: page classification, metadata fallbacks, chrome removal, URLs, end to end."""

from __future__ import annotations

import pickle
import re
import struct
from datetime import datetime
from pathlib import Path

import audit
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, ROOT, check_golden, local_server

from wpmigrate.cli import main
from wpmigrate.importers import detect_kind, open_sources
from wpmigrate.importers.html_mirror import (
    clean_content,
    mirror_url_to_link,
    open_mirror,
    select_content,
    unhash_httrack,
    url_identity,
)
from wpmigrate.importers.pagemeta import PageMeta, classify_page, parse_date, read_meta
from wpmigrate.models import Site

MIRROR = FIXTURES / "mirror"
SITE = Site(link="https://www.example.org/")
NAGEKAR = CORPUS / "html-mirrors" / "abhn__static-nagekar.com"
HIDES = CORPUS / "html-mirrors" / "ryosuke-horie__hides_blog_archive"
GOLDEN = ROOT / "tests" / "golden" / "mirrors"
CHROME = (
    "sharedaddy",
    "jp-relatedposts",
    "J’aime",
    "Partager",
    "comment-form",
    "a2a_kit",
    "HTTrack",
    "twitter-share-button",
    "fb-like",
    "<script",
    "<style",
)


def quiet(_: str) -> None:
    pass


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"../shared/corpus not present ({path.name} missing): corpus tests need ../shared beside the repo")
    return path


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "href,page,expected",
    [
        ("slug.html", "other.html", "https://www.example.org/slug.html"),
        ("../../2012/08/slug/index.html", "2013/01/x.html", "https://www.example.org/2012/08/slug/"),
        ("../../../2012/08/slug/index.html", "2013/01/x/index.html", "https://www.example.org/2012/08/slug/"),
        (
            "../i1.wp.com/www.example.org/wp-content/uploads/2012/08/lego-kingc434.jpg?resize=285%2C263&amp;ssl=1",
            "leadership.html",
            "https://i1.wp.com/www.example.org/wp-content/uploads/2012/08/lego-king.jpg?resize=285%2C263&ssl=1",
        ),
        (
            "../i1.wp.com/www.example.org/wp-content/uploads/2012/08/lego-kingeb45.jpg?ssl=1",
            "a.html",
            "https://i1.wp.com/www.example.org/wp-content/uploads/2012/08/lego-king.jpg?ssl=1",
        ),
        ("../../index7fbc.html?p=1136", "2015/11/x.html", "https://www.example.org/?p=1136"),
        ("caf%C3%A9.html#top", "a.html", "https://www.example.org/caf%C3%A9.html#top"),
        ("/wp-content/uploads/a.png", "x/y.html", "https://www.example.org/wp-content/uploads/a.png"),
        ("//cdn.example.net/a.js", "a.html", "https://cdn.example.net/a.js"),
        ("https://other.example/x", "a.html", "https://other.example/x"),
        ("mailto:me@example.org", "a.html", "mailto:me@example.org"),
        ("#comments", "a.html", "#comments"),
        ("../../../../../etc/passwd", "a/b.html", "https://www.example.org/etc/passwd"),
        ("author/admin.html", "ecrire.html", "https://www.example.org/author/admin.html"),
    ],
)
def test_mirror_url_to_link(href: str, page: str, expected: str) -> None:
    assert mirror_url_to_link(href, page, SITE) == expected


def test_unhash_httrack_only_when_the_md5_checks_out() -> None:
    assert unhash_httrack("lego-kingc434.jpg", "resize=285%2C263&ssl=1") == "lego-king.jpg"
    assert unhash_httrack("indexd784.html", "feed=rss2") == "index.html"
    assert unhash_httrack("photo2012.jpg", "ssl=1") == "photo2012.jpg"  # not HTTrack's hash: a real name
    assert unhash_httrack("lego-kingc434.jpg", "") == "lego-kingc434.jpg"


def test_url_identity_ignores_index_html_www_and_slash() -> None:
    assert url_identity("https://www.example.org/2012/08/x/index.html") == url_identity("http://example.org/2012/08/x/")


# ---------------------------------------------------------------- classification and metadata


def page(body_class: str, inner: str = "", head: str = "") -> BeautifulSoup:
    return BeautifulSoup(f"<html><head>{head}</head><body class='{body_class}'>{inner}</body></html>", "lxml")


@pytest.mark.parametrize(
    "body_class,head,inner,kind",
    [
        ("single single-post postid-3", "", "", "post"),
        ("page-template-default page page-id-2", "", "", "page"),
        ("archive category category-news", "", "", "listing"),
        ("archive tag tag-x", "", "", "listing"),
        ("archive author author-admin", "", "", "listing"),
        ("archive date", "", "", "listing"),
        ("home blog", "", "", "listing"),
        ("home blog paged paged-2", "", "", "listing"),
        ("search search-results", "", "", "listing"),
        ("error404", "", "", "listing"),
        ("attachment single-attachment", "", "", "attachment"),
        ("", '<meta property="og:type" content="article">', "", "post"),
        ("", '<script type="application/ld+json">{"@graph":[{"@type":"BlogPosting"}]}</script>', "", "post"),
        (
            "",
            "",
            "<article class='post'><div class='entry-content'>x</div></article>"
            "<article class='post'><div class='entry-content'>y</div></article>",
            "listing",
        ),
        ("", "", "<article class='post type-post'><div class='entry-content'>x</div></article>", "post"),
        ("", "", "<p>nothing WordPress here</p>", "unknown"),
    ],
)
def test_classify_page(body_class: str, head: str, inner: str, kind: str) -> None:
    soup = page(body_class, inner, head)
    assert classify_page(soup, str(soup), "x/index.html")[0] == kind


@pytest.mark.parametrize(
    "body_class,ptype",
    [
        ("single single-post postid-3", "post"),
        ("single single-author singular postid-3", "post"),  # Twenty Eleven: one-author blog, not a type
        ("single single-portfolio postid-3 single-format-standard", "portfolio"),
    ],
)
def test_classify_post_type(body_class: str, ptype: str) -> None:
    soup = page(body_class)
    assert classify_page(soup, str(soup), "x.html")[2] == ptype


def test_comments_as_articles_do_not_make_a_listing() -> None:
    soup = page(
        "",
        "<article class='post type-post'><div class='entry-content'>x</div></article>"
        "<ol class='comment-list'><li><article class='comment-body'>c1</article></li>"
        "<li><article class='comment'>c2</article></li></ol>",
    )
    assert classify_page(soup, str(soup), "x.html")[0] == "post"


def test_content_selector_rescues_pages_without_wordpress_markers(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        "<html><head><title>A | S</title></head><body><div class='txt'><p>Hi</p></div></body></html>", encoding="utf-8"
    )
    warnings: list[str] = []
    assert list(open_mirror([tmp_path], warnings.append).posts()) == []
    assert f"{tmp_path / 'a.html'}: not recognised as a post (no WordPress post markers); skipped" in warnings
    posts = list(open_mirror([tmp_path], quiet, content_selector=".txt").posts())
    assert [(p.title, p.content, p.imported.matched["content"]) for p in posts] == [("A | S", "<p>Hi</p>", ".txt")]


def test_local_files_never_point_outside_the_mirror(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    site = tmp_path / "mirror" / "www.example.org"
    (site / "wp-content").mkdir(parents=True)
    (site / "wp-content" / "ok.png").write_bytes(b"\x89PNG ok")
    (site / "p.html").write_text(
        "<html><head><link rel='canonical' href='https://www.example.org/p.html'></head>"
        "<body class='single postid-1'><div class='entry-content'><img src='wp-content/ok.png'>"
        "<img src='../../secret.png'><img src='../../../secret.png'></div></body></html>",
        encoding="utf-8",
    )
    post = next(open_mirror([tmp_path / "mirror"], quiet).posts())
    assert post.imported.local_files == {
        "https://www.example.org/wp-content/ok.png": str(site / "wp-content" / "ok.png")
    }
    assert '<img src="https://www.example.org/secret.png"/>' in post.content


def test_code_highlighter_gutters_are_not_code() -> None:
    soup = page(
        "single",
        "<div class='entry-content'><pre><code><table class='rouge-table'><tr>"
        "<td class='gutter gl'><pre class='lineno'>1\n2</pre></td><td class='code'><pre>a = 1\nb = 2</pre>"
        "</td></tr></table></code></pre></div>",
    )
    el, _ = select_content(soup)
    clean_content(el)
    assert "lineno" not in str(el) and "a = 1\nb = 2" in el.get_text()


def test_classify_amp_and_feed() -> None:
    amp = BeautifulSoup("<html amp><head></head><body class='single'></body></html>", "lxml")
    assert classify_page(amp, str(amp), "x/amp/index.html")[0] == "duplicate"
    raw = '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
    assert classify_page(BeautifulSoup("", "lxml"), raw, "feed/index.html")[0] == "feed"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2012-08-08T10:15:00+02:00", "2012-08-08T10:15:00+02:00"),
        ("24 November, 2015. It was a Tuesday", "2015-11-24T00:00:00"),
        ("Posted on January 15, 2013 at 8:30 am.", "2013-01-15T00:00:00"),
        ("投稿日: 8月 22, 2020", "2020-08-22T00:00:00"),
        ("2022年8月1日", "2022-08-01T00:00:00"),
        ("8 août 2012", "2012-08-08T00:00:00"),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    d = parse_date(text)
    assert (d.isoformat() if d else None) == expected


def test_published_falls_back_to_foundationpress_time_updated_and_records_it() -> None:
    soup = page(
        "single postid-5",
        "<article class='post-5 post category-news'><h1 class='entry-title'>T</h1>"
        "<time class='updated' datetime='2013-01-15T08:30:00+00:00'>x</time>"
        "<div class='entry-content'><p>x</p></div></article>",
    )
    meta = read_meta(soup, PageMeta())
    assert meta.published == datetime.fromisoformat("2013-01-15T08:30:00+00:00")
    assert meta.modified is None
    assert meta.matched["published"] == "time.updated[datetime] (FoundationPress)"
    assert meta.categories == [("news", "news")]
    assert meta.matched["categories"] == "post class category-*"
    assert meta.title == "T" and meta.id == 5


def test_content_selector_override_and_chrome_removal() -> None:
    soup = page(
        "single",
        "<div class='post-body-x'><p>Text</p><div class='sharedaddy'><p>Share</p></div>"
        "<table><tr><td><a class='twitter-share-button' href='#'>t</a></td></tr></table></div>",
    )
    el, sel = select_content(soup, ".post-body-x")
    assert sel == ".post-body-x"
    assert clean_content(el) == [".sharedaddy", ".twitter-share-button"]
    assert el.decode_contents() == "<p>Text</p>"  # the emptied table went too


# ---------------------------------------------------------------- the fixture mirror


@pytest.fixture(scope="module")
def fixture_posts() -> dict[str, object]:
    mirror = open_mirror([MIRROR], quiet)
    return {"mirror": mirror, "posts": {p.slug: p for p in mirror.posts()}}


def test_fixture_mirror_keeps_one_post_per_real_page(fixture_posts: dict) -> None:
    posts, mirror = fixture_posts["posts"], fixture_posts["mirror"]
    assert sorted(posts) == ["about", "café-crème", "hello-world", "l’ete", "team"]
    assert mirror.site.link == "https://www.example.org/"
    assert mirror.site.title == "Example Blog"
    skipped = {Path(f).relative_to(MIRROR).as_posix(): kind for f, kind, _ in mirror.skipped}
    assert skipped == {
        "index.html": "httrack",
        "www.example.org/index.html": "listing",
        "www.example.org/category/news/index.html": "listing",
        "www.example.org/author/admin/index.html": "listing",
        "www.example.org/2012/08/index.html": "listing",
        "www.example.org/page/2/index.html": "listing",
        "www.example.org/indexb0cc.html": "listing",  # ?s=cafe
        "www.example.org/indexd784.html": "feed",  # ?feed=rss2
        "www.example.org/2012/08/hello-world/feed/index.html": "feed",
        "www.example.org/2012/08/hello-world/amp/index.html": "duplicate",
        "www.example.org/2012/08/hello-world/index8e42.html": "duplicate",  # ?replytocom=5
        "www.example.org/2012/08/hello-world/print/index.html": "duplicate",  # no canonical: same post id
    }
    # Re-iterable: the pipeline reads the posts twice.
    assert [p.slug for p in mirror.posts()] == [p.slug for p in mirror.posts()]


def test_fixture_theme_a_metadata(fixture_posts: dict) -> None:
    p = fixture_posts["posts"]["hello-world"]
    assert (p.id, p.type, p.title, p.link) == (
        12,
        "post",
        "Hello world",
        "https://www.example.org/2012/08/hello-world/",
    )
    assert p.date == datetime(2012, 8, 8, 10, 15) and p.date_gmt == datetime(2012, 8, 8, 8, 15)
    assert p.modified == datetime(2015, 11, 10, 9, 0)
    assert p.categories == ["News"] and p.tags == ["Café"]
    assert p.author == "admin" and p.excerpt == "Un premier billet, avec « guillemets » et une photo."
    assert p.content_format == "html" and p.imported.rendered is True
    assert p.meta == {}  # what the importer learned is in p.imported: a mirror has no postmeta
    assert (
        p.imported.featured_image
        == "https://i0.wp.com/www.example.org/wp-content/uploads/2012/08/photo.png?fit=600%2C400&ssl=1"
    )
    assert p.imported.matched == {
        "id": "body class postid-N/page-id-N",
        "url": "og:url",
        "title": "og:title",
        "published": "article:published_time",
        "modified": "article:modified_time",
        "categories": 'a[rel~="category"]',
        "tags": 'a[rel="tag"]',
        "author": "JSON-LD author",
        "excerpt": "meta description",
        "image": "og:image",
        "content": ".entry-content",
        "kind": "body class 'single'",
    }
    assert sorted(p.imported.removed) == ["#jp-relatedposts", ".sharedaddy"]


def test_a_mirror_post_survives_pickling_for_worker_processes(fixture_posts: dict) -> None:
    # --jobs N sends posts to forked workers by pickle: ImportInfo must come back whole.
    p = fixture_posts["posts"]["hello-world"]
    back = pickle.loads(pickle.dumps(p))
    assert back == p and back.imported == p.imported and back.imported.local_files


def test_fixture_theme_a_content_is_clean_and_absolute(fixture_posts: dict) -> None:
    p = fixture_posts["posts"]["hello-world"]
    for junk in CHROME:
        assert junk not in p.content
    assert 'href="https://www.example.org/caf%C3%A9-cr%C3%A8me.html"' in p.content
    assert 'href="https://www.example.org/about/"' in p.content
    assert 'href="https://www.example.org/2012/08/hello-world/#comments"' in p.content
    src = "https://i0.wp.com/www.example.org/wp-content/uploads/2012/08/photo.png?resize=300%2C200&amp;ssl=1"
    assert f'src="{src}"' in p.content
    local = {k: Path(v).relative_to(MIRROR).as_posix() for k, v in p.imported.local_files.items()}
    assert local == {
        "https://i0.wp.com/www.example.org/wp-content/uploads/2012/08/photo.png?resize=300%2C200&ssl=1": "i0.wp.com/www.example.org/wp-content/uploads/2012/08/photo296d.png",
        "https://i0.wp.com/www.example.org/wp-content/uploads/2012/08/photo.png?ssl=1": "i0.wp.com/www.example.org/wp-content/uploads/2012/08/photoeb45.png",
    }
    assert p.content.startswith("<p>C’est le premier billet\u00a0: «\u00a0bonjour\u00a0» à tous.")


def test_fixture_theme_b_foundationpress(fixture_posts: dict) -> None:
    p = fixture_posts["posts"]["café-crème"]
    assert (p.id, p.title, p.link) == (40, "Café crème", "https://www.example.org/café-crème.html")
    assert p.date == datetime(2013, 1, 15, 8, 30) and p.modified is None
    assert p.categories == ["Recettes"]  # slug from the post class, name from a link elsewhere in the mirror
    assert p.tags == ["lait"]
    assert p.imported.matched["published"] == "time.updated[datetime] (FoundationPress)"
    assert p.imported.matched["url"] == "oEmbed discovery link"
    assert p.imported.removed == (".addtoany_share_save_container",)
    assert (
        'srcset="https://www.example.org/wp-content/uploads/2013/01/crème-300x200.png 300w, '
        'https://www.example.org/wp-content/uploads/2013/01/crème.png 600w"' in p.content
    )
    assert sorted(Path(v).name for v in p.imported.local_files.values()) == ["crème-300x200.png", "crème.png"]
    assert 'href="https://www.example.org/l%e2%80%99ete.html"' in p.content
    ete = fixture_posts["posts"]["l’ete"]
    assert ete.link == "https://www.example.org/l%e2%80%99ete.html" and ete.title == "L’été"
    assert ete.date_gmt == datetime(2013, 7, 1, 10, 0)


def test_fixture_page(fixture_posts: dict) -> None:
    p = fixture_posts["posts"]["about"]
    assert (p.type, p.id, p.title, p.link, p.terms, p.parent) == (
        "page",
        2,
        "À propos",
        "https://www.example.org/about/",
        (),
        None,
    )
    team = fixture_posts["posts"]["team"]
    assert (team.type, team.id, team.link, team.parent) == ("page", 7, "https://www.example.org/about/team/", 2)


def test_open_sources_dispatches_mirror_and_warns_with_counts() -> None:
    warnings: list[str] = []
    assert detect_kind(MIRROR) == "mirror"
    source = open_sources([MIRROR], warnings.append, content_selector="", drop_keys=())
    assert len(list(source.posts())) == 5
    assert warnings == [f"{MIRROR}: 5 post/page files kept; skipped 3 duplicate, 2 feed, 1 httrack, 6 listing"]


# ---------------------------------------------------------------- the corpus mirrors

NAGEKAR_TRUTH = {  # read from each page: <h1>, <time>, "Posted under" (the theme prints get_the_tags())
    "fujitsu-lifebook-a514-review": (1136, "Fujitsu Lifebook A514 Review", "2015-11-24", ["electronics"]),
    "trip-to-brahmatal-uttarakhand": (1109, "Trek To Brahmatal (Uttarakhand)", "2017-02-20", ["life", "travel"]),
    "python-io-benchmarks": (
        1026,
        "Concurrency In Python For Network I/O – Synchronous, Threading, Multiprocessing and Asynchronous IO",
        "2020-05-05",
        ["python"],
    ),
    "top-reasons-to-use-mozilla-firefox-right-now-part-2": (
        1620,
        "Top Reasons To Use Mozilla Firefox 🔥🦊 Right Now – Part 2",
        "2022-11-24",
        ["browsers", "firefox", "mozilla"],
    ),
    "10-5-12-5-14-15-6-maybe-chuwi-minibook-x-n100-review": (
        2115,
        "10.5 > 12.5 > 14 > 15.6 (Maybe) – Chuwi Minibook X N100 Review",
        "2024-05-14",
        ["electronics"],
    ),
}


def test_nagekar_mirror_metadata_matches_the_pages() -> None:
    mirror = open_mirror([need(NAGEKAR)], quiet)
    posts = {p.slug: p for p in mirror.posts()}
    assert sorted(posts) == sorted(NAGEKAR_TRUTH)
    assert mirror.site.link == "https://nagekar.com/" and mirror.site.title == "Abhishek Nagekar"
    for slug, (pid, title, day, tags) in NAGEKAR_TRUTH.items():
        p = posts[slug]
        assert (p.id, p.title, p.date.strftime("%Y-%m-%d"), p.tags, p.categories) == (pid, title, day, tags, [])
        assert p.link == f"https://nagekar.com/{p.date:%Y/%m}/{slug}.html"
        assert p.imported.matched["content"] == "article .content"
        for junk in (*CHROME, "Unrelated", "featured-posts", "« ", "Posted under"):
            assert junk not in p.content, (slug, junk)
    assert posts["fujitsu-lifebook-a514-review"].content.startswith("<p>Hey guys, I bought the <a href=")
    assert posts["fujitsu-lifebook-a514-review"].content.endswith("Thank you for the support!*</i></p>")


HIDES_TRUTH = {  # <h1> in .page-title, "投稿日:" metadata item, .h-blog-categories link
    "blog-post_22": (47, "メンテナンス", "2020-08-22", "05357436053270055959"),
    "2022鳥取夏合宿二日目、最終日": (984, "2022鳥取夏合宿二日目、最終日", "2022-08-02", "hidemiyoshi"),
    "987": (987, "2022鳥取夏合宿初日", "2022-08-01", "hidemiyoshi"),
    "質問": (
        1638,
        "質問に答えてみました。色々ありますが、本当よくある質問です。ご参考までに…",
        "2023-11-10",
        "hidemiyoshi",
    ),
}


def test_hides_mirror_metadata_matches_the_pages() -> None:
    mirror = open_mirror([need(HIDES)], quiet)
    posts = {p.slug: p for p in mirror.posts()}
    assert sorted(posts) == sorted(HIDES_TRUTH)
    assert mirror.site.link == "https://hidemiyoshi.jp/" and mirror.layout.site_dir == "simple_mirror"
    assert mirror.site.title == "HIDES KICK! ブログ"
    for slug, (pid, title, day, author) in HIDES_TRUTH.items():
        p = posts[slug]
        assert (p.id, p.title, p.date.strftime("%Y-%m-%d"), p.categories, p.author) == (
            pid,
            title,
            day,
            ["未分類"],
            author,
        )
        assert p.link == f"https://hidemiyoshi.jp/blog/{p.date:%Y/%m}/{slug}.html"
        assert p.imported.matched["content"] == ".colibri-post-content"
        # the banner block every post ends with is theme chrome, found by comparing the posts
        for junk in (*CHROME, "private_banner", "banner_14", "ツイート"):
            assert junk not in p.content, (slug, junk)
    assert (
        posts["987"].content.rstrip().endswith("<p>そして大人たちの飲みが始まりました…初日はこんな感じです。つづく</p>")
    )


# ---------------------------------------------------------------- end to end


def convert(*args: str):
    return CliRunner().invoke(main, ["convert", *args], catch_exceptions=False)


def test_fixture_mirror_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = convert(str(MIRROR), "--out", str(out), "--offline", "--mirror", str(MIRROR))
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    # HTTrack-renamed copies in the mirror: the full-size one (6x4) is the asset, both references use it
    for asset in ("assets/images/2012/08/photo.png", "assets/images/2013/01/crème.png"):
        assert struct.unpack(">II", (out / asset).read_bytes()[16:24]) == (6, 4)
    assert files == [
        "_posts/2012-08-08-hello-world.md",
        "_posts/2013-01-15-café-crème.md",
        "_posts/2013-07-01-l’ete.md",
        "about.md",
        "about/team.md",
    ]  # hierarchy from the URLs
    hello = (out / "_posts/2012-08-08-hello-world.md").read_text(encoding="utf-8")
    assert "title: Hello world\ndate: 2012-08-08\nmodif: 2015-11-10\ncategories: [News]\ntags: [Café]\n" in hello
    assert "\n\nC’est le premier billet\u00a0: «\u00a0bonjour\u00a0» à tous." in hello  # &nbsp; kept as U+00A0
    assert "[billet sur le café](<{% post_url 2013-01-15-café-crème %}>)" in hello
    assert "[la page À propos](<{% link about.md %}>)" in hello
    assert "[![Une photo](/assets/images/2012/08/photo.png)](/assets/images/2012/08/photo.png)" in hello
    for junk in ("J’aime", "Partager", "Articles similaires", "commentform", "&amp;"):
        assert junk not in hello
    creme = (out / "_posts/2013-01-15-café-crème.md").read_text(encoding="utf-8")
    assert "[le premier billet](<{% post_url 2012-08-08-hello-world %}>)" in creme
    assert "[l’été](<{% post_url 2013-07-01-l’ete %}>)" in creme
    assert "Facebook" not in creme
    assert "![Une tasse](/assets/images/2013/01/crème.png)" in creme


def test_fixture_mirror_end_to_end_offline_keeps_the_missing_image_remote(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = convert(str(MIRROR), "--out", str(out), "--offline", "--asset-cache", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output  # a missing asset is reported, not fatal (--strict makes it so)
    assert (
        "https://www.example.org/wp-content/uploads/2013/07/soleil.png: offline: not in a mirror or the cache"
        in result.output
    )
    ete = (out / "_posts/2013-07-01-l’ete.md").read_text(encoding="utf-8")
    assert "![Le soleil](https://www.example.org/wp-content/uploads/2013/07/soleil.png)" in ete  # never a dead path
    assert (out / "assets/images/2012/08/photo.png").is_file()  # the mirror's own copies need no --mirror
    again = convert(str(MIRROR), "--out", str(out), "--offline", "--asset-cache", str(tmp_path / "cache"))
    assert again.exit_code == 0 and f"{out}: 0 new, 0 changed, 7 unchanged" in again.output  # same re-run rules


def test_fixture_mirror_end_to_end_mirror_copies_first_then_the_mapped_host(tmp_path: Path) -> None:
    """Every image ends as a local file: HTTrack-renamed copies from the mirror itself (no request), the
    one the mirror lacks from the old host mapped to 127.0.0.1. Links between mirrored pages point at the
    new posts; a link to an author listing (not converted) at the old site's real URL, not a mirror path."""
    from werkzeug import Request, Response

    sun = (MIRROR / "www.example.org/wp-content/uploads/2013/01/crème.png").read_bytes()
    served: list[str] = []

    def handler(request: Request) -> Response:
        served.append(request.path)
        if request.path == "/wp-content/uploads/2013/07/soleil.png":
            return Response(sun, content_type="image/png")
        return Response(b"not here", status=404)

    with local_server(handler) as base:
        out = tmp_path / "site"
        result = convert(
            str(MIRROR),
            "--out",
            str(out),
            "--asset-cache",
            str(tmp_path / "cache"),
            "--host-map",
            f"www.example.org={base}",
            "--host-map",
            f"i0.wp.com={base}",
        )
    assert result.exit_code == 0, result.output
    assert served == ["/wp-content/uploads/2013/07/soleil.png"]  # the original, not the -150x100 variant
    mirrored = {
        "assets/images/2012/08/photo.png": "i0.wp.com/www.example.org/wp-content/uploads/2012/08/photoeb45.png",
        "assets/images/2013/01/crème.png": "www.example.org/wp-content/uploads/2013/01/crème.png",
    }
    for asset, copy in mirrored.items():
        assert (out / asset).read_bytes() == (MIRROR / copy).read_bytes()
    assert (out / "assets/images/2013/07/soleil.png").read_bytes() == sun
    ete = (out / "_posts/2013-07-01-l’ete.md").read_text(encoding="utf-8")
    assert ete.endswith(
        "L’été est chaud. Retour au [café crème](<{% post_url 2013-01-15-café-crème %}>), ou les "
        "billets [d’Alice](https://www.example.org/author/admin/).\n\n"
        "![Le soleil](/assets/images/2013/07/soleil.png)\n"
    )
    for md in out.rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        for ref in re.findall(r"!\[[^\]]*\]\(<?([^)>\s]+)", text):
            assert ref.startswith("/assets/images/") and (out / ref.lstrip("/")).is_file(), (md.name, ref)
        for junk in ("index.html", "../", ".wp.com", "&amp;", "amp/", "replytocom"):
            assert junk not in text, (md.name, junk)


def test_content_selector_through_the_cli_for_an_unusual_theme(tmp_path: Path) -> None:
    site = tmp_path / "mirror"
    site.mkdir()
    for slug, day in (("un", "2019-03-01"), ("deux", "2019-04-02")):
        (site / f"{slug}.html").write_text(
            f"<html><head><title>Billet {slug} | Mon site</title></head><body><div id='wrap'>"
            f"<div class='menu'><a href='un.html'>Accueil</a></div><div class='texte'><p>Le billet {slug}, "
            f"voir <a href='deux.html'>deux</a>.</p></div><p class='date'>{day}</p></div></body></html>",
            encoding="utf-8",
        )
    out = tmp_path / "site"
    result = convert(str(site), "--out", str(out), "--offline", "--site-url", "https://mon.example/")
    assert result.exit_code == 1 and not list(out.rglob("*.md"))  # nothing converted (issue 12.9)
    assert "not recognised as a post (no WordPress post markers); skipped" in result.output
    assert "Nothing converted: no post or page to write" in result.output
    result = convert(
        str(site),
        "--out",
        str(out),
        "--offline",
        "--site-url",
        "https://mon.example/",
        "--content-selector",
        "div.texte",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [
        "_posts/2019-03-01-un.md",
        "_posts/2019-04-02-deux.md",
    ]
    un = (out / "_posts/2019-03-01-un.md").read_text(encoding="utf-8")
    assert un == (
        "---\nlayout: post\ntitle: Billet un\ndate: 2019-03-01\n---\n\n"
        "Le billet un, voir [deux](<{% post_url 2019-04-02-deux %}>).\n"
    )  # no menu, no date line


@pytest.mark.slow
@pytest.mark.parametrize("name", ["abhn__static-nagekar.com", "ryosuke-horie__hides_blog_archive"])
def test_corpus_mirror_goldens(name: str, tmp_path: Path, update_goldens: bool) -> None:
    src = need(CORPUS / "html-mirrors" / name)
    out = tmp_path / "site"
    result = convert(str(src), "--out", str(out), "--offline")
    assert result.exit_code == 0, result.output
    written = sorted(p for p in out.rglob("*.md"))
    assert written
    # every visible word of each post's content (as extracted from its page) is in the output, in order
    for post in open_mirror([src], quiet).posts():
        md = (out / f"_posts/{post.date:%Y-%m-%d}-{post.slug}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
        share = audit.in_order_share(
            audit.facts_of(post.content).words, audit.facts_of(audit.render_markdown(md)).words
        )
        assert share >= 0.99, (post.slug, share)
    for f in written:
        rel = f.relative_to(out).as_posix()
        check_golden(GOLDEN / name / rel, f.read_text(encoding="utf-8"), update_goldens)


def test_terms_come_from_the_post_not_from_related_posts() -> None:
    soup = page(
        "single postid-1",
        "<article class='post-1 post'><div class='entry-content'>x</div>"
        "<footer><a rel='category tag' href='/category/a/'>A</a></footer></article>"
        "<aside class='related'><article class='post-2 post'><a rel='category tag' href='/category/b/'>B</a>"
        "</article></aside>",
    )
    assert read_meta(soup, PageMeta()).categories == [("a", "A")]


def test_repeated_tail_without_text_is_dropped_but_a_repeated_signature_is_kept(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"p{i}.html").write_text(
            f"<html><head><link rel='canonical' href='https://example.org/p{i}.html'></head>"
            f"<body class='single postid-{i + 1}'><div class='entry-content'><p>Post {i}</p>"
            "<p>Merci, Christian</p><br><a href='https://ads.example/'><img src='https://ads.example/b.png'></a>"
            "</div></body></html>",
            encoding="utf-8",
        )
    warnings: list[str] = []
    posts = list(open_mirror([tmp_path], warnings.append).posts())
    assert [p.content for p in posts] == [f"<p>Post {i}</p><p>Merci, Christian</p>" for i in range(4)]
    assert posts[0].imported.removed == ("2 trailing nodes repeated on other pages",)
    assert (
        f"{tmp_path}: 4 posts end with the same block (banners, share rows); removed from each "
        "(--keep-boilerplate keeps it)" in warnings
    )


def test_a_bad_content_selector_is_a_one_line_error(tmp_path: Path) -> None:
    for command in (["convert", str(MIRROR), "--out", str(tmp_path / "site"), "--offline"], ["inspect", str(MIRROR)]):
        result = CliRunner().invoke(main, [*command, "--content-selector", "div["])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("wpmigrate: error: --content-selector 'div[': not a CSS selector (")
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- issue 12.9


def test_content_selector_with_a_comma_inside_is_one_selector(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        "<html><head><title>A | S</title></head><body><nav><p>Menu</p></nav>"
        "<div class='post-content'><p>Hi, there</p></div></body></html>",
        encoding="utf-8",
    )
    for selector in (":is(.entry-content, .post-content)", ":is(.entry-content, .post-content), .nothing"):
        posts = list(open_mirror([tmp_path], quiet, content_selector=selector).posts())
        assert [(p.title, p.content) for p in posts] == [("A | S", "<p>Hi, there</p>")], selector
    out = tmp_path / "site"
    result = convert(
        str(tmp_path / "a.html"), "-o", str(out), "--offline", "--content-selector", ":is(.x, .post-content)"
    )
    assert result.exit_code == 0, result.output


def test_an_html_file_that_is_not_a_post_converts_nothing_and_says_so(tmp_path: Path) -> None:
    page = tmp_path / "notes.html"
    page.write_text("<html><head><title>Notes</title></head><body><p>Hello</p></body></html>", encoding="utf-8")
    result = convert(str(page), "-o", str(tmp_path / "site"), "--offline", "-q")
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        "Nothing converted: no post or page to write among the 0 items read (see Skipped and Warnings); "
        "check SOURCES, --types and --status",
        f"{tmp_path / 'site'}: 0 new, 0 changed, 0 unchanged",
    ]
