"""parse_html (soup.py) builds the tree BeautifulSoup(html, "lxml") builds, node for node.

It copies libxml2's tree into bs4 objects by hand, so a bs4 or lxml upgrade that changes what bs4 does
with parse events must fail here: every node's class, name, attributes (types too: class lists),
text, links (parent, siblings, document order) and the soup's own parse state are compared."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import PreformattedString
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import corpus_file
from wpmigrate.convert import ConvertContext, markdown, soup
from wpmigrate.convert.post import convert_post
from wpmigrate.importers import open_sources

_LINKS = ("parent", "next_element", "previous_element", "next_sibling", "previous_sibling")
_SOUP_STATE = ("open_tag_counter", "tagStack", "preserve_whitespace_tag_stack", "string_container_stack")


def dump_tree(doc: BeautifulSoup) -> list[Any]:
    """Everything about every node, links as positions in document order."""
    nodes = [doc, *doc.descendants]
    where = {id(n): i for i, n in enumerate(nodes)}

    def pos(node: Any) -> int | None:
        return None if node is None else where.get(id(node), -2)

    out: list[Any] = [[repr(getattr(doc, k)) for k in _SOUP_STATE], pos(doc._most_recent_element)]
    for node in nodes:
        links = [pos(getattr(node, k)) for k in _LINKS]
        if isinstance(node, Tag):
            fields = {k: repr(v) for k, v in vars(node).items() if k not in (*_LINKS, "contents", "attrs", "builder")}
            attrs = [
                (type(k).__name__, k, type(v).__name__, str(v) if isinstance(v, str) else list(v))
                for k, v in node.attrs.items()
            ]
            out.append(("tag", sorted(fields.items()), type(node.attrs).__name__, attrs, links))
        else:
            out.append((type(node).__name__, str(node), links))
    return out


def assert_same_tree(html: str) -> None:
    assert dump_tree(soup.parse_html(html)) == dump_tree(BeautifulSoup(html, "lxml")), html[:300]


CASES = [
    "<p>one</p>\n\n<p>two <b>bold</b> tail</p>\n",
    '<p class=" a  b " rel="x y">c</p><a rel="nofollow noopener" href="u" accesskey="k j">l</a>',
    "<pre>  keep\n\n   spaces <b> </b>\n</pre>\n  \n<textarea>\n \n</textarea> <p> </p>",
    "<script>var a = '<p>';</script><style>p{}</style><template><p>t</p></template><ruby>a<rt>b</rt><rp>(</rp></ruby>",
    "<p><!----><!-- c --><!--\n--> x</p><pre><!-- --></pre><p><![CDATA[ d ]]><?php echo 1 ?></p>",
    '<svg viewBox="0 0 1 1"><path d="M0"/><use xlink:href="#a"/></svg><math><mi>x</mi></math>',
    "<table><tr><td>a<td>b</table><ul><li>1<li>2</ul><select><option selected>o</select>",
    '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>m</p>',
    "<title>t</title><p>a<br>b<br/>c</br></p><img src=a alt><input disabled><input disabled=disabled>",
    '<p foo:bar="1" {x}="2">ns</p><fb:like href="h"></fb:like><P CLASS=Q>upper</P>',
    "<!-- first -->\n<p>x</p>",
    "</div> \n<p>stray end tag first</p>",
    "<p>x</p></body></html>\n<!-- after -->\n",
    "<!DOCTYPE html><html><body><p>d</p></body></html>",
    "\ufeff<p>bom</p>\x00&nbsp;&bogus;&#0;\r\n\x0c",
    "<div>" * 300 + "deep" + "</div>" * 300,
    "<span>" * 199 + "<b>a</b> " + "</span>" * 199,
    "<span>" * 254 + "<b>a</b> " + "</span>" * 254,
]


@pytest.mark.parametrize("html", CASES)
def test_parse_html_builds_the_bs4_tree(html: str) -> None:
    assert_same_tree(html)


_PIECES = [p for case in CASES for p in case.replace(">", ">\x01").replace("<", "\x01<").split("\x01") if p]


@given(st.lists(st.sampled_from([*_PIECES, " ", "\n", "\t", "text", "<p>", "</p>", "<pre>", "</pre>"]), max_size=30))
def test_parse_html_builds_the_bs4_tree_for_any_mix(pieces: list[str]) -> None:
    assert_same_tree("".join(pieces))


def test_parse_html_copies_the_tree_for_ordinary_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken (else this module would only test bs4 against itself)."""
    taken = Counter[str]()
    monkeypatch.setattr(LXMLTreeBuilder, "feed", lambda self, markup: taken.update(["bs4"]))
    doc = soup.parse_html('<p class="a">x <b>y</b></p><pre> z </pre>')
    assert taken["bs4"] == 0
    assert str(doc) == '<html><body><p class="a">x <b>y</b></p><pre> z </pre></body></html>'


