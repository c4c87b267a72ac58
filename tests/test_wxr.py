"""The WXR importer on real exports (../shared/corpus) and on small damaged inputs of our own (fixtures/wxr)."""

from __future__ import annotations

import dataclasses
import gzip
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, corpus_file

from wpmigrate.errors import WxrError
from wpmigrate.importers.wxr import open_wxr
from wpmigrate.importers.xmlrepair import XmlRepairer
from wpmigrate.models import Author, Comment, Term

WXR = FIXTURES / "wxr"
PHPUNIT = "wordpress-importer/phpunit-data/"
NOT_READABLE = {"malformed.xml", "malformed-simple.xml", "excerpt.input.html"}  # broken or not WXR at all


def read(*paths: Path) -> tuple[list, list[str], object]:
    warnings: list[str] = []
    export = open_wxr(list(paths), warnings.append)
    return list(export.posts()), warnings, export.site


def same_fields(a, b, *, skip=("source", "line")) -> dict:
    """Fields where two posts differ (ignoring where they came from)."""
    return {
        f.name: (getattr(a, f.name), getattr(b, f.name))
        for f in dataclasses.fields(a)
        if f.name not in skip and getattr(a, f.name) != getattr(b, f.name)
    }


def corpus_inputs() -> list:
    files = sorted(
        p
        for d in ("wordpress-importer", "wxr-test-fixtures")
        if (CORPUS / d).is_dir()
        for p in (CORPUS / d).rglob("*")
        if p.is_file()
    )
    return [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in files] or [pytest.param(None, id="corpus-absent")]


# -- every corpus file reads or fails with one line ------------------------------------------------------
@pytest.mark.parametrize("path", corpus_inputs())
def test_corpus_file_reads_or_fails_in_one_line(path):
    if path is None:
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    try:
        posts, warnings, _site = read(path)
    except WxrError as e:
        message = str(e)
        assert path.name in NOT_READABLE, message
        assert "\n" not in message and message.startswith(f"{path}:")
        assert "(" in message and message.endswith(")")  # ends with what to do
        return
    assert path.name not in NOT_READABLE
    assert all(p.source == str(path) and p.line for p in posts)
    assert all("\n" not in w and w.startswith(str(path)) for w in warnings)


def test_broken_files_name_line_column_and_fix():
    with pytest.raises(WxrError) as e:
        read(corpus_file(PHPUNIT + "malformed.xml"))
    assert str(e.value) == (
        f"{CORPUS / PHPUNIT}/malformed.xml:90:11: mismatched tag: expected </notachanneltag> "
        "(opened on line 27), found </channel> (the export is damaged; export it again "
        "from WordPress, Tools > Export)"
    )
    with pytest.raises(WxrError) as e:
        read(corpus_file(PHPUNIT + "malformed-simple.xml"))
    assert str(e.value) == (
        f"{CORPUS / PHPUNIT}/malformed-simple.xml:14:1: the file ends too early, inside <item> "
        "opened on line 9 (the export is cut short; download it again, or export it again "
        "from WordPress, Tools > Export)"
    )


def test_not_wxr_fails_at_open_before_any_post():
    for name, expected in [
        (
            "not-wxr.html",
            "not-wxr.html: not a WordPress export: an HTML page, not <rss> "
            "(pass the .xml file WordPress makes in Tools > Export)",
        ),
        (
            "rss-feed.xml",
            "rss-feed.xml: an RSS feed, not a WordPress export (no wp: elements) (a feed holds only "
            "recent posts; pass the .xml file WordPress makes in Tools > Export)",
        ),
    ]:
        with pytest.raises(WxrError) as e:
            open_wxr([WXR / name], lambda m: None)
        assert str(e.value) == f"{WXR / expected}"


