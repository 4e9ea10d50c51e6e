"""Retrieval quality: nDCG@10, Recall@10 and MRR per query set, per query language and
per method, with the baselines measured in the same run, on two knowledge bases.

Knowledge bases (built with vectors into a temporary folder):

- ``seeds``: the five seeds of ``corpus/``, as served;
- ``wider``: the seeds and the five development texts of ``tests/fixtures/dev-texts/``
  (other subjects and shapes: transport, sentenced persons, legal assistance,
  investments, a letter agreement), where names, glossary and routing learned on the
  seeds are tried on treaties they were not made from.

Query sets, each judged per article (treaty file prefix, article number), a method's
provision hits folded into articles in rank order:

- ``dev``: ``../shared/eval/dev-queries.json`` (45, seeds; the method was designed with
  them in view);
- ``heldout``: ``bench/heldout-queries.json`` (30, seeds; written by a separate session
  from the texts alone after the method was fixed);
- ``wider``: ``bench/wider-queries.json`` (45: 15 kk, 15 ru, 15 en over the wider
  corpus, many with several relevant articles; written blind by a separate session
  from the texts alone, without seeing the method or running the search). Judged on
  the wider knowledge base only.
- ``wider2``: ``bench/wider2-queries.json``, a second set written the same way by
  another session, later, so that a weight chosen with one blind set can be judged
  on the other (``bench/tune_fusion.py``).

Methods:

- ``surface-bm25`` (baseline): FTS5 BM25 over surface words, no lemmas, the question's
  words OR-ed;
- ``dense`` (baseline): multilingual-e5-small alone (the ``semantic`` mode);
- ``lemma-bm25``: BM25 over every candidate lemma of every token, words OR-ed (the
  keyword list the fusion uses for Kazakh questions);
- ``rrf``: reciprocal rank fusion of lemma-bm25 and dense, the undesigned default;
- ``hybrid``: the designed fusion (``kb.fusion``, ``kb.hybrid``), the default mode.

The question is read as the search reads it in these modes (``kb.search.read_query``:
filters taken out, everything else text).

``--embedding onnx,int8,torch`` builds the knowledge bases once per embedding variant of the
provisions (``kb.embedding.VARIANTS``) and ends with their nDCG@10 side by side, each
against the last variant named (the reference).

    python bench/retrieval.py [--kb-set seeds|wider|both] [--sets dev,heldout,wider,wider2] [-v] [--keep DIR]
                              [--embedding onnx,int8,torch]
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
from kb.embedding import select_variant, variant
from kb.fusion import reciprocal_rank
from kb.modes import Found, SearchRequest
from kb.search import read_query
from kb.store import KnowledgeBase, open_current
from kb.tokens import fold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the FTS5 oracle lives with the tests
from tests.fts5_oracle import Compiled, fts_string, match_provisions  # noqa: E402

QUERY_SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev-queries.json",
    "heldout": ROOT / "bench" / "heldout-queries.json",
    "wider": ROOT / "bench" / "wider-queries.json",
    "wider2": ROOT / "bench" / "wider2-queries.json",
}
CORPORA = {"seeds": (ROOT / "corpus",), "wider": (ROOT / "corpus", ROOT / "tests" / "fixtures" / "dev-texts")}
SETS_ON = {"seeds": ("dev", "heldout"), "wider": ("dev", "heldout", "wider", "wider2")}
K = 10

Method = Callable[[KnowledgeBase, str], Found]


def request(text: str) -> SearchRequest:
    query = read_query(text, "hybrid")
    return SearchRequest(query.text, query)


def surface_bm25(kb: KnowledgeBase, text: str) -> Found:
    """FTS5's own bm25 over the surface column: the plain full-text box."""
    words = [w.text for w in request(text).query.words()]
    match = "surface : (" + " OR ".join(fts_string(fold(w)) for w in words) + ")"
    found = match_provisions(kb.path, Compiled(match, True), ())
    docs = kb.provision_table().numbers([m.rowid for m in found])
    return Found(docs, np.array([m.score for m in found]))


