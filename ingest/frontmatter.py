"""What stands before the articles: the approving act, the agreement's title, the
entry-into-force note, the parties and the preamble's recitals."""

from __future__ import annotations

import re

from ingest.kazakh import genitive_to_nominative, strip_locative
from ingest.lines import Line, content, span_of, text_of
from ingest.model import Alinea, Approval, Signed
from ingest.patterns import DATE, iso_date, kk_re

AGREED = kk_re(r"(?:төмендегілер|мыналар)\s+туралы\s+(?:келісті|уағдаласты)\s*:?\s*$|^(?:келісті|уағдаласты)\s*:\s*$", re.I)
_INSTRUMENT = r"(?:келісім|шарт|хаттама|конвенция|меморандум|протокол|келісімшарт)"
TITLE = kk_re(rf"(?:^|\s){_INSTRUMENT}\w{{0,3}}\.?$", re.I)
SUBJECT = kk_re(rf"(?:^|\s){_INSTRUMENT}\w{{0,6}}\s", re.I)
"""A line about an instrument, wherever the word stands: a letter's subject line
("… Қарыз туралы келісімге түзетуге қатысты")."""
DRAFT_MARK = re.compile(r"^\s*(?:Жоба|ЖОБА|жоба)\s*\.?\s*$")
EIF_NOTE = kk_re(r"^\(.*күшіне\s+енді.*\)?\.?$", re.S)

_ACT_TYPES = (
    (kk_re(r"\bқаулы", re.I), "қаулы"),
    (kk_re(r"\bЖарлы[қғ]", re.I), "Жарлық"),
    (kk_re(r"\bЗаң(?:ы|ын|ымен)?\b", re.I), "Заң"),
    (kk_re(r"\bөкім", re.I), "өкім"),
    (kk_re(r"\bбұйры[қғ]", re.I), "бұйрық"),
)
_ACT_NUMBER = re.compile(r"№\s*(?P<num>[\w/-]+)")
_OPERATIVE = kk_re(r"(?:ҚАУЛЫ\s+ЕТЕ(?:ДІ|МІН)|ҚАУЛЫ\s+ЕТЕДІ|ЖАРЛЫҚ\s+ЕТЕМІН|ШЕШІМ\s+ҚАБЫЛДАДЫ)\s*:?")
_SIGNATORY = kk_re(r"(?:^|\s)(?P<name>[А-ЯӘҒҚҢӨҰҮҺІ]\.\s?(?:[А-ЯӘҒҚҢӨҰҮҺІ]\.\s?)?[А-ЯӘҒҚҢӨҰҮҺІ][а-яәғқңөұүһі]+(?:-[А-ЯӘҒҚҢӨҰҮҺІа-яәғқңөұүһі][а-яәғқңөұүһі]+)?)\s*$")
_STAMP = kk_re(r"(?:бекітілген|мақұлданған|БЕКІТІЛГЕН)\s*$")
_SIGNED_IN_ACT = kk_re(
    rf"(?P<date>{DATE.pattern})\s+(?P<place>[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+?)(?:\s+қаласында|(?<=[а-яәғқңөұүһі])(?:да|де|та|те|нда|нде))\s+(?:жасалған|қол\s+қойылған)",
    re.I,
)


def find_title(lines: list[Line], limit: int) -> int | None:
    """The agreement's title: the last line before ``limit`` that names an instrument
    ("… туралы келісім", "… КЕЛІСІМ") rather than an act about one."""
    found = None
    for line in lines[:limit]:
        text = line.text.strip()
        if not text or len(text) > 600 or re.match(r"^\d+[.)]", text):
            continue
        if TITLE.search(text) and ("туралы" in text.lower() or text.isupper() or len(text) < 40):
            found = line.index
    return found


def find_subject(lines: list[Line], limit: int) -> int | None:
    """A letter's subject line, its title: the nearest line above ``limit`` (the
    salutation) that names an instrument, above the letterhead's date and addressee."""
    for line in reversed(lines[:limit]):
        text = line.text.strip()
        if text and len(text) <= 600 and SUBJECT.search(text + " "):
            return line.index
    return None


def is_draft(front: list[Line]) -> bool:
    return any(DRAFT_MARK.match(line.text) for line in front)


