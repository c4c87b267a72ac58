"""PHP unserialize for postmeta: exact values, broken byte counts, and round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.importers.phpserialize import (
    PhpUnserializeError,
    looks_serialized,
    maybe_unserialize,
    serialize,
    unserialize,
)


def test_scalars():
    assert unserialize("N;") is None
    assert unserialize("b:1;") is True
    assert unserialize("b:0;") is False
    assert unserialize("i:-42;") == -42
    assert unserialize("d:0.5;") == 0.5
    assert unserialize("d:INF;") == math.inf
    assert math.isnan(unserialize("d:NAN;"))
    assert unserialize('s:5:"hello";') == "hello"
    assert unserialize('s:0:"";') == ""


def test_string_count_is_bytes_not_characters():
    # "¯\_(ツ)_/¯" is 9 characters and 13 UTF-8 bytes (from wordpress-importer's serialized postmeta test)
    assert unserialize('a:1:{s:3:"key";s:13:"¯\\_(ツ)_/¯";}') == {"key": "¯\\_(ツ)_/¯"}
    assert unserialize('s:6:"été";') == "été"


def test_arrays_become_lists_or_dicts():
    assert unserialize('a:2:{i:0;s:1:"a";i:1;s:1:"b";}') == ["a", "b"]
    assert unserialize('a:2:{i:1;s:1:"a";i:2;s:1:"b";}') == {1: "a", 2: "b"}
    assert unserialize("a:0:{}") == {}
    assert unserialize('a:2:{s:4:"file";s:9:"a/b/c.jpg";i:0;b:1;}') == {"file": "a/b/c.jpg", 0: True}


def test_attachment_metadata():
    raw = (
        'a:5:{s:5:"width";i:1000;s:6:"height";i:602;s:4:"file";s:24:"2019/09/TEDxHilliard.jpg";'
        's:5:"sizes";a:1:{s:9:"thumbnail";a:4:{s:4:"file";s:24:"TEDxHilliard-150x150.jpg";s:5:"width";i:150;'
        's:6:"height";i:150;s:9:"mime-type";s:10:"image/jpeg";}}s:10:"image_meta";a:2:{s:7:"caption";s:0:"";'
        's:8:"keywords";a:0:{}}}'
    )
    meta = unserialize(raw)
    assert meta["sizes"]["thumbnail"] == {
        "file": "TEDxHilliard-150x150.jpg",
        "width": 150,
        "height": 150,
        "mime-type": "image/jpeg",
    }
    assert meta["image_meta"] == {"caption": "", "keywords": {}}


def test_objects_become_dicts_without_name_mangling():
    raw = 'O:8:"stdClass":3:{s:1:"a";i:1;s:4:"\0*\0b";d:0.5;s:9:"\0Foo\0priv";N;}'
    assert unserialize(raw) == {"a": 1, "b": 0.5, "priv": None}


def test_crlf_normalisation_broke_the_count():
    # PHP counted "\r\n" as 2 bytes; the XML parser handed us "\n"
    assert unserialize('a:1:{s:7:"caption";s:12:"line1\nline2";}') == {"caption": "line1\nline2"}
    assert unserialize('s:14:"a\nb\nc\nd\n";') == "a\nb\nc\nd\n"


def test_count_off_in_either_direction():
    # a search-replace of http:// by https:// that did not fix counts
    assert unserialize('a:2:{s:3:"url";s:18:"https://example.org";s:1:"n";i:3;}') == {
        "url": "https://example.org",
        "n": 3,
    }
    assert unserialize('a:1:{s:3:"url";s:25:"http://a.example";}') == {"url": "http://a.example"}


def test_nested_serialized_text_inside_a_string_with_exact_count():
    inner = 'a:1:{s:1:"k";s:1:"v";}'
    raw = f's:{len(inner)}:"{inner}";'
    assert unserialize(raw) == inner


def test_not_serialized():
    assert not looks_serialized("hello")
    assert not looks_serialized("")
    assert not looks_serialized("1")
    assert looks_serialized('a:1:{i:0;s:1:"x";}')
    assert maybe_unserialize("plain text") == ("plain text", False)
    assert maybe_unserialize('a:1:{i:0;s:1:"x"') == ('a:1:{i:0;s:1:"x"', False)  # cut short
    with pytest.raises(PhpUnserializeError):
        unserialize("i:1;junk")
    with pytest.raises(PhpUnserializeError):
        unserialize("a:1:{")


_keys = st.one_of(st.integers(-1000, 1000), st.text(max_size=8))
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**62), 2**62), st.floats(allow_nan=False), st.text(max_size=30)
)
_values = st.recursive(_scalars, lambda inner: st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(_values)
def test_round_trip(value):
    assert unserialize(serialize(value)) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), min_size=1, max_size=5))
def test_round_trip_after_crlf_normalisation(lines):
    """Serialize text holding CRLF line breaks, then do what an XML parser does: CRLF -> LF."""
    text = "\r\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    data = serialize({"caption": text, "n": 1, "tail": ["x", text]})
    assert unserialize(data.replace("\r\n", "\n")) == {
        "caption": text.replace("\r\n", "\n"),
        "n": 1,
        "tail": ["x", text.replace("\r\n", "\n")],
    }
