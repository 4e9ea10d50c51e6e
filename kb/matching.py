"""Whether one provision matches a query, and which of its words to highlight: the
query's words against the provision's stored tokens, token by token.

Search itself runs on the keyword index (``kb.lexical``); this module is the slow,
obvious definition of a match that the index is tested against, and what marks the
words of a hit's snippet. A word matches a token by folded form or a shared lemma
(``kb.tokens``); a phrase is its words in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from kb.query import AnyOf, Phrase, Query, Term, Word


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


__all__ = ["Tokens", "highlight_positions", "matches"]