def parse_approval(text: str, front: list[Line]) -> tuple[Approval | None, list[Line]]:
    """The approving act in the lines before the title, and the front lines it leaves
    (a draft mark, the "… бекітілген" stamp)."""
    body = content(front)
    header_at = None
    for i, line in enumerate(body):
        if DATE.search(line.text) and _ACT_NUMBER.search(line.text) and _act_type(line.text) and not _STAMP.search(line.text):
            if not _STAMP_ACT.search(line.text):
                header_at = i
                break
    if header_at is None:
        return None, front
    header = body[header_at]
    start = next((i for i, ln in enumerate(body[:header_at]) if not DRAFT_MARK.match(ln.text)), header_at)
    end = _stamp_start(body, header_at) - 1
    signatory = None
    for i in range(header_at + 1, end + 1):
        match = _SIGNATORY.search(body[i].text)
        if match and not re.match(r"^\d+\.", body[i].text):
            signatory = match.group("name")
            end = i
            break
    act_lines = body[start : end + 1]
    act_text = text_of(text, act_lines)
    date_match = DATE.search(header.text)
    number = _ACT_NUMBER.search(header.text)
    issuer_phrase = header.text[: date_match.start()].strip() if date_match else ""
    operative = next((ln.text for ln in act_lines if _OPERATIVE.search(ln.text)), None)
    issuer = None
    if operative:
        before = _OPERATIVE.split(operative)[0].strip(" :")
        if before and not DATE.search(before) and len(before) < 120:
            issuer = before
    if issuer is None and issuer_phrase:
        issuer = genitive_to_nominative(issuer_phrase)
    title_lines = body[start:header_at]
    approval = Approval(
        type=_act_type(header.text) or "",
        number=number.group("num") if number else None,
        date=iso_date(date_match) if date_match else None,
        issuer=issuer,
        signed_by=signatory,
        action=_action(act_text),
        title=" ".join(ln.text.strip() for ln in title_lines) or None,
        text=act_text,
        span=span_of(act_lines),
    )
    used = {ln.index for ln in act_lines}
    rest = [ln for ln in front if ln.index not in used]
    return approval, rest


_STAMP_ACT = kk_re(r"(?:қаулысымен|Жарлығымен|Заңымен|өкімімен|бұйрығымен)\b")


def _stamp_start(body: list[Line], header_at: int) -> int:
    """Where the "Қазақстан Республикасы Үкіметінің … № N қаулысымен бекітілген" stamp
    begins (``len(body)`` when there is none): the line naming the act in the
    instrumental case, and the short unpunctuated lines just above it."""
    at = next((i for i in range(header_at + 1, len(body)) if _STAMP_ACT.search(body[i].text) or _STAMP.search(body[i].text)), None)
    if at is None:
        return len(body)
    while at - 1 > header_at:
        above = body[at - 1].text.strip()
        if len(above) > 60 or above[-1:] in ".:;" or _SIGNATORY.search(above):
            break
        at -= 1
    return at


def _act_type(line: str) -> str | None:
    for pattern, name in _ACT_TYPES:
        if pattern.search(line):
            return name
    return None


_SIGN_ACTION = kk_re(r"қол\s+қо(?:йылсын|юға|ю\s+туралы|юды)")


def _action(act_text: str) -> str:
    low = act_text.lower()
    if "ратификацияла" in low:
        return "ratifies"
    if "бекітілсін" in low or "бекіту туралы" in low:
        return "approves"
    if _SIGN_ACTION.search(low):
        return "authorises_signing"
    return "other"


def signed_from_act(approval: Approval | None) -> Signed | None:
    """"2017 жылғы 18 сәуірде Астанада жасалған" in the act: where and when the
    agreement was signed, when its own closing formula leaves them blank."""
    if approval is None:
        return None
    match = _SIGNED_IN_ACT.search(approval.text)
    if not match:
        return None
    date = DATE.match(match.group("date"))
    return Signed(date=iso_date(date) if date else None, place=strip_locative(match.group("place")))


def entry_into_force(notes: list[Line]) -> str | None:
    for line in notes:
        match = DATE.search(line.text)
        if match:
            return iso_date(match)
    return None


_HEREINAFTER = kk_re(r"^\s*Бұдан\s+әрі\s+[\"«]?Тараптар[\"»]?\s+деп\s+аталатын\s+(?P<rest>.+)$", re.I)
_NAMED = kk_re(r"(?P<party>[^()]+?)\s*\(\s*бұдан\s+әрі\s*[-–—]?\s*[^)]*\)", re.I)


def parties(preamble: list[Alinea]) -> tuple[str, ...]:
    """The parties as the preamble names them: "Бұдан әрі Тараптар деп аталатын X мен Y",
    or "X (бұдан әрі - …) және Y (бұдан әрі - …)"."""
    for alinea in preamble[:3]:
        match = _HEREINAFTER.match(alinea.text)
        if match:
            rest = match.group("rest").strip().rstrip(",.;")
            named = [m.group("party").strip(" ,") for m in _NAMED.finditer(rest)]
            if named:
                return tuple(_clean_party(p) for p in named)
            parts = _PARTY_SEPARATOR.split(rest)
            return tuple(_clean_party(p) for p in parts if p.strip())
        named = [m.group("party").strip(" ,") for m in _NAMED.finditer(alinea.text)]
        if len(named) >= 2:
            return tuple(_clean_party(p) for p in named)
    return ()


_PARTY_SEPARATOR = kk_re(r"\s+мен\s+(?=[А-ЯӘҒҚҢӨҰҮҺІ])")
_LEADING_CONJUNCTION = kk_re(r"^(?:және|мен)\s+")


def _clean_party(party: str) -> str:
    party = _LEADING_CONJUNCTION.sub("", party.strip())
    return party.strip(" ,.;")


def split_notes(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Editorial notes ("(2017 жылғы 7 қыркүйекте күшіне енді - …)") apart from the
    preamble's own lines."""
    notes, rest = [], []
    for line in lines:
        (notes if EIF_NOTE.match(line.text.strip()) else rest).append(line)
    return notes, rest
