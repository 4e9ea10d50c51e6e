"""The keyword index: BM25 weights and lemma positions of every provision, as arrays.

Why not FTS5 alone. ``provisions_fts`` answers a query exactly, but its cost grows with
the number of rows that match, not with the page asked for: ``bm25()`` runs at about
2 µs per matching row, and the total, the facets and the de-duplication need every
matching row in Python. On a corpus a hundred times this one (40,000 provisions) a
common pair of words matches 12,000 of them: 25 ms in SQLite before Python sees a row
(``bench/latency.py``). Here a query is a few numpy operations over posting arrays.

What the index holds. Each segment of a version (``kb.segments``) stores its own
postings, as counts (``Postings``, table ``lexical`` of the segment file): which
provisions hold each term and how often, the positions of each lemma, each provision's
length. Opening a version merges the live provisions of its segments into one
``LexicalIndex`` in memory (``merge``), with:

- BM25 weights per (term, provision), Lucene's BM25 with FTS5's k1 and b, as
  compressed sparse columns: a term's postings are the provisions that hold it and each
  one's weight. The terms are every candidate lemma of every token (``LEMMA``) and
  every folded word form (``SURFACE``): matching is on lemmas and the typed form ranks
  higher (``SURFACE_WEIGHT``). Weights are computed at the merge, not stored, because
  they depend on the whole version: a segment shared by two versions serves both.
- The positions of each lemma, counted along one line through every provision with a
  gap between provisions, so that a phrase is its words' positions one after another
  (and never runs from one provision into the next). Phrases are exact here, where
  FTS5 gives only a ``NEAR`` superset that has to be checked token by token.

The tests hold this index to FTS5 as the oracle (``tests/fts5_oracle.py`` builds an
FTS5 table of a version's provisions, with the token check of ``kb.matching.matches``)
and its weights to ``bm25s``'s, value for value.
"""

from __future__ import annotations

import io
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np

from kb.query import AnyOf, Phrase, Query, Term, Word
from kb.tokens import unpack_tokens

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

def _idf(documents: int, holding: int) -> float:
    """BM25's (Lucene's) idf: always positive, 0 of 0 when no document holds the term."""
    return float(np.log(1 + (documents - holding + 0.5) / (holding + 0.5))) if holding else 0.0


# -- a segment's postings: counts, not weights ---------------------------------------


@dataclass(frozen=True, eq=False)
class Postings:
    """The keyword index of one segment (``kb.segments``) as *counts*: which provisions
    hold each term and how often, where each lemma stands, and each provision's length.

    Why counts and not BM25 weights: a weight depends on the whole version (how many
    provisions hold the term, their average length), so weights written into a segment
    would be wrong as soon as another segment joins it. Counts are the segment's own;
    ``merge`` turns the live provisions of every segment into one ``LexicalIndex``
    with the weights a single build of them all would give. Positions run along one
    line through the segment's provisions, a gap of one after each."""

    vocab: tuple[str, ...]
    indptr: np.ndarray
    """Term ``i``'s postings are ``docs[indptr[i]:indptr[i + 1]]`` (local provision
    numbers, ascending) with ``tf`` beside them."""
    docs: np.ndarray
    tf: np.ndarray
    position_indptr: np.ndarray
    positions: np.ndarray
    doc_rowids: np.ndarray
    doc_lengths: np.ndarray
    """BM25's length of each provision: its terms, forms and lemmas, counted with repeats."""
    doc_tokens: np.ndarray
    """Tokens per provision: what a provision takes of the line of positions (plus the gap)."""

    def to_rows(self) -> list[tuple[str, bytes]]:
        """The arrays as rows for the segment's ``lexical`` table: runs of ascending
        numbers (a term's provisions, its positions) as differences, each array in the
        smallest integer type that holds it, deflated. About a third of the raw size."""
        rows = [("vocab", zlib.compress(msgspec.json.encode(list(self.vocab)), 6))]
        arrays = {
            "indptr": self.indptr,
            "docs": _deltas(self.docs, self.indptr),
            "tf": self.tf,
            "position_indptr": self.position_indptr,
            "positions": _deltas(self.positions, self.position_indptr),
            "doc_rowids": np.diff(self.doc_rowids, prepend=0),
            "doc_lengths": self.doc_lengths,
            "doc_tokens": self.doc_tokens,
        }
        for name, values in arrays.items():
            rows.append((name, zlib.compress(_npy(_narrow(values)), 6)))
        return rows

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, bytes]]) -> Postings:
        data = dict(rows)
        missing = [n for n in _POSTING_ARRAYS if n not in data]
        if missing:
            raise ValueError(f"the keyword index lacks {', '.join(missing)}")
        arrays = {n: np.load(io.BytesIO(zlib.decompress(data[n])), allow_pickle=False).astype(np.int64) for n in _POSTING_ARRAYS if n != "vocab"}
        return cls(
            vocab=tuple(msgspec.json.decode(zlib.decompress(data["vocab"]))),
            indptr=arrays["indptr"],
            docs=_undeltas(arrays["docs"], arrays["indptr"]),
            tf=arrays["tf"],
            position_indptr=arrays["position_indptr"],
            positions=_undeltas(arrays["positions"], arrays["position_indptr"]),
            doc_rowids=np.cumsum(arrays["doc_rowids"]),
            doc_lengths=arrays["doc_lengths"],
            doc_tokens=arrays["doc_tokens"],
        )


