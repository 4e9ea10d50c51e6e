"""References: internal (to parts of the same treaty) and external (dated acts).

Table tests on excerpts of the seeds (the ``seeds`` fixture) and on fixtures written here
in other wordings (``fixture`` parses one, ``built`` assembles one by hand: both in
tests/extract_samples.py). Hypothesis: arbitrary text never raises.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract.clause_types import assign_clause_types
from ingest.extract.clauses import read_clauses
from ingest.extract.references import find_references, head_nominative
from ingest.model import Treaty
from tests.extract_samples import TEXT, built, fixture

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
EXTRACTORS = ROOT / "ingest" / "extract"


def internal(treaty: Treaty) -> set[tuple]:
    """(from article, from paragraph, to article, to paragraph, to point, to annex)."""
    return {
        (r.source.article, r.source.paragraph, r.to.article, r.to.paragraph, r.to.point, r.to.annex)
        for r in find_references(treaty) if r.kind == "internal"
    }


def external(treaty: Treaty) -> dict[str, str]:
    """date → title of every external reference."""
    return {r.date: r.title for r in find_references(treaty) if r.kind == "external"}


# --- internal references: the seeds ---------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", {("13", None, "16", None, None, None)}),  # "осы Келісімнің 16-бабында"
        ("003", {("9", None, None, None, None, "1"), ("15", None, None, None, None, "2")}),  # "осы Келісімге 1-қосымшаға"
        ("004", {
            ("4", "1", "2", None, None, None),    # "(осы Келісімнің 2-бабына сәйкес салыстырылған)" in a point
            ("5", "5", "5", "4", None, None),     # "Осы баптың 4-тармағында": this article
            ("6", "1", "2", None, None, None),
            ("9", "1", "4", "2", None, None),     # "осы Келісімнің 4-бабының 2-тармағында"
            ("14", None, "15", None, None, None),
            ("15", "3", "4", None, None, None),
        }),
        ("001", set()),
        ("002", set()),
    ],
)
def test_internal_references_of_the_seeds(seeds: dict[str, Treaty], prefix: str, expected: set) -> None:
    assert internal(seeds[prefix]) == expected


def test_internal_reference_records_where_it_stands_and_what_it_says(seeds: dict[str, Treaty]) -> None:
    (ref,) = [r for r in seeds["004"].references if r.kind == "internal" and r.source.article == "4"]
    assert ref.source.point == "3"
    assert ref.text == "осы Келісімнің 2-бабына"
    treaty = seeds["004"]
    assert treaty.text[ref.span.start : ref.span.end] == ref.text


def test_an_article_of_another_act_is_no_internal_reference(seeds: dict[str, Treaty]) -> None:
    # 003's decree: "… 2005 жылғы 30 мамырдағы Қазақстан Республикасы Заңының 8-бабына сәйкес"
    assert not any(r.to and r.to.article == "8" for r in seeds["003"].references if r.kind == "internal")


# --- internal references: other wordings ------------------------------------------------

BODY = """
1-бап
Осы Келісімде пайдаланылатын терминдер мынаны білдіреді:
1) ақпарат – кез келген нысандағы мәліметтер;
2) үшінші тарап – осы Келісімнің Тараптары болып табылмайтын мемлекет.

2-бап
1. Тараптар осы Келісімнің бірінші бабында көрсетілген ақпаратпен алмасады.
2. Осы тармақтың 1) тармақшасында көзделген жағдайларда Тараптар бір-біріне хабарлайды.
3. Осы баптың 1 және 2-тармақтарында көзделген ақпарат осы Келісімнің 5-бабына сәйкес қорғалады.
4. Осы Келісімнің 3-5-баптарының ережелері және Конвенцияның 7-бабы өзгеріссіз қолданылады.

3-бап
Жоғарыда көрсетілген ақпарат туралы депозитарий төртінші жазбаша хабарламаны алады. Құпиялылық дәрежелері осы Келісімге қосымшаға сәйкес салыстырылады. 2-тармақта көзделген тәртіп қолданылады.

4-бап
Бір Тарап осы Келісімнің 2-бабының 3-тармағының 1) тармақшасында аталған ақпаратты береді.

5-бап
Ақпарат осы Келісімге 1-қосымшада көрсетілген нысан бойынша беріледі.

