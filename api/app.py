"""The Litestar application: routes, the knowledge base as a dependency, error mapping.

The app holds no data of its own. Every request asks ``CurrentKnowledgeBase`` for the
version ``CURRENT`` names at that moment, so ``kelisim build`` run next to a live
server swaps what it serves at the next request, and a request never sees half a build.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from api import compare_routes, json_routes, pages, render, search_routes
from api.openapi import SpanSchemaPlugin
from kb.errors import KbUnavailable, NotFound, QueryError
from kb.modes import default_mode
from kb.search import search
from kb.store import CurrentKnowledgeBase, KnowledgeBase

TEMPLATES = Path(__file__).parent / "templates"


def _not_found(request: Request, exc: NotFound) -> Response[dict[str, object]]:
    """404 naming the parameter at fault, so a client knows which id to fix."""
    return Response(
        content={"status_code": 404, "detail": exc.message, "param": exc.param},
        status_code=404,
    )


def _bad_query(request: Request, exc: QueryError) -> Response[dict[str, object]]:
    """400 naming the parameter a search refused (``q``, ``limit``, ``cursor``, …)."""
    return Response(
        content={"status_code": 400, "detail": exc.message, "param": exc.param},
        status_code=400,
    )


def _unavailable(request: Request, exc: KbUnavailable) -> Response[dict[str, object]]:
    """No version to serve yet (or a broken one): a 503 the health check can show."""
    return Response(
        content={"status": "unavailable", "status_code": 503, "detail": str(exc)},
        status_code=503,
    )


def _kelisim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"


def create_app(kb_root: Path, *, debug: bool = False, warm_model: bool = False) -> Litestar:
    """The app serving whatever version of ``kb_root`` is current. It starts even when
    nothing is built yet; requests then answer 503 until a build appears.

    At start-up it opens the current version and loads its search tables, and with
    ``warm_model`` (``kelisim serve``) the embedding model, the vector index and the
    treaty names too, by one search, so the first search is
    answered in milliseconds rather than seconds."""
    current = CurrentKnowledgeBase(Path(kb_root))
    from api.mcp_server import http_mount

    mcp = http_mount(current)  # the MCP server at /mcp (streamable HTTP), sharing the open version

    def provide_kb() -> KnowledgeBase:
        return current.get()

    def warm() -> None:
        try:
            kb = current.get()  # a newly opened version loads its search tables
        except KbUnavailable:
            return
        if warm_model and default_mode(kb) == "hybrid":
            search(kb, "ақпарат", mode="hybrid", limit=1)  # the model, the vectors, the treaty names

    return Litestar(
        route_handlers=[*json_routes.HANDLERS, *search_routes.HANDLERS, *compare_routes.HANDLERS, *pages.HANDLERS, mcp.handler],
        dependencies={"kb": Provide(provide_kb, sync_to_thread=False)},
        exception_handlers={NotFound: _not_found, KbUnavailable: _unavailable, QueryError: _bad_query},
        openapi_config=OpenAPIConfig(
            title="kelisim",
            version=_kelisim_version(),
            description="A knowledge base of international agreements in Kazakh.",
            path="/schema",
        ),
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_jinja_setup),
        plugins=[SpanSchemaPlugin()],
        on_startup=[warm],
        lifespan=[mcp.lifespan],
        debug=debug,
    )


def _jinja_setup(engine: JinjaTemplateEngine) -> None:
    render.install(engine.engine)
