"""End to end: `wpmigrate convert` on WordPress exports, checked through the files it writes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, ROOT, check_golden, corpus_file
from lxml import etree

from wpmigrate.cli import main

GOLDEN = ROOT / "tests" / "golden"
WPTT = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
# Chosen for variety: classic markup, captions, galleries, embeds, blocks, lists, tables, code,
# quotes, page hierarchy, a future post, a draft, utf-8 and title edge cases.
WPTT_GOLDEN = [
    "_posts/2013-01-11-markup-html-tags-and-formatting.md",
    "_posts/2013-01-10-markup-image-alignment.md",
    "_posts/2013-01-09-markup-text-alignment.md",
    "_posts/2013-01-05-title-with-special-characters.md",
    "_posts/2013-01-05-markup-title-with-markup.md",
    "_posts/2009-05-15-edge-case-nested-and-mixed-lists.md",
    "_posts/2009-09-05-edge-case-no-title.md",
    "_posts/2010-09-10-post-format-gallery.md",
    "_posts/2010-08-07-post-format-image-caption.md",
    "_posts/2010-08-06-post-format-image-linked.md",
    "_posts/2010-06-02-post-format-video-youtube.md",
    "_posts/2010-01-08-post-format-chat.md",
    "_posts/2011-03-15-media-twitter-embeds.md",
    "_posts/2012-03-15-template-more-tag.md",
    "_posts/2012-01-08-template-paginated.md",
    "_posts/2018-11-03-block-image.md",
    "_posts/2018-11-01-blocks-formatting.md",
    "_posts/2030-01-01-scheduled.md",
    "about/page-image-alignment.md",
    "level-1/level-2/level-3.md",
    "greek/επίπεδο-2/επίπεδο-3.md",
    "_drafts/draft.md",
]


def convert(*args: str) -> CliRunner.invoke:
    return CliRunner().invoke(main, ["convert", *args], catch_exceptions=False)


def read_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head) or {}, body


def export_items(path: Path) -> list[dict]:
    """An independent reading of an export's items (plain lxml, not our importer)."""
    items = []
    for _, item in etree.iterparse(str(path), tag="item", resolve_entities=False, no_network=True):
        fields = {etree.QName(c).localname: (c.text or "") for c in item if isinstance(c.tag, str)}
        items.append(fields)
        item.clear()
    return items


