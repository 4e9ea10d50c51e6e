"""The parser on text shapes the seed corpus does not have.

Every fixture in ``tests/fixtures/shapes/`` is a treaty text written for these tests in
the language and layout of the legal database, in a shape the five corpus files lack:
chapters and sections, headings on the "N-бап" line, a missing first header and a
skipped article number, a ratification law, a protocol and a convention, a flat
one-paragraph-a-line file and an 80-column hard-wrapped one, a Windows-1251 legacy
file, an HTML page. UTF-16, UTF-8 with a BOM, DOCX and further Windows-1251 variants
are generated here from the UTF-8 fixtures.

``EXPECTED`` is the table: fixture → the facts a correct parse must give. Each fact is
its own test (``test_shape[<fixture>-<fact>]``), so a failure names exactly what is
wrong. Then come the cross-format tests (the same treaty in another container or
encoding must give the same structure) and the bad-input tests.

About Windows-1251: cp1251 has no ә ғ қ ң ө ұ ү һ (it does have і). Two realistic
kinds of "Windows-1251 Kazakh" file exist and both are tested:

- ``cp1251_legacy.txt`` (on disk, real cp1251 bytes) is written as legacy files
  were: each Kazakh-specific letter replaced by its Russian base letter (қ→к, ғ→г,
  ң→н, ә→а, ө→о, ұ→у, ү→у, һ→х; і kept). ``test_cp1251_decodes_like_utf8`` checks
  that decoding is exact: the same substituted text as cp1251 bytes and as UTF-8
  bytes gives the same repaired text and the same structure.
- KZ-1048 (STRK 1048-2002), the Kazakh Windows code page: Windows-1251 with the
  Kazakh letters in the slots of the Serbian/Macedonian ones. Read as plain cp1251
  it turns "Қазақстан" into "Ќазаќстан"; ``test_kz1048_file_decodes_to_kazakh``
  asks for the Kazakh text.
"""

from __future__ import annotations

import functools
import io
import json
import random
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from ingest import IngestError, parse_bytes, parse_path
from ingest.model import Treaty

REPO = Path(__file__).resolve().parents[1]
SHAPES = Path(__file__).resolve().parent / "fixtures" / "shapes"

# How legacy cp1251 files spell Kazakh: the letters cp1251 lacks, by their Russian base letter.
LEGACY_CP1251 = str.maketrans("әғқңөұүһӘҒҚҢӨҰҮҺ", "агкноуухАГКНОУУХ")

KZ_GOV = "Қазақстан Республикасының Үкіметі"


@functools.cache
def parsed(name: str) -> Treaty:
    return parse_path(SHAPES / name)


def fixture_text(name: str) -> str:
    return (SHAPES / name).read_text(encoding="utf-8")


# --- the table: fixture → expected facts ------------------------------------------------

