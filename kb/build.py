"""Build a new, immutable knowledge-base version from a corpus, then make it current.

Why it is shaped like this: the API server may be reading the knowledge base while
a build runs, and a build may die at any moment (an exception, Ctrl-C, SIGKILL, a
full disk). So a build never writes where a reader looks. It writes a complete
version into ``versions/.tmp-<timestamp>/``, fsyncs it, renames the folder to its
version name (timestamp plus content hash) and only then swaps the one-line
``CURRENT`` file with ``os.replace``, the single atomic step that publishes it. Until that step the previous version stays current;
a build that raises removes its temp folder, and one that was killed leaves a
``.tmp-*`` folder that the next build (holding the build lock) sweeps away.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from ingest.corpus import Known, Outcome, Parse, parse_corpus
from ingest.errors import IngestError
from ingest.extract.linking import Linkable
from ingest.model import Concept, Treaty
from ingest.pipeline import source_files
from ingest.sources import open_source
from kb.aliases import TreatyNames
from kb.errors import BuildError, KbUnavailable
from kb.integrity import seal
from kb.paths import (
    DB_NAME,
    MANIFEST_NAME,
    SEGMENTS_DIR,
    TMP_PREFIX,
    KbPaths,
    is_version_name,
)
from kb.schema import (
    SCHEMA_VERSION,
    TABLES,
    create_schema,
    insert_concepts,
    insert_treaty_names,
    set_meta,
)
from kb.segments import (
    SEGMENT_SUFFIX,
    VECTORS_SUFFIX,
    Placed,
    SegmentPlan,
    attach_version,
    plan_segments,
    write_segment,
)
from kb.store import KnowledgeBase

try:  # POSIX: serialise builds. Elsewhere builds are assumed not to overlap.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

KEEP_VERSIONS = 3


@dataclass(frozen=True, slots=True)
class Step:
    """How far a build has come in one of its stages (``parse``, ``embed``, ``write``):
    what a progress bar draws, or one line of a log (``line``)."""

    stage: str
    done: int
    total: int
    detail: str = ""

    def line(self) -> str:
        return f"{self.stage} [{self.done}/{self.total}] {self.detail}".rstrip()


Progress = Callable[[Step], None]


def _to_stderr(step: Step) -> None:
    print(step.line(), file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One corpus file as the build saw it: name relative to the corpus, content hash,
    size, and what became of it (a treaty id or an error message)."""

    path: str
    sha256: str | None
    bytes: int | None
    treaty_id: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SourceError:
    """A source file left out of the build, and why (the ``IngestError`` message)."""

    source: str
    error: str


