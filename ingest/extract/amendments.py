"""Amending instruments: the act they amend and what each of their items does to it.

A protocol "… 1993 жылғы 23 желтоқсандағы келісімге өзгерістер енгізу туралы хаттама",
an agreement "… келісімге өзгерістер мен толықтырулар енгізу туралы", a letter "…
Қарыз туралы келісімге түзетуге қатысты" amends another act; its title says which, in
the dative before "өзгеріс", "толықтыру", "түзету" or "өзгерту". The act is the one the
instrument cites: dated in the title itself, else the dated act cited in its text whose
title ends with the title's name for it ("Қарыз туралы келісім"). The short names it
is given ("(бұдан әрі – Келісім)") are how the items name it.

An amendment item is a provision with an amending verb (``ingest.patterns.AMENDING_VERB``):
"5-бап мынадай редакцияда жазылсын:" (replacement), "мынадай мазмұндағы 5-1-баппен
толықтырылсын:" (insertion of a new part: the part in the instrumental case is the new
one), "… "бір жыл" деген сөздер "екі жыл" деген сөздермен ауыстырылсын" (substitution),
"12-бап алып тасталсын" (repeal). The text it quotes (on its own line after the colon,
or over the lines up to the closing quotation mark) is the amended act's text: the
structure step keeps it inside the item's article (``ingest.body.quoted_lines``), and
here it is the item's ``new_text``. The parts an item and its quoted text name are the
amended act's parts, so ``find_references`` records them as external references to it.
"""

from __future__ import annotations

import re

from ingest.extract._text import Unit, units
from ingest.extract.references import (
    AmendedAct,
    cited_acts,
    head_nominative,
    part_chains,
)
from ingest.model import (
    Amendment,
    AmendmentAction,
    Place,
    Reference,
    Span,
    Target,
    Treaty,
)
from ingest.patterns import (
    AMENDING_VERB,
    KkPattern,
    amendment_colon,
    fold,
    kk_re,
    quotation_length,
)

# the act amended, in the title: "… келісімге өзгерістер енгізу туралы", "… келісімге түзетуге
# қатысты", "… Келісімді өзгерту туралы"
_AMENDED_IN_TITLE = kk_re(
    r"(?P<noun>[^\s()]+?(?:ге|ға|ке|қа|ні|ны|ді|ды|ті|ты|нің|ның|дің|дың|тің|тың))\s+"
    r"(?:(?:мынадай|бірқатар|№\s*\d+|\d+|[«\"][^»\"]*[»\"])\s+)*(?:өзгеріс|толықтыру|түзету|өзгерт)",
    re.IGNORECASE,
)
_NAME_START = re.compile(r"[.;:()\n]")
_ALIAS = kk_re(r"^\s*\(\s*бұдан\s+әрі\s*[-–—]?\s*(?P<alias>[^()]{1,80}?)\s*\)", re.IGNORECASE)
_QUOTED_WORDS = kk_re(
    r"[«\"“](?P<words>[^«»\"“”\n]{1,300})[»\"”]\s+деген\s+(?:сөз|сөйлем|цифр|сан|белгі|тіркес)\w*(?:\s+(?P<after>кейін|бұрын|алдында))?",
    re.IGNORECASE,
)
_INSTRUMENTAL = ("мен", "пен", "бен")
_REPEAL = kk_re(r"(?:алып|алынып)\s+таста|күші\s+жойылды\s+деп\s+танылсын", re.IGNORECASE)
_REPLACEMENT = kk_re(r"редакцияда(?![а-яәғқңөұүһі])|баяндалсын|жазылсын", re.IGNORECASE)
_SUBSTITUTION = kk_re(r"ауыстырыл", re.IGNORECASE)
_ACTIONS: tuple[tuple[KkPattern, AmendmentAction], ...] = (
    (_REPEAL, "repeal"), (_REPLACEMENT, "replacement"), (_SUBSTITUTION, "substitution"),
)
_QUOTE_MARKS = "«»\"“”„"


