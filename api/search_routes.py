"""``GET /api/v1/search``: one ``kb.search.search`` call.

Every parameter arrives as a string and is checked by ``kb.search`` itself, so a bad
value (an over-long ``q``, ``limit=abc``, an unknown ``mode`` or ``type``, an altered
``cursor``) is a ``QueryError`` that ``api.app`` answers with a 400 naming the parameter,
in the same shape whatever was wrong.
"""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from api.offload import threaded_when_embedding
from api.params import KB
from kb.errors import QueryError
from kb.modes import MODES
from kb.search import DEFAULT_LIMIT, SearchResult, search

Q = Annotated[
    str | None,
    QueryParameter(
        description=(
            'The query: words (any inflection), "phrases", OR, -exclusion, and filters treaty:ID, '
            "party:WORD, year:2017 or year:2010-2018, type:CLAUSE_TYPE, article:N. At most 1,000 characters "
            "and 32 words in the keyword mode; the semantic and hybrid modes take a whole draft clause "
            "(4,000 characters, 400 words) and find the provisions most like it."
        )
    ),
]
Mode = Annotated[str | None, QueryParameter(description=f"One of {', '.join(MODES)}; only the available ones answer.")]
Limit = Annotated[str | None, QueryParameter(description=f"Hits per page, 1 to 100 (default {DEFAULT_LIMIT}).")]
Cursor = Annotated[str | None, QueryParameter(description="`next_cursor` of the previous page, to get the next one.")]
Treaty = Annotated[str | None, QueryParameter(description="Only this treaty (its id).")]
Year = Annotated[str | None, QueryParameter(description="A year (2017) or a range (2010-2018): signing year, else approval year.")]
ClauseType = Annotated[str | None, QueryParameter(name="type", description="Only articles of this clause type (an id).")]
Party = Annotated[str | None, QueryParameter(description="Only treaties a party of which is named with these words.")]
ArticleNum = Annotated[str | None, QueryParameter(name="article", description="Only this article number.")]
Group = Annotated[
    str | None,
    QueryParameter(description="`article`: each article's best provision only, so a page lists distinct articles."),
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
) -> SearchResult:
    if q is None:
        raise QueryError("q is required: the words to search for", "q")
    return search(
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
    )


HANDLERS = [search_route]
