"""Obligations: who must, may or must not do what, on what condition and by when.

One ``Obligation`` per provision — an alinea or a point of an article — that carries a
deontic modality. ``text`` is the provision's whole text and ``span`` its place in
``Treaty.text``; ``marker`` is the word(s) that carry the modality.

How a provision is read
-----------------------
Kazakh is verb-final: the predicate of a sentence is its last word or words. The
modality is read there, never from a word in the middle of a sentence, so
"… нұқсан келтіруі мүмкін мәліметтер" (information whose disclosure *may* harm — a
definition) or "Қажет болған жағдайда" (if necessary — a condition) carry no modality.

- **obligation**: міндеттенеді, міндетті, тиіс, қажет, керек; and the performative present
  of legal Kazakh, the 3rd person aorist of a verb stated as what is done
  ("хабарлайды", "жүзеге асырады", "алмасады", and passives "жолданады",
  "жүзеге асырылады", "шешіледі") — the treaty states as a fact what a party must do;
- **permission**: құқылы, құқығы бар, мүмкін ("-уы мүмкін", may), "-а/-е/-й алады"
  (can), рұқсат етіледі, "-уға болады";
- **prohibition**: болмайды ("-уға болмайды"), жол берілмейді, тыйым салынады,
  рұқсат етілмейді, "құқылы емес", "құқығы жоқ", "мүмкін емес", "-а алмайды", a negated
  finite verb ("бермейді", "ашылмайды, берілмейді", "жария етпейді"), and a negated
  verbal noun under a word of obligation ("қамтылмауы қажет" — must not contain;
  "бермеуге міндеттенеді" — undertakes not to give): a duty not to act is a
  prohibition in substance, and is reported as one.

What is *not* an obligation, although its verb is a present-tense statement:

- identity, meaning and equivalence: "… болып табылады", "… білдіреді",
  "… сәйкес келеді", "… салыстырылады", "… жатады"; a sentence about terms
  ("терминдер … пайдаланылады", "ұғымдар … мағынада қолданылады") — definitions;
- legal effects of the instrument, which no actor performs: "күшіне енеді" (entry
  into force), "күшінде қалады", "… тоқтатылады" (ceases to apply), "жауапты болады";
  and a sentence whose subject is the Agreement itself ("Осы Келісім … жасалады /
  қолданылады / қозғамайды / шектемейді", "Осы Келісімдегі ештеңе … бермейді") — a
  savings clause limits the instrument, not a party;
- declarations: "… деп белгілейді / есептейді", "… ретінде қарастырады" (regard as);
- past tense and anything without a finite predicate (preamble-like participial
  clauses, lists of nouns with no verb to govern them).

An explicit modal ("мүмкін", "тиіс", "құқылы") is kept even in such a sentence:
"Осы Келісімге … өзгерістер енгізілуі мүмкін" is a permission.

Borderline cases, decided so: a normative passive with no actor is an obligation
("даулар … келіссөздер арқылы шешіледі", "… қағидаттарына негізделеді", "қорғау
шараларының қолданылуы жалғасады" — the survival of a duty); "талаптар қойылмайды"
(no requirements are imposed) is a prohibition, as any negated finite verb is; "X
күшінде қалады" (remains in force) and "жауапты болады" (is liable) are effects, not
duties. Under "мүмкін" or "құқылы" a negated verbal noun stays a permission (a
permission to refrain is still a permission).

Lists
-----
"Тараптар: 1) … қорғауға; 2) … өзгертпеуге; … 5) … бермеуге міндеттенеді." — the
sentence that introduces a list and the points that continue it are one sentence.
A point with a predicate of its own ("… әзірлейді;") is read by it; a point without
one (a verbal noun, a noun phrase) takes the predicate that governs the list: the
introducing sentence's own predicate when it has one ("… мынадай мәліметтерді
қамтуға тиіс:"), else the predicate that closes the last point. Under a word of
obligation a point whose own verbal noun is negated ("өзгертпеуге") is a prohibition.
Points take the actor, condition and deadline of the introducing sentence unless they
state their own; the introducing alinea is itself reported, with the list's modality
(its deadline — "30 күннен кешіктірмей:" — is often printed there).

The actor
---------
The subject: the first noun phrase in the nominative whose head names an actor (Тарап,
орган, Орталық, депозитарий, мемлекет, үкімет, қызмет, комитет, хатшы, кеңес,
пайдаланушы, тұлға, адам, ұйым, өкіл, "әрқайсысы", "кез келгені"), outside the conditional
clause, returned as printed with its modifiers ("Тиісті Тараптың уәкілетті органы",
"Сұрау салынатын құзыретті орган немесе ТМД органы", "мүдделі уәкілетті органдар
және (немесе) Орталық"). A nominative noun that is the first member of a compound
("Тараптар мемлекеттерінің …"), stands before a postposition ("Тараптар арасында") or
is the subject of a relative clause ("басқа Тарап берген ақпарат") is not the subject.
"ол" (it) is resolved to the actor of the conditional clause it refers back to. A
passive predicate ("жолданады", "ашылмайды") names no actor: the actor is null. A
point's own subject must stand first in the point; an actor noun further on
("лауазымды адамдар қатарынан …") is an object, and the point keeps the actor of the
sentence that introduces it.

The condition is the "егер … -са/-се" clause (chained by "сондай-ақ, егер") or the
clause ending in "… жағдайда" (not "әрбір жеке жағдайда", which means "in each case").
The deadline is read by ``ingest.extract.deadlines`` outside the condition (a term in
the condition — "алты ай ішінде … реттемесе" — is part of the condition).

A provision with sentences of different modalities gives one obligation per modality;
sentences of the same modality are one obligation, whose actor, deadline and
condition are the first the sentences state.

Nothing here depends on a file, a title or a treaty id: only the text is read.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.extract.deadlines import find_deadline
from ingest.kk.lexicon import load_lexicon
from ingest.kk.morphology import FUNCTION_WORDS, IRREGULAR, analyses, normalise
from ingest.model import (
    Alinea,
    Deadline,
    Definition,
    Obligation,
    Paragraph,
    Point,
    Span,
    Treaty,
)
from ingest.patterns import fold

Modality = str  # "obligation" | "permission" | "prohibition"


def _keys(*words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


# --- words -----------------------------------------------------------------------

_OBLIGATION_WORDS = _keys("міндетті", "тиіс", "қажет", "керек")
_UNDERTAKE = fold("міндеттен")  # "міндеттенеді": undertakes
_COPULA_MODALS = {fold("міндетті"): "obligation", fold("тиіс"): "obligation", fold("құқылы"): "permission"}
_PERMISSION = fold("құқылы")
_RIGHT = fold("құқығы")
_POSSIBLE = fold("мүмкін")
_NOT = fold("емес")
_NONE = fold("жоқ")
_HAVE = fold("бар")
_PERMIT = fold("рұқсат")
_BAN = fold("тыйым")
_WAY = fold("жол")
_IF = fold("егер")
_THEN = fold("онда")
_SAY = fold("деп")
_AS = fold("ретінде")
_THIS = fold("осы")
_AGREEMENT = fold("келісім")
_NOTHING = fold("ештеңе")
_CASE = _keys("жағдайда", "жағдайларда")
_EACH = _keys("әрбір", "әр", "кез", "келген", "жеке", "нақты", "жекелеген")
_TERMS = _keys("термин", "терминдер", "ұғым", "ұғымдар", "анықтамалар", "анықтама")
_REGARD = tuple(fold(w) for w in ("қарастыр", "есепте", "таны"))  # "… ретінде қарастырады": regard as
# finite predicates that state a fact, an effect or a meaning (prefixes)
_DESCRIPTIVE_PREFIXES = tuple(fold(w) for w in (
    "табыл", "білдір", "салыстырыл", "тоқтатыл", "жатады", "жатпайды", "қозғамайды", "қозғайды",
    "шектемейді", "шектейді",
))
_EFFECT_PAIRS = {  # (word before, predicate prefix)
    (fold("күшіне"), fold("ен")),
    (fold("күшінде"), fold("қал")),
    (fold("сәйкес"), fold("кел")),
    (fold("қайшы"), fold("кел")),
    (fold("кедергі"), fold("келтірмейд")),
    (fold("әсер"), fold("етпейд")),
    (fold("жауапты"), fold("бол")),
}
_LIGHT_VERBS = tuple(fold(w) for w in ("ет", "асыр", "ал", "бер", "сал", "жаса", "жүргіз", "кел", "қол"))  # the word before belongs to the marker
_LIGHT_PARTNERS = _keys("жүзеге", "іске", "назарға", "есепке")  # dative partners of a light verb
_POSTPOSITIONS = _keys(
    "арасында", "арасындағы", "арасынан", "үшін", "тарапынан", "арқылы", "туралы", "бойынша",
    "сияқты", "ретінде", "атынан", "жағынан", "жанындағы", "жанында", "алдында", "сайын",
    "шеңберінде", "шеңберіндегі", "аясында", "аясындағы", "барысында", "кезінде", "негізінде",
)
_COORD = _keys("және", "немесе", "мен", "бен", "пен")
_IN_PHRASE = _keys("туралы", "қарсы")  # function words that end a modifier inside an actor's phrase ("терроризмге қарсы орталық")
_CLOSED = _keys(
    "осы", "бұл", "сол", "ол", "олар", "мұндай", "осындай", "сондай", "барлық", "әрбір", "өз", "егер",
    "онда", "ал", "кемінде", "көбінде", "әсіресе", "алдымен", "бірінші", "ішінде",
)  # words whose endings look possessive but that begin no compound
_NOT_SUBJECT_NEXT = _keys("болып", "ретінде", "деп")  # "X болып табылатын": X is a predicate noun
_MODIFIERS = _keys(
    "әрбір", "әр", "екі", "бір", "екінші", "басқа", "тиісті", "уәкілетті", "құзыретті", "мүдделі",
    "кез", "келген", "барлық", "аталған", "көрсетілген", "мұндай", "осындай", "сондай",
    "қабылдаушы", "беруші", "алушы", "сұрау", "салушы", "орталық", "ұлттық", "бас", "осы",
    "атқарушы", "жоғары", "мемлекеттік", "халықаралық", "бірлескен",
)
_PRONOUNS = _keys("ол", "олар")
_REFLEXIVES = _keys("өзі", "өздері")
_ASSIGNED = tuple(fold(stem) for stem in ("жүктел", "тапсырыл"))
"""Passives of assigning a task ("жүктеледі", "тапсырылады"): the one it falls on
stands in the dative ("… бақылау … құзыретті органдарына жүктеледі")."""
_ACTOR_HEAD = re.compile(
    "^(?:" + "|".join(fold(p) for p in (
        r"тарап(?:тар)?(?:ы)?",
        r"орган(?:дар)?(?:ы)?",
        r"орталы(?:қ|ғы)",
        r"мемлекет(?:тер)?(?:і)?",
        r"үкімет(?:тер)?(?:і)?",
        r"депозитари(?:й|йі)",
        r"хатшы(?:сы)?",
        r"хатшылы(?:қ|ғы)",
        r"кеңес(?:і)?",
        r"қызмет(?:тер)?(?:і)?",
        r"комитет(?:тер)?(?:і)?",
        r"комиссия(?:сы)?",
        r"директор(?:ы)?",
        r"пайдаланушы(?:лар)?(?:ы)?",
        r"тұлға(?:лар)?(?:сы|ы)?",
        r"ұйым(?:дар)?(?:ы)?",
        r"өкіл(?:дер)?(?:і)?",
        r"әрқайсысы",
        r"біреуі",
        r"келгені",  # "кез келгені" (any of them)
        r"адам(?:дар)?(?:ы)?",
    )) + ")$"
)

_NEG_VN = re.compile(fold(r"(?:ма|ме|ба|бе|па|пе)у(?:ы|і|ға|ге|ын|ін|ды|ді|на|не|ына|іне)?$"))
_VN = re.compile(fold(r"у(?:ы|і|ға|ге|ын|ін|ды|ді|ына|іне)?$"))
_VN_DAT = re.compile(fold(r"у(?:ға|ге)$"))
_VN_ACC = re.compile(fold(r"у(?:ды|ді|ын|ін)$"))
_AOR3 = re.compile(r"(?:ады|еді|йды|йді|яды)$")
_IMP3 = re.compile(r"(?:сын|сін)$")
_NEG_AOR3 = re.compile(r"(?:ма|ме|ба|бе|па|пе)(?:йды|йді)$")
_ACTIVE_PARTICIPLE = re.compile(fold(r"(?:ған|ген|қан|кен|атын|етін|йтын|йтін)$"))
_PARTICIPLE = re.compile(fold(r"(?:ған|ген|қан|кен|атын|етін|йтын|йтін|ушы|уші|ушылар|ушілер)$"))
_AGENT_NOUN = re.compile(r"(?:ушы|уші)(?:лар|лер)?(?:ы|і|сы|сі)?$")
_COMPLEMENTED = _keys("жауапты", "мүше", "қатысушы")  # adjectives with a complement before them
_ATTRIBUTIVE = re.compile(fold(r"(?:дағы|дегі|тағы|тегі|ндағы|ндегі)$"))
_GENITIVE = re.compile(r"(?:ның|нің|дың|дің|тың|тің)$")  # on the unfolded word: folded, "-тің" is "-тін"
_DATIVE = re.compile(fold(r"(?:ға|ге|қа|ке|на|не)$"))


_DEFINED_ACTORS: ContextVar[frozenset[str]] = ContextVar("defined_actors", default=frozenset())
"""The heads of the persons and bodies the treaty being read defines (``defined_actors``),
set by ``find_obligations`` for the one treaty it reads."""
_HEAD_ENDINGS = re.compile(fold(r"^(?:лар|лер|дар|дер|тар|тер)?(?:ы|і|сы|сі)?$"))
_MEANING_VERBS = _keys("білдіреді", "деп", "түсініледі", "ұғынылады", "болып", "табылады")
_ACCUSATIVE = tuple(fold(e) for e in ("ны", "ні", "ды", "ді", "ты", "ті", "н"))


def _genus(definition: str) -> str | None:
    """The head of what a definition says the term is, folded: its last noun, before the
    verb of meaning and without the accusative that verb puts on it ("… жеке немесе
    заңды тұлғаны білдіреді" → тұлға; "… кез келген жеке немесе заңды тұлға" → тұлға). A
    Kazakh noun phrase ends in its head, so the genus is the definition's last word."""
    words = [fold(normalise(w.strip(".,;:«»\"()"))) for w in definition.split()]
    words = [w for w in words if w]
    while words and words[-1] in _MEANING_VERBS:
        words.pop()
    return words[-1] if words else None


def defined_actors(definitions: tuple[Definition, ...]) -> frozenset[str]:
    """The head words (folded) of the terms a treaty defines as someone who can act: an
    agent noun ("Тасымалдаушы", one who carries) or a term whose genus is a person or
    body ("Инвестор" – "… жеке және заңды тұлғаларын білдіреді"). A treaty's own persons
    are its actors, whatever its subject: a transport treaty's carrier, an investment
    treaty's investor."""
    out: set[str] = set()
    for d in definitions:
        words = d.term.split()
        if not words:
            continue
        head = fold(normalise(words[-1]))
        genus = _genus(d.definition) or ""
        person = any(genus.endswith(e) and _ACTOR_HEAD.match(genus[: len(genus) - len(e)]) for e in ("", *_ACCUSATIVE))
        if _AGENT_NOUN.search(head) or person:
            out.add(head)
    return frozenset(out)


def _actor_head(key: str) -> bool:
    """A word that heads an actor: a listed head, or a head the treaty defines, bare or
    with plural and possessive endings."""
    if _ACTOR_HEAD.match(key):
        return True
    for head in _DEFINED_ACTORS.get():
        if key.startswith(head) and _HEAD_ENDINGS.match(key[len(head):]):
            return True
    return False



_WORD = re.compile(r"[^\W_]+(?:[-‑][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"»”)]*\s+")
_PARA_LABEL = re.compile(r"^\s*\d+(?:\.\d+)*\.\s*")
_POINT_LABEL = re.compile(r"^\s*(?:\(?\d+\)|\(?[^\W\d_]{1,2}\)|[–—−•-])\s*")
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?=ал\s)|,\s+(?=бірақ\s)|,\s+")


