"""Text → structured treaty: pure functions, bytes in, frozen models out.

The verbs, in the order a file meets them:

- ``decode(data, source)``: bytes → text (``ingest.decode``)
- ``repair(text)``: undo the extraction damage, keeping an offset map (``ingest.repair``)
- ``structure(mapped, ...)``: repaired text → ``Treaty`` (``ingest.structure``)
- ``parse_bytes(data, source)``: all three; ``parse_path(path)`` reads the file first.
- ``to_akn(treaty)``: ``Treaty`` → Akoma Ntoso 3.0 XML (``ingest.akn``)

The verbs are imported on first use (PEP 562): importing a light module of the
package (``ingest.model``, ``ingest.patterns``) must not load the parser and spaCy,
which a search from the command line never needs.
"""

from typing import TYPE_CHECKING, Any

from ingest.errors import IngestError

if TYPE_CHECKING:
    from ingest.pipeline import parse_bytes, parse_path, source_files

_LAZY = {"parse_bytes", "parse_path", "source_files"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")


__all__ = ["IngestError", "parse_bytes", "parse_path", "source_files"]
