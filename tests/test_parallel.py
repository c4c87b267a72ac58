"""parallel.convert_many with real worker processes: answers bigger than a pipe's buffer in both
directions, a worker that dies, and the same results as --jobs 1."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from wpmigrate.errors import InternalError
from wpmigrate.models import ConvertedPost, Post
from wpmigrate.parallel import CHUNK, DEPTH, convert_many


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A deadlock between this process and its workers fails the test instead of hanging the suite."""

    def fail(*_: object) -> None:
        raise TimeoutError("convert_many hung")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _big(post: Post, ctx: object) -> ConvertedPost:
    # Answers of 300 KB each, for posts of 100 KB each: every chunk overflows the pipes both ways.
    return ConvertedPost(markdown=post.content * 3 + f"{post.id} {ctx}\n")


def test_big_posts_and_answers_come_back_whole_and_in_order() -> None:
    n = 2 * CHUNK * DEPTH * 3 + 1  # several times the posts in flight, and a last chunk of one
    posts = [Post(source="e.xml", id=i, content=f"{i:07d}" * 14_000) for i in range(n)]
    one = [(p.id, _text(c)) for p, c in convert_many(iter(posts), "ctx", 1, _big)]
    two = [(p.id, _text(c)) for p, c in convert_many(iter(posts), "ctx", 2, _big)]
    assert two == one
    assert [i for i, _ in two] == list(range(n)) and two[-1][1].endswith(f"{n - 1} ctx\n")


def _text(converted: ConvertedPost | str) -> str:
    return converted if isinstance(converted, str) else converted.markdown


def _dies(post: Post, ctx: object) -> ConvertedPost:
    if post.id == 30:
        os._exit(7)  # killed (out of memory, a crash in a C library): no exception, no answer
    return ConvertedPost(markdown=post.title)


def test_a_worker_that_dies_ends_the_run_with_one_error() -> None:
    posts = [Post(source="e.xml", id=i, title=f"t{i}") for i in range(100)]
    seen = []
    with pytest.raises(InternalError) as err:
        for post, _ in convert_many(iter(posts), None, 2, _dies):
            seen.append(post.id)
    assert str(err.value) == "--jobs: a conversion process ended unexpectedly (exit code 7)"
    assert seen == list(range(30 // CHUNK * CHUNK))  # the answers before the dead worker's chunk
