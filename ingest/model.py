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

import bisect
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
    """A term the treaty defines, with its definition, where it stands, and the concept
    (shared across treaties) it names."""

    term: str
    definition: str
    article: str
    concept: str | None = None
    span: Span | None = None
    term_span: Span | None = None
    paragraph: str | None = None
    point: str | None = None


class Deadline(msgspec.Struct, frozen=True, kw_only=True):
    """A time limit: "30 күннен кешіктірмей" → 30 day; "дереу" → immediate."""

    value: int | None
    unit: Literal["day", "month", "year"] | None
    text: str
    immediate: bool = False


class Obligation(msgspec.Struct, frozen=True, kw_only=True):
    """A provision with a deontic modality: who must, may or must not do what, on what
    condition and by when. ``text`` is the whole provision it comes from. ``article``
    is "" in a text without articles (``Treaty.paragraphs``)."""

    article: str
    paragraph: str | None
    point: str | None
    modality: Literal["obligation", "permission", "prohibition"]
    actor: str | None
    text: str
    marker: str
    deadline: Deadline | None = None
    condition: str | None = None
    span: Span | None = None


class Place(msgspec.Struct, frozen=True, kw_only=True):
    """Where a reference stands in the treaty."""

    article: str | None
    paragraph: str | None = None
    point: str | None = None


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """The part a reference points at: of this treaty (internal), or of the act an
    external reference cites ("Келісімнің 5-бабы" in a protocol amending it)."""

    article: str | None = None
    paragraph: str | None = None
    point: str | None = None
    annex: str | None = None


class Reference(msgspec.Struct, frozen=True, kw_only=True):
    """A reference to a part of the same treaty (internal) or to another act (external:
    dated and titled; ``treaty`` is its id when the knowledge base holds it). An
    external reference has ``to`` when it names a part of that act: in an amending
    instrument, "Келісімнің 5-бабы" is article 5 of the act amended."""

    kind: Literal["internal", "external"]
    source: Place = msgspec.field(name="from")
    text: str
    to: Target | None = None
    date: str | None = None
    title: str | None = None
    treaty: str | None = None
    span: Span | None = None


AmendmentAction = Literal["replacement", "insertion", "substitution", "repeal"]


class Amendment(msgspec.Struct, frozen=True, kw_only=True):
    """One item of an amending instrument: what it does to which part of the act it
    amends (``Treaty.amends``).

    ``action``: "replacement" (the part "мынадай редакцияда жазылсын": restated),
    "insertion" (a new part or words "… толықтырылсын", "қосылады"), "substitution"
    (words "… деген сөздермен ауыстырылсын"), "repeal" ("алып тасталсын", "күші жойылды
    деп танылсын"); the names are Akoma Ntoso's ``textualMod`` types. ``target`` is the
    part of the amended act (an inserted article is the new one, "5-1"); None when the
    item names none the parser reads. ``text`` is the item, its quoted text included
    (the quoted text stays in the instrument's article: it is the amended act's text,
    never an article of the instrument); ``new_text`` the quoted text put in,
    ``old_text`` the quoted words taken out."""

    action: AmendmentAction
    source: Place = msgspec.field(name="from")
    target: Target | None
    text: str
    span: Span | None = None
    new_text: str | None = None
    old_text: str | None = None


class Escalation(msgspec.Struct, frozen=True, kw_only=True):
    forum: str | None
    after_months: int | None


class DisputeResolution(msgspec.Struct, frozen=True, kw_only=True):
    article: str
    methods: tuple[str, ...]
    escalation: Escalation | None
    obligations_continue: bool


class Withdrawal(msgspec.Struct, frozen=True, kw_only=True):
    article: str
    notice_months: int | None
    survival: bool


class EntryIntoForce(msgspec.Struct, frozen=True, kw_only=True):
    """``notification``: which written notification triggers entry into force: an
    ordinal (3 = the third), "last" or "all"."""

    article: str
    notification: int | str | None
    delay_days: int | None


class Duration(msgspec.Struct, frozen=True, kw_only=True):
    article: str
    indefinite: bool
    years: int | None = None
    renewal_years: int | None = None


class Amendments(msgspec.Struct, frozen=True, kw_only=True):
    article: str
    by_protocol: bool


class Expenses(msgspec.Struct, frozen=True, kw_only=True):
    article: str
    own_costs: bool


class Clauses(msgspec.Struct, frozen=True, kw_only=True):
    """The attributes negotiators compare, each citing its article."""

    dispute_resolution: DisputeResolution | None = None
    withdrawal: Withdrawal | None = None
    entry_into_force: EntryIntoForce | None = None
    duration: Duration | None = None
    amendments: Amendments | None = None
    expenses: Expenses | None = None
    classification_levels: tuple[dict[str, str], ...] = ()


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
    paragraphs: tuple[Paragraph, ...] = ()
    """The body of a text that has no articles (a letter agreement, an exchange of
    notes): its numbered paragraphs, as an article's would be. Empty when the text has
    articles: a body is one or the other, never both."""
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
    references: tuple[Reference, ...] = ()
    amends: Reference | None = None
    """The act this instrument amends (a protocol "… келісімге өзгерістер енгізу туралы",
    a letter "… келісімге түзетуге қатысты"), as it cites it: an external reference."""
    amendments: tuple[Amendment, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    clauses: Clauses = Clauses()
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
        runs = self.source_map
        if not runs:
            return pos
        i = bisect.bisect_right(runs, (pos, float("inf"), 0)) - 1
        if i < 0:
            return runs[0][1]
        start, source, length = runs[i]
        return source + min(pos - start, max(length - 1, 0))


class ConceptUse(msgspec.Struct, frozen=True, kw_only=True):
    treaty: str
    article: str
    term: str


class Concept(msgspec.Struct, frozen=True, kw_only=True):
    """One idea across treaties: the definitions that name it, with kk/ru/en labels."""

    id: str
    label: str
    labels: dict[str, str] = {}
    definitions: tuple[ConceptUse, ...] = ()


class ParseExport(msgspec.Struct, frozen=True, kw_only=True):
    """The whole ``kelisim parse --format json`` document."""

    treaties: tuple[Treaty, ...]
    concepts: tuple[Concept, ...] = ()
    errors: tuple[dict[str, str], ...] = ()
