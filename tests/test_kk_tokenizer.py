"""The spaCy language ``kk``: tokenizer rules, exceptions, sentences, numbers, stop
words, the entry points and the ``kk_lemmatizer`` component (with a fake analyse:
the morphology has tests of its own)."""

from __future__ import annotations

import subprocess
import sys
import types
from functools import cache

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from ingest.kk.component import KazakhLemmatizer
from ingest.kk.language import Kazakh
from ingest.kk.lex_attrs import CARDINALS, ORDINALS, like_num, number_value
from ingest.kk.pipeline import make_nlp
from ingest.kk.stop_words import STOP_WORDS


@cache
def _nlp() -> Language:
    return Kazakh()


@cache
def _full_nlp() -> Language:
    return make_nlp(lemmatizer=False)


def _tokens(text: str) -> list[str]:
    return [t.text for t in _nlp()(text)]


# --- tokenizer ----------------------------------------------------------------

PUNCTUATION = [
    ("ақпарат,құпия", ["ақпарат", ",", "құпия"]),
    ("асырылмақ.", ["асырылмақ", "."]),
    ("қамтамасыз етілсін.", ["қамтамасыз", "етілсін", "."]),
    ("ҰҒЫМ,ҚҰҚЫҚ", ["ҰҒЫМ", ",", "ҚҰҚЫҚ"]),
    ("«Сырбар»", ["«", "Сырбар", "»"]),
    ('"Сырбар" қызметі', ['"', "Сырбар", '"', "қызметі"]),
    ("“Сырбар”", ["“", "Сырбар", "”"]),
    ("(немесе)", ["(", "немесе", ")"]),
    ("[ақпарат]", ["[", "ақпарат", "]"]),
    ("келісті:", ["келісті", ":"]),
    ("келісті.Тараптар", ["келісті", ".", "Тараптар"]),
    ("және/немесе", ["және", "/", "немесе"]),
    ("5(бес)", ["5", "(", "бес", ")"]),
    ("ҚР.", ["ҚР", "."]),
    ("ТМД.", ["ТМД", "."]),
    ("16-бап.", ["16-бап", "."]),
    ("1,5", ["1,5"]),
    ("1.5", ["1.5"]),
    ("2017", ["2017"]),
]

EXCEPTIONS = [
    ("2017 ж. 18 сәуірде", ["2017", "ж.", "18", "сәуірде"]),
    ("2017 ж., № 5, 73-құжат)", ["2017", "ж.", ",", "№", "5", ",", "73-құжат", ")"]),
    ("2016-2017 жж.", ["2016-2017", "жж."]),
    ("т.б.", ["т.б."]),
    ("т.б.)", ["т.б.", ")"]),
    ("Т.б.", ["Т.б."]),
    ("т.с.с.", ["т.с.с."]),
    ("5 б.", ["5", "б."]),
    ("бұл.", ["бұл", "."]),  # the pronoun "this" ending a sentence, not an abbreviation
    ("ҚР Үкіметі", ["ҚР", "Үкіметі"]),
    ("№ 529 қаулысы", ["№", "529", "қаулысы"]),
    ("№529", ["№", "529"]),
    ("№№ 5, 6", ["№№", "5", ",", "6"]),
    ("Б. Сағынтаев", ["Б.", "Сағынтаев"]),
    ("К. Мәсімов", ["К.", "Мәсімов"]),
    ("Қ.Тоқаев", ["Қ.", "Тоқаев"]),
    ("Қ.Ж.Тоқаев", ["Қ.", "Ж.", "Тоқаев"]),
    ("Ә. Ұ. Өтебаев", ["Ә.", "Ұ.", "Өтебаев"]),
    ("8) тармақша", ["8", ")", "тармақша"]),  # no emoticon "8)"
]

