"""The semantic and hybrid search modes, plugged into ``kb.search``'s mode registry.

- ``semantic``: the query embedded with multilingual-e5-small ("query: " prompt), the
  nearest provisions of the version's FAISS index, within the filters.
- ``hybrid`` (the default for people): per-language fusion of the keyword and dense
  lists at the article level (``kb.fusion``), the keyword list of a Russian or English
  question being the Kazakh terms the concept glossary gives for it
  (``kb.expansion``); articles of a treaty the question names keep their score
  (``kb.aliases``), articles of the clause type it asks about are preferred.

Each returns provision matches, as every mode does; a provision's score is its
article's fused score plus a little of its own, so the best provision of the best
article leads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from kb.aliases import TreatyNames, detect_language
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import fuse
from kb.search import SearchRequest, keyword_scorer, register_mode
from kb.store import KnowledgeBase, ProvisionMatch
from kb.vectors import INDEX_NAME, VectorIndex

DENSE_CANDIDATES = 300
CLAUSE_TYPE_BONUS = 0.15
"""Added to the fused score of an article whose clause type the question asks about:
enough to order close candidates, not to lift an unrelated article over a good one."""

_lock = threading.Lock()
_indexes: dict[str, VectorIndex] = {}
_names: dict[str, TreatyNames] = {}


def _index(kb: KnowledgeBase) -> VectorIndex:
    with _lock:
        if kb.version not in _indexes:
            _indexes[kb.version] = VectorIndex(kb.path / INDEX_NAME)
        return _indexes[kb.version]


def _treaty_names(kb: KnowledgeBase) -> TreatyNames:
    with _lock:
        if kb.version not in _names:
            _names[kb.version] = TreatyNames(kb.get_treaty(t.id) for t in kb.list_treaties())
        return _names[kb.version]


def _dense(kb: KnowledgeBase, request: SearchRequest, k: int = DENSE_CANDIDATES) -> list[ProvisionMatch]:
    from kb.embedding import embed_query

    words = " ".join(request.query.words()) if hasattr(request.query, "words") else request.text
    hits = _index(kb).search(embed_query(words or request.text), k)
    return kb.provision_matches(hits, request.where)


def semantic_scorer(kb: KnowledgeBase, request: SearchRequest) -> list[ProvisionMatch]:
    return _dense(kb, request)


def _keyword(kb: KnowledgeBase, request: SearchRequest, language: str) -> list[ProvisionMatch]:
    if language == "kk":
        return keyword_scorer(kb, request)
    terms = kazakh_terms(request.text)
    if not terms:
        return []
    from kb.query import parse_query

    expanded = parse_query(" OR ".join(f'"{t}"' if " " in t else t for t in terms))
    return keyword_scorer(kb, SearchRequest(request.text, expanded, request.where))


def _article_key(match: ProvisionMatch) -> tuple[str, int]:
    return (match.treaty_id, match.article_ord)


def hybrid_scorer(kb: KnowledgeBase, request: SearchRequest) -> list[ProvisionMatch]:
    language = detect_language(request.text)
    keyword = _keyword(kb, request, language)
    dense = _dense(kb, request)
    named = _treaty_names(kb).mentioned(request.text)
    asked = clause_types_asked(request.text)
    fused = fuse(
        language,
        [((m.treaty_id, str(m.article_ord)), m.score) for m in keyword],
        [((m.treaty_id, str(m.article_ord)), m.score) for m in dense],
        named,
    )
    by_article = {s.key: s.score for s in fused}
    types = {_article_key(m): m.clause_types for m in (*keyword, *dense)}
    own = {m.rowid: m.score for m in dense}
    out: dict[int, ProvisionMatch] = {}
    for match in _unique(keyword, dense):
        key = (match.treaty_id, str(match.article_ord))
        score = by_article.get(key, 0.0)
        if asked & set(types.get(_article_key(match), ())):
            score += CLAUSE_TYPE_BONUS
        score += 0.01 * own.get(match.rowid, 0.0)
        out[match.rowid] = match._replace(score=score)
    return list(out.values())


def _unique(*lists: Iterable[ProvisionMatch]) -> Iterable[ProvisionMatch]:
    seen: set[int] = set()
    for matches in lists:
        for m in matches:
            if m.rowid not in seen:
                seen.add(m.rowid)
                yield m


register_mode("semantic", semantic_scorer)
register_mode("hybrid", hybrid_scorer)
