"""The limits a source file must keep before it costs memory or time: one place, each
value with its reason (listed again in docs/security.md).

A corpus is made of files someone else wrote: a page saved from the legal database,
a Word file sent by a ministry, a folder unpacked from an archive. The parser reads
them whole, so every file is measured before it is read and every container before
it is opened; whatever exceeds a limit is refused with an ``IngestError`` naming the
file, never partly read.
"""

from __future__ import annotations

from ingest.errors import IngestError

MAX_SOURCE_BYTES = 20 * 1024 * 1024
"""A source file's size on disk (and of bytes handed to ``decode``). A treaty with its
annexes is well under 2 MB of text; 20 MiB is room for the largest conventions while a
stray dump or archive is refused (by its size on disk) before it is read."""



def too_large(source: str, size: int) -> IngestError:
    """The one message for a file above ``MAX_SOURCE_BYTES``, on disk or in memory."""
    mib = 1024 * 1024
    return IngestError(source, f"file too large ({size / mib:.1f} MiB; the limit is {MAX_SOURCE_BYTES // mib} MiB)")


MAX_ZIP_ENTRIES = 1000
"""Entries of a DOCX zip. Word writes 10–30 parts, plus one per picture or embedded
object; a thousand is far above any treaty, while the central directory that lists
them stays small to read."""

MAX_ZIP_DIRECTORY_BYTES = MAX_ZIP_ENTRIES * 1024
"""The zip's central directory, read before any entry: ``MAX_ZIP_ENTRIES`` records of
up to 1 KiB each (46 bytes and the name). Checked from the end record, so an archive
that lies about its entry count cannot make the reader build a million entries."""

MAX_UNPACKED_BYTES = 128 * 1024 * 1024
"""All entries of a DOCX zip together, as their central directory declares them. Only
``word/document.xml`` is ever unpacked, but an archive declaring more than this is no
Word file (pictures are stored compressed, so they count about their own size)."""

MAX_PART_BYTES = 32 * 1024 * 1024
"""The one part of a DOCX the parser unpacks, ``word/document.xml``. A treaty of 2 MB of
text makes a 10–20 MB part (Word's markup around each run); lxml's tree of a 32 MiB part
takes about 250 MB, the most one file may cost."""

MAX_COMPRESSION_RATIO = 100
"""Uncompressed / compressed size of any zip entry above ``RATIO_GRACE_BYTES``. Word's
XML compresses 5–20×, a deflate bomb about 1000×; 100× is the threshold Apache POI
uses for OOXML files (``ZipSecureFile.MIN_INFLATE_RATIO = 0.01``)."""

RATIO_GRACE_BYTES = 1024 * 1024
"""Below this declared size an entry's ratio is not checked: a small part of repeated
markup may compress beyond 100× and costs nothing to unpack."""
