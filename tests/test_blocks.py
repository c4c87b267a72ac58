"""Gutenberg blocks: every block fixture of WordPress and Gutenberg converts cleanly; goldens per block type.

Goldens (tests/golden/blocks/<name>.md) are the Markdown of one fixture wrapped as a post's content:
from ../shared/corpus/gutenberg-block-fixtures/ (CORPUS_GOLDENS) and from fixtures/blocks/ (our own
small fixtures for what the corpus lacks: list v2, table foot, legacy embeds, footnotes, Jetpack ...).
A `<name>.meta.json` beside one of ours gives the post's meta (footnotes).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import audit
import pytest
from conftest import CORPUS, FIXTURES, ROOT, check_golden, corpus_file

from wpmigrate.convert import Attachment, ConvertContext, blocks
from wpmigrate.convert.blocks import parse_blocks, render_blocks
from wpmigrate.convert.post import convert_post
from wpmigrate.models import Post

BLOCK_FIXTURES = CORPUS / "gutenberg-block-fixtures"
GOLDEN = ROOT / "tests" / "golden" / "blocks"
OWN = FIXTURES / "blocks"
# Attachments the fixtures refer to: [gallery ids="238,338"] of core__shortcode, the image block id 705.
CTX = ConvertContext(
    attachments={
        238: Attachment(238, "https://example.org/wp-content/uploads/2018/05/first.jpg", alt="First"),
        338: Attachment(338, "https://example.org/wp-content/uploads/2018/05/second.png", caption="The second"),
        705: Attachment(705, "https://example.org/wp-content/uploads/2020/09/harbour.jpg", alt="Boats in the harbour"),
    }
)

# One or more corpus fixtures per core block type of issue 3 (golden name = fixture file name).
CORPUS_GOLDENS = [
    "WordPress-gutenberg/core__image__center-caption.html",
    "wordpress-develop-copy/core__image__custom-link.html",
    "wordpress-develop-copy/core__image__media-link.html",
    "wordpress-develop-copy/core__gallery-with-caption.html",
    "wordpress-develop-copy/core__gallery__deprecated-5.html",
    "WordPress-gutenberg/core__quote__style-1.html",
    "wordpress-develop-copy/core__pullquote__multi-paragraph.html",
    "wordpress-develop-copy/core__code.html",
    "wordpress-develop-copy/core__preformatted.html",
    "wordpress-develop-copy/core__verse.html",
    "WordPress-gutenberg/core__table__caption.html",
    "WordPress-gutenberg/core__list__ul.html",
    "wordpress-develop-copy/core__heading__h2-em.html",
    "WordPress-gutenberg/core__embed.html",
    "WordPress-gutenberg/core__separator.html",
    "WordPress-gutenberg/core__buttons.html",
    "wordpress-develop-copy/core__button__center.html",
    "WordPress-gutenberg/core__columns.html",
    "WordPress-gutenberg/core__cover.html",
    "wordpress-develop-copy/core__cover-image.html",
    "wordpress-develop-copy/core__media-text__image-alt-no-align.html",
    "wordpress-develop-copy/core__media-text__video.html",
    "wordpress-develop-copy/core__more__custom-text-teaser.html",
    "wordpress-develop-copy/core__nextpage.html",
    "wordpress-develop-copy/core__html.html",
    "wordpress-develop-copy/core__shortcode.html",
    "wordpress-develop-copy/core__file__new-window.html",
    "wordpress-develop-copy/core__audio.html",
    "WordPress-gutenberg/core__details.html",
    "wordpress-develop-copy/core__spacer.html",
    "wordpress-develop-copy/core__latest-posts.html",
]
OWN_FIXTURES = sorted(p.name for p in OWN.glob("*.html"))


def _all_corpus_fixtures() -> list[str]:
    return sorted(p.relative_to(BLOCK_FIXTURES).as_posix() for p in BLOCK_FIXTURES.glob("*/*.html"))


def convert_fixture(path: Path, ctx: ConvertContext = CTX):
    meta_file = path.with_suffix(".meta.json")
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    content = path.read_text(encoding="utf-8")
    post = Post(source=path.name, id=1, content=content, meta=meta)
    return post, convert_post(post, ctx)


# ---------------------------------------------------------------- every corpus fixture


@pytest.mark.parametrize("rel", _all_corpus_fixtures() or ["(corpus absent)"])
def test_every_block_fixture_converts_with_no_comment_left_and_its_text_kept(rel: str) -> None:
    path = corpus_file(f"gutenberg-block-fixtures/{rel}")
    post, converted = convert_fixture(path)
    md = converted.markdown
    assert "<!--" not in md.replace("<!--more-->", ""), md
    assert "wp:" not in md, md
    assert not converted.warnings
    # Words, links, images and structure of the fixture (block comments taken out) survive the round trip.
    result = audit.compare(audit.wordpress_html(post, CTX), md, rel, raw_html=audit.raw_visible_html(post.content))
    assert result.problems() == []


def test_the_corpus_has_the_fixtures_we_expect():
    found = _all_corpus_fixtures()
    if not found:
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    assert len(found) >= 80
    assert set(CORPUS_GOLDENS) <= set(found)


# ---------------------------------------------------------------- goldens


@pytest.mark.parametrize("rel", CORPUS_GOLDENS)
def test_corpus_block_goldens(rel: str, update_goldens: bool) -> None:
    _, converted = convert_fixture(corpus_file(f"gutenberg-block-fixtures/{rel}"))
    check_golden(GOLDEN / (Path(rel).stem + ".md"), converted.markdown, update_goldens)


@pytest.mark.parametrize("name", OWN_FIXTURES)
def test_own_block_goldens(name: str, update_goldens: bool) -> None:
    post, converted = convert_fixture(OWN / name)
    assert "<!--" not in converted.markdown
    assert (
        audit.compare(
            audit.wordpress_html(post, CTX), converted.markdown, name, raw_html=audit.raw_visible_html(post.content)
        ).problems()
        == []
    )
    check_golden(GOLDEN / (Path(name).stem + ".md"), converted.markdown, update_goldens)


# ---------------------------------------------------------------- focused rules


def test_block_parser_nests_and_reads_attributes():
    tree, had = parse_blocks('a<!-- wp:group {"x":{"y":1}} --><!-- wp:spacer /--><p>b</p><!-- /wp:group -->c')
    assert had and tree[0] == "a" and tree[2] == "c"
    group = tree[1]
    assert group.name == "core/group" and group.attrs == {"x": {"y": 1}}
    assert group.inner[1].name == "core/spacer" and group.inner[2] == "<p>b</p>"


def test_block_names_are_counted_and_invalid_comments_removed():
    stats: Counter = Counter()
    html, had = render_blocks(
        "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph --><!-- wp:core/4-invalid /-->", CTX, stats
    )
    assert (html, had) == ("<p>x</p>", True)
    assert stats == Counter({"core/paragraph": 1})


def test_block_content_skips_autop_but_classic_does_not():
    block = convert_post(Post(source="t", content="<!-- wp:html -->\na\n\nb\n<!-- /wp:html -->"), CTX).markdown
    assert block == "<div>\na\nb\n</div>\n"  # kept raw: one HTML block, as WordPress prints it
    assert convert_post(Post(source="t", content="a\n\nb"), CTX).markdown == "a\n\nb\n"


def test_custom_html_keeps_pre_blank_lines_inside_one_block():
    md = convert_post(
        Post(source="t", content="<!-- wp:html --><pre>x\n\ny</pre><p>z</p><!-- /wp:html -->"), CTX
    ).markdown
    assert md == "<pre>x\n&#10;y</pre><p>z</p>\n"
    assert audit.render_markdown(md) == "<pre>x\n&#10;y</pre><p>z</p>\n"


def test_embed_block_in_html_mode_is_the_provider_markup():
    content = (OWN / "embed-legacy-and-current.html").read_text(encoding="utf-8")
    md = convert_post(Post(source="t", content=content), ConvertContext(embeds="html")).markdown
    # iframes stay raw HTML; a tweet is a quote of its link (the widget script is not ours to add).
    assert md == (
        '<iframe allowfullscreen="" height="315" src="https://www.youtube.com/embed/HmsA0-ZvbfU" width="560">'
        '</iframe>\n\n<iframe allowfullscreen="" height="360" src="https://player.vimeo.com/video/22439234" '
        'width="640"></iframe>\n\n_The *mountain* film_\n\n> <https://twitter.com/WordPress/status/1234567890>\n'
    )


def test_footnotes_without_meta_leave_the_markers_alone():
    content = (OWN / "footnotes.html").read_text(encoding="utf-8")
    md = convert_post(Post(source="t", content=content), CTX).markdown
    assert md.startswith("A claim<sup>[1](#aa484441-9ea2-470c-a0a3-218ede0c6b05)</sup>")
    assert re.search(r"\[\^\d\]", md) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1} ',
        '{"a":[1,{"b":null}]}\n',
        '{"a":1}\u00a0',
        '{"a":1} x ',
        '{"a":1}}  ',
        "{a:1} ",
        '{"a":"\\u00e9"} \t\r\n',
        "{} ",
    ],
)
def test_block_attributes_decode_as_json_loads_would(text: str) -> None:
    try:
        expected: object = json.loads(text)
    except ValueError:
        expected = ValueError
    try:
        got: object = blocks._decode_json(text)
    except ValueError:
        got = ValueError
    assert got == expected
