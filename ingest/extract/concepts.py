"""Concepts: one stable id for the idea a defined term names, across treaties.

Two treaties name the same idea with different word forms ("уәкілетті органдар" /
"уәкілетті орган", "құпия ақпаратты жеткізгіштер" / "құпия ақпараттың
жеткізгіштері") or with synonyms ("құпиялылық грифі" / "құпиялылық белгісі"). The id
is keyed on lemmas, so inflection and number fall away while every word of the term
still counts ("ақпаратты қорғау" ≠ "құпия ақпаратты қорғау", "ақпарат" ≠ "ақпарат
алмасу"); the glossary (``ingest.extract.glossary``) then maps synonyms to one
concept and gives it an English-style id and Russian and English names.

A concept the glossary lacks keeps its Kazakh label and a transliterated id; its
Russian and English names are left out, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import msgspec

from ingest.extract.glossary import ROWS
from ingest.kazakh import transliterate
from ingest.kk.morphology import analyse, normalise
from ingest.model import Concept, ConceptUse, Treaty
from ingest.patterns import fold

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_KAZAKH_ONLY = frozenset("әғқңөұүһ")


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One glossary concept: its id and its names in Kazakh, Russian and English."""

    id: str
    kk: str
    ru: str
    en: str


@lru_cache(maxsize=65536)
def lemma_key(term: str) -> str:
    """The term as its words' lemmas, in order: what stays the same under inflection.

    Each word is reduced by ``word_key``, so case, number and possessive endings drop
    out ("ақпараттың жеткізгіштері" → "ақпарат жеткізгіш") while derivations that
    make a new word stay ("ақпараттық" is not "ақпарат"). Quotes, brackets and
    punctuation are not words and do not count.
    """
    return " ".join(word_key(word) for word in _WORD.findall(term))


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """One word's lemma, the same for every inflection of the word.

    The analyser's best lemma is taken again and again until it stands still: it
    reads some bare words as inflected ("белгі" as "белг" + і) while reading their
    inflected forms one step short ("белгісі" → "белгі"), so only the fixed point is
    the same for all forms. A verbal noun keeps its -у ("таратуы" → "тарату", as
    "тарату" itself), since the analyser names an inflected one by its verb stem.
    """
    current = normalise(word)
    for _ in range(6):
        candidates = analyse(current)
        best = candidates[0] if candidates else current
        if best != current and current.startswith(best + "у") and not best.endswith("у"):
            return (best + "у").lower()
        if best == current:
            break
        current = best
    return current.lower()


def slug(text: str) -> str:
    """A lower-case ASCII id: Kazakh transliterated, anything else a hyphen."""
    return _SLUG_JUNK.sub("-", transliterate(text).lower()).strip("-")


@lru_cache(maxsize=1)
def glossary() -> dict[str, Entry]:
    """The glossary keyed by the lemma key of every synonym.

    Keys are computed with ``lemma_key`` itself, so a row matches exactly the terms
    whose words have the same lemmas. Two rows that collapse to one key would merge
    two ideas; ``glossary_conflicts`` reports them (a test keeps it empty).
    """
    table: dict[str, Entry] = {}
    for entry, synonym in _synonyms():
        table.setdefault(lemma_key(synonym), entry)
    return table


@lru_cache(maxsize=1)
def _folded_glossary() -> dict[str, Entry]:
    """The glossary keyed as a legacy text would print its terms: Kazakh letters as
    their Russian twins ("кузыретті органдар"), lemmatised as such and folded."""
    table: dict[str, Entry] = {}
    for entry, synonym in _synonyms():
        table.setdefault(_folded_key(synonym), entry)
    return table


def _folded_key(term: str) -> str:
    return fold(lemma_key(fold(term)))


def _synonyms() -> list[tuple[Entry, str]]:
    out = []
    for entry_id, kk, ru, en in ROWS:
        synonyms = [s.strip() for s in kk.split("|") if s.strip()]
        entry = Entry(id=entry_id, kk=synonyms[0], ru=ru, en=en)
        out.extend((entry, synonym) for synonym in synonyms)
    return out


def lookup(term: str) -> Entry | None:
    """The glossary row naming ``term``, in any inflection, synonym or spelling."""
    entry = glossary().get(lemma_key(term))
    if entry is None and not any(ch in _KAZAKH_ONLY for ch in term.lower()):
        entry = _folded_glossary().get(_folded_key(term))
    return entry


def glossary_conflicts() -> list[tuple[str, str, str]]:
    """Synonyms of different rows that share a key, as printed in Kazakh or in a
    legacy text's Russian letters: ``(key, id kept, id lost)``."""
    out = []
    for keyed in (lemma_key, _folded_key):
        seen: dict[str, str] = {}
        for entry, synonym in _synonyms():
            key = keyed(synonym)
            if key in seen and seen[key] != entry.id:
                out.append((key, seen[key], entry.id))
            seen.setdefault(key, entry.id)
    return out


@lru_cache(maxsize=1)
def _entries_by_id() -> dict[str, Entry]:
    return {entry.id: entry for entry in glossary().values()}


def glossary_entry(concept: str) -> Entry | None:
    """The glossary row of a concept id, or None for a concept the glossary lacks."""
    return _entries_by_id().get(concept)


def concept_id(term: str) -> str:
    """A stable id for the idea ``term`` names: the glossary's id when the glossary
    knows the term (in any inflection or synonym), else the transliterated lemma key.

    "уәкілетті органдар" and "уәкілетті орган" → "authorized-body";
    "құпиялылық грифі" and "құпиялылық белгісі" → "classification-marking".
    """
    entry = lookup(term)
    if entry is not None:
        return entry.id
    key = lemma_key(term)
    return slug(key) or slug(term) or "concept"


def labels(concept: str, kazakh: str) -> dict[str, str]:
    """The concept's names: Kazakh always; Russian and English only from the glossary."""
    entry = glossary_entry(concept)
    if entry is None:
        return {"kk": kazakh}
    return {"kk": entry.kk, "ru": entry.ru, "en": entry.en}


def _label(terms: list[str]) -> str:
    """The Kazakh label of a concept the glossary lacks: the term the treaties print
    most often, the shortest of equals (the nominative singular, usually)."""
    counts = Counter(" ".join(t.split()) for t in terms)
    return min(counts, key=lambda t: (-counts[t], len(t), t))


def registry(treaties: Iterable[Treaty]) -> tuple[Concept, ...]:
    """Every concept the treaties define, with the definitions that name it.

    Definitions are grouped by their concept id (the one ``find_definitions`` set, or
    one computed from the term), so the same idea defined in several treaties is one
    concept; concepts come sorted by id, their uses in the treaties' order.
    """
    uses: dict[str, list[ConceptUse]] = {}
    for treaty in treaties:
        for definition in treaty.definitions:
            concept = definition.concept or concept_id(definition.term)
            use = ConceptUse(treaty=treaty.id, article=definition.article, term=definition.term)
            uses.setdefault(concept, []).append(use)
    concepts = []
    for concept in sorted(uses):
        found = uses[concept]
        entry = glossary_entry(concept)
        label = entry.kk if entry else _label([u.term for u in found])
        concepts.append(Concept(id=concept, label=label, labels=labels(concept, label), definitions=tuple(found)))
    return tuple(concepts)
