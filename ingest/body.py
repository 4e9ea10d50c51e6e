"""The agreement's body: chapters and sections, articles, numbered paragraphs, points.

Keys on the language's own markers: "N-бап" opens an article (its heading, when the
text has one, is the short unpunctuated line after it), "N." a paragraph, "N)",
"а)" and dashes a point, and a line ending with a colon opens a list whose
unmarked items run until one ends with a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line, content, span_of, text_of
from ingest.model import Alinea, Article, Division, Paragraph, Point, Span, Warning
from ingest.patterns import (
    ARTICLE_HEADER,
    CHAPTER_HEADER,
    SECTION_HEADER,
    amendment_colon,
    article_number,
    article_order,
    is_structural_header,
    kk_re,
    quotation_length,
)

PARAGRAPH_NUM = re.compile(r"^(?P<num>\d{1,3})\.(?!\d)\s*(?=\S)")
NUMBER_POINT = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})?)\)\s*")
"""A numbered point: "1)", or under paragraph 3 "3.1)" (the paragraph's number, then
the point's)."""
LETTER_POINT = kk_re(r"^(?P<num>[а-яәғқңөұүһіa-z])\)\s*")
"""A lettered point, Cyrillic ("а)", "б)") or Latin ("a)", "b)": treaties drafted in
English are often translated with their Latin point letters)."""
DASH_POINT = re.compile(r"^[–—-]\s*(?=\S)")


@dataclass(frozen=True, slots=True)
class Header:
    """A header line found in the body: article, chapter or section."""

    kind: str
    num: str
    heading: str | None
    line: Line


def quoted_lines(lines: list[Line]) -> frozenset[int]:
    """Indexes of the lines that continue a quotation an amendment item opened: the
    text an amending instrument puts into another act ("1) 5-бап мынадай редакцияда
    жазылсын:" / "«5-бап. …" / "1. …" / "2. …».";"). That text belongs to the item
    that quotes it: its "N-бап", "N." and "N)" are the amended act's, never headers,
    paragraphs or points of the instrument. A quotation that never closes is none."""
    body = content(lines)
    quoted: set[int] = set()
    i = 0
    while i < len(body):
        colon = amendment_colon(body[i].text)
        if colon is None:
            i += 1
            continue
        after = body[i].text[colon + 1 :].strip()
        if after:  # the quotation opens on the item's own line
            n = quotation_length([after, *(ln.text for ln in body[i + 1 :])])
            covered = body[i + 1 : i + n]
        else:
            n = quotation_length([ln.text for ln in body[i + 1 :]])
            covered = body[i + 1 : i + 1 + n]
        quoted.update(ln.index for ln in covered)
        i += 1 + len(covered)
    return frozenset(quoted)


def find_headers(lines: list[Line], start: int, end: int, quoted: frozenset[int] = frozenset()) -> list[Header]:
    headers: list[Header] = []
    for line in lines[start:end]:
        text = line.text.strip()
        if not text or line.index in quoted or not is_structural_header(text):
            continue
        for kind, pattern in (("article", ARTICLE_HEADER), ("chapter", CHAPTER_HEADER), ("section", SECTION_HEADER)):
            match = pattern.match(text)
            if match:
                num = match.group("num") or (match.groupdict().get("num2") or "")
                if kind == "article":
                    num = article_number(num)
                headers.append(Header(kind, num, _clean_heading(match.group("heading")), line))
                break
    return headers


def _clean_heading(heading: str | None) -> str | None:
    if heading is None:
        return None
    heading = heading.strip().lstrip(".:–- ").strip()
    return heading or None


def _is_heading_line(line: Line, following: list[Line]) -> bool:
    """The short unpunctuated line after "N-бап" is its heading, if the article has
    more text after it."""
    text = line.text.strip()
    if not text or text == "\t" or len(text) > 250 or not following:
        return False
    if text[-1] in ".:;,)" or not (text[0].isupper() or text[0] == '"'):
        return False
    if PARAGRAPH_NUM.match(text) or NUMBER_POINT.match(text) or LETTER_POINT.match(text) or DASH_POINT.match(text):
        return False
    return not is_structural_header(text)


def build_articles(
    text: str, lines: list[Line], headers: list[Header], body_start: int, body_end: int, quoted: frozenset[int] = frozenset()
) -> tuple[list[Article], list[Division], list[Warning]]:
    """Articles and divisions from the body lines ``[body_start, body_end)``."""
    warnings: list[Warning] = []
    articles: list[Article] = []
    divisions: list[Division] = []
    article_headers = [h for h in headers if h.kind == "article"]
    chapter: str | None = None
    section: str | None = None
    open_divisions: dict[str, tuple[Header, list[str], int]] = {}
    outer: str | None = None

    # an article whose header is missing: text between the preamble's end and the first header
    first_index = headers[0].line.index if headers else body_end
    lead = content(lines[body_start:first_index])
    if lead and article_headers:
        first_num = int(article_headers[0].num) if article_headers[0].num.isdigit() else 2
        num = str(max(first_num - 1, 1))
        articles.append(_article(text, num, None, True, None, None, lead, None, None, quoted))
        if first_num > 2:
            warnings.append(Warning(code="implicit-article-number", message=f"text before article {first_num} taken as article {num}; its number is not in the text", span=span_of(lead)))
        else:
            warnings.append(Warning(code="implicit-article", message=f"article {num} has no header in the text", span=span_of(lead)))

    for i, header in enumerate(headers):
        next_index = headers[i + 1].line.index if i + 1 < len(headers) else body_end
        block = lines[header.line.index + 1 : next_index]
        if header.kind in ("chapter", "section"):
            heading = header.heading
            heading_line = None
            rest = content(block)
            if heading is None and rest and _is_heading_line(rest[0], rest[1:] or [rest[0]]) and not is_structural_header(rest[0].text):
                heading_line = rest[0]
                heading = rest[0].text.strip()
            # the kind met first is the outer one: "бөлім" holds chapters in one treaty,
            # "тарау" holds sections in another; a new outer division closes the inner one
            outer = outer or header.kind
            inner = "section" if outer == "chapter" else "chapter"
            _close(open_divisions, divisions, header.kind, text)
            if header.kind == outer:
                _close(open_divisions, divisions, inner, text)
            if header.kind == "section":
                section = header.num
                chapter = None if outer == "section" else chapter
            else:
                chapter = header.num
                section = None if outer == "chapter" else section
            end = heading_line.end if heading_line else header.line.end
            open_divisions[header.kind] = (Header(header.kind, header.num, heading, header.line), [], end)
            continue
        heading = header.heading
        heading_line = None
        body = content(block)
        if heading is None and body and _is_heading_line(body[0], body[1:]):
            heading_line = body[0]
            heading = body[0].text.strip()
            body = body[1:]
            # a heading wrapped onto a second line in a file that was not unwrapped
        articles.append(_article(text, header.num, heading, False, header.line, heading_line, body, chapter, section, quoted))
        for kind in ("chapter", "section"):
            if kind in open_divisions:
                open_divisions[kind][1].append(header.num)
    for kind in ("chapter", "section"):
        _close(open_divisions, divisions, kind, text)
    warnings.extend(_numbering_warnings(articles))
    divisions.sort(key=lambda d: d.span.start)
    return articles, divisions, warnings


def _close(open_divisions: dict[str, tuple[Header, list[str], int]], divisions: list[Division], kind: str, text: str) -> None:
    if kind not in open_divisions:
        return
    header, nums, end = open_divisions.pop(kind)
    divisions.append(
        Division(kind=kind, num=header.num, heading=header.heading, span=Span(header.line.start, end), articles=tuple(nums))  # type: ignore[arg-type]
    )


def _numbering_warnings(articles: list[Article]) -> list[Warning]:
    """Numbers that skip or go back. An inserted article ("1-1", "1А") follows the
    article it is numbered after, or another inserted one after it, and does not move
    the count: "1, 1-1, 2" and "1, 1А, 1Б, 2" run on; "1, 3" skips; "2, 1-1" goes back."""
    warnings = []
    previous: tuple[int, int] | None = None
    previous_num = ""
    for article in articles:
        order = article_order(article.num)
        if order is None:
            continue
        num, inserted = order
        if previous is not None:
            if inserted:
                ok = num == previous[0] and inserted > previous[1]
            else:
                ok = num == previous[0] + 1
            if not ok:
                kind = "article-number-skip" if order > previous else "article-number-order"
                warnings.append(
                    Warning(code=kind, message=f"article {article.num} follows article {previous_num}", span=article.header_span or article.span)
                )
        previous, previous_num = order, article.num
    return warnings


def _article(
    text: str,
    num: str,
    heading: str | None,
    implicit: bool,
    header: Line | None,
    heading_line: Line | None,
    body: list[Line],
    chapter: str | None,
    section: str | None,
    quoted: frozenset[int] = frozenset(),
) -> Article:
    body = content(body)
    paragraphs = build_paragraphs(text, body, quoted)
    span_start = header.start if header else (body[0].start if body else 0)
    span_end = body[-1].end if body else (heading_line.end if heading_line else (header.end if header else span_start))
    return Article(
        num=num,
        heading=heading,
        implicit=implicit,
        text=text_of(text, body) if body else "",
        span=Span(span_start, span_end),
        header_span=header.span if header else None,
        heading_span=heading_line.span if heading_line else None,
        paragraphs=tuple(paragraphs),
        chapter=chapter,
        section=section,
    )


def _point(line: Line) -> Point | None:
    text = line.text.strip()
    for pattern, kind in ((NUMBER_POINT, "number"), (LETTER_POINT, "letter")):
        match = pattern.match(text)
        if match:
            return Point(num=match.group("num"), kind=kind, text=text, span=line.span)  # type: ignore[arg-type]
    if DASH_POINT.match(text):
        return Point(num=None, kind="dash", text=text, span=line.span)
    return None


def build_paragraphs(text: str, body: list[Line], quoted: frozenset[int] = frozenset()) -> list[Paragraph]:
    """Numbered paragraphs, and the unnumbered text before the first one, with their
    alineas and points in order. A line of quoted text (``quoted_lines``) stays in the
    paragraph that quotes it."""
    groups: list[tuple[str | None, list[Line]]] = []
    expected = 1
    for line in body:
        match = PARAGRAPH_NUM.match(line.text.strip()) if line.index not in quoted else None
        if match and int(match.group("num")) >= expected and (int(match.group("num")) == expected or groups):
            groups.append((match.group("num"), [line]))
            expected = int(match.group("num")) + 1
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append((None, [line]))
    return [_paragraph(text, num, lines, quoted) for num, lines in groups if content(lines)]


def _paragraph(text: str, num: str | None, lines: list[Line], quoted: frozenset[int] = frozenset()) -> Paragraph:
    """Split a paragraph's lines into alineas and points.

    Marked points ("1)", "а)") are points wherever they stand; a dash item is one
    inside a list (after a line ending with ":" or ";"); an unmarked line is an item
    of a list introduced by a colon until an item closes the list with a full stop. A
    line of quoted text is an alinea whatever its marks: the amended act's points are
    not the paragraph's.
    """
    alineas: list[Alinea] = []
    points: list[Point] = []
    in_list = False
    list_marked = False
    previous_end = ""
    for line in content(lines):
        stripped = line.text.strip()
        if stripped == "\t":
            continue
        if line.index in quoted:
            alineas.append(line.alinea())
            in_list, list_marked, previous_end = False, False, ""  # the colon introduced the quotation
            continue
        point = _point(line)
        last = stripped[-1:]
        if point is not None and (point.kind != "dash" or in_list or previous_end in (":", ";")):
            points.append(point)
            in_list, list_marked = last != ".", True
        elif in_list and not list_marked and last in ";.:" and not _is_table_row(stripped):
            points.append(Point(num=None, kind="item", text=stripped, span=line.span))
            in_list = last != "."
        else:
            alineas.append(line.alinea())
            in_list, list_marked = False, False
        if last == ":":
            in_list, list_marked = True, list_marked and point is not None
        previous_end = last
    body = content(lines)
    return Paragraph(
        num=num,
        text=text_of(text, body),
        span=span_of(body),
        alineas=tuple(alineas),
        points=tuple(points),
    )


def _is_table_row(line: str) -> bool:
    """A row of quoted cells (a classification table printed inline)."""
    return line.count('"') >= 4 and not line.rstrip().endswith(";")
