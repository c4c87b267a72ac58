"""convert_post: the passes in order, and the whole converter over real WordPress exports."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import CORPUS, isolated_workdir
from markdown_it import MarkdownIt

from wpmigrate.cli import main
from wpmigrate.convert import ConvertContext
from wpmigrate.convert.autop import autop
from wpmigrate.convert.fences import iter_lines
from wpmigrate.convert.post import convert_post
from wpmigrate.errors import ConvertError
from wpmigrate.models import AssetRef, Post

CM = MarkdownIt("commonmark").enable("table")


def post(content: str, **kw) -> Post:
    return Post(source="test.xml", id=7, title="T", content=content, **kw)


def test_classic_content_gets_paragraphs_and_breaks():
    out = convert_post(post("First line\nsecond line\n\nNew paragraph"), ConvertContext())
    assert out.markdown == "First line\\\nsecond line\n\nNew paragraph\n"


def test_block_content_is_not_autopd():
    html = "<!-- wp:paragraph -->\n<p>One\nstill one</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->"
    out = convert_post(post(html), ConvertContext())
    assert out.markdown == "One still one\n\nTwo\n"
    assert out.blocks == Counter({"core/paragraph": 2})


def test_more_marker_stays_in_the_body_and_excerpt_stays_empty():
    out = convert_post(post("Intro text.\n<!--more-->\nThe rest."), ConvertContext())
    assert out.markdown == "Intro text.\n\n<!--more-->\n\nThe rest.\n"
    assert out.excerpt == ""


def test_assets_are_the_original_urls():
    html = (
        '<a href="https://x.org/wp-content/uploads/big.jpg"><img src="https://x.org/wp-content/uploads/big-300x200.jpg" '
        'alt="Big" /></a>\n\nSee <a href="https://x.org/2019/05/other/">other</a>.'
    )
    ctx = ConvertContext(rewrite_asset=lambda u: "/assets/" + u.rsplit("/", 1)[1], rewrite_link=lambda u: "/other/")
    out = convert_post(post(html), ctx)
    assert out.markdown == "[![Big](/assets/big-300x200.jpg)](/assets/big.jpg)\n\nSee [other](/other/).\n"
    assert out.assets == (
        AssetRef("https://x.org/wp-content/uploads/big.jpg", "image"),
        AssetRef("https://x.org/wp-content/uploads/big-300x200.jpg", "image"),
    )


def test_markdown_content_passes_through():
    body = "# Already *Markdown*\r\n\r\nwith <b>html</b> & stuff\n\n\n"
    out = convert_post(post(body, content_format="markdown"), ConvertContext())
    assert out.markdown == "# Already *Markdown*\n\nwith <b>html</b> & stuff\n"


def test_empty_content():
    assert convert_post(post(""), ConvertContext()).markdown == ""
    assert convert_post(post("   \n\n"), ConvertContext()).markdown == ""


def test_unknown_content_format_is_a_convert_error():
    with pytest.raises(ConvertError, match=r"test\.xml post 7"):
        convert_post(post("x", content_format="textile"), ConvertContext())


def test_deep_nesting_gives_a_warning_not_an_error():
    out = convert_post(post("<div>" * 600 + "deep" + "</div>" * 600), ConvertContext())
    assert out.markdown == "deep\n"
    assert any("flattened" in w for w in out.warnings)


DEEP_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Deep</title><link>https://example.test</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Deep</title><link>https://example.test/deep/</link>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2020-01-15 10:00:00</wp:post_date><wp:post_name>deep</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Fine</title><link>https://example.test/fine/</link>
<content:encoded><![CDATA[<p>fine</p>]]></content:encoded>
<wp:post_id>6</wp:post_id><wp:post_date>2020-01-16 10:00:00</wp:post_date><wp:post_name>fine</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_converter_warning_names_its_post_once(jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = isolated_workdir(tmp_path, monkeypatch, "work")
    (work / "export.xml").write_text(DEEP_EXPORT.format(body="<div>" * 600 + "deep" + "</div>" * 600))
    result = CliRunner().invoke(
        main,
        ["convert", "export.xml", "-o", "site", "--offline", "--jobs", jobs, "--report", "r.json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    warning = "export.xml:4 post 5 'Deep': markup nested 600 levels deep was flattened"
    assert json.loads((work / "r.json").read_text())["warnings"] == [warning]
    assert result.output.count("post 5") == 1 and f"  {warning}\n" in result.output


# --- real exports ---------------------------------------------------------------------------------

EXPORTS = [
    "WPTT-theme-test-data/themeunittestdata.wordpress.xml",
    "WPTT-theme-test-data/64-block-test-data.xml",
    "wordpress-importer/phpunit-data/a11y-unit-test-data.xml",
    "real-wxr/1Marc__wordpress-to-gatsby/export.xml",
    "real-wxr/ServiceStackV3__mythz_blog/wordpress-export.xml",
    "real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml",
    "real-wxr/briandfoy__perl_fisher/wordpress_export.xml",
    "real-wxr/inportland99__drrajshah11ty/wordpress-export.xml",
    "real-wxr/mfgpcm__wordpress-export-to-markdown/wordpress_export.xml",
]

_ENTITY = re.compile(r"(?<!\\)&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)


def prose_lines(markdown: str):
    """Lines outside fenced code and raw HTML blocks."""
    in_html = False
    for in_code, line in iter_lines(markdown):
        if in_code:
            continue
        if line.lstrip().startswith("<") and not line.lstrip().startswith("<http"):
            in_html = True
        if not line.strip():
            in_html = False
        if not in_html:
            yield line


def double_blank_outside_code(markdown: str) -> bool:
    blank = 0
    for in_code, line in iter_lines(markdown):
        blank = blank + 1 if not in_code and not line else 0
        if blank > 1:
            return True
    return False


def read_posts(rel: str) -> list[Post]:
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"../shared/corpus not present ({rel} missing)")
    from wpmigrate.importers.wxr import open_wxr

    return [p for p in open_wxr([path], lambda message: None).posts() if p.type in ("post", "page")]


def words(html: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(["script", "style", "title", "head"]):
        tag.decompose()
    return re.findall(r"\w+", soup.get_text(" "))


@pytest.mark.parametrize("rel", EXPORTS)
def test_real_exports_convert_cleanly(rel):
    posts = read_posts(rel)
    assert posts
    for p in posts:
        out = convert_post(p, ConvertContext())
        md = out.markdown
        assert md == "" or (md.endswith("\n") and not md.endswith("\n\n")), p.where
        assert not double_blank_outside_code(md), p.where
        for line in prose_lines(md):
            assert line == line.rstrip(), (p.where, line)
            assert "<!-- wp:" not in line, (p.where, line)
            assert not _ENTITY.search(line), (p.where, line)
            assert not re.search(r"[A-Za-z0-9]\\_[A-Za-z0-9]", line), (p.where, line)


@pytest.mark.parametrize(
    "rel",
    [
        "WPTT-theme-test-data/themeunittestdata.wordpress.xml",
        "real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml",
    ],
)
def test_classic_posts_keep_their_words_in_order(rel):
    """Render our Markdown with a CommonMark reader: the words are those WordPress would show."""
    import difflib

    kept = total = 0
    for p in read_posts(rel):
        if p.status != "publish" or "<!-- wp:" in p.content or "[" in p.content:
            continue  # blocks and shortcodes are the business of their own tests
        source = words(autop(re.sub(r"<!--.*?-->", "", p.content, flags=re.S)))
        ours = words(CM.render(convert_post(p, ConvertContext()).markdown))
        matcher = difflib.SequenceMatcher(None, source, ours, autojunk=False)
        kept += sum(b.size for b in matcher.get_matching_blocks())
        total += len(source)
    assert total > 1000
    assert kept / total >= 0.999
