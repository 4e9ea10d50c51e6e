"""Character classes for the Kazakh tokenizer rules.

spaCy's shared classes (``spacy.lang.char_classes``) hold the Russian, Tatar and
Ukrainian Cyrillic letters, which between them cover ә ө ү ң һ і but not ғ қ ұ:
a rule such as "split a comma between two letters" or "split a full stop after a
lower-case letter" then fails on "ақпарат,құпия" or "асырылмақ.". The classes here
are spaCy's (Latin, Cyrillic, …) plus the whole 42-letter Kazakh alphabet in both
cases, so every shared rule can be rebuilt on them unchanged.
"""

from __future__ import annotations

from spacy.lang.char_classes import ALPHA as _BASE_ALPHA
from spacy.lang.char_classes import ALPHA_LOWER as _BASE_ALPHA_LOWER
from spacy.lang.char_classes import ALPHA_UPPER as _BASE_ALPHA_UPPER
from spacy.lang.char_classes import (
    CONCAT_QUOTES,
    CURRENCY,
    LIST_CURRENCY,
    LIST_ELLIPSES,
    LIST_ICONS,
    LIST_PUNCT,
    LIST_QUOTES,
    PUNCT,
    UNITS,
)

# The Kazakh Cyrillic alphabet (1940 orthography, 42 letters), Russian letters included:
# they are part of it and loanwords use them.
KAZAKH_LOWER = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
KAZAKH_UPPER = KAZAKH_LOWER.upper()

ALPHA_LOWER = _BASE_ALPHA_LOWER + KAZAKH_LOWER
ALPHA_UPPER = _BASE_ALPHA_UPPER + KAZAKH_UPPER
ALPHA = _BASE_ALPHA + KAZAKH_LOWER + KAZAKH_UPPER

# Dashes that separate words; the hyphen-minus "-" is not one of them: in Kazakh it
# joins a number to its suffix ("16-бап", "ТМД-ның") and the parts of a compound
# ("іс-қимыл", "Премьер-Министрі").
DASHES = r"--+|[–—―~]"

__all__ = [
    "ALPHA",
    "ALPHA_LOWER",
    "ALPHA_UPPER",
    "CONCAT_QUOTES",
    "CURRENCY",
    "DASHES",
    "KAZAKH_LOWER",
    "KAZAKH_UPPER",
    "LIST_CURRENCY",
    "LIST_ELLIPSES",
    "LIST_ICONS",
    "LIST_PUNCT",
    "LIST_QUOTES",
    "PUNCT",
    "UNITS",
]
