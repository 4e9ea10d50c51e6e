"""The keyword index: BM25 weights and lemma positions of every provision, as arrays.

Why not FTS5 alone. ``provisions_fts`` answers a query exactly, but its cost grows with
the number of rows that match, not with the page asked for: ``bm25()`` runs at about
2 µs per matching row, and the total, the facets and the de-duplication need every
matching row in Python. On a corpus a hundred times this one (40,000 provisions) a
common pair of words matches 12,000 of them: 25 ms in SQLite before Python sees a row
(``bench/latency.py``). Here a query is a few numpy operations over posting arrays.

What the index holds, built once per version (``build_index``) and stored in the
version's own SQLite file (table ``lexical``, one array per row):

- BM25 weights per (term, provision), computed by ``bm25s`` (Lucene's BM25, FTS5's
  k1 and b), as compressed sparse columns: a term's postings are the provisions that
  hold it and each one's weight. The terms are every candidate lemma of every token
  (``LEMMA``) and every folded word form (``SURFACE``): as in ``provisions_fts``,
  matching is on lemmas and the typed form ranks higher (``SURFACE_WEIGHT``).
- The positions of each lemma, counted along one line through every provision with a
  gap between provisions, so that a phrase is its words' positions one after another
  (and never runs from one provision into the next). Phrases are exact here, where
  FTS5 gives only a ``NEAR`` superset that has to be checked token by token.

``provisions_fts`` stays in the file: SQL users can query it, and the tests hold this
index to it as the oracle (FTS5 through ``tests/fts5_oracle.py``, with the token check
of ``kb.matching.matches``).
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np

from kb.query import AnyOf, Phrase, Query, Term, Word

SURFACE = "s\x1f"
LEMMA = "l\x1f"
"""Prefixes of the two kinds of term in one vocabulary (``\\x1f`` is in no word)."""
SURFACE_WEIGHT = 0.5
LEMMA_WEIGHT = 1.0
"""A query word scores the BM25 weights of its lemmas plus half the weight of its exact
form: matching is on lemmas, the form that was typed ranks above other inflections."""
K1 = 1.2
B = 0.75
"""FTS5's own ``bm25()`` constants, so the ranking keeps its behaviour."""

TABLE = "lexical"
"""Created by ``kb.schema``: (name, data), an array as ``.npy`` bytes per row."""

_ARRAYS = ("weight_indptr", "weight_docs", "weight_values", "position_indptr", "positions", "doc_rowids", "doc_starts")


