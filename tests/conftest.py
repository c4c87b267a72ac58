"""Shared test helpers: where the real-world corpus lives, and a skip when it is absent."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests: random on a developer's machine (to find new cases), fixed under CI=true so that a
# CI run is repeatable; a case found locally is replayed from .hypothesis/ and then kept as a plain test.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

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


@contextmanager
def local_server(handler: Callable[[Any], Any]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering every request with `handler(request)` (werkzeug
    Request -> Response); yields its base URL, for --host-map."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request(re.compile(".*")).respond_with_handler(handler)
    server.start()
    try:
        yield server.url_for("/").rstrip("/")
    finally:
        server.stop()


def isolated_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    """cd into tmp_path/name, a folder with no configuration file above it (the config search stops at
    its .git), no colour, and the download cache in tmp_path/cache (outside it, as ~/.cache is)."""
    folder = tmp_path / name
    (folder / ".git").mkdir(parents=True)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return folder


LOOPBACK = ("127.0.0.1", "::1", "localhost")


class NetworkGuard:
    """Refuses (and records) every connection and name lookup that is not 127.0.0.1, so no test can
    reach the network by accident; `allow_loopback = False` refuses even 127.0.0.1 (--offline tests)."""

    def __init__(self) -> None:
        self.allow_loopback = True
        self.refused: list[str] = []

    def check(self, host: object, what: str) -> None:
        host = host.decode() if isinstance(host, bytes) else str(host)
        if not (self.allow_loopback and host in LOOPBACK):
            self.refused.append(f"{what} {host}")
            raise OSError(f"test network guard: {what} {host} refused (tests use 127.0.0.1 only)")


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkGuard]:
    """Every test: no network but 127.0.0.1, and the default asset cache in a temporary folder
    (never the developer's ~/.cache)."""
    guard = NetworkGuard()
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kw):  # type: ignore[no-untyped-def]
        if host is not None:
            guard.check(host, "name lookup of")
        return real_getaddrinfo(host, *args, **kw)

    def connect(self, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard.check(address[0], "connection to")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield guard
    assert not guard.refused, (
        f"the test tried to use the network {len(guard.refused)} times: "
        f"{sorted(set(guard.refused))[:5]} (pass --offline, or --host-map to 127.0.0.1)"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing. "
        "Read the git diff before committing them.",
    )


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
    assert actual == expected, (
        f"output differs from golden {path.relative_to(ROOT)} (re-run with --update-goldens and review the diff)"
    )
