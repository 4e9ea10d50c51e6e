"""What extraction found, as lists a client can filter and page: definitions,
obligations, and the references into and out of an article.

Each item carries what a drafting tool cites it by: the citation string, the reader
page's link (``url``), and, for a definition, its place in the source file. Filters
read words the way search does: a term or an actor matches in any inflection
("құпия ақпаратқа" finds the term "құпия ақпарат", "тарап" finds "Әрбір Тарап"), and a
term given in Russian or English matches the definitions of the concept so labelled.
Every list is paged by keyset cursor (``kb.paging``), bound to its filters and to the
knowledge-base version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

import msgspec

from ingest.model import Span
from kb.concepts import find_concept, foreign_match, word_lemmas
from kb.errors import NotFound, QueryError
from kb.expansion import stems
from kb.paging import Page, fingerprint, paginate
from kb.records import ConceptRecord, TreatySummary, citation, reader_url
from kb.store import KnowledgeBase

MAX_FILTER = 200
T = TypeVar("T")
MODALITIES = ("obligation", "permission", "prohibition")


class DefinitionItem(msgspec.Struct, frozen=True, kw_only=True):
    """One definition: the term as the treaty writes it, its words, the concept it
    names (when the build linked one), where it stands and how to cite it."""

    id: str
    treaty_id: str
    treaty_title: str
    article: str
    term: str
    definition: str
    concept_id: str | None
    citation: str
    url: str
    source_span: Span | None


class Deadline(msgspec.Struct, frozen=True, kw_only=True):
    value: int | None
    unit: str | None
    immediate: bool


class ObligationItem(msgspec.Struct, frozen=True, kw_only=True):
    """One obligation, permission or prohibition: who (``actor``), what kind
    (``modality``), on what condition, by when, in which provision."""

    id: str
    treaty_id: str
    treaty_title: str
    article: str
    paragraph: str | None
    point: str | None
    modality: str
    actor: str | None
    condition: str | None
    deadline: Deadline | None
    text: str
    clause_types: tuple[str, ...]
    citation: str
    url: str


class ReferenceItem(msgspec.Struct, frozen=True, kw_only=True):
    """A reference: from which provision, to which part of which act. ``to_treaty`` is
    the cited treaty's id when the knowledge base holds it (the treaty itself for an
    internal reference), and ``to_url`` its reader page then; an act the knowledge
    base lacks is named by ``title`` and ``date`` only."""

    kind: Literal["internal", "external"]
    from_treaty: str
    from_article: str | None
    from_paragraph: str | None
    from_point: str | None
    to_treaty: str | None
    to_article: str | None
    to_paragraph: str | None
    to_point: str | None
    to_annex: str | None
    title: str | None
    date: str | None
    text: str
    citation: str
    url: str
    to_url: str | None


class ArticleReferences(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    treaty_id: str
    article: str
    citation: str
    outgoing: tuple[ReferenceItem, ...]
    incoming: tuple[ReferenceItem, ...]


def provision_citation(title: str, article: str | None, paragraph: str | None = None, point: str | None = None) -> str:
    """"<title>, 4-бап, 2-тармақ, 3) тармақша", as search's hits cite a provision."""
    out = citation(title, article) if article else " ".join(title.split())
    if paragraph:
        out += f", {paragraph}-тармақ"
    if point:
        out += f", {point}) тармақша"
    return out


def list_treaties(kb: KnowledgeBase, *, limit: int | str | None = None, cursor: str | None = None) -> Page[TreatySummary]:
    """The treaties in corpus order, a page at a time."""
    rows = [((i,), t) for i, t in enumerate(kb.list_treaties())]
    return paginate(kb.version, rows, fingerprint(kb.version, "treaties"), cursor, limit, (int,), _same)


def list_concepts(kb: KnowledgeBase, *, limit: int | str | None = None, cursor: str | None = None) -> Page[ConceptRecord]:
    """The concepts by id, a page at a time."""
    rows = [((c.id,), c) for c in kb.list_concepts()]
    return paginate(kb.version, rows, fingerprint(kb.version, "concepts"), cursor, limit, (str,), _same)


def _same(item: T) -> T:
    return item


# -- filters --------------------------------------------------------------------------


def _text(value: str | None, param: str) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if len(text) > MAX_FILTER or "\x00" in text:
        raise QueryError(f"{param} must be 1 to {MAX_FILTER} characters", param)
    return text


