"""The semantic and hybrid modes: language detection, treaty names, glossary expansion,
clause-type cues, the fusion, and the modes end to end over a build with vectors
(``vector_kb``, built once for the session in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.model import Treaty
from kb.aliases import TreatyNames, detect_language
from kb.errors import QueryError
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import best_per_article, fuse, reciprocal_rank, scale
from kb.search import search
from kb.store import KnowledgeBase


@pytest.mark.parametrize(
    ("query", "language"),
    [("құпия ақпаратқа", "kk"), ("Кто несёт расходы?", "ru"), ("Who bears the costs?", "en"), ("ТМД 2017", "ru"), ("", "kk")],
)
def test_detect_language(query: str, language: str) -> None:
    assert detect_language(query) == language


@pytest.fixture(scope="module")
def names(seeds: dict[str, Treaty]) -> TreatyNames:
    return TreatyNames(seeds.values())


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("ТМД келісімі бойынша", "001"),
        ("соглашение ОДКБ", "000"),
        ("the CIS agreement", "001"),
        ("соглашения с Туркменистаном", "004"),
        ("EurAsEC customs", "002"),
        ("ЦАРИКЦ", "003"),
    ],
)
def test_a_named_treaty_is_recognised(names: TreatyNames, seeds: dict[str, Treaty], query: str, source: str) -> None:
    found = names.mentioned(query)
    assert len(found) == 1 and next(iter(found)).startswith(("2017", "draft", "2011", "2023"))
    assert found == {seeds[source].id}


def test_kazakhstan_names_no_treaty(names: TreatyNames) -> None:
    assert names.mentioned("Қазақстан мен Казахстан and Kazakhstan") == set()


def test_russian_and_english_reach_kazakh_terms() -> None:
    assert "құпия ақпарат" in kazakh_terms("передать секретную информацию")
    assert "құпиялылық грифі" in kazakh_terms("Which classification markings correspond?") or "құпиялылық грифі" in kazakh_terms("гриф секретности")
    assert kazakh_terms("погода завтра") == []


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("Как разрешаются споры?", "dispute_resolution"),
        ("When does it enter into force?", "entry_into_force"),
        ("Келісімнен шығу үшін", "withdrawal"),
        ("Кто несёт расходы?", "expenses"),
        ("жұмыс тілі қандай", "language"),
    ],
)
def test_clause_types_asked(query: str, kind: str) -> None:
    assert kind in clause_types_asked(query)


def test_security_is_not_a_threat() -> None:
    assert "scope" not in clause_types_asked("ақпараттық қауіпсіздік")


def _hits(pairs: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([x for _, x in pairs])


def test_fusion_weighs_the_lists_by_language() -> None:
    keyword = _hits([(0, 10.0), (1, 1.0)])
    dense = _hits([(1, 0.9), (0, 0.7)])
    assert np.argmax(fuse("kk", keyword, dense, 3)) == 0  # Kazakh leans on the lemmas
    assert np.argmax(fuse("ru", keyword, dense, 3)) == 1  # Russian on the dense model
    # articles 1 and 2 are of a treaty the query names, article 0 is not
    named = fuse("ru", keyword, _hits([(0, 0.95), (1, 0.93), (2, 0.70)]), 3, named=np.array([False, True, True]))
    assert np.argmax(named) == 1  # a treaty the query names keeps its articles ahead
    assert fuse("kk", _hits([]), dense, 3)[1] == 1.0  # one list alone counts whole
    assert fuse("kk", keyword, dense, 3)[2] == 0.0  # found by neither


def test_the_best_provision_speaks_for_its_article() -> None:
    best = best_per_article(_hits([(2, 0.5), (2, 3.0), (0, 1.0)]), 4)
    assert best.tolist() == [1.0, -np.inf, 3.0, -np.inf]


def test_scaling_and_the_rrf_baseline() -> None:
    assert scale(np.array([2.0, 1.0, -np.inf]), min_max=False).tolist() == [1.0, 0.5, 0.0]
    assert scale(np.array([0.9, 0.7]), min_max=True).tolist() == pytest.approx([1.0, 0.0])
    assert scale(np.array([-np.inf, -np.inf]), min_max=True).tolist() == [0.0, 0.0]
    fused = reciprocal_rank([_hits([(0, 3.0)]), _hits([(0, 0.1), (1, 0.9)])], 2)
    assert np.argmax(fused) == 0 and fused[0] == pytest.approx(1 / 61 + 1 / 62)


def test_a_build_with_vectors_records_them(vector_kb: KnowledgeBase) -> None:
    vectors = vector_kb.manifest()["vectors"]
    assert vectors["count"] > 300 and vectors["model"].startswith("intfloat/multilingual-e5-small")
    assert vectors["embedded"] + vectors["cached"] == vectors["count"]


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("Как разрешаются споры по соглашению с Туркменистаном?", "13"),
        ("How is a dispute settled under the agreement with Turkmenistan?", "13"),
        ("Түрікменстанмен келісім бойынша даулар қалай шешіледі?", "13"),
    ],
)
def test_hybrid_answers_in_three_languages(vector_kb: KnowledgeBase, query: str, article: str) -> None:
    result = search(vector_kb, query, limit=3)
    assert result.mode == "hybrid"
    assert result.hits[0].article == article and result.hits[0].treaty_id.startswith("2017-kupiia-akparatty-ozara")


def test_semantic_mode_and_filters(vector_kb: KnowledgeBase) -> None:
    result = search(vector_kb, "секретная информация", mode="semantic", limit=5, treaty="2017-kupiia-akparatty-ozara-korgau")
    assert result.hits and {h.treaty_id for h in result.hits} == {"2017-kupiia-akparatty-ozara-korgau"}


def test_the_vector_index_searches_within_the_ids_it_is_given(tmp_path: Path) -> None:
    """A filter is searched within, not applied afterwards: a narrow filter still gets
    its k nearest, all inside it, best first."""
    from kb.vectors import VectorIndex, write_index

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rowids = np.arange(1, 201) * 7  # ids far from positions
    write_index(tmp_path / "v.faiss", rowids.tolist(), vectors)
    index = VectorIndex([(tmp_path / "v.faiss", None)])
    found, scores = index.search(vectors[0], 5)
    assert found[0] == 7 and abs(scores[0] - 1) < 1e-3  # float16: cosines to about 1e-3
    within = rowids[150:160]
    found, scores = index.search(vectors[0], 5, within=within)
    assert len(found) == 5 and set(found) <= set(within)
    exact = within[np.argsort(-(vectors[150:160] @ vectors[0]))][:5]
    assert found.tolist() == exact.tolist() and (np.diff(scores) <= 0).all()
    assert index.search(vectors[0], 5, within=np.array([], dtype=np.int64))[0].size == 0
    assert len(index.search(vectors[0], 50, within=rowids[:3])[0]) == 3


DRAFT_CLAUSE = (
    "Осы Келісімді түсіндіру немесе қолдану кезінде Тараптар арасында туындайтын кез келген келіспеушіліктер мен "
    "даулар Тараптардың құзыретті органдары арасындағы консультациялар және келіссөздер жолымен реттеледі, ал дау "
    "шешілгенге дейін Тараптар осы Келісім бойынша өз міндеттемелерін орындауды жалғастырады және оны үшінші "
    "тараптың немесе халықаралық соттың қарауына бермейді деп Тараптар өзара келісті"
)


def test_a_whole_draft_clause_finds_the_provisions_most_like_it(vector_kb: KnowledgeBase) -> None:
    """A drafting tool pastes a clause of forty-odd words: the modes that read text take
    it, and its nearest provisions are dispute-settlement ones; keyword search, which
    needs every word, refuses it by name and says where to go."""
    assert len(DRAFT_CLAUSE.split()) > 32
    for mode in ("semantic", "hybrid"):
        result = search(vector_kb, DRAFT_CLAUSE, mode=mode, limit=3)
        assert result.hits and all("dispute_resolution" in h.clause_types for h in result.hits), mode
    with pytest.raises(QueryError, match="semantic and hybrid modes take a whole clause") as info:
        search(vector_kb, DRAFT_CLAUSE, mode="keyword")
    assert info.value.param == "q"
    with pytest.raises(QueryError, match="longer than 4,000"):
        search(vector_kb, DRAFT_CLAUSE * 20, mode="semantic")
