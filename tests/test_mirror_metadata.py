"""Issue 13.6: what an HTTrack mirror of a Spanish WordPress site (Astra theme) says about its posts.

fixtures/mirror-es is written by make_mirror.py after Astra's markup: the date only as the text of
`<span class="published" itemprop="datePublished">`, categories only as the article's `category-*` class
(a related-posts block outside the article links another post's category), and a page whose text links
category archives. The mirror the issue was measured on is not in ../shared/corpus; the corpus mirrors
(nagekar, hides) keep their goldens byte for byte (tests/test_html_mirror.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from wpmigrate.cli import main
from wpmigrate.importers.html_mirror import open_mirror
from wpmigrate.importers.pagedates import parse_human_date, parse_numeric_date

ES = FIXTURES / "mirror-es"


def quiet(_: str) -> None:
    pass


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("14/11/2017", "", datetime(2017, 11, 14)),  # unambiguous: there is no month 14
        ("11/14/2017", "", datetime(2017, 11, 14)),
        ("03/04/2017", "es", datetime(2017, 4, 3)),  # day first in Spanish
        ("03.04.2017", "de-DE", datetime(2017, 4, 3)),
        ("03/04/2017", "en-US", datetime(2017, 3, 4)),  # month first in US English
        ("03/04/2017", "", None),  # no language: March or April cannot be told, so no guess
        ("05/05/2017", "", datetime(2017, 5, 5)),
        ("31/02/2017", "es", None),
        ("Publicado 14/11/2017 por Ana", "es", datetime(2017, 11, 14)),
        ("v1.2.2017", "es", None),
    ],
)
def test_numeric_dates(text: str, lang: str, expected: datetime | None) -> None:
    assert parse_numeric_date(text, lang) == expected
    assert parse_human_date(text, lang) == expected


def test_named_months_still_win_over_numbers() -> None:
    assert parse_human_date("14 noviembre, 2017", "es") == datetime(2017, 11, 14)


def test_astra_dates_categories_and_pages() -> None:
    posts = {p.slug: p for p in open_mirror([ES], quiet).posts()}
    mine, other, page = posts["mi-entrada"], posts["otra-entrada"], posts["sobre-nosotros"]
    assert mine.date == datetime(2017, 11, 14) and other.date == datetime(2017, 4, 3)
    assert mine.imported.matched["published"] == "[itemprop=datePublished] text (Astra)"
    # the article's own class, not the related post's `Recetas` link below it
    assert [(t.domain, t.slug) for t in mine.terms] == [("category", "viajes"), ("post_tag", "playa")]
    assert mine.imported.matched["categories"] == "post class category-*"
    assert [(t.domain, t.slug, t.name) for t in other.terms] == [("category", "recetas", "Recetas")]
    # a WordPress page has no categories: its text's links to archives are links
    assert page.type == "page" and page.terms == ()
    assert "categories" not in page.imported.matched


def test_astra_mirror_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["convert", str(ES), "--out", str(out), "--offline"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert files == ["_posts/2017-04-03-otra-entrada.md", "_posts/2017-11-14-mi-entrada.md", "sobre-nosotros.md"]
    assert "_drafts" not in result.output and "undated" not in result.output
    mine = (out / "_posts/2017-11-14-mi-entrada.md").read_text(encoding="utf-8")
    assert mine.startswith(
        "---\nlayout: post\ntitle: Mi entrada\ndate: 2017-11-14\ncategories: [viajes]\ntags: [playa]\nauthor: Ana\n---\n"
    )
    assert "ecetas" not in mine
    page = (out / "sobre-nosotros.md").read_text(encoding="utf-8")
    assert page.startswith("---\nlayout: page\ntitle: Sobre nosotros\npermalink: /sobre-nosotros/\n---\n")
