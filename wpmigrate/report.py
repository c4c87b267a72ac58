"""What a run did (or would do), for people and for machines: text, JSON, Markdown, unified diffs.

All renderers start from one summary (`summarize`), so the three formats never disagree, and every
list in it is sorted, so the same run gives the same report byte for byte (no timestamps either).
The JSON layout is documented in docs/report-schema.json; bump SCHEMA_VERSION on incompatible change.

Exit codes (exit_code): 0 fine; 1 some posts failed, some assets failed (with --strict), a conflict,
or --check found drift, or nothing at all was converted; 2 (unusable input or options) and 3
(internal error: a bug) are the CLI's, raised before any report exists.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .errors import OutputError
from .models import RunReport
from .plan import Change, Plan
from .settings import Settings

SCHEMA_VERSION = 1
# Summary keys, in display order, with their labels.
COUNTS = (
    ("new", "new"),
    ("changed", "changed"),
    ("unchanged", "unchanged"),
    ("conflicting", "conflicting"),
    ("stale", "stale"),
    ("removed", "removed"),
    ("assets_to_fetch", "assets to fetch"),
)
_ACTION_COUNT = {
    "create": "new",
    "update": "changed",
    "overwrite": "changed",
    "unchanged": "unchanged",
    "conflict": "conflicting",
    "stale": "stale",
    "remove": "removed",
}
DIFF_ACTIONS = ("create", "update", "overwrite", "conflict", "remove")
MAX_MD_ROWS = 200  # GitHub caps a comment at 65536 characters
MAX_TEXT_LINES = 10  # per list in the text report unless -v


def natural_key(text: str) -> list[Any]:
    """Sort "x.xml:9" before "x.xml:10"."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]


def nothing_converted(report: RunReport, plan: Plan | None) -> bool:
    """True when the run has no post or page to write at all and none failed: an input that holds no
    post (an HTML page that is not one, an empty export), or filters that kept nothing."""
    if report.failed:
        return False
    changes = plan.changes if plan is not None else ()
    return not any(c.output is not None and c.kind != "asset" for c in changes)


def exit_code(report: RunReport, plan: Plan | None, settings: Settings) -> int:
    """0 fine; 1 posts failed, assets failed (--strict), conflicts, --check drift, or nothing converted."""
    if report.failed or nothing_converted(report, plan):
        return 1
    if settings.strict and report.assets_failed:
        return 1
    if plan is not None:
        if plan.by_action("conflict"):
            return 1
        if settings.check and plan.drift:
            return 1
    return 0


def mode_of(settings: Settings) -> str:
    return "check" if settings.check else "dry-run" if settings.dry_run else "apply"


def summarize(report: RunReport, plan: Plan | None, settings: Settings) -> dict[str, Any]:
    """Everything the renderers show, as plain sorted data (this is the JSON report)."""
    changes = list(plan.changes) if plan is not None else []
    counts = {key: 0 for key, _ in COUNTS}
    for c in changes:
        if not (c.to_fetch and c.action in ("create", "update", "overwrite")):
            counts[_ACTION_COUNT[c.action]] += 1  # an asset not downloaded yet counts as "to fetch" only
    counts["assets_to_fetch"] = (plan.assets_to_fetch if plan is not None else 0) + len(set(report.assets_retry))
    outputs = Counter(c.kind for c in changes if c.output is not None)
    written = sum(1 for c in changes if c.action in ("create", "update", "overwrite"))
    return {
        "schema_version": SCHEMA_VERSION,
        "mode": mode_of(settings),
        "exit_code": exit_code(report, plan, settings),
        "output_dir": Path(settings.out).as_posix(),
        "sources": [Path(s).as_posix() for s in report.sources],
        "summary": {
            **counts,
            "files_written": 0 if settings.dry_run or settings.check else written,
            "posts_read": sum(report.read.values()),
            "posts_skipped": len(report.skipped),
            "posts_failed": len(report.failed),
            "assets_fetched": report.assets_fetched,
            "assets_failed": len(report.assets_failed),
            "warnings": len(report.warnings),
        },
        "read": _sorted_counter(report.read),
        "outputs": _sorted_counter(outputs),
        "changes": [_change_json(c) for c in changes if c.action != "unchanged"],
        "skipped": sorted(
            ({"where": s.where, "type": s.type, "status": s.status, "reason": s.reason} for s in report.skipped),
            key=lambda d: (natural_key(d["where"]), d["reason"]),
        ),
        "failed": sorted(
            ({"where": f.where, "error": f.error} for f in report.failed),
            key=lambda d: (natural_key(d["where"]), d["error"]),
        ),
        "assets_failed": [{"url": u, "reason": r} for u, r in sorted(set(report.assets_failed))],
        "warnings": sorted(report.warnings, key=natural_key),
        "shortcodes": _sorted_counter(report.shortcodes),
        "unknown_shortcodes": _sorted_counter(report.unknown_shortcodes),
        "blocks": _sorted_counter(report.blocks),
    }


