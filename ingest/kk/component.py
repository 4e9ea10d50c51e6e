"""The ``kk_lemmatizer`` pipeline component: every candidate lemma of each token.

Kazakh is agglutinative and a word form can have several readings ("алма" is an
apple or "do not take"), so the component keeps them all in ``token._.lemmas``
(best first) and puts the best in ``token.lemma_``. The analysis itself is
``ingest.kk.morphology.analyse``; the component only decides which tokens to ask
about and caches the answer per word form (treaties repeat their words a lot).

The module is loaded by spaCy's ``spacy_factories`` entry point whenever any
``Language`` is made in this environment, so it imports nothing heavy: the
morphology (and its lexicon) is imported when a component is created.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token

Analyse = Callable[[str], tuple[str, ...]]

VERSIONS = (1,)

Token.set_extension("lemmas", default=(), force=True)


class KazakhLemmatizer:
    """Set ``lemma_`` and ``_.lemmas`` from ``analyse``. Numbers and tokens with no
    letter (punctuation, symbols, spaces) are their own lemma and are not analysed;
    a word ``analyse`` has nothing for keeps its own form."""

    def __init__(self, analyse: Analyse, *, cache_size: int = 100_000) -> None:
        self._lemmas = lru_cache(maxsize=cache_size)(self._analyse_form)
        self._analyse = analyse

    def _analyse_form(self, form: str) -> tuple[str, ...]:
        return tuple(self._analyse(form)) or (form,)

    def __call__(self, doc: Doc) -> Doc:
        lemmas = self._lemmas
        candidates: tuple[str, ...]
        for token in doc:
            text = token.text
            if token.is_alpha:  # the common case first: a plain word
                candidates = (text.lower(),) if token.like_num else lemmas(text)  # "Екінші" → "екінші"
            elif token.like_num or not _has_letter(text):  # "30-шы", ",", "№", "\n"
                candidates = (text,)
            else:  # "ҰҚШҰ-ға", "іс-қимыл", "т.б."
                candidates = lemmas(text)
            token.lemma_ = candidates[0]
            token._.lemmas = candidates
        return doc


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _morphology_analyse() -> Analyse:
    from ingest.kk.morphology import analyse

    return analyse


@Language.factory(
    "kk_lemmatizer",
    default_config={"version": 1, "cache_size": 100_000},
    assigns=["token.lemma", "token._.lemmas"],
)
def make_kk_lemmatizer(nlp: Language, name: str, version: int, cache_size: int) -> KazakhLemmatizer:
    """The factory behind ``nlp.add_pipe("kk_lemmatizer")``. ``version`` names the
    behaviour a saved pipeline was built with; an unknown one is refused rather
    than silently run with different lemmas."""
    if version not in VERSIONS:
        raise ValueError(f"kk_lemmatizer version {version} is unknown; this code has {VERSIONS}")
    return KazakhLemmatizer(_morphology_analyse(), cache_size=cache_size)


__all__ = ["KazakhLemmatizer", "make_kk_lemmatizer"]
