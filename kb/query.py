"""The search query language: its own parser into a frozen AST.

The parser keeps only words (runs of letters and digits, hyphenated words whole, as
the Kazakh tokenizer keeps them, ``kb.tokens.WORD_RE``); brackets, ``*``, ``^``,
``NEAR(``, column filters such as ``lemmas:``, NUL and the like are punctuation to it,
never syntax, so no user text reaches an engine unparsed.

The language::

    құпия ақпаратқа            words: all must match (each in any inflection)
    "құпия ақпарат"            a phrase: the words in this order, next to each other
    ақпарат OR мәлімет         either (OR binds tighter than the implicit AND)
    -тарату  -"үшінші тарап"   exclusion of a word or a phrase
    treaty:ID  party:WORD  year:2017  year:2010-2018  type:clause_type  article:N

A filter may repeat: values of one filter are alternatives (``year:2011 year:2017``),
different filters all apply. ``AND`` is accepted and means nothing more than a space.

A filter is its name, a colon and its value, with no space between: only the five
names above are filters, so natural text is never refused for a colon ("Investment
agreement with Kyrgyzstan: how long …", "Дауларды шешу: …", "Article 5: …" are words),
and a filter name followed by a space ("Type: bilateral") is a word too. A filter name
glued to a value it cannot take (``year:20x``) is refused, naming the filter: that is a
typing mistake, not prose.

The modes that read a query as text (semantic, hybrid: ``parse_query(…, as_text=True)``)
take the filters out and keep everything else as words: quotes, ``OR`` and a leading
``-`` are the text's own there, not operators, and ``Query.text`` is the input with the
filters taken out, whole, for the embedding model.

A query word matches a token with the same folded form or a shared lemma
(``kb.tokens``); the keyword index (``kb.lexical``) evaluates a query, and
``kb.matching`` checks one provision's tokens against it (the oracle, and highlighting).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.patterns import article_number
from kb.errors import QueryError
from kb.tokens import WORD_RE, clean, fold, lemmas_of

MAX_QUERY_CHARS = 1000
MAX_WORDS = 32
MAX_CLAUSE_CHARS = 4000
MAX_CLAUSE_WORDS = 400
"""The bounds for the modes that read a query as text (semantic, hybrid): a drafting
tool pastes a whole draft clause to find the provisions most like it. Keyword search
requires every word, so a query that long could only find nothing there."""
FILTER_KEYS = ("treaty", "party", "year", "type", "article")
MAX_FILTER_VALUE = 200


# -- the AST ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """A word as typed (NFC, hyphens unified): its case matters to the analyser
    ("ТМД-ның" is an abbreviation with an ending)."""

    text: str

    @property
    def form(self) -> str:
        return fold(self.text)

    @property
    def lemmas(self) -> tuple[str, ...]:
        return lemmas_of(self.text)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Two or more words, in order, next to each other."""

    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``a OR b OR …``: any one of the terms."""

    terms: tuple[Word | Phrase, ...]


Term = Word | Phrase
Clause = Word | Phrase | AnyOf


@dataclass(frozen=True, slots=True)
class YearRange:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on where to search. Values of one field are alternatives; the
    fields all apply. ``article`` holds article numbers as printed ("4")."""

    treaty: tuple[str, ...] = ()
    party: tuple[str, ...] = ()
    year: tuple[YearRange, ...] = ()
    type: tuple[str, ...] = ()
    article: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.treaty, self.party, self.year, self.type, self.article))


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: clauses that must all match, terms that must not, filters."""

    clauses: tuple[Clause, ...]
    excluded: tuple[Term, ...] = ()
    filters: Filters = field(default_factory=Filters)
    text: str = field(default="", compare=False)
    """The input with the filters taken out (spaces where they stood, trimmed): what
    the modes that read a query as text embed."""

    def words(self) -> tuple[Word, ...]:
        """The words that must or may match (not the excluded ones), for highlighting."""
        out: list[Word] = []
        for clause in self.clauses:
            for term in clause.terms if isinstance(clause, AnyOf) else (clause,):
                out.extend(term.words if isinstance(term, Phrase) else (term,))
        return tuple(out)


# -- the parser -------------------------------------------------------------------------

_OPEN_QUOTES = '"«“„'
_CLOSE_QUOTES = '"»”“'
_FILTER_RE = re.compile(r"([A-Za-z_]+):(.*)\Z", re.S)
_YEAR_RE = re.compile(r"(\d{4})(?:\s*(?:-|–|\.\.)\s*(\d{4}))?\Z")
_TYPE_RE = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
_ARTICLE_RE = re.compile(r"(\d{1,4}(?:[.-]\d{1,3}|\s?[^\W\d_])?)(?:-?бап|\s+бабы)?\Z", re.I)
"""An article number, with its noun or without: "4", "4-бап", an inserted article "5-1",
"1А", "1 А бабы" (read as the parse numbers it, ``article_number``)."""
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufff0-\uffff]")
"""Control characters, lone surrogates (which a percent-decoded URL can produce and
SQLite cannot bind), BOMs and specials: read as spaces."""


def _words(text: str) -> tuple[Word, ...]:
    return tuple(Word(clean(m.group())) for m in WORD_RE.finditer(text))


def _term(words: tuple[Word, ...]) -> Term | None:
    if not words:
        return None
    return words[0] if len(words) == 1 else Phrase(words)


def term_of(text: str) -> Term | None:
    """A text as one query term: its only word, or its words as a phrase (None without
    a word): a glossary term in a question, a defined term in a treaty."""
    return _term(_words(text))


def check_length(text: object, param: str = "q", limit: int = MAX_QUERY_CHARS) -> str:
    if not isinstance(text, str):
        raise QueryError(f"{param} must be a string", param)
    if len(text) > limit:
        raise QueryError(f"{param} is longer than {limit:,} characters ({len(text):,})", param)
    return text


def parse_query(
    text: str, *, max_chars: int = MAX_QUERY_CHARS, max_words: int = MAX_WORDS, as_text: bool = False
) -> Query:
    """Parse a query string; ``QueryError`` (``param="q"``) for what is refused: an empty
    or over-long query, one with no searchable word, a filter with a value it cannot
    take. The bounds are keyword search's; the modes that read a query as text pass
    ``MAX_CLAUSE_CHARS``, ``MAX_CLAUSE_WORDS`` and ``as_text`` (no operators: every
    word a word of the text)."""
    text = check_length(text, limit=max_chars)
    if not text.strip():
        raise QueryError("q is empty: give a word to search for")
    text = _UNWANTED.sub(" ", text)
    clauses: list[list[Term]] = []  # each inner list: the alternatives of one clause
    excluded: list[Term] = []
    filters: dict[str, list[object]] = {k: [] for k in FILTER_KEYS}
    filter_spans: list[tuple[int, int]] = []
    operators = not as_text  # quotes, OR/AND and a leading "-" are syntax in the keyword mode only
    pending_or = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        negate = False
        if operators and ch == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            negate = True
            i += 1
            ch = text[i]
        if operators and ch in _OPEN_QUOTES:
            close = _find_close(text, i + 1)
            term = _term(_words(text[i + 1 : close]))
            i = close + 1
            _add(term, negate, clauses, excluded, pending_or)
            pending_or = False
            continue
        j = i
        while j < n and not text[j].isspace() and not (operators and text[j] in _OPEN_QUOTES):
            j += 1
        chunk = text[i:j]
        i = j
        if operators and not negate and chunk == "OR":
            pending_or = bool(clauses)
            continue
        if operators and not negate and chunk in ("AND", "&&"):
            continue
        m = _FILTER_RE.match(chunk)
        key = m.group(1).lower() if m else ""
        glued = m is not None and key in FILTER_KEYS and (m.group(2) != "" or (i < n and text[i] in _OPEN_QUOTES))
        if glued and negate:
            raise QueryError(f"q: a filter cannot be excluded (-{key}:); search without it instead")
        if glued and m is not None:
            value = m.group(2)
            opening = start + len(m.group(1)) + 1  # where the value starts (a filter is never negated)
            if opening < n and text[opening] in _OPEN_QUOTES:  # party:"Түрікменстан Үкіметі"
                close = _find_close(text, opening + 1)
                value = text[opening + 1 : close]
                i = min(close + 1, n)
            filters[key].append(_filter_value(key, value, "q"))
            filter_spans.append((start, i))
            pending_or = False
            continue
        if operators:
            _add(_term(_words(chunk)), negate, clauses, excluded, pending_or)
        else:  # as text, words glued by punctuation are words, not a phrase
            clauses.extend([word] for word in _words(chunk))
        pending_or = False
    out_clauses = tuple(c[0] if len(c) == 1 else AnyOf(tuple(c)) for c in clauses)
    if not out_clauses:
        if excluded:
            raise QueryError("q has only excluded words: add a word to search for")
        raise QueryError("q has no searchable word (letters or digits)")
    count = sum(len(t.words) if isinstance(t, Phrase) else 1 for c in clauses + [excluded] for t in c)
    if count > max_words:
        more = " (the semantic and hybrid modes take a whole clause)" if max_words < MAX_CLAUSE_WORDS else ""
        raise QueryError(f"q has more than {max_words} words ({count}){more}")
    return Query(out_clauses, tuple(excluded), _filters(filters), _without(text, filter_spans))


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` (the filters) taken out, its spaces as they were."""
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split()) if spans else text.strip()


