"""A fast CSS selector over one parsed page (pagemeta.py and html_mirror.py read pages with dozens)."""

from __future__ import annotations

import re
from functools import lru_cache

import soupsieve
from bs4 import BeautifulSoup, Tag

from ..tagattrs import class_list


class PageIndex:
    """Tags of one tree indexed by name, class and id, so that a CSS selector is matched only
    against candidates for its last compound. soupsieve's select() matches every node of the
    page against the selector, and a page is read with a few dozen selectors."""

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.all: list[Tag] = [root] + [el for el in root.descendants if isinstance(el, Tag)]
        self.pos = {id(el): i for i, el in enumerate(self.all)}
        self.by_tag: dict[str, list[Tag]] = {}
        self.by_class: dict[str, list[Tag]] = {}
        self.by_id: dict[str, list[Tag]] = {}
        for el in self.all:
            self.by_tag.setdefault(el.name, []).append(el)
            for c in class_list(el):
                self.by_class.setdefault(c, []).append(el)
            ident = el.get("id")
            if isinstance(ident, str):
                self.by_id.setdefault(ident, []).append(el)

    def select(self, selector: str, scope: Tag | None = None) -> list[Tag]:
        found: dict[int, Tag] = {}
        for part in split_selector_list(selector):
            # `:is(.a, .b)`, `[title="a b"]`: spaces inside, no compound to index by; soupsieve judges all
            nested = "(" in part or re.search(r"\[[^\]]*\s", part) is not None
            head, _, rest = part.partition(" ")
            if rest and not nested and not re.search(r"[>+~]", part):
                # "A B": B searched only under the few A (soupsieve would check every B's ancestors)
                hits = [el for anc in self._candidates(head) for el in anc.select(rest.strip())]
            else:
                pattern = compiled(part)
                last = "" if nested else part.split()[-1]
                hits = [el for el in self._candidates(last, bare=True) if pattern.match(el)]
            for el in hits:
                if (
                    id(el) not in found
                    and not el.decomposed
                    and (scope is None or el is scope or any(p is scope for p in el.parents))
                ):
                    found[id(el)] = el
        return sorted(found.values(), key=lambda el: self.pos.get(id(el), 0))

    def _candidates(self, compound: str, bare: bool = False) -> list[Tag]:
        """Tags that may match one compound selector (all of them match it unless `bare`)."""
        m = re.match(r"^([a-zA-Z0-9]*)(#[\w-]+)?((?:\.[\w-]+)*)", compound)
        tag, ident, classes = m.groups() if m else ("", None, "")  # every group is optional: m always matches
        if compound.startswith("["):  # [itemprop=articleBody]: only tags that have the attribute
            name = re.split(r"[\]=~|^$*]", compound[1:], maxsplit=1)[0]
            cands = [el for el in self.all if not el.decomposed and el.has_attr(name)]
        elif ident:
            cands = self.by_id.get(ident[1:], [])
        elif classes:
            cands = self.by_class.get(classes.split(".")[1], [])
        elif tag:
            cands = self.by_tag.get(tag.lower(), [])
        else:
            cands = self.all
        if bare:
            return [el for el in cands if not el.decomposed]
        pattern = compiled(compound)
        return [el for el in cands if not el.decomposed and pattern.match(el)]

    @classmethod
    def of(cls, soup: BeautifulSoup) -> PageIndex:
        """The index of a whole page, built once per soup (readers and content selection share it)."""
        cached = soup.__dict__.get("_page_index")
        if cached is None:
            cached = soup.__dict__["_page_index"] = cls(soup)
        return cached

    def first(self, selector: str, scope: Tag | None = None) -> Tag | None:
        hits = self.select(selector, scope)
        return hits[0] if hits else None


def split_selector_list(selector: str) -> list[str]:
    """The selectors of a comma-separated list, split only at top-level commas (not the ones inside
    `:is(...)`, `:not(...)`, `[attr="a,b"]`)."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(selector):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=512)
def compiled(selector: str) -> soupsieve.SoupSieve:
    return soupsieve.compile(selector)
