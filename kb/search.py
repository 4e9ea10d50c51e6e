"""Search over the provisions of a knowledge-base version: ranking, one hit per match,
facets, cursor pagination, highlighted snippets mapped to the source file.

One pipeline serves every mode; a mode is only its *scorer* (``kb.modes``): a function
that returns every provision it finds with a score (higher is better). ``keyword``
(``kb.keyword``) is BM25 over the keyword index; ``semantic`` and ``hybrid``
(``kb.hybrid``) need the embedding model. Parsing, filters, de-duplication, facets,
pagination and hits are shared, so a new scorer gets all of them.

Speed. The total, the facets and "one hit per match" are over every provision a query
matches, which on a large corpus is thousands; so scorers hand over arrays, and
everything up to the page is numpy over the provisions' columns
(``kb.provision_table``). Only the page's ten rows are read from SQLite.

Levels. Every article is indexed whole and also as its alineas and points
(``kb.schema.provision_rows``). A hit is the finest provision that matched: an article
row is kept only when no alinea or point of that article matched (the query's words
are spread over several of its paragraphs, or only its heading matched), so a paragraph
and its own article never come back as two hits for one match. Several paragraphs of
one article can each be a hit. Exclusion (``-word``) applies per provision.

Pagination is keyset: the order is (score descending, then corpus order) and the cursor
names the last (score, rowid) handed out, bound to the query, its filters, the mode and
the knowledge-base version, so a cursor cannot be replayed against another query or a
rebuilt knowledge base.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping

import msgspec
import numpy as np

from ingest.model import Span
from kb.errors import QueryError
from kb.matching import highlight_positions
from kb.modes import SearchRequest, default_mode, scorer_for
from kb.paging import decode_cursor, encode_cursor, fingerprint, page_size
from kb.query import (
    MAX_CLAUSE_CHARS,
    MAX_CLAUSE_WORDS,
    Filters,
    Query,
    parse_filters,
    parse_query,
)
from kb.store import KnowledgeBase, ProvisionRecord

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
SNIPPET_CHARS = 280
SNIPPET_LEAD = 80
MORE_PER_ARTICLE = 3


# -- what a search answers ---------------------------------------------------------------


class Highlight(msgspec.Struct, frozen=True, kw_only=True):
    """A highlighted word: ``[start, end)`` in the treaty's text, ``[source_start,
    source_end)`` in the decoded source file (``Treaty.source_span``)."""

    start: int
    end: int
    source_start: int
    source_end: int
    text: str


class MoreHit(msgspec.Struct, frozen=True, kw_only=True):
    """Another provision of a grouped hit's article that matched, after its best."""

    id: int
    paragraph: str | None
    point: str | None
    level: str
    score: float
    citation: str
    snippet: str


class Hit(msgspec.Struct, frozen=True, kw_only=True):
    """One provision found. ``snippet`` is HTML: the text escaped, the matching words
    in ``<mark>``. ``level`` is article, paragraph or point; ``span`` is the
    provision's place in the treaty text, ``source_span`` in the source file."""

    id: int
    treaty_id: str
    treaty_title: str
    article: str
    paragraph: str | None
    point: str | None
    level: str
    score: float
    citation: str
    snippet: str
    highlights: tuple[Highlight, ...]
    clause_types: tuple[str, ...]
    year: int | None
    span: Span
    source_span: Span
    more: tuple[MoreHit, ...] = ()
    """With ``group=article``: the article's next best provisions that matched (at
    most ``MORE_PER_ARTICLE``), best first."""


