"""Dates as themes print them: ISO 8601 attributes, human dates in several languages, day-archive links."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from bs4 import Tag

from ..tagattrs import attr_str

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan", "janvier", "janv", "januar", "enero", "gennaio"),
            ("february", "feb", "février", "fevrier", "févr", "februar", "febrero", "febbraio"),
            ("march", "mar", "mars", "märz", "marzo"),
            ("april", "apr", "avril", "avr", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio"),
            ("june", "jun", "juin", "juni", "junio", "giugno"),
            ("july", "jul", "juillet", "juil", "juli", "julio", "luglio"),
            ("august", "aug", "août", "aout", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
            ("october", "oct", "octobre", "oktober", "octubre", "ottobre"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "décembre", "decembre", "dezember", "diciembre", "dicembre"),
        ]
    )
    for m in names
}


def parse_date(value: str) -> datetime | None:
    """ISO 8601 (as in datetime attributes and meta tags) or a human date like '24 November, 2015'."""
    value = (value or "").strip()
    if not value:
        return None
    iso = value.replace("Z", "+00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2}", iso):
        try:
            return datetime.fromisoformat(iso if "T" in iso or len(iso) == 10 else iso.replace(" ", "T", 1))
        except ValueError:
            pass
    return parse_human_date(value)


# Languages whose sites print numeric dates month first (WordPress en_US: "m/d/Y"); the others put the day first.
MONTH_FIRST = ("en-us", "en", "en_us", "fil", "en-ph")


def parse_numeric_date(text: str, lang: str = "") -> datetime | None:
    """`14/11/2017`, `14.11.2017`, `11/14/2017`: day first when the site's language says so, month first for
    US English; with no language, only a value that cannot be read both ways (a part above 12)."""
    m = re.search(r"(?<![\w/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/.-])", text)
    if not m:
        return None
    a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
    lang = lang.strip().lower()
    if a > 12 or b > 12 or a == b:
        day, month = (a, b) if a > 12 or a == b else (b, a)
    elif not lang:
        return None  # 03/04/2017: March or April? say nothing rather than guess
    elif lang in MONTH_FIRST:
        day, month = b, a
    else:
        day, month = a, b
    return _ymd(year, month, day)


def parse_human_date(text: str, lang: str = "") -> datetime | None:
    """A date as a theme prints it; `lang` (the page's `<html lang>`) decides numeric dates like 03/04/2017."""
    text = " ".join(text.split())
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)  # 2022年8月1日
    if m:
        return _ymd(m.group(1), m.group(2), m.group(3))
    m = re.search(r"(\d{1,2})\s*月\s*(\d{1,2}),?\s*(\d{4})", text)  # 8月 1, 2022 (WordPress ja "M j, Y")
    if m:
        return _ymd(m.group(3), m.group(1), m.group(2))
    m = re.search(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        return _ymd(m.group(1), m.group(2), m.group(3))
    words = r"([A-Za-zÀ-ÿ]+)\.?"
    m = re.search(r"(\d{1,2})(?:st|nd|rd|th|er)?\s+" + words + r",?\s+(\d{4})", text)  # 24 November, 2015
    if m and m.group(2).lower() in MONTHS:
        return _ymd(m.group(3), MONTHS[m.group(2).lower()], m.group(1))
    m = re.search(words + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)  # November 24, 2015
    if m and m.group(1).lower() in MONTHS:
        return _ymd(m.group(3), MONTHS[m.group(1).lower()], m.group(2))
    return parse_numeric_date(text, lang)


def _ymd(y: Any, m: Any, d: Any) -> datetime | None:
    try:
        return datetime(int(y), int(m), int(d))
    except ValueError:
        return None


def date_from_archive_link(anchors: Iterable[Tag], page_path: str = "") -> datetime | None:
    """A link to a day archive (…/2022/08/01/ or …/2022/08/01.html), as many themes wrap the date in."""
    for a in anchors:
        href = attr_str(a, "href").split("?")[0]
        if "://" not in href and not href.startswith("/"):  # relative, as in a mirror
            href = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))
        m = re.search(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|/index\.html?|\.html?)$", href)
        if m:
            return _ymd(*m.groups())
    return None


def to_local_and_utc(value: datetime | None) -> tuple[datetime | None, datetime | None]:
    """(site-local naive, UTC naive) as Post wants them; a naive value is taken as local only."""
    if value is None:
        return None, None
    if value.tzinfo is None:
        return value, None
    return value.replace(tzinfo=None), value.astimezone(UTC).replace(tzinfo=None)
