"""Kazakh pipeline speed: the repaired corpus texts repeated N times (default 20), on one core.

Prints tokens/s for ``make_nlp()`` (tokenizer, sentencizer, kk_lemmatizer) and, as
a baseline measured in the same run, for ``spacy.blank("xx")`` (spaCy's
multi-language tokenizer) on the same texts, so the figure can be read as a ratio
on a noisy machine. Target: at least 20,000 tokens/s with the lemmatizer. The
lemmatizer caches per word form, so after the first pass the tokenizer dominates.

    python bench/nlp_speed.py [--repeat 20] [--no-lemmatizer]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language

from ingest import parse_path, source_files
from ingest.kk.pipeline import make_nlp

ROOT = Path(__file__).resolve().parent.parent
TARGET = 20_000


def _run(nlp: Language, texts: list[str]) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    return tokens, time.perf_counter() - start


def _timed(label: str, make: Callable[[], Language], texts: list[str]) -> float:
    nlp = make()
    tokens, seconds = _run(nlp, texts)
    rate = tokens / seconds
    print(f"{label:<40} {tokens:>9} tokens  {seconds:6.2f} s  {rate:>10,.0f} tokens/s")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--no-lemmatizer", action="store_true", help="tokenizer and sentencizer only")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    seeds = [parse_path(p).text for p in source_files([args.corpus])]
    texts = seeds * args.repeat
    print(f"texts: {len(seeds)} treaties x {args.repeat} = {len(texts)} ({sum(map(len, texts)) / 1e6:.1f} M chars)")

    lemmatizer = not args.no_lemmatizer
    label = "kk: tokenizer+sentencizer" + ("+lemmatizer" if lemmatizer else "")
    baseline = _timed('xx: spacy.blank("xx") (baseline)', lambda: spacy.blank("xx"), texts)
    tokenizer = _timed("kk: tokenizer only", lambda: spacy.blank("kk"), texts)
    full = _timed(label, lambda: make_nlp(lemmatizer=lemmatizer), texts)
    print(f"kk tokenizer / xx tokenizer:       {tokenizer / baseline:.2f}x")
    print(f"{label} / xx tokenizer: {full / baseline:.2f}x")
    print(f"target {TARGET:,} tokens/s{' with the lemmatizer' if lemmatizer else ''}: {'met' if full >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
