"""Which files a corpus holds, and reading one without leaving the corpus or reading
more than the size limit.

The rule for paths: a source file is read only from the folder its name puts it in.
A symbolic link is followed when its real target lies inside that folder (a treaty
filed under a second name, a corpus folder that is itself a link), and refused when
it leads out of it, whatever its target's spelling (``/etc/passwd``,
``../../secret.txt``). Folders inside a corpus folder are never walked, so a link to
a folder leads nowhere. Only regular files are opened: a FIFO would block the reader
forever and a device (``/dev/zero``) never ends.

A refused file is never dropped in silence: ``source_files`` yields every entry with a
source suffix that is not a folder, and the refusal is the ``IngestError`` raised when
it is read, which ``ingest.corpus.parse_corpus`` keeps as that file's ``Outcome``.

The check-then-open is not atomic against someone rewriting the corpus while it is
read; the file opened is compared with the file checked (device and inode), and the
link that could be swapped in between is refused by ``O_NOFOLLOW``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ingest.errors import IngestError
from ingest.limits import MAX_SOURCE_BYTES, too_large

SOURCE_SUFFIXES = (".txt", ".html", ".htm", ".docx")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
"""Never block on a FIFO swapped in after the check, never follow a link swapped in
(POSIX flags; elsewhere the checks before opening stand alone)."""


def source_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The files named, with a folder standing for its entries that have a source
    suffix, in name order (not its subfolders). Entries that will be refused when read
    (a link out of the folder, a FIFO, a dangling link) are yielded too, so that the
    refusal is reported."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES and not p.is_dir())
        else:
            yield path


def corpus_path(corpus: Path, name: str) -> Path:
    """The file ``name`` (a relative name read from corpus data, e.g. a label list) in
    the folder ``corpus``; an absolute name or one with ``..`` is refused, whatever the
    file system holds."""
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise IngestError(name, f"not a file name inside the corpus folder {corpus}")
    return corpus / relative


def read_source(path: Path | str) -> bytes:
    """The bytes of one source file, refused (``IngestError`` naming it) when it is
    missing, not a regular file, a link out of its folder, or above ``MAX_SOURCE_BYTES``:
    its size is checked before reading, and the read stops past the limit should the
    file grow meanwhile (or lie about its size, as files in ``/proc`` do)."""
    path = Path(path)
    with open_source(path) as stream:
        try:
            data = stream.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise IngestError(str(path), exc.strerror or str(exc)) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large(str(path), len(data))
    return data


@contextmanager
def open_source(path: Path | str) -> Iterator[BinaryIO]:
    """The source file opened for reading after the checks of ``read_source`` (all but
    the bounded read, which is the reader's): for callers that stream it, as the
    knowledge-base build does to hash it."""
    path = Path(path)
    source = str(path)
    try:
        real = _confined(path)
        checked = os.stat(real)
        _refuse_special(checked, source)
        if checked.st_size > MAX_SOURCE_BYTES:
            raise too_large(source, checked.st_size)
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise IngestError(source, exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if (opened.st_dev, opened.st_ino) != (checked.st_dev, checked.st_ino):
            raise IngestError(source, "file replaced while it was opened")
        yield stream


def _confined(path: Path) -> str:
    """The real path of ``path``, refused when following links leads out of the folder
    that holds it."""
    folder = os.path.realpath(path.parent, strict=True)
    real = os.path.realpath(path, strict=True)
    if os.path.commonpath([folder, real]) != folder:
        raise IngestError(str(path), "symbolic link to a file outside the corpus folder (never followed)")
    return real


def _refuse_special(status: os.stat_result, source: str) -> None:
    if stat.S_ISREG(status.st_mode):
        return
    kind = (
        "a folder"
        if stat.S_ISDIR(status.st_mode)
        else "a FIFO"
        if stat.S_ISFIFO(status.st_mode)
        else "a socket"
        if stat.S_ISSOCK(status.st_mode)
        else "a device"
    )
    raise IngestError(source, f"not a regular file ({kind}); only regular files are read")
