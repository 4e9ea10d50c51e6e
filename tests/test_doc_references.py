"""Every file the code's docstrings and comments, the README and docs/ cite by its path
in the repository exists, and so does every module cited by its dotted name.

Citations rot when code moves: a reader sent to ``docs/parse-json.md`` or to
``kb.query.compile_match`` that is not there loses trust in the rest. Paths outside the
repository (``../shared/…``, ``~/.cache/…``) and generated places (``var/``) are not
the repository's to keep, and are left alone.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("docs", "tests", "kb", "ingest", "api", "bench", "corpus")
PATH_RE = re.compile(r"(?<![\w./~-])((?:%s)/[\w./-]*\w\.(?:md|py|json|txt|tsv|xml|html|xsd))" % "|".join(TOP))
MODULE_RE = re.compile(r"`{1,2}((?:ingest|kb|api)(?:\.[a-z_][a-z0-9_]*)+)`{1,2}")
FILE_NAMES = (".sqlite", ".json", ".faiss")
"""``kb.sqlite`` is a file a version holds, not a module."""


def _sources() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for top in ("ingest", "kb", "api", "bench", "tests"):
        files.extend(sorted((ROOT / top).rglob("*.py")))
    return [f for f in files if "fixtures" not in f.parts]


def cited_paths(text: str) -> set[str]:
    return {m.group(1) for m in PATH_RE.finditer(text) if "*" not in m.group(1)}


def _module_exists(dotted: str) -> bool:
    """A dotted name is a module, or an attribute of one: ``kb.search.search``."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # a dotted attribute of a module, not a submodule
            spec = None
        if spec is not None:
            if n == len(parts):
                return True
            module = importlib.import_module(name)
            target: object = module
            for attr in parts[n:]:
                if not hasattr(target, attr):
                    return False
                target = getattr(target, attr)
            return True
    return False


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see ``docs/parse-json.md`` and tests/golden/parse/0.json.", {"docs/parse-json.md", "tests/golden/parse/0.json"}),
        ("../shared/docs/source-texts.md and ~/.cache/kb/x.json", set()),
        ("tests/fixtures/shapes/*.txt", set()),
        ("`kb/store.py`: the store", {"kb/store.py"}),
    ],
)
def test_cited_paths_table(text: str, found: set[str]) -> None:
    assert cited_paths(text) == found


def test_every_cited_path_exists() -> None:
    missing = [
        f"{source.relative_to(ROOT)}: {path}"
        for source in _sources()
        if source != Path(__file__)
        for path in sorted(cited_paths(source.read_text("utf-8")))
        if not (ROOT / path).exists()
    ]
    assert missing == []


def test_every_cited_module_exists() -> None:
    missing = [
        f"{source.relative_to(ROOT)}: {name}"
        for source in _sources()
        if source != Path(__file__)
        for name in sorted(set(MODULE_RE.findall(source.read_text("utf-8"))))
        if not name.endswith(FILE_NAMES) and not _module_exists(name)
    ]
    assert missing == []
