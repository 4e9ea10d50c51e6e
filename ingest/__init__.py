"""Text → structured treaty: pure functions, bytes in, frozen models out.

The verbs, in the order a file meets them:

- ``decode(data, source)``: bytes → text (``ingest.decode``)
- ``repair(text)``: undo the extraction damage, keeping an offset map (``ingest.repair``)
- ``structure(mapped, ...)``: repaired text → ``Treaty`` (``ingest.structure``)
- ``parse_bytes(data, source)``: all three; ``parse_path(path)`` reads the file first.
- ``to_akn(treaty)``: ``Treaty`` → Akoma Ntoso 3.0 XML (``ingest.akn``)
"""

from ingest.errors import IngestError
from ingest.pipeline import parse_bytes, parse_path, source_files

__all__ = ["IngestError", "parse_bytes", "parse_path", "source_files"]
