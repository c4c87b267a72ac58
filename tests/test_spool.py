"""Issue 11, flat memory: a run's rendered files live in an anonymous spool file, in OUT/.wpmigrate/ for a
run that writes and in the temp folder for --dry-run/--check; it is gone after the run, failed or not."""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, isolated_workdir

from wpmigrate import writer
from wpmigrate.errors import OutputError
from wpmigrate.models import OutputFile
from wpmigrate.pipeline import run
from wpmigrate.settings import Settings
from wpmigrate.spool import Spool

EXPORT = FIXTURES / "wxr" / "site.xml"
needs_proc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")


def open_files() -> dict[int, str]:
    """What this process's file descriptors point at."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
    return found


def settings(out: Path, **options: object) -> Settings:
    return Settings.from_options(sources=(EXPORT,), out=out, offline=True, quiet=True, jobs=1, **options)


def test_spool_gives_back_what_it_was_given(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    a, b = spool.put(b"first\n"), spool.put(b"")
    c = spool.put("é\n".encode() * 5000)
    assert (a.read(), b.read(), c.read()) == (b"first\n", b"", "é\n".encode() * 5000)
    assert c.sha256 == hashlib.sha256("é\n".encode() * 5000).hexdigest()
    assert list(tmp_path.iterdir()) == []  # anonymous: no name in the folder, even while open
    out = OutputFile("a.md", source="x.xml#1", spooled=a)
    again = out.with_bytes(b"second\n")
    assert again.spooled is not None and again.read_bytes() == b"second\n" and out.read_bytes() == b"first\n"
    assert OutputFile("b.md", b"mem").with_bytes(b"new") == OutputFile("b.md", b"new")
    spool.close()
    assert spool.closed


@needs_proc
def test_a_run_spools_in_its_output_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"
    before = open_files()
    _, plan = run(settings(out))
    assert plan.spool is not None and not plan.spool.closed
    where = open_files()[plan.spool._file.fileno()]
    assert where.startswith(str(out.resolve() / ".wpmigrate") + "/") and where.endswith("(deleted)")
    written = [c for c in plan.changes if c.action == "create" and c.kind == "post"]
    assert written and all(c.output and c.output.spooled for c in written)
    assert written[0].new_bytes() == (out / written[0].path).read_bytes()
    assert sorted(p.name for p in (out / ".wpmigrate").iterdir()) == [
        "convert-cache.sqlite",
        "manifest.json",
        "written-stats",
    ]
    plan.close()
    assert open_files().keys() == before.keys()


@needs_proc
def test_a_failed_run_closes_its_spool_and_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"

    def disk_full(plan: object, out_dir: Path) -> None:
        raise OutputError(out_dir / "x.md", OSError(28, "No space left on device"))

    monkeypatch.setattr(writer, "apply_plan", disk_full)
    gc.collect()  # files an earlier test left to the collector would close during the run, not here
    before = open_files()
    with pytest.raises(OutputError):
        run(settings(out))
    assert open_files().keys() == before.keys()
    assert not out.exists()  # the folders made for the spool (and the cache) are removed again


@needs_proc
@pytest.mark.parametrize("mode", ["dry_run", "check"])
def test_dry_runs_spool_outside_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    isolated_workdir(tmp_path, monkeypatch, "work")
    out = tmp_path / "site"
    _, plan = run(settings(out, **{mode: True}))
    assert not out.exists()
    assert plan.spool is not None
    where = open_files()[plan.spool._file.fileno()]
    assert where.startswith(str(Path(tempfile.gettempdir()).resolve()) + "/")
    assert not where.startswith(str(out.resolve()))
    created = [c for c in plan.changes if c.action == "create" and c.kind == "post"]
    assert created and created[0].new_bytes().startswith(b"---\n")  # the --diff report reads it back
    plan.close()
    # over an existing output: nothing added to it either
    _, written = run(settings(out))
    written.close()
    listing = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setattr("wpmigrate.lastrun.replay", lambda settings: None)  # the full path, not a replay
    _, plan = run(settings(out, **{mode: True}))
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == listing
    assert not open_files()[plan.spool._file.fileno()].startswith(str(out.resolve()))
    plan.close()
