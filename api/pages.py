"""The HTML reader: the treaty list, one page per treaty, the search page, the
obligations across treaties, and the comparison pages (a clause type side by side, the
clause matrix, a concept's definitions, a treaty's profile), each with its downloads. Plain
server-rendered HTML, no JavaScript, so a page is a document that prints, links and
archives well, and a search is a URL that can be bookmarked and shared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import quote, urlencode

from litestar import Request, Response, get
from litestar.params import QueryParameter
from litestar.response import Template

from api.compare_routes import Baseline, Draft
from api.params import KB, FromPath
from api.render import MODALITY_LABELS, clause_label
from api.search_routes import ClauseType, Cursor, Mode, Q, Treaty, Year
from kb.clause_compare import compare_clauses
from kb.clause_matrix import COLUMNS, clause_matrix
from kb.compare_render import FORMATS
from kb.concepts import compare_concept
from kb.errors import NotFound, QueryError
from kb.extracted import MODALITIES, list_obligations
from kb.modes import MODES, default_mode
from kb.profile import treaty_profile
from kb.report_text import cell_text, show
from kb.search import DEFAULT_LIMIT, search
from kb.store import KnowledgeBase

Picked = Annotated[list[str] | None, QueryParameter(description="Treaty ids or clause kinds, one parameter each.")]
Grouping = Annotated[str | None, QueryParameter(name="group", description="`all`: every provision; else each article's best one.")]
Actor = Annotated[str | None, QueryParameter(description="Who is bound: words in any inflection.")]
Modality = Annotated[str | None, QueryParameter(description=f"One of {', '.join(MODALITIES)}.")]
HasDeadline = Annotated[str | None, QueryParameter(description="true or false: whether a time limit is set.")]
OBLIGATIONS_PAGE = 20
"""Obligations a page lists: a screenful of provisions on a phone."""
SEARCH_GROUPS = ("article", "all")
"""The search page's ``group``: each article's best provision (the default, what a
reader wants: one hit per article), or ``all``, every matching provision."""
TEXT_FORMATS = ("json", "md", "html", "docx", "pdf")
"""What a comparison of texts downloads as (the matrix adds csv and xlsx)."""


def html_not_found(request: Request, exc: NotFound) -> Response[str]:
    """A reader following a stale link gets a page, not JSON."""
    return Template(  # type: ignore[return-value]
        template_name="not_found.html",
        context={"message": exc.message, "param": exc.param},
        status_code=404,
    )


@get("/", include_in_schema=False)
async def index(kb: KB) -> Template:
    return Template(template_name="index.html", context={"treaties": kb.list_treaties(), "version": kb.version})


@get("/treaties/{treaty_id:str}", include_in_schema=False, exception_handlers={NotFound: html_not_found})
async def treaty_page(kb: KB, treaty_id: FromPath[str]) -> Template:
    return Template(template_name="treaty.html", context={"treaty": kb.get_treaty(treaty_id), "version": kb.version})


def _href(path: str, params: Mapping[str, str | None]) -> str:
    """``path`` with the ``params`` that are set as its query string, percent-encoded, so
    whatever a reader typed (quotes, "&", Kazakh letters, a NUL) survives the round trip."""
    return f"{path}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def _mode_choices(kb: KnowledgeBase) -> tuple[str, ...]:
    """The modes this knowledge base answers, in the order of ``MODES``: all of them
    when it was built with vectors (hybrid is then its default), keyword alone when not."""
    return MODES if default_mode(kb) == "hybrid" else ("keyword",)


@get("/search", include_in_schema=False)
async def search_page(
    kb: KB,
    q: Q = None,
    mode: Mode = None,
    cursor: Cursor = None,
    treaty: Treaty = None,
    year: Year = None,
    clause_type: ClauseType = None,
    group: Grouping = None,
) -> Template:
    """The search form and, for a non-blank ``q``, one page of ``kb.search.search``.

    Hits are grouped by article unless ``group=all``: a reader looking for where a
    treaty speaks of something wants each article once, at its best provision; the
    "барлық тармақтар" toggle shows every matching provision.

    A form sends its empty fields (``treaty=&year=``), which mean "any", so blank values
    count as absent. A refused query is the same page with a 400 and the parameter at
    fault named, so the reader can fix the form they still see filled in."""
    given = {"q": q, "mode": mode, "treaty": treaty, "year": year, "type": clause_type, "group": group}
    asked = {k: v for k, v in given.items() if v is not None and v.strip()}
    if asked.get("group") == "article":
        del asked["group"]  # the default: links stay short
    cursor = cursor if cursor and cursor.strip() else None
    grouped = "group" not in asked

    def refine(**changes: str | None) -> str:
        """This search with some parameters changed (None drops one), from its first page:
        facet links, "remove this filter" and, with ``cursor=``, the next page."""
        return _href("/search", {**asked, **changes})

    context: dict[str, object] = {
        "version": kb.version,
        "asked": asked,
        "modes": _mode_choices(kb),
        "mode": asked.get("mode") or default_mode(kb),
        "treaties": kb.list_treaties(),
        "types": sorted(kb.clause_type_ids(), key=clause_label),
        "refine": refine,
        "grouped": grouped,
        "result": None,
        "error": None,
    }
    if "q" not in asked:
        return Template(template_name="search.html", context=context)
    try:
        if asked.get("group", "all") not in SEARCH_GROUPS:
            raise QueryError(f"group must be one of: {', '.join(SEARCH_GROUPS)}, not {asked['group'][:40]!r}", "group")
        result = search(
            kb,
            asked["q"],
            mode=asked.get("mode"),
            limit=DEFAULT_LIMIT,
            cursor=cursor,
            treaty=asked.get("treaty"),
            year=asked.get("year"),
            type=asked.get("type"),
            group="article" if grouped else None,
        )
    except QueryError as exc:
        context["error"] = {"param": exc.param, "message": exc.message}
        return Template(template_name="search.html", context=context, status_code=400)
    context["result"] = result
    context["json_href"] = _href("/api/v1/search", {**asked, "group": "article" if grouped else None, "cursor": cursor})
    context["first_href"] = refine() if cursor else None
    return Template(template_name="search.html", context=context)


@get("/compare", include_in_schema=False)
async def compare_page(
    kb: KB, clause_type: ClauseType = None, baseline: Baseline = None, draft: Draft = None, treaties: Picked = None
) -> Template:
    """One clause type side by side: pick the type, the treaties (all by default), a
    baseline treaty, paste a draft."""
    types = sorted(kb.clause_type_ids())
    chosen = clause_type if clause_type and clause_type.strip() else "dispute_resolution"
    base = baseline if baseline and baseline.strip() else None
    pasted = draft if draft and draft.strip() else None
    picked = tuple(t for t in (treaties or ()) if t.strip()) or None
    params = {"type": chosen, "baseline": base, "draft": pasted, "treaties": ",".join(picked) if picked else None}
    try:
        model = compare_clauses(kb, chosen, treaties=picked, baseline=base, draft=pasted if base else None)
    except (QueryError, NotFound) as exc:
        return Template(template_name="not_found.html", context={"message": exc.message, "param": exc.param, "version": kb.version}, status_code=400 if isinstance(exc, QueryError) else 404)
    return Template(
        template_name="compare.html",
        context={
            "model": model, "types": types, "draft": pasted, "version": kb.version, "show": show,
            "treaties": kb.list_treaties(), "picked": set(picked or ()),
            "formats": TEXT_FORMATS, "download": lambda f: _href("/api/v1/compare/clauses", {**params, "format": f}),
        },
    )


@get("/compare/matrix", include_in_schema=False)
async def matrix_page(kb: KB, treaties: Picked = None, columns: Picked = None) -> Template:
    """The matrix over the treaties and clause kinds picked (all by default)."""
    picked = tuple(t for t in (treaties or ()) if t.strip()) or None
    kinds = tuple(c for c in (columns or ()) if c.strip()) or None
    try:
        model = clause_matrix(kb, treaties=picked, columns=kinds)
    except (QueryError, NotFound) as exc:
        return Template(template_name="not_found.html", context={"message": exc.message, "param": exc.param, "version": kb.version}, status_code=400 if isinstance(exc, QueryError) else 404)
    params = {"treaties": ",".join(picked) if picked else None, "columns": ",".join(kinds) if kinds else None}
    return Template(
        template_name="matrix.html",
        context={
            "model": model, "version": kb.version, "cell_value": cell_text, "formats": FORMATS,
            "treaties": kb.list_treaties(), "all_columns": COLUMNS, "picked": set(picked or ()), "picked_columns": set(kinds or ()),
            "download": lambda f: _href("/api/v1/compare/matrix", {**params, "format": f}),
        },
    )


@get("/concepts", include_in_schema=False)
async def concepts_page(kb: KB) -> Template:
    return Template(template_name="concepts.html", context={"concepts": kb.list_concepts(), "version": kb.version})


@get("/concepts/{concept:str}", include_in_schema=False, exception_handlers={NotFound: html_not_found})
async def concept_page(kb: KB, concept: FromPath[str], baseline: Baseline = None) -> Template:
    """A concept's definitions side by side, with a link on to the comparison of the
    defining treaties' definitions articles (the clauses around the definitions)."""
    model = compare_concept(kb, concept, baseline=baseline if baseline and baseline.strip() else None)
    params = {"baseline": model.baseline or None}
    defining = list(dict.fromkeys(r.treaty_id for r in model.rows))
    compare = [("type", "definitions"), *(("treaties", t) for t in defining)]
    if model.baseline in defining:
        compare.append(("baseline", model.baseline))
    return Template(
        template_name="concept.html",
        context={
            "model": model, "version": kb.version, "formats": TEXT_FORMATS,
            "compare_href": f"/compare?{urlencode(compare)}" if len(defining) > 1 else None,
            "download": lambda f: _href(f"/api/v1/compare/concepts/{quote(model.concept.id)}", {**params, "format": f}),
        },
    )


