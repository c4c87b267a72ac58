"""PHP `unserialize()` for WordPress postmeta, tolerant of the damage real exports carry.

WordPress stores arrays in postmeta with PHP's serialize(): `a:2:{s:4:"file";s:9:"a/b/c.jpg";i:0;b:1;}`.
String lengths are *byte* counts of the UTF-8 text, so we parse bytes, not characters. Two kinds of
damage are common in exports and are repaired here instead of giving up on the value:

- CRLF normalisation: the XML parser turns every "\\r\\n" inside the value into "\\n", so a string that
  held line breaks is now shorter than its declared count (and old search-replace tools change URL
  lengths without fixing counts);
- charset conversions that change byte lengths of non-ASCII text.

When the text has line breaks we first look for the `";` where the count is right if each "\n" is counted
as the "\r\n" it was. Else, when the declared count does not land on the closing `";`, we take the `";`
nearest to where it should be that is followed by something that can come next in serialized data
(`}`, another item, the end).

Decoded types: N -> None, b -> bool, i -> int, d -> float (INF/NAN too), s -> str,
a -> list when its keys are exactly 0..n-1 (n > 0), else dict (so an empty array is {}),
O (objects) -> dict of their properties (private/protected name mangling removed),
C (custom-serialized objects) and E (enums) -> their payload string, r/R (references) -> None.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["PhpUnserializeError", "looks_serialized", "maybe_unserialize", "serialize", "unserialize"]


class PhpUnserializeError(ValueError):
    """The text is not PHP-serialized data, even allowing for broken string lengths."""


_LOOKS = re.compile(rb"\s*(?:N;|b:[01];|i:-?\d+;|d:[^;]+;|s:\d+:\"|a:\d+:\{|O:\d+:\"|C:\d+:\"|E:\d+:\")")
_INT = re.compile(rb"i:(-?\d+);")
_FLOAT = re.compile(rb"d:([^;]*);")
_BOOL = re.compile(rb"b:([01]);")
_REF = re.compile(rb"[rR]:\d+;")
_STR_HEAD = re.compile(rb"[sE]:(\d+):\"")
_ARR_HEAD = re.compile(rb"a:(\d+):\{")
_OBJ_HEAD = re.compile(rb"O:(\d+):\"")
_CUSTOM_HEAD = re.compile(rb"C:(\d+):\"")
_COUNT_BRACE = re.compile(rb"(\d+):\{")
# What may follow a complete string value: end of an array, another key/value, or the end of the data.
_NEXT = re.compile(rb"\}|[sSaOCE]:\d+:|i:-?\d+;|d:[^;]*;|b:[01];|N;|[rR]:\d+;|\s*\Z")
_MAX_DEPTH = 200


def looks_serialized(text: str) -> bool:
    """Cheap test before trying: WordPress's own is_serialized() is about as strict."""
    return bool(text) and _LOOKS.match(text.encode("utf-8", "surrogatepass")[:64]) is not None


