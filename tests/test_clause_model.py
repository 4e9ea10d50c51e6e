"""The learned clause-type classifier (``ingest.extract.clause_model``): the shipped model is
what the training command makes, every article with words gets a type, the cue scorer's
types come first, and a model trained without a treaty still types its clear articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import parse_path
from ingest.extract import clause_model
from ingest.extract.clause_model import article_words, predict, train
from ingest.extract.clause_types import TYPES, assign_clause_types, combine, cue_types
from ingest.extract.train_clause_model import (
    DESCRIPTIONS,
    descriptions,
    labelled_articles,
    training_set,
)

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "dev-texts"


@pytest.fixture(scope="module")
def labelled() -> list[clause_model.Labelled]:
    return labelled_articles(ROOT)


def test_the_labelled_data_is_every_gold_article(labelled: list[clause_model.Labelled]) -> None:
    assert len(labelled) == 184 and len({e.treaty for e in labelled}) == 9
    assert all(e.words and e.labels for e in labelled)


def test_the_shipped_model_is_what_the_training_command_makes(labelled: list[clause_model.Labelled]) -> None:
    """Retrained from the repository's data, the model predicts what the shipped one does:
    the file in ingest/data/ is reproducible, not hand-made."""
    shipped = clause_model.load_model()
    assert shipped is not None
    fresh = train(training_set(ROOT, labelled), TYPES)
    words = [e.words for e in labelled[::7]]
    for a, b in zip(predict(shipped, words), predict(fresh, words), strict=True):
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-5 for k in a)


@pytest.mark.parametrize(
    ("cues", "learned", "want"),
    [
        (("withdrawal",), [("duration", 0.9), ("withdrawal", 0.8), ("language", 0.1)], ("withdrawal", "duration")),
        ((), [("requests", 0.3), ("cooperation", 0.2)], ("requests",)),  # nothing over the threshold: the top one
        (("definitions",), [("scope", 0.9)], ("definitions",)),  # a definitions article is that alone
        ((), [("scope", 0.0)], ()),  # an article without words
        ((), [], ()),  # no model
    ],
)
def test_combine_table(cues: tuple[str, ...], learned: list[tuple[str, float]], want: tuple[str, ...]) -> None:
    assert combine(cues, learned) == want


def test_every_article_with_words_has_a_type_and_the_cues_come_first() -> None:
    paths = [*sorted((ROOT / "corpus").glob("*.txt")), *sorted(DEV.glob("0[2367]_*.txt"))]
    for path in paths:
        treaty = parse_path(path)
        types = assign_clause_types(treaty)
        cues = cue_types(treaty)
        for article in treaty.articles:
            if any(c.isalpha() for c in article.text):
                assert types[article.num], f"{path.name} art {article.num}"
            assert types[article.num][: len(cues[article.num])] == cues[article.num]


def test_without_a_model_the_cues_alone_type_the_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    treaty = parse_path(DEV / "03_kz-jordan-transfer-sentenced-persons.txt")
    monkeypatch.setattr(clause_model, "MODEL_DIR", tmp_path / "none")
    clause_model.load_model.cache_clear()
    try:
        assert assign_clause_types(treaty) == cue_types(treaty)
    finally:
        clause_model.load_model.cache_clear()


def test_a_model_trained_without_a_treaty_types_its_clear_articles(labelled: list[clause_model.Labelled]) -> None:
    """Held out: the transfer-of-prisoners treaty, whose subject no other treaty shares.
    Its institutional, dispute and final articles read like every treaty's."""
    held = "03_kz-jordan-transfer-sentenced-persons.txt"
    model = train(training_set(ROOT, labelled, held), TYPES)
    treaty = parse_path(DEV / held)
    articles = [a for a in treaty.articles if a.num in ("3", "15", "16", "17")]
    top = {a.num: max(cats, key=cats.__getitem__) for a, cats in zip(articles, predict(model, article_words(articles)), strict=True)}
    assert top["3"] == "competent_authorities"
    assert top["15"] == "relation_to_other_treaties"
    assert top["16"] == "dispute_resolution"
    assert top["17"] in {"entry_into_force", "duration", "withdrawal", "amendments"}


def test_every_type_is_described_and_no_held_out_treaty_drops_the_descriptions(labelled: list[clause_model.Labelled]) -> None:
    described = descriptions(ROOT)
    assert {e.labels[0] for e in described} == set(TYPES)
    assert all(e.treaty == DESCRIPTIONS and e.words for e in described)
    held = labelled[0].treaty
    assert training_set(ROOT, labelled, held)[-len(described):] == described
    assert not any(e.treaty == held for e in training_set(ROOT, labelled, held))


def test_a_type_seen_in_no_treaty_is_learned_from_its_description(labelled: list[clause_model.Labelled]) -> None:
    """Without the depositary article (one treaty has it), the model still knows the type
    from the table's "депозитарийі болып табылады"."""
    without = [e for e in labelled if "depositary" not in e.labels]
    model = train(without + descriptions(ROOT), TYPES)
    (cats,) = predict(model, [clause_model.words_of("Депозитарий", "Осы Келісімнің депозитарийі болып табылады.")])
    assert max(cats, key=cats.__getitem__) == "depositary"
