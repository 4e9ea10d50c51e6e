"""Definitions: the terms a treaty defines, each with its definition and place.

Kazakh agreements define their terms in a list under an introducing sentence
("Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді:", "… мынадай мағынада
қолданылады:", "… терминдер мен анықтамалар пайдаланылады:") or under an article
heading ("Ұғымдардың анықтамасы"). Each item is "term – definition", the term
bare or quoted ("…", «…»), the dash an en dash or a spaced hyphen, the item
numbered ("1)", "а)"), dashed or unmarked. The extraction damage can move a quoted
term into the middle of its definition (`– билік органдарының қызметін бұзу,
"ыдыратушылық ақпараттық ықпал ету" …`); the repair step moves it back, and what it
misses is read here.

Precision counts as much as recall, so an item is read as a definition only in a
definition context: after an introducing sentence or under a defining heading, or,
with no such context, as one of at least two sibling items with a quoted term and a
long definition. A list shaped like definitions but not one ("Қазақстан Тарапынан –
Қазақстан Республикасының Ұлттық қауіпсіздік комитеті;", who the competent
authorities are) has no context and its "terms" are not in the nominative, so it
is left alone. A term defined by reference ("… келісімде белгіленген мағынада
қолданылады") is a reference, not a definition, and is not emitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ingest.extract.concepts import concept_id
from ingest.kk.morphology import analyses, normalise
from ingest.model import Article, Definition, Paragraph, Span, Treaty
from ingest.patterns import kk_re

MAX_TERM_WORDS = 8
"""A defined term is a name, not a sentence: longer "terms" are running text."""

MIN_DEFINITION_WORDS = 2
"""In a definition context: "сұрау салынатын Тарап – сұрау салуды алған Тарап"."""

MIN_LOOSE_DEFINITION_WORDS = 5
"""Without a context only a long definition (after a quoted term) is believed."""

_OPEN = "\"«“„'"
_CLOSE = "\"»”“'"
_DASH = "–—‒−"  # en dash, em dash, figure dash, minus; the hyphen only when spaced

# "1)", "1.", "(1)", "а)", "–": an item's list label
_LABEL = kk_re(r"^[ \t]*(?:\(?\d{1,3}(?:\.\d{1,3})*[.)](?!\d)|\(?[а-яәғқңөұүһіa-z]\)|[–—‒−-](?=[ \t]|[^\W\d_]|[\"«“„]))[ \t]*")
_DASH_LABEL = re.compile(rf"^[ \t]*[{_DASH}-]")
# a word the treaty puts between the term and its dash: "… термині –", "… дегеніміз"
_MARKER = r"(?:[ \t]+(?P<marker>термині|ұғымы|сөзі|сөз тіркесі|дегеніміз|деген ұғым|деген термин))?"
_DEFINING_MARKER = kk_re(r"дегеніміз", re.IGNORECASE)  # defines with no dash after it
# a quoted term whose sentence ends in a verb of meaning defines it with no dash:
# '"үкім" … жазаны білдіреді;', '"Инвестор" … деп түсініледі.'
_MEANS = kk_re(r"(?:білдіреді|деп\s+түсініледі|деп\s+ұғынылады)\s*[.;,]?\s*(?:және|немесе)?\s*$", re.IGNORECASE)
# an aside between the term and its dash: "(бұдан әрі – ҚА)", "(ҰҚШҰ)"
_ASIDE = r"(?:[ \t]*\([^()\n]{1,80}\))?"
_SEP = rf"(?P<sep>[ \t]*[{_DASH}][ \t]*|[ \t]+-[ \t]*|-[ \t]+)"
# after a quoted term a colon separates too: '"X" термині: …', '"X": …'
_QUOTED_SEP = _SEP[:-1] + r"|[ \t]*:[ \t]*)"
_QUOTED = kk_re(
    rf"^[{_OPEN}](?P<term>[^{_OPEN}{_CLOSE}\n]{{1,200}}?)[{_CLOSE}]{_ASIDE}{_MARKER}(?:{_QUOTED_SEP}|[ \t]+)(?P<definition>\S.*)$",
    re.S,
)
# a bare term: no quotes, dashes (a hyphen only inside a word), colons or commas
_BARE = kk_re(
    rf"^(?P<term>[^\s{_OPEN}{_CLOSE}{_DASH}:;,()\-][^{_OPEN}{_CLOSE}{_DASH}:;,()\n]*?){_ASIDE}{_MARKER}{_SEP}(?P<definition>\S.*)$",
    re.S,
)
# a quoted term announced with a colon, its definition the next lines:
# '1. "Тасымалдаушы" термині:' ↵ 'Тараптардың бірінің … кәсіпорын.'
_ANNOUNCED = kk_re(rf"^[{_OPEN}](?P<term>[^{_OPEN}{_CLOSE}\n]{{1,200}}?)[{_CLOSE}]{_ASIDE}[ \t]+(?:термині|ұғымы|сөзі|сөз тіркесі)[ \t]*:[ \t]*$", re.S)
# the quoted term moved into its definition: "– definition start, "term" rest"
_DISPLACED = kk_re(rf"^(?P<before>[^{_OPEN}{_CLOSE}]*?)[ \t]*[{_OPEN}](?P<term>[^{_OPEN}{_CLOSE}\n]{{1,200}}?)[{_CLOSE}](?P<after>.*)$", re.S)

# an introducing sentence: names terms and says what they mean or how they are used
_TERM_WORD = kk_re(r"(?:термин|ұғым|анықтама|сөз тіркес)", re.IGNORECASE)
_MEANING_WORD = kk_re(r"(?:білдір|мағына|мән(?:де|і|ін)|қолданыл|пайдаланыл|түсінікте|түсіні|ұғынылады|айқындалады)", re.IGNORECASE)
_STRONG_INTRO = kk_re(r"(?:мақсаттары\s+үшін\s*$|мақсат(?:ын|тар)?ында\s*$|мынадай\s+мағына|мынадай\s+мәнде|мынаны\s+білдір|мыналарды\s+білдір|мынадай\s+(?:ұғымдар|терминдер)|төмендегі(?:дей)?\s+(?:ұғымдар|терминдер))", re.IGNORECASE)
# a defining heading: "Ұғымдардың анықтамасы", "Терминдер", "Анықтамалар" (but an
# "анықтама" alone is also a certificate: "Анықтамалар беру тәртібі" defines nothing)
_HEADING = kk_re(r"(?:ұғым|термин|^\s*(?:негізгі\s+)?анықтамалар\s*\.?\s*$)", re.IGNORECASE)
# a definition by reference to another act: not a definition of this treaty's own
_BY_REFERENCE = kk_re(
    r"(?:белгіленген|айқындалған|көзделген|берілген|бекітілген|пайдаланылатын|қолданылатын)\s+"
    r"(?:мағына|мән|ұғым)\w*(?:\s+(?:қолданыл|пайдаланыл|түсініл|ұғыныл)\w*)?\s*[.;]?\s*$",
    re.IGNORECASE,
)
# words no defined term starts with, contains or ends with: "осы Келісімде …",
# "терминдер …", "Қазақстан Республикасы үшін" (who, in a list of authorities)
_NOT_A_TERM = kk_re(
    r"(?:^(?:осы|бұл|мұндай|мыналар|сондай-ақ)\b|\bтермин|\bұғым(?:дар)?\b"
    r"|\b(?:үшін|бойынша|тарапынан|атынан|жағынан)$)",
    re.IGNORECASE,
)
_TRAILING_GLUE = kk_re(r"[;,][ \t]*(?:және|немесе|сондай-ақ)[ \t]*$", re.IGNORECASE)
_ITEM_BREAK = re.compile(r";[ \t\n]+")
_SPACES = re.compile(r"\s+")
_CASE_ENDINGS = frozenset({"ABL", "ABL_PX", "LOC_PX"})
_PROPER_CASE_ENDINGS = _CASE_ENDINGS | {"LOC"}  # "Қазақстанда –": a place, never a term


@dataclass(frozen=True, slots=True)
class _Segment:
    """A stretch of the treaty text that may hold one definition item."""

    text: str
    start: int  # offset of ``text[0]`` in ``Treaty.text``
    paragraph: str | None
    point: str | None


@dataclass(frozen=True, slots=True)
class _Item:
    """A segment read as "term – definition"."""

    term: str
    definition: str
    term_start: int  # offsets into the segment's text
    term_end: int
    quoted: bool
    displaced: bool = False


def find_definitions(treaty: Treaty) -> tuple[Definition, ...]:
    """Every term the treaty's articles define, in text order, each with its concept.

    A term defined twice (a list repeated in an annex, a damaged duplicate) is kept
    once, at its first place.
    """
    found: list[Definition] = []
    seen: set[str] = set()
    for article in treaty.articles:
        for definition in _article_definitions(article):
            key = _SPACES.sub(" ", definition.term).lower()
            if key not in seen:
                seen.add(key)
                found.append(definition)
    return tuple(found)


def _article_definitions(article: Article) -> Iterator[Definition]:
    """The definitions of one article, paragraph by paragraph.

    An introducing sentence opens the context for the rest of its paragraph; when its
    list goes on in the next paragraphs (numbered items parsed as paragraphs), the
    context goes on with it while they still read as definitions. A defining heading
    opens it for the whole article, except for a list another sentence introduces
    ("Құзыретті органдар мыналар:"): that list is the other sentence's.
    """
    defining_heading = bool(article.heading and _HEADING.search(article.heading))
    carried = False
    for paragraph in article.paragraphs:
        segments, introduced = _paragraph_segments(paragraph)
        opened = introduced == "definitions"
        in_context = opened or ((defining_heading or carried) and introduced != "other")
        items = [(segment, _read_item(segment.text)) for segment in segments]
        emitted = list(_definitions(article, items, loose=not in_context))
        yield from emitted
        carried = (carried or opened) and bool(emitted or (opened and not segments))


def _paragraph_segments(paragraph: Paragraph) -> tuple[list[_Segment], str | None]:
    """The paragraph's candidate items and what introduced the last list in it:
    "definitions" (an introducing sentence), "other" (a sentence ending in a colon
    that introduces something else) or None. Only what follows the last
    introduction is a candidate."""
    blocks = sorted((*paragraph.alineas, *paragraph.points), key=lambda b: b.span.start)
    segments: list[_Segment] = []
    introduced: str | None = None
    for block in blocks:
        point = getattr(block, "num", None)
        text, start = block.text, block.span.start
        intro_end = _intro_end(text)
        if intro_end is not None:
            introduced = "definitions"
            segments = []  # what stood before the introduction is not part of its list
            text, start = text[intro_end:], start + intro_end
        elif text.rstrip().endswith(":") and _read_item(text) is None:
            introduced = "other"
            segments = []
            continue
        segments.extend(_split_items(text, start, paragraph.num, point))
    return [s for s in segments if s.text.strip()], introduced


def _intro_end(text: str) -> int | None:
    """Where the list begins after an introducing sentence ("… мыналарды білдіреді:"),
    or None when the text does not introduce definitions."""
    for colon in (m.start() for m in re.finditer(":", text)):
        head = text[:colon]
        if _STRONG_INTRO.search(head) or (_TERM_WORD.search(head) and _MEANING_WORD.search(head)):
            return colon + 1
    return None


def _split_items(text: str, start: int, paragraph: str | None, point: str | None) -> Iterator[_Segment]:
    """Items run together in one block ("…; "term" – …; …") split at the semicolon
    before each further "term – definition"; a semicolon inside a definition stays."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _ITEM_BREAK.finditer(text):
        if _read_item(text[m.end():]) is not None:
            pieces.append((pos, m.start() + 1))
            pos = m.end()
    pieces.append((pos, len(text)))
    for a, b in pieces:
        lead = len(text[a:b]) - len(text[a:b].lstrip())
        yield _Segment(text[a + lead : b].rstrip(), start + a + lead, paragraph, point)


