"""Treaties written for the extractor tests (references, clause types, clause attributes).

``fixture(body)`` parses a small agreement around the given articles with the real
parser; ``built(articles)`` assembles a treaty by hand, without the parser, so its
spans point nowhere; ``TEXT`` is a hypothesis strategy of text that looks like the
phrases the extractors read (article and paragraph numbers, dates, act names,
quotes). The seed treaties themselves come from the ``seeds`` fixture (conftest.py).
"""

from __future__ import annotations

from hypothesis import strategies as st

from ingest import parse_bytes
from ingest.model import (
    Alinea,
    Annex,
    Approval,
    Article,
    Paragraph,
    Span,
    Table,
    Treaty,
)


def fixture(body: str, title: str = "Тараптар арасындағы ынтымақтастық туралы КЕЛІСІМ", approval: str = "") -> Treaty:
    """A treaty parsed from a fixture text: [an approving act,] a title, the parties'
    line and ``body`` (articles "N-бап", annexes …)."""
    text = (
        (approval.strip() + "\n\n" if approval else "")
        + f"{title}\n\n"
        "Бұдан әрі Тараптар деп аталатын Бірінші мемлекеттің Үкіметі мен Екінші мемлекеттің Үкіметі,\n"
        "төмендегілер туралы келісті:\n\n"
        f"{body.strip()}\n"
    )
    return parse_bytes(text.encode("utf-8"), "fixture.txt")


def built(
    articles: list[tuple[str | None, str]],
    approval: str | None = None,
    preamble: tuple[str, ...] = (),
    tables: tuple[tuple[tuple[str, ...], ...], ...] = (),
    annex_text: str = "",
) -> Treaty:
    """A treaty assembled by hand from pieces of text, without the parser: (heading,
    text) per article; its spans point nowhere, so nothing may rely on them."""
    zero = Span(0, 0)
    arts = tuple(
        Article(
            num=str(i + 1), heading=heading, implicit=False, text=text, span=zero, header_span=None,
            heading_span=None,
            paragraphs=(Paragraph(num=None, text=text, span=zero, alineas=(Alinea(text=text, span=zero),)),),
        )
        for i, (heading, text) in enumerate(articles)
    )
    annexes: tuple[Annex, ...] = ()
    if tables or annex_text:
        annexes = (Annex(num="1", title=None, text=annex_text, span=zero,
                         tables=tuple(Table(rows=rows, span=zero) for rows in tables)),)
    return Treaty(
        id="built", sha256="0" * 64, source="built.txt", encoding="utf-8", title="built", draft=False,
        approval=Approval(type="қаулы", number="1", date=None, issuer=None, signed_by=None, action="other",
                          title=None, text=approval, span=zero) if approval is not None else None,
        signed=None, entry_into_force_date=None, parties=(),
        preamble=tuple(Alinea(text=p, span=zero) for p in preamble),
        articles=arts, divisions=(), annexes=annexes, closing=None, signatures=(), front_matter=(), title_span=None,
    )


FRAGMENTS = st.sampled_from([
    "осы Келісімнің ", "4-бабының ", "2-тармағында ", "осы баптың ", "1-қосымшаға ", "бірінші бабында ",
    "2 және 3-баптарында ", "3) тармақшасы ", "2020 жылғы 1 қаңтардағы ", "туралы ", "келісімде ", "Заңының ",
    "\"", "«", "»", "(", ")", "№ 5 ", "қаласында қол қойылған ", ".", ",", ";", ":", "\n", "-", "–", "0", "99-",
    "шарт ", "хаттама ", "жылғы ", "қосымша ", "бап", "тармақ", "ұйымы ", "бекітілген ",
])
TEXT = st.one_of(st.text(max_size=200), st.lists(FRAGMENTS, max_size=40).map("".join))