# --- the language layer, cached -----------------------------------------------------

_Reading_ = tuple[str, str, tuple[str, ...]]  # (stem, kind, endings)
_MARGIN = 1.5  # readings this close to the best one are kept as candidates


@lru_cache(maxsize=65536)
def _readings(word: str) -> tuple[_Reading_, ...]:
    """The analyser's readings of a lower-case word close to its best, best first.
    Several are kept: the analyser may rank a dictionary entry of an inflected form
    ("берген") above its inflected reading ("бер" + participle)."""
    try:
        found = analyses(word)
    except RecursionError:  # pragma: no cover - a pathological token
        return ()
    if not found:
        return ()
    top = found[0].score
    return tuple((a.stem, a.kind, a.endings) for a in found if a.score >= top - _MARGIN)


def _best(word: str) -> _Reading_ | None:
    found = _readings(word)
    return found[0] if found else None


def _reads_as(word: str, kind: str, last: tuple[str, ...]) -> bool:
    """Whether some close reading is of ``kind`` and ends in one of ``last``."""
    return any(k == kind and e and e[-1] in last for _, k, e in _readings(word))


@lru_cache(maxsize=65536)
def _finite(word: str) -> tuple[bool, bool] | None:
    """(negated, passive) when a word is a finite verb of the present (3rd person
    aorist or imperative), else None. ``word`` is lower case, unfolded."""
    imp = bool(_IMP3.search(word)) and len(word) > 5
    if not _AOR3.search(word) and not imp:
        return None
    negated = bool(_NEG_AOR3.search(word))
    body = word[:-3]
    if word.endswith("яды"):  # "қояды": қой + ады (the dictionary's "қою")
        body = word[:-3] + "й"
        if body in load_lexicon().verbal or word[:-3] + "ю" in load_lexicon().verbal:
            return False, False
    if not negated and not _reads_as(word, "V", ("AOR3", "IMP3")):
        return None  # a noun in the accusative ("жағдайды") is not a verb
    if negated:
        body = body[:-2]
    return negated, _passive_stem(body)