def _sorted_counter(counter: Counter) -> dict[str, int]:
    return {str(k): int(counter[k]) for k in sorted(counter, key=str) if counter[k]}


def _change_json(c: Change) -> dict[str, Any]:
    return {
        "path": c.path,
        "action": c.action,
        "kind": c.kind,
        "source": c.source,
        "note": c.note,
        "old_sha256": c.old_hash or None,
        "new_sha256": c.new_hash,
        "to_fetch": c.to_fetch,
    }


# --- text ---------------------------------------------------------------------------------------


def summary_line(data: dict[str, Any]) -> str:
    s = data["summary"]
    would = data["mode"] != "apply"
    head = f"{data['output_dir']}: " + ", ".join(
        f"{s[key]} {label}" for key, label in COUNTS if s[key] or key in ("new", "changed", "unchanged")
    )
    if data["mode"] == "check":
        tail = "drift: the output would change" if data["changes"] else "no drift"
        return f"{head} ({tail})"
    return head + (" (dry run: nothing written)" if would else "")


def render_text(report: RunReport, plan: Plan | None, settings: Settings) -> str:
    """The report printed after a run. -q: only problems and the summary line; -v: every item."""
    data = summarize(report, plan, settings)
    s, verbose, lines = data["summary"], settings.verbose, []
    limit = None if verbose else MAX_TEXT_LINES
    if not settings.quiet:
        if data["read"]:
            lines.append(f"Read {s['posts_read']} items: " + ", ".join(f"{k} {v}" for k, v in data["read"].items()))
        if data["outputs"]:
            lines.append(
                "Output files: "
                + ", ".join(f"{k} {v}" for k, v in data["outputs"].items())
                + (f"; {s['files_written']} written" if data["mode"] == "apply" else "")
            )
        if data["skipped"]:
            reasons = Counter(d["reason"] for d in data["skipped"])
            lines.append(f"Skipped {s['posts_skipped']}:")
            lines += _capped([f"  {n:>5}  {r}" for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))], limit)
            if verbose >= 2:
                lines += [f"         {d['where']}: {d['reason']}" for d in data["skipped"]]
        if data["warnings"]:
            lines.append(f"Warnings {s['warnings']}:")
            lines += _capped([f"  {w}" for w in data["warnings"]], limit)
        if data["unknown_shortcodes"]:  # left verbatim, or builder modules without a mapping: check by hand
            lines.append(f"Unmapped shortcodes and builder modules {sum(data['unknown_shortcodes'].values())}:")
            lines += _capped([f"  {n:>5}  {k}" for k, n in data["unknown_shortcodes"].items()], limit)
        if verbose:
            shown = [c for c in (plan.changes if plan else ()) if verbose >= 2 or c.action != "unchanged"]
            if shown:
                lines.append("Changes:")
                lines += [f"  {c.action:<9} {c.path}" + (f"  ({c.note})" if c.note else "") for c in shown]
    if data["failed"]:
        lines.append(f"Failed {s['posts_failed']}:")
        lines += [f"  {d['where']}: {d['error']}" for d in data["failed"]]
    if data["assets_failed"]:
        lines.append(f"Assets failed {s['assets_failed']}:")
        lines += _capped([f"  {d['url']}: {d['reason']}" for d in data["assets_failed"]], limit)
    conflicts = [d for d in data["changes"] if d["action"] == "conflict"]
    if conflicts:
        lines.append(f"Conflicts {len(conflicts)} (not overwritten; --force overwrites files edited by hand):")
        lines += [f"  {d['path']}: {d['note']}" for d in conflicts]
    if nothing_converted(report, plan):
        lines.append(
            f"Nothing converted: no post or page to write among the {s['posts_read']} items read"
            + (" (see Skipped and Warnings)" if data["skipped"] or data["warnings"] else "")
            + "; check SOURCES, --types and --status"
        )
    stale = [d for d in data["changes"] if d["action"] == "stale"]
    if stale and not settings.quiet:
        lines.append(f"Stale {len(stale)} (source gone; --prune removes unedited ones):")
        lines += _capped([f"  {d['path']}" for d in stale], limit)
    lines.append(summary_line(data))
    return "\n".join(lines) + "\n"


def _capped(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"  ... and {len(lines) - limit} more (-v lists all)"]


# --- JSON and Markdown --------------------------------------------------------------------------


