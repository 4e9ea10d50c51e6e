"""Repaired text → ``Treaty``: find the parts, in the order a treaty file lays them out.

front matter (draft mark, approving act, its "… бекітілген" stamp) → the agreement's
title → editorial notes ("… күшіне енді") → preamble (parties, recitals) up to
"төмендегілер туралы келісті:" → articles (in chapters and sections when the
text has them) → closing formula → signature blocks → annexes.

Every character of the repaired text that is not white space lands in exactly one
leaf of the tree (``ingest.tree.leaves`` walks them); text that fits no part
becomes a warning and stays in the part before it, never dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ingest import body as body_mod
from ingest import closing as closing_mod
from ingest import frontmatter as front_mod
from ingest.errors import IngestError
from ingest.kazakh import transliterate
from ingest.lines import Line, content, split_lines
from ingest.mapped import MappedText
from ingest.model import Annex, Approval, Signed, Treaty, Warning
from ingest.patterns import MONTH_ALT, is_structural_header, kk_re


def structure(mt: MappedText, *, source: str, sha256: str, encoding: str) -> Treaty:
    """The structured treaty of a repaired text. Raises ``IngestError`` when the text
    holds no article at all: whatever it is, it is not a treaty text."""
    text = mt.text
    lines = split_lines(text)
    warnings: list[Warning] = []

    agreed = next((ln.index for ln in lines if front_mod.AGREED.search(ln.text.strip())), None)
    search_from = agreed + 1 if agreed is not None else 0
    quoted = body_mod.quoted_lines(lines)
    headers = body_mod.find_headers(lines, search_from, len(lines), quoted)
    articles_headers = [h for h in headers if h.kind == "article"]
    if not articles_headers and agreed is None:
        salutation = _salutation(lines)
        if salutation is None:
            raise IngestError(
                source, "no articles found (no \"N-бап\" header, no \"… келісті:\" line, and not a letter: no \"Құрметті …:\")"
            )
        return _letter(mt, lines, salutation, quoted, source=source, sha256=sha256, encoding=encoding)

    # the title is before the preamble's end (or the first header)
    limit = agreed if agreed is not None else (headers[0].line.index if headers else len(lines))
    title_index = front_mod.find_title(lines, limit)
    if title_index is None:
        first = content(lines[:limit])
        if first:
            warnings.append(Warning(code="no-title", message="no line names the agreement before its preamble; its first line is taken as the title"))
            title_index = first[-1].index if len(first) == 1 else first[0].index
        else:
            warnings.append(Warning(code="no-title", message="the text has no title before its articles"))
    front = lines[:title_index] if title_index is not None else lines[:limit]
    approval, front_rest = front_mod.parse_approval(text, front)
    draft = front_mod.is_draft(front)

    preamble_end = agreed if agreed is not None else limit
    after_title = title_index + 1 if title_index is not None else limit
    notes, preamble_lines = front_mod.split_notes(content(lines[after_title:preamble_end]))
    if agreed is not None:
        preamble_lines.append(lines[agreed])
    preamble = tuple(ln.alinea() for ln in content(preamble_lines))

    # the end of the body: the closing formula, else the first annex, else the end
    last_header = articles_headers[-1].line.index if articles_headers else search_from
    annex_headers = closing_mod.find_annexes(lines, last_header + 1, len(lines))
    annex_floor = annex_headers[0] if annex_headers else len(lines)
    closing_index = closing_mod.find_closing(lines, last_header + 1, annex_floor)
    annex_begin = closing_mod.annex_start(lines, annex_headers[0], last_header) if annex_headers else len(lines)
    # the signature table ends the body, also when the closing formula comes after it
    body_end = _signature_start(lines, last_header + 1, closing_index if closing_index is not None else annex_begin)

    body_start = agreed + 1 if agreed is not None else (headers[0].line.index if headers else limit)
    articles, divisions, body_warnings = body_mod.build_articles(text, lines, headers, body_start, body_end, quoted)
    warnings.extend(body_warnings)
    if not articles:
        raise IngestError(source, "no articles found after the preamble")

    signed_first = closing_index if closing_index is not None and closing_index > body_end else body_end
    _, signatures_first = closing_mod.split_closing(text, lines[body_end:signed_first], has_formula=False)
    closing, signatures = closing_mod.split_closing(text, lines[signed_first:annex_begin], has_formula=closing_index is not None)
    signatures = [*signatures_first, *signatures]
    annexes = _annexes(text, lines, annex_headers, last_header)

    signed = closing_mod.signed(closing)
    if signed is None or signed.date is None:
        from_act = front_mod.signed_from_act(approval)
        if from_act is not None:
            signed = from_act if signed is None else type(signed)(date=from_act.date, place=signed.place or from_act.place)
    return _assemble(
        mt,
        lines[title_index] if title_index is not None else None,
        source=source,
        sha256=sha256,
        encoding=encoding,
        draft=draft,
        approval=approval,
        signed=signed,
        notes=notes,
        warnings=warnings,
        parties=front_mod.parties(list(preamble)),
        preamble=preamble,
        articles=tuple(articles),
        divisions=tuple(divisions),
        annexes=tuple(annexes),
        closing=closing,
        signatures=tuple(signatures),
        front_matter=tuple(ln.alinea() for ln in content(front_rest)),
        depositary=(closing.depositary if closing else None) or closing_mod.depositary_from_articles([a.text for a in articles]),
        languages=closing.languages if closing else (),
    )


def _assemble(
    mt: MappedText,
    title_line: Line | None,
    *,
    source: str,
    sha256: str,
    encoding: str,
    draft: bool,
    approval: Approval | None,
    signed: Signed | None,
    notes: list[Line],
    warnings: list[Warning],
    **parts: Any,
) -> Treaty:
    """The treaty of its parts, with what every shape shares: the id from the title and
    the dates, the title, the notes, the text and its source map."""
    title = title_line.text.strip() if title_line else ""
    return Treaty(
        id=treaty_id(title, signed.date if signed else None, approval.date if approval else None, draft),
        sha256=sha256,
        source=source,
        encoding=encoding,
        title=title,
        draft=draft,
        approval=approval,
        signed=signed,
        entry_into_force_date=front_mod.entry_into_force(notes),
        notes=tuple(ln.alinea() for ln in notes),
        title_span=title_line.span if title_line else None,
        warnings=tuple(warnings),
        text=mt.text,
        source_map=mt.runs(),
        **parts,
    )


_SALUTATION = kk_re(r"^\s*Құрметті\s+[^.;]{1,120}[:!,]\s*$", re.I)
""""Құрметті Сұлтанов мырза:": a letter begins its text here."""
_LETTER_CLOSE = kk_re(r"^\s*(?:(?:Шынайы\s+|Терең\s+)?құрметпен|Ізгі\s+ниетпен)\s*[,.]?\s*$|^\s*КЕЛІСІЛДІ\s*:?\s*$", re.I)
""""Құрметпен," (yours faithfully) or the countersignature's "КЕЛІСІЛДІ:": the letter's
text ends before it."""


def _salutation(lines: list[Line]) -> int | None:
    """The line a letter agreement opens its text with, if the text is one: a
    salutation followed, further on, by numbered paragraphs."""
    for line in lines:
        if _SALUTATION.match(line.text):
            after = lines[line.index + 1 :]
            if any(body_mod.PARAGRAPH_NUM.match(ln.text.strip()) for ln in after):
                return line.index
            return None
    return None


def _letter(
    mt: MappedText, lines: list[Line], salutation: int, quoted: frozenset[int], *, source: str, sha256: str, encoding: str
) -> Treaty:
    """A letter agreement, or any agreement made as a letter: no articles, no "…
    келісті:". Its subject line (the last line before the salutation that names an
    instrument) is the title, what stands above it the front matter (a ratification
    law, the letterhead), the salutation the preamble, its numbered paragraphs the body
    (``Treaty.paragraphs``; no article is invented), and from the complimentary close
    or the countersignature on, the signatures."""
    text = mt.text
    warnings: list[Warning] = []
    title_index = front_mod.find_subject(lines, salutation)
    if title_index is None:
        warnings.append(Warning(code="no-title", message="no line before the salutation names the agreement"))
    front = lines[:title_index] if title_index is not None else lines[:salutation]
    approval, front_rest = front_mod.parse_approval(text, front)
    after_title = title_index + 1 if title_index is not None else salutation
    notes, letterhead = front_mod.split_notes(content(lines[after_title:salutation]))
    close = next((ln.index for ln in lines[salutation + 1 :] if _LETTER_CLOSE.match(ln.text)), len(lines))
    annex_headers = closing_mod.find_annexes(lines, salutation + 1, len(lines))
    annex_begin = closing_mod.annex_start(lines, annex_headers[0], salutation) if annex_headers else len(lines)
    close = min(close, annex_begin)
    paragraphs = body_mod.build_paragraphs(text, lines[salutation + 1 : close], quoted)
    _, signatures = closing_mod.split_closing(text, lines[close:annex_begin], has_formula=False)
    return _assemble(
        mt,
        lines[title_index] if title_index is not None else None,
        source=source,
        sha256=sha256,
        encoding=encoding,
        draft=front_mod.is_draft(front),
        approval=approval,
        signed=front_mod.signed_from_act(approval),
        notes=notes,
        warnings=warnings,
        parties=(),
        preamble=(lines[salutation].alinea(),),
        articles=(),
        paragraphs=tuple(paragraphs),
        divisions=(),
        annexes=tuple(_annexes(text, lines, annex_headers, salutation)),
        closing=None,
        signatures=tuple(signatures),
        front_matter=tuple(ln.alinea() for ln in [*content(front_rest), *letterhead]),
    )


_SIGNATURE_LINE = kk_re(r"үшін\s*_*\s*$|_{5,}")


def _signature_start(lines: list[Line], start: int, end: int) -> int:
    """With no closing formula, the signature blocks still stay out of the last article:
    they start with the short unpunctuated lines ("Қазақстан Республикасының") above the
    first "… үшін" / "______" line after the last article."""
    for line in lines[start:end]:
        if _SIGNATURE_LINE.search(line.text):
            first = line.index
            while first - 1 > start:
                above = lines[first - 1].text.strip()
                if above and (len(above) > 100 or above[-1] in ".;:" or is_structural_header(above)):
                    break
                first -= 1
            while first < line.index and not lines[first].text.strip():
                first += 1
            return first
    return end


def _annexes(text: str, lines: list[Line], headers: list[int], floor: int) -> list[Annex]:
    annexes: list[Annex] = []
    starts = []
    for header in headers:
        starts.append(closing_mod.annex_start(lines, header, max(floor, starts[-1] if starts else floor)))
    for i, header in enumerate(headers):
        end = starts[i + 1] if i + 1 < len(headers) else len(lines)
        annexes.append(closing_mod.build_annex(text, lines, starts[i], header, end))
    return annexes


_DATE_WORD = kk_re(rf"^(?:жылғы|(?:{MONTH_ALT})\w*)$", re.IGNORECASE)
"""The words of a date ("2015 жылғы 12 маусымдағы келісімге"): an amending instrument's
title dates the act it amends, and a date is no subject."""
_TOPIC_STOP = {"туралы", "келісім", "келісімі", "шарт", "хаттама", "конвенция", "және", "мен", "бен", "пен", "арасындағы", "kelisim"}


def treaty_id(title: str, signed: str | None, approved: str | None, draft: bool) -> str:
    """A stable, readable identifier: the year and the agreement's subject, as in
    "2017-kupiia-akparatty-ozara-korgau". Built from what the text says, so the same
    treaty gets the same id in every build."""
    year = (signed or approved or "")[:4] or ("draft" if draft else "undated")
    subject = title
    for marker in (" арасындағы ", " шеңберінде ", " саласында "):
        if marker in subject:
            subject = subject.rsplit(marker, 1)[1]
    words = [w for w in re.findall(r"[^\W\d_]+", subject.lower()) if w not in _TOPIC_STOP and not _DATE_WORD.match(w)]
    slug = "-".join(transliterate(w) for w in words[-6:])
    slug = re.sub(r"[^a-z0-9-]+", "", slug).strip("-") or "agreement"
    return f"{year}-{slug}"