def _passive_stem(stem: str) -> bool:
    """Whether a verb stem (the word less its endings) is passive: "асырыл", "беріл",
    "жолдан", "қабылдан", "айқындал"."""
    if len(stem) >= 4 and stem.endswith(("ыл", "іл")):
        return True
    if len(stem) >= 4 and stem.endswith(("ын", "ін")) and stem[:-2] in load_lexicon().verbal:
        return True  # "алын": ал + ын
    if len(stem) >= 4 and stem[-1] in "лн" and stem[-2] in "аеоөұүыіәуи":
        return stem[:-1] in load_lexicon().verbal
    return False


def _vn_passive(word: str) -> bool:
    m = re.search(r"(?:ма|ме|ба|бе|па|пе)?у(?:ы|і|ға|ге|ын|ін|ды|ді|на|не|ына|іне)?$", word)
    return bool(m) and _passive_stem(word[: m.start()])


def _converb(word: str) -> bool:
    """"асыра", "шыға", "келісе", "бере", "сақтай": the converb a modal "алады" takes."""
    if len(word) < 3 or word[-1] not in "аей":
        return False
    verbal = load_lexicon().verbal
    stem = word[:-1]
    if stem in verbal:
        return True
    devoiced = stem[:-1] + {"ғ": "қ", "г": "к", "б": "п"}.get(stem[-1], stem[-1])
    if devoiced in verbal:
        return True
    return _reads_as(word, "V", ("AORV",))


