"""The search core's seams: what a query needs per treaty is computed by the build and
stored in the version, never derived from the treaties' exports at query time; the
fusion builds its keyword query as an object, so no keyword-mode limit can refuse a
question inside it."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from ingest.corpus import Corpus
from ingest.extract.glossary import ROWS
from kb import hybrid
from kb.aliases import TreatyNames
from kb.expansion import kazakh_terms
from kb.modes import SearchRequest
from kb.query import MAX_CLAUSE_CHARS, MAX_CLAUSE_WORDS, MAX_WORDS, parse_query
from kb.search import search
from kb.store import KnowledgeBase, open_current
from kb.tokens import tokenize


def test_the_build_stores_each_treatys_names_parties_and_source_map(real_corpus: Corpus, real_kb: KnowledgeBase) -> None:
    expected = {tid: names for tid, names in TreatyNames(real_corpus.treaties).names.items() if names}
    assert real_kb.treaty_names().names == expected
    assert any(expected.values())
    for treaty in real_corpus.treaties:
        assert real_kb.source_mapper(treaty.id).source_map == treaty.source_map
        stored = {tid: names for tid, names in real_kb._party_words().items()}[treaty.id]
        assert stored == tuple(
            tuple((t.surface, frozenset(t.lemmas)) for t in tokenize(party)) for party in treaty.parties
        )


@pytest.fixture()
def kb_without_exports(real_kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """A fresh handle on the real knowledge base whose treaty exports cannot be read: a
    query that needs one fails loudly."""
    kb = open_current(real_kb_root)

    def refuse(treaty_id: str) -> bytes:
        raise AssertionError(f"a query decoded the export of {treaty_id}")

    monkeypatch.setattr(kb, "get_treaty_export", refuse)
    return kb


def test_a_search_reads_no_treaty_export(kb_without_exports: KnowledgeBase) -> None:
    kb = kb_without_exports
    result = search(kb, "құпия ақпарат party:Түрікменстан", mode="keyword", limit=5)
    assert result.total and all(h.treaty_id == result.hits[0].treaty_id for h in result.hits)
    assert all(h.highlights and h.source_span.end > h.source_span.start for h in result.hits)
    assert kb.treaty_names().mentioned("соглашение с Туркменистаном") == {result.hits[0].treaty_id}
    kb.close()


def _long_russian_question() -> str:
    """A question naming every concept of the glossary in Russian: its Kazakh terms run
    to far more words than a keyword query may hold."""
    return "Как соотносятся " + ", ".join(r[2].split("|")[0] for r in ROWS if r[2]) + "?"


def test_a_long_question_is_not_refused_inside_the_fusion(real_kb: KnowledgeBase) -> None:
    text = _long_russian_question()
    terms = kazakh_terms(text)
    assert sum(len(t.split()) for t in terms) > MAX_WORDS  # written out, the old way refused it
    request = SearchRequest(text, parse_query(text, max_chars=MAX_CLAUSE_CHARS, max_words=MAX_CLAUSE_WORDS))
    found = hybrid.keyword_candidates(real_kb, request, "ru")
    assert len(found.docs) > 0 and len(found.docs) == len(set(found.docs.tolist()))


def test_the_fusions_glossary_query_finds_what_the_same_query_typed_finds(real_kb: KnowledgeBase) -> None:
    """Built as an object or written out and parsed, the glossary query is the same."""
    text = "Как защищается секретная информация при передаче носителей секретной информации?"
    terms = kazakh_terms(text)
    assert len(terms) >= 2
    typed = parse_query(" OR ".join(f'"{t}"' if " " in t else t for t in terms))
    mask, scores = real_kb.lexical_index().evaluate(typed)
    found = hybrid.keyword_candidates(real_kb, SearchRequest(text, parse_query(text, max_words=MAX_CLAUSE_WORDS)), "ru")
    assert sorted(found.docs.tolist()) == sorted(mask.nonzero()[0].tolist())
    assert msgspec.json.encode(sorted(found.scores.tolist())) == msgspec.json.encode(sorted(scores[mask].tolist()))
