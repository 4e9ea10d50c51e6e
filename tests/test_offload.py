"""Which searches leave the event loop (``api.offload``) and how the threads that run
them take turns (``kb.turn``).

Deterministic: threads meet at events, never at sleeps; the waits' timeouts are there
so that a broken turn fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from api.offload import embeds, threaded_when_embedding
from kb.turn import aside, holding, turn

LIVENESS = 30.0


class FakeKb:
    def __init__(self, vectors: bool) -> None:
        self.vectors = vectors

    def has_vectors(self) -> bool:
        return self.vectors


def test_which_searches_embed() -> None:
    with_vectors, without = FakeKb(True), FakeKb(False)
    assert embeds(with_vectors, "hybrid") and embeds(with_vectors, "semantic")  # type: ignore[arg-type]
    assert embeds(with_vectors, None)  # type: ignore[arg-type]  # the default of a version with vectors: hybrid
    assert not embeds(with_vectors, "keyword")  # type: ignore[arg-type]
    assert not embeds(without, None)  # type: ignore[arg-type]  # keyword, the default without vectors
    assert not embeds(with_vectors, "nonsense")  # type: ignore[arg-type]  # refused at once, inline


def _where(kb: Any, mode: str | None = None) -> tuple[threading.Thread, bool]:
    """The thread a handler ran on, and whether it held the turn."""
    return threading.current_thread(), holding()


def test_keyword_searches_run_on_the_loop_and_embedding_ones_in_a_thread_taking_turns() -> None:
    handler = threaded_when_embedding(_where)

    async def main() -> dict[str | None, tuple[threading.Thread, bool]]:
        kb = FakeKb(True)
        return {mode: await handler(kb=kb, mode=mode) for mode in ("keyword", "hybrid", "semantic", None)}

    seen = asyncio.run(main())
    loop_thread = threading.current_thread()  # asyncio.run runs the loop on this thread
    assert seen["keyword"] == (loop_thread, False)
    for mode in ("hybrid", "semantic", None):
        thread, in_turn = seen[mode]
        assert thread is not loop_thread and in_turn


def test_the_wrapper_keeps_the_handlers_signature() -> None:
    import inspect

    from api.search_routes import search_route

    fn = search_route.fn
    assert asyncio.iscoroutinefunction(fn)
    assert list(inspect.signature(fn).parameters)[:3] == ["kb", "q", "mode"]


def test_aside_lets_the_next_thread_in_and_takes_the_turn_back() -> None:
    stepped_aside, other_was_in = threading.Event(), threading.Event()

    def other() -> None:
        assert stepped_aside.wait(LIVENESS)
        with turn():
            other_was_in.set()

    thread = threading.Thread(target=other)
    thread.start()
    with turn():
        with turn():  # re-entrant: a nested turn is the same turn
            with aside():
                assert not holding()
                stepped_aside.set()
                assert other_was_in.wait(LIVENESS), "the other thread never got the turn"
            assert holding()
        assert holding()
    assert not holding()
    thread.join(LIVENESS)


def test_a_turn_keeps_other_threads_out_until_it_ends() -> None:
    other_in = threading.Event()

    def other() -> None:
        with turn():
            other_in.set()

    with turn():
        thread = threading.Thread(target=other)
        thread.start()
        assert not other_in.wait(0.2)  # not a speed check: it must not get in at all while the turn is held
    assert other_in.wait(LIVENESS)
    thread.join(LIVENESS)


def test_aside_without_a_turn_does_nothing() -> None:
    with aside():
        assert not holding()
    with turn():
        pass
    assert not holding()


def test_an_exception_gives_the_turn_back() -> None:
    with pytest.raises(RuntimeError), turn():
        raise RuntimeError("boom")
    assert not holding()
    done = threading.Event()

    def other() -> None:
        with turn():  # would block if the turn were still held
            done.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert done.wait(LIVENESS)
    thread.join(LIVENESS)
