"""What follows the last article: the closing formula, the signature blocks, the annexes."""

from __future__ import annotations

import re

from ingest.kazakh import LANGUAGE_WORD, language_code, read_number, strip_locative
from ingest.kk.lex_attrs import CARDINALS, ORDINALS, number_value
from ingest.lines import Line, content, span_of, text_of
from ingest.model import Alinea, Annex, Closing, Signed, Span, Table
from ingest.patterns import ANNEX_HEADER, DATE, MONTH_ALT, iso_date, kk_re, month_number

_CLOSING_VERB = kk_re(r"\b(?:жасалды|жасалған|қол\s+қойылды)\b|\bқаласында\b.*\bдана", re.I)
_CLOSING_HINT = kk_re(r"дана|қаласында|жылғы|тілінде|тілдерінде|[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+?(?:да|де|та|те)\s")
_ORIGINALS = kk_re(r"(?P<count>\d+|[а-яәғқңөұүһі]+)\s*(?:\([^)]*\)\s*)?(?:төлнұсқа|түпнұсқа)?\s*данада|(?P<count2>\d+|[а-яәғқңөұүһі]+)\s+(?:төлнұсқа|түпнұсқа)\s+дана\b", re.I)
_PLACE = kk_re(r"(?P<place>[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+(?:\s+[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+)?)\s+қаласында|(?P<loc>[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+?(?:да|де|та|те))\s+(?:\S+\s+){0,8}?(?i:жасалды)")
_PREVAILING = kk_re(r"(?P<lang>\w+)\s+тіліндегі\s+мәтін(?:ге|ді|\s+басым)", re.I)
_LANGUAGE_LIST = kk_re(r"(?P<langs>(?:[а-яәғқңөұүһі]+(?:,\s*|\s+және\s+|\s+мен\s+)){0,6}[а-яәғқңөұүһі]+)\s+тілдерінде|(?P<one>[а-яәғқңөұүһі]+)\s+тілінде", re.I)
_KEPT_BY = kk_re(r"(?:данасы|дана)\s+(?P<where>.+?)\s+сақталады")
_CAPTION_END = kk_re(r"(?:келісімге|шартқа|хаттамаға|конвенцияға|меморандумға|Келісімге|Шартқа|Хаттамаға|Конвенцияға)\s*$")
_SIGNATURE = kk_re(r"үшін\b|_{3,}|^\s*(?:[А-ЯӘҒҚҢӨҰҮҺІ][\w-]*\s*){1,4}$")


_CARDINAL = "|".join(sorted(CARDINALS, key=len, reverse=True))
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_NUMBER_IN_WORDS = rf"(?:(?:{_CARDINAL})\s+){{0,5}}(?:{_ORDINAL})"
DATE_IN_WORDS = kk_re(
    rf"(?<![\w-])(?P<year>\d{{4}}|{_NUMBER_IN_WORDS})\s+жылғы\s+[«\"“]?(?P<day>\d{{1,2}}|{_NUMBER_IN_WORDS})[»\"”]?\s+(?P<month>{MONTH_ALT})\w*",
    re.IGNORECASE,
)
"""A date written in words, as a solemn closing formula writes it: "екі мың он
сегізінші жылғы он бесінші наурызда" (the two thousand and eighteenth year, the
fifteenth of March); also with the year or the day in digits."""


def closing_date(text: str) -> str | None:
    """The ISO date of a closing formula: the first date, in digits ("2018 жылғы 15
    наурызда") or in words ("екі мың он сегізінші жылғы он бесінші наурызда")."""
    found = [(m.start(), iso_date(m)) for m in DATE.finditer(text)]
    for m in DATE_IN_WORDS.finditer(text):
        year, day = number_value(m.group("year").lower()), number_value(m.group("day").lower())
        month = month_number(m.group("month"))
        if year and day and month and 1800 <= year <= 2200 and 1 <= day <= 31:
            found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    dated = sorted((start, iso) for start, iso in found if iso)
    return dated[0][1] if dated else None


def find_closing(lines: list[Line], start: int, end: int) -> int | None:
    """The first line of the closing formula ("… қаласында … данада жасалды") in ``[start, end)``."""
    for line in lines[start:end]:
        text = line.text.strip()
        if text and _CLOSING_VERB.search(text) and _CLOSING_HINT.search(text):
            return line.index
    return None


def split_closing(text: str, lines: list[Line], has_formula: bool = True) -> tuple[Closing | None, list[Alinea]]:
    """The closing formula's sentences, then the signature blocks (all signatures when
    the text has no closing formula)."""
    body = content(lines)
    if not body:
        return None, []
    if not has_formula:
        return None, [ln.alinea() for ln in body if ln.text.strip() != "\t"]
    formula: list[Line] = []
    for line in body:
        stripped = line.text.strip()
        if stripped == "\t":
            if formula:
                break
            continue
        if formula and (_SIGNATURE.search(stripped) or not stripped.endswith((".", ";"))):
            break
        formula.append(line)
    signatures = [ln.alinea() for ln in body if ln not in formula and ln.text.strip() != "\t"]
    if not formula:
        return None, signatures
    closing_text = text_of(text, formula)
    return _read_closing(closing_text, span_of(formula)), signatures


