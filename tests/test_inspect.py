"""`wpmigrate inspect`: what a user learns before migrating."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import FIXTURES

from wpmigrate.cli import main


def test_inspect_demo_reports_counts_dates_terms_shortcodes_blocks_and_hosts():
    result = CliRunner().invoke(main, ["inspect", "--json", str(FIXTURES / "demo" / "export.xml")])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["counts"] == {
        "attachment/inherit": 1,
        "page/publish": 2,
        "post/draft": 1,
        "post/publish": 3,
        "post/trash": 1,
    }
    assert facts["date_range"] == ["2024-01-01", "2024-05-01"]
    assert facts["authors"] == {"marie (Marie Durand)": 7}
    assert facts["categories"] == {"Sailing": 2, "Code": 1, "Uncategorized": 1}
    assert facts["tags"] == {"Brittany": 1, "python": 1}
    assert facts["shortcodes"] == {"caption": 1}
    assert facts["blocks"] == {
        "core/list-item": 2,
        "core/paragraph": 1,
        "core/code": 1,
        "core/heading": 1,
        "core/list": 1,
        "core/table": 1,
        "core/quote": 1,
    }
    assert facts["image_hosts"] == {"demo.example.org": 2}


def test_inspect_text_output_names_the_site():
    result = CliRunner().invoke(main, ["inspect", str(FIXTURES / "demo" / "export.xml")])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Site: Harbour Notes https://demo.example.org"
    assert "  caption" in result.output


def test_inspect_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "x.xml"
    bad.write_text("not xml at all", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(bad)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "x.xml" in result.stderr


def test_inspect_mirror_shows_which_selector_gave_each_field():
    mirror = FIXTURES / "mirror"
    result = CliRunner().invoke(main, ["inspect", "--json", str(mirror)])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["counts"] == {"page/publish": 2, "post/publish": 3}
    sel = facts["selectors"]
    assert sel["title"] == {"og:title": 3, "h1.entry-title": 2}  # theme A has Open Graph, theme B not
    assert sel["published"] == {"article:published_time": 3, "time.updated[datetime] (FoundationPress)": 2}
    assert sel["categories"] == {"(not found)": 2, "post class category-*": 2, 'a[rel~="category"]': 1}
    assert sel["content"] == {".entry-content": 5}
    creme = facts["matched_by_post"][str(mirror / "www.example.org" / "café-crème.html")]
    assert (creme["url"], creme["published"], creme["categories"]) == (
        "oEmbed discovery link",
        "time.updated[datetime] (FoundationPress)",
        "post class category-*",
    )
    skipped = {(s["file"], s["kind"]) for s in facts["skipped"]}
    assert (str(mirror / "www.example.org" / "2012/08/hello-world/amp/index.html"), "duplicate") in skipped
    assert (str(mirror / "www.example.org" / "category/news/index.html"), "listing") in skipped
    assert len(facts["skipped"]) == 12
    text = CliRunner().invoke(main, ["inspect", str(mirror)]).output
    assert (
        f"  listing    {mirror / 'www.example.org' / 'category/news/index.html'}: body class 'archive' (archive)"
        in text.splitlines()
    )
    block = text[text.index("Metadata found by") : text.index("Files skipped")].splitlines()
    fields = [line.strip(" :") for line in block if line.startswith("  ") and not line.startswith("    ")]
    assert fields == [
        "kind",
        "id",
        "url",
        "title",
        "published",
        "modified",
        "categories",
        "tags",
        "author",
        "excerpt",
        "image",
        "content",
    ]  # in reading order
    i = block.index("  published:")
    assert block[i + 1].split() == ["article:published_time", "3"]
    assert block[i + 2].split() == ["time.updated[datetime]", "(FoundationPress)", "2"]


def test_inspect_mirror_with_content_selector_option(tmp_path):
    (tmp_path / "a.html").write_text(
        "<html><head><title>A | S</title></head><body><div class='txt'><p>Hi</p></div></body></html>", encoding="utf-8"
    )
    facts = json.loads(CliRunner().invoke(main, ["inspect", "--json", str(tmp_path)]).output)
    assert facts["counts"] == {} and any("not recognised as a post" in w for w in facts["warnings"])
    result = CliRunner().invoke(main, ["inspect", "--json", "--content-selector", ".txt", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["selectors"]["content"] == {".txt": 1}