@lru_cache(maxsize=65536)
def _is_conditional(word: str) -> bool:
    if len(word) < 4 or not word.endswith(("са", "се")) or word in FUNCTION_WORDS or fold(word) in _COORD:
        return False
    return _reads_as(word, "V", ("COND",))


_COMPOUND_CASES = {"GEN", "DAT_PX", "LOC_PX", "ABL_PX", "INS", "ATTR"}


@lru_cache(maxsize=65536)
def _izafet_next(word: str) -> bool:
    """A word that continues a compound noun phrase: a possessive in the nominative or
    genitive ("мемлекеттерінің", "органы", "персоналының")."""
    if word.startswith(("өз", "бір-бір")) or word in IRREGULAR or word in FUNCTION_WORDS or fold(word) in _CLOSED:
        return False
    nominal = [r for r in _readings(word) if r[1] == "N"]
    if not nominal:
        return False
    stem, _, endings = max(nominal[:2], key=lambda r: len(r[2]))  # the inflected reading of two close ones
    if len(stem) < 3:
        return False
    if endings and endings[0] == "PL":
        endings = endings[1:]
    # "Тараптар мемлекеттерінің", "Мемлекеттер Достастығына"; not "Тараптар шығыстарын
    # (көтереді)": a possessive accusative is the verb's object, its owner the subject
    return bool(endings) and endings[0] == "PX3" and set(endings[1:]) <= _COMPOUND_CASES


@lru_cache(maxsize=65536)
def _case_marked(word: str) -> bool:
    """A noun with a case other than the nominative and the genitive."""
    best = _best(word)
    if best is None:
        return False
    endings = best[2]
    return any(e in ("ACC", "ACC_PX", "DAT", "DAT_PX", "LOC", "LOC_PX", "ABL", "ABL_PX", "INS", "ABESS") for e in endings)


# --- tokens -------------------------------------------------------------------------

@dataclass(slots=True)
class _Tok:
    text: str
    low: str  # lower case, Latin twins made Cyrillic
    key: str  # ``low`` folded
    start: int  # offset in the treaty text
    end: int
    gap: str  # the characters between the previous token and this one
    depth: int  # parenthesis depth


@lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, str]:
    """(lower case with Latin twins made Cyrillic, that folded) of a word."""
    low = word.lower() if word.isupper() and len(word) > 1 else normalise(word)
    return low, fold(low)


def _tokens(text: str, base: int) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    depth = 0
    for m in _WORD.finditer(text):
        start, end = m.span()
        gap = text[pos:start]
        if "(" in gap or ")" in gap:
            depth = max(0, depth + gap.count("(") - gap.count(")"))
        word = m.group()
        low, key = _forms(word)
        out.append(_Tok(word, low, key, base + start, base + end, gap, depth))
        pos = end
    return out


# --- reading one clause -------------------------------------------------------------

@dataclass(slots=True)
class _Pred:
    """The predicate that closes a clause."""

    modality: Modality | None  # None: a predicate with no deontic force
    marker: str
    passive: bool = False
    explicit: bool = False  # a modal word, not the performative present
    negated_complement: bool = False  # "бермеуге міндеттенеді": the duty is not to act


@dataclass(slots=True)
class _Reading:
    modality: Modality
    marker: str
    actor: str | None
    condition: str | None
    deadline: Deadline | None
    passive: bool = False


@dataclass(slots=True)
class _Clause:
    text: str
    base: int  # offset of ``text`` in the treaty text
    toks: list[_Tok] = field(default_factory=list)
    conditions: list[tuple[int, int]] = field(default_factory=list)  # treaty offsets
    pred: _Pred | None = None

    @classmethod
    def of(cls, text: str, base: int, toks: list[_Tok] | None = None) -> _Clause:
        c = cls(text, base, _tokens(text, base) if toks is None else toks)
        c.conditions = _conditions(c.toks)
        c.pred = _predicate(c.toks)
        return c

    def outside(self) -> list[_Tok]:
        """The tokens outside the conditional clauses; the first token after one is
        marked as following a break, so no phrase runs across the gap."""
        out: list[_Tok] = []
        skipped = False
        for t in self.toks:
            if any(s <= t.start < e for s, e in self.conditions):
                skipped = True
                continue
            if skipped:
                t = _Tok(t.text, t.low, t.key, t.start, t.end, ", " + t.gap, t.depth)
                skipped = False
            out.append(t)
        return out


def _marker(toks: list[_Tok], n: int) -> str:
    return " ".join(t.text for t in toks[-n:])


