"""Presentation helpers for the Jinja templates: turning the parse models into the
blocks a reader sees. Kept in Python, not template logic, so it can be tested and so
the templates stay markup.

The parser may or may not leave a printed label ("1.", "а)") at the start of a
paragraph or point text; the page prints the label itself and strips a repeat, the
same rule ``ingest.akn`` follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import Environment

from api.anchors import (
    BODY_ANCHOR,
    article_anchor,
    article_anchors,
    bare,
    paragraph_anchor,
    paragraph_anchors,
    provision_href,
)
from api.marks import reader_marks
from ingest.model import (
    Alinea,
    Annex,
    Approval,
    Article,
    Division,
    Paragraph,
    Point,
    Table,
    Treaty,
)

_DASHES = ("-", "–", "—")


@dataclass(frozen=True, slots=True)
class Block:
    """One line of a paragraph as rendered: running text or a list point, with its label."""

    kind: Literal["alinea", "point"]
    label: str
    text: str
    point_kind: str | None = None
    start: int | None = None
    """Where ``text`` starts in ``Treaty.text`` (None when it could not be placed): what
    lets the page mark the parser's spans (references, defined terms) inside it."""


def lines(text: str | None) -> list[str]:
    """Non-blank lines of ``text``, each stripped: one ``<p>`` apiece."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def placed_lines(text: str, start: int | None) -> list[Block]:
    """``lines`` of a ``text`` that starts at ``start`` in ``Treaty.text``, each as a
    block that knows where it starts there."""
    out: list[Block] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        if line:
            at = None if start is None else start + pos + (len(raw) - len(raw.lstrip()))
            out.append(Block("alinea", "", line, start=at))
        pos += len(raw)
    return out


def tail_start(raw: str, raw_start: int | None, shown: str) -> int | None:
    """Where ``shown`` starts in ``Treaty.text``, ``shown`` being ``raw`` (which starts at
    ``raw_start``) with its head cut off (spaces, a label, a dash) and its tail's
    spaces: None when it is not that."""
    body = raw.rstrip()
    if raw_start is None or not body.endswith(shown):
        return None
    return raw_start + len(body) - len(shown)


def unlabel(text: str, label: str) -> str:
    """``text`` without a leading ``label`` that the page prints separately."""
    text = text.strip()
    if label and text.startswith(label) and (len(text) == len(label) or text[len(label)].isspace()):
        return text[len(label) :].lstrip()
    return text


def paragraph_label(paragraph: Paragraph) -> str:
    num = bare(paragraph.num)
    return f"{num}." if num else ""


def _point_block(point: Point) -> Block:
    text = point.text.strip()
    label = ""
    if point.kind in ("number", "letter") and bare(point.num):
        label = f"{bare(point.num)})"
        text = unlabel(text, label)
    elif point.kind == "dash":
        label = "–"
        for dash in _DASHES:
            if text.startswith(dash):
                text = text[len(dash) :].lstrip()
                break
    return Block("point", label, text, point.kind, tail_start(point.text, point.span.start, text))


def paragraph_blocks(paragraph: Paragraph) -> list[Block]:
    """Alineas and points in text order (their spans tile the paragraph); a paragraph
    the parser did not split is its text, line by line. The paragraph's own label is
    stripped from the first line, since the page prints it in the margin."""
    items: list[tuple[int, Block]] = [
        (a.span.start, Block("alinea", "", a.text.strip(), start=tail_start(a.text, a.span.start, a.text.strip())))
        for a in paragraph.alineas
        if a.text.strip()
    ]
    items += [(p.span.start, _point_block(p)) for p in paragraph.points]
    blocks = [b for _, b in sorted(items, key=lambda item: item[0])]
    if not blocks:
        blocks = placed_lines(paragraph.text, paragraph.span.start)
    label = paragraph_label(paragraph)
    if label and blocks and blocks[0].kind == "alinea":
        first = blocks[0]
        text = unlabel(first.text, label)
        blocks[0] = Block("alinea", "", text, start=tail_start(first.text, first.start, text))
    return blocks


def article_lines(treaty: Treaty, article: Article) -> list[Block]:
    """The text of an article the parser did not split into paragraphs, line by line,
    each line placed in ``Treaty.text`` (the article's ``text`` is its body, found
    inside its span, which also holds the header)."""
    at = treaty.text.find(article.text, article.span.start, article.span.end) if article.text else -1
    return placed_lines(article.text, at if at >= 0 else None)


def division_starts(treaty: Treaty) -> dict[str, list[Division]]:
    """First article number of each chapter or section → the divisions opening there,
    so the page can print the division heading above that article."""
    starts: dict[str, list[Division]] = {}
    for division in sorted(treaty.divisions, key=lambda d: d.span.start):
        if division.articles:
            starts.setdefault(division.articles[0], []).append(division)
    return starts


def division_label(division: Division) -> str:
    word = "тарау" if division.kind == "chapter" else "бөлім"
    num = " ".join(division.num.split())
    return f"{num}-{word}" if num.isdigit() else f"{num} {word}".strip()


def approval_line(approval: Approval | None) -> str:
    """"<issuer> <type>, <date>, № <number>": the approving act as one citation line."""
    if approval is None:
        return ""
    parts = [" ".join(p for p in (approval.issuer, approval.type) if p)]
    if approval.date:
        parts.append(approval.date)
    if approval.number:
        parts.append(f"№ {approval.number}")
    return ", ".join(p for p in parts if p)


def alinea_texts(alineas: Iterable[Alinea]) -> list[str]:
    return [line for a in sorted(alineas, key=lambda a: a.span.start) for line in lines(a.text)]


@dataclass(frozen=True, slots=True)
class AnnexBlock:
    """One piece of an annex body: a line of text, or a table in its place."""

    text: str = ""
    table: Table | None = None


def annex_blocks(treaty: Treaty, annex: Annex) -> list[AnnexBlock]:
    """The annex body with each table printed once, where it stands. ``Annex.text``
    includes the table cells as lines; those lines are located through the spans
    (tables' spans are offsets into ``Treaty.text``) and replaced by the table. If the
    text cannot be located, the lines come first and the tables after them."""
    text_lines = [AnnexBlock(text=line) for line in lines(annex.text)]
    if not annex.tables:
        return text_lines
    tables = sorted(annex.tables, key=lambda t: t.span.start)
    base = treaty.text.find(annex.text, annex.span.start, annex.span.end) if annex.text else -1
    if base < 0:
        return text_lines + [AnnexBlock(table=t) for t in tables]
    out: list[AnnexBlock] = []
    placed: set[int] = set()
    pos = base
    for raw in annex.text.splitlines(keepends=True):
        start, pos = pos, pos + len(raw)
        inside = next((i for i, t in enumerate(tables) if t.span.start <= start < t.span.end), None)
        if inside is None:
            if raw.strip():
                out.append(AnnexBlock(text=raw.strip()))
        elif inside not in placed:
            placed.add(inside)
            out.append(AnnexBlock(table=tables[inside]))
    out += [AnnexBlock(table=t) for i, t in enumerate(tables) if i not in placed]
    return out


def clause_label(type_id: str) -> str:
    """A clause type as a page names it: its Kazakh label (Russian and English in the
    title attribute the templates add), the id for an unknown type."""
    from ingest.extract.clause_labels import label

    return label(type_id)


MODALITY_LABELS: dict[str, str] = {"obligation": "міндеттеме", "permission": "құқық", "prohibition": "тыйым"}
"""What a page calls each modality of ``kb.extracted.MODALITIES``."""

MODE_LABELS: dict[str, str] = {"keyword": "сөздер бойынша", "semantic": "мағынасы бойынша", "hybrid": "аралас"}
"""What the search form calls each search mode (the value sent stays the mode's id)."""

STATUS_LABELS: dict[str, str] = {"found": "бар", "absent": "жоқ", "inconclusive": "анықталмады"}
"""A matrix cell's status as a page writes it (``kb.clause_matrix.Status``)."""

DRIFT_LABELS: dict[str, str] = {"same": "бірдей", "wording": "тек тұжырымы басқа", "substance": "мазмұны басқа"}
"""How a definition differs from the baseline (``kb.concepts.Drift``)."""

_UNITS = {"day": "күн", "month": "ай", "year": "жыл"}


def modality_label(modality: str) -> str:
    return MODALITY_LABELS.get(modality, modality)


def deadline_label(value: int | None = None, unit: str | None = None, immediate: bool = False) -> str:
    """A time limit in Kazakh: "30 күн", "дереу" (immediately); "" for none."""
    if immediate:
        return "дереу"
    if value is None:
        return ""
    return f"{value} {_UNITS.get(unit or '', unit or '')}".strip()


def duty_deadline(text: str | None) -> str:
    """A profile duty's deadline ("30 day", "1 month", "immediately", from
    ``kb.profile``) in Kazakh."""
    if not text:
        return ""
    if text == "immediately":
        return "дереу"
    value, _, unit = text.partition(" ")
    return deadline_label(int(value), unit) if value.isdigit() else text


ATTRIBUTE_LABELS: dict[str, str] = {
    "article": "бап",
    "levels": "құпиялылық дәрежелері",
    "methods": "шешу тәсілдері",
    "escalation": "келесі саты",
    "forum": "орган",
    "after_months": "неше айдан кейін",
    "obligations_continue": "міндеттемелер дау кезінде де орындалады",
    "notice_months": "хабарлау мерзімі, ай",
    "survival": "міндеттемелер шыққаннан кейін де сақталады",
    "notification": "қай хабарламадан",
    "delay_days": "содан кейін, күн",
    "indefinite": "мерзімсіз",
    "years": "мерзімі, жыл",
    "renewal_years": "ұзартылады, жыл",
    "by_protocol": "хаттамамен",
    "own_costs": "әр Тарап өз шығыстарын өзі көтереді",
}
"""What a page calls the clause attributes the build stores (``ingest.model.Clauses``);
reports keep their English names."""

VALUE_LABELS: dict[str, str] = {
    "negotiations": "келіссөздер",
    "consultations": "консультациялар",
    "court": "сот",
    "arbitration": "төрелік",
    "last": "соңғысы",
    "all": "барлығы",
}
"""The attribute values that are English words (dispute methods, which notification)."""


def value_kk(value: Any) -> str:
    """A clause attribute's value as a page writes it: Kazakh yes and no, names and
    values, "—" for none; a table of classification levels one "kk / ru / tk" per level
    (the Kazakh twin of ``kb.report_text.value_text``)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "иә" if value else "жоқ"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(" / ".join(str(v) for v in level.values()) for level in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_kk(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{attribute_label(k)}: {value_kk(v)}" for k, v in value.items())
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return str(value)


def attribute_label(key: str) -> str:
    return ATTRIBUTE_LABELS.get(key, key)


def cell_kk(cell: Any) -> str:
    """A matrix or profile cell (``kb.clause_matrix.Cell``): its value when found, else
    its status, in Kazakh."""
    return value_kk(cell.value) if cell.status == "found" else STATUS_LABELS.get(cell.status, cell.status)


def clause_labels(type_ids: Iterable[str]) -> str:
    """Clause types as a page lists them: their Kazakh labels, comma-separated."""
    return ", ".join(clause_label(t) for t in type_ids)


def install(env: Environment) -> None:
    """Register the helpers on the Jinja environment (``TemplateConfig.engine_callback``)."""
    env.globals.update(
        paragraph_blocks=paragraph_blocks,
        paragraph_label=paragraph_label,
        article_anchors=article_anchors,
        article_anchor=article_anchor,
        paragraph_anchor=paragraph_anchor,
        paragraph_anchors=paragraph_anchors,
        provision_href=provision_href,
        body_anchor=BODY_ANCHOR,
        division_starts=division_starts,
        division_label=division_label,
        approval_line=approval_line,
        alinea_texts=alinea_texts,
        annex_blocks=annex_blocks,
        clause_label=clause_label,
        clause_labels=clause_labels,
        article_lines=article_lines,
        reader_marks=reader_marks,
        modality_label=modality_label,
        deadline_label=deadline_label,
        duty_deadline=duty_deadline,
        value_kk=value_kk,
        attribute_label=attribute_label,
        cell_kk=cell_kk,
        mode_labels=MODE_LABELS,
        status_labels=STATUS_LABELS,
        drift_labels=DRIFT_LABELS,
    )
    env.filters["lines"] = lines
    env.trim_blocks = True
    env.lstrip_blocks = True
