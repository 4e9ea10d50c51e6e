"""``GET /api/v1/search``: one ``kb.search.search`` call.

Every parameter arrives as a string and is checked by ``kb.search`` itself, so a bad
value (an over-long ``q``, ``limit=abc``, an unknown ``mode`` or ``type``, an altered
``cursor``) is a ``QueryError`` that ``api.app`` answers with a 400 naming the parameter,
in the same shape whatever was wrong.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get
from litestar.openapi.spec import Example
from litestar.params import QueryParameter
from msgspec import UNSET, UnsetType

from api.offload import threaded_when_embedding
from api.params import EXAMPLE_TREATY, KB, query
from api.problems import ERRORS
from ingest.model import Span
from kb.errors import QueryError
from kb.modes import MODES
from kb.search import (
    DEFAULT_LIMIT,
    Facets,
    Highlight,
    Hit,
    MoreHit,
    SearchResult,
    search,
)

HIT_FIELDS = tuple(f.name for f in msgspec.structs.fields(Hit))


class PartialHit(msgspec.Struct, frozen=True, kw_only=True):
    """A hit with only the fields ``fields=`` asked for (all of them without it)."""

    id: int | UnsetType = UNSET
    treaty_id: str | UnsetType = UNSET
    treaty_title: str | UnsetType = UNSET
    article: str | UnsetType = UNSET
    paragraph: str | None | UnsetType = UNSET
    point: str | None | UnsetType = UNSET
    level: str | UnsetType = UNSET
    score: float | UnsetType = UNSET
    citation: str | UnsetType = UNSET
    snippet: str | UnsetType = UNSET
    highlights: tuple[Highlight, ...] | UnsetType = UNSET
    clause_types: tuple[str, ...] | UnsetType = UNSET
    year: int | None | UnsetType = UNSET
    span: Span | UnsetType = UNSET
    source_span: Span | UnsetType = UNSET
    more: tuple[MoreHit, ...] | UnsetType = UNSET


class SearchAnswer(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """``kb.search.SearchResult``, its hits trimmed to ``fields`` (and its facets
    left out unless asked for) when ``fields=`` is given."""

    query: str
    mode: str
    version: str
    total: int
    hits: tuple[PartialHit, ...]
    facets: Facets | None = None
    next_cursor: str | None = None


def _fields(value: str | None) -> frozenset[str] | None:
    if value is None or not value.strip():
        return None
    asked = frozenset(f.strip() for f in value.split(",") if f.strip())
    unknown = sorted(asked - set(HIT_FIELDS) - {"facets"})
    if unknown:
        raise QueryError(f"fields: unknown field {unknown[0][:40]!r}; the fields are {', '.join(HIT_FIELDS)}, facets", "fields")
    return asked


def trimmed(result: SearchResult, fields: frozenset[str] | None) -> SearchAnswer:
    """The answer with only the asked fields of each hit."""
    keep = set(HIT_FIELDS) if fields is None else fields
    return SearchAnswer(
        query=result.query,
        mode=result.mode,
        version=result.version,
        total=result.total,
        hits=tuple(PartialHit(**{name: getattr(hit, name) for name in keep if name in HIT_FIELDS}) for hit in result.hits),
        facets=result.facets if fields is None or "facets" in fields else None,
        next_cursor=result.next_cursor,
    )

Q = Annotated[
    str | None,
    QueryParameter(
        description=(
            'The query: words (any inflection), "phrases", OR, -exclusion, and filters treaty:ID, '
            "party:WORD, year:2017 or year:2010-2018, type:CLAUSE_TYPE, article:N. At most 1,000 characters "
            "and 32 words in the keyword mode; the semantic and hybrid modes take a whole draft clause "
            "(4,000 characters, 400 words) and find the provisions most like it."
        ),
        examples=[Example(value="құпия ақпаратқа рұқсат"), Example(value="how are disputes settled")],
    ),
]
Mode = Annotated[str | None, query(f"One of {', '.join(MODES)}; only the available ones answer.", "hybrid")]
Limit = Annotated[str | None, query(f"Hits per page, 1 to 100 (default {DEFAULT_LIMIT}).", "10")]
Cursor = Annotated[str | None, query("`next_cursor` of the previous page, to get the next one.")]
Treaty = Annotated[str | None, query("Only this treaty (its id).", EXAMPLE_TREATY)]
Year = Annotated[str | None, query("A year (2017) or a range (2010-2018): signing year, else approval year.", "2010-2018")]
ClauseType = Annotated[str | None, query("Only articles of this clause type (an id, docs/clause-types.md).", "dispute_resolution", "type")]
Party = Annotated[str | None, query("Only treaties a party of which is named with these words, in any inflection.", "Түрікменстан")]
ArticleNum = Annotated[str | None, query("Only this article number.", "13", "article")]
Group = Annotated[
    str | None,
    QueryParameter(
        description="`article`: one hit per article, its best provision, with the article's next best ones in `more`.",
        examples=[Example(value="article")],
    ),
]
Fields = Annotated[
    str | None,
    QueryParameter(
        description=(
            "Comma-separated hit fields to keep (" + ", ".join(HIT_FIELDS) + "), and `facets` to keep the facets: "
            "a small answer for a tool that needs only citations. Without it, everything."
        ),
        examples=[Example(value="id,citation,snippet")],
    ),
]


@get(
    "/api/v1/search",
    tags=["search"],
    summary="Search the provisions of every treaty",
    description=(
        "Hits are alineas and points (an article only when its words are spread over several of its paragraphs), "
        "best first, with a citation, a snippet whose matching words are in <mark>, and the highlights' offsets in "
        "the treaty text and in the source file. Facets count the whole result set. Errors: 400 with `param` "
        "naming the parameter at fault."
    ),
    responses=ERRORS,
)
@threaded_when_embedding
def search_route(
    kb: KB,
    q: Q = None,
    mode: Mode = None,
    limit: Limit = None,
    cursor: Cursor = None,
    treaty: Treaty = None,
    year: Year = None,
    clause_type: ClauseType = None,
    party: Party = None,
    article_num: ArticleNum = None,
    group: Group = None,
    fields: Fields = None,
) -> SearchAnswer:
    if q is None:
        raise QueryError("q is required: the words to search for", "q")
    keep = _fields(fields)
    return trimmed(search(
        kb,
        q,
        mode=mode,
        limit=DEFAULT_LIMIT if limit is None else limit,
        cursor=cursor,
        treaty=treaty,
        year=year,
        type=clause_type,
        party=party,
        article=article_num,
        group=group,
    ), keep)


HANDLERS = [search_route]
