"""Russian and English queries reach the Kazakh text through the concept glossary and
the vocabulary of treaty drafting.

The dense model reads Russian and English; the keyword index holds Kazakh lemmas. A
Russian or English query that names a concept the glossary knows ("секретная
информация", "classified information", "гриф секретности") is given that concept's
Kazakh terms as a keyword query, so the lemma index can vote too. A glossary term
matches when the Snowball stems of its words are among the query's (Russian and English
inflect at the end: "секретной информации" matches "секретная информация").
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...], ...]:
    """Two tables of (foreign term as word stems, Kazakh terms), longest terms first:
    every ru and en term of the concept glossary (its concept's Kazakh label), and of
    the vocabulary of treaty drafting (``ingest.extract.treaty_vocabulary``: every
    Kazakh term of its row, the synonyms a treaty may use: "запрос" → "сұрау салу",
    "өтініш", "тапсырма")."""
    from ingest.extract.glossary import ROWS
    from ingest.extract.treaty_vocabulary import foreign_terms

    glossary = []
    for _id, kazakh, russian, english in ROWS:
        first_kazakh = kazakh.split("|")[0].strip()
        for foreign in (russian, english):
            for term in foreign.split("|"):
                glossary.append((stems(term), (first_kazakh,)))
    vocabulary = [(stems(term), kazakh) for _language, term, kazakh in foreign_terms()]
    return tuple(tuple(sorted((r for r in table if r[0]), key=lambda r: -len(r[0]))) for table in (glossary, vocabulary))


@lru_cache(maxsize=4)
def _stemmer(language: str):  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer(language)


def stems(text: str) -> tuple[str, ...]:
    """The Snowball stems of the words of a Russian or English text, function words
    (two letters or fewer) left out: "секретной информации" → ("секретн", "информац")."""
    out = []
    for word in _WORD.findall(text.lower().replace("ё", "е")):
        if len(word) > 2:
            language = "english" if word.isascii() else "russian"
            out.append(_stemmer(language).stemWord(word))
    return tuple(out)


def same_stem(stem: str, word: str) -> bool:
    """Two stems of one word: equal, or one the other with a letter or two more
    ("переда" of "передать", "передач" of "передача")."""
    if stem == word:
        return True
    short, long_ = sorted((stem, word), key=len)
    return len(short) >= 5 and len(long_) - len(short) <= 2 and long_.startswith(short)


def kazakh_terms(query: str) -> list[str]:
    """The Kazakh terms of the glossary concepts and drafting vocabulary a Russian or
    English query names, longest (most specific) first; each query word serves one row
    of each table at most. A term matches when its words' stems are among the query's, in any order."""
    words = list(stems(query))
    found: list[str] = []
    for table in _rows():  # a word serves one row of each table: a concept, and its drafting words
        used: set[int] = set()
        for term_stems, kazakh in table:
            positions: list[int] = []
            for stem in term_stems:
                at = next((i for i, w in enumerate(words) if i not in used and i not in positions and same_stem(stem, w)), None)
                if at is None:
                    break
                positions.append(at)
            else:
                fresh = [k for k in kazakh if k not in found]
                if fresh:
                    found.extend(fresh)
                    used.update(positions)
    return found


# What a question asks about, in any of the three languages, as the clause type that
# answers it (the ids of docs/clause-types.md). Word starts, matched at the start of a
# query word; a phrase matches when its words follow each other.
CLAUSE_CUES: dict[str, tuple[str, ...]] = {
    "dispute_resolution": ("спор", "разногласи", "dispute", "дау", "келіспеушілі", "реттел"),
    "withdrawal": ("выход", "выйти", "прекращени", "withdraw", "terminat", "шығу", "шыққ", "шыға", "тоқтат", "бас тартқ"),
    "entry_into_force": ("вступает в силу", "вступлени в силу", "enter into force", "entry into force", "күшіне ен"),
    "expenses": ("расход", "затрат", "cost", "expens", "шығыс", "шығын", "төлей"),
    "language": ("язык", "language", "тілде", "тілі"),
    "definitions": ("понимается", "определени", "означает", "defin", "means", "ұғым", "термин"),
    "classification_levels": ("гриф", "marking", "степен секрет", "classification level", "құпиялылық дәреже"),
    "competent_authorities": ("компетентн", "competent", "құзыретті орган"),
    "amendments": ("изменени", "поправк", "amend", "өзгеріс", "толықтыру"),
    "depositary": ("депозитари", "depositary"),
    "accession": ("присоедин", "accession", "accede", "қосыл"),
    "duration": ("срок действия", "duration", "қолданылу мерзім"),
    "requests": ("запрос", "request", "сұрау"),
    "visits": ("визит", "visit", "сапар"),
    "breach": ("нарушени", "ущерб", "breach", "damage", "залал", "бұзушы"),
    "information_systems": ("информационн систем", "банк данн", "information system", "data bank", "деректер банк", "деректер қор"),
    "purpose": ("цель", "purpose", "мақсат"),
    "principles": ("принцип", "principle", "қағидат"),
    "information_exchange": ("обмен", "передач", "передать", "exchange", "transmi", "алмас", "беру", "жөнелт"),
    "cooperation": ("сотрудничеств", "взаимодейств", "cooperat", "ынтымақтас", "іс-қимыл"),
    "information_protection": ("защит", "protect", "қорға"),
    "contracts": ("контракт", "contract", "шарттар"),
    "scope": ("угроз", "threat", "қатер", "қауіпті"),
}


def clause_types_asked(query: str) -> set[str]:
    """The clause types a question asks about ("Как разрешаются споры…" → dispute
    resolution), for the search to prefer articles of those types."""
    words = [w.lower() for w in _WORD.findall(query)]
    found = set()
    for kind, cues in CLAUSE_CUES.items():
        for cue in cues:
            parts = cue.split()
            for i in range(len(words) - len(parts) + 1):
                if all(words[i + j].startswith(p) for j, p in enumerate(parts)):
                    found.add(kind)
                    break
            if kind in found:
                break
    return found