EXPECTED: dict[str, dict[str, Any]] = {
    # "I тарау" / "II тарау" with the heading on the next line; "N-бап" with the heading on
    # the next line; a government resolution approving the agreement.
    "chapters_roman.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы "
        "шекара маңындағы ынтымақтастық туралы КЕЛІСІМ",
        "draft": False,
        "encoding": "utf-8",
        "approval": {
            "type": "қаулы", "number": "48", "date": "2020-02-10", "action": "approves",
            "signed_by": "А. Мамин", "issuer": KZ_GOV,
        },
        "signed": {"date": "2019-10-03", "place": "Нұр-Сұлтан"},
        "parties": (KZ_GOV, "Қырғыз Республикасының Үкіметі"),
        "closing": {"date": "2019-10-03", "place": "Нұр-Сұлтан", "originals": 2, "languages": ("kk", "ky", "ru"), "prevailing": "ru"},
        "articles": ["1", "2", "3", "4", "5", "6", "7", "8"],
        "headings": {
            "1": "Ұғымдар", "2": "Келісімнің мақсаты", "3": "Ынтымақтастық салалары",
            "4": "Ынтымақтастық нысандары", "5": "Құзыретті органдар", "6": "Дауларды шешу",
            "7": "Өзгерістер мен толықтырулар", "8": "Күшіне енуі және қолданылуын тоқтату",
        },
        "implicit": [],
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "3": [("1", ["1", "2", "3", "4", "5"]), ("2", [])],
            "4": [(None, ["а", "б", "в"])],
            "5": [("1", []), ("2", [])],
            "8": [("1", []), ("2", [])],
        },
        "divisions": [
            ("chapter", "I", "Жалпы ережелер", ("1", "2")),
            ("chapter", "II", "Ынтымақтастық салалары мен нысандары", ("3", "4", "5")),
            ("chapter", "III", "Қорытынды ережелер", ("6", "7", "8")),
        ],
        "placement": {"1": ("I", None), "2": ("I", None), "3": ("II", None), "5": ("II", None), "6": ("III", None), "8": ("III", None)},
        "text_ends": {"2": "қолайлы жағдайлар жасау болып табылады.", "8": "келесі бесжылдық кезеңдерге автоматты түрде ұзартылады."},
        "annexes": [],
        "warnings": {"absent": ["article-number-skip", "no-title", "implicit-article"]},
    },
    # "1-тарау. Жалпы ережелер" and "5-бап. Құзыретті органдар" (headings on the header
    # line, after a dot); a resolution authorising signature of a draft ("Жоба") whose
    # closing formula leaves the date blank.
    "chapters_numbered.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Әзербайжан Республикасының Үкіметі арасындағы "
        "ақпараттық қауіпсіздікті қамтамасыз ету саласындағы ынтымақтастық туралы КЕЛІСІМ",
        "draft": True,
        "approval": {
            "type": "қаулы", "number": "137", "date": "2021-03-15", "action": "authorises_signing",
            "signed_by": "А. Мамин", "issuer": KZ_GOV,
        },
        "signed": {"date": None, "place": "Баку"},
        "parties": (KZ_GOV, "Әзербайжан Республикасының Үкіметі"),
        "closing": {"date": None, "place": "Баку", "originals": 2, "languages": ("kk", "az", "ru"), "prevailing": "ru"},
        "articles": ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "headings": {
            "1": "Келісімнің мәні", "2": "Ұғымдар", "3": "Негізгі қағидаттар",
            "4": "Ынтымақтастық бағыттары", "5": "Құзыретті органдар", "6": "Ақпаратты қорғау",
            "7": "Дауларды шешу", "8": "Өзгерістер мен толықтырулар", "9": "Күшіне енуі",
        },
        "implicit": [],
        "paragraphs": {
            "1": [(None, [])],
            "2": [(None, ["1", "2", "3", "4"])],
            "4": [("1", ["1", "2", "3"]), ("2", [])],
        },
        "paragraph_nums": {"5": ["1", "2"]},
        "divisions": [
            ("chapter", "1", "Жалпы ережелер", ("1", "2", "3")),
            ("chapter", "2", "Ынтымақтастықтың негізгі бағыттары", ("4", "5", "6")),
            ("chapter", "3", "Қорытынды ережелер", ("7", "8", "9")),
        ],
        "placement": {"1": ("1", None), "3": ("1", None), "4": ("2", None), "6": ("2", None), "9": ("3", None)},
        "text_starts": {"1": "Осы Келісім Тараптардың", "5": "1. Осы Келісімді іске асыруға"},
        "text_ends": {"9": "алған күнінен бастап күшіне енеді."},
        "annexes": [],
    },
    # A convention: sections ("1-бөлім") above chapters ("1-тарау"), headings on the header
    # line without a dot ("5-бап Құзыретті органдар"); a presidential decree on signing.
    "convention_sections.txt": {
        "title": "Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттердің сот-сараптама қызметі "
        "саласындағы ынтымақтастығы туралы КОНВЕНЦИЯ",
        "draft": True,
        "approval": {
            "type": "Жарлық", "number": "585", "date": "2021-05-20", "action": "authorises_signing",
            "signed_by": "Қ. Тоқаев", "issuer": "Қазақстан Республикасының Президенті",
        },
        "signed": {"date": None, "place": "Минск"},
        "parties": ("Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттер",),
        "closing": {"date": None, "place": "Минск", "originals": 1, "languages": ("ru",)},
        "depositary": "Тәуелсіз Мемлекеттер Достастығының Атқарушы комитеті",
        "articles": ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "headings": {
            "1": "Конвенцияның мақсаты", "2": "Қолданылу саласы", "3": "Ұғымдар",
            "4": "Ынтымақтастық нысандары", "5": "Құзыретті органдар",
            "6": "Сұрау салудың нысаны мен мазмұны", "7": "Сұрау салуды орындау",
            "8": "Дауларды шешу", "9": "Күшіне енуі",
        },
        "implicit": [],
        "paragraphs": {
            "3": [(None, ["а", "б", "в"])],
            "5": [("1", []), ("2", [])],
            "6": [("1", []), ("2", ["1", "2", "3"])],
        },
        "divisions": [
            ("section", "1", "Жалпы ережелер", ("1", "2", "3", "4", "5")),
            ("chapter", "1", "Мақсаты және қолданылу саласы", ("1", "2")),
            ("chapter", "2", "Ұғымдар мен құзыретті органдар", ("3", "4", "5")),
            ("section", "2", "Ынтымақтастық тәртібі", ("6", "7", "8", "9")),
            ("chapter", "3", "Сұрау салуларды орындау", ("6", "7")),
            ("chapter", "4", "Қорытынды ережелер", ("8", "9")),
        ],
        "placement": {"1": ("1", "1"), "2": ("1", "1"), "5": ("2", "1"), "6": ("3", "2"), "9": ("4", "2")},
        "text_ends": {"5": "депозитарийді 30 (отыз) күн ішінде хабардар етеді.", "9": "үшінші хабарламаны депозитарий алған күннен бастап 30 күн өткен соң күшіне енеді."},
        "annexes": [],
    },
    # A protocol amending an agreement: title ending "хаттама", articles with no headings.
    "protocol.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Ресей Федерациясының Үкіметі арасындағы халықаралық "
        "автомобиль қатынасы туралы 1993 жылғы 23 желтоқсандағы келісімге өзгерістер енгізу туралы хаттама",
        "draft": False,
        "approval": {"type": "қаулы", "number": "376", "date": "2021-06-04", "action": "approves", "signed_by": "А. Мамин"},
        "signed": {"date": "2020-11-25", "place": "Мәскеу"},
        "parties": (KZ_GOV, "Ресей Федерациясының Үкіметі"),
        "closing": {"date": "2020-11-25", "place": "Мәскеу", "originals": 2, "languages": ("kk", "ru")},
        "articles": ["1", "2", "3", "4"],
        "headings": {"1": None, "2": None, "3": None, "4": None},
        "implicit": [],
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "2": [("1", []), ("2", [])],
            "3": [(None, [])],
        },
        "text_ends": {"4": "Келісімнің қолданылу мерзімі ішінде қолданылады."},
        "divisions": [],
        "annexes": [],
    },
    # A draft with no approving act; article 1 has no "1-бап" header; 3 is followed by 5.
    "implicit_skip_draft.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Өзбекстан Республикасының Үкіметі арасындағы табиғи "
        "және техногендік сипаттағы төтенше жағдайлардың алдын алу және оларды жою саласындағы "
        "ынтымақтастық туралы КЕЛІСІМ",
        "draft": True,
        "approval": None,
        "signed": None,
        "parties": (KZ_GOV, "Өзбекстан Республикасының Үкіметі"),
        "closing": {"date": None, "place": None, "originals": 2, "languages": ("kk", "uz", "ru"), "prevailing": "ru"},
        "articles": ["1", "2", "3", "5", "6"],
        "headings": {"1": None, "2": None, "3": None, "5": None, "6": None},
        "implicit": ["1"],
        "text_starts": {"1": "Осы Келісімнің мақсаты табиғи", "2": "Тараптардың осы Келісімді", "5": "1. Көмек сұрау салушы"},
        "text_ends": {"1": "екінші Тараптан көмек сұраған Тарап.", "6": "6 (алты) ай өткен соң қолданылуын тоқтатады."},
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "3": [("1", [None, None, None]), ("2", [])],
            "5": [("1", []), ("2", ["а", "б", "в"]), ("3", [])],
            "6": [(None, [])],
        },
        "divisions": [],
        "annexes": [],
        "warnings": {"present": ["article-number-skip"]},
    },
    # A ratification law ("… келісімді ратификациялау туралы", "№ 333-VI Заңы") instead of
    # a resolution; two annexes with captions.
    "ratification_law.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Өзбекстан Республикасының Үкіметі арасындағы "
        "ветеринария саласындағы ынтымақтастық туралы КЕЛІСІМ",
        "draft": False,
        "approval": {
            "type": "Заң", "number": "333-VI", "date": "2020-05-14", "action": "ratifies", "signed_by": "Қ. Тоқаев",
            "title": "Қазақстан Республикасының Үкіметі мен Өзбекстан Республикасының Үкіметі арасындағы "
            "ветеринария саласындағы ынтымақтастық туралы келісімді ратификациялау туралы",
        },
        "signed": {"date": "2019-10-03", "place": "Нұр-Сұлтан"},
        "parties": (KZ_GOV, "Өзбекстан Республикасының Үкіметі"),
        "closing": {"date": "2019-10-03", "place": "Нұр-Сұлтан", "originals": 2, "languages": ("kk", "uz", "ru"), "prevailing": "ru"},
        "articles": ["1", "2", "3", "4", "5", "6"],
        "headings": {
            "1": "Құзыретті органдар", "2": "Ынтымақтастық салалары", "3": "Ветеринариялық сертификаттар",
            "4": "Шекара маңындағы ветеринариялық бақылау пункттері", "5": "Дауларды шешу", "6": "Күшіне енуі",
        },
        "implicit": [],
        "paragraphs": {
            "2": [("1", ["1", "2", "3", "4"]), ("2", [])],
            "3": [("1", []), ("2", [])],
            "6": [("1", []), ("2", [])],
        },
        "text_ends": {"6": "хабарлама алынған күннен бастап 6 (алты) ай өткен соң қолданылуын тоқтатады."},
        "annexes": [
            ("1", "Ветеринариялық сертификатта көрсетілетін мәліметтердің тізбесі"),
            ("2", "Шекара маңындағы ветеринариялық бақылау пункттерінің тізбесі"),
        ],
        "annex_captions": {
            "1": "Қазақстан Республикасының Үкіметі мен Өзбекстан Республикасының Үкіметі арасындағы ветеринария "
            "саласындағы ынтымақтастық туралы келісімге",
            "2": "Қазақстан Республикасының Үкіметі мен Өзбекстан Республикасының Үкіметі арасындағы ветеринария "
            "саласындағы ынтымақтастық туралы келісімге",
        },
        "annex_texts": {
            "1": ("1. Жөнелтушінің атауы және мекенжайы.", "4. Көлік құралының түрі мен нөмірі."),
            "2": ('1. "Жібек жолы" – "Ойбек".', '3. "Қазығұрт" – "Гишткуприк".'),
        },
    },
    # A ratification law whose treaty prints its title and its article headers in capitals
    # with the heading on the header line ("1-БАП ЖАЛПЫ ЕРЕЖЕЛЕР"), points lettered in
    # Latin ("a)", "b)") and numbered under their paragraph ("1.1)", "1.2)").
    "capitals_latin_points.txt": {
        "title": "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ МЕН МОҢҒОЛИЯ АРАСЫНДАҒЫ АЗАМАТТЫҚ АВИАЦИЯ САЛАСЫНДАҒЫ ЫНТЫМАҚТАСТЫҚ ТУРАЛЫ КЕЛІСІМ",
        "draft": False,
        "approval": None,  # the law's requisite line (number, date) is not in the text
        "signed": {"date": "2021-03-12", "place": "Алматы"},
        "parties": ("Қазақстан Республикасы", "Моңғолия"),
        "closing": {"date": "2021-03-12", "place": "Алматы", "originals": 2, "languages": ("kk", "mn", "en"), "prevailing": None},
        "articles": ["1", "2", "3", "4"],
        "headings": {"1": "ЖАЛПЫ ЕРЕЖЕЛЕР", "2": "ҚҰЗЫРЕТТІ ОРГАНДАР", "3": "ДАУЛАРДЫ ШЕШУ", "4": "ҚОРЫТЫНДЫ ЕРЕЖЕЛЕР"},
        "implicit": [],
        "paragraphs": {
            "1": [("1", []), ("2", ["a", "b", "c"])],
            "2": [("1", ["1.1", "1.2"]), ("2", [])],
            "3": [(None, [])],
            "4": [(None, [])],
        },
        "text_ends": {"3": "консультациялар арқылы шешіледі.", "4": "хабарламаны алған күннен бастап күшіне енеді."},
        "annexes": [],
        "warnings": {"absent": ["article-number-skip", "no-title", "implicit-article"]},
    },
    # A letter agreement amending a grant agreement, with its ratification law above the
    # letterhead: no articles and no "… келісті:", a subject line for its title, a
    # salutation, numbered paragraphs (one with "(a)" items), "Құрметпен," and a
    # countersignature ("КЕЛІСІЛДІ:"). Its paragraphs are the body; no article is invented.
    "letter_agreement.txt": {
        "title": "Су шаруашылығын жаңғырту жобасы (Грант № 0815-KAZ) Гранттық келісімге түзетулерге қатысты",
        "draft": False,
        "approval": None,
        "signed": None,
        "articles": [],
        "implicit": [],
        "preamble_len": 1,
        "body": [(None, []), ("1", []), ("2", [None, None]), ("3", [])],
        "body_text": ["Біз 2019 жылғы 5 наурыздағы Қазақстан Республикасы (бұдан әрі - Алушы) мен Азия Даму Банкі "
                      "(бұдан әрі - Банк) арасындағы Гранттық келісімге сілтеме жасаймыз. Банк Гранттық келісімге "
                      "мынадай түзетулер енгізуді ұсынады:"],
        # the Grant Agreement, cited; then its article 2, its annex 1 and that annex's
        # paragraph 3, named by the amendment items: parts of the amended act, not the letter's
        "external_dates": ["2019-03-05", "2019-03-05", "2019-03-05", "2019-03-05"],
        "annexes": [],
        "warnings": {"absent": ["no-title"]},
    },
    # A protocol amending an agreement: numbered amendment items that restate article 3,
    # insert articles 5-1 and 5-2, substitute words in article 7 and delete article 9, each
    # quoting the new text over several lines ("5-2-бап. …", "1. …" inside the quotation
    # are the amended agreement's, not the protocol's); the closing date in words.
    "amending_protocol.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы ветеринария "
        "саласындағы ынтымақтастық туралы 2015 жылғы 12 маусымдағы келісімге өзгерістер мен толықтырулар "
        "енгізу туралы хаттама",
        "draft": False,
        "approval": {"type": "қаулы", "number": "211", "date": "2022-04-14", "action": "approves", "signed_by": "Ә. Смайылов"},
        "signed": {"date": "2021-11-25", "place": "Бішкек"},
        "parties": (KZ_GOV, "Қырғыз Республикасының Үкіметі"),
        "closing": {"date": "2021-11-25", "place": "Бішкек", "originals": 2, "languages": ("kk", "ky", "ru")},
        "articles": ["1", "2", "3"],
        "headings": {"1": None, "2": None, "3": None},
        "implicit": [],
        "paragraphs": {"1": [(None, ["1", "2", "3", "4"])], "2": [(None, [])], "3": [(None, [])]},
        "text_ends": {"1": "4) 9-бап алып тасталсын.", "3": "алған күнінен бастап күшіне енеді."},
        "amends": ("Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы ветеринария "
                   "саласындағы ынтымақтастық туралы келісім", "2015-06-12"),
        "amendments": [
            ("1", "1", "replacement", "3", "3-бап. Құзыретті органдар"),
            ("1", "2", "insertion", "5-1", "5-1-бап. Ветеринариялық ақпарат алмасу"),
            ("1", "2", "insertion", "5-2", "5-1-бап. Ветеринариялық ақпарат алмасу"),
            ("1", "3", "substitution", "7.2", "үш ай"),
            ("1", "4", "repeal", "9", None),
            ("2", None, "repeal", "annex 1", None),
        ],
        "internal_refs": [],
        "divisions": [],
        "annexes": [],
        "signatures": 2,
        "warnings": {"absent": ["article-number-skip", "article-number-order", "no-title"]},
    },
    # A consolidated convention with an article inserted after article 2 under the lettered
    # number of a text drafted in Russian ("2 А бабы", cited "2 А бабында"), and its closing
    # formula, the date in words, after the signature table.
    "inserted_articles.txt": {
        "title": "Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттердің шекара маңындағы аумақтарында "
        "төтенше жағдайлардың алдын алу саласындағы өзара іс-қимыл туралы КЕЛІСІМ",
        "draft": False,
        "approval": None,
        "signed": {"date": "2018-03-15", "place": "Минск"},
        "closing": {"date": "2018-03-15", "place": "Минск", "originals": 1, "languages": ("ru",),
                    "depositary": "Тәуелсіз Мемлекеттер Достастығының Атқарушы комитеті"},
        "articles": ["1", "2", "2А", "3", "4"],
        "headings": {"1": None, "2": None, "2А": None, "3": None, "4": None},
        "implicit": [],
        "paragraphs": {"2": [(None, ["1", "2", "3"])], "2А": [("1", []), ("2", [])]},
        "text_ends": {"4": "30 күн өткен соң күшіне енеді."},
        "internal_refs": [("2", "2А", None), ("3", "2А", "2")],
        "signatures": 2,
        "annexes": [],
        "warnings": {"absent": ["article-number-skip", "article-number-order", "implicit-article"]},
    },
    # A ratification law before the agreement; its annexes after the signatures, each header
    # naming the act on the same line ("… келісімге 1-қосымша", "Келісімге қосымша № 2").
    "ratification_annexes.txt": {
        "title": "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ ҮКІМЕТІ МЕН ҚЫРҒЫЗ РЕСПУБЛИКАСЫНЫҢ ҮКІМЕТІ АРАСЫНДАҒЫ "
        "ВЕТЕРИНАРИЯ САЛАСЫНДАҒЫ ЫНТЫМАҚТАСТЫҚ ТУРАЛЫ КЕЛІСІМ",
        "draft": False,
        "signed": {"date": "2021-05-14", "place": "Бішкек"},
        "articles": ["1", "2", "3"],
        "headings": {"1": None, "2": None, "3": None},
        "implicit": [],
        "annexes": [("1", "Ынтымақтастық тәртібі"), ("2", "Ақпарат беру нысаны")],
    },
    # The text export of the treaty that html_page.html serves as a page; its annex is a table.
    "html_page.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Беларусь Республикасының Үкіметі арасындағы заңсыз "
        "көші-қонға қарсы іс-қимыл саласындағы ынтымақтастық туралы КЕЛІСІМ",
        "draft": False,
        "approval": {"type": "қаулы", "number": "1011", "date": "2019-12-30", "action": "approves", "signed_by": "А. Мамин"},
        "signed": {"date": "2018-11-29", "place": "Минск"},
        "parties": (KZ_GOV, "Беларусь Республикасының Үкіметі"),
        "closing": {"date": "2018-11-29", "place": "Минск", "originals": 2, "languages": ("kk", "ru")},
        "articles": ["1", "2", "3", "4"],
        "headings": {"1": "Ұғымдар", "2": "Ынтымақтастық нысандары", "3": "Ақпаратты қорғау", "4": "Қорытынды ережелер"},
        "implicit": [],
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "2": [("1", ["1", "2", "3"]), ("2", [])],
            "4": [("1", []), ("2", [])],
        },
        "preamble_len": 4,
        "text_ends": {"4": "6 (алты) ай өткен соң қолданылуын тоқтатады."},
        "annexes": [("1", "Құзыретті органдардың тізбесі")],
        "tables": {
            "1": [
                [("Тарап", "Құзыретті орган"),
                 ("Қазақстан Тарапынан", "Қазақстан Республикасы Ішкі істер министрлігінің Көші-қон қызметі комитеті"),
                 ("Беларусь Тарапынан", "Беларусь Республикасы Ішкі істер министрлігінің Азаматтық және көші-қон департаменті")],
            ],
        },
    },
    # One paragraph a line, no indentation, no blank lines (the flat export).
    "layout_flat.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Түркия Республикасының Үкіметі арасындағы туризм "
        "саласындағы ынтымақтастық туралы келісім",
        "draft": False,
        "approval": {"type": "қаулы", "number": "12", "date": "2022-01-18", "action": "approves", "signed_by": "Ә. Смайылов"},
        "signed": {"date": "2021-08-24", "place": "Анкара"},
        "parties": (KZ_GOV, "Түркия Республикасының Үкіметі"),
        "preamble_len": 5,
        "closing": {"date": "2021-08-24", "place": "Анкара", "originals": 2, "languages": ("kk", "tr", "en"), "prevailing": "en"},
        "articles": ["1", "2", "3", "4", "5", "6"],
        "headings": {
            "1": "Ұғымдар", "2": "Ынтымақтастық бағыттары", "3": "Құзыретті органдар",
            "4": "Бірлескен жұмыс тобы", "5": "Дауларды шешу", "6": "Күшіне енуі және қолданылуын тоқтату",
        },
        "implicit": [],
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "2": [("1", ["1", "2", "3", "4"]), ("2", [])],
            "4": [("1", []), ("2", []), ("3", [])],
        },
        "text_ends": {"6": "келесі бесжылдық кезеңдерге автоматты түрде ұзартылады."},
        "signatures": 2,
        "annexes": [],
    },
    # Hard-wrapped at 80 columns, 6-space paragraph indentation, trailing spaces, compounds
    # split at their hyphen ("ғылыми-" / "техникалық"), a page break inside a sentence.
    "layout_wrapped80.txt": {
        "title": "Қазақстан Республикасының Үкіметі мен Тәжікстан Республикасының Үкіметі арасындағы "
        "ғылыми-техникалық ынтымақтастық туралы келісім",
        "draft": False,
        "approval": {"type": "қаулы", "number": "96", "date": "2018-03-05", "action": "approves", "signed_by": "Б. Сағынтаев"},
        "signed": {"date": "2017-10-12", "place": "Душанбе"},
        "parties": (KZ_GOV, "Тәжікстан Республикасының Үкіметі"),
        "preamble_len": 4,
        "closing": {"date": "2017-10-12", "place": "Душанбе", "originals": 2, "languages": ("kk", "tg", "ru"), "prevailing": "ru"},
        "articles": ["1", "2", "3", "4", "5", "6"],
        "headings": {
            "1": "Келісімнің мақсаты", "2": "Ынтымақтастық нысандары", "3": "Құзыретті органдар",
            "4": "Зияткерлік меншік құқықтарын қорғау", "5": "Қаржыландыру", "6": "Қорытынды ережелер",
        },
        "implicit": [],
        "paragraphs": {
            "2": [("1", ["1", "2", "3", "4"]), ("2", [])],
            "6": [("1", []), ("2", []), ("3", [])],
        },
        "text_ends": {"6": "бірлескен жобалар мен бағдарламалардың орындалуына әсер етпейді."},
        "text_starts": {
            "1": "Тараптар теңдік және өзара тиімділік негізінде Тараптар мемлекеттерінің ғылыми ұйымдары",
            "4": "Осы Келісім шеңберіндегі бірлескен қызмет нәтижесінде алынған немесе берілген зияткерлік "
            "меншік объектілеріне құқықтарды қорғау және бөлу Тараптар мемлекеттерінің заңнамаларына",
        },
        "annexes": [],
    },
    # Real Windows-1251 bytes, Kazakh letters substituted as legacy files did (see the module
    # docstring). Facts that do not depend on how the letters are spelled.
    "cp1251_legacy.txt": {
        "encoding": "cp1251",
        "title_contains": "гидрометеорология саласындагы ынтымактастык туралы КЕЛІСІМ",
        "draft": False,
        "approval": {"number": "1051", "date": "2004-10-12"},
        "signed": {"date": "2004-01-09", "place": "Астана"},
        "parties": 2,
        "closing": {"originals": 2, "languages": ("kk", "ru")},
        "articles": ["1", "2", "3", "4", "5", "6"],
        "implicit": [],
        "paragraphs": {
            "1": [(None, ["1", "2", "3"])],
            "2": [("1", []), ("2", [])],
            "6": [("1", []), ("2", [])],
        },
        "text_ends": {"6": "келесі бесжылдык кезендерге автоматты турде узартылады."},
        "annexes": [],
    },
}

