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
  бап → бабы, тап → табылады), so such stems are restored;
- vowel drop: a high ы/і after a sonorant (р, л, й, у) drops from a noun's last
  syllable before a vowel-initial possessive (орын → орны, ауыз → аузы, халық →
  халқы, мүлік → мүлкі), so it is put back when the dictionary inflects that noun;
- merged letters: "и" writes ы/і + й, so a verb stem in -ы/-і takes -йды, -йтын, -й
  as "қамтиды", "оқитын", "қамти"; "я" and "ю" write й + а, й + у ("қояды", "қою" of
  қой-). The dictionary names such verbs by their -у form ("қамту", "қою"), and so
  does the analyser ("қамт", "қой").

The grammar covers the noun's plural, possessive (all persons) and case stacks, also on
vowel-final nouns (заңнама-сы-н, мекеме-сі-нен); the verb's voice (passive -л/-ыл/-н,
reflexive -н/-ын, reciprocal -с/-ыс), negation (also inside participles: -маған,
-майтын), aorist, past, conditional, imperative, the personal endings (-мын/-мін,
-мыз/-міз, -ңыз), the participles (-ған, -атын/-йтын, -ар, -мақ, and -ғанша
"until"), converbs (-ып/-п, -а/-е/-й) and the verbal noun -у.

Every analysis whose stem the lexicon confirms (``ingest.kk.lexicon``) is a
candidate; readings that explain more of the word by inflection come first. The
hunspell list holds inflected forms as entries of their own ("алады", "бере", "орны",
"есеб"), so an entry alone does not make a word a lemma: one the dictionary also
inflects does ("сала": саланы, саласы…), and an entry that is a converb the
dictionary also lists the present on ("ала": алады, алатын), a vowel-dropped
possessive ("халқы") or a voiced stem ("есеб") gives way to the lemma it is a form
of. Where the word alone cannot decide (a converb "ала" or the adjective, "еркін"
free or ерік + і + н), both readings stay candidates, so search finds either.

