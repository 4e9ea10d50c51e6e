"""How keyword and semantic results are combined: designed per query language, and
measured (``bench/retrieval.py``), not defaulted.

What the measurements said before this was written (the issue's figures, and ours):
the lemma keyword search is the stronger signal for Kazakh queries, the dense model
(multilingual-e5-small) the only one that reads Russian and English; reciprocal rank
fusion, which weighs both lists alike whatever the language, drags Russian and English
down to the keyword list's level. So:

- Scores, not ranks, are fused: each list is scaled to [0, 1] over its candidates
  (BM25 by its best score, cosines min–max), so a clear keyword win stays clear.
- The weight of each list depends on the query's language: Kazakh queries lean on
  the lemmas, Russian and English ones on the dense model, their keyword list being
  only what the concept glossary translated into Kazakh terms.
- A treaty the query names ("ТМД … келісімі бойынша", "соглашение с Туркменистаном")
  keeps its articles at full score; others are scaled down, not removed, since a name
  may be a passing mention.
- Results are articles: a provision's score lifts its article (the best provision
  speaks for it), since a lawyer reads and cites the article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ArticleKey = tuple[str, str]  # (treaty id, article number)

WEIGHTS: dict[str, tuple[float, float]] = {
    # language: (keyword, dense)
    "kk": (0.55, 0.45),
    "ru": (0.15, 0.85),
    "en": (0.15, 0.85),
}
OTHER_TREATY = 0.55
"""Scale for the articles of treaties the query does not name, when it names one."""


@dataclass(frozen=True, slots=True)
class Scored:
    key: ArticleKey
    score: float
    keyword: float
    dense: float


def best_per_article(hits: Iterable[tuple[ArticleKey, float]]) -> dict[ArticleKey, float]:
    """Provision hits → article scores: the best provision speaks for its article."""
    out: dict[ArticleKey, float] = {}
    for key, score in hits:
        if score > out.get(key, float("-inf")):
            out[key] = score
    return out


def scale(scores: dict[ArticleKey, float], *, min_max: bool) -> dict[ArticleKey, float]:
    """To [0, 1]: by the best score (keyword: BM25 has a natural zero), or min–max
    (cosines: e5 gives every pair a similarity between about 0.7 and 0.9)."""
    if not scores:
        return {}
    top, low = max(scores.values()), min(scores.values())
    if min_max:
        span = top - low
        return {k: (v - low) / span if span > 0 else 1.0 for k, v in scores.items()}
    return {k: v / top if top > 0 else 0.0 for k, v in scores.items()}


def fuse(
    language: str,
    keyword: Sequence[tuple[ArticleKey, float]],
    dense: Sequence[tuple[ArticleKey, float]],
    named: set[str] | None = None,
) -> list[Scored]:
    """The fused ranking of articles, best first."""
    kw = scale(best_per_article(keyword), min_max=False)
    dn = scale(best_per_article(dense), min_max=True)
    w_kw, w_dn = WEIGHTS.get(language, WEIGHTS["kk"])
    if not kw:
        w_kw, w_dn = 0.0, 1.0
    if not dn:
        w_kw, w_dn = 1.0, 0.0
    out = []
    for key in kw.keys() | dn.keys():
        score = w_kw * kw.get(key, 0.0) + w_dn * dn.get(key, 0.0)
        if named and key[0] not in named:
            score *= OTHER_TREATY
        out.append(Scored(key, score, kw.get(key, 0.0), dn.get(key, 0.0)))
    out.sort(key=lambda s: (-s.score, s.key))
    return out


def reciprocal_rank(lists: Sequence[Sequence[tuple[ArticleKey, float]]], k: int = 60) -> list[Scored]:
    """Plain reciprocal rank fusion, kept as the baseline the design is measured against."""
    scores: dict[ArticleKey, float] = {}
    for hits in lists:
        ranked = sorted(best_per_article(hits).items(), key=lambda kv: -kv[1])
        for rank, (key, _) in enumerate(ranked, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted((Scored(key, s, 0.0, 0.0) for key, s in scores.items()), key=lambda s: (-s.score, s.key))
