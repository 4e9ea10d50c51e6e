"""Russian and English queries reach the Kazakh text through the concept glossary.

The dense model reads Russian and English; the keyword index holds Kazakh lemmas. A
Russian or English query that names a concept the glossary knows ("секретная
информация", "classified information", "гриф секретности") is given that concept's
Kazakh terms as a keyword query, so the lemma index can vote too. A glossary term
matches when each of its words starts a word of the query (Russian and English inflect
at the end: "секретной информации" matches "секретная информация").
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+")
_STEM = 4  # letters a Russian/English word and a glossary word must share at their start


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(foreign term as word stems, Kazakh term) for every ru and en term of the glossary."""
    from ingest.extract.glossary import ROWS

    out = []
    for _id, kazakh, russian, english in ROWS:
        first_kazakh = kazakh.split("|")[0].strip()
        for foreign in (russian, english):
            for term in foreign.split("|"):
                words = tuple(w.lower()[: max(_STEM, len(w) - 2)] for w in _WORD.findall(term) if len(w) > 2)
                if words:
                    out.append((words, first_kazakh))
    return tuple(sorted(out, key=lambda r: -len(r[0])))


def kazakh_terms(query: str) -> list[str]:
    """The Kazakh terms of the glossary concepts a Russian or English query names,
    longest (most specific) first; each query word serves one concept at most."""
    words = [w.lower() for w in _WORD.findall(query)]
    used: set[int] = set()
    found: list[str] = []
    for stems, kazakh in _rows():
        positions = []
        for stem in stems:
            at = next((i for i, w in enumerate(words) if i not in used and i not in positions and w.startswith(stem[: max(_STEM, min(len(stem), len(w)) - 1)])), None)
            if at is None:
                break
            positions.append(at)
        else:
            if kazakh not in found:
                found.append(kazakh)
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
    "definitions": ("понимается", "определ", "defin", "means", "ұғым", "термин"),
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