@dataclass(frozen=True, slots=True)
class Reuse:
    """What a build took from the version before it: treaties not parsed again (their
    source unchanged), treaties whose stored rows were kept (their segment shared),
    segments shared and written, and the bytes of the version's files it wrote anew
    (all but the manifest, which records these figures) and shared by hard link."""

    reused_sources: int = 0
    parsed_sources: int = 0
    kept_treaties: int = 0
    segments_kept: int = 0
    segments_written: int = 0
    bytes_written: int = 0
    bytes_shared: int = 0


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a successful build published."""

    version: str
    path: Path
    built_at: str
    content_sha256: str
    treaty_ids: tuple[str, ...]
    counts: Mapping[str, int]
    sources: tuple[SourceFile, ...]
    errors: tuple[SourceError, ...]
    pruned: tuple[str, ...] = field(default=())
    reuse: Reuse = field(default=Reuse())

    def summary(self) -> str:
        """One line for a terminal or a log."""
        c = self.counts
        line = (
            f"built {self.version}: {c['treaties']} treaties, {c['articles']} articles, "
            f"{c['paragraphs']} paragraphs, {c['points']} points, {c['annexes']} annexes"
        )
        if self.reuse.reused_sources:
            line += f"; {self.reuse.parsed_sources} parsed, {self.reuse.reused_sources} unchanged"
        if self.errors:
            line += f"; {len(self.errors)} of {len(self.sources)} sources failed"
        return line


def build(
    corpus_dir: Path,
    kb_root: Path,
    *,
    parse: Parse | None = None,
    progress: Progress | None = _to_stderr,
    keep: int = KEEP_VERSIONS,
    vectors: bool = False,
    incremental: bool = True,
) -> BuildResult:
    """Parse every source of ``corpus_dir`` into a new version under ``kb_root`` and make
    it current. Files that raise ``IngestError`` are recorded and skipped; any other
    exception aborts the build. Raises ``BuildError`` when no treaty parses. ``parse``
    replaces ``ingest.pipeline.parse_path`` (tests give a fake parser).

    ``vectors`` adds the dense index for semantic and hybrid search (one vector per
    provision), embedding only what the shared vector cache lacks.

    ``incremental`` (the default) starts from the current version when the same code
    built it (``build_key``): a file whose bytes did not change is not parsed again, a
    treaty whose stored form did not change keeps its rows, in a segment the new
    version shares by hard link (``kb.segments``). Without it, or when the code
    changed, everything is parsed and written anew."""
    corpus_dir = Path(corpus_dir)
    paths = KbPaths(Path(kb_root))
    if not corpus_dir.exists():
        raise BuildError(f"corpus not found: {corpus_dir}")
    files = list(source_files([corpus_dir]))
    if not files:
        raise BuildError(f"no source files in {corpus_dir}")
    sources = [_describe(p, corpus_dir) for p in files]

    paths.versions.mkdir(parents=True, exist_ok=True)
    with _build_lock(paths):
        _sweep_stale_tmp(paths)
        built_at = _after_latest(datetime.now(UTC), paths)
        key = build_key(parse)
        previous = _previous(paths, key) if incremental else None
        try:
            return _build_version(paths, built_at, files, sources, parse, progress, keep, vectors, key, previous)
        finally:
            if previous is not None:
                previous.close()


def build_key(parse: Parse | None = None) -> str:
    """What must be the same for a build to reuse another's work: the schema, and every
    byte of the code and data that turn a file into stored rows (the ``ingest`` and
    ``kb`` packages). A change to any of them parses everything again, so a fix to
    the parser reaches every treaty, not just the new ones."""
    import ingest
    import kb

    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}\n".encode())
    if parse is not None:
        digest.update(f"parse={getattr(parse, '__module__', '')}.{getattr(parse, '__qualname__', repr(parse))}\n".encode())
    for package in (ingest, kb):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Listed:
    """A treaty of the previous version's catalog."""

    segment: str
    source: str
    source_sha256: str | None
    export_sha256: str
    first_rowid: int
    provisions: int
    names: str


_TREATY = msgspec.json.Decoder(Treaty)
_LINKABLE = msgspec.json.Decoder(Linkable)