def _find_close(text: str, start: int) -> int:
    """The closing quote's index, or the end of the text (an unbalanced quote runs to it)."""
    for k in range(start, len(text)):
        if text[k] in _CLOSE_QUOTES:
            return k
    return len(text)


def _add(term: Term | None, negate: bool, clauses: list[list[Term]], excluded: list[Term], pending_or: bool) -> None:
    if term is None:
        return
    if negate:
        excluded.append(term)
    elif pending_or and clauses:
        clauses[-1].append(term)
    else:
        clauses.append([term])


def _filter_value(key: str, raw: str, param: str) -> object:
    value = " ".join(raw.split())
    label = f"{param}: {key}:" if param == "q" else param
    if not value:
        raise QueryError(f"{label} needs a value", param)
    if len(value) > MAX_FILTER_VALUE:
        raise QueryError(f"{label} value is longer than {MAX_FILTER_VALUE} characters", param)
    if key == "year":
        m = _YEAR_RE.match(value)
        if not m:
            raise QueryError(f"{label} wants a year (2017) or a range (2010-2018), not {value[:40]!r}", param)
        start = int(m.group(1))
        end = int(m.group(2) or start)
        if end < start:
            raise QueryError(f"{label} range {start}-{end} ends before it starts", param)
        return YearRange(start, end)
    if key == "type":
        if not _TYPE_RE.match(value):
            raise QueryError(f"{label} wants a clause type id such as dispute_resolution, not {value[:40]!r}", param)
        return value
    if key == "article":
        m = _ARTICLE_RE.match(value)
        if not m:
            raise QueryError(f"{label} wants an article number such as 4, not {value[:40]!r}", param)
        return article_number(m.group(1))
    if key == "party":
        if not WORD_RE.search(value):
            raise QueryError(f"{label} wants a word of a party's name, not {value[:40]!r}", param)
        return value
    return value  # treaty: an id, checked against the knowledge base by the search


