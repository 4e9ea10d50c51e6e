"""What only a set of treaties can tell: which cited act is another treaty of the set,
and which definitions across treaties name one concept.

``link(treaties)`` is the step the bulk export and the knowledge-base build share:
a pure function of the parsed treaties, so a build and ``kelisim parse corpus`` agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from ingest.model import Concept, Definition, Reference, Signed, Treaty


class Linkable(msgspec.Struct, frozen=True, kw_only=True):
    """What ``link`` reads of a treaty, and nothing else: its id and title, when it was
    signed, what it cites, what it defines. A treaty's stored export decodes into this
    in a fraction of a full ``Treaty``'s time, so an incremental build links thousands
    of unchanged treaties without reading them whole; ``link`` treats it exactly as the
    treaty it stands for (it reads these fields only and replaces ``references``)."""

    id: str
    title: str
    signed: Signed | None = None
    references: tuple[Reference, ...] = ()
    definitions: tuple[Definition, ...] = ()


def linkable(treaty: Treaty) -> Linkable:
    """The part of ``treaty`` that linking reads."""
    return Linkable(id=treaty.id, title=treaty.title, signed=treaty.signed, references=treaty.references, definitions=treaty.definitions)


def link(treaties: Sequence[Treaty]) -> tuple[tuple[Treaty, ...], tuple[Concept, ...]]:
    """The treaties with their external references resolved within the set, and the
    concept registry of all their definitions."""
    from ingest.extract.concepts import registry

    linked = tuple(resolve_references(t, treaties) for t in treaties)
    return linked, registry(linked)


_WORD = re.compile(r"[^\W\d_]{4,}")


def _words(text: str | None) -> set[str]:
    from ingest.kk.morphology import lemma

    return {lemma(w) for w in _WORD.findall(text or "")}


def resolve_references(treaty: Treaty, corpus: Sequence[Treaty]) -> Treaty:
    """Point each dated external reference at the treaty of ``corpus`` it cites: same
    signing date, and most of the cited title's words (as lemmas) in that treaty's
    title. A date alone is not enough: one day sees many acts signed."""
    by_date: dict[str, list[Treaty]] = {}
    for other in corpus:
        if other.signed and other.signed.date and other.id != treaty.id:
            by_date.setdefault(other.signed.date, []).append(other)
    if not by_date or not treaty.references:
        return treaty
    resolved: list[Reference] = []
    changed = False
    for ref in treaty.references:
        target = None
        if ref.kind == "external" and ref.date in by_date:
            cited = _words(ref.title)
            for other in by_date[ref.date]:
                if cited and len(cited & _words(other.title)) >= max(1, int(0.6 * len(cited))):
                    target = other.id
                    break
        if target != ref.treaty:
            ref = msgspec.structs.replace(ref, treaty=target)
            changed = True
        resolved.append(ref)
    return msgspec.structs.replace(treaty, references=tuple(resolved)) if changed else treaty
