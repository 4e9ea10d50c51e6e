"""The JSON API, ``/api/v1/…`` and ``/health``: each handler is one ``kb`` call.

Unknown ids surface as ``kb.errors.NotFound`` and become 404s in ``api.app``; no
handler checks for them itself, so none can forget to.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec

from api.extracted_routes import Cursor, Limit
from api.params import KB, Current, FromPath
from api.problems import ERRORS
from ingest.model import Treaty
from kb.errors import KbUnavailable
from kb.extracted import list_treaties as treaty_page
from kb.paging import Page
from kb.records import ArticleRecord, TreatySummary
from kb.store import CurrentKnowledgeBase

AKN_MEDIA_TYPE = "application/akn+xml"


class RefusedVersion(msgspec.Struct, frozen=True, kw_only=True):
    """A version ``CURRENT`` names that the server will not serve: the damaged file in
    it (null when the version could not be opened at all) and what is wrong."""

    version: str
    file: str | None
    reason: str


class Health(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    status: str
    version: str
    treaties: int
    refused: RefusedVersion | None = None


class Unhealthy(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    status: str
    detail: str
    refused: RefusedVersion | None = None


def _refusal(current: CurrentKnowledgeBase) -> RefusedVersion | None:
    refusal = current.refused()
    return None if refusal is None else RefusedVersion(version=refusal.version, file=refusal.file, reason=refusal.reason)


@get(
    "/health",
    tags=["meta"],
    summary="Liveness and the version being served",
    responses={503: ResponseSpec(data_container=Unhealthy, description="No version can be served")},
    sync_to_thread=False,
)
def health(current: Current) -> Response[Health | Unhealthy]:
    """Answers whatever the knowledge base's state (a load balancer reads the status
    code, an operator the body):

    * 200 ``ok``: the version ``CURRENT`` names is served.
    * 200 ``degraded``: ``CURRENT`` names a version that failed its integrity check
      (``refused`` says which file and why), and the last intact version is served
      instead. Still 200, because every answer this server gives is right: taking it
      out of rotation would turn a bad build into an outage, since every replica reads
      the same knowledge base. The operator rebuilds; the next good build clears it.
    * 503 ``unavailable``: no version can be served (none built, or none intact)."""
    try:
        with current.lease() as kb:
            version, treaties = kb.version, kb.count_treaties()
    except KbUnavailable as exc:
        return Response(Unhealthy(status="unavailable", detail=str(exc), refused=_refusal(current)), status_code=503)
    refused = _refusal(current)
    return Response(
        Health(status="ok" if refused is None else "degraded", version=version, treaties=treaties, refused=refused),
        headers={"X-Kelisim-Version": version},  # as every answer read from a version (``api.caching`` skips this path)
    )


@get("/api/v1/manifest", tags=["meta"], summary="The build manifest of the version being served")
async def manifest(kb: KB) -> dict[str, Any]:
    return kb.manifest()


@get("/api/v1/treaties", tags=["treaties"], summary="All treaties, in corpus order, a page at a time", responses=ERRORS)
async def list_treaties(kb: KB, limit: Limit = None, cursor: Cursor = None) -> Page[TreatySummary]:
    return treaty_page(kb, limit=limit, cursor=cursor)


@get("/api/v1/treaties/{treaty_id:str}", tags=["treaties"], summary="One treaty, the whole parse", responses=ERRORS)
async def get_treaty(kb: KB, treaty_id: FromPath[str]) -> Response[Treaty]:
    # The stored export is already the JSON of ``Treaty``: hand out the bytes as they are.
    return Response(content=kb.get_treaty_export(treaty_id), media_type="application/json")


@get("/api/v1/treaties/{treaty_id:str}/articles/{num:str}", tags=["treaties"], summary="One article, with a citation", responses=ERRORS)
async def get_article(kb: KB, treaty_id: FromPath[str], num: FromPath[str]) -> ArticleRecord:
    return kb.get_article(treaty_id, num)


@get(
    "/api/v1/treaties/{treaty_id:str}/akn.xml",
    tags=["treaties"],
    summary="One treaty as Akoma Ntoso 3.0 XML",
    media_type=AKN_MEDIA_TYPE,
    responses=ERRORS,
)
async def get_akn(kb: KB, treaty_id: FromPath[str]) -> Response[bytes]:
    treaty = kb.get_treaty(treaty_id)
    try:
        from ingest.akn import to_akn
    except ImportError as exc:  # the serialiser is optional at this stage of the project
        raise HTTPException(status_code=501, detail=f"Akoma Ntoso export unavailable: {exc}") from None
    return Response(content=to_akn(treaty), media_type=AKN_MEDIA_TYPE)


HANDLERS = [health, manifest, list_treaties, get_treaty, get_article, get_akn]
