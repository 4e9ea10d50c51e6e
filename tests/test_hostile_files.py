"""Hostile files (issue 14): every one is refused with an ``IngestError`` naming it, or
read with its threat neutralised; none crashes, hangs, fetches or eats memory.

How hangs and memory are made observable. The hostile table (bombs, lying zips,
entities, links) is read in one child process (this module run as a script) whose
address space is capped with ``resource.setrlimit(RLIMIT_AS)`` at its size after
imports plus ``CHILD_MEMORY_BUDGET``, under a wall-clock timeout. That catches what
libxml2 and zlib allocate in C as well as Python objects (``tracemalloc`` sees only
the latter), and a hang inside C code (which no signal in the test process could
interrupt). A case that blew either bound fails with the child's ``MemoryError`` or the
timeout. The fuzz tests run in this process on small inputs, where a super-linear
path would show as a slow example: hypothesis's ``deadline`` is set explicitly, and
``tracemalloc``'s peak bounds what each example allocates in Python.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import resource
import struct
import subprocess
import sys
import threading
import tracemalloc
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.corpus import parse_corpus
from ingest.decode import Decoded, decode
from ingest.errors import IngestError
from ingest.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_PART_BYTES,
    MAX_SOURCE_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_GRACE_BYTES,
)
from ingest.pipeline import parse_path
from ingest.sources import corpus_path, read_source, source_files
from kb.build import build
from tests.test_shapes import W_NS, make_docx

REPO = Path(__file__).resolve().parents[1]
PROTOCOL = REPO / "tests" / "fixtures" / "shapes" / "protocol.txt"
SECRET = "KELISIM-SECRET-7f3a"
CHILD_MEMORY_BUDGET = 192 * 1024 * 1024
"""What the child may allocate beyond its size after imports: less than one bomb
unpacked (``BOMB_BYTES``), far more than refusing one costs."""
CHILD_TIMEOUT_S = 120
BOMB_BYTES = 256 * 1024 * 1024
DOCUMENT = "word/document.xml"


# --- zips written by hand, so that their headers can lie -------------------------------


def _deflate(chunks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """Raw deflate of ``chunks``: the stream, the unpacked size, the CRC-32."""
    packer, out, size, crc = zlib.compressobj(9, zlib.DEFLATED, -15), [], 0, 0
    for chunk in chunks:
        out.append(packer.compress(chunk))
        size, crc = size + len(chunk), zlib.crc32(chunk, crc)
    out.append(packer.flush())
    return b"".join(out), size, crc


def _zeros(total: int) -> Iterator[bytes]:
    block = bytes(1024 * 1024)
    for start in range(0, total, len(block)):
        yield block[: min(len(block), total - start)]


def raw_zip(entries: list[tuple[str, bytes, int, int]], *, declared_count: int | None = None) -> bytes:
    """A zip of deflated ``(name, stream, declared unpacked size, crc)`` entries, with
    whatever sizes and entry count the caller declares."""
    body, directory = bytearray(), bytearray()
    for name, stream, size, crc in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0)
        body += encoded + stream
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0, 0, 0, 0, 0, offset
        )
        directory += encoded
    count = len(entries) if declared_count is None else declared_count
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def _document_xml(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()


def docx_with(document: bytes) -> bytes:
    """A DOCX (the parts ``make_docx`` writes) whose document.xml is ``document``."""
    source = zipfile.ZipFile(io.BytesIO(make_docx("<w:p/>")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, document if info.filename == DOCUMENT else source.read(info))
    return buffer.getvalue()


PARAGRAPH = "<w:p><w:r><w:t>Тараптар осы Келісімнің ережелерін сақтайды.</w:t></w:r></w:p>"
LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i > 1 else "lol") * 10}">' for i in range(1, 10))


def _encoded_docx(encoding: str, doctype: str, text: str) -> bytes:
    """A DOCX whose document.xml, in ``encoding``, has ``doctype`` and one paragraph."""
    document = _document_xml(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>", doctype)
    return docx_with(document.replace(b'"UTF-8"', f'"{encoding}"'.encode()).decode().encode(encoding))


# --- the hostile table ------------------------------------------------------------------


def _write_hostile_corpus(folder: Path, outside: Path, dtd_url: str) -> dict[str, str]:
    """Writes one file per hostile kind into ``folder``; returns name → what reading it
    must give: ``"refused: <words of the message>"`` or ``"text: <words it holds>"``."""
    folder.mkdir()
    secret = outside / "secret.txt"
    expected: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = outcome

    xxe = f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
    put("xxe.docx", docx_with(_document_xml(PARAGRAPH.replace("Тараптар", "&x;"), xxe)), "refused: document type declaration")
    put(
        "xxe.html",
        f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]><html><body><p>Тараптар &x; келісті</p></body></html>'.encode(),
        "text: Тараптар &x; келісті",
    )
    put("xxe-xml.txt", f'<?xml version="1.0"?>{xxe}<d>Тараптар &x;</d>'.encode(), "text: <!ENTITY x SYSTEM")
    put("laughs.docx", docx_with(_document_xml(PARAGRAPH.replace("Тараптар", "&lol9;"), f"<!DOCTYPE d [{LAUGHS}]>")), "refused: document type declaration")
    put("laughs-utf16.docx", _encoded_docx("UTF-16", f"<!DOCTYPE d [{LAUGHS}]>", "&lol9;"), "refused: document type declaration")
    # an encoding the check before parsing does not read: parsed without resolving, refused after
    put("xxe-utf32.docx", _encoded_docx("UTF-32", xxe, "&x;"), "refused: document type declaration")
    put("laughs.html", f"<!DOCTYPE html [{LAUGHS}]><html><body><p>Тараптар &lol9; келісті</p></body></html>".encode(), "text: &lol9;")
    put(
        "external-dtd.html",
        f'<?xml version="1.0"?><!DOCTYPE html SYSTEM "{dtd_url}"><html><body><p>Тараптар &ext; келісті</p></body></html>'.encode(),
        "text: Тараптар",
    )
    put("external-dtd.docx", docx_with(_document_xml(PARAGRAPH, f'<!DOCTYPE d SYSTEM "{dtd_url}">')), "refused: document type declaration")

    # one text node above libxml2's 10 MB limit: refused, not read as an empty page
    long_text = b"<html><body><p>" + "Тараптар ".encode() * 1_100_000 + b"</p></body></html>"
    put("long-text.html", long_text, "refused: HTML that the parser could not read to its end (Resource limit exceeded")

    bomb, bomb_size, bomb_crc = _deflate(_zeros(BOMB_BYTES))
    ratio = f"{bomb_size / len(bomb):.0f}"
    put("bomb.docx", raw_zip([(DOCUMENT, bomb, bomb_size, bomb_crc)]), f"refused: expands {ratio}-fold (the limit is {MAX_COMPRESSION_RATIO}): a zip bomb")
    # the headers say 1000 bytes, the stream holds 256 MiB: the read stops at 1000
    put("lying-size.docx", raw_zip([(DOCUMENT, bomb, 1000, bomb_crc)]), "refused: damaged zip archive (Bad CRC-32")
    tiny, tiny_size, tiny_crc = _deflate(iter([b"x"]))
    put(
        "part-too-large.docx",
        raw_zip([(DOCUMENT, tiny + bytes(MAX_PART_BYTES // 50), MAX_PART_BYTES + 1, tiny_crc)]),
        f"refused: zip entry {DOCUMENT} of {MAX_PART_BYTES + 1} bytes (the limit is {MAX_PART_BYTES})",
    )
    small, small_size, small_crc = _deflate(_zeros(RATIO_GRACE_BYTES))
    many = MAX_UNPACKED_BYTES // RATIO_GRACE_BYTES + 1
    put(
        "unpacks-too-much.docx",
        raw_zip([(f"media/{i}.bin", small, small_size, small_crc) for i in range(many)]),
        f"refused: zip archive unpacks to {many * RATIO_GRACE_BYTES} bytes (the limit is {MAX_UNPACKED_BYTES})",
    )
    entries = [(f"p/{i}.xml", tiny, tiny_size, tiny_crc) for i in range(MAX_ZIP_ENTRIES + 1)]
    put("too-many-entries.docx", raw_zip(entries), f"refused: zip archive with {MAX_ZIP_ENTRIES + 1} entries (the limit is {MAX_ZIP_ENTRIES})")
    put("lying-count.docx", raw_zip(entries * 30, declared_count=3), "refused: zip central directory of")
    put(
        "odd-names.docx",
        raw_zip([("/etc/passwd", tiny, tiny_size, tiny_crc), ("../../escape.txt", tiny, tiny_size, tiny_crc)]),
        f"refused: not a DOCX file (no {DOCUMENT} in the archive)",
    )

    with (folder / "oversized.txt").open("wb") as sparse:
        sparse.truncate(MAX_SOURCE_BYTES + 1)
    expected["oversized.txt"] = f"refused: file too large ({(MAX_SOURCE_BYTES + 1) / 2**20:.1f} MiB; the limit is 20 MiB)"

    secret.write_text(f"      {SECRET}\n", encoding="utf-8")
    (outside / "corpus-link-target").mkdir()
    (outside / "corpus-link-target" / "inner.txt").write_text("      " + SECRET + "\n", encoding="utf-8")
    (folder / "escape.txt").symlink_to(secret)
    expected["escape.txt"] = "refused: symbolic link to a file outside the corpus folder"
    (folder / "dotdot.txt").symlink_to(Path("..") / outside.name / "secret.txt")
    expected["dotdot.txt"] = "refused: symbolic link to a file outside the corpus folder"
    (folder / "folder-link.txt").symlink_to(outside / "corpus-link-target")  # a folder: never walked, never read
    os.mkfifo(folder / "pipe.txt")
    expected["pipe.txt"] = "refused: not a regular file (a FIFO)"
    (folder / "dangling.txt").symlink_to(outside / "gone.txt")
    expected["dangling.txt"] = "refused: No such file or directory"
    return expected


def read_each(folder: Path) -> dict[str, str]:
    """Every source file of ``folder`` read and decoded: name → ``"refused: <message>"``,
    ``"text: <decoded text>"``, or ``"crash: <exception>"`` for anything else."""
    results: dict[str, str] = {}
    for path in source_files([folder]):
        try:
            results[path.name] = "text: " + decode(read_source(path), str(path)).text
        except IngestError as exc:
            assert exc.source == str(path), exc
            results[path.name] = "refused: " + exc.reason
        except BaseException as exc:  # noqa: BLE001 - the child reports what it must never raise
            results[path.name] = f"crash: {type(exc).__name__}: {exc}"
    return results


def _child_main(folder: str) -> None:
    """The child: cap the address space, read every file, print the outcomes as JSON."""
    with open("/proc/self/status", encoding="ascii") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    resource.setrlimit(resource.RLIMIT_AS, (size + CHILD_MEMORY_BUDGET, resource.RLIM_INFINITY))
    results = read_each(Path(folder))
    print(json.dumps({"results": results, "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rss_kib_before": before}))


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(f'<!ENTITY ext "{SECRET}">'.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def dtd_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that serves a DTD and records every request it gets."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/evil.dtd", _CountingHandler.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, dtd_server: tuple[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """(expected, got) for the hostile corpus, read in the capped child."""
    outside = tmp_path_factory.mktemp("outside")
    folder = outside.parent / (outside.name + "-corpus")
    expected = _write_hostile_corpus(folder, outside, dtd_server[0])
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_hostile_files", str(folder)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return expected, json.loads(done.stdout)["results"]


HOSTILE_KINDS = [
    "xxe.docx",
    "xxe.html",
    "xxe-xml.txt",
    "laughs.docx",
    "laughs-utf16.docx",
    "xxe-utf32.docx",
    "laughs.html",
    "external-dtd.html",
    "long-text.html",
    "external-dtd.docx",
    "bomb.docx",
    "lying-size.docx",
    "part-too-large.docx",
    "unpacks-too-much.docx",
    "too-many-entries.docx",
    "lying-count.docx",
    "odd-names.docx",
    "oversized.txt",
    "escape.txt",
    "dotdot.txt",
    "pipe.txt",
    "dangling.txt",
]


@pytest.mark.parametrize("name", HOSTILE_KINDS)
def test_hostile_file_is_refused_or_neutralised(name: str, hostile: tuple[dict[str, str], dict[str, str]]) -> None:
    expected, got = hostile
    kind, _, words = expected[name].partition(": ")
    assert got[name].startswith(kind + ": "), got[name]
    assert words in got[name], got[name]
    assert f"/{name}" not in got[name]  # the reason is said once, the file named once (by IngestError)
    assert SECRET not in got[name]  # no entity, DTD or link ever brought the secret in
    assert "lollollol" not in got[name]  # no entity was ever expanded


def test_the_table_covers_every_hostile_file_and_nothing_else(hostile: tuple[dict[str, str], dict[str, str]]) -> None:
    """Each file of the hostile corpus was reported (none silently dropped), the folder
    link excepted: folders inside a corpus are never walked or read."""
    expected, got = hostile
    assert sorted(got) == sorted(expected) == sorted(HOSTILE_KINDS)


def test_nothing_was_fetched(hostile: tuple[dict[str, str], dict[str, str]], dtd_server: tuple[str, list[str]]) -> None:
    assert dtd_server[1] == []


@contextmanager
def python_peak() -> Iterator[Callable[[], int]]:
    """The peak of Python's allocations inside the block (``tracemalloc``), callable
    once the block is done."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    peak = 0
    try:
        yield lambda: peak
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- paths --------------------------------------------------------------------------------