def _predicate(toks: list[_Tok]) -> _Pred | None:
    """The predicate at the end of a clause, or None when the clause ends in something
    that is not one (a noun, a verbal noun, a converb: a list continues)."""
    toks = [t for t in toks if t.depth == 0] or toks
    if not toks:
        return None
    last = toks[-1]
    k = last.key
    prev = toks[-2] if len(toks) > 1 else None
    pk = prev.key if prev else ""

    if k == _NOT:
        if pk == _PERMISSION or pk == _POSSIBLE:
            return _Pred("prohibition", _marker(toks, 2), explicit=True)
        if pk == fold("міндетті"):
            return _Pred("permission", _marker(toks, 2), explicit=True)
        return _Pred(None, last.text)
    if k == _NONE and pk == _RIGHT:
        return _Pred("prohibition", _marker(toks, 2), explicit=True)
    if k == _HAVE:
        return _Pred("permission", _marker(toks, 2), explicit=True) if pk == _RIGHT else _Pred(None, last.text)
    if k == _PERMISSION:
        return _Pred("permission", last.text, explicit=True)
    if k in _OBLIGATION_WORDS or k.startswith(_UNDERTAKE):
        if prev is not None and _VN.search(pk):
            negated = bool(_NEG_VN.search(pk))
            return _Pred("prohibition" if negated else "obligation", _marker(toks, 2), passive=_vn_passive(prev.low), explicit=True, negated_complement=negated)
        return _Pred("obligation", last.text, explicit=True)
    if k == _POSSIBLE:
        passive = prev is not None and _VN.search(pk) is not None and _vn_passive(prev.low)
        return _Pred("permission", _marker(toks, 2) if prev is not None and _VN.search(pk) else last.text, passive=passive, explicit=True)
    if k in (fold("алады"), fold("алмайды")) and prev is not None and _converb(prev.low):
        modality = "permission" if k == fold("алады") else "prohibition"
        return _Pred(modality, _marker(toks, 2), passive=_passive_stem(prev.low[:-1]), explicit=True)
    if pk == _PERMIT and k.startswith(fold("етіл")):
        return _Pred("prohibition" if _NEG_AOR3.search(last.low) else "permission", _marker(toks, 2), explicit=True)
    if pk == _BAN and k.startswith(fold("салын")):
        return _Pred("prohibition", _marker(toks, 2), explicit=True)
    if pk == _WAY and k.startswith(fold("берілмей")):
        return _Pred("prohibition", _marker(toks, 2), explicit=True)
    if k == fold("болмайды"):
        return _Pred("prohibition", _marker(toks, 2) if prev is not None and _VN.search(pk) else last.text, explicit=True)
    if k == fold("болады"):
        if prev is not None and _VN_DAT.search(pk):
            return _Pred("permission", _marker(toks, 2), explicit=True)
        if pk in _COPULA_MODALS:
            return _Pred(_COPULA_MODALS[pk], _marker(toks, 2), explicit=True)
        return _Pred(None, _marker(toks, 2))

    finite = _finite(last.low)
    if finite is None:
        return None
    negated, passive = finite
    if k.startswith(_DESCRIPTIVE_PREFIXES) or pk == _SAY:
        return _Pred(None, last.text)
    if any(pk == before and k.startswith(prefix) for before, prefix in _EFFECT_PAIRS):
        return _Pred(None, _marker(toks, 2))
    n = 1
    if prev is not None and k.startswith(_LIGHT_VERBS) and prev.depth == last.depth and (pk in _LIGHT_PARTNERS or not _case_marked(prev.low)):
        n = 2
    return _Pred("prohibition" if negated else "obligation", _marker(toks, n), passive=passive)


def _descriptive_context(toks: list[_Tok], pred: _Pred) -> bool:
    """A present-tense statement that is not a party's duty: about the Agreement itself,
    about terms, or a declaration ("… ретінде қарастырады")."""
    if pred.explicit:
        return False
    keys = [t.key for t in toks]
    for i, k in enumerate(keys):
        if k == _THIS and i + 1 < len(keys):
            nxt = keys[i + 1]
            if nxt == _AGREEMENT and _dependent(toks, i + 1) not in ("compound", "postposition"):
                return True  # "Осы Келісім … жасалады", not "осы Келісім шеңберінде"
            if nxt == fold("келісімнің") and i + 2 < len(keys) and keys[i + 2] == fold("ережелері"):
                return True
            if nxt == fold("келісімдегі") and i + 2 < len(keys) and keys[i + 2] == _NOTHING:
                return True
        if k == _NOTHING:
            return True
        if k in _TERMS:
            return True
    last = keys[-1] if keys else ""
    if last.startswith(_REGARD) and _AS in keys:
        return True
    return False


def _conditions(toks: list[_Tok]) -> list[tuple[int, int]]:
    """The conditional clauses: "егер … -са/-се" (chained by "сондай-ақ, егер") and
    "… жағдайда"."""
    out: list[tuple[int, int]] = []
    i = 0
    n = len(toks)
    while i < n:
        if toks[i].key == _IF:
            j = i + 1
            end = None
            while j < n:
                if _is_conditional(toks[j].low):
                    end = j
                    # chained: ", сондай-ақ, егер …", ", не егер …", "немесе егер …"
                    k = j + 1
                    while k < n and k <= j + 2 and toks[k].key in _keys("сондай-ақ", "не", "немесе", "және"):
                        k += 1
                    if k < n and toks[k].key == _IF:
                        j = k + 1
                        continue
                    break
                if toks[j].key == _THEN:
                    end = j - 1
                    break
                j += 1
            if end is not None and end >= i:
                out.append((toks[i].start, toks[end].end))
                i = end + 1
                continue
        i += 1
    for i, t in enumerate(toks):
        if t.key not in _CASE or i == 0:
            continue
        if any(u.key in _EACH for u in toks[max(0, i - 3) : i]):
            continue
        if any(s <= t.start < e for s, e in out):
            continue
        # "… өзгерген жағдайда": from the clause's start, or from the end of an "егер"
        # clause before it
        begin = max((e for s, e in out if e <= t.start), default=toks[0].start)
        first = next(u for u in toks if u.start >= begin)
        out.append((first.start, t.end))
    out.sort()
    return out


def _breaks(tok: _Tok) -> bool:
    """Punctuation before a token that ends a noun phrase."""
    return bool(re.search(r"[,;:–—]", tok.gap))


def _is_head(toks: list[_Tok], i: int) -> bool:
    t = toks[i]
    if not _actor_head(t.key):
        return False
    if t.key == fold("келгені"):
        return i > 0 and toks[i - 1].key == fold("кез")
    return True


def _dependent(toks: list[_Tok], i: int) -> str | None:
    """Why a nominative at ``i`` is not the subject: "compound", "postposition",
    "relative" (subject of a relative clause), or None when it may be."""
    t = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or nxt.depth != t.depth or _breaks(nxt):
        return None
    if nxt.key in _POSTPOSITIONS or _ATTRIBUTIVE.search(nxt.key) or nxt.key in _NOT_SUBJECT_NEXT:
        return "postposition"
    if _izafet_next(nxt.low):
        return "compound"
    if nxt.key in _COORD:
        # "Қауіпсіздік органдары мен арнаулы қызметтері басшыларының кеңесі": the
        # coordination is itself the first member of a compound
        for m in range(i + 2, min(len(toks), i + 6)):
            if _breaks(toks[m]):
                break
            if _is_head(toks, m):
                return "compound" if _dependent(toks, m) == "compound" else None
    if _ACTIVE_PARTICIPLE.search(nxt.key):
        if _reads_as(nxt.low, "V", ("PART",)) and not _passive_stem(nxt.low[:-3]) and not _passive_stem(nxt.low[:-4]):
            return "relative"  # "басқа Тарап берген ақпарат"
    return None


