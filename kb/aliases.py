"""Recognise a treaty named in a query ("ТМД … келісімі бойынша", "соглашение ОДКБ",
"the Kazakhstan-Turkmenistan agreement").

A lawyer names a treaty by its organisation or its other party, in whichever language
the question is in. Each treaty's own names come from its text (the organisation in
its title, its parties, the initials of those names: "Тәуелсіз Мемлекеттер Достастығы"
→ "ТМД"); the gazetteer below adds what the text cannot give, the Russian and English
names of the same organisations and states. Names every treaty shares (Kazakhstan, a
party to all of them) say nothing and are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.model import Treaty

# Kazakh name (as the treaties print it, or its initials) → the other names of the
# same organisation or state. A fact table, like a dictionary, not tuned to queries.
GAZETTEER: dict[str, tuple[str, ...]] = {
    "тмд": ("тәуелсіз мемлекеттер достастығы", "снг", "содружество независимых государств", "cis", "commonwealth of independent states"),
    "ұқшұ": ("ұжымдық қауіпсіздік туралы шарт ұйымы", "одкб", "организация договора о коллективной безопасности", "csto", "collective security treaty organization"),
    "еуразэқ": ("еуразиялық экономикалық қоғамдастық", "евразэс", "евразийское экономическое сообщество", "eurasec", "eurasian economic community"),
    "еаэо": ("еуразиялық экономикалық одақ", "еаэс", "евразийский экономический союз", "eaeu", "eurasian economic union"),
    "шыұ": ("шанхай ынтымақтастық ұйымы", "шос", "шанхайская организация сотрудничества", "sco", "shanghai cooperation organisation"),
    "оаөаүо": ("орталық азия өңірлік ақпараттық үйлестіру орталығы", "царикц", "центрально-азиатский региональный информационный координационный центр", "caricc", "central asian regional information and coordination centre", "central asian drug information centre"),
    "бұұ": ("біріккен ұлттар ұйымы", "оон", "организация объединенных наций", "un", "united nations"),
    "түрікменстан": ("туркменистан", "turkmenistan", "түркіменстан"),
    "ресей": ("россия", "российская федерация", "russia", "russian federation"),
    "қытай": ("китай", "кнр", "china"),
    "өзбекстан": ("узбекистан", "uzbekistan"),
    "қырғыз": ("кыргыз", "киргиз", "кыргызстан", "киргизия", "kyrgyz", "kyrgyzstan"),
    "тәжікстан": ("таджикистан", "tajikistan"),
    "әзербайжан": ("азербайджан", "azerbaijan"),
    "армения": ("армения", "armenia"),
    "беларусь": ("беларусь", "белоруссия", "belarus"),
    "түркия": ("турция", "turkey", "türkiye"),
    "украина": ("украина", "ukraine"),
    "моңғолия": ("монголия", "mongolia"),
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
HOME = {"қазақстан", "казахстан", "kazakhstan"}
"""Kazakhstan is a party to every treaty of this knowledge base: naming it names none."""
_STOP = {"туралы", "шеңберінде", "саласындағы", "мүше", "мемлекеттердің", "мемлекеттер", "және", "мен", "арасындағы", "үкіметі", "үкіметтері", "республикасы", "республикасының"}


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("ё", "е")))


def _initials(name: str) -> str:
    """"Тәуелсіз Мемлекеттер Достастығы" → "тмд"; the function words of a name are not
    in its initials ("Ұжымдық қауіпсіздік туралы шарт ұйымы" → "ұқшұ")."""
    words = [w for w in _WORD.findall(name) if w.lower() not in {"туралы", "және", "мен", "бойынша"}]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def treaty_names(treaty: Treaty) -> set[str]:
    """The names a treaty goes by: its parties, the organisation in its title, their
    initials, and the gazetteer's names for any of these."""
    names: set[str] = set()
    for party in treaty.parties:
        # a state party is named by its country: "Түрікменстан Үкіметі" → "түрікменстан"
        state = re.match(r"^(?P<name>[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+)(?:\s+[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+)?\s+(?:Үкіметі|Республикасы|Федерациясы|Корольдігі)", party)
        if state and state.group("name").lower() not in HOME:
            names.add(_stem(state.group("name").lower()))
    title = treaty.title
    for match in re.finditer(r"(?:[А-ЯӘҒҚҢӨҰҮҺІ][\w-]*\s+)(?:[\w-]+\s+){0,5}?(?i:достастығ\w*|достастық\w*|ұйым\w*|қоғамдастығ\w*|қоғамдастық\w*|одағ\w*|орталығ\w*)", title):
        phrase = match.group(0)
        names.add(_norm(phrase))
        if initials := _initials(phrase):
            names.add(initials)
    for abbreviation in re.findall(r"\b[А-ЯӘҒҚҢӨҰҮҺІ]{2,6}\b", title + " " + " ".join(a.text for a in treaty.preamble[:2])):
        if not _is_word(abbreviation.lower()):  # "КЕЛІСІМ" is a word in capitals, not initials
            names.add(abbreviation.lower())
    for key, others in GAZETTEER.items():
        key_forms = {key, *(o for o in others if _is_kazakh(o))}
        if any(_covers(form, names) for form in key_forms):
            names.update({key, *others})
    return {n for n in names if n}


def _is_word(text: str) -> bool:
    from ingest.kk.morphology import is_known

    return is_known(text)


def _is_kazakh(text: str) -> bool:
    return bool(re.search("[әғқңөұүһі]", text))


def _covers(form: str, names: set[str]) -> bool:
    return any(form == n or (len(form) > 5 and (n.startswith(form) or form.startswith(n))) for n in names)


def _stem(word: str) -> str:
    from ingest.kk.morphology import lemma

    return lemma(word)


class TreatyNames:
    """The names of the treaties of a knowledge base, minus those all of them share."""

    def __init__(self, treaties: Iterable[Treaty]) -> None:
        per_treaty = {t.id: treaty_names(t) for t in treaties}
        counts: dict[str, int] = {}
        for names in per_treaty.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        shared = {n for n, c in counts.items() if len(per_treaty) > 1 and c > len(per_treaty) / 2}
        self.names: dict[str, set[str]] = {tid: names - shared for tid, names in per_treaty.items()}

    @classmethod
    def stored(cls, names: dict[str, set[str]]) -> TreatyNames:
        """The names as a build computed and stored them (the ``treaty_names`` table,
        ``kb.schema.insert_treaty_names``)."""
        out = cls(())
        out.names = names
        return out

    def mentioned(self, query: str) -> set[str]:
        """The treaties a query names. A name matches a word of the query at its start,
        so "Туркменистаном", "ТМД-ның", "ОДКБ" all count."""
        text = _norm(query)
        words = text.split()
        found = set()
        for tid, names in self.names.items():
            for name in names:
                if " " in name:
                    if name in text:
                        found.add(tid)
                        break
                elif any(w == name or (len(name) >= 5 and w.startswith(name)) or (len(w) >= 5 and name.startswith(w) and len(name) - len(w) <= 3) for w in words):
                    found.add(tid)
                    break
        return found


def detect_language(query: str) -> str:
    """"kk", "ru" or "en": Latin script is English; Cyrillic with a letter only Kazakh
    uses (ә ғ қ ң ө ұ ү һ і) is Kazakh; other Cyrillic is Russian."""
    letters = [c for c in query if c.isalpha()]
    if not letters:
        return "kk"
    latin = sum(1 for c in letters if c.isascii())
    if latin > len(letters) / 2:
        return "en"
    return "kk" if re.search("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]", query) else "ru"

