"""The ``kk_definitions`` component: where a text defines a term, read from its tokens.

A Kazakh treaty defines its terms in a few shapes, and every one is a matter of
words and punctuation, not of one text's layout:

- "term – definition" (an en dash, an em dash or a spaced hyphen), the term bare or in
  quotes ("…", «…»), with an aside before the dash ("(бұдан әрі – АКТ)") and a word
  naming it ("… термині –", "… дегеніміз –");
- a quoted term whose sentence ends in a verb of meaning, with no dash:
  '"үкім" … жазаны білдіреді', '"Инвестор" … деп түсініледі';
- a term announced with a colon, its definition on the next lines or points:
  '"Тасымалдаушы" термині:', "Аумақ дегеніміз:", and inside a sentence
  '… "сот шешімдері" деген термин мыналарды білдіреді:';
- a bare term that is the subject of the verb of meaning ("Инвестор … тұлғаларын
  білдіреді", "Реквизициялау … алып қоюды білдіреді"). Nothing marks where such a term
  ends, so the grammar does: the term is a noun phrase in the nominative, the
  definition the accusative object of "білдіреді", and the term ends at the first word
  a noun phrase cannot continue with (:func:`subject_end`). Where the grammar leaves
  the end open, nothing is read;
- several items in one line ("X – …; Y – …"), several quoted terms sharing one
  definition ('"Тарап" немесе "Тараптар" – …'), a quoted term the extraction damage
  moved into its definition ("– … "term" …");
- a quoted term a sentence names and defines ('Осы Келісімде "инвестор" термині …
  тұлғаны білдіреді').

The vocabulary is spaCy ``Matcher`` rules on ``LEMMA`` (the ``kk_lemmatizer``'s best
reading), so one rule covers every inflection ("термині", "терминдер", "терминдердің"
are all ``термин``), and on ``LOWER`` where the form is fixed ("білдіреді", the present
tense a definition is written in, never its negation; "дегеніміз"); the rules are
written with sets of values and handed to the Matcher written out (:func:`expand`),
which it compares in C. Case endings, which decide where a subject ends, are read from
the analyser (``ingest.kk.morphology.analyses``). The component is one of the
extraction components of ``ingest.extract.docs``, run on the shared Doc of every
article; a Doc or line with none of the ``SIGNS`` every shape needs is not read.

The component reads context-free what each line says and writes three span groups:

- ``doc.spans["definition_items"]``: every item a line holds (the line after its list
  label, or a piece of it between semicolons), whether it defines or not: the
  extractor needs the items that do not (a definition's sub-points, an announced
  term's next line);
- ``doc.spans["definitions"]``: each defined term, labelled with its shape; its
  ``span._.definition`` is a :class:`Reading` (the definition's text and the item);
- ``doc.spans["definition_intros"]``: the introducing sentences ("Осы Келісімде
  пайдаланылатын ұғымдар мыналарды білдіреді:"), up to and with their colon.

Which of these are definitions of the treaty is the extractor's decision
(``ingest.extract.definitions``): it knows the article's heading and paragraphs, and
keeps a shape that needs a definition context (a bare subject) only inside one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup, Token

SPANS_KEY = "definitions"
ITEMS_KEY = "definition_items"
INTROS_KEY = "definition_intros"
VERSIONS = (1,)

MAX_TERM_WORDS = 8
"""A defined term is a name, not a sentence: longer "terms" are running text."""

MIN_DEFINITION_WORDS = 2
"""In a definition context: "сұрау салынатын Тарап – сұрау салуды алған Тарап"."""

Pattern = list[dict[str, Any]]

OPEN = frozenset({'"', "«", "“", "„", "'"})
CLOSE = frozenset({'"', "»", "”", "“", "'"})
DASHES = frozenset({"–", "—", "‒", "−", "-"})

Span.set_extension("definition", default=None, force=True)

# shapes: the label of a term span
DASH = "dash"  # term – definition
MEANS = "means"  # "term" … білдіреді
ANNOUNCED = "announced"  # "term" термині: ↵ definition
SUBJECT = "subject"  # term … білдіреді (a bare subject: needs a definition context)
DISPLACED = "displaced"  # – definition "term" definition
NAMED = "named"  # … "term" деген термин мыналарды білдіреді: ↵ definition


@dataclass(frozen=True, slots=True)
class Reading:
    """What one defined term's item says: the definition's words (raw, as printed),
    and the item's character range in the Doc. ``definition`` is "" for a term whose
    definition follows on the next lines."""

    definition: str
    item_start: int
    item_end: int
    quoted: bool


def lemma(*lemmas: str, op: str | None = None) -> dict[str, Any]:
    """A token whose lemma (the ``kk_lemmatizer``'s best reading) is one of ``lemmas``."""
    token: dict[str, Any] = {"LEMMA": {"IN": list(lemmas)}}
    if op:
        token["OP"] = op
    return token


def lower(*forms: str, op: str | None = None) -> dict[str, Any]:
    """A token in one of these fixed forms (case folded)."""
    token: dict[str, Any] = {"LOWER": {"IN": list(forms)}}
    if op:
        token["OP"] = op
    return token


def expand(pattern: Pattern) -> list[Pattern]:
    """The pattern as patterns of exact values: one per choice of each token's
    alternatives, an optional token present or not. The Matcher compares an exact
    value in C and calls Python for ``IN`` sets, token by token of every text; the
    rules read better as sets, and run faster written out."""
    out: list[Pattern] = [[]]
    for token in pattern:
        choices: list[dict[str, Any] | None] = []
        attr = next((k for k in token if k != "OP"), None)
        value = token.get(attr) if attr else None
        if isinstance(value, dict) and "IN" in value:
            choices += [{attr: v} for v in value["IN"]]
        else:
            choices.append({k: v for k, v in token.items() if k != "OP"})
        if token.get("OP") == "?":
            choices.append(None)
        out = [p + ([c] if c is not None else []) for p in out for c in choices]
    return [p for p in out if p]


TERM_WORDS = ("термин", "ұғым", "анықтама")
MEANING_WORDS = ("білдір", "мағына", "мән", "қолданыл", "пайдаланыл", "түсінік", "түсініл", "ұғыныл")

VOCABULARY: dict[str, list[Pattern]] = {
    # a word naming the term between it and its dash or colon: "термині", "ұғымы",
    # "сөзі", "сөз тіркесі", "дегеніміз", "деген термин"
    "MARKER": [
        [lemma("термин", "ұғым")],
        [lower("сөзі")],
        [lower("сөз"), lower("тіркесі")],
        [lower("дегеніміз")],
        [lower("деген"), lemma("термин", "ұғым", "сөз")],
    ],
    # the verb of meaning that ends a definition: present tense, never negated
    "MEANS": [
        [lower("білдіреді")],
        [lower("деп"), lower("түсініледі", "ұғынылады")],
    ],
    # an introducing sentence says it is about terms, and what they mean or how used
    "TERM_WORD": [[lemma(*TERM_WORDS)], [lower("ұғымдар", "терминдер", "анықтамалар")]],
    "MEANING_WORD": [[lemma(*MEANING_WORDS)], [lower("айқындалады")]],
    # or it is one of the fixed openings of a definitions list
    "STRONG_INTRO": [
        [lemma("мақсат"), lower("үшін"), {"ORTH": ":"}],  # "мақсаттары үшін:"
        [lower("мақсатында", "мақсаттарында", "мақсатын"), {"ORTH": ":"}],
        [lower("мынадай"), lemma("мағына", "мән")],
        [lower("мынаны", "мыналарды"), lemma("білдір")],
        [lower("мынадай", "төмендегі", "төмендегідей"), lemma("ұғым", "термин")],
    ],
    # where items may split and lists open (found in one pass with the rest)
    "SEMICOLON": [[{"ORTH": ";"}]],
    "COLON": [[{"ORTH": ":"}]],
    # a definition by reference to another act ("… келісімде белгіленген мағынада
    # қолданылады"): a reference, not a definition of this treaty's own
    "BY_REFERENCE": [
        [
            lower("белгіленген", "айқындалған", "көзделген", "берілген", "бекітілген", "пайдаланылатын", "қолданылатын"),
            lemma("мағына", "мән", "ұғым"),
        ],
    ],
}

def _fixed_forms(*names: str) -> tuple[str, ...]:
    """The fixed word forms (``LOWER``) the named rules end with."""
    return tuple(
        form
        for name in names
        for pattern in VOCABULARY[name]
        for form in pattern[-1].get("LOWER", {}).get("IN", ())
    )


SIGNS = tuple(sorted(DASHES | OPEN | CLOSE | {":"})) + _fixed_forms("MEANS") + ("дегеніміз",)
"""The tokens (``LOWER``) one of which every shape needs: a dash, a colon or a quote,
or else a verb of meaning ending the definition or "дегеніміз" naming the term. A
line without any is read as one item that defines nothing, and a Doc without any
(most articles) is not read at all, which keeps the component within the extraction's
speed budget (``bench/extract_speed.py``)."""


NOT_FIRST = frozenset({"осы", "бұл", "мұндай", "мыналар", "сондай-ақ"})
"""Words no term starts with: "осы Келісімде …" opens a sentence, not a name."""

NOT_LAST = frozenset({"үшін", "бойынша", "тарапынан", "атынан", "жағынан"})
"""Words no term ends with ("Қазақстан Республикасы үшін –": who, in a list of
authorities); the postpositions of ``ingest.kk.morphology.FUNCTION_WORDS`` neither."""

_CASE_ENDINGS = frozenset({"ABL", "ABL_PX", "LOC_PX"})
_PROPER_CASE_ENDINGS = _CASE_ENDINGS | {"LOC"}  # "Қазақстанда –": a place, never a term
_NOMINAL_ENDS = frozenset({"PL", "PX3", "VN"})
"""What a bare term's last word may end in: it names a thing ("органдары", "алмасу"),
it is not a participle or a finite verb ("… пайдаланылатын", "… білдіреді")."""
_OBLIQUE = frozenset({"ACC", "ACC_PX", "DAT", "DAT_PX", "DAT_PX1", "LOC", "LOC_PX", "ABL", "ABL_PX", "INS"})
_DETERMINERS = frozenset({"бір", "әрбір", "кез", "барлық", "осы", "сол", "бұл", "мұндай", "осындай", "сондай", "өз", "ол", "өзге", "басқа", "тиісті"})
"""Words that open a new noun phrase: after a complete term they start its definition."""


def endings(token: Token) -> tuple[str, ...]:
    """The inflectional endings of the analyser's best reading of the token, left to
    right ("Тараптардың" → PL, GEN); an abbreviation's hyphenated ending is read from
    its shape ("ИДРХО-ның" → GEN)."""
    return _endings(token.text)


@lru_cache(maxsize=50_000)
def _endings(text: str) -> tuple[str, ...]:
    from ingest.kk.morphology import ENDINGS, analyses, normalise

    head, sep, tail = text.rpartition("-")
    if sep and head.isupper() and tail.islower():
        return tuple(e.tag for e in ENDINGS if e.final and any(shape == tail for shape, _ in e.shapes))[:1]
    if not any(c.isalpha() for c in text):
        return ()
    found = analyses(normalise(text))
    return found[0].endings if found else ()


_VERBAL_NOUN_ACCUSATIVE = ("уды", "уді", "юды", "юді", "уын", "уін", "юын", "юін")


def accusative(token: Token) -> bool:
    """Whether some close reading of the token is in the accusative ("адамды",
    "тұлғаларын"; "қоюды", which also reads as a past tense): the object a verb of
    meaning takes, where a nominative ("ниет білдіреді", expresses an intention) is
    another verb. A verbal noun's accusative ("тасымалдауды", "қоюды": -у, written -ю
    after й, then -ды/-ді or -ын/-ін) counts whatever the analyser makes of the stem: in
    the object's place a finite past ("қой-ды") cannot stand."""
    from ingest.kk.morphology import analyses, normalise

    word = normalise(token.text)
    if word.endswith(_VERBAL_NOUN_ACCUSATIVE) and len(word) > 4:
        return True
    found = analyses(word)
    return bool(found) and any(a.endings[-1:] in (("ACC",), ("ACC_PX",)) and a.score >= found[0].score - 2.0 for a in found[:4])


def verbal_noun(token: Token) -> bool:
    """Whether the token reads as a verbal noun ("реквизициялау", "тасымалдау")."""
    from ingest.kk.morphology import analyses, normalise

    return token.lower_.endswith(("у", "ю")) and any(a.endings[-1:] == ("VN",) for a in analyses(normalise(token.text))[:3])


class DefinitionReader:
    """Read every line of a Doc into items, and each item into the terms it defines."""

    def __init__(self, nlp: Language) -> None:
        self._signs = frozenset(nlp.vocab.strings.add(sign) for sign in SIGNS)
        self.matcher = Matcher(nlp.vocab)
        for name, patterns in VOCABULARY.items():
            self.matcher.add(name, [exact for pattern in patterns for exact in expand(pattern)])

    def __call__(self, doc: Doc) -> Doc:
        """Write the span groups; a Doc with none of the ``SIGNS`` is not read, and
        gets no groups (readers take ``doc.spans.get(key, ())``)."""
        signs = self.signs(doc)
        return self.read(doc, signs) if signs else doc

    def signs(self, doc: Doc) -> list[int]:
        """The positions of the tokens that are ``SIGNS``, read from the Doc's array."""
        known = self._signs
        return [i for i, form in enumerate(doc.to_array(LOWER).tolist()) if form in known]

    def read(self, doc: Doc, signs: list[int] | None = None) -> Doc:
        """Read every line of ``doc`` and write the span groups. A line with none of
        the ``SIGNS`` is one item that defines nothing, and the Matcher runs on the
        other lines only."""
        signs = self.signs(doc) if signs is None else signs
        lines = [(s, e, bool(_Cues.between(signs, s, e))) for s, e in _lines(doc)]
        found: dict[str, list[tuple[int, int]]] = {name: [] for name in VOCABULARY}
        for line_start, line_end, _ in filter(lambda line: line[2], lines):
            for match_id, start, end in self.matcher(doc[line_start:line_end]):
                found[doc.vocab.strings[match_id]].append((line_start + start, line_start + end))
        cues = _Cues(doc, found)
        items: list[Span] = []
        terms: list[Span] = []
        intros: list[Span] = []
        for line_start, line_end, candidate in lines:
            if not candidate:  # one item that defines nothing (an announced term's next line)
                items.append(doc[line_start:line_end])
                continue
            body = line_start
            intro = cues.intro_end(line_start, line_end)
            if intro is not None:
                intros.append(doc[line_start:intro])
                body = intro
            for start, end in self._items(doc, cues, body, line_end):
                items.append(doc[start:end])
                terms += self._read(doc, cues, start, end, labelled=start == line_start)
        doc.spans[ITEMS_KEY] = SpanGroup(doc, name=ITEMS_KEY, spans=items)
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=terms)
        doc.spans[INTROS_KEY] = SpanGroup(doc, name=INTROS_KEY, spans=intros)
        return doc

    def _items(self, doc: Doc, cues: _Cues, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The line's items: split at each semicolon followed by a further "term –
        definition"; a semicolon inside a definition stays."""
        begin = start
        for i in cues.between(cues.semicolons, start, end):
            if i + 1 < end and _head(doc, cues, i + 1, end) is not None:
                yield begin, i + 1
                begin = i + 1
        if begin < end:
            yield begin, end

    def _read(self, doc: Doc, cues: _Cues, start: int, end: int, *, labelled: bool) -> list[Span]:
        """The terms an item defines (most items: none)."""
        body = _after_label(doc, start, end) if labelled else start
        if body >= end:
            return []
        reading = _head(doc, cues, body, end)
        if reading is not None:
            terms, definition_start, shape = reading
            if shape != ANNOUNCED and (_words(doc, definition_start, end) < MIN_DEFINITION_WORDS or cues.by_reference_in(definition_start, end)):
                return []  # no definition, or a pointer to another act's definition
            definition = doc[definition_start:end].text if definition_start < end else ""
            return _spans(doc, terms, shape, definition, start, end)
        if doc[start].text in DASHES and labelled:
            return _displaced(doc, cues, start, body, end)
        colon = _last_word(doc, body, end) + 1
        if colon < end and doc[colon].text == ":":
            named = _named_term(doc, cues, body, colon)
            if named is not None:
                return _spans(doc, [(*named, True)], NAMED, "", start, end)
        inline = _named_in_sentence(doc, cues, body, end)
        if inline is not None:
            term_start, term_end, definition_start = inline
            return _spans(doc, [(term_start, term_end, True)], MEANS, doc[definition_start:end].text, start, end)
        return _subject(doc, cues, body, end, start)


class _Cues:
    """The Matcher's findings, indexed for the item reader."""

    def __init__(self, doc: Doc, found: dict[str, list[tuple[int, int]]]) -> None:
        self.doc = doc
        self.semicolons = sorted(s for s, _ in found["SEMICOLON"])
        self.colons = sorted(s for s, _ in found["COLON"])
        self.marker_at: dict[int, int] = {}
        for s, e in found["MARKER"]:
            self.marker_at[s] = max(e, self.marker_at.get(s, s))
        self.means = found["MEANS"]
        self.term_word = {s for s, _ in found["TERM_WORD"]}
        self.meaning_word = {s for s, _ in found["MEANING_WORD"]}
        self.strong = found["STRONG_INTRO"]
        self.by_reference = found["BY_REFERENCE"]

    def intro_end(self, start: int, end: int) -> int | None:
        """The token after the colon of an introducing sentence in the line, or None.
        The sentence names terms and says what they mean ("… ұғымдар мыналарды
        білдіреді:"), or is a fixed opening ("… мақсаттары үшін:")."""
        for colon in self.between(self.colons, start, end):
            strong = any(start <= s and e <= colon + 1 for s, e in self.strong)
            named = any(start <= i < colon for i in self.term_word) and any(start <= i < colon for i in self.meaning_word)
            if strong or named:
                if _named_term(self.doc, self, start, colon) is not None:
                    return None  # '"X" деген термин мыналарды білдіреді:' announces X
                return colon + 1
        return None

    @staticmethod
    def between(positions: list[int], start: int, end: int) -> list[int]:
        """The positions in [start, end) of a sorted list."""
        return positions[bisect_left(positions, start) : bisect_left(positions, end)]

    def ends_in_meaning(self, start: int, end: int) -> int | None:
        """Where the verb of meaning that closes [start, end) begins, or None."""
        last = _last_word(self.doc, start, end)
        for s, e in self.means:
            if start <= s and e - 1 == last:
                return s
        return None

    def by_reference_in(self, start: int, end: int) -> bool:
        """Whether [start, end) ends in "… белгіленген мағынада (қолданылады)"."""
        last = _last_word(self.doc, start, end)
        return any(start <= s and last - 1 <= e <= last + 1 for s, e in self.by_reference)


def _lines(doc: Doc) -> Iterator[tuple[int, int]]:
    """The token ranges of the Doc's lines, without their layout: the ``kk`` pipeline
    starts a sentence at every line, so a line is a run of sentences up to the next
    one that follows a line break."""
    start: int | None = None
    for sent in doc.sents:
        first = sent.start
        while first < sent.end and doc[first].is_space:
            first += 1
        if first == sent.end:
            continue
        if start is None:
            start = first
        elif first > 0 and ("\n" in doc[first - 1].text or doc[first - 1].text_with_ws.endswith("\n")):
            yield start, _trim(doc, start, first)
            start = first
    if start is not None:
        yield start, _trim(doc, start, len(doc))


def _trim(doc: Doc, start: int, end: int) -> int:
    while end > start and doc[end - 1].is_space:
        end -= 1
    return end


def _words(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if not (t.is_punct or t.is_space))


def _last_word(doc: Doc, start: int, end: int) -> int:
    """The last token of [start, end) before its closing punctuation ("…; және")."""
    i = end - 1
    while i > start and (doc[i].is_punct or doc[i].lower_ in ("және", "немесе")):
        i -= 1
    return i


def _after_label(doc: Doc, start: int, end: int) -> int:
    """Past the list label at the line's start: "1)", "1.", "3.1)", "(1)", "а)", "(iv)",
    a dash."""
    i = start
    if doc[i].text == "(" and i + 2 < end and doc[i + 2].text == ")":
        return i + 3
    if i + 1 < end and doc[i + 1].text in (")", ".") and (doc[i].like_num or (doc[i].is_alpha and len(doc[i]) <= 3 and doc[i].is_lower)):
        return i + 2
    if doc[i].text in DASHES:
        return i + 1
    return i


Terms = list[tuple[int, int, bool]]  # (start, end, quoted) token ranges


def _quoted(doc: Doc, i: int, end: int) -> int | None:
    """The end (after the closing quote) of a quoted term starting at ``i``, or None."""
    if i >= end or doc[i].text not in OPEN:
        return None
    for j in range(i + 1, min(end, i + MAX_TERM_WORDS + 2)):
        if doc[j].text in CLOSE:
            return j + 1 if j > i + 1 else None
        if "\n" in doc[j].text or doc[j].text in OPEN - CLOSE:
            return None
    return None


def _aside(doc: Doc, i: int, end: int) -> int:
    """Past an aside in brackets ("(бұдан әрі – АКТ)", "(ҰҚШҰ)"), else ``i``."""
    if i < end and doc[i].text == "(":
        for j in range(i + 1, min(end, i + 20)):
            if doc[j].text == ")":
                return j + 1
            if doc[j].text == "(":
                break
    return i


def _head(doc: Doc, cues: _Cues, body: int, end: int) -> tuple[Terms, int, str] | None:
    """The item's terms and where its definition starts, when it opens with them:
    quoted terms (one, or several joined by "және", "немесе", a comma) or a bare term,
    then an aside, a naming word, and a separator (a dash; after a quoted term or a
    naming word also a colon), or a quoted or named term ("Инвестор ұғымы …") with no
    separator before a definition that ends in a verb of meaning, or a naming
    "дегеніміз"."""
    terms: Terms = []
    i = body
    quoted = _quoted(doc, i, end)
    if quoted is not None:
        terms.append((i + 1, quoted - 1, True))
        i = quoted
        while i + 1 < end and doc[i].lower_ in (",", "және", "немесе", "мен"):
            nxt = _quoted(doc, i + 1, end)
            if nxt is None:
                break
            terms.append((i + 2, nxt - 1, True))
            i = nxt
    else:
        j = i
        while j < end and j - i < MAX_TERM_WORDS + 1 and not (doc[j].is_punct or doc[j].is_space) and j not in cues.marker_at:
            j += 1
        if j == i:
            return None
        terms.append((i, j, False))
        i = j
    i = _aside(doc, i, end)
    marker = cues.marker_at.get(i)
    if marker is not None:
        i = marker
    named = marker is not None
    if i < end and doc[i].text in DASHES and (doc[i].text != "-" or doc[i].whitespace_ or doc[i - 1].whitespace_):
        return terms, i + 1, DASH  # a hyphen separates only when spaced
    if i < end and doc[i].text == ":" and (named or terms[0][2]):
        if _last_word(doc, i, end) == i:
            return (terms, end, ANNOUNCED) if named else None
        return terms, i + 1, DASH
    if named and doc[i - 1].lower_ == "дегеніміз" and i < end:
        return terms, i, DASH
    if (terms[0][2] or named) and i < end and cues.ends_in_meaning(i, end) is not None:
        return terms, i, MEANS  # the quotes or the naming word mark where the term ends
    return None


def _named_term(doc: Doc, cues: _Cues, start: int, colon: int) -> tuple[int, int] | None:
    """A quoted term a sentence announces before its colon ('… "сот шешімдері" деген
    термин мыналарды білдіреді:'), as a token range, or None."""
    for i in range(start, colon):
        quoted = _quoted(doc, i, colon)
        if quoted is not None and doc[quoted].lower_ == "деген" and cues.marker_at.get(quoted):
            return i + 1, quoted - 1
    return None


def _named_in_sentence(doc: Doc, cues: _Cues, start: int, end: int) -> tuple[int, int, int] | None:
    """A quoted term a sentence names and defines ('Осы Келісімде "инвестор" термині
    … тұлғаны білдіреді'): the term's token range and where its definition starts, or
    None. The naming word follows the closing quote, and the item ends in a verb of
    meaning with at least two words before it."""
    verb = cues.ends_in_meaning(start, end)
    if verb is None:
        return None
    for i in range(start, verb):
        quoted = _quoted(doc, i, verb)
        marker = cues.marker_at.get(quoted) if quoted is not None else None
        if quoted is not None and marker is not None and _words(doc, marker, verb) >= MIN_DEFINITION_WORDS:
            if cues.by_reference_in(marker, end):
                return None
            return i + 1, quoted - 1, marker
    return None


def _spans(doc: Doc, terms: Terms, shape: str, definition: str, item_start: int, item_end: int) -> list[Span]:
    """Term spans carrying their reading; none when a term is not a name."""
    out: list[Span] = []
    first, last = doc[item_start], doc[item_end - 1]
    for start, end, quoted in terms:
        if not _term_ok(doc, start, end, quoted):
            return []
        span = Span(doc, start, end, label=shape)
        span._.definition = Reading(definition, first.idx, last.idx + len(last), quoted)
        out.append(span)
    return out


def _term_ok(doc: Doc, start: int, end: int, quoted: bool) -> bool:
    """Whether the tokens read as a defined name: some letters, at most
    ``MAX_TERM_WORDS`` words, not the opening of a sentence, no naming word inside,
    no case ending that makes it a place or a source ("Қазақстан Тарапынан"), and,
    unquoted, a last word that names a thing."""
    from ingest.kk.morphology import FUNCTION_WORDS

    words = [t for t in doc[start:end] if not t.is_space]
    if not words or not any(c.isalpha() for t in words for c in t.text):
        return False
    if sum(1 for t in words if not t.is_punct) > MAX_TERM_WORDS:
        return False
    if words[0].lower_ in NOT_FIRST or words[-1].lower_ in NOT_LAST or (not quoted and words[-1].lower_ in FUNCTION_WORDS):
        return False
    if any(lem in ("термин", "ұғым") for t in words for lem in t._.lemmas):
        return False
    last = words[-1]
    if len(last) >= 5 and last.is_alpha:
        tags = endings(last)
        never = _PROPER_CASE_ENDINGS if last.text[0].isupper() else _CASE_ENDINGS
        if tags and (tags[-1] in never or (not quoted and tags[-1] not in _NOMINAL_ENDS)):
            return False
    return True


def _displaced(doc: Doc, cues: _Cues, start: int, body: int, end: int) -> list[Span]:
    """A dash item whose quoted term the extraction damage moved into its definition:
    "– definition start "term" rest"."""
    for i in range(body + 1, end):
        quoted = _quoted(doc, i, end)
        if quoted is None:
            continue
        before = doc[body:i].text.strip()
        after = doc[quoted:end].text.strip() if quoted < end else ""
        if not before:
            return []
        return _spans(doc, [(i + 1, quoted - 1, True)], DISPLACED, f"{before} {after}", start, end)
    return []


def _subject(doc: Doc, cues: _Cues, body: int, end: int, item_start: int) -> list[Span]:
    """A bare term that is the subject of the item's verb of meaning: "Инвестор …
    тұлғаларын білдіреді". The definition is the accusative object the verb takes (the
    word before it is in the accusative: "адамды білдіреді", "… дегенді білдіреді")."""
    verb = cues.ends_in_meaning(body, end)
    if verb is None or doc[verb].lower_ != "білдіреді":
        return []
    obj = verb - 1
    if obj > body and doc[obj].text == ")":  # "… қағидаларын (Төрелік қағидаларын) білдіреді"
        while obj > body and doc[obj].text != "(":
            obj -= 1
        obj -= 1
    if obj <= body or not accusative(doc[obj]):
        return []
    term_end = subject_end(doc, body, obj)
    if term_end is None or term_end >= obj:
        return []
    return _spans(doc, [(body, term_end, False)], SUBJECT, doc[term_end:end].text, item_start, end)


def subject_end(doc: Doc, start: int, limit: int) -> int | None:
    """Where a nominative noun phrase opening at ``start`` ends, or None when the
    grammar leaves it open.

    Kazakh puts modifiers before their head, so the phrase runs until a word it
    cannot continue with, and that word starts the definition:

    - punctuation or a number ("Еркін пайдаланылатын валюта | 1994 жылғы …");
    - a word that opens a new noun phrase: a determiner or pronoun ("Жеке тұлға | бір
      Тарап …");
    - a word in an oblique case: accusative, dative, locative, ablative, instrumental
      ("Инвестор | меншікті, …"), unless a verbal noun or a participle follows it at
      once: the object may then be the term's own ("Құпия ақпаратты қорғау"), which
      leaves the end open;
    - a genitive after the first word ("Заңды тұлға | Тараптардың бірінің …"), unless a
      possessed head closes it at once (an izafet inside the term: "Тарап
      мемлекетінің аумағы"), which leaves the end open;
    - a possessed head (-ы/-і, an izafet: "ИДРХО Конвенциясы", "Төрелік регламенті")
      and a verbal noun ("Реквизициялау") end the phrase themselves when the next word
      is not a possessed noun they would modify.

    The phrase must open with a word in the nominative or the genitive and end in a
    noun without a case ending.
    """
    if endings(doc[start])[-1:] and endings(doc[start])[-1] in _OBLIQUE:
        return None  # "Жоғарыда көрсетілген …": a name opens in the nominative or genitive
    i = start
    while i < limit:
        token = doc[i]
        if i > start:
            if token.is_punct or token.like_num or not token.is_alpha and "-" not in token.text:
                break
            if token.lower_ in _DETERMINERS:
                break
            tags = endings(token)
            if tags and tags[-1] in _OBLIQUE:
                if _verbal_follows(doc, i + 1, limit):
                    return None
                break
            if tags and tags[-1] == "GEN":
                if _izafet_closes(doc, i + 1, limit):
                    return None
                break
        if i - start >= MAX_TERM_WORDS:
            return None
        tags = endings(token) if token.is_alpha or "-" in token.text else ()
        if i > start and tags and tags[-1] in ("PX3",) or verbal_noun(token):
            nxt = doc[i + 1] if i + 1 < limit else None
            if nxt is None or not (nxt.is_alpha and endings(nxt)[-1:] == ("PX3",)):
                return i + 1
        i += 1
    if i == start or i >= limit:
        return None
    last = doc[i - 1]
    tags = endings(last) if last.is_alpha else ()
    if tags and tags[-1] not in ("PL", "PX3"):
        return None
    return i


def _verbal_follows(doc: Doc, i: int, limit: int) -> bool:
    """Whether a verbal noun or a participle follows within two words: an object in an
    oblique case may then belong to the term ("Құпия ақпаратты қорғау", "… беретін
    орган"), so the case ending does not mark where it ends."""
    for j in range(i, min(limit, i + 2)):
        token = doc[j]
        if not token.is_alpha:
            return False
        if verbal_noun(token) or endings(token)[-1:] == ("PART",):
            return True
    return False


def _izafet_closes(doc: Doc, i: int, limit: int) -> bool:
    """Whether a possessed noun in the nominative follows within three words: the
    genitive then belongs to an izafet ("мемлекетінің аумағы")."""
    for j in range(i, min(limit, i + 3)):
        tags = endings(doc[j]) if doc[j].is_alpha else ("?",)
        if tags[-1:] == ("PX3",):
            return True
        if tags and tags[-1] not in ("PL",):
            return False
    return False


@Language.factory(
    "kk_definitions",
    default_config={"version": 1},
    assigns=["doc.spans"],
    requires=["token._.lemmas", "token.is_sent_start"],
)
def make_kk_definitions(nlp: Language, name: str, version: int) -> DefinitionReader:
    """The factory behind ``nlp.add_pipe("kk_definitions")``; an unknown ``version``
    is refused rather than run with other patterns."""
    if version not in VERSIONS:
        raise ValueError(f"kk_definitions version {version} is unknown; this code has {VERSIONS}")
    return DefinitionReader(nlp)


__all__ = ["Reading", "DefinitionReader", "make_kk_definitions", "subject_end"]
