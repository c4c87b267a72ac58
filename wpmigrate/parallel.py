"""--jobs N: convert posts in N processes, with results identical to --jobs 1.

Why this is safe to keep deterministic:
- the posts are split into chunks, dealt in turn (chunk n to worker n mod N), and each worker answers
  its chunks in order, so reading the answers in the same turn gives input order: every report list and
  every output is assembled in the same order as a sequential run;
- the converter's context is inherited by forking, not pickled (it holds closures: the link map, the
  asset resolver). Side effects of `ctx.rewrite_asset` (the resolver remembering what to fetch) happen
  in the workers' copies, so the parent replays them from `ConvertedPost.assets`, in order;
- a recorded failure comes back as "Type: message" text (exception classes with their own __init__ do
  not survive pickling), exactly the text a sequential run records; a bug comes back as the same
  InternalError a sequential run raises (plain strings, the worker's traceback included).

This process sends nothing: the list of work is inherited by fork too, and each worker loads its own
posts (`load`: the pipeline's workers read them back from the run's post spool, spool.PostSpool),
converts them and sends each chunk's answers down its pipe. This process only reads answers, one pipe
read per CHUNK posts, and stays off the workers' cores. (multiprocessing.Pool costs a message per post
and three helper threads fighting for this process's GIL: about a millisecond of CPU per post.)

Memory stays flat: a worker runs ahead of this process only as far as its pipe holds (PIPE_BYTES),
then its send waits. No deadlock: this process always waits on the worker whose answer comes next,
and that worker waits on nothing.
Where fork is not available (Windows), conversion runs in this process.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from .errors import RECORDED, InternalError, bugs_named, describe
from .models import ConvertedPost, Post

T = TypeVar("T")
CHUNK = 4  # posts per message: few enough that a slow post holds up little, enough to make messages rare
PIPE_BYTES = 1 << 20  # how far ahead a worker may run (Linux lets a pipe hold this much without privileges)
_CTX: Any = None
_CONVERT: Callable[[Post, Any], ConvertedPost] | None = None
_ITEMS: Sequence[Any] = ()
_LOAD: Callable[[Any], Post] | None = None


def convert_or_record(post: Post, ctx: Any, convert: Callable[[Post, Any], ConvertedPost]) -> ConvertedPost | str:
    """The converted post, or "Type: message" when it failed for a RECORDED reason. Any other
    exception is a bug: raised as an InternalError naming the post."""
    try:
        with bugs_named(post.where):
            return convert(post, ctx)
    except RECORDED as exc:
        return describe(exc)


def load_and_convert(
    item: Any, load: Callable[[Any], Post], ctx: Any, convert: Callable[[Post, Any], ConvertedPost]
) -> ConvertedPost | str:
    """convert_or_record of the item's post; a post that cannot be read back is a bug (or the disk's)."""
    with bugs_named("--jobs: reading a post back"):
        post = load(item)
    return convert_or_record(post, ctx, convert)


def _convert_one(item: Any) -> ConvertedPost | str | InternalError:
    assert _CONVERT is not None and _LOAD is not None
    try:
        return load_and_convert(item, _LOAD, _CTX, _CONVERT)
    except InternalError as exc:  # sent back, raised by the parent in input order (as --jobs 1 does)
        return exc


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _serve(first: int, step: int, outbox: Connection) -> None:
    """A worker: convert chunks first, first + step, ... of _ITEMS, sending each one's answers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    try:
        for start in range(first * CHUNK, len(_ITEMS), step * CHUNK):
            outbox.send([_convert_one(item) for item in _ITEMS[start : start + CHUNK]])
    except OSError:  # (BrokenPipeError: the parent stopped reading, and will stop this process)
        pass
    outbox.close()


class _Worker:
    def __init__(self, mp: Any, first: int, step: int) -> None:
        self.answers, outbox = mp.Pipe(duplex=False)
        try:  # room to run ahead while this process waits on another worker
            import fcntl

            fcntl.fcntl(outbox.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):  # (not Linux, or a lower limit: 64 KB will do)
            pass
        self.process = mp.Process(target=_serve, args=(first, step, outbox), daemon=True)
        self.process.start()
        outbox.close()  # the worker's end: closed here, so a dead worker reads as EOF

    def receive(self) -> list[Any]:
        try:
            return self.answers.recv()  # what _serve sent: a list
        except EOFError:
            self.process.join(5)  # (its pipe closes as it ends: the exit code follows)
            code = self.process.exitcode
            raise InternalError("--jobs", f"a conversion process ended unexpectedly (exit code {code})") from None

    def stop(self, now: bool) -> None:
        if now:
            self.process.terminate()
        self.process.join()
        self.answers.close()


def convert_many(
    items: Iterable[T],
    ctx: Any,
    jobs: int,
    convert: Callable[[Post, Any], ConvertedPost],
    replay_asset: Callable[[str], Any] | None = None,
    load: Callable[[T], Post] | None = None,
) -> Iterator[tuple[T, ConvertedPost | str]]:
    """(item, ConvertedPost) or (item, "Type: message") for each item, in input order.

    `load(item)` is the item's post (run in the worker); without it, each item is a post. A post
    failing for a RECORDED reason gives its "Type: message"; any other exception raises an
    InternalError naming the first such post in input order, whatever `jobs` is. `replay_asset`:
    called in this process with each asset URL a worker's conversion passed to ctx.rewrite_asset.
    """
    global _CTX, _CONVERT, _ITEMS, _LOAD
    get: Callable[[Any], Post] = load or _same
    if jobs <= 1 or not fork_available():
        for item in items:
            yield item, load_and_convert(item, get, ctx, convert)
        return
    work = items if isinstance(items, Sequence) else list(items)
    _CTX, _CONVERT, _ITEMS, _LOAD = ctx, convert, work, get
    workers: list[_Worker] = []
    chunks = -(-len(work) // CHUNK)
    step = min(jobs, chunks)
    n = 0
    try:
        mp = multiprocessing.get_context("fork")
        for first in range(step):
            workers.append(_Worker(mp, first, step))  # one at a time: those started are stopped if one fails
        _CTX, _CONVERT, _ITEMS, _LOAD = None, None, (), None  # (the workers have their copies)
        while n < chunks:
            chunk = work[n * CHUNK : (n + 1) * CHUNK]
            yield from _collect(chunk, workers[n % step].receive(), replay_asset)
            n += 1
    finally:
        _CTX, _CONVERT, _ITEMS, _LOAD = None, None, (), None
        for worker in workers:  # (the caller may stop reading after the last post: then none is at work)
            worker.stop(now=n < chunks)


def _same(post: Any) -> Post:
    return post  # (without `load`, the items are the posts)


def _collect(
    chunk: Sequence[T], answers: list[Any], replay_asset: Callable[[str], Any] | None
) -> Iterator[tuple[T, Any]]:
    for item, value in zip(chunk, answers, strict=True):
        if isinstance(value, InternalError):
            raise value
        if isinstance(value, ConvertedPost) and replay_asset is not None:
            for ref in value.assets:
                replay_asset(ref.url)
        yield item, value
