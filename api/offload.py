"""Which search requests leave the event loop: those that embed their query.

Why: a semantic or hybrid search waits for its query's embedding, and only searches
waiting at the same moment can share a forward pass (``kb.query_batcher``), so they
must run in worker threads, many at once, not one after another on the event loop
(``search`` is synchronous). A keyword search has nothing to wait for: it is Python
and numpy under the GIL from start to end, and on the event loop it runs without
handing the GIL to and from a worker thread on the other core, which on this 2-core
machine cost keyword searches about a third of their throughput
(``bench/http_load.py``, 16 clients).

:func:`threaded_when_embedding` wraps a synchronous handler taking ``kb`` and ``mode``
into an async one that calls it inline for a keyword search and in a worker thread
otherwise (the default mode of a version with vectors is hybrid), where the searches
take turns at running Python (``kb.turn``). The wrapper keeps
the handler's signature, so Litestar reads the same parameters and OpenAPI is
unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio.to_thread

from kb.modes import EMBEDDING_MODES, default_mode
from kb.store import KnowledgeBase
from kb.turn import turn

R = TypeVar("R")


def embeds(kb: KnowledgeBase, mode: object) -> bool:
    """Whether a search of ``mode`` (None: the version's default) embeds its query."""
    return (mode or default_mode(kb)) in EMBEDDING_MODES


def threaded_when_embedding(fn: Callable[..., R]) -> Callable[..., Awaitable[R]]:
    """``fn`` as an async handler: in a worker thread when the search embeds its query,
    inline on the event loop otherwise (an unknown mode too: ``fn`` refuses it at once)."""

    @functools.wraps(fn)
    async def handler(**kwargs: Any) -> R:
        if embeds(kwargs["kb"], kwargs.get("mode")):
            return await anyio.to_thread.run_sync(functools.partial(_in_turn, fn, kwargs))
        return fn(**kwargs)

    return handler


def _in_turn(fn: Callable[..., R], kwargs: dict[str, Any]) -> R:
    with turn():  # one worker thread's Python at a time; a search steps aside while its query is embedded
        return fn(**kwargs)


__all__ = ["embeds", "threaded_when_embedding"]
