"""Search latency on the corpus and on a synthetic corpus ~100 times larger.

The synthetic corpus recombines real provisions: each synthetic treaty is a title, a
preamble and 17 articles drawn at random from the seeds' articles (their text as
parsed), written out as a source file the whole pipeline parses. For each corpus the
benchmark prints the build time, the version folder's size, the peak memory, and the
p50/p95 latency of keyword, semantic and hybrid queries, beside a baseline run on the
same knowledge base in the same run: FTS5's own bm25 top ten straight from SQLite
(the least a search that ranks in FTS5 pays). Targets (issue 5): keyword
p50 <= 5 ms and p95 <= 20 ms, hybrid p50 <= 50 ms on this 2-core machine.

    python bench/latency.py [--copies 500] [--queries 60]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from ingest import parse_path, source_files
from kb.build import build
from kb.query import parse_query
from kb.search import search
from kb.store import KnowledgeBase, open_current

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the FTS5 oracle lives with the tests
from tests.fts5_oracle import add_fts, compile_match  # noqa: E402

QUERIES = ROOT.parent / "shared" / "eval" / "dev-queries.json"
NAME_WORDS = ["алтын", "күміс", "темір", "мыс", "қалайы", "тас", "құм", "орман", "дала", "тау", "өзен", "көл", "теңіз", "жел", "бұлт", "жаңбыр", "қар", "күн", "ай", "жұлдыз"]


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


KEYWORD_QUERIES = ["құпия ақпаратқа", "ақпарат алмасу", "даулар келіссөздер", "күшіне енеді", "депозитарий",
                   "құзыретті органдар", '"құпия ақпарат" -тарату', "шығыстар year:2017", "хабарлама"]


def _build_in_child(corpus: Path, root: Path, out: Connection) -> None:
    start = time.perf_counter()
    result = build(corpus, root, progress=None, vectors=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send((seconds, peak, result.counts, str(result.path)))
    out.close()


def build_measured(corpus: Path) -> tuple[Path, float, float, dict[str, int], Path]:
    """Build in a fresh child process, so its peak memory is its own (the parent has
    already loaded the model and other corpora); spawned, not forked, as a fork of a
    process whose torch thread pool is running can hang: (kb root, seconds, peak MB,
    counts, version folder)."""
    root = Path(tempfile.mkdtemp()) / "kb"
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_build_in_child, args=(corpus, root, send))
    child.start()
    seconds, peak, counts, folder = receive.recv()
    child.join()
    return root, seconds, peak, counts, Path(folder)


def timed(run: Callable[[str], object], texts: list[str]) -> list[float]:
    run(texts[0])  # warm: model, index, caches
    times = []
    for text in texts:
        t0 = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def fts5_top10(kb: KnowledgeBase) -> Callable[[str], object]:
    """The baseline: FTS5's bm25 top ten straight from SQLite (ORDER BY rank LIMIT 10) on
    the same lemma expression, with no total, no facets, no phrase check, no hits built."""
    conn = kb.raw_connection()
    add_fts(conn, "temp")  # versions carry no FTS5 table: the oracle's, over the same provisions

    def run(text: str) -> object:
        match = compile_match(parse_query(text)).match
        return conn.execute(
            "SELECT rowid FROM provisions_fts WHERE provisions_fts MATCH ? ORDER BY bm25(provisions_fts, 0.5, 1.0) LIMIT 10",
            (match,),
        ).fetchall()

    return run


def line(label: str, times: list[float], baseline: list[float] | None = None) -> str:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    text = f"  {label:<22} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({len(times)} queries)"
    if baseline:
        text += f"   p50 {p50 / statistics.median(baseline):.2f}x the baseline's"
    return text


def measure(corpus: Path, label: str, queries: list[str]) -> None:
    root, build_s, peak, counts, folder = build_measured(corpus)
    print(f"\n{label}: {counts['treaties']} treaties, {counts['articles']} articles")
    print(f"  build {build_s:.1f} s, folder {folder_size(folder) / 1e6:.1f} MB, build peak memory {peak:.0f} MB")
    kb = open_current(root)
    baseline = timed(fts5_top10(kb), KEYWORD_QUERIES)
    print(line("fts5 bm25 top-10 (base)", baseline))
    print(line("keyword", timed(lambda t: search(kb, t, mode="keyword", limit=10), KEYWORD_QUERIES), baseline))
    for mode in ("semantic", "hybrid"):
        print(line(mode, timed(lambda t, m=mode: search(kb, t, mode=m, limit=10), queries)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  serving process peak memory so far {rss:.0f} MB (model, index and tables loaded)")


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
