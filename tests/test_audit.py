"""The render-back audit (wpmigrate/audit.py): it sees losses, and our converter has none on real exports."""

from __future__ import annotations

from pathlib import Path

import audit
import pytest
from conftest import corpus_file

from wpmigrate.convert import ConvertContext
from wpmigrate.models import Post

SOURCE = (
    '<h2>Title</h2><p>One two <a href="https://ex.org/a">three</a> four.</p>'
    "<ul><li>five</li><li>six</li></ul><blockquote><p>seven</p></blockquote>"
    '<pre><code>eight</code></pre><table><tr><td>nine</td></tr></table><img src="https://ex.org/i.png" alt="">'
)
FAITHFUL = (
    "## Title\n\nOne two [three](https://ex.org/a) four.\n\n- five\n- six\n\n> seven\n\n"
    "```\neight\n```\n\n| nine |\n| --- |\n\n![](https://ex.org/i.png)\n"
)


def test_a_faithful_conversion_has_no_problems():
    assert audit.compare(SOURCE, FAITHFUL, "p").problems() == []


@pytest.mark.parametrize(
    "broken, problem",
    [
        (FAITHFUL.replace("One two ", ""), "p: only 80.0% of WordPress's words in order"),
        (FAITHFUL.replace("[three](https://ex.org/a)", "three"), "p: link lost: https://ex.org/a"),
        (FAITHFUL.replace("![](https://ex.org/i.png)", ""), "p: image lost: https://ex.org/i.png"),
        (FAITHFUL.replace("## Title", "Title"), "p: headings: WordPress 1, ours 0"),
        (FAITHFUL.replace("- five\n- six", "five six"), "p: list items: WordPress 2, ours 0"),
        (FAITHFUL.replace("> seven", "seven"), "p: blockquotes: WordPress 1, ours 0"),
        (FAITHFUL.replace("```\neight\n```", "eight"), "p: code blocks: WordPress 1, ours 0"),
        (FAITHFUL.replace("| nine |\n| --- |", "nine"), "p: tables: WordPress 1, ours 0"),
    ],
)
def test_each_kind_of_loss_is_reported(broken, problem):
    assert audit.compare(SOURCE, broken, "p").problems() == [problem]


def test_words_are_compared_in_order():
    assert audit.in_order_share(["a", "b", "c", "d"], ["a", "c", "b", "d"]) == 0.75
    assert audit.in_order_share(["a", "b"], ["x", "a", "y", "b"]) == 1.0


def test_the_raw_source_catches_what_a_pass_dropped():
    # Our passes (the WordPress-side reference) lost "gone"; the raw source still has it.
    result = audit.compare("<p>kept</p>", "kept\n", "p", raw_html="<p>kept</p><p>gone</p>")
    assert result.problems() == ["p: only 50.0% of the source's words in order"]


def test_shortcode_brackets_and_block_comments_are_machinery():
    raw = audit.raw_visible_html(
        '<!-- wp:paragraph --><p>a [foo id=1] b</p><!-- /wp:paragraph --><a href="/x?a[b]=1">c</a>[code]<x>[/code]'
    )
    assert raw == '\n<p>a   b</p>\n<a href="/x?a[b]=1">c</a><pre> &lt;x&gt; </pre>'


def test_documented_exceptions():
    facts = audit.facts_of(
        '<a href="#fn1">1</a><a href="https://ex.org/"></a><h2> </h2>'
        '<ul class="blocks-gallery-grid"><li><img src="a.png"></li></ul>'
        '<pre class="wp-block-verse">a\nb</pre><code>x\ny</code>'
    )
    assert facts.links == set()
    assert facts.counts == {"headings": 0, "list items": 0, "code blocks": 1, "tables": 0, "blockquotes": 0}


def test_void_blocks_count_as_their_server_rendering():
    raw = audit.raw_visible_html('<ul><!-- wp:social-link {"url":"https://ex.org/me","service":"mastodon"} /--></ul>')
    assert audit.facts_of(raw).counts["list items"] == 1


def test_audit_post_converts_and_compares():
    post = Post(
        source="t.xml", id=3, content='Hello *world*\n\n[caption]<img src="https://ex.org/c.jpg" /> Cap[/caption]'
    )
    result = audit.audit_post(post, ConvertContext())
    assert result.problems() == [] and result.word_share == 1.0


# ---------------------------------------------------------------- the real exports of the issue


@pytest.mark.slow
@pytest.mark.parametrize(
    "rel, at_least",
    [
        ("WPTT-theme-test-data/themeunittestdata.wordpress.xml", 70),
        ("real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml", 550),
    ],
)
def test_published_posts_lose_nothing(rel: str, at_least: int) -> None:
    """>= 99% of words in order, every link and image, same structure counts, for every published post."""
    posts, ctx = audit.read_export(Path(corpus_file(rel)))
    checked = 0
    problems: list[str] = []
    for post in audit.published(posts):
        problems += audit.audit_post(post, ctx).problems()
        checked += 1
    assert checked >= at_least
    assert problems == []


def test_a_flash_player_left_as_raw_html_is_reported():
    player = '<object data="http://ex.org/a.swf"><embed src="http://ex.org/a.swf"></object>'
    assert audit.compare(f"<p>x</p>{player}", f"x\n\n{player}\n", "p").problems() == [
        "p: 1 Flash player(s) left as raw HTML"
    ]
