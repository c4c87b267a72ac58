"""Page builders: Divi and Beaver fixtures (no real export exists), choices between builder data and
content:encoded, WPBakery attribute decoding, inspect; goldens of one corpus page per builder."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from tests.conftest import corpus_file
from wpmigrate.cli import main
from wpmigrate.convert import ConvertContext
from wpmigrate.convert.post import convert_post
from wpmigrate.inspect import inspect_sources
from wpmigrate.models import Post

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "builders"
GOLDEN = Path(__file__).resolve().parent / "golden" / "builders"


def _md(content: str, **meta: object) -> str:
    return convert_post(Post(source="t", content=content, meta=dict(meta)), ConvertContext()).markdown


def test_divi_fixture_converts_to_expected_markdown() -> None:
    post = Post(source="divi.txt", content=(FIXTURES / "divi.txt").read_text(encoding="utf-8"))
    converted = convert_post(post, ConvertContext())
    assert converted.markdown == (FIXTURES / "divi.md").read_text(encoding="utf-8")
    assert converted.unknown_shortcodes == {"et_pb_fancy_counter": 1}
    assert any("left as a placeholder: contact form" in w for w in converted.warnings)


def test_beaver_builder_data_is_read_from_postmeta(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(FIXTURES / "beaver.xml"), "--out", str(tmp_path), "--offline"])
    body = (tmp_path / "home.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == (
        "\n## Our bakery\n\nFresh bread every morning.\n\n"
        "![](https://example.com/wp-content/uploads/2021/05/bread.jpg)\n*Sourdough*\n\n"
        "[Order now](https://example.com/order/)\n\nLoaf prices\n"
    )
    assert "beaver:pricing-table" in result.output  # the unmapped module, in the run report


def test_elementor_json_wins_over_the_plain_text_copy() -> None:
    data = [
        {"elType": "section", "elements": [{"elType": "column", "elements": [
            {"elType": "widget", "widgetType": "heading", "settings": {"title": "Prices", "header_size": "h3"}},
            {"elType": "widget", "widgetType": "button", "settings": {"text": "Buy", "link": {"url": "https://x.test/b"}}},
            {"elType": "widget", "widgetType": "tabs", "settings": {"tabs": [
                {"tab_title": "One", "tab_content": "First tab."}, {"tab_title": "Two", "tab_content": "Second."}]}},
        ]}]}
    ]  # fmt: skip
    md = _md("Prices Buy One First tab. Two Second.", _elementor_data=json.dumps(data))
    assert md == "### Prices\n\n[Buy](https://x.test/b)\n\n### One\n\nFirst tab.\n\n### Two\n\nSecond.\n"


def test_siteorigin_data_only_replaces_a_degraded_copy() -> None:
    panels = {"widgets": [
        {"title": "Hello", "text": "World text.", "panels_info": {"class": "WP_Widget_Text", "grid": 1, "cell": 0}},
        {"title": "First", "text": "Row zero.", "panels_info": {"class": "WP_Widget_Text", "grid": 0, "cell": 0}},
    ]}  # fmt: skip
    assert _md("", panels_data=panels) == "### First\n\nRow zero.\n\n### Hello\n\nWorld text.\n"
    complete = "<h3>First</h3><p>Row zero.</p><h3>Hello</h3><p>World text.</p><p>Team: Ann, Bob</p>"
    assert _md(complete, panels_data=panels).endswith("Team: Ann, Bob\n")


def test_wpbakery_raw_html_and_encoded_link_are_decoded() -> None:
    raw = base64.b64encode(quote("<table><tr><td>cell</td></tr></table>").encode()).decode()
    link = "url:https%3A%2F%2Fx.test%2Fgo|title:Go%20there|target:_blank"
    md = _md(f'[vc_row][vc_column][vc_raw_html]{raw}[/vc_raw_html][vc_btn link="{link}"][/vc_column][/vc_row]')
    assert md == "<table>\n<tr>\n<td>cell</td>\n</tr>\n</table>\n\n[Go there](https://x.test/go)\n"


def test_unlisted_module_of_a_family_keeps_its_text_and_is_counted() -> None:
    post = Post(
        source="t",
        content='[vc_row][vc_column][vc_fancy_thing title="Big news"]Body[/vc_fancy_thing][/vc_column][/vc_row]',
    )
    converted = convert_post(post, ConvertContext())
    assert converted.markdown == "Big news\n\nBody\n"
    assert converted.unknown_shortcodes == {"vc_fancy_thing": 1}


def test_inspect_names_page_builders() -> None:
    facts = inspect_sources([FIXTURES / "beaver.xml"])
    assert facts["page_builders"] == {"Beaver Builder": 1}


# One page per builder family, read by eye when written; the corpus must be present.
GOLDEN_PAGES = [
    ("the7-wpbakery-pages.xml", "features/plugins-compatibility/compatible-with-gravity-forms.md", "wpbakery.md"),
    ("avada-classic-shop.xml", "home-2.md", "avada.md"),
    ("cerax-elementor.xml", "faqs.md", "elementor.md"),
    ("sydney-siteorigin.xml", "demo-3.md", "siteorigin.md"),
    ("kadence-blocks.xml", "travel-resources.md", "kadence.md"),
]


@pytest.mark.parametrize(("export", "page", "golden"), GOLDEN_PAGES)
def test_builder_page_matches_golden(export: str, page: str, golden: str, tmp_path: Path) -> None:
    path = corpus_file(f"page-builders/{export}")
    CliRunner().invoke(main, ["convert", str(path), "--out", str(tmp_path), "--offline", "-q"])
    assert (tmp_path / page).read_text(encoding="utf-8") == (GOLDEN / golden).read_text(encoding="utf-8")
