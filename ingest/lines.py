"""The repaired text as logical lines with their spans: what the structure step walks."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Alinea, Span


@dataclass(frozen=True, slots=True)
class Line:
    """One logical line of the repaired text (a paragraph, heading, item or header).

    ``text`` never holds the line end; blank lines have ``text == ""`` and table-cell
    separators ``text == "\\t"``: both are layout, not content.
    """

    index: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return self.text.strip() == ""

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def alinea(self) -> Alinea:
        return Alinea(text=self.text, span=self.span)


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        lines.append(Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def content(lines: list[Line]) -> list[Line]:
    """The lines that carry text."""
    return [ln for ln in lines if not ln.blank]


def span_of(lines: list[Line]) -> Span:
    """The span from the first to the last content line (empty at 0 when none)."""
    body = content(lines)
    if not body:
        return Span(lines[0].start, lines[0].start) if lines else Span(0, 0)
    return Span(body[0].start, body[-1].end)


def text_of(text: str, lines: list[Line]) -> str:
    span = span_of(lines)
    return text[span.start : span.end]
