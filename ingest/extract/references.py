"""References: to parts of the same treaty (internal) and to other acts (external).

Internal references are chains of numbered parts, each but the last in the genitive:
"осы Келісімнің 4-бабының 2-тармағында", "осы баптың 4-тармағында", "1-қосымшаға",
"осы Келісімге 2-қосымшаға сәйкес", "осы тармақтың 3) тармақшасы", "бірінші бабында".
What the chain hangs on decides what it points at:

- "осы Келісімнің" / "осы Шарттың" / "Келісімнің" (the treaty itself), or nothing:
  an article number is absolute; a chain that starts with a paragraph ("2-тармағында")
  is in the current article, one that starts with a point is in the current paragraph;
- "осы баптың" → the current article; "осы тармақтың" → the current paragraph;
- the genitive of another act ("… Заңының 8-бабына", "Конвенцияның 5-бабы") → a part
  of that act, not of this treaty: no internal reference;
- lists and ranges give one reference per number: "2 және 3-баптарында", "2-5-баптары".

A numbered thing needs a structural noun (бап, тармақ, тармақша, қосымша) right after
the number: "төртінші жазбаша хабарлама" is no reference, "бірінші бабы" is.

External references are acts cited with a full date and a title: "1992 жылғы 15
мамырдағы Ұжымдық қауіпсіздік туралы шарттың" → date 1992-05-15, title "Ұжымдық
қауіпсіздік туралы шарт". The title runs from the date (or from a quoted name just
before it) to the act's head noun (келісім, шарт, хаттама, жарғы, заң, …); the head
noun's case ending is taken off and its possessive kept ("шарттың" → "шарт",
"Заңының" → "Заңы", "Жарғысының" → "Жарғысы"). The preamble, the articles, the annexes
and the approving act are read. Only a date in the attributive ("…мамырдағы") or a
date of signing or adoption ("… шілдеде Астана қаласында қол қойылған …") dates an
act; "… 1 қаңтардан бастап" does not. In the approving act, its own header ("… 2018
жылғы 27 тамыздағы № 529 қаулысы": its date and number) and the treaty it approves
("Қоса беріліп отырған 2017 жылғы 3 қарашада Ташкентте жасалған … келісім", or an act of
the treaty's own kind dated the day it was signed) are not references; a law the decree
cites ("… 2005 жылғы 30 мамырдағы Қазақстан Республикасы Заңының 8-бабына сәйкес") is,
with no article. The treaty's kind is how its articles name it ("осы Келісім"), never
its title or its file. ``treaty`` stays None: the knowledge base resolves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.extract._text import ORDINAL_WORD, Unit, units
from ingest.kk.lex_attrs import number_value
from ingest.model import Place, Reference, Target, Treaty
from ingest.patterns import DATE, article_number, fold, iso_date, kk_re

# --- internal ----------------------------------------------------------------------

_KINDS = {"бап": "article", "баб": "article", "тармақша": "point", "тармақ": "paragraph",
          "тармағ": "paragraph", "қосымша": "annex"}
_KINDS_FOLDED = {fold(k): v for k, v in _KINDS.items()}
_LEVEL = {"article": 0, "paragraph": 1, "point": 2, "annex": 0}

_NUM = r"\d+"
_NUM_LIST = rf"{_NUM}(?:\s*(?:,|және|мен|немесе|[-–—])\s*{_NUM})*"
# an inserted article, singular: "5-1-бабы", "1А-бабына", "1 А бабының" (plural "2-5-баптары"
# is a range, read by ``nums``)
_INSERTED = r"\d+(?:-\d+(?=\s*[-‑]\s*ба[пб](?!т[ае]р))|\s?[А-ЯӘA-Z](?![^\W\d_]))"
_QUOTED_LETTER = r"[\"«“][а-яәіa-z][\"»”]"
# one numbered part: "16-бабында", "2 және 3-баптарында", "бірінші бабы", "3) тармақшасы",
# "а) тармақшасында", '"г" тармағында', "1-қосымшаға", "5-1-бабы"
PART = kk_re(
    rf"(?<![\w-])(?:"
    rf"(?P<anum>{_INSERTED})(?:\s*[-‑]\s*|\s+)(?P<akind>ба[пб])"
    rf"|(?P<nums>{_NUM_LIST})\s*[-‑]\s*(?P<kind>тармақша|қосымша|ба[пб]|тарма[қғ])"
    rf"|(?P<pnums>(?:\d+|[а-яәі])\)(?:\s*(?:,|және|мен)\s*(?:\d+|[а-яәі])\))*)\s*(?P<pkind>тармақша)"
    # a letter in quotes labels a point, whether called "тармақша" or, in older texts, "тармақ"
    rf"|(?P<qnums>{_QUOTED_LETTER}(?:\s*(?:,|және|мен)\s*{_QUOTED_LETTER})*)\s*(?P<qkind>тармақша|тарма[қғ])"
    rf"|(?P<ord>{ORDINAL_WORD})\s+(?P<okind>тармақша|ба[пб]|тарма[қғ])"
    rf")(?P<ending>[а-яәғқңөұүһі]*)",
    re.IGNORECASE,
)
# what a chain hangs on: "осы Келісімнің", "осы Келісімге", "осы баптың", "осы тармақтың"
_OWN_ACT = r"(?:Келісім|Шарт|Хаттама|Конвенция|Меморандум)"
_BEFORE = kk_re(
    r"(?:(?<![\w-])(?P<this>осы)\s+)?(?P<word>[^\W\d_][\w-]*)\s*$",
    re.IGNORECASE,
)
_ACT_GENITIVE = kk_re(
    r"^(?:келісім|шарт|хаттама|конвенция|жарғы|заң|кодекс|меморандум|декларация|ереже|қағида|"
    r"шешім|қаулы|жарлық|бұйрық|протокол|регламент|статут|пакт)\w*(?:ның|нің|дың|дің|тың|тің)$",
    re.IGNORECASE,
)
_OWN_KINDS = ("келісім", "шарт", "хаттама", "конвенция", "меморандум")
_THIS_ACT = kk_re(rf"(?<![\w-])осы\s+(?P<kind>{'|'.join(_OWN_KINDS)})", re.IGNORECASE)
_THIS_ARTICLE = kk_re(r"^ба[пб]\w*$", re.IGNORECASE)
_THIS_PARAGRAPH = kk_re(r"^тарма[қғ](?!ша)\w*$", re.IGNORECASE)


def _own_kind(treaty: Treaty) -> str | None:
    """The kind of act the treaty is (a folded stem), from how its articles name it:
    "осы Келісімнің", "осы Келісімге" → "келісім"; the most frequent "осы X" wins."""
    counts: dict[str, int] = {}
    for article in treaty.articles:
        for m in _THIS_ACT.finditer(article.text):
            kind = fold(m.group("kind").lower())
            counts[kind] = counts.get(kind, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _numbers(text: str) -> list[str]:
    """"2 және 3" → ["2", "3"]; "2-5" → ["2", "3", "4", "5"]; "а) және б)" → ["а", "б"]."""
    out: list[str] = []
    tokens = re.findall(r"\d+|[а-яәі](?=\))|[-–—]", text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in "-–—":
            i += 1
            continue
        if i + 2 < len(tokens) and tokens[i + 1] in "-–—" and tok.isdigit() and tokens[i + 2].isdigit():
            lo, hi = int(tok), int(tokens[i + 2])
            if lo < hi <= lo + 50:
                out.extend(str(n) for n in range(lo, hi + 1))
                i += 3
                continue
            if hi <= lo:  # "5-1 және 5-2-баптар": inserted articles, not a range
                out.append(f"{lo}-{hi}")
                i += 3
                continue
        out.append(tok)
        i += 1
    return list(dict.fromkeys(out))


def _part(m) -> tuple[str, list[str]]:
    """(kind, numbers) of a ``PART`` match."""
    if m.group("anum"):
        return "article", [article_number(m.group("anum"))]
    if m.group("nums"):
        kind = _KINDS_FOLDED[fold(m.group("kind").lower())]
        return kind, _numbers(m.group("nums"))
    if m.group("pnums"):
        return "point", _numbers(m.group("pnums"))
    if m.group("qnums"):  # '"г" тармағында', '«а» және «б» тармақшалары'
        return "point", re.findall(r"[\"«“]([а-яәіa-z])[\"»”]", m.group("qnums"))
    kind = _KINDS_FOLDED[fold(m.group("okind").lower())]
    value = number_value(m.group("ord").lower())
    return kind, [str(value)] if value is not None else []


def _chains(text: str) -> Iterator[list]:
    """Runs of ``PART`` matches standing next to each other ("4-бабының 2-тармағында"),
    each part going one level down."""
    chain: list = []
    for m in PART.finditer(text):
        kind = _part(m)[0]
        if chain:
            gap = text[chain[-1].end() : m.start()]
            prev_kind = _part(chain[-1])[0]
            if gap.strip() == "" and _LEVEL[kind] > _LEVEL[prev_kind] and prev_kind != "annex":
                chain.append(m)
                continue
            yield chain
        chain = [m]
    if chain:
        yield chain


def part_chains(text: str) -> Iterator[tuple[int, int, tuple[Target, ...], str]]:
    """Each chain of numbered parts in ``text`` read on its own, with no anchor:
    (start, end, the parts it names, the case ending of its last part: "пен" of
    "5-1-баппен")."""
    for chain in _chains(text):
        targets = tuple(_expand(Target(), [_part(m) for m in chain]))
        yield chain[0].start(), chain[-1].end(), targets, chain[-1].group("ending") or ""


# "Келісімге мынадай өзгерістер енгізілсін: 1) 1-бапта …": a protocol amending another act
_AMENDS = kk_re(
    rf"(?<![\w-])(?P<kind>{'|'.join(_OWN_KINDS)})\w*(?:ге|ға|ке|қа)\s+(?:\S+\s+){{0,3}}?(?:өзгеріс|толықтыру)",
    re.IGNORECASE,
)


def _amended_elsewhere(text: str, own_kind: str | None) -> bool:
    """The article amends another act: its bare article numbers are that act's."""
    if own_kind is None:
        return False
    return any(fold(m.group("kind").lower()) != own_kind and not re.search(r"осы\s*$", text[max(0, m.start() - 6) : m.start()], re.I)
               for m in _AMENDS.finditer(text))


