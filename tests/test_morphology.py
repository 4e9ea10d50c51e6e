"""The analyser on word forms that are NOT in the gold lemma list
(tests/fixtures/gold/lemmas.tsv, measured by bench/lemmas.py): each row a phenomenon of
Kazakh morphology."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.kk.lexicon import Lexicon, corpus_vocabulary, parse_hunspell, verb_stem
from ingest.kk.morphology import analyse, analyses, is_known, lemma

ROOT = Path(__file__).resolve().parent.parent

# (form, expected best lemma, what it shows)
BEST = [
    ("мәселелердің", "мәселе", "plural + genitive, front harmony"),
    ("кітаптарымыздан", "кітап", "plural + 1pl possessive + plain ablative after it"),
    ("балаларға", "бала", "plural + dative"),
    ("шешімдерімен", "шешім", "plural + px3 + instrumental (no harmony for мен)"),
    ("заңнамасымен", "заңнама", "px3 after a vowel is -сы; мен after it"),
    ("министрліктерінің", "министрлік", "a -лік noun keeps its suffix"),
    ("тәртібі", "тәртіп", "п voiced to б before a vowel"),
    ("хатшылығында", "хатшылық", "қ voiced to ғ before a vowel"),
    ("мониторингін", "мониторинг", "a loanword keeps its г"),
    ("жетімділігін", "жетімділік", "unknown stem: a native word never ends in г, so к"),
    ("блокчейндерінің", "блокчейн", "unknown loanword: the guesser strips the endings"),
    ("мектептегі", "мектеп", "locative + attributive -гі"),
    ("жиналыстарда", "жиналыс", "plural + locative"),
    ("сұрақтарына", "сұрақ", "px3 + dative -на"),
    ("түріне", "түр", "px3 + dative, not a verb in -н + converb"),
    ("жай-күйіне", "жай-күй", "hyphenated compound inflects on its last part"),
    ("болатын", "бол", "the -атын participle, not болат + ы + н"),
    ("ететін", "ет", "the -етін participle"),
    ("келмейді", "кел", "negative aorist"),
    ("қабылдамаса", "қабылда", "negation + conditional"),
    ("тексерілмеген", "тексер", "passive + negation + past participle"),
    ("жазылмаған", "жазыл", "passive stem the dictionary lists"),
    ("көмектеседі", "көмектес", "aorist 3rd person"),
    ("елдеріміздің", "ел", "plural + 1pl possessive + genitive"),
    ("15-бабында", "бап", "article reference: number, hyphen, бап with its ending"),
    ("3-тармағына", "тармақ", "paragraph reference"),
    ("ЕАЭО-ға", "ЕАЭО", "abbreviation with a case ending keeps its capitals"),
    ("БҰҰ-ның", "БҰҰ", "abbreviation + genitive"),
    ("ғылыми-техникалық", "ғылыми-техникалық", "derived adjective stays whole"),
    ("туралы", "туралы", "a postposition is not тура + лы"),
    ("бойынша", "бойынша", "lexicalised postposition"),
    ("қүжаттарды", "құжат", "ү printed for ұ, repaired because the lexicon knows құжат"),
    ("ҚАУIПСIЗДIК", "қауіпсіздік", "capitals and Latin I inside a Cyrillic word"),
    ("оның", "ол", "pronoun with a changed stem"),
    ("бап", "бап", "a noun is not ба + converb -п"),
]


@pytest.mark.parametrize(("form", "expected", "why"), BEST, ids=[row[0] for row in BEST])
def test_best_lemma(form: str, expected: str, why: str) -> None:
    assert analyse(form)[0] == expected, why


def test_candidates_keep_the_dictionary_reading_of_an_ambiguous_word() -> None:
    # "тұлға" is a person, but also reads тұл + ға; both readings stay searchable
    assert set(analyse("тұлға")) >= {"тұлға"}
    assert "жаса" in analyse("жасап")


def test_unknown_words_go_to_the_guesser_never_to_an_exception() -> None:
    assert analyse("зыпырлақтарымыздың")
    assert analyse("") == ()
    assert analyse("123") == ("123",)
    assert analyse("—") == ("—",)


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(st.characters(min_codepoint=0x0400, max_codepoint=0x04FF), st.sampled_from(list("-.0123456789iIaey ")), st.characters()), max_size=40))
def test_analyse_never_raises(word: str) -> None:
    result = analyse(word)
    assert isinstance(result, tuple) and all(isinstance(c, str) for c in result)


def test_readings_are_ranked_with_the_confirmed_stem_first() -> None:
    best = analyses("тараптардың")[0]
    assert (best.stem, best.kind, best.endings, best.confirmed) == ("тарап", "N", ("PL", "GEN"), True)


def test_lemma_and_is_known() -> None:
    assert lemma("Келісімге") == "келісім"
    assert is_known("ақпаратқа") and not is_known("зыпырлақ")


def test_verb_stem_from_the_dictionary_form() -> None:
    assert [verb_stem(w) for w in ("асыру", "табу", "шығу", "қорғау")] == ["асыр", "тап", "шық", "қорға"]


def test_parse_hunspell_sorts_entries_by_flags() -> None:
    nominal, verbal, invariable = parse_hunspell(["3", "ақпарат/ABbCc", "қорғау/MmNn", "және"])
    assert "ақпарат" in nominal and "қорға" in verbal and "қорғау" in nominal
    assert "және" in invariable and "және" in nominal


def test_corpus_vocabulary_counts_word_forms() -> None:
    assert corpus_vocabulary(["Тарап тарап, Latin 12 тарап."]) == [("тарап", 3)]


def test_an_empty_lexicon_still_answers() -> None:
    empty = Lexicon(frozenset(), frozenset(), frozenset())
    assert analyses("тараптардың", empty)[0].stem == "тарап"


def test_kelisim_lemmas_prints_tab_separated_candidates() -> None:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kelisim"), "lemmas", "ақпаратқа", "Тараптардың"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.splitlines()
    assert out[0].split("\t")[:2] == ["ақпаратқа", "ақпарат"]
    assert out[1].split("\t")[:2] == ["Тараптардың", "тарап"]


def test_no_code_path_keys_on_the_gold_forms(gold_lemmas: list[dict[str, str]]) -> None:
    """The analyser is judged on forms it has never seen: no inflected form of the gold
    list (outside the closed classes of pronouns, postpositions and conjunctions, which
    a grammar lists by nature) may stand in its code. (The stop-word list is a list by
    nature, and serves search, not lemmas.)"""
    import ast

    literals: set[str] = set()
    for path in (ROOT / "ingest" / "kk" / name for name in ("morphology.py", "lexicon.py", "component.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                literals.update(node.value.lower().split())
    keyed = [
        r["form"] for r in gold_lemmas
        if r["pos"] not in {"PRON", "ADP", "CCONJ"} and r["form"].lower() not in r["lemmas"].lower().split("|")
        and r["form"].lower() in literals
    ]
    assert keyed == []
