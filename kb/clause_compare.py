"""Clause comparison: for one clause type, each treaty's article side by side with the
attributes negotiators compare above it, redlined against a baseline.

The baseline is a treaty of the knowledge base (its article of that type) or a clause
the user pastes (a draft on the table). Paragraphs are aligned by their number when
both texts number them, otherwise the articles are compared whole; numbering never
counts as a change (``kb.redline``'s ``ignore_numbering``).

Attributes are the parse export's ``clauses`` fields as the build stored them
(``dispute_resolution``: methods, escalation, obligations_continue; ``withdrawal``:
notice_months, survival …); a type without stored attributes has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.concepts import Evidence, evidence
from kb.errors import NotFound, QueryError
from kb.records import ArticleRecord
from kb.redline import Redline, redline
from kb.store import KnowledgeBase


@dataclass(frozen=True, slots=True)
class ClauseRow:
    treaty_id: str
    treaty_title: str
    article: str
    heading: str | None
    attributes: dict[str, Any]
    """The stored clause attributes of this type ({} when none were extracted)."""
    text: str
    evidence: Evidence
    redline: Redline | None
    """Against the baseline; None for the baseline itself."""


@dataclass(frozen=True, slots=True)
class ClauseComparison:
    version: str
    type: str
    baseline: str
    """The treaty id of the baseline article, "text" for a pasted clause, "" for none."""
    baseline_text: str
    rows: tuple[ClauseRow, ...]


def _articles_of_type(kb: KnowledgeBase, clause_type: str) -> dict[str, str]:
    """Treaty id → the article of that type: the one its clause attributes cite, else
    the first article typed so."""
    out: dict[str, str] = {}
    for treaty_id, article in kb.clause_articles(clause_type):
        out.setdefault(treaty_id, article)
    return out


def _as_fields(stored: Any) -> dict[str, Any]:
    """Stored attributes as named fields: the classification-level table, stored as a
    list of levels, is the field ``levels``."""
    if stored is None:
        return {}
    return stored if isinstance(stored, dict) else {"levels": stored}


def _paragraph_texts(article: ArticleRecord) -> dict[str, str] | None:
    numbered = {p.num: p.text for p in article.paragraphs if p.num}
    return numbered if numbered and len(numbered) == len(article.paragraphs) else None


def article_redline(old: ArticleRecord | str, new: ArticleRecord) -> Redline:
    """``new`` against ``old``: paragraph by paragraph when both number them alike,
    else whole."""
    if isinstance(old, ArticleRecord):
        a, b = _paragraph_texts(old), _paragraph_texts(new)
        if a is not None and b is not None:
            edits = []
            for num in dict.fromkeys([*a, *b]):
                part = redline(a.get(num, ""), b.get(num, ""), ignore_numbering=True)
                if edits and part.edits:
                    edits.append(type(part.edits[0])("equal", "\n"))
                edits.extend(part.edits)
            return Redline(tuple(edits))
        old = old.text
    return redline(old, new.text, ignore_numbering=True)


def compare_clauses(
    kb: KnowledgeBase,
    clause_type: str,
    *,
    treaties: tuple[str, ...] | None = None,
    baseline: str | None = None,
    baseline_text: str | None = None,
    draft: str | None = None,
) -> ClauseComparison:
    """Each treaty's article of ``clause_type`` with its attributes, redlined against
    ``baseline`` (a treaty id) or ``baseline_text`` (a pasted clause). A ``draft`` (a
    clause on the table) comes last, as row ``"draft"``, redlined against the baseline
    treaty: what the draft inserts shows as inserted."""
    if clause_type not in kb.clause_type_ids():
        raise QueryError(f"unknown clause type {clause_type[:40]!r}: see GET /api/v1/search facets or docs/clause-types.md", "type")
    chosen = _articles_of_type(kb, clause_type)
    wanted = tuple(chosen) if treaties is None else treaties
    for treaty_id in wanted:
        if not kb.has_treaty(treaty_id):
            raise NotFound("treaties", treaty_id, f"no treaty with treaty_id={treaty_id!r}")
    titles = kb.treaty_titles()
    base: ArticleRecord | str | None = None
    base_id, base_words = "", ""
    if baseline_text is not None:
        base_words = " ".join(baseline_text.split())
        if not base_words:
            raise QueryError("the pasted baseline clause is empty", "baseline_text")
        base, base_id = base_words, "text"
    elif baseline is not None:
        if baseline not in chosen:
            raise NotFound("baseline", baseline, f"treaty {baseline!r} has no article of type {clause_type!r}")
        base = kb.get_article(baseline, chosen[baseline])
        base_id, base_words = baseline, base.text
    rows = []
    attributes = kb.clause_attributes(clause_type)
    for treaty_id in wanted:
        if treaty_id not in chosen:
            continue
        article = kb.get_article(treaty_id, chosen[treaty_id])
        shown = None
        if base is not None and base_id != treaty_id:
            shown = article_redline(base, article)
        rows.append(
            ClauseRow(
                treaty_id=treaty_id,
                treaty_title=" ".join(titles.get(treaty_id, "").split()),
                article=article.num,
                heading=article.heading,
                attributes=_as_fields(attributes.get(treaty_id)),
                text=article.text,
                evidence=_article_evidence(kb, treaty_id, article.num, article.text),
                redline=shown,
            )
        )
    if draft is not None:
        words = " ".join(draft.split())
        if not words:
            raise QueryError("the draft clause is empty", "draft")
        if base is None:
            raise QueryError("a draft is compared with a baseline: give baseline (a treaty id) or baseline_text", "baseline")
        old = base.text if isinstance(base, ArticleRecord) else base
        rows.append(
            ClauseRow(
                treaty_id="draft", treaty_title="", article="", heading=None, attributes={}, text=words,
                evidence=Evidence("draft", "", words, None, None, ""), redline=redline(old, words, ignore_numbering=True),
            )
        )
    return ClauseComparison(kb.version, clause_type, base_id, base_words, tuple(rows))


def _article_evidence(kb: KnowledgeBase, treaty_id: str, num: str, text: str) -> Evidence:
    return evidence(kb, treaty_id, num, kb.article_span(treaty_id, num), text)


__all__ = ["ClauseComparison", "ClauseRow", "article_redline", "compare_clauses"]