def test_truncated_and_empty_files(tmp_path):
    with pytest.raises(WxrError) as e:
        read(WXR / "truncated.xml")
    assert str(e.value) == (
        f"{WXR}/truncated.xml:18:215: the file ends too early (expected '>') (the export is cut "
        "short; download it again, or export it again from WordPress, Tools > Export)"
    )
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(WxrError) as e:
        read(empty)
    assert str(e.value).startswith(f"{empty}") and "\n" not in str(e.value)
    bad_gz = tmp_path / "cut.xml.gz"
    bad_gz.write_bytes(gzip.compress((WXR / "site.xml").read_bytes())[:400])
    with pytest.raises(WxrError) as e:
        read(bad_gz)
    assert str(e.value).startswith(f"{bad_gz}: cannot read: ")


# -- versions 1.0, 1.1, 1.2 ---------------------------------------------------------------------------
def test_wxr_10_and_11_give_the_same_fields():
    posts10, w10, site10 = read(corpus_file(PHPUNIT + "valid-wxr-1.0.xml"))
    posts11, w11, site11 = read(corpus_file(PHPUNIT + "valid-wxr-1.1.xml"))
    assert (w10, w11) == ([], [])
    assert (site10.wxr_version, site11.wxr_version) == ("1.0", "1.1")
    by10 = {p.id: p for p in posts10}
    hello10, hello11 = by10[1], posts11[0]
    # same post in both: only the author (admin/john), the terms and the comment date differ
    assert set(same_fields(hello10, hello11)) == {"author", "terms", "comments", "date", "date_gmt"}
    assert (hello10.title, hello10.slug, hello10.type, hello10.status, hello10.content) == (
        hello11.title,
        hello11.slug,
        hello11.type,
        hello11.status,
        hello11.content,
    )
    about10, about11 = by10[2], posts11[1]
    assert (
        (about10.slug, about10.type, about10.meta, about10.parent)
        == (about11.slug, about11.type, about11.meta, about11.parent)
        == ("about", "page", {"_wp_page_template": "default"}, None)
    )
    # WXR 1.0 writes each term twice and tags with domain="tag": one term each, as post_tag
    assert by10[4].terms == (
        Term("category", "alpha", "alpha"),
        Term("post_tag", "news", "news"),
        Term("post_tag", "roar", "roar"),
    )
    assert by10[6].terms[1] == Term("category", "child", "child", parent="parent")
    assert hello11.terms == (
        Term("category", "alpha", "alpha"),
        Term("post_tag", "clippable", "Clippable"),
        Term("post_tax", "bieup", "bieup"),
    )