def _treaty(kb: KnowledgeBase, treaty: str | None) -> str | None:
    treaty = _text(treaty, "treaty")
    if treaty is not None and not kb.has_treaty(treaty):
        raise QueryError(f"no treaty with id {treaty[:80]!r}", "treaty")
    return treaty


def words_match(asked: Sequence[frozenset[str]]) -> Callable[[str], bool]:
    """A test of whether a text holds the ``asked`` words in a row, each in any
    inflection (a word matches when one of its lemmas is one of the asked word's)."""
    width = len(asked)
    memo: dict[str, bool] = {}

    def holds(text: str) -> bool:
        if text not in memo:
            words = word_lemmas(text)
            memo[text] = any(
                all(a & w for a, w in zip(asked, words[i : i + width], strict=True)) for i in range(len(words) - width + 1)
            )
        return memo[text]

    return holds


def _concept_id(kb: KnowledgeBase, concept: str | None) -> str | None:
    """The id of the concept a filter names (its id or any label), refused as ``concept``."""
    if concept is None:
        return None
    try:
        return find_concept(kb, concept).id
    except (QueryError, NotFound) as exc:
        raise QueryError(exc.message, "concept") from None


def _flag(value: str | bool | None, param: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "any"):
        return None
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise QueryError(f"{param} must be true or false, not {text[:20]!r}", param)


# -- definitions ------------------------------------------------------------------------


def list_definitions(
    kb: KnowledgeBase,
    *,
    treaty: str | None = None,
    term: str | None = None,
    concept: str | None = None,
    limit: int | str | None = None,
    cursor: str | None = None,
) -> Page[DefinitionItem]:
    """The definitions of the knowledge base in corpus order, filtered by treaty, by a
    term (its words in a row in the defined term, any inflection; or a Russian or
    English label of the concept defined) and by concept (id or any label)."""
    treaty = _treaty(kb, treaty)
    term = _text(term, "term")
    concept_id = _concept_id(kb, _text(concept, "concept"))
    kazakh = words_match(word_lemmas(term)) if term and word_lemmas(term) else None
    foreign = stems(term) if term else ()
    labels = {c.id: c.labels for c in kb.list_concepts()} if foreign else {}

    def term_matches(row_term: str, row_concept: str | None) -> bool:
        if kazakh is not None and kazakh(row_term):
            return True
        return bool(foreign and row_concept and any(foreign_match(foreign, labels.get(row_concept, {}).get(lang, "")) for lang in ("ru", "en")))

    titles = kb.treaty_titles()

    def item(row: tuple[Any, ...]) -> DefinitionItem:
        _, ord_, treaty_id, article, row_term, definition, row_concept, start, end = row
        title = titles.get(treaty_id, treaty_id)
        return DefinitionItem(
            id=f"{treaty_id}/definitions/{ord_}",
            treaty_id=treaty_id,
            treaty_title=" ".join(title.split()),
            article=article,
            term=row_term,
            definition=definition,
            concept_id=row_concept,
            citation=citation(title, article),
            url=reader_url(treaty_id, article),
            source_span=kb.source_mapper(treaty_id).source_span(Span(start, end)) if start is not None and end is not None else None,
        )

    rows = [
        ((int(row[0]), int(row[1])), row)
        for row in kb.definition_rows()
        if (treaty is None or row[2] == treaty)
        and (concept_id is None or row[6] == concept_id)
        and (term is None or term_matches(row[4], row[6]))
    ]
    fp = fingerprint(kb.version, "definitions", treaty, term, concept_id)
    return paginate(kb.version, rows, fp, cursor, limit, (int, int), item)


# -- obligations ------------------------------------------------------------------------


