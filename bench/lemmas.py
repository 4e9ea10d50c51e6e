"""Lemmatizer accuracy on ../shared/gold/lemmas.tsv, against a five-letter baseline.

Prints, for the analyser (``ingest.kk.morphology.analyse``) and, measured in the same
run, the baseline that cuts every word to its first five letters:

- top-1 accuracy: the best candidate is one of the gold lemmas ("|" separates
  alternatives; a verb counts right as its bare stem or its -у form);
- the search view: how many forms have a candidate that is also a candidate of their
  gold lemma (so a search for the lemma finds the form), and how many pairs of
  distinct gold lemmas share a candidate (over-stemming: a search for one finds the
  other).

    python bench/lemmas.py [--gold ../shared/gold/lemmas.tsv] [-v]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from ingest.kk.morphology import analyse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "lemmas.tsv"

Analyser = Callable[[str], tuple[str, ...]]


def truncate5(word: str) -> tuple[str, ...]:
    return (word.lower()[:5],)


def _right(candidate: str, gold: list[str], pos: str) -> bool:
    candidate = candidate.lower()
    if candidate in gold:
        return True
    return pos == "VERB" and any(candidate == g + "у" or candidate + "у" == g for g in gold)


def evaluate(rows: list[dict[str, str]], analyser: Analyser, verbose: bool = False, key: Callable[[str], str] = str) -> dict[str, float]:
    """``key`` maps a gold lemma to what the analyser is expected to return for it: the
    lemma itself, or for the baseline its first five letters ("finds the lemma")."""
    top1 = 0
    meets = 0
    gold_candidates: dict[frozenset[str], set[str]] = {}
    for row in rows:
        gold = [key(g.lower()) for g in row["lemmas"].split("|")]
        got = analyser(row["form"])
        ok = bool(got) and _right(got[0], gold, row["pos"])
        top1 += ok
        entry = frozenset(gold)
        theirs = gold_candidates.setdefault(entry, set())
        for g in gold:
            theirs.update(c.lower() for c in analyser(g))
        met = bool({c.lower() for c in got} & theirs)
        meets += met
        if verbose and not (ok and met):
            print(f"  miss: {row['form']:<28} gold {row['lemmas']:<28} got {' | '.join(got)}")
    shared = 0
    for (a, ca), (b, cb) in combinations(gold_candidates.items(), 2):
        if not (a & b) and ca & cb:
            shared += 1
            if verbose:
                print(f"  shared candidate: {sorted(a)} ~ {sorted(b)}: {sorted(ca & cb)}")
    n = len(rows)
    return {"top1": top1 / n, "search_meets": meets / n, "shared_pairs": shared, "forms": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(DEFAULT_GOLD))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(args.gold, encoding="utf-8"), delimiter="\t"))
    start = time.perf_counter()
    ours = evaluate(rows, analyse, args.verbose)
    elapsed = time.perf_counter() - start
    base = evaluate(rows, truncate5, key=lambda g: g[:5])
    print(f"gold forms: {ours['forms']}")
    print(f"{'':<26}{'top-1':>8}{'search meets':>14}{'shared pairs':>14}")
    print(f"{'analyser':<26}{ours['top1']:>8.3f}{ours['search_meets']:>14.3f}{ours['shared_pairs']:>14}")
    print(f"{'five-letter truncation':<26}{base['top1']:>8.3f}{base['search_meets']:>14.3f}{base['shared_pairs']:>14}")
    print("targets: top-1 >= 0.95, search meets >= 0.99, shared pairs <= 3")
    print(f"time: {elapsed * 1000:.0f} ms for {ours['forms']} forms and their gold lemmas (cold cache, lexicon load included)")


if __name__ == "__main__":
    main()
