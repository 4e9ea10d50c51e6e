"""The keyword index (``kb.lexical``) and the provision columns (``kb.provision_table``)
held to their oracles: the token-by-token check of ``kb.matching.matches`` over every
provision, FTS5 with its phrase check, and the SQL of ``compile_filters``
(``tests/fts5_oracle.py``)."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kb.lexical import build_index
from kb.matching import matches
from kb.provision_table import ProvisionTable
from kb.query import Filters, YearRange, parse_query
from kb.store import KnowledgeBase
from kb.tokens import unpack_tokens
from tests.fts5_oracle import compile_filters, compile_match, match_provisions, to_check

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kb(real_kb: KnowledgeBase) -> KnowledgeBase:
    """The session's knowledge base of corpus/, built without vectors (conftest.py):
    every test here only reads it."""
    return real_kb


@pytest.fixture(scope="module")
def rows(kb: KnowledgeBase) -> list[tuple[int, list[list[object]]]]:
    conn = kb.raw_connection()  # the views over the version's segments
    return [(rowid, unpack_tokens(tokens)) for rowid, tokens in conn.execute("SELECT rowid, tokens FROM provisions ORDER BY rowid")]


def _corpus_words() -> tuple[list[str], list[str]]:
    """Frequent words of the corpus, and frequent adjacent pairs, as they are written."""
    import re

    from ingest import parse_path, source_files

    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for path in source_files([REPO / "corpus"]):
        text = parse_path(path).text
        tokens = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)
        words.update(t for t in tokens if len(t) > 3)
        pairs.update(f"{a} {b}" for a, b in itertools.pairwise(tokens) if len(a) > 3 and len(b) > 3)
    return [w for w, _ in words.most_common(80)], [p for p, _ in pairs.most_common(40)]


WORDS, PAIRS = _corpus_words()
_term = st.one_of(st.sampled_from(WORDS), st.sampled_from(PAIRS).map(lambda p: f'"{p}"'))


def _expected(rows: list[tuple[int, list[list[object]]]], text: str) -> set[int]:
    query = parse_query(text)
    return {rowid for rowid, tokens in rows if matches(query, tokens)}


def _found(kb: KnowledgeBase, text: str) -> set[int]:
    mask, scores = kb.lexical_index().evaluate(parse_query(text))
    assert (scores[~mask] == 0).all() and (scores[mask] > 0).all()
    return set(kb.provision_table().rowid[mask].tolist())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    terms=st.lists(_term, min_size=1, max_size=3),
    alternatives=st.lists(_term, max_size=2),
    excluded=st.lists(_term, max_size=2),
)
def test_the_index_finds_exactly_what_the_token_check_accepts(
    kb: KnowledgeBase, rows: list[tuple[int, list[list[object]]]], terms: list[str], alternatives: list[str], excluded: list[str]
) -> None:
    text = " ".join(terms) + "".join(f" OR {a}" for a in alternatives) + "".join(f" -{e}" for e in excluded)
    assert _found(kb, text) == _expected(rows, text)


@pytest.mark.parametrize(
    "text",
    ["құпия ақпаратқа", '"құпия ақпарат"', '"ақпарат құпия"', '"құпия ақпарат" -тарату', "даулар OR келіссөздер",
     '"осы Келісімнің күшіне"', "ҰҚШҰ-ға", "депозитарий"],
)
def test_the_index_and_fts5_agree_on_known_queries(kb: KnowledgeBase, rows: list[tuple[int, list[list[object]]]], text: str) -> None:
    query = parse_query(text)
    fts = {m.rowid for m in match_provisions(kb.path, compile_match(query))}
    check = to_check(query)
    if check is not None:
        tokens = dict(rows)
        fts = {r for r in fts if matches(check, tokens[r])}
    assert _found(kb, text) == fts == _expected(rows, text)


def _doc(*tokens: tuple[str, tuple[str, ...]]) -> list[list[object]]:
    return [[0, 0, surface, list(lemmas)] for surface, lemmas in tokens]


TINY = build_index(
    [
        (1, _doc(("құпия", ("құпия",)), ("ақпаратты", ("ақпарат",)))),
        (2, _doc(("ақпарат", ("ақпарат",)), ("құпия", ("құпия",)))),
        (3, _doc(("құпия", ("құпия",)))),  # "құпия | ақпарат" across two provisions
        (5, _doc(("ақпаратқа", ("ақпарат", "ақпарат-қа")), ("алмасу", ("алмасу", "алмас")))),
    ]
)


@pytest.mark.parametrize(
    ("text", "rowids"),
    [
        ('"құпия ақпарат"', {1}),  # in order and adjacent, any inflection
        ('"ақпарат құпия"', {2}),
        ('"құпия ақпарат алмасу"', set()),
        ('"ақпарат алмас"', {5}),  # any candidate lemma of a token
        ("ақпарат", {1, 2, 5}),
        ("құпия -ақпарат", {3}),
        ("алмасу OR құпия", {1, 2, 3, 5}),
        ("белгісіз", set()),  # a word the index does not hold
    ],
)
def test_a_table_of_tiny_queries(text: str, rowids: set[int]) -> None:
    mask, _ = TINY.evaluate(parse_query(text))
    assert set(TINY.doc_rowids[mask].tolist()) == rowids


def test_the_typed_form_outranks_another_inflection() -> None:
    _, scores = TINY.evaluate(parse_query("ақпаратты"))
    assert scores[0] > scores[1] > 0  # provision 1 holds "ақпаратты" itself, 2 "ақпарат"


def test_the_weights_are_bm25s_own_value_for_value(rows: list[tuple[int, list[list[object]]]]) -> None:
    """The merge computes Lucene's BM25 itself (from counts, so segments can share it);
    ``bm25s``, which built the index before, is the oracle: same postings, same float32
    weights, bit for bit, over the whole corpus."""
    import bm25s

    from kb.lexical import K1, LEMMA, SURFACE, B

    index = build_index(rows)
    terms = [[SURFACE + t[-2] for t in tokens] + [LEMMA + lemma for t in tokens for lemma in t[-1]] for _, tokens in rows]
    model = bm25s.BM25(method="lucene", k1=K1, b=B)
    with np.errstate(invalid="ignore", divide="ignore"):
        model.index(terms, create_empty_token=False, show_progress=False)
    assert sorted(model.vocab_dict) == sorted(index.vocab)
    for term, i in model.vocab_dict.items():
        lo, hi = model.scores["indptr"][i], model.scores["indptr"][i + 1]
        order = np.argsort(model.scores["indices"][lo:hi])
        j = index.vocab.index(term)
        mine = slice(index.weight_indptr[j], index.weight_indptr[j + 1])
        np.testing.assert_array_equal(np.asarray(model.scores["indices"][lo:hi])[order], index.weight_docs[mine])
        np.testing.assert_array_equal(np.asarray(model.scores["data"][lo:hi], dtype=np.float32)[order], index.weight_values[mine])


def test_stored_postings_are_missing_nothing() -> None:
    from kb.lexical import Postings, postings

    rows = postings([(1, _doc(("құпия", ("құпия",))))]).to_rows()
    with pytest.raises(ValueError, match="lacks positions"):
        Postings.from_rows([r for r in rows if r[0] != "positions"])


def test_an_empty_index_answers_nothing() -> None:
    for docs in ([], [(1, [])]):  # no provision; a provision without a word
        empty = build_index(docs)
        mask, scores = empty.evaluate(parse_query("ақпарат"))
        assert mask.shape == scores.shape == (len(docs),) and not mask.any()


def test_a_provision_without_words_sits_among_the_others() -> None:
    index = build_index([(1, _doc(("құпия", ("құпия",)))), (2, []), (3, _doc(("құпия", ("құпия",)), ("ақпарат", ("ақпарат",))))])
    mask, _ = index.evaluate(parse_query('"құпия ақпарат"'))
    assert index.doc_rowids[mask].tolist() == [3]


def test_provisions_must_come_in_rowid_order() -> None:
    with pytest.raises(ValueError, match="rowid order"):
        build_index([(2, _doc(("а", ("а",)))), (1, _doc(("б", ("б",))))])


# -- the provision columns -------------------------------------------------------------------------------


def _sql_allowed(kb: KnowledgeBase, filters: list[Filters]) -> set[int]:
    conn = kb.raw_connection()
    where = [compile_filters(f, kb.party_treaties) for f in filters]
    sql = "SELECT p.rowid FROM provisions p WHERE " + " AND ".join(f"({w.sql})" for w in where)
    params = [v for w in where for v in w.params]
    return {r[0] for r in conn.execute(sql, params)}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_filters_let_through_what_their_sql_does(kb: KnowledgeBase, data: st.DataObject) -> None:
    table = kb.provision_table()
    years = st.integers(1990, 2030).flatmap(lambda a: st.integers(a, 2030).map(lambda b: YearRange(a, b)))
    one = st.builds(
        Filters,
        treaty=st.lists(st.sampled_from(table.treaty_ids), max_size=2).map(tuple),
        party=st.lists(st.sampled_from(["Түрікменстан", "Ресей", "ТМД", "Қытай"]), max_size=1).map(tuple),
        year=st.lists(years, max_size=2).map(tuple),
        type=st.lists(st.sampled_from(table.type_ids), max_size=2).map(tuple),
        article=st.lists(st.sampled_from(table.article_nums), max_size=2).map(tuple),
    )
    filters = [f for f in data.draw(st.lists(one, min_size=1, max_size=2)) if f]
    assume(filters)
    allowed = table.allowed(filters, kb.party_treaties)
    assert allowed is not None
    assert set(table.rowid[allowed].tolist()) == _sql_allowed(kb, filters)


def test_no_filter_is_no_mask(kb: KnowledgeBase) -> None:
    assert kb.provision_table().allowed([], kb.party_treaties) is None


def test_rowids_map_to_numbers_and_unknown_ones_to_minus_one(kb: KnowledgeBase) -> None:
    table = kb.provision_table()
    last = int(table.rowid[-1])
    assert table.numbers([int(table.rowid[0]), last, last + 1, -5]).tolist() == [0, table.size - 1, -1, -1]
    assert (table.rowid == kb.lexical_index().doc_rowids).all()  # one numbering for both


def test_one_hit_per_match_drops_an_article_whose_paragraph_is_there(kb: KnowledgeBase) -> None:
    table = kb.provision_table()
    article_row = int(np.flatnonzero(table.level == 0)[0])
    same_article = np.flatnonzero((table.article == table.article[article_row]) & (table.level != 0))
    assert len(same_article)
    docs = np.array([article_row, int(same_article[0])])
    assert table.one_per_match(docs).tolist() == [False, True]
    assert table.one_per_match(docs[:1]).tolist() == [True]


@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5, 7.0]), min_size=0, max_size=40),
    size=st.integers(1, 7),
)
def test_pages_follow_score_then_corpus_order_and_cover_everything(scores: list[float], size: int) -> None:
    """With many ties, page after page through the cursor gives the full order once;
    ties go in corpus order (the provision's number), whatever the rowids."""
    n = len(scores)
    rowids = np.random.default_rng(n + 1).permutation(np.arange(10, 10 + 3 * n, 3, dtype=np.int64))
    table = ProvisionTable(
        rowid=rowids, by_rowid=np.argsort(rowids, kind="stable"), treaty=np.zeros(n, dtype=np.int32), article=np.zeros(n, dtype=np.int32),
        level=np.ones(n, dtype=np.int8), year=np.zeros(n, dtype=np.int32), article_num=np.zeros(n, dtype=np.int32),
        types=np.zeros((n, 0), dtype=bool), article_treaty=np.zeros(1, dtype=np.int32), treaty_ids=("t",),
        article_nums=("1",), type_ids=(),
    )
    docs = np.random.default_rng(n).permutation(n)
    values = np.asarray(scores)[docs]
    expected = sorted(range(n), key=lambda i: (-values[i], docs[i]))
    seen: list[int] = []
    after = None
    while True:
        page, more = table.page(docs, values, size, after)
        assert len(page) <= size
        seen.extend(page.tolist())
        if not more:
            break
        last = page[-1]
        after = (float(values[last]), int(table.rowid[docs[last]]))
    assert seen == expected


def test_searches_rank_as_the_bm25s_built_index_did(real_kb_root: Path) -> None:
    """Rankings identical to the index ``bm25s`` built whole before segments: the same
    questions (the repository's held-out Kazakh questions, and phrases, exclusions)
    over this version's merged index and over one whose weights ``bm25s`` computes,
    hit for hit and score for score."""
    import dataclasses

    import bm25s

    from kb.lexical import B, K1, LEMMA, SURFACE
    from kb.search import search
    from kb.store import open_current

    import re

    held_out = json.loads((REPO / "bench" / "heldout-queries.json").read_text("utf-8"))
    # each Kazakh question as its words OR-ed (keyword mode asks every word otherwise)
    questions = [" OR ".join(re.findall(r"[^\W\d_]{4,}", q["query"])) for q in held_out if q["lang"] == "kk"]
    questions += ["құпия ақпаратқа", '"құпия ақпарат" -тарату', "даулар келіссөздер", "күшіне енеді"]
    with open_current(real_kb_root) as ours, open_current(real_kb_root) as theirs:
        index = ours.lexical_index()
        rows = [(int(r), unpack_tokens(raw)) for r, raw in ours.raw_connection().execute("SELECT rowid, tokens FROM provisions")]
        tokens = dict(rows)
        terms = [[SURFACE + t[-2] for t in tokens[r]] + [LEMMA + lemma for t in tokens[r] for lemma in t[-1]] for r in index.doc_rowids.tolist()]
        model = bm25s.BM25(method="lucene", k1=K1, b=B)
        with np.errstate(invalid="ignore", divide="ignore"):
            model.index(terms, create_empty_token=False, show_progress=False)
        weights = np.zeros_like(index.weight_values)
        for term, i in model.vocab_dict.items():
            lo, hi = model.scores["indptr"][i], model.scores["indptr"][i + 1]
            j = index.vocab.index(term)
            docs = np.asarray(model.scores["indices"][lo:hi])
            at = index.weight_indptr[j] + np.searchsorted(index.weight_docs[index.weight_indptr[j] : index.weight_indptr[j + 1]], docs)
            weights[at] = model.scores["data"][lo:hi]
        theirs.memo("lexical_index", lambda: dataclasses.replace(index, weight_values=weights))
        compared = 0
        for question in questions:
            a = search(ours, question, mode="keyword", limit=30)
            b = search(theirs, question, mode="keyword", limit=30)
            assert [(h.citation, h.score) for h in a.hits] == [(h.citation, h.score) for h in b.hits], question
            compared += len(a.hits)
        assert compared > 100
