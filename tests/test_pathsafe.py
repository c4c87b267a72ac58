"""The one set of path-safety rules (wpmigrate/pathsafe.py): the check, the two name makers, the output folder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wpmigrate.errors import UnsafePathError
from wpmigrate.pathsafe import (
    MAX_NAME_BYTES,
    MAX_RELPATH_BYTES,
    InsideResolver,
    check_relpath,
    check_relpath_fully,
    is_device_name,
    is_inside,
    resolve_inside,
    safe_dir,
    safe_file_name,
    safe_name,
)

# Any string, lone surrogates and control characters included.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=400)
DEVICES = ["con", "PRN", "Aux", "nul", "com0", "COM1", "com9", "lpt1", "LPT9", "com¹", "lpt³"]


def sha8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


# --- the check ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "good",
    [
        "_posts/2020-01-01-a.md",
        "about/team.md",
        "assets/images/2012/08/café.jpg",
        "日本/語.md",
        ".htaccess",
        "a b/c.md",
        "connect.md",
        "con-.md",
        "com10.md",
        "nul-byte.md",
        "x" * MAX_NAME_BYTES,
        "日" * 85,  # 255 bytes
    ],
)
def test_check_relpath_accepts_plain_relative_paths(good: str) -> None:
    assert check_relpath(good) == good


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("", "empty"),
        ("/a", "absolute"),
        ("C:/x", "absolute"),
        ("c:x", "absolute"),
        ("a\\b", "backslash"),
        ("\\a", "backslash"),
        ("a/../b", "'..' is not a name"),
        ("..", "'..' is not a name"),
        ("./a", "'.' is not a name"),
        ("a//b", "'' is not a name"),
        ("a/", "'' is not a name"),
        ("a\x00b", "'\\x00' is not allowed"),
        ("a\x1fb", "'\\x1f' is not allowed"),
        ("a\x85b", "'\\x85' is not allowed"),
        ("a\ud800b", "is not allowed"),
        ("ab:c/d.md", "':' is not allowed"),
        ("a<b", "'<' is not allowed"),
        ("a|b", "'|' is not allowed"),
        ("a?b", "'?' is not allowed"),
        ('a"b', "is not allowed"),
        ("a*b", "'*' is not allowed"),
        ("dir./x.md", "end with a dot or a space"),
        ("dir /x.md", "end with a dot or a space"),
        ("x.md.", "end with a dot or a space"),
        ("x" * (MAX_NAME_BYTES + 1), f"longer than {MAX_NAME_BYTES} bytes"),
        ("日" * 86, f"longer than {MAX_NAME_BYTES} bytes"),  # 86 characters, 258 bytes
        ("/".join(["d" * 200] * 6), f"longer than {MAX_RELPATH_BYTES} bytes"),
    ],
)
def test_check_relpath_rejects_and_says_why(bad: str, why: str) -> None:
    with pytest.raises(UnsafePathError, match="not a plain relative path inside the output folder") as err:
        check_relpath(bad)
    assert why in str(err.value)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("form", ["{}", "{}.md", "dir/{}.tar.gz", "{} .txt"])
def test_device_names_are_refused_with_or_without_extension(device: str, form: str) -> None:
    assert is_device_name(form.format(device).rsplit("/", 1)[-1])
    with pytest.raises(UnsafePathError, match="Windows device name"):
        check_relpath(form.format(device))


def same_verdict(path: str) -> None:
    """check_relpath (with its shortcut for plain ASCII paths) answers as the name-by-name check."""
    try:
        full = check_relpath_fully(path)
    except UnsafePathError:
        with pytest.raises(UnsafePathError):
            check_relpath(path)
    else:
        assert check_relpath(path) == full == path


# Paths of what the shortcut accepts, devices and their neighbours, dots, spaces and one non-ASCII letter.
NEAR_PLAIN = st.text(alphabet="acolmnprtuxCONLPTAUX019_.-/ é", max_size=40)


@given(NEAR_PLAIN)
def test_the_plain_path_shortcut_agrees_with_the_full_check(path: str) -> None:
    same_verdict(path)


@given(ANY_TEXT)
def test_the_plain_path_shortcut_agrees_with_the_full_check_on_any_text(path: str) -> None:
    same_verdict(path)


@pytest.mark.parametrize(
    "path",
    [
        "x" * 255,
        "x" * 256,
        "a/" + "x" * 255,
        "/".join(["d" * 203] * 5),  # 1,019 bytes
        "/".join(["d" * 204] * 5),  # 1,024
        "/".join(["d" * 204] * 5) + "x",  # 1,025
        "a.",
        ".a",
        "a..b",
        "-a",
        "con",
        "CON.md",
        "a/com1/b",
        "conx",
        "lpt9.tar.gz",
        "com10",
        "_",
    ],
)
def test_the_plain_path_shortcut_at_its_edges(path: str) -> None:
    same_verdict(path)


# --- safe_name: slugs ----------------------------------------------------------------------------------


@given(ANY_TEXT)
def test_safe_name_always_passes_the_check(text: str) -> None:
    name = safe_name(text)
    assert check_relpath(name) == name
    assert len(name.encode()) <= 120
    # As the Jekyll profile uses it: a dated post file and a page folder.
    check_relpath(f"_posts/2020-01-01-{name}.md")
    check_relpath(f"{name}/{name}.md")


@given(ANY_TEXT)
def test_safe_name_with_the_longest_limit_passes_the_check(text: str) -> None:
    assert check_relpath(safe_name(text, max_bytes=MAX_NAME_BYTES))


def test_safe_name_keeps_what_is_safe_and_readable() -> None:
    assert safe_name("hello-world") == "hello-world"
    assert safe_name("日本") == "日本"
    assert safe_name("…") == "…"
    assert safe_name("Hello World") == "Hello-World"
    assert safe_name(" . ") == "untitled"
    assert safe_name("", "post-3") == "post-3"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("a#b%c[d]") == "a-b-c-d"


def test_safe_name_device_names_get_a_dash_after_the_stem() -> None:
    assert safe_name("con") == "con-"
    assert safe_name("NUL") == "NUL-"
    # Changed by pathsafe: the dash used to go at the end (`con.x-`, still a device name on Windows),
    # and COM0, LPT0 and the superscript forms were not known.
    assert safe_name("con.x") == "con-.x"
    assert safe_name("com0") == "com0-"
    assert safe_name("lpt²") == "lpt²-"


def test_safe_name_replaces_c1_control_characters() -> None:
    # Changed by pathsafe: U+0080..U+009F (other than U+0085, which is whitespace) used to pass.
    assert safe_name("a\x81b\x9fc") == "a-b-c"
    assert safe_name("nul\x00byte") == "nul-byte"


def test_safe_name_cuts_by_bytes_and_hashes_what_it_cut() -> None:
    long = "a" * 500
    assert safe_name(long) == "a" * 111 + "-" + sha8(long)
    wide = "日" * 100  # 300 bytes: the cut falls on a character boundary, 37 characters = 111 bytes
    assert safe_name(wide) == "日" * 37 + "-" + sha8(wide)
    odd = "é" * 100  # 2-byte characters: 111 bytes would split one, so 55 characters are kept
    assert safe_name(odd) == "é" * 55 + "-" + sha8(odd)
    assert safe_name("b" * 300 + "1") != safe_name("b" * 300 + "2")


# --- safe_file_name: assets ------------------------------------------------------------------------------


@given(ANY_TEXT)
def test_safe_file_name_always_passes_the_check(text: str) -> None:
    name = safe_file_name(text)
    assert check_relpath(name) == name
    assert len(name.encode()) <= 100


@given(ANY_TEXT, ANY_TEXT)
def test_safe_file_name_never_merges_two_names(a: str, b: str) -> None:
    if a != b:
        assert safe_file_name(a) != safe_file_name(b)


def test_safe_file_name_keeps_canonical_names_and_hashes_the_rest() -> None:
    assert safe_file_name("a-b.jpg") == "a-b.jpg"
    assert safe_file_name("café.jpg") == "café.jpg"
    assert safe_file_name("a b.jpg") == f"a-b-{sha8('a b.jpg')}.jpg"
    assert safe_file_name("A.JPG") == f"A-{sha8('A.JPG')}.jpg"
    assert safe_file_name("..") == sha8("..")
    assert safe_file_name(".htaccess") == f"htaccess-{sha8('.htaccess')}"
    assert safe_file_name("x\x00.png") == f"x-{sha8('x' + chr(0) + '.png')}.png"


@pytest.mark.parametrize("device", DEVICES)
def test_safe_file_name_device_names(device: str) -> None:
    name = safe_file_name(f"{device}.jpg")
    assert name == f"{device}-{sha8(device + '.jpg')}.jpg"  # `com¹` is new: it used to pass unchanged
    check_relpath(name)


def test_safe_file_name_cuts_by_bytes_and_keeps_the_extension() -> None:
    long = "x" * 400 + ".jpg"
    assert safe_file_name(long) == "x" * 60 + "-" + sha8(long) + ".jpg"
    wide = "日" * 50 + ".png"  # 150 bytes: 60 bytes are 20 characters
    assert safe_file_name(wide) == "日" * 20 + "-" + sha8(wide) + ".png"


@given(ANY_TEXT)
def test_safe_dir_always_passes_the_check(text: str) -> None:
    assert check_relpath(safe_dir(text))


def test_safe_dir() -> None:
    assert safe_dir("assets/images") == "assets/images"
    assert safe_dir("static\\img/") == "static/img"
    assert safe_dir("../") == sha8("..")
    assert safe_dir("") == "assets"


# --- the real output folder ----------------------------------------------------------------------------


def test_resolve_inside_follows_symlinks(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    (site / "ok").mkdir(parents=True)
    elsewhere.mkdir()
    (site / "out").symlink_to(elsewhere, target_is_directory=True)
    (site / "in").symlink_to(site / "ok", target_is_directory=True)
    assert resolve_inside(site, "ok/a.md") == site.resolve() / "ok/a.md"
    assert resolve_inside(site, "in/a.md") == site.resolve() / "in/a.md"
    with pytest.raises(UnsafePathError, match="outside the output folder"):
        resolve_inside(site, "out/a.md")
    with pytest.raises(UnsafePathError, match="not a plain relative path"):
        resolve_inside(site, "../site/a.md")
    assert is_inside(site, site) and is_inside(site, site / "in") and not is_inside(site, site / "out")


def test_inside_resolver_answers_as_resolve_inside(tmp_path: Path) -> None:
    """The plan's per-folder cache gives resolve_inside's answer for every kind of path: plain, through
    folder symlinks in and out, a file symlink in and out, dangling, a loop, missing folders."""
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    (site / "ok" / "deep").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text("x")
    (site / "ok" / "a.md").write_text("a")
    (site / "out").symlink_to(elsewhere, target_is_directory=True)
    (site / "in").symlink_to(site / "ok", target_is_directory=True)
    (site / "ok" / "leak.md").symlink_to(elsewhere / "x.md")
    (site / "ok" / "alias.md").symlink_to(site / "ok" / "a.md")
    (site / "ok" / "dangling.md").symlink_to(site / "nowhere.md")
    (site / "ok" / "loop.md").symlink_to(site / "ok" / "loop.md")
    (site / "in2").symlink_to(site / "in", target_is_directory=True)
    names = ["a.md", "leak.md", "alias.md", "dangling.md", "loop.md", "new.md", "deep/b.md"]
    folders = ["ok", "in", "in2", "out", "missing", "ok/deep", "in/deep"]
    rels = [f"{d}/{n}" for d in folders for n in names] + ["top.md", "out", "in", "ok/../a.md", "/etc/passwd"]
    resolver = InsideResolver(site)
    root = site.resolve()

    def whole_path_resolved(rel: str) -> object:
        """The reference, written here: every component of root/rel resolved at once."""
        try:
            check_relpath(rel)
            target = (root / rel).resolve()
        except (UnsafePathError, RuntimeError, OSError):  # a loop: RuntimeError (3.11) or OSError (3.13)
            return UnsafePathError
        return root / rel if target.is_relative_to(root) else UnsafePathError

    def answer(resolve: Callable[[str], Path], rel: str) -> object:
        try:
            return resolve(rel)
        except UnsafePathError:
            return UnsafePathError

    for rel in rels * 2:  # the second round answers from the resolver's cache
        expected = whole_path_resolved(rel)
        assert answer(resolver, rel) == expected, rel
        assert answer(lambda r: resolve_inside(site, r), rel) == expected, rel
    with pytest.raises(UnsafePathError):
        resolver("ok/leak.md")
    assert resolver("in/alias.md") == site.resolve() / "in/alias.md"
