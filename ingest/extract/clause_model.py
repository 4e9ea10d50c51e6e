"""Clause types learned from labelled articles: a multi-label classifier over an
article's lemmas (spaCy ``textcat_multilabel``, a bag of lemma uni- and bigrams), beside
the transparent cue scorer of ``ingest.extract.clause_types``.

Why learned as well as listed: the cue table was written while reading the five seeds,
and on treaties of other subjects most articles matched no cue at all. The classifier
learns the wording of every labelled article (the seeds and the development texts,
about 180 articles of nine treaties), and it reads lemmas, so one inflection seen in
training stands for all. Its figures come from leave-one-treaty-out
(``bench/generalization.py``: trained on eight treaties, judged on the ninth).

What an article is to it: the lemmas of its heading, each marked ``h:`` (a heading names
the clause more surely than its body does), then the lemmas of its text, as the ``kk``
pipeline (``ingest.kk.pipeline.make_nlp``: tokenizer and ``kk_lemmatizer``) gives them
in the extraction's shared Docs, lower-cased (headings are often in capitals), each lemma once: whether a
word is there, not how often, so a long article does not drown its own signal.

The trained model is ``ingest/data/clause_model/`` (a spaCy pipeline folder, a few
hundred KB), made by ``python -m ingest.extract.train_clause_model``, from the labelled texts
in ``corpus/`` and ``tests/fixtures/dev-texts/`` and their gold in
``tests/fixtures/gold/``. Training is seeded, so the same data gives the same model.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.model import Article

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "clause_model"
THRESHOLD = 0.5
"""A learned type joins the article's types when the classifier gives it this much."""
EPOCHS = 30
SEED = 0
HASH_LENGTH = 2**14
"""Feature buckets of the bag of n-grams: small enough for a file of a few hundred KB,
far more than the ~10,000 lemma uni- and bigrams of the training articles."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled article: its treaty (the held-out unit), its words and its types."""

    treaty: str
    words: tuple[str, ...]
    labels: tuple[str, ...]


def article_words(articles: Sequence[Article]) -> list[tuple[str, ...]]:
    """What the classifier reads of each article: ``h:``-marked heading lemmas, then the
    lemmas of its text (letters only, lower case). The Docs are the extraction's own
    (``ingest.extract.docs``), so an article is analysed once for every extractor."""
    from ingest.extract.docs import text_docs

    headings = text_docs([a.heading or "" for a in articles])
    texts = text_docs([a.text for a in articles])
    return [_words(heading, text) for heading, text in zip(headings, texts, strict=True)]


def words_of(heading: str, text: str) -> tuple[str, ...]:
    """What the classifier reads of a heading and a text that are no article (a clause
    type's description)."""
    from ingest.extract.docs import text_docs

    heading_doc, text_doc = text_docs([heading, text])
    return _words(heading_doc, text_doc)


def _words(heading, text) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    words = [f"h:{t.lemma_.lower()}" for t in heading if t.is_alpha]
    words += [t.lemma_.lower() for t in text if t.is_alpha]
    return tuple(dict.fromkeys(words))


def train(examples: Sequence[Labelled], labels: Sequence[str], *, seed: int = SEED, epochs: int = EPOCHS):  # type: ignore[no-untyped-def]
    """A ``kk`` pipeline holding only the trained ``textcat_multilabel``."""
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = spacy.blank("kk")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": HASH_LENGTH,
            }
        },
    )
    for label in labels:
        textcat.add_label(label)
    data = [
        Example.from_dict(Doc(nlp.vocab, words=list(e.words)), {"cats": {lab: float(lab in e.labels) for lab in labels}})
        for e in examples
    ]
    optimizer = nlp.initialize(lambda: data)
    for _ in range(epochs):
        rng.shuffle(data)
        for batch in minibatch(data, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    return nlp


def predict(model, words: Iterable[Sequence[str]]) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    """Each article's probability per type."""
    from spacy.tokens import Doc

    words = [list(w) for w in words]
    docs = model.pipe(Doc(model.vocab, words=w) for w in words if w)  # an empty doc upsets the bag of n-grams
    return [dict(next(docs).cats) if w else {} for w in words]


@lru_cache(maxsize=1)
def load_model():  # type: ignore[no-untyped-def]
    """The trained model shipped in ``ingest/data/clause_model/``; None when it is absent
    (then the cue scorer alone types the articles)."""
    if not (MODEL_DIR / "config.cfg").is_file():
        return None
    import spacy

    return spacy.load(MODEL_DIR)


def learned_types(articles: Sequence[Article]) -> list[list[tuple[str, float]]]:
    """Per article, the types the classifier gives, most probable first; [] per article
    without a model."""
    model = load_model()
    if model is None or not articles:
        return [[] for _ in articles]
    out = []
    for cats in predict(model, article_words(articles)):
        out.append(sorted(cats.items(), key=lambda kv: -kv[1]))
    return out
