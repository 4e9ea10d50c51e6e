"""``make_nlp``: the Kazakh pipeline the knowledge base runs its texts through.

One place that says which components run and in which order, so that the
indexer, the tests and the benchmark all build the same thing.
"""

from __future__ import annotations

import numpy
import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH, LIKE_NUM, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

import ingest.kk.component  # noqa: F401  (registers "kk_lemmatizer" even when not installed)


@Language.component("kk_line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """Sentences as a treaty lays them out: every line of the repaired text (a
    paragraph, a heading, a list item) starts a sentence, and the full stop of a
    paragraph number ("2. Осы Келісім …") does not end one."""
    if len(doc) < 2:
        return doc
    # arrays, not Token objects: making a Token costs more than the test done on it
    columns = doc.to_array([SENT_START, IS_SPACE, LIKE_NUM, IDX, LENGTH]).astype("int64")
    starts = columns[:, 0].tolist()
    space, number, idx, length = (columns[:, k].tolist() for k in range(1, 5))
    text = doc.text
    words = [text[i : i + n] for i, n in zip(idx, length)]
    for i in range(1, len(words)):
        previous = words[i - 1]
        if space[i]:
            starts[i] = -1  # layout belongs to the sentence before it
        elif "\n" in previous:
            starts[i] = 1
        elif previous == "." and i >= 2 and number[i - 2] and (i == 2 or "\n" in words[i - 3]):
            starts[i] = -1
            if starts[i - 2] != 1 and i > 2:
                starts[i - 2] = 1
    doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64")[:, None])
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
