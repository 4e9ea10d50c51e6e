"""Errors as RFC 9457 problem details (``application/problem+json``), one shape for
every error the API answers, so a client reads ``status``, ``title``, ``detail`` and
``param`` (the request parameter at fault) the same way whatever went wrong.

The knowledge base's own errors name their parameter (``kb.errors``); Litestar's
validation errors list theirs (``invalid_params``, as RFC 9457's example does); an
unexpected exception is a 500 that says nothing of the server's insides.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from kb.errors import KbUnavailable, NotFound, QueryError

MEDIA_TYPE = "application/problem+json"
LOG = logging.getLogger("kelisim.api")


class InvalidParam(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    reason: str


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, with ``param`` (the parameter at fault) and
    ``invalid_params`` (each refused parameter) as extension members."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    param: str | None = None
    invalid_params: tuple[InvalidParam, ...] | None = None


TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(request: Request[Any, Any, Any], status: int, detail: str, *, param: str | None = None,
            invalid: tuple[InvalidParam, ...] | None = None, headers: dict[str, str] | None = None) -> Response[Problem]:
    body = Problem(
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        param=param,
        invalid_params=invalid,
    )
    return Response(content=body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Problem]:
    return problem(request, 404, exc.message, param=exc.param)


def bad_query(request: Request[Any, Any, Any], exc: QueryError) -> Response[Problem]:
    return problem(request, 400, exc.message, param=exc.param, invalid=(InvalidParam(name=exc.param, reason=exc.message),))


def unavailable(request: Request[Any, Any, Any], exc: KbUnavailable) -> Response[Problem]:
    """No version to serve yet (or a broken one): a 503 the health check can show."""
    return problem(request, 503, str(exc), headers={"Retry-After": "30"})


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    """Litestar's own errors: an unknown route, a wrong method, a refused body or
    parameter (each named)."""
    invalid: tuple[InvalidParam, ...] | None = None
    param = None
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        invalid = tuple(
            InvalidParam(name=_field(e), reason=str(e.get("message", "invalid"))) for e in exc.extra if isinstance(e, dict)
        ) or None
        param = invalid[0].name if invalid else None
    return problem(request, exc.status_code, str(exc.detail), param=param, invalid=invalid, headers=exc.headers)


_BODY_FIELD = re.compile(r"at `\$\.([^`\[]+)|field `([^`]+)`")


def _field(error: dict[str, Any]) -> str:
    """The parameter an error names; for a JSON body, the field msgspec's message
    names ("Object contains unknown field `txt`", "… - at `$.text`") rather than
    "data", which is only Litestar's name for the body."""
    key = str(error.get("key") or error.get("source") or "body")
    if key in ("data", "body"):
        found = _BODY_FIELD.search(str(error.get("message", "")))
        if found:
            return found.group(1) or found.group(2)
    return key


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    LOG.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem(request, 500, "the server failed to answer this request; it has been logged")


HANDLERS = {
    NotFound: not_found,
    QueryError: bad_query,
    KbUnavailable: unavailable,
    HTTPException: http_error,
    Exception: server_error,
}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error answers of a route, for its OpenAPI entry."""
    return {
        status: ResponseSpec(data_container=Problem, description=TITLES.get(status, "Error"), media_type=MEDIA_TYPE)
        for status in statuses
    }


ERRORS = responses(400, 404, 503)
"""What every knowledge-base route may answer besides its 200."""

__all__ = ["ERRORS", "HANDLERS", "MEDIA_TYPE", "Problem", "problem", "responses"]