A word the lexicon cannot confirm goes to the guesser, which prefers the analysis
that explains the most of the word by endings, backed where the corpus uses the
stem (alone, in two case forms, or a verb with a verb's ending), and never raises.
Derivational suffixes (-лық/-лік, -шы/-ші, -тық/-тік, -ма/-ме, causatives) are not
stripped: such words are dictionary words of their own ("ақпараттық", "қатысушы",
"міндеттеме"); an agent noun in -ушы/-уші of a known verb is confirmed by that verb
("уағдаласушы"). Verbs are lemmatised to their bare stem ("асырылады" → "асыр"), the
stem a dictionary gives in the -у form ("асыру").

What is left to the word's context: a converb the dictionary does not list the present
on ("сезіне" reads as сез + і + не), a form the dictionary lists whose lemma it lacks
("хаттамасын-да"), a plural that is also a word ("салдар": сал + дар), the adverb
"енді" (now) against ен + ді, and the first person plural past -дық/-дік, which has
the shape of the far commoner -лық/-тік derivations ("қоғамдастық").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
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
_CONS = "SLNZKB?"  # any consonant
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
    _e("EQU", "ша:* ше:* нша:V нше:V", f"N PL PART {_PX}"),  # on a participle: "-ғанша" (until)
    _e("SIM", "дай:VSLNZ дей:VSLNZ тай:KB тей:KB", "N PL"),
    # verbal
    _e("VOICE", "л:V ыл:SLNZKB? іл:SLNZKB? н:V ын:SLNZKB? ін:SLNZKB? с:V ыс:SLNZKB? іс:SLNZKB?", "V VOICE", final=False),
    _e("NEG", "ма:VSL ме:VSL ба:NZ бе:NZ па:KB пе:KB", "V VOICE", final=False),
    # "и" writes ы/і + й: a stem in -ы/-і takes -йды, -йтын, -й as "қамтиды", "қамтитын",
    # "қамти"; the stem is named as the dictionary's -у form names it ("қамту" → "қамт")
    _e("AOR3", f"ады:* еді:* йды:V йді:V иды:{_CONS} иді:{_CONS}", "V VOICE NEG"),
    _e("PAST", "ды:VSLNZ ді:VSLNZ ты:KB ті:KB", "V VOICE NEG"),
    # personal endings; the past's first plural "-дық/-тік" is left out, since it is the
    # shape of the far commoner -лық/-тік derivations ("қоғамдастық")
    _e("PERS", "м:V ң:V ңыз:V ңіз:V ңдар:V ңдер:V мын:* мін:* мыз:* міз:*", "PAST COND AORV"),
    _e("AORV", f"а:SLNZKB? е:SLNZKB? й:V и:{_CONS}", "V VOICE NEG"),
    _e("IMP3", "сын:* сін:*", "V VOICE NEG"),
    _e("COND", "са:* се:*", "V VOICE NEG"),
    _e("CVB", "ып:SLNZKB? іп:SLNZKB? п:V", "V VOICE"),
    _e("PART", f"ған:VSLNZ ген:VSLNZ қан:KB кен:KB атын:SLNZKB? етін:SLNZKB? йтын:V йтін:V итын:{_CONS} итін:{_CONS} ар:SLNZKB? ер:SLNZKB?", "V VOICE NEG"),
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
# "я", "ю" write й + а, й + у: a stem in -й takes -ады, -атын, -а, -у as "қояды",
# "қоятын", "қоя", "қою" (қой-); after и (= ій) the й is not written again ("тию")
_Y_SHAPES_BY_LAST: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
for _tag in ("AOR3", "AORV", "PART", "VN"):
    for _surface, _finals in _BY_TAG[_tag].shapes:
        if _surface[0] in ("а", "у"):
            _written = {"а": "я", "у": "ю"}[_surface[0]] + _surface[1:]
            _Y_SHAPES_BY_LAST.setdefault((_tag, _written[-1]), []).append((_written, _surface, _finals))
del _tag, _surface, _finals, _written
_Y_WRITTEN = frozenset(w for shapes in _Y_SHAPES_BY_LAST.values() for w, _, _ in shapes)
_FINAL_TAGS = tuple(e.tag for e in ENDINGS if e.final)
_PARADIGM_SHAPES = tuple(shape for tag in ("PL", "PX3", "GEN", "ACC", "DAT", "LOC", "ABL", "INS") for shape in _BY_TAG[tag].shapes)
_VERB_SHAPES = tuple(shape for tag in ("PART", "AOR3", "VOICE") for shape in _BY_TAG[tag].shapes if shape[0] not in ("ар", "ер"))
_VOICE = {v: k for k, v in _DEVOICE.items()}

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
    "сондай-ақ сондықтан өйткені дегенмен шейін гөрі соң жөнінде бірге қоса бұрын әрдайым "
    "қарсы қана өте аса".split()
)
"""Postpositions, conjunctions, particles and degree adverbs: words that do not
inflect, whatever a dictionary lists that looks like their stem ("турал" + "ы",
"қар(ы)с" + "ы", "өт" + "е")."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """One way to read a word: a stem of a class (N nominal, V verbal) and its endings,
    left to right, with the evidence for it."""

    stem: str
    kind: str
    endings: tuple[str, ...]
    score: float
    confirmed: bool


_HIGH_VOWEL = {"b": "ы", "f": "і"}
_AFTER_VOWEL = frozenset({"л", "н", "п", "ма", "ме"})  # voice, converb, negation on a vowel-final verb stem
_POSSESSIVES = frozenset({"PX3", "PX1", "PX2", "PX1PL", "PX2PL"})
_DROP_AFTER = frozenset("рлйу")  # the vowel drops after a sonorant: ор(ы)н, ау(ы)з, ер(і)к, қал(ы)п; not іш(і)к


def _stems(rest: str, next_shape: str, next_tag: str, lexicon: Lexicon) -> Iterator[str]:
    """The stem as written, and the stem as a dictionary writes it when a vowel-initial
    ending changed it; a restored stem must be one the lexicon knows (or, for voicing,
    a native word's):

    - voicing: a final к/қ/п is written г/ғ/б before a vowel (бап → бабы, есеп →
      есебі). The dictionary lists some voiced stems as entries of their own ("есеб",
      "шег", to hang vowel endings on); when it knows the voiceless one, that is the
      lemma and the voiced spelling is not offered;
    - a doubled final consonant is written single ("процес-інде" ← "процесс");
    - vowel drop: a high ы/і between the last two consonants of a noun drops before a
      vowel-initial possessive when a sonorant (р, л, й, у) stands before it (орын →
      орны, ауыз → аузы, ерік → еркі, мүлік → мүлкі, халық → халқы, қалып → қалпы). The dictionary may list the shortened stem too
      ("қалп"): when it knows the full one, that is the lemma."""
    if not (next_shape and next_shape[0] in VOWELS and next_shape[0] != "и" and len(rest) > 2):
        yield rest  # (an ending in "и" begins with й: "қамт-иды" is қамты + йды)
        return
    last = rest[-1]
    vowel = _HIGH_VOWEL.get(_harmony(rest) or "")
    if next_tag in _POSSESSIVES and vowel and rest[-2] in _DROP_AFTER and last not in VOWELS | _DROP_AFTER and _drops(rest[:-1] + vowel + last, lexicon):
        yield rest[:-1] + vowel + last
        return
    if last in _DEVOICE:
        devoiced = rest[:-1] + _DEVOICE[last]
        if _knows_stem(devoiced, lexicon):
            yield devoiced
            return
        yield rest
        if _native_devoicing(rest, devoiced):
            yield devoiced
    else:
        yield rest
    if last in VOWELS:
        return
    if _knows_stem(rest + last, lexicon):
        yield rest + last


_DROP_DOUBT = 1.25


def _dropped_possessive(stem: str, lexicon: Lexicon) -> bool:
    """Whether a dictionary entry is a noun's px3 with the vowel dropped ("орны", "халқы",
    "мүлкі"): the hunspell list holds such forms as entries of their own."""
    if len(stem) < 4 or stem[-1] not in "ыі" or stem[-3] not in _DROP_AFTER or stem[-2] in VOWELS | _DROP_AFTER:
        return False
    return _drops(stem[:-3] + stem[-3] + stem[-1] + stem[-2], lexicon)


def _drops(full: str, lexicon: Lexicon) -> bool:
    """Whether a restored stem is a noun that may drop its vowel: one the dictionary
    knows as a noun and inflects ("орын": орынға, орында…), not a verb stem or a word
    that merely has those letters ("жарыт", "ішік")."""
    return full in lexicon.nominal and _inflected(full, lexicon.nominal) >= 1


def _knows_stem(stem: str, lexicon: Lexicon) -> bool:
    return stem in lexicon.nominal or stem in lexicon.verbal


def voiced(stem: str) -> str:
    """The stem as written before a vowel: a final п, қ, к voiced (бап → баб, шық → шығ)."""
    return stem[:-1] + _VOICE[stem[-1]] if stem and stem[-1] in _VOICE else stem


def _paradigm(stem: str, words: Collection[str]) -> int:
    """How many forms of a nominal stem with one case, possessive or plural ending a
    word list holds ("сала": саланы, саланың, саласы, салаға).

    The hunspell list holds inflected forms beside their lemmas ("алады", "бере",
    "орны", "есебі"), so an entry alone does not make a word a lemma; one the list (or
    the corpus) also inflects does."""
    if len(stem) < 2:
        return 0
    before_vowel = voiced(stem)
    return sum((before_vowel if surface[0] in VOWELS else stem) + surface in words for surface in _fitting(_PARADIGM_SHAPES, _final(stem), _harmony(stem)))


@lru_cache(maxsize=256)
def _fitting(shapes: tuple[tuple[str, str], ...], final: str, harmony: str | None) -> tuple[str, ...]:
    """The surfaces of some shapes that a stem with this last sound and harmony takes
    (``_fits`` and ``_harmony_miss`` for a whole class of stems at once)."""
    return tuple(
        surface for surface, finals in shapes
        if (finals == "*" or final in finals)
        and (surface in _NO_HARMONY or harmony is None or _harmony(surface) in (None, harmony))
    )


@lru_cache(maxsize=200_000)
def _inflected(stem: str, nominal: frozenset[str]) -> int:
    """``_paradigm`` over the dictionary's nominal entries, remembered (a frozenset
    hashes once)."""
    return _paradigm(stem, nominal)


def _verb_attested(stem: str, words: Mapping[str, int]) -> bool:
    """Whether the corpus uses a guessed verb stem: alone, in its -у form, or with an
    ending only a verb takes ("куәландыратын", "куәландырылған"; not the -ар/-ер
    participle, which is written as a plural)."""
    if stem in words or stem + "у" in words:
        return True
    return any(stem + surface in words for surface in _fitting(_VERB_SHAPES, _final(stem), _harmony(stem)))


_KAZAKH_LETTERS = set("әғқңөұүһі")


def _native_devoicing(written: str, restored: str) -> bool:
    """A native word never ends in ғ/г/б, so an unknown one written so before a vowel
    ending ends in қ/к/п ("жетімділігін" → "жетімділік"); a loanword may ("мониторинг"),
    and a word with no Kazakh letter is taken for one."""
    return written[-1] in _DEVOICE and restored == written[:-1] + _DEVOICE[written[-1]] and bool(_KAZAKH_LETTERS & set(written))


def _walk(word: str) -> Iterator[tuple[str, str, tuple[str, ...], tuple[str, ...], int]]:
    """Every segmentation the grammar allows: (stem, kind, tags, shapes, harmony misses)."""
    out: list[tuple[str, str, tuple[str, ...], tuple[str, ...], int]] = []
    merged = "я" in word or "ю" in word

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
            for written, surface, finals in _Y_SHAPES_BY_LAST.get((tag, last), ()) if merged else ():
                if not rest.endswith(written):
                    continue
                left = rest[: -len(written)]
                left = left if left.endswith("и") else left + "й"
                if len(left) < 2 or not _fits(left, finals):
                    continue
                strip(left, _BY_TAG[tag].after, (tag,) + tags, (written,) + shapes, misses + _harmony_miss(left, surface))

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


_PARADIGM_LEMMA = 2
"""How many case forms of a word the corpus must use for it to count as a lemma against
a reading with rare endings (``_corpus_lemma_first``)."""

_RARE = {"PX1", "PX2", "PX1PL", "PX2PL", "PERS", "DAT_PX1", "EQU", "SIM"}
"""Endings legal prose hardly uses (first and second person, similes): a reading that
needs one is kept, but ranked below one that does not."""


def _score(stem: str, kind: str, tags: tuple[str, ...], shapes: tuple[str, ...], misses: int, lexicon: Lexicon, whole: str = "",
           whole_is_lemma: bool = False, restored: bool = False, dropped: bool = False) -> Analysis | None:
    """Rank a reading. A stem the lexicon confirms in its class outranks one it knows in
    the other class, which outranks a guess; within a rank, the reading that explains
    more of the word by inflection wins (the dictionary also lists inflected forms, so
    a longer confirmed stem is no better), with derivation by voice counted against it.

    A dictionary entry cut into a short stem and one ending ("тұл-ға", "ба-п") is
    taken for chance, not grammar, unless the cut restored the stem by an alternation
    (voicing, vowel drop: "баб-ы", "орн-ы" are grammar), or it leaves a verb stem and
    its converb -а/-е/-й and the dictionary does not inflect the entry
    (``whole_is_lemma``): "ала", "бере", "жасай" are listed converbs, "сала", "қала"
    nouns the dictionary inflects. Nor is a verb's own -у form ("тану" = тан-у, the
    form the lexicon read the verb from)."""
    if not any(ch in VOWELS for ch in stem):
        return None
    if kind == "V" and shapes and (shapes[0][0] == "и" or shapes[0] in _Y_WRITTEN) and stem not in lexicon.verbal:
        return None  # "и", "я", "ю" for a merged й only on a verb the dictionary knows: "бейресми" is no "бейресм-и"
    if kind == "N":
        confirmed = stem in lexicon.nominal or (not tags and stem in lexicon.invariable) or _agent_noun(stem, lexicon)
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
    if kind == "V" and stem[-1] in "июяэё" and stem not in lexicon.verbal:
        evidence -= 2.0  # Kazakh verb stems do not end so (but "ти-", "ки-": тию, кию); loanwords that do are nouns
    entry = whole in lexicon.nominal
    chance = entry and not (kind == "N" and restored) and not (kind == "V" and _listed_converb(whole, tags, lexicon, whole_is_lemma))
    if kind == "V" and explained <= 1 and chance:
        evidence -= 1.0  # "бап" is the noun, not "ба-п": one letter is too little to make it a verb
    if kind == "N" and dropped and entry:
        evidence -= _DROP_DOUBT  # vowel drop against a dictionary word: "айқын" (clear) before "айық-ы-н", both kept
    if kind == "N" and not restored and _dropped_possessive(stem, lexicon):
        evidence -= _DROP_DOUBT  # and the dictionary's own entry "халқы", "орны" is халық, орын + px3
    if kind == "N" and tags and len(stem) < 3 and whole_is_lemma:
        evidence -= 2.0  # "орын" is a word the dictionary inflects, not "ор-ы-н": two letters are too little a stem for it
    if len(tags) == 1 and len(stem) < 4 and chance and shapes[-1] not in _FINITE_SHAPES | {"ып", "іп"} and not (tags == ("VN",) and len(stem) > 2):
        evidence -= 2.0  # "тұлға", "аумақ" are words, not "тұл-ға", "ау-мақ": a short stem needs more than one ending
    if "NEG" in tags and _inflected(stem + "".join(shapes[: tags.index("NEG") + 1]), lexicon.nominal) >= 2:
        # "-ма/-ме" also derives nouns from verbs (міндеттеме, көшірме, хабарлама): where
        # the dictionary inflects such a noun, "міндеттемесін" is its px3 + accusative
        # before it is a negated imperative
        evidence -= 1.5
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
        if tags and _corpus_uses(stem, kind, lexicon.attested):
            score += 1.5  # the corpus uses the stem on its own, or inflects it elsewhere
        if kind == "V":
            score -= 1.0  # an unknown verb is rarer than an unknown noun (loanwords)
        if len(stem) < 3:
            score -= 1.0
    score -= 3.0 * misses
    return Analysis(stem, kind, tags, score, confirmed)


def _listed_converb(whole: str, tags: tuple[str, ...], lexicon: Lexicon, whole_is_lemma: bool) -> bool:
    """Whether a dictionary entry read as a verb stem + the converb -а/-е/-й is that
    converb, listed as a form ("ала", "бере", "жасай"): the converb is the stem of the
    present, so the dictionary lists the present on it too ("алады", "алатын"), and it
    does not inflect the entry as a noun ("сала", "қала" it does)."""
    return tags[-1:] == ("AORV",) and not whole_is_lemma and any(whole + s in lexicon.nominal for s in _PRESENT_ON_CONVERB)


_PRESENT_ON_CONVERB = ("ды", "ді", "тын", "тін")
_FINITE_SHAPES = {"ады", "еді", "йды", "йді", "иды", "иді", "яды", "сын", "сін", "атын", "етін", "йтын", "йтін", "итын", "итін", "ятын"}
_AGENT_SUFFIXES = ("ушы", "уші")


def _agent_noun(stem: str, lexicon: Lexicon) -> bool:
    """An agent noun in -ушы/-уші of a verb the dictionary knows ("уағдаласушы",
    "тасымалдаушы") is a word: derivation is not stripped, but the verb confirms it."""
    return stem.endswith(_AGENT_SUFFIXES) and stem[:-3] in lexicon.verbal


def _corpus_uses(stem: str, kind: str, attested: Mapping[str, int]) -> bool:
    """Whether the corpus backs a guessed stem: a noun used alone or with two of its
    case endings ("хаттаманы", "хаттамамен"), a verb used alone, in its -у form or with
    a verb's ending."""
    if kind == "V":
        return _verb_attested(stem, attested)
    return bool(attested.get(stem)) or _paradigm(stem, attested) >= 2


