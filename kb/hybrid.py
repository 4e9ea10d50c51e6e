"""The semantic and hybrid search modes, registered in ``kb.modes`` when imported.

- ``semantic``: the query embedded with multilingual-e5-small ("query: " prompt), the
  nearest provisions of the version's FAISS index, within the filters.
- ``hybrid`` (the default for people): per-language fusion of the keyword and dense
  lists at the article level (``kb.fusion``), the keyword list of a Russian or English
  question being the Kazakh terms the concept glossary and the drafting vocabulary
  give for it (``kb.expansion``); articles of a treaty the question names keep their
  score (``kb.aliases``), and inside that treaty the question is read for what it asks
  of it, not for the subject that named it (words as rare as they are there, the
  treaty's average vector partly taken out of the dense scores); articles of the
  clause type it asks about are preferred.

The hybrid mode is two steps, so that its weights can be chosen by measurement
(``bench/tune_fusion.py``): ``gather`` reads a question once into ``Evidence``,
``rank`` scores the evidence under ``kb.fusion.Weights``.

Each returns provision matches, as every mode does; a provision's score is its
article's fused score plus a little of its own, so the best provision of the best
article leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.kk.stop_words import STOP_WORDS
from kb.aliases import detect_language
from kb.errors import QueryError
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import WEIGHTS, Weights, fuse
from kb.modes import Found, SearchRequest, register_mode
from kb.provision_table import ProvisionTable
from kb.query import Term, term_of
from kb.store import KnowledgeBase
from kb.vectors import VectorIndex

DENSE_CANDIDATES = 300
TOPICAL = frozenset({"information_exchange", "information_protection", "cooperation", "scope"})
"""Clause types half the articles of a treaty carry: asking about them says little
(``Weights.topical``)."""


GENERAL = frozenset({"definitions", "scope"})
"""Clause types of the articles that speak of the whole treaty (``Weights.general``)."""


def vector_index(kb: KnowledgeBase) -> VectorIndex:
    """The version's dense index; a version built without one answers the keyword mode
    only, and says so (400 naming ``mode``), never a 500."""
    if not kb.has_vectors():
        raise QueryError(
            "this mode is not available for this knowledge base: it was built without vectors"
            " (build it again without --no-vectors); the keyword mode answers",
            "mode",
        )
    return kb.memo("vector_index", lambda: VectorIndex(kb.vector_parts()))  # type: ignore[no-any-return]


def dense_candidates(kb: KnowledgeBase, request: SearchRequest, k: int = DENSE_CANDIDATES, vector: np.ndarray | None = None) -> Found:
    """The ``k`` provisions nearest the query (or ``vector``, the query already
    embedded), within the filters (searched within them, so a narrow filter still gets
    its ``k``)."""
    from kb.embedding import embed_query

    table = kb.provision_table()
    within = None if request.allowed is None else table.rowid[request.allowed]
    query = embed_query(request.text) if vector is None else vector
    rowids, scores = vector_index(kb).search(query, k, within=within)
    docs = table.numbers(rowids)
    known = docs >= 0
    return Found(docs[known], scores[known].astype(np.float64))


def typicality(kb: KnowledgeBase) -> np.ndarray:
    """Per provision (by number), how much it is like its treaty's average provision:
    its cosine with the mean vector of its treaty's provisions, less that treaty's mean
    of those cosines (so 0 on average within each treaty). Computed once per version.

    Why: a question that names a treaty ("Kyrgyzstan investment treaty: …") is, to the
    dense model, mostly about that treaty's subject, and so is the treaty's most
    general article (its definitions, its scope); taking some of this off
    (``Weights.centre``) ranks the named treaty's articles by what the question asks of
    it. Cosines are linear: the question's similarity less ``c`` times the centroid's
    is the similarity to the question with the centroid taken out."""

    def load() -> np.ndarray:
        table = kb.provision_table()
        out = np.zeros(table.size)
        rowids, vectors = vector_index(kb).vectors()
        docs = table.numbers(rowids)
        known = docs >= 0
        docs, vectors = docs[known], vectors[known].astype(np.float64)
        if not len(docs):
            return out
        treaties = table.treaty[docs]
        count = np.maximum(np.bincount(treaties, minlength=len(table.treaty_ids)), 1)
        centroids = np.zeros((len(table.treaty_ids), vectors.shape[1]))
        np.add.at(centroids, treaties, vectors)
        centroids /= count[:, None]
        cosines = np.einsum("ij,ij->i", vectors, centroids[treaties])
        out[docs] = cosines - (np.bincount(treaties, weights=cosines, minlength=len(count)) / count)[treaties]
        return out

    return kb.memo("provision_typicality", load)  # type: ignore[no-any-return]


def semantic_scorer(kb: KnowledgeBase, request: SearchRequest) -> Found:
    return dense_candidates(kb, request)


def keyword_candidates(kb: KnowledgeBase, request: SearchRequest, language: str, named: np.ndarray | None = None) -> Found:
    """The keyword list of the fusion, within the filters. A question is not a
    conjunction: "Терроризмге қарсы ақпарат алмасу … қай тілде жүргізіледі?" has no
    provision holding every word, so its content words are OR-ed and BM25 ranks who
    holds the most and rarest; a Russian or English question brings the Kazakh terms
    the glossary gives for it. Inside the treaties the question names (``named``), a
    word is as rare as it is there (``LexicalIndex.any_of``): the words that named the
    treaty do not pick its article. The query is built here as terms, never written
    out and parsed again, so no keyword-mode limit applies to a long question."""
    if language == "kk":
        terms: tuple[Term, ...] = tuple(w for w in request.query.words() if not _stop(w))
    else:
        terms = tuple(t for t in (term_of(text) for text in kazakh_terms(request.text)) if t is not None)
    if not terms:
        return Found.nothing()
    index = kb.lexical_index()
    found, scores = index.any_of(terms, named)
    for term in request.query.excluded:
        found &= ~index.term(term)[0]
    if request.allowed is not None:
        found &= request.allowed
    return Found.from_mask(found & (scores > 0), scores)


def _stop(word: object) -> bool:
    text = getattr(word, "text", "").lower()
    return text in STOP_WORDS or len(text) < 2


@dataclass(frozen=True, slots=True, eq=False)
class Evidence:
    """What the hybrid ranking reads of one question, gathered once (``gather``) and
    ranked under given weights (``rank``), so that the weights can be chosen by
    cross-validation without searching again: the question's language, the keyword
    and dense lists (the dense one holding every provision of a named treaty, and how
    typical of their treaty those are: ``typicality``), the treaties it names (a mask
    over the table's treaty numbers, None when it names none), the clause types it
    asks about, and the provisions the filters allow."""

    language: str
    keyword: Found
    dense: Found
    typical: Found
    named: np.ndarray | None
    asked: frozenset[str]
    allowed: np.ndarray | None


def gather(kb: KnowledgeBase, request: SearchRequest) -> Evidence:
    """The evidence of one question: one embedding, one keyword pass, one name lookup."""
    from kb.embedding import embed_query

    table = kb.provision_table()
    language = detect_language(request.text)
    named_ids = kb.treaty_names().mentioned(request.text)
    named = table.treaties_mask(named_ids) if named_ids else None
    vector = embed_query(request.text)
    dense = dense_candidates(kb, request, vector=vector)
    typical = Found.nothing()
    if named is not None:
        # every provision of a named treaty is scored, not only those among the nearest
        inside = named[table.treaty] if request.allowed is None else named[table.treaty] & request.allowed
        whole = dense_candidates(kb, SearchRequest(request.text, request.query, inside), int(inside.sum()), vector)
        merged = np.full(table.size, -np.inf)
        merged[dense.docs] = dense.scores
        merged[whole.docs] = whole.scores
        docs = np.flatnonzero(np.isfinite(merged))
        dense = Found(docs, merged[docs])
        within = np.flatnonzero(inside)
        typical = Found(within, typicality(kb)[within])
    return Evidence(
        language=language,
        keyword=keyword_candidates(kb, request, language, None if named is None else named[table.treaty]),
        dense=dense,
        typical=typical,
        named=named,
        asked=frozenset(clause_types_asked(request.text)),
        allowed=request.allowed,
    )


def rank(table: ProvisionTable, evidence: Evidence, weights: Weights = WEIGHTS) -> Found:
    """Every candidate provision with its score: its article's fused score, the clause
    type bonuses, and a little of its own dense score, so the best provision of the
    best article leads."""
    keyword, dense, named, asked = evidence.keyword, evidence.dense, evidence.named, evidence.asked
    if weights.centre and len(evidence.typical.docs):
        adjusted = np.zeros(table.size)
        adjusted[evidence.typical.docs] = evidence.typical.scores
        dense = Found(dense.docs, dense.scores - weights.centre * adjusted[dense.docs])
    fused = fuse(
        evidence.language,
        (table.article[keyword.docs], keyword.scores),
        (table.article[dense.docs], dense.scores),
        table.articles,
        None if named is None else named[table.article_treaty],
        weights,
    )
    # the articles of the clause types the question asks about are candidates too,
    # within the treaties it names: the answer to "when does it enter into force" is
    # the entry-into-force article even when neither list found it
    typed = table.articles_of_types(asked - TOPICAL)
    if named is not None:
        typed = typed[named[table.treaty[typed]]]
    if evidence.allowed is not None:
        typed = typed[evidence.allowed[typed]]
    candidate = np.zeros(table.size, dtype=bool)
    for found in (keyword.docs, dense.docs, typed):
        candidate[found] = True
    docs = np.flatnonzero(candidate)
    score = fused[table.article[docs]]
    # "when does the CSTO agreement enter into force" is a structured question: of a
    # treaty it names, the article of the type it asks about is the answer
    specific = table.of_types(asked - TOPICAL)[docs]
    in_named = np.zeros(len(docs), dtype=bool) if named is None else named[table.treaty[docs]]
    score += np.where(specific, np.where(in_named, weights.named_type, weights.clause_type), 0.0)
    score += np.where(~specific & table.of_types(asked & TOPICAL)[docs], weights.topical, 0.0)
    if weights.general:
        general = GENERAL - asked
        if general:
            score -= np.where(table.of_types(general)[docs] & ~specific, weights.general, 0.0)
    own = np.zeros(table.size)
    own[dense.docs] = dense.scores
    return Found(docs, score + 0.01 * own[docs])


def hybrid_scorer(kb: KnowledgeBase, request: SearchRequest) -> Found:
    return rank(kb.provision_table(), gather(kb, request))


register_mode("semantic", semantic_scorer)
register_mode("hybrid", hybrid_scorer)
