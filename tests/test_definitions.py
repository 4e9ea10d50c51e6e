"""The definitions extractor: every form the texts use, and nothing that is not one.

Three tables. ``CORPUS_TERMS``: the five real texts (the ``seeds`` fixture), parsed
whole, give exactly their defined terms. ``WORDINGS``: article texts written for these tests in the other
wordings a definition article takes (other introducing sentences, «» quotes, a
spaced hyphen, "а)" lists, dash items, a heading instead of an introduction, items
run together, "дегеніміз", a legacy Russian-letter spelling, the displaced quoted
term) give their terms. ``NOT_DEFINITIONS``: lists shaped like definitions but not
(competent authorities, border posts, a dash list of duties, a definition by
reference to another act) give none. Then the spans and places, the concept ids, and
a test that nothing keys on the file name, its sha256 or the treaty's title.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import parse_bytes, parse_path
from ingest.extract.definitions import find_definitions
from ingest.model import Treaty

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

HEAD = """Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы ақпараттық ынтымақтастық туралы КЕЛІСІМ
Бұдан әрі Тараптар деп аталатын Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі,
екі мемлекет арасындағы достық қатынастарды нығайтуға ұмтыла отырып,
төмендегілер туралы келісті:
"""
TAIL = """
{n}-бап
Осы Келісім қол қойылған күнінен бастап күшіне енеді.
2020 жылғы 5 наурызда Бішкек қаласында әрқайсысы қазақ және орыс тілдерінде екі данада жасалды.
"""


def treaty_of(articles: str, source: str = "fixture.txt") -> Treaty:
    """A small agreement around the given article texts (numbered from 1), parsed."""
    last = max(int(n) for n in re.findall(r"^(\d+)-бап", articles, re.M))
    text = HEAD + articles.strip("\n") + "\n" + TAIL.format(n=last + 1)
    return parse_bytes(text.encode("utf-8"), source)


def terms(treaty: Treaty) -> list[str]:
    return [d.term for d in treaty.definitions]


# --- the five real texts ------------------------------------------------------------

CORPUS_TERMS = {
    "000": ("2", [
        "ыдыратушылық ақпараттық ықпал ету", "ақпаратты қорғау", "ақпараттық қауіпсіздік",
        "ақпараттық кеңістік", "компьютерлік шабуыл", "компьютерлік оқис оқиға",
        "аса маңызды құрылымдар", "ақпараттық қауіпсіздік жүйесі", "ақпараттық қауіпсіздік қатері",
    ]),
    "001": ("1", [
        "ақпарат", "ақпараттық жүйе", "құзыретті органдар", "ТМД органдары",
        "ақпараттық жүйелердің құқықтық режимі", "ақпарат пен ақпараттық жүйелердің меншік иесі",
        "ақпарат пен ақпараттық жүйелердің иеленушісі", "пайдаланушы", "ақпарат алмасу",
        "мемлекетаралық ақпараттық жүйе",
    ]),
    "002": ("1", ["электрондық хабарлама", "ақпарат", "ақпараттың құпиялығы"]),
    "003": ("1", [
        "құпия ақпарат", "құпия ақпаратты қорғау", "құпия ақпаратқа қол жеткізу",
        "құпия ақпаратқа рұқсат беру", "құпия ақпаратты жеткізгіштер", "құпиялылық грифі",
        "құпия ақпараттық ресурстар", "ақпараттық жүйе", "уәкілетті органдар", "құзыретті органдар",
        "құпия ақпаратты санкциясыз тарату", "құпия ақпаратты жоғалту", "құпия ақпаратты пайдаланушы",
    ]),
    "004": ("1", [
        "құпия ақпарат", "құпия ақпаратты қорғау", "құпия ақпараттың жеткізгіштері", "құпиялылық белгісі",
        "құпия ақпаратты құпиясыздандыру", "уәкілетті орган", "құзыретті орган",
        "құпия ақпаратқа рұқсат беру", "құпия ақпаратқа қол жеткізу", "шарт", "үшінші тарап",
    ]),
}


@pytest.mark.parametrize("prefix", sorted(CORPUS_TERMS))
def test_corpus_text_gives_exactly_its_defined_terms(seeds: dict[str, Treaty], prefix: str) -> None:
    article, want = CORPUS_TERMS[prefix]
    treaty = seeds[prefix]
    assert terms(treaty) == want
    assert {d.article for d in treaty.definitions} == {article}
    for d in treaty.definitions:
        assert len(d.definition) >= 15 and not d.definition.endswith((";", ".")), d
        assert d.concept


def test_corpus_definitions_are_whole_and_end_where_the_item_ends(seeds: dict[str, Treaty]) -> None:
    treaty = seeds["004"]
    first = treaty.definitions[0]
    assert first.definition.startswith("Қазақстан Республикасының мемлекеттік құпияларын")
    assert first.definition.endswith("нұқсан келтіруі мүмкін мәліметтер")
    assert (first.paragraph, first.point) == (None, "1")
    last = treaty.definitions[-1]
    assert last.point == "11" and last.definition.endswith("жеке немесе заңды тұлғалары")


def test_displaced_terms_of_the_real_text_come_back_with_their_whole_definition(seeds: dict[str, Treaty]) -> None:
    # 000 art 2 prints each quoted term at the end of its definition's first line
    treaty = seeds["000"]
    by_term = {d.term: d for d in treaty.definitions}
    d = by_term["ыдыратушылық ақпараттық ықпал ету"]
    assert d.definition.startswith("билік органдарының қызметін бұзу, ұлттық қауіпсіздікті")
    assert '"' not in d.definition
    assert by_term["ақпаратты қорғау"].definition.startswith("ақпараттың тұтастығын, құпиялылығын")


def test_the_by_reference_sentences_of_the_real_texts_are_not_definitions(seeds: dict[str, Treaty]) -> None:
    for prefix in ("001", "002"):
        treaty = seeds[prefix]
        for d in treaty.definitions:
            assert "мағынада қолданылады" not in d.definition
            assert "мәндерде пайдаланылады" not in d.definition


def test_authorities_list_of_the_real_text_is_not_a_definition_list(seeds: dict[str, Treaty]) -> None:
    treaty = seeds["004"]
    assert not [d for d in treaty.definitions if d.article == "3"]
    assert "Қазақстан Тарапынан" not in terms(treaty)


# --- other wordings -----------------------------------------------------------------

WORDINGS: dict[str, tuple[str, list[str]]] = {
    "ұғымдар-пайдаланылады-guillemets-hyphen": ("""
