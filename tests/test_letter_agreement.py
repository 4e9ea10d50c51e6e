"""A text without articles (a letter agreement) end to end: parsed with its paragraphs as
the body, stored and searchable, cited by paragraph, and read on its page, where a hit
links to the paragraph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from kb.build import build
from kb.search import search
from kb.store import KnowledgeBase, open_current

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "tests" / "fixtures" / "shapes" / "letter_agreement.txt"


@pytest.fixture(scope="module")
def letter_kb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("letter-corpus")
    shutil.copy(LETTER, corpus)
    shutil.copy(ROOT / "corpus" / "004_5054a54cf056cf79.txt", corpus)
    root = tmp_path_factory.mktemp("letter-kb") / "kb"
    result = build(corpus, root, progress=None)
    assert not result.errors and len(result.treaty_ids) == 2
    return root


@pytest.fixture(scope="module")
def letter_kb(letter_kb_root: Path) -> Iterator[KnowledgeBase]:
    with open_current(letter_kb_root) as kb:
        yield kb


def _letter_id(kb: KnowledgeBase) -> str:
    return next(t.id for t in kb.list_treaties() if "Гранттық" in t.title)


def test_the_letter_is_stored_without_articles_and_its_paragraphs_are_searchable(letter_kb: KnowledgeBase) -> None:
    letter = _letter_id(letter_kb)
    assert next(t for t in letter_kb.list_treaties() if t.id == letter).article_count == 0
    result = search(letter_kb, "есепті тоқсан сайын", mode="keyword", treaty=letter)
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.article, hit.paragraph, hit.level) == ("", "3", "paragraph")
    assert hit.citation.endswith("Гранттық келісімге түзетулерге қатысты, 3-тармақ")
    assert [h.text for h in hit.highlights] == ["есепті", "тоқсан", "сайын"]


def test_the_letters_page_shows_its_paragraphs_and_a_hit_links_to_one(letter_kb_root: Path, letter_kb: KnowledgeBase) -> None:
    letter = _letter_id(letter_kb)
    with TestClient(create_app(letter_kb_root)) as client:
        page = client.get(f"/treaties/{letter}")
        assert page.status_code == 200
        assert 'id="body"' in page.text and 'id="body-p3"' in page.text and "Алушы жобаның барысы туралы" in page.text
        hits = client.get("/search", params={"q": "есепті тоқсан сайын", "mode": "keyword"})
        assert f'href="/treaties/{letter}#body-p3"' in hits.text
