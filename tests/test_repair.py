"""Each repair on real excerpts of the seed texts (input → expected), then the offset
map and the invariants of the whole pipeline."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import repair as r
from ingest.mapped import Edit, MappedText

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run(step, text: str) -> str:
    return step(MappedText.identity(text)).text


# (repair, source excerpt, expected) — excerpts are copied from the seed files, with
# their line breaks and spacing, so each row is the damage as it really occurs.
CASES = [
    (r.normalize_characters, "Келісім\u00a0бойынша\r\nТараптар\u200b", "Келісім бойынша\nТараптар"),
    (r.normalize_characters, "и\u0306", "й"),
    (r.remove_bookmarks, "Жарлығы.\n[bookmark: z3]\n      \"Қазақстан", "Жарлығы.\n\n      \"Қазақстан"),
    # displaced link words (004 lines 9, 166, 224, 300; 001 line 11)
    (r.restore_displaced_link_words, "өзара қорғау туралы  бекітілсін.келісім\n", "өзара қорғау туралы келісім бекітілсін.\n"),
    (
        r.restore_displaced_link_words,
        "уәкілетті орган осы Келісімнің  сәйкес салыстырылатын құпиялылық белгісін 2-бабына\nқосымша қояды.",
        "уәкілетті орган осы Келісімнің 2-бабына сәйкес салыстырылатын құпиялылық белгісін\nқосымша қояды.",
    ),
    (
        r.restore_displaced_link_words,
        "      Мұндай сапарларға осы Келісімнің 4-бабының  көрсетілген тұлғаларға2-тармағында\nғана",
        "      Мұндай сапарларға осы Келісімнің 4-бабының 2-тармағында көрсетілген тұлғаларға\nғана",
    ),
    (
        r.restore_displaced_link_words,
        "құпиясыздандырылғанға дейін, осы Келісімнің  көзделген қорғау 4-бабында\nшараларының",
        "құпиясыздандырылғанға дейін, осы Келісімнің 4-бабында көзделген қорғау\nшараларының",
    ),
    # a double space that marks no moved word stays for tidy_spaces
    (r.restore_displaced_link_words, "      Қазақстан Республикасының Үкіметі  ҚАУЛЫ ЕТЕДІ:\n", "      Қазақстан Республикасының Үкіметі  ҚАУЛЫ ЕТЕДІ:\n"),
    (r.restore_displaced_link_words, "маңыздылығын  қамтамасыз  ету  бойынша;\n", "маңыздылығын  қамтамасыз  ету  бойынша;\n"),
    # a reference cut at its hyphen, its second half moved (004 lines 281-284)
    (
        r.restore_split_references,
        "хаттамалармен және осы Келісімнің 15-\n\n белгіленген тәртіппен күшіне енетін өзгерістер мен толықтырулар енгізілуі бабында\nмүмкін.",
        "хаттамалармен және осы Келісімнің 15-бабында белгіленген тәртіппен күшіне енетін өзгерістер мен толықтырулар енгізілуі\nмүмкін.",
    ),
    # a plain wrap at the hyphen is not touched (000 lines 245-246)
    (r.restore_split_references, "осы Келісімнің 16-\nбабында көзделген тәртіппен\n", "осы Келісімнің 16-\nбабында көзделген тәртіппен\n"),
    # list dashes moved to the end of the item's first line (000 lines 57-62)
    (
        r.restore_displaced_list_dashes,
        "      Келісімнің мақсатына жету үшін Тараптар:\n"
        "       Тараптардың мемлекетаралық ынтымақтастығы және ведомствоаралық өзара -\n"
        "іс-қимылын нығайту негізінде ҰҚШҰ-ға мүше мемлекеттердің ақпараттық қауіпсіздік \n"
        "       ақпарат саласындағы қатерлерге қарсы іс-қимыл тетіктерін жетілдіруді;-\n",
        "      Келісімнің мақсатына жету үшін Тараптар:\n"
        "       – Тараптардың мемлекетаралық ынтымақтастығы және ведомствоаралық өзара\n"
        "іс-қимылын нығайту негізінде ҰҚШҰ-ға мүше мемлекеттердің ақпараттық қауіпсіздік \n"
        "       – ақпарат саласындағы қатерлерге қарсы іс-қимыл тетіктерін жетілдіруді;\n",
    ),
    # a short "term -" line is a definition's own dash, not a displaced one
    (r.restore_displaced_list_dashes, "      терминдер:\n      ақпарат -\nмәліметтер;\n", "      терминдер:\n      ақпарат -\nмәліметтер;\n"),
    # the quoted term displaced into its definition (000 lines 88-90)
    (
        r.restore_displaced_definition_terms,
        '      – ақпараттың тұтастығын, құпиялылығын және қолжетімділiгiн "ақпаратты қорғау"\nқамтамасыз',
        '      "ақпаратты қорғау" – ақпараттың тұтастығын, құпиялылығын және қолжетімділiгiн\nқамтамасыз',
    ),
    (
        r.restore_displaced_definition_terms,
        '      –мемлекеттiңобъектiлері, жүйелері мен институттары, "аса маңызды құрылымдар"\n',
        '      "аса маңызды құрылымдар" – мемлекеттiңобъектiлері, жүйелері мен институттары,\n',
    ),
    # Latin letters inside Cyrillic words; real Latin words stay
    (r.fix_mixed_script_words, "ақпараттық қауiпсiздiктi қамтамасыз", "ақпараттық қауіпсіздікті қамтамасыз"),
    (r.fix_mixed_script_words, "Осы Келісім ОАӨAYO құру туралы", "Осы Келісім ОАӨАҮО құру туралы"),
    (r.fix_mixed_script_words, '"Өте құпия" "Iňňän gizlin" "Совершенно секретно"', '"Өте құпия" "Iňňän gizlin" "Совершенно секретно"'),
    # letter-spaced words (002)
    (r.join_letter_spaced_words, "келісімге қол\nқ о й ы л с ы н .", "келісімге қол\nқойылсын."),
    (r.join_letter_spaced_words, "Қ а з а қ с т а н  Р е с п у б л и к а с ы н ы ң", "Қазақстан  Республикасының"),
    (r.join_letter_spaced_words, "а) сұрау салушы; б) мән", "а) сұрау салушы; б) мән"),
    # spacing
    (r.tidy_spaces, "маңыздылығын  қамтамасыз  ету  бойынша ;", "маңыздылығын қамтамасыз ету бойынша;"),
    (r.tidy_spaces, "салдарын жою,ақпараттық қауіпсіздік", "салдарын жою, ақпараттық қауіпсіздік"),
    (r.restore_displaced_colon, "Қазақстан Республикасының Үкіметі :ҚАУЛЫ ЕТЕДІ\n", "Қазақстан Республикасының Үкіметі ҚАУЛЫ ЕТЕДІ:\n"),
]


@pytest.mark.parametrize(("step", "source", "expected"), CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_repair_on_real_excerpts(step, source: str, expected: str) -> None:
    assert run(step, source) == expected


# The vocabulary-driven repairs need the document around them: a word is only
# changed when the document itself uses the repaired form.
def test_glued_words_split_only_when_the_document_confirms() -> None:
    text = (
        "кезеңге арналғанұжымдық қауіпсіздік стратегиясы. Бағдарлама арналған жоспар. ұжымдық қауіпсіздік.\n"
        "ішкіістерге араласпау. ішкі саясат. істерге.\n"
        "мемлекетаралық ынтымақтастық. мемлекетаралық шарт. желіаралық өзара іс-қимыл.\n"
    )
    out = run(r.split_glued_words, text)
    assert "арналған ұжымдық" in out
    assert "ішкі істерге" in out
    assert "мемлекетаралық ынтымақтастық" in out  # a compound that recurs
    assert "желіаралық" in out  # -аралық compounds are never glue points


def test_u_for_short_u_needs_the_documents_own_spelling() -> None:
    text = "құралдарының тізбесі. Есірткі қүралдарының. құралдарының саны. түрі түрі."
    out = run(r.fix_u_for_short_u, text)
    assert "Есірткі құралдарының" in out
    assert "түрі" in out  # no "тұрі" in the document: left alone


def test_u_for_short_u_is_repaired_when_the_kazakh_lexicon_confirms_it() -> None:
    # no other spelling in this document: the lexicon decides (құжаттама, бұзу are words;
    # қүжаттама, бүзу are not), and words it knows with "ү" stay
    out = run(r.fix_u_for_short_u, "ілеспе қүжаттамаға қойылатын, тәртібін бүзу; түрі мен үшін")
    assert out == "ілеспе құжаттамаға қойылатын, тәртібін бұзу; түрі мен үшін"


def test_split_words_inside_double_spaced_runs() -> None:
    text = "хабарлама берілген.\nотырып бер ілген  немесе  алынған  ақпарат ;\n"
    assert "берілген  немесе" in run(r.join_split_words, text)


def test_unwrap_joins_hard_wraps_and_page_breaks_but_keeps_structure() -> None:
    source = (
        "      1. Құпия ақпаратқа рұқсат беріледі, оның ішінде оқыту процесінде де көзделген \n"
        "мақсаттарда рұқсат беріледі\n"
        ".\n\n\n\n"
        "      2. Тараптардың құзыретті органдары екінші Тараптың уәкілетті немесе құзыретті \n"
        "\n\n\n"
        "органына бұл туралы дереу хабарлайды.\n"
        "11-бап\n"
        "Құпия ақпаратты қорғау жөніндегі талаптардың бұзылуы және залалдың мөлшерін \n"
        "белгілеу\n"
        "      Осы Келісім 16-\n"
        "бабында көзделген тәртіппен күшіне енеді.\n"
    )
    assert run(r.unwrap_lines, source).split("\n") == [
        "1. Құпия ақпаратқа рұқсат беріледі, оның ішінде оқыту процесінде де көзделген мақсаттарда рұқсат беріледі.",
        "2. Тараптардың құзыретті органдары екінші Тараптың уәкілетті немесе құзыретті органына бұл туралы дереу хабарлайды.",
        "11-бап",
        "Құпия ақпаратты қорғау жөніндегі талаптардың бұзылуы және залалдың мөлшерін белгілеу",
        "Осы Келісім 16-бабында көзделген тәртіппен күшіне енеді.",
        "",
    ]


def test_unwrap_keeps_lines_of_a_file_that_is_not_wrapped() -> None:
    long = "Орталық уәкілетті органдар берген құпия ақпаратты алмасуды, жинақтауды, жүйелеуді, талдауды, сақтауды және қорғауды жүзеге асырады. " * 2
    source = f"      {long}\n\nҚазақстан Республикасы\nПрезидентінің\n      {long}\n      {long}\n      {long}\n      {long}\n"
    lines = run(r.unwrap_lines, source).split("\n")
    assert "Қазақстан Республикасы" in lines and "Президентінің" in lines


# The offset map -----------------------------------------------------------------------


def test_mapped_text_moves_carry_their_source_offsets() -> None:
    mt = MappedText.identity("туралы  бекітілсін.келісім\n")
    out = r.restore_displaced_link_words(mt)
    assert out.text == "туралы келісім бекітілсін.\n"
    start = out.text.index("келісім")
    assert mt.text[slice(*out.source_span(start, start + len("келісім")))] == "келісім"


def test_a_letter_spaced_word_maps_back_to_its_whole_source_range() -> None:
    mt = MappedText.identity("осы К е л і с і м н е н шығу")
    out = r.join_letter_spaced_words(mt)
    start = out.text.index("Келісімнен")
    assert mt.text[slice(*out.source_span(start, start + len("Келісімнен")))] == "К е л і с і м н е н"


def test_mapped_text_rejects_overlapping_edits() -> None:
    with pytest.raises(ValueError):
        MappedText.identity("abcdef").apply([Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_seed_articles_map_back_to_their_source_characters() -> None:
    from ingest import parse_path

    for path in sorted(CORPUS.glob("*.txt")):
        source = path.read_text(encoding="utf-8")
        treaty = parse_path(path)
        for article in treaty.articles:
            if article.header_span is None:
                continue
            span = treaty.source_span(article.header_span)
            assert source[span.start : span.end].strip() == treaty.text[article.header_span.start : article.header_span.end].strip()


# Invariants of the whole repair -------------------------------------------------------

_FOLD = str.maketrans({"i": "і", "I": "І", "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к",
                       "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "ү",
                       "ұ": "ү", "Ұ": "ү"})


def letters(text: str) -> Counter[str]:
    text = re.sub(r"\[bookmark:[^\]\n]*\]", "", unicodedata.normalize("NFC", text))
    return Counter(ch for ch in text.translate(_FOLD).lower() if ch.isalnum())


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_repair_keeps_every_letter_of_the_seeds(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert letters(r.repair(source).text) == letters(source)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_repaired_seeds_hold_no_damage_that_acceptance_names(path: Path) -> None:
    text = r.repair(path.read_text(encoding="utf-8")).text
    for word in re.findall(r"[^\W\d_]+", text):
        if re.search(r"[\u0400-\u04ff]", word):
            assert not re.search(r"[A-Za-z]", word), f"Latin letter inside a Cyrillic word: {word}"
    assert not re.search(r"(?<!\S)(?:[^\W\d_] ){2,}[^\W\d_](?!\S)", text), "letter-spaced word"
    for line in text.split("\n"):
        assert not re.search(r"\S  \S", line), f"double space left: {line[:60]}"
    # no page-break blank lines inside a sentence: a blank line never follows a line
    # that ends mid-sentence and precedes one that starts in lower case
    lines = text.split("\n")
    for before, blank, after in zip(lines, lines[1:], lines[2:]):
        if blank == "" and before and after and after[0].islower():
            assert before[-1] in ".:;,", f"blank line inside a sentence: {before[-40:]!r} / {after[:40]!r}"
    assert "бекітілсін.келісім" not in text and "белгісін 2-бабына" not in text


cyrillic = st.characters(min_codepoint=0x0400, max_codepoint=0x04FF)
texty = st.one_of(cyrillic, st.sampled_from(list(" \n\t.,;:()-–\"«»№0123456789iIaAYy")), st.characters())


@settings(max_examples=300, deadline=None)
@given(st.text(texty, max_size=400))
def test_repair_never_raises_and_keeps_letters(text: str) -> None:
    out = r.repair(text)
    assert len(out.offsets) == len(out.text) + 1
    assert letters(out.text) == letters(text)
