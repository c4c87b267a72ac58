"""One digest of everything the WXR reader gives for a file: the site, every Post (repr: every field, in
order) and the warnings, so that two versions of the reader can be compared on many exports without
keeping their posts. tests/wxr_reference.json holds the digests the reader gave before it was made faster
(commit 4c699c4), made by running this file as a script with that version on the path."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from wpmigrate.errors import WpMigrateError
from wpmigrate.importers.wxr import open_wxr

ROOT = Path(__file__).resolve().parents[1]
# (name in the reference, folder the file is read from, its path there): read by relative path, so that
# the digests do not depend on where the repository is.
SETS = {"corpus": ROOT.parent / "shared" / "corpus", "fixtures": ROOT / "fixtures" / "wxr"}


def digest(folder: Path, rel: str) -> str:
    said: list[str] = []
    h = hashlib.sha256()
    here = os.getcwd()
    os.chdir(folder)
    try:
        export = open_wxr([Path(rel)], said.append)
        h.update(repr(export.site).encode())
        for post in export.posts():
            h.update(repr(post).encode())
    except WpMigrateError as exc:
        h.update(("error: " + str(exc)).encode())
    finally:
        os.chdir(here)
    for w in said:
        h.update(("warning: " + w).encode())
    return h.hexdigest()


def files() -> list[tuple[str, Path, str]]:
    """(key, folder, relative path) of every export of the corpus and the fixtures."""
    found = []
    for name, folder in SETS.items():
        for path in sorted(folder.rglob("*.xml")):
            rel = path.relative_to(folder).as_posix()
            found.append((f"{name}/{rel}", folder, rel))
    return found


if __name__ == "__main__":
    json.dump({key: digest(folder, rel) for key, folder, rel in files()}, sys.stdout, indent=1, sort_keys=True)
    print()
