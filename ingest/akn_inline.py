"""Inline semantics in the Akoma Ntoso body: defined terms and references.

After ``ingest.akn`` has laid out the structure, this pass marks, inside the text of
each article, the terms the article defines (``<def refersTo="#concept">``) and the
references it makes (``<ref href="…">``), and lists the concepts in the metadata as
``TLCConcept`` so ``refersTo`` has something to point at. It works on the finished
tree, so the structural code stays free of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from ingest.model import Reference, Target, Treaty

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
_YEAR_ID = re.compile(r"^(\d{4})-(.+)$")


def concept_elements(treaty: Treaty, maker: object) -> list[etree._Element]:
    """One ``TLCConcept`` per concept the treaty's definitions name."""
    seen: dict[str, str] = {}
    for d in treaty.definitions:
        if d.concept and d.concept not in seen:
            seen[d.concept] = d.term
    return [
        maker("TLCConcept", eId=_concept_eid(cid), href=f"/ontology/concept/kelisim/{cid}", showAs=term)  # type: ignore[operator]
        for cid, term in sorted(seen.items())
    ]


def _concept_eid(concept: str) -> str:
    return "concept-" + re.sub(r"[^0-9A-Za-z_-]+", "-", concept).strip("-")


def href(ref: Reference) -> str:
    """Where a reference points: an eId of this document, another treaty's work URI,
    or, for an act the knowledge base does not hold, its date; with the part of that
    act it names, when it names one ("…/~art_5": an amending instrument's items)."""
    if ref.kind == "internal" and ref.to is not None:
        part = _part(ref.to)
        if part:
            return f"#{part}"
    return _external(ref.treaty, ref.date, ref.to)


def amended_href(amends: Reference | None, target: Target | None) -> str:
    """The part of the amended act an amendment acts on (its act alone when no part is
    named): a ``textualMod`` destination."""
    return _external(amends.treaty if amends else None, amends.date if amends else None, target)


def _external(treaty: str | None, date: str | None, to: Target | None) -> str:
    """Another act's work URI (a treaty the knowledge base holds, else its date), and
    the part named."""
    if treaty:
        match = _YEAR_ID.match(treaty)
        year, slug = (match.group(1), match.group(2)) if match else ("0000", treaty)
        work = f"/akn/kz/act/agreement/{year}/{slug}"
    else:
        work = f"/akn/kz/act/{date or 'unknown'}"
    part = _part(to) if to is not None else ""
    return f"{work}/~{part}" if part else work


def _part(to: Target) -> str:
    """The eId of a part (AKN naming convention): "att_1", "art_5__para_2"."""
    if to.annex:
        return f"att_{_token(to.annex)}"
    if to.article:
        target = f"art_{_token(to.article)}"
        if to.paragraph:
            target += f"__para_{_token(to.paragraph)}"
        return target
    return ""


def _token(value: str) -> str:
    """A number in an eId, as ``ingest.akn`` writes it: letters and digits, other runs as
    "-" ("5-1" stays "5-1", so a reference reaches the inserted article's eId)."""
    return re.sub(r"[\W_]+", "-", value).strip("-") or "x"


def annotate(root: etree._Element, treaty: Treaty, maker: object) -> None:
    """Mark defined terms and references inside each article of ``root`` (and the
    references of its preamble): each term where its definition opens, each reference
    once, where it stands."""
    marks: dict[str | None, list[_Mark]] = {}
    for d in treaty.definitions:
        if d.term:
            el = maker("def", refersTo=f"#{_concept_eid(d.concept)}") if d.concept else maker("term", refersTo="#kelisim")  # type: ignore[operator]
            marks.setdefault(d.article, []).append(_Mark(d.term, el, opening=True))
    for r in treaty.references:
        if r.text:
            marks.setdefault(r.source.article, []).append(_Mark(r.text, maker("ref", href=href(r))))  # type: ignore[operator]
    for preamble in root.iter(f"{AKN}preamble"):
        for p in list(preamble.iter(f"{AKN}p")):
            if len(p) == 0 and p.text and marks.get(None):
                _mark(p, marks[None])  # the acts the preamble cites
    for article in root.iter(f"{AKN}article"):
        num_el = article.find(f"{AKN}num")
        num = (num_el.text or "").removesuffix("-бап") if num_el is not None else ""
        todo = marks.get(num)
        if todo:
            for p in list(article.iter(f"{AKN}p")):
                if len(p) == 0 and p.text:
                    _mark(p, todo)


class _Mark:
    """A text to wrap once in a copy of ``template``; a definition's term only where
    its definition opens (within the first few characters of a line)."""

    __slots__ = ("needle", "template", "opening", "used")

    def __init__(self, needle: str, template: etree._Element, opening: bool = False) -> None:
        self.needle, self.template, self.opening, self.used = needle, template, opening, False


def _mark(p: etree._Element, marks: Iterable[_Mark]) -> None:
    text = p.text or ""
    found: list[tuple[int, int, _Mark]] = []
    for mark in marks:
        if mark.used:
            continue
        at = text.find(mark.needle)
        if at < 0 or (mark.opening and at > 3) or any(s < at + len(mark.needle) and at < e for s, e, _ in found):
            continue
        found.append((at, at + len(mark.needle), mark))
    if not found:
        return
    found.sort(key=lambda f: f[0])
    p.text = text[: found[0][0]]
    for i, (start, end, mark) in enumerate(found):
        mark.used = True
        el = etree.SubElement(p, mark.template.tag, dict(mark.template.attrib))
        el.text = text[start:end]
        el.tail = text[end : found[i + 1][0]] if i + 1 < len(found) else text[end:]