def render_json(report: RunReport, plan: Plan | None, settings: Settings) -> str:
    return json.dumps(summarize(report, plan, settings), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text and "|" not in text else _cell(text)


def render_markdown(report: RunReport, plan: Plan | None, settings: Settings) -> str:
    """For a CI job summary or a pull-request comment: a heading, a count table, then the details."""
    data = summarize(report, plan, settings)
    s = data["summary"]
    out = [f"## wpmigrate {data['mode']}: {summary_line(data)}", "", "| Files | Count |", "|---|---:|"]
    out += [f"| {label.capitalize()} | {s[key]} |" for key, label in COUNTS]
    out += [
        "",
        "| Posts | Count |",
        "|---|---:|",
        f"| Read | {s['posts_read']} |",
        f"| Skipped | {s['posts_skipped']} |",
        f"| Failed | {s['posts_failed']} |",
        f"| Warnings | {s['warnings']} |",
        f"| Assets failed | {s['assets_failed']} |",
        "",
    ]
    if data["changes"]:
        out += ["### Changes", "", "| Action | Path | Source | Note |", "|---|---|---|---|"]
        rows = data["changes"]
        out += [
            f"| {d['action']} | {_code(d['path'])} | {_cell(d['source'])} | {_cell(d['note'])} |"
            for d in rows[:MAX_MD_ROWS]
        ]
        if len(rows) > MAX_MD_ROWS:
            out.append(f"| ... | {len(rows) - MAX_MD_ROWS} more | | |")
        out.append("")
    if data["failed"]:
        out += ["### Failed posts", "", "| Post | Error |", "|---|---|"]
        out += [f"| {_cell(d['where'])} | {_cell(d['error'])} |" for d in data["failed"]] + [""]
    if data["assets_failed"]:
        out += ["### Failed assets", "", "| URL | Reason |", "|---|---|"]
        out += [f"| {_cell(d['url'])} | {_cell(d['reason'])} |" for d in data["assets_failed"][:MAX_MD_ROWS]] + [""]
    if data["skipped"]:
        reasons = Counter(d["reason"] for d in data["skipped"])
        out += ["### Skipped", "", "| Reason | Posts |", "|---|---:|"]
        out += [f"| {_cell(r)} | {n} |" for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))] + [""]
    if data["warnings"]:
        out += ["### Warnings", ""] + [f"- {_cell(w)}" for w in data["warnings"][:MAX_MD_ROWS]]
        if len(data["warnings"]) > MAX_MD_ROWS:
            out.append(f"- ... and {len(data['warnings']) - MAX_MD_ROWS} more")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


RENDERERS = {".json": render_json, ".md": render_markdown, ".markdown": render_markdown, ".txt": render_text}


def write_report(path: Path, report: RunReport, plan: Plan | None, settings: Settings) -> None:
    """Write the report, its format chosen by extension (anything unknown: text). Not part of the output
    folder, so not the writer's business; still written whole (UTF-8, LF) even on a dry run. Its folder
    must exist (the CLI checks that before the run); a failed write raises OutputError naming the path."""
    render = RENDERERS.get(Path(path).suffix.lower(), render_text)
    text = render(report, plan, _loud(settings))
    try:
        Path(path).write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(path, exc) from None


def _loud(settings: Settings) -> Settings:
    """A report file is read later: never cut down by -q."""
    from dataclasses import replace

    return replace(settings, quiet=False)


# --- diffs --------------------------------------------------------------------------------------


def unified_diffs(plan: Plan) -> str:
    """Unified diffs (git-style a/ b/ paths) of every file applying would create, change or remove;
    conflicts show what --force would do to the edited file."""
    parts = []
    for c in plan.changes:
        if c.action not in DIFF_ACTIONS or (c.action == "conflict" and not c.old_hash):
            continue  # a folder or an unsafe path in the way: nothing to compare
        old_label = f"a/{c.path}" if c.old_hash else "/dev/null"
        new_label = "/dev/null" if c.action == "remove" else f"b/{c.path}"
        old = _text_of(c.old_bytes() if c.old_hash else b"")
        new = _text_of(b"" if c.action == "remove" else c.new_bytes())
        if old is None or new is None:
            why = " (not downloaded yet)" if c.to_fetch else ""
            parts.append(f"Binary files {old_label} and {new_label} differ{why}\n")
            continue
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), old_label, new_label)
        parts.append("".join(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n" for ln in lines))
    return "".join(parts)


def _text_of(data: bytes | None) -> str | None:
    if data is None or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def colorize_diff(diff: str) -> str:
    """ANSI colours for a terminal (the caller decides, see progress.use_color)."""
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(f"\x1b[1m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("@@"):
            out.append(f"\x1b[36m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("+"):
            out.append(f"\x1b[32m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("-"):
            out.append(f"\x1b[31m{line.rstrip(chr(10))}\x1b[0m\n")
        else:
            out.append(line)
    return "".join(out)
