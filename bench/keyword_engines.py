"""Tantivy against our own keyword index (``kb.lexical``), on the same inputs (issue 14).

The question: could Tantivy (its Python bindings) replace the hand-built index? Both
engines are fed the *same* pre-analysed streams, read from the built knowledge base's
``provisions.tokens`` (``[start, end, folded surface, [lemmas]]``); nothing is analysed
again. The Tantivy index has one text field, ``terms``, given as a
``PreTokenizedString`` (no tokenizer runs over it, so lemmas with spaces or hyphens
reach it whole): per token its folded form (``s\\x1f…``) and each of its lemmas
(``l\\x1f…``), all at the token's position. One field, not a lemma field and a form
field, because ``kb.lexical`` scores both kinds of term against one document length
(forms plus lemmas, as ``bm25s`` indexes them); two fields would give each its own
length and change BM25 by design. Phrases query the ``l`` terms only, whose positions
are the tokens' (several lemmas of one token share one), as in ``kb.lexical``. Fast
fields carry the provision number, treaty, level and year (facets, filters).

Our parsed queries (``kb.query``) become Tantivy queries that mean the same:

- a word: disjunction-max over its lemma terms (tie breaker 0: the best reading, as
  ``LexicalIndex.word``) plus its form term boosted by 0.5 (``SURFACE_WEIGHT``);
- a phrase: the OR of exact phrase queries over every combination of its words'
  lemmas, as a zero-scoring must, its words' queries as shoulds (our phrase scores
  its words' weights);
- clauses must, ``OR`` groups should, exclusions must-not; a ``year:`` filter is a
  zero-scoring range query on the year fast field.

Queries: the keyword queries of ``bench/latency.py`` through ``LexicalIndex.evaluate``,
and the dev questions (``/work/shared/eval/dev-queries.json``) as the keyword path of
the hybrid mode sends them (``kb.hybrid.keyword_candidates``): the Kazakh content
words, or for Russian and English the Kazakh terms of ``kb.expansion``, OR-ed
(``LexicalIndex.any_of``). The local idf rescale for a question that names a treaty is
left out on both sides (``named=None``): it is a per-term reweighting inside a set of
provisions, done in numpy over all matches whichever engine finds them.

BM25: Tantivy's is Lucene's with the ``(k1 + 1)`` factor, which ``bm25s``'s "lucene"
drops, so its scores are ours × 2.2 up to float32 rounding and its fieldnorm (document
length) quantised to 256 buckets (exact below ~40 terms, then in steps of ~1/8).

    python bench/keyword_engines.py [--kb ROOT] [--copies 500] [--rounds 7] [--corpus-only]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tantivy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repo's packages first

from bench.latency import KEYWORD_QUERIES, folder_size, percentile, synthetic_corpus  # noqa: E402
from bench.scale import keyword_index_bytes  # noqa: E402
from kb.build import build  # noqa: E402
from kb.hybrid import _stop  # noqa: E402
from kb.lexical import LEMMA, SURFACE, SURFACE_WEIGHT, LexicalIndex, merge, postings  # noqa: E402
from kb.provision_table import LEVELS, NO_YEAR  # noqa: E402
from kb.query import AnyOf, Phrase, Query, Term, Word, parse_query, term_of  # noqa: E402
from kb.store import KnowledgeBase, open_current  # noqa: E402
from kb.tokens import unpack_tokens  # noqa: E402

FIELD = "terms"
TOP = 10
DEV_QUERIES = Path("/work/shared/eval/dev-queries.json")
TANTIVY_BM25_SCALE = 2.2
"""Tantivy's BM25 = ``bm25s`` Lucene BM25 × (k1 + 1), k1 = 1.2."""


# -- the Tantivy index --------------------------------------------------------------------