def test_a_refused_path_is_an_outcome_of_the_corpus(tmp_path: Path) -> None:
    """``parse_corpus`` (``kelisim parse``, ``kelisim build``) reports a link out of the
    corpus as that file's error, as it does any refused file."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "escape.txt").symlink_to(tmp_path / "secret.txt")
    outcomes = parse_corpus([corpus]).outcomes
    assert [(o.path.name, o.treaty, o.error.reason if o.error else None) for o in outcomes] == [
        ("escape.txt", None, "symbolic link to a file outside the corpus folder (never followed)")
    ]


def test_the_build_neither_hashes_nor_parses_a_link_out_of_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "protocol.txt").write_bytes(PROTOCOL.read_bytes())
    (corpus / "escape.txt").symlink_to(tmp_path / "secret.txt")
    result = build(corpus, tmp_path / "kb", progress=None)
    by_path = {s.path: s for s in result.sources}
    assert by_path["escape.txt"].sha256 is None and by_path["escape.txt"].bytes is None
    assert by_path["escape.txt"].error == "symbolic link to a file outside the corpus folder (never followed)"
    assert by_path["protocol.txt"].treaty_id is not None


def test_a_link_inside_the_corpus_is_followed(tmp_path: Path) -> None:
    (tmp_path / "protocol.txt").write_bytes(PROTOCOL.read_bytes())
    (tmp_path / "alias.txt").symlink_to("protocol.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "kept.txt").write_bytes(b"      x\n")
    (tmp_path / "down.txt").symlink_to(tmp_path / "sub" / "kept.txt")
    assert read_source(tmp_path / "alias.txt") == PROTOCOL.read_bytes()
    assert read_source(tmp_path / "down.txt") == b"      x\n"
    assert [p.name for p in source_files([tmp_path])] == ["alias.txt", "down.txt", "protocol.txt"]


def test_a_corpus_folder_that_is_a_link_is_read_through(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "protocol.txt").write_bytes(PROTOCOL.read_bytes())
    (tmp_path / "corpus").symlink_to(tmp_path / "real")
    assert [read_source(p) for p in source_files([tmp_path / "corpus"])] == [PROTOCOL.read_bytes()]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../secret.txt", "not a file name inside the corpus folder"),
        ("a/../../secret.txt", "not a file name inside the corpus folder"),
        ("/etc/passwd", "not a file name inside the corpus folder"),
        ("..\\secret.txt", "not a file name inside the corpus folder"),
        ("", "not a file name inside the corpus folder"),
    ],
)
def test_a_name_from_corpus_data_never_leaves_the_corpus(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        corpus_path(tmp_path, name)


def test_a_plain_name_from_corpus_data_is_a_file_of_the_corpus(tmp_path: Path) -> None:
    assert corpus_path(tmp_path, "sub/a.txt") == tmp_path / "sub" / "a.txt"


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A sparse file: its size on disk is refused from ``stat``, its bytes never read."""
    path = tmp_path / "huge.html"
    with path.open("wb") as sparse:
        sparse.truncate(10 * MAX_SOURCE_BYTES)
    with python_peak() as peak:
        with pytest.raises(IngestError, match=r"huge\.html: file too large \(200\.0 MiB; the limit is 20 MiB\)"):
            parse_path(path)
    assert peak() < 1024 * 1024


