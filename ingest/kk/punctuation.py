"""Prefix, suffix and infix rules of the Kazakh tokenizer.

They are spaCy's shared rules (``spacy.lang.punctuation``) rebuilt on letter classes
that know ә ғ қ ң ө ұ ү һ і, with two changes for Kazakh:

- no infix splits at a hyphen-minus between letters or digits: the hyphen joins a
  number to its suffix ("16-бап", "8-бабына", "30-шы"), an abbreviation to its
  ending ("ҰҚШҰ-ға", "ТМД-ның") and the halves of paired words ("іс-қимыл",
  "бір-біріне"); a dash (–, —, --) between letters is still split off, and a
  free-standing "-" is a token of its own anyway;
- an initial glued to a surname ("Қ.Тоқаев") is split off as a prefix "Қ.".
"""

from __future__ import annotations

from spacy.lang.punctuation import TOKENIZER_PREFIXES as _BASE_PREFIXES

from ingest.kk.char_classes import (
    ALPHA,
    ALPHA_LOWER,
    ALPHA_UPPER,
    CONCAT_QUOTES,
    CURRENCY,
    DASHES,
    KAZAKH_UPPER,
    LIST_ELLIPSES,
    LIST_ICONS,
    LIST_PUNCT,
    LIST_QUOTES,
    PUNCT,
    UNITS,
)

# spaCy's prefixes name no letter class, so they serve as they are.
TOKENIZER_PREFIXES = [
    # "Қ.Тоқаев", "Қ.Ж.Тоқаев": a Cyrillic capital and its dot before another capital.
    rf"[{KAZAKH_UPPER}]\.(?=[{KAZAKH_UPPER}])",
    *_BASE_PREFIXES,
]

TOKENIZER_SUFFIXES = [
    *LIST_PUNCT,
    *LIST_ELLIPSES,
    *LIST_QUOTES,
    *LIST_ICONS,
    "—",
    "–",
    r"(?<=[0-9])\+",
    r"(?<=°[FfCcKk])\.",
    rf"(?<=[0-9])(?:{CURRENCY})",
    rf"(?<=[0-9])(?:{UNITS})",
    # "асырылмақ.", "16-бап.", "2017.": a full stop after a lower-case letter or digit
    rf"(?<=[0-9{ALPHA_LOWER}%²\-+{PUNCT}(?:{CONCAT_QUOTES})])\.",
    # "ҚР.", "ТМД.": after two capitals (one capital and a dot is an initial)
    rf"(?<=[{ALPHA_UPPER}][{ALPHA_UPPER}])\.",
]

TOKENIZER_INFIXES = [
    *LIST_ELLIPSES,
    *LIST_ICONS,
    r"(?<=[0-9])[+*^](?=[0-9-])",
    # "келісті.Тараптар": a missing space after a full stop
    rf"(?<=[{ALPHA_LOWER}{CONCAT_QUOTES}])\.(?=[{ALPHA_UPPER}{CONCAT_QUOTES}])",
    # "ақпарат,құпия", "бап,2"; "1,5" stays a number
    rf"(?<=[{ALPHA}]),(?=[{ALPHA}0-9])",
    rf"(?<=[0-9]),(?=[{ALPHA}])",
    rf"(?<=[{ALPHA}])(?:{DASHES})(?=[{ALPHA}])",
    # "және/немесе", "Тараптар:мемлекеттер"; "1/2" stays a fraction
    rf"(?<=[{ALPHA}0-9])[:;<>=/](?=[{ALPHA}])",
    # "5(бес)", "Келісім«Сырбар»": brackets and double quotes glued between words
    rf"(?<=[{ALPHA}0-9])[()\[\]«»“”„\"](?=[{ALPHA}0-9])",
]

__all__ = ["TOKENIZER_INFIXES", "TOKENIZER_PREFIXES", "TOKENIZER_SUFFIXES"]
