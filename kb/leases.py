"""Leases: a version some process is reading is never pruned.

Why a lock file and not a list of readers: a server that dies (SIGKILL, OOM) cannot
unregister itself, and a stale list would keep old versions forever. A reader instead
holds a *shared* ``flock`` on ``leases/<version>.lease`` while it has the version open;
the kernel drops it when the file is closed or the process dies. Pruning asks for an
*exclusive* lock without waiting: granted, nobody reads the version, and the lock is
held while the folder is removed, so a reader cannot take the version in between
(it would block on its shared lock, then find the folder gone and say so).

On a system without ``fcntl`` (Windows) leases are no-ops and pruning keeps only its
count rule.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO

from kb.paths import KbPaths

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class Lease:
    """A shared lock on one version, held until ``release``."""

    def __init__(self, paths: KbPaths, version: str) -> None:
        self._fh: IO[bytes] | None = None
        if fcntl is None:  # pragma: no cover
            return
        path = paths.lease_file(version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(path, "a+b")  # noqa: SIM115 - held for the lease's life
        except OSError:
            return  # a read-only root: nothing can prune it either
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
        self._fh = fh

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            fh.close()  # closing drops the lock


@contextlib.contextmanager
def removable(paths: KbPaths, version: str) -> Iterator[bool]:
    """True inside the block when no process holds a lease on ``version`` (and none can
    take one until the block ends); False when one does."""
    if fcntl is None:  # pragma: no cover
        yield True
        return
    path = paths.lease_file(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


__all__ = ["Lease", "removable"]
