"""Whether a knowledge-base version is still what its build wrote.

A version is immutable, so its build can record every file it holds (size and
SHA-256) in ``manifest.json``, and a reader can later tell a whole version from one a
disk error, a half-finished copy or a stray editor damaged. The record covers *every
regular file under the version folder*, subfolders included, whatever their names:
the layout may grow (several files, some hard-linked from the previous version) without
this module changing. The manifest cannot list its own hash, so it carries a checksum
of its own content instead (``manifest_sha256``, over its canonical JSON without that
key): a flipped byte there is caught as well.

Two depths, because they cost very differently (``bench/integrity.py`` on a version
of 500 treaties with vectors, 298 MB in two files: the size check 0.9 ms; hashing
0.40 s with the files in the page cache, 0.55 s without; opening 6 ms; opening and
warming the search tables, what a server does anyway, 0.53 s):

* ``sizes``: each recorded file exists with its recorded size, and the manifest is
  intact. Catches a missing or truncated file; what every open does, so a one-shot
  CLI (``kelisim search``) stays cheap, whatever the size of the knowledge base.
* ``full``: sizes, then every byte hashed, and no file the build did not write.
  What a server does before it serves a version (it keeps that version for hours,
  and the hash costs about what warming it costs) and what ``kelisim check`` does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kb.errors import KbCorrupt
from kb.paths import MANIFEST_NAME

Depth = Literal["sizes", "full"]

FILES_KEY = "files"
CHECKSUM_KEY = "manifest_sha256"


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the build wrote at one path of a version."""

    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Verified:
    """A version found whole: how many files and bytes were checked, and how deeply."""

    version: str
    files: int
    bytes: int
    depth: Depth


def version_files(folder: Path) -> list[str]:
    """The relative (POSIX) path of every regular file under ``folder`` except its
    manifest, sorted so the record reads the same on every machine. Symlinks are not
    followed: a version holds its own files (hard links are regular files)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath)
        for name in filenames:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            if rel != MANIFEST_NAME and path.is_file() and not path.is_symlink():
                found.append(rel)
    return sorted(found)


def hash_file(path: Path) -> FileRecord:
    """Size and SHA-256 of one file (``hashlib.file_digest`` reads it in blocks and
    releases the GIL on each, so a server's other threads keep running)."""
    with open(path, "rb") as fh:
        return FileRecord(sha256=hashlib.file_digest(fh, "sha256").hexdigest(), bytes=os.fstat(fh.fileno()).st_size)


def record_files(folder: Path, previous: Path | None = None) -> dict[str, dict[str, Any]]:
    """The ``files`` map a build writes in the manifest: relative path → sha256, bytes.
    A file that is a hard link of one of ``previous``'s keeps the record ``previous``
    made, unread (see ``seal``)."""
    inherited = _records_by_inode(previous) if previous is not None else {}
    records: dict[str, FileRecord] = {}
    for rel in version_files(folder):
        st = os.stat(folder / rel)
        records[rel] = inherited.get((st.st_dev, st.st_ino)) or hash_file(folder / rel)
    return {rel: {"sha256": r.sha256, "bytes": r.bytes} for rel, r in records.items()}


def _records_by_inode(folder: Path) -> dict[tuple[int, int], FileRecord]:
    """A version's records by the file each names (device, inode); none when its
    manifest cannot be trusted."""
    try:
        records = recorded_files(folder, read_manifest(folder)) or {}
    except KbCorrupt:
        return {}
    out: dict[tuple[int, int], FileRecord] = {}
    for rel, record in records.items():
        try:
            st = os.stat(folder / rel)
        except OSError:
            continue
        out[(st.st_dev, st.st_ino)] = record
    return out


def manifest_checksum(manifest: Mapping[str, Any]) -> str:
    """SHA-256 of the manifest's canonical JSON, its own checksum left out."""
    body = {k: v for k, v in manifest.items() if k != CHECKSUM_KEY}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def seal(manifest: Mapping[str, Any], folder: Path, previous: Path | None = None) -> dict[str, Any]:
    """The manifest with the record of every file ``folder`` holds now and its own
    checksum: what a build writes last, just before it renames the folder into place.

    ``previous``: the version this one shares files with by hard link. A shared file
    keeps the record the build that wrote it made, and is not read again: cheaper, and
    a shared file damaged since then is not recorded anew as if whole (both versions
    then fail their check, naming it)."""
    sealed = {**manifest, FILES_KEY: record_files(folder, previous)}
    sealed[CHECKSUM_KEY] = manifest_checksum(sealed)
    return sealed


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a version, refused (``KbCorrupt`` naming it) when it is missing,
    not JSON, or no longer matches its own checksum."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KbCorrupt(folder, MANIFEST_NAME, "missing") from None
    except (OSError, ValueError) as exc:
        raise KbCorrupt(folder, MANIFEST_NAME, f"unreadable ({exc})") from None
    if not isinstance(manifest, dict):
        raise KbCorrupt(folder, MANIFEST_NAME, "not a JSON object")
    recorded = manifest.get(CHECKSUM_KEY)
    if recorded is not None and recorded != manifest_checksum(manifest):
        raise KbCorrupt(folder, MANIFEST_NAME, "altered since the build wrote it (its checksum does not match)")
    return manifest


def recorded_files(folder: Path, manifest: Mapping[str, Any]) -> dict[str, FileRecord] | None:
    """The build's record of the version's files; None for a version built before
    builds recorded them (it can be opened, not verified)."""
    raw = manifest.get(FILES_KEY)
    if raw is None:
        return None
    try:
        return {str(rel): FileRecord(sha256=str(r["sha256"]), bytes=int(r["bytes"])) for rel, r in raw.items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        raise KbCorrupt(folder, MANIFEST_NAME, f"its {FILES_KEY!r} record is malformed") from None


def verify_version(folder: Path, depth: Depth = "sizes") -> Verified | None:
    """Check a version folder against its manifest at ``depth``; ``KbCorrupt`` names
    the first damaged file (missing, of another size, of other content, or not written
    by the build). None when the version predates file records and cannot be checked."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    records = recorded_files(folder, manifest)
    if records is None:
        return None
    for rel, record in records.items():
        try:
            size = (folder / rel).stat().st_size
        except FileNotFoundError:
            raise KbCorrupt(folder, rel, "missing") from None
        except OSError as exc:
            raise KbCorrupt(folder, rel, f"unreadable ({exc.strerror})") from None
        if size != record.bytes:
            change = "truncated" if size < record.bytes else "grown"
            raise KbCorrupt(folder, rel, f"{change}: {size} bytes, the build wrote {record.bytes}")
    if depth == "full":
        for rel in version_files(folder):
            if rel not in records:
                raise KbCorrupt(folder, rel, "not written by the build (absent from the manifest)")
        for rel, record in records.items():
            try:
                found = hash_file(folder / rel)
            except OSError as exc:
                raise KbCorrupt(folder, rel, f"unreadable ({exc.strerror})") from None
            if found.sha256 != record.sha256:
                raise KbCorrupt(folder, rel, f"content differs from what the build wrote (sha256 {found.sha256[:12]}…, expected {record.sha256[:12]}…)")
    return Verified(version=folder.name, files=len(records), bytes=sum(r.bytes for r in records.values()), depth=depth)
