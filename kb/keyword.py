"""The ``keyword`` mode: every word of the query in any inflection, phrases exact,
ranked by BM25 over lemmas and word forms (``kb.lexical``)."""

from __future__ import annotations

from kb.modes import Found, SearchRequest, register_mode
from kb.store import KnowledgeBase


def keyword_scorer(kb: KnowledgeBase, request: SearchRequest) -> Found:
    """What the keyword index finds for the parsed query, with its BM25 scores."""
    return Found.from_mask(*kb.lexical_index().evaluate(request.query))


register_mode("keyword", keyword_scorer)

__all__ = ["keyword_scorer"]
