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

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from spacy.attrs import IS_ALPHA, LEMMA, LOWER, NORM, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

from ingest.kk.morphology import VOWELS, analyse, voiced

SPANS_KEY = "clause_wording"
VERSIONS = (1,)

Pattern = list[dict[str, Any]]

def verb(*stems: str) -> list[str]:
    """Every lemma the analyser may give for a form of these verbs: the stem, its
    passive and reflexive stems and its verbal noun ("шеш" → шеш, шешіл, шешін, шешу;
    "ретте" → ретте, реттел, реттен, реттеу; "шық" → шық, шығыл, шығын, шығу)."""
    out: list[str] = []
    for stem in stems:
        back = any(c in "аоұы" for c in stem)
        if stem[-1] in VOWELS:
            forms = [stem, stem + "л", stem + "н", stem + "у"]
        else:
            before_vowel = voiced(stem)  # шық + у → шығу
            link = "ы" if back else "і"
            forms = [stem, before_vowel + link + "л", before_vowel + link + "н", before_vowel + "у"]
        out += [f for f in forms if f not in out]
    return out


def lemma(*lemmas: str, op: str | None = None) -> dict[str, Any]:
    """A token one of whose candidate lemmas is among ``lemmas``: the component writes
    the candidate the patterns know to the token's ``NORM`` (see ``ClauseWording``)."""
    token: dict[str, Any] = {"NORM": {"IN": list(lemmas)}}
    if op:
        token["OP"] = op
    return token


_VERBAL_NOUN = r"(?:у|уы|уі|уын|уін|уға|уге|уды|уді|уда|уде|удан|уден|умен|уына|уіне)$"
"""The endings of the verbal noun in -у: "дауларды реттеу" names an act (a chapter's
title, "… реттеуге қатысты қолданылады"), it does not settle anything."""

VERBAL_NOUN_TAG = "VN"
"""The ``TAG`` the component gives a verb's verbal noun (this pipeline has no tagger)."""
_IS_VERBAL_NOUN = re.compile(_VERBAL_NOUN)

MODALS = ("тиіс", "ұмтыл", "міндетті", "мүмкін", "құқылы", "қажет")
"""What makes a verbal noun operative: "шешілуге тиіс", "шешуге ұмтылады",
"енгізілуі мүмкін"."""


def acts(*stems: str) -> list[list[dict[str, Any]]]:
    """The ways a clause's verb is operative, each a tail for a pattern: a finite form or
    a participle of the verb (by its top lemma: "шешімді" is a decision, though "I
    solved" reads the same), or its verbal noun followed by a modal."""
    lemmas = verb(*stems)
    return [
        [{"LEMMA": {"IN": lemmas}, "TAG": {"NOT_IN": [VERBAL_NOUN_TAG]}}],
        [{"LEMMA": {"IN": lemmas}, "TAG": VERBAL_NOUN_TAG}, lemma(*MODALS)],
    ]


def any_tokens(upto: int) -> dict[str, Any]:
    """Up to ``upto`` tokens of anything (within the sentence: see ``ClauseWording``)."""
    return {"OP": f"{{0,{upto}}}"}


DISPUTE_FORM = {"LOWER": {"REGEX": "^дау(?!ыс)"}}
""""дау" by its form as well: the analyser reads "даулар", "дауды" as the verbal noun
of "да-" (the dictionary lists such a verb), so their lemma is not "дау"; "дауыс" (a
vote) is another word."""

TREATY = ("келісім", "шарт", "хаттама", "конвенция", "меморандум")
"""What a treaty calls itself; a clause about leaving or ending names it."""

