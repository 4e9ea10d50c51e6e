"""The ``kk_clause_wording`` component: where a final clause's operative wording stands.

A treaty says "disputes are settled by negotiation" in many shapes: "даулар …
келіссөздер арқылы шешіледі" (passive), "Тараптар дауларды … шешеді" (active), "…
даулар мен келіспеушіліктерді … шешетін болады" (future participle). A pattern on
surface forms needs one alternative per shape, and the next treaty brings another. These
patterns are spaCy ``Matcher`` rules on the candidate lemmas the ``kk_lemmatizer`` gives
(``token._.lemmas``), so one rule covers every inflection, voice and person of its
words; ``LOWER`` is used only where the form is fixed ("денонсация…", a loanword).

A verb is named by its stem and the rule takes its voices with it (:func:`verb`):
"шеш" also matches the passive "шешіл" and the verbal noun "шешу", because Kazakh
forms them regularly (-ыл/-іл/-л, -ын/-ін/-н, -у) and the analyser may stop at any of
them.

The component writes ``doc.spans["clause_wording"]``, one span per match, labelled with
the clause id (``dispute_resolution``, ``withdrawal``, ``entry_into_force``,
``duration``, ``amendments``, ``expenses``); a match never crosses a sentence.
``ingest.extract.clauses`` reads the labels to choose the article that carries each
clause.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

SPANS_KEY = "clause_wording"
VERSIONS = (1,)

Pattern = list[dict[str, Any]]

_VOWELS = set("аәеөұүыіоуиэюя")
_VOICED = {"к": "г", "қ": "ғ", "п": "б"}
"""A stem-final voiceless stop is voiced before a vowel: шық → шығу, шығыл."""


def verb(*stems: str) -> list[str]:
    """Every lemma the analyser may give for a form of these verbs: the stem, its
    passive and reflexive stems and its verbal noun ("шеш" → шеш, шешіл, шешін, шешу;
    "ретте" → ретте, реттел, реттен, реттеу; "шық" → шық, шығыл, шығын, шығу)."""
    out: list[str] = []
    for stem in stems:
        back = any(c in "аоұы" for c in stem)
        if stem[-1] in _VOWELS:
            forms = [stem, stem + "л", stem + "н", stem + "у"]
        else:
            voiced = stem[:-1] + _VOICED.get(stem[-1], stem[-1])  # шық + у → шығу
            link = "ы" if back else "і"
            forms = [stem, voiced + link + "л", voiced + link + "н", voiced + "у"]
        out += [f for f in forms if f not in out]
    return out


def lemma(*lemmas: str, op: str | None = None) -> dict[str, Any]:
    """A token one of whose candidate lemmas is among ``lemmas``."""
    token: dict[str, Any] = {"_": {"lemmas": {"INTERSECTS": list(lemmas)}}}
    if op:
        token["OP"] = op
    return token


_VERBAL_NOUN = r"(?:у|уы|уі|уын|уін|уға|уге|уды|уді|уда|уде|удан|уден|умен|уына|уіне)$"
"""The endings of the verbal noun in -у: "дауларды реттеу" names an act (a chapter's
title, "… реттеуге қатысты қолданылады"), it does not settle anything."""

MODALS = ("тиіс", "ұмтыл", "міндетті", "мүмкін", "құқылы", "қажет")
"""What makes a verbal noun operative: "шешілуге тиіс", "шешуге ұмтылады",
"енгізілуі мүмкін"."""


def acts(*stems: str) -> list[list[dict[str, Any]]]:
    """The ways a clause's verb is operative, each a tail for a pattern: a finite form or
    a participle of the verb (by its top lemma: "шешімді" is a decision, though "I
    solved" reads the same), or its verbal noun followed by a modal."""
    lemmas = verb(*stems)
    return [
        [{"LEMMA": {"IN": lemmas}, "LOWER": {"REGEX": rf"^(?!.*{_VERBAL_NOUN})"}}],
        [{"LEMMA": {"IN": lemmas}, "LOWER": {"REGEX": _VERBAL_NOUN}}, lemma(*MODALS)],
    ]


def any_tokens(upto: int) -> dict[str, Any]:
    """Up to ``upto`` tokens of anything (within the sentence: see ``ClauseWording``)."""
    return {"OP": f"{{0,{upto}}}"}


TREATY = ("келісім", "шарт", "хаттама", "конвенция", "меморандум")
"""What a treaty calls itself; a clause about leaving or ending names it."""

PATTERNS: dict[str, list[Pattern]] = {
    # "даулар … шешіледі", "дауларды … шешеді", "келіспеушіліктерді … шешетін болады",
    # "даулы мәселелер … реттеледі"
    "dispute_resolution": [
        [lemma("дау", "даулы", "келіспеушілік"), any_tokens(15), *tail] for tail in acts("шеш", "ретте")
    ],
    "withdrawal": [
        # "шығуға құқылы", "шыға алады", "тоқтата алады"
        [lemma(*verb("шық"), "шыға"), lemma("құқылы", "ал")],
        [lemma(*verb("тоқтат")), lemma("ал")],
        # "денонсациялауға", "денонсацияланады"
        [{"LOWER": {"REGEX": "^денонсац"}}],
        # "шығу туралы (жазбаша) хабарлама"
        [lemma(*verb("шық")), {"LOWER": "туралы"}, lemma("жазбаша", op="?"), lemma("хабарлама")],
        # "осы Келісім өзінің қолданылуын тоқтатады", "Келісімнің қолданылуын тоқтату ниеті"
        [lemma(*TREATY), any_tokens(2), lemma("қолданылу", "қолданыл", "әрекет", "қолданыс"), lemma(*verb("тоқтат"))],
    ],
    # "күшіне енеді"; "күшіне енді" by its form, as "енді" is also the adverb "now"
    "entry_into_force": [
        [lemma("күш"), lemma(*verb("ен"))],
        [lemma("күш"), {"LOWER": "енді"}],
    ],
    "duration": [
        # "белгіленбеген / белгісіз / шектеусіз мерзімге", "мерзімі шектелмеген", "мерзімсіз"
        [lemma("белгіле", "белгіленбеген", "белгісіз", "шектеусіз"), lemma("мерзім")],
        [lemma("мерзім"), lemma(*verb("шекте"), "жоқ")],
        [lemma("мерзімсіз")],
        # "бес жыл мерзімге", "5 (бес) жылдық мерзімге"
        [{"LIKE_NUM": True}, any_tokens(3), lemma("жыл", "жылдық"), lemma("мерзім")],
        # "қолданылу мерзімі"
        [lemma("қолданылу", "қолданыл"), lemma("мерзім")],
    ],
    # "өзгерістер мен толықтырулар енгізілуі мүмкін", "өзгерістер енгізе алады"
    "amendments": [[lemma("өзгеріс"), any_tokens(3), *tail] for tail in acts("енгіз")],
    # "шығыстарды өздері көтереді": the plural, the costs (a singular "шығыс" is often east)
    "expenses": [
        [{"LOWER": {"REGEX": "^шығыстар"}}],
    ],
}


def _anchor(pattern: Pattern) -> tuple[frozenset[str], str]:
    """What a doc must hold for ``pattern`` to match: the candidate lemmas of one of its
    tokens, or else the fixed start of a form ("денонсац")."""
    for token in pattern:
        lemmas = token.get("_", {}).get("lemmas", {}).get("INTERSECTS")
        if lemmas:
            return frozenset(lemmas), ""
    for token in pattern:
        regex = token.get("LOWER", {})
        if isinstance(regex, dict) and str(regex.get("REGEX", "")).startswith("^"):
            return frozenset(), regex["REGEX"][1:]
    raise ValueError(f"a clause-wording pattern needs a lemma or a fixed form to anchor it: {pattern}")


class ClauseWording:
    """Find the operative wording of each final clause and write it to
    ``doc.spans[SPANS_KEY]``, labelled with the clause id.

    A Matcher predicate on an extension attribute runs in Python for every token and
    every live state, so a clause's patterns are only run on a Doc that holds one of
    their anchors (most articles hold no dispute noun at all): the same matches, a
    fraction of the time."""

    def __init__(self, nlp: Language) -> None:
        self.matchers: list[tuple[frozenset[str], tuple[str, ...], Matcher]] = []
        for kind, patterns in PATTERNS.items():
            for pattern in patterns:
                lemmas, prefix = _anchor(pattern)
                matcher = Matcher(nlp.vocab)
                matcher.add(kind, [pattern])
                self.matchers.append((lemmas, (prefix,) if prefix else (), matcher))

    def __call__(self, doc: Doc) -> Doc:
        present: set[str] = set()
        for token in doc:
            present.update(token._.lemmas)
        lower = doc.text.lower()
        spans: list[Span] = []
        seen: set[tuple[str, int]] = set()
        for lemmas, prefixes, matcher in self.matchers:
            if not (lemmas & present or any(p in lower for p in prefixes)):
                continue
            for match_id, start, end in matcher(doc):
                label = doc.vocab.strings[match_id]
                if doc[start].sent.start != doc[end - 1].sent.start or (label, start) in seen:
                    continue  # one sentence only; one span per start
                seen.add((label, start))
                spans.append(Span(doc, start, end, label=label))
        spans.sort(key=lambda span: (span.start, span.end))
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans)
        return doc


@Language.factory("kk_clause_wording", default_config={"version": 1}, requires=["token._.lemmas", "token.is_sent_start"])
def make_clause_wording(nlp: Language, name: str, version: int) -> ClauseWording:
    """The factory behind ``nlp.add_pipe("kk_clause_wording")``; an unknown ``version``
    is refused rather than run with other patterns."""
    if version not in VERSIONS:
        raise ValueError(f"kk_clause_wording version {version} is unknown; this code has {VERSIONS}")
    return ClauseWording(nlp)


def clause_kinds(doc: Doc) -> frozenset[str]:
    """The clause ids whose operative wording ``doc`` holds."""
    return frozenset(span.label_ for span in doc.spans.get(SPANS_KEY, ()))


def wording_of(doc: Doc, kind: str) -> list[Span]:
    """The matches of one clause id, in text order."""
    return sorted((s for s in doc.spans.get(SPANS_KEY, ()) if s.label_ == kind), key=lambda s: s.start)
