"""Dense vectors for semantic search: a FAISS index per knowledge-base version, and a
content-addressed cache of embeddings shared by all versions.

Why a cache: embedding is the slow part of a build (a transformer pass per provision),
while most provisions of a corpus do not change between builds. Each vector is keyed
by the sha256 of (model hash, text), so adding one treaty embeds only its own text,
and a new model never reuses an old model's vectors. The cache lives beside the
versions (``kb_root/vector-cache.sqlite``); the index of a version lives in its folder
(``vectors.faiss``, ids = provision rowids) and is never written again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Embed = Callable[[list[str]], np.ndarray]
Progress = Callable[[int, int], None]

CACHE_NAME = "vector-cache.sqlite"
DIM = 384


@dataclass(frozen=True, slots=True)
class VectorStats:
    """What a build of the vectors did: how many it needed and how many it embedded."""

    vectors: int
    embedded: int
    cached: int


def _key(model_hash: str, text: str) -> str:
    return hashlib.sha256(f"{model_hash}\x00{text}".encode()).hexdigest()


class VectorCache:
    """sha256(model, text) → float32 vector, in one SQLite file the builds share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            for key, blob in self.conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )

    def close(self) -> None:
        self.conn.close()


def embed_with_cache(
    texts: Sequence[str], embed: Embed, model_hash: str, cache: VectorCache, batch_size: int = 64, progress: Progress | None = None
) -> tuple[np.ndarray, VectorStats]:
    """Vectors for ``texts`` (rows in order), embedding only what the cache lacks."""
    keys = [_key(model_hash, t) for t in texts]
    have = cache.get_many(sorted(set(keys)))
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in have}.items())
    done = 0
    for i in range(0, len(missing), batch_size):
        batch = missing[i : i + batch_size]
        vectors = np.asarray(embed([t for _, t in batch]), dtype=np.float32)
        cache.put_many([(k, v) for (k, _), v in zip(batch, vectors)])
        have.update({k: v for (k, _), v in zip(batch, vectors)})
        done += len(batch)
        if progress:
            progress(done, len(missing))
    matrix = np.stack([have[k] for k in keys]) if keys else np.zeros((0, DIM), dtype=np.float32)
    return matrix.astype(np.float32), VectorStats(len(keys), len(missing), len(keys) - len(missing))


def write_index(path: Path, ids: Sequence[int], vectors: np.ndarray) -> None:
    """An exhaustive inner-product index over half-precision vectors (they are
    L2-normalised, so scores are cosines) with the provision rowids as ids.

    Exhaustive, so nothing is missed as an approximate graph would; half precision,
    because a query scans every vector and float16 halves the bytes scanned. On the
    synthetic corpus of 40,000 provisions (``bench/vector_index.py``) a 300-nearest
    search takes about a fifth of float32 ``IndexFlatIP``'s time, with the same top ten
    on every query tried and the same top 300 up to ties."""
    import faiss

    dim = vectors.shape[1] if len(vectors) else DIM
    index = faiss.IndexIDMap2(faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT))
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
    faiss.write_index(index, str(path))


class VectorIndex:
    """A version's dense index, opened read-only (memory-mapped) for queries: one file
    per segment (``kb.segments``), searched together as one index. A segment that holds
    provisions of treaties the version no longer has comes with its live rowids, and is
    searched within them only."""

    def __init__(self, parts: Sequence[tuple[Path, np.ndarray | None]]) -> None:
        import faiss

        self._parts = [
            (faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY), None if live is None else np.sort(live))
            for path, live in parts
        ]

    def __len__(self) -> int:
        return sum(int(index.ntotal) if live is None else len(live) for index, live in self._parts)

    def search(self, query: np.ndarray, k: int, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest provisions as (rowids, cosines), best first; among the
        rowids ``within`` only, when given (searched within them, not filtered after)."""
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if len(self) == 0 or k <= 0 or (within is not None and not len(within)):
            return empty
        found_ids, found_scores = [], []
        for index, live in self._parts:
            allowed = within if live is None else (live if within is None else np.intersect1d(within, live))
            ids, scores = _search_one(index, query, k, allowed)
            found_ids.append(ids)
            found_scores.append(scores)
        ids, scores = np.concatenate(found_ids), np.concatenate(found_scores)
        best = np.argsort(-scores, kind="stable")[:k]
        return ids[best], scores[best]

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(rowids, vectors) of every live provision, segment after segment: for what is
        derived from the whole index once per version (``kb.hybrid``'s treaty centroids)."""
        import faiss

        all_ids, all_vectors = [np.zeros(0, dtype=np.int64)], [np.zeros((0, DIM), dtype=np.float32)]
        for index, live in self._parts:
            if index.ntotal == 0:
                continue
            ids = faiss.vector_to_array(index.id_map).astype(np.int64)
            vectors = faiss.downcast_index(index.index).reconstruct_n(0, int(index.ntotal))
            keep = np.ones(len(ids), dtype=bool) if live is None else np.isin(ids, live)
            all_ids.append(ids[keep])
            all_vectors.append(vectors[keep])
        return np.concatenate(all_ids), np.concatenate(all_vectors)


def _search_one(index: Any, query: np.ndarray, k: int, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """One segment's ``k`` nearest, within some rowids when given: a bitmap over rowids,
    bit i set when rowid i may be returned (faiss sizes it in bytes)."""
    import faiss

    if index.ntotal == 0 or (within is not None and not len(within)):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    params = None
    if within is not None:
        bits = np.zeros(int(within.max()) + 1, dtype=bool)
        bits[within] = True
        bitmap = np.packbits(bits, bitorder="little")
        params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap)))
        k = min(k, len(within))
    scores, ids = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, int(index.ntotal)), params=params)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep]
