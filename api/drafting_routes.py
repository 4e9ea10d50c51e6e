"""What a drafting tool posts: a draft clause to find the provisions most like it
(``POST /api/v1/similar``), and a document's references to resolve in one round trip
(``POST /api/v1/provisions:batch``). Bodies are JSON, checked by msgspec (a wrong
type is a 400 naming the field) and by ``kb.drafting`` (an over-long draft, too many
references: a 400 naming ``text`` or ``refs``)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.openapi.spec import Example
from litestar.params import Body

from api.params import KB
from api.problems import ERRORS, responses
from kb.drafting import MAX_BATCH, Provisions, SimilarResult, find_similar, resolve
from kb.query import MAX_CLAUSE_CHARS
from kb.search import MAX_LIMIT

MAX_BODY = 256 * 1024


class SimilarRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A draft clause (up to 4,000 characters, any language the model reads) and
    optional filters."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_CLAUSE_CHARS, description="The draft clause, in Kazakh, Russian or English.")]
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT, description="How many provisions to answer.")] = 10
    treaty: Annotated[str | None, msgspec.Meta(description="Only provisions of this treaty (its id).")] = None
    type: Annotated[str | None, msgspec.Meta(description="Only provisions of articles of this clause type.")] = None


class BatchRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Up to 100 references: provision ids (a search hit's ``id``), paths
    ``treaty/article[/paragraph[/point]]``, or citations as the knowledge base writes
    them ("<title>, 4-бап, 2-тармақ")."""

    refs: Annotated[
        list[str | int],
        msgspec.Meta(min_length=1, max_length=MAX_BATCH, description="Provision ids, paths treaty/article[/paragraph[/point]] or citations."),
    ]


SIMILAR_EXAMPLE = Example(
    summary="A dispute-settlement clause",
    value={"text": "Осы Келісімді түсіндіру немесе қолдану кезінде туындайтын даулар Тараптар арасындағы келіссөздер арқылы шешіледі.", "limit": 5},
)
BATCH_EXAMPLE = Example(summary="A path and a citation", value={"refs": ["2017-kupiia-akparatty-ozara-korgau/13", "2017-kupiia-akparatty-ozara-korgau/4/1/3"]})


@post(
    "/api/v1/similar",
    tags=["drafting"],
    summary="The provisions most like a draft clause, each with its clause type, citation and reasons",
    description=(
        "Reasons: `shared_terms` (the provision's words sharing a lemma with the draft), `same_type` (clause types of "
        "both), `vector_score` (the cosine of their embeddings). `draft_types` says how the draft itself is typed."
    ),
    status_code=200,
    responses={**ERRORS, **responses(413)},
    request_max_body_size=MAX_BODY,
    sync_to_thread=True,
)
def similar_route(kb: KB, data: Annotated[SimilarRequest, Body(examples=[SIMILAR_EXAMPLE])]) -> SimilarResult:
    return find_similar(kb, data.text, limit=data.limit, treaty=data.treaty, clause_type=data.type)


@post(
    "/api/v1/provisions:batch",
    tags=["drafting"],
    summary=f"The texts of up to {MAX_BATCH} provisions in one answer, from ids, paths or citations",
    description="A reference that names nothing comes back with `found: false` and the reason; the others are answered.",
    status_code=200,
    responses={**ERRORS, **responses(413)},
    request_max_body_size=MAX_BODY,
    sync_to_thread=True,
)
def batch_route(kb: KB, data: Annotated[BatchRequest, Body(examples=[BATCH_EXAMPLE])]) -> Provisions:
    return resolve(kb, data.refs)


HANDLERS = [similar_route, batch_route]
