"""What a drafting tool asks of the knowledge base besides search: the provisions most
like a draft clause, with the reasons they were chosen (``find_similar``), and the
texts of many provisions at once from their citations or ids (``resolve``).

A reason is what a drafter can check: the words the draft and the provision share
(by lemma, so "шешіледі" and "шешу" are one word), the clause types both are of (the
draft typed by the same cue scorer and classifier that type every article,
``ingest.extract.clause_types.text_clause_types``), and the cosine of their vectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from ingest.extract.clause_types import text_clause_types
from ingest.kk.stop_words import STOP_WORDS
from kb.errors import NotFound, QueryError
from kb.extracted import provision_citation
from kb.query import MAX_CLAUSE_CHARS, MAX_WORDS
from kb.records import reader_url
from kb.search import search
from kb.store import KnowledgeBase
from kb.tokens import tokenize

MAX_BATCH = 100
MAX_REF = 600


class Reason(msgspec.Struct, frozen=True, kw_only=True):
    shared_terms: tuple[str, ...]
    """The provision's words that share a lemma with a word of the draft (function words left out)."""
    same_type: tuple[str, ...]
    """The clause types of the provision's article that the draft is of too."""
    vector_score: float | None
    """The cosine of the draft's and the provision's vectors (None without vectors)."""