@pytest.mark.parametrize(
    "export",
    [
        "WPTT-theme-test-data/themeunittestdata.wordpress.xml",
        "WPTT-theme-test-data/64-block-test-data.xml",
        "page-builders/the7-wpbakery-pages.xml",
        "page-builders/kadence-blocks.xml",
        "real-wxr/ServiceStackV3__mythz_blog/wordpress-export.xml",
        "real-wxr/cedricporter__cedricporter.github.com/wordpress.xml",
    ],
)
def test_parse_html_builds_the_bs4_tree_for_corpus_posts(export: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every post's HTML as html_to_markdown gets it (after blocks, shortcodes, autop)."""
    path: Path = corpus_file(export)
    seen: list[str] = []

    def record(html: str) -> BeautifulSoup:
        seen.append(html)
        return soup.parse_html(html)

    monkeypatch.setattr(markdown, "parse_html", record)
    source = open_sources([path], lambda *_a, **_k: None)
    ctx = ConvertContext(site=source.site)
    for post in source.posts():
        if post.content_format == "html":
            convert_post(post, ctx)
    assert len(seen) > 5
    for html in seen:
        assert_same_tree(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a <!-- c --> b</p>",
        "<p>a</ x>b</p>",  # a bogus comment: no "<!" in the markup
        "<p>a</p><input disabled><!-- c --><p>b</p>",  # the copy starts, then falls back to bs4
        "<!DOCTYPE html><p>d</p><![CDATA[ x ]]>",
    ],
)
def test_pass_comments_removes_every_comment_whichever_way_the_tree_was_built(html: str) -> None:
    doc = soup.parse_html(html)
    assert any(isinstance(n, PreformattedString) for n in doc.descendants)
    soup.pass_comments(doc)
    assert not any(isinstance(n, PreformattedString) for n in doc.descendants)


def test_pass_comments_skips_the_walk_only_when_the_copy_met_no_comment() -> None:
    assert soup.parse_html("<p>a <b>b</b></p>").builder.made_comments is False
    assert soup.parse_html("<p>a <!-- c --></p>").builder.made_comments is True
    assert soup.parse_html("<p>a</p><input disabled>").builder.made_comments is True  # bs4's parse: unknown


def test_html_to_markdown_leaves_its_tree_to_reference_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """release_tree breaks the tree's cycles: with the cycle collector off, the tree is freed anyway."""
    made: list[Any] = []

    def record(html: str) -> BeautifulSoup:
        doc = soup.parse_html(html)
        made.extend(weakref.ref(n) for n in [doc, *doc.descendants] if isinstance(n, Tag))
        return doc

    monkeypatch.setattr(markdown, "parse_html", record)
    gc.disable()
    try:
        md = markdown.html_to_markdown("<div><p>one <b>two</b></p><ul><li>three</li></ul></div>")
        assert md == "one **two**\n\n- three\n"
        assert made and all(ref() is None for ref in made)
    finally:
        gc.enable()


_TAG_PIECES = [
    "<b>",
    "</b>",
    "<B class=x>",
    "<bdi>",
    "<div-x>",
    "<i/>",
    "<!-- <b> -->",
    "<script><b></script>",
    "x",
    "<a",
    ">",
]


@given(st.lists(st.sampled_from(_TAG_PIECES), max_size=40))
def test_deep_start_count_bounds_the_start_tags_flatten_counts(pieces: list[str]) -> None:
    """flatten_deep_markup skips its token loop when _DEEP_START finds at most MAX_DEPTH: a bound."""
    html = "".join(pieces)
    counted = sum(
        1 for m in soup._MARKUP_TOKEN.finditer(html) if not m.group(2) and (m.group(3) or "").lower() in soup._DEEP_TAGS
    )
    assert len(soup._DEEP_START.findall(html)) >= counted


def test_flatten_deep_markup_still_flattens_past_the_bound() -> None:
    html = "<b>" * (soup.MAX_DEPTH + 5) + "x" + "</b>" * (soup.MAX_DEPTH + 5)
    flat, deepest = soup.flatten_deep_markup(html)
    assert deepest == soup.MAX_DEPTH + 5 and flat.count("<b>") == soup.MAX_DEPTH // 3 and "x" in flat


def test_the_cycle_collector_is_back_on_after_a_conversion_even_a_failed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def fail(html: str) -> BeautifulSoup:
        seen.append(gc.isenabled())
        raise RecursionError

    assert gc.isenabled()
    assert markdown.html_to_markdown("<p>a</p>") == "a\n" and gc.isenabled()
    monkeypatch.setattr(markdown, "parse_html", fail)
    with pytest.raises(RecursionError):
        markdown.html_to_markdown("<p>a</p>")
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RecursionError):
            markdown.html_to_markdown("<p>a</p>")
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