def read_amendments(treaty: Treaty, references: tuple[Reference, ...]) -> tuple[AmendedAct | None, tuple[Amendment, ...]]:
    """The act ``treaty`` amends (None when it amends none) and its amendment items, in
    text order. ``references`` are the treaty's references as read without the amended
    act: the dated act its text cites is looked up among them."""
    cited = _amended_act(treaty, references)
    if cited is None:
        return None, ()
    nouns = {_noun(cited.title or "")} | {_noun(alias) for alias in _aliases(treaty, cited, references)}
    nouns.discard(None)
    found: list[Amendment] = []
    items: set[int] = set()
    quoted: set[int] = set()
    pieces = list(units(treaty))
    i = 0
    while i < len(pieces):
        unit = pieces[i]
        if AMENDING_VERB.search(unit.text) is None:
            i += 1
            continue
        colon = amendment_colon(unit.text)
        after = unit.text[colon + 1 :].strip() if colon is not None else None
        rest = [u.text for u in pieces[i + 1 :]]
        if after:  # the quotation opens on the item's own line
            run = pieces[i + 1 : i + quotation_length([after, *rest])]
        elif after == "":
            run = pieces[i + 1 : i + 1 + quotation_length(rest)]
        else:
            run = []
        found.extend(_items(treaty, unit, colon, after, run))
        if unit.start is not None:
            items.add(unit.start)
        quoted.update(u.start for u in run if u.start is not None)
        i += 1 + len(run)
    act = AmendedAct(cited=cited, nouns=frozenset(n for n in nouns if n), items=frozenset(items), quoted=frozenset(quoted))
    return act, tuple(found)


def _noun(name: str) -> str | None:
    """The head noun of an act's name, folded: "… Қарыз туралы келісім" → its fold of "келісім"."""
    words = name.split()
    head = head_nominative(words[-1].strip(",.;:»\"")) if words else None
    return fold(head.lower()) if head else None


def _amended_act(treaty: Treaty, references: tuple[Reference, ...]) -> Reference | None:
    """How the instrument cites the act its title says it amends."""
    title = treaty.title
    match = _AMENDED_IN_TITLE.search(title)
    if match is None or head_nominative(match.group("noun")) is None:
        return None
    noun_end = match.end("noun")
    offset = treaty.title_span.start if treaty.title_span else None
    for date, name, start, end in cited_acts(title):
        if end == noun_end and date is not None:  # dated in the title: "… туралы 1993 жылғы 23 желтоқсандағы келісімге"
            span = Span(offset + start, offset + end) if offset is not None else None
            return Reference(kind="external", source=Place(article=None), text=title[start:end], date=date, title=name, span=span)
    starts = [m.end() for m in _NAME_START.finditer(title, 0, match.start("noun"))]
    start = starts[-1] if starts else 0
    head = head_nominative(match.group("noun")) or match.group("noun")
    name = " ".join([*title[start : match.start("noun")].split(), head])
    key = fold(name.lower())
    for ref in references:
        if ref.kind == "external" and ref.title and fold(" ".join(ref.title.split()).lower()).endswith(key):
            return Reference(kind="external", source=Place(article=None), text=ref.text, date=ref.date, title=ref.title, span=ref.span)
    while start < noun_end and title[start].isspace():
        start += 1
    span = Span(offset + start, offset + noun_end) if offset is not None else None
    return Reference(kind="external", source=Place(article=None), text=title[start:noun_end], title=name, span=span)


def _aliases(treaty: Treaty, cited: Reference, references: tuple[Reference, ...]) -> list[str]:
    """The short names the text gives the amended act: "(бұдан әрі – Келісім)" right
    after a citation of it."""
    spans = [r.span for r in (cited, *references) if r.kind == "external" and r.span is not None
             and r.date == cited.date and r.title == cited.title]
    out = []
    for span in spans:
        alias = _ALIAS.match(treaty.text[span.end : span.end + 120])
        if alias:
            out.append(alias.group("alias"))
    return out


