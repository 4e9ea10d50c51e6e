"""Handler parameter types, declared the explicit way Litestar 2.23+ asks for (inferred
path parameters and dependencies are deprecated and go away in Litestar 3)."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from litestar.params import FromPath

from kb.store import CurrentKnowledgeBase, KnowledgeBase

KB: TypeAlias = NamedDependency[KnowledgeBase]
"""The knowledge-base version current at this request (``api.app`` provides it)."""

Current: TypeAlias = NamedDependency[CurrentKnowledgeBase]
"""Whatever version is current, not yet opened (``/health`` reports on it)."""

__all__ = ["KB", "Current", "FromPath"]
