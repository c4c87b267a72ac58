"""--jobs N: convert posts in N processes, with results identical to --jobs 1.

Why this is safe to keep deterministic:
- results come back in input order (a window of posts in flight, collected first in first out), so every report list
  and every output is assembled in the same order as a sequential run;
- the converter's context is inherited by forking, not pickled (it holds closures: the link map, the
  asset resolver). Side effects of `ctx.rewrite_asset` (the resolver remembering what to fetch) happen
  in the workers' copies, so the parent replays them from `ConvertedPost.assets`, in order;
- a recorded failure comes back as "Type: message" text (exception classes with their own __init__ do
  not survive pickling), exactly the text a sequential run records; a bug comes back as the same
  InternalError a sequential run raises (plain strings, the worker's traceback included).

Where fork is not available (Windows), conversion runs in this process and says so once.
Memory stays flat: at most jobs * WINDOW_PER_JOB posts are in flight, never the whole input.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

from .errors import RECORDED, InternalError, bugs_named, describe
from .models import ConvertedPost, Post

Outcome = tuple[Post, "ConvertedPost | str"]
WINDOW_PER_JOB = 8  # posts in flight per process: enough that none waits, few enough to keep memory flat
_CTX: Any = None
_CONVERT: Callable[[Post, Any], ConvertedPost] | None = None


def convert_or_record(post: Post, ctx: Any, convert: Callable[[Post, Any], ConvertedPost]) -> ConvertedPost | str:
    """The converted post, or "Type: message" when it failed for a RECORDED reason. Any other
    exception is a bug: raised as an InternalError naming the post."""
    try:
        with bugs_named(post.where):
            return convert(post, ctx)
    except RECORDED as exc:
        return describe(exc)


def _convert_one(post: Post) -> ConvertedPost | str | InternalError:
    assert _CONVERT is not None
    try:
        return convert_or_record(post, _CTX, _CONVERT)
    except InternalError as exc:  # sent back, raised by the parent in input order (as --jobs 1 does)
        return exc


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def convert_many(
    posts: Iterable[Post],
    ctx: Any,
    jobs: int,
    convert: Callable[[Post, Any], ConvertedPost],
    replay_asset: Callable[[str], Any] | None = None,
) -> Iterator[Outcome]:
    """(post, ConvertedPost) or (post, "Type: message") for each post, in input order.

    A post failing for a RECORDED reason gives its "Type: message"; any other exception raises an
    InternalError naming the first such post in input order, whatever `jobs` is. `replay_asset`:
    called in this process with each asset URL a worker's conversion passed to ctx.rewrite_asset.
    """
    global _CTX, _CONVERT
    if jobs <= 1 or not fork_available():
        for post in posts:
            yield post, convert_or_record(post, ctx, convert)
        return
    _CTX, _CONVERT = ctx, convert
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # A window of posts in flight, in input order: the workers never wait for a batch to be
            # complete, and this process reads the next posts while they convert.
            window: deque[tuple[Post, AsyncResult[Any]]] = deque()
            for post in posts:
                window.append((post, pool.apply_async(_convert_one, (post,))))
                if len(window) >= jobs * WINDOW_PER_JOB:
                    yield _collect(*window.popleft(), replay_asset)
            while window:
                yield _collect(*window.popleft(), replay_asset)
    finally:
        _CTX, _CONVERT = None, None


def _collect(post: Post, pending: AsyncResult[Any], replay_asset: Callable[[str], Any] | None) -> Outcome:
    value = pending.get()
    if isinstance(value, InternalError):
        raise value
    if isinstance(value, ConvertedPost) and replay_asset is not None:
        for ref in value.assets:
            replay_asset(ref.url)
    return post, value
