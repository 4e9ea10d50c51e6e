"""The knowledge base as an MCP server: tools and resources an AI assistant can call.

Why a server of its own beside the JSON API: an assistant reads every byte a tool
returns into its context, so the answers here are *small* (long texts trimmed, lists
capped, only the fields an assistant reasons with) and every item carries what a
lawyer checks it by: the citation string and a link to the reader page (absolute
when a base URL is configured, else the path ``/treaties/{id}#art-{num}``).

Every tool is one ``kb`` call, read-only, run on a worker thread (SQLite, numpy and
the embedding model are synchronous) against the version ``CURRENT`` names at that
call, so a rebuild is picked up as the web app picks it up. A refused argument
(``kb.errors.QueryError`` / ``NotFound``) comes back as a tool error (``isError``)
whose message starts with the parameter at fault, never as a protocol error: the
assistant reads it and corrects its call.

Two transports share the one server definition (``create_server``):

- stdio, ``kelisim mcp [--kb ROOT]``, for desktop assistants (``run_stdio``);
- streamable HTTP at ``/mcp`` inside the Litestar app (``http_mount``), stateless with
  JSON responses: each POST is answered on its own, so no session outlives a request.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import os
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

import anyio.to_thread
from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Receive, Scope, Send
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
)
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import Resource, ToolAnnotations
from pydantic import BaseModel, Field

from ingest.model import Approval, Signed
from kb.clause_compare import ClauseComparison
from kb.clause_compare import compare_clauses as kb_compare_clauses
from kb.concepts import compare_concept as kb_compare_concept
from kb.drafting import find_similar as kb_find_similar
from kb.errors import KbUnavailable, NotFound, QueryError
from kb.extracted import Deadline, DefinitionItem, list_definitions, list_obligations
from kb.paging import Page
from kb.records import ApprovalRef, citation, reader_url
from kb.redline import Redline
from kb.search import search
from kb.store import CurrentKnowledgeBase, KnowledgeBase

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

SERVER_NAME = "kelisim"
BASE_URL_ENV = "KELISIM_BASE_URL"
"""Where the reader is served (``https://kelisim.example``): links become absolute."""

MAX_ITEMS = 20
"""The most items one answer lists: beyond that, page with ``cursor``."""
TEXT_CHARS = 600
"""A provision, definition or clause in a list is trimmed to about this many characters."""
ARTICLE_CHARS = 4000
"""``get_article`` returns an article whole up to this length."""
MAX_DRAFT = 4000
"""A pasted draft clause, as ``kb.query.MAX_CLAUSE_CHARS`` reads one."""
MAX_TERMS = 12

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

INSTRUCTIONS = (
    "A knowledge base of international agreements of Kazakhstan, in Kazakh. Words match in any inflection "
    "(құпия ақпаратқа finds құпия ақпарат). Start with list_treaties or search_provisions; quote provisions "
    "with their `citation` and give the `url` so the reader can check them. Treaties are also resources "
    "treaty://{treaty_id}."
)


# -- answers -------------------------------------------------------------------------------


class Cited(BaseModel):
    citation: str = Field(description="How to cite it: '<treaty title>, N-бап[, M-тармақ[, K) тармақша]]'.")
    url: str = Field(description="The reader page at that article.")


class ProvisionHit(Cited):
    treaty_id: str
    article: str
    paragraph: str | None
    point: str | None
    snippet: str = Field(description="The provision around the matching words, which are in **bold**.")
    clause_types: list[str]
    score: float


class SearchAnswer(BaseModel):
    total: int = Field(description="How many provisions match in all.")
    mode: str
    hits: list[ProvisionHit]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class ArticleAnswer(Cited):
    treaty_id: str
    num: str
    heading: str | None
    text: str
    truncated: bool = Field(description="True when `text` was cut short.")


class DefinitionOut(Cited):
    treaty_id: str
    article: str
    term: str = Field(description="The term as the treaty writes it.")
    definition: str
    concept_id: str | None = Field(description="The concept it defines (for compare_concept), when linked.")


class DefinitionsAnswer(BaseModel):
    total: int
    items: list[DefinitionOut]
    next_cursor: str | None


class ObligationOut(Cited):
    treaty_id: str
    article: str
    paragraph: str | None
    point: str | None
    modality: str = Field(description="obligation, permission or prohibition.")
    actor: str | None
    condition: str | None
    deadline: str | None = Field(description="'30 day', 'immediately', … or null when none is set.")
    text: str
    clause_types: list[str]


class ObligationsAnswer(BaseModel):
    total: int
    items: list[ObligationOut]
    next_cursor: str | None


class ClauseOut(Cited):
    treaty_id: str
    article: str
    heading: str | None
    attributes: dict[str, Any] = Field(description="What negotiators compare (methods, notice_months, …); {} when none.")
    text: str
    changes: str | None = Field(description="Redline against the baseline: ~~deleted~~ **inserted**; null for the baseline.")


class DraftOut(BaseModel):
    text: str
    changes: str = Field(description="The draft redlined against the baseline: ~~deleted~~ **inserted**.")


class ClausesAnswer(BaseModel):
    clause_type: str
    baseline: str = Field(description="The baseline's treaty id, 'text' for a pasted one, '' for none.")
    rows: list[ClauseOut]
    draft: DraftOut | None


class ConceptRowOut(Cited):
    treaty_id: str
    article: str
    term: str
    definition: str
    drift: str | None = Field(description="Against the baseline: same, wording (inflection/punctuation only), substance; null for the baseline.")
    changes: str | None = Field(description="Redline against the baseline: ~~deleted~~ **inserted**.")
    used_in: list[str] = Field(description="Articles of that treaty that use the term.")


class ConceptAnswer(BaseModel):
    concept_id: str
    label: str
    labels: dict[str, str] = Field(description="The concept's label by language (kk, ru, en).")
    baseline: str
    drift: bool = Field(description="True when some treaty defines it differently in substance.")
    rows: list[ConceptRowOut]


class SimilarOut(Cited):
    treaty_id: str
    article: str
    paragraph: str | None
    point: str | None
    text: str
    clause_types: list[str]
    score: float
    shared_terms: list[str] = Field(description="The provision's words that share a lemma with the draft's.")
    same_type: list[str] = Field(description="Clause types the draft and the provision share.")
    vector_score: float | None


class SimilarAnswer(BaseModel):
    draft_types: list[str] = Field(description="The clause types the draft reads as.")
    hits: list[SimilarOut]


class TreatyOut(Cited):
    id: str
    title: str
    draft: bool
    signed: str | None = Field(description="Date and place of signing, when the text says.")
    entry_into_force_date: str | None
    approval: str | None = Field(description="The Kazakh act approving it.")
    article_count: int
    resource: str = Field(description="The treaty:// resource with its parties, dates and article list.")


class TreatiesAnswer(BaseModel):
    treaties: list[TreatyOut]


# -- parameters ----------------------------------------------------------------------------

TreatyId = Annotated[
    str | None,
    Field(description="Only this treaty: its id as list_treaties gives it, e.g. '2017-kupiia-akparatty-ozara-korgau'."),
]
ClauseType = Annotated[
    str | None,
    Field(
        description="Only articles of this clause type, an id such as 'dispute_resolution', 'definitions', "
        "'withdrawal', 'entry_into_force', 'information_protection'."
    ),
]
Limit = Annotated[int, Field(ge=1, le=MAX_ITEMS, description=f"How many items, 1 to {MAX_ITEMS}.")]
Cursor = Annotated[str | None, Field(description="`next_cursor` of the previous answer, for the next page.")]


# -- the tools -----------------------------------------------------------------------------


def trim(text: str, size: int = TEXT_CHARS) -> str:
    """``text`` with its whitespace collapsed, cut at a space before ``size`` characters
    with "…" when longer: an assistant gets the gist and the link for the rest."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[: cut if cut > size // 2 else size].rstrip(" ,;:") + " …"


def slim(model: type[M], item: object, **changed: Any) -> M:
    """``item`` (a kb Struct or dataclass) as a smaller answer ``model``: the fields the
    model declares, taken as they are unless ``changed`` gives them (a trimmed text, the
    link, a citation the item lacks); the rest of ``item`` is left out."""
    names = getattr(item, "__struct_fields__", None) or [f.name for f in dataclasses.fields(item)]  # type: ignore[arg-type]
    wanted = model.model_fields.keys()
    return model.model_validate({**{n: getattr(item, n) for n in names if n in wanted}, **changed})


def _deadline(deadline: Deadline | None) -> str | None:
    """"30 day", "immediately", or None when no time limit is set."""
    if deadline is None:
        return None
    if deadline.immediate:
        return "immediately"
    return " ".join(str(x) for x in (deadline.value, deadline.unit) if x is not None) or "set"


def _signed(signed: Signed | None) -> str | None:
    """Where and when it was signed, as far as the text says: "2017-11-03, Ташкент"."""
    return ", ".join(x for x in (signed.date, signed.place) if x) or None if signed else None


def _approval(approval: ApprovalRef | Approval | None) -> str | None:
    """The approving act as one cites it: "қаулы № 529 2018-08-27"."""
    if approval is None:
        return None
    return " ".join(x for x in (approval.type, approval.number and f"№ {approval.number}", approval.date) if x)


def _changes(shown: Redline | None) -> str | None:
    """A redline as Markdown (~~deleted~~ **inserted**), trimmed; None for none."""
    return None if shown is None else trim(shown.markdown(), 2 * TEXT_CHARS)


def _plain_snippet(snippet: str) -> str:
    """A search snippet's HTML as Markdown: the marks in bold, entities decoded."""
    return html.unescape(re.sub(r"</?mark>", "**", snippet))


class KnowledgeTools:
    """The tools and the treaty resource, bound to one knowledge-base root and one base URL."""

    def __init__(self, current: CurrentKnowledgeBase, base_url: str | None) -> None:
        self.current = current
        self.base_url = (base_url or "").rstrip("/")

    # plumbing

    def link(self, path: str) -> str:
        """A reader path (``/treaties/x#art-4``) as the assistant should show it."""
        return self.base_url + path

    def reader(self, treaty_id: str, article: str | None = None) -> str:
        return self.link(reader_url(treaty_id, article))

    async def call(self, work: Callable[[KnowledgeBase], T]) -> T:
        """``work`` on the version current now, on a worker thread: the event loop keeps
        serving other requests while SQLite, numpy or the model work."""

        def leased() -> T:  # the version stays open until the work is done, whatever builds run
            with self.current.lease() as kb:
                return work(kb)

        return await anyio.to_thread.run_sync(leased)

    async def run(self, work: Callable[[KnowledgeBase], T], rename: Mapping[str, str] | None = None) -> T:
        """``call``, with a refused argument as a ``ToolError`` naming the tool's own
        parameter (``rename`` maps kb's names to it)."""
        try:
            return await self.call(work)
        except (QueryError, NotFound) as exc:
            param = (rename or {}).get(exc.param, exc.param)
            raise ToolError(f"{param}: {exc.message}") from None
        except KbUnavailable as exc:
            raise ToolError(f"the knowledge base is unavailable: {exc}") from None

    # tools

    async def search_provisions(
        self,
        q: Annotated[
            str,
            Field(
                description="Words to find, in Kazakh, any inflection (e.g. 'құпия ақпаратқа' finds 'құпия ақпарат'). "
                'Also "exact phrases", OR, -excluded words and filters treaty:ID, year:2017, type:CLAUSE_TYPE, article:N.'
            ),
        ],
        mode: Annotated[
            Literal["keyword", "semantic", "hybrid"] | None,
            Field(description="keyword (words), semantic (meaning) or hybrid (both; the default when the knowledge base has vectors)."),
        ] = None,
        treaty: TreatyId = None,
        clause_type: ClauseType = None,
        limit: Limit = 10,
        group: Annotated[
            Literal["article"] | None, Field(description="'article': one hit per article (its best provision).")
        ] = None,
        cursor: Cursor = None,
    ) -> SearchAnswer:
        """Search the provisions (articles, paragraphs, points) of every treaty, best first. Each hit has a
        snippet, its citation and a link; open the whole article with get_article."""
        found = await self.run(
            lambda kb: search(kb, q, mode=mode, treaty=treaty, type=clause_type, limit=limit, group=group, cursor=cursor),
            {"type": "clause_type"},
        )
        return SearchAnswer(
            total=found.total,
            mode=found.mode,
            hits=[
                slim(ProvisionHit, h, url=self.reader(h.treaty_id, h.article), snippet=_plain_snippet(h.snippet), score=round(h.score, 4))
                for h in found.hits
            ],
            next_cursor=found.next_cursor,
        )

    async def get_article(
        self,
        treaty_id: Annotated[str, Field(description="The treaty's id, e.g. '2017-kupiia-akparatty-ozara-korgau' (list_treaties).")],
        num: Annotated[str, Field(description="The article number as the treaty numbers it, e.g. '4' for 4-бап.")],
    ) -> ArticleAnswer:
        """One article of a treaty, its whole text (up to 4,000 characters) with its heading and citation."""
        article = await self.run(lambda kb: kb.get_article(treaty_id, num))
        long = len(article.text) > ARTICLE_CHARS
        return slim(
            ArticleAnswer, article, url=self.reader(treaty_id, article.num),
            text=trim(article.text, ARTICLE_CHARS) if long else article.text, truncated=long,
        )

    async def get_definitions(
        self,
        treaty: TreatyId = None,
        term: Annotated[
            str | None,
            Field(
                description="A defined term in Kazakh in any inflection ('құпия ақпаратқа'), or its Russian or English "
                "label ('секретная информация', 'classified information')."
            ),
        ] = None,
        concept: Annotated[
            str | None, Field(description="A concept id or label, e.g. 'classified-information' or 'құпия ақпарат'.")
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> DefinitionsAnswer:
        """The terms the treaties define and their definitions, in corpus order, filtered by treaty, term or
        concept. Compare one concept across treaties with compare_concept."""

        def work(kb: KnowledgeBase) -> Page[DefinitionItem]:
            return list_definitions(kb, treaty=treaty, term=term, concept=concept, limit=limit, cursor=cursor)

        page = await self.run(work)
        return DefinitionsAnswer(
            total=page.total,
            items=[slim(DefinitionOut, d, url=self.link(d.url), definition=trim(d.definition)) for d in page.items],
            next_cursor=page.next_cursor,
        )

    async def get_obligations(
        self,
        treaty: TreatyId = None,
        actor: Annotated[
            str | None, Field(description="Who is bound, any inflection: 'Тараптар', 'тарап', 'құзыретті орган'.")
        ] = None,
        modality: Annotated[
            Literal["obligation", "permission", "prohibition"] | None,
            Field(description="obligation (must), permission (may) or prohibition (must not)."),
        ] = None,
        has_deadline: Annotated[bool | None, Field(description="true: only those with a time limit; false: only those without.")] = None,
        clause_type: ClauseType = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> ObligationsAnswer:
        """Obligations, permissions and prohibitions the treaties set, with who is bound, on what condition and
        by when, filtered by treaty, actor, modality, deadline and clause type."""
        page = await self.run(
            lambda kb: list_obligations(
                kb, treaty=treaty, actor=actor, modality=modality, has_deadline=has_deadline,
                clause_type=clause_type, limit=limit, cursor=cursor,
            ),
            {"type": "clause_type"},
        )
        return ObligationsAnswer(
            total=page.total,
            items=[
                slim(
                    ObligationOut, o, url=self.link(o.url), text=trim(o.text), deadline=_deadline(o.deadline),
                    condition=trim(o.condition, 200) if o.condition else None,
                )
                for o in page.items
            ],
            next_cursor=page.next_cursor,
        )

    async def compare_clauses(
        self,
        clause_type: Annotated[
            str,
            Field(description="The clause type to compare, e.g. 'dispute_resolution', 'withdrawal', 'entry_into_force', 'amendments'."),
        ],
        treaties: Annotated[
            list[str] | None, Field(max_length=50, description="Treaty ids to compare, in order (default: every treaty with such an article).")
        ] = None,
        baseline: Annotated[str | None, Field(description="The treaty id whose article the others are redlined against.")] = None,
        baseline_text: Annotated[
            str | None, Field(max_length=MAX_DRAFT, description="Or a pasted clause (Kazakh) as the baseline.")
        ] = None,
        draft: Annotated[
            str | None,
            Field(max_length=MAX_DRAFT, description="A draft clause (Kazakh) to redline against the baseline; needs baseline or baseline_text."),
        ] = None,
    ) -> ClausesAnswer:
        """Each treaty's article of one clause type side by side, with the attributes negotiators compare
        (dispute methods, notice periods, …) and, given a baseline, a redline of each against it."""

        def work(kb: KnowledgeBase) -> ClauseComparison:
            try:
                return kb_compare_clauses(
                    kb, clause_type, treaties=None if treaties is None else tuple(treaties), baseline=baseline,
                    baseline_text=baseline_text, draft=draft,
                )
            except QueryError as exc:
                if exc.param == "type":  # kb points to the docs; the assistant needs the ids
                    known = ", ".join(sorted(kb.clause_type_ids()))
                    raise QueryError(f"unknown clause type {clause_type[:40]!r}; this knowledge base has {known}", "type") from None
                raise

        compared = await self.run(work, {"type": "clause_type"})
        rows = [r for r in compared.rows if r.treaty_id != "draft"]
        drafted = next((r for r in compared.rows if r.treaty_id == "draft"), None)
        return ClausesAnswer(
            clause_type=compared.type,
            baseline=compared.baseline,
            rows=[
                slim(
                    ClauseOut, r, citation=citation(r.treaty_title, r.article), url=self.reader(r.treaty_id, r.article),
                    text=trim(r.text), changes=_changes(r.redline),
                )
                for r in rows
            ],
            draft=None
            if drafted is None or drafted.redline is None
            else DraftOut(text=trim(drafted.text), changes=_changes(drafted.redline) or ""),
        )

    async def compare_concept(
        self,
        term: Annotated[
            str,
            Field(
                description="The concept: a Kazakh term in any inflection ('құпия ақпаратқа'), its Russian or English "
                "label ('classified information'), or its id ('classified-information')."
            ),
        ],
        baseline: Annotated[str | None, Field(description="The treaty id whose definition the others are redlined against (default: the first).")] = None,
        baseline_text: Annotated[
            str | None, Field(max_length=MAX_DRAFT, description="Or a pasted definition (Kazakh) as the baseline.")
        ] = None,
    ) -> ConceptAnswer:
        """How each treaty defines one concept, side by side: the definition, where the treaty uses the term,
        and whether it drifts from the baseline in substance or only in wording."""
        compared = await self.run(lambda kb: kb_compare_concept(kb, term, baseline=baseline, baseline_text=baseline_text))
        return ConceptAnswer(
            concept_id=compared.concept.id,
            label=compared.concept.label,
            labels=dict(compared.concept.labels),
            baseline=compared.baseline,
            drift=compared.drift,
            rows=[
                slim(
                    ConceptRowOut, r, citation=citation(r.treaty_title, r.article), url=self.reader(r.treaty_id, r.article),
                    definition=trim(r.definition), changes=_changes(r.redline), used_in=r.used_in[:30],
                )
                for r in compared.rows
            ],
        )

    async def find_similar(
        self,
        text: Annotated[
            str,
            Field(max_length=MAX_DRAFT, description="A draft clause in Kazakh, up to 4,000 characters, e.g. a dispute clause: "
                  "'Осы Келісімді түсіндіру немесе қолдану кезінде туындайтын даулар Тараптар арасындағы консультациялар мен келіссөздер арқылы шешіледі.'"),
        ],
        limit: Annotated[int, Field(ge=1, le=10, description="How many provisions, 1 to 10.")] = 5,
        treaty: TreatyId = None,
        clause_type: ClauseType = None,
    ) -> SimilarAnswer:
        """The provisions of the treaties most like a draft clause, best first, each with why: the words they
        share (by lemma), the clause types both are of, and the vector similarity."""
        found = await self.run(
            lambda kb: kb_find_similar(kb, text, limit=limit, treaty=treaty, clause_type=clause_type), {"type": "clause_type"}
        )
        return SimilarAnswer(
            draft_types=list(found.draft_types),
            hits=[
                slim(
                    SimilarOut, h, url=self.link(h.url), text=trim(h.text), score=round(h.score, 4),
                    shared_terms=h.reason.shared_terms[:MAX_TERMS], same_type=h.reason.same_type,
                    vector_score=h.reason.vector_score,
                )
                for h in found.hits
            ],
        )

    async def list_treaties(self) -> TreatiesAnswer:
        """Every treaty of the knowledge base, in corpus order: id, title, signing, entry into force, the
        approving act and how many articles. Use an id as `treaty` in the other tools."""
        treaties = await self.run(lambda kb: kb.list_treaties())
        return TreatiesAnswer(
            treaties=[
                slim(
                    TreatyOut, t, citation=" ".join(t.title.split()), title=" ".join(t.title.split()), url=self.reader(t.id),
                    signed=_signed(t.signed),
                    approval=_approval(t.approval), resource=f"treaty://{t.id}",
                )
                for t in treaties
            ]
        )

    # resources

    async def treaty_resource(self, treaty_id: str) -> str:
        """One treaty as Markdown: title, parties, dates, approving act, and its articles with headings and links."""
        try:
            treaty = await self.call(lambda kb: kb.get_treaty(treaty_id))
        except NotFound:
            raise ResourceNotFoundError(f"no treaty with treaty_id={treaty_id!r}; list_treaties lists them") from None
        except KbUnavailable as exc:
            raise ResourceError(f"the knowledge base is unavailable: {exc}") from None
        title = " ".join(treaty.title.split())
        lines = [f"# {title}", "", f"- id: `{treaty.id}`", f"- reader: {self.reader(treaty.id)}"]
        if treaty.draft:
            lines.append("- status: draft")
        if treaty.parties:
            lines.append("- parties: " + "; ".join(" ".join(p.split()) for p in treaty.parties))
        if _signed(treaty.signed):
            lines.append(f"- signed: {_signed(treaty.signed)}")
        if treaty.entry_into_force_date:
            lines.append(f"- entry into force: {treaty.entry_into_force_date}")
        if treaty.approval:
            lines.append(f"- approved by: {_approval(treaty.approval)}")
        lines += ["", f"## Articles ({len(treaty.articles)})", ""]
        for article in treaty.articles:
            heading = f" {' '.join(article.heading.split())}" if article.heading else ""
            lines.append(f"- [{article.num}-бап]({self.reader(treaty.id, article.num)}){heading}")
        return "\n".join(lines) + "\n"

    async def treaty_resources(self) -> list[Resource]:
        """Each treaty as a listed resource (none while no version is built)."""
        try:
            treaties = await self.call(lambda kb: kb.list_treaties())
        except KbUnavailable:
            return []
        return [
            Resource(
                uri=f"treaty://{t.id}",
                name=t.id,
                title=trim(t.title, 200),
                description="The treaty's parties, dates and article list.",
                mime_type="text/markdown",
            )
            for t in treaties
        ]


TOOL_NAMES = (
    "search_provisions",
    "get_article",
    "get_definitions",
    "get_obligations",
    "compare_clauses",
    "compare_concept",
    "find_similar",
    "list_treaties",
)


class KelisimServer(MCPServer):
    """``MCPServer`` whose resource listing holds every treaty of the version current at
    the request (a static registration would miss a rebuild)."""

    def __init__(self, tools: KnowledgeTools) -> None:
        super().__init__(SERVER_NAME, title="Kelisim", instructions=INSTRUCTIONS, version=_version(), log_level="WARNING")
        self.knowledge = tools

    async def list_resources(self) -> list[Resource]:
        return [*await super().list_resources(), *await self.knowledge.treaty_resources()]


def create_server(kb: Path | str | CurrentKnowledgeBase, *, base_url: str | None = None) -> KelisimServer:
    """The MCP server over the knowledge base at ``kb`` (a root folder, or the app's own
    ``CurrentKnowledgeBase`` so both share one open version). ``base_url`` (default
    ``$KELISIM_BASE_URL``) makes the links absolute."""
    current = kb if isinstance(kb, CurrentKnowledgeBase) else CurrentKnowledgeBase(Path(kb))
    tools = KnowledgeTools(current, base_url if base_url is not None else os.environ.get(BASE_URL_ENV))
    server = KelisimServer(tools)
    for name in TOOL_NAMES:
        tool = getattr(tools, name)
        server.add_tool(
            tool, title=name.replace("_", " ").capitalize(), description=inspect.cleandoc(tool.__doc__ or ""),
            annotations=READ_ONLY, structured_output=True,
        )
    server.resource("treaty://{treaty_id}", name="treaty", title="A treaty", mime_type="text/markdown")(tools.treaty_resource)
    return server


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kelisim")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"


# -- the transports --------------------------------------------------------------------------


def run_stdio(kb_root: Path, *, base_url: str | None = None) -> int:
    """Serve over stdin/stdout until the client closes them. The SDK points fd 1 at
    stderr while it serves, so a stray print cannot corrupt the protocol."""
    create_server(kb_root, base_url=base_url).run("stdio")
    return 0


LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def transport_security(base_url: str | None = None, hosts: Sequence[str] = ()) -> TransportSecuritySettings:
    """DNS-rebinding protection: only a loopback Host (any port), the host of
    ``base_url`` and ``hosts`` are served, and a browser Origin only from those. Without
    it a web page could make a visitor's browser call the tools of a local server."""
    allowed = [*LOOPBACK, *hosts]
    if base_url:
        allowed.append(urlsplit(base_url).netloc)
    names = [h for host in allowed for h in (host, f"{host}:*")]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=names,
        allowed_origins=[f"{scheme}://{h}" for scheme in ("http", "https") for h in names],
    )


@dataclass(frozen=True)
class HttpMount:
    """What ``api.app`` adds to the Litestar app: the route handler mounted at ``/mcp``
    and the lifespan that runs the SDK's session manager while the app runs."""

    handler: ASGIRouteHandler
    lifespan: Callable[[object], AbstractAsyncContextManager[None]]


def http_mount(
    kb: Path | str | CurrentKnowledgeBase, *, path: str = "/mcp", base_url: str | None = None, hosts: Sequence[str] = ()
) -> HttpMount:
    """The server over streamable HTTP for a Litestar app: stateless, answered in JSON.

    A session manager runs once, so each start of the app's lifespan makes a fresh one
    (a test client may start an app twice); until it runs, the mount answers 503."""
    base = base_url if base_url is not None else os.environ.get(BASE_URL_ENV)
    server = create_server(kb, base_url=base)
    security = transport_security(base, hosts)
    running: dict[str, StreamableHTTPSessionManager] = {}

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        server.streamable_http_app(stateless_http=True, json_response=True, transport_security=security)
        manager = server.session_manager
        async with manager.run():
            running["manager"] = manager
            try:
                yield
            finally:
                running.pop("manager", None)

    @asgi(path, is_mount=True, copy_scope=True)  # an ASGI mount is never in the OpenAPI schema
    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        manager = running.get("manager")
        if manager is None:
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"the MCP server is not running"})
            return
        await manager.handle_request(scope, receive, send)

    return HttpMount(handler=mcp_endpoint, lifespan=lifespan)


__all__ = ["TOOL_NAMES", "HttpMount", "KelisimServer", "KnowledgeTools", "create_server", "http_mount", "run_stdio", "transport_security"]
