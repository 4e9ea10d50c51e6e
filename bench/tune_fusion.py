"""Choose the hybrid ranking's weights (``kb.fusion.Weights``) by cross-validation
across query sets, and print what each choice is worth on the set it did not see.

The query sets and knowledge bases are ``bench/retrieval.py``'s: ``dev`` and
``heldout`` on the seeds-only and on the wider knowledge base, ``wider`` (the blind
questions) on the wider one. The evidence of every question (its keyword and dense
lists, the treaties it names, the clause types it asks about: ``kb.hybrid.gather``) is
gathered once; a choice of weights only re-ranks it (``kb.hybrid.rank``).

- The objective is the mean nDCG@10 over query sets, each set weighing the same
  whatever its size and however many knowledge bases serve it (the blind set, on the
  wider knowledge base only, counts as much as the two seed sets), and within a set
  each language the same (each language has to hold, not the one with most
  questions win).
- The search is coordinate ascent from the shipped weights over a grid per weight,
  a few rounds: seven weights do not need more, and a full grid is a million rankings.
- Cross-validation leaves one query set out (both knowledge bases' copies of it):
  weights chosen on the others, nDCG@10 on it. The figure printed for a set is that
  one, never a set scored with weights chosen on itself.
- Last, the weights chosen on every set: what ``kb.fusion.WEIGHTS`` should ship
  (the figures beside them are in-sample and marked so).

    python bench/tune_fusion.py [--keep DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import (  # noqa: E402
    CORPORA,
    QUERY_SETS,
    SETS_ON,
    build_kb,
    ranked_articles,
    request,
    scores,
    treaty_key,
)

from kb.fusion import WEIGHTS, Weights  # noqa: E402
from kb.hybrid import Evidence, gather, rank  # noqa: E402
from kb.provision_table import ProvisionTable  # noqa: E402
from kb.store import KnowledgeBase, open_current  # noqa: E402

GRID: dict[str, tuple[float, ...]] = {
    "keyword_kk": tuple(round(0.25 + 0.05 * i, 2) for i in range(13)),
    "keyword_ru": tuple(round(0.05 * i, 2) for i in range(11)),
    "keyword_en": tuple(round(0.05 * i, 2) for i in range(11)),
    "other_treaty": (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0),
    "clause_type": (0.0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0),
    "named_type": (0.0, 0.3, 0.6, 1.0, 1.5),
    "topical": (0.0, 0.025, 0.05, 0.1, 0.2),
    "general": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "centre": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
}


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    set: str
    kb: str
    lang: str
    evidence: Evidence
    relevant: frozenset[tuple[str, str]]


@dataclass(frozen=True, slots=True, eq=False)
class Served:
    kb: KnowledgeBase
    table: ProvisionTable
    file_of: dict[str, str]


def load(kb_name: str, keep: Path) -> KnowledgeBase:
    """The knowledge base ``kb_name``, built under ``keep`` unless already there."""
    if (keep / f"{kb_name}-kb").is_dir():
        return open_current(keep / f"{kb_name}-kb")
    return build_kb(kb_name, keep)


def questions(keep: Path) -> tuple[list[Question], dict[str, Served]]:
    out: list[Question] = []
    served: dict[str, Served] = {}
    for kb_name in CORPORA:
        kb = load(kb_name, keep)
        file_of = {t.id: treaty_key(kb.get_treaty(t.id).source) for t in kb.list_treaties()}
        served[kb_name] = Served(kb, kb.provision_table(), file_of)
        for set_name in SETS_ON[kb_name]:
            if not QUERY_SETS[set_name].is_file():
                continue
            for q in json.loads(QUERY_SETS[set_name].read_text(encoding="utf-8")):
                relevant = frozenset((str(a), str(b)) for a, b in q["relevant"])
                out.append(Question(set_name, kb_name, q["lang"], gather(kb, request(q["query"])), relevant))
    return out, served


def ndcg(question: Question, served: dict[str, Served], weights: Weights) -> float:
    s = served[question.kb]
    return scores(ranked_articles(s.kb, rank(s.table, question.evidence, weights), s.file_of), set(question.relevant))[0]


def objective(qs: list[Question], served: dict[str, Served], weights: Weights) -> float:
    """Mean over query sets of the mean over the knowledge bases it is judged on of the
    mean over languages of mean nDCG@10: each set counts once, however many
    knowledge bases serve it."""
    groups: dict[str, dict[str, dict[str, list[float]]]] = {}
    for q in qs:
        groups.setdefault(q.set, {}).setdefault(q.kb, {}).setdefault(q.lang, []).append(ndcg(q, served, weights))
    per_set = [
        sum(sum(sum(v) / len(v) for v in langs.values()) / len(langs) for langs in kbs.values()) / len(kbs)
        for kbs in groups.values()
    ]
    return sum(per_set) / len(per_set)


def ascend(qs: list[Question], served: dict[str, Served], start: Weights, rounds: int) -> tuple[Weights, float]:
    """Coordinate ascent over ``GRID``; ties keep the current value (no drift on flat ground)."""
    best, best_score = start, objective(qs, served, start)
    for _ in range(rounds):
        moved = False
        for name, values in GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                score = objective(qs, served, trial)
                if score > best_score + 1e-9:
                    best, best_score, moved = trial, score, True
        if not moved:
            break
    return best, best_score


def per_language(qs: list[Question], served: dict[str, Served], weights: Weights) -> str:
    out = []
    for kb_name in CORPORA:
        mine = [q for q in qs if q.kb == kb_name]
        if not mine:
            continue
        langs: dict[str, list[float]] = {}
        for q in mine:
            langs.setdefault("all", []).append(ndcg(q, served, weights))
            langs.setdefault(q.lang, []).append(langs["all"][-1])
        out.append(f"{kb_name}: " + " ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in langs.items()))
    return "; ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="a folder to build the knowledge bases in, or reuse them from")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp())
    keep.mkdir(parents=True, exist_ok=True)
    qs, served = questions(keep)
    sets = sorted({q.set for q in qs})
    print(f"{len(qs)} questions gathered; sets {', '.join(sets)}")
    print("\nshipped weights:", WEIGHTS)
    for name in sets:
        print(f"  {name:<8} {per_language([q for q in qs if q.set == name], served, WEIGHTS)}")
    print("\nleave one query set out (weights chosen on the other sets, nDCG@10 on the one left out):")
    for name in sets:
        chosen, _ = ascend([q for q in qs if q.set != name], served, WEIGHTS, args.rounds)
        print(f"  {name:<8} {per_language([q for q in qs if q.set == name], served, chosen)}")
        print(f"           chosen on the others: {chosen}")
    chosen, score = ascend(qs, served, WEIGHTS, args.rounds)
    print(f"\nchosen on every set (ship these; in-sample objective {score:.3f}): {chosen}")
    for name in sets:
        print(f"  {name:<8} {per_language([q for q in qs if q.set == name], served, chosen)} (in-sample)")


if __name__ == "__main__":
    main()
