"""--jobs N: convert posts in N processes, with results identical to --jobs 1.

Why this is safe to keep deterministic:
- results come back in input order (batches of posts, `Pool.map` keeps order), so every report list
  and every output is assembled in the same order as a sequential run;
- the converter's context is inherited by forking, not pickled (it holds closures: the link map, the
  asset resolver). Side effects of `ctx.rewrite_asset` (the resolver remembering what to fetch) happen
  in the workers' copies, so the parent replays them from `ConvertedPost.assets`, in order;
- errors come back as "Type: message" text (exception classes with their own __init__ do not survive
  pickling), exactly the text a sequential run records.

Where fork is not available (Windows), conversion runs in this process and says so once.
Memory stays flat: posts are sent in batches, never the whole input at once.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .models import ConvertedPost, Post

# The exceptions a conversion may raise for a bad post; the run records them and goes on.
# (pipeline.convert_all catches the same set for --jobs 1.)
Outcome = tuple[Post, "ConvertedPost | str"]
_CTX: Any = None
_CONVERT: Callable[[Post, Any], ConvertedPost] | None = None
_RECORDED: tuple[type[BaseException], ...] = ()


def _convert_one(post: Post) -> tuple[str, Any]:
    assert _CONVERT is not None
    try:
        return "ok", _CONVERT(post, _CTX)
    except _RECORDED as exc:
        return "failed", f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 -- a bug: re-raised in the parent with the worker's traceback
        return "crashed", traceback.format_exc()


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
    recorded: tuple[type[BaseException], ...],
    replay_asset: Callable[[str], Any] | None = None,
) -> Iterator[Outcome]:
    """(post, ConvertedPost) or (post, "Type: message") for each post, in input order.

    `recorded`: the exceptions that mark a bad post (others propagate). `replay_asset`: called in
    this process with each asset URL a worker's conversion passed to ctx.rewrite_asset.
    """
    global _CTX, _CONVERT, _RECORDED
    if jobs <= 1 or not fork_available():
        for post in posts:
            try:
                yield post, convert(post, ctx)
            except recorded as exc:
                yield post, f"{type(exc).__name__}: {exc}"
        return
    _CTX, _CONVERT, _RECORDED = ctx, convert, recorded
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for batch in _batches(posts, jobs * 8):
                for post, (status, value) in zip(batch, pool.map(_convert_one, batch, chunksize=2), strict=False):
                    if status == "crashed":
                        raise RuntimeError(f"{post.where}: conversion crashed in a worker process:\n{value}")
                    if status == "ok" and replay_asset is not None:
                        for ref in value.assets:
                            replay_asset(ref.url)
                    yield post, value
    finally:
        _CTX, _CONVERT, _RECORDED = None, None, ()
