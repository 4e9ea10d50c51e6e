"""The search query language: its own parser, a frozen AST, and a compiler to a safe
FTS5 ``MATCH`` expression plus SQL filters with bound parameters.

No user text ever reaches FTS5 unparsed. The parser keeps only words (runs of letters
and digits, hyphenated words whole, as the Kazakh tokenizer keeps them), and the
compiler emits every word as a double-quoted FTS5 string (quotes doubled), joined by
operators it writes itself. Brackets, ``*``, ``^``, ``NEAR(``, column filters such as
``lemmas:``, NUL and the like are punctuation to the parser, never syntax.

The language::

    құпия ақпаратқа            words: all must match (each in any inflection)
    "құпия ақпарат"            a phrase: the words in this order, next to each other
    ақпарат OR мәлімет         either (OR binds tighter than the implicit AND)
    -тарату  -"үшінші тарап"   exclusion of a word or a phrase
    treaty:ID  party:WORD  year:2017  year:2010-2018  type:clause_type  article:N

A filter may repeat: values of one filter are alternatives (``year:2011 year:2017``),
different filters all apply. ``AND`` is accepted and means nothing more than a space.

Matching is on lemmas: each query word becomes the OR of its candidate lemmas
(``ingest.kk.morphology.analyse``, plus the stems ``_related`` adds: the active verb
of a passive, the verb of a verbal or agent noun, the locative of an attributive) over
the ``lemmas`` column, where every token of a provision stands with the same set,
computed the same way (``lemmas_of``); the exact word form is OR-ed in
over the ``surface`` column, which changes no result (a token with the same form has
the same lemmas) but ranks the exact form higher. A phrase becomes ``NEAR`` groups over
its words' lemmas, a superset of the true phrase matches; ``matches`` then checks the
order and adjacency on the provision's stored tokens, so phrases are exact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from kb.errors import KbError

MAX_QUERY_CHARS = 1000
MAX_WORDS = 32
MAX_CLAUSE_CHARS = 4000
MAX_CLAUSE_WORDS = 400
"""The bounds for the modes that read a query as text (semantic, hybrid): a drafting
tool pastes a whole draft clause to find the provisions most like it. Keyword search
requires every word, so a query that long could only find nothing there."""
MAX_LEMMAS = 6
"""Lemmas kept per token (``analyse`` yields at most four, ``_related`` adds a few);
the bound lets a phrase's ``NEAR`` distance be computed, see ``_near_distance``."""
MAX_NEAR_GROUPS = 16
FILTER_KEYS = ("treaty", "party", "year", "type", "article")
MAX_FILTER_VALUE = 200


class QueryError(KbError, ValueError):
    """A query, or one of its parameters, that is refused. ``param`` names the request
    parameter at fault (``q``, ``year``, ``cursor``, …) so an API can answer 400 with it."""

    def __init__(self, message: str, param: str = "q") -> None:
        self.param = param
        self.message = message
        super().__init__(message)


# -- words ------------------------------------------------------------------------------

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


def _clean(word: str) -> str:
    return unicodedata.normalize("NFC", word.translate(_JOIN_TO_HYPHEN))


def fold(word: str) -> str:
    """The form the ``surface`` column holds: lower case, Latin look-alikes inside a
    Cyrillic word made Cyrillic, "ё" as "е" (``ingest.kk.morphology.normalise``)."""
    from ingest.kk.morphology import normalise

    return normalise(_clean(word)).lower()


@lru_cache(maxsize=200_000)
def lemmas_of(word: str) -> tuple[str, ...]:
    """The lemmas a word form is indexed and searched under, folded, best first, at most
    ``MAX_LEMMAS``; never empty (an unknown word stands for itself).

    First the analyser's candidates (``analyse``), then the stems they derive from
    where the derivation does not change what a provision is about (``_related``), so
    that "сақтау" finds "сақталады" and "жөніндегі" finds "жөнінде"."""
    from ingest.kk.morphology import analyse

    cleaned = _clean(word)
    candidates = [f for f in dict.fromkeys(fold(lemma) for lemma in analyse(cleaned)) if f]
    out = list(dict.fromkeys([*candidates, *_related(fold(cleaned), candidates)]))
    return tuple(out[:MAX_LEMMAS]) or (fold(cleaned),)


_VOICE_MARGIN = 1.5
_VERBAL_NOUN_MARGIN = 3.0
_AGENT_SUFFIXES = ("ушы", "уші")
_ATTR_SHAPES = ("ғы", "гі")


