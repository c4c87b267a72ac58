"""What the convert command does when a post fails: a failure we can explain (ConvertError) is recorded
and the run goes on (exit 1); any other exception is a bug, shown on one line naming the post, exit 3,
with --jobs 1 and --jobs 2 alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, isolated_workdir

import wpmigrate.convert.shortcodes as shortcodes
from wpmigrate.cli import main
from wpmigrate.errors import ConvertError

BAD = "Matin à Étretat : « la mer »"
WHERE = f"site.xml:24 post 10 {BAD!r}"
HINT = "(a bug in wpmigrate: run with -v for the traceback; please report it)"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = isolated_workdir(tmp_path, monkeypatch, "blog")
    (folder / "site.xml").write_bytes((FIXTURES / "wxr" / "site.xml").read_bytes())
    return folder


def run(*args: object) -> Result:
    return CliRunner().invoke(main, ["convert", "site.xml", "-o", "out", "--no-assets", "-q", *map(str, args)])


def fail_on(monkeypatch: pytest.MonkeyPatch, title: str, exc: Exception) -> None:
    """Make the shortcode pass raise `exc` for the post titled `title` (forked workers inherit it)."""
    real = shortcodes.render_shortcodes

    def render(html, post, *args, **kw):  # type: ignore[no-untyped-def]
        if post.title == title:
            raise exc
        return real(html, post, *args, **kw)

    monkeypatch.setattr(shortcodes, "render_shortcodes", render)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bug_in_one_post_is_one_line_naming_it_exit_3(work: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    fail_on(monkeypatch, BAD, TypeError("unsupported operand type(s) for +: 'int' and 'str'"))
    result = run("--jobs", jobs)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"wpmigrate: internal error: {WHERE}: TypeError: unsupported operand type(s) for +: 'int' and 'str' {HINT}\n"
    )
    assert not (work / "out").exists()  # nothing written: the run stopped


@pytest.mark.parametrize("jobs", [1, 2])
def test_with_v_the_traceback_comes_first(work: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    fail_on(monkeypatch, BAD, KeyError("width"))
    result = run("--jobs", jobs, "-v")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "in render" in result.stderr and lines[-2] == "KeyError: 'width'"  # the original, from the worker too
    assert lines[-1] == (
        f"wpmigrate: internal error: {WHERE}: KeyError: 'width' "
        "(a bug in wpmigrate: the traceback is above; please report it)"
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_convert_error_is_recorded_and_the_run_goes_on(
    work: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    fail_on(monkeypatch, BAD, ConvertError(WHERE, "cannot convert this"))
    result = run("--jobs", jobs)
    assert result.exit_code == 1
    assert result.stderr == ""
    # the post's location once, then what went wrong
    assert f"Failed 1:\n  {WHERE}: cannot convert this\n" in result.stdout
    assert result.stdout.endswith("out: 1 new, 0 changed, 0 unchanged\n")
    assert sorted(p.name for p in (work / "out").rglob("*.md")) == ["ancien.md"]  # the draft has a password: skipped


def test_a_bug_while_rendering_names_the_post(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wpmigrate.emit.jekyll import JekyllProfile

    def render(self, post, *args):  # type: ignore[no-untyped-def]
        raise AttributeError("'NoneType' object has no attribute 'year'")

    monkeypatch.setattr(JekyllProfile, "render", render)
    result = run()
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "wpmigrate: internal error: site.xml:24 post 10 'Matin à Étretat : « la mer »': AttributeError: "
    )


def test_a_bug_outside_any_post_is_one_line_too(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wpmigrate.pipeline as pipeline

    def build_index(*args):  # type: ignore[no-untyped-def]
        raise IndexError("list index out of range")

    monkeypatch.setattr(pipeline, "build_index", build_index)
    result = run()
    assert result.exit_code == 3
    assert result.stderr == f"wpmigrate: internal error: IndexError: list index out of range {HINT}\n"


def _convert_with_bugs(post, ctx):  # type: ignore[no-untyped-def]
    if post.id in (13, 37):
        raise ValueError(f"bug {post.id}")
    return ctx(post)


@pytest.mark.parametrize("jobs", [1, 3])
def test_the_first_bug_in_input_order_is_raised_whatever_the_jobs(jobs: int) -> None:
    from wpmigrate.errors import InternalError
    from wpmigrate.models import ConvertedPost, Post
    from wpmigrate.parallel import convert_many

    posts = [Post(source="e.xml", id=i, title=f"t{i}") for i in range(50)]
    seen = []
    with pytest.raises(InternalError) as err:
        for post, _ in convert_many(iter(posts), lambda p: ConvertedPost(markdown=p.title), jobs, _convert_with_bugs):
            seen.append(post.id)
    assert (err.value.where, err.value.error) == ("e.xml post 13 't13'", "ValueError: bug 13")
    assert "Traceback" in err.value.details and "_convert_with_bugs" in err.value.details
    assert seen == list(range(13))
