"""The SQLite schema of ``kb.sqlite`` and the one function that writes a treaty into it.

The tables flatten the parts a query wants by key (articles, paragraphs, points,
annexes); the ``treaties.export`` column keeps the whole treaty as the msgspec JSON
export, so the API can hand out the full document without reassembling it and the
reader page can decode it back into a ``Treaty`` losslessly.

``article_ord`` sits beside ``article_num`` in the child tables because a parse may
(rarely) yield two articles with the same number; ``ord`` keeps them apart.
Bump ``SCHEMA_VERSION`` on any change here: ``kb.store`` refuses other versions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

import msgspec

from ingest.model import Treaty

SCHEMA_VERSION = 1

TABLES = ("treaties", "articles", "paragraphs", "points", "annexes")

DDL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE treaties (
    id                    TEXT PRIMARY KEY,
    ord                   INTEGER NOT NULL,
    sha256                TEXT NOT NULL,
    source                TEXT NOT NULL,
    title                 TEXT NOT NULL,
    draft                 INTEGER NOT NULL,
    approval              TEXT,            -- JSON object or NULL
    signed                TEXT,            -- JSON object or NULL
    entry_into_force_date TEXT,
    parties               TEXT NOT NULL,   -- JSON array
    export                BLOB NOT NULL    -- msgspec JSON of the whole Treaty
);
CREATE TABLE articles (
    treaty_id  TEXT NOT NULL REFERENCES treaties(id),
    ord        INTEGER NOT NULL,
    num        TEXT NOT NULL,
    heading    TEXT,
    implicit   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    PRIMARY KEY (treaty_id, ord)
);
CREATE INDEX articles_by_num ON articles (treaty_id, num, ord);
CREATE TABLE paragraphs (
    treaty_id   TEXT NOT NULL,
    article_ord INTEGER NOT NULL,
    article_num TEXT NOT NULL,
    ord         INTEGER NOT NULL,
    num         TEXT,
    text        TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    PRIMARY KEY (treaty_id, article_ord, ord)
);
CREATE TABLE points (
    treaty_id     TEXT NOT NULL,
    article_ord   INTEGER NOT NULL,
    article_num   TEXT NOT NULL,
    paragraph_ord INTEGER NOT NULL,
    ord           INTEGER NOT NULL,
    num           TEXT,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    PRIMARY KEY (treaty_id, article_ord, paragraph_ord, ord)
);
CREATE TABLE annexes (
    treaty_id TEXT NOT NULL,
    ord       INTEGER NOT NULL,
    num       TEXT NOT NULL,
    title     TEXT,
    text      TEXT NOT NULL,
    PRIMARY KEY (treaty_id, ord)
);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table in an empty database and record the schema version.
    Call it outside a transaction: ``executescript`` commits whatever is pending."""
    conn.executescript(DDL)
    set_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


def set_meta(conn: sqlite3.Connection, values: Mapping[str, str]) -> None:
    """Record facts about the build (version name, content hash) inside the file itself,
    so a ``kb.sqlite`` copied away from its folder still says what it is."""
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", sorted(values.items()))


def _json(value: object) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode("utf-8")


def insert_treaty(conn: sqlite3.Connection, treaty: Treaty, ord_: int, export: bytes | None = None) -> dict[str, int]:
    """Write one treaty into every table; return the rows added per table. ``export`` is
    ``msgspec.json.encode(treaty)`` when the caller already has it."""
    conn.execute(
        "INSERT INTO treaties (id, ord, sha256, source, title, draft, approval, signed,"
        " entry_into_force_date, parties, export) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            treaty.id,
            ord_,
            treaty.sha256,
            treaty.source,
            treaty.title,
            int(treaty.draft),
            _json(treaty.approval),
            _json(treaty.signed),
            treaty.entry_into_force_date,
            _json(list(treaty.parties)),
            export if export is not None else msgspec.json.encode(treaty),
        ),
    )
    articles, paragraphs, points = [], [], []
    for a_ord, art in enumerate(treaty.articles):
        articles.append((treaty.id, a_ord, art.num, art.heading, int(art.implicit), art.text, art.span.start, art.span.end))
        for p_ord, para in enumerate(art.paragraphs):
            paragraphs.append((treaty.id, a_ord, art.num, p_ord, para.num, para.text, para.span.start, para.span.end))
            for pt_ord, pt in enumerate(para.points):
                points.append(
                    (treaty.id, a_ord, art.num, p_ord, pt_ord, pt.num, pt.kind, pt.text, pt.span.start, pt.span.end)
                )
    annexes = [(treaty.id, n_ord, ax.num, ax.title, ax.text) for n_ord, ax in enumerate(treaty.annexes)]
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", articles)
    conn.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", paragraphs)
    conn.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", points)
    conn.executemany("INSERT INTO annexes VALUES (?, ?, ?, ?, ?)", annexes)
    return {
        "treaties": 1,
        "articles": len(articles),
        "paragraphs": len(paragraphs),
        "points": len(points),
        "annexes": len(annexes),
    }
