"""Lemmatizer accuracy on two hand-checked lists, against a five-letter baseline.

The lists:

- the seeds' list, ``../shared/gold/lemmas.tsv``: forms from the seed corpus, the list
  the analyser was developed with;
- the dev list, ``tests/fixtures/gold/dev-lemmas.tsv``: forms from the five dev texts
  (``tests/fixtures/dev-texts/``), judged by hand before the analyser ran on them, so
  it tells how the analyser does on text it was not developed on (issue 10).

For each list it prints, for the analyser (``ingest.kk.morphology.analyse``) and,
measured in the same run, the baseline that cuts every word to its first five letters:

- top-1 accuracy: the best candidate is one of the gold lemmas ("|" separates
  alternatives; a verb counts right as its bare stem or its -у form);
- the search view: how many forms have a candidate that is also a candidate of their
  gold lemma (so a search for the lemma finds the form), and how many pairs of
  distinct gold lemmas share a candidate (over-stemming: a search for one finds the
  other);

then the targets, and the time the analyser took on each list.

    python bench/lemmas.py [--gold ../shared/gold/lemmas.tsv] [--dev tests/fixtures/gold/dev-lemmas.tsv] [-v]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ingest.kk.morphology import analyse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "lemmas.tsv"
DEFAULT_DEV = ROOT / "tests" / "fixtures" / "gold" / "dev-lemmas.tsv"

Analyser = Callable[[str], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Target:
    """What a list's figures must reach: top-1 and the search view at least, shared
    pairs at most (None: reported, not targeted)."""

    top1: float
    search_meets: float
    shared_pairs: int | None

    def __str__(self) -> str:
        shared = "" if self.shared_pairs is None else f", shared pairs <= {self.shared_pairs}"
        return f"top-1 >= {self.top1:.2f}, search meets >= {self.search_meets:.2f}{shared}"


SEEDS_TARGET = Target(1.0, 1.0, 3)
DEV_TARGET = Target(0.97, 0.98, None)


def read_gold(path: Path) -> list[dict[str, str]]:
    """The rows of a gold list: a tab-separated file with a header row; lines starting
    with "#" before it are comments (where the forms come from, how they were judged)."""
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def truncate5(word: str) -> tuple[str, ...]:
    return (word.lower()[:5],)


def u_form(stem: str) -> str:
    """A verb stem's dictionary form: -у, before which a stem's final ы/і is not
    written ("асыр" → "асыру", "таны" → "тану", "қамты" → "қамту")."""
    return (stem[:-1] if stem[-1:] in ("ы", "і") else stem) + "у"


def _right(candidate: str, gold: list[str], pos: str) -> bool:
    """The candidate is a gold lemma; for a verb, also when both name the same -у form
    (a stem or its -у form: "тан", "таны", "тану" are the one verb "тану")."""
    candidate = candidate.lower()
    if candidate in gold:
        return True
    mine = {candidate, u_form(candidate)}
    return pos == "VERB" and any(mine & {g, u_form(g)} for g in gold)


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


def report(title: str, path: Path, target: Target, verbose: bool) -> None:
    """One list's table: the analyser (timed from a cold cache) and the baseline."""
    rows = read_gold(path)
    print(f"{title}: {path} ({len(rows)} forms)")
    analyse.cache_clear()
    start = time.perf_counter()
    ours = evaluate(rows, analyse, verbose)
    elapsed = time.perf_counter() - start
    base = evaluate(rows, truncate5, key=lambda g: g[:5])
    print(f"{'':<26}{'top-1':>8}{'search meets':>14}{'shared pairs':>14}")
    print(f"{'analyser':<26}{ours['top1']:>8.3f}{ours['search_meets']:>14.3f}{ours['shared_pairs']:>14}")
    print(f"{'five-letter truncation':<26}{base['top1']:>8.3f}{base['search_meets']:>14.3f}{base['shared_pairs']:>14}")
    print(f"targets: {target}")
    print(f"time: {elapsed * 1000:.0f} ms for {ours['forms']} forms and their gold lemmas (cold analyser cache)")
    print()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(DEFAULT_GOLD), help="the seeds' list")
    ap.add_argument("--dev", default=str(DEFAULT_DEV), help="the dev texts' list")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    start = time.perf_counter()
    analyse("келісім")  # the lexicon, loaded once, is not the analyser's time
    print(f"lexicon load: {(time.perf_counter() - start) * 1000:.0f} ms\n")
    report("seeds' list", Path(args.gold), SEEDS_TARGET, args.verbose)
    report("dev texts' list", Path(args.dev), DEV_TARGET, args.verbose)


if __name__ == "__main__":
    main()
