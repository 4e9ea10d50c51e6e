"""The spaCy language ``kk`` (Kazakh), laid out like the languages spaCy ships.

spaCy 3.8 has no Kazakh, and its multi-language defaults do not know ғ қ ұ. This
class gathers the Kazakh tokenizer rules, exceptions, stop words and number words;
the ``spacy_languages`` entry point in pyproject.toml makes ``spacy.blank("kk")``
find it once kelisim is installed. It has no pipeline components of its own: see
``ingest.kk.pipeline.make_nlp`` for the sentencizer and the lemmatizer.
"""

from __future__ import annotations

from spacy.language import BaseDefaults, Language

from ingest.kk.lex_attrs import LEX_ATTRS
from ingest.kk.punctuation import (
    TOKENIZER_INFIXES,
    TOKENIZER_PREFIXES,
    TOKENIZER_SUFFIXES,
)
from ingest.kk.stop_words import STOP_WORDS
from ingest.kk.tokenizer_exceptions import TOKENIZER_EXCEPTIONS


class KazakhDefaults(BaseDefaults):
    tokenizer_exceptions = TOKENIZER_EXCEPTIONS
    prefixes = TOKENIZER_PREFIXES
    suffixes = TOKENIZER_SUFFIXES
    infixes = TOKENIZER_INFIXES
    lex_attr_getters = LEX_ATTRS
    stop_words = STOP_WORDS


class Kazakh(Language):
    lang = "kk"
    Defaults = KazakhDefaults


__all__ = ["Kazakh"]
