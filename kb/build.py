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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from ingest.corpus import Outcome, Parse, parse_corpus
from ingest.pipeline import source_files
from kb.aliases import TreatyNames
from kb.errors import BuildError
from kb.integrity import seal
from kb.lexical import write_index as write_lexical_index
from kb.paths import DB_NAME, MANIFEST_NAME, TMP_PREFIX, VECTORS_NAME, KbPaths, is_version_name
from kb.schema import SCHEMA_VERSION, TABLES, create_schema, insert_concepts, insert_treaty, insert_treaty_names, set_meta

try:  # POSIX: serialise builds. Elsewhere builds are assumed not to overlap.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

Progress = Callable[[str], None]

KEEP_VERSIONS = 3


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


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

    def summary(self) -> str:
        """One line for a terminal or a log."""
        c = self.counts
        line = (
            f"built {self.version}: {c['treaties']} treaties, {c['articles']} articles, "
            f"{c['paragraphs']} paragraphs, {c['points']} points, {c['annexes']} annexes"
        )
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
) -> BuildResult:
    """Parse every source of ``corpus_dir`` into a new version under ``kb_root`` and make
    it current. Files that raise ``IngestError`` are recorded and skipped; any other
    exception aborts the build. Raises ``BuildError`` when no treaty parses. ``parse``
    replaces ``ingest.pipeline.parse_path`` (tests give a fake parser).

    ``vectors`` adds the dense index for semantic and hybrid search (``vectors.faiss``,
    one vector per provision), embedding only what the shared vector cache lacks."""
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
        return _build_version(paths, built_at, files, sources, parse, progress, keep, vectors)


@dataclass(frozen=True, slots=True)
class _Written:
    """What ``_write_db`` leaves behind: the version it named, counts, per-source outcome."""

    version: str
    digest: str
    counts: dict[str, int]
    sources: tuple[SourceFile, ...]


def _build_version(
    paths: KbPaths,
    built_at: datetime,
    files: list[Path],
    sources: list[SourceFile],
    parse: Parse | None,
    progress: Progress | None,
    keep: int,
    vectors: bool = False,
) -> BuildResult:
    stamp = _stamp(built_at)
    tmp = paths.tmp_dir(stamp)  # the content hash, the rest of the name, is known only at the end
    renamed: Path | None = None  # set only once the rename happened: never delete what we did not make
    published = False
    tmp.mkdir()
    try:
        written = _write_db(tmp / DB_NAME, stamp, files, sources, parse, progress)
        errors = tuple(SourceError(s.path, s.error) for s in written.sources if s.error)
        manifest = _manifest(written, built_at, errors)
        if vectors:
            manifest["vectors"] = _write_vectors(tmp, paths, progress)
        manifest = seal(manifest, tmp)  # every file's size and sha256 (kb.integrity): written last, all else is final
        _write_file(tmp / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        _fsync_file(tmp / DB_NAME)
        _fsync_dir(tmp)
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
    )


def _write_db(
    db_path: Path,
    stamp: str,
    files: list[Path],
    sources: list[SourceFile],
    parse: Parse | None,
    progress: Progress | None,
) -> _Written:
    """Parse and link the corpus (``ingest.corpus.parse_corpus``), then insert one
    treaty at a time, in one transaction, hashing what goes in;
    then leave WAL mode so the finished folder is a single self-contained file.

    The hash covers the stored exports and the per-file errors, not the inputs: two
    builds share a hash exactly when they would serve the same answers, so a parser
    change shows in the version name even when the corpus did not change."""
    counts = dict.fromkeys(TABLES, 0)
    digest = hashlib.sha256(f"kelisim-kb schema={SCHEMA_VERSION}\n".encode())
    by_path = {path: src for path, src in zip(files, sources, strict=True)}

    def report(i: int, total: int, outcome: Outcome) -> None:
        if progress:
            treaty, error = outcome.treaty, outcome.error
            what = f"error: {error.reason}" if error else f"{treaty.id} ({len(treaty.articles)} articles)" if treaty else ""
            progress(f"[{i}/{total}] {by_path[outcome.path].path}: {what}")

    corpus = parse_corpus(files, parse=parse, progress=report)
    done: list[SourceFile] = []
    for outcome in corpus.outcomes:
        src = by_path[outcome.path]
        if outcome.error is not None:
            src = replace(src, error=outcome.error.reason)
            digest.update(f"E {src.path}\t{src.error}\n".encode())
        elif outcome.treaty is not None:
            src = replace(src, treaty_id=outcome.treaty.id)
        done.append(src)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        create_schema(conn)  # executescript: runs outside any transaction
        conn.execute("BEGIN")
        parsed = [src for src in done if src.treaty_id]
        concepts = corpus.concepts
        for ord_, (src, treaty) in enumerate(zip(parsed, corpus.treaties, strict=True)):
            export = msgspec.json.encode(treaty)
            for table, n in insert_treaty(conn, treaty, ord_, export).items():
                counts[table] += n
            digest.update(f"T {src.path}\n".encode() + export + b"\n")
        counts["concepts"] = insert_concepts(conn, concepts)
        insert_treaty_names(conn, TreatyNames(corpus.treaties).names)
        write_lexical_index(conn)
        digest.update(msgspec.json.encode(concepts))
        if not parsed:
            raise BuildError(f"no treaty parsed: all {len(files)} source files failed")
        version = f"{stamp}-{digest.hexdigest()[:8]}"
        set_meta(conn, {"version": version, "content_sha256": digest.hexdigest()})
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode.lower() != "delete":
            raise RuntimeError(f"could not leave WAL mode (journal_mode={mode})")
    finally:
        conn.close()
    return _Written(version, digest.hexdigest(), counts, tuple(done))


