"""The SQLite schemas of a version (its ``kb.sqlite``, ``GLOBAL_DDL``, and its segment
files, ``SEGMENT_DDL``: see ``kb.segments``) and the one function that writes a treaty.

The tables flatten the parts a query wants by key (articles, paragraphs, points,
annexes); the ``treaties.export`` column keeps the whole treaty as the msgspec JSON
export, deflated (``zlib``: a fifth of the size, and a treaty is read whole or not at
all), so the API can hand out the full document without reassembling it and the
reader page can decode it back into a ``Treaty`` losslessly.

``article_ord`` sits beside ``article_num`` in the child tables because a parse may
(rarely) yield two articles with the same number; ``ord`` keeps them apart.
Bump ``SCHEMA_VERSION`` on any change here: ``kb.store`` refuses other versions.

``provisions`` serves search (``kb.search``): one row per article, alinea and point,
with the words of each as folded surface forms and candidate lemmas, and the tokens'
offsets so hits can be highlighted without analysing the text again. Its rowids are
the version's provision ids, handed out by the build so a treaty keeps them from
version to version. ``lexical`` holds the segment's keyword postings, counted from
``provisions`` once they are all in (``kb.lexical``). What a query needs per treaty is
computed here too, never per query: ``treaties.party_words`` (the lemmas of each
party's name, for ``party:``), ``treaties.source_map`` (a hit's offsets in the source
file, without decoding the export) and ``treaty_names`` (a treaty a question names).
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from ingest.extract.linking import linkable
from ingest.model import Article, Concept, Paragraph, Span, Treaty
from kb.records import citation
from kb.tokens import pack_tokens, tokenize

SCHEMA_VERSION = 6
EXPORT_DEFLATE = 6
"""zlib level of the stored exports: level 6 deflates a treaty's JSON about 5×, and
inflating one takes well under a millisecond."""
BODY_ORD = -1
"""``article_ord`` of the paragraphs of a text without articles (``Treaty.paragraphs``),
whose ``article_num`` is ""."""

TABLES = ("treaties", "articles", "paragraphs", "points", "annexes", "definitions", "refs", "obligations", "clauses", "concepts")

GLOBAL_DDL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE segments (                   -- the segment files of this version, oldest first
    name       TEXT PRIMARY KEY,            -- segments/<name>.sqlite (kb.segments)
    seq        INTEGER NOT NULL,
    provisions INTEGER NOT NULL,            -- its rows, live or not (the catalog says which are)
    vectors    INTEGER NOT NULL             -- 1: segments/<name>.faiss holds their vectors
);
CREATE TABLE catalog (                    -- the treaties this version holds, and where
    treaty_id      TEXT PRIMARY KEY,
    ord            INTEGER NOT NULL,      -- corpus order
    segment        TEXT NOT NULL REFERENCES segments(name),
    source         TEXT NOT NULL,         -- the source file, relative to the corpus
    source_sha256  TEXT,
    export_sha256  TEXT NOT NULL,         -- of the stored (linked) export: unchanged means reusable
    first_rowid    INTEGER NOT NULL,      -- its provisions are first_rowid .. first_rowid + provisions - 1
    provisions     INTEGER NOT NULL,
    names          TEXT NOT NULL          -- JSON: its own names (kb.aliases.treaty_names), before the shared ones go
);
CREATE TABLE treaty_names (               -- what a question may call a treaty (kb.aliases)
    treaty_id TEXT NOT NULL REFERENCES catalog(treaty_id),
    name      TEXT NOT NULL
);
CREATE TABLE concepts (
    id     TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    labels TEXT NOT NULL             -- JSON object {"kk", "ru", "en"}
);
"""