_POSTING_ARRAYS = ("vocab", "indptr", "docs", "tf", "position_indptr", "positions", "doc_rowids", "doc_lengths", "doc_tokens")


def _npy(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, values, allow_pickle=False)
    return buffer.getvalue()


def _narrow(values: np.ndarray) -> np.ndarray:
    """The same integers in the smallest type that holds them (non-negative here)."""
    if not len(values):
        return values.astype(np.uint8)
    return values.astype(np.min_scalar_type(int(values.max())))


def _run_starts(indptr: np.ndarray, n: int) -> np.ndarray:
    """A mask over ``n`` values: True at the first value of each run ``indptr`` bounds."""
    first = np.zeros(n + 1, dtype=bool)
    first[indptr[:-1][np.diff(indptr) > 0]] = True
    return first[:n]


def _deltas(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each ascending run as its first value, then differences: small numbers deflate."""
    values = np.asarray(values, dtype=np.int64)
    out = np.diff(values, prepend=0)
    starts = _run_starts(indptr, len(values))
    out[starts] = values[starts]
    return out


def _undeltas(deltas: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """``_deltas`` undone: a running sum that restarts at each run."""
    if not len(deltas):
        return deltas.astype(np.int64)
    sums = np.cumsum(deltas)
    starts = _run_starts(indptr, len(deltas))
    # at each run's start, take away what the previous runs summed to
    base = np.where(starts, sums - deltas, 0)
    return sums - np.maximum.accumulate(np.where(starts, base, 0))


def postings(docs: Iterable[tuple[int, Sequence[Sequence[Any]]]]) -> Postings:
    """The postings of provisions given as (rowid, tokens), tokens as stored
    (``[start, end, surface, [lemma, …]]``), in rowid order. Every token counts once
    as its folded form (``SURFACE``) and once per candidate lemma (``LEMMA``), as the
    terms BM25 weighs; the lemmas stand at the token's position, for phrases."""
    ids: dict[str, int] = {}
    term_of: list[int] = []
    doc_of: list[int] = []
    pos_term: list[int] = []
    pos_at: list[int] = []
    rowids: list[int] = []
    lengths: list[int] = []
    counts: list[int] = []
    position = 0
    for d, (rowid, tokens) in enumerate(docs):
        rowids.append(rowid)
        length = 0
        for k, token in enumerate(tokens):
            term_of.append(ids.setdefault(SURFACE + token[-2], len(ids)))
            length += 1
            for lemma in token[-1]:
                term = ids.setdefault(LEMMA + lemma, len(ids))
                term_of.append(term)
                pos_term.append(term)
                pos_at.append(position + k)
                length += 1
            doc_of.extend([d] * (1 + len(token[-1])))
        lengths.append(length)
        counts.append(len(tokens))
        position += len(tokens) + 1
    if rowids != sorted(rowids):
        raise ValueError("provisions must come in rowid order")
    n_terms = len(ids)
    vocab = [""] * n_terms
    for term, i in ids.items():
        vocab[i] = term
    terms = np.asarray(term_of, dtype=np.int64)
    owners = np.asarray(doc_of, dtype=np.int64)
    # one posting per (term, provision), its count the repeats
    keys = np.unique(terms * max(1, len(rowids)) + owners, return_counts=True) if len(terms) else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    key, tf = keys
    n_docs = max(1, len(rowids))
    posting_term, posting_doc = key // n_docs, key % n_docs
    where = np.asarray(pos_at, dtype=np.int64)
    what = np.asarray(pos_term, dtype=np.int64)
    order = np.lexsort((where, what))
    return Postings(
        vocab=tuple(vocab),
        indptr=_indptr(posting_term, n_terms),
        docs=posting_doc,
        tf=np.asarray(tf, dtype=np.int64),
        position_indptr=_indptr(what, n_terms),
        positions=where[order],
        doc_rowids=np.asarray(rowids, dtype=np.int64),
        doc_lengths=np.asarray(lengths, dtype=np.int64),
        doc_tokens=np.asarray(counts, dtype=np.int64),
    )


def _indptr(sorted_terms: np.ndarray, n_terms: int) -> np.ndarray:
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_terms, minlength=n_terms), out=indptr[1:])
    return indptr


