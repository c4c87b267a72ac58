"""Write a large WXR file made of real items from ../shared/corpus/real-wxr, for benchmarks.

    python bench/make_wxr.py --posts 10000 --out /tmp/big.xml [--gz] [--all-types] [--theme]

The channel header (site, authors, terms) is that of one real export; the items are taken in turn from
all six real exports (posts only, unless --all-types) and varied so that every item is distinct: a new
wp:post_id, `-N` added to the slug, ` (N)` to the title, a new guid. Content, comments and postmeta are
the real ones, so the parse does the work a real export asks for.

--theme takes header and items (posts and pages) from the WordPress theme unit test data instead
(../shared/corpus/WPTT-theme-test-data/themeunittestdata.wordpress.xml): the export bench/run.py
compares with the npm peer on, since every such tool is tried on it.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import re
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
HEADER_FROM = "real-wxr/alienlebarge__alienlebarge.github.com/wordpress.xml"
THEME = "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
ITEM = re.compile(r"^[ \t]*<item>\s*$.*?^[ \t]*</item>[ \t]*$", re.S | re.M)


def load_items(all_types: bool, paths: list[Path] | None = None, types: str = "post") -> list[str]:
    items = []
    wanted = re.compile(rf"<wp:post_type>(?:<!\[CDATA\[)?(?:{types})(?:\]\]>)?</wp:post_type>")
    for path in paths or sorted((CORPUS / "real-wxr").rglob("*.xml")):
        for m in ITEM.finditer(path.read_text(encoding="utf-8")):
            item = m.group()
            if all_types or wanted.search(item):
                items.append(item)
    return items


def vary(item: str, n: int) -> str:
    item = re.sub(r"<wp:post_id>\d+</wp:post_id>", f"<wp:post_id>{n}</wp:post_id>", item, count=1)
    item = re.sub(
        r"(<wp:post_name>(?:<!\[CDATA\[)?)([^<\]]*)",
        lambda m: f"{m.group(1)}{m.group(2)}-{n}" if m.group(2) else m.group(0),
        item,
        count=1,
    )
    item = re.sub(r"(<title>(?:<!\[CDATA\[)?)([^<\]]*)", lambda m: f"{m.group(1)}{m.group(2)} ({n})", item, count=1)
    return re.sub(
        r"<guid isPermaLink=\"false\">[^<]*</guid>",
        f'<guid isPermaLink="false">https://bench.example/?p={n}</guid>',
        item,
        count=1,
    )


def write_wxr(out: Path, posts: int, all_types: bool = False, gz: bool = False, theme: bool = False) -> int:
    """Write the file; returns its size in bytes."""
    text = (CORPUS / (THEME if theme else HEADER_FROM)).read_text(encoding="utf-8")
    header = text[: ITEM.search(text).start()]  # type: ignore[union-attr]  # every corpus export has items
    pool = load_items(all_types, [CORPUS / THEME], "post|page") if theme else load_items(all_types)
    opener = gzip.open if gz else open
    with opener(out, "wt", encoding="utf-8") as fh:
        fh.write(header)
        for n, item in zip(range(1, posts + 1), itertools.cycle(pool)):
            fh.write(vary(item, 100000 + n) + "\n")
        fh.write("</channel>\n</rss>\n")
    return out.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--gz", action="store_true", help="write gzip-compressed")
    ap.add_argument("--all-types", action="store_true", help="take attachments, pages, menu items too")
    ap.add_argument("--theme", action="store_true", help="replicate the theme unit test data's posts and pages")
    args = ap.parse_args()
    if not (CORPUS / HEADER_FROM).exists():
        sys.exit(f"{CORPUS} not found: the generator needs ../shared/corpus beside the repo")
    size = write_wxr(args.out, args.posts, args.all_types, args.gz, args.theme)
    print(f"{args.out}: {args.posts} items, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