# The HTML page is the same treaty as html_page.txt: every fact of the text holds for it.
EXPECTED["html_page.html"] = {**EXPECTED["html_page.txt"], "encoding_contains": "html"}


# --- the checks, one per fact ------------------------------------------------------------

def _fields(obj: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in wanted}


def _article(t: Treaty, num: str) -> Any:
    found = [a for a in t.articles if a.num == num]
    assert found, f"no article {num}; articles are {[a.num for a in t.articles]}"
    return found[0]


def _target(target: Any) -> str | None:
    """"7.2" for article 7 paragraph 2, "annex 1", "5-1": a target as the table writes it."""
    if target is None:
        return None
    if target.annex:
        return f"annex {target.annex}"
    return ".".join(x for x in (target.article, target.paragraph, target.point) if x)


def check(t: Treaty, fact: str, want: Any) -> None:
    if fact == "title":
        assert t.title == want
    elif fact == "title_contains":
        assert want in t.title
    elif fact == "draft":
        assert t.draft is want
    elif fact == "encoding":
        assert t.encoding == want
    elif fact == "encoding_contains":
        assert want in t.encoding
    elif fact == "approval":
        if want is None:
            assert t.approval is None
        else:
            assert t.approval is not None, "no approving act found"
            assert _fields(t.approval, want) == want
    elif fact == "signed":
        if want is None:
            assert t.signed is None or (t.signed.date is None and t.signed.place is None)
        else:
            assert t.signed is not None, "no signing date or place found"
            assert _fields(t.signed, want) == want
    elif fact == "parties":
        if isinstance(want, int):
            assert len(t.parties) == want, t.parties
        else:
            assert t.parties == want
    elif fact == "preamble_len":
        assert [a.text for a in t.preamble] and len(t.preamble) == want, [a.text for a in t.preamble]
    elif fact == "closing":
        assert t.closing is not None, "no closing formula found"
        assert _fields(t.closing, want) == want
    elif fact == "depositary":
        assert t.depositary == want
    elif fact == "articles":
        assert [a.num for a in t.articles] == want
    elif fact == "headings":
        assert {a.num: a.heading for a in t.articles} == want
    elif fact == "implicit":
        assert sorted(a.num for a in t.articles if a.implicit) == want
    elif fact == "paragraphs":
        for num, paragraphs in want.items():
            got = [(p.num, [pt.num for pt in p.points]) for p in _article(t, num).paragraphs]
            assert got == paragraphs, f"article {num}"
    elif fact == "body":  # the paragraphs of a text without articles
        assert [(p.num, [pt.num for pt in p.points]) for p in t.paragraphs] == want
    elif fact == "body_text":
        assert [a.text for p in t.paragraphs for a in sorted(p.alineas, key=lambda a: a.span.start)][: len(want)] == want
    elif fact == "external_dates":
        assert [r.date for r in t.references if r.kind == "external"] == want
    elif fact == "paragraph_nums":
        for num, nums in want.items():
            assert [p.num for p in _article(t, num).paragraphs] == nums, f"article {num}"
    elif fact == "text_starts":
        for num, prefix in want.items():
            text = _article(t, num).text
            assert text.startswith(prefix), f"article {num}: {text[:120]!r}"
    elif fact == "text_ends":
        for num, suffix in want.items():
            text = _article(t, num).text
            assert text.endswith(suffix), f"article {num}: {text[-200:]!r}"
    elif fact == "divisions":
        assert [(d.kind, d.num, d.heading, d.articles) for d in t.divisions] == want
    elif fact == "placement":
        assert {num: (_article(t, num).chapter, _article(t, num).section) for num in want} == want
    elif fact == "annexes":
        assert [(x.num, x.title) for x in t.annexes] == want
    elif fact == "annex_captions":
        assert {x.num: x.caption for x in t.annexes} == want
    elif fact == "annex_texts":
        for num, (first, last) in want.items():
            annex = [x for x in t.annexes if x.num == num]
            assert annex, f"no annex {num}"
            assert annex[0].text.startswith(first) and annex[0].text.endswith(last), annex[0].text
    elif fact == "tables":
        for num, tables in want.items():
            annex = [x for x in t.annexes if x.num == num]
            assert annex, f"no annex {num}"
            assert [[tuple(row) for row in table.rows] for table in annex[0].tables] == tables
    elif fact == "amends":
        assert t.amends is not None and (t.amends.title, t.amends.date) == want
    elif fact == "amendments":  # (article, point, action, target, new text's first line)
        got = [(a.source.article, a.source.point, a.action, _target(a.target), a.new_text.split("\n")[0] if a.new_text else None)
               for a in t.amendments]
        assert got == want
    elif fact == "internal_refs":
        assert [(r.source.article, r.to.article, r.to.paragraph) for r in t.references if r.kind == "internal" and r.to] == want
    elif fact == "signatures":
        assert len(t.signatures) == want, [s.text for s in t.signatures]
    elif fact == "warnings":
        codes = [w.code for w in t.warnings]
        for code in want.get("present", ()):
            assert code in codes, codes
        for code in want.get("absent", ()):
            assert code not in codes, codes
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown fact {fact}")


