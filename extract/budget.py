"""A per-document time budget: work that runs out of time is stopped with :class:`DocTimeout`.

One watchdog thread per process watches every running budget. A thread per document (a
``threading.Timer``) cost about a millisecond of CPU each, started and cancelled: 5 % of the whole
pipeline on news-sized articles.  Here entering a budget only records its deadline; the watchdog
sleeps until the earliest deadline and is woken only when a new budget ends before it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from typing import Any

HARD_GRACE = 15.0  # a pool worker still busy this long after its document's time ran out ends itself
_IN_POOL_WORKER = False  # set in pool workers (in_pool_worker): only there may an overrun document end the process


class DocTimeout(BaseException):
    """A document took longer than its time budget (raised in the thread that processes it).

    A BaseException, like KeyboardInterrupt: an ``except Exception`` inside a stage must not swallow it.
    """


def budget_for(chars: int, limit: float | None) -> float | None:
    """Seconds one document may take: ``limit`` per started million characters (a long article is not a hang)."""
    if not limit:
        return None
    return limit * max(1, -(-chars // 1_000_000))


def in_pool_worker() -> None:
    """Mark this process as a pool worker: a document stuck in native code may end it (see :class:`Budget`)."""
    global _IN_POOL_WORKER
    _IN_POOL_WORKER = True


class Budget:
    """A time limit on the enclosed work: :class:`DocTimeout` is raised in the working thread when it runs out.

    The watchdog stops the work: in the main thread (pool workers, the inline engine) with a signal,
    which also interrupts a blocking call such as a sleep; in any other thread (Dask runs tasks in threads,
    which signals cannot reach) with an asynchronous exception (``PyThreadState_SetAsyncExc``).  Either
    stops any Python loop.  Native code that never returns to the interpreter cannot be interrupted from
    inside the process: a pool worker still busy ``HARD_GRACE`` seconds later ends its own process; the
    pool is replaced and the document reported (``engines._Pool``).
    """

    __slots__ = ("seconds", "deadline", "lock", "fired", "done", "tid", "main", "old_handler")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = 0.0
        self.lock = threading.Lock()
        self.fired = self.done = False
        self.tid = 0
        self.main = False
        self.old_handler: Any = None

    def __enter__(self) -> Budget:
        if self.seconds:
            self.tid = threading.get_ident()
            self.main = self.tid == threading.main_thread().ident and hasattr(signal, "pthread_kill")
            if self.main:
                self.old_handler = signal.signal(signal.SIGALRM, self._alarm)
            self.deadline = time.monotonic() + self.seconds
            _watchdog().watch(self)
        return self

    def _alarm(self, signum: int, frame: Any) -> None:
        if not self.done:
            raise DocTimeout

    def fire(self) -> None:
        """Stop the work (called by the watchdog, in a thread of its own: the grace wait must not block it)."""
        with self.lock:
            if self.done:
                return
            self.fired = True
            if self.main:
                signal.pthread_kill(self.tid, signal.SIGALRM)
            else:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.tid), ctypes.py_object(DocTimeout))
        if _IN_POOL_WORKER:
            threading.Event().wait(HARD_GRACE)
            with self.lock:
                if not self.done:
                    os._exit(70)

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.seconds:
            return
        _watchdog().forget(self)
        with self.lock:
            self.done = True
            if self.fired and not self.main:  # a pending asynchronous exception must not escape this block
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.tid), None)
        if self.main:
            signal.signal(signal.SIGALRM, self.old_handler)
        if self.fired and exc_type is None:
            raise DocTimeout


class _Watchdog:
    """The thread that fires the budgets whose deadline has passed."""

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.running: dict[int, Budget] = {}  # id -> budget
        self.wake_at = float("inf")  # when the thread next looks (it is woken earlier only by watch)
        self.thread: threading.Thread | None = None

    def watch(self, b: Budget) -> None:
        """Start watching ``b`` (its deadline set); the thread is woken only if ``b`` ends before it looks."""
        with self.cond:
            self.running[id(b)] = b
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, daemon=True, name="zh-extract-budget")
                self.thread.start()
            elif b.deadline < self.wake_at:
                self.cond.notify()

    def forget(self, b: Budget) -> None:
        """Stop watching ``b``; no wake-up: the thread finds nothing due when it next looks."""
        with self.cond:
            self.running.pop(id(b), None)

    def _loop(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for b in [b for b in self.running.values() if b.deadline <= now]:
                    del self.running[id(b)]
                    threading.Thread(target=b.fire, daemon=True, name="zh-extract-budget-fire").start()
                self.wake_at = min((b.deadline for b in self.running.values()), default=float("inf"))
                self.cond.wait(None if self.wake_at == float("inf") else self.wake_at - now)


_WATCHDOG: _Watchdog | None = None


def _watchdog() -> _Watchdog:
    global _WATCHDOG
    if _WATCHDOG is None:
        _WATCHDOG = _Watchdog()
    return _WATCHDOG


def _after_fork() -> None:
    """A forked child has no watchdog thread (and its lock may have been held at the fork): it starts afresh."""
    global _WATCHDOG
    _WATCHDOG = None


with contextlib.suppress(AttributeError):  # os.register_at_fork: POSIX only
    os.register_at_fork(after_in_child=_after_fork)