@dataclass(frozen=True, slots=True)
class AmendedAct:
    """What an amending instrument's items refer to: the act it amends (``cited``, the
    external reference by which the instrument names it), the head nouns it goes by
    (folded, lower case: "келісім" of its title and of its short name "(бұдан әрі –
    Келісім)"), and the units that amend it (``Unit.start`` of the items, and of the
    quoted text they put in, whose "осы Келісім" is the amended act itself)."""

    cited: Reference
    nouns: frozenset[str]
    items: frozenset[int]
    quoted: frozenset[int]

    def names(self, word: str) -> bool:
        """``word`` is a form of a noun the amended act goes by ("Келісімнің", "келісімге")."""
        head = head_nominative(word)
        return head is not None and fold(head.lower()) in self.nouns

    def reference(self, unit: Unit, phrase: str, target: Target, start: int, end: int) -> Reference:
        """The external reference of ``phrase`` (``[start, end)`` of ``unit``) to ``target``
        of the amended act."""
        return Reference(kind="external", source=unit.place, text=phrase, to=target, date=self.cited.date,
                         title=self.cited.title, span=unit.span(start, end))


def _internal(unit: Unit, own_kind: str | None, amending: bool = False, amended: AmendedAct | None = None) -> Iterator[Reference]:
    text = unit.text
    in_item = amended is not None and unit.start is not None and unit.start in amended.items
    in_quote = amended is not None and unit.start is not None and unit.start in amended.quoted
    for chain in _chains(text):
        first = chain[0]
        kinds = [_part(m) for m in chain]
        start = first.start()
        scope: str | None = None  # "own", "article", "paragraph", "amended", or None (no anchor)
        before = _BEFORE.search(text[max(0, start - 60) : start])
        if before:
            word = before.group("word")
            anchored = start - (len(text[max(0, start - 60) : start]) - before.start("word"))
            if amended is not None and (in_item or in_quote) and amended.names(word) and (in_quote or not before.group("this")):
                scope = "amended"  # "Келісімнің 5-бабы", "Қарыз туралы келісімге 1-қосымшада"
                start = start - (len(text[max(0, start - 60) : start]) - before.start()) if before.group("this") else anchored
            elif in_quote and (before.group("this") or _ACT_GENITIVE.match(word)):
                continue  # the amended act's own "осы баптың", or another act it cites
            elif before.group("this"):
                if _THIS_ARTICLE.match(word):
                    scope = "article"
                elif _THIS_PARAGRAPH.match(word):
                    scope = "paragraph"
                else:
                    scope = "own"
                start = start - (len(text[max(0, start - 60) : start]) - before.start())
            elif own_kind and word[:1].isupper() and _ACT_GENITIVE.match(word) and fold(word.lower()).startswith(own_kind):
                scope = "own"  # "Келісімнің 5-бабы" in an agreement
                start = anchored
            elif _ACT_GENITIVE.match(word):
                continue  # "… Заңының 8-бабына": a part of another act
        if scope is None and amended is not None and (in_item or in_quote):
            scope = "amended"  # "1) 5-бап мынадай редакцияда жазылсын": the amended act's article
        if scope == "amended":
            assert amended is not None
            end = chain[-1].end()
            for target in _expand(Target(), kinds):
                yield amended.reference(unit, text[start:end], target, start, end)
            continue
        if scope is None and amending:
            continue  # "1) 1-бапта … толықтырылсын": an article of the act amended
        article = unit.place.article
        paragraph = unit.place.paragraph
        # the anchor of the chain's first part
        first_kind = kinds[0][0]
        if first_kind == "annex":
            base = Target()
        elif first_kind == "article":
            base = Target()
        elif first_kind == "paragraph":
            # "осы Келісімнің 2-тармағы": a treaty of paragraphs, no articles
            base = Target() if scope == "own" else Target(article=article)
        elif scope == "article":  # "осы баптың 3) тармақшасы"
            base = Target(article=article)
        else:  # a point of this paragraph: "осы тармақтың 1) тармақшасы", "2) тармақшасында"
            base = Target(article=article, paragraph=paragraph)
        end = chain[-1].end()
        phrase = text[start:end]
        span = unit.span(start, end)
        for target in _expand(base, kinds):
            yield Reference(kind="internal", source=unit.place, text=phrase, to=target, span=span)