def _items(treaty: Treaty, unit: Unit, colon: int | None, after: str | None, run: list[Unit]) -> list[Amendment]:
    """The amendments of one item (one per part it names): its instruction up to the
    ``colon``, the quotation ``after`` it and over the ``run`` of lines it quotes."""
    instruction = unit.text if colon is None else unit.text[: colon + 1]
    quotation = "\n".join(filter(None, [after, *(u.text.strip() for u in run)]))
    action = _action(instruction)
    old_text, new_text = _quoted_words(instruction)
    if quotation:
        new_text = _unquote(quotation)
    span = None
    if unit.start is not None:
        last = run[-1] if run and run[-1].start is not None else unit
        span = Span(unit.start, (last.start or 0) + len(last.text))
    text = treaty.text[span.start : span.end] if span is not None else "\n".join([unit.text, *(u.text for u in run)])
    return [
        Amendment(action=action, source=unit.place, target=target, text=text, span=span, new_text=new_text, old_text=old_text)
        for target in _targets(_masked(instruction), action)
    ]


def _action(instruction: str) -> AmendmentAction:
    """What an item does, by its verb, the stronger first: "толықтырыла отырып, мынадай
    редакцияда жазылсын" (restated, supplemented on the way) is a replacement."""
    return next((action for pattern, action in _ACTIONS if pattern.search(instruction)), "insertion")


def _quoted_words(instruction: str) -> tuple[str | None, str | None]:
    """(old, new) words of a substitution or an insertion of words: "«бір жыл» деген
    сөздер «екі жыл» деген сөздермен": the words in the instrumental case come in,
    the others go out; words after which others come in ("… деген сөзден кейін") are
    neither."""
    old = new = None
    for m in _QUOTED_WORDS.finditer(instruction):
        if m.group("after"):
            continue
        phrase = fold(m.group(0).lower())
        if phrase.endswith(tuple(fold(e) for e in _INSTRUMENTAL)):
            new = new or m.group("words")
        else:
            old = old or m.group("words")
    return old, new


def _unquote(quotation: str) -> str:
    """The quoted text without its outer quotation marks and the item's punctuation."""
    text = quotation.strip()
    if text[:1] in _QUOTE_MARKS:
        text = text[1:]
    text = re.sub(r"[»\"”]\s*[.;,]*\s*$", "", text)
    return text.strip()


def _masked(text: str) -> str:
    """``text`` with its quoted words blanked (same length), so "«5-бап»" names no part."""
    return re.sub(r"[«\"“][^«»\"“”\n]*[»\"”]", lambda m: " " * len(m.group(0)), text)


def _targets(instruction: str, action: AmendmentAction) -> list[Target | None]:
    """The parts of the amended act an item acts on. An insertion's part in the
    instrumental case is the new part ("5-бап мынадай мазмұндағы 3-тармақпен" → article
    5, paragraph 3; "5-1-баппен" → article 5-1); otherwise the first part it names."""
    chains = list(part_chains(instruction))
    if not chains:
        return [None]
    if action == "insertion":
        for i, (_, _, targets, ending) in enumerate(chains):
            if fold(ending.lower()).endswith(tuple(fold(e) for e in _INSTRUMENTAL)):
                above = next((t[0] for _, _, t, _ in reversed(chains[:i]) if t and t[0].article), None)
                return [_under(above, t) for t in targets] or [None]
    return list(chains[0][2]) or [None]


def _under(above: Target | None, target: Target) -> Target:
    """A new paragraph or point placed in the article named before it."""
    if above is None or target.article or target.annex:
        return target
    return Target(article=above.article, paragraph=target.paragraph or above.paragraph, point=target.point)