class _Previous:
    """The version a build starts from: its catalog, segments and errors, and its
    stored exports, read through its own ``KnowledgeBase``."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.path = kb.path
        conn = kb.raw_connection()
        self.catalog = {
            r[0]: _Listed(*r[1:])
            for r in conn.execute(
                "SELECT treaty_id, segment, source, source_sha256, export_sha256, first_rowid, provisions, names FROM main.catalog"
            )
        }
        self.segments = {s.name: s for s in kb.segments}  # oldest first
        self.next_rowid = int(conn.execute("SELECT value FROM main.meta WHERE key = 'next_rowid'").fetchone()[0])
        manifest = kb.manifest()
        self.by_source = {(c.source, c.source_sha256): tid for tid, c in self.catalog.items()}
        self.links = dict(conn.execute("SELECT id, link FROM treaties").fetchall())
        self.read_back: dict[str, Linkable] = {}
        """Treaty id → what linking reads of it, as this version stored it: a treaty
        linking leaves as it was (the same object) keeps its stored rows untouched."""
        self.errors = {(s["path"], s["sha256"]): s["error"] for s in manifest.get("sources", []) if s.get("error")}
        self.vectors = {k: v for k, v in (manifest.get("vectors") or {}).items() if k in ("model", "embedding", "model_hash")}

    def known(self, sources: Mapping[Path, SourceFile]) -> Known:
        def known(path: Path) -> Treaty | IngestError | None:
            src = sources.get(path)
            if src is None or src.sha256 is None:
                return None
            treaty_id = self.by_source.get((src.path, src.sha256))
            if treaty_id is not None:
                view = _LINKABLE.decode(zlib.decompress(self.links[treaty_id]))
                self.read_back[treaty_id] = view
                return view  # type: ignore[return-value]  # linking reads no more (ingest.extract.linking)
            error = self.errors.get((src.path, src.sha256))
            return IngestError(str(path), error) if error else None

        return known

    def treaty(self, treaty_id: str) -> tuple[Treaty, bytes]:
        """A treaty this version holds, whole, with its export."""
        export = self.kb.get_treaty_export(treaty_id)
        return _TREATY.decode(export), export

    def close(self) -> None:
        self.kb.close()


def _previous(paths: KbPaths, key: str) -> _Previous | None:
    """The current version, when the same code built it and it can be read; else None
    (a full build)."""
    from kb.store import open_current

    try:
        kb = open_current(paths.root)
    except KbUnavailable:
        return None
    if kb.manifest().get("build_key") != key:
        kb.close()
        return None
    try:
        return _Previous(kb)
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError):
        kb.close()
        return None


def _build_version(
    paths: KbPaths,
    built_at: datetime,
    files: list[Path],
    sources: list[SourceFile],
    parse: Parse | None,
    progress: Progress | None,
    keep: int,
    vectors: bool,
    key: str,
    previous: _Previous | None,
) -> BuildResult:
    stamp = _stamp(built_at)
    tmp = paths.tmp_dir(stamp)  # the content hash, the rest of the name, is known only at the end
    renamed: Path | None = None  # set only once the rename happened: never delete what we did not make
    published = False
    tmp.mkdir()
    try:
        written = _write_version(tmp, stamp, files, sources, parse, progress, previous, vectors, paths.vector_cache)
        errors = tuple(SourceError(s.path, s.error) for s in written.sources if s.error)
        manifest = _manifest(written, built_at, errors, key)
        # every file's size and sha256 (kb.integrity), written last: all else is final. A file
        # shared with the previous version keeps its record there, so damage to it is not sealed in
        manifest = seal(manifest, tmp, previous=previous.path if previous is not None else None)
        _write_file(tmp / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        _fsync_tree(tmp)
        final = paths.version_dir(written.version)
        os.rename(tmp, final)
        renamed = final
        _fsync_dir(paths.versions)
        _publish(paths, written.version)
        published = True
    except BaseException:
        if not published:
            shutil.rmtree(tmp, ignore_errors=True)
            if renamed is not None:
                shutil.rmtree(renamed, ignore_errors=True)
        raise
    pruned = _prune(paths, written.version, keep)
    return BuildResult(
        version=written.version,
        path=final,
        built_at=_iso(built_at),
        content_sha256=written.digest,
        treaty_ids=tuple(s.treaty_id for s in written.sources if s.treaty_id),
        counts=written.counts,
        sources=written.sources,
        errors=errors,
        pruned=pruned,
        reuse=written.reuse,
    )


@dataclass(frozen=True, slots=True)
class _Written:
    """What ``_write_version`` leaves behind: the version it named, counts, per-source
    outcome, what it reused, and its segments (name, provisions, with vectors)."""

    version: str
    digest: str
    counts: dict[str, int]
    sources: tuple[SourceFile, ...]
    reuse: Reuse
    segments: tuple[tuple[str, int, bool], ...]
    vectors: dict[str, object] | None


def _write_version(
    folder: Path,
    stamp: str,
    files: list[Path],
    sources: list[SourceFile],
    parse: Parse | None,
    progress: Progress | None,
    previous: _Previous | None,
    vectors: bool,
    vector_cache: Path,
) -> _Written:
    """Parse and link the corpus (``ingest.corpus.parse_corpus``; files unchanged since
    the previous version are read back from it, not parsed), place every treaty (kept in
    a shared segment, or written into this build's new one), write the version's own
    ``kb.sqlite``, and the vectors when asked.

    The hash covers the stored exports and the per-file errors, not the inputs: two
    builds share a hash exactly when they would serve the same answers, so a parser
    change shows in the version name even when the corpus did not change."""
    by_path = {path: src for path, src in zip(files, sources, strict=True)}
    reused = 0

    def report(i: int, total: int, outcome: Outcome) -> None:
        if progress:
            treaty, error = outcome.treaty, outcome.error
            what = f"error: {error.reason}" if error else treaty.id if treaty else ""
            progress(Step("parse", i, total, f"{by_path[outcome.path].path}: {what}"))

    known = previous.known(by_path) if previous is not None else None

    def counting(path: Path) -> Treaty | IngestError | None:
        nonlocal reused
        found = known(path) if known is not None else None
        reused += found is not None
        return found

    corpus = parse_corpus(files, parse=parse, progress=report, known=counting)
    done: list[SourceFile] = []
    for outcome in corpus.outcomes:
        src = by_path[outcome.path]
        if outcome.error is not None:
            src = replace(src, error=outcome.error.reason)
        elif outcome.treaty is not None:
            src = replace(src, treaty_id=outcome.treaty.id)
        done.append(src)
    parsed = [src for src in done if src.treaty_id]
    if not parsed:
        raise BuildError(f"no treaty parsed: all {len(files)} source files failed")

    # each treaty whole, with its export, where it must be written; what was read back and
    # left as it was by linking stays a Linkable (its rows are kept, or copied when folded)
    wholes: dict[str, tuple[Treaty, bytes]] = {}
    export_hashes: list[str] = []
    names: dict[str, set[str]] = {}
    for treaty in corpus.treaties:
        back = previous.read_back.get(treaty.id) if previous is not None else None
        if back is not None:
            names[treaty.id] = set(json.loads(previous.catalog[treaty.id].names))  # type: ignore[union-attr]
        if back is not None and back is treaty:
            export_hashes.append(previous.catalog[treaty.id].export_sha256)  # type: ignore[union-attr]
            continue
        if back is not None:  # linking changed what it cites (a treaty it names came or went)
            whole = msgspec.structs.replace(previous.treaty(treaty.id)[0], references=treaty.references)  # type: ignore[union-attr]
        else:
            whole = treaty
        export = msgspec.json.encode(whole)
        wholes[treaty.id] = (whole, export)
        export_hashes.append(hashlib.sha256(export).hexdigest())
    treaty_names = TreatyNames(corpus.treaties, names)
    digest = hashlib.sha256(f"kelisim-kb schema={SCHEMA_VERSION}\n".encode())
    for src in done:
        if src.error:
            digest.update(f"E {src.path}\t{src.error}\n".encode())
    for src, export_hash in zip(parsed, export_hashes, strict=True):
        digest.update(f"T {src.path}\t{export_hash}\n".encode())
    digest.update(msgspec.json.encode(corpus.concepts))

    # where each treaty goes: kept where it is, or written into this build's segment
    unchanged = {
        t.id: previous.catalog[t.id]
        for t, h in zip(corpus.treaties, export_hashes, strict=True)
        if previous is not None and t.id in previous.catalog and previous.catalog[t.id].export_sha256 == h
    }
    if previous is not None:
        live: dict[str, int] = {}
        for listed in unchanged.values():
            live[listed.segment] = live.get(listed.segment, 0) + listed.provisions
        total = {name: s.provisions for name, s in previous.segments.items()}
        plan = plan_segments(list(previous.segments), live, total, len(unchanged) < len(corpus.treaties))
        next_rowid = previous.next_rowid
    else:
        plan = SegmentPlan((), ())
        next_rowid = 1
    seg_dir = folder / SEGMENTS_DIR
    seg_dir.mkdir()
    placed: dict[str, Placed] = {}
    for treaty_id, listed in unchanged.items():
        if listed.segment in plan.keep:
            placed[treaty_id] = Placed(listed.segment, listed.first_rowid, listed.provisions)
    shared = 0
    for name in plan.keep:
        shared += _share(previous.path / SEGMENTS_DIR / (name + SEGMENT_SUFFIX), seg_dir / (name + SEGMENT_SUFFIX))  # type: ignore[union-attr]
    fresh = [t.id for t in corpus.treaties if t.id not in placed]
    segments = [(name, previous.segments[name].provisions) for name in plan.keep] if previous is not None else []
    if fresh:
        name = stamp

        def items() -> Iterator[tuple[Treaty, bytes, int | None]]:
            for i, treaty_id in enumerate(fresh, 1):
                kept = unchanged.get(treaty_id)  # from a folded segment: read whole, keeps its rowids
                treaty, export = wholes[treaty_id] if treaty_id in wholes else previous.treaty(treaty_id)  # type: ignore[union-attr]
                yield treaty, export, kept.first_rowid if kept is not None else None
                if progress:
                    progress(Step("write", i, len(fresh), treaty_id))

        segment = write_segment(seg_dir / (name + SEGMENT_SUFFIX), items(), next_rowid)
        next_rowid = segment.next_rowid
        for treaty_id, (first, count) in segment.placements.items():
            placed[treaty_id] = Placed(name, first, count)
        segments.append((name, segment.provisions))

    # vectors: each segment's own file, shared with the segment when the last version has it
    with_vectors: dict[str, bool] = {}
    vector_stats: dict[str, object] | None = None
    same_model = False
    if vectors and previous is not None:
        from kb.embedding import model_hash

        same_model = previous.vectors.get("model_hash") == model_hash()  # another model: every vector again
    for name, _rows in segments:
        with_vectors[name] = vectors
        if not vectors:
            continue
        target = seg_dir / (name + VECTORS_SUFFIX)
        if previous is not None and same_model and name in plan.keep and previous.segments[name].vectors:
            shared += _share(previous.path / SEGMENTS_DIR / (name + VECTORS_SUFFIX), target)
            stats = {**previous.vectors, "count": previous.segments[name].provisions, "embedded": 0, "cached": 0}
        else:
            stats = _write_vectors(seg_dir / (name + SEGMENT_SUFFIX), target, vector_cache, progress)
        vector_stats = _add_stats(vector_stats, stats)

    version = f"{stamp}-{digest.hexdigest()[:8]}"
    catalog = [
        (
            t.id, ord_, placed[t.id].segment, src.path, src.sha256, h, placed[t.id].first_rowid, placed[t.id].provisions,
            json.dumps(sorted(treaty_names.own[t.id]), ensure_ascii=False),
        )
        for ord_, (t, src, h) in enumerate(zip(corpus.treaties, parsed, export_hashes, strict=True))
    ]
    _write_global(
        folder / DB_NAME,
        version,
        digest.hexdigest(),
        next_rowid,
        [(name, rows, with_vectors[name]) for name, rows in segments],
        catalog,
        corpus.concepts,
        treaty_names,
    )
    counts = _count(folder)
    written_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.stat().st_nlink == 1)
    reuse = Reuse(
        reused_sources=reused,
        parsed_sources=len(files) - reused,
        kept_treaties=sum(1 for p in placed.values() if p.segment in plan.keep),
        segments_kept=len(plan.keep),
        segments_written=1 if fresh else 0,
        bytes_written=written_bytes,
        bytes_shared=shared,
    )
    return _Written(
        version, digest.hexdigest(), counts, tuple(done), reuse, tuple((n, r, with_vectors[n]) for n, r in segments), vector_stats
    )


def _add_stats(total: dict[str, object] | None, stats: Mapping[str, object]) -> dict[str, object]:
    """The manifest's ``vectors``: the model, and counts summed over the segments."""
    out = dict(total) if total is not None else {k: v for k, v in stats.items() if k not in ("count", "embedded", "cached")}
    for k in ("count", "embedded", "cached"):
        out[k] = int(out.get(k, 0)) + int(stats.get(k, 0))  # type: ignore[call-overload]
    return out


def _share(source: Path, target: Path) -> int:
    """Put ``source`` into the new version as a hard link (no bytes written, the file
    is immutable in both); a copy where links cannot be made (another file system).
    Returns the bytes shared."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        return 0
    return target.stat().st_size


def _write_global(
    path: Path,
    version: str,
    digest: str,
    next_rowid: int,
    segments: Sequence[tuple[str, int, bool]],
    catalog: Sequence[tuple[object, ...]],
    concepts: Sequence[Concept],
    names: TreatyNames,
) -> None:
    """The version's own ``kb.sqlite``: what depends on the whole set of treaties."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        create_schema(conn)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO segments (name, seq, provisions, vectors) VALUES (?, ?, ?, ?)",
            [(name, i, rows, int(v)) for i, (name, rows, v) in enumerate(segments)],
        )
        conn.executemany("INSERT INTO catalog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", catalog)
        insert_concepts(conn, concepts)
        insert_treaty_names(conn, names.names)
        set_meta(conn, {"version": version, "content_sha256": digest, "next_rowid": str(next_rowid)})
        conn.execute("COMMIT")
    finally:
        conn.close()


