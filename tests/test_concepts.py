"""Concept ids: the same for one idea in other words, different for different ideas.

``SAME`` and ``APART`` are the tables: pairs of terms that differ only by inflection,
number, a glossary synonym or a legacy spelling must share an id; pairs that name
different ideas must not. Then the glossary itself (no two rows collapse, ids are
slugs, its size), the labels (Russian and English only from the glossary, never
invented) and the registry over several treaties, measured as the scorecard measures
it: linked across treaties and kept apart.
"""

from __future__ import annotations

import re

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract.concepts import (
    concept_id,
    glossary,
    glossary_conflicts,
    glossary_entry,
    lemma_key,
    registry,
)
from ingest.extract.glossary import ROWS
from ingest.model import Definition, Treaty

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

SAME = [
    # inflection and number
    ("уәкілетті органдар", "уәкілетті орган"),
    ("құзыретті органдар", "құзыретті орган"),
    ("құпия ақпаратты жеткізгіштер", "құпия ақпараттың жеткізгіштері"),
    ("ақпараттық жүйелер", "ақпараттық жүйе"),
    ("аса маңызды құрылымдар", "аса маңызды құрылым"),
    ("жеке тұлға", "жеке тұлғалар"),
    ("шекара маңындағы аумақ", "шекара маңындағы аумақтар"),
    ("мемлекеттік құпиялар", "мемлекеттік құпия"),
    # OCR "ү" for "ұ", Latin "i" for "і", quotes and spacing
    ("қүзыретті органдар", "құзыретті органдар"),
    ("ақпараттық қауiпсiздiк", "ақпараттық қауіпсіздік"),
    ('"құпия ақпарат"', "құпия  ақпарат"),
    ("Құпия ақпарат", "құпия ақпарат"),
    # glossary synonyms
    ("құпиялылық грифі", "құпиялылық белгісі"),
    ("құпия ақпаратты санкциясыз тарату", "құпия ақпаратты санкцияланбаған тарату"),
    ("компьютерлік оқыс оқиға", "компьютерлік инцидент"),
    ("дербес деректер", "жеке деректер"),
    ("ақпарат алмасу", "ақпараттық алмасу"),
    # a legacy text's Russian-letter spelling
    ("кузыретті органдар", "құзыретті орган"),
    ("акпараттык жуйе", "ақпараттық жүйе"),
    # terms the glossary does not know still link by their lemmas
    ("тергеу органы", "тергеу органдары"),
    ("ақпараттық оқиғалар", "ақпараттық оқиға"),
]

APART = [
    ("ақпаратты қорғау", "құпия ақпаратты қорғау"),
    ("құпия ақпарат", "құпия ақпараттық ресурстар"),
    ("ақпараттың құпиялығы", "құпия ақпарат"),
    ("ақпарат", "ақпарат алмасу"),
    ("ақпарат", "ақпараттық жүйе"),
    ("уәкілетті орган", "құзыретті орган"),
    ("құпия ақпаратқа қол жеткізу", "құпия ақпаратқа рұқсат беру"),
    ("ақпараттық жүйе", "мемлекетаралық ақпараттық жүйе"),
    ("ақпарат пен ақпараттық жүйелердің меншік иесі", "ақпарат пен ақпараттық жүйелердің иеленушісі"),
    ("сұрау салушы Тарап", "сұрау салынатын Тарап"),
    ("пайдаланушы", "құпия ақпаратты пайдаланушы"),
    ("ақпараттық қауіпсіздік", "ақпараттық қауіпсіздік жүйесі"),
    ("ақпараттық қауіпсіздік жүйесі", "ақпараттық қауіпсіздік қатері"),
    ("құпия ақпаратты жоғалту", "құпия ақпаратты санкциясыз тарату"),
    ("тергеу органы", "тергеу жүргізу"),
]


