"""Junk that real WordPress content carries and a reader never saw, removed before conversion. Pure.

repair_tag_typos   `<h3">` (a stray quote after the tag name, a typo the classic editor kept): lxml
                   makes an element named `h3"` that never closes, and markdownify's prefix match
                   then turns the rest of the post into one heading. The typo is mended in the text,
                   so the author's `</h3>` closes the heading they meant.
pass_cleanup       on the parsed tree:
                   - elements whose name is still not an HTML name are unwrapped (content kept);
                   - TinyMCE's paste buffer `<div id="_mcePaste" style="...left:-10000px...">` (an
                     off-screen copy of pasted text that old editors saved by mistake) is dropped: it
                     was never shown. One saved without its hiding style was shown, and is kept;
                   - WordPress emoji and smiley images (`img.wp-smiley`, `img.emoji`, which WordPress
                     made from the characters the author typed) become their `alt` text again, the
                     emoji character or the `:-)` the author wrote, rather than an image to download;
                   - a paragraph holding a run of two or more `<br>` (a blank line typed inside a
                     paragraph) is split there into paragraphs: Markdown has no empty line inside a
                     paragraph, and a line holding only `\\` is what it would otherwise get.
"""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

_TAG_TYPO = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)[\"']+(?=[\s/>])")
_HTML_NAME = re.compile(r"^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?$")
_EMOJI_CLASSES = frozenset(["wp-smiley", "emoji"])
_OFF_SCREEN = re.compile(r"(?:left|top)\s*:\s*-\d{3,}px|display\s*:\s*none", re.I)


def repair_tag_typos(html: str) -> str:
    return _TAG_TYPO.sub(r"<\1", html) if "<" in html else html


def pass_cleanup(root: Tag) -> None:
    for el in root.find_all(True):
        if not isinstance(el, Tag) or el.parent is None:
            continue  # removed with an ancestor
        if not _HTML_NAME.match(el.name):
            el.unwrap()
        elif el.name == "div" and el.get("id") == "_mcePaste" and _OFF_SCREEN.search(str(el.get("style") or "")):
            el.decompose()
        elif el.name == "img" and _EMOJI_CLASSES & set(_classes(el)) and str(el.get("alt") or "").strip():
            el.replace_with(NavigableString(str(el.get("alt")).strip()))
    for p in root.find_all("p"):
        _split_at_blank_lines(p)


def _classes(el: Tag) -> list[str]:
    value = el.get("class")
    if isinstance(value, str):
        return value.split()
    return [str(c) for c in value] if value else []


def _split_at_blank_lines(p: Tag) -> None:
    """<p>a<br><br>b</p> -> <p>a</p><p>b</p>, for runs of <br> that are children of the paragraph."""
    groups: list[list[object]] = [[]]
    run: list[object] = []  # the <br>s (and blanks between them) seen since the last content
    for child in list(p.contents):
        if (isinstance(child, Tag) and child.name == "br") or (
            isinstance(child, NavigableString) and not child.strip() and run
        ):
            run.append(child)
        else:
            if sum(1 for n in run if isinstance(n, Tag)) >= 2 and groups[-1]:
                groups.append([])
            else:
                groups[-1].extend(run)
            run = []
            groups[-1].append(child)
    groups[-1].extend(run)
    if len(groups) < 2:
        return
    for group in groups:
        new = Tag(name="p", attrs=dict(p.attrs))
        for node in group:
            new.append(node.extract())  # type: ignore[attr-defined]  # PageElement.extract
        p.insert_before(new)
    p.decompose()
