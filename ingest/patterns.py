"""Patterns of Kazakh legal text that both repair and structure key on.

Everything here follows the language and the conventions of the legal database
("N-бап", "N-тарау", "N-қосымша", "2017 жылғы 18 сәуірде"), never a file.
"""

from __future__ import annotations

import re

KK_UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"
KK_LOWER = "а-яёәғқңөұүһі"
KK_LETTER = f"[{KK_UPPER}{KK_LOWER}]"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

ROMAN = r"[IVXLCDM]+"

# "1-бап", " 2-бап", "16-бап. Heading", "5-бап Heading", "Бап 5", "3 бап"
ARTICLE_HEADER = re.compile(
    rf"^[ \t]*(?:(?P<num>\d+)(?:-|\s)?бап\b[.:]?|Бап\s+(?P<num2>\d+)\.?)(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)
# "I тарау", "1-тарау.", "ІІ ТАРАУ", "2-тарау Heading"
CHAPTER_HEADER = re.compile(
    rf"^[ \t]*(?P<num>\d+|{ROMAN}|[ІI]+)(?:-|\s)?(?:тарау|ТАРАУ)\b[.:]?(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)
SECTION_HEADER = re.compile(
    rf"^[ \t]*(?P<num>\d+|{ROMAN}|[ІI]+)(?:-|\s)?(?:бөлім|БӨЛІМ)\b[.:]?(?:[ \t]+(?P<heading>\S.*?))?[ \t]*$"
)
# "1-қосымша", "Қосымша", "2 қосымша"
ANNEX_HEADER = re.compile(r"^[ \t]*(?:(?P<num>\d+)(?:-|\s)?қосымша|(?P<bare>Қосымша|ҚОСЫМША))[ \t]*$")

STRUCTURAL_HEADERS = (ARTICLE_HEADER, CHAPTER_HEADER, SECTION_HEADER, ANNEX_HEADER)


def is_structural_header(line: str) -> bool:
    """A line that opens a chapter, section, article or annex; never part of running text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return False
    return any(p.match(stripped) for p in STRUCTURAL_HEADERS) and not _looks_like_sentence(stripped)


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
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
# "2017 жылғы 18 сәуірде", "2013 жылғы 25 қазандағы", "2017 жылғы 3 қарашада",
# also with the stem softened before a vowel ending: "наурызда", "ақпанда"
DATE = re.compile(
    rf"(?P<year>\d{{4}})\s*ж(?:ылғы|\.)\s+(?P<day>\d{{1,2}})\s*[-–]?\s*(?P<month>{_MONTH_ALT})\w*",
    re.IGNORECASE,
)


def iso_date(match: re.Match[str]) -> str | None:
    """``YYYY-MM-DD`` from a ``DATE`` match, or None for an impossible date."""
    year, day = int(match.group("year")), int(match.group("day"))
    month = MONTHS[match.group("month").lower()]
    if not (1 <= day <= 31 and 1800 <= year <= 2200):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


TERMINAL = ".:;!?"
WORD = re.compile(rf"[^\W\d_]+(?:-[^\W\d_]+)*")