@pytest.mark.parametrize(("a", "b"), SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_same_idea_same_id(a: str, b: str) -> None:
    assert concept_id(a) == concept_id(b)


@pytest.mark.parametrize(("a", "b"), APART, ids=[f"{a}≠{b}" for a, b in APART])
def test_different_ideas_different_ids(a: str, b: str) -> None:
    assert concept_id(a) != concept_id(b)


@pytest.mark.parametrize(
    ("term", "want"),
    [
        ("құпия ақпарат", "classified-information"),
        ("құпия ақпаратты қорғау", "protection-of-classified-information"),
        ("құпиялылық белгісі", "classification-marking"),
        ("уәкілетті органдар", "authorized-body"),
        ("құзыретті орган", "competent-authority"),
        ("ақпараттық қауіпсіздік", "information-security"),
        ("ақпараттың құпиялығы", "confidentiality-of-information"),
    ],
)
def test_glossary_ids(term: str, want: str) -> None:
    assert concept_id(term) == want


def test_unknown_concept_gets_a_transliterated_lemma_slug() -> None:
    cid = concept_id("тергеу органдары")
    assert cid == "tergeu-organ"
    assert glossary_entry(cid) is None


def test_lemma_key_drops_inflection_and_keeps_derivation() -> None:
    assert lemma_key("құпия ақпараттың жеткізгіштері") == lemma_key("құпия ақпаратты жеткізгіштер")
    assert lemma_key("ақпараттық") != lemma_key("ақпарат")
    assert lemma_key("құпия ақпаратты таратуы") == lemma_key("құпия ақпаратты тарату")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([r[1].split("|")[0].strip() for r in ROWS]), min_size=1, max_size=1),
       st.sampled_from(['"{}"', "«{}»", "  {}  ", "{};"]))
def test_id_ignores_quotes_spacing_and_punctuation(terms: list[str], shape: str) -> None:
    term = terms[0]
    assert concept_id(shape.format(term)) == concept_id(term)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі -", min_size=0, max_size=40))
def test_any_text_gives_a_slug_and_the_same_one_twice(text: str) -> None:
    assert SLUG.fullmatch(concept_id(text))
    assert concept_id(text) == concept_id(text)


# --- the glossary -------------------------------------------------------------------


def test_glossary_rows_do_not_collapse_into_each_other() -> None:
    assert glossary_conflicts() == []


def test_glossary_shape() -> None:
    ids = [r[0] for r in ROWS]
    assert 60 <= len(ROWS) <= 130
    assert len(ids) == len(set(ids))
    for entry_id, kk, ru, en in ROWS:
        assert SLUG.fullmatch(entry_id), entry_id
        assert kk.strip() and ru.strip() and en.strip(), entry_id
        assert re.search("[а-яёәғқңөұүһі]", kk.lower()) and re.search("[а-яё]", ru.lower()), entry_id
        assert re.fullmatch(r"[A-Za-z ,'-]+", en), entry_id


def test_every_glossary_synonym_maps_to_its_row() -> None:
    for entry_id, kk, _ru, _en in ROWS:
        for synonym in (s.strip() for s in kk.split("|")):
            assert concept_id(synonym) == entry_id, synonym


def test_glossary_is_keyed_by_lemma_keys() -> None:
    assert glossary()[lemma_key("уәкілетті органдар")].id == "authorized-body"


# --- the registry -------------------------------------------------------------------


def _treaty(tid: str, *defs: tuple[str, str]) -> Treaty:
    """A bare treaty holding only definitions: the registry reads nothing else."""
    return Treaty(
        id=tid, sha256="", source="", encoding="utf-8", title="", draft=False, approval=None, signed=None,
        entry_into_force_date=None, parties=(), preamble=(), articles=(), divisions=(), annexes=(),
        closing=None, signatures=(), front_matter=(), title_span=None,
        definitions=tuple(Definition(term=t, definition="…", article=a, concept=concept_id(t)) for t, a in defs),
    )