def _related(form: str, candidates: Sequence[str]) -> list[str]:
    """Stems a plain word's readings derive from, which the analyser ranks below its
    candidates: the active verb of a passive or reflexive one ("шешіледі" → "шеш"
    beside "шешіл"), the verb of a verbal noun ("шешу" → "шеш") or of an agent noun
    ("қатысушы" → "қатыс"), and the locative behind an attributive ("жөніндегі" →
    "жөнінде"). Each needs a reading the lexicon confirms, close enough to the best."""
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
    verbal = load_lexicon().verbal
    for lemma in candidates:
        if lemma.endswith(_AGENT_SUFFIXES) and lemma[:-3] in verbal:
            out.append(lemma[:-3])
    return out


def tokenize(text: str) -> list[Token]:
    """Every word of ``text`` with its offsets, folded form and candidate lemmas."""
    return [Token(m.start(), m.end(), fold(m.group()), lemmas_of(m.group())) for m in WORD_RE.finditer(text)]


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

    def words(self) -> tuple[Word, ...]:
        """The words that must or may match (not the excluded ones), for highlighting."""
        out: list[Word] = []
        for clause in self.clauses:
            for term in clause.terms if isinstance(clause, AnyOf) else (clause,):
                out.extend(term.words if isinstance(term, Phrase) else (term,))
        return tuple(out)

    def to_check(self) -> Query | None:
        """The part of the query FTS5 cannot decide exactly, for ``matches``: clauses and
        exclusions that hold a phrase (words alone FTS5 matches exactly); None if none."""
        clauses = tuple(
            c for c in self.clauses
            if isinstance(c, Phrase) or (isinstance(c, AnyOf) and any(isinstance(t, Phrase) for t in c.terms))
        )
        excluded = tuple(t for t in self.excluded if isinstance(t, Phrase))
        if not clauses and not excluded:
            return None
        return Query(clauses, excluded, self.filters)

    @property
    def exact_in_fts(self) -> bool:
        """Whether the FTS5 expression decides the matches alone; False when a phrase
        asks for ``matches`` to check order and adjacency."""
        terms = [*self.excluded]
        for clause in self.clauses:
            terms.extend(clause.terms if isinstance(clause, AnyOf) else (clause,))
        return not any(isinstance(t, Phrase) for t in terms)


# -- the parser -------------------------------------------------------------------------

_OPEN_QUOTES = '"«“„'
_CLOSE_QUOTES = '"»”“'
_FILTER_RE = re.compile(r"([A-Za-z_]+):(.*)\Z", re.S)
_YEAR_RE = re.compile(r"(\d{4})(?:\s*(?:-|–|\.\.)\s*(\d{4}))?\Z")
_TYPE_RE = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
_ARTICLE_RE = re.compile(r"(\d{1,4}(?:[.-]\d{1,3})?)(?:-?бап)?\Z", re.I)
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufff0-\uffff]")
"""Control characters, lone surrogates (which a percent-decoded URL can produce and
SQLite cannot bind), BOMs and specials: read as spaces."""


def _words(text: str) -> tuple[Word, ...]:
    return tuple(Word(_clean(m.group())) for m in WORD_RE.finditer(text))


def _term(words: tuple[Word, ...]) -> Term | None:
    if not words:
        return None
    return words[0] if len(words) == 1 else Phrase(words)


def check_length(text: object, param: str = "q", limit: int = MAX_QUERY_CHARS) -> str:
    if not isinstance(text, str):
        raise QueryError(f"{param} must be a string", param)
    if len(text) > limit:
        raise QueryError(f"{param} is longer than {limit:,} characters ({len(text):,})", param)
    return text


