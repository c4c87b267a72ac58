"""Streaming repair of the damage real WordPress exports carry, before the XML parser sees the bytes.

`XmlRepairer.feed(raw bytes) -> clean UTF-8 bytes` works chunk by chunk (it keeps back the few characters
it cannot judge yet), never adds or removes a line break, and records every repair with its line so the
importer can warn "file:line: what was changed". On a well-formed export it changes nothing (a test checks
this on the whole corpus). What it repairs:

- before the root: a BOM, leading whitespace, or a PHP warning/notice printed before `<?xml`. The XML
  declaration itself is dropped too (its encoding is applied here; the parser then gets plain UTF-8)
  and replaced by as many line breaks as it spanned, so line numbers stay those of the file;
- bytes that are not UTF-8 in a UTF-8 export (old latin-1 content): read as Windows-1252;
- control characters XML forbids (U+0000-U+001F but tab/LF/CR, U+FFFE, U+FFFF): removed;
- outside CDATA: a bare `&` that starts no entity reference (`?a=1&b=2` in a URL) becomes `&amp;`; an HTML
  named entity XML does not define (`&nbsp;`) becomes its numeric reference; any other unknown entity
  (`&foo;`, or one from a DTD, so nothing is ever expanded) is kept as text; a stray `]]>` is escaped;
- inside CDATA: WordPress always wraps a whole element value in one CDATA section, so a `]]>` that is not
  followed by `</` or by the next `<![CDATA[` is text that an old exporter failed to split; it is split
  the way WordPress does it today (`]]]]><![CDATA[>`), which makes crazy-cdata.xml read exactly like
  crazy-cdata-escaped.xml.

Why a repairing stream rather than lxml's recover mode: recover silently drops what it cannot parse
(text after a bare `&`, whole elements), which would lose words; this repairs the few known faults
exactly and leaves everything else to the strict parser, whose error then names the line.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from dataclasses import dataclass

_PREDEFINED = {"amp", "lt", "gt", "quot", "apos"}
_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# In text: the start of a CDATA section, comment or PI, a stray "]]>", or an `&` not starting a valid reference.
_OPENS = {"<![CDATA[": "cdata", "<!--": "comment", "<?": "pi"}
_TEXT_TOKENS = ("<![CDATA[", "<!--", "<?", "]]>", "&")
# What needs no repair, as one regex run: plain text and tags, valid references, lone "]", and CDATA sections
# closed the WordPress way. Never stops inside a token, so chunk ends are safe (the slow path handles them).
# Possessive quantifiers: a CDATA section not followed by `</` must fail at once, not backtrack
# exponentially through its text.
# (The outer repetition is greedy, not possessive: nothing follows it, so it never backtracks, and
# Python's re mishandles a capturing group inside a possessive repetition.)
# A CDATA run counts as closed only when the end tag after it is its own element's: old exporters
# wrote `<script>//<![CDATA[ ... //]]></script>` in content unescaped, and that `]]></script>` is text.
_BORING = re.compile(
    r"(?:[^<&\]]++"
    r"|<([A-Za-z_][\w.:-]*+)(?:\s[^<>]*+)?>(?:<!\[CDATA\[(?:[^\]]++|\](?!\]>))*+\]\]>)++(?=</\1>)"
    r"|<(?=[^!?])|\](?=[^\]])|&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)*"
)
# The element a CDATA section belongs to: the start tag right before it.
_OWNER = re.compile(r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>\s*\Z")
_OWNER_LOOKBACK = 300
_VALID_REF = re.compile(r"&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_ENTITY = re.compile(r"&([A-Za-z_][\w.-]{0,40});")
_PARTIAL_ENTITY = re.compile(r"&(?:#x?[0-9a-fA-F]*|[A-Za-z_][\w.-]{0,40})?")
_CDATA_CLOSE_NEXT = ("</", "<![CDATA[")
_HEAD_LIMIT = 256 * 1024
_XML_DECL = re.compile(rb"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# CleanPassage: what libxml2 reads without complaint although the repairer would change it. An unsplit `]]>`
# not followed by the end tag or the next section (`<![CDATA[ a ]]> b <![CDATA[ c ]]>` is well-formed), and
# a section after what the repairer's owner lookup could take for its element's start tag (`<x />`, `-->`,
# `?>`, also across whitespace). Both regexes start with a literal: C skips to the few places to look at.
_UNSPLIT_END = re.compile(rb"\]\]>(?![ \t\r\n]*+(?:</|<!\[CDATA\[))")
_ODD_CDATA = re.compile(rb"<!\[CDATA\[(?:(?<=[ \t\r\n]<!\[CDATA\[)|(?<=[/?-]><!\[CDATA\[))")
_NOT_A_START_TAG = (b"/>", b"-->", b"?>")
_SIGHT = 80  # bytes of the last chunk kept to judge what straddles its end
_VERSION_1_0 = re.compile(rb"""version\s*=\s*["']1\.0["']""")


@dataclass(frozen=True)
class Repair:
    kind: str  # "bom", "junk", "whitespace", "encoding", "control", "amp", "entity", "cdata", "stray-cdata-end"
    line: int
    detail: str  # what exactly, for the message


class XmlRepairer:
    """Feed raw bytes (any chunking), get repaired UTF-8 bytes; read `.repairs` as you go."""

    def __init__(self) -> None:
        self.repairs: list[Repair] = []
        self.root_name: str | None = None  # first element name seen at the top of the file
        self._head = b""
        self._started = False
        self._encoding = "utf-8"
        self._pending = b""  # undecoded bytes (an incomplete UTF-8 sequence at a chunk end)
        self._decoder: codecs.IncrementalDecoder | None = None
        self._carry = ""  # decoded text not judged yet
        self._carry_line = 1  # line number of the first character of _carry
        self._decoded_line = 1  # line number at the end of everything decoded so far
        self._state = "text"
        self._final = False
        self._head_decoded = False  # the head (a UTF-16 file's) is UTF-8 text already
        self._owner: str | None = None  # element whose CDATA value is being read (None: unknown)
        self._tail = ""  # the last characters judged, to find the owner of a CDATA across chunks

    # -- public -----------------------------------------------------------------------------------------
    def feed(self, raw: bytes, final: bool = False) -> bytes:
        self._final = final
        if not self._started:
            self._head, complete = _gather_head(self._head, raw, final)
            if not complete:
                return b""
            raw, self._head = self._strip_head(self._head), b""
            self._started = True
        text = self._decode(raw, final)
        text = self._remove_controls(text)
        return self._scan(text, final).encode("utf-8")

    @property
    def lines(self) -> int:
        """Number of the last line decoded so far."""
        return self._decoded_line

    @property
    def at_eof(self) -> bool:
        return self._final

    def finish(self) -> bytes:
        return self.feed(b"", final=True)

    # -- the top of the file ----------------------------------------------------------------------------
    def _strip_head(self, head: bytes) -> bytes:
        """Remove BOM / junk / XML declaration before the root, keeping the line count."""
        if head.startswith(codecs.BOM_UTF8):
            head = head[3:]
            self.repairs.append(Repair("bom", 1, "a UTF-8 byte order mark"))
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            head = self._decode_utf16_head(head)
        decl = _XML_DECL.search(head)
        if decl:
            cut, end = decl.start(), decl.end()
            enc = _ENCODING.search(decl.group())
            if enc and not self._head_decoded:
                self._set_encoding(enc.group(1).decode("ascii"))
        else:
            at = head.find(b"<rss")
            cut = end = at if at > 0 and _looks_junk(head[:at]) else 0
        junk = head[:cut]
        if junk.strip():
            text = junk.decode("utf-8", "replace").strip()
            self.repairs.append(
                Repair(
                    "junk",
                    1,
                    f"{len(junk)} bytes before {'<?xml' if decl else '<rss'}"
                    f" (a PHP warning or notice?): {_snippet(text)}",
                )
            )
        elif junk:
            self.repairs.append(Repair("whitespace", 1, "leading whitespace before <?xml"))
        sniff = head[end:].decode("utf-8", "replace")
        m = re.search(r"<(?![!?])([A-Za-z_][\w.:-]*)", re.sub(r"<!--.*?-->", "", sniff, flags=re.S))
        self.root_name = m.group(1) if m else None
        return b"\n" * head.count(b"\n", 0, end) + head[end:]

    def _decode_utf16_head(self, head: bytes) -> bytes:
        """A UTF-16 export (BOM first): the rest of the file goes through a UTF-16 decoder; the head is
        decoded now and judged as UTF-8 like any other (its declaration, which says UTF-16, is dropped)."""
        self._encoding = "utf-16"
        self._decoder = codecs.getincrementaldecoder("utf-16")("replace")
        self._head_decoded = True
        return self._decoder.decode(head, self._final).encode("utf-8")

    def _set_encoding(self, name: str) -> None:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            self.repairs.append(Repair("encoding", 1, f"unknown encoding {name!r} declared; read as UTF-8"))
            return
        if codec != "utf-8":
            self._encoding = codec
            self._decoder = codecs.getincrementaldecoder(codec)("replace")

    # -- bytes to text ----------------------------------------------------------------------------------
    def _decode(self, raw: bytes, final: bool) -> str:
        if self._head_decoded:  # the head of a UTF-16 file, already decoded by _strip_head
            self._head_decoded = False
            text = raw.decode("utf-8")
            if final:
                text += self._decoder.decode(b"", True) if self._decoder is not None else ""
        elif self._decoder is not None:
            text = self._decoder.decode(raw, final)
        else:
            text = self._decode_utf8(self._pending + raw, final)
        self._decoded_line += text.count("\n")
        return text

    def _decode_utf8(self, data: bytes, final: bool) -> str:
        keep = 0 if final else _incomplete_tail(data)
        self._pending = data[len(data) - keep :] if keep else b""
        if keep:
            data = data[:-keep]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = self._decode_latin_fallback(data)
        return text

    def _decode_latin_fallback(self, data: bytes) -> str:
        parts, pos = [], 0
        while True:
            try:
                parts.append(data[pos:].decode("utf-8"))
                return "".join(parts)
            except UnicodeDecodeError as e:
                start, end = pos + e.start, pos + e.end
                parts.append(data[pos:start].decode("utf-8"))
                bad = data[start:end]
                fixed = bad.decode("cp1252", "replace") if b"\x81" not in bad else bad.decode("latin-1")
                parts.append(fixed)
                line = self._decoded_line + data.count(b"\n", 0, start)
                self.repairs.append(
                    Repair("encoding", line, f"bytes {bad.hex(' ')} are not UTF-8; read as Windows-1252 {fixed!r}")
                )
                pos = end

    def _remove_controls(self, text: str) -> str:
        if not _CTRL.search(text):
            return text
        base = self._decoded_line - text.count("\n")
        last, line = 0, base
        for m in _CTRL.finditer(text):
            line += text.count("\n", last, m.start())
            last = m.start()
            self.repairs.append(Repair("control", line, f"U+{ord(m.group()):04X}"))
        return _CTRL.sub("", text)

    # -- text: the CDATA/comment state machine ----------------------------------------------------------
    def _scan(self, text: str, final: bool) -> str:
        buf = self._carry + text
        out: list[str] = []
        pos, n = 0, len(buf)
        found: dict[str, int] = {}  # token -> its next position in buf (-1: none); str.find beats a regex
        while pos < n:
            if self._state == "text":
                boring = _BORING.match(buf, pos)  # in C: text, tags, entity refs, whole CDATA sections
                skip = boring.end() if boring else pos  # (a starred group: it always matches)
                if skip > pos:
                    out.append(buf[pos:skip])
                    pos = skip
                    if pos >= n:
                        break
                at, tok = _next_token(buf, pos, found)
                if at == -1:
                    cut = n if final else max(pos, n - 8)  # a token may start in the last 8 characters
                    out.append(buf[pos:cut])
                    pos = cut
                    break
                if tok == "&":
                    ok = _VALID_REF.match(buf, at)
                    if ok:  # the common case: &amp; &#8217; ...
                        out.append(buf[pos : ok.end()])
                        pos = ok.end()
                        continue
                    out.append(buf[pos:at])
                    done = self._judge_amp(buf, at, final, out)
                    if done is None:
                        pos = at
                        break
                    pos = done
                    continue
                if tok == "<![CDATA[":  # fast path: a whole section properly closed, in one step
                    self._owner = self._owner_before(buf, at)
                    i = buf.find("]]>", at + 9)
                    if i != -1 and buf.startswith(self._closers(), i + 3):
                        out.append(buf[pos : i + 3])
                        pos = i + 3
                        continue
                out.append(buf[pos:at])
                if tok == "]]>":
                    out.append("]]&gt;")
                    self._note("stray-cdata-end", buf, at, "']]>' in text")
                else:
                    out.append(tok)
                    self._state = _OPENS[tok]
                pos = at + len(tok)
            elif self._state == "cdata":
                i = buf.find("]]>", pos)
                if i == -1:
                    cut = n if final else max(pos, n - 2)
                    out.append(buf[pos:cut])
                    pos = cut
                    break
                k = i + 3
                while k < n and buf[k] in " \t\r\n":
                    k += 1
                closers = self._closers()
                need = max(len(c) for c in closers)
                rest = buf[k : k + need]
                if not final and len(rest) < need and any(t.startswith(rest) for t in closers):
                    out.append(buf[pos:i])
                    pos = i
                    break  # cannot tell yet whether this "]]>" ends the section
                # (At the very end of a cut-short file, the start of the closing tag is enough.)
                if (
                    k >= n
                    or rest.startswith(closers)
                    or (len(rest) < need and any(t.startswith(rest) for t in closers))
                ):
                    out.append(buf[pos : i + 3])
                    self._state = "text"
                else:
                    out.append(buf[pos:i] + "]]]]><![CDATA[>")
                    self._note("cdata", buf, i, "']]>' inside CDATA")
                pos = i + 3
            else:
                close = "-->" if self._state == "comment" else "?>"
                i = buf.find(close, pos)
                if i == -1:
                    cut = n if final else max(pos, n - len(close) + 1)
                    out.append(buf[pos:cut])
                    pos = cut
                    break
                out.append(buf[pos : i + len(close)])
                pos = i + len(close)
                self._state = "text"
        self._carry_line += buf.count("\n", 0, pos)
        self._tail = (self._tail + buf[max(0, pos - _OWNER_LOOKBACK) : pos])[-_OWNER_LOOKBACK:]
        self._carry = buf[pos:]
        return "".join(out)

    def _owner_before(self, buf: str, at: int) -> str | None:
        """The element a CDATA section opening at `at` belongs to: the start tag just before it, or,
        after another CDATA section (WordPress splits a `]]>` that way), that section's owner."""
        before = buf[max(0, at - _OWNER_LOOKBACK) : at]
        if at < _OWNER_LOOKBACK:
            before = (self._tail + before)[-_OWNER_LOOKBACK:]
        if before.rstrip().endswith("]]>"):
            return self._owner
        m = _OWNER.search(before)
        return m.group(1) if m else None

    def _closers(self) -> tuple[str, ...]:
        """What may follow the `]]>` that really ends the current CDATA section."""
        if self._owner is None:
            return _CDATA_CLOSE_NEXT
        return (f"</{self._owner}>", "<![CDATA[")

    def _judge_amp(self, buf: str, at: int, final: bool, out: list[str]) -> int | None:
        """Repair one suspicious `&`; returns where to go on, or None when more text is needed."""
        m = _ENTITY.match(buf, at)
        if m:
            name = m.group(1)
            chars = html.entities.html5.get(name + ";")
            if chars is not None:
                out.append("".join(f"&#{ord(c)};" for c in chars))
                self._note("entity", buf, at, f"&{name};")
            else:
                out.append("&amp;" + name + ";")
                self._note("unknown-entity", buf, at, f"&{name};")
            return m.end()
        tail = _PARTIAL_ENTITY.match(buf, at)
        if not final and tail and tail.end() == len(buf) and len(buf) - at < 48:
            return None
        out.append("&amp;")
        self._note("amp", buf, at, _snippet(buf[max(0, at - 30) : at + 30]))
        return at + 1

    def _note(self, kind: str, buf: str, at: int, detail: str) -> None:
        self.repairs.append(Repair(kind, self._carry_line + buf.count("\n", 0, at), detail))


class NeedsRepair(Exception):
    """The bytes are not known to be clean: read the file through XmlRepairer instead."""


class CleanPassage:
    """XmlRepairer's stand-in for a file that needs no repair: passes the bytes through unchanged, checking
    in C (bytes searches) that the repairer would indeed change nothing, and raises NeedsRepair where that
    is not certain. Every other fault the repairer mends (bytes that are not UTF-8, control characters,
    a bare `&` or an entity XML does not define outside CDATA, a stray `]]>` in text) is a fatal error to
    libxml2, which stops the parse before the element holding it ends: the caller then reads the file
    again through XmlRepairer. So what comes out of the parser before either fault is what the repairer
    would have given it, byte for byte."""

    def __init__(self) -> None:
        self.repairs: list[Repair] = []  # never any: XmlRepairer's interface
        self.root_name: str | None = None
        self._head = b""
        self._started = False
        self._tail = b""  # the end of the last chunk
        self._final = False

    @property
    def at_eof(self) -> bool:
        return self._final

    @property
    def lines(self) -> int:
        return 0  # only read to report a parse error, which CleanPassage's caller never reports

    def feed(self, raw: bytes, final: bool = False) -> bytes:
        """`raw` itself (nothing copied), once judged clean; else raises NeedsRepair."""
        self._final = final
        if not self._started:
            self._head, complete = _gather_head(self._head, raw, final)
            if not complete:
                return b""
            raw, self._head = self._head, b""
            self._check_head(raw)
            self._started = True
        if not final and len(raw) < 2 * _SIGHT:
            raise NeedsRepair  # (a short read before the end: never, from a file or gzip)
        # The seam: what straddles the last chunk's end, or was left undecided at it.
        seam, t = self._tail + raw[:_SIGHT], len(self._tail)
        m = _UNSPLIT_END.search(seam)
        if m is not None and m.start() < t:
            raise NeedsRepair
        for m in _ODD_CDATA.finditer(seam):
            if m.start() < t + 2:
                _judge_cdata_start(seam, m.start())
        # The chunk. A `]]>` followed by no more than whitespace and the start of `</` or `<![CDATA[` is
        # judged at the next seam: the parser can end no element after it in this chunk.
        m = _UNSPLIT_END.search(raw)
        if m is not None:
            rest = raw[m.end() :].lstrip(b" \t\r\n")
            if final or not (b"</".startswith(rest) or b"<![CDATA[".startswith(rest)):
                raise NeedsRepair
        for m in _ODD_CDATA.finditer(raw):  # (a few per MiB)
            _judge_cdata_start(raw, m.start())
        self._tail = raw[-_SIGHT:]
        return raw

    def finish(self) -> bytes:
        return self.feed(b"", final=True)

    def _check_head(self, head: bytes) -> None:
        """Clean only if the file starts with its XML declaration (no BOM, no junk), in UTF-8, and only
        comments and whitespace come between it and <rss> (no DOCTYPE: its entities would be defined)."""
        decl = _XML_DECL.match(head)
        at = head.find(b"<rss")
        if decl is None or at == -1 or head[at + 4 : at + 5] not in (b">", b" ", b"\t", b"\r", b"\n"):
            raise NeedsRepair
        if not _VERSION_1_0.search(decl.group()):
            raise NeedsRepair  # (XML 1.1 has other character rules; the repairer reads it as 1.0)
        enc = _ENCODING.search(decl.group())
        if enc is not None:
            try:
                if codecs.lookup(enc.group(1).decode("ascii")).name != "utf-8":
                    raise NeedsRepair
            except LookupError:
                raise NeedsRepair from None
        if _looks_junk(head[decl.end() : at]):
            raise NeedsRepair
        self.root_name = "rss"


def _gather_head(head: bytes, raw: bytes, final: bool) -> tuple[bytes, bool]:
    """(the top of the file so far, whether it can be judged): once it holds `<rss`, or enough, or all."""
    head += raw
    return head, final or len(head) >= _HEAD_LIMIT or b"<rss" in head


def _judge_cdata_start(buf: bytes, at: int) -> None:
    """A section at `at` after `/>`, `-->`, `?>` or whitespace: NeedsRepair unless what precedes the
    whitespace (in sight) is none of those."""
    k = at
    while k > 0 and buf[k - 1] in b" \t\r\n":
        k -= 1
    if k == 0 or buf.endswith(_NOT_A_START_TAG, 0, k):
        raise NeedsRepair


def _next_token(buf: str, pos: int, found: dict[str, int]) -> tuple[int, str]:
    """The first of _TEXT_TOKENS at or after pos, remembering each token's next position."""
    best, best_tok = -1, ""
    for tok in _TEXT_TOKENS:
        at = found.get(tok)
        if at is None or -1 < at < pos:
            at = found[tok] = buf.find(tok, pos)
        if at != -1 and (best == -1 or at < best):
            best, best_tok = at, tok
    return best, best_tok


def _incomplete_tail(data: bytes) -> int:
    """How many bytes at the end of `data` are the start of an unfinished UTF-8 sequence."""
    for back in range(1, min(4, len(data)) + 1):
        b = data[-back]
        if b < 0x80:
            return 0
        if b >= 0xC0:  # lead byte: complete if it has enough continuation bytes after it
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return back if back < need else 0
    return 0


def _looks_junk(before_rss: bytes) -> bool:
    """True when what precedes <rss> (no XML declaration) is more than comments and whitespace."""
    return bool(re.sub(rb"<!--.*?-->", b"", before_rss, flags=re.S).strip())


def _snippet(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[:width] + "...")