def test_registry_groups_one_idea_across_treaties_with_labels() -> None:
    a = _treaty("a", ("уәкілетті органдар", "1"), ("тергеу органдары", "1"))
    b = _treaty("b", ("уәкілетті орган", "2"), ("тергеу органы", "3"), ("тергеу органы", "4"))
    concepts = {c.id: c for c in registry([a, b])}
    body = concepts["authorized-body"]
    assert body.label == "уәкілетті орган"
    assert body.labels == {"kk": "уәкілетті орган", "ru": "уполномоченный орган", "en": "authorized body"}
    assert [(u.treaty, u.article, u.term) for u in body.definitions] == [("a", "1", "уәкілетті органдар"), ("b", "2", "уәкілетті орган")]
    unknown = concepts["tergeu-organ"]
    assert unknown.label == "тергеу органы"  # printed most often
    assert unknown.labels == {"kk": "тергеу органы"}  # no invented ru/en
    assert len(unknown.definitions) == 3


def test_registry_uses_the_concept_the_extractor_set() -> None:
    t = msgspec.structs.replace(_treaty("t"), definitions=(Definition(term="x", definition="…", article="1", concept="own-id"),))
    assert [c.id for c in registry([t])] == ["own-id"]


def test_registry_is_sorted_and_stable() -> None:
    a = _treaty("a", ("құпия ақпарат", "1"), ("ақпарат", "1"))
    first, second = registry([a]), registry([a])
    assert first == second and [c.id for c in first] == sorted(c.id for c in first)


# The pairs a reader links across the real texts (terms as printed there), and the
# pairs that must stay apart: measured as the scorecard measures them.
LINKED = [
    [("003", "құпия ақпарат"), ("004", "құпия ақпарат")],
    [("003", "құпия ақпаратты қорғау"), ("004", "құпия ақпаратты қорғау")],
    [("003", "құпия ақпаратқа қол жеткізу"), ("004", "құпия ақпаратқа қол жеткізу")],
    [("003", "құпия ақпаратқа рұқсат беру"), ("004", "құпия ақпаратқа рұқсат беру")],
    [("003", "құпия ақпаратты жеткізгіштер"), ("004", "құпия ақпараттың жеткізгіштері")],
    [("003", "құпиялылық грифі"), ("004", "құпиялылық белгісі")],
    [("003", "уәкілетті органдар"), ("004", "уәкілетті орган")],
    [("001", "құзыретті органдар"), ("003", "құзыретті органдар"), ("004", "құзыретті орган")],
    [("001", "ақпараттық жүйе"), ("003", "ақпараттық жүйе")],
    [("001", "ақпарат"), ("002", "ақпарат")],
]
KEPT_APART = [
    [("000", "ақпаратты қорғау"), ("003", "құпия ақпаратты қорғау")],
    [("003", "құпия ақпарат"), ("003", "құпия ақпараттық ресурстар")],
    [("002", "ақпараттың құпиялығы"), ("003", "құпия ақпарат")],
    [("001", "ақпарат"), ("001", "ақпарат алмасу")],
]


def test_registry_over_the_real_texts_links_and_separates(seeds: dict[str, Treaty]) -> None:
    assert len(seeds) == 5
    treaties = seeds
    concepts = registry(treaties.values())
    where: dict[tuple[str, str], str] = {}
    short_of = {t.id: short for short, t in treaties.items()}
    for c in concepts:
        for use in c.definitions:
            where[(short_of[use.treaty], use.term.lower())] = c.id
    linked = sum(len({where.get((s, t)) for s, t in group}) == 1 and None not in {where.get((s, t)) for s, t in group}
                 for group in LINKED)
    apart = sum(where.get(tuple(a)) not in (None, where.get(tuple(b))) for a, b in KEPT_APART)
    assert linked / len(LINKED) >= 0.95
    assert apart / len(KEPT_APART) >= 0.95
    # every definition of every treaty is in exactly one concept
    assert sum(len(c.definitions) for c in concepts) == sum(len(t.definitions) for t in treaties.values())
    for c in concepts:
        assert SLUG.fullmatch(c.id) and c.label and c.labels["kk"] == c.label