def _finite(tags: tuple[str, ...], shapes: tuple[str, ...]) -> bool:
    """An ending only a verb takes, long enough not to be chance."""
    return shapes[-1] in _FINITE_SHAPES


def analyses(word: str, lexicon: Lexicon | None = None) -> list[Analysis]:
    """Every analysis of a lower-case word, best first."""
    lexicon = lexicon if lexicon is not None else load_lexicon()  # an empty lexicon is falsy, and still the one asked for
    found: dict[tuple[str, str, tuple[str, ...]], Analysis] = {}
    whole_is_lemma = _inflected(word, lexicon.nominal) >= 2
    for rest, kind, tags, shapes, misses in _walk(word):
        for stem in _stems(rest, shapes[0] if shapes else "", tags[0] if tags else "", lexicon):
            if kind == "V" and shapes and shapes[0] in _AFTER_VOWEL and stem[-1] in "ыі" and stem not in lexicon.verbal and stem[:-1] in lexicon.verbal:
                # a verb stem in -ы/-і ("қамты-лады", "таны-лса") is named as its -у form
                # names it ("қамту", "тану": ы/і is not written before у)
                stem = stem[:-1]
            dropped = len(stem) == len(rest) + 1 and stem[-2] in "ыі" and stem[:-2] == rest[:-1]
            analysis = _score(stem, kind, tags, shapes, misses, lexicon, word, whole_is_lemma, stem != rest, dropped)
            if analysis is None:
                continue
            if stem != rest and not analysis.confirmed:
                analysis = Analysis(stem, kind, tags, analysis.score + 0.25, False)  # the native spelling
            key = (stem, kind, tags)
            if key not in found or found[key].score < analysis.score:
                found[key] = analysis
    ranked = sorted(found.values(), key=lambda a: (-a.score, len(a.stem)))
    return _corpus_lemma_first(word, ranked, lexicon)


def _corpus_lemma_first(word: str, ranked: list[Analysis], lexicon: Lexicon) -> list[Analysis]:
    """The word itself before a best reading that needs rare endings, when the corpus
    inflects the word in ``_PARADIGM_LEMMA`` cases: "хаттама" (a protocol, missing from
    the dictionary) is no "хатта-м-а" (to my …), since the corpus has "хаттаманы",
    "хаттамамен". A best reading with ordinary endings ("жеткізгіш-тер") stays first."""
    if not ranked or not any(t in _RARE for t in ranked[0].endings):
        return ranked
    if _paradigm(word, lexicon.attested) < _PARADIGM_LEMMA:
        return ranked
    bare = next((a for a in ranked if a.stem == word and a.kind == "N" and not a.endings), None)
    if bare is None:
        return ranked
    return [Analysis(word, "N", (), ranked[0].score, True)] + [a for a in ranked if a is not bare]


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