SEGMENT_DDL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE treaties (
    id                    TEXT PRIMARY KEY,
    sha256                TEXT NOT NULL,
    source                TEXT NOT NULL,
    title                 TEXT NOT NULL,
    draft                 INTEGER NOT NULL,
    approval              TEXT,            -- JSON object or NULL
    signed                TEXT,            -- JSON object or NULL
    entry_into_force_date TEXT,
    parties               TEXT NOT NULL,   -- JSON array
    party_words           TEXT NOT NULL,   -- JSON: per party, its words as [folded form, [lemmas]] (party: filter)
    source_map            BLOB NOT NULL,   -- JSON runs [text_start, source_start, length] (Treaty.source_map)
    export                BLOB NOT NULL,   -- msgspec JSON of the whole Treaty, zlib-deflated
    link                  BLOB NOT NULL    -- what linking reads of it (ingest.extract.linking.Linkable): JSON, deflated
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
    clause_types TEXT NOT NULL DEFAULT '[]',  -- JSON array of clause-type ids, most important first
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
CREATE TABLE definitions (
    treaty_id   TEXT NOT NULL,
    ord         INTEGER NOT NULL,
    article_num TEXT NOT NULL,
    term        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    concept_id  TEXT,
    span_start  INTEGER,
    span_end    INTEGER,
    PRIMARY KEY (treaty_id, ord)
);
CREATE INDEX definitions_by_concept ON definitions (concept_id);
CREATE TABLE refs (                  -- "references" is an SQL keyword
    treaty_id     TEXT NOT NULL,
    ord           INTEGER NOT NULL,
    kind          TEXT NOT NULL,     -- internal | external
    from_article  TEXT,
    from_paragraph TEXT,
    from_point    TEXT,
    to_article    TEXT,
    to_paragraph  TEXT,
    to_point      TEXT,
    to_annex      TEXT,
    date          TEXT,
    title         TEXT,
    target_treaty TEXT,              -- the cited treaty, when the knowledge base holds it
    text          TEXT NOT NULL,
    PRIMARY KEY (treaty_id, ord)
);
CREATE TABLE obligations (
    treaty_id      TEXT NOT NULL,
    ord            INTEGER NOT NULL,
    article_num    TEXT NOT NULL,
    paragraph_num  TEXT,
    point_num      TEXT,
    modality       TEXT NOT NULL,    -- obligation | permission | prohibition
    actor          TEXT,
    condition      TEXT,
    deadline_value INTEGER,
    deadline_unit  TEXT,
    deadline_immediate INTEGER NOT NULL DEFAULT 0,
    text           TEXT NOT NULL,
    PRIMARY KEY (treaty_id, ord)
);
CREATE TABLE clauses (
    treaty_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,       -- dispute_resolution | withdrawal | entry_into_force | …
    article_num TEXT,
    attributes  TEXT NOT NULL,       -- JSON object, as in the parse export
    PRIMARY KEY (treaty_id, kind)
);
CREATE TABLE provisions (            -- the units search finds: see insert_provisions
    rowid         INTEGER PRIMARY KEY,
    treaty_id     TEXT NOT NULL,
    article_ord   INTEGER NOT NULL,
    article_num   TEXT NOT NULL,
    paragraph_num TEXT,
    point_num     TEXT,
    level         TEXT NOT NULL,     -- article | paragraph | point
    text          TEXT NOT NULL,     -- Treaty.text[span_start:span_end]
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    year          INTEGER,           -- signing year, else the approving act's year
    clause_types  TEXT NOT NULL,     -- JSON array: the article's clause types
    citation      TEXT NOT NULL,     -- "<title>, 4-бап, 2-тармақ, 3) тармақша"
    tokens        BLOB NOT NULL      -- JSON [[start, end, surface, [lemma, …]], …], offsets into text, deflated (kb.tokens.pack_tokens)
);
CREATE INDEX provisions_by_article ON provisions (treaty_id, article_ord, level);
CREATE TABLE lexical (               -- the segment's keyword postings, one array a row: see kb.lexical.Postings
    name  TEXT PRIMARY KEY,
    data  BLOB NOT NULL              -- deflated numpy .npy bytes (the vocabulary: a JSON array)
);
"""

SEGMENT_TABLES = ("treaties", "articles", "paragraphs", "points", "annexes", "definitions", "refs", "obligations", "clauses", "provisions")
"""The tables of a segment file, one set per segment; a version reads each as one view
over its segments (``kb.segments``)."""


def create_schema(conn: sqlite3.Connection, ddl: str = GLOBAL_DDL) -> None:
    """Create every table of a version's ``kb.sqlite`` (``GLOBAL_DDL``) or of a segment
    file (``SEGMENT_DDL``) in an empty database and record the schema version. Call it
    outside a transaction: ``executescript`` commits whatever is pending."""
    conn.executescript(ddl)
    set_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


def set_meta(conn: sqlite3.Connection, values: Mapping[str, str]) -> None:
    """Record facts about the build (version name, content hash) inside the file itself,
    so a ``kb.sqlite`` copied away from its folder still says what it is."""
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", sorted(values.items()))


def _json(value: object) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode("utf-8")


def insert_treaty(conn: sqlite3.Connection, treaty: Treaty, first_rowid: int, export: bytes | None = None) -> dict[str, int]:
    """Write one treaty into every table of a segment file; return the rows added per
    table (``provisions`` among them). Its provisions take the rowids from
    ``first_rowid`` on, one after another: rowids are the version's provision ids, and
    the build hands out ranges no other treaty holds. ``export`` is
    ``msgspec.json.encode(treaty)`` when the caller already has it."""
    conn.execute(
        "INSERT INTO treaties (id, sha256, source, title, draft, approval, signed,"
        " entry_into_force_date, parties, party_words, source_map, export, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            treaty.id,
            treaty.sha256,
            treaty.source,
            treaty.title,
            int(treaty.draft),
            _json(treaty.approval),
            _json(treaty.signed),
            treaty.entry_into_force_date,
            _json(list(treaty.parties)),
            _json([[[t.surface, list(t.lemmas)] for t in tokenize(party)] for party in treaty.parties]),
            msgspec.json.encode(treaty.source_map),
            zlib.compress(export if export is not None else msgspec.json.encode(treaty), EXPORT_DEFLATE),
            zlib.compress(msgspec.json.encode(linkable(treaty)), EXPORT_DEFLATE),
        ),
    )
    articles, paragraphs, points = [], [], []
    bodies = [(a_ord, art.num, art.paragraphs) for a_ord, art in enumerate(treaty.articles)]
    bodies.append((BODY_ORD, "", treaty.paragraphs))  # a text without articles
    for a_ord, art in enumerate(treaty.articles):
        articles.append(
            (treaty.id, a_ord, art.num, art.heading, int(art.implicit), art.text, art.span.start, art.span.end, _json(list(art.clause_types)))
        )
    for a_ord, num, paras in bodies:
        for p_ord, para in enumerate(paras):
            paragraphs.append((treaty.id, a_ord, num, p_ord, para.num, para.text, para.span.start, para.span.end))
            for pt_ord, pt in enumerate(para.points):
                points.append((treaty.id, a_ord, num, p_ord, pt_ord, pt.num, pt.kind, pt.text, pt.span.start, pt.span.end))
    annexes = [(treaty.id, n_ord, ax.num, ax.title, ax.text) for n_ord, ax in enumerate(treaty.annexes)]
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
    conn.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", paragraphs)
    conn.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", points)
    conn.executemany("INSERT INTO annexes VALUES (?, ?, ?, ?, ?)", annexes)
    extracted = _insert_extraction(conn, treaty)
    provisions = insert_provisions(conn, treaty, first_rowid)
    return {
        "treaties": 1,
        "articles": len(articles),
        "paragraphs": len(paragraphs),
        "points": len(points),
        "annexes": len(annexes),
        **extracted,
        "provisions": provisions,
    }


def insert_treaty_names(conn: sqlite3.Connection, names: Mapping[str, Iterable[str]]) -> int:
    """The names each treaty goes by in a question (``kb.aliases.TreatyNames``, computed
    over the whole corpus, since a name all treaties share names none)."""
    rows = [(treaty_id, name) for treaty_id, found in names.items() for name in sorted(found)]
    conn.executemany("INSERT INTO treaty_names (treaty_id, name) VALUES (?, ?)", rows)
    return len(rows)


def _insert_extraction(conn: sqlite3.Connection, treaty: Treaty) -> dict[str, int]:
    """Definitions, references, obligations and clause attributes, flattened for queries."""
    definitions = [
        (treaty.id, i, d.article, d.term, d.definition, d.concept, d.span.start if d.span else None, d.span.end if d.span else None)
        for i, d in enumerate(treaty.definitions)
    ]
    refs = [
        (
            treaty.id, i, r.kind, r.source.article, r.source.paragraph, r.source.point,
            r.to.article if r.to else None, r.to.paragraph if r.to else None, r.to.point if r.to else None,
            r.to.annex if r.to else None, r.date, r.title, r.treaty, r.text,
        )
        for i, r in enumerate(treaty.references)
    ]
    obligations = [
        (
            treaty.id, i, o.article, o.paragraph, o.point, o.modality, o.actor, o.condition,
            o.deadline.value if o.deadline else None, o.deadline.unit if o.deadline else None,
            int(bool(o.deadline and o.deadline.immediate)), o.text,
        )
        for i, o in enumerate(treaty.obligations)
    ]
    clauses = []
    for kind in msgspec.structs.fields(treaty.clauses):
        value = getattr(treaty.clauses, kind.name)
        if value in (None, ()):
            continue
        article = getattr(value, "article", None)
        clauses.append((treaty.id, kind.name, article, _json(value)))
    conn.executemany("INSERT INTO definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", definitions)
    conn.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", refs)
    conn.executemany("INSERT INTO obligations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", obligations)
    conn.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?)", clauses)
    return {"definitions": len(definitions), "refs": len(refs), "obligations": len(obligations), "clauses": len(clauses)}


def insert_concepts(conn: sqlite3.Connection, concepts: Sequence[Concept]) -> int:
    """The concept registry of the whole build (one row a concept; the definitions
    table says which definitions name it)."""
    conn.executemany(
        "INSERT INTO concepts VALUES (?, ?, ?)", [(c.id, c.label, _json(c.labels)) for c in concepts]
    )
    return len(concepts)


def treaty_year(treaty: Treaty) -> int | None:
    """The year a treaty is filed under: the signing year, else its approving act's."""
    for date in (treaty.signed.date if treaty.signed else None, treaty.approval.date if treaty.approval else None):
        if date and len(date) >= 4 and date[:4].isdigit():
            return int(date[:4])
    return None


def _slice(treaty: Treaty, span: Span, fallback: str) -> tuple[str, int, int]:
    """The text a span covers, trimmed of surrounding whitespace (offsets follow), or the
    model's own text when the treaty carries no text to slice."""
    text = treaty.text
    if not (text and 0 <= span.start <= span.end <= len(text)):
        return fallback, span.start, span.start + len(fallback)
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[start:end], start, end


def _article_body(treaty: Treaty, art: Article) -> tuple[str, int, int]:
    """An article's heading and body, without the "N-бап" label (its words would make
    every article match "бап"). The heading is the best summary of an article a search
    has ("7-бап Аударымдар"), so it stays in, on a line of its own or printed on the
    header line after the label ("4-бап Ұлттық режим …")."""
    if art.heading_span is not None:
        start = art.heading_span.start
    elif art.header_span is not None:
        start = art.header_span.end
        if art.heading and treaty.text:
            on_header = treaty.text.find(art.heading, art.header_span.start, art.header_span.end)
            if on_header >= 0:
                start = on_header
    else:
        start = art.span.start
    return _slice(treaty, Span(min(start, art.span.end), art.span.end), art.text)


def _point_citation(num: str | None) -> str | None:
    return f"{num}) тармақша" if num else None


def provision_rows(treaty: Treaty) -> list[tuple[object, ...]]:
    """The searchable units of a treaty: one row per article (heading and body), and one
    per alinea and per point of its paragraphs (a paragraph with neither is one row).

    Search returns the finest level that matched, and an article row only when no
    finer row of that article did (its words spread over several paragraphs)."""
    year = treaty_year(treaty)
    rows: list[tuple[object, ...]] = []

    def add(a_ord: int, art: Article | None, para_num: str | None, point_num: str | None, level: str, body: tuple[str, int, int], cite: str) -> None:
        text, start, end = body
        tokens = tokenize(text)
        rows.append(
            (
                treaty.id, a_ord, art.num if art else "", para_num, point_num, level, text, start, end, year,
                _json(list(art.clause_types) if art else []), cite,
                pack_tokens(tokens),
            )
        )

    def add_paragraphs(a_ord: int, art: Article | None, paragraphs: Sequence[Paragraph], cite: str) -> None:
        for para in paragraphs:
            para_cite = f"{cite}, {para.num}-тармақ" if para.num else cite
            if not para.alineas and not para.points:
                add(a_ord, art, para.num, None, "paragraph", _slice(treaty, para.span, para.text), para_cite)
            for alinea in para.alineas:
                add(a_ord, art, para.num, None, "paragraph", _slice(treaty, alinea.span, alinea.text), para_cite)
            for point in para.points:
                sub = _point_citation(point.num)
                point_cite = f"{para_cite}, {sub}" if sub else para_cite
                add(a_ord, art, para.num, point.num, "point", _slice(treaty, point.span, point.text), point_cite)

    for a_ord, art in enumerate(treaty.articles):
        art_cite = citation(treaty.title, art.num)
        add(a_ord, art, None, None, "article", _article_body(treaty, art), art_cite)
        add_paragraphs(a_ord, art, art.paragraphs, art_cite)
    # a text without articles: its paragraphs, under no article (``BODY_ORD``), cited
    # by the treaty and the paragraph ("…, 2-тармақ")
    add_paragraphs(BODY_ORD, None, treaty.paragraphs, " ".join(treaty.title.split()))
    return rows


def insert_provisions(conn: sqlite3.Connection, treaty: Treaty, first_rowid: int) -> int:
    """Fill ``provisions`` for one treaty, rowids from ``first_rowid`` on."""
    rows = [(first_rowid + i, *row) for i, row in enumerate(provision_rows(treaty))]
    conn.executemany(
        "INSERT INTO provisions (rowid, treaty_id, article_ord, article_num, paragraph_num, point_num, level, text,"
        " span_start, span_end, year, clause_types, citation, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)
