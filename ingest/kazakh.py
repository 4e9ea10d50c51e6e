"""Small facts of Kazakh that the parser reads dates, numbers and names with."""

from __future__ import annotations

import re

from ingest.patterns import fold, kk_re

NUMBER_WORDS = {
    "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8,
    "тоғыз": 9, "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60,
    "жетпіс": 70, "сексен": 80, "тоқсан": 90, "жүз": 100,
}

LANGUAGES = {
    "қазақ": "kk", "орыс": "ru", "ағылшын": "en", "түрікмен": "tk", "өзбек": "uz",
    "қырғыз": "ky", "тәжік": "tg", "әзербайжан": "az", "армян": "hy", "беларусь": "be",
    "қытай": "zh", "француз": "fr", "неміс": "de", "араб": "ar", "түрік": "tr",
    "испан": "es", "моңғол": "mn", "украин": "uk", "грузин": "ka", "парсы": "fa",
    "корей": "ko", "жапон": "ja", "итальян": "it", "поляк": "pl", "венгр": "hu",
}
LANGUAGE_WORD = kk_re(r"\b(" + "|".join(sorted(LANGUAGES, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_LANGUAGES_FOLDED = {fold(word): code for word, code in LANGUAGES.items()}
_NUMBERS_FOLDED = {fold(word): value for word, value in NUMBER_WORDS.items()}

_LOCATIVE = re.compile(r"(?:нда|нде|да|де|та|те)$")
_GENITIVE = kk_re(r"(?:ның|нің|дың|дің|тың|тің)$")

_TRANSLIT = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
})


def strip_locative(word: str) -> str:
    """"Астанада" → "Астана", "Ташкентте" → "Ташкент" (place names in a closing formula)."""
    return _LOCATIVE.sub("", word) if len(word) > 4 else word


def genitive_to_nominative(phrase: str) -> str:
    """"Қазақстан Республикасы Үкіметінің" → "Қазақстан Республикасының Үкіметі": an
    act's header names its issuer in the genitive; the issuer is named in the
    nominative, with the izafet on the country."""
    words = phrase.split()
    if not words:
        return phrase
    words[-1] = _GENITIVE.sub("", words[-1])
    if len(words) >= 2 and words[-2].endswith(("сы", "сі")) and not _GENITIVE.search(words[-2]):
        words[-2] += "ның" if words[-2].endswith("ы") else "нің"
    return " ".join(words)


def read_number(text: str) -> int | None:
    """A count written as digits or words: "екі" → 2, "30 (отыз)" → 30, "жиырма бес" → 25."""
    match = re.match(r"\s*(\d+)", text)
    if match:
        return int(match.group(1))
    total = 0
    for word in text.lower().split():
        value = _NUMBERS_FOLDED.get(fold(word.strip(",.()")))
        if value is None:
            break
        total += value
    return total or None


def language_code(word: str) -> str | None:
    """"орыс" → "ru", whatever the spelling of its Kazakh letters."""
    return _LANGUAGES_FOLDED.get(fold(word.lower()))


def transliterate(text: str) -> str:
    """Kazakh Cyrillic to plain ASCII, for stable identifiers."""
    return text.lower().translate(_TRANSLIT)