1-бап
Осы Келісімде мынадай ұғымдар пайдаланылады:
«құпия ақпарат» – Тараптардың заңнамасына сәйкес қорғалатын мәліметтер;
«уәкілетті орган» - Тараптар уәкілеттік берген мемлекеттік орган.
2-бап
Тараптар ынтымақтасады.
""", ["құпия ақпарат", "уәкілетті орган"]),
    "мағынаны-білдіреді-letter-list": ("""
1-бап
Осы Келісімнің мақсаттары үшін пайдаланылатын терминдер мынадай мағынаны білдіреді:
а) тергеу органы – Тарап мемлекетінің заңнамасына сәйкес қылмыстық істер бойынша тергеу жүргізетін орган;
б) сұрау салынатын Тарап – сұрау салуды алған Тарап.
""", ["тергеу органы", "сұрау салынатын Тарап"]),
    "dash-items-with-quoted-terms": ("""
1-бап
Осы Келісімде мынадай ұғымдар қолданылады:
– "жеке тұлға" – Тараптардың бірінің азаматы немесе азаматтығы жоқ адам;
– "заңды тұлға" – Тарап мемлекетінің заңнамасына сәйкес құрылған ұйым.
""", ["жеке тұлға", "заңды тұлға"]),
    "items-run-together-after-the-introduction": ("""
1-бап
Осы Келісімде мынадай терминдер қолданылады: "құпия ақпарат" – Тараптардың заңнамасына сәйкес қорғалатын мәліметтер; "құпиялылық белгісі" – жеткізгіштегі мәліметтердің құпиялылық дәрежесін куәландыратын деректеме.
""", ["құпия ақпарат", "құпиялылық белгісі"]),
    "heading-instead-of-introduction": ("""