CASES = [(name, fact) for name, facts in EXPECTED.items() for fact in facts]


@pytest.mark.parametrize(("name", "fact"), CASES, ids=[f"{n.rsplit('.', 1)[0]}.{n.rsplit('.', 1)[1]}-{f}" for n, f in CASES])
def test_shape(name: str, fact: str) -> None:
    check(parsed(name), fact, EXPECTED[name][fact])


def test_every_fixture_is_in_the_table() -> None:
    on_disk = {p.name for p in SHAPES.iterdir() if p.suffix in (".txt", ".html") and ".logical." not in p.name}
    assert on_disk == set(EXPECTED)


def test_skipped_number_is_not_invented() -> None:
    t = parsed("implicit_skip_draft.txt")
    skips = [w for w in t.warnings if w.code == "article-number-skip"]
    assert len(skips) == 1 and "5" in skips[0].message and "3" in skips[0].message
    assert "4" not in [a.num for a in t.articles]
    # the implicit article 1 holds the text between "… келісті:" and "2-бап", and nothing of the preamble
    first = t.articles[0]
    assert "келісті" not in first.text and first.text.rstrip().endswith("Тарап.")


def test_cp1251_fixture_is_real_cp1251_on_disk() -> None:
    data = (SHAPES / "cp1251_legacy.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "КЕЛІСІМ" in data.decode("cp1251")


# --- the same treaty in another container or encoding -------------------------------------

def shape(t: Treaty) -> dict[str, Any]:
    """Everything structural about a parse, without spans and layout-only parts."""
    return {
        "title": t.title,
        "draft": t.draft,
        "approval": None if t.approval is None else (
            t.approval.type, t.approval.number, t.approval.date, t.approval.action, t.approval.signed_by, t.approval.issuer,
        ),
        "signed": None if t.signed is None else (t.signed.date, t.signed.place),
        "parties": t.parties,
        "closing": None if t.closing is None else (
            t.closing.date, t.closing.place, t.closing.originals, t.closing.languages, t.closing.prevailing, t.closing.depositary,
        ),
        "articles": [
            (a.num, a.heading, a.implicit, a.chapter, a.section, [(p.num, [(pt.num, pt.kind) for pt in p.points]) for p in a.paragraphs])
            for a in t.articles
        ],
        "divisions": [(d.kind, d.num, d.heading, d.articles) for d in t.divisions],
        "annexes": [(x.num, x.title) for x in t.annexes],
    }


def texts(t: Treaty) -> dict[str, Any]:
    """The repaired text of every part, whitespace-normalised."""

    def norm(s: str) -> str:
        return " ".join(s.split())

    return {
        "preamble": [norm(a.text) for a in t.preamble],
        "articles": {a.num: [norm(p.text) for p in a.paragraphs] for a in t.articles},
        "points": {a.num: [norm(pt.text) for p in a.paragraphs for pt in p.points] for a in t.articles},
        "closing": norm(t.closing.text) if t.closing else None,
    }


def test_html_page_has_the_structure_of_the_text() -> None:
    assert shape(parsed("html_page.html")) == shape(parsed("html_page.txt"))


def test_html_page_has_the_texts_of_the_text() -> None:
    assert texts(parsed("html_page.html")) == texts(parsed("html_page.txt"))


def test_html_entities_are_resolved() -> None:
    t = parsed("html_page.html")
    assert "&" not in t.text and "\xa0" not in t.text
    assert any("«Еуразиялық экономикалық одақ туралы»" in a.text for a in t.preamble)
    assert "30 (отыз) күн" in _article(t, "2").text
    assert "window.dataLayer" not in t.text and "Әділет" not in t.text  # <script> and <title> are not content


def test_wrapped_file_reads_like_its_unwrapped_text() -> None:
    wrapped, logical = parsed("layout_wrapped80.txt"), parse_path(SHAPES / "layout_wrapped80.logical.txt")
    assert shape(wrapped) == shape(logical)
    assert texts(wrapped) == texts(logical)
    assert "ғылыми-техникалық әлеуетті" in wrapped.preamble[1].text
    assert "бірде-біреуі" in _article(wrapped, "6").text


def test_utf16_with_bom_and_crlf_parses_like_utf8() -> None:
    text = fixture_text("chapters_roman.txt")
    data = text.replace("\n", "\r\n").encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    t, reference = parse_bytes(data, "chapters_roman.utf16.txt"), parsed("chapters_roman.txt")
    assert t.encoding.lower().startswith("utf-16")
    assert shape(t) == shape(reference) and texts(t) == texts(reference)
    assert t.text == reference.text


def test_utf8_with_bom_parses_like_utf8() -> None:
    data = b"\xef\xbb\xbf" + fixture_text("chapters_numbered.txt").encode("utf-8")
    t, reference = parse_bytes(data, "chapters_numbered.bom.txt"), parsed("chapters_numbered.txt")
    assert "utf-8" in t.encoding.lower()
    assert shape(t) == shape(reference) and texts(t) == texts(reference)
    assert t.text == reference.text and not t.text.startswith("\ufeff")


@pytest.mark.parametrize("name", ["chapters_roman.txt", "protocol.txt", "implicit_skip_draft.txt"])
def test_cp1251_decodes_like_utf8(name: str) -> None:
    """The same legacy-spelled text as Windows-1251 bytes and as UTF-8 bytes: one parse."""
    legacy = fixture_text(name).translate(LEGACY_CP1251)
    as_cp1251 = parse_bytes(legacy.encode("cp1251"), name + ".cp1251")
    as_utf8 = parse_bytes(legacy.encode("utf-8"), name + ".utf8")
    assert as_cp1251.encoding == "cp1251"
    assert as_cp1251.text == as_utf8.text
    assert shape(as_cp1251) == shape(as_utf8)


@pytest.mark.parametrize("name", ["chapters_roman.txt", "protocol.txt", "implicit_skip_draft.txt"])
def test_legacy_spelling_keeps_the_articles(name: str) -> None:
    """A legacy cp1251 file spells "төмендегілер туралы келісті:" as "томендегілер туралы
    келісті:": the same articles (and the same implicit first article) must come out."""
    legacy = fixture_text(name).translate(LEGACY_CP1251)
    t = parse_bytes(legacy.encode("cp1251"), name + ".cp1251")
    assert [a.num for a in t.articles] == EXPECTED[name]["articles"]
    assert sorted(a.num for a in t.articles if a.implicit) == EXPECTED[name]["implicit"]


def test_kz1048_file_decodes_to_kazakh() -> None:
    """KZ-1048, the Kazakh Windows code page (Windows-1251 with the Kazakh letters in the
    Serbian/Macedonian slots): the text must come out in Kazakh letters."""
    text = fixture_text("chapters_roman.txt")
    t, reference = parse_bytes(text.encode("kz1048"), "chapters_roman.kz1048.txt"), parsed("chapters_roman.txt")
    assert t.text == reference.text
    assert shape(t) == shape(reference)


# --- DOCX ---------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def _w_paragraph(line: str) -> str:
    """One Word paragraph: the text split over two runs; column gaps as tabs; indentation
    as paragraph formatting (as Word keeps it), not as spaces."""
    stripped = line.strip()
    if not stripped:
        return "<w:p/>"
    indent = '<w:pPr><w:ind w:firstLine="709"/></w:pPr>' if line.startswith(" ") else ""
    columns = [c for c in stripped.split("   ") if c.strip()]
    runs = []
    for i, column in enumerate(columns):
        if i:
            runs.append("<w:r><w:tab/></w:r>")
        words = column.strip().split(" ")
        half = max(1, len(words) // 2)
        first, second = " ".join(words[:half]), " ".join(words[half:])
        runs.append(f'<w:r><w:t xml:space="preserve">{escape(first)}{" " if second else ""}</w:t></w:r>')
        if second:
            runs.append(f'<w:r><w:rPr><w:b/></w:rPr><w:t>{escape(second)}</w:t></w:r>')
    return f"<w:p>{indent}{''.join(runs)}</w:p>"


def _w_table(rows: list[tuple[str, ...]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def make_docx(body_xml: str) -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}<w:sectPr/></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def test_docx_parses_like_the_text() -> None:
    body = "".join(_w_paragraph(line) for line in fixture_text("protocol.txt").split("\n"))
    t, reference = parse_bytes(make_docx(body), "protocol.docx"), parsed("protocol.txt")
    assert t.encoding == "docx"
    assert shape(t) == shape(reference)
    assert texts(t) == texts(reference)


def test_docx_annex_table_is_a_table() -> None:
    """A Word table in an annex comes out as the annex's table, as the text export's does."""
    lines = fixture_text("html_page.txt").split("\n")
    cut = lines.index("Құзыретті органдардың тізбесі") + 1
    rows = EXPECTED["html_page.txt"]["tables"]["1"][0]
    body = "".join(_w_paragraph(line) for line in lines[:cut]) + _w_table(rows)
    t = parse_bytes(make_docx(body), "html_page.docx")
    check(t, "articles", ["1", "2", "3", "4"])
    check(t, "annexes", [("1", "Құзыретті органдардың тізбесі")])
    check(t, "tables", EXPECTED["html_page.txt"]["tables"])


# --- bad input ----------------------------------------------------------------------------

LETTER = """Қазақстан Республикасының Сыртқы істер министрлігі

Қырғыз Республикасының Қазақстан Республикасындағы Елшілігіне

      Қазақстан Республикасының Сыртқы істер министрлігі Қырғыз Республикасының Қазақстан Республикасындағы Елшілігіне өзінің құрметін білдіреді және Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы шекара маңындағы ынтымақтастық туралы келісімнің 8-бабына сәйкес Қазақстан Тарапы осы Келісімнің күшіне енуі үшін қажетті мемлекетішілік рәсімдерді орындағанын хабарлайды.
      Министрлік осы мүмкіндікті пайдалана отырып, Елшілікке өзінің жоғары құрметін тағы да растайды.

      Астана қаласы, 2020 жылғы 2 наурыз
"""


def _one_line_naming(exc: IngestError, name: str) -> None:
    message = str(exc)
    assert "\n" not in message and message.strip() == message
    assert name in message


@pytest.mark.parametrize("content", [b"", b"  \r\n\n\t \n"], ids=["zero-bytes", "blank"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    _one_line_naming(caught.value, "empty.txt")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    rng = random.Random(20240501)
    data = bytes(rng.randrange(256) for _ in range(8192))
    data = data[:100] + b"\x00\x00\x00\x00" + data[100:]
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    _one_line_naming(caught.value, "blob.txt")


def test_binary_without_nul_in_the_head_is_refused(tmp_path: Path) -> None:
    """Random bytes with the NULs further in: still not a text."""
    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(20000)) + b"\x00" * 64 + bytes(rng.randrange(256) for _ in range(2000))
    path = tmp_path / "noise.bin.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    _one_line_naming(caught.value, "noise.bin.txt")


def test_text_without_articles_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nota.txt"
    path.write_text(LETTER, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    _one_line_naming(caught.value, "nota.txt")


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = ("      Тараптар осы Келісімнің ережелерін сақтайды. " * 4 + "\n").encode("utf-8")
    block = line * ((1 << 20) // len(line) + 1)
    with path.open("wb") as out:
        while out.tell() < 50 * 1024 * 1024:
            out.write(block)
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        parse_path(path)
    elapsed = time.perf_counter() - started
    _one_line_naming(caught.value, "huge.txt")
    assert "too large" in str(caught.value)
    assert elapsed < 1.0, f"took {elapsed:.2f} s to refuse"


def test_huge_bytes_are_refused(tmp_path: Path) -> None:
    data = b"1-\xd0\xb1\xd0\xb0\xd0\xbf\n" * (50 * 1024 * 1024 // 9)
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, "stream.txt")
    _one_line_naming(caught.value, "stream.txt")
    assert "too large" in str(caught.value)


def test_cli_reports_the_bad_file_and_prints_the_good_one(tmp_path: Path) -> None:
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_bytes((SHAPES / "chapters_roman.txt").read_bytes())
    empty.write_bytes(b"")
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "kelisim"), "parse", str(good), str(empty)],
        cwd=REPO, capture_output=True, timeout=120,
    )
    assert result.returncode == 2, result.stderr.decode()
    err_lines = [ln for ln in result.stderr.decode("utf-8").splitlines() if ln.strip()]
    assert len(err_lines) == 1 and "empty.txt" in err_lines[0], err_lines
    assert "good.txt" not in err_lines[0]
    export = json.loads(result.stdout)
    assert len(export["treaties"]) == 1
    treaty = export["treaties"][0]
    assert treaty["source"].endswith("good.txt")
    assert treaty["title"] == EXPECTED["chapters_roman.txt"]["title"]
    assert [a["num"] for a in treaty["articles"]] == EXPECTED["chapters_roman.txt"]["articles"]


# --- closing formulas as they are printed -------------------------------------------------

@pytest.mark.parametrize(
    ("closing", "date", "place"),
    [
        ("2019 жылғы 3 қазанда Нұр-Сұлтан қаласында екі данада жасалды.", "2019-10-03", "Нұр-Сұлтан"),
        # the verb in capitals, the place in the locative without "қаласында"
        ("2017 жылғы 1 қарашада Астанада әрқайсысы қазақ және ағылшын тілдерінде екі данада ЖАСАЛДЫ.", "2017-11-01", "Астана"),
        # the day in quotes, as a form filled in by hand prints it
        ("2024 жылғы «19» сәуірде Астана қаласында екі данада жасалды.", "2024-04-19", "Астана"),
        ('2024 жылғы "7" мамырда Бішкек қаласында екі данада жасалды.', "2024-05-07", "Бішкек"),
    ],
)
def test_the_signing_date_and_place_of_a_closing_formula(closing: str, date: str, place: str) -> None:
    text = (
        "Қазақстан Республикасы мен Қырғыз Республикасы арасындағы ынтымақтастық туралы КЕЛІСІМ\n\n"
        "      төмендегілер туралы келісті:\n\n1-бап\n\n      Тараптар ынтымақтасады.\n\n"
        f"      {closing}\n\n      Қазақстан Республикасы үшін      Қырғыз Республикасы үшін\n"
    )
    treaty = parse_bytes(text.encode("utf-8"), "closing.txt")
    assert treaty.signed is not None and (treaty.signed.date, treaty.signed.place) == (date, place)


NESTED = """Қазақстан Республикасының Үкіметі мен Қырғыз Республикасының Үкіметі арасындағы сауда туралы
КЕЛІСІМ

Тараптар төмендегілер туралы келісті:

1-тарау. Жалпы ережелер

1-бап Мақсат

      Осы Келісім сауданы дамытуға бағытталған.

2-тарау. Дауларды реттеу

1-бөлім. Инвестор мен Тарап арасындағы даулар

2-бап Рәсім

      Даулар келіссөздер арқылы шешіледі.

2-бөлім. Тараптар арасындағы даулар

3-бап Консультациялар

      Тараптар консультациялар өткізеді.

3-тарау. Қорытынды ережелер

4-бап Күшіне енуі

      Осы Келісім қол қойылған күнінен бастап күшіне енеді.
"""


def test_sections_inside_chapters_close_with_their_chapter() -> None:
    """The kind met first is the outer one: here chapters hold sections, so chapter 3
    closes section 2 and article 4 is in no section."""
    treaty = parse_bytes(NESTED.encode("utf-8"), "nested.txt")
    divisions = [(d.kind, d.num, d.articles) for d in treaty.divisions]
    assert divisions == [
        ("chapter", "1", ("1",)), ("chapter", "2", ("2", "3")), ("section", "1", ("2",)),
        ("section", "2", ("3",)), ("chapter", "3", ("4",)),
    ]
    assert [(a.num, a.chapter, a.section) for a in treaty.articles] == [
        ("1", "1", None), ("2", "2", "1"), ("3", "2", "2"), ("4", "3", None),
    ]