def _actor(clause: _Clause, toks: list[_Tok] | None = None, resolve: bool = True) -> str | None:
    """The subject noun phrase, as printed, or None."""
    toks = clause.outside() if toks is None else toks
    pronoun = False
    reflexive = False
    for i, t in enumerate(toks):
        if t.depth:
            continue
        if t.key in _PRONOUNS:
            if _dependent(toks, i) is None:
                pronoun = True
            continue
        if t.key in _REFLEXIVES:
            reflexive = reflexive or _dependent(toks, i) is None  # not "өзі басқаратын" (a relative)
            continue
        if not _is_head(toks, i) or _dependent(toks, i) is not None:
            continue
        return _phrase(toks, i, clause)
    if reflexive and resolve:
        found = _antecedent(toks, clause)
        if found:
            return found
    if pronoun and resolve:
        # "Егер бір Тараптың уәкілетті органы … ниеттенсе, ол …": "ол" is that organ
        for s, e in clause.conditions:
            inner = [t for t in clause.toks if s <= t.start < e]
            found = _actor(clause, inner, resolve=False)
            if found:
                return found
    return None


def _nominative(toks: list[_Tok], i: int, clause: _Clause, ending: int) -> str | None:
    """The noun phrase whose head at ``i`` ends in a case ending ``ending`` letters long
    (genitive, dative), as it reads in the nominative: "Тараптардың құзыретті
    органдарына" → "Тараптардың құзыретті органдары". None unless the bare head is an
    actor's."""
    t = toks[i]
    if not _actor_head(t.key[: len(t.key) - ending]):
        return None
    phrase = _phrase(toks, i, clause)
    if not phrase.endswith(t.text):
        return None
    return phrase[: len(phrase) - ending]


def _assignee(clause: _Clause) -> str | None:
    """Who a passive of assignment lays the task on: the dative noun phrase before the
    verb ("… Тараптардың құзыретті органдарына жүктеледі"). None for other passives,
    which name no actor."""
    toks = clause.outside()
    if not toks or not toks[-1].key.startswith(_ASSIGNED):
        return None
    for i in range(len(toks) - 2, max(-1, len(toks) - 5), -1):
        dative = _DATIVE.search(toks[i].key)
        if dative:
            return _nominative(toks, i, clause, dative.end() - dative.start())
    return None


def _antecedent(toks: list[_Tok], clause: _Clause) -> str | None:
    """What a reflexive subject ("өздері тікелей жүзеге асырады") refers to when no
    nominative names it: the clause's first participant, here a possessor in the
    genitive ("Тараптардың уәкілетті органдарының … өзара іс-қимылын")."""
    for i, t in enumerate(toks):
        if t.key in _REFLEXIVES:
            return None
        genitive = _GENITIVE.search(t.low)
        if t.depth or not genitive or _possessor_of_next(toks, i):
            continue
        found = _nominative(toks, i, clause, genitive.end() - genitive.start())
        if found:
            return found
    return None


def _possessor_of_next(toks: list[_Tok], i: int) -> bool:
    """Whether the genitive at ``i`` only modifies a genitive further on, the head of
    the chain ("Тараптардың уәкілетті органдарының": the possessor of "органдарының")."""
    for m in range(i + 1, min(len(toks), i + 4)):
        if _breaks(toks[m]):
            return False
        if _GENITIVE.search(toks[m].low):
            return True
    return False


def _bare_in_compound(t: _Tok, after: _Tok) -> bool:
    """A bare noun that is the first member of a compound ("кеден қызметтері", "ТМД
    органы", "дау Тараптарының")."""
    if not _izafet_next(after.low) and not _GENITIVE.search(after.low):
        return False
    if t.key in _CLOSED or t.key in _POSTPOSITIONS or t.low in FUNCTION_WORDS or _finite(t.low):
        return False
    return not _case_marked(t.low) or t.low in load_lexicon().nominal


def _phrase(toks: list[_Tok], head: int, clause: _Clause) -> str:
    """The noun phrase around an actor head: its modifiers before, and actors
    coordinated with it after ("… органдар және (немесе) Орталық")."""
    end = head
    j = head + 1
    while j < len(toks) and toks[j].key in _COORD and not _breaks(toks[j]):
        k = j + 1
        while k < len(toks) and toks[k].key in _COORD:
            k += 1
        found = None
        for m in range(k, min(len(toks), k + 4)):
            if _breaks(toks[m]):
                break
            if _is_head(toks, m):
                found = m if _dependent(toks, m) in (None, "relative") else None
                break
            u = toks[m]
            if not (u.key in _MODIFIERS or u.text[:1].isupper() or _GENITIVE.search(u.low) or _PARTICIPLE.search(u.key) or u.low in IRREGULAR):
                break
        if found is None:
            # "Орталықтың директоры және (немесе) оны алмастыратын адам"
            break
        end = found
        j = found + 1
    start = head
    open_clause = 2 if _AGENT_NOUN.search(toks[head].low) else 0  # "Құпия ақпаратты пайдаланушылар"
    i = head - 1
    while i >= 0 and head - i <= 14:
        t, after = toks[i], toks[i + 1]
        if _breaks(after) or t.depth != toks[head].depth or t.key in (_IF, _THEN) or t.key == fold("ал"):
            break
        k = t.key
        take = False
        if t.low in FUNCTION_WORDS and k not in _COORD and k not in _IN_PHRASE:
            break
        if k in _MODIFIERS or _GENITIVE.search(t.low) or (_is_head(toks, i) and not _case_marked(t.low)):
            take = True
        elif (_PARTICIPLE.search(k) and _reads_as(t.low, "V", ("PART",))) or _AGENT_NOUN.search(t.low):
            take = True
            open_clause = 3
        elif k in _COMPLEMENTED:
            take = True
            open_clause = 3  # "құпия ақпаратты алуға жауапты уәкілетті орган"
        elif k in _COORD:
            take = True
        elif _DATIVE.search(k) and after.key in _keys("мүше", "қатысушы", "қарсы"):
            take = True
        elif k in _keys("қарсы", "жөніндегі") or _ATTRIBUTIVE.search(k):
            take = True
        elif (
            k == fold("туралы") and i > 0 and i + 2 < len(toks)
            and _bare_in_compound(after, toks[i + 2])
            and not _case_marked(toks[i - 1].low) and not _finite(toks[i - 1].low)
            and not _PARTICIPLE.search(toks[i - 1].key) and toks[i - 1].low not in IRREGULAR
        ):
            take = True  # "Ұжымдық қауіпсіздік туралы шарт ұйымының"
            open_clause = max(open_clause, 1)
        elif _bare_in_compound(t, after) or (t.text[:1].isupper() and not _case_marked(t.low) and k not in _CLOSED and not _finite(t.low)):
            take = True
        elif open_clause > 0 and not _finite(t.low) and k not in _POSTPOSITIONS and not _VN_ACC.search(k) and "ACC_PX" not in (_best(t.low) or ("", "", ()))[2]:
            take = True
            open_clause -= 1
        if not take:
            break
        start = i
        i -= 1
    while start < head and (toks[start].key in _COORD or toks[start].key in _keys("қарсы")):
        start += 1
    return clause.text[toks[start].start - clause.base : toks[end].end - clause.base]