def _expand(base: Target, kinds: list[tuple[str, list[str]]]) -> Iterator[Target]:
    """Every target a chain names: the product of its numbered lists."""
    targets = [base]
    for kind, nums in kinds:
        if not nums:
            return
        grown = []
        for t in targets:
            for n in nums:
                if kind == "annex":
                    grown.append(Target(annex=n))
                elif kind == "article":
                    grown.append(Target(article=n))
                elif kind == "paragraph":
                    grown.append(Target(article=t.article, paragraph=n))
                else:
                    grown.append(Target(article=t.article, paragraph=t.paragraph, point=n))
        targets = grown
    yield from dict.fromkeys(targets)


# "осы Келісімге қосымшаға сәйкес": the only annex, named without a number
_BARE_ANNEX = kk_re(
    rf"\bосы\s+{_OWN_ACT}\w*\s+(?P<annex>қосымша(?:ға|да|сы|сына|сында|ның|сының|дағы|дан))(?![\w])",
    re.IGNORECASE,
)


def _bare_annex(unit: Unit, annexes: tuple[str, ...]) -> Iterator[Reference]:
    if len(annexes) != 1:
        return
    for m in _BARE_ANNEX.finditer(unit.text):
        yield Reference(kind="internal", source=unit.place, text=m.group(0), to=Target(annex=annexes[0]),
                        span=unit.span(m.start(), m.end()))


