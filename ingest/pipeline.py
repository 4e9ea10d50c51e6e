"""The whole ingest path for one source: decode → repair → structure → extract."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.decode import decode
from ingest.extract import extract
from ingest.model import Treaty
from ingest.patterns import clear_fold_cache
from ingest.repair import repair
from ingest.sources import SOURCE_SUFFIXES, read_source, source_files
from ingest.structure import structure

__all__ = ["SOURCE_SUFFIXES", "parse_bytes", "parse_path", "parse_structure", "source_files"]


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
    """Read and parse one file; a missing, unreadable, oversized or special file, or a
    link out of its folder, is an ``IngestError`` (``ingest.sources.read_source``)."""
    return parse_bytes(read_source(path), str(path))