class TreatyCount(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    count: int


class TypeCount(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    count: int


class YearCount(msgspec.Struct, frozen=True, kw_only=True):
    year: int | None
    count: int


class Facets(msgspec.Struct, frozen=True, kw_only=True):
    """Counts over the whole result set (not just the page), most frequent first."""

    treaty: tuple[TreatyCount, ...]
    clause_type: tuple[TypeCount, ...]
    year: tuple[YearCount, ...]


class SearchResult(msgspec.Struct, frozen=True, kw_only=True):
    query: str
    mode: str
    version: str
    total: int
    hits: tuple[Hit, ...]
    facets: Facets
    next_cursor: str | None


# -- the pipeline ------------------------------------------------------------------------

GROUPS = (None, "article")
"""How hits may be grouped: not at all (every matching provision), or by article."""


def search(
    kb: KnowledgeBase,
    query: str,
    *,
    mode: str | None = None,
    limit: int | str = DEFAULT_LIMIT,
    cursor: str | None = None,
    treaty: str | None = None,
    year: int | str | None = None,
    type: str | None = None,
    party: str | None = None,
    article: str | None = None,
    group: str | None = None,
) -> SearchResult:
    """Search ``kb``. ``query`` is in the language of ``kb.query``; the keyword filters
    apply on top of those the query holds. ``group="article"`` keeps each article's
    best provision only (``total`` and the facets then count articles). Raises
    ``QueryError`` naming the parameter (``q``, ``mode``, ``limit``, ``cursor``,
    ``treaty``, ``year``, ``type``, ``group``, …) for anything refused; never anything
    else for bad input."""
    mode = mode or default_mode(kb)
    scorer = scorer_for(mode)
    size = _limit(limit)
    group = group or None
    if group not in GROUPS:
        raise QueryError(f"group must be one of: {', '.join(g for g in GROUPS if g)}, not {str(group)[:40]!r}", "group")
    parsed = read_query(query, mode)
    extra = parse_filters(
        treaty=treaty, year=None if year is None else str(year), type=type, party=party, article=article
    )
    _check_filters(kb, parsed.filters, "q")
    _check_filters(kb, extra, None)
    table = kb.provision_table()
    allowed = table.allowed([f for f in (parsed.filters, extra) if f], kb.party_treaties)
    fingerprint = _fingerprint(kb.version, f"{mode}/{group or ''}", parsed, extra)
    after = _decode_cursor(cursor, fingerprint) if cursor is not None else None

    docs, scores = scorer(kb, SearchRequest(parsed.text, parsed, allowed))
    if allowed is not None:
        inside = allowed[docs]
        docs, scores = docs[inside], scores[inside]
    kept = table.one_per_match(docs)
    docs, scores = docs[kept], scores[kept]
    every_doc, every_score = docs, scores
    if group == "article":
        kept = table.best_per_article(docs, scores)
        docs, scores = docs[kept], scores[kept]
    page, more = table.page(docs, scores, size, after)
    rows = [(int(table.rowid[docs[i]]), float(scores[i])) for i in page]
    next_cursor = _encode_cursor(fingerprint, rows[-1][1], rows[-1][0]) if rows and more else None
    hits = _hits(kb, parsed, rows)
    if group == "article":
        hits = _with_more(kb, parsed, hits, [int(docs[i]) for i in page], every_doc, every_score)
    return SearchResult(
        query=query,
        mode=mode,
        version=kb.version,
        total=len(docs),
        hits=hits,
        facets=_facets(kb, *table.facet_counts(docs)),
        next_cursor=next_cursor,
    )


def read_query(query: str, mode: str) -> Query:
    """``query`` as ``mode`` reads it: the keyword mode in the query language, the dense
    modes as text (filters taken out), where a whole draft clause is welcome."""
    if mode == "keyword":
        return parse_query(query)
    return parse_query(query, max_chars=MAX_CLAUSE_CHARS, max_words=MAX_CLAUSE_WORDS, as_text=True)


def _limit(limit: object) -> int:
    return page_size(limit, DEFAULT_LIMIT, MAX_LIMIT)


def _check_filters(kb: KnowledgeBase, filters: Filters, param: str | None) -> None:
    """Refuse what this version does not have: a filter on a mistyped treaty id or clause
    type would otherwise silently find nothing. ``param`` is "q" for filters written in
    the query, None for filters given as parameters (each then named by its own)."""
    prefix = f"{param}: " if param else ""
    for treaty_id in filters.treaty:
        if not kb.has_treaty(treaty_id):
            raise QueryError(f"{prefix}no treaty with id {treaty_id[:80]!r}", param or "treaty")
    known = kb.clause_type_ids()
    for clause_type in filters.type:
        if clause_type not in known:
            raise QueryError(
                f"{prefix}unknown clause type {clause_type!r}; this knowledge base has " + ", ".join(sorted(known)),
                param or "type",
            )


def _facets(kb: KnowledgeBase, treaties: dict[str, int], types: dict[str, int], years: dict[int | None, int]) -> Facets:
    titles = kb.treaty_titles()
    return Facets(
        treaty=tuple(
            TreatyCount(id=t, title=titles.get(t, t), count=n) for t, n in sorted(treaties.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        clause_type=tuple(TypeCount(id=t, count=n) for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        year=tuple(
            YearCount(year=y, count=n)
            for y, n in sorted(years.items(), key=lambda kv: (-kv[1], kv[0] is None, -(kv[0] or 0)))
        ),
    )


# -- hits ---------------------------------------------------------------------------------


def _hits(kb: KnowledgeBase, query: Query, page: list[tuple[int, float]]) -> tuple[Hit, ...]:
    """The hits of a page given as (rowid, score), in its order."""
    if not page:
        return ()
    records = kb.provisions(rowid for rowid, _ in page)
    titles = kb.treaty_titles()
    return tuple(_hit(kb, query, score, records[rowid], titles) for rowid, score in page if rowid in records)


def _with_more(
    kb: KnowledgeBase, query: Query, hits: tuple[Hit, ...], best: list[int], docs: np.ndarray, scores: np.ndarray
) -> tuple[Hit, ...]:
    """Each grouped hit with its article's next best matching provisions."""
    table = kb.provision_table()
    rows: list[list[tuple[int, float]]] = []
    for doc in best:
        same = np.flatnonzero((table.article[docs] == table.article[doc]) & (docs != doc))
        same = same[np.lexsort((docs[same], -scores[same]))][:MORE_PER_ARTICLE]
        rows.append([(int(table.rowid[docs[i]]), float(scores[i])) for i in same])
    extra = _hits(kb, query, [row for group in rows for row in group])
    found = {h.id: h for h in extra}
    out = []
    for hit, group in zip(hits, rows, strict=True):
        more = tuple(
            MoreHit(id=h.id, paragraph=h.paragraph, point=h.point, level=h.level, score=h.score, citation=h.citation, snippet=h.snippet)
            for h in (found[rowid] for rowid, _ in group if rowid in found)
        )
        out.append(msgspec.structs.replace(hit, more=more))
    return tuple(out)


def _hit(kb: KnowledgeBase, query: Query, score: float, rec: ProvisionRecord, titles: Mapping[str, str]) -> Hit:
    marked = [(rec.tokens[i][0], rec.tokens[i][1]) for i in highlight_positions(query, rec.tokens)]
    mapper = kb.source_mapper(rec.treaty_id)
    highlights = []
    for s, e in marked:
        src = mapper.source_span(Span(rec.span_start + s, rec.span_start + e))
        highlights.append(
            Highlight(start=rec.span_start + s, end=rec.span_start + e, source_start=src.start, source_end=src.end, text=rec.text[s:e])
        )
    span = Span(rec.span_start, rec.span_end)
    return Hit(
        id=rec.rowid,
        treaty_id=rec.treaty_id,
        treaty_title=titles.get(rec.treaty_id, rec.treaty_id),
        article=rec.article_num,
        paragraph=rec.paragraph_num,
        point=rec.point_num,
        level=rec.level,
        score=score,
        citation=rec.citation,
        snippet=snippet(rec.text, marked),
        highlights=tuple(highlights),
        clause_types=rec.clause_types,
        year=rec.year,
        span=span,
        source_span=mapper.source_span(span),
    )


_SPACE = re.compile(r"\s+")


def snippet(text: str, marked: list[tuple[int, int]], size: int = SNIPPET_CHARS) -> str:
    """HTML of ``text`` (whole, or a window of about ``size`` characters around the first
    mark, cut at spaces, "…" where cut) with each marked range in ``<mark>``."""
    start, end = 0, len(text)
    if len(text) > size:
        first = marked[0][0] if marked else 0
        start = max(0, first - SNIPPET_LEAD)
        if start > 0:
            space = text.rfind(" ", 0, start + 1)
            start = space + 1 if space > 0 and first - space < SNIPPET_LEAD * 2 else start
        end = min(len(text), start + size)
        if end < len(text):
            space = text.find(" ", end)
            end = space if 0 <= space < end + 40 else end
        for s, e in marked:  # never cut a mark in two
            if s < end < e:
                end = e
    parts: list[str] = ["…"] if start > 0 else []
    pos = start
    for s, e in marked:
        if e <= start or s >= end:
            continue
        parts.append(_plain(text[pos:s]))
        parts.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
        pos = e
    parts.append(_plain(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _plain(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text), quote=False)


# -- the cursor ---------------------------------------------------------------------------


def _fingerprint(version: str, mode: str, query: Query, extra: Filters) -> str:
    return fingerprint(version, mode, query, extra)


def _encode_cursor(fp: str, score: float, rowid: int) -> str:
    return encode_cursor(fp, [float(score).hex(), rowid])


def _decode_cursor(cursor: object, fp: str) -> tuple[float, int]:
    """The (score, rowid) a search cursor resumes after."""
    score, rowid = decode_cursor(cursor, fp, (str, int))
    try:
        value = float.fromhex(str(score))
    except (ValueError, OverflowError):
        raise QueryError("cursor is not one this list handed out (altered, or from another query)", "cursor") from None
    if math.isnan(value):
        raise QueryError("cursor is not one this list handed out (altered, or from another query)", "cursor")
    return value, int(rowid)


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Facets",
    "Highlight",
    "Hit",
    "MoreHit",
    "SearchResult",
    "search",
    "snippet",
]
