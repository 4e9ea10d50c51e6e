"""Time limits of a provision: "30 күннен кешіктірмей" → 30 day, "дереу" → immediate.

A deadline is a number, a unit and a word that makes the span a limit:

- "N күннен/айдан кешіктірмей (кешіктірілмей)" — no later than N days/months;
- "N күн/ай/жыл ішінде" — within N …;
- "(кемінде) N ай бұрын" — (at least) N months before;
- "N күннен аспайтын мерзімде" — within a term of no more than N days;
- "N күнге дейін" — up to N days.

The number is printed in digits, in words ("алты", "жиырма бес") or both ("30 (отыз)",
"1 (бір айдан)"); when both are printed the digits win, as the words are the legal
repetition of the figure and OCR damages words more than digits. The unit may stand
inside the parenthesis ("1 (бір айдан) кешіктірілмей").

A span with a number and a unit but no limiting word ("30 күн өткен соң" — a delay
after which something takes effect, "2017 жылғы" — a date) is not a deadline.

Without a number:

- "дереу", "кідіріссіз" (without delay) → immediate (value None, ``immediate`` true);
- "мүмкіндігінше қысқа мерзімде" (as soon as possible) is kept as a deadline with no
  value and ``immediate`` false: the text asks for promptness but sets no term, and
  calling it "immediate" would overstate it. A numbered limit in the same sentence
  ("мүмкіндігінше қысқа мерзімде, бірақ 30 күннен кешіктірмей") is the binding one
  and wins.
"""

from __future__ import annotations

import re

from ingest.kk.lex_attrs import number_value
from ingest.model import Deadline
from ingest.patterns import kk_re

_NUMWORD = (
    r"(?:бір|екі|үш|төрт|бес|алты|жеті|сегіз|тоғыз|он|жиырма|отыз|қырық|елу|алпыс"
    r"|жетпіс|сексен|тоқсан|жүз)"
)
# the unit with the endings a term takes: bare, ablative (-нан), dative (-ға),
# possessive (-ы), genitive, and "-лық" ("үш айлық мерзімде")
_UNIT = (
    r"(?P<unit>күн|ай|жыл)(?:нен|ден|нан|дан|ге|ға|нің|дың|дің|лық|лік|дық|дік|ы|і)?"
)
# what makes a number of days a limit (after the unit)
_CUE = (
    r"(?:кешіктірмей|кешіктірілмей|кешіктірмейтін|кешіктірілмейтін|ішінде|ішіндегі|бұрын"
    r"|аспайтын|аспай|асырмай|дейін|дейінгі|мерзімде|мерзім\s+ішінде)"
)
_PAREN = r"(?:\(\s*(?P<paren>[^()]{1,40}?)\s*\)\s*)?"

DIGITS_DEADLINE = kk_re(
    rf"(?<![\w.-])(?P<digits>\d{{1,4}})\s*{_PAREN}(?:(?:күнтізбелік\s+)?{_UNIT}\s+)?(?:[^\W\d_]+\s+){{0,1}}?{_CUE}(?!\w)",
    re.IGNORECASE,
)
WORDS_DEADLINE = kk_re(
    rf"(?<![\w-])(?P<words>(?:{_NUMWORD}\s+){{0,2}}{_NUMWORD})\s+{_UNIT}\s+(?:[^\W\d_]+\s+){{0,1}}?{_CUE}(?!\w)",
    re.IGNORECASE,
)
_UNIT_IN_PAREN = kk_re(rf"(?<!\w){_UNIT}(?!\w)|(?<!\w)(?P<unit2>күн|ай|жыл)\w*", re.IGNORECASE)
IMMEDIATE = kk_re(r"(?<!\w)(?:дереу|кідіріссіз|дереу\s+түрде)(?!\w)", re.IGNORECASE)
ASAP = kk_re(r"(?<!\w)мүмкіндігінше\s+(?:қысқа|тез)\s+мерзімде(?!\w)|(?<!\w)мүмкіндігінше\s+тез(?!\w)", re.IGNORECASE)

_UNITS = {"күн": "day", "кун": "day", "ай": "month", "жыл": "year"}


def _unit(word: str | None) -> str | None:
    if not word:
        return None
    return _UNITS.get(word.lower())


def _paren_unit(paren: str | None) -> str | None:
    if not paren:
        return None
    m = _UNIT_IN_PAREN.search(paren)
    if not m:
        return None
    return _unit(m.group("unit") or m.group("unit2"))


def numbered_deadlines(text: str) -> list[tuple[int, Deadline]]:
    """Every numbered limit of a text, with where it starts."""
    found: list[tuple[int, Deadline]] = []
    for m in DIGITS_DEADLINE.finditer(text):
        unit = _unit(m.group("unit")) or _paren_unit(m.group("paren"))
        if unit is None:
            continue
        value = int(m.group("digits"))
        found.append((m.start(), Deadline(value=value, unit=unit, text=m.group(0))))
    taken = [(s, s + len(d.text)) for s, d in found]
    for m in WORDS_DEADLINE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = number_value(" ".join(m.group("words").split()))
        unit = _unit(m.group("unit"))
        if value is None or unit is None:
            continue
        found.append((m.start(), Deadline(value=value, unit=unit, text=m.group(0))))
    found.sort(key=lambda item: item[0])
    return found


def find_deadline(text: str) -> Deadline | None:
    """The time limit a provision sets, or None.

    A numbered limit wins over "дереу" (immediate), which wins over "мүмкіндігінше
    қысқа мерзімде" (as soon as possible: no value, not immediate)."""
    if not text:
        return None
    numbered = numbered_deadlines(text)
    if numbered:
        return numbered[0][1]
    m = IMMEDIATE.search(text)
    if m:
        return Deadline(value=None, unit=None, text=m.group(0), immediate=True)
    m = ASAP.search(text)
    if m:
        return Deadline(value=None, unit=None, text=m.group(0), immediate=False)
    return None


__all__ = ["find_deadline", "numbered_deadlines"]
