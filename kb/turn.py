"""Searches in worker threads take turns at running Python; one waiting for its query's
embedding steps aside for the next.

Why: a server runs the searches that embed their query in worker threads
(``api.offload``), so that those waiting for their embedding are many at once and
share a forward pass (``kb.query_batcher``). Apart from that wait a search is Python
and numpy under the GIL, and threads taking the GIL from one another run it slower
than one thread does (each hand-over wakes a thread on the other core, whose caches
are cold): on this 2-core machine sixteen threads ran 40% fewer keyword searches a
second than one, and the same sixteen taking turns behind a lock 90% as many as one;
served hybrid searches under 16 clients gained about 8% (``bench/http_load.py``). So
:func:`turn` lets one thread in at a time, and :func:`aside` (around the wait for an
embedding, ``kb.embedding.embed_query``) lets the next one in while this one waits,
then takes the turn back.

The turn is re-entrant within a thread, and :func:`aside` outside a turn does nothing,
so code that embeds a query need not know whether it runs in a turn (a keyword search
on the event loop, a build, the command line do not take one).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_HELD = threading.local()  # .depth: how many turn() blocks of this thread are open


def _depth() -> int:
    return getattr(_HELD, "depth", 0)  # type: ignore[no-any-return]


@contextmanager
def turn() -> Iterator[None]:
    """Hold the turn (wait for it unless this thread holds it already)."""
    depth = _depth()
    if depth == 0:
        _LOCK.acquire()
    _HELD.depth = depth + 1
    try:
        yield
    finally:
        _HELD.depth = depth
        if depth == 0:
            _LOCK.release()


@contextmanager
def aside() -> Iterator[None]:
    """Let the turn go for a blocking wait, and take it back after (a no-op without it)."""
    depth = _depth()
    if depth == 0:
        yield
        return
    _HELD.depth = 0
    _LOCK.release()
    try:
        yield
    finally:
        _LOCK.acquire()
        _HELD.depth = depth


def holding() -> bool:
    """Whether this thread holds the turn."""
    return _depth() > 0


__all__ = ["aside", "holding", "turn"]
