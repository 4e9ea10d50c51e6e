"""Recognise a treaty named in a query ("ТМД … келісімі бойынша", "соглашение ОДКБ",
"the Kazakhstan-Turkmenistan agreement").

A lawyer names a treaty by its organisation or its other party, in whichever language
the question is in, or by where and when it was signed. Each treaty's own names come
from its text (the organisation in its title, its parties, the initials of those names:
"Тәуелсіз Мемлекеттер Достастығы" → "ТМД", its signing place and year); the gazetteer
(``kb.gazetteer``: states and organisations in kk/ru/en, adjectives too) adds every
name of a state or organisation the title or the parties print, so
"соглашение с Монголией", "the Mongolian treaty" and "Моңғолиямен шарт" all find the
treaty whose title says "Монғолия". Names every treaty shares (Kazakhstan, a party to
all of them) say nothing and are dropped.

Names are compared loosely: lower case, ё as е, and the letters Kazakh adds to
Cyrillic as their nearest Russian ones (ң → н, ғ → г, қ → к, ө → о, ұ ү → у, і → и,
ә → а, һ → х), so a spelling variant ("Монғолия" for "Моңғолия") or a Russian form
("Монголия") of a Kazakh name is the same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from ingest.model import Treaty
from kb.gazetteer import ROWS as GAZETTEER_ROWS
from kb.gazetteer import names as row_names

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
HOME = {"казакстан", "казахстан", "kazakhstan", "казак", "казахский", "kazakh"}
"""Kazakhstan is a party to every treaty of this knowledge base: naming it names none."""


_LOOSE = str.maketrans("ңғқөұүіәһё", "нгкоууиахе")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().translate(_LOOSE)))


def _initials(name: str) -> str:
    """"Тәуелсіз Мемлекеттер Достастығы" → "тмд"; the function words of a name are not
    in its initials ("Ұжымдық қауіпсіздік туралы шарт ұйымы" → "ұқшұ")."""
    words = [w for w in _WORD.findall(name) if w.lower() not in {"туралы", "және", "мен", "бойынша"}]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def treaty_names(treaty: Treaty) -> set[str]:
    """The names a treaty goes by: its parties, the organisation in its title, their
    initials, its signing place and year, and every gazetteer name of a state or
    organisation its title or parties print (all ``_norm``-ed)."""
    names: set[str] = set()
    for party in treaty.parties:
        # a state party is named by its country: "Түрікменстан Үкіметі" → "түрікменстан"
        state = re.match(r"^(?P<name>[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+)(?:\s+[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+)?\s+(?:Үкіметі|Республикасы|Федерациясы|Корольдігі)", party)
        if state:  # Kazakhstan's own name goes with HOME below
            names.add(_norm(_stem(state.group("name").lower())))
    title = treaty.title
    for match in re.finditer(r"(?:[А-ЯӘҒҚҢӨҰҮҺІ][\w-]*\s+)(?:[\w-]+\s+){0,5}?(?i:достастығ\w*|достастық\w*|ұйым\w*|қоғамдастығ\w*|қоғамдастық\w*|одағ\w*|орталығ\w*)", title):
        phrase = match.group(0)
        names.add(_norm(phrase))
        if initials := _initials(phrase):
            names.add(_norm(initials))
    for abbreviation in re.findall(r"\b[А-ЯӘҒҚҢӨҰҮҺІ]{2,6}\b", title + " " + " ".join(a.text for a in treaty.preamble[:2])):
        if not _is_word(abbreviation.lower()):  # "КЕЛІСІМ" is a word in capitals, not initials
            names.add(_norm(abbreviation))
    if treaty.signed is not None:
        if treaty.signed.place:
            place = _norm(_stem(treaty.signed.place.split()[0].lower()))
            if len(place) >= 4:
                names.add(place)
        if treaty.signed.date:
            names.add(treaty.signed.date[:4])
    # the title and the parties name the partners; a letter agreement, with neither,
    # names them in its opening paragraphs. (Not the preamble: a multilateral treaty
    # lists its members there, and "the agreement with Turkmenistan" is the bilateral one.)
    opening = [p.text for p in treaty.paragraphs[:2]] if not treaty.parties and not treaty.articles else []
    printed = _norm(" ".join([title, *treaty.parties, *opening]))
    for row in GAZETTEER:
        if any(_covers(name, names) or _printed(name, printed) for name in row):
            names.update(row)
    return {n for n in names if n and n not in HOME}


GAZETTEER: tuple[tuple[str, ...], ...] = tuple(tuple(dict.fromkeys(_norm(n) for n in row_names(row))) for row in GAZETTEER_ROWS)
"""The gazetteer's rows, each name ``_norm``-ed."""


