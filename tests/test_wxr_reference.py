"""The reader made faster (issue 11) gives what it gave before, on every export of the corpus and the
fixtures: the same site, the same Post records field by field, the same warnings (digests of the reader at
commit 4c699c4, tests/wxr_reference.json). And the identity of each file it read, hashed as it streamed."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from wxr_digest import SETS, digest, files

from wpmigrate.importers.wxr import open_wxr

REFERENCE = json.loads((Path(__file__).parent / "wxr_reference.json").read_text(encoding="utf-8"))


def test_the_reference_covers_the_fixtures_and_the_corpus() -> None:
    assert sum(key.startswith("fixtures/") for key in REFERENCE) >= 8
    assert sum(key.startswith("corpus/") for key in REFERENCE) >= 70


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_every_export_reads_as_before(key: str) -> None:
    name, rel = key.split("/", 1)
    folder = SETS[name]
    if not (folder / rel).exists():
        pytest.skip(f"{folder / rel} not present (the corpus is ../shared beside the repo)")
    assert digest(folder, rel) == REFERENCE[key]


def test_no_export_is_left_out() -> None:
    present = {key for key, folder, rel in files()}
    assert present <= set(REFERENCE)


def test_the_identity_is_the_files_own_sha256(tmp_path: Path) -> None:
    plain = SETS["fixtures"] / "site.xml"
    packed = tmp_path / "site.xml.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    export = open_wxr([plain, packed], lambda message: None)
    assert export.identity(plain) is None  # only the header was read so far
    posts = list(export.posts())
    assert [p.title for p in posts[: len(posts) // 2]] == [p.title for p in posts[len(posts) // 2 :]]
    for path in (plain, packed):
        identity = export.identity(path)
        assert identity is not None and identity.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert identity.stat[0] == path.stat().st_size and identity.stat[2] == path.stat().st_ino


def test_a_file_changed_between_two_reads_has_no_identity(tmp_path: Path) -> None:
    export_file = tmp_path / "site.xml"
    export_file.write_bytes((SETS["fixtures"] / "site.xml").read_bytes())
    export = open_wxr([export_file], lambda message: None)
    list(export.posts())
    assert export.identity(export_file) is not None
    list(export.posts())
    assert export.identity(export_file) is not None  # the same file twice
    export_file.write_bytes(export_file.read_bytes().replace(b"</rss>", b"</rss>\n"))
    list(export.posts())
    assert export.identity(export_file) is None  # the run saw two versions


def test_a_file_written_while_read_has_no_identity(tmp_path: Path) -> None:
    export_file = tmp_path / "site.xml"
    export_file.write_bytes((SETS["fixtures"] / "site.xml").read_bytes())
    export = open_wxr([export_file], lambda message: None)
    posts = export.posts()
    next(posts)
    with open(export_file, "ab") as fh:
        fh.write(b"\n")
    list(posts)
    assert export.identity(export_file) is None