def _definitions(article: Article, items: list[tuple[_Segment, _Item | None]], *, loose: bool) -> Iterator[Definition]:
    """Definitions from a paragraph's items. ``loose``: no context, so only quoted
    terms with long definitions, and only when at least two siblings agree."""
    if loose:
        items = [(s, i if i and _loose_ok(i) else None) for s, i in items]
        if sum(1 for _, i in items if i) < 2:
            return
    pending: tuple[_Segment, _Item, list[_Segment]] | None = None
    for segment, item in items:
        if pending and not pending[1].definition and not pending[2]:
            pending[2].append(segment)  # the definition of a term announced with a colon
            continue
        if item is None:
            if pending and pending[1].definition.endswith(":"):
                pending[2].append(segment)  # sub-points of a definition ending in ":"
            continue
        if pending and (pending[1].definition or pending[2]):
            yield _definition(article, *pending)
        pending = (segment, item, [])
    if pending and (pending[1].definition or pending[2]):
        yield _definition(article, *pending)


def _loose_ok(item: _Item) -> bool:
    """Whether an item reads as a definition with no context: a quoted term in its
    place before the dash, and a long definition."""
    return item.quoted and not item.displaced and _words(item.definition) >= MIN_LOOSE_DEFINITION_WORDS


def _definition(article: Article, segment: _Segment, item: _Item, tail: list[_Segment]) -> Definition:
    text = " ".join(t for t in [item.definition, *(s.text for s in tail)] if t)
    end = tail[-1] if tail else segment
    return Definition(
        term=item.term,
        definition=_clean_definition(text),
        article=article.num,
        concept=concept_id(item.term),
        span=Span(segment.start, end.start + len(end.text)),
        term_span=Span(segment.start + item.term_start, segment.start + item.term_end),
        paragraph=segment.paragraph,
        point=segment.point,
    )