# --- external ----------------------------------------------------------------------

_ACT_NOUNS = (
    "келісімшарт", "келісім", "шарт", "хаттама", "конвенция", "жарғы", "заң", "кодекс", "шешім",
    "стратегия", "тұжырымдама", "қағида", "ереже", "декларация", "меморандум", "бағдарлама",
    "жарлық", "қаулы", "регламент", "статут", "пакт", "нұсқаулық", "бұйрық", "акт",
)
_ACT_NOUN = kk_re(rf"^(?P<stem>{'|'.join(_ACT_NOUNS)})(?P<rest>[а-яәғқңөұүһі]*)$", re.IGNORECASE)
_PLURALS = ("", "лар", "лер", "дар", "дер", "тар", "тер")
_POSSESSIVES = ("сы", "сі", "ы", "і", "")
_CASES = frozenset(fold(c) for c in (
    "", "ның", "нің", "дың", "дің", "тың", "тің", "н", "ны", "ні", "ды", "ді", "ты", "ті",
    "на", "не", "ға", "ге", "қа", "ке", "а", "е", "да", "де", "та", "те", "нда", "нде",
    "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен", "менен", "дағы", "дегі",
    "тағы", "тегі", "ндағы", "ндегі",
))
# what may stand between a head noun and the act it belongs to: "… Шешімімен бекітілген …"
_PARTICIPLE = kk_re(r"^(?:бекітіл|қабылдан|қол\s*қойыл|жасал|бекіткен|қабылдаған)\w*$", re.IGNORECASE)
# "… Астана қаласында қол қойылған …", "… Ташкентте жасалған …", "… өзгертілген және
# күшіне енген …", "… Бас Ассамблеясы ұсынған …" right after the date
_SIGNED_AT = kk_re(
    r"^\s*(?:[А-ЯӘҒҚҢӨҰҮҺІA-Z][\w-]*\s+(?:қаласында|қ\.)\s+|[А-ЯӘҒҚҢӨҰҮҺІA-Z][\w-]*(?:да|де|та|те|нда|нде)\s+)?"
    r"(?:(?:қол\s+қойылған|жасалған|қабылданған|бекітілген|өзгертілген|ұсынылған)(?:\s+және\s+күшіне\s+енген)?"
    r"|күшіне\s+енген"
    # "… Бас Ассамблеясы ұсынған": the body that adopted it, by its capitalised name
    r"|[А-ЯӘҒҚҢӨҰҮҺІA-Z][\w-]*\s+(?:[\w-]+\s+){0,5}?(?:ұсынған|қабылдаған|бекіткен))\s+"
)
_NUMBER_SIGN = kk_re(r"^\s*№\s*(?P<number>[\w/-]+)\s+")
_TITLE_REACH = 1200  # a title ends within this many characters of its date
_TOKEN = re.compile(r"[\"«][^\"»\n]{1,200}[\"»]|[^\s]+")
_ATTRIBUTIVE = kk_re(r"(?:дағы|дегі|тағы|тегі)$", re.IGNORECASE)
_QUOTED_BEFORE = re.compile(r"(?P<open>[\"«“])(?P<name>[^\"»”\n]{3,200})(?P<close>[\"»”])\s*$")
_POSSESSIVE_NEXT = kk_re(r"^[а-яәғқңөұүһі]+(?:ы|і)(?:ның|нің|на|не|н|нда|нде|нан|нен|мен)?$")
_VERB_NEXT = kk_re(r"(?:сын|сін|ды|ді|ты|ті|ады|еді|йды|йді)$")


