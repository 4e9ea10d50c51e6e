"""Treaty names a question may use: the gazetteer of states and organisations (kk/ru/en,
adjectives too), loose spelling, signing place and year; and Russian and English terms
reaching Kazakh ones through Snowball stems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import Treaty
from ingest.pipeline import parse_path
from kb.aliases import GAZETTEER, TreatyNames, _norm, _printed, treaty_names
from kb.expansion import kazakh_terms, stems

DEV = Path(__file__).parent / "fixtures" / "dev-texts"


@pytest.fixture(scope="module")
def dev() -> dict[str, Treaty]:
    return {p.name[:2]: parse_path(p) for p in sorted(DEV.glob("*.txt"))}


@pytest.fixture(scope="module")
def names(dev: dict[str, Treaty], seeds: dict[str, Treaty]) -> TreatyNames:
    return TreatyNames([*seeds.values(), *dev.values()])


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("соглашение с Монголией о правовой помощи", "06"),
        ("the Mongolian treaty", "06"),
        ("Моңғолиямен шарт", "06"),
        ("Investment agreement with Kyrgyzstan: arbitration", "07"),
        ("кыргызское соглашение", "07"),
        ("Jordanian prisoners", "03"),
        ("Иордания", "03"),
        ("World Bank letter", "08"),
        ("письмо Всемирного банка", "08"),
        ("Узбекистаном перевозки", "02"),
    ],
)
def test_a_partner_named_in_any_language_names_its_treaty(names: TreatyNames, dev: dict[str, Treaty], query: str, source: str) -> None:
    assert names.mentioned(query) == {dev[source].id}


def test_a_multilateral_treatys_members_in_its_preamble_do_not_name_it(names: TreatyNames, seeds: dict[str, Treaty]) -> None:
    """The agreement with Turkmenistan is the bilateral one, not the one whose preamble
    lists Turkmenistan among its members."""
    assert names.mentioned("соглашение с Туркменистаном") == {seeds["004"].id}


def test_signing_place_and_year_are_names(dev: dict[str, Treaty]) -> None:
    mongolia = treaty_names(dev["06"])
    assert dev["06"].signed is not None and dev["06"].signed.date
    assert dev["06"].signed.date[:4] in mongolia
    assert "улаанбаатор" in mongolia


def test_names_are_compared_loosely() -> None:
    assert _norm("Монғолия") == _norm("Моңғолия") == _norm("Монголия")
    assert _norm("ҚЫРҒЫЗ Республикасы") == "кыргыз республикасы"


def test_a_short_name_is_not_read_into_a_common_word() -> None:
    """"қатар" (a row; "сонымен қатар", also) is no mention of Qatar, and "түрік" does
    not start "Түрікменстан" as a name."""
    assert not _printed(_norm("қатар"), _norm("сонымен қатар Тараптар"))
    assert not _printed(_norm("түрік"), _norm("Түрікменстан Үкіметі"))
    assert _printed(_norm("иордан хашимит корольдігі"), _norm("Иордан Хашимит Корольдігінің Үкіметі"))


def test_every_gazetteer_row_has_names_and_kazakhstan_names_nothing(names: TreatyNames) -> None:
    assert all(len(row) >= 2 for row in GAZETTEER)
    assert names.mentioned("Қазақстан Казахстан Kazakhstan казахский") == set()


def test_russian_and_english_words_meet_terms_by_their_stems() -> None:
    assert stems("секретной информации") == stems("секретная информация")
    assert stems("classification markings")[1] == stems("marking")[0]
    assert "шығу" in kazakh_terms("How much notice is needed to withdraw?")
    assert "өтініш" in kazakh_terms("какие запросы")  # a drafting synonym, not only the glossary's label
    assert "аударма" not in kazakh_terms("передать секретную информацию")  # "пере…" is no stem of "перевод"
