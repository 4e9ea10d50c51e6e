"""The general kk/ru/en vocabulary of treaty drafting: well formed, every clause type
covered, and read by the classifier's descriptions."""

from __future__ import annotations

from pathlib import Path

from ingest.extract.clause_model import words_of
from ingest.extract.clause_types import TYPES
from ingest.extract.train_clause_model import descriptions
from ingest.extract.treaty_vocabulary import ROWS, by_type, foreign_terms, terms

ROOT = Path(__file__).resolve().parent.parent


def test_every_row_names_a_known_type_and_has_terms_in_three_languages() -> None:
    for type_id, kazakh, russian, english in ROWS:
        assert type_id in TYPES
        assert terms(kazakh) and terms(russian) and terms(english)
        assert all(len(t) > 1 for cell in (kazakh, russian, english) for t in terms(cell))


def test_every_clause_type_has_vocabulary() -> None:
    assert set(by_type()) == set(TYPES)


def test_synonyms_are_split_and_stripped() -> None:
    assert terms(" сұрау салу | өтініш |  | тапсырма ") == ("сұрау салу", "өтініш", "тапсырма")


def test_foreign_terms_lead_to_the_rows_kazakh_terms() -> None:
    pairs = {(lang, term): kazakh for lang, term, kazakh in foreign_terms()}
    assert "шығу" in pairs[("en", "withdrawal")]
    assert "депозитарий" in pairs[("ru", "депозитарий")]


def test_the_classifier_learns_a_type_from_its_vocabulary_too() -> None:
    """The requests description carries "өтініш" and "тапсырма" (the table's typical
    wording has only "сұрау салу"), as lemmas."""
    request = next(e for e in descriptions(ROOT) if e.labels == ("requests",))
    lemmas = set(words_of("", "өтініш тапсырма"))
    assert lemmas and lemmas <= set(request.words)
