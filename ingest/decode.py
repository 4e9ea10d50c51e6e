"""Bytes to text: the encodings and containers the legal database hands out.

Plain text arrives as UTF-8 (with or without a BOM), UTF-16 with a BOM, or
Windows-1251; pages saved from the database are HTML; some files are DOCX.
Whatever the container, the result is plain text with one paragraph per line,
so the repair and structure steps see one shape. Anything that is not text
(binary, undecodable, empty) is refused with an ``IngestError`` naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree, html

from ingest.errors import IngestError

MAX_BYTES = 20 * 1024 * 1024
"""A treaty with its annexes is well under 2 MB; 20 MB is room for the largest
conventions while a stray dump or archive is refused before it costs memory."""

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
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
    if len(data) > MAX_BYTES:
        raise IngestError(source, f"file too large ({len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB)")
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
    """A page of the legal database as plain text, one block element a line.

    lxml's HTML parser resolves entities itself and never fetches anything; scripts,
    styles and comments are dropped. Malformed markup is repaired by the parser, and
    a page that holds no text at all is refused.
    """
    try:
        root = html.document_fromstring(markup.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True))
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(source, f"malformed HTML ({exc})") from None
    for bad in root.xpath("//script|//style|//head|//noscript"):
        bad.drop_tree()
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = "".join(current).replace("\xa0", " ")
        line = re.sub(r"[ \t\r\n]+", " ", line).strip()
        if line:
            lines.append("      " + line)
        current.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            flush()
        if el.text and tag:
            current.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if block or tag.lower() in {"td", "th"}:
            if tag.lower() in {"td", "th"}:
                current.append(" ")
            else:
                flush()

    walk(root)
    flush()
    if not lines:
        raise IngestError(source, "HTML page with no text")
    return "\n".join(lines) + "\n"


def _docx_text(data: bytes, source: str) -> str:
    """The paragraphs of a DOCX file, one a line (``word/document.xml`` read with lxml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise IngestError(source, f"not a DOCX file ({exc})") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(source, f"malformed DOCX XML ({exc})") from None
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    lines = []
    for para in root.iter(f"{w}p"):
        texts = [node.text or "" for node in para.iter(f"{w}t", f"{w}tab")]
        line = "".join(t if t else " " for t in texts).strip()
        if line:
            lines.append("      " + line)
    if not lines:
        raise IngestError(source, "DOCX file with no text")
    return "\n".join(lines) + "\n"
