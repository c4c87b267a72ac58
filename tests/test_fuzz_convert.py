"""Issue 12.10: the converter on random WordPress-ish HTML (nesting, broken tags, shortcodes, block
comments) never raises (but for a recorded ConvertError), stays roughly linear, and keeps every word
a reader would see. Visible words are found independently of the converter, with lxml.html."""

from __future__ import annotations

import re
import time

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpmigrate.convert import ConvertContext
from wpmigrate.convert.post import convert_post
from wpmigrate.errors import ConvertError
from wpmigrate.models import Post

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=8)
# Containers a post may nest (each wraps a list of children).
WRAPPERS = [
    ("<div>", "</div>"),
    ('<div class="entry">', "</div>"),
    ("<p>", "</p>"),
    ("<span>", "</span>"),
    ("<b>", "</b>"),
    ("<em>", "</em>"),
    ("<strong>", "</strong>"),
    ('<a href="https://example.com/x">', "</a>"),
    ("<blockquote>", "</blockquote>"),
    ("<ul><li>", "</li></ul>"),
    ("<ol><li>", "</li></ol>"),
    ("<h2>", "</h2>"),
    ("<pre>", "</pre>"),
    ("<code>", "</code>"),
    ("<table><tr><td>", "</td></tr></table>"),
    ("<section>", "</section>"),
    ("[caption]", "[/caption]"),
    ('[note type="x"]', "[/note]"),
    ("<!-- wp:paragraph -->\n<p>", "</p>\n<!-- /wp:paragraph -->"),
    ('<!-- wp:group {"layout":{"type":"constrained"}} -->\n<div class="wp-block-group">', "</div>\n<!-- /wp:group -->"),
    ("<div>", ""),  # never closed
    ("<b>", ""),
    ("", "</div>"),  # a stray end tag
    ("", "</p></span>"),
]
LEAVES = st.sampled_from(["<br>", "<br/>", "<hr>", "\n\n", "\n", '<img src="https://example.com/a.jpg" alt="">', "[x]"])


def _text(words: list[str]) -> str:
    return " " + " ".join(words) + " "  # spaces around: words never glue to markup


HTML = st.recursive(
    st.one_of(st.lists(WORD, min_size=1, max_size=4).map(_text), LEAVES),
    lambda children: st.tuples(st.sampled_from(WRAPPERS), st.lists(children, min_size=1, max_size=4)).map(
        lambda t: t[0][0] + "".join(t[1]) + t[0][1]
    ),
    max_leaves=40,
)


def visible_words(html: str) -> set[str]:
    """Words a reader of the HTML sees: text outside comments, without the [caption] shortcode's own
    tags (WordPress renders it; unknown shortcodes stay as text)."""
    doc = lxml.html.fromstring(f"<div>{html}</div>")
    return set(re.findall(r"[a-z]{5,}", re.sub(r"\[/?caption\]", " ", doc.text_content())))


def convert(html: str):
    return convert_post(Post(source="fuzz.xml", id=1, content=html), ConvertContext())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HTML, min_size=1, max_size=5).map("".join))
def test_random_wordpress_html_converts_keeping_every_visible_word(html: str) -> None:
    start = time.perf_counter()
    try:
        out = convert(html)
    except ConvertError:
        return  # recorded as a failed post by the pipeline, with its reason
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0 + len(html) / 1000, (elapsed, len(html))  # generous: ms for these sizes
    missing = sorted(w for w in visible_words(html) if not re.search(rf"(?<![a-z]){w}(?![a-z])", out.markdown))
    assert missing == [], (html, out.markdown)


def _seconds(html: str) -> float:
    start = time.perf_counter()
    convert(html)
    return time.perf_counter() - start


def test_time_grows_linearly_with_size_on_hostile_shapes() -> None:
    # 8 times the input may take at most 8 times as long, times a generous factor for noise; a
    # quadratic converter takes 64 times as long. Each shape was quadratic before issue 12.2.
    shapes = {
        "deep": lambda n: "<div>" * n + " words here " + "</div>" * n,
        "wide": lambda n: "<p>" + "<span></span> \n" * n + " words</p>",
        "lists": lambda n: "<ul><li>item</li></ul>\n" * n,
        "ordered": lambda n: "<ol>" + "<li>item</li>" * n + "</ol>",
        "mixed": lambda n: "<blockquote><em><span><div>" * (n // 4) + "text",
    }
    for name, make in shapes.items():
        small, big = _seconds(make(1000)), _seconds(make(8000))
        assert big < 30 * small + 0.5, (name, small, big)
