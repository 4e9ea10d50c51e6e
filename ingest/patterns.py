"""Patterns of Kazakh legal text that both repair and structure key on.

Everything here follows the language and the conventions of the legal database
("N-бап", "N-тарау", "N-қосымша", "2017 жылғы 18 сәуірде"), never a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Legacy exports (Windows-1251 has no Kazakh letters) and OCR print the Russian twin
# of a Kazakh letter: "Казакстан Республикасынын Укіметі … каулысы". Every structural
# pattern is matched on text folded this way, so it holds for either spelling; the
# fold keeps lengths, so what a match captures is sliced from the original text.
_FOLD = str.maketrans("әғқңөұүһӘҒҚҢӨҰҮҺ", "агкноуухАГКНОУУХ")


def fold(text: str) -> str:
    """Kazakh letters to their Russian twins, same length: the key patterns match on.
    Lines are folded once for all the patterns tried on them (the cache holds lines,
    not whole documents)."""
    return _fold_line(text) if len(text) < 1000 else text.translate(_FOLD)


@lru_cache(maxsize=16384)
def _fold_line(text: str) -> str:
    return text.translate(_FOLD)


def clear_fold_cache() -> None:
    _fold_line.cache_clear()


class KkMatch:
    """A match on folded text whose groups are the original text's characters."""

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match[str], text: str) -> None:
        self._m = m
        self._text = text

    def group(self, *groups: int | str) -> str | None | tuple[str | None, ...]:
        if len(groups) > 1:
            return tuple(self._one(g) for g in groups)
        return self._one(groups[0] if groups else 0)

    def _one(self, group: int | str) -> str | None:
        start, end = self._m.span(group)
        return None if start < 0 else self._text[start:end]

    def __getitem__(self, group: int | str) -> str | None:
        return self._one(group)

    def groupdict(self) -> dict[str, str | None]:
        return {name: self._one(name) for name in self._m.re.groupindex}

    def start(self, group: int | str = 0) -> int:
        return self._m.start(group)

    def end(self, group: int | str = 0) -> int:
        return self._m.end(group)

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._m.span(group)


