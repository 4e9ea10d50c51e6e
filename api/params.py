"""Handler parameter types, declared the explicit way Litestar 2.23+ asks for (inferred
path parameters and dependencies are deprecated and go away in Litestar 3)."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import FromPath, QueryParameter

from kb.store import CurrentKnowledgeBase, KnowledgeBase

KB: TypeAlias = NamedDependency[KnowledgeBase]
"""The knowledge-base version current at this request (``api.app`` provides it)."""

Current: TypeAlias = NamedDependency[CurrentKnowledgeBase]
"""Whatever version is current, not yet opened (``/health`` reports on it)."""

EXAMPLE_TREATY = "2017-kupiia-akparatty-ozara-korgau"


def query(description: str, example: str | None = None, name: str | None = None) -> QueryParameter:
    """A query parameter's OpenAPI entry: what it accepts, and an example a client can
    try as it is (the schema is the API's documentation)."""
    examples = [Example(value=example)] if example is not None else None
    if name is None:
        return QueryParameter(description=description, examples=examples)
    return QueryParameter(name=name, description=description, examples=examples)


__all__ = ["EXAMPLE_TREATY", "KB", "Current", "FromPath", "query"]
