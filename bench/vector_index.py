"""The dense index's choice: exhaustive search over float16 vectors against float32.

A query scans every vector, so its time is the bytes scanned; float16 halves them.
This prints, for the vectors of a built knowledge base, the p50 time of a 300-nearest
search with ``IndexFlatIP`` (float32, the baseline) and with the float16
``IndexScalarQuantizer`` the build writes, how often their top ten agree, and how much
of the float16 top 300 (what the hybrid mode takes as candidates) is in the exact one.

    python bench/vector_index.py --kb /path/to/kb [--queries 50]

Use the knowledge base of ``bench/latency.py``'s synthetic corpus (40,000 provisions)
to see the difference; on the five treaties both are well under a millisecond.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import faiss
import numpy as np

from kb.paths import KbPaths
from kb.store import open_current
from kb.vectors import VectorCache, embed_with_cache

K = 300


def timed(index: faiss.Index, queries: np.ndarray) -> tuple[float, np.ndarray]:
    index.search(queries[:1], K)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, ids = index.search(q[None], K)
        times.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0])
    return statistics.median(times), np.stack(found)


def original_vectors(kb_root: Path) -> np.ndarray:
    """The float32 vectors the build embedded, from the shared embedding cache (the
    version's own index holds them rounded to float16)."""
    kb = open_current(kb_root)
    texts = [t for (t,) in kb.raw_connection().execute("SELECT text FROM provisions ORDER BY rowid")]

    def refuse(batch: list[str]) -> np.ndarray:
        raise SystemExit(f"{len(batch)} vectors are not in the embedding cache; build this knowledge base again")

    cache = VectorCache(KbPaths(kb_root).vector_cache)
    try:
        vectors, _ = embed_with_cache(texts, refuse, kb.manifest()["vectors"]["model_hash"], cache)
    finally:
        cache.close()
    return vectors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    vectors = original_vectors(args.kb)
    n = len(vectors)
    rng = np.random.default_rng(0)
    queries = vectors[rng.choice(n, args.queries, replace=False)] + rng.normal(0, 0.02, (args.queries, vectors.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    half = faiss.IndexScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    half.add(vectors)
    flat_ms, flat_ids = timed(flat, queries)
    half_ms, half_ids = timed(half, queries)
    top10 = np.mean([list(a[:10]) == list(b[:10]) for a, b in zip(flat_ids, half_ids, strict=True)])
    # the synthetic corpus repeats provisions, so many vectors tie: a float16 pick is as
    # good as the baseline's when its exact cosine reaches the baseline's 300th
    exact = queries @ vectors.T
    kth = np.take_along_axis(exact, flat_ids[:, -1:], axis=1)
    overlap = float(np.mean(np.take_along_axis(exact, half_ids, axis=1) >= kth - 1e-6))
    print(f"{n} vectors, {args.queries} queries, {K} nearest each")
    print(f"  float32 IndexFlatIP (baseline)  p50 {flat_ms:6.2f} ms   {vectors.nbytes / 1e6:6.1f} MB")
    print(f"  float16 scalar quantizer        p50 {half_ms:6.2f} ms   {vectors.nbytes / 2e6:6.1f} MB"
          f"   ({half_ms / flat_ms:.2f}x the baseline's time)")
    print(f"  same top ten on {top10:.0%} of queries; {overlap:.3f} of the float16 top {K} are in the exact top {K} (ties included)")


if __name__ == "__main__":
    main()