# --- provisions ---------------------------------------------------------------------

@dataclass(slots=True)
class _Prov:
    kind: str  # "alinea" | "point"
    num: str | None
    text: str
    span: Span
    body: int  # treaty offset where the text after the label begins


def _provisions(para: Paragraph) -> list[_Prov]:
    items: list[_Prov] = []
    parts: list[Alinea | Point] = sorted((*para.alineas, *para.points), key=lambda x: x.span.start)
    if not parts:
        parts = [Alinea(text=para.text, span=para.span)]
    for n, part in enumerate(parts):
        text = part.text
        if isinstance(part, Point):
            label = _POINT_LABEL.match(text) if part.kind != "item" else None
            items.append(_Prov("point", part.num, text, part.span, part.span.start + (label.end() if label else 0)))
        else:
            label = _PARA_LABEL.match(text) if n == 0 and para.num is not None else None
            items.append(_Prov("alinea", None, text, part.span, part.span.start + (label.end() if label else 0)))
    return items


def _sentences(text: str, base: int) -> list[tuple[str, int]]:
    """Sentences of a text with their treaty offsets: split at a full stop followed by
    a capital, not after an initial ("Б. Сағынтаев") or a number."""
    out: list[tuple[str, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        nxt = text[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt in "«\"("):
            continue
        word = re.search(r"(\S+)$", text[pos : m.start()])
        if word and (len(word.group(1)) <= 1 or word.group(1).isdigit() or word.group(1).lower() in ("ж", "т.б", "бб", "тт")):
            continue  # an initial ("Б. Сағынтаев"), a number, an abbreviation
        out.append((text[pos : m.end()].rstrip(), base + pos))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], base + pos))
    return [(s, b) for s, b in out if s.strip()]


def _clauses(text: str, base: int) -> list[_Clause]:
    """A sentence's clauses: split at ";" and at a comma (", ал", ", бірақ" included)
    when the part before ends in a predicate of its own; a part without one joins
    the next."""
    toks = _tokens(text, base)
    cuts = [0]
    n = 0  # tokens before the break
    for m in _CLAUSE_BREAK.finditer(text):
        at = base + m.start()
        while n < len(toks) and toks[n].start < at:
            n += 1
        first = next((i for i in range(n) if toks[i].start >= base + cuts[-1]), n)
        if n > first and _predicate(toks[max(first, n - 4) : n]) is not None:
            cuts.append(m.end())
    cuts.append(len(text))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if text[a:b].strip():
            # the first token of a clause keeps its place; its gap is the break
            part = [t for t in toks if base + a <= t.start < base + b]
            out.append(_Clause.of(text[a:b], base + a, part))
    return out


def _condition_text(clause: _Clause) -> str | None:
    if not clause.conditions:
        return None
    s, e = clause.conditions[0]
    return clause.text[s - clause.base : e - clause.base].strip(" ,") or None


def _deadline(clause: _Clause) -> Deadline | None:
    text = clause.text
    for s, e in clause.conditions:
        a, b = s - clause.base, e - clause.base
        if 0 <= a < b <= len(text):
            text = text[:a] + " " * (b - a) + text[b:]
    return find_deadline(text)


def _read(clause: _Clause, pred: _Pred | None = None, context: list[_Tok] | None = None) -> _Reading | None:
    pred = pred or clause.pred
    if pred is None or pred.modality is None:
        return None
    if _descriptive_context(context if context is not None else clause.outside(), pred):
        return None
    actor = _assignee(clause) if pred.passive else _actor(clause)
    return _Reading(pred.modality, pred.marker, actor, _condition_text(clause), _deadline(clause), pred.passive)


def _sentence_readings(text: str, base: int) -> list[_Reading]:
    out = []
    for clause in _clauses(text, base):
        r = _read(clause)
        if r is not None:
            out.append(r)
    return out


def _strip_end(text: str) -> str:
    return text.rstrip().rstrip(".;:,")


def _list_readings(intro: tuple[str, int] | None, points: list[_Prov]) -> tuple[_Reading | None, list[list[_Reading]]]:
    """The readings of a list sentence: its introducing sentence and its points."""
    intro_clause = _Clause.of(_strip_end(intro[0]), intro[1]) if intro else None
    point_clauses = []
    for p in points:
        body = p.text[p.body - p.span.start :]
        point_clauses.append(_Clause.of(_strip_end(body), p.body))

    governing: _Pred | None = intro_clause.pred if intro_clause is not None else None
    gov_clause = intro_clause
    if governing is None and point_clauses and point_clauses[-1].pred is not None:
        governing = point_clauses[-1].pred
        gov_clause = point_clauses[-1]
    context = (intro_clause.outside() if intro_clause else []) + (gov_clause.outside() if gov_clause is not None and gov_clause is not intro_clause else [])
    intro_reading = None
    base_actor = None
    base_condition = None
    base_deadline = None
    if intro_clause is not None:
        base_actor = _actor(intro_clause)
        base_condition = _condition_text(intro_clause)
        base_deadline = _deadline(intro_clause)
    governs = governing is not None and governing.modality is not None and not _descriptive_context(context, governing)
    if governs and intro_clause is not None:
        actor = None if governing.passive else base_actor
        if actor is None and not governing.passive and gov_clause is not intro_clause and gov_clause is not None:
            actor = _actor(gov_clause)
        modality, marker = governing.modality, governing.marker
        if governing.negated_complement and gov_clause is not intro_clause:
            modality, marker = "obligation", governing.marker.split()[-1]  # "Тараптар: … міндеттенеді"
        intro_reading = _Reading(modality, marker, actor, base_condition, base_deadline, governing.passive)

    readings: list[list[_Reading]] = []
    for clause in point_clauses:
        own = clause.pred
        if own is not None and own.modality is None:
            readings.append([])
            continue
        if own is not None and clause is not gov_clause:
            r = _read(clause, own, clause.outside() + (intro_clause.outside() if intro_clause else []))
            if r is None:
                readings.append([])
                continue
            if not r.passive and base_actor is not None and (r.actor is None or not _leads(clause, r.actor)):
                # the point's own subject stands first; a noun further on is not it
                r.actor = base_actor
            r.condition = r.condition or base_condition
            r.deadline = r.deadline or base_deadline
            readings.append([r])
            continue
        if not governs or governing is None:
            readings.append([])
            continue
        modality = governing.modality
        last = clause.toks[-1] if clause.toks else None
        marker = governing.marker
        if clause is not gov_clause:
            if governing.negated_complement and gov_clause is not intro_clause:
                # "5) … бермеуге міндеттенеді" governs "1) … қорғауға" as "undertakes"
                modality = "obligation"
                marker = governing.marker.split()[-1]
            if last is not None and modality == "obligation" and governing.explicit and _NEG_VN.search(last.key):
                modality = "prohibition"
                marker = f"{last.text} … {marker}"
        actor = None
        if not governing.passive:
            own = _actor(clause) if clause is gov_clause else None
            actor = own if own is not None and (base_actor is None or _leads(clause, own)) else base_actor
        readings.append([_Reading(modality, marker, actor, _condition_text(clause) or base_condition, _deadline(clause) or base_deadline, governing.passive)])
    if intro_reading is not None and intro_clause is not None and any(readings) and _only_leads_in(intro_clause, base_actor):
        intro_reading = None  # its points carry the obligation
    return intro_reading, readings


