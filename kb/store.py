"""Reading a knowledge-base version: read-only, immutable, safe to share across threads.

A version folder never changes after its build renamed it into place, so it is opened
with ``mode=ro&immutable=1``: SQLite then takes no locks and never looks for a journal,
and a reader cannot write by accident. Readers hold the file open, so pruning a
version (or a new build becoming current) does not disturb a request already running
on POSIX. ``CurrentKnowledgeBase`` follows ``CURRENT`` so a long-running server picks
up a fresh build without a restart.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Self

import msgspec
import numpy as np

from ingest.model import Signed, Treaty
from kb.aliases import TreatyNames
from kb.errors import ArticleNotFound, KbCorrupt, KbUnavailable, TreatyNotFound
from kb.integrity import Depth, verify_version
from kb.leases import Lease
from kb.lexical import LexicalIndex, merge, read_postings
from kb.paths import DB_NAME, MANIFEST_NAME, SEGMENTS_DIR, KbPaths, is_version_name
from kb.provision_table import ProvisionTable
from kb.records import (
    ApprovalRef,
    ArticleRecord,
    ConceptRecord,
    DefinitionRecord,
    ParagraphRecord,
    PointRecord,
    TreatySummary,
    citation,
)
from kb.schema import SCHEMA_VERSION
from kb.segments import VECTORS_SUFFIX, Segment, attach_version, schema_name
from kb.tokens import unpack_tokens


class ProvisionRecord(NamedTuple):
    """A provision as stored: where it stands, its text and its tokens."""

    rowid: int
    treaty_id: str
    article_ord: int
    article_num: str
    paragraph_num: str | None
    point_num: str | None
    level: str
    text: str
    span_start: int
    span_end: int
    year: int | None
    clause_types: tuple[str, ...]
    citation: str
    tokens: tuple[tuple[int, int, str, tuple[str, ...]], ...]


class SourceMap(msgspec.Struct):
    """The part of a treaty that maps its text to the source file, with ``Treaty``'s
    own mapping methods."""

    source_map: tuple[tuple[int, int, int], ...] = ()
    source_span = Treaty.source_span
    _source_offset = Treaty._source_offset


class _TreatyText(msgspec.Struct):
    """The one field of a stored export a quote needs: decoding only it skips building
    the whole ``Treaty`` (articles, definitions, obligations …) to slice a few words."""

    text: str


_SOURCE_MAPS = 64
_CHUNK = 500

_MAX_KEY = 512
"""Longer ids or article numbers cannot exist; refusing them early keeps junk out of SQLite."""


def _usable_key(value: str) -> bool:
    """False for what no stored key can equal: over-long strings and lone surrogates
    (which a percent-decoded URL can produce and SQLite cannot bind)."""
    if len(value) > _MAX_KEY:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class KnowledgeBase:
    """One version of the knowledge base, open read-only. Query methods raise
    ``kb.errors.NotFound`` subclasses for unknown ids, never return half answers."""

    def __init__(self, version_dir: Path) -> None:
        self.path = Path(version_dir).resolve()
        self.version = self.path.name
        verify_version(self.path, "sizes")  # a missing or truncated file is named before SQLite trips on it
        db = self.path / DB_NAME
        if not db.is_file():
            raise KbUnavailable(f"no {DB_NAME} in {self.path}")
        # held while this version is open, so no build prunes it under us (kb.leases)
        self._lease = Lease(KbPaths(self.path.parent.parent), self.version) if is_version_name(self.version) else None
        uri = f"{db.as_uri()}?mode=ro&immutable=1"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        try:
            schema = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise KbUnavailable(f"{db}: not a knowledge base ({exc})") from None
        if schema is None or int(schema[0]) != SCHEMA_VERSION:
            self.close()
            found = schema[0] if schema else "none"
            raise KbUnavailable(f"{db}: schema version {found}, this kelisim reads {SCHEMA_VERSION}; rebuild")
        try:
            self._segments = self._read(lambda conn: attach_version(conn, self.path / SEGMENTS_DIR))
        except sqlite3.DatabaseError as exc:
            self.close()
            raise KbUnavailable(f"{self.path}: its segments cannot be read ({exc})") from None
        self._source_maps: OrderedDict[str, SourceMap] = OrderedDict()
        self._memo: dict[str, Any] = {}
        self._memo_lock = threading.RLock()
        try:
            self._manifest: dict[str, Any] = json.loads((self.path / MANIFEST_NAME).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            self.close()
            raise KbUnavailable(f"{self.path / MANIFEST_NAME}: unreadable ({exc})") from None

    # -- plumbing -------------------------------------------------------------------

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        if self._lease is not None:
            self._lease.release()

    @property
    def segments(self) -> tuple[Segment, ...]:
        """This version's segments, oldest first (``kb.segments``)."""
        return self._segments

    def raw_connection(self) -> sqlite3.Connection:
        """The connection itself, for the build that starts from this version (it reads
        the catalog); not for queries, which go through the methods below."""
        return self._conn

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries --------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """The build's ``manifest.json`` (a copy: the caller may change it)."""
        return json.loads(json.dumps(self._manifest))

    def count_treaties(self) -> int:
        row = self._one("SELECT count(*) FROM treaties")
        return int(row[0]) if row else 0

    def list_treaties(self) -> list[TreatySummary]:
        """Every treaty, in corpus order, with what a listing shows."""
        rows = self._all(
            "SELECT t.id, t.title, t.draft, t.approval, t.signed, t.entry_into_force_date,"
            " (SELECT count(*) FROM articles a WHERE a.treaty_id = t.id)"
            " FROM treaties t ORDER BY t.ord"
        )
        return [
            TreatySummary(
                id=r[0],
                title=r[1],
                draft=bool(r[2]),
                approval=msgspec.json.decode(r[3], type=ApprovalRef) if r[3] else None,
                signed=msgspec.json.decode(r[4], type=Signed) if r[4] else None,
                entry_into_force_date=r[5],
                article_count=int(r[6]),
            )
            for r in rows
        ]

    def get_treaty_export(self, treaty_id: str) -> bytes:
        """The whole treaty as stored: the msgspec JSON export of ``Treaty`` (inflated:
        the column holds it deflated, ``kb.schema``)."""
        row = self._one("SELECT export FROM treaties WHERE id = ?", (treaty_id,)) if _usable_key(treaty_id) else None
        if row is None:
            raise TreatyNotFound(treaty_id)
        return zlib.decompress(row[0])

    def get_treaty(self, treaty_id: str) -> Treaty:
        """The treaty decoded back into the frozen model, as the parser made it."""
        return msgspec.json.decode(self.get_treaty_export(treaty_id), type=Treaty)

    def treaty_text(self, treaty_id: str) -> str:
        """A treaty's repaired text, which every stored span indexes (read once per
        treaty and version)."""
        return self.memo(  # type: ignore[no-any-return]
            f"text:{treaty_id}", lambda: msgspec.json.decode(self.get_treaty_export(treaty_id), type=_TreatyText).text
        )

    def has_treaty(self, treaty_id: str) -> bool:
        return _usable_key(treaty_id) and self._one("SELECT 1 FROM treaties WHERE id = ?", (treaty_id,)) is not None

    def get_article(self, treaty_id: str, num: str) -> ArticleRecord:
        """Article ``num`` of a treaty (the first, should a parse have numbered two alike)."""
        title_row = self._one("SELECT title FROM treaties WHERE id = ?", (treaty_id,)) if _usable_key(treaty_id) else None
        if title_row is None:
            raise TreatyNotFound(treaty_id)
        art = (
            self._one(
                "SELECT ord, num, heading, implicit, text FROM articles"
                " WHERE treaty_id = ? AND num = ? ORDER BY ord LIMIT 1",
                (treaty_id, num),
            )
            if _usable_key(num)
            else None
        )
        if art is None:
            raise ArticleNotFound(treaty_id, num)
        a_ord = art[0]
        points: dict[int, list[PointRecord]] = {}
        for p_ord, pt_num, kind, text in self._all(
            "SELECT paragraph_ord, num, kind, text FROM points"
            " WHERE treaty_id = ? AND article_ord = ? ORDER BY paragraph_ord, ord",
            (treaty_id, a_ord),
        ):
            points.setdefault(p_ord, []).append(PointRecord(num=pt_num, kind=kind, text=text))
        paragraphs = tuple(
            ParagraphRecord(num=p_num, text=text, points=tuple(points.get(p_ord, ())))
            for p_ord, p_num, text in self._all(
                "SELECT ord, num, text FROM paragraphs WHERE treaty_id = ? AND article_ord = ? ORDER BY ord",
                (treaty_id, a_ord),
            )
        )
        return ArticleRecord(
            treaty_id=treaty_id,
            num=art[1],
            heading=art[2],
            implicit=bool(art[3]),
            text=art[4],
            paragraphs=paragraphs,
            citation=citation(title_row[0], art[1]),
        )


    # -- concepts ---------------------------------------------------------------------

    def list_concepts(self) -> list[ConceptRecord]:
        """Every concept, by id, with how many definitions name it."""
        rows = self._all(
            "SELECT c.id, c.label, c.labels, (SELECT count(*) FROM definitions d WHERE d.concept_id = c.id)"
            " FROM concepts c ORDER BY c.id"
        )
        return [ConceptRecord(id=r[0], label=r[1], labels=json.loads(r[2] or "{}"), definitions=int(r[3])) for r in rows]

    def definitions(self, concept_id: str | None = None) -> list[DefinitionRecord]:
        """The definitions of one concept (every definition without ``concept_id``), in
        corpus order."""
        sql = (
            "SELECT d.treaty_id, d.article_num, d.term, d.definition, d.concept_id, d.span_start, d.span_end"
            " FROM definitions d JOIN treaties t ON t.id = d.treaty_id"
        )
        params: tuple[object, ...] = ()
        if concept_id is not None:
            sql += " WHERE d.concept_id = ?"
            params = (concept_id,)
        rows = self._all(sql + " ORDER BY t.ord, d.ord", params)
        return [
            DefinitionRecord(
                treaty_id=r[0], article=r[1], term=r[2], definition=r[3], concept_id=r[4],
                span=(int(r[5]), int(r[6])) if r[5] is not None and r[6] is not None else None,
            )
            for r in rows
        ]

    # -- clauses ----------------------------------------------------------------------

    def clause_articles(self, clause_type: str) -> dict[str, str]:
        """Treaty id → its article of a clause type, in corpus order: the article its
        clause attributes of that type cite, else the first article typed so."""
        cited = self._all(
            "SELECT c.treaty_id, c.article_num FROM clauses c JOIN treaties t ON t.id = c.treaty_id"
            " WHERE c.kind = ? AND c.article_num IS NOT NULL ORDER BY t.ord",
            (clause_type,),
        )
        typed = self._all(
            "SELECT a.treaty_id, a.num FROM articles a JOIN treaties t ON t.id = a.treaty_id, json_each(a.clause_types) j"
            " WHERE j.value = ? ORDER BY t.ord, a.ord",
            (clause_type,),
        )
        out: dict[str, str] = {}
        for treaty_id, article in [*cited, *typed]:
            out.setdefault(treaty_id, article)
        return out

    def clause_attributes(self, clause_type: str) -> dict[str, dict[str, Any]]:
        """Treaty id → the stored attributes of its clause of that type."""
        return {r[0]: json.loads(r[1]) for r in self._all("SELECT treaty_id, attributes FROM clauses WHERE kind = ?", (clause_type,))}

    def obligations(self, treaty_id: str) -> list[dict[str, Any]]:
        """A treaty's obligations, permissions and prohibitions, in treaty order."""
        rows = self._all(
            "SELECT article_num, paragraph_num, point_num, modality, actor, condition, deadline_value, deadline_unit,"
            " deadline_immediate, text FROM obligations WHERE treaty_id = ? ORDER BY ord",
            (treaty_id,),
        )
        keys = ("article", "paragraph", "point", "modality", "actor", "condition", "value", "unit", "immediate", "text")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- what extraction found, as lists (kb.extracted) ------------------------------

    def definition_rows(self) -> tuple[tuple[Any, ...], ...]:
        """Every definition as (treaty ord, ord, treaty id, article, term, definition,
        concept id, span start, span end), in corpus order; read once per version."""
        return self.memo(  # type: ignore[no-any-return]
            "definition_rows",
            lambda: tuple(
                self._all(
                    "SELECT t.ord, d.ord, d.treaty_id, d.article_num, d.term, d.definition, d.concept_id, d.span_start, d.span_end"
                    " FROM definitions d JOIN treaties t ON t.id = d.treaty_id ORDER BY t.ord, d.ord"
                )
            ),
        )

    def obligation_rows(self) -> tuple[tuple[Any, ...], ...]:
        """Every obligation, permission and prohibition as (treaty ord, ord, treaty id,
        article, paragraph, point, modality, actor, condition, deadline value, unit,
        immediate, text, the article's clause types as JSON), in corpus order; read once
        per version."""
        return self.memo(  # type: ignore[no-any-return]
            "obligation_rows",
            lambda: tuple(
                self._all(
                    "SELECT t.ord, o.ord, o.treaty_id, o.article_num, o.paragraph_num, o.point_num, o.modality, o.actor,"
                    " o.condition, o.deadline_value, o.deadline_unit, o.deadline_immediate, o.text,"
                    " coalesce((SELECT a.clause_types FROM articles a WHERE a.treaty_id = o.treaty_id AND a.num = o.article_num"
                    " ORDER BY a.ord LIMIT 1), '[]')"
                    " FROM obligations o JOIN treaties t ON t.id = o.treaty_id ORDER BY t.ord, o.ord"
                )
            ),
        )

    def reference_rows(self, treaty_id: str, num: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The references out of article ``num`` of a treaty and those into it (from its
        own articles, and from other treaties whose reference the build resolved to
        it), each row (treaty id, kind, from article, paragraph, point, to article,
        paragraph, point, annex, date, title, target treaty, text), in corpus order."""
        self.get_article(treaty_id, num)  # NotFound for an unknown treaty or article
        cols = (
            "r.treaty_id, r.kind, r.from_article, r.from_paragraph, r.from_point, r.to_article, r.to_paragraph,"
            " r.to_point, r.to_annex, r.date, r.title, r.target_treaty, r.text"
        )
        outgoing = self._all(f"SELECT {cols} FROM refs r WHERE r.treaty_id = ? AND r.from_article = ? ORDER BY r.ord", (treaty_id, num))
        incoming = self._all(
            f"SELECT {cols} FROM refs r JOIN treaties t ON t.id = r.treaty_id"
            " WHERE r.to_article = ? AND ((r.kind = 'internal' AND r.treaty_id = ?) OR (r.kind = 'external' AND r.target_treaty = ?))"
            " ORDER BY t.ord, r.ord",
            (num, treaty_id, treaty_id),
        )
        return outgoing, incoming

    def treaty_ids(self) -> list[str]:
        """Every treaty id, in corpus order."""
        return [r[0] for r in self._all("SELECT id FROM treaties ORDER BY ord")]

    def article_span(self, treaty_id: str, num: str) -> tuple[int, int] | None:
        """Where article ``num`` stands in the treaty's repaired text (the first article
        so numbered). Every article's span is read in one query, once per version: a
        clause matrix cites thousands."""

        def load() -> dict[tuple[str, str], tuple[int, int]]:
            spans: dict[tuple[str, str], tuple[int, int]] = {}
            for treaty, number, start, end in self._all("SELECT treaty_id, num, span_start, span_end FROM articles ORDER BY treaty_id, ord"):
                spans.setdefault((treaty, number), (int(start), int(end)))
            return spans

        return self.memo("article_spans", load).get((treaty_id, num))  # type: ignore[no-any-return]

    # -- search ---------------------------------------------------------------------
    # What ``kb.search`` asks of a version.

    def provisions(self, rowids: Iterable[int]) -> dict[int, ProvisionRecord]:
        """The stored provisions with these rowids (unknown rowids are left out)."""
        cols = (
            "treaty_id, article_ord, article_num, paragraph_num, point_num, level, text,"
            " span_start, span_end, year, clause_types, citation, tokens"
        )
        out: dict[int, ProvisionRecord] = {}
        for r in self._by_rowid(cols, rowids):
            tokens = tuple((t[0], t[1], t[2], tuple(t[3])) for t in unpack_tokens(r[13]))
            out[r[0]] = ProvisionRecord(r[0], *r[1:11], _json_strings(r[11]), r[12], tokens)
        return out

    def _by_rowid(self, columns: str, rowids: Iterable[int]) -> list[tuple[Any, ...]]:
        ids = sorted({int(i) for i in rowids})
        rows: list[tuple[Any, ...]] = []
        for k in range(0, len(ids), _CHUNK):
            chunk = ids[k : k + _CHUNK]
            rows.extend(
                self._all(f"SELECT rowid, {columns} FROM provisions WHERE rowid IN ({', '.join('?' * len(chunk))})", tuple(chunk))
            )
        return rows

    def provision_table(self) -> ProvisionTable:
        """The provisions as columns (``kb.provision_table``), read at first use."""
        return self.memo("provision_table", lambda: self._read(ProvisionTable.load))  # type: ignore[no-any-return]

    def lexical_index(self) -> LexicalIndex:
        """The keyword index (``kb.lexical``): the postings of every segment merged at
        first use, numbering the provisions as ``provision_table`` does (a provision of a
        treaty this version no longer holds is left out)."""

        def load() -> LexicalIndex:
            table = self.provision_table()
            parts = []
            for i in range(len(self._segments)):
                part = self._read(lambda conn, i=i: read_postings(conn, schema_name(i)))
                parts.append((part, table.numbers(part.doc_rowids)))
            return merge(parts, table.size)

        return self.memo("lexical_index", load)  # type: ignore[no-any-return]

    def vector_parts(self) -> list[tuple[Path, np.ndarray | None]]:
        """Each segment's dense index file, with the rowids of its live provisions when
        some of its treaties are gone (None: all of it is live)."""
        parts: list[tuple[Path, np.ndarray | None]] = []
        for segment in self._segments:
            live = None
            if segment.dead:
                ranges = self._all("SELECT first_rowid, provisions FROM main.catalog WHERE segment = ?", (segment.name,))
                live = np.concatenate([np.arange(f, f + n, dtype=np.int64) for f, n in ranges]) if ranges else np.zeros(0, np.int64)
            parts.append((self.path / SEGMENTS_DIR / (segment.name + VECTORS_SUFFIX), live))
        return parts

    def warm(self) -> Self:
        """Load what search reads into memory now (the provision columns and the keyword
        index, under a second even for a hundred times this corpus), so the first
        search does not pay for it."""
        self.provision_table()
        self.lexical_index()
        self.treaty_names()
        self._parties()
        return self

    def memo(self, name: str, load: Callable[[], Any]) -> Any:
        """``load()``, computed once per version whichever thread asks first, and kept:
        the version never changes. Search's tables live here, and so do what other
        modules derive from a version (``kb.hybrid``'s vector index),
        so they go when the version goes. ``load`` may read this knowledge base."""
        with self._memo_lock:
            if name not in self._memo:
                self._memo[name] = load()
            return self._memo[name]

    def forget(self) -> None:
        """Drop what was loaded from this version (search tables, vector index, source
        maps): what a server does with a version it closed, so the memory goes back at
        once, even while something still holds the object."""
        with self._memo_lock:
            self._memo.clear()
        with self._lock:
            self._source_maps.clear()

    def _read(self, read: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            return read(self._conn)

    def treaty_titles(self) -> dict[str, str]:
        """Treaty id → title, in corpus order."""
        titles = self.memo("treaty_titles", lambda: {r[0]: r[1] for r in self._all("SELECT id, title FROM treaties ORDER BY ord")})
        return dict(titles)

    def clause_type_ids(self) -> frozenset[str]:
        """The clause types some article of this version has (every article has a row
        among the provisions, carrying its types)."""
        return frozenset(self.provision_table().type_ids)

    def party_treaties(self, words: str) -> frozenset[str]:
        """The treaties one of whose parties is named with all of ``words``, each in any
        inflection ("Түрікменстан" finds "Түрікменстан Үкіметі"). The parties' words
        and lemmas were stored by the build (``treaties.party_words``)."""
        from kb.tokens import tokenize

        parties = self._parties()
        wanted = [(t.surface, set(t.lemmas)) for t in tokenize(words)]
        if not wanted:
            return frozenset()
        return frozenset(
            treaty_id
            for treaty_id, names in parties.items()
            if any(
                all(any(s == surface or not lemmas.isdisjoint(lems) for s, lems in name) for surface, lemmas in wanted)
                for name in names
            )
        )

    def _parties(self) -> dict[str, tuple[tuple[tuple[str, frozenset[str]], ...], ...]]:
        """Treaty id → each party's words as (folded form, lemmas), read once."""
        return self.memo("party_words", self._party_words)  # type: ignore[no-any-return]

    def _party_words(self) -> dict[str, tuple[tuple[tuple[str, frozenset[str]], ...], ...]]:
        return {
            treaty_id: tuple(tuple((surface, frozenset(lemmas)) for surface, lemmas in name) for name in msgspec.json.decode(raw))
            for treaty_id, raw in self._all("SELECT id, party_words FROM treaties ORDER BY ord")
        }

    def treaty_names(self) -> TreatyNames:
        """The names a question may call each treaty by (``kb.aliases``), as the build
        computed them over the whole corpus."""
        return self.memo("treaty_names", self._treaty_names)  # type: ignore[no-any-return]

    def _treaty_names(self) -> TreatyNames:
        names: dict[str, set[str]] = {}
        for treaty_id, name in self._all("SELECT treaty_id, name FROM treaty_names ORDER BY rowid"):
            names.setdefault(treaty_id, set()).add(name)
        return TreatyNames.stored(names)

    def has_vectors(self) -> bool:
        """Whether this version has its dense index (built with vectors): every segment's."""
        return all(s.vectors and (self.path / SEGMENTS_DIR / (s.name + VECTORS_SUFFIX)).exists() for s in self._segments)

    def source_mapper(self, treaty_id: str) -> SourceMap:
        """Maps spans of a treaty's text to its source file (``Treaty.source_span``),
        from the map the build stored beside the export (``treaties.source_map``)."""
        with self._lock:
            mapper = self._source_maps.get(treaty_id)
            if mapper is not None:
                self._source_maps.move_to_end(treaty_id)
                return mapper
        row = self._one("SELECT source_map FROM treaties WHERE id = ?", (treaty_id,)) if _usable_key(treaty_id) else None
        if row is None:
            raise TreatyNotFound(treaty_id)
        mapper = SourceMap(source_map=msgspec.json.decode(row[0], type=tuple[tuple[int, int, int], ...]))
        with self._lock:
            self._source_maps[treaty_id] = mapper
            while len(self._source_maps) > _SOURCE_MAPS:
                self._source_maps.popitem(last=False)
        return mapper


def _json_strings(raw: str | bytes | None) -> tuple[str, ...]:
    if not raw:
        return ()
    value = msgspec.json.decode(raw)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def read_current(kb_root: Path) -> str:
    """The version name ``CURRENT`` holds; ``KbUnavailable`` if there is none (yet)."""
    paths = KbPaths(Path(kb_root))
    try:
        name = paths.current_file.read_text("ascii").strip()
    except FileNotFoundError:
        raise KbUnavailable(f"no knowledge base built in {paths.root} (run `kelisim build`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KbUnavailable(f"{paths.current_file}: unreadable ({exc})") from None
    if not is_version_name(name):
        raise KbUnavailable(f"{paths.current_file}: not a version name: {name[:80]!r}")
    return name


def open_version(kb_root: Path, version: str, depth: Depth = "sizes") -> KnowledgeBase:
    """A named version (current or not), e.g. to compare two builds. Every open checks
    that the version's files are all there at their recorded sizes; ``depth="full"``
    also hashes them (``kb.integrity``), what a server does before serving a version.
    ``KbCorrupt`` names a damaged file."""
    if not is_version_name(version):
        raise KbUnavailable(f"not a version name: {version[:80]!r}")
    folder = KbPaths(Path(kb_root)).version_dir(version)
    if not folder.is_dir():
        raise KbUnavailable(f"version {version} is missing from {folder.parent}")
    if depth == "full":
        verify_version(folder, "full")
    return KnowledgeBase(folder)


def open_current(kb_root: Path, depth: Depth = "sizes") -> KnowledgeBase:
    """The version ``CURRENT`` points at, read-only."""
    return open_version(kb_root, read_current(kb_root), depth)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A version ``CURRENT`` named that was not served, and why: the damaged file
    (None when the version could not be opened at all) and what is wrong with it."""

    version: str
    file: str | None
    reason: str

    @classmethod
    def of(cls, version: str, exc: KbUnavailable) -> Refusal:
        if isinstance(exc, KbCorrupt):
            return cls(version=version, file=exc.file, reason=exc.reason)
        return cls(version=version, file=None, reason=str(exc))


class CurrentKnowledgeBase:
    """Whatever version is current *now*, for a long-running server: a cheap ``stat`` of
    ``CURRENT`` per call, and a reopen only when the file was swapped, so a build run
    beside the server is picked up at the next request.

    A version is fully verified (``kb.integrity``) before it is served. One that is
    damaged is *refused*: the version served so far stays served (at start-up, the
    newest intact version is), ``refused()`` says which and why, and the refused
    version is tried again only when ``CURRENT`` is next written.

    Requests ``lease`` the version they read. A version replaced by a newer one is
    closed, and its memory given back, when its last lease ends, never before. A
    version handed out by ``get`` (no lease) is never closed here: it goes when its
    last reference does, as any Python object."""

    def __init__(self, kb_root: Path, depth: Depth = "full") -> None:
        self.paths = KbPaths(Path(kb_root))
        self.depth = depth
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._kb: KnowledgeBase | None = None
        self._failure: KbUnavailable | None = None  # why nothing can be served, for this CURRENT
        self._refused: Refusal | None = None
        self._leases: dict[int, int] = {}  # id of a leased version -> running leases
        self._retired: dict[int, KnowledgeBase] = {}  # replaced versions waiting for their last lease
        self._unleased: weakref.WeakSet[KnowledgeBase] = weakref.WeakSet()

    def get(self) -> KnowledgeBase:
        """The current version, without a lease: it stays open as long as the caller
        holds it (prefer ``lease`` in a server, which lets it be closed promptly)."""
        kb = self._follow()
        with self._lock:
            self._unleased.add(kb)
        return kb

    def acquire(self) -> KnowledgeBase:
        """The current version, leased until ``release``: it is not closed meanwhile,
        even if a newer version replaces it."""
        self._follow()
        with self._lock:
            kb = self._kb
            assert kb is not None  # _follow raised otherwise, and a swap never unsets it
            self._leases[id(kb)] = self._leases.get(id(kb), 0) + 1
            return kb

    def release(self, kb: KnowledgeBase) -> None:
        """End one lease of ``kb``; the last lease of a replaced version closes it."""
        with self._lock:
            left = self._leases[id(kb)] - 1
            if left:
                self._leases[id(kb)] = left
                return
            del self._leases[id(kb)]
            done = self._retired.pop(id(kb), None)
        if done is not None:
            _release(done)

    @contextmanager
    def lease(self) -> Iterator[KnowledgeBase]:
        """``acquire`` … ``release`` around a block."""
        kb = self.acquire()
        try:
            yield kb
        finally:
            self.release(kb)

    def refused(self) -> Refusal | None:
        """The version ``CURRENT`` names if it was refused (then another is served)."""
        return self._refused

    def draining(self) -> tuple[str, ...]:
        """Replaced versions still open because a request holds them."""
        with self._lock:
            return tuple(kb.version for kb in self._retired.values())

    # -- following CURRENT --------------------------------------------------------------

    def _follow(self) -> KnowledgeBase:
        try:
            st = os.stat(self.paths.current_file)
        except FileNotFoundError:
            raise KbUnavailable(f"no knowledge base built in {self.paths.root} (run `kelisim build`)") from None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        kb = self._kb
        if stamp == self._stamp and kb is not None:
            return kb
        with self._lock:
            if stamp != self._stamp:
                replaced = self._swap(stamp)
                if replaced is not None:
                    self._retire(replaced)
            if self._kb is None:
                raise copy.copy(self._failure) if self._failure else KbUnavailable(f"no version of {self.paths.root} can be served")
            return self._kb

    def _swap(self, stamp: tuple[int, int, int]) -> KnowledgeBase | None:
        """Under the lock: serve what ``CURRENT`` names now, if it is intact; return the
        version it replaces."""
        name = read_current(self.paths.root)
        if self._kb is not None and self._kb.version == name:
            self._stamp, self._refused = stamp, None
            return None
        try:
            fresh = open_version(self.paths.root, name, self.depth).warm()
        except KbUnavailable as exc:
            self._stamp, self._refused = stamp, Refusal.of(name, exc)
            if self._kb is None:
                self._kb = self._newest_intact(besides=name)
                self._failure = None if self._kb is not None else exc
            return None
        replaced, self._kb = self._kb, fresh
        self._stamp, self._refused, self._failure = stamp, None, None
        return replaced

    def _newest_intact(self, besides: str) -> KnowledgeBase | None:
        """At start-up, when ``CURRENT`` names a damaged version: the newest one that is whole."""
        try:
            names = sorted((n for n in os.listdir(self.paths.versions) if is_version_name(n) and n != besides), reverse=True)
        except OSError:
            return None
        for name in names:
            try:
                return open_version(self.paths.root, name, self.depth).warm()
            except KbUnavailable:
                continue
        return None

    def _retire(self, old: KnowledgeBase) -> None:
        """Under the lock: close a replaced version now if no request holds it, else when
        its last lease ends. One handed out unleased is left to Python's reference count."""
        if old in self._unleased:
            return
        if self._leases.get(id(old)):
            self._retired[id(old)] = old
        else:
            _release(old)


def _release(kb: KnowledgeBase) -> None:
    """Close a replaced version and give back what it loaded."""
    kb.close()
    kb.forget()
