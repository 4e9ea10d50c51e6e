"""Shared helpers of the reference, clause-type and clause-attribute extractors.

- ``units(treaty)``: the running text of every article as (place, text, offset)
  pieces: one per alinea or point, so a match knows its article, paragraph and point;
- ``NUMBER_WORDS`` / ``QUANTITY``: numbers in digits, in words ("алты", "отыз") or
  both ("6 (алты) ай", "1 (бір айдан)"), with their unit (day, month, year);
  ``quantity(match)`` reads one with ``ingest.kk.lex_attrs.number_value``.

Everything keys on the language and the layout of the legal database, never on a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ingest.kk.lex_attrs import CARDINALS, ORDINALS, number_value
from ingest.model import Article, Paragraph, Place, Span, Treaty
from ingest.patterns import KkMatch, fold, kk_re


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of an article's running text and where it stands.

    ``start`` is the offset of ``text[0]`` in ``Treaty.text``, or None when the
    treaty's text does not hold the piece (a Treaty built by hand)."""

    place: Place
    text: str
    start: int | None

    def span(self, start: int, end: int) -> Span | None:
        return None if self.start is None else Span(self.start + start, self.start + end)


def _unit(treaty: Treaty, place: Place, text: str, span: Span | None) -> Unit:
    if span is not None and treaty.text[span.start : span.end] == text:
        return Unit(place, text, span.start)
    return Unit(place, text, None)


def article_units(treaty: Treaty, article: Article) -> Iterator[Unit]:
    """The alineas and points of one article, in text order."""
    if not article.paragraphs:
        yield _unit(treaty, Place(article=article.num), article.text, None)
        return
    for paragraph in article.paragraphs:
        yield from _paragraph_units(treaty, paragraph, article.num)


def _paragraph_units(treaty: Treaty, paragraph: Paragraph, article: str | None) -> Iterator[Unit]:
    """The alineas and points of one paragraph, in text order (the paragraph whole when
    it has neither)."""
    pieces: list[tuple[int, Unit]] = []
    for alinea in paragraph.alineas:
        place = Place(article=article, paragraph=paragraph.num)
        pieces.append((alinea.span.start, _unit(treaty, place, alinea.text, alinea.span)))
    for point in paragraph.points:
        place = Place(article=article, paragraph=paragraph.num, point=point.num)
        pieces.append((point.span.start, _unit(treaty, place, point.text, point.span)))
    if not pieces:
        place = Place(article=article, paragraph=paragraph.num)
        pieces.append((paragraph.span.start, _unit(treaty, place, paragraph.text, paragraph.span)))
    for _, unit in sorted(pieces, key=lambda p: p[0]):
        yield unit


def units(treaty: Treaty) -> Iterator[Unit]:
    """Every alinea and point of every article, or of the body's paragraphs in a text
    without articles (``Treaty.paragraphs``: their place names no article)."""
    for article in treaty.articles:
        yield from article_units(treaty, article)
    for paragraph in treaty.paragraphs:
        yield from _paragraph_units(treaty, paragraph, None)


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


CARDINAL_WORD = _alternation(CARDINALS)
ORDINAL_WORD = _alternation(ORDINALS)
# "алты", "жиырма бес", "үшінші", "отызыншы"
NUMBER_WORDS = rf"(?:(?:{CARDINAL_WORD})\s+){{0,3}}(?:{ORDINAL_WORD}|{CARDINAL_WORD})"

UNITS = {"ай": "month", "күн": "day", "тәулік": "day", "жыл": "year"}
"""Units of time: "тәулік" is a day counted as twenty-four hours ("отыз (30) тәулік")."""
_UNITS_FOLDED = {fold(word): name for word, name in UNITS.items()}
# the unit with the endings a quantity takes: "ай", "айдан", "айға", "күн", "күннен",
# "күні", "жылға", "жылдық" … and not "айқын", "күнделікті", "жылжымалы"
def _unit_re(name: str) -> str:
    return (
    rf"(?P<{name}>ай|күн|тәулік|жыл)"
    r"(?:дан|ден|нан|нен|ға|ге|да|де|дың|дің|нің|ы|і|ын|ін|ынан|інен|ында|інде|лық|лік|дық|дік|ына|іне)?"
    r"(?![а-яәғқңөұүһіё])"
    )