def parse_query(text: str, *, max_chars: int = MAX_QUERY_CHARS, max_words: int = MAX_WORDS) -> Query:
    """Parse a query string; ``QueryError`` (``param="q"``) for what is refused: an empty
    or over-long query, one with no searchable word, an unknown or malformed filter.
    The bounds are keyword search's; the modes that read a query as text pass
    ``MAX_CLAUSE_CHARS`` and ``MAX_CLAUSE_WORDS``."""
    text = check_length(text, limit=max_chars)
    if not text.strip():
        raise QueryError("q is empty: give a word to search for")
    text = _UNWANTED.sub(" ", text)
    clauses: list[list[Term]] = []  # each inner list: the alternatives of one clause
    excluded: list[Term] = []
    filters: dict[str, list[object]] = {k: [] for k in FILTER_KEYS}
    pending_or = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negate = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            negate = True
            i += 1
            ch = text[i]
        if ch in _OPEN_QUOTES:
            close = _find_close(text, i + 1)
            term = _term(_words(text[i + 1 : close]))
            i = close + 1
            _add(term, negate, clauses, excluded, pending_or)
            pending_or = False
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _OPEN_QUOTES:
            j += 1
        chunk = text[i:j]
        i = j
        if not negate and chunk == "OR":
            pending_or = bool(clauses)
            continue
        if not negate and chunk in ("AND", "&&"):
            continue
        m = _FILTER_RE.match(chunk)
        if m and negate and m.group(1).lower() in FILTER_KEYS:
            raise QueryError(f"q: a filter cannot be excluded (-{m.group(1).lower()}:); search without it instead")
        if m and not negate:
            key = m.group(1).lower()
            if key not in FILTER_KEYS:
                raise QueryError(
                    f"q: unknown filter {m.group(1)[:40]!r}: the filters are " + ", ".join(f"{k}:" for k in FILTER_KEYS)
                )
            value = m.group(2)
            if not value and i < n and text[i] in _OPEN_QUOTES:
                close = _find_close(text, i + 1)
                value = text[i + 1 : close]
                i = close + 1
            filters[key].append(_filter_value(key, value, "q"))
            pending_or = False
            continue
        _add(_term(_words(chunk)), negate, clauses, excluded, pending_or)
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
    return Query(out_clauses, tuple(excluded), _filters(filters))


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
        return m.group(1)
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


# -- compiling to FTS5 and SQL ----------------------------------------------------------


class Compiled(NamedTuple):
    """What the knowledge base runs: an FTS5 expression only this module writes."""

    match: str
    exact: bool


def fts_string(text: str) -> str:
    """``text`` as an FTS5 string: double-quoted, inner quotes doubled. FTS5 tokenizes it
    with the column's tokenizer, so whatever it holds it is one phrase, never syntax."""
    return '"' + text.replace('"', '""') + '"'


def _word_fts(word: Word) -> str:
    lemmas = " OR ".join(fts_string(lemma) for lemma in word.lemmas)
    return f"(surface : {fts_string(word.form)} OR lemmas : ({lemmas}))"


def _near_distance(n_words: int) -> int:
    """Tokens that may stand between the first and the last lemma of an ``n_words``
    phrase in the ``lemmas`` column: each word brings at most ``MAX_LEMMAS`` lemmas."""
    return MAX_LEMMAS * n_words


def _phrase_fts(phrase: Phrase) -> str:
    surface = fts_string(" ".join(w.form for w in phrase.words))
    groups: list[tuple[str, ...]] = [()]
    for word in phrase.words:
        groups = [g + (lemma,) for g in groups for lemma in word.lemmas]
        if len(groups) > MAX_NEAR_GROUPS:
            break
    if len(groups) <= MAX_NEAR_GROUPS:
        distance = _near_distance(len(phrase.words))
        near = " OR ".join(f"NEAR({' '.join(fts_string(x) for x in g)}, {distance})" for g in groups)
    else:  # too many combinations: every word somewhere; ``matches`` checks the rest
        near = " AND ".join("(" + " OR ".join(fts_string(x) for x in w.lemmas) + ")" for w in phrase.words)
    return f"(surface : {surface} OR lemmas : ({near}))"


def _term_fts(term: Term) -> str:
    return _phrase_fts(term) if isinstance(term, Phrase) else _word_fts(term)


def _clause_fts(clause: Clause) -> str:
    if isinstance(clause, AnyOf):
        return "(" + " OR ".join(_term_fts(t) for t in clause.terms) + ")"
    return _term_fts(clause)


def compile_match(query: Query) -> Compiled:
    """The FTS5 expression of ``query``. Excluded phrases are left to ``matches``: FTS5
    could only exclude their words, which would drop too much."""
    expr = " AND ".join(_clause_fts(c) for c in query.clauses)
    words_out = [t for t in query.excluded if isinstance(t, Word)]
    if words_out:
        expr = f"({expr}) NOT ({' OR '.join(_word_fts(w) for w in words_out)})"
    return Compiled(expr, query.exact_in_fts)


