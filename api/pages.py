"""The HTML reader: the treaty list and one page per treaty. Plain server-rendered
HTML, no JavaScript, so a page is a document that prints, links and archives well."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template

from kb.errors import NotFound
from api.params import KB, FromPath


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


HANDLERS = [index, treaty_page]
