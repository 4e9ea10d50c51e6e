"""A version's treaties in segments: SQLite files a new version shares with the last.

Why segments. A ministry loads thousands of treaties and then adds one a week; a
version that copied everything would rewrite gigabytes to add a few hundred kilobytes.
So the per-treaty tables (``kb.schema.SEGMENT_TABLES``: the treaty rows, articles …
provisions, and the segment's keyword postings) live in segment files, each written
once and never changed. A new version hard-links the segments of the last version
whose treaties are unchanged and writes one new segment for what is new or changed;
its own ``kb.sqlite`` holds only what depends on the whole set (the catalog of live
treaties and their order, the concept registry, the names a question may use).

A segment may hold treaties a later version no longer has (their source changed or
went away): the catalog says which treaties of each segment are live, and the views
read only those. Segments are merged back into one when there are too many (SQLite
attaches at most ten files to a connection) or when most of one is dead
(``plan_segments``).

How a version reads them: ``attach`` attaches every segment read-only and defines one
temporary view per table, so every query of ``kb.store`` runs unchanged over the union
of the live rows. A version of one segment (every cold build) reads it through views
SQLite flattens into the table itself, with its indexes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ingest.model import Treaty
from kb.lexical import write_postings
from kb.schema import SEGMENT_DDL, SEGMENT_TABLES, create_schema, insert_treaty

MAX_SEGMENTS = 8
"""Segments a version may have: SQLite attaches at most 10 files (``SQLITE_MAX_ATTACHED``),
and a search reads every segment's postings at start, so fewer is faster to open."""
MOSTLY_DEAD = 0.5
"""A segment whose live provisions fall below this share is merged into the new one:
its dead rows would otherwise be carried, and read past, forever."""

SEGMENT_SUFFIX = ".sqlite"
SEGMENT_NAME_RE = re.compile(r"^\d{8}T\d{12}Z$")
"""A segment is named by the stamp of the build that wrote it: unique, and safe to
write into the views' SQL."""
VECTORS_SUFFIX = ".faiss"

_TREATY_COLUMNS = (
    "id, sha256, source, title, draft, approval, signed, entry_into_force_date, parties, party_words, source_map, export, link"
)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a treaty's rows are: its segment and its provision rowids."""

    segment: str
    first_rowid: int
    provisions: int


@dataclass(frozen=True, slots=True)
class SegmentWritten:
    """A segment file just written: where each treaty's provisions went, the next free
    rowid, and the rows per table."""

    placements: dict[str, tuple[int, int]]
    next_rowid: int
    counts: dict[str, int]

    @property
    def provisions(self) -> int:
        return self.counts.get("provisions", 0)