def tantivy_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(FIELD, stored=False, tokenizer_name="raw", index_option="position")
    builder.add_unsigned_field("num", fast=True)
    builder.add_unsigned_field("treaty", fast=True)
    builder.add_unsigned_field("level", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


@dataclass(frozen=True)
class Provision:
    """One row of ``provisions`` as both engines read it."""

    rowid: int
    tokens: list[list[object]]
    treaty: int
    level: int
    year: int


def read_provisions(conn: sqlite3.Connection) -> list[Provision]:
    rows = conn.execute("SELECT rowid, tokens, treaty_id, level, year FROM provisions ORDER BY rowid").fetchall()
    treaties: dict[str, int] = {}
    codes = {name: i for i, name in enumerate(LEVELS)}
    return [
        Provision(rowid, unpack_tokens(raw), treaties.setdefault(tid, len(treaties)), codes[level], NO_YEAR if year is None else year)
        for rowid, raw, tid, level, year in rows
    ]


def tantivy_document(num: int, p: Provision) -> tantivy.Document:
    tokens = []
    for k, (start, end, surface, lemmas) in enumerate(p.tokens):  # type: ignore[misc]
        tokens.append(tantivy.Token(SURFACE + str(surface), k, int(start), int(end)))
        tokens.extend(tantivy.Token(LEMMA + str(lemma), k, int(start), int(end)) for lemma in lemmas)  # type: ignore[union-attr]
    doc = tantivy.Document()
    doc.add_pre_tokenized_text(FIELD, tantivy.PreTokenizedString("", tokens))
    doc.add_unsigned("num", num)
    doc.add_unsigned("treaty", p.treaty)
    doc.add_unsigned("level", p.level)
    doc.add_integer("year", p.year)
    return doc


def build_tantivy(provisions: Sequence[Provision], folder: Path) -> tantivy.Index:
    """One segment (one writer thread, a heap that holds it all): doc ids are then the
    provision numbers, and no merge runs while queries are timed."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    index = tantivy.Index(tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=1_000_000_000, num_threads=1)
    for num, p in enumerate(provisions):
        writer.add_document(tantivy_document(num, p))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def build_ours(provisions: Sequence[Provision]) -> tuple[LexicalIndex, list[tuple[str, bytes]]]:
    """What our build does: the postings counted and stored (deflated rows), then what
    opening a version does: merged into the index with its BM25 weights."""
    part = postings((p.rowid, p.tokens) for p in provisions)
    rows = part.to_rows()
    return merge([(part, np.arange(len(provisions), dtype=np.int64))], len(provisions)), rows


# -- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A query as both engines run it: our evaluation, and the Tantivy query."""

    label: str
    ours: Callable[[], tuple[np.ndarray, np.ndarray]]
    theirs: tantivy.Query


class Translator:
    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def _term(self, text: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, FIELD, text, index_option="position")

    def word(self, word: Word) -> tantivy.Query:
        lemmas = [self._term(LEMMA + lemma) for lemma in dict.fromkeys(word.lemmas)]
        best = tantivy.Query.disjunction_max_query(lemmas, tie_breaker=0.0)
        surface = tantivy.Query.boost_query(self._term(SURFACE + word.form), SURFACE_WEIGHT)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, best), (tantivy.Occur.Should, surface)])

    def phrase(self, phrase: Phrase) -> tantivy.Query:
        readings = [list(dict.fromkeys(w.lemmas)) for w in phrase.words]
        exact = [
            (tantivy.Occur.Should, tantivy.Query.phrase_query(self.schema, FIELD, [LEMMA + x for x in combo]))
            for combo in itertools.product(*readings)
        ]
        matches = tantivy.Query.const_score_query(tantivy.Query.boolean_query(exact), 0.0)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, matches), *((tantivy.Occur.Should, self.word(w)) for w in phrase.words)]
        )

    def term(self, term: Term) -> tantivy.Query:
        return self.phrase(term) if isinstance(term, Phrase) else self.word(term)

    def query(self, query: Query) -> tantivy.Query:
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for clause in query.clauses:
            if isinstance(clause, AnyOf):
                q = tantivy.Query.boolean_query([(tantivy.Occur.Should, self.term(t)) for t in clause.terms])
            else:
                q = self.term(clause)
            parts.append((tantivy.Occur.Must, q))
        parts.extend((tantivy.Occur.MustNot, self.term(t)) for t in query.excluded)
        if query.filters.year:
            years = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, r.start, r.end))
                    for r in query.filters.year
                ]
            )
            parts.append((tantivy.Occur.Must, tantivy.Query.const_score_query(years, 0.0)))
        if query.filters.treaty or query.filters.party or query.filters.type or query.filters.article:
            raise ValueError("only year: filters are translated in this bench")
        return tantivy.Query.boolean_query(parts)

    def any_of(self, terms: Sequence[Term]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.term(t)) for t in dict.fromkeys(terms)])