def _read_closing(text: str, span: Span) -> Closing:
    place = None
    match = _PLACE.search(text)
    if match:
        place = match.group("place") or strip_locative(match.group("loc"))
        if place and not re.search(r"[^\W\d_]{2,}", place):
            place = None
    originals = None
    count = _ORIGINALS.search(text)
    if count:
        originals = read_number(count.group("count") or count.group("count2"))
    languages: list[str] = []
    lang_match = _LANGUAGE_LIST.search(text)
    if lang_match:
        for word in LANGUAGE_WORD.finditer(lang_match.group(0)):
            code = language_code(word.group(1))
            if code and code not in languages:
                languages.append(code)
    prevailing = None
    prev = _PREVAILING.search(text)
    if prev:
        prevailing = language_code(prev.group("lang"))
    depositary = None
    kept = _KEPT_BY.search(text)
    if kept:
        depositary = _depositary(kept.group("where"))
    return Closing(
        text=text,
        span=span,
        date=closing_date(text),
        place=place,
        originals=originals,
        languages=tuple(languages),
        prevailing=prevailing,
        depositary=depositary,
    )


def _depositary(where: str) -> str | None:
    """"… жіберетін Еуразиялық … Интеграциялық Комитетінде" → "Еуразиялық … Интеграциялық
    Комитеті": the keeper of the original, without the clause that describes it."""
    words = where.split()
    for i in range(len(words) - 1, -1, -1):
        if re.search(r"(?:тын|тін|атын|етін|йтын|йтін|ған|ген),?$", words[i]) and i < len(words) - 1:
            words = words[i + 1 :]
            break
    if not words:
        return None
    words[-1] = re.sub(r"(?<=[ыіаеуюя])(?:нда|нде)$|(?<=[^ыіаеуюя])(?:да|де|та|те)$", "", words[-1])
    result = " ".join(words).strip(" ,")
    if result.lower().startswith("депозитари"):
        return None
    return result


def signed(closing: Closing | None) -> Signed | None:
    if closing is None or (closing.date is None and closing.place is None):
        return None
    return Signed(date=closing.date, place=closing.place)


def find_annexes(lines: list[Line], start: int, end: int) -> list[int]:
    """Line indexes of annex headers ("1-қосымша") in ``[start, end)``."""
    return [ln.index for ln in lines[start:end] if ANNEX_HEADER.match(ln.text.strip())]


def annex_start(lines: list[Line], header_index: int, floor: int) -> int:
    """Where an annex begins: its caption ("… келісімге" above "1-қосымша") when present."""
    i = header_index - 1
    while i > floor and lines[i].blank:
        i -= 1
    if i > floor and _CAPTION_END.search(lines[i].text.strip()):
        return i
    return header_index


def build_annex(text: str, lines: list[Line], start: int, header_index: int, end: int) -> Annex:
    header = ANNEX_HEADER.match(lines[header_index].text.strip())
    assert header is not None
    num = header.group("num") or header.group("num2") or "1"
    caption_lines = content(lines[start:header_index])
    captions = [ln.text.strip() for ln in caption_lines if ln.text.strip() != "\t"]
    if header.group("caption"):  # "Келісімге 1-қосымша": the caption on the header's line
        captions.append(header.group("caption").strip())
    caption = " ".join(captions) or None
    rest = [ln for ln in content(lines[header_index + 1 : end]) if ln.text.strip() != "\t"]
    title = rest[0].text.strip() if rest else None
    body = rest[1:] if rest else []
    tables = _tables(lines[header_index + 1 : end])
    return Annex(
        num=num,
        title=title,
        text=text_of(text, body) if body else "",
        span=Span(lines[start].start, (content(lines[start:end]) or [lines[header_index]])[-1].end),
        caption=caption,
        tables=tuple(tables),
    )


def _tables(lines: list[Line]) -> list[Table]:
    """Tables exported as cells that each follow a line holding only a tab, rows
    separated by blank lines."""
    tables: list[Table] = []
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    start = end = None
    expecting_cell = False
    for line in lines:
        if line.text.strip() == "" and line.text != "\t":
            if row:
                rows.append(tuple(row))
                row = []
            expecting_cell = False
            continue
        if line.text == "\t" or line.text.strip() == "" :
            expecting_cell = True
            start = line.start if start is None else start
            continue
        if expecting_cell:
            row.append(line.text.strip())
            end = line.end
            expecting_cell = False
        else:
            if row:
                rows.append(tuple(row))
                row = []
            if len(rows) >= 2 and start is not None and end is not None:
                tables.append(Table(rows=tuple(rows), span=Span(start, end)))
            rows, start, end = [], None, None
    if row:
        rows.append(tuple(row))
    if len(rows) >= 2 and start is not None and end is not None:
        tables.append(Table(rows=tuple(rows), span=Span(start, end)))
    return tables


_DEPOSITARY_CLAUSE = kk_re(r"(?:^|[.;]\s+)(?P<who>[А-ЯӘҒҚҢӨҰҮҺІ][^.;:]{2,150}?)\s+(?:осы\s+\w+\s+)?депозитарийі\s+болып\s+табылады")


def depositary_from_articles(texts: list[str]) -> str | None:
    """"Орталықтың болатын мемлекеті осы Келісімнің депозитарийі болып табылады": the
    depositary an article names, when the closing formula only says "депозитарийде"."""
    for text in texts:
        match = _DEPOSITARY_CLAUSE.search(text)
        if match:
            return match.group("who").strip()
    return None
