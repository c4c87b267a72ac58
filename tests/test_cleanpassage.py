"""The importer reads a clean export's bytes as they are (xmlrepair.CleanPassage) and any other through
XmlRepairer: the posts and warnings must be exactly those of reading every file through XmlRepairer."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, corpus_file

from wpmigrate.errors import WxrError
from wpmigrate.importers import wxr
from wpmigrate.importers.xmlrepair import CleanPassage, NeedsRepair

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    b' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
    b"<wp:wxr_version>1.2</wp:wxr_version>\n"
)


def item(n: int, content: bytes = b"<p>plain</p>") -> bytes:
    return (
        b"<item>\n<title><![CDATA[Post %d]]></title>\n<wp:post_id>%d</wp:post_id>\n"
        b"<content:encoded><![CDATA[" % (n, n) + content + b"]]></content:encoded>\n"
        b"<wp:status><![CDATA[publish]]></wp:status>\n<wp:post_type><![CDATA[post]]></wp:post_type>\n</item>\n"
    )


def export(*items: bytes) -> bytes:
    return HEAD + b"".join(items) + b"</channel>\n</rss>\n"


def read(path: Path, *, repair_all: bool) -> tuple[list, list[str], set[Path]]:
    """Posts, warnings, and the files read through the repairer."""
    warnings: list[str] = []
    export = wxr.open_wxr([path], warnings.append)
    if repair_all:
        export._damaged.add(path)
    return list(export.posts()), warnings, export._damaged


def same_as_repairing(path: Path, monkeypatch: pytest.MonkeyPatch | None = None, chunk: int | None = None) -> bool:
    """Reads `path` both ways (optionally in small chunks) and checks they agree; True if it read clean."""
    if monkeypatch is not None and chunk is not None:
        monkeypatch.setattr(wxr, "CHUNK", chunk)
    try:
        fast = read(path, repair_all=False)
    except WxrError as e:
        with pytest.raises(WxrError) as slow_error:
            read(path, repair_all=True)
        assert str(slow_error.value) == str(e)
        return False
    slow = read(path, repair_all=True)
    assert fast[0] == slow[0], path
    assert fast[1] == slow[1], path
    return path not in fast[2]


def corpus_exports() -> list[Path]:
    found = sorted(p for p in CORPUS.rglob("*.xml*") if p.is_file()) if CORPUS.is_dir() else []
    return found


def test_every_corpus_export_reads_the_same_both_ways() -> None:
    files = corpus_exports()
    if not files:
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    clean = {p.name for p in files if same_as_repairing(p)}
    # Exports that need no repair are read as they are (the speed-up is real), the damaged ones are not.
    assert "themeunittestdata.wordpress.xml" in clean
    assert "crazy-cdata.xml" not in clean and "crazy-cdata-escaped.xml" in clean


def test_small_chunks_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk seams everywhere: every `]]>` and `<![CDATA[` straddles one somewhere."""
    theme = corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml")
    for chunk in (997, 4093):
        assert same_as_repairing(theme, monkeypatch, chunk)
    for name in ("crazy-cdata.xml", "crazy-cdata-escaped.xml", "valid-wxr-1.1.xml"):
        same_as_repairing(corpus_file("wordpress-importer/phpunit-data/" + name), monkeypatch, 331)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b" a ]]> b <![CDATA[ c ", id="unsplit-end-that-libxml2-reads"),
        pytest.param(b"<script>//<![CDATA[\nx()\n//]]></script>", id="script-cdata"),
        pytest.param(b"caf\xe9", id="latin-1"),
        pytest.param(b"a\x01b", id="control"),
        pytest.param(b"]]><br /><![CDATA[x", id="cdata-after-self-closing"),
        pytest.param(b"]]><!-- c --> \n <![CDATA[x", id="cdata-after-comment-and-space"),
    ],
)
def test_damage_after_clean_posts_is_read_like_the_repairer_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    """Damage in the 40th post of 60, the file read in chunks of 4 KiB: the first posts were read as they
    were, then the file is read again through the repairer; no post twice, none lost, same warnings."""
    path = tmp_path / "export.xml"
    path.write_bytes(export(*(item(n, content if n == 40 else b"<p>plain %d</p>" % n) for n in range(1, 61))))
    monkeypatch.setattr(wxr, "CHUNK", 4096)
    assert not same_as_repairing(path)
    posts, _, damaged = read(path, repair_all=False)
    assert [p.id for p in posts] == list(range(1, 61)) and damaged == {path}


def test_the_unsplit_end_libxml2_would_read_is_split_as_the_repairer_does(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(export(item(1, b" a ]]> b <![CDATA[ c ")))
    posts, warnings, damaged = read(path, repair_all=False)
    assert posts[0].content == "a ]]> b <![CDATA[ c" and damaged == {path}
    assert any("']]>' inside CDATA" in w for w in warnings)


def test_a_clean_gzip_export_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "export.xml.gz"
    path.write_bytes(gzip.compress(export(*(item(n) for n in range(1, 4)))))
    posts, warnings, damaged = read(path, repair_all=False)
    assert [p.id for p in posts] == [1, 2, 3] and warnings == [] and damaged == set()


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(b"\xef\xbb\xbf" + HEAD, id="bom"),
        pytest.param(b"Notice: x in y.php\n" + HEAD, id="junk"),
        pytest.param(HEAD.replace(b"UTF-8", b"ISO-8859-1"), id="latin-1-declared"),
        pytest.param(HEAD.replace(b'"1.0"', b'"1.1"', 1), id="xml-1.1"),
        pytest.param(HEAD.replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss'), id="doctype"),
    ],
)
def test_a_head_that_is_not_plain_goes_to_the_repairer(head: bytes) -> None:
    with pytest.raises(NeedsRepair):
        CleanPassage().feed(head + item(1) + b"</channel></rss>", final=True)


def test_a_plain_head_passes_unchanged() -> None:
    data = export(item(1))
    assert CleanPassage().feed(data, final=True) == data


def test_fixture_damage_reads_the_same_both_ways() -> None:
    for path in sorted((FIXTURES / "wxr").glob("*")):
        same_as_repairing(path)