def test_wxr_12_theme_data_fills_the_same_fields():
    """Every field the 1.0/1.1 fixtures fill is filled the same way by 1.2 (http and https namespaces)."""
    wptt, w1, _ = read(corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml"))
    older, w2, _ = read(corpus_file(PHPUNIT + "theme-unit-test-data.xml"))
    assert (w1, w2) == ([], [])
    v11 = read(corpus_file(PHPUNIT + "valid-wxr-1.1.xml"))[0][0]
    post12 = next(p for p in wptt if p.id == 1152)
    for post in (v11, post12):
        assert post.id and post.title and post.slug and post.link and post.guid and post.author and post.content
        assert post.date and post.date_gmt and post.status == "publish" and post.type == "post"
        assert {t.domain for t in post.terms} >= {"category", "post_tag"}
    # the two copies of the theme unit test data: same posts, same fields where the content is the same
    older_by_id = {p.id: p for p in older}
    assert [p.id for p in wptt] == [p.id for p in older]
    same = [p for p in wptt if not same_fields(p, older_by_id[p.id])]
    assert len(same) > 150


# -- real exports -------------------------------------------------------------------------------------
REAL = [
    "1Marc__wordpress-to-gatsby/export.xml",
    "ServiceStackV3__mythz_blog/wordpress-export.xml",
    "alienlebarge__alienlebarge.github.com/wordpress.xml",
    "briandfoy__perl_fisher/wordpress_export.xml",
    "inportland99__drrajshah11ty/wordpress-export.xml",
    "mfgpcm__wordpress-export-to-markdown/wordpress_export.xml",
]


@pytest.mark.parametrize("rel", REAL)
def test_real_exports_read_every_item(rel):
    path = corpus_file("real-wxr/" + rel)
    posts, warnings, site = read(path)
    assert warnings == []
    assert len(posts) == path.read_bytes().count(b"<item>")
    assert site.title and site.base_site_url and site.wxr_version in ("1.1", "1.2")
    assert all(p.id for p in posts) and len({p.id for p in posts}) == len(posts)
    for p in posts:  # every attachment's metadata decodes (sizes, file)
        meta = p.meta.get("_wp_attachment_metadata")
        assert meta is None or isinstance(meta, dict), (p.where, meta)


def test_attachment_metadata_decoded_with_sizes():
    posts, _, _ = read(corpus_file("real-wxr/inportland99__drrajshah11ty/wordpress-export.xml"))
    att = next(p for p in posts if p.id == 19)
    assert (att.type, att.status, att.attachment_url, att.meta["_wp_attached_file"]) == (
        "attachment",
        "inherit",
        "https://drrajshah.com/wp-content/uploads/2019/09/TEDxHilliard.jpg",
        "2019/09/TEDxHilliard.jpg",
    )
    meta = att.meta["_wp_attachment_metadata"]
    assert (meta["width"], meta["height"], meta["file"]) == (1000, 602, "2019/09/TEDxHilliard.jpg")
    assert meta["sizes"]["medium"] == {
        "file": "TEDxHilliard-300x181.jpg",
        "width": 300,
        "height": 181,
        "mime-type": "image/jpeg",
    }


def test_theme_unit_test_data():
    posts, warnings, site = read(corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml"))
    assert warnings == []
    assert (site.title, site.link, site.language, site.base_site_url, site.base_blog_url, site.wxr_version) == (
        "Theme Unit Test Data",
        "https://wpthemetestdata.wordpress.com",
        "en",
        "https://wordpress.com/",
        "https://wpthemetestdata.wordpress.com",
        "1.2",
    )
    assert site.description == "Just another WordPress website with a purposefully really long description"
    assert site.authors[1] == Author(
        "themereviewteam", "Theme Reviewer", "themereviewteam@gmail.com", "Theme", "Review"
    )
    assert Counter(t.domain for t in site.terms) == {"post_tag": 110, "category": 68, "nav_menu": 6}
    assert Term("category", "child-2", "Child 2", "child-1") in site.terms
    assert Counter((p.type, p.status) for p in posts) == {
        ("nav_menu_item", "publish"): 70,
        ("post", "publish"): 56,
        ("attachment", "inherit"): 37,
        ("page", "publish"): 21,
        ("post", "future"): 1,
        ("post", "draft"): 1,
    }
    many = next(p for p in posts if p.id == 1152)
    assert (many.title, many.slug, many.date) == (
        "Edge Case: Many Categories",
        "edge-case-many-categories",
        datetime(2009, 7, 2, 2, 0, 3),
    )
    assert many.tags == ["categories", "edge case"] and len(many.categories) == 63
    assert Term("category", "grandchild-category", "Grandchild Category", "child-category-03") in many.terms
    assert [p.title for p in posts if p.sticky] == ["Template: Sticky"]
    att = next(p for p in posts if p.id == 611)
    assert (att.title, att.parent, att.attachment_url, att.meta["_wp_attachment_image_alt"]) == (
        "canola2",
        555,
        "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
        "canola",
    )
    about = next(p for p in posts if p.title == "About The Tests")
    assert (about.id, about.type, about.slug, about.menu_order) == (2, "page", "about", 1)


# -- CDATA --------------------------------------------------------------------------------------------
def test_crazy_cdata_reads_like_its_escaped_twin():
    crazy, warnings, _ = read(corpus_file(PHPUNIT + "crazy-cdata.xml"))
    escaped, w2, _ = read(corpus_file(PHPUNIT + "crazy-cdata-escaped.xml"))
    assert w2 == [] and same_fields(crazy[0], escaped[0]) == {}
    assert crazy[0].content == "Content with nested <![CDATA[ tags ]]> :)"
    assert crazy[0].meta == {
        "Plain string": "Foo",
        "Closing CDATA": "]]>",
        "Alot of CDATA": "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>",
    }
    path = CORPUS / PHPUNIT / "crazy-cdata.xml"
    assert warnings == [
        f"{path}:18: kept ']]>' inside CDATA as text (an old exporter did not escape it)",
        f"{path}:38: kept ']]>' inside CDATA as text (an old exporter did not escape it)",
        f"{path}:42: kept ']]>' inside CDATA as text (an old exporter did not escape it)",
        f"{path}: ... and 1 more repairs like 'kept ... as text (an old exporter did not escape it)'",
    ]


def test_cdata_edge_and_multiple_cdata():
    assert read(corpus_file(PHPUNIT + "cdata-edge.xml"))[0][0].content == "ends with sequence ]] >"
    assert read(corpus_file(PHPUNIT + "multiple-cdata.xml"))[0][0].content == "line oneline twoline three"


def test_split_cdata_joins_back(tmp_path):
    path = tmp_path / "split.xml"
    path.write_text(
        (WXR / "site.xml")
        .read_text(encoding="utf-8")
        .replace("<![CDATA[À finir.]]>", "<![CDATA[a ]]]]><![CDATA[> b]]>"),
        encoding="utf-8",
    )
    posts, warnings, _ = read(path)
    assert posts[2].content == "a ]]> b" and warnings == []


# -- our fixtures: every field ----------------------------------------------------------------------
def test_all_post_fields():
    posts, warnings, site = read(WXR / "site.xml")
    assert warnings == []
    assert (site.title, site.description, site.language, site.generator) == (
        "Carnet de route",
        "Notes & essais",
        "fr-FR",
        "https://wordpress.org/?v=6.5",
    )
    assert site.terms[1] == Term("category", "été", "Été", "voyages")
    post, att, draft, page = posts
    assert (post.source, post.line, post.id, post.title, post.slug) == (
        str(WXR / "site.xml"),
        24,
        10,
        "Matin à Étretat : « la mer »",
        "matin-à-étretat",
    )
    assert (post.date, post.date_gmt, post.modified, post.modified_gmt) == (
        datetime(2024, 4, 14, 8, 30),
        datetime(2024, 4, 14, 6, 30),
        datetime(2024, 4, 20, 19, 5, 10),
        datetime(2024, 4, 20, 17, 5, 10),
    )
    assert post.terms == (
        Term("category", "été", "Été", "voyages"),
        Term("post_tag", "mer", "mer"),
        Term("series", "cote", "La côte"),
    )
    assert (post.author, post.excerpt, post.sticky, post.meta) == (
        "marie",
        "Un matin.",
        True,
        {"_thumbnail_id": "11", "_edit_last": "2"},
    )  # last value wins
    assert post.content.endswith("<p>Des falaises &amp; des galets.</p><!-- /wp:paragraph -->")
    assert post.comments == (
        Comment(
            7,
            "Pierre",
            "pierre@example.org",
            "https://pierre.example.org/",
            datetime(2024, 4, 15, 9),
            datetime(2024, 4, 15, 7),
            "Superbe !",
            "1",
            None,
            "comment",
        ),
        Comment(8, "Marie", "", "", datetime(2024, 4, 15, 10), datetime(2024, 4, 15, 8), "Merci.", "0", 7, ""),
    )
    assert (att.type, att.status, att.parent, att.attachment_url) == (
        "attachment",
        "inherit",
        10,
        "https://example.org/wp-content/uploads/2024/04/falaise-scaled.jpg",
    )
    assert att.meta["_wp_attachment_metadata"]["original_image"] == "falaise.jpg"
    assert att.meta["_wp_attachment_metadata"]["sizes"]["medium"]["file"] == "falaise-300x200.jpg"
    assert att.meta["_wp_attachment_image_alt"] == "La falaise d'Aval à l'aube"
    assert (draft.slug, draft.status, draft.date, draft.date_gmt, draft.password) == (
        "",
        "draft",
        datetime(2024, 4, 21, 12),
        None,
        "secret",
    )
    # no wp:post_date: the pubDate (+0100) gives both dates
    assert (page.type, page.menu_order, page.date, page.date_gmt) == (
        "page",
        3,
        datetime(2006, 1, 2, 15, 4, 5),
        datetime(2006, 1, 2, 14, 4, 5),
    )


def test_posts_is_re_iterable_and_warns_once():
    warnings: list[str] = []
    export = open_wxr([WXR / "damaged.xml"], warnings.append)
    first, second = list(export.posts()), list(export.posts())
    assert first == second and len(warnings) == len(set(warnings)) == 9


def test_damage_is_repaired_with_warnings():
    posts, warnings, site = read(WXR / "damaged.xml")
    path = WXR / "damaged.xml"
    assert site.title == "Damaged \u00a0site"
    post = posts[0]
    assert (post.line, post.title, post.link) == (
        9,
        "Tom & Jerry & friends",
        "http://damaged.example/?p=1&preview=true",
    )
    assert (post.content, post.excerpt) == ("Fish & chips ]]> are <b>good</b>", "bellhere")
    assert post.meta == {"unknown": "&copy2024 &foo; ©"}
    assert warnings[0] == (
        f"{path}:1: removed 202 bytes before <?xml (a PHP warning or notice?): "
        "'<br /> <b>Warning</b>: Cannot modify header information - he...'"
    )
    assert f"{path}:13: removed control character U+0007 (not allowed in XML)" in warnings
    assert f"{path}:6: replaced HTML entity &nbsp; (undefined in XML) by its character" in warnings
    assert f"{path}:12: kept ']]>' inside CDATA as text (an old exporter did not escape it)" in warnings
    assert f"{path}:18: unknown entity &foo; kept as text" in warnings
    assert sum("escaped a bare '&'" in w for w in warnings) == 3
    assert any(w.startswith(f"{path}:11: escaped a bare '&'") and "?p=1&preview" in w for w in warnings)


def test_bare_ampersands_in_tryghost_fixtures_are_repaired():
    path = corpus_file("wxr-test-fixtures/TryGhost__migrate/packages/mg-wp-xml/test/fixtures/sample.xml")
    posts, warnings, _ = read(path)
    att = next(p for p in posts if p.type == "attachment")
    assert att.attachment_url == (
        "https://images.unsplash.com/photo-1601276861758-2d9c5ca69a17?ixlib=rb-1.2.1"
        "&ixid=eyJhcHBfaWQiOjEyMDd9&auto=format&fit=crop&w=1268&q=80"
    )
    assert (
        warnings[-1] == f"{path}: ... and 7 more repairs like 'escaped a bare '&' that starts no entity reference: ...'"
    )


def test_bom_whitespace_controls_latin1_and_crlf(tmp_path):
    text = (WXR / "site.xml").read_text(encoding="utf-8")
    text = text.replace("<![CDATA[Superbe !]]>", "<![CDATA[Superbe\x01 !]]>")
    meta = 'a:1:{s:7:"caption";s:13:"ligne\nligne";}'  # 13 bytes once the file has CRLF line ends
    text = text.replace("<![CDATA[La falaise d'Aval à l'aube]]>", f"<![CDATA[{meta}]]>")
    data = b"\xef\xbb\xbf\n  " + text.replace("\n", "\r\n").encode("utf-8")
    data = data.replace(b"Sans date WordPress.", b"Caf\xe9 cr\xe8me")  # latin-1 in a UTF-8 file
    path = tmp_path / "dirty.xml"
    path.write_bytes(data)
    posts, warnings, _ = read(path)
    # lines are those of the file: one more before the XML declaration, one more in the meta value
    assert warnings == [
        f"{path}:1: removed a UTF-8 byte order mark",
        f"{path}:1: removed leading whitespace before <?xml",
        f"{path}:152: bytes e9 are not UTF-8; read as Windows-1252 'é'",
        f"{path}:152: bytes e8 are not UTF-8; read as Windows-1252 'è'",
        f"{path}:73: removed control character U+0001 (not allowed in XML)",
    ]
    clean = read(WXR / "site.xml")[0]
    assert [p.line for p in posts] == [clean[0].line + 1, clean[1].line + 1, clean[2].line + 2, clean[3].line + 2]
    assert posts[0].comments[0].content == "Superbe !"
    assert posts[1].meta["_wp_attachment_image_alt"] == {"caption": "ligne\nligne"}
    assert posts[3].content == "Café crème"


def test_wxr_version_missing_or_odd_is_a_warning():
    _, warnings, site = read(corpus_file(PHPUNIT + "invalid-version-tag.xml"))
    assert site.wxr_version == "abc"
    assert warnings == [
        f"{CORPUS / PHPUNIT}/invalid-version-tag.xml:33: wp:wxr_version is 'abc', not 1.0, 1.1 or 1.2; "
        "reading it as WXR 1.2"
    ]
    _, warnings, site = read(corpus_file(PHPUNIT + "missing-version-tag.xml"))
    assert site.wxr_version == "" and len(site.terms) > 10
    assert warnings == [f"{CORPUS / PHPUNIT}/missing-version-tag.xml: no wp:wxr_version; reading it as WXR 1.2"]


def test_namespace_edge_cases():
    posts, warnings, site = read(corpus_file(PHPUNIT + "namespace-edge-cases.xml"))
    assert [p.id for p in posts] == [1, 2, 3, 4, 5, 6]
    assert posts[0].meta == {"malicious_key": "malicious_value", "normal_key": "normal_value"}
    assert posts[5].content == "&lol1;" * 10  # inside CDATA: text, never an entity
    assert [a.login for a in site.authors] == ["fake_ns_user", "real_user", "version_conflict"]
    assert warnings == [
        f"{CORPUS / PHPUNIT}/namespace-edge-cases.xml:84: xmlns:unicode: "
        "'http://ëxämplë.com/ünïcödë/' is not a valid URI (ignored)"
    ]


# -- gzip and several files ---------------------------------------------------------------------------
def test_gzip_reads_like_plain(tmp_path):
    gz = tmp_path / "site.xml.gz"
    gz.write_bytes(gzip.compress((WXR / "site.xml").read_bytes()))
    plain, _, site = read(WXR / "site.xml")
    zipped, warnings, site_gz = read(gz)
    assert warnings == [] and site == site_gz
    assert [same_fields(a, b) for a, b in zip(plain, zipped, strict=False)] == [{}] * 4


def test_two_files_of_one_site():
    posts, warnings, site = read(WXR / "split-1.xml", WXR / "split-2.xml")
    assert warnings == []
    assert [(p.id, Path(p.source).name) for p in posts] == [(1, "split-1.xml"), (2, "split-2.xml"), (3, "split-2.xml")]
    assert [a.login for a in site.authors] == ["ann", "bob"]
    assert site.terms == (Term("category", "news", "News"), Term("post_tag", "misc", "Misc"))


def test_tryghost_split_export():
    base = "wxr-test-fixtures/TryGhost__migrate/packages/mg-wp-xml/test/fixtures/multiple/"
    paths = [corpus_file(base + n) for n in ("posts-only.xml", "pages-only.xml", "attachments-only.xml")]
    posts, warnings, _site = read(*paths)
    assert Counter((Path(p.source).name, p.type) for p in posts) == {
        ("posts-only.xml", "post"): 3,
        ("posts-only.xml", "customcpt"): 1,
        ("pages-only.xml", "page"): 1,
        ("attachments-only.xml", "attachment"): 1,
    }
    assert all("escaped a bare '&'" in w or "more repairs" in w for w in warnings)


# -- the repairing stream -----------------------------------------------------------------------------
def test_repairer_changes_nothing_in_well_formed_exports():
    files = [p for d in ("real-wxr", "WPTT-theme-test-data", "wordpress-importer") for p in (CORPUS / d).rglob("*.xml")]
    if not files:
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    damaged = {"crazy-cdata.xml"}
    for path in files:
        data = path.read_bytes()
        repairer = XmlRepairer()
        out = b"".join(repairer.feed(data[i : i + 4093]) for i in range(0, len(data), 4093)) + repairer.finish()
        decl = re.search(rb"<\?xml\s[^>]*?\?>", data)
        expected = b"\n" * data.count(b"\n", 0, decl.end()) + data[decl.end() :] if decl else data
        assert (out == expected) != (path.name in damaged), path


# -- memory stays flat ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_memory_is_flat_as_the_file_grows(tmp_path):
    """Peak RSS of the importer alone (fresh process) for 1,500 and 6,000 posts: no growth with the file."""
    import subprocess
    import sys

    corpus_file("real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml")
    root = Path(__file__).resolve().parents[1]
    peaks = []
    for n in (1500, 6000):
        out = tmp_path / f"big{n}.xml"
        subprocess.run(
            [sys.executable, str(root / "bench" / "make_wxr.py"), "--posts", str(n), "--out", str(out)],
            check=True,
            capture_output=True,
        )
        run = subprocess.run(
            [sys.executable, str(root / "bench" / "bench_import.py"), str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        assert f", {n} items," in run.stdout
        peaks.append(float(re.search(r"peak RSS (\d+) MB", run.stdout).group(1)))
    assert peaks[1] < peaks[0] + 15 and peaks[1] < 300, peaks


# -- issue 12: real exports that were refused ------------------------------------------------------------
def test_inner_cdata_end_before_an_end_tag_is_text_not_the_end_of_the_value():
    # Old exporters wrote `<script>//<![CDATA[ ... //]]></script>` inside the content's CDATA unescaped:
    # that `]]>` is followed by `</script>`, not by `</content:encoded>`, so it is the author's text.
    path = WXR / "script-cdata.xml"
    posts, warnings, _ = read(path)
    assert posts[0].content == 'Before <script type="text/javascript">\n//<![CDATA[\nvar a = 1;\n//]]></script> after'
    assert warnings[0] == f"{path}:21: kept ']]>' inside CDATA as text (an old exporter did not escape it)"
    assert posts[0].meta["Alot of CDATA"] == (
        "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>"
    )


def test_utf16_export_with_a_bom_reads_like_its_utf8_twin():
    posts16, warnings16, site16 = read(WXR / "site-utf16.xml")
    posts8, warnings8, site8 = read(WXR / "site.xml")
    assert warnings16 == warnings8
    assert site16 == site8
    assert [same_fields(a, b) for a, b in zip(posts16, posts8, strict=True)] == [{}] * len(posts8)
    assert [p.line for p in posts16] == [p.line for p in posts8]


def test_undeclared_namespace_prefix_is_read_with_a_warning(tmp_path):
    src = (WXR / "site.xml").read_text(encoding="utf-8")
    at = src.index("<item>")
    line = src.count("\n", 0, at) + 1
    path = tmp_path / "atom.xml"
    path.write_text(src[:at] + '<atom:link rel="hub" href="http://example.com/hub"/>\n' + src[at:], encoding="utf-8")
    posts, warnings, _site = read(path)
    assert len(posts) == len(read(WXR / "site.xml")[0])
    assert warnings == [
        f"{path}:{line}: namespace prefix 'atom' of <atom:link> is not declared (the exporter left it out); read as is"
    ]