1-қосымша
Нысан
"""


@pytest.fixture(scope="module")
def wordings() -> Treaty:
    return fixture(BODY)


@pytest.mark.parametrize(
    ("phrase", "ref"),
    [
        ("ordinal article", ("2", "1", "1", None, None, None)),
        ("this paragraph's point", ("2", "2", "2", "2", "1", None)),
        ("this article's paragraphs, a list (1)", ("2", "3", "2", "1", None, None)),
        ("this article's paragraphs, a list (2)", ("2", "3", "2", "2", None, None)),
        ("article, postposition after", ("2", "3", "5", None, None, None)),
        ("a range of articles (3)", ("2", "4", "3", None, None, None)),
        ("a range of articles (4)", ("2", "4", "4", None, None, None)),
        ("a range of articles (5)", ("2", "4", "5", None, None, None)),
        ("annex without a number: the only annex", ("3", None, None, None, None, "1")),
        ("paragraph alone: this article", ("3", None, "3", "2", None, None)),
        ("article → paragraph → point", ("4", None, "2", "3", "1", None)),
        ("numbered annex", ("5", None, None, None, None, "1")),
    ],
)
def test_internal_reference_forms(wordings: Treaty, phrase: str, ref: tuple) -> None:
    assert ref in internal(wordings), phrase


def test_what_is_no_internal_reference(wordings: Treaty) -> None:
    found = internal(wordings)
    assert not any(r[2] == "7" for r in found)  # "Конвенцияның 7-бабы": another act
    # "төртінші жазбаша хабарлама", "жоғарыда көрсетілген": no numbered part
    assert {r[0] for r in found if r[0] == "3"} == {"3"}
    assert len([r for r in found if r[0] == "3"]) == 2


def test_a_list_reference_keeps_the_phrase_as_printed(wordings: Treaty) -> None:
    texts = {r.text for r in wordings.references if r.kind == "internal" and r.source.paragraph == "3"}
    assert "Осы баптың 1 және 2-тармақтарында" in texts
    for r in wordings.references:
        if r.span is not None:
            assert wordings.text[r.span.start : r.span.end] == r.text


def test_the_article_of_a_capitalised_own_act_is_internal_and_of_another_kind_is_not() -> None:
    treaty = fixture("""
1-бап
Тараптар Келісімнің 2-бабында көзделген шараларды қабылдайды. Хаттаманың 3-бабы қолданылмайды.

