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

import numpy as np

Embed = Callable[[list[str]], np.ndarray]
Progress = Callable[[int, int], None]

INDEX_NAME = "vectors.faiss"
CACHE_NAME = "vector-cache.sqlite"
DIM = 384


@dataclass(frozen=True, slots=True)
class VectorStats:
    """What a build of the vectors did: how many it needed and how many it embedded."""

    vectors: int
    embedded: int
    cached: int


def _key(model_hash: str, text: str) -> str:
    return hashlib.sha256(f"{model_hash}\x00{text}".encode("utf-8")).hexdigest()


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
    """An exact inner-product index (vectors are L2-normalised, so scores are cosines)
    with the provision rowids as ids. Exact search is a few milliseconds at the scale
    of every treaty a state signs; an approximate index would buy nothing here."""
    import faiss

    dim = vectors.shape[1] if len(vectors) else DIM
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
    faiss.write_index(index, str(path))


class VectorIndex:
    """A version's index, opened read-only (memory-mapped) for queries."""

    def __init__(self, path: Path) -> None:
        import faiss

        self.index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest provisions as (rowid, cosine), best first."""
        if len(self) == 0 or k <= 0:
            return []
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
