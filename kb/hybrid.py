"""The semantic and hybrid search modes, registered in ``kb.modes`` when imported.

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

import numpy as np

from ingest.kk.stop_words import STOP_WORDS
from kb.aliases import detect_language
from kb.errors import QueryError
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import fuse
from kb.modes import Found, SearchRequest, register_mode
from kb.paths import VECTORS_NAME
from kb.query import AnyOf, Phrase, Query, Term, Word
from kb.store import KnowledgeBase
from kb.tokens import WORD_RE, clean
from kb.vectors import VectorIndex

DENSE_CANDIDATES = 300
CLAUSE_TYPE_BONUS = 0.45
"""Added to the fused score of an article whose clause type the question asks about
("how are disputes settled" is answered by the dispute-settlement article nearly by
definition), when the type is a specific one; topical types (exchange, protection,
cooperation), which half the articles of a treaty carry, add only a little."""
NAMED_TYPE_BONUS = 1.0
TOPICAL = {"information_exchange", "information_protection", "cooperation", "scope"}
TOPICAL_BONUS = 0.05

def _index(kb: KnowledgeBase) -> VectorIndex:
    """The version's dense index; a version built without one answers the keyword mode
    only, and says so (400 naming ``mode``), never a 500."""
    if not kb.has_vectors():
        raise QueryError(
            "this mode is not available for this knowledge base: it was built without vectors"
            " (build it again without --no-vectors); the keyword mode answers",
            "mode",
        )
    return kb.memo("vector_index", lambda: VectorIndex(kb.path / VECTORS_NAME))  # type: ignore[no-any-return]


def dense_candidates(kb: KnowledgeBase, request: SearchRequest, k: int = DENSE_CANDIDATES) -> Found:
    """The ``k`` provisions nearest the query, within the filters (searched within
    them, so a narrow filter still gets its ``k``)."""
    from kb.embedding import embed_query

    table = kb.provision_table()
    within = None if request.allowed is None else table.rowid[request.allowed]
    rowids, scores = _index(kb).search(embed_query(request.text), k, within=within)
    docs = table.numbers(rowids)
    known = docs >= 0
    return Found(docs[known], scores[known].astype(np.float64))


def semantic_scorer(kb: KnowledgeBase, request: SearchRequest) -> Found:
    return dense_candidates(kb, request)


def keyword_candidates(kb: KnowledgeBase, request: SearchRequest, language: str) -> Found:
    """The keyword list of the fusion, within the filters. A question is not a
    conjunction: "Терроризмге қарсы ақпарат алмасу … қай тілде жүргізіледі?" has no
    provision holding every word, so its content words are OR-ed and BM25 ranks who
    holds the most and rarest; a Russian or English question brings the Kazakh terms
    the glossary gives for it. The query is built here as an object, never written
    out and parsed again, so no keyword-mode limit applies to a long question."""
    if language == "kk":
        words = tuple(w for w in request.query.words() if not _stop(w))
        query = request.query
        if words:
            query = Query(clauses=(AnyOf(terms=words),), excluded=request.query.excluded, filters=request.query.filters)
    else:
        terms = tuple(t for t in (_term(text) for text in kazakh_terms(request.text)) if t is not None)
        if not terms:
            return Found.nothing()
        query = Query(clauses=(AnyOf(terms=terms),))
    found, scores = kb.lexical_index().evaluate(query)
    if request.allowed is not None:
        found &= request.allowed
    return Found.from_mask(found, scores)


def _term(text: str) -> Term | None:
    """A glossary term as a query term: one word, or its words as a phrase."""
    words = tuple(Word(clean(m.group())) for m in WORD_RE.finditer(text))
    if not words:
        return None
    return words[0] if len(words) == 1 else Phrase(words)


def _stop(word: object) -> bool:
    text = getattr(word, "text", "").lower()
    return text in STOP_WORDS or len(text) < 2


def hybrid_scorer(kb: KnowledgeBase, request: SearchRequest) -> Found:
    table = kb.provision_table()
    language = detect_language(request.text)
    keyword = keyword_candidates(kb, request, language)
    dense = dense_candidates(kb, request)
    named_ids = kb.treaty_names().mentioned(request.text)
    named = table.treaties_mask(named_ids) if named_ids else None
    asked = clause_types_asked(request.text)
    fused = fuse(
        language,
        (table.article[keyword.docs], keyword.scores),
        (table.article[dense.docs], dense.scores),
        table.articles,
        None if named is None else named[table.article_treaty],
    )
    # the articles of the clause types the question asks about are candidates too,
    # within the treaties it names: the answer to "when does it enter into force" is
    # the entry-into-force article even when neither list found it
    typed = table.articles_of_types(asked - TOPICAL)
    if named is not None:
        typed = typed[named[table.treaty[typed]]]
    if request.allowed is not None:
        typed = typed[request.allowed[typed]]
    candidate = np.zeros(table.size, dtype=bool)
    for found in (keyword.docs, dense.docs, typed):
        candidate[found] = True
    docs = np.flatnonzero(candidate)
    score = fused[table.article[docs]]
    # "when does the CSTO agreement enter into force" is a structured question: of a
    # treaty it names, the article of the type it asks about is the answer
    specific = table.of_types(asked - TOPICAL)[docs]
    in_named = np.zeros(len(docs), dtype=bool) if named is None else named[table.treaty[docs]]
    score += np.where(specific, np.where(in_named, NAMED_TYPE_BONUS, CLAUSE_TYPE_BONUS), 0.0)
    score += np.where(~specific & table.of_types(asked & TOPICAL)[docs], TOPICAL_BONUS, 0.0)
    own = np.zeros(table.size)
    own[dense.docs] = dense.scores
    return Found(docs, score + 0.01 * own[docs])


register_mode("semantic", semantic_scorer)
register_mode("hybrid", hybrid_scorer)
