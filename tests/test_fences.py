"""The one fenced-code reader (wpmigrate/convert/fences.py) and the passes that skip code with it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from wpmigrate.convert import ConvertContext
from wpmigrate.convert.fences import closes_fence, iter_lines, iter_segments, opening_fence
from wpmigrate.convert.mdtext import tidy_markdown
from wpmigrate.convert.mdurls import rewrite_markdown_urls
from wpmigrate.convert.post import convert_post
from wpmigrate.emit.jekyll import protect_liquid
from wpmigrate.models import AssetRef, Post


def code_lines(markdown: str) -> list[str]:
    return [line for in_code, line in iter_lines(markdown) if in_code]


def test_opening_and_closing_fences() -> None:
    assert opening_fence("```") == "```"
    assert opening_fence("````python {.x}\n") == "````"
    assert opening_fence("  ~~~ ruby") == "~~~"
    assert opening_fence("``") == ""
    assert opening_fence("```a```") == ""  # a backtick fence's info string holds no backtick: inline code
    assert opening_fence("~~~ a`b") == "~~~"  # a tilde fence's may
    assert opening_fence("text ```") == ""
    assert closes_fence("```", "```") and closes_fence("`````  \t\n", "```") and closes_fence("   ```", "```")
    assert not closes_fence("``", "```")
    assert not closes_fence("~~~", "```")
    assert not closes_fence("```", "````")  # shorter than the opening
    assert not closes_fence("``` x", "```")  # a closing fence has no info string


def test_longer_fence_holds_shorter_ones() -> None:
    md = "a\n````\n```\nnot closed by this\n```\n````\nb"
    assert code_lines(md) == ["````", "```", "not closed by this", "```", "````"]


def test_tilde_fence_holding_backticks() -> None:
    md = "~~~\n```js\nx\n```\n~~~\nafter"
    assert code_lines(md) == ["~~~", "```js", "x", "```", "~~~"]
    assert list(iter_segments(md)) == [(True, "~~~\n```js\nx\n```\n~~~\n"), (False, "after")]


def test_unclosed_fence_runs_to_the_end() -> None:
    md = "a\n```\ncode\n\nmore"
    assert list(iter_segments(md)) == [(False, "a\n"), (True, "```\ncode\n\nmore")]
    assert code_lines(md) == ["```", "code", "", "more"]


def test_nested_list_fence_is_a_fence() -> None:
    # markdown.py writes a code block in a second-level list item at four spaces.
    md = "- a\n  - b\n\n    ```\n    x\n    ```\n"
    assert code_lines(md) == ["    ```", "    x", "    ```"]


def test_segments_give_the_text_back() -> None:
    for md in ["", "\n", "a", "a\n", "```\n", "a\n```\nb\n```\n\nc\n", "~~~\n\n~~~"]:
        segments = list(iter_segments(md))
        assert "".join(text for _, text in segments) == md
        assert all(segments_text for _, segments_text in segments)


# Documents without containers or indented code, where our reader and CommonMark must agree.
LINE = st.one_of(
    st.builds(
        lambda indent, char, n, info: " " * indent + char * n + info,
        st.integers(0, 3),
        st.sampled_from("`~"),
        st.integers(2, 6),
        st.sampled_from(["", "python", " x", "a`b", "  "]),
    ),
    st.sampled_from(["text", "more text", "", "x `code` y"]),
)


@given(st.lists(LINE, min_size=1, max_size=14))
def test_agrees_with_commonmark(lines: list[str]) -> None:
    md = "\n".join(lines)
    expected = [False] * len(lines)
    for token in MarkdownIt("commonmark").parse(md):
        if token.type == "fence" and token.map:
            for i in range(token.map[0], min(token.map[1], len(lines))):
                expected[i] = True
    got = [in_code for in_code, _ in iter_lines(md)]
    # Blank lines at the very end of an unclosed fence are a matter of taste: compare the others.
    assert [g for g, line in zip(got, lines, strict=True) if line.strip()] == [
        e for e, line in zip(expected, lines, strict=True) if line.strip()
    ]


# --- the passes ---------------------------------------------------------------------------------------


def test_tidy_keeps_blank_lines_inside_code_only() -> None:
    md = "a\n\n\n\nb\n~~~\n```\n\n\nx  y\n```\n~~~\n"
    assert tidy_markdown(md) == "a\n\nb\n~~~\n```\n\n\nx  y\n```\n~~~\n"


def test_urls_in_code_are_left_alone() -> None:
    md = (
        "[a](https://old.example/a/)\n"
        "~~~\n```\n[b](https://old.example/b/)\n```\n~~~\n"
        "- item\n  - nested\n\n    ```\n    [c](https://old.example/c/)\n    ```\n"
    )
    assets: list[AssetRef] = []
    out = rewrite_markdown_urls(md, lambda u: u, lambda u: u.replace("old", "new"), assets)
    assert out == md.replace("old.example/a", "new.example/a")


def test_liquid_in_a_fence_closed_by_a_longer_fence_is_wrapped_whole() -> None:
    md = "{{ x }}\n  ```\n  {% y %}\n  ````\n"
    assert protect_liquid(md) == (
        "{% raw %}{{ x }}{% endraw %}\n  {% raw %}\n  ```\n  {% y %}\n  ````\n  {% endraw %}\n"
    )


def test_block_comment_warning_only_outside_code() -> None:
    def warnings(html: str) -> tuple[str, ...]:
        post = Post(source="t.xml", id=1, content=html)
        return convert_post(post, ConvertContext()).warnings

    shown = "<pre>&lt;!-- wp:paragraph --&gt;</pre>"
    assert warnings(shown) == ()
    assert warnings("<p>&lt;!-- wp:paragraph --&gt;</p>") != ()
