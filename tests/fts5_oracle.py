"""The FTS5 oracle: the query language compiled to an FTS5 ``MATCH`` expression and SQL
filters, run against an FTS5 table of a version's provisions (``add_fts``).

Search does not run on FTS5 (it runs on ``kb.lexical``'s index), and a version does not
carry an FTS5 table (it would cost more than the whole keyword index); this module
builds one from the provisions' stored tokens, and is how the tests hold the keyword
index and the provision table to an independent engine, and how ``bench/`` measures
FTS5's own bm25 as a baseline. Only tests and benchmarks import it.

Safety is still this module's promise: every user word is emitted as a double-quoted
FTS5 string (quotes doubled), joined by operators written here, and every filter value
is a bound parameter, so no input reaches ``MATCH`` or SQL unparsed.

A word becomes the OR of its candidate lemmas over the ``lemmas`` column, its exact
form OR-ed in over ``surface`` (ranking the typed form higher); a phrase becomes
``NEAR`` groups over its words' lemmas, a superset of the true phrase matches, which
``kb.matching.matches`` then checks token by token (``to_check``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import msgspec

from kb.query import AnyOf, Clause, Filters, Phrase, Query, Term, Word
from kb.tokens import MAX_LEMMAS, unpack_tokens

FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '-'"
"""Letters of any script are token characters to ``unicode61``; ``tokenchars '-'`` keeps
hyphenated words whole ("іс-қимыл", "ұқшұ-ға") as the Kazakh tokenizer does, and
``remove_diacritics 0`` keeps "й" apart from "и". The rowid of ``provisions_fts`` is
the rowid of ``provisions``; the index is contentless, the text lives in ``provisions``."""

FTS_DDL = f"""
CREATE VIRTUAL TABLE {{schema}}.provisions_fts USING fts5(
    surface,                         -- the words, folded (lower case, Latin look-alikes made Cyrillic)
    lemmas,                          -- every candidate lemma of every word
    content = '',
    tokenize = "{FTS_TOKENIZER}"
)
"""


def add_fts(conn: sqlite3.Connection, schema: str = "main") -> None:
    """Create ``provisions_fts`` in ``schema`` (``temp`` over a read-only version) and
    index every provision ``conn`` reads, from its stored tokens."""
    conn.execute(FTS_DDL.format(schema=schema))
    rows = conn.execute("SELECT rowid, tokens FROM provisions").fetchall()
    conn.executemany(
        f"INSERT INTO {schema}.provisions_fts (rowid, surface, lemmas) VALUES (?, ?, ?)",
        [
            (rowid, " ".join(t[2] for t in tokens), " ".join(lemma for t in tokens for lemma in t[3]))
            for rowid, tokens in ((r, unpack_tokens(raw)) for r, raw in rows)
        ],
    )


_ORACLES: dict[Path, sqlite3.Connection] = {}


def _oracle(version_dir: Path) -> sqlite3.Connection:
    """A connection to the version with its FTS5 table, made once per version (the
    knowledge base stays open for the session: versions never change)."""
    from kb.store import KnowledgeBase

    key = Path(version_dir).resolve()
    if key not in _ORACLES:
        conn = KnowledgeBase(key).raw_connection()
        add_fts(conn, "temp")
        _ORACLES[key] = conn
    return _ORACLES[key]


MAX_NEAR_GROUPS = 16
BM25_WEIGHTS = (0.5, 1.0)
"""bm25 weights of ``provisions_fts``'s columns (surface, lemmas): matching is on
lemmas; the exact word form, OR-ed in over the surface column, adds half again."""


class Compiled(NamedTuple):
    """An FTS5 ``MATCH`` expression only this module writes, and whether it decides the
    matches alone (False when a phrase asks ``kb.matching.matches`` to check)."""

    match: str
    exact: bool


def fts_string(text: str) -> str:
    """``text`` as an FTS5 string: double-quoted, inner quotes doubled. FTS5 tokenizes it
    with the column's tokenizer, so whatever it holds it is one phrase, never syntax."""
    return '"' + text.replace('"', '""') + '"'


def _word_fts(word: Word) -> str:
    lemmas = " OR ".join(fts_string(lemma) for lemma in word.lemmas)
    return f"(surface : {fts_string(word.form)} OR lemmas : ({lemmas}))"


def _near_distance(n_words: int) -> int:
    """Tokens that may stand between the first and the last lemma of an ``n_words``
    phrase in the ``lemmas`` column: each word brings at most ``MAX_LEMMAS`` lemmas."""
    return MAX_LEMMAS * n_words


def _phrase_fts(phrase: Phrase) -> str:
    surface = fts_string(" ".join(w.form for w in phrase.words))
    groups: list[tuple[str, ...]] = [()]
    for word in phrase.words:
        groups = [g + (lemma,) for g in groups for lemma in word.lemmas]
        if len(groups) > MAX_NEAR_GROUPS:
            break
    if len(groups) <= MAX_NEAR_GROUPS:
        distance = _near_distance(len(phrase.words))
        near = " OR ".join(f"NEAR({' '.join(fts_string(x) for x in g)}, {distance})" for g in groups)
    else:  # too many combinations: every word somewhere; ``matches`` checks the rest
        near = " AND ".join("(" + " OR ".join(fts_string(x) for x in w.lemmas) + ")" for w in phrase.words)
    return f"(surface : {surface} OR lemmas : ({near}))"


