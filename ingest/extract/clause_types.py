"""What kind of clause each article is: a transparent, weighted-cue scorer.

Every clause type (ids of ``docs/clause-types.md``) has a few cue patterns, each with
a weight: the typical wording of such a clause ("даулы мәселелер … келіссөздер арқылы
шешіледі", "белгіленбеген мерзімге жасалады", "шығыстарды өздері көтереді"). Patterns
are Kazakh stems with their inflections, matched on lower-cased, folded text
(``_text.lk_re``: whatever the case and the spelling of ә ғ қ ң ө ұ ү һ), so they read
the language, never a file. An article's score for a type:

- text: for every cue, weight × (1 + ½ for each further match, up to three), after the
  titles of the acts the article cites are blanked ("… ақпаратты қорғау туралы
  келісімде" names another act's subject);
- heading (when the article has one): the type's best cue × ``HEAD_FINAL`` when it is
  the heading's head, × ``HEADING_WEIGHT`` otherwise. A Kazakh noun phrase ends in its
  head: a cue ending in the last 40 % of the heading, or coordinated with it by "және",
  is the head ("… шараларды жүзеге асыруға арналған шығыстар" is about expenses);
- sentences: "күшіне енеді" in a sentence about acceding states counts for accession,
  not entry into force; an article that opens with "Депозитарий …" is about the depositary;
- position: final-clause types × 1.2 in the last 40 % of the articles, definitions and
  purpose × 1.3 among the first three.

The article gets its top type when that scores at least ``FLOOR``, then every type
scoring at least ``CLOSE`` × the top and ``SECOND_FLOOR``, best first; a definitions
article gets definitions only. ``explain(treaty)`` gives the scores.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ingest.extract._text import lk_re
from ingest.extract.clause_model import THRESHOLD, learned_types
from ingest.model import Article, Span, Treaty

CLOSE = 0.5
FLOOR = 3.0
SECOND_FLOOR = 1.5
HEADING_WEIGHT = 1.0
HEAD_FINAL = 3.0

_W = r"[а-яәғқңөұүһіё\w-]*"  # the rest of a word (its endings)

CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "purpose": (
        (r"(?:келісім|шарт|хаттама|конвенция|меморандум)\w*\s+(?:негізгі\s+)?мақсат(?:ы|тары)(?![\w])(?!\s+үшін)", 5),
        (r"(?:келісім|шарт|хаттама|конвенция)\w*\s+мәні", 4),
        (r"негіздерін\s+айқындайды", 3),
        (r"нысанасы\s+болып\s+табыл", 5),
        (r"мақсатына\s+жету", 2),
    ),
    "definitions": (
        (rf"(?:термин|ұғым)(?:дар|дер){_W}\s+(?:мен\s+анықтамалар\s+)?(?:\S+\s+){{0,5}}?(?:білдіреді|мағынада|пайдаланылады|қолданылады)", 10),
        (r"анықтамас", 2),
        (r"(?:^|\n)\s*(?:\d+\)\s*)?[\"«][^\"»\n]{2,80}[\"»]\s*[–—-]", 1.5),
        (r"(?:^|\n)\s*(?:\d+\)\s*)?[^\s\"«–—-][^\n–—]{1,60}?\s[–—-]\s", 0.5),
        (r"дегеніміз|деп\s+түсініледі", 3),
    ),
    "principles": (
        (r"қағидат(?:тар)?(?:ы|ына|тарына|тарын|тары|тарға)?(?![\w])", 2),
        (r"егемендік\s+теңдіг|егемендікті\s+құрметте", 3),
        (r"ішкі\s+істер\w*\s+араласпау", 3),
    ),
    "scope": (
        (r"қолданылу\s+аяс(?!ында)", 4),  # not "… аясында": within the scope
        (r"қолданылу\s+салас", 3),
        (r"(?:қатер|қауіп)\w*\s+ретінде", 3),
        (r"ретінде\s+қарастыр", 3),
        (r"қарастырады", 1.5),
        # carve-outs ("… ерекшеліктер", "осы Келісім … қолданылмайды"): scope, by the
        # labelling conventions of docs/clause-types.md
        (r"ерекшелік", 2),
        (r"қолданылмайды", 2),
    ),
    "cooperation": (
        (r"ынтымақтаст\w*(?![\w])(?!\s+(?:процес|барыс|шеңбер))", 1.5),
        (r"ынтымақтастықты\s+жүзеге\s+асыр", 3),
        (r"ынтымақтастас", 1.5),
        (r"өзара\s+іс-қимыл(?!ын\s+ұйымдастыру)", 1.5),
        (r"бірлес(?:кен|іп)", 1),
        (r"жәрдемдес", 1.5),
        (r"күш-жігер", 1.5),
        (r"тәжірибе\s+алмас", 1.5),
        (r"бағыттар", 1),
        (r"консультациялар\s+(?:жүргізеді|өткізеді)", 1.5),
        (r"ынталандыр", 1),
        (r"кадрлар\s+даярла", 1),
    ),
    "competent_authorities": (
        (r"құзыретті\s+орган\w*\s+(?:болып\s+)?(?:табылады|айқындалсын)", 5),
        (r"құзыретті\s+орган\w*\s*:[^.]{0,400}?болып\s+табылады", 4),
        (r"құзыретті\s+органдар(?:ының|дың)\s+(?:\S+\s+){0,2}?өзара\s+іс-қимыл", 4),
        (r"орган\w*\s+(?:\S+\s+){0,3}?тізбес", 4),
        (r"құзыретті\s+орган", 1),
        (r"(?:атаулары|функциялары|құрылымы)\s+(?:\S+\s+){0,3}?өзгер", 2),
    ),
    "classification_levels": (
        (r"құпиялылық\s+дәрежелер\w*\s+(?:\S+\s+){0,12}?салыстырыл", 6),
        (r"салыстырмалылығ", 4),
        (r"сәйкес\s+келетін\s+(?:құпиялылық\s+)?(?:грифтер|белгілер)", 3),
        (r"сыныпта(?:лады|у|луы)(?![\w])", 3),
        (r"[\"«][^\"»\n]{2,40}[\"»]\s+[\"«][^\"»\n]{2,40}[\"»]\s+[\"«][^\"»\n]{2,40}[\"»]", 3),
    ),
    "information_protection": (
        (r"қорға(?:у|луы|луын|лған|латын|уға|уды|уын)\w*", 1.5),
        (r"ақпаратты\s+қорғау", 2),
        (r"қорға(?:луын|уды|уын)\s+қамтамасыз", 3),
        (r"қорғау\s+(?:жөніндегі\s+|бойынша\s+)?шара", 3),
        (r"үшінші\s+тарап\w*\s+(?:\S+\s+){0,8}?(?:бермейді|ашылмайды|берілмейді|бермеуге|жол\s+бермеу)", 3),
        (r"жазбаша\s+келісімінсіз", 2),
        (r"құпиялылық\s+(?:грифі|белгісі)", 1.5),
        (r"санкция(?:сыз|ланбаған)\s+қол\s+жеткізу", 2),
        (r"рұқсат", 1),
        (r"құпия\s+ақпаратпен\s+жұмыс\s+істеу", 3),
        (r"құпиясыздандыр", 1.5),
        (r"есепке\s+алын", 1),
        (r"тұтастығ", 1),
        (r"қолжетімділ", 1),
    ),
    "information_exchange": (
        (r"ақпарат\w*\s+алмас", 2.5),
        (r"алмас(?:ады|уды|уын|уға|уы)(?![\w])", 1),
        (r"ақпаратты?\s+(?:беру|береді|алуы|ұсын|жіберу|алу)", 2),
        (r"құпия\s+ақпаратты\s+беру", 3),
        (r"ақпараттық\s+өзара\s+іс-қимыл", 2),
        (r"электрондық\s+хабарлама", 1),
        (r"келіп\s+түс", 1.5),
        (r"(?:алынған|алынатын|жіберілетін)\s+(?:құпия\s+)?ақпарат", 1.5),
        (r"беріл(?:етін|ген)\s+(?:құпия\s+)?ақпарат|ақпарат\w*\s+беріл(?:еді|уі)", 2),
        (r"ақпарат\w*\s+(?:келіп\s+)?түсу", 1.5),
        (r"ақпараттандыр|хабарлау\s+тәртібі", 1.5),
        (r"ақпаратты\s+берген", 2),
        (r"(?:алуы|беруі|берілуі|ұсынылуы)\s+мүмкін|ұсынылады", 1.5),
    ),
    "requests": (
        (r"сұрау\s+салу(?:да|шы)", 3),
        (r"сұрау\s+салынатын", 2),
        (r"сұрау\s+салу", 1),
        (r"мыналар\s*:?.{0,400}?көрсетіледі", 2),
    ),
    "information_systems": (
        (r"ақпараттық\s+жүйе", 2.5),
        (r"ақпараттық\s+жүйе\w*\s+(?:\S+\s+){0,2}?құқықтық\s+режим", 3),
        (r"мемлекетаралық\s+ақпараттық\s+жүйе", 2),
        (r"деректер\s+банк", 3),
        (r"ақпараттық\s+ресурстар", 1),
    ),
    "visits": (
        (r"сапар", 2),
    ),
    "contracts": (
        (r"шарттар\w*\s+(?:\S+\s+){0,5}?жеке\s+бөлім", 5),
        (r"(?:жасайтын|жасалатын)\s+шарттар", 3),
        (r"келісімшарт", 1.5),
    ),
    "breach": (
        (r"санкция(?:сыз|ланбаған)\s+тара(?:т|л)", 2.5),
        (r"жоғалт", 1.5),
        (r"залал", 2.5),
        (r"нұқсан", 1.5),
        (r"жауапты\s+болады", 2.5),
        (r"өтеу\s+тәртібі", 2.5),
        (r"бұзыл(?:уы|ған)", 1.5),
        (r"тергеу", 1),
    ),
    "expenses": (
        (r"шығыс(?:тар|тары|тарды|тарын|тарға|тарына)?(?![\w])", 3),
        (r"(?:өздері|өз\s+бетінше|дербес|өз\s+есебінен)\s+(?:дербес\s+)?(?:көтереді|төлейді)", 4),
    ),
    "relation_to_other_treaties": (
        (r"басқа\s+(?:да\s+)?(?:халықаралық\s+)?шарттар", 3),
        (r"қозғамайды", 3),
        (r"шектемейді", 2),
        (r"туындайтын\s+(?:\S+\s+){0,6}?құқықтар\w*\s+мен\s+міндеттемелер", 3),
        (r"қатысы(?![\w])", 1),
        (r"ажырамас\s+бөлігі\s+болып\s+табылады", 3),
    ),
    "dispute_resolution": (
        (r"(?<![\w])дау(?:лы|лар|ларды|ды|ы|ын|ға|да|дың|лардың)?(?![\w])", 1.5),
        (r"(?:даулы\s+мәселелер|даулар|дау|келіспеушіліктер)\s+(?:\S+\s+){0,12}?(?:шешіледі|реттеледі)", 5),
        (r"келіссөздер", 1),
        (r"консультациялар", 1),
        (r"төрелік|арбитраж", 2),
    ),
    "amendments": (
        (r"өзгерістер\s+мен\s+толықтырулар", 5),
        (r"өзгерістер\s+(?:\S+\s+){0,3}?енгізіл", 3),
        (r"хаттама(?:мен|лармен)", 1),
    ),
    "entry_into_force": (
        (r"күшіне\s+ен(?:еді|ді)", 4),
        (r"күшіне\s+ену", 1),
        (r"жазбаша\s+хабарлама", 1),
    ),
    "duration": (
        (r"белгіленбеген\s+мерзімге", 5),
        (r"мерзімсіз", 4),
        (r"қолданылу\s+мерзімі", 4),
        (r"жыл(?:ға|дық)?\s+мерзімге", 4),
        (r"ұзартыл", 2),
    ),
    "withdrawal": (
        (r"(?:Келісімнен|Шарттан|Хаттамадан|Конвенциядан)\s+шығ", 4),
        (r"(?:қолданылуын|қолданысын|қолданысы|қолданылуы)\s+(?:\S+\s+){0,2}?тоқтат", 3),
        # "… тоқтатылуы" of the treaty, not "орындаудың тоқтатылуы" (of something the
        # treaty governs): a genitive before it names what ends, and only the treaty
        # or its operation ("қолданысының") makes that a termination clause
        (r"(?:(?:келісім|шарт|хаттама|конвенция|қолданыс|қолданылу)\w*\s+|(?<![ыі]ң\s))тоқтатыл", 1),
        (r"(?:тоқтата|шыға)\s+алады|шығуға\s+құқылы", 2),
        (r"денонсац", 4),
    ),
    "accession": (
        (r"қосылуы\s+үшін\s+ашық", 6),
        (r"қосыл(?:у|уы|уға|ған|атын|уына)(?![\w])", 1.5),
        (r"қосылу\s+туралы\s+құжат", 2),
    ),
    "depositary": (
        (r"депозитари(?:й|йі)\s+болып\s+табыл", 6),
        (r"депозитарий", 0.5),
        (r"депозитарий\s+(?:\S+\s+){0,25}?хабардар\s+етеді", 3),
    ),
    "language": (
        (r"(?<![\w-])тіл(?:дер)?(?![\w-])", 2),  # "Тіл", "Тілдер" (a heading): the nominative only
        (r"жұмыс\s+тілі", 5),
        (r"(?:тілінде|тілдерінде)\s+(?:\S+\s+){0,4}?(?:данада|мәтін)", 3),
        (r"бірдей\s+күші\s+бар", 3),
    ),
}

TYPES = tuple(CUES)
FINAL_TYPES = frozenset({"entry_into_force", "duration", "withdrawal", "accession", "depositary",
                         "language", "amendments", "dispute_resolution", "relation_to_other_treaties"})
EARLY_TYPES = frozenset({"definitions", "purpose"})
EXCLUSIVE_TYPES = frozenset({"definitions"})  # its terms name every other topic in passing

_COMPILED = {t: tuple((lk_re(p), w) for p, w in cues) for t, cues in CUES.items()}
SUBJECT_GATES = {
    "information_protection": lk_re(r"ақпарат|мәлімет|құпия"),
    "information_exchange": lk_re(r"ақпарат|мәлімет|хабар|құжат"),
    "information_systems": lk_re(r"ақпарат|деректер"),
}
"""Types about information score only in an article that speaks of information: their
generic cues ("қорғау", "рұқсат", "алмасады") mean other things in a treaty on
investments ("инвестицияларды қорғау") or transport ("рұқсат" is a permit)."""
DEFINITIONS_ARTICLE = 2
"""An article in which the treaty defines this many terms or more is a definitions
article, whatever its words (the definitions extractor has found them)."""
_ENTRY_IN_FORCE = lk_re(r"күшіне\s+ен(?:еді|ді)")
_ACCESSION_WORD = lk_re(r"қосыл(?:у|уы|уға|ған|атын|уына)(?![\w])")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_DEPOSITARY_FIRST = lk_re(r"^\s*депозитарий\b")
_COORDINATED = lk_re(r"^\s*(?:,|және\s|мен\s|бен\s|пен\s|немесе\s)")


def _count_score(pattern, weight: float, text: str) -> float:
    n = pattern.count(text, 3)
    return weight * (1 + 0.5 * (n - 1)) if n else 0.0


def _heading_score(cues, heading: str) -> float:
    """The best cue of a type in the heading: × ``HEAD_FINAL`` when it is (one of) the
    heading's head(s), the end of the phrase or a member coordinated with it."""
    best = 0.0
    length = len(heading.rstrip(" ."))
    for pattern, weight in cues:
        for m in pattern.finditer(heading):
            final = m.end() >= 0.6 * length or bool(_COORDINATED.match(heading[m.end():]))
            if not final:
                # the match may end inside a word: look at what ends the word
                rest = re.match(r"\w*", heading[m.end():]).group(0)
                final = bool(_COORDINATED.match(heading[m.end() + len(rest):]))
            best = max(best, weight * (HEAD_FINAL if final else HEADING_WEIGHT))
    return best


