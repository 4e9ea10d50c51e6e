"""The Litestar application: routes, the knowledge base as a dependency, error mapping.

The app holds no data of its own. Every request asks ``CurrentKnowledgeBase`` for the
version ``CURRENT`` names at that moment, so ``kelisim build`` run next to a live
server swaps what it serves at the next request, and a request never sees half a build.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from litestar.types import Scope

from api import (
    compare_routes,
    drafting_routes,
    extracted_routes,
    json_routes,
    pages,
    problems,
    render,
    search_routes,
)
from api.caching import conditional_get, pinned
from api.mcp_server import http_mount
from api.openapi import SpanSchemaPlugin, document_formats
from kb.errors import KbUnavailable
from kb.modes import default_mode
from kb.search import search
from kb.store import CurrentKnowledgeBase, KnowledgeBase

TEMPLATES = Path(__file__).parent / "templates"


def _kelisim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"


def create_app(
    kb_root: Path, *, debug: bool = False, warm_model: bool = False, cors_origins: Sequence[str] = ()
) -> Litestar:
    """The app serving whatever version of ``kb_root`` is current. It starts even when
    nothing is built yet; requests then answer 503 until a build appears.

    At start-up it opens the current version and loads its search tables, and with
    ``warm_model`` (``kelisim serve``) the embedding model, the vector index and the
    treaty names too, by one search, so the first search is
    answered in milliseconds rather than seconds.

    Every GET is tagged with the version it reads (``api.caching``: ``ETag``, a 304 on
    revalidation), answers are gzipped when the client accepts it, errors are RFC 9457
    problem details (``api.problems``), and cross-origin requests are allowed only
    from ``cors_origins`` (none by default: a browser page elsewhere cannot read the
    API unless the operator says so)."""
    current = CurrentKnowledgeBase(Path(kb_root))
    release = _kelisim_version()
    mcp = http_mount(current)  # the MCP server at /mcp (streamable HTTP), sharing the open version

    def provide_kb(scope: Scope) -> KnowledgeBase:
        return pinned(scope.get("state", {})) or current.get()  # type: ignore[arg-type]

    def warm() -> None:
        try:
            with current.lease() as kb:  # a newly opened version is verified and loads its search tables
                if warm_model and default_mode(kb) == "hybrid":
                    search(kb, "ақпарат", mode="hybrid", limit=1)  # the model, the vectors, the treaty names
        except KbUnavailable:
            return

    app = Litestar(
        route_handlers=[
            *json_routes.HANDLERS,
            *search_routes.HANDLERS,
            *extracted_routes.HANDLERS,
            *drafting_routes.HANDLERS,
            *compare_routes.HANDLERS,
            *pages.HANDLERS,
            mcp.handler,
        ],
        dependencies={"kb": Provide(provide_kb, sync_to_thread=False), "current": Provide(lambda: current, sync_to_thread=False)},
        exception_handlers=problems.HANDLERS,  # type: ignore[arg-type]
        middleware=[conditional_get(current, release)],
        compression_config=CompressionConfig(backend="gzip", minimum_size=500, gzip_compress_level=6),
        cors_config=CORSConfig(allow_origins=list(cors_origins), allow_methods=["GET", "POST", "OPTIONS"]) if cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="kelisim",
            version=release,
            description="A knowledge base of international agreements in Kazakh.",
            path="/schema",
        ),
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_jinja_setup),
        plugins=[SpanSchemaPlugin()],
        on_startup=[warm],
        lifespan=[mcp.lifespan],
        debug=debug,
    )
    document_formats(app, compare_routes.FORMAT_PATHS, compare_routes.MEDIA)
    return app


def _jinja_setup(engine: JinjaTemplateEngine) -> None:
    render.install(engine.engine)