def head_nominative(word: str) -> str | None:
    """The act noun with its case ending taken off and its possessive kept:
    "шарттың" → "шарт", "Заңының" → "Заңы", "тұжырымдамасын" → "тұжырымдамасы";
    None when the word is no act noun."""
    m = _ACT_NOUN.match(word)
    if not m:
        return None
    stem, rest = m.group("stem"), fold(m.group("rest").lower())
    for plural in _PLURALS:
        if not rest.startswith(fold(plural)):
            continue
        after_plural = rest[len(plural):]
        for poss in _POSSESSIVES:
            if after_plural.startswith(fold(poss)) and after_plural[len(poss):] in _CASES:
                keep = len(stem) + len(plural) + len(poss)
                return word[:keep]
    return None


def _title(tail: str) -> tuple[str, int] | None:
    """(title, end offset in ``tail``) of the act named at the start of ``tail``."""
    tokens = [t for t, _ in zip(_TOKEN.finditer(tail), range(60))]
    dates = {d.start() for d in DATE.finditer(tail)}
    words: list[str] = []
    for i, tok in enumerate(tokens):
        raw = tok.group(0)
        if i and tok.start() in dates:
            return None  # the next dated act: this date named none
        core = raw.strip(",;:.()")
        stop = raw.endswith((".", ";", ":")) and not re.fullmatch(r"\w{1,2}\.|[А-ЯӘҒҚҢӨҰҮҺІ]\.", raw)
        head = head_nominative(core) if not core.startswith(("\"", "«")) else None
        if head is not None and core and i == 0:
            # "… туралы 1993 жылғы 23 желтоқсандағы келісімге …": the date stands right
            # before the head noun, whose name came before the date
            return head, tok.start() + raw.find(core) + len(core)
        if head is not None and core:
            nxt = tokens[i + 1].group(0).strip(",;:.()") if i + 1 < len(tokens) else ""
            ends_here = raw.endswith((",", ".", ";", ":", ")")) or not nxt
            inflected = len(head) < len(core)
            if not ends_here:
                if _PARTICIPLE.match(nxt) or (nxt and _PARTICIPLE.match(nxt + " " + (tokens[i + 2].group(0) if i + 2 < len(tokens) else ""))):
                    words.append(raw)
                    continue  # "… Шешімімен бекітілген …": the act named next
                if not inflected and _POSSESSIVE_NEXT.match(nxt) and not _VERB_NEXT.search(nxt):
                    words.append(raw)
                    continue  # "шарт ұйымы Жарғысы": a compound name goes on
                if _more_title_follows(tokens[i + 1 : i + 10]):
                    words.append(raw)
                    continue  # "… келісімге өзгерістер енгізу туралы хаттама"
            words.append(head)
            end = tok.start() + raw.find(core) + len(core)
            return " ".join(words), end
        words.append(raw)
        if stop:
            return None
    return None


