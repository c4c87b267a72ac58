"""Page-builder exports of the corpus convert cleanly: no builder shortcode or builder JSON left, and the
text of every text and heading module in the output, in order.

The expected texts are extracted here on their own (lxml over the WXR, a regex over the shortcodes,
json over `_elementor_data`), never with the converter's code, so a bug there cannot hide itself.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.conftest import corpus_file
from wpmigrate.cli import main

EXPORTS = [
    "the7-wpbakery-pages.xml",
    "avada-classic-shop.xml",
    "cerax-elementor.xml",
    "sydney-siteorigin.xml",
    "kadence-blocks.xml",
]
# Shortcodes of the builder families (Avada's old un-prefixed layout set included).
BUILDER_SHORTCODE = re.compile(
    r"\[/?(vc_|dt_|fusion_|et_pb_|fullwidth\b|one_(full|half|third|fourth|fifth|sixth)\b|"
    r"two_(third|fifth)\b|three_(fourth|fifth)\b|imageframe\b|separator\s+style_type)"
)
RAW_JSON = re.compile(r'"(elType|widgetType|panels_info)"\s*:')
FENCED = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)
# Text modules: (shortcode name, attribute holding the text or None for the content).
TEXT_SHORTCODES = [("vc_column_text", None), ("fusion_text", None), ("dt_fancy_title", "title")]


def _words(text: str) -> list[str]:
    # "amp": the7's texts hold a double-escaped "&amp;amp;" that Markdown shows as the author wrote it.
    return [w for w in re.findall(r"[^\W_]+", html.unescape(text).lower()) if w not in ("amp", "nbsp")]


def _plain(markdown: str) -> list[str]:
    """The output's words: code blocks, link targets and image syntax taken out."""
    text = FENCED.sub("", markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    text = re.sub(r"<((?:https?|mailto):[^>]+)>", r" \1 ", text)  # autolinks are text
    text = re.sub(r"^[ \t>]*(\d+\.|[*+-])[ \t]", " ", text, flags=re.M)  # list markers are not
    return _words(re.sub(r"<[^>]+>", " ", text))


def _items(path: Path) -> list[dict]:
    """id, type, status, content and postmeta of each item, read with lxml alone (recover: the7 holds a
    raw control character)."""
    root = etree.parse(str(path), etree.XMLParser(recover=True, huge_tree=True)).getroot()
    out = []
    for item in root.iter("item"):
        fields = {etree.QName(c).localname: (c.text or "") for c in item if isinstance(c.tag, str)}
        meta = {}
        for pm in item:
            if isinstance(pm.tag, str) and etree.QName(pm).localname == "postmeta":
                kv = {etree.QName(c).localname: (c.text or "") for c in pm}
                meta[kv.get("meta_key", "")] = kv.get("meta_value", "")
        content = next(
            (
                c.text or ""
                for c in item
                if isinstance(c.tag, str) and c.tag.endswith("}encoded") and "content" in c.tag
            ),
            "",
        )
        out.append({"id": fields.get("post_id"), "type": fields.get("post_type"), "content": content, "meta": meta})
    return out


def _shortcode_texts(content: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for name, attr in TEXT_SHORTCODES:
        if attr is None:
            for m in re.finditer(rf"\[{name}\b[^\]]*\](.*?)\[/{name}\]", content, re.S):
                found.append((m.start(), m.group(1)))
        else:
            for m in re.finditer(rf'\[{name}\b[^\]]*\b{attr}="([^"]*)"', content):
                found.append((m.start(), m.group(1)))
    # Texts shown as code (The7's [dt_code] documentation) are code, not modules.
    code = [(m.start(), m.end()) for m in re.finditer(r"\[dt_code\].*?\[/dt_code\]", content, re.S)]
    return [t for pos, t in sorted(found) if not any(a <= pos < b for a, b in code)]


def _elementor_texts(data: str) -> list[str]:
    texts: list[str] = []

    def walk(elements: list) -> None:
        for el in elements:
            settings = el.get("settings") or {}
            if el.get("widgetType") == "heading":
                texts.append(str(settings.get("title") or ""))
            elif el.get("widgetType") == "text-editor":
                texts.append(str(settings.get("editor") or ""))
            walk(el.get("elements") or [])

    walk(json.loads(data))
    return texts


def _expected(item: dict) -> list[list[str]]:
    data = item["meta"].get("_elementor_data", "")
    texts = _elementor_texts(data) if data.strip().startswith("[") and data.strip() != "[]" else []
    texts = texts or _shortcode_texts(item["content"])
    # Text with nested shortcodes: each run of words between them is compared on its own (a nested
    # module may put its title, an attribute, between two runs).
    runs = [run for t in texts for run in re.split(r"\[[^\]]*\]", re.sub(r"<[^>]+>", " ", t))]
    return [w for w in (_words(r) for r in runs) if w]


def _find(words: list[str], seq: list[str], start: int) -> int:
    n = len(seq)
    for i in range(start, len(words) - n + 1):
        if words[i : i + n] == seq:
            return i
    return -1


@pytest.mark.parametrize("export", EXPORTS)
def test_builder_export_converts_cleanly(export: str, tmp_path: Path) -> None:
    path = corpus_file(f"page-builders/{export}")
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["convert", str(path), "--out", str(out), "--offline", "-q", "--report", str(report)]
    )
    assert result.exit_code in (0, 1), result.output
    written = {c["source"].rsplit("#", 1)[-1]: out / c["path"] for c in json.loads(report.read_text())["changes"]}
    leftovers, checked = [], 0
    for md in out.rglob("*.md"):
        body = FENCED.sub("", md.read_text(encoding="utf-8"))
        leftovers += [f"{md.name}: {m.group(0)}" for m in BUILDER_SHORTCODE.finditer(body)]
        leftovers += [f"{md.name}: raw builder JSON" for _ in RAW_JSON.finditer(body)]
    assert not leftovers, leftovers[:20]
    for item in _items(path):
        target = written.get(item["id"] or "")
        expected = _expected(item)
        if target is None or not expected:
            continue
        words, pos = _plain(target.read_text(encoding="utf-8")), 0
        for seq in expected:
            found = _find(words, seq, pos)
            assert found >= 0, f"{target.name} (post {item['id']}): text missing or out of order: {' '.join(seq)[:120]}"
            pos = found + len(seq)
            checked += 1
    if export in ("the7-wpbakery-pages.xml", "avada-classic-shop.xml", "cerax-elementor.xml"):
        assert checked > 100, f"only {checked} text modules checked: the extraction found too little"