def _term_fts(term: Term) -> str:
    return _phrase_fts(term) if isinstance(term, Phrase) else _word_fts(term)


def _clause_fts(clause: Clause) -> str:
    if isinstance(clause, AnyOf):
        return "(" + " OR ".join(_term_fts(t) for t in clause.terms) + ")"
    return _term_fts(clause)


def compile_match(query: Query) -> Compiled:
    """The FTS5 expression of ``query``. Excluded phrases are left to ``matches``: FTS5
    could only exclude their words, which would drop too much."""
    expr = " AND ".join(_clause_fts(c) for c in query.clauses)
    words_out = [t for t in query.excluded if isinstance(t, Word)]
    if words_out:
        expr = f"({expr}) NOT ({' OR '.join(_word_fts(w) for w in words_out)})"
    return Compiled(expr, exact_in_fts(query))


@dataclass(frozen=True, slots=True)
class SqlFilter:
    """A SQL condition on the ``provisions`` table (aliased ``p``) with its bound values."""

    sql: str = "1"
    params: tuple[object, ...] = ()


def compile_filters(filters: Filters, party_treaties: Callable[[str], Iterable[str]]) -> SqlFilter:
    """``filters`` as a SQL condition over ``provisions p``. Column names are this
    module's; every value is a bound parameter. ``party_treaties`` resolves a
    ``party:`` word to the treaties whose parties it names."""
    parts: list[str] = []
    params: list[object] = []

    def within(column: str, values: Iterable[object]) -> None:
        vals = list(dict.fromkeys(values))
        if not vals:
            parts.append("0")
            return
        parts.append(f"{column} IN ({', '.join('?' * len(vals))})")
        params.extend(vals)

    if filters.treaty:
        within("p.treaty_id", filters.treaty)
    if filters.party:
        ids: set[str] = set()
        for word in filters.party:
            ids.update(party_treaties(word))
        within("p.treaty_id", sorted(ids))
    if filters.year:
        parts.append("(" + " OR ".join("p.year BETWEEN ? AND ?" for _ in filters.year) + ")")
        for r in filters.year:
            params.extend((r.start, r.end))
    if filters.type:
        vals = list(filters.type)
        parts.append(f"EXISTS (SELECT 1 FROM json_each(p.clause_types) WHERE value IN ({', '.join('?' * len(vals))}))")
        params.extend(vals)
    if filters.article:
        within("p.article_num", filters.article)
    return SqlFilter(" AND ".join(parts) or "1", tuple(params))


def to_check(query: Query) -> Query | None:
    """The part of the query FTS5 cannot decide exactly, for ``matches``: clauses and
    exclusions that hold a phrase (words alone FTS5 matches exactly); None if none."""
    clauses = tuple(
        c for c in query.clauses
        if isinstance(c, Phrase) or (isinstance(c, AnyOf) and any(isinstance(t, Phrase) for t in c.terms))
    )
    excluded = tuple(t for t in query.excluded if isinstance(t, Phrase))
    if not clauses and not excluded:
        return None
    return Query(clauses, excluded, query.filters)


def exact_in_fts(query: Query) -> bool:
    """Whether the FTS5 expression decides the matches alone; False when a phrase asks
    for ``kb.matching.matches`` to check order and adjacency."""
    terms = [*query.excluded]
    for clause in query.clauses:
        terms.extend(clause.terms if isinstance(clause, AnyOf) else (clause,))
    return not any(isinstance(t, Phrase) for t in terms)


class ProvisionMatch(NamedTuple):
    """A provision an FTS5 query found. ``score`` is ``-bm25``: higher is better."""

    rowid: int
    score: float
    treaty_id: str
    article_ord: int
    level: str
    year: int | None
    clause_types: tuple[str, ...]


def match_provisions(version_dir: Path, compiled: Compiled, where: Sequence[SqlFilter] = ()) -> list[ProvisionMatch]:
    """Every provision of the version in ``version_dir`` that the compiled FTS5
    expression matches, within the filters, scored by bm25 (unordered)."""
    conditions = "".join(f" AND ({w.sql})" for w in where)
    params: list[object] = [compiled.match]
    for w in where:
        params.extend(w.params)
    rows = _oracle(version_dir).execute(
        "SELECT p.rowid, -bm25(provisions_fts, ?, ?), p.treaty_id, p.article_ord, p.level, p.year, p.clause_types"
        " FROM provisions_fts JOIN provisions p ON p.rowid = provisions_fts.rowid"
        " WHERE provisions_fts MATCH ?" + conditions,
        (*BM25_WEIGHTS, *params),
    ).fetchall()
    return [ProvisionMatch(r[0], r[1], r[2], r[3], r[4], r[5], tuple(msgspec.json.decode(r[6] or "[]"))) for r in rows]
