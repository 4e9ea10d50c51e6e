"""What verifying a knowledge-base version costs, against what opening it costs anyway.

Usage::

    python bench/integrity.py --kb ROOT            # a built root (e.g. 500 synthetic treaties)
    python bench/integrity.py --treaties 500       # build one first (bench/latency.py's corpus, ~45 s)

Prints, for the current version of ROOT: its files and bytes; the time of the size
check every open makes, of a full hash (page cache warm, then cold: each file's pages
dropped with ``posix_fadvise``, so only this bench's files leave the cache), of a
plain open (what a one-shot CLI pays), of an open plus ``warm`` (what a server pays
before serving a version), and the ratios that decide the policy in ``kb.integrity``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.integrity import verify_version, version_files  # noqa: E402
from kb.store import KnowledgeBase, open_current  # noqa: E402


def timed(run: Callable[[], object], repeat: int, before: Callable[[], None] = lambda: None) -> float:
    """Median seconds of ``repeat`` runs, ``before`` run untimed ahead of each."""
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def drop_from_cache(folder: Path) -> None:
    for rel in version_files(folder):
        fd = os.open(folder / rel, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=None)
    parser.add_argument("--treaties", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    kb_root = args.kb
    if kb_root is None:
        sys.path.insert(0, str(ROOT / "bench"))
        from latency import synthetic_corpus

        from kb.build import build

        scratch = Path(tempfile.mkdtemp(prefix="kelisim-integrity-"))
        synthetic_corpus(scratch / "corpus", args.treaties)
        build(scratch / "corpus", scratch / "kb", progress=None)
        kb_root = scratch / "kb"

    with open_current(kb_root) as kb:
        folder = kb.path
    files = list(version_files(folder))
    size = sum((folder / f).stat().st_size for f in files)
    print(f"version {folder.name}: {len(files)} files, {size / 1e6:.1f} MB ({', '.join(files)})")

    def open_only() -> None:
        KnowledgeBase(folder).close()

    def open_and_warm() -> None:
        KnowledgeBase(folder).warm().close()

    sizes = timed(lambda: verify_version(folder, "sizes"), args.repeat * 20)
    full_warm = timed(lambda: verify_version(folder, "full"), args.repeat)
    full_cold = timed(lambda: verify_version(folder, "full"), args.repeat, before=lambda: drop_from_cache(folder))
    opened = timed(open_only, args.repeat)
    warmed = timed(open_and_warm, max(2, args.repeat // 2))
    print(f"size check (every open)      {sizes * 1e3:9.3f} ms")
    print(f"full hash, page cache warm   {full_warm * 1e3:9.1f} ms  ({size / full_warm / 1e6:.0f} MB/s)")
    print(f"full hash, page cache cold   {full_cold * 1e3:9.1f} ms  ({size / full_cold / 1e6:.0f} MB/s)")
    print(f"open (one-shot CLI)          {opened * 1e3:9.1f} ms")
    print(f"open + warm (server start)   {warmed * 1e3:9.1f} ms")
    print(f"ratios: size check / open {sizes / opened:.4f}; full warm / open {full_warm / opened:.1f}; "
          f"full warm / open+warm {full_warm / warmed:.2f}; full cold / open+warm {full_cold / warmed:.2f}")


if __name__ == "__main__":
    main()