PATTERNS: dict[str, list[Pattern]] = {
    # "даулар … шешіледі", "дауларды … шешеді", "келіспеушіліктерді … шешетін болады",
    # "даулы мәселелер … реттеледі"
    "dispute_resolution": [
        [noun, any_tokens(15), *tail] for noun in (lemma("дау", "даулы", "келіспеушілік"), DISPUTE_FORM)
        for tail in acts("шеш", "ретте")
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
        norm = token.get("NORM")
        lemmas = norm.get("IN") if isinstance(norm, dict) else None
        if lemmas:
            return frozenset(lemmas), ""
    for token in pattern:
        regex = token.get("LOWER", {})
        literal = re.match(r"\^(\w+)", str(regex.get("REGEX", ""))) if isinstance(regex, dict) else None
        if literal:
            return frozenset(), literal.group(1)
    raise ValueError(f"a clause-wording pattern needs a lemma or a fixed form to anchor it: {pattern}")


def _vocabulary(patterns: dict[str, list[Pattern]]) -> frozenset[str]:
    """Every lemma a ``lemma`` token of the patterns names."""
    out: set[str] = set()
    for rule in patterns.values():
        for pattern in rule:
            for token in pattern:
                norm = token.get("NORM")
                if isinstance(norm, dict):
                    out.update(norm.get("IN", ()))
    return frozenset(out)


VOCABULARY = _vocabulary(PATTERNS)
VERBS = frozenset(
    lemma for rule in PATTERNS.values() for pattern in rule for token in pattern
    if "TAG" in token for lemma in token["LEMMA"]["IN"]
)
"""The verbs whose verbal noun the component marks."""


@lru_cache(maxsize=200_000)
def _known_candidate(form: str) -> str | None:
    """The first candidate lemma of ``form`` that the patterns name, if any."""
    return next((c for c in analyse(form) if c in VOCABULARY), None)


_GAP = re.compile(r"^\{0,(\d+)\}$")


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern as the component runs it: the tokens before a gap of up to ``upto``
    tokens (``any_tokens``), and those after it (``right`` is empty without a gap).
    A wide wildcard multiplies the Matcher's live states on every token, so the two
    sides are matched apart and joined here, within a sentence."""

    kind: str
    left: Pattern
    upto: int
    right: Pattern


def _rule(kind: str, pattern: Pattern) -> Rule:
    for i, token in enumerate(pattern):
        gap = _GAP.match(str(token.get("OP", ""))) if set(token) == {"OP"} else None
        if gap:
            return Rule(kind, pattern[:i], int(gap.group(1)), pattern[i + 1 :])
    return Rule(kind, pattern, 0, [])


class ClauseWording:
    """Find the operative wording of each final clause and write it to
    ``doc.spans[SPANS_KEY]``, labelled with the clause id.

    The patterns ask whether any candidate lemma of a word is one they name. A Matcher
    predicate on the candidates (an extension attribute) runs in Python for every token
    and live state, which made this component four times the cost of the whole
    language pipeline; so the component first writes, per token, the candidate the
    patterns know into the token's ``NORM`` (nothing else reads NORM in these Docs) and
    the patterns test NORM natively. Verbs are tested on the best lemma (``LEMMA``) on
    purpose: "шешімді" is a decision, though "I solved" reads the same; their verbal
    nouns get the ``TAG`` ``VN`` (a regex predicate would run in Python again). A
    clause's patterns run only on a Doc that holds one of their anchors."""

    def __init__(self, nlp: Language) -> None:
        self.rules = [_rule(kind, pattern) for kind, patterns in PATTERNS.items() for pattern in patterns]
        self.anchors: list[tuple[frozenset[str], str]] = []
        self.matchers: list[Matcher] = []  # one a rule: a Doc meets only the rules it has anchors for
        for i, rule in enumerate(self.rules):
            self.anchors.append(_anchor(rule.left + rule.right))
            matcher = Matcher(nlp.vocab)
            matcher.add(f"{i}L", [rule.left])
            if rule.right:
                matcher.add(f"{i}R", [rule.right])
            self.matchers.append(matcher)

    def __call__(self, doc: Doc) -> Doc:
        # arrays, not Token objects: making a Token costs more than all the work done on it
        columns = doc.to_array([ORTH, LOWER, IS_ALPHA, LEMMA, NORM, TAG, SENT_START]).astype(np.uint64)
        strings = doc.vocab.strings
        present: set[str] = set()
        norms, tags = columns[:, 4].tolist(), columns[:, 5].tolist()
        changed = False
        for i, (orth, lower_form, alpha, lemma_id) in enumerate(columns[:, :4].tolist()):
            if not alpha:
                continue
            known = _known_candidate(strings[orth])
            if known is not None:
                norms[i] = strings.add(known)
                present.add(known)
                changed = True
            if strings[lemma_id] in VERBS and _IS_VERBAL_NOUN.search(strings[lower_form]):
                tags[i] = strings.add(VERBAL_NOUN_TAG)
                changed = True
        if changed:
            doc.from_array([NORM, TAG], np.array([norms, tags], dtype=np.uint64).T)
        lower = doc.text.lower()
        live = {i for i, (lemmas, prefix) in enumerate(self.anchors) if lemmas & present or (prefix and prefix in lower)}
        if not live:
            doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=[])
            return doc
        found: dict[str, list[tuple[int, int]]] = {}
        for i in live:
            for match_id, start, end in self.matchers[i](doc, allow_missing=True):  # TAG is ours, not a tagger's
                found.setdefault(strings[match_id], []).append((start, end))
        sentence = np.cumsum(columns[:, 6].astype(np.int64) == 1)  # the sentence of each token
        spans: dict[tuple[str, int], Span] = {}
        for i in sorted(live):
            rule = self.rules[i]
            for start, end in found.get(f"{i}L", ()):
                if rule.right:
                    ends = [e for s, e in found.get(f"{i}R", ()) if end <= s <= end + rule.upto]
                    if not ends:
                        continue
                    end = min(ends)
                if sentence[start] == sentence[end - 1] and (rule.kind, start) not in spans:
                    spans[(rule.kind, start)] = Span(doc, start, end, label=rule.kind)
        ordered = sorted(spans.values(), key=lambda span: (span.start, span.end))
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=ordered)
        return doc


@Language.factory("kk_clause_wording", default_config={"version": 1}, requires=["token.lemma", "token.is_sent_start"], assigns=["token.norm", "doc.spans"])
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
