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
from typing import Literal

from jinja2 import Environment

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


def lines(text: str | None) -> list[str]:
    """Non-blank lines of ``text``, each stripped: one ``<p>`` apiece."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def bare(num: str | None) -> str:
    """A printed number without its trailing "." or ")"."""
    return " ".join((num or "").split()).rstrip(".)").strip()


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
    if point.kind in ("number", "letter") and bare(point.num):
        label = f"{bare(point.num)})"
        return Block("point", label, unlabel(text, label), point.kind)
    if point.kind == "dash":
        for dash in _DASHES:
            if text.startswith(dash):
                text = text[len(dash) :].lstrip()
                break
        return Block("point", "–", text, point.kind)
    return Block("point", "", text, point.kind)


def paragraph_blocks(paragraph: Paragraph) -> list[Block]:
    """Alineas and points in text order (their spans tile the paragraph); a paragraph
    the parser did not split is its text, line by line. The paragraph's own label is
    stripped from the first line, since the page prints it in the margin."""
    items: list[tuple[int, Block]] = [
        (a.span.start, Block("alinea", "", a.text.strip())) for a in paragraph.alineas if a.text.strip()
    ]
    items += [(p.span.start, _point_block(p)) for p in paragraph.points]
    blocks = [b for _, b in sorted(items, key=lambda item: item[0])]
    if not blocks:
        blocks = [Block("alinea", "", line) for line in lines(paragraph.text)]
    label = paragraph_label(paragraph)
    if label and blocks and blocks[0].kind == "alinea":
        blocks[0] = Block("alinea", "", unlabel(blocks[0].text, label))
    return blocks


BODY_ANCHOR = "body"
"""The fragment id of the body of a text without articles (``Treaty.paragraphs``); its
paragraphs are ``body-pN``. A search hit in it has the article number ""."""


def article_anchor(num: str) -> str:
    """The fragment id of the (first) article numbered ``num`` on the reader page,
    ``art-N`` with whitespace as "-": what a link from elsewhere (a search hit) targets.
    No number is the body of a text without articles."""
    return "art-" + "-".join(num.split()) if num.strip() else BODY_ANCHOR


def paragraph_anchor(article_anchor: str, num: str) -> str:
    """The fragment id of a numbered paragraph: its article's and ``-pN`` ("art-4-p2"),
    so a search hit or a citation can point at the paragraph itself."""
    return f"{article_anchor}-p" + ("-".join(bare(num).split()) or "x")


def paragraph_anchors(article: Article | Iterable[Paragraph], article_anchor: str) -> list[tuple[Paragraph, str | None]]:
    """Each paragraph of an article (or of the body of a text without articles) with
    its fragment id; None for an unnumbered one, and for a number seen before in the
    same article (a parser hiccup), so ids stay unique and a link goes to the first."""
    used: set[str] = set()
    out: list[tuple[Paragraph, str | None]] = []
    for paragraph in article.paragraphs if isinstance(article, Article) else article:
        anchor = paragraph_anchor(article_anchor, paragraph.num) if paragraph.num else None
        if anchor in used:
            anchor = None
        if anchor:
            used.add(anchor)
        out.append((paragraph, anchor))
    return out


def article_anchors(articles: Iterable[Article]) -> list[tuple[Article, str]]:
    """Each article with its fragment id, ``art-N`` (``article_anchor``); a repeated
    number (a parser hiccup) gets a suffix, so every anchor is a valid, unique id."""
    used: set[str] = set()
    out: list[tuple[Article, str]] = []
    for article in articles:
        base = article_anchor(article.num)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        out.append((article, anchor))
    return out


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


def install(env: Environment) -> None:
    """Register the helpers on the Jinja environment (``TemplateConfig.engine_callback``)."""
    env.globals.update(
        paragraph_blocks=paragraph_blocks,
        paragraph_label=paragraph_label,
        article_anchors=article_anchors,
        article_anchor=article_anchor,
        paragraph_anchor=paragraph_anchor,
        paragraph_anchors=paragraph_anchors,
        body_anchor=BODY_ANCHOR,
        division_starts=division_starts,
        division_label=division_label,
        approval_line=approval_line,
        alinea_texts=alinea_texts,
        annex_blocks=annex_blocks,
        clause_label=clause_label,
    )
    env.filters["lines"] = lines
    env.trim_blocks = True
    env.lstrip_blocks = True
