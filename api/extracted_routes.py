"""What extraction found, over HTTP: definitions and obligations as filtered lists
paged by cursor, an article's references, an article as plain text, and the whole
knowledge base as one NDJSON stream. Each handler is one ``kb`` call; refusals are
``QueryError`` / ``NotFound`` naming the parameter (``api.problems``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from litestar import get
from litestar.response import Stream

from api.params import EXAMPLE_TREATY, KB, FromPath, query
from api.problems import ERRORS
from kb.extracted import (
    ArticleReferences,
    DefinitionItem,
    ObligationItem,
    article_references,
    list_definitions,
    list_obligations,
)
from kb.paging import Page
from kb.store import KnowledgeBase

TreatyFilter = Annotated[str | None, query("Only this treaty (its id, as GET /api/v1/treaties lists).", EXAMPLE_TREATY)]
Term = Annotated[
    str | None,
    query(
        "A defined term's words in a row, in any inflection (\"құпия ақпаратқа\" finds \"құпия ақпарат\"), "
        "or a concept's Russian or English label (\"classified information\").",
        "құпия ақпаратқа",
    ),
]
Concept = Annotated[str | None, query("A concept: its id or any of its kk/ru/en labels (GET /api/v1/concepts).", "құпия ақпарат")]
Actor = Annotated[str | None, query("Who is bound: words of the actor in any inflection (\"тарап\" finds \"Әрбір Тарап\").", "тарап")]
Modality = Annotated[str | None, query("obligation, permission or prohibition.", "obligation")]
HasDeadline = Annotated[str | None, query("true: only those with a deadline; false: only those without.", "true")]
ClauseType = Annotated[str | None, query("Only obligations in articles of this clause type (docs/clause-types.md).", "dispute_resolution", "type")]
Limit = Annotated[str | None, query("Items per page, 1 to 500 (default 50).", "20")]
Cursor = Annotated[str | None, query("`next_cursor` of the previous page, to get the next one.")]


@get("/api/v1/definitions", tags=["extraction"], summary="Definitions, filtered by treaty, term or concept", responses=ERRORS, sync_to_thread=True)
def definitions_route(
    kb: KB, treaty: TreatyFilter = None, term: Term = None, concept: Concept = None, limit: Limit = None, cursor: Cursor = None
) -> Page[DefinitionItem]:
    return list_definitions(kb, treaty=treaty, term=term, concept=concept, limit=limit, cursor=cursor)


@get(
    "/api/v1/obligations",
    tags=["extraction"],
    summary="Obligations, permissions and prohibitions, filtered by treaty, actor, modality, deadline or clause type",
    responses=ERRORS,
    sync_to_thread=True,
)
def obligations_route(
    kb: KB,
    treaty: TreatyFilter = None,
    actor: Actor = None,
    modality: Modality = None,
    has_deadline: HasDeadline = None,
    clause_type: ClauseType = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Page[ObligationItem]:
    return list_obligations(
        kb, treaty=treaty, actor=actor, modality=modality, has_deadline=has_deadline, clause_type=clause_type, limit=limit, cursor=cursor
    )


@get(
    "/api/v1/treaties/{treaty_id:str}/articles/{num:str}/references",
    tags=["extraction"],
    summary="The references out of an article and into it, linked to the treaties the knowledge base holds",
    responses=ERRORS,
    sync_to_thread=True,
)
def references_route(kb: KB, treaty_id: FromPath[str], num: FromPath[str]) -> ArticleReferences:
    return article_references(kb, treaty_id, num)


@get(
    "/api/v1/treaties/{treaty_id:str}/articles/{num:str}/text",
    tags=["treaties"],
    summary="One article as plain text: its citation, heading and paragraphs",
    media_type="text/plain",
    responses=ERRORS,
    sync_to_thread=True,
)
def article_text_route(kb: KB, treaty_id: FromPath[str], num: FromPath[str]) -> str:
    article = kb.get_article(treaty_id, num)
    lines = [article.citation]
    if article.heading:
        lines.append(article.heading)
    lines.append("")
    lines.append(article.text)
    return "\n".join(lines).rstrip() + "\n"


def _lines(kb: KnowledgeBase) -> Iterator[bytes]:
    """One line per treaty: ``{"type": "treaty", "version": …, "treaty": <the whole
    parse: articles, definitions, obligations, references, clauses>}``, in corpus order,
    read one treaty at a time so memory stays flat however large the corpus."""
    head = b'{"type":"treaty","version":"' + kb.version.encode("ascii") + b'","treaty":'
    for treaty_id in kb.treaty_ids():
        yield head + kb.get_treaty_export(treaty_id) + b"}\n"


@get(
    "/api/v1/export",
    tags=["treaties"],
    summary="The whole knowledge base as NDJSON, one treaty a line (no paging needed)",
    description="Each line is a JSON object: `type` (\"treaty\"), `version`, and `treaty`, the whole parse as GET /api/v1/treaties/{id} gives it.",
    media_type="application/x-ndjson",
    responses=ERRORS,
    sync_to_thread=True,
)
def export_route(kb: KB) -> Stream:
    return Stream(_lines(kb), media_type="application/x-ndjson")


HANDLERS = [definitions_route, obligations_route, references_route, article_text_route, export_route]