@dataclass(frozen=True, eq=False)
class LexicalIndex:
    """The arrays of one version. ``vocab[i]`` is term ``i`` (prefixed); its postings
    are ``weight_docs[weight_indptr[i]:weight_indptr[i + 1]]`` (provision numbers, the
    position of the rowid in ``doc_rowids``) with ``weight_values`` beside them, and its
    positions ``positions[position_indptr[i]:position_indptr[i + 1]]`` (lemmas only)."""

    vocab: tuple[str, ...]
    weight_indptr: np.ndarray
    weight_docs: np.ndarray
    weight_values: np.ndarray
    position_indptr: np.ndarray
    positions: np.ndarray
    doc_rowids: np.ndarray
    doc_starts: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", {term: i for i, term in enumerate(self.vocab)})
        object.__setattr__(self, "_line_length", int(self.positions.max()) + 1 if len(self.positions) else 1)

    @property
    def size(self) -> int:
        """The number of provisions."""
        return len(self.doc_rowids)

    # -- terms ----------------------------------------------------------------------

    def _id(self, term: str) -> int | None:
        return self._ids.get(term)  # type: ignore[attr-defined,no-any-return]

    def _lemma_ids(self, word: Word) -> list[int]:
        return [i for i in (self._id(LEMMA + lemma) for lemma in word.lemmas) if i is not None]

    def _add_weights(self, term_id: int, factor: float, scores: np.ndarray, found: np.ndarray) -> None:
        lo, hi = self.weight_indptr[term_id], self.weight_indptr[term_id + 1]
        docs = self.weight_docs[lo:hi]
        scores[docs] += factor * self.weight_values[lo:hi]
        found[docs] = True

    def word(self, word: Word) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) over all provisions: a provision matches when a token of it
        shares a lemma with the word (a token of the same form always does)."""
        found = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float64)
        for term_id in self._lemma_ids(word):
            # a word's lemmas are readings of one word: a provision scores its best
            # reading, not their sum (which would reward an ambiguous word thrice)
            lo, hi = self.weight_indptr[term_id], self.weight_indptr[term_id + 1]
            docs = self.weight_docs[lo:hi]  # each provision once in a term's postings
            scores[docs] = np.maximum(scores[docs], LEMMA_WEIGHT * self.weight_values[lo:hi])
            found[docs] = True
        surface = self._id(SURFACE + word.form)
        if surface is not None:
            self._add_weights(surface, SURFACE_WEIGHT, scores, found)
        return found, scores

    def _positions(self, word: Word) -> np.ndarray:
        parts = [self.positions[self.position_indptr[i] : self.position_indptr[i + 1]] for i in self._lemma_ids(word)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def phrase(self, words: Sequence[Word]) -> np.ndarray:
        """The provisions where the words stand in a row, each token sharing a lemma with
        its word: the first word's positions that the second word follows, and so on."""
        starts = self._positions(words[0])  # repeats (two lemmas of one token) do no harm
        for k, word in enumerate(words[1:], 1):
            if not len(starts):
                break
            here = np.zeros(self._line_length + len(words), dtype=bool)
            here[self._positions(word)] = True
            starts = starts[here[starts + k]]
        found = np.zeros(self.size, dtype=bool)
        if len(starts):
            # a position belongs to the provision with the last first position <= it
            found[np.searchsorted(self.doc_starts, starts, side="right") - 1] = True
        return found

    # -- queries ----------------------------------------------------------------------

    def term(self, term: Term) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of a word or a phrase; a phrase scores its words' weights."""
        if isinstance(term, Phrase):
            found = self.phrase(term.words)
            scores = np.zeros(self.size, dtype=np.float64)
            for word in term.words:
                scores += self.word(word)[1]
            return found, np.where(found, scores, 0.0)
        return self.word(term)

    def evaluate(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of a parsed query over all provisions: every clause matches
        (a clause of alternatives, any of them), no excluded term does. A provision's
        score is the sum of the BM25 weights of the query terms it holds (higher is
        better); filters are the caller's (``kb.provision_table``)."""
        found = np.ones(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float64)
        for clause in query.clauses:
            terms = clause.terms if isinstance(clause, AnyOf) else (clause,)
            any_found = np.zeros(self.size, dtype=bool)
            for term in terms:
                term_found, term_scores = self.term(term)
                any_found |= term_found
                scores += term_scores
            found &= any_found
        for term in query.excluded:
            found &= ~self.term(term)[0]
        return found, np.where(found, scores, 0.0)

    def any_of(self, terms: Sequence[Term], local: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of terms OR-ed: a question's words, BM25 summing the weights
        of those each provision holds. With ``local`` (a mask of provisions: the treaties
        a question names), a term's weight inside it is rescaled by how rare the term is
        *there* rather than in the whole corpus: "инвестиция", rare in the corpus, is in
        every article of the investment treaty and tells its articles apart no more than
        "Тарап" does, once the question has named that treaty."""
        found = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float64)
        inside = int(local.sum()) if local is not None else 0
        for term in dict.fromkeys(terms):
            term_found, term_scores = self.term(term)
            if not term_found.any():
                continue
            if local is not None and inside:
                rescale = _idf(inside, int((term_found & local).sum())) / _idf(self.size, int(term_found.sum()))
                term_scores = np.where(local, term_scores * rescale, term_scores)
            found |= term_found
            scores += term_scores
        return found, scores

    # -- storage ----------------------------------------------------------------------

    def to_rows(self) -> list[tuple[str, bytes]]:
        rows = [("vocab", msgspec.json.encode(list(self.vocab)))]
        for name in _ARRAYS:
            buffer = io.BytesIO()
            np.save(buffer, getattr(self, name), allow_pickle=False)
            rows.append((name, buffer.getvalue()))
        return rows

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, bytes]]) -> LexicalIndex:
        data = dict(rows)
        missing = [n for n in ("vocab", *_ARRAYS) if n not in data]
        if missing:
            raise ValueError(f"the lexical index lacks {', '.join(missing)}")
        arrays = {n: np.load(io.BytesIO(data[n]), allow_pickle=False) for n in _ARRAYS}
        return cls(vocab=tuple(msgspec.json.decode(data["vocab"])), **arrays)


def _idf(documents: int, holding: int) -> float:
    """BM25's (Lucene's) idf: always positive, 0 of 0 when no document holds the term."""
    return float(np.log(1 + (documents - holding + 0.5) / (holding + 0.5))) if holding else 0.0


def build_index(docs: Iterable[tuple[int, Sequence[Sequence[Any]]]]) -> LexicalIndex:
    """The index of provisions given as (rowid, tokens), tokens as stored
    (``[start, end, surface, [lemma, …]]``), in rowid order."""
    import bm25s

    rowids: list[int] = []
    terms: list[list[str]] = []
    lemma_runs: list[list[Sequence[str]]] = []
    for rowid, tokens in docs:
        rowids.append(rowid)
        doc_terms = [SURFACE + t[-2] for t in tokens]
        doc_terms.extend(LEMMA + lemma for t in tokens for lemma in t[-1])
        terms.append(doc_terms)
        lemma_runs.append([t[-1] for t in tokens])
    if rowids != sorted(rowids):
        raise ValueError("provisions must come in rowid order")
    if not rowids:
        empty = np.zeros(0, dtype=np.int64)
        return LexicalIndex((), np.zeros(1, dtype=np.int64), empty.astype(np.int32), empty.astype(np.float32),
                            np.zeros(1, dtype=np.int64), empty, empty, empty)

    model = bm25s.BM25(method="lucene", k1=K1, b=B)
    with np.errstate(invalid="ignore", divide="ignore"):  # provisions without a word: no weights, no warning
        model.index(terms, create_empty_token=False, show_progress=False)
    ids: dict[str, int] = model.vocab_dict
    vocab = [""] * len(ids)
    for term, i in ids.items():
        vocab[i] = term

    # one line of positions through all provisions, a gap of one after each
    starts = np.zeros(len(rowids), dtype=np.int64)
    term_of: list[int] = []
    where: list[int] = []
    position = 0
    for d, run in enumerate(lemma_runs):
        starts[d] = position
        for k, lemmas in enumerate(run):
            for lemma in lemmas:
                term_of.append(ids[LEMMA + lemma])
                where.append(position + k)
        position += len(run) + 1
    term_arr = np.asarray(term_of, dtype=np.int64)
    pos_arr = np.asarray(where, dtype=np.int64)
    order = np.lexsort((pos_arr, term_arr))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_arr, minlength=len(vocab)), out=indptr[1:])
    pos_dtype = np.int32 if position < 2**31 else np.int64
    return LexicalIndex(
        vocab=tuple(vocab),
        weight_indptr=np.asarray(model.scores["indptr"], dtype=np.int64),
        weight_docs=np.asarray(model.scores["indices"], dtype=np.int32),
        weight_values=np.asarray(model.scores["data"], dtype=np.float32),
        position_indptr=indptr,
        positions=pos_arr[order].astype(pos_dtype),
        doc_rowids=np.asarray(rowids, dtype=np.int64),
        doc_starts=starts,
    )


def write_index(conn: sqlite3.Connection) -> int:
    """Build the index of every provision in ``conn`` and store it in ``lexical``;
    return the number of terms."""
    rows = conn.execute("SELECT rowid, tokens FROM provisions ORDER BY rowid")
    index = build_index((rowid, msgspec.json.decode(raw)) for rowid, raw in rows)
    conn.executemany(f"INSERT INTO {TABLE} (name, data) VALUES (?, ?)", index.to_rows())
    return len(index.vocab)


def read_index(conn: sqlite3.Connection) -> LexicalIndex:
    return LexicalIndex.from_rows(conn.execute(f"SELECT name, data FROM {TABLE}"))


__all__ = ["LEMMA", "SURFACE", "LexicalIndex", "build_index", "read_index", "write_index"]