def lemma_bm25(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.keyword_candidates(kb, request(text), "kk")


def dense(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.dense_candidates(kb, request(text))


def rrf(kb: KnowledgeBase, text: str) -> Found:
    table = kb.provision_table()
    lists = [lemma_bm25(kb, text), dense(kb, text)]
    fused = reciprocal_rank([(table.article[f.docs], f.scores) for f in lists], table.articles)
    docs = np.unique(np.concatenate([f.docs for f in lists]))
    return Found(docs, fused[table.article[docs]])


def designed(kb: KnowledgeBase, text: str) -> Found:
    return hybrid.hybrid_scorer(kb, request(text))


METHODS: dict[str, Method] = {
    "surface-bm25": surface_bm25,
    "dense": dense,
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


def treaty_key(source: str) -> str:
    """A treaty as the query sets name it: its file name up to the first "_" ("000",
    "07")."""
    return Path(source).name.split("_")[0]


def build_kb(name: str, folder: Path) -> KnowledgeBase:
    """The knowledge base ``name`` of ``CORPORA``, built with vectors under ``folder``
    (the sources copied side by side: a build reads one folder)."""
    from ingest.pipeline import source_files
    from kb.build import build

    corpus = folder / f"{name}-corpus"
    corpus.mkdir(parents=True)
    for path in source_files(CORPORA[name]):
        (corpus / path.name).write_bytes(path.read_bytes())
    build(corpus, folder / f"{name}-kb", progress=None, vectors=True)
    return open_current(folder / f"{name}-kb")


def evaluate(kb: KnowledgeBase, queries: list[dict], verbose: bool) -> dict[str, dict[str, list[tuple[float, float, float]]]]:
    """Method → language ("all" too) → per-query (nDCG@10, Recall@10, MRR)."""
    file_of = {t.id: treaty_key(kb.get_treaty(t.id).source) for t in kb.list_treaties()}
    table: dict[str, dict[str, list[tuple[float, float, float]]]] = {m: {} for m in METHODS}
    for q in queries:
        relevant = {(str(a), str(b)) for a, b in q["relevant"]}
        for name, method in METHODS.items():
            ranked = ranked_articles(kb, method(kb, q["query"]), file_of)
            s = scores(ranked, relevant)
            table[name].setdefault(q["lang"], []).append(s)
            table[name].setdefault("all", []).append(s)
            if verbose and name == "hybrid" and s[0] < 1:
                print(f"  {q['lang']} nDCG {s[0]:.2f} {q['query'][:70]!r} want {sorted(relevant)} got {ranked[:3]}")
    return table


def report(kb_name: str, set_name: str, table: dict[str, dict[str, list[tuple[float, float, float]]]]) -> None:
    langs = [lang for lang in ("all", "kk", "ru", "en") if lang in table["hybrid"]]
    counts = ", ".join(f"{lang} {len(table['hybrid'][lang])}" for lang in langs[1:])
    print(f"\n== knowledge base {kb_name!r}, query set {set_name!r} ({counts})")
    for metric, index in (("nDCG@10", 0), ("Recall@10", 1), ("MRR", 2)):
        print(f"{metric:<14}" + "".join(f"{lang:>8}" for lang in langs))
        for name in METHODS:
            row = table[name]
            print(f"{name:<14}" + "".join(f"{sum(s[index] for s in row[lang]) / len(row[lang]):>8.3f}" for lang in langs))


def mean_ndcg(rows: list[tuple[float, float, float]]) -> float:
    return sum(r[0] for r in rows) / len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb-set", choices=("seeds", "wider", "both"), default="both")
    ap.add_argument("--sets", default="dev,heldout,wider,wider2", help="query sets, comma-separated")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", type=Path, help="a folder to build the knowledge bases in, or reuse them from")
    ap.add_argument("--embedding", default=None, help="embedding variants of the provisions, comma-separated "
                    "(default: the build's, $KELISIM_EMBEDDING or onnx)")
    args = ap.parse_args()
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]
    root = args.keep or Path(tempfile.mkdtemp())
    variants = [v.strip() for v in (args.embedding or variant()).split(",") if v.strip()]
    ndcg: dict[tuple[str, str], dict[str, float]] = {}
    for embedding in variants:
        select_variant(embedding)
        folder = root / embedding if args.embedding else root
        folder.mkdir(parents=True, exist_ok=True)
        for kb_name in ("seeds", "wider") if args.kb_set == "both" else (args.kb_set,):
            kb = open_current(folder / f"{kb_name}-kb") if (folder / f"{kb_name}-kb").is_dir() else build_kb(kb_name, folder)
            for set_name in SETS_ON[kb_name]:
                path = QUERY_SETS[set_name]
                if set_name not in wanted or not path.is_file():
                    continue
                queries = json.loads(path.read_text(encoding="utf-8"))
                print(f"\n[embedding {embedding}]", end="")
                table = evaluate(kb, queries, args.verbose)
                report(kb_name, set_name, table)
                for method in ("hybrid", "dense"):
                    ndcg.setdefault((f"{kb_name}/{set_name}", method), {})[embedding] = mean_ndcg(table[method]["all"])
    if len(variants) > 1:
        reference, others = variants[-1], variants[:-1]
        print(f"\n== nDCG@10 (all languages) by embedding variant of the provisions; differences against {reference}")
        print(f"{'kb/set':<16}{'method':<8}" + "".join(f"{v:>8}" for v in variants)
              + "".join(f"{v + '-' + reference:>12}" for v in others))
        for (where, method), row in ndcg.items():
            print(f"{where:<16}{method:<8}" + "".join(f"{row[v]:>8.3f}" for v in variants)
                  + "".join(f"{row[v] - row[reference]:>+12.3f}" for v in others))
    print("\ntargets (issue 11, hybrid): wider knowledge base, blind sets >= 0.85 and each language >= 0.80;"
          " seeds knowledge base: no loss against the figures before")


if __name__ == "__main__":
    main()