def _read_item(text: str) -> _Item | None:
    """``text`` read as one "term – definition" item, or None.

    Tried in turn: a quoted term before its dash; a bare term before its dash; a
    quoted term displaced into a dash item's definition.
    """
    label = _LABEL.match(text)
    offset = label.end() if label else 0
    body = text[offset:]
    for pattern, quoted in ((_QUOTED, True), (_BARE, False)):
        m = pattern.match(body)
        if not m:
            continue
        if not (
            m.group("sep")
            or _DEFINING_MARKER.fullmatch(m.group("marker") or "")
            or (quoted and _MEANS.search(m.group("definition")))
        ):
            continue  # a quoted phrase opening a sentence, not a term and its dash
        item = _item(m.group("term"), m.group("definition"), offset + m.start("term"), quoted)
        if item is not None:
            return item
    m = _ANNOUNCED.match(body)
    if m:
        term = m.group("term").strip()
        if term and _words(term) <= MAX_TERM_WORDS and not _NOT_A_TERM.search(term):
            start = offset + m.start("term") + len(m.group("term")) - len(m.group("term").lstrip())
            return _Item(term, "", start, start + len(term), True)  # its definition follows
        return None
    if _DASH_LABEL.match(text):
        m = _DISPLACED.match(body)
        if m and m.group("before").strip():
            definition = f"{m.group('before').strip()} {m.group('after').strip()}"
            item = _item(m.group("term"), definition, offset + m.start("term"), True)
            return replace(item, displaced=True) if item else None
    return None


