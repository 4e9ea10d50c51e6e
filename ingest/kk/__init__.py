"""The Kazakh language layer: a spaCy ``kk`` Language and a morphological lemmatizer.

spaCy ships no Kazakh; this package is it: tokenizer rules that know the Kazakh
letters, tokenizer exceptions, stop words, number words (``ingest.kk.language`` and
friends) and ``ingest.kk.morphology.analyse``, which gives every candidate lemma of
a word form, best first, from a stem lexicon and a suffix grammar.
"""
