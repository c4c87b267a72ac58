"""--jobs N: convert posts in N processes, with results identical to --jobs 1.

Why this is safe to keep deterministic:
- posts go to the workers in chunks, dealt in turn (chunk n to worker n mod N), and each worker answers
  its chunks in the order it got them, so reading the answers in the same turn gives input order: every
  report list and every output is assembled in the same order as a sequential run;
- the converter's context is inherited by forking, not pickled (it holds closures: the link map, the
  asset resolver). Side effects of `ctx.rewrite_asset` (the resolver remembering what to fetch) happen
  in the workers' copies, so the parent replays them from `ConvertedPost.assets`, in order;
- a recorded failure comes back as "Type: message" text (exception classes with their own __init__ do
  not survive pickling), exactly the text a sequential run records; a bug comes back as the same
  InternalError a sequential run raises (plain strings, the worker's traceback included).

Why not multiprocessing.Pool: one message per post and three helper threads in this process fighting
for its GIL cost about a millisecond of CPU per post, a fifth of the conversion itself. Here this
process's only thread sends a chunk and reads a chunk's answers, one pipe write and one read per
CHUNK posts; a worker's one helper thread only moves chunks from its pipe to its queue (so this
process never blocks sending to a worker that is itself blocked sending answers back).

Where fork is not available (Windows), conversion runs in this process and says so once.
Memory stays flat: at most jobs * DEPTH * CHUNK posts are in flight, never the whole input.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any

from .errors import RECORDED, InternalError, bugs_named, describe
from .models import ConvertedPost, Post

Outcome = tuple[Post, "ConvertedPost | str"]
CHUNK = 4  # posts per message: few enough that a slow post holds up little, enough to make messages rare
DEPTH = 4  # chunks in flight per worker: it never waits for this process, memory stays flat
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


def _serve(inbox: Connection, outbox: Connection) -> None:
    """A worker: convert each chunk received, answer with its results; None (or a closed pipe) ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    chunks: SimpleQueue[list[Post] | None] = SimpleQueue()

    def receive() -> None:
        while True:
            try:
                chunk = inbox.recv()
            except (EOFError, OSError):
                chunk = None
            chunks.put(chunk)
            if chunk is None:
                return

    threading.Thread(target=receive, daemon=True).start()
    while (chunk := chunks.get()) is not None:
        outbox.send([_convert_one(post) for post in chunk])


class _Worker:
    def __init__(self, mp: Any) -> None:
        inbox, self.tasks = mp.Pipe(duplex=False)
        self.answers, outbox = mp.Pipe(duplex=False)
        self.process = mp.Process(target=_serve, args=(inbox, outbox), daemon=True)
        self.process.start()
        inbox.close()  # the worker's ends: closed here, so a dead worker reads as EOF
        outbox.close()

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
        else:
            try:
                self.tasks.send(None)
            except OSError:
                pass
        self.process.join()
        self.tasks.close()
        self.answers.close()


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
    workers: list[_Worker] = []
    pending: deque[tuple[_Worker, list[Post]]] = deque()
    try:
        mp = multiprocessing.get_context("fork")
        for _ in range(jobs):
            workers.append(_Worker(mp))  # one at a time: those started are stopped if the next fails
        # Chunks in flight, in input order: this process reads the next posts while the workers convert.
        source = iter(posts)
        n = 0
        while chunk := list(islice(source, CHUNK)):
            if len(pending) >= jobs * DEPTH:
                yield from _collect(*pending.popleft(), replay_asset)
            worker = workers[n % jobs]
            worker.tasks.send(chunk)
            pending.append((worker, chunk))
            n += 1
        while pending:
            yield from _collect(*pending.popleft(), replay_asset)
    finally:
        _CTX, _CONVERT = None, None
        for worker in workers:  # (the caller may stop reading after the last post: then none is in flight)
            worker.stop(now=bool(pending))


def _collect(worker: _Worker, chunk: list[Post], replay_asset: Callable[[str], Any] | None) -> Iterator[Outcome]:
    for post, value in zip(chunk, worker.receive(), strict=True):
        if isinstance(value, InternalError):
            raise value
        if isinstance(value, ConvertedPost) and replay_asset is not None:
            for ref in value.assets:
                replay_asset(ref.url)
        yield post, value
