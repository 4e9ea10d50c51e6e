"""The ``kk_definitions`` component and the definitions built from its spans.

Tables of sentences written for these tests (none copied from a treaty), one row per
shape the component reads: what it writes to ``doc.spans`` (the term, its shape, the
definition), then what a definitions article in those shapes gives as ``Definition``
models (``tests/fixtures/definitions/customs_definitions.txt``, an agreement written
for this test), then properties over arbitrary text: the component never raises and
every term it writes lies where its offsets say, in the Doc and in the treaty text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import parse_path
from ingest.extract.definition_spans import INTROS_KEY, ITEMS_KEY, SPANS_KEY
from ingest.extract.docs import extraction_nlp
from tests.extract_samples import fixture

ROOT = Path(__file__).resolve().parent.parent


def read(text: str) -> list[tuple[str, str, str]]:
    """(term, shape, definition) of every term the component reads in ``text``."""
    doc = extraction_nlp()(text)
    return [(s.text, s.label_, s._.definition.definition.rstrip(" .;")) for s in doc.spans.get(SPANS_KEY, ())]


# --- one row per shape ------------------------------------------------------------

SHAPES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "bare-term-en-dash": (
        "сарапшы – тиісті салада арнайы білімі бар жеке тұлға;",
        [("сарапшы", "dash", "тиісті салада арнайы білімі бар жеке тұлға")],
    ),
    "guillemets-spaced-hyphen": (
        "«шекара маңындағы аймақ» - мемлекеттік шекарадан бастап отыз шақырым жолақ;",
        [("шекара маңындағы аймақ", "dash", "мемлекеттік шекарадан бастап отыз шақырым жолақ")],
    ),
    "numbered-quoted-with-naming-word": (
        '2) "транзит" термині – тауарларды үшінші мемлекетке жеткізу үшін аумақ арқылы өткізу;',
        [("транзит", "dash", "тауарларды үшінші мемлекетке жеткізу үшін аумақ арқылы өткізу")],
    ),
    "quoted-дегеніміз-without-dash": (
        '"жолаушы" дегеніміз көлік құралында жүргізушіден басқа жол жүретін адам;',
        [("жолаушы", "dash", "көлік құралында жүргізушіден басқа жол жүретін адам")],
    ),
    "quoted-term-verb-of-meaning": (
        'б) "сақтандырушы" сақтандыру қызметін жүзеге асыратын ұйымды білдіреді;',
        [("сақтандырушы", "means", "сақтандыру қызметін жүзеге асыратын ұйымды білдіреді")],
    ),
    "quoted-term-деп-түсініледі": (
        '"жүк жөнелтуші" жүкті тасымалдауға тапсыратын тұлға деп түсініледі.',
        [("жүк жөнелтуші", "means", "жүкті тасымалдауға тапсыратын тұлға деп түсініледі")],
    ),
    "bare-term-with-a-naming-word-and-a-verb-of-meaning": (
        "Резидент термині Тарап мемлекетінің аумағында тұрақты тұратын адамды білдіреді;",
        [("Резидент", "means", "Тарап мемлекетінің аумағында тұрақты тұратын адамды білдіреді")],
    ),
    "quoted-term-named-inside-a-sentence": (
        'Осы Келісімде "инвестор" термині Тарап мемлекетінің заңнамасына сәйкес инвестиция салатын кез келген тұлғаны білдіреді.',
        [("инвестор", "means", "Тарап мемлекетінің заңнамасына сәйкес инвестиция салатын кез келген тұлғаны білдіреді")],
    ),
    "announced-with-a-colon": (
        '3. "Лицензия" термині:',
        [("Лицензия", "announced", "")],
    ),
    "bare-term-дегеніміз-colon": (
        "Шекаралық өткізу пункті дегеніміз:",
        [("Шекаралық өткізу пункті", "announced", "")],
    ),
    "named-inside-a-sentence": (
        'Осы баптың мақсаттары үшін қолданылатын "мәдени құндылықтар" деген термин мыналарды білдіреді:',
        [("мәдени құндылықтар", "named", "")],
    ),
    "several-quoted-terms-one-definition": (
        '"Тарап" немесе "Уағдаласушы Тарап" – осы Хаттамаға қатысушы мемлекеттің үкіметі;',
        [("Тарап", "dash", "осы Хаттамаға қатысушы мемлекеттің үкіметі"),
         ("Уағдаласушы Тарап", "dash", "осы Хаттамаға қатысушы мемлекеттің үкіметі")],
    ),
    "several-items-in-one-line": (
        '"балық аулау" – су биологиялық ресурстарын алу жөніндегі қызмет; "кеме" – балық аулау үшін пайдаланылатын кез келген жүзу құралы.',
        [("балық аулау", "dash", "су биологиялық ресурстарын алу жөніндегі қызмет"),
         ("кеме", "dash", "балық аулау үшін пайдаланылатын кез келген жүзу құралы")],
    ),
    "displaced-quoted-term": (
        '– ғарыш объектісін ұшыруға арналған құрылғы "зымыран тасығыш" және оның бөліктері;',
        [("зымыран тасығыш", "displaced", "ғарыш объектісін ұшыруға арналған құрылғы және оның бөліктері")],
    ),
    # a bare subject: the term ends where a noun phrase cannot go on
    "subject-ends-before-a-genitive": (
        "Сарапшы Тараптың құзыретті органы тағайындаған адамды білдіреді.",
        [("Сарапшы", "subject", "Тараптың құзыретті органы тағайындаған адамды білдіреді")],
    ),
    "subject-ends-before-a-determiner": (
        "Уәкілетті банк осы Келісім бойынша төлемдерді жүргізетін банкті білдіреді.",
        [("Уәкілетті банк", "subject", "осы Келісім бойынша төлемдерді жүргізетін банкті білдіреді")],
    ),
    "subject-ends-before-an-accusative": (
        "4. Сатушы тауарларды сатып алушыға беретін тұлғаны білдіреді.",
        [("Сатушы", "subject", "тауарларды сатып алушыға беретін тұлғаны білдіреді")],
    ),
    "subject-with-a-participle-ends-before-a-number": (
        "Ұсынылатын құжат 2012 жылғы 5 мамырдағы нысан бойынша толтырылған өтінішті білдіреді.",
        [("Ұсынылатын құжат", "subject", "2012 жылғы 5 мамырдағы нысан бойынша толтырылған өтінішті білдіреді")],
    ),
    "subject-possessed-head-closes-it": (
        "Тасымалдау құжаты жүктің жөнелтілгенін растайтын құжатты білдіреді.",
        [("Тасымалдау құжаты", "subject", "жүктің жөнелтілгенін растайтын құжатты білдіреді")],
    ),
    "subject-verbal-noun-closes-it": (
        "Импорттау шетелдік тауарларды Тарап мемлекетінің аумағына әкелуді білдіреді.",
        [("Импорттау", "subject", "шетелдік тауарларды Тарап мемлекетінің аумағына әкелуді білдіреді")],
    ),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_gives_its_terms(name: str) -> None:
    text, want = SHAPES[name]
    assert read(text) == want


NOTHING: dict[str, str] = {
    # the subject's end is open: a genitive whose possessed head follows ("Тарап
    # мемлекетінің аумағы") may be inside the term or open the definition
    "subject-end-left-open": "Тарап мемлекетінің аумағы құрлықты және аумақтық суларды білдіреді.",
    # an accusative before a verbal noun may be the term's own object
    "subject-end-left-open-by-an-object": "Құпия ақпаратты қорғау оның таралуына жол бермейтін шаралар кешенін білдіреді.",
    # "ниет білдіреді" expresses an intention: its object is not in the accusative
    "білдіреді-without-an-accusative-object": "Тараптар ынтымақтастықты дамытуға ниет білдіреді.",
    "a-negated-verb-of-meaning": "Бұл ереже Тараптардың басқа міндеттемелерін білдірмейді.",
    # a naming word after a participle: a sentence about terms, not a term
    "a-participle-before-the-naming-word": "Келісімде пайдаланылатын терминдер мыналарды білдіреді.",
    "a-subject-opening-in-an-oblique-case": "Жоғарыда көрсетілген шаралар Тараптардың бірлескен іс-қимылын білдіреді.",
    "a-sentence-starting-with-осы": "Осы бапта көрсетілген шаралар Тараптардың бірлескен іс-қимылын білдіреді.",
    "a-place-before-the-dash": "Қазақстан Республикасында – Ішкі істер министрлігі;",
    "a-postposition-before-the-dash": "Армения Республикасына қатысты – оның кеден қызметі;",
    "a-definition-by-reference": '"кеден төлемі" – Тараптар мемлекеттерінің заңнамасында белгіленген мағынада қолданылады.',
    "a-hyphen-inside-a-word": "Тараптар ғылыми-техникалық ынтымақтастықты дамытады.",
    "a-quoted-name-in-running-text": 'Тараптар "Жібек жолы" бағдарламасын бірлесіп іске асырады.',
}


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_not_a_term(name: str) -> None:
    assert read(NOTHING[name]) == []


def test_introducing_sentences_and_items() -> None:
    doc = extraction_nlp()(
        "Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді: \"кеме\" – жүзу құралы; \"порт\" – кемелер тоқтайтын орын.\n"
        "Тараптар мынадай шараларды қабылдайды:\n"
        "ақпарат алмасу;\n"
    )
    assert [s.text for s in doc.spans[INTROS_KEY]] == ["Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді:"]
    assert [s.text for s in doc.spans[ITEMS_KEY]] == [
        '"кеме" – жүзу құралы;', '"порт" – кемелер тоқтайтын орын.', "Тараптар мынадай шараларды қабылдайды:", "ақпарат алмасу;",
    ]
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["кеме", "порт"]


def test_the_component_is_one_of_the_extraction_components() -> None:
    assert "kk_definitions" in extraction_nlp().pipe_names


def test_the_component_is_registered_and_versioned() -> None:
    nlp = spacy.blank("kk")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kk_lemmatizer")
    nlp.add_pipe("kk_definitions")
    doc = nlp("«кеме» – жүзу құралы;")
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["кеме"]
    with pytest.raises(ValueError, match="version 9 is unknown"):
        spacy.blank("kk").add_pipe("kk_definitions", config={"version": 9})


# --- a definitions article in the new shapes, through the whole parse -------------

CUSTOMS = ROOT / "tests" / "fixtures" / "definitions" / "customs_definitions.txt"
CUSTOMS_WANT = [
    # (term, article, paragraph, point, first words of the definition)
    ("Кеден органы", "1", "1", None, "Тарап мемлекетінің кеден ісі"),
    ("Тасымалдаушы", "1", "2", None, "тауарларды Тараптар мемлекеттерінің"),
    ("Декларант", "1", "2", None, "өз атынан кедендік декларацияны"),
    ("Кедендік бақылау", "1", "3", None, "3.1) Қазақстан Республикасында - кеден органдары"),
    ("Тауарлар", "1", "4", None, "Тараптар мемлекеттерінің кедендік шекарасы"),
    ("жүк", "1", "4", None, "Тараптар мемлекеттерінің кедендік шекарасы"),
    ("Экспорттау", "1", "5", None, "шетелдік сатып алушыға"),
    ("Кедендік декларация", "1", "6", None, "2015 жылғы 1 наурыздағы"),
    ("кедендік төлемдер", "2", "2", None, "кедендік баждар мен салықтар; кедендік алымдар"),
]


def test_a_definitions_article_in_the_new_shapes() -> None:
    treaty = parse_path(CUSTOMS)
    got = [(d.term, d.article, d.paragraph, d.point, d.definition) for d in treaty.definitions]
    assert [g[:4] for g in got] == [w[:4] for w in CUSTOMS_WANT]
    for (*_, definition), (*_, start) in zip(got, CUSTOMS_WANT, strict=True):
        assert definition.startswith(start), definition
    assert treaty.definitions[-1].definition.endswith("кедендік алымдар")
    for d in treaty.definitions:
        assert d.term_span is not None and d.span is not None
        assert treaty.text[d.term_span.start : d.term_span.end] == d.term
        assert d.span.start <= d.term_span.start < d.term_span.end <= d.span.end


def test_a_bare_subject_needs_a_definition_context() -> None:
    """The same sentence in an article that defines nothing is running text."""
    sentence = "Тасымалдаушы тауарларды өткізуді жүзеге асыратын кез келген тұлғаны білдіреді."
    outside = fixture(f"1-бап Тасымалдау\n\n      {sentence}\n\n2-бап\n\n      Осы Келісім қол қойылған күнінен бастап күшіне енеді.\n")
    inside = fixture(f"1-бап Анықтамалар\n\n      {sentence}\n\n2-бап\n\n      Осы Келісім қол қойылған күнінен бастап күшіне енеді.\n")
    assert [d.term for d in outside.definitions] == []
    assert [d.term for d in inside.definitions] == ["Тасымалдаушы"]


def test_a_named_term_is_its_own_context() -> None:
    treaty = fixture(
        "1-бап\n\n      1. Тараптар сот шешімдерін өзара таниды.\n\n"
        '      2. Осы бапта қолданылатын "сот актісі" деген термин мыналарды білдіреді:\n\n'
        "      соттың шешімі мен ұйғарымы;\n\n      бітімгершілік келісім.\n\n"
        "2-бап\n\n      Осы Келісім қол қойылған күнінен бастап күшіне енеді.\n"
    )
    assert [(d.term, d.definition) for d in treaty.definitions] == [("сот актісі", "соттың шешімі мен ұйғарымы; бітімгершілік келісім")]


# --- properties ---------------------------------------------------------------------

PIECES = st.sampled_from([
    '"', "«", "»", "–", " - ", "-", ":", ";", ".", ",", "(", ")", "\n", " ", "1) ", "2. ", "а) ", "3.1) ",
    "термині ", "дегеніміз ", "деген термин ", "білдіреді", "деп түсініледі", "мыналарды білдіреді:",
    "Осы Келісімде пайдаланылатын ұғымдар ", "Инвестор ", "жеке тұлға ", "Тараптардың ", "адамды ",
    "1994 жылғы ", "бір ", "кеден органы ", "ИДРХО-ның ", "ережелері ", "қоюды ",
])
TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=40).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_the_component_never_raises_and_its_spans_are_in_the_doc(text: str) -> None:
    nlp = extraction_nlp()
    with nlp.select_pipes(disable=["kk_definitions"]):
        doc = nlp(text)
    reader = nlp.get_pipe("kk_definitions")
    reader.read(doc, list(range(len(doc))))  # every line read, whatever its signs
    items = list(doc.spans[ITEMS_KEY])
    for span in doc.spans[SPANS_KEY]:
        reading = span._.definition
        assert text[span.start_char : span.end_char] == span.text and span.text.strip()
        assert reading.item_start <= span.start_char < span.end_char <= reading.item_end <= len(text)
        assert any(i.start_char == reading.item_start for i in items)
    if doc.spans[SPANS_KEY]:
        assert reader.signs(doc)  # the shortcut never skips a text the reader would read


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=30).map("".join))
def test_definitions_map_back_onto_the_treaty_text(body: str) -> None:
    article = " ".join(body.split()) or "мәтін"
    treaty = fixture(f"1-бап Анықтамалар\n\n      {article}\n\n2-бап\n\n      Осы Келісім қол қойылған күнінен бастап күшіне енеді.\n")
    for d in treaty.definitions:
        assert d.term_span is not None and d.span is not None
        assert treaty.text[d.term_span.start : d.term_span.end] == d.term
        assert d.definition == " ".join(d.definition.split())