@dataclass(frozen=True, slots=True)
class SqlFilter:
    """A SQL condition on the ``provisions`` table (aliased ``p``) with its bound values."""

    sql: str = "1"
    params: tuple[object, ...] = ()


def compile_filters(filters: Filters, party_treaties: Callable[[str], Iterable[str]]) -> SqlFilter:
    """``filters`` as a SQL condition over ``provisions p``. Column names are this
    module's; every value is a bound parameter. ``party_treaties`` resolves a
    ``party:`` word to the treaties whose parties it names."""
    parts: list[str] = []
    params: list[object] = []

    def within(column: str, values: Iterable[object]) -> None:
        vals = list(dict.fromkeys(values))
        if not vals:
            parts.append("0")
            return
        parts.append(f"{column} IN ({', '.join('?' * len(vals))})")
        params.extend(vals)

    if filters.treaty:
        within("p.treaty_id", filters.treaty)
    if filters.party:
        ids: set[str] = set()
        for word in filters.party:
            ids.update(party_treaties(word))
        within("p.treaty_id", sorted(ids))
    if filters.year:
        parts.append("(" + " OR ".join("p.year BETWEEN ? AND ?" for _ in filters.year) + ")")
        for r in filters.year:
            params.extend((r.start, r.end))
    if filters.type:
        vals = list(filters.type)
        parts.append(f"EXISTS (SELECT 1 FROM json_each(p.clause_types) WHERE value IN ({', '.join('?' * len(vals))}))")
        params.extend(vals)
    if filters.article:
        within("p.article_num", filters.article)
    return SqlFilter(" AND ".join(parts) or "1", tuple(params))


# -- checking and highlighting on the stored tokens -------------------------------------


@lru_cache(maxsize=4096)
def _word_key(word: Word) -> tuple[str, frozenset[str]]:
    return word.form, frozenset(word.lemmas)


Tokens = Sequence[Sequence[Any]]
"""A provision's tokens, each a sequence ending in (folded surface, candidate lemmas):
``(surface, lemmas)`` pairs, or the stored ``[start, end, surface, lemmas]`` as they are."""


def _phrase_starts(words: tuple[Word, ...], tokens: Tokens, first_only: bool = False) -> list[int]:
    """Where the words stand in a row: each token matches its word by form or by a
    shared lemma. A single word is a phrase of one."""
    keys = [_word_key(w) for w in words]
    size = len(keys)
    out: list[int] = []
    for i in range(len(tokens) - size + 1):
        for k, (form, lemmas) in enumerate(keys):
            token = tokens[i + k]
            if token[-2] != form and lemmas.isdisjoint(token[-1]):
                break
        else:
            out.append(i)
            if first_only:
                break
    return out


def _words_of(term: Term) -> tuple[Word, ...]:
    return term.words if isinstance(term, Phrase) else (term,)


def _occurs(term: Term, tokens: Tokens) -> bool:
    return bool(_phrase_starts(_words_of(term), tokens, first_only=True))


def matches(query: Query, tokens: Tokens) -> bool:
    """Whether a provision, given as its tokens' (surface, lemmas), matches ``query``
    exactly, phrases included. Filters are not looked at."""
    for clause in query.clauses:
        terms = clause.terms if isinstance(clause, AnyOf) else (clause,)
        if not any(_occurs(t, tokens) for t in terms):
            return False
    return not any(_occurs(t, tokens) for t in query.excluded)


def highlight_positions(query: Query, tokens: Tokens) -> list[int]:
    """Indexes of the tokens to highlight: those whose form or a lemma matched a query
    word, and, for a phrase, the words of each occurrence of it."""
    found: set[int] = set()
    for clause in query.clauses:
        for term in clause.terms if isinstance(clause, AnyOf) else (clause,):
            words = _words_of(term)
            for i in _phrase_starts(words, tokens):
                found.update(range(i, i + len(words)))
    return sorted(found)


__all__ = [
    "MAX_CLAUSE_CHARS",
    "MAX_CLAUSE_WORDS",
    "MAX_QUERY_CHARS",
    "AnyOf",
    "Compiled",
    "Filters",
    "Phrase",
    "Query",
    "QueryError",
    "SqlFilter",
    "Token",
    "Word",
    "YearRange",
    "compile_filters",
    "compile_match",
    "fold",
    "highlight_positions",
    "lemmas_of",
    "matches",
    "parse_filters",
    "parse_query",
    "tokenize",
]