2-бап
Осы Келісім қол қойылған күнінен бастап күшіне енеді.
""")
    found = internal(treaty)
    assert ("1", None, "2", None, None, None) in found
    assert not any(r[2] == "3" for r in found)


# --- external references --------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "date", "title", "article"),
    [
        ("000", "1992-05-15", "Ұжымдық қауіпсіздік туралы шарт", None),
        ("000", "2002-10-07", "Ұжымдық қауіпсіздік туралы шарт ұйымы Жарғысы", None),
        ("000", "2004-06-18",
         "Ұжымдық қауіпсіздік туралы шарт ұйымы шеңберінде құпия ақпараттың сақталуын өзара қамтамасыз ету туралы келісім",
         "10"),
        ("001", "1993-01-22", "Тәуелсіз Мемлекеттер Достастығының Жарғысы", "1"),
        ("001", "2005-08-26",
         "Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттердің терроризмге және экстремизмнің өзге де "
         "зорлық-зомбылық көріністеріне қарсы күрестегі ынтымақтастығы тұжырымдамасы", None),
        ("002", "2001-12-19",
         "Еуразиялық экономикалық қоғамдастыққа мүше мемлекеттердің кеден органдары арасында тауарлар мен көлік "
         "құралдарын өткізу туралы ақпарат алмасуды ұйымдастыру туралы хаттама", None),
        ("003", "2005-05-30", "\"Қазақстан Республикасының халықаралық шарттары туралы\" Қазақстан Республикасы Заңы", None),
    ],
)
def test_external_references_of_the_seeds(seeds: dict[str, Treaty], prefix: str, date: str, title: str, article: str | None) -> None:
    refs = [r for r in seeds[prefix].references if r.kind == "external" and r.date == date]
    assert refs, date
    assert any(r.title == title and r.source.article == article for r in refs), [(r.title, r.source) for r in refs]
    assert all(r.treaty is None for r in refs)


def test_every_seed_date_cited_is_found(seeds: dict[str, Treaty]) -> None:
    want = {
        "000": {"1992-05-15", "2002-10-07", "2016-10-14", "2004-06-18"},
        "001": {"1999-06-04", "2007-10-05", "2005-08-26", "1993-01-22", "2013-10-25"},
        "002": {"2001-12-19", "2009-06-09"},
        "003": {"2005-05-30", "2006-07-24"},
        "004": set(),
    }
    for prefix, dates in want.items():
        assert set(external(seeds[prefix])) == dates, prefix


def test_the_treaty_itself_and_its_approving_act_are_not_external_references(seeds: dict[str, Treaty]) -> None:
    for prefix in ("001", "004"):
        treaty = seeds[prefix]
        dates = set(external(treaty))
        assert treaty.approval.date not in dates          # "… 2018 жылғы 27 тамыздағы № 529 қаулысы"
        assert treaty.signed.date not in dates            # "Қоса беріліп отырған 2017 жылғы 3 қарашада … келісім"
        assert treaty.entry_into_force_date not in dates  # the note "(2017 жылғы 7 қыркүйекте күшіне енді …)"


def test_the_signing_place_is_no_part_of_the_title(seeds: dict[str, Treaty]) -> None:
    (ref,) = [r for r in seeds["003"].references if r.date == "2006-07-24"]
    assert ref.title.startswith("Әзербайжан Республикасы, Қазақстан Республикасы")
    assert ref.title.endswith("орталығын құру туралы келісім")


@pytest.mark.parametrize(
    ("text", "date", "title"),
    [
        ("Тараптар 2019 жылғы 5 наурыздағы Ақпаратты қорғау туралы Қазақстан Республикасы Заңының 8-бабына сәйкес әрекет етеді.",
         "2019-03-05", "Ақпаратты қорғау туралы Қазақстан Республикасы Заңы"),
        ("2010 жылғы 1 қазанда Мәскеу қаласында қол қойылған Кедендік ынтымақтастық туралы хаттамада көзделген.",
         "2010-10-01", "Кедендік ынтымақтастық туралы хаттама"),
        ("1961 жылғы 18 сәуірдегі Дипломатиялық қатынастар туралы Вена конвенциясының ережелері қолданылады.",
         "1961-04-18", "Дипломатиялық қатынастар туралы Вена конвенциясы"),
        ("2015 жылғы 2 шілдедегі Достық туралы шарт пен осы Келісім бірге қолданылады.",
         "2015-07-02", "Достық туралы шарт"),
        ("Тараптар 2000 жылғы 12 ақпандағы Кеңестің шешімімен бекітілген Ынтымақтастық бағдарламасын орындайды.",
         "2000-02-12", "Кеңестің шешімімен бекітілген Ынтымақтастық бағдарламасы"),
        # a date of amendment and entry into force, or of adoption by a named body, before the title
        ("Тараптар 2012 жылғы 3 наурызда өзгертілген және күшіне енген Төрелік қағидаларын қолданады.",
         "2012-03-03", "Төрелік қағидалары"),
        ("Сот 1985 жылғы 21 маусымда Халықаралық сауда палатасы ұсынған Татуластыру регламентін қолданады.",
         "1985-06-21", "Татуластыру регламенті"),
    ],
)
def test_external_reference_forms(text: str, date: str, title: str) -> None:
    treaty = built([(None, text)])
    assert external(treaty) == {date: title}


def test_a_date_of_a_meeting_that_a_body_proposed_is_no_act() -> None:
    treaty = built([(None, "Тараптар 2020 жылғы 1 қаңтарда Бас хатшы ұсынған тәртіппен жиналады.")])
    assert external(treaty) == {}


def test_a_name_that_stands_before_its_date() -> None:
    text = ("Қазақстан Республикасының Үкіметі мен Ресей Федерациясының Үкіметі арасындағы халықаралық автомобиль "
            "қатынасы туралы 1993 жылғы 23 желтоқсандағы келісімнің 20-бабын басшылыққа ала отырып,")
    assert external(built([], preamble=(text,))) == {
        "1993-12-23": "Қазақстан Республикасының Үкіметі мен Ресей Федерациясының Үкіметі арасындағы халықаралық "
                      "автомобиль қатынасы туралы келісім",
    }
    quoted = "Тараптар «Еуразиялық экономикалық одақ туралы» 2014 жылғы 29 мамырдағы шартты басшылыққа алады."
    assert external(built([(None, quoted)])) == {"2014-05-29": "«Еуразиялық экономикалық одақ туралы» шарт"}


def test_an_amending_protocol_names_the_amended_acts_articles() -> None:
    treaty = fixture("""
