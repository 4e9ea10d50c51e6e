"""Tokens the affix rules must not split: abbreviations, initials, "№№".

An abbreviation keeps its full stop ("2017 ж.", "т.б.") so that the sentencizer,
which breaks after a "." token, does not end a sentence inside "2017 ж. 18 сәуірде";
an initial does the same for "Б. Сағынтаев". NORM gives the full word, so that
searches and the lemmatizer see "жыл" for "ж.".

Hyphenated words ("16-бап", "ҰҚШҰ-ға", "іс-қимыл") need no exception: the infix
rules (``ingest.kk.punctuation``) never split at a hyphen.
"""

from __future__ import annotations

from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS, emoticons
from spacy.symbols import NORM, ORTH
from spacy.util import update_exc

from ingest.kk.char_classes import KAZAKH_UPPER

# Abbreviations of running text, each with the word it stands for.
_ABBREVIATIONS = {
    "ж.": "жыл",
    "жж.": "жылдар",
    "ғ.": "ғасыр",
    "ғғ.": "ғасырлар",
    "т.б.": "тағы басқа",
    "т.с.с.": "тағы сол сияқты",
    "т.т.": "тағы тағы",
    "б.з.б.": "біздің заманымызға дейін",
    "б.з.": "біздің заманымыз",
    "б.": "бет",
    "бб.": "беттер",
    "мыс.": "мысалы",
    "қ.": "қала",
    "обл.": "облыс",
    "ауд.": "аудан",
    "көш.": "көшесі",
    "тарм.": "тармақ",
    "тармақш.": "тармақша",
    "абз.": "абзац",
    "сағ.": "сағат",
    "қар.": "қараңыз",
    "ескерт.": "ескерту",
    "проф.": "профессор",
    "акад.": "академик",
    "доц.": "доцент",
    "млн": "миллион",
    "млн.": "миллион",
    "млрд": "миллиард",
    "млрд.": "миллиард",
    "трлн": "триллион",
    "трлн.": "триллион",
    "тг.": "теңге",
}

# Kept whole without a NORM: abbreviations whose expansion varies with the text.
_KEPT_WHOLE: list[str] = []

# Acronyms worth a NORM; any acronym is one token anyway.
_ACRONYMS = {
    "ҚР": "Қазақстан Республикасы",
    "ТМД": "Тәуелсіз Мемлекеттер Достастығы",
    "ҰҚШҰ": "Ұжымдық қауіпсіздік туралы шарт ұйымы",
    "БҰҰ": "Біріккен Ұлттар Ұйымы",
    "ЕАЭО": "Еуразиялық экономикалық одақ",
    "ШЫҰ": "Шанхай ынтымақтастық ұйымы",
    "№№": "№",
}

_exc: dict[str, list[dict[int, str]]] = {}

for _orth, _norm in _ABBREVIATIONS.items():
    # "Ж." is an initial (below); the capitalised forms here start a sentence: "Т.б."
    for _form in {_orth, _orth[0].upper() + _orth[1:]}:
        if len(_form) > 2 or _form.islower():
            _exc[_form] = [{ORTH: _form, NORM: _norm}]

for _orth in _KEPT_WHOLE:
    _exc[_orth] = [{ORTH: _orth}]

for _orth, _norm in _ACRONYMS.items():
    _exc[_orth] = [{ORTH: _orth, NORM: _norm}]

# Initials: "Б. Сағынтаев", "К. Мәсімов". A capital and its dot is never a sentence
# end in these texts (the suffix rules would keep it whole too; the exception says so).
for _letter in KAZAKH_UPPER:
    if _letter not in "ЪЬЫ":
        _exc[_letter + "."] = [{ORTH: _letter + "."}]

# spaCy's shared exceptions less its emoticons: treaties have none, and "8)" or "(:"
# there are a subparagraph marker and a bracket before a colon, not a smiley
# ("8)" whole but "9)" split would make list markers inconsistent).
_BASE = {orth: tokens for orth, tokens in BASE_EXCEPTIONS.items() if orth not in emoticons}

TOKENIZER_EXCEPTIONS = update_exc(_BASE, _exc)

__all__ = ["TOKENIZER_EXCEPTIONS"]