def outside_code(markdown: str) -> str:
    """The Markdown with fenced code blocks left out."""
    return re.sub(r"^(```+|~~~+)[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.S | re.M)


def tree_text(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.md"))}


def test_demo_export_matches_golden_tree(tmp_path, update_goldens):
    out = tmp_path / "site"
    result = convert(
        str(FIXTURES / "demo" / "export.xml"),
        "--out",
        str(out),
        "--offline",
        "--mirror",
        str(FIXTURES / "demo" / "mirror"),
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".wpmigrate" not in p.parts)
    golden_dir = GOLDEN / "demo"
    if update_goldens:
        for old in golden_dir.rglob("*"):
            if old.is_file():
                old.unlink()
    for rel in files:
        data = (out / rel).read_bytes()
        if rel.endswith(".md"):
            check_golden(golden_dir / rel, data.decode("utf-8"), update_goldens)
        else:
            assert (
                data
                == (
                    FIXTURES / "demo" / "mirror" / "demo.example.org" / "wp-content" / "uploads" / rel.split("/", 2)[2]
                ).read_bytes()
            ), rel
    assert sorted(p.relative_to(golden_dir).as_posix() for p in golden_dir.rglob("*.md")) == [
        f for f in files if f.endswith(".md")
    ]


EXCERPT_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>S</title><link>https://example.test</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>With</title><content:encoded><![CDATA[Body.<!--more-->Rest.]]></content:encoded>
<excerpt:encoded><![CDATA[<p>Tides: <em>when</em> &amp; "how"
high.</p><p>Second&nbsp;part.<br>End</p>]]></excerpt:encoded>
<wp:post_id>1</wp:post_id><wp:post_date>2020-01-15 10:00:00</wp:post_date><wp:post_name>with</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Without</title><content:encoded><![CDATA[Body.<!--more-->Rest.]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>2</wp:post_id><wp:post_date>2020-01-16 10:00:00</wp:post_date><wp:post_name>without</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def test_a_wordpress_excerpt_reaches_the_front_matter_as_one_line_of_text(tmp_path):
    (tmp_path / "export.xml").write_text(EXCERPT_EXPORT, encoding="utf-8")
    out = tmp_path / "site"
    result = convert(str(tmp_path / "export.xml"), "--out", str(out), "--offline", "-q")
    assert result.exit_code == 0, result.output
    head = "---\nlayout: post\ntitle: {}\ndate: {}\n"
    assert (out / "_posts/2020-01-15-with.md").read_text(encoding="utf-8") == (
        head.format("With", "2020-01-15")
        + "excerpt: 'Tides: when & \"how\" high. Second\u00a0part. End'\n"
        + "excerpt_separator: <!--more-->\n---\n\nBody.\n\n<!--more-->\n\nRest.\n"
    )
    # No WordPress excerpt: as before, the more tag is the cut, and Jekyll makes the excerpt.
    assert (out / "_posts/2020-01-16-without.md").read_text(encoding="utf-8") == (
        head.format("Without", "2020-01-16") + "excerpt_separator: <!--more-->\n---\n\nBody.\n\n<!--more-->\n\nRest.\n"
    )


def test_wptt_every_kept_post_is_written_with_its_title_and_date(tmp_path):
    src = corpus_file(WPTT)
    out = tmp_path / "site"
    result = convert(str(src), "--out", str(out), "--offline")
    assert result.exit_code == 0, result.output
    items = export_items(src)
    kept = [
        i
        for i in items
        if i["post_type"] in ("post", "page")
        and i["status"] not in ("trash", "auto-draft", "inherit", "private")
        and not i.get("post_password")  # not published (issue 12.1)
    ]
    files = sorted(out.rglob("*.md"))
    assert len(kept) == 78 and len(files) == len(kept)

    def day(text: str) -> date | None:
        return None if text.startswith("0000") else date.fromisoformat(text[:10])

    expected = Counter((i["title"], day(i["post_date"])) for i in kept)
    seen = Counter()
    for path in files:
        fm, body = read_front_matter(path)
        seen[(fm.get("title") or "", fm.get("date"))] += 1
        # Block comments written as text inside a code block are content (blocks-formatting shows one).
        assert "<!-- wp:" not in outside_code(body), path
        assert not re.search(r"\[/?caption(?:\s|\](?!\())", body), path  # the shortcode, not a link text
    assert seen == expected


def test_wptt_goldens(tmp_path, update_goldens):
    out = tmp_path / "site"
    result = convert(str(corpus_file(WPTT)), "--out", str(out), "--offline")
    assert result.exit_code == 0, result.output
    for rel in WPTT_GOLDEN:
        check_golden(GOLDEN / "wptt" / rel, (out / rel).read_text(encoding="utf-8"), update_goldens)


IMPORTER = sorted((CORPUS / "wordpress-importer").rglob("*.xml")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", IMPORTER, ids=[p.name for p in IMPORTER])
def test_wordpress_importer_fixtures_convert_or_fail_in_one_line(path, tmp_path):
    result = CliRunner().invoke(main, ["convert", str(path), "--out", str(tmp_path / "o"), "--offline"])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:  # an export of authors or terms only: nothing to convert, and it says so
        assert "Nothing converted: no post or page to write" in result.output, result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and path.name in lines[0], result.stderr
        assert "Traceback" not in result.output
        assert not (tmp_path / "o").exists()


VERSIONED = {
    "1.0": "wordpress-importer/phpunit-data/valid-wxr-1.0.xml",
    "1.1": "wordpress-importer/phpunit-data/valid-wxr-1.1.xml",
    "1.2": "wordpress-importer/e2e-fixtures/wxr-comprehensive.xml",
}
# Fields every published post of any WXR version has; `modified` (WordPress >= 5.7) and `excerpt` vary.
CORE_FIELDS = {
    "id",
    "title",
    "slug",
    "link",
    "guid",
    "status",
    "type",
    "date",
    "date_gmt",
    "author",
    "terms",
    "content",
}


def test_wxr_versions_give_the_same_fields(tmp_path):
    """WXR 1.0, 1.1 and 1.2 files fill the same Post fields and give the same front-matter keys."""
    from dataclasses import fields as dc_fields

    from wpmigrate.importers.wxr import open_wxr

    keys = {}
    for version, rel in VERSIONED.items():
        export = open_wxr([corpus_file(rel)], lambda message: None)
        assert export.site.wxr_version == version
        posts = [p for p in export.posts() if p.type == "post" and p.status == "publish"]
        assert posts, rel
        for p in posts:
            filled = {f.name for f in dc_fields(p) if getattr(p, f.name) not in (None, "", (), {})}
            assert filled >= CORE_FIELDS, (rel, p.id, CORE_FIELDS - filled)
        out = tmp_path / version
        result = convert(str(corpus_file(rel)), "--out", str(out), "--offline")
        assert result.exit_code == 0, result.output
        keys[version] = {tuple(read_front_matter(f)[0]) for f in (out / "_posts").glob("*.md")}
    # The one post that 1.0 and 1.1 share reads alike.
    hello = {}
    for version in ("1.0", "1.1"):
        export = open_wxr([corpus_file(VERSIONED[version])], lambda message: None)
        p = next(p for p in export.posts() if p.title == "Hello world!")
        hello[version] = (p.id, p.slug, p.type, p.status, p.content.strip())
    assert hello["1.0"] == hello["1.1"]
    order = ["layout", "title", "date", "modif", "categories", "tags", "author", "excerpt"]
    for version, found in keys.items():
        for k in found:
            assert k[:3] == ("layout", "title", "date") and "author" in k, (version, k)
            assert list(k) == [key for key in order if key in k], (version, k)
    assert ("layout", "title", "date", "categories", "tags", "author") in keys["1.0"] & keys["1.1"]


REAL = sorted((CORPUS / "real-wxr").rglob("*.xml")) if CORPUS.is_dir() else []


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=[p.parent.name for p in REAL])
def test_real_exports_convert_cleanly(path, tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["convert", str(path), "--out", str(out), "--offline"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    files = list(out.rglob("*.md"))
    assert files
    for f in files:
        _fm, body = read_front_matter(f)
        assert "<!-- wp:" not in body, f


def test_bad_input_is_one_line_exit_2_from_the_real_command(tmp_path):
    bad = tmp_path / "notes.xml"
    bad.write_text("<html><body>not an export</body></html>", encoding="utf-8")
    for args in ([str(bad)], [str(tmp_path / "missing.xml")]):
        proc = subprocess.run(
            [sys.executable, "-m", "wpmigrate", "convert", *args, "--out", str(tmp_path / "o")],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and args[0].split("/")[-1] in lines[0], proc.stderr


def test_split_export_of_one_site_in_one_run(tmp_path):
    folder = corpus_file("wxr-test-fixtures/TryGhost__migrate/packages/mg-wp-xml/test/fixtures/multiple")
    out = tmp_path / "site"
    result = convert(str(folder / "posts-only.xml"), str(folder / "pages-only.xml"), "--out", str(out), "--offline")
    assert result.exit_code == 0, result.output
    kinds = Counter(p.relative_to(out).parts[0] == "_posts" for p in out.rglob("*.md"))
    assert kinds[True] >= 1 and kinds[False] >= 1


def test_gzipped_export_gives_the_same_output(tmp_path):
    import gzip

    src = FIXTURES / "demo" / "export.xml"
    gz = tmp_path / "export.xml.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    a, b = tmp_path / "a", tmp_path / "b"
    assert convert(str(src), "--out", str(a), "--offline").exit_code == 0
    assert convert(str(gz), "--out", str(b), "--offline").exit_code == 0
    assert tree_text(a) == tree_text(b)


def test_wptt_password_protected_post_is_not_published(tmp_path):
    src = corpus_file(WPTT)
    protected = [i for i in export_items(src) if i.get("post_password")]
    assert [(i["title"], i["status"], i["post_password"]) for i in protected] == [
        ('Template: Password Protected (the password is "enter")', "publish", "enter")
    ]
    secret = "This content, comments, pingbacks, and trackbacks should not be visible"
    assert secret in src.read_text(encoding="utf-8")
    out = tmp_path / "site"
    result = convert(str(src), "--out", str(out), "--offline", "-v")
    assert result.exit_code == 0, result.output
    assert "password-protected: not published (a static site cannot ask for the password); " in result.output
    assert [p for p in out.rglob("*.md") if "password" in p.name or secret in p.read_text(encoding="utf-8")] == []
    # Asked for, it is written, and the run says so.
    result = convert(str(src), "--out", str(tmp_path / "all"), "--offline", "--include-protected")
    assert result.exit_code == 0, result.output
    written = [p for p in (tmp_path / "all").rglob("*.md") if secret in p.read_text(encoding="utf-8")]
    assert [p.relative_to(tmp_path / "all").as_posix() for p in written] == [
        "_posts/2012-01-04-template-password-protected.md"
    ]
    assert "password-protected, written anyway (--include-protected)" in result.output


ALL_XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
DAMAGED = {"malformed.xml", "malformed-simple.xml"}  # cut short / mismatched tags: exit 2, one line


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_XML, ids=[str(p.relative_to(CORPUS)) for p in ALL_XML])
def test_every_corpus_xml_converts_with_exit_0_or_1_never_a_traceback(path, tmp_path):
    result = CliRunner().invoke(main, ["convert", str(path), "--out", str(tmp_path / "o"), "--offline", "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if path.name in DAMAGED:
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
    else:
        assert result.exit_code in (0, 1), result.output