1-бап
Терминдер мен анықтамалар
1. "Құзыретті орган" – Тараптың осы Келісімді іске асыруға жауапты мемлекеттік органы.
2. "Депозитарий" – осы Келісімнің түпнұсқасын сақтайтын мемлекет.
""", ["Құзыретті орган", "Депозитарий"]),
    "дегеніміз": ("""
1-бап
Осы Келісімнің мақсаттары үшін:
"ақпараттық қауіпсіздік" дегеніміз – тұлғаның, қоғамның және мемлекеттің ақпараттық кеңістіктегі қатерлерден қорғалу жай-күйі;
"компьютерлік шабуыл" дегеніміз ақпараттық жүйелердің жұмыс істеуін бұзу мақсатында жасалған әрекет.
""", ["ақпараттық қауіпсіздік", "компьютерлік шабуыл"]),
    "мағынада-қолданылады-unmarked-hyphen": ("""
1-бап
Осы Келісімнің мақсаттары үшін басқа келісімдерде айқындалған ұғымдардан басқа, төменде санамаланған ұғымдар мынадай мағынада қолданылады:
құпия ақпарат - қатысушы мемлекеттердің заңнамасына сәйкес қорғалатын мәліметтер;
құзыретті органдар - қатысушы мемлекеттердің осы Келісімді іске асыруға жауапты органдары.
""", ["құпия ақпарат", "құзыретті органдар"]),
    "legacy-russian-letter-spelling": ("""
1-бап
Осы Келісімде пайдаланылатын угымдар мыналарды білдіреді:
1) кузыретті органдар – Тараптардын осы Келісімді іске асыруга жауапты мемлекеттік органдары;
2) акпараттык жуйе – акпаратты сактауга жане онлеуге арналган куралдар жиынтыгы.
""", ["кузыретті органдар", "акпараттык жуйе"]),
    "displaced-term-the-repair-left": ("""
1-бап
Осы Келісімнің мақсаттары үшін мынадай терминдер мен анықтамалар пайдаланылады:
– билік органдарының қызметін бұзу, "ыдыратушылық ықпал" ұлттық қауіпсіздікті әлсірету мақсатында технологияларды пайдалану;
– ақпараттың тұтастығын және құпиялылығын қамтамасыз етуге бағытталған шаралар кешені "ақпаратты қорғау";
""", ["ыдыратушылық ықпал", "ақпаратты қорғау"]),
    "definition-with-its-own-sub-points": ("""
1-бап
Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді:
1) құпиялылық дәрежелері – Тараптар мемлекеттерінің заңнамасында белгіленген мына дәрежелер:
а) "Өте құпия";
б) "Құпия";
2) құпиялылық белгісі – жеткізгіштегі мәліметтердің құпиялылық дәрежесін куәландыратын деректеме.
""", ["құпиялылық дәрежелері", "құпиялылық белгісі"]),
    "two-quoted-items-without-an-introduction": ("""
1-бап
"Құпия ақпарат" – Тараптардың заңнамасына сәйкес қорғалатын және берілетін мәліметтер;
"уәкілетті орган" – Тараптар құпия ақпаратты беруге уәкілеттік берген мемлекеттік орган.
""", ["Құпия ақпарат", "уәкілетті орган"]),
    "for-the-purposes-bare-terms": ("""
1-бап
Негізгі ұғымдар
Осы Келісімнің мақсаттары үшін:
тергеу органы – Тарап мемлекетінің заңнамасына сәйкес тергеу жүргізетін орган;
сотталған адам – Тарап мемлекетінің соты бас бостандығынан айыру түріндегі жазаға сотталған адам.
""", ["тергеу органы", "сотталған адам"]),
    "aside-between-term-and-dash": ("""
1-бап
Осы Келісімде мынадай ұғымдар пайдаланылады:
"ақпараттық-коммуникациялық технологиялар" (бұдан әрі – АКТ) – ақпаратты жинау, өңдеу және беру әдістері мен құралдарының жиынтығы;
Ұжымдық қауіпсіздік туралы шарт ұйымы (ҰҚШҰ) – 2002 жылғы 7 қазандағы Жарғы негізінде құрылған халықаралық ұйым.
""", ["ақпараттық-коммуникациялық технологиялар", "Ұжымдық қауіпсіздік туралы шарт ұйымы"]),
    "definitions-in-a-later-article-and-paragraph": ("""
