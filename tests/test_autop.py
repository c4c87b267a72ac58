"""wpautop rules, one behaviour per test (expected strings follow WordPress's documented output)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.convert import autop as autop_module
from wpmigrate.convert.autop import autop


def test_empty_and_blank_input_give_nothing():
    assert autop("") == ""
    assert autop(" \n\t\n") == ""


def test_blank_line_separates_paragraphs():
    assert autop("one\n\ntwo") == "<p>one</p>\n<p>two</p>\n"


def test_many_blank_lines_are_one_paragraph_break():
    assert autop("one\n\n\n\n  \ntwo") == "<p>one</p>\n<p>two</p>\n"


def test_single_newline_is_a_line_break():
    assert autop("line 1\nline 2") == "<p>line 1<br />\nline 2</p>\n"


def test_no_line_breaks_when_br_is_false():
    assert autop("line 1\nline 2", br=False) == "<p>line 1\nline 2</p>\n"


def test_existing_br_is_normalised_and_not_doubled():
    assert autop("line 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5") == (
        "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>\n"
    )


def test_two_brs_make_a_paragraph_break():
    assert autop("line 1<br>\n<br/>\nline 2<br/>\n<br />\n") == "<p>line 1</p>\n<p>line 2</p>\n"


def test_windows_and_mac_line_endings():
    assert autop("one\r\n\r\ntwo\rthree") == "<p>one</p>\n<p>two<br />\nthree</p>\n"


def test_block_tags_are_not_wrapped():
    assert autop("<div>foo</div>") == "<div>foo</div>\n"
    assert autop("<h2>Title</h2>\nText") == "<h2>Title</h2>\n<p>Text</p>\n"
    assert autop("<ul>\n<li>a</li>\n<li>b</li>\n</ul>") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"


def test_every_block_tag_stands_alone():
    blocks = [
        "table",
        "div",
        "dl",
        "ul",
        "ol",
        "form",
        "address",
        "p",
        "h1",
        "h6",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "figure",
        "details",
        "menu",
        "summary",
    ]
    content = [f"<{b}>foo</{b}>" for b in blocks]
    assert autop("".join(content)).strip() == "\n".join(content)
    assert autop("\n\n".join(content)).strip() == "\n".join(content)


def test_inline_tags_are_wrapped():
    for tag in ("a", "em", "strong", "span", "code", "select", "noscript"):
        assert autop(f"<{tag}>foo</{tag}>") == f"<p><{tag}>foo</{tag}></p>\n"


def test_text_before_a_block_is_its_own_paragraph():
    assert autop("a<div>b</div>") == "<p>a</p>\n<div>b</div>\n"


def test_hr_is_not_wrapped():
    assert autop("paragraph1<hr>paragraph2") == "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>\n"


def test_blockquote_contents_get_paragraphs():
    assert autop("<blockquote>foo</blockquote>") == "<blockquote><p>foo</p></blockquote>\n"
    assert autop("<blockquote>a\n\nb</blockquote>") == "<blockquote><p>a</p>\n<p>b</p></blockquote>\n"


def test_pre_contents_are_untouched():
    code = "if (a &lt; b) {\n\n    x();\n}\n"
    assert autop(f"<pre>{code}</pre>") == f"<pre>{code}</pre>\n"
    assert autop(f'Look\n\n<pre class="brush: js">{code}</pre>\n\nCool') == (
        f'<p>Look</p>\n<pre class="brush: js">{code}</pre>\n<p>Cool</p>\n'
    )


def test_pre_keeps_manual_brs():
    src = "<pre>Line1<br />Line2<br>Line3\nLine 4</pre>"
    assert autop(src) == src + "\n"


def test_script_and_style_keep_their_newlines():
    assert autop('<script type="text/javascript">\nvar a = 1;\nvar b = 2;\n</script>') == (
        '<p><script type="text/javascript">\nvar a = 1;\nvar b = 2;\n</script></p>\n'
    )
    assert autop("<style>\na { b: c }\n</style>") == "<style>\na { b: c }\n</style>\n"


def test_newlines_inside_a_tag_are_not_breaks():
    assert autop("Hello <a\nhref='world'>x</a>") == "<p>Hello <a\nhref='world'>x</a></p>\n"


def test_more_comment_is_kept_in_its_own_paragraph():
    assert autop("Intro\n<!--more-->\nRest") == "<p>Intro<br />\n<!--more--><br />\nRest</p>\n"
    assert autop("Intro\n\n<!--more-->\n\nRest") == "<p>Intro</p>\n<p><!--more--></p>\n<p>Rest</p>\n"


def test_comment_spanning_lines_is_untouched():
    assert autop("Hello <!-- a\nb -->") == "<p>Hello <!-- a\nb --></p>\n"


def test_select_and_option_get_no_breaks():
    src = 'Country: <select name="c">\n<option value="1">A</option>\n<option value="2">B</option>\n</select>'
    assert autop(src) == (
        '<p>Country: <select name="c"><option value="1">A</option><option value="2">B</option></select></p>\n'
    )


def test_object_param_embed_get_no_breaks():
    src = 'Intro\n\n<object data="x.swf">\n\t<param name="a" value="b" />\n\t<embed src="x.swf" />\n</object>\n\nEnd'
    assert autop(src) == (
        '<p>Intro</p>\n<p><object data="x.swf"><param name="a" value="b" />'
        '<embed src="x.swf" /></object></p>\n<p>End</p>\n'
    )


def test_video_sources_get_no_breaks():
    src = '<video controls>\n\n<source src="a.mp4" />\n<track src="a.vtt" />\n</video>'
    assert autop(src) == '<p><video controls><source src="a.mp4" /><track src="a.vtt" /></video></p>\n'


def test_figcaption_is_attached_to_its_image():
    src = '<figure>\n<img src="example.jpg" />\n<figcaption>Caption</figcaption>\n</figure>'
    assert autop(src) == '<figure>\n<img src="example.jpg" /><figcaption>Caption</figcaption></figure>\n'


def test_nbsp_is_not_whitespace_to_autop():
    assert autop("a\u00a0\n\n\u00a0") == "<p>a\u00a0</p>\n<p>\u00a0</p>\n"


def test_less_than_sign_in_text_does_not_swallow_paragraphs():
    assert autop("a < b\n\nc > d") == "<p>a < b</p>\n<p>c > d</p>\n"


def test_list_items_are_not_wrapped_in_paragraphs():
    assert autop("<li>one</li>\n<li>two</li>") == "<li>one</li>\n<li>two</li>\n"


# --- property: autop adds markup, never loses or invents text ------------------------------------

_WORD = st.text(alphabet="abcdefghij XYZ.,;:!?'\"()-éü’«»😀\u00a0", min_size=1, max_size=12)
_TAGS = st.sampled_from(
    [
        "",
        "<em>x</em>",
        "<strong>y</strong>",
        "<div>d</div>",
        "<br />",
        "<!--more-->",
        "<p>p</p>",
        "<blockquote>q</blockquote>",
        "<pre>a\n\nb</pre>",
        "<ul><li>l</li></ul>",
    ]
)
_SEP = st.sampled_from([" ", "\n", "\n\n", "\n\n\n", "\r\n", "\t"])


def _visible(html: str) -> str:
    text = re.sub(r"<!--.*?-->|<[^>]+>", "", html)
    return re.sub(r"[ \t\r\n]+", "", text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORD, _TAGS, _SEP), max_size=12))
def test_autop_keeps_all_visible_text(parts):
    src = "".join(w + t + s for w, t, s in parts)
    assert _visible(autop(src)) == _visible(src)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_WORD, _SEP), max_size=12))
def test_autop_output_is_balanced_paragraphs(parts):
    out = autop("".join(w + s for w, s in parts))
    assert out.count("<p>") == out.count("</p>")


@given(
    st.lists(st.sampled_from(["<br />", "<br", "br />", " ", "\t", "\n", "\x0b", "\x0c", "\r", "\u00a0", "a", "<p>"]))
)
def test_add_line_breaks_is_the_regex_it_replaces(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert autop_module.add_line_breaks(text) == autop_module._NEWLINE.sub("<br />\n", text)
