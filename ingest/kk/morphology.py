"""A morphological analyser for Kazakh: word form → candidate lemmas, best first.

Kazakh is agglutinative: "мемлекеттерінің" is мемлекет + тер (plural) + і (his/their)
+ нің (genitive). The analyser strips endings from the right following a suffix
grammar — which ending may stand after which — and checks each step against the
phonology that picks an ending's shape:

- vowel harmony: back stems take back endings (тарап-тар), front stems front ones
  (мемлекет-тер);
- consonant assimilation: the ending's first consonant follows the stem's last
  sound (ақпарат-тың, келісім-нің, олар-дың; ақпарат-пен, келісім-мен);
- voicing: a stem-final к/қ/п is written г/ғ/б before a vowel (құқық → құқығы,
  бап → бабы, тап → табылады), so such stems are restored.

Every analysis whose stem the lexicon confirms (``ingest.kk.lexicon``) is a
candidate; readings that explain more of the word by inflection come first. A word the lexicon cannot
confirm goes to the guesser, which prefers the analysis that explains the most of
the word by endings, and never raises. Derivational suffixes (-лық/-лік, -шы/-ші,
-тық/-тік, causatives) are not stripped: such words are dictionary words of their
own ("ақпараттық", "қатысушы"). Verbs are lemmatised to their bare stem
("асырылады" → "асыр"), the stem a dictionary gives in the -у form ("асыру").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ingest.kk.lexicon import Lexicon, load_lexicon

VOWELS = set("аәеөұүыіоуиэюяё")
_HARMONY_VOWELS = {"а": "b", "о": "b", "ұ": "b", "ы": "b", "я": "b", "ю": "b", "ә": "f", "е": "f", "ө": "f", "ү": "f", "і": "f", "и": "f", "э": "f", "ё": "b"}
_VOICELESS = set("пткқсшфхцчщһ")
_VOICED_STOPS = set("бвгғд")
_DEVOICE = {"б": "п", "ғ": "қ", "г": "к"}
_LATIN_TWINS = str.maketrans({"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к", "h": "һ"})


def _final(left: str) -> str:
    """The class of a stem's last sound, as the endings' shapes see it."""
    ch = left[-1]
    if ch in "рйу":
        return "S"  # sonorant glides
    if ch in VOWELS:
        return "V"
    if ch == "л":
        return "L"
    if ch in "мнң":
        return "N"
    if ch in "жз":
        return "Z"
    if ch in _VOICELESS:
        return "K"
    if ch in _VOICED_STOPS:
        return "B"
    return "?"


def _harmony(text: str) -> str | None:
    for ch in reversed(text):
        if ch in _HARMONY_VOWELS:
            return _HARMONY_VOWELS[ch]
    return None


@dataclass(frozen=True, slots=True)
class Ending:
    """One grammatical ending: its shapes, which stem finals each shape follows, and
    what may stand before it (other endings, or a nominal "N" / verbal "V" stem)."""

    tag: str
    shapes: tuple[tuple[str, str], ...]  # (surface, finals it may follow; "*" any)
    after: tuple[str, ...]
    final: bool = True  # may end a word


def _e(tag: str, spec: str, after: str, final: bool = True) -> Ending:
    shapes = []
    for part in spec.split():
        surface, _, finals = part.partition(":")
        shapes.append((surface, finals or "*"))
    return Ending(tag, tuple(shapes), tuple(after.split()), final)


_NOMINAL_BASE = "N PL VN PART"
_PX = "PX3 PX1 PX2 PX1PL PX2PL"
_PX_C = "PX1 PX2 PX1PL PX2PL"  # the possessives that end in a consonant take the plain case endings
ENDINGS: tuple[Ending, ...] = (
    # nominal
    _e("PL", "лар:VS лер:VS дар:LNZ дер:LNZ тар:KB тер:KB", "N VN PART"),
    _e("PX3", "ы:SLNZKB? і:SLNZKB? сы:V сі:V", _NOMINAL_BASE),
    _e("PX1", "ым:SLNZKB? ім:SLNZKB? м:V", _NOMINAL_BASE),
    _e("PX2", "ың:SLNZKB? ің:SLNZKB? ң:V", _NOMINAL_BASE),
    _e("PX1PL", "ымыз:SLNZKB? іміз:SLNZKB? мыз:V міз:V", _NOMINAL_BASE),
    _e("PX2PL", "ыңыз:SLNZKB? іңіз:SLNZKB? ңыз:V ңіз:V", _NOMINAL_BASE),
    _e("GEN", "ның:VN нің:VN дың:SLZ дің:SLZ тың:KB тің:KB", f"{_NOMINAL_BASE} {_PX}"),
    _e("ACC", "ны:V ні:V ды:SLNZ ді:SLNZ ты:KB ті:KB", f"{_NOMINAL_BASE} {_PX_C}"),
    _e("ACC_PX", "н:V", "PX3"),
    _e("DAT", "ға:VSLNZB ге:VSLNZB қа:K ке:K", f"{_NOMINAL_BASE} PX1PL PX2PL"),
    _e("DAT_PX", "на:V не:V", "PX3"),
    _e("DAT_PX1", "а:N е:N", "PX1 PX2"),
    _e("LOC", "да:VSLNZB де:VSLNZB та:K те:K", f"{_NOMINAL_BASE} {_PX_C}"),
    _e("LOC_PX", "нда:V нде:V", "PX3"),
    _e("ABL", "дан:VSLZB ден:VSLZB нан:N нен:N тан:K тен:K", f"{_NOMINAL_BASE} {_PX_C}"),
    _e("ABL_PX", "нан:V нен:V", "PX3"),
    _e("INS", "мен:VS бен:LNZ пен:KB менен:VS", f"{_NOMINAL_BASE} {_PX}"),
    _e("ATTR", "ғы:V гі:V", "LOC LOC_PX"),
    _e("ABESS", "нсыз:V нсіз:V", "PX3"),  # bare -сыз/-сіз derives words ("қамтамасыз")
    _e("EQU", "ша:* ше:* нша:V нше:V", f"N PL {_PX}"),
    _e("SIM", "дай:VSLNZ дей:VSLNZ тай:KB тей:KB", "N PL"),
    # verbal
    _e("VOICE", "л:V ыл:SLNZKB? іл:SLNZKB? н:V ын:SLNZKB? ін:SLNZKB? с:V ыс:SLNZKB? іс:SLNZKB?", "V VOICE", final=False),
    _e("NEG", "ма:VSL ме:VSL ба:NZ бе:NZ па:KB пе:KB", "V VOICE", final=False),
    _e("AOR3", "ады:* еді:* йды:V йді:V", "V VOICE NEG"),
    _e("PAST", "ды:VSLNZ ді:VSLNZ ты:KB ті:KB", "V VOICE NEG"),
    # personal endings; the past's first plural "-дық/-тік" is left out, since it is the
    # shape of the far commoner -лық/-тік derivations ("қоғамдастық")
    _e("PERS", "м:V ң:V ңыз:V ңіз:V ңдар:V ңдер:V мын:* мін:* мыз:* міз:*", "PAST COND AORV"),
    _e("AORV", "а:SLNZKB? е:SLNZKB? й:V", "V VOICE NEG"),
    _e("IMP3", "сын:* сін:*", "V VOICE NEG"),
    _e("COND", "са:* се:*", "V VOICE NEG"),
    _e("CVB", "ып:SLNZKB? іп:SLNZKB? п:V", "V VOICE"),
    _e("PART", "ған:VSLNZ ген:VSLNZ қан:KB кен:KB атын:SLNZKB? етін:SLNZKB? йтын:V йтін:V ар:SLNZKB? ер:SLNZKB?", "V VOICE NEG"),
    # the -мақ future ends a word ("асырылмақ"); taking endings after it, it is a noun ("аумақтар")
    _e("PARTM", "мақ:VSL мек:VSL бақ:NZ бек:NZ пақ:KB пек:KB", "V VOICE NEG"),
    _e("VN", "у:*", "V VOICE NEG"),
)
_BY_TAG = {e.tag: e for e in ENDINGS}
_SHAPES_BY_LAST: dict[tuple[str, str], list[tuple[str, str]]] = {}
for _e_ in ENDINGS:
    for _shape in _e_.shapes:
        _SHAPES_BY_LAST.setdefault((_e_.tag, _shape[0][-1]), []).append(_shape)
del _e_, _shape
_FINAL_TAGS = tuple(e.tag for e in ENDINGS if e.final)

# Pronouns change their stem under case ("ол" → "оның", "бұл" → "мұны"): a closed
# class, given as paradigms rather than rules.
_PRONOUN_STEMS = {"ол": ("он", "о"), "бұл": ("бұн", "мұн", "бұ", "мұ"), "сол": ("сон", "со"), "осы": ("осын", "осы"), "мынау": ("мынан", "мына")}
_PRONOUN_ENDINGS = ("ың", "ы", "ған", "да", "дан", "ымен", "ан", "ны", "ның", "нда", "нан", "мен", "ған", "сы")
_PRONOUN_FORMS = ("оның", "оны", "оған", "онда", "одан", "онымен", "бұның", "мұның", "бұны", "мұны", "бұған", "мұған",
                  "бұнда", "мұнда", "бұдан", "мұдан", "соның", "соны", "соған", "сонда", "содан", "осының", "осыны",
                  "осыған", "осында", "осыдан")


def _irregular_forms() -> dict[str, str]:
    """Pronoun form → lemma: each oblique stem with each case ending, then the forms
    written out (the first reading a form gets stands)."""
    table: dict[str, str] = {"олар": "ол"}
    for lemma_, stems in _PRONOUN_STEMS.items():
        for stem in stems:
            for ending in _PRONOUN_ENDINGS:
                table.setdefault(stem + ending, lemma_)
    first_letter = {"о": "ол", "б": "бұл", "м": "бұл", "с": "сол"}
    for form in _PRONOUN_FORMS:
        table.setdefault(form, "осы" if form.startswith("осы") else first_letter[form[0]])
    return {k: v for k, v in table.items() if len(k) > 2}


IRREGULAR: dict[str, str] = _irregular_forms()


FUNCTION_WORDS = frozenset(
    "туралы бойынша сәйкес және немесе мен бен пен үшін арқылы дейін кейін бастап қарай "
    "қатысты байланысты қарамастан сияқты ретінде ғана тек бірақ алайда әрі егер яғни "
    "сондай-ақ сондықтан өйткені дегенмен шейін гөрі соң жөнінде бірге қоса бұрын әрдайым".split()
)
"""Postpositions, conjunctions and particles: words that do not inflect, whatever a
dictionary lists that looks like their stem ("турал" + "ы")."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """One way to read a word: a stem of a class (N nominal, V verbal) and its endings,
    left to right, with the evidence for it."""

    stem: str
    kind: str
    endings: tuple[str, ...]
    score: float
    confirmed: bool


def _stems(rest: str, next_shape: str) -> Iterator[str]:
    """The stem as written, and the stem as a dictionary writes it when a vowel-initial
    ending voiced or doubled its last consonant."""
    yield rest
    if next_shape and next_shape[0] in VOWELS and len(rest) > 2:
        if rest[-1] in _DEVOICE:
            yield rest[:-1] + _DEVOICE[rest[-1]]
        if rest[-1] not in VOWELS:
            yield rest + rest[-1]  # "процес-інде" ← "процесс"


_KAZAKH_LETTERS = set("әғқңөұүһі")


def _native_devoicing(written: str, restored: str) -> bool:
    """A native word never ends in ғ/г/б, so an unknown one written so before a vowel
    ending ends in қ/к/п ("жетімділігін" → "жетімділік"); a loanword may ("мониторинг"),
    and a word with no Kazakh letter is taken for one."""
    return written[-1] in _DEVOICE and restored == written[:-1] + _DEVOICE[written[-1]] and bool(_KAZAKH_LETTERS & set(written))


def _walk(word: str) -> Iterator[tuple[str, str, tuple[str, ...], tuple[str, ...], int]]:
    """Every segmentation the grammar allows: (stem, kind, tags, shapes, harmony misses)."""
    out: list[tuple[str, str, tuple[str, ...], tuple[str, ...], int]] = []

    def strip(rest: str, allowed: tuple[str, ...], tags: tuple[str, ...], shapes: tuple[str, ...], misses: int) -> None:
        for kind in ("N", "V"):
            if kind in allowed:
                out.append((rest, kind, tags, shapes, misses))
        last = rest[-1:]
        for tag in allowed:
            for surface, finals in _SHAPES_BY_LAST.get((tag, last), ()):
                if not rest.endswith(surface) or len(rest) - len(surface) < 2:
                    continue
                ending = _BY_TAG[tag]
                left = rest[: -len(surface)]
                if not _fits(left, finals):
                    continue
                miss = misses + _harmony_miss(left, surface)
                strip(left, ending.after, (tag,) + tags, (surface,) + shapes, miss)

    strip(word, ("N", "V") + _FINAL_TAGS, (), (), 0)
    yield from out


def _fits(left: str, finals: str) -> bool:
    if finals == "*":
        return True
    final = _final(left)
    return final in finals or (final == "?" and "?" in finals)


_NO_HARMONY = {"мен", "бен", "пен", "менен"}  # the instrumental is a clitic: "заңнамасымен"


def _harmony_miss(left: str, surface: str) -> int:
    if surface in _NO_HARMONY:
        return 0
    mine = _harmony(surface)
    theirs = _harmony(left)
    return int(mine is not None and theirs is not None and mine != theirs)


_RARE = {"PX1", "PX2", "PX1PL", "PX2PL", "PERS", "DAT_PX1", "EQU", "SIM"}
"""Endings legal prose hardly uses (first and second person, similes): a reading that
needs one is kept, but ranked below one that does not."""


def _score(stem: str, kind: str, tags: tuple[str, ...], shapes: tuple[str, ...], misses: int, lexicon: Lexicon, whole: str = "") -> Analysis | None:
    """Rank a reading. A stem the lexicon confirms in its class outranks one it knows in
    the other class, which outranks a guess; within a rank, the reading that explains
    more of the word by inflection wins (the dictionary also lists inflected forms, so
    a longer confirmed stem is no better), with derivation by voice counted against it."""
    if not any(ch in VOWELS for ch in stem):
        return None
    if kind == "N":
        confirmed = stem in lexicon.nominal or (not tags and stem in lexicon.invariable)
        other = stem in lexicon.verbal
    else:
        confirmed = stem in lexicon.verbal
        other = stem in lexicon.nominal or stem in lexicon.invariable
    voices = sum(1 for t in tags if t == "VOICE")
    rare = sum(1 for t in tags if t in _RARE)
    # what the inflections explain, in letters: one long ending ("-атын") is better
    # evidence than a chain of one-letter ones ("-ы-н"); voice derives, it explains nothing
    explained = sum(len(shape) for tag, shape in zip(tags, shapes) if tag != "VOICE")
    evidence = 0.5 * explained - 1.0 * voices - 1.5 * rare
    if kind == "V" and stem[-1] in "июяэё":
        evidence -= 2.0  # Kazakh verb stems do not end so; loanwords that do are nouns
    if kind == "V" and explained <= 1 and whole in lexicon.nominal:
        evidence -= 1.0  # "бап" is the noun, not "ба-п": one letter is too little to make it a verb
    if len(tags) == 1 and len(stem) < 4 and whole in lexicon.nominal and shapes[-1] not in _FINITE_SHAPES | {"ып", "іп"}:
        evidence -= 2.0  # "тұлға", "аумақ" are words, not "тұл-ға", "ау-мақ": a short stem needs more than one ending
    score = None
    if confirmed or other:
        score = (10.0 if confirmed else 6.0) + evidence
    if kind == "V" and not confirmed and tags and shapes[-1] in _FINITE_SHAPES and lexicon.knows(whole):
        # "хабарлайды", "енеді": the dictionary lists some finite verb forms as entries
        # of their own; an unmistakable verb ending outranks such a bare entry
        score = max(score or 0.0, 9.5 + evidence)
    if score is not None:
        confirmed = True
    else:
        # the guesser: explain as much of the word by endings as the grammar allows
        score = evidence
        if tags and lexicon.attested.get(stem):
            score += 1.5  # the corpus uses the bare stem on its own
        if kind == "V":
            score -= 1.0  # an unknown verb is rarer than an unknown noun (loanwords)
        if len(stem) < 3:
            score -= 1.0
    score -= 3.0 * misses
    return Analysis(stem, kind, tags, score, confirmed)


_FINITE_SHAPES = {"ады", "еді", "йды", "йді", "сын", "сін", "атын", "етін", "йтын", "йтін"}


def _finite(tags: tuple[str, ...], shapes: tuple[str, ...]) -> bool:
    """An ending only a verb takes, long enough not to be chance."""
    return shapes[-1] in _FINITE_SHAPES


def analyses(word: str, lexicon: Lexicon | None = None) -> list[Analysis]:
    """Every analysis of a lower-case word, best first."""
    lexicon = lexicon or load_lexicon()
    found: dict[tuple[str, str, tuple[str, ...]], Analysis] = {}
    for rest, kind, tags, shapes, misses in _walk(word):
        for stem in _stems(rest, shapes[0] if shapes else ""):
            if stem != rest and not (stem in lexicon.nominal or stem in lexicon.verbal or _native_devoicing(rest, stem)):
                continue  # a restored stem must be one the lexicon knows, or a native word's
            analysis = _score(stem, kind, tags, shapes, misses, lexicon, word)
            if analysis is None:
                continue
            if stem != rest and not analysis.confirmed:
                analysis = Analysis(stem, kind, tags, analysis.score + 0.25, False)  # the native spelling
            key = (stem, kind, tags)
            if key not in found or found[key].score < analysis.score:
                found[key] = analysis
    return sorted(found.values(), key=lambda a: (-a.score, len(a.stem)))


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ABBREVIATION = re.compile(r"^[А-ЯӘҒҚҢӨҰҮҺІЁ]{2,}$")
_NUMBER_PREFIX = re.compile(r"^\d+(?:[.,]\d+)*-")


def normalise(word: str) -> str:
    """Lower case, Latin look-alikes inside a Cyrillic word made Cyrillic ("үшiн")."""
    word = word.strip()
    if _ABBREVIATION.match(word):
        return word
    word = word.lower()
    if _CYRILLIC.search(word):
        word = word.translate(_LATIN_TWINS)
    return word.replace("ё", "е")


@lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[str, ...]:
    """Candidate lemmas of a word form, best first; never raises.

    "Тараптардың" → ("тарап",), "8-бабына" → ("бап",), "ҰҚШҰ-ға" → ("ҰҚШҰ",),
    "іс-қимылын" → ("іс-қимыл",), "асырылады" → ("асыр", …), "қүралдарының" → ("құрал",).
    """
    try:
        return _analyse(word)
    except RecursionError:  # pragma: no cover - a pathological token
        return (word.lower(),)


def _analyse(raw: str) -> tuple[str, ...]:
    word = raw.strip()
    if not word or not any(ch.isalpha() for ch in word):
        return (word,) if word else ()
    # an abbreviation or a number with a case ending: "ҰҚШҰ-ға", "ТМД-ның", "8-бабына"
    head, sep, tail = word.partition("-")
    if sep and _ABBREVIATION.match(head.translate(_LATIN_TWINS)):
        return (head.translate(_LATIN_TWINS),)
    if _NUMBER_PREFIX.match(word):
        rest = _NUMBER_PREFIX.sub("", word)
        return _analyse(rest) if any(ch.isalpha() for ch in rest) else (word,)
    if _ABBREVIATION.match(word.translate(_LATIN_TWINS)):
        return (word.translate(_LATIN_TWINS),)
    word = normalise(word)
    if "-" in word.strip("-"):
        # a hyphenated compound inflects on its last part: "іс-қимылын" → "іс-қимыл"
        first, _, last = word.rpartition("-")
        return tuple(f"{first}-{lemma}" for lemma in _lemmas(last)) or (word,)
    return _lemmas(word)


def _lemmas(word: str) -> tuple[str, ...]:
    lexicon = load_lexicon()
    if word in IRREGULAR:
        return (IRREGULAR[word],)
    if word in FUNCTION_WORDS:
        return (word,)
    found = analyses(word, lexicon)
    if "ү" in word:
        # "ү" printed for "ұ": repaired only when the lexicon confirms the repaired word
        # and, if it knows both spellings, the corpus uses the "ұ" one more often
        known = any(a.confirmed for a in found)
        for variant in _u_variants(word):
            variant_found = analyses(variant, lexicon)
            confirmed = any(a.confirmed for a in variant_found) or variant in lexicon.attested
            if confirmed and (not known or lexicon.attested.get(variant, 0) > lexicon.attested.get(word, 0)):
                return _lemmas(variant)
    return _choose(word, found)


def _u_variants(word: str) -> Iterator[str]:
    positions = [i for i, ch in enumerate(word) if ch == "ү"]
    for i in positions:
        yield word[:i] + "ұ" + word[i + 1 :]
    if len(positions) > 1:
        yield word.replace("ү", "ұ")


def _choose(word: str, found: list[Analysis]) -> tuple[str, ...]:
    """The candidates worth keeping: confirmed stems close to the best; else the
    guesser's best readings and the word itself. A pronoun stem found under an ending
    ("олар-дың") is named by its lemma ("ол")."""
    return tuple(dict.fromkeys(IRREGULAR.get(c, c) for c in _candidates(word, found)))


def _candidates(word: str, found: list[Analysis]) -> tuple[str, ...]:
    confirmed = [a for a in found if a.confirmed]
    out: list[str] = []
    if confirmed:
        best = confirmed[0].score
        for a in confirmed:
            if a.score > best - 1.0 and a.stem not in out:
                out.append(a.stem)
        out = out[:3]
        if word not in out and any(a.stem == word and a.confirmed and not a.endings for a in found):
            out.append(word)  # a dictionary word that also reads as inflected ("тұлға", "тұл-ға")
        return tuple(out)
    if found:
        best = found[0].score
        for a in found:
            if a.score >= best - 0.5 and a.stem not in out:
                out.append(a.stem)
    if word not in out:
        out.append(word)
    return tuple(out[:4])


def lemma(word: str) -> str:
    """The best lemma of a word (the word itself if nothing better is known)."""
    candidates = analyse(word)
    return candidates[0] if candidates else word


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Whether the lexicon confirms some reading of the word."""
    w = normalise(word)
    return w in IRREGULAR or any(a.confirmed for a in analyses(w))
