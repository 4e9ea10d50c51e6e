"""Bytes to text: the encodings and containers the legal database hands out.

Plain text arrives as UTF-8 (with or without a BOM), UTF-16 with a BOM, or
Windows-1251; pages saved from the database are HTML; some files are DOCX.
Whatever the container, the result is plain text with one paragraph per line,
so the repair and structure steps see one shape. Anything that is not text
(binary, undecodable, empty) is refused with an ``IngestError`` naming the file.

Markup is read as hostile: entities are never resolved from a DTD, nothing is ever
fetched (no network, no external DTD or entity, no ``file://``), libxml2's size and
depth limits stay on (``huge_tree=False``), a DOCX part with a document type
declaration is refused and a DOCX zip is unpacked only within ``ingest.limits``
(``ingest.zipped``). docs/security.md lists the limits and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

from ingest.errors import IngestError
from ingest.limits import MAX_SOURCE_BYTES, too_large
from ingest.zipped import read_member

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KZ1048_TELLS = re.compile(r"[ЌќЋћЎўЈјҐґЇїЄєЅѕЏџ]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<head|<body|<p[\s>]|<div[\s>])", re.I)
_BLOCK_TAGS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "title", "blockquote"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of a source file and how it was read."""

    text: str
    encoding: str


def decode(data: bytes, source: str = "<bytes>") -> Decoded:
    """Read ``data`` as a treaty text; raise ``IngestError`` naming ``source`` if it isn't one."""
    if not data.strip():
        raise IngestError(source, "empty file")
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large(source, len(data))
    if data[:4] == b"PK\x03\x04":
        return Decoded(_docx_text(data, source), "docx")
    text, encoding = _decode_text(data, source)
    if _HTML_SNIFF.match(data[:2048].lstrip(b"\xef\xbb\xbf")) or _looks_like_html(text):
        return Decoded(html_to_text(text, source), f"{encoding}+html")
    return Decoded(text, encoding)


def _decode_text(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", source), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), "utf-16"
    if b"\x00" in data[:4096]:
        raise IngestError(source, "binary file (NUL bytes), not a text")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as exc:  # cp1251 leaves only 0x98 undefined
            raise IngestError(source, f"not UTF-8, UTF-16 or Windows-1251 text ({exc.reason})") from None
        encoding = "cp1251"
        if len(_KZ1048_TELLS.findall(text)) > 3:
            # Kazakh's own Windows code page (KZ-1048) puts қ ғ ү ұ … where Windows-1251
            # has Macedonian and Ukrainian letters that Kazakh text never uses
            text, encoding = data.decode("kz1048", errors="replace"), "kz1048"
        if not _CYRILLIC.search(text):
            raise IngestError(source, "not UTF-8 text and no Cyrillic letters as Windows-1251: binary or unknown encoding")
    _refuse_binary(text, source)
    return text, encoding


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(source, f"invalid {encoding} ({exc.reason} at byte {exc.start})") from None
    if encoding == "utf-16":
        text = text.lstrip("\ufeff")
    _refuse_binary(text, source)
    return text


def _refuse_binary(text: str, source: str) -> None:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 200):
        raise IngestError(source, "binary file (control characters), not a text")


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<html" in head or ("<p" in head and "</p>" in head and head.count("<") > 5)


