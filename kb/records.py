"""The shapes ``kb.store`` answers with: small frozen msgspec Structs, like the ingest
models, so the API can return them as they are and Litestar can describe them in the
OpenAPI schema."""

from __future__ import annotations

import msgspec

from ingest.model import PointKind, Signed


class ApprovalRef(msgspec.Struct, frozen=True, kw_only=True):
    """The approving act, reduced to how it is cited: "Постановление … № 123"."""

    type: str
    number: str | None
    date: str | None


class TreatySummary(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the treaty list."""

    id: str
    title: str
    draft: bool
    approval: ApprovalRef | None
    signed: Signed | None
    entry_into_force_date: str | None
    article_count: int


class PointRecord(msgspec.Struct, frozen=True, kw_only=True):
    num: str | None
    kind: PointKind
    text: str


class ParagraphRecord(msgspec.Struct, frozen=True, kw_only=True):
    num: str | None
    text: str
    points: tuple[PointRecord, ...]


class ArticleRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One article with its paragraphs and points, and the string to cite it by."""

    treaty_id: str
    num: str
    heading: str | None
    implicit: bool
    text: str
    paragraphs: tuple[ParagraphRecord, ...]
    citation: str


class ConceptRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One concept of the knowledge base: an idea several treaties may define."""

    id: str
    label: str
    labels: dict[str, str]
    definitions: int
    """How many definitions name it."""


class DefinitionRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A definition as stored: its treaty, article, term and words, and its span in
    the treaty's repaired text (None when the parse could not place it)."""

    treaty_id: str
    article: str
    term: str
    definition: str
    concept_id: str | None
    span: tuple[int, int] | None


def citation(title: str, num: str) -> str:
    """``"<treaty title>, <num>-бап"``, the way Kazakh legal texts cite an article.
    Whitespace in the title (line breaks from the source) is collapsed."""
    return f"{' '.join(title.split())}, {num}-бап"


def reader_url(treaty_id: str, article: str | None = None) -> str:
    """The reader page of a treaty, at an article's anchor when given: the link every
    answer (API, MCP, reports) cites a provision by."""
    return f"/treaties/{treaty_id}" + (f"#art-{article}" if article else "")
