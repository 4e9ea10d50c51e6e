"""``make_nlp``: the Kazakh pipeline the knowledge base runs its texts through.

One place that says which components run and in which order, so that the
indexer, the tests and the benchmark all build the same thing.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import ingest.kk.component  # noqa: F401  (registers "kk_lemmatizer" even when not installed)


@Language.component("kk_line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """Sentences as a treaty lays them out: every line of the repaired text (a
    paragraph, a heading, a list item) starts a sentence, and the full stop of a
    paragraph number ("2. Осы Келісім …") does not end one."""
    tokens = list(doc)  # one Token object each; doc[i] makes a new one per call
    for i in range(1, len(tokens)):
        token, previous = tokens[i], tokens[i - 1]
        if token.is_space:
            token.is_sent_start = False  # layout belongs to the sentence before it
        elif "\n" in previous.text or previous.text_with_ws.endswith("\n"):
            token.is_sent_start = True
        elif (
            previous.text == "."
            and i >= 2
            and tokens[i - 2].like_num
            and (i == 2 or "\n" in tokens[i - 3].text_with_ws)
        ):
            token.is_sent_start = False
            if not tokens[i - 2].is_sent_start and i > 2:
                tokens[i - 2].is_sent_start = True
    return doc


def make_nlp(lemmatizer: bool = True) -> Language:
    """``spacy.blank("kk")`` with the sentencizer, line-aware sentence starts and,
    unless told not to, the ``kk_lemmatizer``. Sentences break after ".", "!" and "?"
    tokens only, so an abbreviation ("2017 ж.") or an initial ("Б. Сағынтаев"), one
    token with its dot, never ends one."""
    nlp = spacy.blank("kk")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kk_line_sentences")
    if lemmatizer:
        nlp.add_pipe("kk_lemmatizer")
    return nlp


__all__ = ["make_nlp"]