class SimilarHit(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    treaty_id: str
    treaty_title: str
    article: str
    paragraph: str | None
    point: str | None
    text: str
    clause_types: tuple[str, ...]
    score: float
    citation: str
    url: str
    reason: Reason


class SimilarResult(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    draft_types: tuple[str, ...]
    """The clause types the draft is read as."""
    hits: tuple[SimilarHit, ...]


def _content(surface: str) -> bool:
    """Whether a (folded) word says what a clause is about: no function word, no
    one- or two-letter word."""
    return surface not in STOP_WORDS and len(surface) > 2


def _content_lemmas(text: str) -> set[str]:
    return {lemma for t in tokenize(text) if _content(t.surface) for lemma in t.lemmas}


def find_similar(
    kb: KnowledgeBase,
    text: str,
    *,
    limit: int | str = 10,
    treaty: str | None = None,
    clause_type: str | None = None,
) -> SimilarResult:
    """The provisions most like ``text`` (a draft clause of up to 4,000 characters),
    best first: the hybrid search's ranking (the dense model reads the whole clause,
    the keyword index its words), each hit with its reasons. A knowledge base built
    without vectors ranks by its keyword index alone."""
    if not isinstance(text, str) or not text.strip():
        raise QueryError("text is required: the draft clause to compare", "text")
    if len(text) > MAX_CLAUSE_CHARS:
        raise QueryError(f"text is {len(text)} characters; at most {MAX_CLAUSE_CHARS}", "text")
    vectors = kb.has_vectors()
    query = text if vectors else _any_word(text)
    try:
        found = search(kb, query, mode="hybrid" if vectors else "keyword", limit=limit, treaty=treaty, type=clause_type)
    except QueryError as exc:
        raise QueryError(exc.message, "text" if exc.param == "q" else exc.param) from None
    draft_types = text_clause_types(text)
    draft_words = _content_lemmas(text)
    cosines = _cosines(kb, text, [h.id for h in found.hits]) if vectors and found.hits else {}
    records = kb.provisions(h.id for h in found.hits)
    hits = []
    for hit in found.hits:
        record = records.get(hit.id)
        shared: dict[str, None] = {}
        for _, _, surface, lemmas in record.tokens if record else ():
            if _content(surface) and draft_words.intersection(lemmas):
                shared.setdefault(surface)
        hits.append(
            SimilarHit(
                id=hit.id,
                treaty_id=hit.treaty_id,
                treaty_title=" ".join(hit.treaty_title.split()),
                article=hit.article,
                paragraph=hit.paragraph,
                point=hit.point,
                text=record.text if record else "",
                clause_types=hit.clause_types,
                score=hit.score,
                citation=hit.citation,
                url=reader_url(hit.treaty_id, hit.article),
                reason=Reason(
                    shared_terms=tuple(shared),
                    same_type=tuple(t for t in hit.clause_types if t in draft_types),
                    vector_score=cosines.get(hit.id),
                ),
            )
        )
    return SimilarResult(version=kb.version, draft_types=draft_types, hits=tuple(hits))


def _any_word(text: str) -> str:
    """A draft as a keyword query when there are no vectors: any of its content words
    (BM25 ranks who holds the most and rarest), not all of them, which no provision but
    the draft's own source would hold."""
    words = list(dict.fromkeys(t.surface for t in tokenize(text) if _content(t.surface) and t.surface.isalpha()))
    return " OR ".join(words[: MAX_WORDS // 2 - 1]) or text


def _cosines(kb: KnowledgeBase, text: str, rowids: Sequence[int]) -> dict[int, float]:
    """The draft's cosine with each of these provisions, from the version's index."""
    import numpy as np

    from kb.embedding import embed_query
    from kb.hybrid import vector_index

    ids, scores = vector_index(kb).search(embed_query(text), len(rowids), within=np.asarray(rowids, dtype=np.int64))
    return {int(i): round(float(s), 4) for i, s in zip(ids, scores, strict=True)}


# -- many provisions at once ----------------------------------------------------------


class Provision(msgspec.Struct, frozen=True, kw_only=True):
    """One resolved reference: the provision's place, text, citation and reader link;
    or, when ``found`` is false, why not (``error``)."""

    ref: str
    found: bool
    treaty_id: str | None = None
    article: str | None = None
    paragraph: str | None = None
    point: str | None = None
    citation: str | None = None
    text: str | None = None
    url: str | None = None
    error: str | None = None


class Provisions(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    items: tuple[Provision, ...]


_CITED = re.compile(
    r"^(?P<title>.+?),\s*(?P<article>[\w.]+)-бап(?:,\s*(?P<paragraph>[\w.]+)-тармақ)?(?:,\s*(?P<point>[\w.]+)\)\s*тармақша)?\s*$",
    re.S,
)


def _place(kb: KnowledgeBase, ref: str) -> tuple[str, str, str | None, str | None]:
    """(treaty, article, paragraph, point) a reference names: a provision id (a hit's
    ``id``), a path "treaty/article[/paragraph[/point]]", or a citation as the
    knowledge base writes them ("<title>, 4-бап, 2-тармақ, 3) тармақша")."""
    if ref.isdigit():
        record = kb.provisions([int(ref)]).get(int(ref))
        if record is None:
            raise NotFound("refs", ref, f"no provision with id {ref}")
        return record.treaty_id, record.article_num, record.paragraph_num, record.point_num
    parts = ref.split("/")
    if 2 <= len(parts) <= 4 and kb.has_treaty(parts[0]) and all(parts[1:]):
        return parts[0], parts[1], *(parts[2:] + [None, None])[:2]  # type: ignore[return-value]
    cited = _CITED.match(ref)
    if cited is None:
        raise NotFound("refs", ref, "not a provision id, a path treaty/article[/paragraph[/point]], or a citation '<title>, N-бап[, M-тармақ[, K) тармақша]]'")
    title = " ".join(cited["title"].split()).casefold()
    treaties = [t for t, name in kb.treaty_titles().items() if " ".join(name.split()).casefold() == title]
    if len(treaties) != 1:
        reason = "no treaty is titled so" if not treaties else f"{len(treaties)} treaties are titled so: cite by path instead"
        raise NotFound("refs", ref, reason)
    return treaties[0], cited["article"], cited["paragraph"], cited["point"]


def _provision(kb: KnowledgeBase, ref: str) -> Provision:
    treaty_id, num, paragraph, point = _place(kb, ref)
    article = kb.get_article(treaty_id, num)
    text = article.text
    if paragraph is not None:
        para = next((p for p in article.paragraphs if p.num == paragraph), None)
        if para is None:
            raise NotFound("refs", ref, f"article {num} has no paragraph {paragraph}")
        text = para.text
        if point is not None:
            found = next((p for p in para.points if p.num == point), None)
            if found is None:
                raise NotFound("refs", ref, f"paragraph {paragraph} of article {num} has no point {point}")
            text = found.text
    return Provision(
        ref=ref,
        found=True,
        treaty_id=treaty_id,
        article=num,
        paragraph=paragraph,
        point=point,
        citation=provision_citation(kb.treaty_titles()[treaty_id], num, paragraph, point),
        text=text,
        url=reader_url(treaty_id, num),
    )


def resolve(kb: KnowledgeBase, refs: Sequence[object]) -> Provisions:
    """The texts of up to ``MAX_BATCH`` provisions, in the order asked; a reference
    that names nothing is answered ``found: false`` with the reason, not a failed batch."""
    if not isinstance(refs, (list, tuple)) or not refs:
        raise QueryError(f"refs: give 1 to {MAX_BATCH} provision ids, paths or citations", "refs")
    if len(refs) > MAX_BATCH:
        raise QueryError(f"refs: at most {MAX_BATCH} in one batch, not {len(refs)}", "refs")
    items = []
    for raw in refs:
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise QueryError("refs: each must be a string or a whole number", "refs")
        ref = " ".join(str(raw).split())
        if not ref or len(ref) > MAX_REF or "\x00" in ref:
            raise QueryError(f"refs: each must be 1 to {MAX_REF} characters", "refs")
        try:
            items.append(_provision(kb, ref))
        except NotFound as exc:
            items.append(Provision(ref=ref, found=False, error=exc.message))
    return Provisions(version=kb.version, items=tuple(items))


__all__ = ["MAX_BATCH", "Provision", "Provisions", "Reason", "SimilarHit", "SimilarResult", "find_similar", "resolve"]