def write_segment(path: Path, treaties: Iterable[tuple[Treaty, bytes, int | None]], next_rowid: int) -> SegmentWritten:
    """Write a segment file of ``treaties``, each (treaty, its export, its first
    provision rowid, or None for the next free one from ``next_rowid`` on), with the
    segment's keyword postings. A treaty carried over from a folded segment keeps its
    rowids, so a provision keeps its id from version to version. The file is complete
    and alone (no journal beside it) when this returns."""
    counts: dict[str, int] = {}
    placements: dict[str, tuple[int, int]] = {}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # a new file: a failed build deletes it whole
        conn.execute("PRAGMA synchronous=OFF")  # fsynced once, by the build, when complete
        create_schema(conn, SEGMENT_DDL)
        conn.execute("BEGIN")
        for treaty, export, first in treaties:
            start = next_rowid if first is None else first
            added = insert_treaty(conn, treaty, start, export)
            for table, n in added.items():
                counts[table] = counts.get(table, 0) + n
            placements[treaty.id] = (start, added["provisions"])
            if first is None:
                next_rowid += added["provisions"]
        write_postings(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return SegmentWritten(placements, next_rowid, counts)


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    """What a build does with the last version's segments: which it keeps as they are
    (hard links) and which it folds into its new segment (their live treaties written
    again, keeping their rowids)."""

    keep: tuple[str, ...]
    fold: tuple[str, ...]


def plan_segments(order: Sequence[str], live: Mapping[str, int], total: Mapping[str, int], new_rows: bool) -> SegmentPlan:
    """Choose, among the last version's segments (``order``: oldest first, with their
    ``live`` and ``total`` provisions), those to keep. A segment with nothing live goes;
    one mostly dead is folded; then, while the kept ones and the new one would be more
    than ``MAX_SEGMENTS``, the smallest kept one is folded too (tiered, as Lucene
    merges: the big old segment stays, the small recent ones merge)."""
    keep = [s for s in order if live.get(s, 0) > 0 and live[s] >= MOSTLY_DEAD * max(1, total.get(s, 0))]
    fold = [s for s in order if live.get(s, 0) > 0 and s not in keep]
    room = MAX_SEGMENTS - (1 if new_rows or fold else 0)
    while len(keep) > room:
        smallest = min(keep, key=lambda s: (live[s], s))
        keep.remove(smallest)
        fold.append(smallest)
        room = MAX_SEGMENTS - 1
    return SegmentPlan(tuple(keep), tuple(s for s in order if s in fold))


def schema_name(i: int) -> str:
    return f"seg{i}"


class Segment(NamedTuple):
    """A segment of a version: its rows (live or not), whether it has its dense index,
    and whether it holds treaties the version no longer does."""

    name: str
    provisions: int
    vectors: bool
    dead: bool


def attach_version(conn: sqlite3.Connection, folder: Path) -> tuple[Segment, ...]:
    """Read the segments of the version whose ``kb.sqlite`` ``conn`` has open (its
    ``segments`` table, and from the catalog which of them hold dead rows), attach them
    from ``folder`` and define the views over them (``attach``); return them, oldest
    first. What the store does on opening a version, and the build to count one."""
    rows = conn.execute(
        "SELECT s.name, s.provisions, s.vectors, coalesce(sum(c.provisions), 0) FROM main.segments s"
        " LEFT JOIN main.catalog c ON c.segment = s.name GROUP BY s.name ORDER BY s.seq"
    ).fetchall()
    segments = tuple(Segment(name, int(total), bool(vectors), int(live) < int(total)) for name, total, vectors, live in rows)
    attach(conn, folder, [s.name for s in segments], {s.name: s.dead for s in segments})
    return segments


def attach(conn: sqlite3.Connection, folder: Path, segments: Sequence[str], dead: Mapping[str, bool]) -> None:
    """Attach each segment of ``folder`` read-only and immutable, and define the
    temporary views ``kb.store`` queries: one per table of ``SEGMENT_TABLES``, the union
    of the segments' live rows. ``treaties`` takes ``ord`` from the catalog (corpus
    order is the version's, not the segment's); a segment that holds dead treaties
    (``dead[name]``) is read through the catalog."""
    if not segments or len(segments) > MAX_SEGMENTS:
        raise sqlite3.DatabaseError(f"{len(segments)} segments: a version has 1 to {MAX_SEGMENTS}")
    bad = [name for name in segments if not SEGMENT_NAME_RE.match(name)]
    if bad:
        raise sqlite3.DatabaseError(f"not a segment name: {bad[0][:80]!r}")
    for i, name in enumerate(segments):
        uri = f"{(folder / (name + SEGMENT_SUFFIX)).absolute().as_uri()}?mode=ro&immutable=1"
        conn.execute(f"ATTACH DATABASE ? AS {schema_name(i)}", (uri,))
    for table in SEGMENT_TABLES:
        arms = []
        for i, name in enumerate(segments):
            s = schema_name(i)
            if table == "treaties":
                arms.append(
                    f"SELECT t.{_TREATY_COLUMNS.replace(', ', ', t.')}, c.ord AS ord FROM {s}.treaties t"
                    f" JOIN main.catalog c ON c.treaty_id = t.id AND c.segment = '{name}'"
                )
            elif dead.get(name):
                arms.append(
                    f"SELECT * FROM {s}.{table} WHERE treaty_id IN (SELECT treaty_id FROM main.catalog WHERE segment = '{name}')"
                )
            else:
                arms.append(f"SELECT * FROM {s}.{table}")
        conn.execute(f"CREATE TEMP VIEW {table} AS {' UNION ALL '.join(arms)}")


__all__ = [
    "MAX_SEGMENTS", "MOSTLY_DEAD", "Placed", "Segment", "SegmentPlan", "SegmentWritten", "attach", "attach_version", "plan_segments",
    "schema_name", "write_segment",
]
