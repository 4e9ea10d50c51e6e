"""What the hybrid ranking reads of a question and of a provision, beyond the two lists
(issue 11): the article heading in the article's text and above its paragraphs for the
dense model, words as rare as they are inside a named treaty, the named treaty's
average taken out of the dense scores, the privative's noun among a word's lemmas, the
weights as one value the tuner can replace."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import parse_path
from kb import hybrid
from kb.build import passage_text
from kb.fusion import WEIGHTS, Weights
from kb.lexical import build_index
from kb.modes import SearchRequest
from kb.query import Word
from kb.schema import provision_rows
from kb.search import read_query
from kb.store import KnowledgeBase
from kb.tokens import lemmas_of

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "tests" / "fixtures" / "dev-texts"


@pytest.mark.parametrize(
    ("source", "num", "opening"),
    [
        ("07_kz-kg-investments-chapters-titles.txt", "4", "Ұлттық режим және неғұрлым қолайлы режим\n"),  # heading on the header line
        ("03_kz-jordan-transfer-sentenced-persons.txt", "4", "БЕРУ ШАРТТАРЫ\n"),  # the same, in capitals
        ("06_kz-mongolia-legal-assistance-chapters.txt", "4", "Құқылық көмек көрсету кезіндегі"),  # heading on a line of its own
    ],
)
def test_an_article_row_opens_with_its_heading(source: str, num: str, opening: str) -> None:
    treaty = parse_path(DEV / source)
    row = next(r for r in provision_rows(treaty) if r[5] == "article" and r[2] == num)
    text, start = row[6], row[7]
    assert isinstance(text, str) and text.startswith(opening)
    assert "бап" not in text.split("\n")[0].lower()  # the "N-бап" label stays out
    assert treaty.text[start : start + len(text)] == text  # still a slice of the source


@pytest.mark.parametrize(
    ("text", "level", "heading", "passage"),
    [
        ("2. Әрбір Тарап аударымдарға рұқсат береді.", "paragraph", "Аударымдар", "Аударымдар. 2. Әрбір Тарап аударымдарға рұқсат береді."),
        ("3.1) банкроттыққа;", "point", "  Аударымдар:\n", "Аударымдар. 3.1) банкроттыққа;"),
        ("Аударымдар\n\n1. Барлық …", "article", "Аударымдар", "Аударымдар\n\n1. Барлық …"),  # the article holds it already
        ("1. Тараптар …", "paragraph", None, "1. Тараптар …"),
        ("1. Тараптар …", "paragraph", "", "1. Тараптар …"),
    ],
)
def test_the_dense_model_reads_a_paragraph_under_its_heading(text: str, level: str, heading: str | None, passage: str) -> None:
    assert passage_text(text, level, heading) == passage


def test_a_privative_is_found_by_its_noun() -> None:
    assert "рұқсат" in lemmas_of("рұқсатсыз")  # without a permit
    assert "кідіріс" in lemmas_of("кідіріссіз")  # without delay
    assert "келісім" in lemmas_of("келісімінсіз")  # without its consent
    assert lemmas_of("сіз") == ("сіз",)  # the pronoun is no privative


def _doc(*words: str) -> list[list[object]]:
    return [[0, 0, w, [w]] for w in words]


def test_inside_a_named_treaty_a_word_is_as_rare_as_it_is_there() -> None:
    """Provisions 0–3 are one treaty, where "инвестиция" is everywhere; 4–7 another,
    where it is nowhere. Corpus-wide it is as rare as "аударым" (four provisions each),
    inside the treaty it says nothing: with the treaty as ``local`` the provision
    holding "аударым" leads there, and nothing changes outside."""
    index = build_index(
        [
            (1, _doc("инвестиция", "аударым")),
            (2, _doc("инвестиция", "режим")),
            (3, _doc("инвестиция", "экспроприация")),
            (4, _doc("инвестиция", "тарап")),
            (5, _doc("аударым", "тарап")),
            (6, _doc("аударым", "жүк")),
            (7, _doc("аударым", "көлік")),
            (8, _doc("жүк", "рұқсат")),
        ]
    )
    terms = (Word("инвестиция"), Word("аударым"))
    local = np.array([True] * 4 + [False] * 4)
    found, plain = index.any_of(terms)
    found_local, scores = index.any_of(terms, local)
    assert (found == found_local).all() and found[:7].all() and not found[7]
    assert plain[1] == pytest.approx(plain[4])  # corpus-wide, each word alone weighs the same
    assert scores[1] < 0.2 * plain[1]  # inside, "инвестиция" is in every provision: it nearly stops counting
    assert scores[0] - scores[1] > plain[0] - plain[1]  # and "аударым", in one of four, counts more
    np.testing.assert_allclose(scores[~local], plain[~local])  # outside: unchanged
    assert index.any_of((Word("жоқсөз"),))[0].sum() == 0  # a word no provision holds


def test_the_weights_are_one_value_and_the_language_picks_the_keyword_share() -> None:
    assert WEIGHTS.keyword("kk") == WEIGHTS.keyword_kk and WEIGHTS.keyword("xx") == WEIGHTS.keyword_kk
    assert WEIGHTS.keyword("en") == WEIGHTS.keyword_en and WEIGHTS.keyword("ru") == WEIGHTS.keyword_ru
    with pytest.raises(dataclasses.FrozenInstanceError):
        WEIGHTS.centre = 0.0  # type: ignore[misc]


def test_designated_is_not_defined() -> None:
    from kb.expansion import clause_types_asked

    assert "definitions" not in clause_types_asked("Какие органы определены компетентными?")
    assert "definitions" in clause_types_asked("Какие определения даны в соглашении?")


def _evidence(kb: KnowledgeBase, text: str) -> hybrid.Evidence:
    query = read_query(text, "hybrid")
    return hybrid.gather(kb, SearchRequest(query.text, query))


def test_a_named_treaty_is_scored_whole_and_its_average_taken_out(vector_kb: KnowledgeBase) -> None:
    table = vector_kb.provision_table()
    evidence = _evidence(vector_kb, "соглашение с Туркменистаном: кто несёт расходы?")
    assert evidence.named is not None and evidence.named.sum() == 1
    inside = np.flatnonzero(evidence.named[table.treaty])
    assert set(inside.tolist()) <= set(evidence.dense.docs.tolist())  # every provision, not only the nearest 300
    typical = evidence.typical
    assert set(typical.docs.tolist()) == set(inside.tolist()) and abs(typical.scores.mean()) < 1e-6
    # the centroid taken out is the ranking's own choice: none, and the order is the dense list's
    plain = hybrid.rank(table, evidence, dataclasses.replace(WEIGHTS, centre=0.0))
    centred = hybrid.rank(table, evidence, WEIGHTS)
    assert not np.allclose(plain.scores, centred.scores)
    none = _evidence(vector_kb, "кто несёт расходы?")
    assert none.named is None and len(none.typical.docs) == 0


def test_a_question_naming_no_treaty_is_ranked_the_same_whatever_the_centring(vector_kb: KnowledgeBase) -> None:
    table = vector_kb.provision_table()
    evidence = _evidence(vector_kb, "құпия ақпаратты қорғау")
    a = hybrid.rank(table, evidence, dataclasses.replace(WEIGHTS, centre=0.0))
    b = hybrid.rank(table, evidence, dataclasses.replace(WEIGHTS, centre=0.9))
    np.testing.assert_array_equal(a.docs, b.docs)
    np.testing.assert_allclose(a.scores, b.scores)


def test_the_index_gives_back_every_vector(tmp_path: Path) -> None:
    from kb.vectors import VectorIndex, write_index

    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(30, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    write_index(tmp_path / "v.faiss", list(range(10, 40)), vectors)
    rowids, back = VectorIndex([(tmp_path / "v.faiss", None)]).vectors()
    assert rowids.tolist() == list(range(10, 40))
    np.testing.assert_allclose(back, vectors, atol=2e-3)  # stored as float16
    write_index(tmp_path / "e.faiss", [], np.zeros((0, 384), dtype=np.float32))
    rowids, back = VectorIndex([(tmp_path / "e.faiss", None)]).vectors()
    assert len(rowids) == 0 and back.shape == (0, 384)


def test_weights_replace_by_name() -> None:
    assert dataclasses.replace(Weights(), other_treaty=1.0).other_treaty == 1.0


def test_a_word_scores_its_best_reading_not_the_sum_of_its_readings() -> None:
    """"беріледі" reads as "беріл" (be given) and "бер" (give); a provision holding a
    token of both readings scores the better one once, so an ambiguous word does not
    outweigh a rare one that has a single reading."""
    from kb.lexical import LEMMA

    index = build_index([(1, [[0, 0, "берілді", ["беріл", "бер"]]]), (2, [[0, 0, "берді", ["бер"]]]), (3, _doc("жол"))])
    word = Word("беріледі")
    assert {"беріл", "бер"} <= set(word.lemmas)
    _, scores = index.word(word)

    def weight(lemma: str, doc: int) -> float:
        term = index.vocab.index(LEMMA + lemma)
        lo, hi = index.weight_indptr[term], index.weight_indptr[term + 1]
        return float(dict(zip(index.weight_docs[lo:hi].tolist(), index.weight_values[lo:hi].tolist()))[doc])

    assert scores[0] == pytest.approx(max(weight("беріл", 0), weight("бер", 0)))
    assert scores[1] == pytest.approx(weight("бер", 1)) and scores[2] == 0


def test_a_definitions_article_gives_way_unless_definitions_are_asked(vector_kb: KnowledgeBase) -> None:
    table = vector_kb.provision_table()
    general = table.of_types(hybrid.GENERAL)

    def general_scores(text: str, weight: float) -> tuple[np.ndarray, np.ndarray]:
        found = hybrid.rank(table, _evidence(vector_kb, text), dataclasses.replace(WEIGHTS, general=weight))
        return found.docs, found.scores

    docs, off = general_scores("құпия ақпаратты беру тәртібі", 0.0)
    _, on = general_scores("құпия ақпаратты беру тәртібі", 0.3)
    assert general[docs].any() and (~general[docs]).any()
    np.testing.assert_allclose(on[general[docs]], off[general[docs]] - 0.3)  # lowered …
    np.testing.assert_allclose(on[~general[docs]], off[~general[docs]])  # … and nothing else
    docs, off = general_scores("«құпия ақпарат» ұғымы нені білдіреді", 0.0)  # a question for a definition
    _, on = general_scores("«құпия ақпарат» ұғымы нені білдіреді", 0.3)
    definitions = table.of_types({"definitions"})[docs]
    assert definitions.any()
    np.testing.assert_allclose(on[definitions], off[definitions])
