"""parallel.convert_many with real worker processes: answers bigger than a pipe's buffer in both
directions, a worker that dies, and the same results as --jobs 1."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from wpmigrate.errors import InternalError
from wpmigrate.models import ConvertedPost, Post
from wpmigrate.parallel import CHUNK, PIPE_BYTES, convert_many
from wpmigrate.spool import PostSpool, Spool, pickle_post


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
    n = 2 * CHUNK * 8 + 1  # several times what a pipe holds (PIPE_BYTES), and a last chunk of one
    assert n * 300_000 > 8 * PIPE_BYTES
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


def _echo(post: Post, ctx: object) -> ConvertedPost:
    return ConvertedPost(markdown=f"{post.where} {len(post.content)} {post.content[-7:]} {post.meta}\n")


def test_workers_read_their_posts_from_the_post_spool(tmp_path: Path) -> None:
    """The pipeline's way: this process sends nothing; each worker reads its posts back from the post
    spool it inherited (pread), one of them bigger than a pipe holds, and gives what --jobs 1 gives."""
    posts = [
        Post(source="e.xml", line=10 * i, id=i, title=f"t{i}", content=f"{i:07d}" * 10, meta={"k": [i]})
        for i in range(40)
    ]
    posts[17] = replace(posts[17], content="x" * (3 * PIPE_BYTES) + "1234567")
    spool = PostSpool(Spool(tmp_path))
    where = {p.id: spool.put(pickle_post(p)) for p in posts}
    refs = [(p.source, p.line, p.id) for p in posts]

    def load(key: tuple[str, int | None, int | None]) -> Post:
        assert key[2] is not None
        return spool.get(*where[key[2]], key)

    one = [(k, _text(c)) for k, c in convert_many(refs, None, 1, _echo, load=load)]
    two = [(k, _text(c)) for k, c in convert_many(refs, None, 2, _echo, load=load)]
    assert one == two == [(k, _text(_echo(p, None))) for k, p in zip(refs, posts, strict=True)]
    assert two[17][1] == f"e.xml:170 post 17 't17' {3 * PIPE_BYTES + 7} 1234567 {{'k': [17]}}\n"
    spool.close()
    assert list(tmp_path.iterdir()) == []
