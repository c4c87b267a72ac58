"""--jobs N: convert posts in N processes, with results identical to --jobs 1.

Why this is safe to keep deterministic:
- results come back in input order (batches of posts, `Pool.map` keeps order), so every report list
  and every output is assembled in the same order as a sequential run;
- the converter's context is inherited by forking, not pickled (it holds closures: the link map, the
  asset resolver). Side effects of `ctx.rewrite_asset` (the resolver remembering what to fetch) happen
  in the workers' copies, so the parent replays them from `ConvertedPost.assets`, in order;
- a recorded failure comes back as "Type: message" text (exception classes with their own __init__ do
  not survive pickling), exactly the text a sequential run records; a bug comes back as the same
  InternalError a sequential run raises (plain strings, the worker's traceback included).

Where fork is not available (Windows), conversion runs in this process and says so once.
Memory stays flat: posts are sent in batches, never the whole input at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import RECORDED, InternalError, bugs_named, describe
from .models import ConvertedPost, Post

Outcome = tuple[Post, "ConvertedPost | str"]
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


def _batches(items: Iterable[Post], size: int) -> Iterator[list[Post]]:
    batch: list[Post] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
            for batch in _batches(posts, jobs * 8):
                for post, value in zip(batch, pool.map(_convert_one, batch, chunksize=2), strict=True):
                    if isinstance(value, InternalError):
                        raise value
                    if isinstance(value, ConvertedPost) and replay_asset is not None:
                        for ref in value.assets:
                            replay_asset(ref.url)
                    yield post, value
    finally:
        _CTX, _CONVERT = None, None
