"""The words of a text as search sees them, the same at indexing and at query time.

A provision is indexed as its tokens (``tokenize``): each word's offsets, its folded
form and its candidate lemmas; a query word is looked up by the same folded form
(``fold``) and the same lemmas (``lemmas_of``). Keeping both sides in this one module
is what makes "құпия ақпаратқа" find "құпия ақпарат": whatever changes here changes for
the index and the query together (a build then gives a new version).

Lemmas are the analyser's candidates (``ingest.kk.morphology.analyse``) plus the stems
``_related`` adds (the active verb of a passive, the verb of a verbal or agent noun,
the locative of an attributive), at most ``MAX_LEMMAS``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec

MAX_LEMMAS = 6
"""Lemmas kept per token (``analyse`` yields at most four, ``_related`` adds a few)."""

_JOINERS = "-\u2010\u2011"
_LETTER = r"[^\W_]"
_MARK = r"[\u0300-\u036f\u0483-\u0489]"
WORD_RE = re.compile(rf"{_LETTER}(?:{_LETTER}|{_MARK})*(?:[{_JOINERS}]{_LETTER}(?:{_LETTER}|{_MARK})*)*")
"""A word: letters and digits, hyphenated words kept whole ("іс-қимыл", "ҰҚШҰ-ға",
"16-бап"), as the Kazakh spaCy tokenizer keeps them; any other character separates."""

_JOIN_TO_HYPHEN = str.maketrans({"\u2010": "-", "\u2011": "-"})


class Token(NamedTuple):
    """A word of a text: its offsets in that text, its folded form and its lemmas."""

    start: int
    end: int
    surface: str
    lemmas: tuple[str, ...]


def clean(word: str) -> str:
    """NFC, and the hyphen look-alikes a word may be joined with made plain hyphens."""
    return unicodedata.normalize("NFC", word.translate(_JOIN_TO_HYPHEN))


def fold(word: str) -> str:
    """The form a word is indexed under (``provisions.surface``, the keyword index):
    lower case, Latin look-alikes inside a Cyrillic word made Cyrillic, "ё" as "е"
    (``ingest.kk.morphology.normalise``)."""
    from ingest.kk.morphology import normalise

    return normalise(clean(word)).lower()


@lru_cache(maxsize=200_000)
def lemmas_of(word: str) -> tuple[str, ...]:
    """The lemmas a word form is indexed and searched under, folded, best first, at most
    ``MAX_LEMMAS``; never empty (an unknown word stands for itself).

    First the analyser's candidates (``analyse``), then the stems they derive from
    where the derivation does not change what a provision is about (``_related``), so
    that "сақтау" finds "сақталады" and "жөніндегі" finds "жөнінде"."""
    from ingest.kk.morphology import analyse

    cleaned = clean(word)
    candidates = [f for f in dict.fromkeys(fold(lemma) for lemma in analyse(cleaned)) if f]
    out = list(dict.fromkeys([*candidates, *_related(fold(cleaned), candidates)]))
    return tuple(out[:MAX_LEMMAS]) or (fold(cleaned),)


_VOICE_MARGIN = 1.5
_VERBAL_NOUN_MARGIN = 3.0
_AGENT_SUFFIXES = ("ушы", "уші")
_ATTR_SHAPES = ("ғы", "гі")
_PRIVATIVE = ("сыз", "сіз")
"""-сыз/-сіз, "without": "рұқсатсыз" (without a permit), "кідіріссіз" (without delay),
"келісімінсіз" (without its consent) are about the permit, the delay, the consent."""


def _related(form: str, candidates: Sequence[str]) -> list[str]:
    """Stems a plain word's readings derive from, which the analyser ranks below its
    candidates: the active verb of a passive or reflexive one ("шешіледі" → "шеш"
    beside "шешіл"), the verb of a verbal noun ("шешу" → "шеш") or of an agent noun
    ("қатысушы" → "қатыс"), the locative behind an attributive ("жөніндегі" →
    "жөнінде"), and the noun a privative is made of ("рұқсатсыз" → "рұқсат"). Each
    needs a reading the lexicon confirms, close enough to the best."""
    if not form.isalpha():
        return []
    from ingest.kk.lexicon import load_lexicon
    from ingest.kk.morphology import analyses

    found = [a for a in analyses(form) if a.confirmed]
    out: list[str] = []
    if found:
        best = found[0].score
        for tag, margin in (("VOICE", _VOICE_MARGIN), ("VN", _VERBAL_NOUN_MARGIN)):
            for a in found:  # best first: the first fitting reading only
                if a.kind == "V" and a.endings[:1] == (tag,) and tag not in a.endings[1:] and a.score >= best - margin:
                    out.append(a.stem)
                    break
        if form.endswith(_ATTR_SHAPES) and any(a.endings[-1:] == ("ATTR",) for a in found):
            out.append(form[:-2])
    if form.endswith(_PRIVATIVE) and len(form) >= 6:
        base = [a for a in analyses(form[:-3]) if a.confirmed]
        if base:
            out.append(base[0].stem)
    verbal = load_lexicon().verbal
    for lemma in candidates:
        if lemma.endswith(_AGENT_SUFFIXES) and lemma[:-3] in verbal:
            out.append(lemma[:-3])
    return out


def tokenize(text: str) -> list[Token]:
    """Every word of ``text`` with its offsets, folded form and candidate lemmas."""
    return [Token(m.start(), m.end(), fold(m.group()), lemmas_of(m.group())) for m in WORD_RE.finditer(text)]


__all__ = ["MAX_LEMMAS", "WORD_RE", "Token", "clean", "fold", "lemmas_of", "tokenize"]


TOKENS_DEFLATE = 6


def pack_tokens(tokens: Sequence[Token]) -> bytes:
    """A provision's tokens as ``provisions.tokens`` stores them: JSON
    ``[[start, end, surface, [lemma, …]], …]``, deflated. Read for a page's hits only
    (highlights) and once by the build (the keyword postings), so the bytes matter
    more than the microseconds: deflated, the column takes about half."""
    return zlib.compress(msgspec.json.encode([[t.start, t.end, t.surface, list(t.lemmas)] for t in tokens]), TOKENS_DEFLATE)


def unpack_tokens(raw: bytes) -> list[list[Any]]:
    """``pack_tokens`` undone: ``[[start, end, surface, [lemma, …]], …]``."""
    return msgspec.json.decode(zlib.decompress(raw))  # type: ignore[no-any-return]
