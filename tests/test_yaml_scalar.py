"""Front-matter values are written without PyYAML when PyYAML would write them plain: the shortcut must
give the very bytes PyYAML gives, for any string and any list of strings."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from wpmigrate.emit.frontmatter import _yaml_dump, _yaml_scalar

# Characters that change how YAML reads or writes a scalar, beside ordinary and non-ASCII letters.
ODD = [
    *" :#-?,[]{}&*!|>'\"%@`.=<~+_/\\0123456789eExXoObB",
    "\n", "\t", "\r", "\x00", "\x85", "\xa0", "\u2028", "\ufeff", "\ufffe", "\ud800", "\U0010ffff",
    "é", "漢", "😀", "a", "y", "n", "T", "f", "l", "N",
]  # fmt: skip
WORDS = [
    "yes", "No", "ON", "off", "true", "False", "null", "Null", "~", "", "=", "<<", "1", "-1", "+1", "0x1F",
    "0o17", "0b101", "1_000", "1.5", "1e5", "1.0e+5", ".5", ".inf", "-.Inf", ".NaN", "1:30", "190:20:30",
    "2020-01-02", "2020-1-2 10:00:00", "2001-12-14t21:59:43.10-05:00", "---", "...", "- x", "? x", ": x",
    "a: b", "a #b", "a#b", "x:", "-x", "?x", ":x", "@me", "C# and F#", "Q&A", "Hello, world?", "[draft]",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(WORDS), st.text(st.sampled_from(ODD), max_size=12), st.text(max_size=12))


@given(TEXT)
@settings(max_examples=3000, deadline=None)
@example("Le marketing de contenu, pour un leadership éclairé")
def test_a_string_is_written_as_pyyaml_writes_it(text: str) -> None:
    assert _yaml_scalar(text) == _yaml_dump(text)


@given(st.lists(TEXT, max_size=4))
@settings(max_examples=3000, deadline=None)
@example(["reseaux sociaux", "medias sociaux"])
def test_a_list_of_strings_is_written_as_pyyaml_writes_it(items: list[str]) -> None:
    assert _yaml_scalar(items) == _yaml_dump(items)


def test_values_without_line_breaks_skip_pyyaml(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import yaml

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("PyYAML was called")

    monkeypatch.setattr(yaml, "safe_dump", refuse)
    assert _yaml_scalar("Le marketing de contenu, pour un leadership éclairé") == (
        "Le marketing de contenu, pour un leadership éclairé"
    )
    assert _yaml_scalar(["reseaux sociaux", "Überall 漢字"]) == "[reseaux sociaux, Überall 漢字]"
    assert _yaml_scalar("Q: it's 'quoted'") == "'Q: it''s ''quoted'''"
    assert _yaml_scalar(["yes", "-x", "a, b"]) == "['yes', -x, 'a, b']"