1-бап
Осы Келісімнің мақсаты Тараптардың ынтымақтастығын дамыту болып табылады.
2-бап
1. Осы Келісім Тараптардың аумағында қолданылады.
2. Осы Келісімде мынадай терминдер пайдаланылады:
1) сарапшы – тиісті салада арнайы білімі бар жеке тұлға;
2) бірлескен комиссия – Тараптардың өкілдерінен құрылатын орган.
3. Осы Келісімде айқындалмаған терминдер Тараптардың заңнамасында белгіленген мағынада қолданылады.
""", ["сарапшы", "бірлескен комиссия"]),
}


@pytest.mark.parametrize("name", sorted(WORDINGS))
def test_wording_gives_its_terms(name: str) -> None:
    text, want = WORDINGS[name]
    assert terms(treaty_of(text)) == want


def test_dash_forms_and_quotes_give_the_same_definition() -> None:
    forms = [
        '"құпия ақпарат" – Тараптардың заңнамасына сәйкес қорғалатын мәліметтер;',
        "«құпия ақпарат» - Тараптардың заңнамасына сәйкес қорғалатын мәліметтер;",
        "құпия ақпарат — Тараптардың заңнамасына сәйкес қорғалатын мәліметтер;",
        "1) құпия ақпарат – Тараптардың заңнамасына сәйкес қорғалатын мәліметтер;",
    ]
    for form in forms:
        t = treaty_of(f"1-бап\nОсы Келісімде мынадай ұғымдар пайдаланылады:\n{form}\n")
        assert [(d.term, d.definition) for d in t.definitions] == [
            ("құпия ақпарат", "Тараптардың заңнамасына сәйкес қорғалатын мәліметтер")
        ], form


def test_sub_points_belong_to_the_definition_that_introduces_them() -> None:
    text, _ = WORDINGS["definition-with-its-own-sub-points"]
    first = treaty_of(text).definitions[0]
    assert first.definition.endswith('а) "Өте құпия"; б) "Құпия"')


def test_places_in_a_later_paragraph() -> None:
    text, _ = WORDINGS["definitions-in-a-later-article-and-paragraph"]
    t = treaty_of(text)
    assert [(d.article, d.paragraph, d.point) for d in t.definitions] == [("2", "2", "1"), ("2", "2", "2")]


# --- precision ----------------------------------------------------------------------

NOT_DEFINITIONS: dict[str, str] = {
    "competent-authorities-list": """
1-бап
Құзыретті органдар
1. Мыналар:
Қазақстан Тарапынан – Қазақстан Республикасының Ұлттық қауіпсіздік комитеті;
Қырғыз Тарапынан – Қырғыз Республикасының Ұлттық қауіпсіздік мемлекеттік комитеті құзыретті органдар болып табылады.
2. Тараптардың құзыретті органдарының атаулары өзгерген жағдайда, Тараптар бұл туралы бір-біріне хабарлайды.
""",
    "authorities-in-a-definitions-article": """
1-бап
Ұғымдар мен құзыретті органдар
Осы Келісімді іске асыруға жауапты құзыретті органдар:
Қазақстан Республикасы үшін – Қазақстан Республикасының Ішкі істер министрлігі;
Қырғыз Республикасында – Қырғыз Республикасының Ішкі істер министрлігі.
""",
    "quoted-words-inside-dash-items": """
1-бап
Тараптар:
– "Құпия" грифі бар ақпаратты тек уәкілетті органдар арқылы береді;
– "Өте құпия" грифі бар ақпаратты тек дипломатиялық арналар арқылы береді.
""",
    "by-reference-sentence": """
1-бап
Осы Келісімдегі құпия ақпаратты беру, пайдалану және қорғау мәселелері жөніндегі терминдер 2013 жылғы 25 қазандағы Тәуелсіз Мемлекеттер Достастығы шеңберінде құпия ақпаратты қорғау туралы келісімде белгіленген мағынада қолданылады.
""",
    "by-reference-item": """
