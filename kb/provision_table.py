"""The provisions of a version as columns in memory: what the filters, the
de-duplication, the facets and the ranking read for every provision a query matches.

A search touches every match, not just the page: the total, the facets and "one hit
per match" are over the whole set. Row by row through SQLite that costs a B-tree
lookup per match; as columns it is a handful of numpy operations, whatever the size
of the set. The table is read once per version (``KnowledgeBase.provision_table``)
and never changes, as the version never does.

A provision is referred to by its *number*: its place in corpus order (the treaty's
place in the corpus, then the provision's in the treaty), the same numbering as
``kb.lexical.LexicalIndex``. Rowids are the provisions' stable ids; in a version built
at once they run in corpus order too, but a treaty added later gets the next free
ones, so order is never read from them: ties are broken by number, and a version
built step by step ranks exactly as one built at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import msgspec
import numpy as np

from kb.query import Filters

LEVELS = ("article", "paragraph", "point")
NO_YEAR = -1


@dataclass(frozen=True, slots=True, eq=False)
class ProvisionTable:
    """Columns over provisions in corpus order; the small tuples name what the integer
    codes stand for (``treaty[i]`` indexes ``treaty_ids``, and so on)."""

    rowid: np.ndarray
    by_rowid: np.ndarray
    """The numbers in rowid order (``rowid[by_rowid]`` is sorted), to look rowids up."""
    treaty: np.ndarray
    article: np.ndarray
    level: np.ndarray
    year: np.ndarray
    article_num: np.ndarray
    types: np.ndarray
    """bool matrix: provision × ``type_ids`` (an article's clause types, on all its rows)."""
    article_treaty: np.ndarray
    """The treaty of each article (articles are numbered as ``article``'s values)."""
    treaty_ids: tuple[str, ...]
    article_nums: tuple[str, ...]
    type_ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.rowid)

    @property
    def articles(self) -> int:
        """The number of articles."""
        return len(self.article_treaty)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> ProvisionTable:
        rows = conn.execute(
            "SELECT p.rowid, p.treaty_id, p.article_ord, p.level, p.year, p.article_num, p.clause_types"
            " FROM provisions p JOIN main.catalog c ON c.treaty_id = p.treaty_id ORDER BY c.ord, p.rowid"
        ).fetchall()
        treaties: dict[str, int] = {}
        articles: dict[tuple[str, int], int] = {}
        nums: dict[str, int] = {}
        type_codes: dict[str, int] = {}
        type_sets: dict[str, tuple[int, ...]] = {}
        n = len(rows)
        rowid = np.empty(n, dtype=np.int64)
        treaty = np.empty(n, dtype=np.int32)
        article = np.empty(n, dtype=np.int32)
        level = np.empty(n, dtype=np.int8)
        year = np.empty(n, dtype=np.int32)
        article_num = np.empty(n, dtype=np.int32)
        typed: list[tuple[int, ...]] = []
        level_code = {name: i for i, name in enumerate(LEVELS)}
        for i, (rid, tid, a_ord, lvl, yr, num, raw_types) in enumerate(rows):
            rowid[i] = rid
            treaty[i] = treaties.setdefault(tid, len(treaties))
            article[i] = articles.setdefault((tid, a_ord), len(articles))
            level[i] = level_code[lvl]
            year[i] = NO_YEAR if yr is None else yr
            article_num[i] = nums.setdefault(num, len(nums))
            codes = type_sets.get(raw_types)
            if codes is None:
                codes = tuple(type_codes.setdefault(str(t), len(type_codes)) for t in msgspec.json.decode(raw_types or "[]"))
                type_sets[raw_types] = codes
            typed.append(codes)
        types = np.zeros((n, len(type_codes)), dtype=bool)
        for i, codes in enumerate(typed):
            types[i, list(codes)] = True
        return cls(
            rowid=rowid,
            by_rowid=np.argsort(rowid, kind="stable"),
            treaty=treaty,
            article=article,
            level=level,
            year=year,
            article_num=article_num,
            types=types,
            article_treaty=np.asarray([treaties[tid] for tid, _ in articles], dtype=np.int32),
            treaty_ids=tuple(treaties),
            article_nums=tuple(nums),
            type_ids=tuple(type_codes),
        )

    # -- looking up ---------------------------------------------------------------------

    def numbers(self, rowids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The provision numbers of these rowids; -1 for a rowid the version lacks."""
        wanted = np.asarray(rowids, dtype=np.int64)
        if not self.size:
            return np.full(len(wanted), -1, dtype=np.int64)
        ordered = self.rowid[self.by_rowid]
        at = np.minimum(np.searchsorted(ordered, wanted), self.size - 1)
        return np.where(ordered[at] == wanted, self.by_rowid[at], -1)

    def of_types(self, types: Iterable[str]) -> np.ndarray:
        """A mask: the provisions whose article has one of ``types``."""
        columns = [self.type_ids.index(t) for t in types if t in self.type_ids]
        return self.types[:, columns].any(axis=1)

    def articles_of_types(self, types: Iterable[str]) -> np.ndarray:
        """The whole-article provisions of the articles of any of these clause types."""
        return np.flatnonzero((self.level == 0) & self.of_types(types))

    def treaties_mask(self, ids: Iterable[str]) -> np.ndarray:
        """A mask over treaty numbers: those with these ids."""
        wanted = set(ids)
        return np.fromiter((tid in wanted for tid in self.treaty_ids), dtype=bool, count=len(self.treaty_ids))

    # -- filters ----------------------------------------------------------------------

    def allowed(self, filters: Sequence[Filters], party_treaties: Callable[[str], Iterable[str]]) -> np.ndarray | None:
        """The provisions every one of ``filters`` lets through, as a mask; None when
        there is no filter at all. Within a filter the values of one key are
        alternatives, different keys all apply (``kb.query``'s language)."""
        mask: np.ndarray | None = None

        def keep(condition: np.ndarray) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        for f in filters:
            if f.treaty:
                keep(self.treaties_mask(f.treaty)[self.treaty])
            if f.party:
                ids: set[str] = set()
                for word in f.party:
                    ids.update(party_treaties(word))
                keep(self.treaties_mask(ids)[self.treaty])
            if f.year:
                in_range = np.zeros(self.size, dtype=bool)
                for r in f.year:
                    in_range |= (self.year >= r.start) & (self.year <= r.end)
                keep(in_range)
            if f.type:
                keep(self.of_types(f.type))
            if f.article:
                wanted = set(f.article)
                keep(np.isin(self.article_num, [i for i, num in enumerate(self.article_nums) if num in wanted]))
        return mask

    # -- one hit per match ------------------------------------------------------------

    def one_per_match(self, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` to keep (a mask): an article row goes when one of its
        alineas or points is there too, as a paragraph and its own article are one
        match, not two hits."""
        level = self.level[docs]
        finer = np.zeros(self.articles, dtype=bool)
        finer[self.article[docs[level != 0]]] = True
        return (level != 0) | ~finer[self.article[docs]]

    def best_per_article(self, docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Which of ``docs`` to keep (a mask) when hits are grouped by article: each
        article's best-scored provision (on a tie, the first in the text), so a page
        shows ten articles, not one article three times."""
        if not len(docs):
            return np.zeros(0, dtype=bool)
        order = np.lexsort((docs, -scores, self.article[docs]))
        articles = self.article[docs][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = articles[1:] != articles[:-1]
        keep = np.zeros(len(docs), dtype=bool)
        keep[order[first]] = True
        return keep

    # -- facets -----------------------------------------------------------------------

    def facet_counts(self, docs: np.ndarray) -> tuple[dict[str, int], dict[str, int], dict[int | None, int]]:
        """Counts of ``docs`` per treaty id, clause type and year (None: no year)."""
        per_treaty = np.bincount(self.treaty[docs], minlength=len(self.treaty_ids))
        per_type = self.types[docs].sum(axis=0) if len(self.type_ids) else np.zeros(0, dtype=np.int64)
        years, counts = np.unique(self.year[docs], return_counts=True)
        return (
            {self.treaty_ids[i]: int(c) for i, c in enumerate(per_treaty) if c},
            {self.type_ids[i]: int(c) for i, c in enumerate(per_type) if c},
            {(None if y == NO_YEAR else int(y)): int(c) for y, c in zip(years, counts)},
        )

    # -- the page -----------------------------------------------------------------------

    def page(
        self, docs: np.ndarray, scores: np.ndarray, size: int, after: tuple[float, int] | None = None
    ) -> tuple[np.ndarray, bool]:
        """The page: positions in ``docs`` of its ``size`` best in the order (score
        descending, then corpus order), starting after the (score, rowid) of a cursor;
        and whether more follow. Only the candidates that can reach the page are sorted."""
        at = np.arange(len(docs))
        if after is not None:
            score, rowid = after
            last = int(self.numbers([rowid])[0])
            at = at[(scores < score) | ((scores == score) & (docs > last))]
        more = len(at) > size
        if more:
            # every candidate scoring at least the size-th best score (ties included)
            kth = np.partition(scores[at], len(at) - size)[len(at) - size]
            at = at[scores[at] >= kth]
        order = np.lexsort((docs[at], -scores[at]))[:size]
        return at[order], more


__all__ = ["LEVELS", "NO_YEAR", "ProvisionTable"]
