"""Work on every core: a pool of forked worker processes for the two heavy stages of a cold
build, parsing the exercise files and drawing the exercise pages.

Results come back in the order asked for, so the output is the same as with one process; a
worker dies with the build that started it and leaves Ctrl-C to it.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def worth_it(items: int, from_count: int) -> int:
    """How many workers `items` pieces of work are worth: 0 to do them in this process. A
    pool pays from `from_count` items; forking a process that runs other threads can copy a
    lock held by one of them, so never then."""
    workers = min(os.cpu_count() or 1, items // (from_count // 2))
    return workers if workers >= 2 and threading.active_count() == 1 else 0


class InOrder:
    """`work` over `items` in chunks of `chunk`, on `workers` forked processes, which start at
    once (this process goes on with other work meanwhile); each result as it comes, in order.
    At most `ahead` chunks a worker are under way, and their results not yet read: a slow
    reader (the writer of 10,000 pages) does not have them pile up in memory. Use it in a
    `with`: leaving stops it."""

    def __init__(self, work: Callable[[list[Item]], list[Result]], items: list[Item], workers: int, chunk: int,
                 ahead: int = 2):
        self.work, self.window = work, ahead * workers
        self.chunks = deque(items[at:at + chunk] for at in range(0, len(items), chunk))
        import multiprocessing  # with its pools: only a build of hundreds of files needs them
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_start_worker, initargs=(os.getpid(),))
        self.pending: deque = deque()  # concurrent.futures.Future
        try:
            self._submit()
        except BaseException:  # Ctrl-C held back while the workers were forked: raised here, before any `with`
            self.pool.shutdown(wait=True, cancel_futures=True)
            raise

    def _submit(self) -> None:
        # A submit may fork the workers: born with Ctrl-C and SIGTERM held back until they ignore
        # them (_start_worker), or one sent meanwhile kills a worker half-started and the build,
        # waiting for its pool, hangs (12 runs in 30 when sent as the workers started).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            while self.chunks and len(self.pending) < self.window:
                self.pending.append(self.pool.submit(self.work, self.chunks.popleft()))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def __iter__(self) -> Iterator[Result]:
        while self.pending:
            done = self.pending.popleft().result()
            self._submit()
            yield from done

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, kind, error, trace) -> None:
        # Ctrl-C, or a problem in one: do not do what is left before stopping. wait=True: a
        # manager thread left running races Python's exit and prints "Exception ignored ...
        # Bad file descriptor" (3.11); in-flight chunks are short.
        self.pool.shutdown(wait=True, cancel_futures=True)


def each(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """`work` over each of `items`, in a worker's chunk."""
    return [work(item) for item in items]


_STOPS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # Linux prctl(): a signal for this process when its parent dies


def _start_worker(parent: int) -> None:
    """A pool worker dies with the build that started it, and leaves Ctrl-C and SIGTERM
    to it: sent to the whole process group, they stop the build, which stops its pool.

    Otherwise a killed build leaves its workers running, holding its stdout and stderr
    open, so whoever reads them to the end waits for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # held back since the fork (InOrder._submit)
    gc.freeze()  # what the build made before the fork: never walked, so never copied, by this worker's collector
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: no such call
        pass
    if os.getppid() != parent:  # the parent died before prctl() took effect
        os._exit(1)