def list_obligations(
    kb: KnowledgeBase,
    *,
    treaty: str | None = None,
    actor: str | None = None,
    modality: str | None = None,
    has_deadline: str | bool | None = None,
    clause_type: str | None = None,
    limit: int | str | None = None,
    cursor: str | None = None,
) -> Page[ObligationItem]:
    """The obligations, permissions and prohibitions in corpus order, filtered by
    treaty, actor (its words in a row, any inflection), modality, whether a deadline
    is set, and the clause type of their article."""
    treaty = _treaty(kb, treaty)
    actor = _text(actor, "actor")
    modality = _text(modality, "modality")
    if modality is not None and modality not in MODALITIES:
        raise QueryError(f"modality must be one of {', '.join(MODALITIES)}, not {modality[:40]!r}", "modality")
    deadline = _flag(has_deadline, "has_deadline")
    clause_type = _text(clause_type, "type")
    if clause_type is not None and clause_type not in kb.clause_type_ids():
        raise QueryError(f"unknown clause type {clause_type[:60]!r}; this knowledge base has " + ", ".join(sorted(kb.clause_type_ids())), "type")
    actor_words = word_lemmas(actor) if actor else []
    if actor is not None and not actor_words:
        raise QueryError("actor has no words", "actor")
    holds = words_match(actor_words) if actor_words else None
    titles = kb.treaty_titles()

    def keep(row: tuple[Any, ...]) -> bool:
        _, _, treaty_id, _, _, _, row_modality, row_actor, _, value, _, immediate, _, types_json = row
        return (
            (treaty is None or treaty_id == treaty)
            and (modality is None or row_modality == modality)
            and (deadline is None or (value is not None or bool(immediate)) == deadline)
            and (clause_type is None or clause_type in _types(types_json))
            and (holds is None or bool(row_actor and holds(row_actor)))
        )

    def item(row: tuple[Any, ...]) -> ObligationItem:
        _, ord_, treaty_id, article, paragraph, point, row_modality, row_actor, condition, value, unit, immediate, text, types_json = row
        title = titles.get(treaty_id, treaty_id)
        return ObligationItem(
            id=f"{treaty_id}/obligations/{ord_}",
            treaty_id=treaty_id,
            treaty_title=" ".join(title.split()),
            article=article,
            paragraph=paragraph,
            point=point,
            modality=row_modality,
            actor=row_actor,
            condition=condition,
            deadline=Deadline(value=value, unit=unit, immediate=bool(immediate)) if value is not None or immediate else None,
            text=text,
            clause_types=_types(types_json),
            citation=provision_citation(title, article, paragraph, point),
            url=reader_url(treaty_id, article),
        )

    rows = [((int(row[0]), int(row[1])), row) for row in kb.obligation_rows() if keep(row)]
    fp = fingerprint(kb.version, "obligations", treaty, actor, modality, deadline, clause_type)
    return paginate(kb.version, rows, fp, cursor, limit, (int, int), item)


@lru_cache(maxsize=4096)
def _types(types_json: str) -> tuple[str, ...]:
    """An article's clause types from their stored JSON (few distinct values: cached)."""
    return tuple(json.loads(types_json))


# -- references -------------------------------------------------------------------------


def _reference(row: Sequence[Any], titles: dict[str, str]) -> ReferenceItem:
    treaty_id, kind, f_art, f_par, f_pt, t_art, t_par, t_pt, t_annex, date, title, target, text = row
    to_treaty = treaty_id if kind == "internal" else target
    return ReferenceItem(
        kind=kind,
        from_treaty=treaty_id,
        from_article=f_art,
        from_paragraph=f_par,
        from_point=f_pt,
        to_treaty=to_treaty,
        to_article=t_art,
        to_paragraph=t_par,
        to_point=t_pt,
        to_annex=t_annex,
        title=title,
        date=date,
        text=text,
        citation=provision_citation(titles.get(treaty_id, treaty_id), f_art, f_par, f_pt),
        url=reader_url(treaty_id, f_art),
        to_url=reader_url(to_treaty, t_art) if to_treaty else None,
    )


def article_references(kb: KnowledgeBase, treaty_id: str, num: str) -> ArticleReferences:
    """The references out of an article (to its own treaty, or to other acts, linked
    when the knowledge base holds them) and into it (from its treaty's other articles
    and from other treaties). ``NotFound`` for an unknown treaty or article."""
    outgoing, incoming = kb.reference_rows(treaty_id, num)
    titles = kb.treaty_titles()
    return ArticleReferences(
        version=kb.version,
        treaty_id=treaty_id,
        article=num,
        citation=citation(titles[treaty_id], num),
        outgoing=tuple(_reference(r, titles) for r in outgoing),
        incoming=tuple(_reference(r, titles) for r in incoming),
    )


__all__ = [
    "MODALITIES",
    "ArticleReferences",
    "DefinitionItem",
    "ObligationItem",
    "ReferenceItem",
    "article_references",
    "list_concepts",
    "list_definitions",
    "list_obligations",
    "list_treaties",
    "provision_citation",
    "words_match",
]
