"""Where a knowledge base lives on disk, in one place, so build and store agree.

Layout under a kb root::

    kb_root/
        CURRENT                 # one line: the name of the version being served
        .build.lock             # held by the one build that may run at a time
        versions/
            20251121T053800123456Z-1a2b3c4d/
                kb.sqlite       # what depends on the whole set: catalog, concepts, names
                manifest.json
                segments/
                    20251121T053800123456Z.sqlite   # treaties' rows (kb.segments), shared
                    20251121T053800123456Z.faiss    #   by hard link with the versions that
                                                    #   kept it; .faiss with vectors only
            .tmp-<timestamp>/   # a build in progress (or one killed midway)
        leases/
            <version>.lease     # a shared flock per process reading that version (kb.leases)

``CURRENT`` is a plain file swapped with ``os.replace`` rather than a symlink, so
the swap is atomic on every platform and survives copying the folder around.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "kb.sqlite"
MANIFEST_NAME = "manifest.json"
SEGMENTS_DIR = "segments"
"""The version's segment files (``kb.segments``): ``<name>.sqlite``, and ``<name>.faiss``
(the dense index of its provisions) in versions built with vectors."""
LEASES_DIR = "leases"
CURRENT_NAME = "CURRENT"
VERSIONS_DIR = "versions"
TMP_PREFIX = ".tmp-"
LOCK_NAME = ".build.lock"

VERSION_RE = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")
"""A version name: UTC timestamp to the microsecond, then the first 8 hex digits of
the content hash (of what the build stored, see ``kb.build``). Lexical order is build
order, which is what pruning relies on."""


@dataclass(frozen=True, slots=True)
class KbPaths:
    """The named places of one kb root. Pure path arithmetic: touches no disk."""

    root: Path

    @property
    def versions(self) -> Path:
        return self.root / VERSIONS_DIR

    @property
    def current_file(self) -> Path:
        return self.root / CURRENT_NAME

    @property
    def current_tmp(self) -> Path:
        return self.root / (CURRENT_NAME + ".tmp")

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_NAME

    def lease_file(self, version: str) -> Path:
        return self.root / LEASES_DIR / f"{version}.lease"

    @property
    def vector_cache(self) -> Path:
        """The embedding cache the builds share: vectors keyed by (model, text) hash are
        the same whatever the root, so one cache per user (``$KELISIM_VECTOR_CACHE``,
        else ``~/.cache/kelisim/vector-cache.sqlite``) spares every root and every test
        build the slow part."""
        import os

        override = os.environ.get("KELISIM_VECTOR_CACHE")
        return Path(override) if override else Path.home() / ".cache" / "kelisim" / "vector-cache.sqlite"

    def version_dir(self, version: str) -> Path:
        return self.versions / version

    def tmp_dir(self, stamp: str) -> Path:
        """Where a build writes before its content hash, and so its name, is known."""
        return self.versions / (TMP_PREFIX + stamp)


def is_version_name(name: str) -> bool:
    """True for a finished version folder's name (never a temp folder or stray file)."""
    return bool(VERSION_RE.match(name))
