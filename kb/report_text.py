"""How a report writes what the comparison models hold: a value, a cell, a row's title,
the cover block, a profile's facts. Every renderer (``kb.compare_render``: Markdown,
HTML, CSV; ``kb.compare_office``: XLSX, DOCX; the web pages) reads these, so a value
reads the same in every format and a wording changes in one place.
"""

from __future__ import annotations

from typing import Any

from kb.clause_compare import ClauseComparison, ClauseRow
from kb.clause_matrix import Cell, ClauseMatrix
from kb.concepts import ConceptComparison
from kb.profile import Duty, DutyGroup, TreatyProfile

Comparison = ConceptComparison | ClauseComparison | ClauseMatrix | TreatyProfile


def show(value: Any) -> str:
    """A value as a reader writes it: lists with commas, yes/no, a dash for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)


def value_text(value: Any) -> str:
    """A clause value in a few words ("notice_months: 6; survival: yes"); the table of
    classification levels one "kk / ru / tk" per level."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(" / ".join(str(v) for v in level.values()) for level in value)
    return show(value)


def cell_text(cell: Cell) -> str:
    """A matrix cell: its value when found, else its status."""
    return value_text(cell.value) if cell.status == "found" else cell.status


def row_title(row: ClauseRow) -> str:
    return "Draft" if row.treaty_id == "draft" else f"{row.treaty_title}, {row.article}-бап"


def group_heading(group: DutyGroup) -> str:
    return f"{group.actor or 'no actor named'}: {group.modality} ({len(group.duties)})"


def duty_notes(duty: Duty) -> str:
    """"; deadline: 30 day; if: …", or ""."""
    return "".join(f"; {label}: {v}" for label, v in (("deadline", duty.deadline), ("if", duty.condition)) if v)


def profile_facts(model: TreatyProfile) -> list[tuple[str, str]]:
    """The profile's head: parties, signing, approval, entry into force ("—" when unknown)."""
    return [
        ("Parties", "; ".join(model.parties) or "—"),
        ("Signed", ", ".join(p for p in (model.signed_date, model.signed_place) if p) or "—"),
        ("Approved by", model.approval or "—"),
        ("In force since", model.entry_into_force_date or "—"),
    ]


def cover(model: Comparison) -> tuple[str, list[str], str]:
    """(title, the treaties compared, the baseline) of a report's cover block."""
    if isinstance(model, ClauseMatrix):
        return "Clause matrix", [r.treaty_title for r in model.rows], ""
    if isinstance(model, ConceptComparison):
        return f"Concept: {model.concept.label}", [r.treaty_title for r in model.rows], model.baseline
    if isinstance(model, ClauseComparison):
        return f"Clause comparison: {model.type}", [r.treaty_title or r.treaty_id for r in model.rows], model.baseline
    return model.title, [model.title], ""


__all__ = ["Comparison", "cell_text", "cover", "duty_notes", "group_heading", "profile_facts", "row_title", "show", "value_text"]