def keyword_cases(kb: KnowledgeBase, index: LexicalIndex, tr: Translator) -> list[Case]:
    """``bench/latency.py``'s keyword queries, as the keyword mode evaluates them."""
    table = kb.provision_table()
    cases = []
    for text in KEYWORD_QUERIES:
        query = parse_query(text)
        allowed = table.allowed([query.filters], kb.party_treaties) if query.filters else None

        def ours(q: Query = query, mask: np.ndarray | None = allowed) -> tuple[np.ndarray, np.ndarray]:
            found, scores = index.evaluate(q)
            return (found, scores) if mask is None else (found & mask, scores)

        cases.append(Case(f"kw: {text}", ours, tr.query(query)))
    return cases


def question_terms(text: str, language: str) -> tuple[Term, ...]:
    """What ``kb.hybrid.keyword_candidates`` OR-s for a question (without a filter)."""
    from kb.expansion import kazakh_terms

    if language == "kk":
        query = parse_query(text, max_chars=4000, max_words=400, as_text=True)
        return tuple(w for w in query.words() if not _stop(w))
    return tuple(t for t in (term_of(x) for x in kazakh_terms(text)) if t is not None)


def dev_cases(index: LexicalIndex, tr: Translator, path: Path) -> list[Case]:
    from kb.aliases import detect_language

    cases = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        terms = question_terms(item["query"], detect_language(item["query"]))
        if not terms:
            continue

        def ours(t: tuple[Term, ...] = terms) -> tuple[np.ndarray, np.ndarray]:
            found, scores = index.any_of(t)
            return found & (scores > 0), scores

        cases.append(Case(f"dev {item['lang']}: {item['query'][:48]}", ours, tr.any_of(terms)))
    return cases


# -- running ---------------------------------------------------------------------------------


