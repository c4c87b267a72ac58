"""The manifest: `.wpmigrate/manifest.json` in the output folder, the memory between runs.

It records, for every file the tool owns, what was written there (sha256) and where it came from,
plus the options that shaped the output. A re-run compares the disk with it to tell a file the tool
wrote (safe to update) from a file a person edited since (a conflict, never overwritten).

Format (stable: sorted keys, two-space indent, LF, no timestamps, so that an unchanged run
rewrites nothing and the file diffs cleanly in git):

    {
      "files": {
        "_posts/2008-09-01-hello.md": {"kind": "post", "sha256": "...", "source": "../export.xml#12"},
        "assets/images/a.jpg": {"kind": "asset", "origin": "https://old.example/a.jpg", "sha256": "..."}
      },
      "format": 1,
      "options": {...},
      "unfetched": {"assets/images/b.jpg": "https://old.example/b.jpg"}
    }

`unfetched` (only when not empty) lists the assets the last run could not download; their posts
point at the origin URL. A dry run or --check that does not try the network assumes they still fail,
so a site whose old host is gone does not show drift forever.

Reading is forgiving about what it does not know (extra keys are ignored) and strict about what it
needs: a manifest that is not valid JSON raises InputError naming it, since guessing would risk
overwriting edited files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InputError

MANIFEST_DIR = ".wpmigrate"
MANIFEST_NAME = "manifest.json"
MANIFEST_PATH = f"{MANIFEST_DIR}/{MANIFEST_NAME}"
FORMAT = 1
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)  # one per output file
class ManifestEntry:
    sha256: str
    source: str = ""  # "../export.xml#12" or an input path (posts), relative to the output folder
    origin: str = ""  # origin URL (assets)
    kind: str = "post"

    def to_json(self) -> dict[str, str]:
        out = {"kind": self.kind, "sha256": self.sha256}
        if self.origin:
            out["origin"] = self.origin
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Manifest:
    files: dict[str, ManifestEntry] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    unfetched: dict[str, str] = field(default_factory=dict)  # local path -> origin URL


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path | str) -> str:
    """sha256 of a file, streamed: assets can be large."""
    with open(path, "rb") as fh:
        return hash_open(fh)


def hash_open(fh: BinaryIO) -> str:
    """sha256 of what is left to read in an open file, streamed."""
    digest = hashlib.sha256()
    while chunk := fh.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


_POST_ID = re.compile(r"#\d+$")


def portable_source(source: str, out_dir: Path) -> str:
    """A post's source as the manifest records it: the input path relative to the output folder (plus
    `#id`), so the manifest is the same bytes whatever folder the tool runs from and however the path
    was typed (`../x/export.xml`, an absolute path, a symlink)."""
    m = _POST_ID.search(source)
    path, post_id = (source[: m.start()], m.group()) if m else (source, "")
    if not path or "://" in path:
        return source
    return _relative_to(path, str(out_dir), os.getcwd()) + post_id


@functools.lru_cache(maxsize=256)
def _relative_to(path: str, out_dir: str, cwd: str) -> str:
    """One resolve per input file and run, not one per post (an export holds thousands). `cwd` is
    part of the key: relative paths mean something else once a library caller changes folder."""
    target = Path(path).resolve()
    try:
        rel = os.path.relpath(target, Path(out_dir).resolve())
    except ValueError:  # another drive (Windows): no relative path exists
        rel = str(target)
    return Path(rel).as_posix()


def forget_resolved_sources() -> None:
    """portable_source() resolves each input once per plan: a symlink changed since is seen anew."""
    _relative_to.cache_clear()


def manifest_path(out_dir: Path) -> Path:
    return Path(out_dir) / MANIFEST_DIR / MANIFEST_NAME


def read_manifest(out_dir: Path) -> Manifest:
    """The manifest of the last run, or an empty one when there was none."""
    path = manifest_path(out_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest()
    except NotADirectoryError:
        return Manifest()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(
            str(path),
            f"manifest is not valid JSON ({exc})",
            line=line,
            hint="restore it from version control, or delete it to treat every existing file as edited by hand",
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("files", {}), dict):
        raise InputError(
            str(path), "manifest has no 'files' object", hint="restore it from version control, or delete it"
        )
    files: dict[str, ManifestEntry] = {}
    for rel, entry in doc.get("files", {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise InputError(
                str(path), f"manifest entry {rel!r} has no sha256", hint="restore it from version control, or delete it"
            )
        files[rel] = ManifestEntry(
            sha256=entry["sha256"],
            source=str(entry.get("source", "")),
            origin=str(entry.get("origin", "")),
            kind=str(entry.get("kind", "post")),
        )
    options = doc.get("options", {})
    unfetched = doc.get("unfetched", {})
    unfetched = {str(k): str(v) for k, v in unfetched.items()} if isinstance(unfetched, dict) else {}
    return Manifest(files=files, options=options if isinstance(options, dict) else {}, unfetched=unfetched)


def render_manifest(manifest: Manifest) -> bytes:
    """The manifest's bytes: a pure function of its content (see manifest_chunks)."""
    return b"".join(manifest_chunks(manifest))


def manifest_chunks(manifest: Manifest) -> Iterator[bytes]:
    """The manifest's bytes in pieces: the same bytes as json.dumps(sort_keys=True, indent=2) of the
    whole document, but the files (one per post: 100,000 for a big site) are made one at a time, so
    that hashing or writing them never holds the whole document (issue 11: flat memory)."""
    doc: dict[str, Any] = {"files": {}, "format": FORMAT, "options": manifest.options}
    if manifest.unfetched:
        doc["unfetched"] = {rel: manifest.unfetched[rel] for rel in sorted(manifest.unfetched)}
    text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, default=str) + "\n"
    if not manifest.files:
        yield text.encode("utf-8")
        return
    # "files" sorts first among the top-level keys: its first occurrence is the top-level one.
    head, _, tail = text.partition('"files": {}')
    yield (head + '"files": {').encode("utf-8")
    sep = "\n"
    for rel in sorted(manifest.files):
        fields = sorted(manifest.files[rel].to_json().items())
        body = ",\n".join(f"      {_json_str(k)}: {_json_str(v)}" for k, v in fields)
        yield f"{sep}    {_json_str(rel)}: {{\n{body}\n    }}".encode()
        sep = ",\n"
    yield ("\n  }" + tail).encode("utf-8")


def hash_chunks(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


# What json.dumps(ensure_ascii=False) escapes in a string: nothing else, so a string without these is
# its own JSON body (json.dumps per field was a third of hashing a 10,000-file manifest).
_JSON_ESCAPED = re.compile(r'[\x00-\x1f\\"]')


def _json_str(text: str) -> str:
    if _JSON_ESCAPED.search(text) is None:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)
