"""The whole ingest path for one source: decode → repair → structure → extract."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.decode import MAX_BYTES, decode
from ingest.errors import IngestError
from ingest.extract import extract
from ingest.model import Treaty
from ingest.patterns import clear_fold_cache
from ingest.repair import repair
from ingest.structure import structure

SOURCE_SUFFIXES = (".txt", ".html", ".htm", ".docx")


def parse_bytes(data: bytes, source: str) -> Treaty:
    """Parse one treaty source, with extraction. Raises ``IngestError`` (and nothing
    else) on bad input."""
    return extract(parse_structure(data, source))


def parse_structure(data: bytes, source: str) -> Treaty:
    """Decode, repair and structure one source, without extraction: the treaty's parts
    and metadata only, for callers that need no more (and for the benchmarks)."""
    clear_fold_cache()  # the cache serves the patterns of one document, not the next
    decoded = decode(data, source)
    mapped = repair(decoded.text)
    return structure(
        mapped,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
    )


def parse_path(path: Path | str) -> Treaty:
    """Read and parse one file; a missing, unreadable or oversized file is an ``IngestError``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(str(path), f"file too large ({size / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), exc.strerror or str(exc)) from None
    return parse_bytes(data, str(path))


def source_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The files named, with a folder standing for its source files in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
        else:
            yield path
