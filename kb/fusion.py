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

Everything is over arrays indexed by article number, since a question's words OR-ed
match most of a large corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WEIGHTS: dict[str, tuple[float, float]] = {
    # language: (keyword, dense)
    "kk": (0.55, 0.45),
    "ru": (0.15, 0.85),
    "en": (0.15, 0.85),
}
OTHER_TREATY = 0.55
"""Scale for the articles of treaties the query does not name, when it names one."""

Hits = tuple[np.ndarray, np.ndarray]
"""Provision hits as (article number of each, its score): ``kb.provision_table``
numbers the articles."""


def best_per_article(hits: Hits, articles: int) -> np.ndarray:
    """Provision hits → a score per article, -inf where none: the best provision
    speaks for its article."""
    out = np.full(articles, -np.inf)
    np.maximum.at(out, hits[0], hits[1])
    return out


def scale(scores: np.ndarray, *, min_max: bool) -> np.ndarray:
    """Article scores (-inf: not a candidate) to [0, 1], 0 for the others: by the best
    score (keyword: BM25 has a natural zero), or min–max (cosines: e5 gives every pair
    a similarity between about 0.7 and 0.9)."""
    present = np.isfinite(scores)
    out = np.zeros(len(scores))
    if not present.any():
        return out
    values = scores[present]
    top, low = values.max(), values.min()
    if min_max:
        span = top - low
        out[present] = (values - low) / span if span > 0 else 1.0
    else:
        out[present] = values / top if top > 0 else 0.0
    return out


def fuse(language: str, keyword: Hits, dense: Hits, articles: int, named: np.ndarray | None = None) -> np.ndarray:
    """The fused score of every article (0 for those neither list found). ``named``
    marks the articles of the treaties the query names, if it names any."""
    kw = scale(best_per_article(keyword, articles), min_max=False)
    dn = scale(best_per_article(dense, articles), min_max=True)
    w_kw, w_dn = WEIGHTS.get(language, WEIGHTS["kk"])
    if not len(keyword[0]):
        w_kw, w_dn = 0.0, 1.0
    if not len(dense[0]):
        w_kw, w_dn = 1.0, 0.0
    score = w_kw * kw + w_dn * dn
    if named is not None:
        score = np.where(named, score, score * OTHER_TREATY)
    return score


def reciprocal_rank(lists: Sequence[Hits], articles: int, k: int = 60) -> np.ndarray:
    """Plain reciprocal rank fusion, kept as the baseline the design is measured
    against: each list's articles ranked by their best provision, 1 / (k + rank)
    summed; 0 for articles no list found."""
    out = np.zeros(articles)
    for hits in lists:
        best = best_per_article(hits, articles)
        found = np.flatnonzero(np.isfinite(best))
        ranked = found[np.lexsort((found, -best[found]))]
        out[ranked] += 1.0 / (k + np.arange(1, len(ranked) + 1))
    return out