def _filters(values: dict[str, list[object]]) -> Filters:
    return Filters(**{k: tuple(dict.fromkeys(v)) for k, v in values.items()})  # type: ignore[arg-type]


def parse_filters(**params: str | Sequence[str] | None) -> Filters:
    """Filters given as request parameters (``treaty=``, ``year=``, ``type=``, ``party=``,
    ``article=``): each value checked as in the query language, a ``QueryError`` naming
    the parameter otherwise."""
    values: dict[str, list[object]] = {k: [] for k in FILTER_KEYS}
    for key, raw in params.items():
        if key not in FILTER_KEYS:
            raise QueryError(f"unknown filter parameter {key!r}", key)
        if raw is None:
            continue
        for item in [raw] if isinstance(raw, str) else raw:
            if not isinstance(item, str):
                raise QueryError(f"{key} must be a string", key)
            item = _UNWANTED.sub(" ", check_length(item, key))
            values[key].append(_filter_value(key, item, key))
    return _filters(values)


__all__ = [
    "FILTER_KEYS",
    "MAX_CLAUSE_CHARS",
    "MAX_CLAUSE_WORDS",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "AnyOf",
    "Clause",
    "Filters",
    "Phrase",
    "Query",
    "Term",
    "Word",
    "YearRange",
    "check_length",
    "parse_filters",
    "parse_query",
    "term_of",
]