def html_to_text(markup: str, source: str = "<html>") -> str:
    """A page of the legal database as plain text in the shape of its text export.

    A block element (``<p>``, ``<div>``, a heading) opens an indented line and a
    ``<br>`` an unindented one, so the repair step joins a title broken by ``<br>``
    the way it joins a wrapped line. A table becomes the export's table layout: a
    line holding only a tab before each cell, a blank line between rows. lxml's HTML
    parser knows HTML's own entities and no others: a DTD's entity declarations are
    left as text, never expanded, and nothing is fetched. libxml2 caps the nesting at
    256 elements, which bounds the recursion of ``walk``. Scripts, styles, comments and
    processing instructions are dropped. A page that holds no text at all is refused.
    """
    parser = html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(source, f"malformed HTML ({exc})") from None
    fatal = parser.error_log.filter_from_level(etree.ErrorLevels.FATAL)
    if fatal:  # libxml2 stopped there (a limit, e.g. a text over 10 MB): the rest would be lost unsaid
        raise IngestError(source, f"HTML that the parser could not read to its end ({fatal[0].message.strip()})")
    for bad in root.xpath("//script|//style|//head|//noscript"):
        bad.drop_tree()
    out = _TextSink()

    def walk(el: etree._Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table":
            out.flush()
            for row in el.iter("tr"):
                out.table_row([_flat(cell) for cell in row if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")])
            out.blank()
            return
        if tag == "br":
            out.flush(continuation=True)
        block = tag in _BLOCK_TAGS and tag != "br"
        if block:
            out.flush()
        if el.text and tag:
            out.add(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.add(child.tail)
        if block:
            out.flush()

    walk(root)
    out.flush()
    if not out.has_text():
        raise IngestError(source, "HTML page with no text")
    return out.text()


def _flat(el: etree._Element) -> str:
    return _squeeze(" ".join(el.itertext()))


def _squeeze(text: str) -> str:
    return re.sub(r"[ \t\r\n\xa0]+", " ", text).strip()


class _TextSink:
    """Collects lines in the text export's layout: "      " before a paragraph's first
    line, nothing before a continuation line, "\t" lines and blank lines for tables."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.continuation = False

    def add(self, text: str) -> None:
        self.current.append(text)

    def flush(self, continuation: bool = False) -> None:
        line = _squeeze("".join(self.current))
        self.current.clear()
        if line:
            self.lines.append(line if self.continuation else "      " + line)
            self.continuation = continuation
        elif not continuation:
            self.continuation = False
        else:
            self.continuation = bool(self.lines) and self.lines[-1] != ""

    def table_row(self, cells: list[str]) -> None:
        if not any(cells):
            return
        self.blank()
        for cell in cells:
            self.lines.append("\t")
            self.lines.append(cell)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def has_text(self) -> bool:
        return any(line.strip() for line in self.lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _docx_text(data: bytes, source: str) -> str:
    """The paragraphs of a DOCX file, one a line, and its tables in the text export's
    table layout (``word/document.xml``, unpacked within the limits, parsed by
    ``parse_docx_xml``)."""
    root = parse_docx_xml(read_member(data, "word/document.xml", source), source)
    body = root.find(f"{_W}body")
    out = _TextSink()
    for block in body if body is not None else ():
        if block.tag == f"{_W}p":
            out.add(_docx_paragraph(block))
            out.flush()
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                out.table_row([_squeeze(" ".join(_docx_paragraph(p) for p in cell.iter(f"{_W}p"))) for cell in row.iter(f"{_W}tc")])
            out.blank()
    if not out.has_text():
        raise IngestError(source, "DOCX file with no text")
    return out.text()


_DOCTYPE = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def parse_docx_xml(xml: bytes, source: str) -> etree._Element:
    """An XML part of a DOCX file, parsed the one safe way: no entity resolved, no DTD
    loaded, nothing fetched, libxml2's limits on. Word never writes a document type
    declaration, so a part that has one (the carrier of entity expansion and external
    entities) is refused, before parsing when it is spelt in UTF-8 or UTF-16 (the
    encodings a DOCX allows), after parsing otherwise."""
    if any(mark in xml for mark in _DOCTYPE):
        raise IngestError(source, "DOCX XML with a document type declaration (entities and DTDs are refused)")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(source, f"malformed DOCX XML ({exc})") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise IngestError(source, "DOCX XML with a document type declaration (entities and DTDs are refused)")
    return root


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_paragraph(para: etree._Element) -> str:
    return "".join((node.text or "") if node.tag == f"{_W}t" else " " for node in para.iter(f"{_W}t", f"{_W}tab", f"{_W}br"))