def unserialize(text: str | bytes) -> Any:
    """Decode one serialized value; the whole input must be consumed (trailing whitespace allowed)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    parser = _Parser(data)
    value, pos = parser.value(len(data) - len(data.lstrip()), 0)
    if data[pos:].strip():
        raise PhpUnserializeError(f"unexpected data after the value at byte {pos}")
    return value


def maybe_unserialize(text: str) -> tuple[Any, bool]:
    """(decoded value, True) when `text` is serialized data, else (text, False). Never raises."""
    if not looks_serialized(text):
        return text, False
    try:
        return unserialize(text), True
    except (PhpUnserializeError, RecursionError):
        return text, False


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.d = data

    def fail(self, pos: int, what: str) -> PhpUnserializeError:
        return PhpUnserializeError(f"{what} at byte {pos}: {self.d[pos : pos + 20]!r}")

    def value(self, pos: int, depth: int) -> tuple[Any, int]:
        d = self.d
        if depth > _MAX_DEPTH:
            raise self.fail(pos, "nested too deeply")
        tag = d[pos : pos + 1]
        if tag == b"N" and d[pos + 1 : pos + 2] == b";":
            return None, pos + 2
        if tag == b"i":
            m = _INT.match(d, pos)
            if m:
                return int(m.group(1)), m.end()
        elif tag == b"b":
            m = _BOOL.match(d, pos)
            if m:
                return m.group(1) == b"1", m.end()
        elif tag == b"d":
            m = _FLOAT.match(d, pos)
            if m:
                return _to_float(m.group(1), pos), m.end()
        elif tag in (b"s", b"E"):
            m = _STR_HEAD.match(d, pos)
            if m:
                return self.string(m.end(), int(m.group(1)))
        elif tag == b"a":
            m = _ARR_HEAD.match(d, pos)
            if m:
                return self.members(m.end(), int(m.group(1)), depth, as_object=False)
        elif tag == b"O":
            m = _OBJ_HEAD.match(d, pos)
            if m:
                _name, p = self.string(m.end(), int(m.group(1)), closer=b'":')
                m2 = _COUNT_BRACE.match(d, p)
                if m2:
                    return self.members(m2.end(), int(m2.group(1)), depth, as_object=True)
        elif tag == b"C":
            m = _CUSTOM_HEAD.match(d, pos)
            if m:
                _name, p = self.string(m.end(), int(m.group(1)), closer=b'":')
                m2 = _COUNT_BRACE.match(d, p)
                if m2:
                    end = m2.end() + int(m2.group(1))
                    if d[end : end + 1] == b"}":
                        return d[m2.end() : end].decode("utf-8", "replace"), end + 1
        elif tag in (b"r", b"R"):
            m = _REF.match(d, pos)
            if m:
                return None, m.end()
        raise self.fail(pos, "not a serialized value")

    def string(self, start: int, count: int, closer: bytes = b'";') -> tuple[str, int]:
        """A string of `count` bytes from `start`; repairs a wrong count (see module docstring)."""
        d = self.d
        end = start + count
        # CRLF damage first when the text has line breaks: the count is right if every "\n" counts as the
        # "\r\n" it was (else the exact count could land, by chance, on a later `";` of the data)
        if closer == b'";' and b"\n" in d[start:end]:
            j = d.find(closer, start)
            while j != -1 and j < end:
                if (j - start) + d.count(b"\n", start, j) == count and _NEXT.match(d, j + 2):
                    return d[start:j].decode("utf-8", "replace"), j + 2
                j = d.find(closer, j + 1)
        if d[end : end + 2] == closer and (closer != b'";' or _NEXT.match(d, end + 2)):
            return d[start:end].decode("utf-8", "replace"), end + 2
        best = None
        i = d.find(closer, start)
        while i != -1:
            if closer != b'";' or _NEXT.match(d, i + 2):
                if best is None or abs(i - end) < abs(best - end):
                    best = i
                elif i > end:
                    break  # candidates only get further away from here on
            i = d.find(closer, i + 1)
        if best is None:
            raise self.fail(start, f"string of {count} bytes has no end")
        return d[start:best].decode("utf-8", "replace"), best + 2

    def members(self, pos: int, count: int, depth: int, as_object: bool) -> tuple[Any, int]:
        d = self.d
        pairs: list[tuple[Any, Any]] = []
        for _ in range(count):
            key, pos = self.value(pos, depth + 1)
            if not isinstance(key, (int, str)) or isinstance(key, bool):
                raise self.fail(pos, "array key is neither int nor string")
            val, pos = self.value(pos, depth + 1)
            if as_object and isinstance(key, str) and key.startswith("\0"):
                key = key.rsplit("\0", 1)[-1]  # "\0*\0prop" (protected), "\0Class\0prop" (private)
            pairs.append((key, val))
        if d[pos : pos + 1] != b"}":
            raise self.fail(pos, "expected '}'")
        pos += 1
        if (
            not as_object
            and pairs
            and all(k == i for i, (k, _v) in enumerate(pairs))
            and all(type(k) is int for k, _v in pairs)
        ):
            return [v for _k, v in pairs], pos
        return dict(pairs), pos


def _to_float(raw: bytes, pos: int) -> float:
    text = raw.decode("ascii", "replace")
    special = {"INF": math.inf, "-INF": -math.inf, "NAN": math.nan}
    if text in special:
        return special[text]
    try:
        return float(text)
    except ValueError:
        raise PhpUnserializeError(f"bad float {text!r} at byte {pos}") from None


def serialize(value: Any) -> str:
    """PHP serialize() of None/bool/int/float/str/list/dict; used by tests and the benchmark generator."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        if math.isnan(value):
            return "d:NAN;"
        if math.isinf(value):
            return "d:INF;" if value > 0 else "d:-INF;"
        return f"d:{value!r};"
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8", "surrogatepass"))}:"{value}";'
    if isinstance(value, (list, tuple)):
        value = dict(enumerate(value))
    if isinstance(value, dict):
        body = "".join(serialize(k) + serialize(v) for k, v in value.items())
        return f"a:{len(value)}:{{{body}}}"
    raise TypeError(f"cannot serialize {type(value).__name__}")
