"""The treaty profile: one treaty on a page, as a negotiator reads it before a meeting —
who the parties are, when it was signed, approved and entered into force, its final
clauses (the clause matrix's row), and what it obliges, permits and forbids, grouped by
who and how, with deadlines, each cited to its article.

Obligations are grouped by actor ("Тараптар", "құзыретті органдар", none named) and
modality (obligation, permission, prohibition), in treaty order within a group.
The store keeps no span for an obligation, so its evidence is the provision's words and
the article's anchor, without source offsets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kb.clause_matrix import Cell, clause_matrix
from kb.concepts import Evidence, evidence
from kb.errors import TreatyNotFound
from kb.store import KnowledgeBase

MODALITIES = ("obligation", "prohibition", "permission")


@dataclass(frozen=True, slots=True)
class Duty:
    article: str
    paragraph: str | None
    point: str | None
    text: str
    condition: str | None
    deadline: str | None
    """"30 day", "1 month", "immediately", or None."""
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class DutyGroup:
    actor: str | None
    modality: str
    duties: tuple[Duty, ...]


@dataclass(frozen=True, slots=True)
class TreatyProfile:
    version: str
    treaty_id: str
    title: str
    parties: tuple[str, ...]
    signed_date: str | None
    signed_place: str | None
    approval: str | None
    """The approving act as cited: "қаулы № 529, 2018-08-27"."""
    entry_into_force_date: str | None
    clauses: tuple[Cell, ...]
    duties: tuple[DutyGroup, ...]


def treaty_profile(kb: KnowledgeBase, treaty_id: str) -> TreatyProfile:
    if not kb.has_treaty(treaty_id):
        raise TreatyNotFound(treaty_id)
    treaty = kb.get_treaty(treaty_id)
    row = clause_matrix(kb, treaties=(treaty_id,)).rows[0]
    approval = None
    if treaty.approval is not None:
        a = treaty.approval
        approval = ", ".join(p for p in (a.type + (f" № {a.number}" if a.number else ""), a.date or "") if p)
    groups: dict[tuple[str | None, str], list[Duty]] = {}
    for o in kb.obligations(treaty_id):
        deadline = "immediately" if o["immediate"] else (f"{o['value']} {o['unit']}" if o["value"] is not None else None)
        duty = Duty(
            article=o["article"], paragraph=o["paragraph"], point=o["point"], text=o["text"], condition=o["condition"],
            deadline=deadline, evidence=evidence(kb, treaty_id, o["article"], None, o["text"]),
        )
        groups.setdefault((o["actor"], o["modality"]), []).append(duty)
    # actors with most kinds of duty first (a named actor before none), then by name; modalities in MODALITIES order
    kinds = Counter(actor for actor, _ in groups)
    order = sorted(groups, key=lambda k: (k[0] is None, -kinds[k[0]], k[0] or "", MODALITIES.index(k[1]) if k[1] in MODALITIES else len(MODALITIES)))
    return TreatyProfile(
        version=kb.version,
        treaty_id=treaty_id,
        title=" ".join(treaty.title.split()),
        parties=treaty.parties,
        signed_date=treaty.signed.date if treaty.signed else None,
        signed_place=treaty.signed.place if treaty.signed else None,
        approval=approval,
        entry_into_force_date=treaty.entry_into_force_date,
        clauses=row.cells,
        duties=tuple(DutyGroup(actor, modality, tuple(groups[(actor, modality)])) for actor, modality in order),
    )


__all__ = ["MODALITIES", "Duty", "DutyGroup", "TreatyProfile", "treaty_profile"]