def test_oversized_bytes_are_refused_by_decode() -> None:
    with pytest.raises(IngestError, match=r"big\.txt: file too large \(20\.0 MiB; the limit is 20 MiB\)"):
        decode(b"a" * (MAX_SOURCE_BYTES + 1), "big.txt")


# --- DOCX that must still read --------------------------------------------------------------


def test_a_docx_with_a_high_ratio_small_part_still_reads() -> None:
    """Below the grace size a part may compress beyond the ratio limit (repeated markup)."""
    data = docx_with(_document_xml(PARAGRAPH + "<w:p/>" * 20000))
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(DOCUMENT).file_size < RATIO_GRACE_BYTES
    assert decode(data, "ok.docx").text == "      Тараптар осы Келісімнің ережелерін сақтайды.\n"


def test_docx_names_inside_the_zip_are_never_paths(tmp_path: Path) -> None:
    """Odd names beside document.xml change nothing: nothing is extracted to disk."""
    source = zipfile.ZipFile(io.BytesIO(docx_with(_document_xml(PARAGRAPH))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        archive.writestr("../../outside.txt", SECRET)
        archive.writestr("/abs.txt", SECRET)
    before = sorted(tmp_path.parent.rglob("*"))
    assert decode(buffer.getvalue(), "odd.docx").text == "      Тараптар осы Келісімнің ережелерін сақтайды.\n"
    assert sorted(tmp_path.parent.rglob("*")) == before


def test_a_zip_of_a_later_format_version_is_refused() -> None:
    """Found by the fuzzing: ``zipfile`` raises ``NotImplementedError`` for a version it
    does not know."""
    data = bytearray(docx_with(_document_xml(PARAGRAPH)))
    directory = data.index(b"PK\x01\x02")
    data[directory + 6 : directory + 8] = struct.pack("<H", 64)  # version needed to extract: 6.4
    with pytest.raises(IngestError, match=r"^v\.docx: damaged zip archive \(zip file version 6\.4\)$"):
        decode(bytes(data), "v.docx")


def test_a_parser_message_on_two_lines_makes_a_one_line_error() -> None:
    """Found by the fuzzing: libxml2 ends some messages with a line break."""
    with pytest.raises(IngestError) as caught:
        decode(docx_with(_document_xml(PARAGRAPH).replace(b"<w:body>", b"<w:body>\x00")), "nul.docx")
    assert str(caught.value).startswith("nul.docx: malformed DOCX XML (") and "\n" not in str(caught.value)


# --- fuzzing --------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=250,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
FUZZ_PEAK_BYTES = 16 * 1024 * 1024
"""Python allocations one small input may cost: the tree's text and a part unpacked
within the grace size, with room; a bomb or an expansion would pass it."""

PREFIXES = [
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"<html",
    b"<!doctype html><html><body><p>",
    b"<?xml version='1.0'?>",
    b'<?xml version="1.0"?><html>',
    b"<p>a</p><p>",
    b"PK\x03\x04",
    b"PK\x05\x06",
]
VALID_DOCX = docx_with(_document_xml(PARAGRAPH * 3 + "<w:tbl><w:tr><w:tc>" + PARAGRAPH + "</w:tc></w:tr></w:tbl>"))
VALID_DOCUMENT = zipfile.ZipFile(io.BytesIO(VALID_DOCX)).read(DOCUMENT)


def decodes_or_refuses(data: bytes) -> None:
    """``decode`` gives a ``Decoded`` or an ``IngestError`` naming the source, within the
    Python memory bound; any other exception propagates and fails the test."""
    with python_peak() as peak:
        try:
            assert isinstance(decode(data, "fuzz.bin"), Decoded)
        except IngestError as exc:
            assert exc.source == "fuzz.bin" and "\n" not in str(exc)
    assert peak() < FUZZ_PEAK_BYTES


def _mutated(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each (position, cut length, insertion) applied in turn."""
    out = bytearray(data)
    for at, cut, insert in edits:
        at %= len(out) + 1
        out[at : at + cut] = insert
    return bytes(out)


NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
EDITS = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 8), st.binary(max_size=8)), min_size=1, max_size=6)


@FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(data: bytes) -> None:
    decodes_or_refuses(data)


@FUZZ
@given(st.sampled_from(PREFIXES), st.binary(max_size=2048))
def test_fuzz_bytes_behind_each_kind_of_magic(prefix: bytes, data: bytes) -> None:
    decodes_or_refuses(prefix + data)


@FUZZ
@given(st.sampled_from(PREFIXES[:3] + [b""]), st.text(max_size=600), st.sampled_from(["utf-8", "utf-16", "cp1251", "kz1048"]))
def test_fuzz_text_of_every_encoding(prefix: bytes, text: str, encoding: str) -> None:
    decodes_or_refuses(prefix + text.encode(encoding, errors="replace"))


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from([DOCUMENT, "[Content_Types].xml", "x/../../a", "/abs"]) | NAMES, st.binary(max_size=512), st.booleans()),
        max_size=5,
    )
)
def test_fuzz_valid_zips_with_random_members(members: list[tuple[str, bytes, bool]]) -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # a duplicate name is part of the fuzz
        for name, content, deflated in members:
            archive.writestr(name or "_", content, zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED)
    decodes_or_refuses(buffer.getvalue())


@FUZZ
@given(EDITS)
def test_fuzz_docx_with_a_mutated_document(edits: list[tuple[int, int, bytes]]) -> None:
    decodes_or_refuses(docx_with(_mutated(VALID_DOCUMENT, edits)))


@FUZZ
@given(EDITS)
def test_fuzz_docx_with_mutated_zip_bytes(edits: list[tuple[int, int, bytes]]) -> None:
    decodes_or_refuses(_mutated(VALID_DOCX, edits))


HTML_PIECES = ["<p>", "</p>", "<div>", "<table><tr><td>", "</td></tr></table>", "<br>", "&amp;", "&lol;"]
HTML_PIECES += ["<!ENTITY x 'y'>", "<!DOCTYPE html [", "]>", "Тараптар", "<script>", "<!--", "-->", "<div>" * 300]


@FUZZ
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=60))
def test_fuzz_html_from_its_pieces(pieces: list[str]) -> None:
    decodes_or_refuses(("<html><body>" + "".join(pieces)).encode())


if __name__ == "__main__":
    _child_main(sys.argv[1])
