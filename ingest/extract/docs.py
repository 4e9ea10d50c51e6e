"""The spaCy ``Doc`` of a piece of treaty text, made once for every extractor that reads it.

Extraction runs the ``kk`` pipeline (``ingest.kk.pipeline.make_nlp``: sentences and the
``kk_lemmatizer``) followed by the extraction components, each writing its findings to
``doc.spans``. Several extractors read the same article (the clause-type classifier
its lemmas, the clause attributes its operative wording, the definitions its items and
terms), so the Doc is made once per distinct text and kept in a bounded cache: an
article's text is a pure function input, and the same text always gives the same Doc.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

import ingest.extract.definition_spans  # noqa: F401  (registers "kk_definitions")
import ingest.extract.wording  # noqa: F401  (registers "kk_clause_wording")

COMPONENTS = ("kk_clause_wording", "kk_definitions")
"""The extraction components, in the order they run after the language pipeline."""

CACHE_SIZE = 4096
"""Docs kept: the articles of a few dozen treaties, far more than one parse needs."""


@lru_cache(maxsize=1)
def extraction_nlp() -> Language:
    """The ``kk`` pipeline with every extraction component, made once per process."""
    from ingest.kk.pipeline import make_nlp

    nlp = make_nlp()
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


_CACHE: OrderedDict[str, Doc] = OrderedDict()
_LOCK = threading.Lock()


def text_docs(texts: Sequence[str]) -> list[Doc]:
    """The Docs of ``texts``, in order; the texts not in the cache are made in one batch
    (``nlp.pipe``), and the cache keeps the ``CACHE_SIZE`` most recently used."""
    with _LOCK:
        missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    made = dict(zip(missing, extraction_nlp().pipe(missing), strict=True))
    out = []
    with _LOCK:
        for text in texts:
            doc = made[text] if text in made else _CACHE[text]
            _CACHE[text] = doc
            _CACHE.move_to_end(text)
            out.append(doc)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def text_doc(text: str) -> Doc:
    """The Doc of one text."""
    return text_docs([text])[0]


def clear_cache() -> None:
    """Forget every Doc (a benchmark measures a treaty seen for the first time)."""
    with _LOCK:
        _CACHE.clear()