def _more_title_follows(tokens) -> bool:
    """"туралы" and then an act noun before any punctuation: the act so far is part of a
    longer title."""
    seen_about = False
    for tok in tokens:
        raw = tok.group(0)
        if raw.startswith("(") or raw[:1].isdigit():
            return False  # an aside "(бұдан әрі – …)" or the next dated act
        core = raw.strip(",;:.()")
        if fold(core.lower()) == fold("туралы"):
            seen_about = True
        elif seen_about and head_nominative(core) is not None:
            return True
        if raw.endswith((",", ".", ";", ":")):
            return False
    return False


def cited_act_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every dated act cited in ``text``: date through head noun."""
    return [(start, end) for _, _, start, end in cited_acts(text)]


def cited_acts(text: str) -> Iterator[tuple[str | None, str, int, int]]:
    """(ISO date, or None for an impossible one; title, start, end) of every dated act
    cited in ``text``."""
    for m in DATE.finditer(text):
        found = _act_after(text, m)
        if found is not None:
            yield iso_date(m), found[0], found[1], found[2]


def _act_after(text: str, m) -> tuple[str, int, int, str | None] | None:
    """(title, start, end, number) of the act a ``DATE`` match dates, or None."""
    after = text[m.end() : m.end() + 2 * _TITLE_REACH]
    skip, number = 0, None
    signed_at = _SIGNED_AT.match(after[:200])
    if signed_at:
        skip = signed_at.end()
    elif _ATTRIBUTIVE.search(m.group(0)):
        num = _NUMBER_SIGN.match(after[:60])
        if num:
            skip, number = num.end(), num.group("number")
    else:
        return None  # "… 1 қаңтардан бастап": a date, no act
    line_end = after.find("\n", skip, skip + _TITLE_REACH)
    found = _title(after[skip : line_end if line_end >= 0 else skip + _TITLE_REACH])
    if found is None:
        return None
    title, end = found
    start = m.start()
    before = text[max(0, m.start() - 300) : m.start()]
    quoted = _QUOTED_BEFORE.search(before)
    if quoted:
        # "«Қазақстан Республикасының халықаралық шарттары туралы» 2005 жылғы … Заңы"
        start = m.start() - (len(before) - quoted.start())
        title = f"{quoted.group('open')}{quoted.group('name')}{quoted.group('close')} {title}"
    elif " " not in title and not signed_at and number is None:
        named = _name_before(before)
        if named:
            start = m.start() - (len(before) - named[1])
            title = f"{named[0]} {title}"
    return title, start, end + m.end() + skip, number


# the name of an act that stands before its date: "… арасындағы … туралы 1993 жылғы …
# келісім", from the start of its clause (a line, a sentence, "… жасалған", "… қол
# қойылған") to "туралы" / "жөніндегі" right before the date
_CLAUSE_START = kk_re(
    r"[.;:(\n]|(?<![\w-])(?:жасалған|қойылған|бекітілген|қабылданған|отырған)(?![\w-])", re.IGNORECASE
)
_NAME_END = kk_re(r"\s(?:туралы|жөніндегі)\s*$", re.IGNORECASE)


def _name_before(before: str) -> tuple[str, int] | None:
    """(name, start in ``before``) of an act's name that ends ``before``."""
    if not _NAME_END.search(before):
        return None
    start = 0
    for m in _CLAUSE_START.finditer(before):
        start = m.end()
    while start < len(before) and before[start].isspace():
        start += 1
    name = " ".join(before[start:].split())
    return (name, start) if len(name.split()) >= 2 else None