def _count(folder: Path) -> dict[str, int]:
    """Rows per table of the finished version, as its readers will see them (through the
    same views: a kept segment's dead rows are not counted)."""
    conn = sqlite3.connect(f"{(folder / DB_NAME).absolute().as_uri()}?mode=ro", uri=True)
    try:
        attach_version(conn, folder / SEGMENTS_DIR)
        counts = {table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in TABLES if table != "concepts"}
        counts["concepts"] = int(conn.execute("SELECT count(*) FROM main.concepts").fetchone()[0])
        return counts
    finally:
        conn.close()


def _describe(path: Path, corpus_dir: Path) -> SourceFile:
    """Name, hash and size of a source file, read in chunks (it may be large or unreadable:
    the parser reports that; here it just means no hash). Opened as the parser opens it
    (``ingest.sources.open_source``), so a link out of the corpus is not read here either."""
    try:
        rel = path.relative_to(corpus_dir).as_posix() if corpus_dir.is_dir() else path.name
    except ValueError:
        rel = path.name
    try:
        with open_source(path) as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        size = path.stat().st_size
    except (OSError, IngestError):
        return SourceFile(rel, None, None)
    return SourceFile(rel, digest, size)


def _kelisim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def _after_latest(now: datetime, paths: KbPaths) -> datetime:
    """``now``, nudged past the newest existing version if the clock stepped back, so
    lexical order of version names stays build order (pruning relies on it)."""
    existing = [n for n in os.listdir(paths.versions) if is_version_name(n)]
    if existing:
        latest = datetime.strptime(max(existing)[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        if now <= latest:
            now = latest + timedelta(microseconds=1)
    return now


def _stamp(moment: datetime) -> str:
    """The timestamp half of a version name: UTC to the microsecond, ``20251121T053800123456Z``."""
    return f"{moment:%Y%m%dT%H%M%S}{moment.microsecond:06d}Z"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _manifest(written: _Written, built_at: datetime, errors: tuple[SourceError, ...], key: str) -> dict[str, object]:
    manifest: dict[str, object] = {
        "version": written.version,
        "kelisim_version": _kelisim_version(),
        "schema_version": SCHEMA_VERSION,
        "build_key": key,
        "built_at": _iso(built_at),
        "content_sha256": written.digest,
        "sources": [
            {"path": s.path, "sha256": s.sha256, "bytes": s.bytes, "treaty_id": s.treaty_id, "error": s.error}
            for s in written.sources
        ],
        "counts": dict(written.counts),
        "errors": [{"source": e.source, "error": e.error} for e in errors],
        "segments": [{"name": n, "provisions": r, "vectors": v} for n, r, v in written.segments],
        "reuse": {f.name: getattr(written.reuse, f.name) for f in fields(written.reuse)},
    }
    if written.vectors is not None:
        manifest["vectors"] = written.vectors
    return manifest


def passage_text(text: str, level: str, heading: str | None) -> str:
    """What the dense model reads of a provision: a paragraph or a point under its
    article's heading ("Аударымдар. 2. Әрбір Тарап …"), since a paragraph alone often
    does not say what it is about and its article's heading does; an article row holds
    its heading already."""
    heading = " ".join((heading or "").split())
    if not heading or level == "article" or text.startswith(heading):
        return text
    return f"{heading.rstrip('.:')}. {text}"


def _write_vectors(segment: Path, target: Path, vector_cache: Path, progress: Progress | None) -> dict[str, object]:
    """Embed every provision of a segment file (through the shared cache) and write its
    index beside it."""
    from kb.embedding import MODEL_ID, embed_passages, model_hash, variant
    from kb.vectors import VectorCache, embed_with_cache, write_index

    conn = sqlite3.connect(f"{segment.absolute().as_uri()}?mode=ro", uri=True)
    try:
        rows = [(rowid, passage_text(text, level, heading)) for rowid, text, level, heading in conn.execute(
            "SELECT p.rowid, p.text, p.level, a.heading FROM provisions p"
            " LEFT JOIN articles a ON a.treaty_id = p.treaty_id AND a.ord = p.article_ord ORDER BY p.rowid"
        )]
    finally:
        conn.close()
    digest = model_hash()
    cache = VectorCache(vector_cache)
    try:
        def report(done: int, total: int) -> None:
            if progress:
                progress(Step("embed", done, total, "provisions"))

        matrix, stats = embed_with_cache([t for _, t in rows], embed_passages, digest, cache, progress=report)
    finally:
        cache.close()
    write_index(target, [r for r, _ in rows], matrix)
    return {
        "model": MODEL_ID, "embedding": variant(), "model_hash": digest,
        "count": stats.vectors, "embedded": stats.embedded, "cached": stats.cached,
    }


def _publish(paths: KbPaths, version: str) -> None:
    """The one atomic step: point ``CURRENT`` at ``version``."""
    _write_file(paths.current_tmp, f"{version}\n".encode("ascii"))
    os.replace(paths.current_tmp, paths.current_file)
    with contextlib.suppress(OSError):
        _fsync_dir(paths.root)


def _prune(paths: KbPaths, current: str, keep: int) -> tuple[str, ...]:
    """The retention rule: keep the newest ``keep`` versions and the current one, and
    never remove a version some process has open (``kb.leases``: a reader holds a shared
    lock on the version's lease while it reads it). Deleting a version frees only the
    files no kept version shares by hard link. Best effort: failures are ignored."""
    from kb.leases import removable

    if keep <= 0:
        return ()
    names = sorted(n for n in os.listdir(paths.versions) if is_version_name(n))
    doomed = []
    for name in names[:-keep]:
        if name == current:
            continue
        with removable(paths, name) as free:
            if free:
                shutil.rmtree(paths.version_dir(name), ignore_errors=True)
                doomed.append(name)
    return tuple(doomed)


def _sweep_stale_tmp(paths: KbPaths) -> None:
    """Remove temp folders of builds that died without cleaning up. Safe only under the
    build lock, where no other build can own one."""
    for name in os.listdir(paths.versions):
        if name.startswith(TMP_PREFIX):
            shutil.rmtree(paths.versions / name, ignore_errors=True)


@contextlib.contextmanager
def _build_lock(paths: KbPaths) -> Iterator[None]:
    """Hold an exclusive ``flock`` for the whole build; the kernel drops it if the process
    dies, so a killed build never blocks the next one."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(paths.lock_file, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_tree(folder: Path) -> None:
    """Make a finished version durable before it is renamed into place: every file it
    holds (the shared ones are already durable, one more fsync costs nothing), then its
    folders."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            _fsync_file(path)
    for path in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        _fsync_dir(path)
    _fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Make a rename or new entry in ``path`` durable. Directories cannot be opened on
    Windows; there the rename itself is what we get."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
