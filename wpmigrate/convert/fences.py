"""Fenced code in Markdown: the one reader every pass uses to leave code alone. Pure.

CommonMark's fence rules, with one deliberate difference:
- A fence opens on a line of at least three backticks or three tildes; for a backtick fence the rest of
  the line (the info string) may hold no backtick (```` ```a``` ```` is inline code, not a fence).
- It closes on a line holding only a run of the same character at least as long (```` ```` ```` closes
  ```` ``` ````; `~~~` never closes a backtick fence), with spaces or tabs after it.
- A fence never closed runs to the end of the text.
- Difference: the fence may be indented by any number of spaces, not just 0-3. We do not track list
  items, and a fence inside a nested list item (`    ```` at 4+ spaces, as markdown.py writes it) is
  still a fence. The price: an indented code block with a line that starts with ``` reads as a fence.
  A fence inside a block quote (`> ````) is not seen.

Lines end at "\\n" only (the converter's bodies have no "\\r" left).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_OPEN = re.compile(r" *(`{3,}|~{3,})(.*)", re.S)
_FENCE_STARTS = ("```", "~~~")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def opening_fence(line: str) -> str:
    """The fence (```` ``` ````, `~~~~` ...) that `line` opens, "" when it opens none."""
    if line.lstrip(" ")[:3] not in _FENCE_STARTS:
        return ""  # most lines: no regex needed
    m = _OPEN.fullmatch(line.rstrip("\n"))
    if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
        return ""
    return m.group(1)


def closes_fence(line: str, fence: str) -> bool:
    """True when `line` closes the code block that `fence` opened."""
    text = line.rstrip("\n").lstrip(" ")
    run = len(text) - len(text.lstrip(fence[0]))
    return run >= len(fence) and not text[run:].strip(" \t")


def iter_lines(markdown: str) -> Iterator[tuple[bool, str]]:
    """(in_code, line) for each line of `markdown` split at "\\n"; a fence's own lines are code too."""
    fence = ""
    for line in markdown.split("\n"):
        if fence:
            if closes_fence(line, fence):
                fence = ""
            yield True, line
        else:
            fence = opening_fence(line)
            yield bool(fence), line


def iter_segments(markdown: str) -> Iterator[tuple[bool, str]]:
    """(is_code, text): runs of prose lines and whole fenced blocks (fences included), in order, with
    their line ends, so that the texts joined give `markdown` back. No text is empty."""
    run: list[str] = []
    fence = ""
    for line in _LINE.findall(markdown):
        if fence:
            run.append(line)
            if closes_fence(line, fence):
                yield True, "".join(run)
                run, fence = [], ""
            continue
        fence = opening_fence(line)
        if fence and run:
            yield False, "".join(run)
            run = []
        run.append(line)
    if run:
        yield bool(fence), "".join(run)