1-бап
Келісімге мынадай өзгерістер енгізілсін:
1) 1-бапта "жүктерді" деген сөзден кейін "және жолаушыларды" деген сөздермен толықтырылсын;
2) 5-бапта "бір жыл" деген сөздер "екі жыл" деген сөздермен ауыстырылсын.

2-бап
Осы Хаттаманың 1-бабында көзделген өзгерістер осы Хаттама күшіне енген күннен бастап қолданылады.
""", title="Келісімге өзгерістер енгізу туралы ХАТТАМА")
    assert internal(treaty) == {("2", None, "1", None, None, None)}


@pytest.mark.parametrize(
    "text",
    [
        "Осы Келісім 2020 жылғы 1 қаңтардан бастап қолданылады.",  # a date, no act
        "Депозитарий 2019 жылғы 5 мамырда хабарлама алды.",
        "2017 жылғы 18 сәуірдегі жиналыста Тараптар келісті.",  # a dated meeting, no act named
    ],
)
def test_dates_that_cite_no_act(text: str) -> None:
    assert external(built([(None, text)])) == {}


def test_a_law_the_decree_cites_is_an_external_reference_of_no_article(seeds: dict[str, Treaty]) -> None:
    (ref,) = [r for r in seeds["003"].references if r.date == "2005-05-30"]
    assert ref.source.article is None
    assert ref.text.startswith("\"Қазақстан Республикасының халықаралық шарттары туралы\" 2005 жылғы 30 мамырдағы")


@pytest.mark.parametrize(
    ("word", "nominative"),
    [("шарттың", "шарт"), ("келісімде", "келісім"), ("Заңының", "Заңы"), ("Жарғысының", "Жарғысы"),
     ("тұжырымдамасын", "тұжырымдамасы"), ("хаттаманы", "хаттама"), ("қағидаларында", "қағидалары"),
     ("конвенциясына", "конвенциясы"), ("шартты", "шарт"), ("ақпарат", None)],
)
def test_the_head_noun_goes_back_to_the_nominative(word: str, nominative: str | None) -> None:
    assert head_nominative(word) == nominative


# --- no file, hash or title ---------------------------------------------------------------


def _results(treaty: Treaty):
    return (
        msgspec.to_builtins(find_references(treaty)),
        assign_clause_types(treaty),
        msgspec.to_builtins(read_clauses(treaty)),
    )


@pytest.mark.parametrize("prefix", [p.name[:3] for p in SEEDS])
def test_results_do_not_depend_on_file_name_hash_id_or_title(seeds: dict[str, Treaty], prefix: str) -> None:
    treaty = seeds[prefix]
    renamed = msgspec.structs.replace(
        treaty, id="other-id", sha256="f" * 64, source="somewhere/else.txt", title="Басқа бір келісім"
    )
    assert _results(renamed) == _results(treaty)


def test_no_extractor_source_names_a_seed_file_or_hash() -> None:
    sources = "\n".join(
        (EXTRACTORS / name).read_text(encoding="utf-8")
        for name in ("references.py", "clause_types.py", "clauses.py", "_text.py")
    )
    for path in SEEDS:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest[:12] not in sources
        assert path.stem not in sources and path.stem.split("_")[-1] not in sources
    # what the extractors read of a treaty: its text and structure, never who it is
    assert not re.search(r"treaty\.(?:sha256|source|id|title)\b", sources)
    assert not re.search(r"\b\d{3}_[0-9a-f]{16}\b|corpus/", sources)


# --- never raises ---------------------------------------------------------------------------



@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=st.lists(st.tuples(st.none() | TEXT, TEXT), min_size=0, max_size=4), approval=st.none() | TEXT,
       preamble=st.lists(TEXT, max_size=2))
def test_arbitrary_text_never_raises(articles, approval, preamble) -> None:
    treaty = built(articles, approval=approval, preamble=tuple(preamble))
    refs = find_references(treaty)
    assert all(r.kind in ("internal", "external") for r in refs)


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ('д) осы баптың "г" тармағында аталған адамдар;', ["г"]),
        ("осы баптың «б» тармақшасында көзделген жағдайда", ["б"]),
        ("осы баптың «а» және «б» тармақшаларында", ["а", "б"]),
    ],
)
def test_a_point_cited_by_its_letter_in_quotes(text: str, points: list[str]) -> None:
    from ingest.extract.references import find_references

    refs = [r for r in find_references(built([(None, text)])) if r.kind == "internal"]
    assert [(r.to.article, r.to.point) for r in refs] == [("1", p) for p in points]