1-бап
Осы Келісімде мынадай ұғымдар пайдаланылады:
"құпия ақпарат" – 2004 жылғы 18 маусымдағы Ұжымдық қауіпсіздік туралы шарт ұйымы шеңберінде құпия ақпараттың сақталуын өзара қамтамасыз ету туралы келісімде белгіленген мағынада қолданылады.
""",
    "border-posts": """
1-бап
Тараптар мына өткізу пункттерін ашады:
1. "Жібек жолы" – "Ойбек".
2. "Атамекен" – "Гулистан".
Тараптар (бұдан әрі – құзыретті органдар) бұл туралы хабарлайды.
""",
    "dash-list-of-duties": """
1-бап
Тараптар:
– ақпарат алмасуды жүзеге асырады;
– құзыретті органдар – бірлескен іс-шараларды өткізеді;
– тәжірибе алмасады.
""",
    "one-quoted-item-without-context": """
1-бап
"Құпия ақпарат" – Тараптардың заңнамасына сәйкес қорғалатын және берілетін мәліметтер.
""",
    "a-sentence-is-not-a-term": """
1-бап
Осы Келісімде мынадай ұғымдар пайдаланылады:
Тараптар өз мемлекеттерінің заңнамасына сәйкес осы Келісімнің ережелерін орындау үшін барлық шараларды қабылдайды – бұл олардың міндеті.
""",
    "hereinafter": """
1-бап
Қазақстан Республикасының Ұлттық қауіпсіздік комитеті (бұдан әрі – Комитет) осы Келісімді іске асыруға жауапты.
""",
}


@pytest.mark.parametrize("name", sorted(NOT_DEFINITIONS))
def test_not_a_definition(name: str) -> None:
    assert terms(treaty_of(NOT_DEFINITIONS[name])) == []


def test_a_list_another_sentence_introduces_is_not_the_headings() -> None:
    t = treaty_of("""
1-бап
Ұғымдар мен құзыретті органдар
1. Осы Келісімде мынадай ұғымдар пайдаланылады:
сарапшы – тиісті салада арнайы білімі бар жеке тұлға;
бірлескен комиссия – Тараптардың өкілдерінен құрылатын орган.
2. Құзыретті органдар мыналар болып табылады:
Қазақстан Республикасы – Қазақстан Республикасының Ішкі істер министрлігі;
Қырғыз Республикасы – Қырғыз Республикасының Ішкі істер министрлігі.
""")
    assert terms(t) == ["сарапшы", "бірлескен комиссия"]


def test_a_reference_item_is_dropped_but_its_real_siblings_stay() -> None:
    t = treaty_of("""
