"""Walk a ``Treaty`` as a tree of leaves: the parts that own the text.

The parse promises that nothing is lost: every character of the repaired text
that is not white space belongs to exactly one leaf. ``coverage_gaps`` checks
that promise; the tests hold every parse to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.model import Span, Treaty


def leaves(treaty: Treaty) -> Iterator[tuple[str, Span]]:
    """Every leaf of the tree as ``(kind, span)``, in document order of parts."""
    for alinea in treaty.front_matter:
        yield "front_matter", alinea.span
    if treaty.approval:
        yield "approval", treaty.approval.span
    if treaty.title_span:
        yield "title", treaty.title_span
    for alinea in treaty.notes:
        yield "note", alinea.span
    for alinea in treaty.preamble:
        yield "preamble", alinea.span
    for division in treaty.divisions:
        yield division.kind, division.span
    for article in treaty.articles:
        if article.header_span:
            yield "article_header", article.header_span
        if article.heading_span:
            yield "article_heading", article.heading_span
        for paragraph in article.paragraphs:
            for alinea in paragraph.alineas:
                yield "alinea", alinea.span
            for point in paragraph.points:
                yield "point", point.span
    for paragraph in treaty.paragraphs:
        for alinea in paragraph.alineas:
            yield "alinea", alinea.span
        for point in paragraph.points:
            yield "point", point.span
    if treaty.closing:
        yield "closing", treaty.closing.span
    for alinea in treaty.signatures:
        yield "signature", alinea.span
    for annex in treaty.annexes:
        yield "annex", annex.span


def coverage_gaps(treaty: Treaty) -> list[str]:
    """What breaks the promise: overlapping leaves, and text that no leaf owns."""
    problems: list[str] = []
    owner = [0] * len(treaty.text)
    for kind, span in leaves(treaty):
        for i in range(span.start, min(span.end, len(owner))):
            owner[i] += 1
            if owner[i] == 2 and not treaty.text[i].isspace():
                problems.append(f"{kind} overlaps another leaf at {i}: {treaty.text[i:i + 30]!r}")
    i = 0
    text = treaty.text
    while i < len(text):
        if owner[i] == 0 and not text[i].isspace():
            j = i
            while j < len(text) and owner[j] == 0 and text[j] != "\n":
                j += 1
            problems.append(f"text owned by no part at {i}: {text[i:j][:60]!r}")
            i = j
        i += 1
    return problems