_UNIT_D, _UNIT_W, _UNIT_WD = _unit_re("unit"), _unit_re("wunit"), _unit_re("wdunit")
# "6 (алты) ай", "алты ай", and the words first with the digits after them in
# brackets: "отыз (30) тәулік", "бір жүз сексен (180) тәулік"; "30 (отыз) күнтізбелік
# күн" (calendar days)
QUANTITY = kk_re(
    rf"(?<![\w-])(?:"
    rf"(?P<digits>\d+)\s*(?:\((?P<paren>[^()\n]{{0,40}}?)\s*(?P<punit>ай|күн|тәулік|жыл)\w*\)|(?:\((?P<words2>[^()\n]{{0,40}})\)\s*)?(?:күнтізбелік\s+)?{_UNIT_D})"
    rf"|(?P<words3>{NUMBER_WORDS})\s*\(\s*(?P<digits3>\d+)\s*\)\s*{_UNIT_WD}"
    rf"|(?P<words>{NUMBER_WORDS})\s+{_UNIT_W}"
    rf")",
    re.IGNORECASE,
)


def quantity(match) -> tuple[int | None, str]:
    """(value, unit) of a ``QUANTITY`` match: digits first, else the words."""
    unit_word = fold((match.group("unit") or match.group("punit") or match.group("wunit") or match.group("wdunit") or "").lower())
    unit = _UNITS_FOLDED.get(unit_word, "")
    digits = match.group("digits") or match.group("digits3")
    if digits:
        return int(digits), unit
    return number_value(match.group("words") or ""), unit


def in_months(value: int | None, unit: str) -> int | None:
    """A notice period in months: months as they are, years × 12, whole 30-day months."""
    if value is None:
        return None
    if unit == "month":
        return value
    if unit == "year":
        return value * 12
    if unit == "day" and value % 30 == 0:
        return value // 30
    return None


# --- fast case-insensitive Kazakh patterns -------------------------------------------
#
# ``kk_re(..., re.IGNORECASE)`` folds the text on every call and matches case-blind
# Unicode, which is slow for the hundred cue patterns tried on every article. Here the
# text is lower-cased and folded once (the same length: every mapped character maps to
# one character) and the patterns, written in lower case, are folded the same way.

def _lower_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x400, 0x530)):
        lower = chr(code).lower()
        if len(lower) == 1:
            table[code] = fold(lower)
    return table


_TEXT_TABLE = _lower_fold_table()
_PATTERN_TABLE = {code: value for code, value in _TEXT_TABLE.items() if 0x400 <= code < 0x530}


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """Lower case and folded, same length: what ``lk_re`` patterns match on."""
    return text.translate(_TEXT_TABLE)


class LkPattern:
    """A lower-case Kazakh pattern matched case- and spelling-blind; matches hand back
    the original text's characters (``KkMatch``)."""

    __slots__ = ("pattern", "re")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.re = re.compile(pattern.translate(_PATTERN_TABLE), flags)

    def search(self, text: str, pos: int = 0) -> KkMatch | None:
        m = self.re.search(key(text), pos)
        return KkMatch(m, text) if m else None

    def match(self, text: str, pos: int = 0) -> KkMatch | None:
        m = self.re.match(key(text), pos)
        return KkMatch(m, text) if m else None

    def finditer(self, text: str) -> Iterator[KkMatch]:
        for m in self.re.finditer(key(text)):
            yield KkMatch(m, text)

    def count(self, text: str, limit: int) -> int:
        n = 0
        for _ in self.re.finditer(key(text)):
            n += 1
            if n >= limit:
                break
        return n


def lk_re(pattern: str, flags: int = 0) -> LkPattern:
    return LkPattern(pattern, flags)
