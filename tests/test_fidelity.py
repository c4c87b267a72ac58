"""Content fidelity (issue 3), one focused test per rule not covered in test_markdown / test_shortcodes:
prose round-trips through a CommonMark reader, kept shortcodes stay verbatim in the Markdown, code with
links stays HTML, classic quirks."""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from wpmigrate.convert import Attachment, ConvertContext
from wpmigrate.convert.markdown import html_to_markdown
from wpmigrate.convert.post import convert_post
from wpmigrate.models import Post

CM = MarkdownIt("commonmark").enable("table")


def text_of(markdown: str) -> str:
    """What a CommonMark reader shows: the rendered HTML's text, entities decoded."""
    shown = re.sub(r"<[^>]+>", "", CM.render(markdown).replace("<br />\n", "\n"))
    return htmllib.unescape(shown).strip()


def convert(content: str, ctx: ConvertContext | None = None):
    return convert_post(Post(source="t.xml", id=1, content=content), ctx or ConvertContext())


# ---------------------------------------------------------------- escaping: exactly what is needed

PROSE = st.text(alphabet="ab 1._*#>-+=[]()<>/!`\\&;~|:'\"", min_size=1, max_size=24)


@settings(max_examples=400, deadline=None)
@given(PROSE)
def test_any_prose_reads_back_as_written(text):
    """Whatever characters a paragraph holds, a CommonMark reader shows exactly them."""
    if not text.strip() or "[" in text:  # [..] may be kept as a shortcode on purpose (tested below)
        return
    markdown = html_to_markdown(f"<p>{htmllib.escape(text, quote=False)}</p>")
    assert text_of(markdown) == re.sub(r"\s+", " ", text).strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(PROSE, min_size=2, max_size=4))
def test_lines_after_breaks_read_back_as_written(lines):
    """Line-start constructs (`# `, `1. `, `> `, `---` ...) after a <br> are escaped, and only as needed."""
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in lines]
    if not all(lines) or any("[" in ln for ln in lines):
        return
    markdown = html_to_markdown("<p>" + "<br>".join(htmllib.escape(ln, quote=False) for ln in lines) + "</p>")
    assert text_of(markdown) == "\n".join(lines)


def test_prose_that_needs_no_escape_gets_none():
    assert convert("Price: 2 * 3 = 6, snake_case, #1, a < b, [sic], AT&T").markdown == (
        "Price: 2 * 3 = 6, snake_case, #1, a < b, [sic], AT&T\n"
    )


# ---------------------------------------------------------------- shortcodes in the Markdown


def test_unknown_shortcodes_become_notes_or_their_content_and_are_counted():
    out = convert('[contact-form-7 id="12" title="Contact_form *1*"]\n\nText [my_box]inside[/my_box].')
    assert out.markdown == "*(contact form: not migrated, see the original page)*\n\nText inside.\n"
    assert out.unknown_shortcodes == Counter({"contact-form-7": 1, "my_box": 1})


def test_escaped_shortcode_is_printed_literally_and_not_counted():
    out = convert("Write [[gallery]] to show a gallery, [[caption]x[/caption]] for captions.")
    assert out.markdown == "Write [gallery] to show a gallery, [caption]x[/caption] for captions.\n"
    assert out.shortcodes == Counter() and out.unknown_shortcodes == Counter()


def test_nested_shortcodes_caption_inside_unknown_wrapper():
    out = convert('[column][caption width="300"]<img src="https://ex.org/a.jpg" alt="A" /> Cap[/caption][/column]')
    assert out.markdown == "![A](https://ex.org/a.jpg)\n*Cap*\n"
    assert out.shortcodes == Counter({"column": 1, "caption": 1}) and out.unknown_shortcodes == Counter({"column": 1})


def test_gallery_resolves_through_attachments_in_the_markdown():
    ctx = ConvertContext(
        attachments={9: Attachment(9, "https://ex.org/u/p.jpg", parent=1, alt="P", caption="Pier")}, children={1: (9,)}
    )
    assert convert('[gallery link="file"]', ctx).markdown == "![P](https://ex.org/u/p.jpg)\n*Pier*\n"


def test_footnote_definition_at_line_start_is_not_escaped():
    content = (
        '<!-- wp:paragraph --><p>Claim<sup data-fn="x1" class="fn"><a href="#x1">1</a></sup>.</p>'
        "<!-- /wp:paragraph --><!-- wp:footnotes /-->"
    )
    post = Post(source="t", content=content, meta={"footnotes": '[{"id":"x1","content":"Source"}]'})
    assert convert_post(post, ConvertContext()).markdown == "Claim[^1].\n\n[^1]: Source\n"


# ---------------------------------------------------------------- code and classic quirks


def test_pre_with_a_link_stays_html_so_the_link_is_kept():
    markdown = html_to_markdown('<pre class="x" style="color:red">a &lt; b\n\n<a href="https://ex.org/">doc</a></pre>')
    assert markdown == '<pre class="x">a &lt; b\n&#10;<a href="https://ex.org/">doc</a></pre>\n'
    assert CM.render(markdown) == '<pre class="x">a &lt; b\n&#10;<a href="https://ex.org/">doc</a></pre>\n'


def test_code_shortcode_body_is_untouched_even_with_markup_and_blank_lines():
    out = convert('[php]\n<?php\n\n\techo "<b>&amp;</b>";   // *not* emphasis\n?>\n[/php]')
    assert out.markdown == '```php\n<?php\n\n\techo "<b>&</b>";   // *not* emphasis\n?>\n```\n'


def test_nested_ordered_list_not_starting_at_one_stays_a_list():
    markdown = html_to_markdown('<ul><li>Item<ol start="3"><li>three</li><li>four</li></ol></li></ul>')
    assert markdown == "- Item\n\n  3. three\n  4. four\n"
    assert CM.render(markdown).count("<li>") == 3


def test_table_block_alignment_classes_give_the_column_alignment():
    markdown = html_to_markdown(
        '<table><thead><tr><th>a</th><th class="has-text-align-center">b</th></tr></thead>'
        '<tbody><tr><td>1</td><td class="has-text-align-center" data-align="center">2</td></tr>'
        "</tbody></table>"
    )
    assert markdown == "| a | b |\n| --- | :---: |\n| 1 | 2 |\n"


def test_table_with_a_list_in_a_cell_stays_html():
    markdown = html_to_markdown("<table><tr><td><ul><li>x</li><li>y</li></ul></td><td>z</td></tr></table>")
    assert markdown.startswith("<table>") and CM.render(markdown).count("<li>") == 2


def test_classic_br_lines_and_whitespace_only_tags():
    assert convert("one\ntwo<strong> </strong>words<em>\u00a0</em>apart").markdown == "one\\\ntwo words\u00a0apart\n"


def test_more_tag_with_custom_text_is_the_configured_separator():
    out = convert("Teaser.<!--more Read on-->Rest.", ConvertContext(excerpt_separator="<!-- excerpt -->"))
    assert out.markdown == "Teaser.\n\n<!-- excerpt -->\n\nRest.\n"


def test_caption_ending_in_a_break_has_no_stray_backslash():
    content = (
        '<!-- wp:core-embed/youtube {"url":"https://youtu.be/ex8fMxXJDJw"} --><figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">https://youtu.be/ex8fMxXJDJw</div><figcaption>YouTube<br></figcaption>'
        "</figure><!-- /wp:core-embed/youtube -->"
    )
    assert convert(content).markdown == (
        "[YouTube video: https://youtu.be/ex8fMxXJDJw](https://youtu.be/ex8fMxXJDJw)\n\n*YouTube*\n"
    )
