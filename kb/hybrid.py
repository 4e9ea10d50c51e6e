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

from ingest.kk.stop_words import STOP_WORDS
from kb.aliases import TreatyNames, detect_language
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import fuse
from kb.search import SearchRequest, keyword_scorer, register_mode
from kb.store import KnowledgeBase, ProvisionMatch
from kb.vectors import INDEX_NAME, VectorIndex

DENSE_CANDIDATES = 300
CLAUSE_TYPE_BONUS = 0.45
"""Added to the fused score of an article whose clause type the question asks about
("how are disputes settled" is answered by the dispute-settlement article nearly by
definition), when the type is a specific one; topical types (exchange, protection,
cooperation), which half the articles of a treaty carry, add only a little."""
NAMED_TYPE_BONUS = 1.0
TOPICAL = {"information_exchange", "information_protection", "cooperation", "scope"}
TOPICAL_BONUS = 0.05

_lock = threading.Lock()
_indexes: dict[str, VectorIndex] = {}
_names: dict[str, TreatyNames] = {}


def _index(kb: KnowledgeBase) -> VectorIndex:
    """The version's dense index; a version built without one answers the keyword mode
    only, and says so (400 naming ``mode``), never a 500."""
    from kb.query import QueryError

    if not (kb.path / INDEX_NAME).exists():
        raise QueryError(
            "this mode is not available for this knowledge base: it was built without vectors"
            " (build it again without --no-vectors); the keyword mode answers",
            "mode",
        )
    with _lock:
        if kb.version not in _indexes:
            _indexes[kb.version] = VectorIndex(kb.path / INDEX_NAME)
        return _indexes[kb.version]


def _treaty_names(kb: KnowledgeBase) -> TreatyNames:
    with _lock:
        if kb.version not in _names:
            _names[kb.version] = TreatyNames(kb.get_treaty(t.id) for t in kb.list_treaties())
        return _names[kb.version]


def dense_candidates(kb: KnowledgeBase, request: SearchRequest, k: int = DENSE_CANDIDATES) -> list[ProvisionMatch]:
    from kb.embedding import embed_query

    words = " ".join(w.text for w in request.query.words())
    hits = _index(kb).search(embed_query(words or request.text), k)
    return kb.provision_matches(hits, request.where)


def semantic_scorer(kb: KnowledgeBase, request: SearchRequest) -> list[ProvisionMatch]:
    return dense_candidates(kb, request)


def keyword_candidates(kb: KnowledgeBase, request: SearchRequest, language: str) -> list[ProvisionMatch]:
    """The keyword list of the fusion. A question is not a conjunction: "Терроризмге
    қарсы ақпарат алмасу … қай тілде жүргізіледі?" has no provision holding every word,
    so its content words are OR-ed and BM25 ranks who holds the most and rarest; a
    Russian or English question brings the Kazakh terms the glossary gives for it."""
    from kb.query import AnyOf, Query, parse_query

    if language == "kk":
        words = tuple(w for w in request.query.words() if not _stop(w))
        if not words:
            return keyword_scorer(kb, request)
        bag = Query(clauses=(AnyOf(terms=words),), excluded=request.query.excluded, filters=request.query.filters)
        return keyword_scorer(kb, SearchRequest(request.text, bag, request.where))
    terms = kazakh_terms(request.text)
    if not terms:
        return []
    expanded = parse_query(" OR ".join(f'"{t}"' if " " in t else t for t in terms))
    return keyword_scorer(kb, SearchRequest(request.text, expanded, request.where))


def _stop(word: object) -> bool:
    text = getattr(word, "text", "").lower()
    return text in STOP_WORDS or len(text) < 2


def article_key(match: ProvisionMatch) -> tuple[str, str]:
    """The article a provision belongs to, as the fusion keys articles."""
    return (match.treaty_id, str(match.article_ord))


def hybrid_scorer(kb: KnowledgeBase, request: SearchRequest) -> list[ProvisionMatch]:
    language = detect_language(request.text)
    keyword = keyword_candidates(kb, request, language)
    dense = dense_candidates(kb, request)
    named = _treaty_names(kb).mentioned(request.text)
    asked = clause_types_asked(request.text)
    fused = fuse(
        language,
        [(article_key(m), m.score) for m in keyword],
        [(article_key(m), m.score) for m in dense],
        named,
    )
    by_article = {s.key: s.score for s in fused}
    # the articles of the clause types the question asks about are candidates too,
    # within the treaties it names: the answer to "when does it enter into force" is
    # the entry-into-force article even when neither list found it
    typed = [m for m in kb.articles_of_types(asked - TOPICAL, request.where) if not named or m.treaty_id in named]
    types = {article_key(m): m.clause_types for m in (*keyword, *dense, *typed)}
    own = {m.rowid: m.score for m in dense}
    out: dict[int, ProvisionMatch] = {}
    for match in _unique(keyword, dense, typed):
        key = article_key(match)
        score = by_article.get(key, 0.0)
        shared = asked & set(types.get(key, ()))
        if shared - TOPICAL:
            # "when does the CSTO agreement enter into force" is a structured question:
            # of a treaty it names, the article of the type it asks about is the answer
            score += NAMED_TYPE_BONUS if named and match.treaty_id in named else CLAUSE_TYPE_BONUS
        elif shared:
            score += TOPICAL_BONUS
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
