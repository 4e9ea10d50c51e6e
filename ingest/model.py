"""The structured treaty: frozen, typed models that every later layer reads.

The models are msgspec Structs so that one definition gives three things: an
immutable value (``frozen=True``), the JSON export (``msgspec.to_builtins``) and
the JSON Schema (``msgspec.json.schema``) that ``docs/parse.schema.json`` is
generated from. Field names follow ``docs/parse-json.md``; what the contract
does not name (spans, warnings, the closing formula) is added beside it.

Spans are half-open ``[start, end)`` character offsets into ``Treaty.text``,
the repaired text. ``Treaty.source_span`` maps a span back to the characters
of the decoded source file, so highlights and citations land on the source.
"""

from __future__ import annotations

from typing import Literal

import msgspec

ApprovalAction = Literal["approves", "ratifies", "authorises_signing", "other"]
PointKind = Literal["number", "letter", "dash", "item"]


class Span(msgspec.Struct, frozen=True, array_like=True):
    """A half-open character range ``[start, end)`` of the repaired text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


class Alinea(msgspec.Struct, frozen=True, kw_only=True):
    """An unnumbered block of running text: one logical line of the repaired text."""

    text: str
    span: Span


class Point(msgspec.Struct, frozen=True, kw_only=True):
    """A list item inside a paragraph: "1)", "а)", a dash item, or an unmarked item of a list
    introduced by a colon.

    ``num`` is the label as printed ("1", "а"), or null for dash and unmarked items;
    ``kind`` says which of the four it is.
    """

    num: str | None
    kind: PointKind
    text: str
    span: Span


class Paragraph(msgspec.Struct, frozen=True, kw_only=True):
    """A numbered paragraph "1." of an article, or the unnumbered text before the first one.

    ``alineas`` and ``points`` together tile the paragraph; their spans give their order
    (an intro before the points, a closing sentence after them).
    """

    num: str | None
    text: str
    span: Span
    alineas: tuple[Alinea, ...] = ()
    points: tuple[Point, ...] = ()


class Article(msgspec.Struct, frozen=True, kw_only=True):
    """An article "N-бап": its number, heading (only when the text has one) and paragraphs.

    ``implicit`` is true when the source lacks the article's header line (the first
    article after "төмендегілер туралы келісті:" in some texts); ``text`` is the body,
    without header or heading, as the contract asks.
    """

    num: str
    heading: str | None
    implicit: bool
    text: str
    span: Span
    header_span: Span | None
    heading_span: Span | None
    paragraphs: tuple[Paragraph, ...]
    chapter: str | None = None
    section: str | None = None
    clause_types: tuple[str, ...] = ()


class Division(msgspec.Struct, frozen=True, kw_only=True):
    """A chapter ("тарау") or section ("бөлім") heading above a run of articles."""

    kind: Literal["chapter", "section"]
    num: str
    heading: str | None
    span: Span
    articles: tuple[str, ...]


class Table(msgspec.Struct, frozen=True, kw_only=True):
    """A table of an annex (or article): rows of cell texts."""

    rows: tuple[tuple[str, ...], ...]
    span: Span


class Annex(msgspec.Struct, frozen=True, kw_only=True):
    """An annex "N-қосымша" with its caption, title, text and tables."""

    num: str
    title: str | None
    text: str
    span: Span
    caption: str | None = None
    tables: tuple[Table, ...] = ()


class Approval(msgspec.Struct, frozen=True, kw_only=True):
    """The Kazakh act that approves, ratifies or authorises signing of the agreement."""

    type: str
    number: str | None
    date: str | None
    issuer: str | None
    signed_by: str | None
    action: ApprovalAction
    title: str | None
    text: str
    span: Span


class Signed(msgspec.Struct, frozen=True, kw_only=True):
    """Where and when the agreement was signed, when the text says so."""

    date: str | None
    place: str | None


class Closing(msgspec.Struct, frozen=True, kw_only=True):
    """The closing formula: "… қаласында … екі данада жасалды …"."""

    text: str
    span: Span
    date: str | None = None
    place: str | None = None
    originals: int | None = None
    languages: tuple[str, ...] = ()
    prevailing: str | None = None
    depositary: str | None = None


class Warning(msgspec.Struct, frozen=True, kw_only=True):
    """Something a reader should know about the parse: a skipped article number, a
    guessed boundary. Never silently dropped."""

    code: str
    message: str
    span: Span | None = None


class Definition(msgspec.Struct, frozen=True, kw_only=True):
    term: str
    definition: str
    article: str
    concept: str | None = None
    span: Span | None = None


class Treaty(msgspec.Struct, frozen=True, kw_only=True):
    """One source file, parsed: the approving act, the agreement, and where each part is."""

    id: str
    sha256: str
    source: str
    encoding: str
    title: str
    draft: bool
    approval: Approval | None
    signed: Signed | None
    entry_into_force_date: str | None
    parties: tuple[str, ...]
    preamble: tuple[Alinea, ...]
    articles: tuple[Article, ...]
    divisions: tuple[Division, ...]
    annexes: tuple[Annex, ...]
    closing: Closing | None
    signatures: tuple[Alinea, ...]
    front_matter: tuple[Alinea, ...]
    title_span: Span | None
    depositary: str | None = None
    languages: tuple[str, ...] = ()
    notes: tuple[Alinea, ...] = ()
    definitions: tuple[Definition, ...] = ()
    warnings: tuple[Warning, ...] = ()
    text: str = ""
    source_map: tuple[tuple[int, int, int], ...] = ()

    def source_span(self, span: Span) -> Span:
        """Where ``span`` of the repaired text lies in the decoded source file.

        ``source_map`` holds runs ``(text_start, source_start, length)`` of characters
        that stand where they stood; a character a repair inserted maps to its neighbour.
        """
        return Span(self._source_offset(span.start), self._source_offset(max(span.end - 1, span.start)) + (1 if span.end > span.start else 0))

    def _source_offset(self, pos: int) -> int:
        import bisect

        runs = self.source_map
        if not runs:
            return pos
        i = bisect.bisect_right(runs, (pos, float("inf"), 0)) - 1
        if i < 0:
            return runs[0][1]
        start, source, length = runs[i]
        return source + min(pos - start, max(length - 1, 0))


class Concept(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    labels: dict[str, str] = {}
    definitions: tuple[dict[str, str], ...] = ()


class ParseExport(msgspec.Struct, frozen=True, kw_only=True):
    """The whole ``kelisim parse --format json`` document."""

    treaties: tuple[Treaty, ...]
    concepts: tuple[Concept, ...] = ()
    errors: tuple[dict[str, str], ...] = ()