class KkPattern:
    """``re.compile`` for Kazakh patterns: matches whatever the spelling of the Kazakh
    letters (see ``fold``); the API is the part of ``re.Pattern`` the parser uses."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.re = re.compile(fold(pattern), flags)

    def search(self, text: str, pos: int = 0) -> KkMatch | None:
        m = self.re.search(fold(text), pos)
        return KkMatch(m, text) if m else None

    def match(self, text: str, pos: int = 0) -> KkMatch | None:
        m = self.re.match(fold(text), pos)
        return KkMatch(m, text) if m else None

    def fullmatch(self, text: str) -> KkMatch | None:
        m = self.re.fullmatch(fold(text))
        return KkMatch(m, text) if m else None

    def finditer(self, text: str) -> Iterator[KkMatch]:
        for m in self.re.finditer(fold(text)):
            yield KkMatch(m, text)

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        out, pos = [], 0
        for n, m in enumerate(self.re.finditer(fold(text))):
            if maxsplit and n >= maxsplit:
                break
            out.append(text[pos : m.start()])
            pos = m.end()
        out.append(text[pos:])
        return out


    def sub(self, replacement: str, text: str) -> str:
        """Replace matches with the literal ``replacement``."""
        out, pos = [], 0
        for m in self.re.finditer(fold(text)):
            out.append(text[pos : m.start()])
            out.append(replacement)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)


def kk_re(pattern: str, flags: int = 0) -> KkPattern:
    return KkPattern(pattern, flags)

CYRILLIC = re.compile(r"[\u0400-\u04ff]")

ROMAN = r"[IVXLCDM]+"

ARTICLE_NUM = r"\d+(?:-\d+(?=[-‑ \t])|[ \t]?[А-ЯӘҒҚҢӨҰҮҺІA-Zа-яәғқңөұүһіa-z](?=[-‑ \t]))?"
"""An article number as drafting prints it: "5"; an article inserted after article 1
numbered with a hyphen, "1-1" (Kazakh drafting's own form: "1-1-бап"); or with a
letter, "1А", "1 А" (the form of texts drafted in Russian, "статья 1А": "1А-бап",
"1 А бабы"). The suffix is only a suffix when the article noun follows it."""

# "1-бап", " 2-бап", "16-бап. Heading", "5-бап Heading", "Бап 5", "3 бап", and in
# capitals with the heading on the line: "1-БАП ЖАЛПЫ ЕРЕЖЕЛЕР"; inserted articles
# "1-1-бап", "1А-бап", "1 А бабы" (the possessive "бабы": "article 1A")
ARTICLE_HEADER = kk_re(
    rf"^[ \t]*(?:(?P<num>{ARTICLE_NUM})(?:[-‑]|\s)?(?:бабы|БАБЫ|бап|БАП)\b[.:]?|(?:Бап|БАП)\s+(?P<num2>\d+)\.?)"
    r"(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)

# Latin capitals that look like Cyrillic ones: a letter-numbered article typed with
# the Latin "A" is the same article as the Cyrillic "А" of its references
_LATIN_TWINS = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
# the order of the letters that number inserted articles: the Kazakh alphabet
_LETTER_ORDER = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"


def article_number(raw: str) -> str:
    """An article number as printed, normalised to one spelling per article: no spaces
    ("1 А" → "1А"), the letter in Cyrillic capitals ("1a", "1A" → "1А"), the hyphen
    form kept ("1-1"). "1А" and "1-1" stay apart: they are two numbering systems, and
    a text cites its inserted article in its own one ("1-1-бабына", "1А-бабына"), so
    the citation, the AKN eId and the page anchor must say what the text says."""
    compact = re.sub(r"\s+", "", raw).replace("‑", "-")
    return compact.upper().translate(_LATIN_TWINS)


def article_order(num: str) -> tuple[int, int] | None:
    """Where an article number stands in the sequence: "1" → (1, 0), "1-1" and "1А" →
    (1, 1), "1-2" and "1Ә" → (1, 2), "2" → (2, 0): an inserted article sorts after the
    article it follows and before the next. None for a number of no known form."""
    m = re.fullmatch(r"(\d+)(?:-(\d+)|([^\W\d_]))?", article_number(num))
    if not m:
        return None
    if m.group(2):
        return int(m.group(1)), int(m.group(2))
    if m.group(3):
        at = _LETTER_ORDER.find(m.group(3))
        return (int(m.group(1)), at + 1) if at >= 0 else None
    return int(m.group(1)), 0
# "I тарау", "1-тарау.", "ІІ ТАРАУ", "2-тарау Heading"
CHAPTER_HEADER = kk_re(
    rf"^[ \t]*(?P<num>\d+|{ROMAN}|[ІI]+)(?:-|\s)?(?:тарау|ТАРАУ)\b[.:]?(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)
SECTION_HEADER = kk_re(
    rf"^[ \t]*(?P<num>\d+|{ROMAN}|[ІI]+)(?:-|\s)?(?:бөлім|БӨЛІМ)\b[.:]?(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)
_ACT_DATIVE = r"(?:[Кк]елісім|[Шш]арт|[Хх]аттама|[Кк]онвенция|[Мм]еморандум|КЕЛІСІМ|ШАРТ|ХАТТАМА|КОНВЕНЦИЯ)[а-яәғқңөұүһіА-ЯӘҒҚҢӨҰҮҺІ]*?(?:ге|ға|қа|ке|ГЕ|ҒА|ҚА|КЕ)"
# "1-қосымша", "Қосымша", "2 қосымша", "1-ҚОСЫМША", "№ 2 қосымша", "Қосымша № 2", and with
# the act it belongs to on the same line: "Келісімге 1-қосымша", "… Хаттамаға қосымша"
ANNEX_HEADER = kk_re(
    # a caption names the act ("… арасындағы Келісімге"), a sentence points at it ("осы Келісімге")
    rf"^[ \t]*(?P<caption>(?=[А-ЯӘҒҚҢӨҰҮҺІA-Z«\"])(?![^\n]*(?<![\w-])[Оо]сы\s)[^\n]{{0,300}}?{_ACT_DATIVE}\s+)?"
    r"(?:№\s*)?(?:(?P<num>\d+)(?:-|\s)?(?:қосымша|ҚОСЫМША)"
    r"|(?P<bare>Қосымша|ҚОСЫМША|қосымша)(?:\s*№\s*(?P<num2>\d+))?)[ \t]*$"
)

STRUCTURAL_HEADERS = (ARTICLE_HEADER, CHAPTER_HEADER, SECTION_HEADER, ANNEX_HEADER)


def is_structural_header(line: str) -> bool:
    """A line that opens a chapter, section, article or annex; never part of running text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return False
    key = fold(stripped)
    return any(p.re.match(key) for p in STRUCTURAL_HEADERS) and not _looks_like_sentence(stripped)


def _looks_like_sentence(line: str) -> bool:
    # "5-бап Heading" is a header; "5 бап бойынша ..." running text is not. A header's
    # heading is short and does not end a sentence with a verb and full stop.
    match = ARTICLE_HEADER.match(line)
    if match and match.group("heading"):
        heading = match.group("heading")
        return heading[:1].islower() or len(heading) > 150
    return False


MONTHS = {
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
}
_MONTHS_FOLDED = {fold(name): number for name, number in MONTHS.items()}
MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
# "2017 жылғы 18 сәуірде", "2013 жылғы 25 қазандағы", "2017 жылғы 3 қарашада",
# also with the stem softened before a vowel ending: "наурызда", "ақпанда", and the day
# in quotes as a form filled in by hand prints it: "2024 жылғы «19» сәуірде"
DATE = kk_re(
    rf"(?P<year>\d{{4}})\s*ж(?:ылғы|\.)\s+[«\"“]?(?P<day>\d{{1,2}})[»\"”]?\s*[-–]?\s*(?P<month>{MONTH_ALT})\w*",
    re.IGNORECASE,
)


def month_number(word: str) -> int | None:
    """The month a month name starts ("наурызда" → 3), in either spelling; else None."""
    folded = fold(word.lower())
    return next((n for name, n in _MONTHS_FOLDED.items() if folded.startswith(name)), None)


def iso_date(match: KkMatch) -> str | None:
    """``YYYY-MM-DD`` from a ``DATE`` match, or None for an impossible date."""
    year, day = int(match.group("year")), int(match.group("day"))
    month = _MONTHS_FOLDED[fold(match.group("month").lower())]
    if not (1 <= day <= 31 and 1800 <= year <= 2200):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


TERMINAL = ".:;!?"


# --- amending instruments ------------------------------------------------------------

AMENDING_VERB = kk_re(
    r"(?<![\w-])(?:редакцияда|мазмұндағы|толықтырыл(?:сын|ады|ып|а\s+отырып|уға)|ауыстырыл(?:сын|ады|уға)"
    r"|(?:алып|алынып)\s+тасталсын|баяндалсын|жазылсын|қосылсын|қосылады|күші\s+жойылды\s+деп\s+танылсын)",
    re.IGNORECASE,
)
"""The verbs of an amendment item, as Kazakh drafting words them: a part "мынадай
редакцияда жазылсын" / "баяндалсын" (is restated), "мынадай мазмұндағы … толықтырылсын"
(is supplemented), words "… ауыстырылсын" (are replaced), "алып тасталсын" (is deleted),
"күші жойылды деп танылсын" (is repealed); letters of amendment say "қосылады"."""

_OPENING_QUOTES = "«“„"
_CLOSING_QUOTES = "»”"
_QUOTE_END = re.compile(r"[»\"”][.;,]*\s*$")


def quotation_length(texts: list[str], limit: int = 400) -> int:
    """How many of ``texts`` (lines, the first opening with a quotation mark) the
    quotation opened at the start of the first one runs over: until its quotation
    marks balance, or until a line ends with a closing mark and its punctuation
    ("….";", "…».") as an amendment's quoted text ends. 0 when the first line opens no
    quotation or the quotation never closes (then it is not one: no text is swallowed)."""
    first = texts[0].strip() if texts else ""
    if not first or first[0] not in _OPENING_QUOTES + '"':
        return 0
    depth, straight = 0, False
    for i, text in enumerate(texts[:limit]):
        line = text.strip()
        depth += sum(line.count(q) for q in _OPENING_QUOTES) - sum(line.count(q) for q in _CLOSING_QUOTES)
        straight ^= line.count('"') % 2 == 1
        if (depth <= 0 and not straight) or _QUOTE_END.search(line):
            return i + 1
    return 0


def amendment_colon(line: str) -> int | None:
    """Where the colon after an amendment item's verb stands ("5-бап мынадай редакцияда
    жазылсын: «5-бап. …"): what follows it is the quotation (on the next lines when
    nothing does). None when the line is no amendment item ending in a quotation."""
    verb = AMENDING_VERB.search(line)
    colon = line.find(":", verb.end()) if verb is not None else -1
    return colon if colon >= 0 else None
