"""The comparison API: concepts, the clause matrix, the clause and concept comparisons.
Each handler is one ``kb`` call and one renderer (``kb.compare_render``); ``format``
(or else the ``Accept`` header) picks JSON (the default), Markdown, HTML, PDF, DOCX or,
for the matrix, CSV and XLSX. Refusals are ``QueryError`` /
``NotFound`` naming the parameter, answered by ``api.app`` as 400 / 404.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get

from api.extracted_routes import Cursor, Limit
from api.params import EXAMPLE_TREATY, KB, FromPath, query
from api.problems import ERRORS
from kb.clause_compare import compare_clauses
from kb.clause_matrix import clause_matrix
from kb.compare_render import FORMATS, Comparison, render
from kb.concepts import compare_concept, find_concept
from kb.errors import QueryError
from kb.extracted import list_concepts as concept_page
from kb.paging import Page
from kb.profile import treaty_profile
from kb.records import ConceptRecord, DefinitionRecord

MEDIA = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
MAX_PASTE = 20_000
FORMAT_PATHS = (
    "/api/v1/compare/concepts/{concept}",
    "/api/v1/compare/clauses",
    "/api/v1/compare/matrix",
    "/api/v1/treaties/{treaty_id}/profile",
)
"""The routes answering in every format of ``MEDIA`` (``api.openapi.document_formats``)."""

Format = Annotated[str | None, query(f"One of {', '.join(FORMATS)} (csv: the matrix only).", "md", "format")]
Treaties = Annotated[str | None, query("Treaty ids, comma-separated, in the order wanted (default: all).", f"{EXAMPLE_TREATY},2023-kupiia-akparatty-almasu-korgau")]
Columns = Annotated[str | None, query("Clause kinds, comma-separated (default: all).", "withdrawal,dispute_resolution")]
Baseline = Annotated[str | None, query("The treaty whose text is the baseline of the redlines.", EXAMPLE_TREATY)]
BaselineText = Annotated[str | None, query("A pasted text as the baseline.", "мемлекеттік құпияларды құрайтын мәліметтер", "baseline_text")]
Draft = Annotated[str | None, query("A draft clause, redlined against the baseline treaty.", "Даулар Тараптар арасындағы консультациялар арқылы шешіледі.")]
ClauseType = Annotated[str | None, query("A clause type id (docs/clause-types.md).", "withdrawal", "type")]


def _listed(value: str | None, param: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    if not items or len(items) > 1000:
        raise QueryError(f"{param}: give 1 to 1000 comma-separated ids", param)
    return items


def _pasted(value: str | None, param: str) -> str | None:
    if value is not None and len(value) > MAX_PASTE:
        raise QueryError(f"{param}: at most {MAX_PASTE} characters", param)
    return value


def _accepted(accept: str | None) -> str:
    """The first format an ``Accept`` header names (JSON when it names none of ours)."""
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        for name, ours in MEDIA.items():
            if media and media == ours.split(";")[0]:
                return name
    return "json"


def _answer(model: Comparison, fmt: str | None, accept: str | None = None) -> Response[bytes]:
    chosen = fmt or _accepted(accept)
    if chosen not in FORMATS:
        raise QueryError(f"unknown format {chosen[:20]!r}: the formats are {', '.join(FORMATS)}", "format")
    try:
        return Response(content=render(model, chosen), media_type=MEDIA[chosen])
    except ValueError as exc:
        raise QueryError(str(exc), "format") from None


@get("/api/v1/concepts", tags=["compare"], summary="Every concept, with its kk/ru/en labels and how many treaties define it", responses=ERRORS)
async def list_concepts(kb: KB, limit: Limit = None, cursor: Cursor = None) -> Page[ConceptRecord]:
    return concept_page(kb, limit=limit, cursor=cursor)


@get("/api/v1/concepts/{concept:str}", tags=["compare"], summary="One concept (by id or any kk/ru/en label) and its definitions", responses=ERRORS, sync_to_thread=True)
def get_concept(kb: KB, concept: FromPath[str]) -> dict[str, object]:
    found = find_concept(kb, concept)
    definitions: list[DefinitionRecord] = kb.definitions(found.id)
    return {"concept": found, "definitions": definitions}


@get("/api/v1/compare/concepts/{concept:str}", tags=["compare"], summary="How each treaty defines a concept, redlined against a baseline", responses=ERRORS, sync_to_thread=True)
def compare_concept_route(
    request: Request, kb: KB, concept: FromPath[str], baseline: Baseline = None, baseline_text: BaselineText = None, fmt: Format = None
) -> Response[bytes]:
    model = compare_concept(kb, concept, baseline=baseline, baseline_text=_pasted(baseline_text, "baseline_text"))
    return _answer(model, fmt, request.headers.get("accept"))


@get("/api/v1/compare/clauses", tags=["compare"], summary="Each treaty's article of a clause type, with attributes and redlines", responses=ERRORS, sync_to_thread=True)
def compare_clauses_route(
    request: Request,
    kb: KB,
    clause_type: ClauseType = None,
    treaties: Treaties = None,
    baseline: Baseline = None,
    baseline_text: BaselineText = None,
    draft: Draft = None,
    fmt: Format = None,
) -> Response[bytes]:
    if not clause_type:
        raise QueryError("type: which clause type to compare (docs/clause-types.md)", "type")
    model = compare_clauses(
        kb, clause_type, treaties=_listed(treaties, "treaties"), baseline=baseline,
        baseline_text=_pasted(baseline_text, "baseline_text"), draft=_pasted(draft, "draft"),
    )
    return _answer(model, fmt, request.headers.get("accept"))


@get("/api/v1/compare/matrix", tags=["compare"], summary="Treaties × clause attributes, each cell cited to its source words", responses=ERRORS, sync_to_thread=True)
def matrix_route(request: Request, kb: KB, treaties: Treaties = None, columns: Columns = None, fmt: Format = None) -> Response[bytes]:
    model = clause_matrix(kb, treaties=_listed(treaties, "treaties"), columns=_listed(columns, "columns"))
    return _answer(model, fmt, request.headers.get("accept"))


@get("/api/v1/treaties/{treaty_id:str}/profile", tags=["compare"], summary="One treaty's parties, dates, final clauses and obligations", responses=ERRORS, sync_to_thread=True)
def profile_route(request: Request, kb: KB, treaty_id: FromPath[str], fmt: Format = None) -> Response[bytes]:
    return _answer(treaty_profile(kb, treaty_id), fmt, request.headers.get("accept"))


HANDLERS = [profile_route, list_concepts, get_concept, compare_concept_route, compare_clauses_route, matrix_route]
