"""Shared test helpers: where the real-world corpus lives, and a skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(rel: str) -> Path:
    """Path of a corpus file; skips the calling test, saying why, when the corpus is absent."""
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"../shared/corpus not present ({rel} missing): corpus tests need ../shared beside the repo")
    return path


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus not present: corpus tests need ../shared beside the repo")
    return CORPUS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite golden files from the current output instead of comparing. "
                          "Read the git diff before committing them.")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the golden file byte for byte (or rewrite it with --update-goldens)."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        if not update:
            pytest.fail(f"golden file {path} was missing and has been written: review it, then re-run")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from golden {path.relative_to(ROOT)} (re-run with --update-goldens and review the diff)"
