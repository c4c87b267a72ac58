"""Issue 12.1: what WordPress did not show to everyone (a password, status private) is not published."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from wpmigrate.cli import main


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """site.xml with its published post made private (its draft already has a password, 'secret')."""
    text = (FIXTURES / "wxr" / "site.xml").read_text(encoding="utf-8")
    text = text.replace("<wp:status><![CDATA[publish]]></wp:status>", "<wp:status><![CDATA[private]]></wp:status>", 1)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def convert(*args: object):
    return CliRunner().invoke(main, ["convert", *map(str, args)], catch_exceptions=False)


def test_private_and_protected_posts_are_skipped_and_reported(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = convert(export, "-o", out, "--offline", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == ["ancien.md"]
    assert "private (only logged-in editors could read it): not published; --include-protected" in result.output
    assert "password-protected: not published (a static site cannot ask for the password); " in result.output
    # Bytes: the conversion cache is a binary file, and it must not hold the text either.
    assert "Étretat".encode() not in b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_include_protected_writes_them_and_says_so(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = convert(export, "-o", out, "--offline", "--include-protected")
    assert result.exit_code == 0, result.output
    # The private post goes to _drafts/ (Jekyll builds it only with --drafts), as does the protected draft.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [
        "_drafts/brouillon-sans-nom.md",
        "_drafts/matin-à-étretat.md",
        "ancien.md",
    ]
    assert "private, written anyway as a draft (--include-protected)" in result.output
    assert "password-protected, written anyway as a draft (--include-protected)" in result.output
    assert '"include_protected": true' in (out / ".wpmigrate" / "manifest.json").read_text(encoding="utf-8")
