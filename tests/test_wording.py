"""The ``kk_clause_wording`` component: operative wording of final clauses, by lemma."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract.docs import CACHE_SIZE, extraction_nlp, text_doc, text_docs
from ingest.extract.wording import (
    SPANS_KEY,
    clause_kinds,
    make_clause_wording,
    verb,
    wording_of,
)


@pytest.mark.parametrize(
    ("stem", "lemmas"),
    [
        ("шеш", ["шеш", "шешіл", "шешін", "шешу"]),
        ("ретте", ["ретте", "реттел", "реттен", "реттеу"]),
        ("шық", ["шық", "шығыл", "шығын", "шығу"]),
        ("тоқтат", ["тоқтат", "тоқтатыл", "тоқтатын", "тоқтату"]),
    ],
)
def test_a_verb_takes_its_voices_and_its_verbal_noun(stem: str, lemmas: list[str]) -> None:
    assert verb(stem) == lemmas


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # disputes: passive, active, future participle, verbal noun with a modal
        ("Даулы мәселелер консультациялар арқылы шешіледі.", {"dispute_resolution"}),
        ("Тараптар дауларды консультациялар арқылы не дипломатиялық арналармен шешеді.", {"dispute_resolution"}),
        ("Тараптар барлық келіспеушіліктерді келіссөздер жолымен шешетін болады.", {"dispute_resolution"}),
        ("Келіспеушіліктер келіссөздер арқылы шешілуге тиіс.", {"dispute_resolution"}),
        ("Тараптар дауларға қатысты келіспеушіліктерді консультациялар арқылы реттеуге ұмтылады.", {"dispute_resolution"}),
        # … but the name of the act, and a decision, are not
        ("Осы бөлім дауларды реттеуге қатысты қолданылады.", set()),
        ("3-тарау (Дауларды реттеу) ережелері қолданылмайды.", set()),
        ("Дау бойынша шығарылған шешімді Тараптар таниды.", set()),
        # leaving the treaty
        ("Әрбір Тарап осы Келісімнен шығуға құқылы.", {"withdrawal"}),
        ("Тараптардың кез келгені Келісімнің қолданылуын тоқтата алады.", {"withdrawal"}),
        ("Осы Келісім өзінің қолданылуын тоқтатады.", {"withdrawal"}),
        ("Кез келген Тарап Шартты денонсациялай алады.", {"withdrawal"}),
        ("Тарап шығу туралы жазбаша хабарлама жібереді.", {"withdrawal"}),
        ("Үкімді орындаушы мемлекет орындауды тоқтатуға тиіс.", set()),
        # entry into force, duration, amendments, expenses
        ("Осы Хаттама соңғы хабарлама алынған күннен бастап күшіне енеді.", {"entry_into_force"}),
        ("Осы Келісім белгісіз мерзімге жасалады.", {"duration"}),
        ("Бұл Шарттың мерзімі жоқ.", {"duration"}),
        ("Осы Келісім мерзімсіз болып табылады.", {"duration"}),
        ("Осы Келісім 5 (бес) жыл мерзімге жасалады.", {"duration"}),
        ("Осы Келісімге өзгерістер мен толықтырулар енгізілуі мүмкін.", {"amendments"}),
        ("Келісімге өзгерістер енгізу туралы хаттама қол қойылған күні күшіне енді.", {"entry_into_force"}),
        ("Тараптар шығыстарды өздері көтереді.", {"expenses"}),
        ("Тараптар ынтымақтастықты дамытады.", set()),
    ],
)
def test_operative_wording_by_lemma(text: str, kinds: set[str]) -> None:
    assert clause_kinds(text_doc(text)) == kinds


def test_a_match_never_crosses_a_sentence() -> None:
    """"даулар" ends one sentence, "шешеді" belongs to the next: no dispute clause."""
    doc = text_doc("Бұл бөлім даулар туралы.\nТараптар өз міндеттерін шешеді.")
    assert "dispute_resolution" not in clause_kinds(doc)


def test_the_spans_are_labelled_with_the_clause_and_in_text_order() -> None:
    doc = text_doc("Дауларды Тараптар келіссөздер арқылы шешеді. Келіспеушіліктер консультациялар арқылы реттеледі.")
    spans = wording_of(doc, "dispute_resolution")
    assert [s.text.split()[0] for s in spans] == ["Дауларды", "Келіспеушіліктер"]
    assert all(s.label_ == "dispute_resolution" for s in doc.spans[SPANS_KEY])


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version 9"):
        make_clause_wording(extraction_nlp(), "kk_clause_wording", 9)


def test_docs_are_made_once_per_text_and_in_order() -> None:
    first = text_docs(["Бір мәтін.", "Екі мәтін.", "Бір мәтін."])
    assert [d.text for d in first] == ["Бір мәтін.", "Екі мәтін.", "Бір мәтін."]
    assert first[0] is first[2] and text_doc("Екі мәтін.") is first[1]
    assert text_doc("") is text_doc("")  # an empty text has a (falsy) Doc too


def test_the_cache_is_bounded() -> None:
    texts = [f"Мәтін {i}." for i in range(CACHE_SIZE + 10)]
    first = text_doc(texts[0])
    text_docs(texts[1:])
    assert text_doc(texts[0]) is not first  # the oldest was dropped and made again


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="даулыршешітоқкүнмзғ .,:;\n«»()-1234567890", max_size=200))
def test_any_text_gets_spans_within_one_sentence(text: str) -> None:
    doc = text_doc(text)
    for span in doc.spans[SPANS_KEY]:
        assert span.start < span.end and doc[span.start].sent.start == doc[span.end - 1].sent.start


@pytest.mark.parametrize(
    "text",
    ["Даулар келіссөздер арқылы шешіледі.", "Тараптар дауды консультациялар арқылы шешеді."],
)
def test_a_dispute_by_its_form_when_the_analyser_misses_its_lemma(text: str) -> None:
    assert clause_kinds(text_doc(text)) == {"dispute_resolution"}


def test_a_vote_is_no_dispute() -> None:
    assert clause_kinds(text_doc("Мәселелер дауыс беру арқылы шешіледі.")) == set()


def test_the_extraction_components_are_spacy_factories_by_name() -> None:
    """In a fresh process, with nothing of ours imported, ``spacy.blank("kk")`` finds
    every extraction component through the ``spacy_factories`` entry points."""
    import subprocess
    import sys
    from pathlib import Path

    from ingest.extract.docs import COMPONENTS

    script = (
        "import spacy\n"
        "nlp = spacy.blank('kk')\n"
        f"for name in ('kk_lemmatizer', *{COMPONENTS!r}):\n"
        "    nlp.add_pipe(name)\n"
        "print(' '.join(nlp.pipe_names))\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["kk_lemmatizer", *COMPONENTS]
