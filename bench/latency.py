"""Search latency on the corpus and on a synthetic corpus ~100 times larger.

The synthetic corpus recombines real provisions: each synthetic treaty is a title, a
preamble and 17 articles drawn at random from the seeds' articles (their text as
parsed), written out as a source file the whole pipeline parses. For each corpus the
benchmark prints the build time, the version folder's size, the peak memory, and the
p50/p95 latency of keyword, semantic and hybrid queries. Targets (issue 5): keyword
p50 <= 5 ms and p95 <= 20 ms, hybrid p50 <= 50 ms on this 2-core machine.

    python bench/latency.py [--copies 500] [--queries 60]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from ingest import parse_path, source_files
from kb.build import build
from kb.search import search
from kb.store import open_current

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT.parent / "shared" / "eval" / "dev-queries.json"
NAME_WORDS = "алтын күміс темір мыс қалайы тас құм орман дала тау өзен көл теңіз жел бұлт жаңбыр қар күн ай жұлдыз".split()


def synthetic_corpus(folder: Path, copies: int, seed: int = 7) -> int:
    """Write ``copies`` treaties recombined from the seeds' articles; return the article count."""
    rng = random.Random(seed)
    seeds = [parse_path(p) for p in source_files([ROOT / "corpus"])]
    articles = [a.text for t in seeds for a in t.articles if a.text.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(copies):
        a, b = NAME_WORDS[i % len(NAME_WORDS)], NAME_WORDS[(i // len(NAME_WORDS)) % len(NAME_WORDS)]
        c = NAME_WORDS[(i // len(NAME_WORDS) ** 2) % len(NAME_WORDS)]
        lines = [f"Тараптар арасындағы {a} {b} {c} ынтымақтастығы туралы КЕЛІСІМ", ""]
        lines.append("      Бұдан әрі Тараптар деп аталатын мемлекеттердің үкіметтері,")
        lines.append("      төмендегілер туралы келісті:")
        for n in range(1, 18):
            lines.append(f"{n}-бап")
            lines.extend("      " + line for line in rng.choice(articles).split("\n"))
            total += 1
        lines.append("      2020 жылғы 1 қаңтарда Астана қаласында орыс тілінде бір төлнұсқа данада жасалды.")
        (folder / f"syn_{i:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(corpus: Path, label: str, queries: list[str]) -> None:
    root = Path(tempfile.mkdtemp()) / "kb"
    start = time.perf_counter()
    result = build(corpus, root, progress=None, vectors=True)
    build_s = time.perf_counter() - start
    kb = open_current(root)
    print(f"\n{label}: {result.counts['treaties']} treaties, {result.counts['articles']} articles")
    print(f"  build {build_s:.1f} s, folder {folder_size(result.path) / 1e6:.1f} MB, "
          f"peak memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    keyword_queries = ["құпия ақпаратқа", "ақпарат алмасу", "даулар келіссөздер", "күшіне енеді", "депозитарий",
                       "құзыретті органдар", '"құпия ақпарат" -тарату', "шығыстар year:2017", "хабарлама"]
    for mode, texts in (("keyword", keyword_queries), ("semantic", queries), ("hybrid", queries)):
        search(kb, texts[0], mode=mode, limit=10)  # warm: model, index, caches
        times = []
        for text in texts:
            t0 = time.perf_counter()
            search(kb, text, mode=mode, limit=10)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"  {mode:<9} p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms   ({len(times)} queries)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--queries", type=int, default=45)
    args = ap.parse_args()
    queries = [q["query"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))][: args.queries]
    measure(ROOT / "corpus", "corpus", queries)
    synthetic = Path(tempfile.mkdtemp()) / "synthetic"
    start = time.perf_counter()
    articles = synthetic_corpus(synthetic, args.copies)
    print(f"\nsynthetic corpus: {args.copies} treaties, {articles} articles, written in {time.perf_counter() - start:.1f} s")
    measure(synthetic, "synthetic (x100)", queries)
    print("\ntargets: keyword p50 <= 5 ms, p95 <= 20 ms; hybrid p50 <= 50 ms")


if __name__ == "__main__":
    main()
