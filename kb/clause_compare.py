"""Clause comparison: for one clause type, each treaty's article side by side with the
attributes negotiators compare above it, redlined against a baseline.

The baseline is a treaty of the knowledge base (its article of that type) or a clause
the user pastes (a draft on the table). Paragraphs are aligned by their number when
both texts number them alike, else by similarity of their words (``align_paragraphs``),
else the articles are compared whole; numbering never counts as a change
(``kb.redline``'s ``ignore_numbering``).

Attributes are the parse export's ``clauses`` fields as the build stored them
(``dispute_resolution``: methods, escalation, obligations_continue; ``withdrawal``:
notice_months, survival …); a type without stored attributes has none.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kb.concepts import Evidence, evidence
from kb.errors import NotFound, QueryError
from kb.records import ArticleRecord
from kb.redline import Edit, Redline, normalise, redline
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


def _as_fields(stored: Any) -> dict[str, Any]:
    """Stored attributes as named fields: the classification-level table, stored as a
    list of levels, is the field ``levels``."""
    if stored is None:
        return {}
    return stored if isinstance(stored, dict) else {"levels": stored}


def _paragraph_texts(article: ArticleRecord) -> dict[str, str] | None:
    numbered = {p.num: p.text for p in article.paragraphs if p.num}
    return numbered if numbered and len(numbered) == len(article.paragraphs) else None


SIMILAR = 0.3
"""Two paragraphs are the same paragraph, reworded, from this share of their words in
common, in order (``difflib``'s ratio over words)."""


def align_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """Pairs of paragraphs in order, matched by their words where their numbers do not
    match them: the alignment with the greatest total similarity that keeps both
    orders (a small dynamic programme; an article has a few paragraphs). A paragraph
    with no partner similar enough stands alone: inserted or deleted whole."""
    words_old, words_new = [normalise(t).split() for t in old], [normalise(t).split() for t in new]
    score = [[difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() for b in words_new] for a in words_old]
    n, m = len(old), len(new)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + score[i][j] if score[i][j] >= SIMILAR else -1.0
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    out: list[tuple[str | None, str | None]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] >= SIMILAR and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            out.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((old[i], None))
            i += 1
        else:
            out.append((None, new[j]))
            j += 1
    out += [(t, None) for t in old[i:]] + [(None, t) for t in new[j:]]
    return out


def _joined(parts: Sequence[Redline]) -> Redline:
    edits: list[Edit] = []
    for part in parts:
        if edits and part.edits:
            edits.append(Edit("equal", "\n"))
        edits.extend(part.edits)
    return Redline(tuple(edits))


def article_redline(old: ArticleRecord | str, new: ArticleRecord) -> Redline:
    """``new`` against ``old``: paragraph by paragraph, matched by number when both
    number them alike, else by their words when both have several; whole otherwise."""
    if isinstance(old, ArticleRecord):
        a, b = _paragraph_texts(old), _paragraph_texts(new)
        if a is not None and b is not None and set(a) == set(b):
            return _joined([redline(a[num], b[num], ignore_numbering=True) for num in a])
        if len(old.paragraphs) > 1 and len(new.paragraphs) > 1:
            pairs = align_paragraphs([p.text for p in old.paragraphs], [p.text for p in new.paragraphs])
            return _joined([redline(x or "", y or "", ignore_numbering=True) for x, y in pairs])
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
    chosen = kb.clause_articles(clause_type)
    titles = kb.treaty_titles()
    wanted = tuple(chosen) if treaties is None else treaties
    for treaty_id in wanted:
        if treaty_id not in titles:
            raise NotFound("treaties", treaty_id, f"no treaty with treaty_id={treaty_id!r}")
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
                evidence=evidence(kb, treaty_id, article.num, kb.article_span(treaty_id, article.num), article.text),
                redline=shown,
            )
        )
    if draft is not None:
        words = " ".join(draft.split())
        if not words:
            raise QueryError("the draft clause is empty", "draft")
        if base is None:
            raise QueryError("a draft is compared with a baseline: give baseline (a treaty id) or baseline_text", "baseline")
        rows.append(
            ClauseRow(
                treaty_id="draft", treaty_title="", article="", heading=None, attributes={}, text=words,
                evidence=Evidence("draft", "", words, None, None, ""), redline=redline(base_words, words, ignore_numbering=True),
            )
        )
    return ClauseComparison(kb.version, clause_type, base_id, base_words, tuple(rows))


__all__ = ["ClauseComparison", "ClauseRow", "align_paragraphs", "article_redline", "compare_clauses"]