def _mask(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _cited_titles(text: str):
    """Spans of the titles of acts the article cites ("2013 жылғы 25 қазандағы … құпия
    ақпаратты қорғау туралы келісімде"): their words name another act's subject."""
    from ingest.extract.references import cited_act_spans

    return cited_act_spans(text)


def score_article(article: Article, index: int = 0, count: int = 1) -> dict[str, float]:
    """Every type's score for one article (``index`` of ``count`` articles)."""
    text = _mask(article.text or "", _cited_titles(article.text or ""))
    # "Қосылатын мемлекет үшін осы Келісім … күшіне енеді": the accession's effect, not
    # the treaty's entry into force
    accession_sentences = [m.span() for m in _SENTENCE.finditer(text) if _ACCESSION_WORD.search(m.group(0))]
    entry_text = _mask(text, accession_sentences) if accession_sentences else text
    scores: dict[str, float] = {}
    for type_, cues in _COMPILED.items():
        body = entry_text if type_ == "entry_into_force" else text
        gate = SUBJECT_GATES.get(type_)
        if gate is not None and not gate.search(text) and not gate.search(article.heading or ""):
            continue
        total = sum(_count_score(pattern, weight, body) for pattern, weight in cues)
        if article.heading:
            total += _heading_score(cues, article.heading)
        if total:
            scores[type_] = total
    if _DEPOSITARY_FIRST.search(text):
        scores["depositary"] = scores.get("depositary", 0.0) + 4.0
    if count > 1:
        late = index >= 0.6 * count
        for type_ in list(scores):
            if type_ in FINAL_TYPES and late:
                scores[type_] *= 1.2
            if type_ in EARLY_TYPES and index < 3:
                scores[type_] *= 1.3
    return scores


def choose(scores: dict[str, float]) -> tuple[str, ...]:
    """The top type and every type close to it, best first."""
    ranked = sorted(((s, t) for t, s in scores.items() if s > 0), key=lambda st: (-st[0], TYPES.index(st[1])))
    if not ranked or ranked[0][0] < FLOOR:
        return ()
    top, first = ranked[0]
    if first in EXCLUSIVE_TYPES:
        return (first,)
    return (first,) + tuple(t for s, t in ranked[1:] if s >= CLOSE * top and s >= SECOND_FLOOR)


def explain(treaty: Treaty) -> dict[str, dict[str, float]]:
    """The scores behind ``assign_clause_types``: article num → type → score."""
    count = len(treaty.articles)
    return {a.num: score_article(a, i, count) for i, a in enumerate(treaty.articles)}


def combine(cues: tuple[str, ...], learned: Sequence[tuple[str, float]], threshold: float = THRESHOLD) -> tuple[str, ...]:
    """An article's types: the cue scorer's (transparent, and exact on the wording it
    knows), then the classifier's over ``threshold``, most probable first; when neither
    gives one, the classifier's most probable type, so every article with words has a
    type. A definitions article keeps definitions only."""
    if cues and cues[0] in EXCLUSIVE_TYPES:
        return cues
    out = list(cues) + [t for t, p in learned if p >= threshold and t not in cues]
    if not out and learned and learned[0][1] > 0:
        out = [learned[0][0]]
    return tuple(out)


def cue_types(treaty: Treaty) -> dict[str, tuple[str, ...]]:
    """Article num → the types the cue scorer chooses; an article where the treaty defines
    ``DEFINITIONS_ARTICLE`` terms is a definitions article, one holding the items of an
    amending instrument an amendments article (read ``treaty.definitions`` and
    ``treaty.amendments``: ``extract`` finds them first)."""
    cues = {num: choose(scores) for num, scores in explain(treaty).items()}
    defined = Counter(d.article for d in treaty.definitions)
    for num, count in defined.items():
        if count >= DEFINITIONS_ARTICLE and num in cues:
            cues[num] = ("definitions",)
    for num in {a.source.article for a in treaty.amendments}:
        if num in cues:  # an amending instrument's items: this article amends another act
            cues[num] = ("amendments",)
    return cues


def assign_clause_types(treaty: Treaty) -> dict[str, tuple[str, ...]]:
    """Article num → clause-type ids, most important first: the cue scorer's and the
    learned classifier's (``ingest.extract.clause_model``), ``combine``d."""
    cues = cue_types(treaty)
    learned = dict(zip((a.num for a in treaty.articles), learned_types(treaty.articles), strict=True))
    return {num: combine(types, learned.get(num, ())) for num, types in cues.items()}


def text_clause_types(text: str, heading: str | None = None) -> tuple[str, ...]:
    """The clause types of a text that is no treaty's article (a draft clause a user
    pastes), read as the one article of a one-article text: the cue scorer's and the
    learned classifier's, ``combine``d as for every article."""
    article = Article(
        num="1", heading=heading, implicit=True, text=text, span=Span(0, len(text)), header_span=None, heading_span=None, paragraphs=()
    )
    return combine(choose(score_article(article)), learned_types([article])[0])