_ATTACHED = kk_re(r"(?:қоса\s+беріліп\s+отырған|қоса\s+берілген|қоса\s+ұсынылып\s+отырған)\s*$", re.IGNORECASE)


def _external(unit: Unit, treaty: Treaty, in_approval: bool, own_kind: str | None) -> Iterator[Reference]:
    text = unit.text
    signed = treaty.signed.date if treaty.signed else None
    for m in DATE.finditer(text):
        date = iso_date(m)
        if date is None:
            continue
        found = _act_after(text, m)
        if found is None:
            continue
        title, start, end, number = found
        if in_approval:
            if treaty.approval is not None and date == treaty.approval.date and (
                number is None or number == treaty.approval.number
            ):
                continue  # the approving act's own header
            if _ATTACHED.search(text[max(0, m.start() - 40) : m.start()]):
                continue  # "Қоса беріліп отырған … келісім": the treaty itself
            if date == signed and own_kind and fold(_head_word(title).lower()).startswith(own_kind):
                continue  # the treaty itself, by its signature date
        yield Reference(kind="external", source=unit.place, text=text[start:end], date=date, title=title,
                        span=unit.span(start, end))


def _head_word(title: str) -> str:
    words = title.split()
    return words[-1] if words else ""


def _text_units(treaty: Treaty) -> Iterator[tuple[Unit, bool]]:
    """The pieces read for external references: preamble, approving act, articles, annexes."""
    if treaty.approval is not None:
        approval = treaty.approval
        start = approval.span.start if treaty.text[approval.span.start : approval.span.end] == approval.text else None
        yield Unit(Place(article=None), approval.text, start), True
    for alinea in treaty.preamble:
        ok = treaty.text[alinea.span.start : alinea.span.end] == alinea.text
        yield Unit(Place(article=None), alinea.text, alinea.span.start if ok else None), False
    for unit in units(treaty):
        yield unit, False
    for annex in treaty.annexes:
        ok = treaty.text[annex.span.start : annex.span.end] == annex.text
        yield Unit(Place(article=None), annex.text, annex.span.start if ok else None), False


def find_references(treaty: Treaty, amended: AmendedAct | None = None) -> tuple[Reference, ...]:
    """Internal and external references, in text order (approving act, preamble,
    articles, annexes). In an amending instrument (``amended``, from
    ``ingest.extract.amendments``) the parts its items and their quoted text name are
    the amended act's: external references with the part in ``to``."""
    annexes = tuple(a.num for a in treaty.annexes)
    own_kind = _own_kind(treaty)
    out: list[Reference] = []
    for unit, in_approval in _text_units(treaty):
        out.extend(_external(unit, treaty, in_approval, own_kind))
    amending = {a.num for a in treaty.articles if _amended_elsewhere(a.text, own_kind)}
    for unit in units(treaty):
        out.extend(_internal(unit, own_kind, unit.place.article in amending, amended))
        if amended is None or unit.start not in amended.quoted:
            out.extend(_bare_annex(unit, annexes))
    order = {id(r): i for i, r in enumerate(out)}
    out.sort(key=lambda r: (r.span.start if r.span else 1 << 60, order[id(r)]))
    return tuple(out)
