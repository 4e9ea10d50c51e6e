"""Hand-built treaties and a fake parser, so the knowledge base and the API can be
tested without the real parser (and fast, and with every model field exercised).

A fake corpus file is a few lines: the title on the first, then ``articles=N`` (and
optionally ``id=…``). An empty file raises ``IngestError``, as the real parser does.

A helper module, not a test module: test modules import from it, and conftest.py
builds the session's ``sample_kb_root`` with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.errors import IngestError
from ingest.model import (
    Alinea,
    Annex,
    Approval,
    Article,
    Closing,
    Division,
    Paragraph,
    Point,
    Signed,
    Span,
    Table,
    Treaty,
    Warning,
)


class _Text:
    """Builds ``Treaty.text`` line by line and hands back each line's span."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, line: str) -> Span:
        start = self.pos
        self.parts.append(line + "\n")
        self.pos += len(line) + 1
        return Span(start, start + len(line))

    def text(self) -> str:
        return "".join(self.parts)


def make_treaty(treaty_id: str = "t1", *, title: str | None = None, articles: int = 5, source: str = "t1.txt") -> Treaty:
    """A treaty with ``articles`` articles; article 2 has numbered paragraphs and points of
    every kind, article 3 has a heading, and there is an annex with a table."""
    title = title or f"Қазақстан Республикасы мен Тарап арасындағы ынтымақтастық туралы келісім ({treaty_id})"
    t = _Text()
    title_span = t.add(title)
    preamble = (Alinea(text="Тараптар, ынтымақтастықты дамыту ниетімен,", span=t.add("Тараптар, ынтымақтастықты дамыту ниетімен,")),)
    arts: list[Article] = []
    for n in range(1, articles + 1):
        num = str(n)
        header = t.add(f"{num}-бап")
        heading = "Мақсаты" if n == 3 else None
        heading_span = t.add(heading) if heading else None
        if n == 2:
            intro = "1. Тараптар мыналарды:"
            s_intro = t.add(intro)
            p1 = t.add("1) ақпарат алмасуды;")
            p2 = t.add("2) бірлескен іс-шараларды;")
            s_dash = t.add("- өзге де нысандарды қамтамасыз етеді.")
            para1 = Paragraph(
                num="1",
                text="\n".join([intro, "1) ақпарат алмасуды;", "2) бірлескен іс-шараларды;", "- өзге де нысандарды қамтамасыз етеді."]),
                span=Span(s_intro.start, s_dash.end),
                alineas=(Alinea(text=intro, span=s_intro),),
                points=(
                    Point(num="1", kind="number", text="1) ақпарат алмасуды;", span=p1),
                    Point(num="2", kind="number", text="2) бірлескен іс-шараларды;", span=p2),
                    Point(num=None, kind="dash", text="- өзге де нысандарды қамтамасыз етеді.", span=s_dash),
                ),
            )
            s2 = t.add("2. Тараптар:")
            la = t.add("а) хабарлайды.")
            para2 = Paragraph(
                num="2",
                text="2. Тараптар:\nа) хабарлайды.",
                span=Span(s2.start, la.end),
                alineas=(Alinea(text="2. Тараптар:", span=s2),),
                points=(Point(num="а", kind="letter", text="а) хабарлайды.", span=la),),
            )
            paragraphs: tuple[Paragraph, ...] = (para1, para2)
        else:
            body = f"Осы баптың мәтіні, нөмірі {num}."
            s = t.add(body)
            paragraphs = (Paragraph(num=None, text=body, span=s, alineas=(Alinea(text=body, span=s),)),)
        start = paragraphs[0].span.start
        end = paragraphs[-1].span.end
        arts.append(
            Article(
                num=num,
                heading=heading,
                implicit=n == 1,
                text="\n".join(p.text for p in paragraphs),
                span=Span(start, end),
                header_span=None if n == 1 else header,
                heading_span=heading_span,
                paragraphs=paragraphs,
            )
        )
    closing_span = t.add("Астана қаласында 2023 жылғы 1 наурызда екі данада жасалды.")
    annex_span = t.add("Кесте")
    row_span = t.add("A | B")
    return Treaty(
        id=treaty_id,
        sha256=hashlib.sha256(treaty_id.encode()).hexdigest(),
        source=source,
        encoding="utf-8",
        title=title,
        draft=False,
        approval=Approval(
            type="Қаулы",
            number="123",
            date="2023-03-01",
            issuer="Қазақстан Республикасы Үкіметінің",
            signed_by="Премьер-Министр",
            action="approves",
            title="Келісімді бекіту туралы",
            text="1. Келісім бекітілсін.\n2. Осы қаулы қол қойылған күнінен бастап қолданысқа енгізіледі.",
            span=Span(0, 0),
        ),
        signed=Signed(date="2023-03-01", place="Астана"),
        entry_into_force_date=None,
        parties=("Қазақстан Республикасы", "Тарап"),
        preamble=preamble,
        articles=tuple(arts),
        divisions=(Division(kind="chapter", num="1", heading="Жалпы ережелер", span=Span(0, 0), articles=("1", "2")),),
        annexes=(
            Annex(
                num="1",
                title="Кесте",
                text="Кесте\nA | B",
                span=Span(annex_span.start, row_span.end),
                tables=(Table(rows=(("A", "B"),), span=row_span),),
            ),
        ),
        closing=Closing(text="Астана қаласында 2023 жылғы 1 наурызда екі данада жасалды.", span=closing_span, originals=2),
        signatures=(),
        front_matter=(),
        title_span=title_span,
        warnings=(Warning(code="sample", message="hand-built"),),
        text=t.text(),
    )


def write_fake_corpus(folder: Path, specs: dict[str, int | None]) -> Path:
    """Files named by ``specs`` keys with that many articles; ``None`` writes an empty file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, n in specs.items():
        (folder / name).write_text("" if n is None else f"Келісім {name}\narticles={n}\n", encoding="utf-8")
    return folder


def fake_parse(path: Path) -> Treaty:
    """The fake corpus format → ``make_treaty``; an empty file is an ``IngestError``."""
    text = Path(path).read_text(encoding="utf-8")
    if not text.strip():
        raise IngestError(str(path), "empty file")
    lines = text.splitlines()
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    return make_treaty(
        fields.get("id", Path(path).stem),
        title=lines[0],
        articles=int(fields.get("articles", "5")),
        source=str(path),
    )