HYPHENS = [
    ("16-бап", ["16-бап"]),
    ("8-бабына", ["8-бабына"]),
    ("30-шы", ["30-шы"]),
    ("ҰҚШҰ-ға", ["ҰҚШҰ-ға"]),
    ("ТМД-ның", ["ТМД-ның"]),
    ("іс-қимыл", ["іс-қимыл"]),
    ("ақпараттық-коммуникациялық", ["ақпараттық-коммуникациялық"]),
    ("бір-біріне", ["бір-біріне"]),
    ("Премьер-Министрі", ["Премьер-Министрі"]),
    ("сондай-ақ", ["сондай-ақ"]),
    ("ақпарат – мәліметтер", ["ақпарат", "–", "мәліметтер"]),
    ("X - Y", ["X", "-", "Y"]),
    ("енді - Қазақстан", ["енді", "-", "Қазақстан"]),
    ("ақпарат—мәліметтер", ["ақпарат", "—", "мәліметтер"]),
]


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION + EXCEPTIONS + HYPHENS)
def test_tokenizer(text: str, expected: list[str]) -> None:
    assert _tokens(text) == expected


def test_default_classes_are_the_problem() -> None:
    """The reason for this package: spaCy's own defaults keep these whole."""
    xx = spacy.blank("xx")
    assert len(xx("ақпарат,құпия")) == 1
    assert len(xx("асырылмақ.")) == 1


def test_abbreviation_norm() -> None:
    doc = _nlp()("2017 ж. т.б.")
    assert [t.norm_ for t in doc] == ["2017", "жыл", "тағы басқа"]


# --- sentences ----------------------------------------------------------------

