"""Definitions: the terms a treaty defines, each with its definition and place.

Kazakh agreements define their terms in a list under an introducing sentence
("Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді:", "… мынадай мағынада
қолданылады:", "… терминдер мен анықтамалар пайдаланылады:") or under an article
heading ("Ұғымдардың анықтамасы"). Each item is "term – definition", the term
bare or quoted ("…", «…»), the dash an en dash or a spaced hyphen, the item
numbered ("1)", "а)"), dashed or unmarked. The extraction damage can move a quoted
term into the middle of its definition (`– билік органдарының қызметін бұзу,
"ыдыратушылық ақпараттық ықпал ету" …`); the repair step moves it back, and what it
misses is read here. Some treaties write a definition as a sentence with no dash, the
term its subject and the definition the object of "білдіреді" ("2. Инвестор …
тұлғаларын білдіреді."), or name the term inside an introducing sentence ('"сот
шешімдері" деген термин мыналарды білдіреді:').

How each line reads is the ``kk_definitions`` spaCy component's work
(``ingest.extract.definition_spans``): every article is a Doc of the extraction's
pipeline (``ingest.extract.docs``, shared with the other extractors), and the component
writes its items, terms (with their definitions) and introducing sentences to
``doc.spans``. This
module decides which of those are the treaty's definitions, from what a Doc does not
know: the article's heading and its paragraphs, and builds the ``Definition`` models,
the spans moved back onto the treaty text.

Precision counts as much as recall, so an item is read as a definition only in a
definition context: after an introducing sentence or under a defining heading, or,
with no such context, as one of at least two sibling items with a quoted term and a
long definition; a bare subject ("Инвестор … білдіреді") only in a context. A term
the item itself calls a term before a colon ('"X" термині:', '… "X" деген термин
мыналарды білдіреді:') is its own context. A list shaped like definitions but not one ("Қазақстан Тарапынан –
Қазақстан Республикасының Ұлттық қауіпсіздік комитеті;", who the competent
authorities are) has no context and its "terms" are not in the nominative, so it
is left alone. A term defined by reference ("… келісімде белгіленген мағынада
қолданылады") is a reference, not a definition, and is not emitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from ingest.extract.concepts import concept_id
from ingest.extract.definition_spans import (
    ANNOUNCED,
    DISPLACED,
    INTROS_KEY,
    ITEMS_KEY,
    NAMED,
    SPANS_KEY,
    SUBJECT,
    Reading,
)
from ingest.model import Article, Definition, Paragraph, Span, Treaty
from ingest.patterns import kk_re

MIN_LOOSE_DEFINITION_WORDS = 5
"""Without a context only a long definition (after a quoted term) is believed."""

# a defining heading: "Ұғымдардың анықтамасы", "Терминдер", "Анықтамалар" (but an
# "анықтама" alone is also a certificate: "Анықтамалар беру тәртібі" defines nothing)
_HEADING = kk_re(r"(?:ұғым|термин|^\s*(?:негізгі\s+)?анықтамалар\s*\.?\s*$)", re.IGNORECASE)
_TRAILING_GLUE = kk_re(r"[;,][ \t]*(?:және|немесе|сондай-ақ)[ \t]*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SELF_NAMED = frozenset({ANNOUNCED, NAMED})


@dataclass(frozen=True, slots=True)
class _Term:
    """One term the component read in an item, in treaty offsets."""

    term: str
    start: int
    end: int
    reading: Reading
    shape: str


@dataclass(frozen=True, slots=True)
class _Segment:
    """One item of a paragraph (a block, or a piece of one between semicolons), in
    treaty offsets, with the terms it defines (most: none)."""

    text: str
    start: int  # offset of ``text[0]`` in ``Treaty.text``
    paragraph: str | None
    point: str | None
    terms: tuple[_Term, ...]


@dataclass(frozen=True, slots=True)
class _ArticleReading:
    """What the component found in one article's text, in treaty offsets."""

    items: tuple[tuple[int, int], ...]
    terms: tuple[_Term, ...]
    intros: tuple[tuple[int, int], ...]


def find_definitions(treaty: Treaty) -> tuple[Definition, ...]:
    """Every term the treaty's articles define, in text order, each with its concept.

    A term defined twice (a list repeated in an annex, a damaged duplicate) is kept
    once, at its first place.
    """
    found: list[Definition] = []
    seen: set[str] = set()
    articles = [a for a in treaty.articles if a.paragraphs]
    for article, reading in zip(articles, _read_articles(articles), strict=True):
        for definition in _article_definitions(article, reading):
            key = _SPACES.sub(" ", definition.term).lower()
            if key not in seen:
                seen.add(key)
                found.append(definition)
    return tuple(found)


def _read_articles(articles: Sequence[Article]) -> Iterator[_ArticleReading]:
    """What ``kk_definitions`` wrote to each article's Doc (the extraction's shared Doc,
    ``ingest.extract.docs``), its spans moved to treaty offsets (an article's text is
    the treaty's text from its first paragraph on)."""
    from ingest.extract.docs import text_docs

    for article, doc in zip(articles, text_docs([a.text for a in articles]), strict=True):
        yield _article_reading(doc, article.paragraphs[0].span.start)


def _article_reading(doc: Doc, offset: int) -> _ArticleReading:
    terms = []
    for span in doc.spans.get(SPANS_KEY, ()):
        reading: Reading = span._.definition
        moved = Reading(reading.definition, reading.item_start + offset, reading.item_end + offset, reading.quoted)
        terms.append(_Term(span.text, span.start_char + offset, span.end_char + offset, moved, span.label_))
    return _ArticleReading(
        items=tuple((s.start_char + offset, s.end_char + offset) for s in doc.spans.get(ITEMS_KEY, ())),
        terms=tuple(terms),
        intros=tuple((s.start_char + offset, s.end_char + offset) for s in doc.spans.get(INTROS_KEY, ())),
    )


