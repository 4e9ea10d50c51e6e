"""Numbers in Kazakh text: ``like_num`` for spaCy and ``number_value`` for the parser.

Treaties write numbers three ways: digits ("30", "1.5", "2017"), digits with a
suffix after a hyphen ("16-шы", "30-ы", "2017-ге") and words ("отыз", "жиырма бес",
"төртінші"). ``like_num`` says whether a token is a number in any of these forms;
a digit with a noun after the hyphen ("16-бап", "73-құжат") is not a number but a
numbered thing. ``number_value`` reads the value, ordinals included.

Legacy exports print the Russian twin of a Kazakh letter ("тогыз" for "тоғыз"); a
word with no Kazakh-only letter is also looked up in that folded spelling.
"""

from __future__ import annotations

import re
from itertools import product

from spacy.attrs import LIKE_NUM

from ingest.patterns import fold

CARDINALS: dict[str, int] = {
    "нөл": 0, "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7,
    "сегіз": 8, "тоғыз": 9, "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50,
    "алпыс": 60, "жетпіс": 70, "сексен": 80, "тоқсан": 90, "жүз": 100, "мың": 1000,
    "миллион": 10**6, "миллиард": 10**9, "триллион": 10**12,
}

# The ordinal suffix is -ыншы/-інші after a consonant and -ншы/-нші after a vowel,
# with the usual exceptions: "қырық" drops its second vowel, "жиырма" takes -сыншы.
ORDINALS: dict[str, int] = {
    "нөлінші": 0, "бірінші": 1, "екінші": 2, "үшінші": 3, "төртінші": 4, "бесінші": 5,
    "алтыншы": 6, "жетінші": 7, "сегізінші": 8, "тоғызыншы": 9, "оныншы": 10,
    "жиырмасыншы": 20, "отызыншы": 30, "қырқыншы": 40, "елуінші": 50, "алпысыншы": 60,
    "жетпісінші": 70, "сексенінші": 80, "тоқсаныншы": 90, "жүзінші": 100,
    "мыңыншы": 1000, "миллионыншы": 10**6, "миллиардыншы": 10**9, "триллионыншы": 10**12,
}

_KAZAKH_ONLY = frozenset("әғқңөұүһ")
_SCALES = frozenset(v for v in CARDINALS.values() if v >= 1000)


def _folded(table: dict[str, int]) -> dict[str, int]:
    return {fold(word): value for word, value in table.items()}


_CARDINALS_FOLDED = _folded(CARDINALS)
_ORDINALS_FOLDED = _folded(ORDINALS)


def _lookup(word: str, table: dict[str, int], folded: dict[str, int]) -> int | None:
    value = table.get(word)
    if value is None and _KAZAKH_ONLY.isdisjoint(word):
        value = folded.get(word)
    return value


# What follows the hyphen of a number written in digits: an ordinal marker
# ("16-шы", "5-інші"), a possessive ("30-ы", "2-сі") and/or a case ending
# ("2017-ге", "10-нан", "30-ында"). Built as every combination, vowel harmony not
# checked: the set only has to tell these from nouns such as "бап" or "құжат".
_ORDINAL_MARKERS = ["", "шы", "ші", "ншы", "нші", "ыншы", "інші"]
_POSSESSIVES = ["", "ы", "і", "сы", "сі"]
_CASES = [
    "", "н", "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не",
    "да", "де", "та", "те", "нда", "нде", "дан", "ден", "тан", "тен", "нан", "нен",
    "ны", "ні", "ды", "ді", "ты", "ті", "мен", "бен", "пен", "дағы", "дегі", "тағы",
    "тегі", "ндағы", "ндегі", "дай", "дей", "тай", "тей",
]
NUMERAL_SUFFIXES: frozenset[str] = frozenset(
    marker + possessive + case
    for marker, possessive, case in product(_ORDINAL_MARKERS, _POSSESSIVES, _CASES)
) - {""}
_NUMERAL_SUFFIXES_FOLDED = frozenset(fold(s) for s in NUMERAL_SUFFIXES)

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_DIGITS_SUFFIX = re.compile(r"(\d+(?:[.,]\d+)*)-(\w+)")


def _numeral_suffix(suffix: str) -> bool:
    return suffix in NUMERAL_SUFFIXES or (
        _KAZAKH_ONLY.isdisjoint(suffix) and suffix in _NUMERAL_SUFFIXES_FOLDED
    )


def like_num(text: str) -> bool:
    """spaCy's LIKE_NUM: digits, a fraction, digits with a numeral suffix, a number word."""
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    if _DIGITS.fullmatch(text):
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    lower = text.lower()
    match = _DIGITS_SUFFIX.fullmatch(lower)
    if match:
        return _numeral_suffix(match.group(2))
    return (
        _lookup(lower, CARDINALS, _CARDINALS_FOLDED) is not None
        or _lookup(lower, ORDINALS, _ORDINALS_FOLDED) is not None
    )


def _group_value(values: list[int]) -> int | None:
    """A number below 1000 from its words' values: [unit] жүз [ten] [unit]."""
    if 100 in values:
        at = values.index(100)
        head, rest = values[:at], values[at + 1:]
        if len(head) > 1 or (head and not 1 <= head[0] <= 9):
            return None
        total = (head[0] if head else 1) * 100
    else:
        rest, total = values, 0
    tens = [v for v in rest if 10 <= v <= 90]
    units = [v for v in rest if 1 <= v <= 9]
    if len(tens) > 1 or len(units) > 1 or len(tens) + len(units) != len(rest):
        return None
    if tens and units and rest[0] != tens[0]:  # "бес жиырма" is not 25
        return None
    return total + sum(rest)


def number_value(text: str) -> int | None:
    """The value of a number in words or digits, ordinals by their rank, else None.

    "жиырма бес" → 25, "бір мың" → 1000, "мың тоғыз жүз тоқсан екі" → 1992,
    "төртінші" → 4, "отызыншы" → 30, "16-шы" → 16, "16-бап" → None, "бес жиырма" → None.
    """
    words = text.lower().split()
    if not words:
        return None
    if len(words) == 1:
        match = _DIGITS_SUFFIX.fullmatch(words[0])
        if match and _numeral_suffix(match.group(2)):
            words[0] = match.group(1)
        if words[0].isdigit():
            return int(words[0])
    values: list[int] = []
    for i, word in enumerate(words):
        value = _lookup(word, CARDINALS, _CARDINALS_FOLDED)
        if value is None and i == len(words) - 1:  # only the last word is an ordinal
            value = _lookup(word, ORDINALS, _ORDINALS_FOLDED)
        if value is None:
            return None
        values.append(value)
    if values == [0]:
        return 0
    if 0 in values:
        return None
    total, group, last_scale = 0, [], None
    for value in values:
        if value in _SCALES:
            if last_scale is not None and value >= last_scale:
                return None  # "мың миллион": scales must fall
            multiplier = _group_value(group) if group else 1
            if multiplier is None:
                return None
            total += multiplier * value
            group, last_scale = [], value
        else:
            group.append(value)
    rest = _group_value(group) if group else 0
    return None if rest is None else total + rest


LEX_ATTRS = {LIKE_NUM: like_num}

__all__ = ["CARDINALS", "LEX_ATTRS", "NUMERAL_SUFFIXES", "ORDINALS", "like_num", "number_value"]