SENTENCES = [
    (
        "Келісім 2017 ж. 18 сәуірде Астанада жасалды. Ол күшіне енеді.",
        ["Келісім 2017 ж. 18 сәуірде Астанада жасалды.", "Ол күшіне енеді."],
    ),
    (
        "Премьер-Министрі Б. Сағынтаев қол қойды. Келісім бекітілсін.",
        ["Премьер-Министрі Б. Сағынтаев қол қойды.", "Келісім бекітілсін."],
    ),
    (
        "Президенті Қ.Тоқаев қол қойды. Келісім бекітілсін.",
        ["Президенті Қ.Тоқаев қол қойды.", "Келісім бекітілсін."],
    ),
    (
        "Ақпарат, құжаттар т.б. беріледі. Тараптар келісті.",
        ["Ақпарат, құжаттар т.б. беріледі.", "Тараптар келісті."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in _full_nlp()(text).sents] == expected


# --- numbers ------------------------------------------------------------------

LIKE_NUM = [
    ("30", True), ("1.5", True), ("2017", True), ("1,5", True), ("1/2", True), ("-5", True),
    ("16-шы", True), ("30-шы", True), ("5-інші", True), ("30-ы", True), ("2017-ге", True),
    ("30-ында", True),
    ("бір", True), ("екі", True), ("үш", True), ("төрт", True), ("бес", True), ("алты", True),
    ("жеті", True), ("сегіз", True), ("тоғыз", True), ("он", True), ("жиырма", True),
    ("отыз", True), ("қырық", True), ("елу", True), ("алпыс", True), ("жетпіс", True),
    ("сексен", True), ("тоқсан", True), ("жүз", True), ("мың", True), ("миллион", True),
    ("миллиард", True), ("Отыз", True),
    ("бірінші", True), ("екінші", True), ("үшінші", True), ("төртінші", True),
    ("бесінші", True), ("алтыншы", True), ("жетінші", True), ("сегізінші", True),
    ("тоғызыншы", True), ("оныншы", True), ("жиырмасыншы", True), ("отызыншы", True),
    ("тогыз", True),  # a legacy export's spelling of "тоғыз"
    ("16-бап", False), ("8-бабына", False), ("73-құжат", False), ("ТМД-ның", False),
    ("бап", False), ("және", False), ("ұш", False), ("", False), ("-", False),
]


@pytest.mark.parametrize(("text", "expected"), LIKE_NUM)
def test_like_num(text: str, expected: bool) -> None:
    assert like_num(text) is expected


def test_like_num_is_the_lexical_attribute() -> None:
    doc = _nlp()("16-шы бап, отыз күн, 16-бап")
    assert [t.like_num for t in doc] == [True, False, False, True, False, False, False]


NUMBER_VALUE = [
    ("бір", 1), ("он", 10), ("отыз", 30), ("жүз", 100), ("мың", 1000),
    ("жиырма бес", 25), ("бір мың", 1000), ("екі жүз", 200), ("жүз бір", 101),
    ("мың тоғыз жүз тоқсан екі", 1992), ("екі мың он жеті", 2017),
    ("екі миллион үш жүз мың", 2_300_000), ("он бес мың", 15_000), ("нөл", 0),
    ("Жиырма Бес", 25),
    ("бірінші", 1), ("төртінші", 4), ("оныншы", 10), ("жиырмасыншы", 20), ("отызыншы", 30),
    ("қырқыншы", 40), ("жиырма бесінші", 25), ("жүзінші", 100),
    ("30", 30), ("2017", 2017), ("16-шы", 16), ("30-шы", 30),
    ("", None), ("бап", None), ("16-бап", None), ("1.5", None), ("бес жиырма", None),
    ("жүз жүз", None), ("мың миллион", None), ("бірінші мың", None), ("бір нөл", None),
    ("жиырма бап", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_VALUE)
def test_number_value(text: str, expected: int | None) -> None:
    assert number_value(text) == expected


def test_every_number_word_has_its_value() -> None:
    for word, value in CARDINALS.items():
        assert number_value(word) == value and like_num(word)
    for word, value in ORDINALS.items():
        assert number_value(word) == value and like_num(word)
        assert word.endswith(("ыншы", "інші", "ншы", "нші"))


# --- stop words ---------------------------------------------------------------

@pytest.mark.parametrize(
    "word",
    "және мен бен пен немесе не бірақ да де та те ғана тек осы сол бұл ол олар оның "
    "олардың өз өзі өздері әрбір барлық үшін туралы бойынша сәйкес арқылы дейін кейін "
    "бастап қатысты ретінде сияқты әрі ал егер онда яғни соның т.б.".split(),
)
def test_stop_words(word: str) -> None:
    assert word in STOP_WORDS


def test_stop_words_on_tokens() -> None:
    doc = _nlp()("Тараптар және Келісім туралы Осы")
    assert [t.is_stop for t in doc] == [False, True, False, True, True]
    assert all(w == w.lower() and w.strip() == w for w in STOP_WORDS)
    assert not {"келісім", "тарап", "мемлекет", "ақпарат", "бап"} & STOP_WORDS


# --- entry points ---------------------------------------------------------------

def test_blank_kk_through_the_entry_point(tmp_path) -> None:
    """A fresh interpreter that never imports ingest itself: spaCy must find ``kk``
    and ``kk_lemmatizer`` through the installed entry points."""
    code = (
        "import sys, spacy; nlp = spacy.blank('kk'); "
        "print([t.text for t in nlp('ақпарат,құпия')]); "
        "from spacy.language import Language; print(Language.has_factory('kk_lemmatizer'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["['ақпарат', ',', 'құпия']", "True"]


def test_make_nlp_pipes() -> None:
    assert make_nlp(lemmatizer=False).pipe_names == ["sentencizer", "kk_line_sentences"]
    assert make_nlp().pipe_names == ["sentencizer", "kk_line_sentences", "kk_lemmatizer"]


def test_sentences_follow_the_lines_of_a_treaty() -> None:
    nlp = make_nlp(lemmatizer=False)
    doc = nlp("2-бап\nҚұзыретті органдар\n1. Мыналар: комитет.\n2. Тараптар 2017 ж. 18 сәуірде Б. Сағынтаев арқылы хабарлайды. Екінші сөйлем.")
    assert [s.text.strip() for s in doc.sents] == [
        "2-бап",
        "Құзыретті органдар",
        "1. Мыналар: комитет.",
        "2. Тараптар 2017 ж. 18 сәуірде Б. Сағынтаев арқылы хабарлайды.",
        "Екінші сөйлем.",
    ]
    assert _full_nlp().lang == "kk"


# --- the lemmatizer component -----------------------------------------------------

def _fake_analyse(word: str) -> tuple[str, ...]:
    table = {
        "Тараптар": ("тарап",),
        "келісімге": ("келісім", "келісімге"),
        "алма": ("алма", "ал"),
        "ҰҚШҰ-ға": ("ҰҚШҰ",),
    }
    return table.get(word, ())


@pytest.fixture
def fake_morphology(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``ingest.kk.morphology`` replaced by a table; the list records what was asked."""
    calls: list[str] = []

    def analyse(word: str) -> tuple[str, ...]:
        calls.append(word)
        return _fake_analyse(word)

    module = types.ModuleType("ingest.kk.morphology")
    module.analyse = analyse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ingest.kk.morphology", module)
    return calls


def test_component_through_add_pipe(fake_morphology: list[str]) -> None:
    nlp = make_nlp()
    assert nlp.pipe_names == ["sentencizer", "kk_line_sentences", "kk_lemmatizer"]
    doc = nlp("Тараптар келісімге, 30 алма; ҰҚШҰ-ға 16-шы бірінші № белгісіз.")
    assert [(t.text, t.lemma_, t._.lemmas) for t in doc] == [
        ("Тараптар", "тарап", ("тарап",)),
        ("келісімге", "келісім", ("келісім", "келісімге")),
        (",", ",", (",",)),
        ("30", "30", ("30",)),
        ("алма", "алма", ("алма", "ал")),
        (";", ";", (";",)),
        ("ҰҚШҰ-ға", "ҰҚШҰ", ("ҰҚШҰ",)),
        ("16-шы", "16-шы", ("16-шы",)),
        ("бірінші", "бірінші", ("бірінші",)),
        ("№", "№", ("№",)),
        ("белгісіз", "белгісіз", ("белгісіз",)),  # nothing from analyse: the form itself
        (".", ".", (".",)),
    ]
    # numbers, punctuation and symbols were never analysed
    assert sorted(set(fake_morphology)) == sorted(["Тараптар", "келісімге", "алма", "ҰҚШҰ-ға", "белгісіз"])


def test_component_caches_per_form(fake_morphology: list[str]) -> None:
    nlp = make_nlp()
    list(nlp.pipe(["алма алма", "алма"]))
    assert fake_morphology == ["алма"]


def test_component_unknown_version(fake_morphology: list[str]) -> None:
    nlp = spacy.blank("kk")
    with pytest.raises(ValueError, match="version"):
        nlp.add_pipe("kk_lemmatizer", config={"version": 99})


def test_component_directly() -> None:
    doc = KazakhLemmatizer(_fake_analyse)(_nlp()("Тараптар -"))
    assert [t._.lemmas for t in doc] == [("тарап",), ("-",)]


# --- robustness -------------------------------------------------------------------

_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic, Kazakh letters included
    st.characters(min_codepoint=0x0020, max_codepoint=0x007E),  # ASCII: Latin, digits, punctuation
    st.sampled_from(list("әғқңөұүһіӘҒҚҢӨҰҮҺІ«»“”„–—…№§°₸ \n\t\u00a0\u2009")),
    st.characters(categories=("P", "S", "Z")),
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_tokenizer_never_raises(text: str) -> None:
    doc = _nlp()(text)
    assert doc.text == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_pipeline_never_raises(text: str) -> None:
    doc = _full_nlp()(text)
    assert doc.text == text
    list(doc.sents)
