"""What a search mode is, and the registry the search pipeline asks for one.

A mode is only its *scorer*: a function that gets a ``SearchRequest`` (the query as
typed and parsed, and the provisions the filters let through) and returns every
provision it finds with a score, as ``Found`` arrays. Filtering, ranking, one hit per
match, facets, paging and snippets are the pipeline's (``kb.search``), so a new scorer
gets all of them.

Why a module of its own: the modes live in different modules (``kb.keyword``,
``kb.hybrid``, which needs the embedding model and loads torch), and the pipeline must
not import the heavy ones to answer a keyword query. Each mode's module imports this
one and registers itself; the pipeline asks ``scorer_for(mode)``, which imports the
module that provides a mode (``PROVIDERS``) the first time it is asked for. Nothing
here imports a mode or the pipeline, so the imports run one way:
``kb.search`` → ``kb.modes`` ← ``kb.keyword`` / ``kb.hybrid``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from kb.errors import QueryError
from kb.query import Query

if TYPE_CHECKING:
    from kb.store import KnowledgeBase

MODES = ("keyword", "semantic", "hybrid")
PROVIDERS: dict[str, str] = {"keyword": "kb.keyword", "semantic": "kb.hybrid", "hybrid": "kb.hybrid"}
"""The module that registers each mode when imported."""
EMBEDDING_MODES = frozenset({"semantic", "hybrid"})
"""The modes that embed the query (``kb.hybrid``): a server runs their searches in
worker threads, so that concurrent ones share a forward pass (``api.offload``)."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What a scorer gets: the query as text (as typed, the filters taken out) and
    parsed, and the provisions the filters let through (a mask over provision numbers,
    None without filters). A scorer may use ``allowed`` to search within it; the
    pipeline applies it in any case."""

    text: str
    query: Query
    allowed: np.ndarray | None = None


class Found(NamedTuple):
    """What a scorer finds: provision numbers (``kb.provision_table``), each once, and
    their scores (higher is better; only the order matters)."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def from_mask(cls, found: np.ndarray, scores: np.ndarray) -> Found:
        docs = np.flatnonzero(found)
        return cls(docs, scores[docs])

    @classmethod
    def nothing(cls) -> Found:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0))


Scorer = Callable[["KnowledgeBase", SearchRequest], Found]
"""Every provision the mode finds, with a score."""

_SCORERS: dict[str, Scorer] = {}


def register_mode(mode: str, scorer: Scorer) -> None:
    """Make ``mode`` answer with ``scorer``; called by the mode's own module on import."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; add it to kb.modes.MODES and PROVIDERS first")
    _SCORERS[mode] = scorer


def scorer_for(mode: object) -> Scorer:
    """The scorer of ``mode``, its module imported on first use; ``QueryError`` naming
    ``mode`` for anything else."""
    if not isinstance(mode, str) or mode not in MODES:
        raise QueryError(f"unknown mode {str(mode)[:40]!r}: the modes are {', '.join(MODES)}", "mode")
    if mode not in _SCORERS:
        importlib.import_module(PROVIDERS[mode])
    scorer = _SCORERS.get(mode)
    if scorer is None:  # pragma: no cover - a provider that forgot to register
        raise QueryError(f"mode {mode!r} is not available", "mode")
    return scorer


def default_mode(kb: KnowledgeBase) -> str:
    """Hybrid when the version has its dense index, keyword otherwise: a knowledge base
    built with ``--no-vectors`` still answers."""
    return "hybrid" if kb.has_vectors() else "keyword"


__all__ = ["EMBEDDING_MODES", "MODES", "PROVIDERS", "Found", "Scorer", "SearchRequest", "default_mode", "register_mode", "scorer_for"]
