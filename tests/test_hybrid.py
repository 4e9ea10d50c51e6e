"""The semantic and hybrid modes: language detection, treaty names, glossary expansion,
clause-type cues, the fusion, and the modes end to end over a build with vectors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import parse_path, source_files
from kb.aliases import TreatyNames, detect_language
from kb.build import build
from kb.expansion import clause_types_asked, kazakh_terms
from kb.fusion import fuse, reciprocal_rank, scale
from kb.search import search
from kb.store import KnowledgeBase, open_current

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("query", "language"),
    [("құпия ақпаратқа", "kk"), ("Кто несёт расходы?", "ru"), ("Who bears the costs?", "en"), ("ТМД 2017", "ru"), ("", "kk")],
)
def test_detect_language(query: str, language: str) -> None:
    assert detect_language(query) == language


@pytest.fixture(scope="module")
def names() -> TreatyNames:
    return TreatyNames(parse_path(p) for p in source_files([ROOT / "corpus"]))


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
def test_a_named_treaty_is_recognised(names: TreatyNames, query: str, source: str) -> None:
    found = names.mentioned(query)
    assert len(found) == 1 and next(iter(found)).startswith(("2017", "draft", "2011", "2023"))
    treaty = next(parse_path(p) for p in source_files([ROOT / "corpus"]) if p.name.startswith(source))
    assert found == {treaty.id}


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


def test_fusion_weighs_the_lists_by_language() -> None:
    keyword = [(("t", "1"), 10.0), (("t", "2"), 1.0)]
    dense = [(("t", "2"), 0.9), (("t", "1"), 0.7)]
    assert fuse("kk", keyword, dense)[0].key == ("t", "1")  # Kazakh leans on the lemmas
    assert fuse("ru", keyword, dense)[0].key == ("t", "2")  # Russian on the dense model
    named = fuse("ru", keyword, [(("u", "1"), 0.95), (("t", "2"), 0.93), (("x", "1"), 0.70)], named={"t"})
    assert named[0].key == ("t", "2")  # a treaty the query names keeps its articles ahead


def test_scaling_and_the_rrf_baseline() -> None:
    assert scale({("a", "1"): 2.0, ("a", "2"): 1.0}, min_max=False) == {("a", "1"): 1.0, ("a", "2"): 0.5}
    assert scale({("a", "1"): 0.9, ("a", "2"): 0.7}, min_max=True)[("a", "2")] == 0.0
    assert reciprocal_rank([[(("a", "1"), 3.0)], [(("a", "1"), 0.1), (("a", "2"), 0.9)]])[0].key == ("a", "1")


@pytest.fixture(scope="module")
def vector_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    root = tmp_path_factory.mktemp("vectors")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    result = build(root / "corpus", root / "kb", progress=None, vectors=True)
    assert (result.path / "vectors.faiss").exists()
    with open_current(root / "kb") as kb:
        yield kb


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