@get("/treaties/{treaty_id:str}/profile", include_in_schema=False, exception_handlers={NotFound: html_not_found})
async def profile_page(kb: KB, treaty_id: FromPath[str]) -> Template:
    return Template(
        template_name="profile.html",
        context={"model": treaty_profile(kb, treaty_id), "version": kb.version, "cell_value": cell_text, "formats": TEXT_FORMATS},
    )


@get("/obligations", include_in_schema=False)
async def obligations_page(
    kb: KB,
    treaty: Treaty = None,
    actor: Actor = None,
    modality: Modality = None,
    has_deadline: HasDeadline = None,
    clause_type: ClauseType = None,
    cursor: Cursor = None,
) -> Template:
    """Who must, may or must not do what, across the treaties: one page of
    ``kb.extracted.list_obligations`` under the filters of the form. Blank fields mean
    "any"; a refused filter is the form again with a 400 naming the parameter."""
    given = {"treaty": treaty, "actor": actor, "modality": modality, "has_deadline": has_deadline, "type": clause_type}
    asked = {k: v for k, v in given.items() if v is not None and v.strip()}
    cursor = cursor if cursor and cursor.strip() else None

    def refine(**changes: str | None) -> str:
        return _href("/obligations", {**asked, **changes})

    context: dict[str, object] = {
        "version": kb.version,
        "asked": asked,
        "treaties": kb.list_treaties(),
        "types": sorted(kb.clause_type_ids(), key=clause_label),
        "modalities": MODALITY_LABELS,
        "refine": refine,
        "first_href": refine() if cursor else None,
        "result": None,
        "error": None,
    }
    try:
        context["result"] = list_obligations(
            kb,
            treaty=asked.get("treaty"),
            actor=asked.get("actor"),
            modality=asked.get("modality"),
            has_deadline=asked.get("has_deadline"),
            clause_type=asked.get("type"),
            limit=OBLIGATIONS_PAGE,
            cursor=cursor,
        )
    except QueryError as exc:
        context["error"] = {"param": exc.param, "message": exc.message}
        return Template(template_name="obligations.html", context=context, status_code=400)
    return Template(template_name="obligations.html", context=context)


HANDLERS = [index, treaty_page, search_page, obligations_page, compare_page, matrix_page, concepts_page, concept_page, profile_page]
