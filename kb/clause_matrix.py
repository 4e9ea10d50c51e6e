"""The clause matrix: treaties × the clause attributes negotiators compare (how disputes
are settled and when they go further, the withdrawal notice and what survives it, what
triggers entry into force, duration, how the treaty is amended, who pays, the table of
classification levels), each cell cited.

A cell is

- ``found``: the build extracted the attributes; the value is theirs (the parse
  export's ``clauses`` fields, less ``article``), the evidence is the article they
  come from, quoted, with its offsets in the source file;
- ``inconclusive``: an article of that clause type exists but no attribute was read
  from it (the evidence is that article: a reader decides);
- ``absent``: the treaty has no article of that type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kb.concepts import Evidence, evidence
from kb.errors import NotFound, QueryError
from kb.store import KnowledgeBase

COLUMNS = ("dispute_resolution", "withdrawal", "entry_into_force", "duration", "amendments", "expenses", "classification_levels")
"""The clause kinds with extracted attributes (``ingest.model.Clauses``), in the order
a negotiator reads a treaty's final clauses."""

Status = Literal["found", "inconclusive", "absent"]


@dataclass(frozen=True, slots=True)
class Cell:
    column: str
    status: Status
    value: Any
    evidence: Evidence | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    treaty_id: str
    treaty_title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class ClauseMatrix:
    version: str
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


def clause_matrix(kb: KnowledgeBase, *, treaties: tuple[str, ...] | None = None, columns: tuple[str, ...] | None = None) -> ClauseMatrix:
    """The matrix over ``treaties`` (all, in corpus order, by default) and ``columns``
    (``COLUMNS`` by default)."""
    wanted_columns = COLUMNS if columns is None else columns
    for column in wanted_columns:
        if column not in COLUMNS:
            raise QueryError(f"unknown column {column[:40]!r}: the columns are {', '.join(COLUMNS)}", "columns")
    summaries = kb.list_treaties()
    titles = {t.id: " ".join(t.title.split()) for t in summaries}
    wanted = tuple(titles) if treaties is None else treaties
    for treaty_id in wanted:
        if treaty_id not in titles:
            raise NotFound("treaties", treaty_id, f"no treaty with treaty_id={treaty_id!r}")
    attributes = {column: kb.clause_attributes(column) for column in wanted_columns}
    typed = {column: kb.clause_articles(column) for column in wanted_columns}
    rows = []
    for treaty_id in wanted:
        cells = []
        for column in wanted_columns:
            stored = attributes[column].get(treaty_id)
            article = typed[column].get(treaty_id)  # the article its attributes cite, else one typed so
            cite = None
            if article:
                cite = evidence(kb, treaty_id, article, kb.article_span(treaty_id, article), "")
            if stored is not None and _has_value(stored):
                value = {k: v for k, v in stored.items() if k != "article"} if isinstance(stored, dict) else stored
                cells.append(Cell(column, "found", value, cite))
            elif article:
                cells.append(Cell(column, "inconclusive", None, cite))
            else:
                cells.append(Cell(column, "absent", None, None))
        rows.append(MatrixRow(treaty_id, titles[treaty_id], tuple(cells)))
    return ClauseMatrix(kb.version, tuple(wanted_columns), tuple(rows))


def _has_value(stored: Any) -> bool:
    if isinstance(stored, dict):
        return any(v not in (None, [], {}) for k, v in stored.items() if k != "article")
    return bool(stored)


__all__ = ["COLUMNS", "Cell", "ClauseMatrix", "MatrixRow", "clause_matrix"]