def merge(parts: Sequence[tuple[Postings, np.ndarray]], n_docs: int) -> LexicalIndex:
    """One index over the live provisions of several segments, numbered as the version
    numbers them: ``parts`` pairs each segment's postings with the number of each of its
    provisions in the version (-1 for a provision of a treaty no longer there), and
    ``n_docs`` is how many there are. The BM25 weights are Lucene's, with FTS5's k1 and
    b, computed as ``bm25s`` computes them (a test holds them to it, value for value):
    idf in float32, the term-frequency part in float64, the weight in float32."""
    ids: dict[str, int] = {}
    term_parts, doc_parts, tf_parts, pos_term_parts, pos_doc_parts, pos_off_parts = [], [], [], [], [], []
    lengths = np.zeros(n_docs, dtype=np.int64)
    tokens = np.zeros(n_docs, dtype=np.int64)
    rowids = np.zeros(n_docs, dtype=np.int64)
    for part, numbers in parts:
        numbers = np.asarray(numbers, dtype=np.int64)
        term_map = np.fromiter((ids.setdefault(t, len(ids)) for t in part.vocab), dtype=np.int64, count=len(part.vocab))
        live = numbers >= 0
        lengths[numbers[live]] = part.doc_lengths[live]
        tokens[numbers[live]] = part.doc_tokens[live]
        rowids[numbers[live]] = part.doc_rowids[live]
        term_of = np.repeat(np.arange(len(part.vocab), dtype=np.int64), np.diff(part.indptr))
        docs = numbers[part.docs]
        keep = docs >= 0
        term_parts.append(term_map[term_of[keep]])
        doc_parts.append(docs[keep])
        tf_parts.append(part.tf[keep])
        # a position: which provision of the segment, how far into it
        starts = np.concatenate(([0], np.cumsum(part.doc_tokens + 1)[:-1])) if len(part.doc_tokens) else np.zeros(0, np.int64)
        pos_term = np.repeat(np.arange(len(part.vocab), dtype=np.int64), np.diff(part.position_indptr))
        local = np.searchsorted(starts, part.positions, side="right") - 1 if len(part.positions) else np.zeros(0, np.int64)
        global_doc = numbers[local] if len(local) else local
        keep = global_doc >= 0
        pos_term_parts.append(term_map[pos_term[keep]])
        pos_doc_parts.append(global_doc[keep])
        pos_off_parts.append((part.positions - starts[local])[keep] if len(local) else local)
    n_terms = len(ids)
    vocab = [""] * n_terms
    for term, i in ids.items():
        vocab[i] = term
    terms, docs, tf = (np.concatenate(p) if p else np.zeros(0, np.int64) for p in (term_parts, doc_parts, tf_parts))
    order = np.lexsort((docs, terms))
    terms, docs, tf = terms[order], docs[order], tf[order]
    indptr = _indptr(terms, n_terms)
    # BM25 as bm25s computes it (Lucene's variant)
    df = np.diff(indptr)
    average = lengths.mean() if n_docs else 0.0
    idf = np.fromiter((_idf(n_docs, int(h)) for h in df), dtype=np.float32, count=n_terms)
    with np.errstate(invalid="ignore", divide="ignore"):
        tfc = tf.astype(np.float32) / (K1 * ((1 - B) + B * lengths[docs] / average) + tf.astype(np.float32))
    weights = (idf[terms] * tfc).astype(np.float32)
    # the positions on one line through the version's provisions, a gap after each
    line_starts = np.concatenate(([0], np.cumsum(tokens + 1)[:-1])) if n_docs else np.zeros(0, np.int64)
    pos_terms, pos_docs, pos_offsets = (np.concatenate(p) if p else np.zeros(0, np.int64) for p in (pos_term_parts, pos_doc_parts, pos_off_parts))
    where = line_starts[pos_docs] + pos_offsets if len(pos_docs) else pos_docs
    order = np.lexsort((where, pos_terms))
    line = int(line_starts[-1] + tokens[-1] + 1) if n_docs else 0
    return LexicalIndex(
        vocab=tuple(vocab),
        weight_indptr=indptr,
        weight_docs=docs.astype(np.int32),
        weight_values=weights,
        position_indptr=_indptr(pos_terms[order], n_terms),
        positions=where[order].astype(np.int32 if line < 2**31 else np.int64),
        doc_rowids=rowids,
        doc_starts=line_starts.astype(np.int64),
    )


def build_index(docs: Iterable[tuple[int, Sequence[Sequence[Any]]]]) -> LexicalIndex:
    """The index of provisions given as (rowid, tokens), in rowid order, numbered in
    that order: one segment's postings merged alone."""
    part = postings(docs)
    return merge([(part, np.arange(len(part.doc_rowids), dtype=np.int64))], len(part.doc_rowids))


def write_postings(conn: sqlite3.Connection, schema: str = "main") -> int:
    """Count the postings of every provision of the segment ``conn`` holds (``schema``
    names it when attached) and store them in its ``lexical`` table; return the number
    of terms."""
    rows = conn.execute(f"SELECT rowid, tokens FROM {schema}.provisions ORDER BY rowid")
    part = postings((rowid, unpack_tokens(raw)) for rowid, raw in rows)
    conn.executemany(f"INSERT INTO {schema}.{TABLE} (name, data) VALUES (?, ?)", part.to_rows())
    return len(part.vocab)


def read_postings(conn: sqlite3.Connection, schema: str = "main") -> Postings:
    return Postings.from_rows(conn.execute(f"SELECT name, data FROM {schema}.{TABLE}"))


__all__ = ["LEMMA", "SURFACE", "LexicalIndex", "Postings", "build_index", "merge", "postings", "read_postings", "write_postings"]
