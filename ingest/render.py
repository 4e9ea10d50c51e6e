"""A ``Treaty`` as a clean reading text: the repaired document, laid out by its structure.

Useful to proof-read a parse against the source, and as the ``--format text``
export. Every part is labelled so a reader sees where the parser put it.
"""

from __future__ import annotations

from ingest.model import Paragraph, Span, Treaty


def render_text(treaty: Treaty) -> str:
    out: list[str] = []
    out.append(f"# {treaty.title}")
    out.append(f"id: {treaty.id}    source: {treaty.source}    draft: {'yes' if treaty.draft else 'no'}")
    if treaty.approval:
        a = treaty.approval
        out.append(f"approval: {a.type} № {a.number or '?'} of {a.date or '?'} by {a.issuer or '?'} ({a.action}), signed {a.signed_by or '?'}")
    if treaty.signed:
        out.append(f"signed: {treaty.signed.date or '?'} at {treaty.signed.place or '?'}")
    if treaty.entry_into_force_date:
        out.append(f"in force: {treaty.entry_into_force_date}")
    if treaty.parties:
        out.append("parties: " + "; ".join(treaty.parties))
    if treaty.amends:
        out.append(f"amends: {treaty.amends.title or treaty.amends.text} of {treaty.amends.date or '?'}")
    for warning in treaty.warnings:
        out.append(f"warning: {warning.message}")
    out.append("")
    for alinea in treaty.preamble:
        out.append(alinea.text)
    chapter = None
    quoted = [a.span for a in treaty.amendments if a.span is not None]
    for article in treaty.articles:
        if article.chapter and article.chapter != chapter:
            chapter = article.chapter
            division = next((d for d in treaty.divisions if d.kind == "chapter" and d.num == chapter), None)
            out.append("")
            out.append(f"## {chapter} тарау" + (f". {division.heading}" if division and division.heading else ""))
        out.append("")
        header = f"### {article.num}-бап" + (f". {article.heading}" if article.heading else "")
        if article.implicit:
            header += "  [header missing in the source]"
        out.append(header)
        for paragraph in article.paragraphs:
            out.extend(_paragraph(paragraph, quoted))
    if treaty.paragraphs:  # a text without articles: its body is its paragraphs
        out.append("")
        for paragraph in treaty.paragraphs:
            out.extend(_paragraph(paragraph, quoted))
    if treaty.closing:
        out.append("")
        out.append(treaty.closing.text)
    if treaty.signatures:
        out.append("")
        out.extend(s.text for s in treaty.signatures)
    for annex in treaty.annexes:
        out.append("")
        out.append(f"### {annex.num}-қосымша" + (f". {annex.title}" if annex.title else ""))
        if annex.text:
            out.append(annex.text.replace("\n\t\n", " | ").replace("\t", ""))
    return "\n".join(out) + "\n"


def _paragraph(paragraph: Paragraph, quoted: list[Span]) -> list[str]:
    """Alineas flush, points indented, and the text an amendment item quotes (a line
    inside an item's span, after its first) indented under the item."""

    def indent(start: int) -> str:
        return "        " if any(q.start < start < q.end for q in quoted) else ""

    items = sorted([(a.span.start, indent(a.span.start), a.text) for a in paragraph.alineas] + [(p.span.start, "    ", p.text) for p in paragraph.points])
    return [pad + text for _, pad, text in items]
