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
  only what the concept glossary and the drafting vocabulary translate into Kazakh
  terms. Every weight is chosen by ``bench/tune_fusion.py`` (coordinate ascent,
  cross-validated across query sets), not set by hand; it gives the Russian keyword
  list almost no weight (from 0 to 0.25 it moves nDCG@10 by less than 0.01 on every
  set: the dense model reads Russian well) and the English one a fifth.
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
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Weights:
    """Every number the hybrid ranking uses, in one place, so that ``bench/tune_fusion.py``
    can choose them by cross-validation across query sets and ship what it chose.

    - ``keyword``: per query language, the weight of the keyword list (the dense list
      gets the rest);
    - ``other_treaty``: the scale of the articles of treaties a question does not name,
      when it names one;
    - ``clause_type``: added to an article of the specific clause type a question asks
      about ("how are disputes settled" → the dispute-settlement article);
      ``named_type`` instead when the article is in a treaty the question names (then
      it is the answer nearly by definition); ``topical`` for the broad types half the
      articles of a treaty carry (exchange, protection, cooperation, scope);
    - ``centre``: how much of a named treaty's average is taken out of the dense score
      of its provisions (``kb.hybrid.typicality``);
    - ``general``: taken off an article that defines the treaty's terms or sets its
      scope (``kb.hybrid.GENERAL``) when the question asks for neither: such an article
      names every subject of its treaty, so both lists find it for any question about
      that treaty, and it is the answer only to "what does … mean" or "what does it
      cover".
    """

    keyword_kk: float = 0.75
    keyword_ru: float = 0.05
    keyword_en: float = 0.2
    other_treaty: float = 0.3
    clause_type: float = 0.6
    named_type: float = 1.0
    topical: float = 0.025
    centre: float = 0.5
    general: float = 0.2

    def keyword(self, language: str) -> float:
        return {"ru": self.keyword_ru, "en": self.keyword_en}.get(language, self.keyword_kk)


WEIGHTS = Weights()
"""The shipped weights (``bench/tune_fusion.py`` prints how they were chosen)."""

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


def fuse(
    language: str, keyword: Hits, dense: Hits, articles: int, named: np.ndarray | None = None, weights: Weights = WEIGHTS
) -> np.ndarray:
    """The fused score of every article (0 for those neither list found). ``named``
    marks the articles of the treaties the query names, if it names any."""
    kw = scale(best_per_article(keyword, articles), min_max=False)
    dn = scale(best_per_article(dense, articles), min_max=True)
    w_kw = weights.keyword(language)
    w_dn = 1.0 - w_kw
    if not len(keyword[0]):
        w_kw, w_dn = 0.0, 1.0
    if not len(dense[0]):
        w_kw, w_dn = 1.0, 0.0
    score = w_kw * kw + w_dn * dn
    if named is not None:
        score = np.where(named, score, score * weights.other_treaty)
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