1-бап
Осы Келісімде мынадай ұғымдар пайдаланылады:
"құпия ақпарат" – 2004 жылғы 18 маусымдағы құпия ақпараттың сақталуын өзара қамтамасыз ету туралы келісімде белгіленген мағынада қолданылады;
"құзыретті орган" – Тараптың осы Келісімді іске асыруға жауапты мемлекеттік органы.
Осы Келісімдегі өзге терминдер Тараптардың заңнамасында белгіленген мағынада қолданылады.
""")
    assert terms(t) == ["құзыретті орган"]


# --- spans, places, concepts --------------------------------------------------------


@pytest.fixture(scope="module")
def all_treaties(seeds: dict[str, Treaty]) -> list[Treaty]:
    """The treaties of ``WORDINGS``, parsed, and the five seeds."""
    assert len(seeds) == 5
    return [treaty_of(text) for text, _ in WORDINGS.values()] + list(seeds.values())


def test_spans_point_at_the_term_and_the_whole_item(all_treaties: list[Treaty]) -> None:
    for t in all_treaties:
        for d in t.definitions:
            assert d.span is not None and d.term_span is not None
            assert t.text[d.term_span.start : d.term_span.end] == d.term
            assert d.span.start <= d.term_span.start < d.term_span.end <= d.span.end
            item = t.text[d.span.start : d.span.end]
            # the item holds the definition's words (its spacing may be folded)
            assert " ".join(item.split()).find(d.definition.split()[0]) >= 0
            article = next(a for a in t.articles if a.num == d.article)
            assert article.span.start <= d.span.start and d.span.end <= article.span.end


def test_every_definition_has_a_concept_id_that_is_a_slug(all_treaties: list[Treaty]) -> None:
    for t in all_treaties:
        for d in t.definitions:
            assert d.concept and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", d.concept), d


def test_concepts_link_the_forms_of_one_idea_within_a_parse() -> None:
    a = treaty_of(WORDINGS["legacy-russian-letter-spelling"][0])
    b = treaty_of(WORDINGS["мағынада-қолданылады-unmarked-hyphen"][0])
    assert a.definitions[0].concept == b.definitions[1].concept == "competent-authority"


def test_find_definitions_is_a_pure_function_of_the_treaty() -> None:
    t = treaty_of(WORDINGS["dash-items-with-quoted-terms"][0])
    assert find_definitions(t) == t.definitions == find_definitions(t)


# --- nothing keys on a file name, a sha256 or a title --------------------------------


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_renamed_source_with_another_title_gives_the_same_definitions(seeds: dict[str, Treaty], prefix: str, tmp_path: Path) -> None:
    original = seeds[prefix]
    path = CORPUS / Path(original.source).name
    text = path.read_bytes().decode("utf-8")
    assert original.title_span is not None
    span = original.source_span(original.title_span)
    retitled = text[: span.start] + "Сынақ Тараптары арасындағы ынтымақтастық туралы КЕЛІСІМ" + text[span.end :]
    renamed = tmp_path / "renamed_input.txt"
    renamed.write_bytes(retitled.encode("utf-8"))
    other = parse_path(renamed)
    assert other.title != original.title and other.sha256 != original.sha256 and other.source != original.source

    def facts(t: Treaty) -> list[tuple]:
        return [(d.term, d.definition, d.article, d.paragraph, d.point, d.concept) for d in t.definitions]

    assert facts(other) == facts(original) != []


def test_extractor_code_names_no_file_hash_or_title() -> None:
    for name in ("definitions.py", "concepts.py", "glossary.py"):
        code = (ROOT / "ingest" / "extract" / name).read_text(encoding="utf-8")
        assert not re.search(r"\b[0-9a-f]{16,}\b", code), name
        assert ".txt" not in code and "sha256" not in code and "corpus/" not in code, name
        assert "title" not in code, name


# --- more layouts: a verb of meaning, a term announced with a colon, Latin items ---------

@pytest.mark.parametrize(
    ("article", "want"),
    [
        # a quoted term whose sentence ends in "білдіреді", under "… мақсатында:", items lettered in Latin
        ('1-бап\n      Осы Келісімнің мақсатында:\n'
         '      a) "сотталған адам" бас бостандығынан айырылған кез келген адамды білдіреді;\n'
         '      b) "үкім" сот шығарған түпкілікті жазаны білдіреді.\n',
         [("сотталған адам", "бас бостандығынан айырылған кез келген адамды білдіреді"),
          ("үкім", "сот шығарған түпкілікті жазаны білдіреді")]),
        # a term announced with "термині:", its definition on the next line; and one on the same line
        ('1-бап\n      Осы Келісімнің мақсаттары үшін онда қолданылатын анықтамалар мыналарды білдіреді:\n'
         '      1. "Тасымалдаушы" термині:\n'
         '      ақы үшін жүк тасымалдауды жүзеге асыратын заңды немесе жеке тұлға.\n'
         '      2. "Рұқсат" термині: автокөлік құралына жолға шығуға құқық беретін құжат.\n',
         [("Тасымалдаушы", "ақы үшін жүк тасымалдауды жүзеге асыратын заңды немесе жеке тұлға"),
          ("Рұқсат", "автокөлік құралына жолға шығуға құқық беретін құжат")]),
    ],
)
def test_more_definition_layouts(article: str, want: list[tuple[str, str]]) -> None:
    treaty = treaty_of(article)
    assert [(d.term, d.definition.rstrip(".;")) for d in treaty.definitions] == want


def test_a_quoted_phrase_ending_in_a_verb_of_meaning_is_not_a_definition_without_context() -> None:
    """No introducing sentence and no defining heading: one such sentence is running text."""
    treaty = treaty_of('1-бап\n      "Ақпарат" сөзі осы Келісімде кез келген мәліметті білдіреді.\n')
    assert terms(treaty) == []
