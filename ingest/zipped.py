"""One member of a zip (a DOCX), unpacked only after the archive passed the limits of
``ingest.limits``.

Why so careful: a zip's sizes are claims. A deflate bomb claims its true size and
expands a thousandfold; a lying archive claims a small size and expands anyway; a
forged end record claims few entries and lists a million. So the end record is read
first (entry count and central-directory size, before ``zipfile`` builds anything),
then every entry's declared sizes and ratio, and finally the one member is read with
a bounded read, so even a size the headers lie about cannot unpack past the limit.

Names inside the archive are only ever looked up, never used as paths: nothing is
extracted to disk, so absolute names and ``..`` components are inert.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from ingest.errors import IngestError
from ingest.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_PART_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_GRACE_BYTES,
)

_END_RECORD = struct.Struct("<4s4H2LH")
"""The zip's end-of-central-directory record (APPNOTE 4.3.16), without its comment."""
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
"""The compression methods Word and LibreOffice write; anything else is refused unread."""

_BROKEN_ZIP = (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError, OverflowError, struct.error, NotImplementedError)
"""What ``zipfile`` raises on a damaged archive (OSError includes a seek past the start,
NotImplementedError a version field beyond the zip format it knows)."""


def read_member(data: bytes, name: str, source: str) -> bytes:
    """The bytes of member ``name`` of the zip ``data``; ``IngestError`` naming ``source``
    when the archive breaks a limit, is damaged or lacks the member."""
    _check_end_record(data, source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos, source)
            info = archive.getinfo(name)
            if info.file_size > MAX_PART_BYTES:
                raise IngestError(source, f"zip entry {name} of {info.file_size} bytes (the limit is {MAX_PART_BYTES})")
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)  # bounded, whatever the stream holds
    except IngestError:
        raise
    except KeyError:
        raise IngestError(source, f"not a DOCX file (no {name} in the archive)") from None
    except _BROKEN_ZIP as exc:
        raise IngestError(source, f"damaged zip archive ({exc})") from None
    if len(content) > info.file_size:
        raise IngestError(source, f"zip entry {name} unpacks past the size its header declares ({info.file_size} bytes)")
    return content


def _check_end_record(data: bytes, source: str) -> None:
    """Entry count and central-directory size from the end record, found as ``zipfile``
    finds it (at the very end, else the last signature within a comment's reach)."""
    at = len(data) - _END_RECORD.size
    if data[at : at + 4] != _END_SIGNATURE:
        at = data.rfind(_END_SIGNATURE, max(0, len(data) - _END_RECORD.size - 0xFFFF))
    if at < 0 or at + _END_RECORD.size > len(data):
        raise IngestError(source, "damaged zip archive (no end of central directory record)")
    if at >= 20 and data[at - 20 : at - 16] == _ZIP64_LOCATOR:
        raise IngestError(source, "ZIP64 archive: a DOCX within the limits never needs it")
    _sig, _disk, _cd_disk, _disk_entries, entries, directory_bytes, _offset, _comment = _END_RECORD.unpack_from(data, at)
    if entries > MAX_ZIP_ENTRIES:
        raise IngestError(source, f"zip archive with {entries} entries (the limit is {MAX_ZIP_ENTRIES})")
    if directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise IngestError(source, f"zip central directory of {directory_bytes} bytes (the limit is {MAX_ZIP_DIRECTORY_BYTES})")


def _check_entries(infos: list[zipfile.ZipInfo], source: str) -> None:
    """Every entry's declared sizes, before anything is unpacked."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IngestError(source, f"zip archive with {len(infos)} entries (the limit is {MAX_ZIP_ENTRIES})")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise IngestError(source, f"encrypted zip entry {info.filename!r}")
        if info.compress_type not in _METHODS:
            raise IngestError(source, f"zip entry {info.filename!r} uses compression method {info.compress_type} (only stored or deflated)")
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_COMPRESSION_RATIO * info.compress_size:
            ratio = info.file_size / max(info.compress_size, 1)
            raise IngestError(
                source,
                f"zip entry {info.filename!r} expands {ratio:.0f}-fold (the limit is {MAX_COMPRESSION_RATIO}): a zip bomb",
            )
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise IngestError(source, f"zip archive unpacks to {total} bytes (the limit is {MAX_UNPACKED_BYTES})")

