"""Concurrent callers share one pass of a batch function: the search queries' embeddings.

Why: a hybrid or semantic search embeds its query, one transformer forward pass per
request, and that pass is most of the request's time. One pass over sixteen short
queries took about half the time of sixteen passes over one each on this machine
(the per-pass overhead is paid once, the matrix products get more rows), so queries
that arrive together should be embedded together.

How: :class:`Batcher` owns one worker thread. A caller queues its item and waits; the
worker takes everything queued (up to ``max_batch``), runs the batch function once on
it and hands each caller its own row. Requests arriving while a pass runs wait for the
next pass, which then takes them all. There is no collection window: when the worker
is idle it starts a pass as soon as one item is queued, so a lone caller pays only the
hand-over to the worker thread.

One thread, not the callers taking turns: every pass runs on the same thread, so torch
keeps one OpenMP team (each thread that starts parallel work gets a team of its own,
and teams of many short-lived callers would compete for the two cores), and no pass
ever runs concurrently with another.

Failure: if a pass raises, each of its items is run again alone, so the exception
reaches the caller whose item caused it and the others still get their rows; the
worker carries on with the next batch. After a fork the child starts a worker of its
own on first use (the parent's thread does not exist there).
"""

from __future__ import annotations

import os
import threading
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")

MAX_BATCH = 32
"""Items per pass at most: more than the concurrent searches a 2-core server runs
(Litestar's worker threads), so in practice a pass takes everything waiting."""


class _Call(Generic[T]):
    """One caller's item and, once its pass is over, its row or its exception."""

    __slots__ = ("done", "error", "item", "row")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = threading.Event()
        self.row: np.ndarray | None = None
        self.error: BaseException | None = None


class Batcher(Generic[T]):
    """``batcher(item)`` is ``run([item])[0]``, computed in one pass with whatever other
    items are waiting. Thread-safe; ``run`` is only ever called from the worker thread,
    one call at a time, and must return one row per item, in order. ``setup``, if given,
    runs once in the worker thread before its first pass: per-thread settings of what
    ``run`` calls (torch's thread count)."""

    def __init__(self, run: Callable[[list[T]], Sequence[np.ndarray] | np.ndarray], *,
                 max_batch: int = MAX_BATCH, name: str = "kelisim-batcher",
                 setup: Callable[[], None] | None = None) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._run = run
        self._setup = setup
        self._max_batch = max_batch
        self._name = name
        self._start()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition(threading.Lock())
        self._queue: deque[_Call[T]] = deque()
        self._worker: threading.Thread | None = None

    def __call__(self, item: T) -> np.ndarray:
        """``item``'s row; the exception its pass raised for it, if any."""
        call = _Call(item)
        if self._pid != os.getpid():  # a forked child: the parent's worker and lock are not ours
            self._start()
        with self._cond:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._worker.start()
            self._queue.append(call)
            self._cond.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        assert call.row is not None
        return call.row

    def waiting(self) -> int:
        """Items queued for the next pass (not those of the pass running now)."""
        with self._cond:
            return len(self._queue)

    def _work(self) -> None:
        if self._setup is not None:
            try:
                self._setup()
            except Exception as exc:  # noqa: BLE001 - the passes still run, with the defaults
                warnings.warn(f"{self._name}: setup failed: {type(exc).__name__}: {exc}", RuntimeWarning, stacklevel=1)
        while True:
            with self._cond:
                while not self._queue:
                    self._cond.wait()
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            self._pass(batch)

    def _pass(self, batch: list[_Call[T]]) -> None:
        """Run one pass and hand out its rows; on an exception, each item alone."""
        try:
            rows = self._run([call.item for call in batch])
            if len(rows) != len(batch):
                raise RuntimeError(f"the batch function returned {len(rows)} rows for {len(batch)} items")
        except BaseException as exc:  # noqa: BLE001 - it belongs to a caller; the worker must live on
            if len(batch) > 1:
                for call in batch:
                    self._pass([call])
                return
            batch[0].error = exc
            batch[0].done.set()
            return
        for call, row in zip(batch, rows):
            call.row = np.array(row, copy=True)  # the caller's own, not a view of the others' rows
            call.done.set()


__all__ = ["MAX_BATCH", "Batcher"]