_CATAPHORA = ("мына", "төмендегі")
"""Words that point forward to a list ("мыналар", "мынадай", "төмендегілер")."""


def _only_leads_in(intro: _Clause, actor: str | None) -> bool:
    """Whether a list's lead-in says nothing of its own beyond who acts or that a list
    follows: its subject alone ("Тараптар:"), or a clause whose object is the list
    itself ("… мынадай мәліметтерді қамтуға тиіс:", "… онда мыналар айқындалады:").
    Such a lead-in is no obligation; each of its points is. A lead-in with more in it
    ("… органы … 30 күннен кешіктірмей:", the predicate in the last point) is the
    sentence's head and keeps its reading."""
    if any(t.low.startswith(_CATAPHORA) for t in intro.outside()):
        return True
    return intro.pred is None and actor is not None and intro.text.strip() == actor


def _leads(clause: _Clause, actor: str) -> bool:
    toks = clause.outside()
    return bool(toks) and clause.text[toks[0].start - clause.base :].startswith(actor)


def _merge(readings: list[_Reading]) -> list[_Reading]:
    """One reading per modality, in order of first appearance: the first actor,
    condition and deadline the sentences of that modality state."""
    by: dict[str, _Reading] = {}
    for r in readings:
        have = by.get(r.modality)
        if have is None:
            by[r.modality] = _Reading(r.modality, r.marker, r.actor, r.condition, r.deadline, r.passive)
            continue
        have.actor = have.actor or r.actor
        have.condition = have.condition or r.condition
        have.deadline = have.deadline or r.deadline
    return list(by.values())


def _paragraph(article_num: str, para: Paragraph, skip: list[Span]) -> list[Obligation]:
    provs = _provisions(para)
    found: list[tuple[_Prov, list[_Reading]]] = []
    i = 0
    while i < len(provs):
        p = provs[i]
        j = i + 1 if p.kind == "alinea" else i
        while j < len(provs) and provs[j].kind == "point":
            j += 1
        run = provs[i + 1 : j] if p.kind == "alinea" else provs[i:j]
        if p.kind == "alinea":
            body = p.text[p.body - p.span.start :]
            sentences = _sentences(body, p.body)
            own: list[_Reading] = []
            if run and sentences:
                for s, b in sentences[:-1]:
                    own.extend(_sentence_readings(s, b))
                intro_reading, point_readings = _list_readings(sentences[-1], run)
                if intro_reading is not None:
                    own.append(intro_reading)
            else:
                for s, b in sentences:
                    own.extend(_sentence_readings(s, b))
                point_readings = []
            found.append((p, own))
        else:
            _, point_readings = _list_readings(None, run)
        for q, rs in zip(run, point_readings):
            if any(q.body <= d.start <= q.body + 2 for d in skip):
                rs = []  # a point of a definitions list: "term – definition"
            found.append((q, rs))
        i = j if j > i else i + 1
    out: list[Obligation] = []
    for prov, readings in found:
        for r in _merge(readings):
            out.append(
                Obligation(
                    article=article_num,
                    paragraph=para.num,
                    point=prov.num if prov.kind == "point" else None,
                    modality=r.modality,  # type: ignore[arg-type]
                    actor=r.actor,
                    text=prov.text,
                    marker=r.marker,
                    deadline=r.deadline,
                    condition=r.condition,
                    span=prov.span,
                )
            )
    return out


def find_obligations(treaty: Treaty) -> tuple[Obligation, ...]:
    """Every provision of the articles with a deontic modality, in text order; in a
    text without articles, of its paragraphs (their article number is ""). The
    instructions of an amending instrument's items are none (``_instructions``)."""
    skip = [d.term_span for d in treaty.definitions if d.term_span is not None]  # where defined terms stand
    instructions = _instructions(treaty)
    out: list[Obligation] = []
    token = _DEFINED_ACTORS.set(defined_actors(treaty.definitions))
    try:
        for article in treaty.articles:
            for para in article.paragraphs:
                out.extend(_paragraph(article.num, para, skip))
        for para in treaty.paragraphs:
            out.extend(_paragraph("", para, skip))
    finally:
        _DEFINED_ACTORS.reset(token)
    return tuple(o for o in out if o.span is None or not any(s <= o.span.start < e for s, e in instructions))


def _instructions(treaty: Treaty) -> list[tuple[int, int]]:
    """Where the items of an amending instrument give their instruction ("3-бап мынадай
    редакцияда жазылсын:", "9-бап алып тасталсын"): the item's first line. A jussive
    that rewrites a text binds no one to act; the text it quotes is the amended act's
    and keeps its obligations."""
    out = []
    for amendment in treaty.amendments:
        if amendment.span is not None:
            line = amendment.text.split("\n", 1)[0]
            out.append((amendment.span.start, amendment.span.start + len(line)))
    return out


__all__ = ["find_obligations"]
