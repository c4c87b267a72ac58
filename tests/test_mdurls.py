"""URLs in Markdown bodies (wpmigrate/convert/mdurls.py): only URLs change, code is left alone."""

from __future__ import annotations

from wpmigrate.convert.mdurls import rewrite_markdown_urls
from wpmigrate.models import AssetRef


def asset(url: str) -> str:
    return "/img/" + url.rsplit("/", 1)[-1].split("?")[0]


def link(url: str) -> str:
    return "{% post_url x %}" if url == "https://old.test/x/" else url


def md(text: str) -> str:
    return rewrite_markdown_urls(text, asset, link, [])


def test_inline_images_and_links() -> None:
    assert (
        md('[![a](https://old.test/a.jpg?w=1&amp;h=2 "t")](https://old.test/a.jpg)')
        == '[![a](/img/a.jpg "t")](/img/a.jpg)'
    )
    assert (
        md("see [x](https://old.test/x/) and [y](https://else.test/y/)")
        == "see [x]({% post_url x %}) and [y](https://else.test/y/)"
    )
    assert md("![a](<https://old.test/my pic.png>)") == "![a](</img/my pic.png>)"
    assert md("![a](https://old.test/p(1).png)") == "![a](/img/p(1).png)"
    assert (
        md("[a](https://old.test/a.png 'single') [b](https://old.test/b.png (paren))")
        == "[a](/img/a.png 'single') [b](/img/b.png (paren))"
    )


def test_reference_definitions_and_raw_html() -> None:
    assert md('![a][1]\n\n[1]: https://old.test/a.gif "t"\n') == '![a][1]\n\n[1]: /img/a.gif "t"\n'
    assert (
        md(
            '<img src="https://old.test/a.jpg?x=1&amp;y=2" srcset="https://old.test/b.jpg 2x, https://old.test/c.jpg 3x">'
        )
        == '<img src="/img/a.jpg" srcset="/img/b.jpg 2x, /img/c.jpg 3x">'
    )
    assert md('<a href="https://old.test/x/">x</a>') == '<a href="{% post_url x %}">x</a>'


def test_code_is_left_alone() -> None:
    text = "```\n![a](https://old.test/a.jpg)\n```\n\n`![b](https://old.test/b.jpg)` ![c](https://old.test/c.jpg)\n"
    assert md(text) == "```\n![a](https://old.test/a.jpg)\n```\n\n`![b](https://old.test/b.jpg)` ![c](/img/c.jpg)\n"
    assert (
        md("~~~~\n[1]: https://old.test/a.png\n~~~\nstill code\n~~~~\n[1]: https://old.test/a.png\n")
        == "~~~~\n[1]: https://old.test/a.png\n~~~\nstill code\n~~~~\n[1]: /img/a.png\n"
    )


def test_assets_are_noted_and_plain_text_untouched() -> None:
    found: list[AssetRef] = []
    text = "Prices [1] and (https://old.test/a.jpg) stay; ![a](https://old.test/a.jpg?x=1&amp;y=2)\n"
    assert (
        rewrite_markdown_urls(text, asset, link, found)
        == "Prices [1] and (https://old.test/a.jpg) stay; ![a](/img/a.jpg)\n"
    )
    assert found == [AssetRef("https://old.test/a.jpg?x=1&y=2", "image")]
