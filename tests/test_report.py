"""report.py: text, JSON (validated against docs/report-schema.json), Markdown (a real table), diffs, exit codes."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from wpmigrate.models import Failed, OutputFile, RunReport, Skipped
from wpmigrate.plan import make_plan
from wpmigrate.progress import make_progress, use_color
from wpmigrate.report import (
    colorize_diff,
    exit_code,
    render_json,
    render_markdown,
    render_text,
    unified_diffs,
    write_report,
)
from wpmigrate.settings import Settings
from wpmigrate.writer import apply_plan

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "report-schema.json").read_text())


# --- a validator for exactly the JSON Schema subset docs/report-schema.json uses ------------------

_ANNOTATIONS = {"$schema", "title", "description"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Errors of value against schema; raises on a keyword it does not implement (no silent pass)."""
    unknown = (
        set(schema)
        - _ANNOTATIONS
        - {"type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum", "pattern"}
    )
    if unknown:
        raise NotImplementedError(f"{where}: validator lacks {sorted(unknown)}")
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            (t == "integer" and isinstance(value, int) and not isinstance(value, bool))
            or (t != "integer" and isinstance(value, _TYPES[t]) and not (t != "boolean" and isinstance(value, bool)))
            for t in types
        )
        if not ok:
            return [f"{where}: {value!r} is not of type {types}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        errors.append(f"{where}: {value} < {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{where}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                errors += validate(v, props[k], f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected key {k!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += validate(v, schema["additionalProperties"], f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errors += validate(v, schema["items"], f"{where}[{i}]")
    return errors


def test_validator_catches_what_it_should() -> None:
    assert validate({"schema_version": 2}, SCHEMA)[:2] == ["$: missing 'assets_failed'", "$: missing 'blocks'"]
    assert "$.schema_version: 2 != 1" in validate({"schema_version": 2}, SCHEMA)
    assert validate({"a": True}, {"type": "object", "additionalProperties": {"type": "integer"}}) == [
        "$.a: True is not of type ['integer']"
    ]


# --- a scenario with every kind of change ----------------------------------------------------------


def settings(**kw: Any) -> Settings:
    return Settings(out=Path("site"), **kw)


@pytest.fixture
def scenario(tmp_path: Path) -> tuple[RunReport, Any, Path]:
    site = tmp_path / "site"
    first = [
        OutputFile("_posts/2008-01-01-edited.md", b"ours\n", source="e.xml#3"),
        OutputFile("_posts/2008-01-02-same.md", b"same\n", source="e.xml#4"),
        OutputFile("_posts/2008-01-03-gone.md", b"gone\n", source="e.xml#5"),
        OutputFile("about.md", b"line 1\nline 2\n", source="e.xml#2", kind="page"),
    ]
    apply_plan(make_plan(first, site, {}, force=False, prune=False), site)
    (site / "_posts/2008-01-01-edited.md").write_bytes(b"theirs\n")
    second = [
        OutputFile("_posts/2008-01-01-edited.md", b"new\n", source="e.xml#3"),
        OutputFile("_posts/2008-01-02-same.md", b"same\n", source="e.xml#4"),
        OutputFile("_posts/2008-01-04-new.md", b"fresh\n", source="e.xml#6"),
        OutputFile("about.md", b"line 1\nline two\n", source="e.xml#2", kind="page"),
        OutputFile(
            "assets/images/a.png",
            data_path=str(tmp_path / "cache/none"),
            source="https://old.example/a.png",
            kind="asset",
        ),
    ]
    plan = make_plan(second, site, {}, force=False, prune=False)
    report = RunReport(sources=["e.xml"], dry_run=True)
    report.read.update({"post/publish": 4, "page/publish": 1, "attachment/inherit": 2, "post/trash": 1})
    report.skipped += [
        Skipped("e.xml:90 post 10", "attachment", "inherit", "type 'attachment' not in --types (post,page)"),
        Skipped("e.xml:9 post 9", "attachment", "inherit", "type 'attachment' not in --types (post,page)"),
        Skipped("e.xml:100 post 11", "post", "trash", "status 'trash' not kept (--status)"),
    ]
    report.failed.append(Failed("e.xml:50 post 7 'Broken'", "RecursionError: too deep"))
    report.warnings += ["e.xml:12 post 2: b", "e.xml:10 post 1: a | pipe"]
    report.shortcodes.update({"gallery": 2, "caption": 1})
    return report, plan, site


def test_text_report(scenario) -> None:
    report, plan, _ = scenario
    assert (
        render_text(report, plan, settings(dry_run=True))
        == """\
Read 8 items: attachment/inherit 2, page/publish 1, post/publish 4, post/trash 1
Output files: asset 1, page 1, post 3
Skipped 3:
      2  type 'attachment' not in --types (post,page)
      1  status 'trash' not kept (--status)
Warnings 2:
  e.xml:10 post 1: a | pipe
  e.xml:12 post 2: b
Failed 1:
  e.xml:50 post 7 'Broken': RecursionError: too deep
Conflicts 1 (not overwritten; --force overwrites files edited by hand):
  _posts/2008-01-01-edited.md: edited by hand since the last run
Stale 1 (source gone; --prune removes unedited ones):
  _posts/2008-01-03-gone.md
site: 1 new, 1 changed, 1 unchanged, 1 conflicting, 1 stale, 1 assets to fetch (dry run: nothing written)
"""
    )


def test_text_report_quiet_keeps_problems_and_the_summary_line(scenario) -> None:
    report, plan, _ = scenario
    assert (
        render_text(report, plan, settings(check=True, quiet=True))
        == """\
Failed 1:
  e.xml:50 post 7 'Broken': RecursionError: too deep
Conflicts 1 (not overwritten; --force overwrites files edited by hand):
  _posts/2008-01-01-edited.md: edited by hand since the last run
site: 1 new, 1 changed, 1 unchanged, 1 conflicting, 1 stale, 1 assets to fetch (drift: the output would change)
"""
    )


def test_text_report_verbose_lists_changes(scenario) -> None:
    report, plan, _ = scenario
    text = render_text(report, plan, settings(verbose=1))
    assert (
        "Changes:\n  conflict  _posts/2008-01-01-edited.md  (edited by hand since the last run)\n"
        "  stale     _posts/2008-01-03-gone.md  (source gone; --prune removes it)\n"
        "  create    _posts/2008-01-04-new.md\n" in text
    )
    assert "same.md" not in text  # unchanged files only with -vv
    assert "  unchanged _posts/2008-01-02-same.md\n" in render_text(report, plan, settings(verbose=2))


def test_json_report_validates_and_is_stable(scenario) -> None:
    report, plan, _ = scenario
    text = render_json(report, plan, settings(dry_run=True))
    doc = json.loads(text)
    assert validate(doc, SCHEMA) == []
    assert text == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"  # keys sorted
    assert doc["summary"] == {
        "new": 1,
        "changed": 1,
        "unchanged": 1,
        "conflicting": 1,
        "stale": 1,
        "removed": 0,
        "assets_to_fetch": 1,
        "files_written": 0,
        "posts_read": 8,
        "posts_skipped": 3,
        "posts_failed": 1,
        "assets_fetched": 0,
        "assets_failed": 0,
        "warnings": 2,
    }
    assert (doc["mode"], doc["exit_code"], doc["output_dir"]) == ("dry-run", 1, "site")
    assert [(c["action"], c["path"]) for c in doc["changes"]] == [
        ("conflict", "_posts/2008-01-01-edited.md"),
        ("stale", "_posts/2008-01-03-gone.md"),
        ("create", "_posts/2008-01-04-new.md"),
        ("update", "about.md"),
        ("create", "assets/images/a.png"),
    ]
    asset = doc["changes"][-1]
    assert asset == {
        "action": "create",
        "kind": "asset",
        "new_sha256": None,
        "note": "",
        "old_sha256": None,
        "path": "assets/images/a.png",
        "source": "https://old.example/a.png",
        "to_fetch": True,
    }
    assert [s["where"] for s in doc["skipped"]] == ["e.xml:9 post 9", "e.xml:90 post 10", "e.xml:100 post 11"]
    assert doc["shortcodes"] == {"caption": 1, "gallery": 2}


def test_json_report_of_an_empty_run_validates(tmp_path: Path) -> None:
    plan = make_plan([], tmp_path / "site", {}, force=False, prune=False)
    doc = json.loads(render_json(RunReport(), plan, settings()))
    # Nothing converted at all: exit 1 (issue 12.9)
    assert validate(doc, SCHEMA) == [] and doc["changes"] == [] and doc["exit_code"] == 1


def test_markdown_report_renders_tables(scenario) -> None:
    report, plan, _ = scenario
    md = render_markdown(report, plan, settings(check=True))
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<table>") == 5  # files, posts, changes, failed, skipped
    assert (
        '<td>New</td>\n<td style="text-align:right">1</td>' in html
    )  # the asset not downloaded yet counts under "to fetch" only
    assert "<td>conflict</td>\n<td><code>_posts/2008-01-01-edited.md</code></td>" in html
    assert "<li>e.xml:10 post 1: a | pipe</li>" in html  # the escaped pipe stays text
    assert md.startswith("## wpmigrate check: site: 1 new, 1 changed")


def test_unified_diffs(scenario) -> None:
    _, plan, _ = scenario
    assert (
        unified_diffs(plan)
        == """\
--- a/_posts/2008-01-01-edited.md
+++ b/_posts/2008-01-01-edited.md
@@ -1 +1 @@
-theirs
+new
--- /dev/null
+++ b/_posts/2008-01-04-new.md
@@ -0,0 +1 @@
+fresh
--- a/about.md
+++ b/about.md
@@ -1,2 +1,2 @@
 line 1
-line 2
+line two
Binary files /dev/null and b/assets/images/a.png differ (not downloaded yet)
"""
    )


def test_diff_marks_missing_final_newline_and_removals(tmp_path: Path) -> None:
    site = tmp_path / "site"
    apply_plan(
        make_plan([OutputFile("a.md", b"x"), OutputFile("b.md", b"bye\n")], site, {}, force=False, prune=False), site
    )
    plan = make_plan([OutputFile("a.md", b"x\ny")], site, {}, force=False, prune=True)
    assert (
        unified_diffs(plan)
        == """\
--- a/a.md
+++ b/a.md
@@ -1 +1,2 @@
-x
\\ No newline at end of file
+x
+y
\\ No newline at end of file
--- a/b.md
+++ /dev/null
@@ -1 +0,0 @@
-bye
"""
    )
    assert colorize_diff("+a\n-b\n c\n").splitlines() == ["\x1b[32m+a\x1b[0m", "\x1b[31m-b\x1b[0m", " c"]


def test_exit_codes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    clean = make_plan([OutputFile("a.md", b"A\n")], site, {}, force=False, prune=False)
    assert exit_code(RunReport(), clean, settings()) == 0
    assert exit_code(RunReport(), clean, settings(check=True)) == 1  # would create a file: drift
    apply_plan(clean, site)
    same = make_plan([OutputFile("a.md", b"A\n")], site, {}, force=False, prune=False)
    assert exit_code(RunReport(), same, settings(check=True)) == 0
    assert exit_code(RunReport(failed=[Failed("x", "y")]), same, settings()) == 1
    assets_failed = RunReport(assets_failed=[("https://o/a.png", "404")])
    assert exit_code(assets_failed, same, settings()) == 0
    assert exit_code(assets_failed, same, settings(strict=True)) == 1
    (site / "a.md").write_bytes(b"edited\n")
    conflict = make_plan([OutputFile("a.md", b"B\n")], site, {}, force=False, prune=False)
    assert exit_code(RunReport(), conflict, settings()) == 1
    forced = make_plan([OutputFile("a.md", b"B\n")], site, {}, force=True, prune=False)
    assert exit_code(RunReport(), forced, settings()) == 0


@pytest.mark.parametrize("name,start", [("r.json", "{\n"), ("r.md", "## wpmigrate"), ("r.txt", "Read 8 items")])
def test_write_report_by_extension(scenario, tmp_path: Path, name: str, start: str) -> None:
    report, plan, _ = scenario
    path = tmp_path / name
    write_report(path, report, plan, settings(quiet=True))
    data = path.read_bytes()
    assert data.decode("utf-8").startswith(start) and b"\r" not in data and data.endswith(b"\n")


def test_reports_are_deterministic(scenario) -> None:
    report, plan, _ = scenario
    shuffled = RunReport(
        sources=report.sources,
        read=Counter(dict(reversed(list(report.read.items())))),
        skipped=list(reversed(report.skipped)),
        failed=report.failed,
        warnings=list(reversed(report.warnings)),
        shortcodes=report.shortcodes,
        dry_run=True,
    )
    for render in (render_json, render_markdown, render_text):
        assert render(report, plan, settings(dry_run=True)) == render(shuffled, plan, settings(dry_run=True))


# --- progress (terminal manners) -------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = make_progress(stream=stream)
    tick = progress("Converting", 40)
    for _ in range(40):
        tick()
    progress.close()  # already closed by reaching the total: no second "done"
    assert (
        stream.getvalue()
        == "Converting: 40 items\n"
        + "".join(f"Converting: {n}/40 ({n * 10 // 4}%)\n" for n in range(4, 40, 4))
        + "Converting: 40/40 done\n"
    )


def test_progress_few_items_only_start_and_end() -> None:
    stream = io.StringIO()
    tick = make_progress(stream=stream)("Fetching", 3)
    tick(), tick(), tick()
    assert stream.getvalue() == "Fetching: 3 items\nFetching: 3/3 done\n"


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "60")
    stream = FakeTerminal()
    progress = make_progress(stream=stream)
    assert progress.tty and not progress.color
    tick = progress("Converting", 4)
    for _ in range(4):
        tick()
    out = stream.getvalue()
    assert out.startswith("\rConverting [" + "-" * 40 + "] 0/4")
    assert out.endswith("\rConverting [" + "#" * 40 + "] 4/4\n")
    assert "\x1b" not in out  # NO_COLOR: no escape codes at all


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(FakeTerminal()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset, per no-color.org
    assert use_color(FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(FakeTerminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not use_color(FakeTerminal())


def test_quiet_progress_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    progress = make_progress(quiet=True)
    tick = progress("Converting", 5)
    tick(), progress.echo("hello"), progress.close()
    assert capsys.readouterr() == ("", "")