def ours_all(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Every match (provision numbers) and its score, as ``kb.modes.Found.from_mask``."""
    found, scores = case.ours()
    docs = np.flatnonzero(found)
    return docs, scores[docs]


def ours_top(case: Case) -> tuple[np.ndarray, int]:
    docs, scores = ours_all(case)
    if len(docs) > TOP:
        keep = scores >= np.partition(scores, len(docs) - TOP)[len(docs) - TOP]
        docs_k, scores_k = docs[keep], scores[keep]
    else:
        docs_k, scores_k = docs, scores
    return docs_k[np.lexsort((docs_k, -scores_k))][:TOP], len(docs)


def theirs_all(searcher: tantivy.Searcher, case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Every match and its score out of Tantivy: a search with the limit at the number
    of documents, the provision number read from the ``num`` fast field."""
    hits = searcher.search(case.theirs, limit=max(searcher.num_docs, 1), count=False).hits
    nums = searcher.fast_field_values("num", [address for _, address in hits])
    return np.asarray(nums, dtype=np.int64), np.fromiter((s for s, _ in hits), dtype=np.float64, count=len(hits))


def theirs_top(searcher: tantivy.Searcher, case: Case) -> tuple[np.ndarray, int]:
    result = searcher.search(case.theirs, limit=TOP, count=True)
    nums = searcher.fast_field_values("num", [address for _, address in result.hits])
    return np.asarray(nums, dtype=np.int64), int(result.count or 0)


def timings(runs: dict[str, Callable[[Case], object]], cases: Sequence[Case], rounds: int) -> dict[str, list[float]]:
    """Per engine, per case, the median over ``rounds`` rounds (ms). Warm: one untimed
    pass first; interleaved: each round runs every case on every engine, the engines'
    order alternating from round to round."""
    names = list(runs)
    for case in cases:
        for name in names:
            runs[name](case)
    samples: dict[str, list[list[float]]] = {n: [[] for _ in cases] for n in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for i, case in enumerate(cases):
            for name in order:
                t0 = time.perf_counter()
                runs[name](case)
                samples[name][i].append((time.perf_counter() - t0) * 1000)
    return {n: [statistics.median(s) for s in samples[n]] for n in names}


# -- agreement ------------------------------------------------------------------------------


def ranked(docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return docs[np.lexsort((docs, -scores))]


@dataclass(frozen=True)
class Agreement:
    label: str
    hits_ours: int
    hits_theirs: int
    same_set: bool
    top_same: bool
    overlap: int
    full_same: bool
    max_rel_diff: float
    reason: str
    same_at_their_lengths: bool
    """Our ranking, with BM25 at Tantivy's quantised lengths (``with_lengths``), equals
    Tantivy's full ranking."""


def agreement(case: Case, shadow: Case, searcher: tantivy.Searcher, tie: float = 1e-6) -> Agreement:
    """How Tantivy's answer to ``case`` agrees with ours; ``shadow`` is the same query on
    our index rescored at Tantivy's lengths, which tells quantisation from the rest."""
    docs_o, scores_o = ours_all(case)
    docs_t, scores_t = theirs_all(searcher, case)
    scores_t = scores_t / TANTIVY_BM25_SCALE
    top_o, _ = ours_top(case)
    top_t, _ = theirs_top(searcher, case)
    same_set = set(docs_o.tolist()) == set(docs_t.tolist())
    full_o, full_t = ranked(docs_o, scores_o), ranked(docs_t, scores_t)
    full_same = same_set and bool(np.array_equal(full_o, full_t))
    docs_q, scores_q = ours_all(shadow)
    same_at_lengths = bool(np.array_equal(ranked(docs_q, scores_q), full_t))
    max_rel = 0.0
    reason = ""
    if same_set and len(docs_o):
        by_doc = dict(zip(docs_t.tolist(), scores_t.tolist()))
        theirs_here = np.asarray([by_doc[d] for d in docs_o.tolist()])
        rel = np.abs(theirs_here - scores_o) / np.maximum(np.abs(scores_o), 1e-12)
        max_rel = float(rel.max())
        if not full_same:
            if max_rel <= tie:
                reason = "ties broken otherwise"
            elif same_at_lengths:
                reason = "fieldnorm quantisation: identical at Tantivy's lengths"
            else:
                reason = "scores differ, and still at Tantivy's lengths (float32 near-ties)"
    elif not same_set:
        reason = f"matched sets differ: {len(set(docs_o.tolist()) - set(docs_t.tolist()))} only ours, {len(set(docs_t.tolist()) - set(docs_o.tolist()))} only Tantivy's"
    top_same = bool(np.array_equal(top_o, top_t))
    if not top_same and same_set and np.array_equal(full_t[:TOP], top_o):
        # Tantivy's full list, ties broken as ours (provision order), starts with our
        # top ten: its own top-10 broke exact score ties otherwise (identical
        # provisions, which the synthetic corpus repeats)
        reason += ("; " if reason else "") + "top-10: same but for Tantivy's order among exact score ties"
    return Agreement(
        case.label, len(docs_o), len(docs_t), same_set, top_same, len(set(top_o.tolist()) & set(top_t.tolist())),
        full_same, max_rel, reason, same_at_lengths,
    )


def same_terms(index: LexicalIndex, searcher: tantivy.Searcher) -> tuple[int, int, int]:
    """Every term of ours has the same document frequency in Tantivy: the streams
    reached it unchanged (lemmas with a space or a hyphen whole). Returns (terms,
    terms with a space or a hyphen, terms whose frequency differs)."""
    df = np.diff(index.weight_indptr)
    differ = sum(searcher.doc_freq(FIELD, term) != int(df[i]) for i, term in enumerate(index.vocab))
    spaced = sum(1 for term in index.vocab if " " in term or "-" in term)
    return len(index.vocab), spaced, differ


# -- why the scores differ -------------------------------------------------------------------


def tantivy_lengths(provisions: Sequence[Provision], searcher: tantivy.Searcher, schema: tantivy.Schema) -> tuple[np.ndarray, float]:
    """The document length Tantivy scores each provision with (its fieldnorm, quantised
    to one byte), and its average length, read from its own explanations: one
    explanation per distinct true length (a term query on the provision's first form)."""
    true = np.asarray([len(p.tokens) + sum(len(t[-1]) for t in p.tokens) for p in provisions], dtype=np.int64)  # type: ignore[misc,arg-type]
    seen: dict[int, float] = {0: 0.0}
    avgdl = 0.0
    for num, p in enumerate(provisions):
        if int(true[num]) in seen:
            continue
        q = tantivy.Query.term_query(schema, FIELD, SURFACE + str(p.tokens[0][2]))
        address = next(a for _, a in searcher.search(q, limit=searcher.num_docs).hits if searcher.fast_field_values("num", [a])[0] == num)
        found = _explained(json.loads(q.explain(searcher, address).to_json()))
        seen[int(true[num])], avgdl = found["dl, length of field"], found["avgdl, average length of field"]
    return np.asarray([seen[int(n)] for n in true]), avgdl


def _explained(node: dict[str, object]) -> dict[str, float]:
    out = {str(node.get("description")): float(node.get("value", 0.0))}  # type: ignore[arg-type]
    for child in node.get("details", []) or []:  # type: ignore[union-attr]
        out.update(_explained(child))
    return out


def with_lengths(index: LexicalIndex, provisions: Sequence[Provision], lengths: np.ndarray, avgdl: float) -> LexicalIndex:
    """Our index with every BM25 weight recomputed at Tantivy's (quantised) lengths: the
    term frequency is recovered from each weight, then scored again. If our ranking
    then equals Tantivy's, the quantisation is the whole difference."""
    from kb.lexical import K1, B

    docs = index.weight_docs
    true = np.asarray([len(p.tokens) + sum(len(t[-1]) for t in p.tokens) for p in provisions], dtype=np.float64)  # type: ignore[misc,arg-type]
    n_docs = len(provisions)
    df = np.diff(index.weight_indptr)
    idf = np.repeat(np.log(1 + (n_docs - df + 0.5) / (df + 0.5)), df)
    w = index.weight_values.astype(np.float64)
    norm_true = K1 * (1 - B + B * true[docs] / true.mean())
    tf = np.rint(w * norm_true / np.maximum(idf - w, 1e-12))
    norm_theirs = K1 * (1 - B + B * lengths[docs] / avgdl)
    values = (idf * tf / (tf + norm_theirs)).astype(np.float32)
    return LexicalIndex(
        index.vocab, index.weight_indptr, index.weight_docs, values, index.position_indptr, index.positions,
        index.doc_rowids, index.doc_starts,
    )


# -- sizes -------------------------------------------------------------------------------------


def our_sizes(version: Path) -> dict[str, int]:
    """Bytes of our keyword index's parts over the version's segment files (``dbstat``,
    ``bench/scale.py``): the postings and the stored token streams. Versions carry no
    FTS5 table any more; the key stays, at 0, so a report reads the same."""
    postings, tokens = keyword_index_bytes(version)
    return {"lexical": postings, "provisions.tokens": tokens, "provisions_fts": 0}


# -- the report ----------------------------------------------------------------------------------


def measure(kb_root: Path, label: str, rounds: int, build_rounds: int, with_keyword: bool, queries: Path) -> None:
    kb = open_current(kb_root)
    t0 = time.perf_counter()
    provisions = read_provisions(kb.raw_connection())  # the views over the version's segments
    read_s = time.perf_counter() - t0
    articles = sum(1 for p in provisions if p.level == 0)
    print(f"\n== {label}: {len(provisions):,} provisions, {articles:,} articles ({kb.path})")
    print(f"  reading and decoding provisions.tokens (both engines' input): {read_s:.2f} s")

    import bm25s  # noqa: F401  (imported before any build is timed)

    work = Path(tempfile.mkdtemp(prefix="tantivy-", dir="/tmp/k-engines" if Path("/tmp/k-engines").is_dir() else None))
    build_o: list[float] = []
    build_t: list[float] = []
    index = None
    for r in range(build_rounds):
        for engine in (("ours", "tantivy") if r % 2 == 0 else ("tantivy", "ours")):
            t0 = time.perf_counter()
            if engine == "ours":
                ours_index, rows = build_ours(provisions)
                build_o.append(time.perf_counter() - t0)
            else:
                index = build_tantivy(provisions, work / "index")
                build_t.append(time.perf_counter() - t0)
    assert index is not None
    ours_index = kb.lexical_index()  # the one the version stores (same input, same code)
    searcher = index.searcher()

    sizes = our_sizes(kb.path)
    tantivy_bytes = folder_size(work / "index")
    print("  size on disk:")
    print(f"    ours    lexical tables (term counts + lemma positions per segment, deflated)  {sizes['lexical']:>12,} B  {sizes['lexical'] / articles / 1024:6.2f} KB/article")
    print(f"    ours    provisions.tokens (token streams, deflated JSON: offsets, forms, lemmas; highlighting, the input)  {sizes['provisions.tokens']:>12,} B  {sizes['provisions.tokens'] / articles / 1024:6.2f} KB/article")
    print(f"    ours    provisions_fts (FTS5, contentless: SQL users, the test oracle)  {sizes['provisions_fts']:>12,} B  {sizes['provisions_fts'] / articles / 1024:6.2f} KB/article")
    print(f"    ours    sum of the three  {sum(sizes.values()):>12,} B  {sum(sizes.values()) / articles / 1024:6.2f} KB/article")
    print(f"    tantivy index folder (postings, positions, fieldnorms, fast fields; replaces `lexical`)  {tantivy_bytes:>12,} B  {tantivy_bytes / articles / 1024:6.2f} KB/article   {tantivy_bytes / max(sizes['lexical'], 1):.2f}x ours' lexical")
    print("  build from the decoded streams (median of %d, interleaved):" % build_rounds)
    print(f"    ours    {statistics.median(build_o):6.2f} s   (postings counted + stored rows + merged with BM25 weights)")
    print(f"    tantivy {statistics.median(build_t):6.2f} s   (documents + add + commit, 1 thread)   {statistics.median(build_t) / statistics.median(build_o):.2f}x ours")

    terms, spaced, differ = same_terms(ours_index, searcher)
    print(f"  the streams in Tantivy: {terms:,} terms ({spaced:,} with a space or a hyphen), {differ} with another document frequency than ours")
    tr = Translator(index.schema)
    lengths, avgdl = tantivy_lengths(provisions, searcher, index.schema)
    shadow_index = with_lengths(ours_index, provisions, lengths, avgdl)
    groups = [("dev questions, hybrid keyword path (any_of)", dev_cases(ours_index, tr, queries), dev_cases(shadow_index, tr, queries))]
    if with_keyword:
        groups.insert(0, ("bench/latency.py keyword queries (evaluate)", keyword_cases(kb, ours_index, tr), keyword_cases(kb, shadow_index, tr)))
    for title, cases, shadows in groups:
        print(f"\n  -- {title}: {len(cases)} queries")
        agreements = [agreement(c, sh, searcher) for c, sh in zip(cases, shadows, strict=True)]
        for a in agreements:
            flag = "=" if a.full_same else ("~" if a.top_same else "!")
            print(
                f"    {flag} hits {a.hits_ours:>6}/{a.hits_theirs:<6} set {'same' if a.same_set else 'DIFF'}"
                f"  top10 {'same' if a.top_same else 'diff'} overlap {a.overlap:>2}  full {'same' if a.full_same else 'diff'}"
                f"  max rel score diff {a.max_rel_diff:.1e}  {a.label}" + (f"  [{a.reason}]" if a.reason else "")
            )
        n = len(agreements)
        print(
            f"    agreement: matched sets equal {sum(a.same_set for a in agreements)}/{n}, top-10 identical "
            f"{sum(a.top_same for a in agreements)}/{n}, full ranking identical {sum(a.full_same for a in agreements)}/{n}, "
            f"mean overlap@10 {statistics.mean(a.overlap for a in agreements) if n else 0:.2f}; "
            f"full ranking identical once ours is scored at Tantivy's quantised lengths {sum(a.same_at_their_lengths for a in agreements)}/{n}"
        )
        runs: dict[str, Callable[[Case], object]] = {
            "ours top-10": ours_top,
            "tantivy top-10": lambda c: theirs_top(searcher, c),
            "ours all matches": ours_all,
            "tantivy all matches": lambda c: theirs_all(searcher, c),
        }
        times = timings(runs, cases, rounds)
        for name, values in times.items():
            base = times["ours top-10" if "top" in name else "ours all matches"]
            print(
                f"    {name:<20} p50 {statistics.median(values):7.2f} ms  p95 {percentile(values, 0.95):7.2f} ms"
                f"   p50 {statistics.median(values) / statistics.median(base):.2f}x ours"
            )
        stash.append((f"{label}, {title.split(',')[0].split(' (')[0]}", agreements, times))
    sizes_seen.append((label, tantivy_bytes, sizes["lexical"]))
    all_matches_probe(ours_index, provisions, searcher, tr, rounds)


def all_matches_probe(index: LexicalIndex, provisions: Sequence[Provision], searcher: tantivy.Searcher, tr: Translator, rounds: int) -> None:
    """A common two-word query: what it costs to have every match with its score, and
    the treaty facet counted by each engine (numpy over the matches, as
    ``ProvisionTable.facet_counts``; Tantivy's terms aggregation on the fast field)."""
    treaty_of = np.asarray([p.treaty for p in provisions], dtype=np.int64)
    query = parse_query("Тараптар ақпарат")
    case = Case("Тараптар ақпарат", lambda: index.evaluate(query), tr.query(query))
    hits = len(ours_all(case)[0])

    def theirs_by_address(c: Case) -> object:  # one segment: the doc id is the provision number
        found = searcher.search(c.theirs, limit=max(searcher.num_docs, 1), count=False).hits
        return np.fromiter((a.doc for _, a in found), dtype=np.int64, count=len(found))

    times = timings(
        {
            "ours (numpy)": ours_all,
            "tantivy + num fast field": lambda c: theirs_all(searcher, c),
            "tantivy, doc ids only": theirs_by_address,
            "tantivy count only": lambda c: searcher.search(c.theirs, limit=1, count=True).count,
            "ours treaty facet": lambda c: np.bincount(treaty_of[ours_all(c)[0]]),
            "tantivy treaty facet (agg)": lambda c: searcher.aggregate(
                c.theirs, {"treaty": {"terms": {"field": "treaty", "size": 100_000}}}
            ),
        },
        [case],
        max(rounds, 15),
    )
    print(f"\n  -- every match with its score, \"Тараптар ақпарат\" ({hits:,} provisions match):")
    for name, values in times.items():
        print(f"    {name:<26} {values[0]:8.2f} ms   {values[0] / times['ours (numpy)'][0]:6.2f}x ours")


stash: list[tuple[str, list[Agreement], dict[str, list[float]]]] = []
"""Per knowledge base and query set: (label, agreements, per-engine times)."""
sizes_seen: list[tuple[str, int, int]] = []


def verdict() -> str:
    """The issue's rule: adopt Tantivy unless it loses, losing being rankings not
    identical on the dev queries, or slower, or bigger."""
    dev = [a for title, agreements, _ in stash if "dev" in title for a in agreements]
    slower = []
    for title, _, times in stash:
        for kind in ("top-10", "all matches"):
            ratio = statistics.median(times[f"tantivy {kind}"]) / statistics.median(times[f"ours {kind}"])
            if ratio > 1:
                slower.append(f"{title}, {kind}: p50 {ratio:.1f}x ours")
    bigger = [label for label, theirs, ours in sizes_seen if theirs > ours]
    reasons = []
    if not all(a.full_same for a in dev):
        reasons.append(
            f"rankings not identical on the dev queries ({sum(not a.full_same for a in dev)}/{len(dev)} full rankings differ,"
            f" {sum(not a.top_same for a in dev)}/{len(dev)} top-10s; all by fieldnorm quantisation: "
            f"{sum(a.same_at_their_lengths for a in dev)}/{len(dev)} identical at Tantivy's lengths)"
        )
    if slower:
        reasons.append("slower (" + "; ".join(slower) + ")")
    if bigger:
        reasons.append(f"bigger than ours' lexical ({', '.join(bigger)})")
    if reasons:
        return "VERDICT: Tantivy loses: " + "; ".join(reasons) + ". Keep our own index and compress it."
    return "VERDICT: Tantivy does not lose: adopt it"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kb", type=Path, action="append", default=[], help="an existing knowledge-base root (repeatable)")
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--build-rounds", type=int, default=3)
    ap.add_argument("--corpus-only", action="store_true")
    ap.add_argument("--queries", type=Path, default=DEV_QUERIES, help="the dev questions (JSON: lang, query)")
    args = ap.parse_args()
    roots: list[tuple[Path, str, bool]] = []
    if args.kb:
        roots = [(root, str(root), True) for root in args.kb]
    else:
        scratch = Path(tempfile.mkdtemp())
        t0 = time.perf_counter()
        build(ROOT / "corpus", scratch / "kb-corpus", progress=None, vectors=False)
        print(f"built the corpus knowledge base in {time.perf_counter() - t0:.1f} s")
        roots.append((scratch / "kb-corpus", "corpus", True))
        if not args.corpus_only:
            articles = synthetic_corpus(scratch / "synthetic", args.copies)
            t0 = time.perf_counter()
            build(scratch / "synthetic", scratch / "kb-synthetic", progress=None, vectors=False)
            print(f"built the synthetic knowledge base ({args.copies} treaties, {articles} articles) in {time.perf_counter() - t0:.1f} s")
            roots.append((scratch / "kb-synthetic", f"synthetic ({args.copies} treaties)", True))
    for root, label, keyword in roots:
        measure(root, label, args.rounds, args.build_rounds, keyword, args.queries)
    print("\n" + verdict())


if __name__ == "__main__":
    main()
