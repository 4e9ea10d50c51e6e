"""Parse speed: the seed texts repeated N times (default 200), on one core.

Prints treaties/s and MB/s for the structural parse (decode → repair → structure,
``ingest.pipeline.parse_structure``) and, as a baseline measured in the same run,
for decoding alone, so the figure can be read as a ratio on a noisy machine.
Target (issue 2): at least 50 treaties/s. The full parse with extraction has its
own benchmark, ``bench/extract_speed.py`` (target 20 treaties/s).

    python bench/parse_speed.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ingest.decode import decode
from ingest.pipeline import parse_structure

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    seeds = [(p.name, p.read_bytes()) for p in sorted(Path(args.corpus).glob("*.txt"))]
    total_bytes = sum(len(b) for _, b in seeds) * args.repeat
    count = len(seeds) * args.repeat

    start = time.perf_counter()
    for _ in range(args.repeat):
        for name, data in seeds:
            decode(data, name)
    decode_s = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(args.repeat):
        for name, data in seeds:
            parse_structure(data, name)
    parse_s = time.perf_counter() - start

    print(f"treaties parsed:      {count} ({total_bytes / 1e6:.1f} MB)")
    print(f"structural parse:     {count / parse_s:8.1f} treaties/s  {total_bytes / 1e6 / parse_s:6.2f} MB/s  ({parse_s * 1000 / count:.1f} ms/treaty)")
    print(f"decode only (baseline): {count / decode_s:8.1f} treaties/s  {total_bytes / 1e6 / decode_s:6.2f} MB/s")
    print(f"parse / decode time:  {parse_s / decode_s:.1f}x")
    print(f"target 50 treaties/s: {'met' if count / parse_s >= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
