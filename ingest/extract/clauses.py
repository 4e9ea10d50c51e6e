"""The clause attributes negotiators compare, each citing its article.

Each attribute is read from the article that carries the clause: the article whose
text has the clause's operative wording ("… шешіледі", "… шыға алады", "… күшіне
енеді", "… мерзімге жасалады", "… енгізілуі мүмкін", "… көтереді"), preferring the
one the clause-type scorer labelled so (the first label first). Then, in that article:

- dispute_resolution: ``methods`` are the means named (келіссөздер → negotiations,
  консультациялар / кеңесу → consultations, сот → court, төрелік / арбитраж / аралық
  сот → arbitration); a dispute "not settled within N months" that a party "may take
  to" a forum is an ``escalation`` {forum, after_months}, and that forum is not one of
  the ``methods`` (002: "алты ай ішінде … реттемесе … Сотына қарауға бере алады" →
  methods negotiations + consultations, escalation to the Court after 6 months);
  ``obligations_continue`` when a sentence keeps the obligations performed
  ("міндеттемелерін орындауды жалғастырады") while a dispute is settled;
- withdrawal: ``notice_months`` is the shortest period before leaving or before
  termination takes effect ("6 (алты) ай өткен соң", "кемінде алты ай бұрын",
  "3 (үш) айдан кешіктірмей"; days count when they make whole months, years × 12);
  ``survival`` when protection duties or obligations outlive the agreement or a
  party's withdrawal ("… тоқтатылуына … қарамастан күшінде қалады", "… шыққан
  жағдайда … қорғау … шаралардың қолданылуы жалғасады"), read anywhere in the articles;
- entry_into_force: in the sentence that makes the treaty itself enter into force
  (not an acceding or a late party): ``notification`` is the ordinal of the written
  notification ("төртінші" → 4, "3-ші" → 3), "last" for "соңғы", "all" when the
  notification of every party is meant; ``delay_days`` "30 күн өткен соң" → 30, 0
  when it enters into force on the day of receipt ("… алған күннен бастап");
- duration: ``indefinite`` for "белгіленбеген мерзімге" / "мерзімсіз"; ``years`` for
  "бес жыл мерзімге", "қолданылу мерзімі бес жыл"; ``renewal_years`` for "келесі бес
  жылдық кезеңдерге … ұзартылады". A treaty tied to another treaty's term ("… шарттың
  қолданылу мерзімі ішінде қолданылады") is not indefinite and has no years;
- amendments: ``by_protocol`` when the amendments are made by protocols ("хаттамалармен");
- expenses: ``own_costs`` when each party bears its own costs ("өздері көтереді");
- classification_levels: the equivalence table of classification levels, one
  {language: label} row per level. Quoted cells in an article ("Өте құпия" "Iňňän gizlin"
  "Совершенно секретно") take their column's language from the header line above
  them (Қазақстан → kk, Түрікменстан → tk, Орыс / Ресей → ru …), else from the script
  of the cells (Kazakh letters → kk, Turkmen Latin → tk, other Cyrillic → ru). An
  annex table with one row per party ("Қазақстан Республикасы | Өте құпия | Құпия")
  gives one row per level column, keyed by the cells' language: when every party's
  level is printed in Kazakh, as in the seeds, the rows are {"kk": label}; a party's
  own marks that are no level names ("Орталық 001") stay in ``Annex.tables`` only.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.extract._text import NUMBER_WORDS, QUANTITY, in_months, lk_re, quantity
from ingest.extract.docs import text_doc, text_docs
from ingest.extract.wording import SPANS_KEY
from ingest.kk.lex_attrs import number_value
from ingest.model import (
    Amendments,
    Article,
    Clauses,
    DisputeResolution,
    Duration,
    EntryIntoForce,
    Escalation,
    Expenses,
    Treaty,
    Withdrawal,
)
from ingest.patterns import fold


def _sentences(text: str) -> list[str]:
    """The sentences of an article as the ``kk`` pipeline splits them (every line starts
    one; "2.1)" and a paragraph's "1." do not end one), from the shared Doc."""
    return [s.text.strip() for s in text_doc(text).sents if s.text.strip()]


# --- which article ------------------------------------------------------------------

def _types(treaty: Treaty) -> dict[str, tuple[str, ...]]:
    types = {a.num: a.clause_types for a in treaty.articles}
    if treaty.articles and not any(types.values()):
        from ingest.extract.clause_types import assign_clause_types

        types = assign_clause_types(treaty)
    return types


_UNLABELLED = 1 << 10
"""The label rank of an article not labelled with the clause's type: after every one."""


def _wording(treaty: Treaty) -> list[Counter[str]]:
    """Per article, how often each clause's operative wording stands in it
    (``kk_clause_wording``'s spans on the article's shared Doc)."""
    return [Counter(s.label_ for s in doc.spans.get(SPANS_KEY, ())) for doc in text_docs([a.text for a in treaty.articles])]


def _article(treaty: Treaty, types: dict[str, tuple[str, ...]], wording: list[Counter[str]], kind: str) -> Article | None:
    """The article that carries clause ``kind``: one labelled with the type before one
    that only has its operative wording ("… реттеледі" also closes articles about other
    things); among those, operative wording first (``ingest.extract.wording``, by
    lemma), then the label's rank, then the article saying it most often (a definition
    that mentions how disputes are settled says it once), then order.
    Chosen leave-one-treaty-out (``bench/generalization.py``: 105 of 123 gold fields
    against 103 with the wording first)."""
    best: tuple[tuple[int, int, int, int, int], Article] | None = None
    for i, (article, counts) in enumerate(zip(treaty.articles, wording, strict=True)):
        labels = types.get(article.num, ())
        matches = counts[kind]
        has_words = matches > 0
        if kind == "entry_into_force" and has_words:
            has_words = _entry_sentence(article.text) is not None
        if not has_words and kind not in labels:
            continue
        rank = labels.index(kind) if kind in labels else _UNLABELLED  # a labelled article first
        key = (0 if kind in labels else 1, 0 if has_words else 1, rank, -matches, i)
        if best is None or key < best[0]:
            best = (key, article)
    return best[1] if best else None


# --- dispute resolution -------------------------------------------------------------

_METHODS = (
    ("negotiations", lk_re(r"келіссөз")),
    ("consultations", lk_re(r"консультаци|кеңесу")),
    ("arbitration", lk_re(r"(?<![\w-])(?:төрелік|арбитраж|аралық\s+сот)")),
    ("court", lk_re(r"(?<![\w-])сот(?:тар|қа|ы|ына|тың|ының|та|ында|пен|ымен|тарға)?(?![\w-])")),
)
_NOT_SETTLED = lk_re(
    r"реттемесе|реттелмесе|шешілмесе|шеше\s+алмаса|реттей\s+алмаса|уағдаласпаса|шешпесе"
    r"|(?:реттел|шешіл|реттей\s+ал|шеше\s+ал)меген\s+(?:жағдайда|кезде)"
)
_FORUM = lk_re(
    r"(?<![\w-])(?P<head>төрелік\s+сот|аралық\s+сот|төрелік|арбитраж|сот)(?P<ending>[а-яәғқңөұүһі]*)"
    r"(?=\s+(?:\S+\s+){0,2}?(?:бере|беруге|жүгін|жіберу|қарауға|беріледі|жіберіледі|шағым))",
)
# what cannot be part of a forum's name: the dispute, the parties, pronouns
_NOT_NAME = lk_re(r"^(?:дау\w*|тарап\w*|бұл|осы|оны|ол|кез|келгені|өз|өзінің|\W+)$")
_CONTINUE = lk_re(r"жалғастыр|орындай\s+береді|сақтай\s+береді|тоқтатпайды|тоқтата\s+тұрмайды")
_OBLIGATION = lk_re(r"міндеттеме|ережелер")
_CASE_ENDING = re.compile(fold(r"(?:на|не|ға|ге|қа|ке|ны|ні|да|де|та|те|ның|нің|тың|тің|дың|дің|н)$"))


def _forum_name(sentence: str, m) -> str:
    """"… бұл дауды Еуразиялық экономикалық қоғамдастықтың Сотына" → "Еуразиялық
    экономикалық қоғамдастықтың Соты"; "төрелік сотқа" → "төрелік сот"."""
    head, ending = m.group("head"), m.group("ending")
    stripped = _CASE_ENDING.sub("", fold(ending.lower()))
    ending = ending[: len(stripped)]
    name: list[str] = []
    for word in reversed(sentence[: m.start()].split()[-6:]):
        if _NOT_NAME.match(word) or word.endswith((",", ";", ":")):
            break
        name.insert(0, word)
    while name and not name[0][:1].isupper():
        name.pop(0)
    return " ".join(name + [head + ending])


_ARBITRAL_BEFORE = lk_re(r"(?<![\w-])(?:төрелік|аралық)\s+$")
_METHOD_ORDER = ("negotiations", "consultations", "court", "arbitration")
_FORUMS = ("court", "arbitration")


_POINT = re.compile(r"^\s*(?:\d+(?:\.\d+)*\)|\(?[а-яәіa-z]\)|\([ivx]+\))\s")
_FORUM_WORD = lk_re(r"(?<![\w-])(?P<head>төрелік\s+сот|аралық\s+сот|төрелік|арбитраж|сот)(?P<ending>[а-яәғқңөұүһі]*)")


def _escalation_lists(sentences: list[str]) -> dict[int, int]:
    """Sentences that are the points of an escalation's list, each with the index of its
    lead-in: "Егер дау … 6 (алты) ай ішінде шешілмесе, … инвестор дауды:" followed by
    "2.1) … ұлттық соттарына;", "2.2) … Төрелік регламентіне сәйкес; …". The points are
    the forums the dispute may go to, not the means of settling it."""
    out: dict[int, int] = {}
    for i, sentence in enumerate(sentences):
        if not (sentence.rstrip().endswith(":") and _NOT_SETTLED.search(sentence)):
            continue
        for j in range(i + 1, len(sentences)):
            if not _POINT.match(sentences[j]):
                break
            out[j] = i
    return out


def _months(sentence: str) -> int | None:
    for q in QUANTITY.finditer(sentence):
        return in_months(*quantity(q))
    return None


def _dispute(article: Article) -> DisputeResolution:
    escalation = None
    methods: set[str] = set()
    continues = False
    sentences = _sentences(article.text)
    listed = _escalation_lists(sentences)
    for index, sentence in enumerate(sentences):
        if index in listed:  # a forum of an escalation's list
            forum_word = _FORUM_WORD.search(sentence)
            if escalation is None and forum_word:
                escalation = Escalation(forum=_forum_name(sentence, forum_word), after_months=_months(sentences[listed[index]]))
            continue
        forum = None
        if escalation is None and _NOT_SETTLED.search(sentence):
            forum = _FORUM.search(sentence)
            if forum:
                escalation = Escalation(forum=_forum_name(sentence, forum), after_months=_months(sentence))
        for name, pattern in _METHODS:
            if escalation is not None and forum is None and name in _FORUMS:
                continue  # once a dispute may go on to a forum, courts named later are that forum's procedure
            for m in pattern.finditer(sentence):
                if forum is not None and forum.start("head") <= m.start() < forum.end("ending"):
                    continue  # the forum of the escalation is no method
                if name == "court" and _ARBITRAL_BEFORE.search(sentence[max(0, m.start() - 12) : m.start()]):
                    continue  # "төрелік сот", "аралық сот": arbitration
                methods.add(name)
                break
        continues = continues or bool(_CONTINUE.search(sentence) and _OBLIGATION.search(sentence))
    return DisputeResolution(article=article.num, methods=tuple(m for m in _METHOD_ORDER if m in methods),
                             escalation=escalation, obligations_continue=continues)


# --- withdrawal ---------------------------------------------------------------------

_LEAVING = lk_re(r"шығ|тоқтат|денонсац|хабарлама|хабардар")
_NOTICE_AFTER = lk_re(r"^\s*(?:өткен\s+соң|өткеннен\s+кейін|өткенге\s+дейін|бұрын|кешіктір|кейін|ішінде)")
_NOTICE_BEFORE = lk_re(r"(?:кемінде|кем\s+дегенде)\s*$")
# a sentence that ends the treaty or a party's part in it …
_ENDING = lk_re(r"тоқтат\w*|аяқтал\w*|шық(?:қан|са|қаннан)\w*|шығу\w*|шыға\s+алады|шығатын\w*|денонсац\w*")
# … and keeps something going
_GOES_ON = lk_re(r"күшінде\s+қалады|жалғас\w*|қолданыла\s+береді|қолданылуын\s+сақтайды|күшін\s+сақтайды|қолданылады")
_PROTECTION = lk_re(r"қорға|міндеттеме|шаралар")


def _notice_months(text: str) -> int | None:
    found: list[int] = []
    for sentence in _sentences(text):
        if not _LEAVING.search(sentence) or _survives(sentence):
            continue
        for q in QUANTITY.finditer(sentence):
            value, unit = quantity(q)
            if _NOTICE_AFTER.match(sentence[q.end() :]) or _NOTICE_BEFORE.search(sentence[: q.start()]):
                months = in_months(value, unit)
                if months is not None:
                    found.append(months)
    return min(found) if found else None


_ENDED = lk_re(r"тоқтатыл\w*\s+(?:жағдайда|кезде|кезден|соң|кейін)|тоқтат\w*\s+(?:\S+\s+){0,12}?әсер\s+етпейді")
"""Termination as the circumstance of the sentence, not its predicate: "… тоқтатылған
жағдайда, … сұрау салулар … күшінде қалады", "… тоқтату … әсер етпейді"."""
_UNAFFECTED = lk_re(r"күшінде\s+қалады|қолданыла\s+береді|әсер\s+етпейді|орындала\s+береді")


def _survives(sentence: str) -> bool:
    """Protection duties or obligations outlive the treaty or a party's withdrawal; or
    something goes on once the treaty has ended (requests under way, investments made
    while it was in force)."""
    if _IN_FORCE.search(sentence):
        return False
    if _ENDING.search(sentence) and _GOES_ON.search(sentence) and _PROTECTION.search(sentence):
        return True
    return bool(_ENDED.search(sentence) and _UNAFFECTED.search(sentence))


def _survival(treaty: Treaty) -> bool:
    return any(_survives(s) for article in treaty.articles for s in _sentences(article.text))


# --- entry into force ---------------------------------------------------------------

_IN_FORCE = lk_re(r"күшіне\s+ен(?:еді|ді)")
_ACCESSION = lk_re(r"қосыл")
_NOT_THE_TREATY = lk_re(
    r"қосыл|кейін\s+орындаған|кешірек\s+орындаған|кейінірек|уақытша\s+қолдан|(?:Орталық|мемлекет\w*|Тарап\w*)\s+үшін",
)
_ORDINAL_NOTIFICATION = lk_re(
    rf"(?P<ord>{NUMBER_WORDS}|\d+\s*-\s*(?:ші|шы|інші|ыншы|нші|ншы))\s+(?:\S+\s+){{0,2}}?хабарлама"
)
_LAST_NOTIFICATION = lk_re(r"соңғы\s+(?:\S+\s+){0,2}?(?:хабарлама|хабар(?![\w]))")
_NOTIFICATION = lk_re(r"хабарлама|хабарлар|нота")
_FROM_THE_DAY = lk_re(r"күн(?:і|інен|нен|інде|і\s+)\s*(?:бастап|күшіне)|күнінен|күннен\s+бастап")
_DELAY_AFTER = lk_re(r"^\s*(?:өткен\s+соң|өткеннен\s+кейін|кейін|күні|өткенде)")
_NTH_DAY = lk_re(r"(?<![\w-])(?P<n>\d{1,3})\s*-\s*күні\s+күшіне")


def _entry_sentence(text: str) -> str | None:
    """The sentence that makes the treaty itself enter into force."""
    for sentence in _sentences(text):
        if _IN_FORCE.search(sentence) and not _NOT_THE_TREATY.search(sentence):
            return sentence
    for sentence in _sentences(text):
        if _IN_FORCE.search(sentence) and not _ACCESSION.search(sentence):
            return sentence
    return None


def _entry(article: Article) -> EntryIntoForce:
    sentence = _entry_sentence(article.text) or ""
    notification: int | str | None = None
    m = _ORDINAL_NOTIFICATION.search(sentence)
    if m:
        word = re.sub(r"\s*-\s*", "-", m.group("ord").strip().lower())
        notification = number_value(word)
    if notification is None:
        if _LAST_NOTIFICATION.search(sentence):
            notification = "last"
        elif _NOTIFICATION.search(sentence):
            notification = "all"
    delay = None
    ordinal = _NTH_DAY.search(sentence)  # "соңғы хабар алынған соң 30-күні күшіне енеді"
    if ordinal:
        delay = int(ordinal.group("n"))
    for q in QUANTITY.finditer(sentence) if delay is None else ():
        value, unit = quantity(q)
        if unit == "day" and _DELAY_AFTER.match(sentence[q.end() :]):
            delay = value
            break
    if delay is None and _FROM_THE_DAY.search(sentence) and not any(
        quantity(q)[1] in ("month", "year") for q in QUANTITY.finditer(sentence)
    ):
        delay = 0
    return EntryIntoForce(article=article.num, notification=notification, delay_days=delay)


# --- duration -----------------------------------------------------------------------

_INDEFINITE = lk_re(r"белгіленбеген\s+мерзім|белгісіз\s+мерзім|мерзімсіз|шектеусіз\s+мерзім|мерзімі\s+шектелмеген|мерзімі\s+жоқ")
_TERM = lk_re(r"мерзім|қолданылады|жасалады|күшінде\s+болады")
_RENEWAL = lk_re(r"ұзартыл|созыл")


def _duration(article: Article) -> Duration:
    text = article.text
    indefinite = bool(_INDEFINITE.search(text))
    years = renewal = None
    for sentence in _sentences(text):
        if not _TERM.search(sentence) and not _RENEWAL.search(sentence):
            continue
        for q in QUANTITY.finditer(sentence):
            value, unit = quantity(q)
            if unit != "year" or value is None or value > 200:
                continue
            rest = sentence[q.end() : q.end() + 60]
            if _RENEWAL.search(sentence) and (re.match(r"\S*\s*(?:кезең|мерзімге\s+ұзарт)", rest) or re.search(r"келесі\s*$", sentence[: q.start()])):
                renewal = renewal or value
            elif years is None and not indefinite:
                years = value
    return Duration(article=article.num, indefinite=indefinite, years=years, renewal_years=renewal)


# --- amendments, expenses ------------------------------------------------------------

_PROTOCOL = lk_re(r"хаттама(?:мен|лармен|ларымен|лар\s+түрінде|\s+түрінде)|хаттама\w*\s+(?:\S+\s+)?ресімдел")
_OWN_COSTS = lk_re(
    r"(?:өздері|өз\s+бетінше|дербес|өз\s+есебінен)\s+(?:\S+\s+){0,2}?(?:көтереді|төлейді|өтейді)"
    r"|өз\s+(?:\S+\s+)?шығыстарын\s+(?:\S+\s+){0,3}?(?:көтереді|өтейді)",
)


def _amendments(article: Article) -> Amendments:
    return Amendments(article=article.num, by_protocol=bool(_PROTOCOL.search(article.text)))


def _expenses(article: Article) -> Expenses:
    return Expenses(article=article.num, own_costs=bool(_OWN_COSTS.search(article.text)))


# --- classification levels ------------------------------------------------------------

LEVEL_WORDS = lk_re(
    r"құпия|маңызды|қызмет\s+бабында|секрет|важност|служебн|gizlin|ähmiýet|çäkli|"
    r"secret|confidential|restricted|maxfiy|qizli|mahfiy|gizli|çok\s+gizli",
)
_LANG_KEYWORDS = (
    ("kk", r"қазақ"), ("tk", r"түрікмен|türkmen"), ("ru", r"орыс|ресей|русск|российск"),
    ("uz", r"өзбек|oʻzbek|o'zbek"), ("ky", r"қырғыз"), ("tg", r"тәжік"), ("az", r"әзірбайжан|әзербайжан"),
    ("be", r"беларус"), ("hy", r"армян|армения"), ("en", r"ағылшын|english"), ("zh", r"қытай"),
    ("tr", r"түрік(?!мен)|türk(?!men)"), ("de", r"неміс"), ("fr", r"француз"),
)
_LANG_RES = tuple((lang, lk_re(p)) for lang, p in _LANG_KEYWORDS)
_KK_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_TK_LETTERS = re.compile(r"[ňäýžşçüöŇÄÝŽŞÇÜÖ]")
_UZ_LETTERS = re.compile(r"[ʻ‘']")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_QUOTED = re.compile(r"[\"«“]([^\"»”\n]{1,60})[\"»”]")


def script_language(cell: str) -> str | None:
    """The language a level name is written in, judged by its letters."""
    if _KK_LETTERS.search(cell):
        return "kk"
    if _TK_LETTERS.search(cell):
        return "tk"
    if _CYRILLIC.search(cell):
        return "ru"
    if _LATIN.search(cell):
        return "uz" if _UZ_LETTERS.search(cell) else None
    return None


def header_languages(header: str) -> list[str]:
    """The languages a header names, in the order it names them."""
    found = []
    for lang, pattern in _LANG_RES:
        m = pattern.search(header)
        if m:
            found.append((m.start(), lang))
    return [lang for _, lang in sorted(found)]


def _rows_by_columns(rows: list[list[str]], header_langs: list[str]) -> tuple[dict[str, str], ...]:
    width = max(len(r) for r in rows)
    langs: list[str | None]
    if len(header_langs) == width:
        langs = list(header_langs)
    else:
        langs = []
        for col in range(width):
            votes = [script_language(r[col]) for r in rows if col < len(r)]
            votes = [v for v in votes if v]
            langs.append(max(set(votes), key=votes.count) if votes else None)
    out = []
    for row in rows:
        entry: dict[str, str] = {}
        for lang, cell in zip(langs, row):
            if lang and cell.strip() and lang not in entry:
                entry[lang] = cell.strip()
        if entry:
            out.append(entry)
    return tuple(out)


def _rows_by_parties(rows: list[list[str]]) -> tuple[dict[str, str], ...]:
    """One row per party, one column per level: one {lang: label} per level column."""
    width = max(len(r) for r in rows)
    out = []
    for col in range(1, width):
        entry: dict[str, str] = {}
        for row in rows:
            if col >= len(row) or not LEVEL_WORDS.search(row[col]):
                continue
            lang = script_language(row[col])
            if lang and lang not in entry:
                entry[lang] = row[col].strip()
        if entry:
            out.append(entry)
    return tuple(out)


def _level_table(rows: list[list[str]], header: str | None = None) -> tuple[dict[str, str], ...]:
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ()
    if header is None and not any(LEVEL_WORDS.search(c) for c in rows[0]) and header_languages(" ".join(rows[0])):
        header, rows = "\t".join(rows[0]), rows[1:]
    level_rows = [r for r in rows if sum(1 for c in r if LEVEL_WORDS.search(c)) >= 1]
    if len(level_rows) < 2:
        return ()
    first_column_levels = sum(1 for r in level_rows if LEVEL_WORDS.search(r[0]))
    if first_column_levels == 0 and max(len(r) for r in level_rows) >= 2:
        return _rows_by_parties(level_rows)
    langs = header_languages(header) if header else []
    return _rows_by_columns(level_rows, langs)


def _cells(line: str) -> list[str]:
    quoted = _QUOTED.findall(line)
    if len(quoted) >= 2 and not _QUOTED.sub("", line).strip(" \t,;–—-"):
        return quoted
    parts = [p for p in re.split(r"\t+|\s{2,}", line.strip()) if p.strip()]
    return parts if len(parts) >= 2 else []


def _levels_in_text(text: str) -> tuple[dict[str, str], ...]:
    """A table printed as lines of cells: quoted cells, or cells split by tabs."""
    lines = [line for line in text.split("\n") if line.strip()]
    for i, line in enumerate(lines):
        cells = _cells(line)
        if len(cells) < 2 or not any(LEVEL_WORDS.search(c) for c in cells):
            continue
        rows = []
        for later in lines[i:]:
            later_cells = _cells(later)
            if len(later_cells) < 2:
                break
            rows.append(later_cells)
        if len(rows) < 2:
            continue
        header = lines[i - 1] if i > 0 and not _cells(lines[i - 1]) else None
        if header is not None and not header_languages(header):
            header = None
        found = _level_table(rows, header)
        if found:
            return found
    return ()


def _classification_levels(treaty: Treaty, types: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], ...]:
    articles = sorted(treaty.articles, key=lambda a: "classification_levels" not in types.get(a.num, ()))
    for article in articles:
        found = _levels_in_text(article.text)
        if found:
            return found
    for annex in treaty.annexes:
        for table in annex.tables:
            found = _level_table([list(r) for r in table.rows])
            if found:
                return found
        found = _levels_in_text(annex.text)
        if found:
            return found
    return ()


# --- all ------------------------------------------------------------------------------


def read_clauses(treaty: Treaty) -> Clauses:
    """The clause attributes of a treaty; an attribute whose clause is absent is None."""
    types = _types(treaty)
    wording = _wording(treaty)
    dispute = _article(treaty, types, wording, "dispute_resolution")
    withdrawal = _article(treaty, types, wording, "withdrawal")
    entry = _article(treaty, types, wording, "entry_into_force")
    duration = _article(treaty, types, wording, "duration")
    amendments = _article(treaty, types, wording, "amendments")
    expenses = _article(treaty, types, wording, "expenses")
    return Clauses(
        dispute_resolution=_dispute(dispute) if dispute else None,
        withdrawal=Withdrawal(article=withdrawal.num, notice_months=_notice_months(withdrawal.text),
                              survival=_survival(treaty)) if withdrawal else None,
        entry_into_force=_entry(entry) if entry else None,
        duration=_duration(duration) if duration else None,
        amendments=_amendments(amendments) if amendments else None,
        expenses=_expenses(expenses) if expenses else None,
        classification_levels=_classification_levels(treaty, types),
    )
