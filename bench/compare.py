"""Comparison speed: the clause matrix over every treaty of a synthetic corpus of 500
(``bench/latency.py``'s, recombined from the seeds' articles), as JSON and as DOCX,
beside the time to read the articles it cites from the store alone (the least a
matrix that quotes its evidence pays). Targets (issue 12): JSON <= 300 ms, DOCX <= 3 s.

    python bench/compare.py [--copies 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import synthetic_corpus  # noqa: E402

from kb.build import build  # noqa: E402
from kb.clause_matrix import clause_matrix  # noqa: E402
from kb.compare_render import render  # noqa: E402
from kb.store import KnowledgeBase, open_current  # noqa: E402


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def read_cited_articles(kb: KnowledgeBase) -> int:
    """The baseline: the text of every article a cell cites, straight from SQLite."""
    rows = kb._all(  # noqa: SLF001 - a bench measures the store's floor
        "SELECT a.text FROM clauses c JOIN articles a ON a.treaty_id = c.treaty_id AND a.num = c.article_num"
    )
    return sum(len(r[0]) for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    articles = synthetic_corpus(folder / "corpus", args.copies)
    t0 = time.perf_counter()
    build(folder / "corpus", folder / "kb", progress=None, vectors=False)
    print(f"synthetic corpus: {args.copies} treaties, {articles} articles, built in {time.perf_counter() - t0:.1f} s (no vectors)")
    kb = open_current(folder / "kb")
    matrix = clause_matrix(kb)
    found = sum(1 for row in matrix.rows for cell in row.cells if cell.status == "found")
    print(f"matrix: {len(matrix.rows)} treaties x {len(matrix.columns)} columns, {found} cells found")
    fresh = lambda: open_current(folder / "kb")  # noqa: E731 - a cold version: no cached texts or maps
    base = median_ms(lambda: read_cited_articles(fresh()), args.repeat)
    as_json = median_ms(lambda: render(clause_matrix(fresh()), "json"), args.repeat)
    as_docx = median_ms(lambda: render(clause_matrix(fresh()), "docx"), max(1, args.repeat // 2))
    warm = median_ms(lambda: render(clause_matrix(kb), "json"), args.repeat)
    print(f"  read the cited articles from the store (base)  {base:8.1f} ms")
    print(f"  clause matrix as JSON, cold version            {as_json:8.1f} ms   {as_json / base:.1f}x the base   (target <= 300 ms)")
    print(f"  clause matrix as JSON, warm version            {warm:8.1f} ms   {warm / base:.1f}x the base")
    print(f"  clause matrix as DOCX, cold version            {as_docx:8.1f} ms   {as_docx / base:.1f}x the base   (target <= 3000 ms)")


if __name__ == "__main__":
    main()
