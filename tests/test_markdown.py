"""html_to_markdown, one rule per test, in the style `assert md(html) == expected`."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from wpmigrate.convert import ConvertContext
from wpmigrate.convert.markdown import classify_media, escape_inline, html_to_markdown
from wpmigrate.models import AssetRef

CM = MarkdownIt("commonmark").enable("table")


def md(html: str, **ctx) -> str:
    return html_to_markdown(html, ConvertContext(**ctx))


def render(markdown: str) -> str:
    return CM.render(markdown).strip()


# --- paragraphs, breaks, whitespace -------------------------------------------------------------


def test_empty_input():
    assert md("") == ""
    assert md("   \n") == ""
    assert md("<p> </p><p>&nbsp;</p><div><br></div><h2> </h2>") == ""


def test_paragraphs_are_separated_by_one_blank_line_and_end_with_one_newline():
    assert md("<p>One</p>\n\n\n<p>Two</p>") == "One\n\nTwo\n"


def test_br_is_a_backslash_hard_break():
    assert md("<p>a<br>b<br/>c</p>") == "a\\\nb\\\nc\n"
    assert render(md("<p>a<br>b</p>")) == "<p>a<br />\nb</p>"


def test_br_at_the_edges_of_a_block_is_dropped():
    assert md("<p><br>a<br></p><p>b<br><br></p>") == "a\n\nb\n"


def test_whitespace_only_inline_tags_do_not_glue_words():
    assert md("<p>a<strong> </strong>b<em>\n</em>c<span> </span>d</p>") == "a b c d\n"


def test_no_trailing_spaces_anywhere():
    out = md("<p>a   <br>  b  </p>\n<ul><li> x  </li></ul>")
    assert out == "a\\\nb\n\n- x\n"


# --- entities and unicode -------------------------------------------------------------------------


def test_entities_become_characters():
    assert md("<p>It&rsquo;s &#8220;quoted&#8221; &amp; &eacute;t&eacute; &hellip;</p>") == "It’s “quoted” & été …\n"


def test_nbsp_is_kept_as_the_character():
    assert md("<p>Le «&nbsp;leadership&nbsp;» est là</p>") == "Le «\u00a0leadership\u00a0» est là\n"


def test_nbsp_at_the_edge_of_emphasis_moves_outside_the_markers():
    assert md("<p><strong>Note:&nbsp;</strong>text</p>") == "**Note:**\u00a0text\n"


def test_curly_quotes_guillemets_and_emoji_are_kept():
    assert md("<p>‘single’ “double” « French » 🎉👍🏽</p>") == "‘single’ “double” « French » 🎉👍🏽\n"


# --- headings -------------------------------------------------------------------------------------


def test_atx_headings():
    assert md("<h1>One</h1><h3>Three <em>em</em></h3><h6>Six</h6>") == "# One\n\n### Three *em*\n\n###### Six\n"


def test_heading_text_is_one_line():
    assert md("<h2>Two\nlines<br>here</h2>") == "## Two lines here\n"


def test_heading_ending_with_hash_keeps_it():
    assert md("<h2>Rank #</h2><h2>C#</h2>") == "## Rank \\#\n\n## C#\n"
    assert render(md("<h2>Rank #</h2>")) == "<h2>Rank #</h2>"


# --- lists ----------------------------------------------------------------------------------------


def test_nested_unordered_list():
    assert md("<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>") == ("- a\n  - b\n    - c\n- d\n")


def test_nested_ordered_list_is_indented_by_marker_width():
    assert md("<ol start='9'><li>nine<ol><li>inner</li></ol></li><li>ten<ul><li>x</li></ul></li></ol>") == (
        "9. nine\n   1. inner\n10. ten\n    - x\n"
    )
    html = render(md("<ol start='9'><li>nine<ol><li>inner</li></ol></li><li>ten<ul><li>x</li></ul></li></ol>"))
    assert html.count("<ol") == 2 and html.count("<ul>") == 1


def test_list_item_with_paragraphs_and_code():
    assert md("<ol><li><p>One</p><p>Two</p></li><li>Next<pre>code</pre></li></ol>") == (
        "1. One\n\n   Two\n2. Next\n\n   ```\n   code\n   ```\n"
    )


def test_adjacent_lists_stay_separate():
    out = md("<ul><li>a</li><li>a2</li></ul><ul><li>b</li></ul><ol><li>c</li></ol><ol><li>d</li></ol>")
    assert out == "- a\n- a2\n\n* b\n\n1. c\n\n1) d\n"
    assert render(out).count("<ul>") == 2 and render(out).count("<ol>") == 2


def test_adjacent_one_item_lists_are_one_list():
    # typed one item at a time (issue 13.7): one column of bullets, as WordPress showed it
    out = md('<ul class="wp-block-list"><li>a</li></ul>\n<ul class="wp-block-list"><li>b</li></ul><ul><li>c</li></ul>')
    assert out == "- a\n- b\n\n* c\n"
    assert render(out).count("<ul>") == 2 and render(out).count("<li>") == 3


def test_paragraph_after_list():
    assert md("<ul><li>a</li></ul>After") == "- a\n\nAfter\n"


# --- emphasis, inline ---------------------------------------------------------------------------


def test_emphasis_and_strong():
    assert md("<p><em>em</em> <i>i</i> <strong>strong</strong> <b>b</b></p>") == "*em* *i* **strong** **b**\n"


def test_nested_same_emphasis_is_not_doubled():
    assert md("<p><strong><strong>x</strong></strong> <em>a <em>b</em></em></p>") == "**x** *a b*\n"


def test_strong_inside_em():
    assert md("<p><em><strong>both</strong></em></p>") == "***both***\n"


def test_inline_html_kept_where_markdown_has_none():
    assert md("<p>x<sup>2</sup> H<sub>2</sub>O <del>a</del> <s>b</s> <u>c</u></p>") == (
        "x<sup>2</sup> H<sub>2</sub>O <del>a</del> <s>b</s> <u>c</u>\n"
    )


def test_inline_code_with_backticks():
    assert md("<p><code>a `b` c</code> and <code>x</code></p>") == "`` a `b` c `` and `x`\n"


def test_inline_code_is_not_escaped():
    assert md("<p><code>*a* &lt;b&gt; __c__</code></p>") == "`*a* <b> __c__`\n"


# --- links and images -----------------------------------------------------------------------------


def test_link_with_title():
    assert md('<p><a href="/x" title="A title">x</a></p>') == '[x](/x "A title")\n'


def test_link_title_with_quotes_round_trips():
    out = md('<p><a href="/x" title=\'say "hi"\'>x</a></p>')
    assert out == '[x](/x "say \\"hi\\"")\n'
    assert render(out) == '<p><a href="/x" title="say &quot;hi&quot;">x</a></p>'


def test_bare_url_link_becomes_autolink():
    assert md('<p><a href="http://e.com/a_b">http://e.com/a_b</a></p>') == "<http://e.com/a_b>\n"


def test_link_destination_with_space_or_unbalanced_paren():
    assert md('<p><a href="/a b">x</a> <a href="/c(d">y</a> <a href="/w_(e)">z</a></p>') == (
        "[x](</a b>) [y](</c(d>) [z](/w_(e))\n"
    )


def test_empty_link_vanishes_but_anchor_target_is_kept():
    assert md('<p><a id="top"></a>Text <a href="/x"></a>end</p>') == '<a id="top"></a>Text end\n'


def test_links_go_through_rewrite_link_and_media_through_rewrite_asset():
    out = md(
        '<p><a href="https://old.blog/2010/01/post/">post</a> <a href="https://old.blog/wp-content/uploads/a.JPG">'
        '<img src="https://old.blog/wp-content/uploads/a-300x200.jpg" alt="A"></a></p>',
        rewrite_link=lambda u: "/new" + u[len("https://old.blog") :],
        rewrite_asset=lambda u: "/assets/" + u.rsplit("/", 1)[-1],
    )
    assert out == "[post](/new/2010/01/post/) [![A](/assets/a-300x200.jpg)](/assets/a.JPG)\n"


def test_image_with_alt_and_title():
    assert md('<p><img src="a.png" alt="An [odd] alt" title="T"></p>') == '![An \\[odd\\] alt](a.png "T")\n'


def test_lazy_loaded_image_uses_the_real_source():
    assert md('<p><img src="data:image/gif;base64,R0l" data-lazy-src="real.jpg" alt="x"></p>') == "![x](real.jpg)\n"


def test_assets_are_collected_as_found_before_rewriting():
    found: list[AssetRef] = []
    html_to_markdown(
        '<p><img src="a.jpg?w=300&amp;h=200"><a href="b.pdf">b</a><a href="/page">p</a></p>'
        '<video src="v.mp4" poster="p.png"></video><audio><source src="s.mp3"></audio>'
        '<img src="a.jpg?w=300&amp;h=200">',
        ConvertContext(rewrite_asset=lambda u: "X"),
        assets=found,
    )
    assert found == [
        AssetRef("a.jpg?w=300&h=200", "image"),
        AssetRef("b.pdf", "file"),
        AssetRef("p.png", "image"),
        AssetRef("v.mp4", "video"),
        AssetRef("s.mp3", "audio"),
    ]


def test_classify_media():
    assert classify_media("https://x/wp-content/uploads/2020/01/a.JPEG?x=1") == "image"
    assert classify_media("/a/b.mp3") == "audio"
    assert classify_media("/a/b.webm#t=1") == "video"
    assert classify_media("/a/b.pdf") == "file"
    assert classify_media("https://x/2020/01/post/") is None
    assert classify_media("https://x/wp-content/uploads/2020/01/data.bin") == "file"


# --- blockquote, hr, figures ----------------------------------------------------------------------


def test_blockquote_with_paragraphs_and_nesting():
    assert md("<blockquote><p>q1</p><p>q2</p><blockquote>inner</blockquote></blockquote>") == (
        "> q1\n>\n> q2\n>\n> > inner\n"
    )


def test_hr_is_three_dashes_after_a_blank_line():
    assert md("<p>Title-ish</p><hr><p>after</p>") == "Title-ish\n\n---\n\nafter\n"
    assert "<h2>" not in render(md("<p>Title-ish</p><hr>"))


def test_figure_caption_is_the_next_line_in_emphasis():
    out = md('<figure><img src="a.jpg" alt="A"><figcaption>A <a href="/l">caption</a></figcaption></figure>')
    assert out == "![A](a.jpg)\n*A [caption](/l)*\n"
    assert render(out) == '<p><img src="a.jpg" alt="A" />\n<em>A <a href="/l">caption</a></em></p>'


def test_figure_linked_image_caption():
    assert md('<figure><a href="big.jpg"><img src="s.jpg" alt=""></a><figcaption>Cap</figcaption></figure>') == (
        "[![](s.jpg)](big.jpg)\n*Cap*\n"
    )


def test_caption_that_is_already_emphasised_uses_underscores():
    assert md('<figure><img src="a.jpg"><figcaption><em>All</em> of it <em>em</em></figcaption></figure>') == (
        "![](a.jpg)\n_*All* of it *em*_\n"
    )


def test_figure_around_a_table_puts_the_caption_after_a_blank_line():
    assert md("<figure><table><tr><td>a</td></tr></table><figcaption>Cap</figcaption></figure>") == (
        "| a |\n| --- |\n\n*Cap*\n"
    )


# --- code -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, lang",
    [
        ('<pre><code class="language-python">x</code></pre>', "python"),
        ('<pre class="lang-js">x</pre>', "js"),
        ('<pre class="brush: php; gutter: false">x</pre>', "php"),
        ('<pre data-lang="Ruby">x</pre>', "ruby"),
        ('<pre><code data-language="go">x</code></pre>', "go"),
        ('<pre lang="bash">x</pre>', "bash"),
        ('<pre lang="en">x</pre>', ""),
        ("<pre>x</pre>", ""),
    ],
)
def test_code_fence_language(html, lang):
    assert md(html) == f"```{lang}\nx\n```\n"


def test_pre_without_code_keeps_indentation_and_characters():
    assert md("<pre>\n  if (a &lt; b &amp;&amp; c) {\n\n\n      *x* = _y_;\n  }\n</pre>") == (
        "```\n  if (a < b && c) {\n\n\n      *x* = _y_;\n  }\n```\n"
    )


def test_fence_is_longer_than_backticks_inside():
    assert md("<pre>echo ```` done</pre>") == "`````\necho ```` done\n`````\n"


def test_br_inside_pre_is_a_newline():
    assert md("<pre>a<br>b<br />c</pre>") == "```\na\nb\nc\n```\n"


def test_multiline_inline_code_becomes_a_code_block():
    assert md("<p>See:<br />\n<code>a {<br />\n  b;<br />\n}</code><br />\nDone</p>") == (
        "See:\n\n```\na {\n  b;\n}\n```\n\nDone\n"
    )


def test_highlighted_spans_inside_pre_are_flattened():
    assert md('<pre class="language-php"><span class="k">echo</span> <span>"x"</span>;</pre>') == (
        '```php\necho "x";\n```\n'
    )


# --- tables ---------------------------------------------------------------------------------------


def test_simple_table_with_header_and_alignment():
    assert md(
        '<table><thead><tr><th align="right">R</th><th style="text-align: center">C</th></tr></thead>'
        "<tbody><tr><td>1</td><td>a|b</td></tr></tbody><tfoot><tr><td>f</td><td>g</td></tr></tfoot></table>"
    ) == ("| R | C |\n| ---: | :---: |\n| 1 | a\\|b |\n| f | g |\n")


def test_table_without_th_uses_the_first_row_as_header():
    assert md("<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td></td></tr></table>") == (
        "| a | b |\n| --- | --- |\n| 1 | |\n"
    )


def test_images_and_links_in_cells_are_kept():
    assert md('<table><tr><th>i</th></tr><tr><td><a href="/x"><img src="i.png" alt="I"></a></td></tr></table>') == (
        "| i |\n| --- |\n| [![I](i.png)](/x) |\n"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td colspan='2'>a</td></tr><tr><td>b</td><td>c</td></tr></table>",
        "<table><tr><td rowspan='2'>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
        "<table><tr><td>a<br>b</td></tr></table>",
        "<table><tr><td><ul><li>a</li></ul></td></tr></table>",
        "<table><tr><td><p>a</p><p>b</p></td></tr></table>",
        "<table><tr><td>a</td></tr><tr><td>b</td><td>c</td></tr></table>",
    ],
)
def test_complex_tables_stay_html(html):
    out = md(html)
    assert out.startswith("<table>") and out.endswith("</table>\n")
    assert "\n\n" not in out


# --- raw HTML where Markdown has no equivalent ----------------------------------------------------


def test_iframe_is_an_html_block_between_blank_lines():
    assert md('<p>Intro</p><p><iframe src="https://www.youtube.com/embed/x" width="560"></iframe></p><p>After</p>') == (
        'Intro\n\n<iframe src="https://www.youtube.com/embed/x" width="560"></iframe>\n\nAfter\n'
    )


def test_video_keeps_its_sources_and_opens_on_its_own_line():
    out = md(
        '<video controls width="640"><source src="a.mp4" type="video/mp4">Fallback <a href="a.mp4">link</a></video>'
    )
    assert out == (
        '<video controls="" width="640">\n<source src="a.mp4" type="video/mp4"/>Fallback '
        '<a href="a.mp4">link</a>\n</video>\n'
    )
    assert render(out).startswith("<video")


def test_raw_html_drops_presentation_attributes_and_blank_lines():
    out = md('<form class="wp-form" data-x="1" action="/s">\n\n<input name="q">\n\n<button>Go</button></form>')
    assert out == '<form action="/s">\n<input name="q"/>\n<button>Go</button></form>\n'


def test_audio_object_details_and_dl_are_kept():
    assert md('<audio controls src="a.mp3"></audio>') == '<audio controls="" src="a.mp3">\n</audio>\n'
    assert md("<details><summary>More</summary><p>Hidden</p></details>") == (
        "<details><summary>More</summary><p>Hidden</p></details>\n"
    )
    assert md("<dl><dt>T</dt><dd>D</dd></dl>") == "<dl><dt>T</dt><dd>D</dd></dl>\n"


def test_script_with_src_is_kept_inline_scripts_and_styles_are_not():
    assert (
        md(
            '<p>a</p><script src="https://gist.github.com/x.js"></script><script>track()</script>'
            "<style>p{}</style><p>b</p>"
        )
        == 'a\n\n<script src="https://gist.github.com/x.js">\n</script>\n\nb\n'
    )


# --- comments -------------------------------------------------------------------------------------


def test_more_becomes_the_excerpt_separator_on_its_own_line():
    assert md("<p>Intro<!--more-->Rest</p>") == "Intro\n\n<!--more-->\n\nRest\n"
    assert md("<p>Intro</p><p><!--more Read on--></p><p>Rest</p>") == "Intro\n\n<!--more-->\n\nRest\n"


def test_excerpt_separator_is_configurable():
    assert md("<p>a</p><!--more--><p>b</p>", excerpt_separator="<!-- excerpt -->") == "a\n\n<!-- excerpt -->\n\nb\n"


def test_block_comments_and_other_comments_never_leak():
    out = md(
        '<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph --><!-- wp:video {"id":1} -->'
        "<video src='v.mp4'><!-- x --></video><!-- /wp:video --><p>b<!--nextpage-->c</p>"
    )
    assert "<!--" not in out
    assert out == 'a\n\n<video src="v.mp4">\n</video>\n\nb c\n'


# --- escaping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2 * 3 = 6", "2 * 3 = 6"),
        ("snake_case_name and __init__", "snake_case_name and \\_\\_init\\_\\_"),
        ("*not emphasis*", "\\*not emphasis\\*"),
        ("_not emphasis_", "\\_not emphasis\\_"),
        ("a*b*c", "a\\*b\\*c"),
        ("it's a [note] or [x]", "it's a [note] or [x]"),
        ("see [a](b) here", "see [a\\](b) here"),
        ("a <b> tag and a < b", "a \\<b> tag and a < b"),
        ("tick `code` tick", "tick \\`code\\` tick"),
        ("AT&T & &copy; &#42;", "AT&T & \\&copy; \\&#42;"),
        ("path C:\\Users\\me and \\*", "path C:\\Users\\me and \\\\\\*"),
        ("~~struck~~ ~5 min", "\\~\\~struck\\~\\~ ~5 min"),
        ("in the 1. middle # of > text - ok + fine", "in the 1. middle # of > text - ok + fine"),
        (
            '[gallery ids="1,2" link_to="file"] and [my_code]x*y[/my_code]',
            '[gallery ids="1,2" link_to="file"] and [my_code]x\\*y[/my_code]',
        ),
        ("http://example.com/some_path_here", "http://example.com/some_path_here"),
    ],
)
def test_escaping_in_prose(text, expected):
    from html import escape

    assert md(f"<p>{escape(text, quote=False)}</p>") == expected + "\n"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("# not a heading", "\\# not a heading"),
        ("#hashtag", "#hashtag"),
        ("> not a quote", "\\> not a quote"),
        ("- not a bullet", "\\- not a bullet"),
        ("+ not a bullet", "\\+ not a bullet"),
        ("* not a bullet", "\\* not a bullet"),
        ("1. not a list", "1\\. not a list"),
        ("2016) a year", "2016\\) a year"),
        ("1.5 is a number", "1.5 is a number"),
        ("===", "\\==="),
        ("---", "\\---"),
        ("* * *", "\\* * *"),
        ("~~~", "\\~~~"),
        ("[a]: http://x", "\\[a]: http://x"),
        ("-|-", "\\-|-"),  # a GFM table delimiter row: the line above would become a table header
        ("|:--|--:|", "|:\\--|--:|"),
        ("a|-", "a|-"),
    ],
)
def test_escaping_at_line_start(line, expected):
    from html import escape

    out = md(f"<p>first<br>{escape(line, quote=False)}</p><ul><li>{escape(line, quote=False)}</li></ul>")
    assert out == f"first\\\n{expected}\n\n- {expected}\n"
    assert line in re.sub(r"<[^>]+>", "", render(out)).replace("&gt;", ">")


def test_line_start_escape_reaches_through_plain_inline_tags():
    assert md("<p><span># not heading</span></p>") == "\\# not heading\n"
    assert md("<p><strong># bold</strong></p>") == "**# bold**\n"


def test_shortcodes_are_never_escaped():
    assert md('<p>[unknown_code attr="a_b*c"]</p>') == '[unknown_code attr="a_b*c"]\n'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a <", "a \\<"),  # a text run may end where a tag's Markdown begins
        ("ends with \\", "ends with \\\\"),
        # Around a kept shortcode: each run is judged by the characters really next to it.
        ("x__[gallery]__y", "x\\_\\_[gallery]\\_\\_y"),
        ("[gallery]_x_[/gallery]", "[gallery]\\_x\\_[/gallery]"),
        ("~~[audio]~~", "\\~\\~[audio]\\~\\~"),
        ("a]([b]", "a\\]([b]"),
    ],
)
def test_escape_inline_at_the_edges_of_runs_and_shortcodes(text, expected):
    assert escape_inline(text) == expected


def test_escape_inline_leaves_plain_prose_alone():
    prose = "L’été, à 3 h — c’est « parfait » : 100 % d’accord ; n’est-ce pas ? (oui) 1/2 #1"
    assert escape_inline(prose) == prose


# --- robustness -----------------------------------------------------------------------------------


def test_deeply_nested_divs_do_not_crash():
    assert md("<div>" * 1000 + "deep" + "</div>" * 1000) == "deep\n"


def test_deeply_nested_mixed_markup_does_not_crash():
    html = "".join(f"<{t}>" for t in ["blockquote", "em", "span", "div"] * 300) + "text"
    out = md(html)
    assert "text" in out


def test_broken_html_does_not_raise():
    for html in [
        "<p>unclosed <b>bold <i>both",
        "</div></p>text<td>cell",
        "<table><tr><td>x",
        "<<>>",
        "<a href>x</a>",
        "<img>",
        "<pre></pre>",
        "<ul><li></li></ul>",
        "<figure></figure>",
        "<table></table>",
    ]:
        md(html)


def test_html_void_elements_do_not_swallow_text():
    assert md('<p>a<wbr>b</p><video><source src="v.mp4">after</video>').startswith("ab\n")
