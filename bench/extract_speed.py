"""Extraction speed: the full parse with extraction over the seeds repeated N times
(default 100), on one core, treaties/s; in the same run the parse without extraction
(decode → repair → structure) as the baseline, so the cost of extraction reads as a
ratio. Target (issue 4): at least 20 treaties/s.

The Docs the extractors share (``ingest.extract.docs``) are forgotten before each treaty,
so a repeated seed costs what a treaty seen for the first time costs; the analyser's
per-word cache stays, as it does when a corpus is parsed (treaties share their words).

    python bench/extract_speed.py [--repeat 100]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ingest import parse_bytes
from ingest.extract import extract
from ingest.extract.docs import clear_cache
from ingest.pipeline import parse_structure

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    seeds = [(p.name, p.read_bytes()) for p in sorted(Path(args.corpus).glob("*.txt"))]
    parse_bytes(*reversed(seeds[0]))  # load the lexicon and compile patterns once, outside the clock
    count = len(seeds) * args.repeat

    start = time.perf_counter()
    structured = []
    for _ in range(args.repeat):
        for name, data in seeds:
            structured.append(parse_structure(data, name))
    base_s = time.perf_counter() - start

    start = time.perf_counter()
    for treaty in structured:
        clear_cache()
        extract(treaty)
    extract_s = time.perf_counter() - start

    start = time.perf_counter()
    found = {"definitions": 0, "references": 0, "obligations": 0}
    for _ in range(args.repeat):
        for name, data in seeds:
            clear_cache()
            t = parse_bytes(data, name)
    full_s = time.perf_counter() - start
    for name, data in seeds:
        t = parse_bytes(data, name)
        found["definitions"] += len(t.definitions)
        found["references"] += len(t.references)
        found["obligations"] += len(t.obligations)

    print(f"treaties:                    {count} ({len(seeds)} seeds x {args.repeat})")
    print(f"full parse with extraction:  {count / full_s:8.1f} treaties/s  ({full_s * 1000 / count:.1f} ms/treaty)")
    print(f"parse without extraction:    {count / base_s:8.1f} treaties/s  (baseline)")
    print(f"extraction alone:            {count / extract_s:8.1f} treaties/s  ({extract_s * 1000 / count:.1f} ms/treaty)")
    print(f"full / baseline time:        {full_s / base_s:.2f}x")
    print(f"per pass over the seeds:     {found}")
    print(f"target 20 treaties/s:        {'met' if count / full_s >= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