def _article_definitions(article: Article, reading: _ArticleReading) -> Iterator[Definition]:
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
        segments, introduced = _paragraph_segments(paragraph, reading)
        opened = introduced == "definitions"
        in_context = opened or ((defining_heading or carried) and introduced != "other")
        emitted = list(_definitions(article, segments, loose=not in_context))
        yield from emitted
        carried = (carried or opened) and bool(emitted or (opened and not segments))


def _paragraph_segments(paragraph: Paragraph, reading: _ArticleReading) -> tuple[list[_Segment], str | None]:
    """The paragraph's items and what introduced the last list in it: "definitions"
    (an introducing sentence), "other" (a block ending in a colon that introduces
    something else) or None. Only what follows the last introduction is a candidate."""
    blocks = sorted((*paragraph.alineas, *paragraph.points), key=lambda b: b.span.start)
    segments: list[_Segment] = []
    introduced: str | None = None
    for block in blocks:
        point = getattr(block, "num", None)
        lo, hi = block.span.start, block.span.end
        if any(lo <= s < hi for s, _ in reading.intros):
            introduced = "definitions"
            segments = []  # what stood before the introduction is not part of its list
        mine = [(s, e) for s, e in reading.items if lo <= s < hi]
        terms = [t for t in reading.terms if lo <= t.reading.item_start < hi]
        if block.text.rstrip().endswith(":") and not terms and not any(lo <= s < hi for s, _ in reading.intros):
            introduced = "other"
            segments = []
            continue
        for s, e in mine:
            text = paragraph.text[s - paragraph.span.start : e - paragraph.span.start]
            own = tuple(t for t in terms if t.reading.item_start == s)
            segments.append(_Segment(text, s, paragraph.num, point, own))
    return [s for s in segments if s.text.strip()], introduced


def _definitions(article: Article, segments: list[_Segment], *, loose: bool) -> Iterator[Definition]:
    """Definitions from a paragraph's items. ``loose``: no context, so only quoted
    terms in their place with long definitions, and only when at least two siblings
    agree; a bare subject ("Инвестор … білдіреді") needs a context always. A term the
    item itself calls a term before a colon ('"X" термині:', '… "X" деген термин
    мыналарды білдіреді:') is its own context."""
    if loose:
        agreeing = sum(1 for s in segments if any(_loose_ok(t) for t in s.terms)) >= 2
        segments = [_keep(s, lambda t: t.shape in _SELF_NAMED or (agreeing and _loose_ok(t))) for s in segments]
    pending: tuple[_Segment, list[_Segment]] | None = None
    for segment in segments:
        if pending and _takes(pending, segment):
            pending[1].append(segment)  # an announced term's definition, or sub-points
            continue
        if not segment.terms:
            continue
        if pending and _complete(pending):
            yield from _emit(article, *pending)
        pending = (segment, [])
    if pending and _complete(pending):
        yield from _emit(article, *pending)


def _keep(segment: _Segment, ok: Callable[[_Term], bool]) -> _Segment:
    """The segment with only the terms ``ok`` keeps."""
    terms = tuple(t for t in segment.terms if ok(t))
    return segment if terms == segment.terms else _Segment(segment.text, segment.start, segment.paragraph, segment.point, terms)


def _takes(pending: tuple[_Segment, list[_Segment]], segment: _Segment) -> bool:
    """Whether the segment continues the pending definition: the definition of a term
    announced with a colon (its first line, then the list points that go on after
    a ";"), or a sub-point of a definition that ends in ":"."""
    head, tail = pending
    definition = head.terms[0].reading.definition.rstrip()
    if not definition:
        if not tail:
            return True
        return not segment.terms and tail[-1].text.rstrip().endswith(";")
    return not segment.terms and definition.endswith(":")


def _complete(pending: tuple[_Segment, list[_Segment]]) -> bool:
    """Whether the pending term has a definition: its own words, or lines it took."""
    head, tail = pending
    return bool(head.terms[0].reading.definition.strip() or tail)


def _loose_ok(term: _Term) -> bool:
    """Whether a term reads as a definition with no context: a quoted term in its
    place before the dash, and a long definition."""
    return term.reading.quoted and term.shape not in (DISPLACED, SUBJECT) and len(_clean_definition(term.reading.definition).split()) >= MIN_LOOSE_DEFINITION_WORDS


def _emit(article: Article, segment: _Segment, tail: list[_Segment]) -> Iterator[Definition]:
    """The models of a segment's terms (several when quoted terms share a definition):
    the definition is the item's own words and the lines it took; the span runs from
    the item to the last of them."""
    end = tail[-1] if tail else segment
    for term in segment.terms:
        text = " ".join(t for t in [term.reading.definition, *(s.text for s in tail)] if t)
        yield Definition(
            term=term.term,
            definition=_clean_definition(text),
            article=article.num,
            concept=concept_id(term.term),
            span=Span(segment.start, end.start + len(end.text)),
            term_span=Span(term.start, term.end),
            paragraph=segment.paragraph,
            point=segment.point,
        )


def _clean_definition(text: str) -> str:
    """The definition as one line, without the list's glue: a trailing ";" or ".",
    a trailing "; және" before the last item."""
    text = _SPACES.sub(" ", text).strip()
    text = _TRAILING_GLUE.sub("", text)
    return text.rstrip(" ;.,")