def _item(raw_term: str, raw_definition: str, term_start: int, quoted: bool) -> _Item | None:
    """The item when its term looks like a defined name and its definition like a
    definition (not empty, not a pointer to another act's definition)."""
    lead = len(raw_term) - len(raw_term.lstrip())
    term = raw_term.strip()
    definition = _clean_definition(raw_definition)
    if not term or not any(ch.isalpha() for ch in term):
        return None
    if _words(term) > MAX_TERM_WORDS or _words(definition) < MIN_DEFINITION_WORDS:
        return None
    if _NOT_A_TERM.search(term) or _case_marked(term) or _BY_REFERENCE.search(definition):
        return None
    return _Item(term, definition, term_start + lead, term_start + lead + len(term), quoted)


def _case_marked(term: str) -> bool:
    """Whether the term's last word carries an ablative or locative ending
    ("Қазақстан Тарапынан"): a defined term stands in the nominative."""
    words = re.findall(r"[^\W\d_]+", term)
    if not words or len(words[-1]) < 5:
        return False
    found = analyses(normalise(words[-1]))
    endings = _PROPER_CASE_ENDINGS if words[-1][0].isupper() else _CASE_ENDINGS
    return bool(found and found[0].endings and found[0].endings[-1] in endings)


def _clean_definition(text: str) -> str:
    """The definition as one line, without the list's glue: a trailing ";" or ".",
    a trailing "; және" before the last item."""
    text = _SPACES.sub(" ", text).strip()
    text = _TRAILING_GLUE.sub("", text)
    return text.rstrip(" ;.,")


def _words(text: str) -> int:
    return len(text.split())
