"""Retrieval quality on ../shared/eval/dev-queries.json: nDCG@10, Recall@10 and MRR
per query language and per method, with the baselines measured in the same run.

Relevance is judged per article (treaty, article number), as the queries are; a
method's provision hits are folded into articles in rank order. Methods:

- ``surface-bm25`` (baseline): FTS5 BM25 over surface words, no lemmas, the question's
  words OR-ed;
- ``dense`` (baseline): multilingual-e5-small alone (the ``semantic`` mode);
- ``keyword``: the ``keyword`` mode as it is, every word of the question required
  (made for lawyers' terms, not questions: it finds little here);
- ``lemma-bm25``: BM25 over every candidate lemma of every token, words OR-ed (the
  keyword list the fusion uses for Kazakh questions);
- ``rrf``: reciprocal rank fusion of lemma-bm25 and dense, the undesigned default;
- ``hybrid``: the designed fusion (``kb.fusion``, ``kb.hybrid``), the default mode.

    python bench/retrieval.py [--kb var/kb] [--corpus corpus] [--queries FILE] [-v]

``--queries bench/heldout-queries.json`` runs the held-out set: 30 questions (10 each
in kk, ru, en, six per treaty) written, with their relevant articles, by a separate
session from the treaty texts alone, after the method and its constants were fixed and
without running the search. The method was designed with the dev queries in view; the
held-out figures are the check that it was not fitted to them.

Builds a knowledge base with vectors into a temporary folder when --kb is not given.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kb import hybrid
from kb.fusion import reciprocal_rank
from kb.keyword import keyword_scorer
from kb.modes import Found, SearchRequest
from kb.query import parse_query
from kb.store import KnowledgeBase, open_current
from kb.tokens import fold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the FTS5 oracle lives with the tests
from tests.fts5_oracle import Compiled, fts_string, match_provisions  # noqa: E402

QUERIES = ROOT.parent / "shared" / "eval" / "dev-queries.json"
K = 10

Method = Callable[[KnowledgeBase, str], Found]


def _request(text: str) -> SearchRequest:
    return SearchRequest(text, parse_query(text))


def surface_bm25(kb: KnowledgeBase, text: str) -> Found:
    """FTS5's own bm25 over the surface column: the plain full-text box."""
    words = [w.text for w in parse_query(text).words()]
    match = "surface : (" + " OR ".join(fts_string(fold(w)) for w in words) + ")"
    found = match_provisions(kb.path, Compiled(match, True), ())
    docs = kb.provision_table().numbers([m.rowid for m in found])
    return Found(docs, np.array([m.score for m in found]))


def keyword_mode(kb: KnowledgeBase, text: str) -> Found:
    """The ``keyword`` mode as a person uses it: every word of the question must match."""
    return keyword_scorer(kb, _request(text))


def lemma_bm25(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.keyword_candidates(kb, _request(text), "kk")


def dense(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.dense_candidates(kb, _request(text))


def rrf(kb: KnowledgeBase, text: str) -> Found:
    table = kb.provision_table()
    lists = [lemma_bm25(kb, text), dense(kb, text)]
    fused = reciprocal_rank([(table.article[f.docs], f.scores) for f in lists], table.articles)
    docs = np.unique(np.concatenate([f.docs for f in lists]))
    return Found(docs, fused[table.article[docs]])


def designed(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.hybrid_scorer(kb, _request(text))


METHODS: dict[str, Method] = {
    "surface-bm25": surface_bm25,
    "dense": dense,
    "keyword": keyword_mode,
    "lemma-bm25": lemma_bm25,
    "rrf": rrf,
    "hybrid": designed,
}


def ranked_articles(kb: KnowledgeBase, found: Found, file_of: dict[str, str]) -> list[tuple[str, str]]:
    """The articles of a method's hits in rank order, as (source file prefix, article number)."""
    table = kb.provision_table()
    order = np.lexsort((table.rowid[found.docs], -found.scores))[:400]
    out: list[tuple[str, str]] = []
    for d in found.docs[order]:
        treaty_id = table.treaty_ids[table.treaty[d]]
        key = (file_of[treaty_id], table.article_nums[table.article_num[d]])
        if key not in out:
            out.append(key)
    return out


def scores(ranked: list[tuple[str, str]], relevant: set[tuple[str, str]]) -> tuple[float, float, float]:
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:K]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    recall = len(set(ranked[:K]) & relevant) / len(relevant)
    mrr = next((1 / (i + 1) for i, key in enumerate(ranked) if key in relevant), 0.0)
    return dcg / ideal, recall, mrr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    kb_root = args.kb
    if kb_root is None:
        from kb.build import build

        kb_root = Path(tempfile.mkdtemp()) / "kb"
        build(args.corpus, kb_root, progress=None, vectors=True)
    kb = open_current(kb_root)
    file_of = {t.id: Path(kb.get_treaty(t.id).source).name[:3] for t in kb.list_treaties()}
    table: dict[str, dict[str, list[tuple[float, float, float]]]] = {m: {} for m in METHODS}
    for q in queries:
        relevant = {tuple(r) for r in q["relevant"]}
        for name, method in METHODS.items():
            ranked = ranked_articles(kb, method(kb, q["query"]), file_of)
            s = scores(ranked, relevant)
            table[name].setdefault(q["lang"], []).append(s)
            table[name].setdefault("all", []).append(s)
            if args.verbose and name == "hybrid" and s[0] < 1:
                print(f"  {q['lang']} nDCG {s[0]:.2f} {q['query'][:70]!r} want {sorted(relevant)} got {ranked[:3]}")
    langs = ["all", "kk", "ru", "en"]
    counts = ", ".join(f"{lang}: {len(table['hybrid'][lang])}" for lang in langs[1:])
    print(f"{len(queries)} queries ({counts})")
    for metric, index in (("nDCG@10", 0), ("Recall@10", 1), ("MRR", 2)):
        print(f"\n{metric:<14}" + "".join(f"{l:>8}" for l in langs))
        for name in METHODS:
            row = table[name]
            print(f"{name:<14}" + "".join(f"{sum(s[index] for s in row[l]) / len(row[l]):>8.3f}" for l in langs))
    print("\ntargets (hybrid): nDCG@10 >= 0.80 overall and >= 0.75 for each of kk, ru, en")


if __name__ == "__main__":
    main()