def _describe(path: Path, corpus_dir: Path) -> SourceFile:
    """Name, hash and size of a source file, read in chunks (it may be large or unreadable:
    the parser reports that; here it just means no hash)."""
    try:
        rel = path.relative_to(corpus_dir).as_posix() if corpus_dir.is_dir() else path.name
    except ValueError:
        rel = path.name
    try:
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        size = path.stat().st_size
    except OSError:
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


def _manifest(written: _Written, built_at: datetime, errors: tuple[SourceError, ...]) -> dict[str, object]:
    return {
        "version": written.version,
        "kelisim_version": _kelisim_version(),
        "schema_version": SCHEMA_VERSION,
        "built_at": _iso(built_at),
        "content_sha256": written.digest,
        "sources": [
            {"path": s.path, "sha256": s.sha256, "bytes": s.bytes, "treaty_id": s.treaty_id, "error": s.error}
            for s in written.sources
        ],
        "counts": dict(written.counts),
        "errors": [{"source": e.source, "error": e.error} for e in errors],
    }


def passage_text(text: str, level: str, heading: str | None) -> str:
    """What the dense model reads of a provision: a paragraph or a point under its
    article's heading ("Аударымдар. 2. Әрбір Тарап …"), since a paragraph alone often
    does not say what it is about and its article's heading does; an article row holds
    its heading already."""
    heading = " ".join((heading or "").split())
    if not heading or level == "article" or text.startswith(heading):
        return text
    return f"{heading.rstrip('.:')}. {text}"


def _write_vectors(folder: Path, paths: KbPaths, progress: Progress | None) -> dict[str, object]:
    """Embed every provision (through the shared cache) and write the version's index."""
    from kb.embedding import MODEL_ID, embed_passages, model_hash
    from kb.vectors import VectorCache, embed_with_cache, write_index

    conn = sqlite3.connect(folder / DB_NAME)
    try:
        rows = [(rowid, passage_text(text, level, heading)) for rowid, text, level, heading in conn.execute(
            "SELECT p.rowid, p.text, p.level, a.heading FROM provisions p"
            " LEFT JOIN articles a ON a.treaty_id = p.treaty_id AND a.ord = p.article_ord ORDER BY p.rowid"
        )]
    finally:
        conn.close()
    digest = model_hash()
    cache = VectorCache(paths.vector_cache)
    try:
        def report(done: int, total: int) -> None:
            if progress:
                progress(f"embedding: {done}/{total} provisions")

        matrix, stats = embed_with_cache([t for _, t in rows], embed_passages, digest, cache, progress=report)
    finally:
        cache.close()
    write_index(folder / VECTORS_NAME, [r for r, _ in rows], matrix)
    _fsync_file(folder / VECTORS_NAME)
    return {"model": MODEL_ID, "model_hash": digest, "count": stats.vectors, "embedded": stats.embedded, "cached": stats.cached}


def _publish(paths: KbPaths, version: str) -> None:
    """The one atomic step: point ``CURRENT`` at ``version``."""
    _write_file(paths.current_tmp, f"{version}\n".encode("ascii"))
    os.replace(paths.current_tmp, paths.current_file)
    with contextlib.suppress(OSError):
        _fsync_dir(paths.root)


def _prune(paths: KbPaths, current: str, keep: int) -> tuple[str, ...]:
    """Delete all but the newest ``keep`` versions (never the current one). Best effort:
    a reader holding an old file open keeps reading it on POSIX; failures are ignored."""
    if keep <= 0:
        return ()
    names = sorted(n for n in os.listdir(paths.versions) if is_version_name(n))
    doomed = [n for n in names[:-keep] if n != current]
    for name in doomed:
        shutil.rmtree(paths.version_dir(name), ignore_errors=True)
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