def _printed(name: str, text: str) -> bool:
    """Whether ``text`` prints ``name``: its words in order, each the start of a word of
    the text followed by at most a few letters of endings. A one-word name counts only
    from six letters: shorter ones are also common words once folded ("қатар", a row,
    is "катар"; "түрік" starts "түрікмен")."""
    pattern = _name_re(name, in_query=False)
    return pattern is not None and pattern.search(text) is not None


def _said(name: str, text: str) -> bool:
    """Whether the ``_norm``-ed query ``text`` says ``name``: its words in order, each
    the start of a query word (less its last two letters when it has seven or more,
    which Russian and Kazakh endings replace or follow); a one-word name under five
    letters, whole."""
    pattern = _name_re(name, in_query=True)
    return pattern is not None and pattern.search(text) is not None


@lru_cache(maxsize=16384)
def _name_re(name: str, *, in_query: bool) -> re.Pattern[str] | None:
    """The pattern of ``_printed`` (a treaty's text) or ``_said`` (a question) for one
    name, compiled once: a hybrid query tries every name of every treaty."""
    words = name.split()
    if not words or (not in_query and len(words) == 1 and len(words[0]) < 6):
        return None
    parts = []
    for word in words:
        if len(word) >= 5:
            parts.append(re.escape(word[: max(5, len(word) - 2)]) + r"\w*" if in_query else re.escape(word) + r"\w{0,6}")
        elif in_query and len(words) > 1:  # a short word of a longer name may take an ending ("банк" → "банка")
            parts.append(re.escape(word) + r"\w{0,3}")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<!\w)" + r"\s".join(parts) + r"(?!\w)")


def _is_word(text: str) -> bool:
    from ingest.kk.morphology import is_known

    return is_known(text)


def _is_kazakh(text: str) -> bool:
    return bool(re.search("[әғқңөұүһі]", text))


def _covers(form: str, names: set[str]) -> bool:
    return any(form == n or (len(form) > 5 and len(n) > 5 and (n.startswith(form) or form.startswith(n))) for n in names)


def _stem(word: str) -> str:
    from ingest.kk.morphology import lemma

    return lemma(word)


class TreatyNames:
    """The names of the treaties of a knowledge base, minus those all of them share."""

    def __init__(self, treaties: Iterable[Treaty], known: Mapping[str, set[str]] | None = None) -> None:
        """``known``: each treaty's own names (``treaty_names``) where a build already
        has them, so an incremental build computes only the new treaties' names; what
        all treaties share is taken out over the whole set either way."""
        known = known or {}
        per_treaty = {t.id: known[t.id] if t.id in known else treaty_names(t) for t in treaties}
        self.own = per_treaty
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
        """The treaties a query names. A name of five letters or more matches a word
        of the query at its start, its last two letters free for the query's ending
        ("Туркменистаном", "Монголией", "Всемирного банка"); a shorter one the whole
        word or its start before a hyphen ("ТМД-ның", "ОДКБ")."""
        text = _norm(query)
        found = set()
        for tid, names in self.names.items():
            if any(_said(name, text) for name in names):
                found.add(tid)
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

