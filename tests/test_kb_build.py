"""The knowledge-base build: what it writes, and that no failure (an exception, a bad
file, SIGKILL) ever leaves ``CURRENT`` pointing at anything but a complete version."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.model import Treaty
from kb.build import BuildResult, build
from kb.errors import ArticleNotFound, BuildError, KbUnavailable, TreatyNotFound
from kb.paths import KbPaths, is_version_name
from kb.schema import SCHEMA_VERSION
from kb.store import CurrentKnowledgeBase, KnowledgeBase, open_current, read_current
from tests.kb_samples import fake_parse, write_fake_corpus

REPO = Path(__file__).resolve().parents[1]
REAL_CORPUS = REPO / "corpus"


def quiet_build(corpus: Path, kb_root: Path, parse: Callable[[Path], Treaty] = fake_parse, **kw: object) -> BuildResult:
    return build(corpus, kb_root, parse=parse, progress=None, **kw)  # type: ignore[arg-type]


def versions(kb_root: Path) -> list[str]:
    return sorted(os.listdir(KbPaths(kb_root).versions))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_fake_corpus(tmp_path / "corpus", {"a.txt": 5, "b.txt": 7, "c.txt": 4, "d.txt": 6})


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return tmp_path / "kb"


# -- what a build writes ---------------------------------------------------------------


def test_build_counts_and_manifest(corpus: Path, kb_root: Path) -> None:
    result = quiet_build(corpus, kb_root)
    # make_treaty: article 2 has two paragraphs (3 + 1 points), every other article one.
    expected = {"treaties": 4, "articles": 22, "paragraphs": 26, "points": 16, "annexes": 4,
                "definitions": 0, "refs": 0, "obligations": 0, "clauses": 0, "concepts": 0}
    assert dict(result.counts) == expected
    assert result.treaty_ids == ("a", "b", "c", "d")
    assert result.errors == ()
    assert read_current(kb_root) == result.version
    assert result.path == KbPaths(kb_root).version_dir(result.version)

    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == result.version
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["kelisim_version"]
    assert manifest["built_at"].endswith("Z")
    assert manifest["content_sha256"] == result.content_sha256
    assert result.version.endswith("-" + result.content_sha256[:8])
    assert manifest["counts"] == expected
    assert manifest["errors"] == []
    by_path = {s["path"]: s for s in manifest["sources"]}
    assert sorted(by_path) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    data = (corpus / "b.txt").read_bytes()
    assert by_path["b.txt"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert by_path["b.txt"]["bytes"] == len(data)
    assert by_path["b.txt"]["treaty_id"] == "b"

    with open_current(kb_root) as kb:
        conn = kb.raw_connection()  # the views over the version's segments
        for table, n in expected.items():
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n


def test_version_folder_is_self_contained_files(corpus: Path, kb_root: Path) -> None:
    result = quiet_build(corpus, kb_root)
    assert is_version_name(result.version)
    assert sorted(os.listdir(result.path)) == ["kb.sqlite", "manifest.json", "segments"]  # no -wal / -shm left
    [segment] = os.listdir(result.path / "segments")
    assert segment.endswith(".sqlite")
    for db in (result.path / "kb.sqlite", result.path / "segments" / segment):
        header = db.read_bytes()[:20]
        assert header[:16] == b"SQLite format 3\x00"
        assert (header[18], header[19]) == (1, 1)  # rollback journal, not WAL
    assert versions(kb_root) == [result.version]  # no temp folder left
    assert not KbPaths(kb_root).current_tmp.exists()


def test_knowledge_base_is_read_only(corpus: Path, kb_root: Path) -> None:
    quiet_build(corpus, kb_root)
    with open_current(kb_root) as kb:
        with pytest.raises(sqlite3.OperationalError):
            kb._conn.execute("DELETE FROM treaties")


def test_queries_answer_from_the_build(corpus: Path, kb_root: Path) -> None:
    result = quiet_build(corpus, kb_root)
    with open_current(kb_root) as kb:
        assert kb.version == result.version
        assert kb.count_treaties() == 4
        summaries = kb.list_treaties()
        assert [t.id for t in summaries] == ["a", "b", "c", "d"]
        assert summaries[1].article_count == 7
        assert summaries[0].approval is not None and summaries[0].approval.number == "123"
        assert summaries[0].signed is not None and summaries[0].signed.place == "Астана"

        # The stored export decodes back into exactly what the parser gave.
        assert kb.get_treaty("a") == fake_parse(corpus / "a.txt")

        art = kb.get_article("a", "2")
        assert [p.num for p in art.paragraphs] == ["1", "2"]
        assert [(p.num, p.kind) for p in art.paragraphs[0].points] == [("1", "number"), ("2", "number"), (None, "dash")]
        assert art.citation == "Келісім a.txt, 2-бап"
        assert kb.get_article("a", "3").heading == "Мақсаты"
        assert kb.get_article("a", "1").implicit is True
        assert kb.manifest()["version"] == result.version


@pytest.mark.parametrize("bad_id", ["zz", "", "x" * 10_000, "\ud800", "' OR 1=1 --", "a\x00"])
def test_unknown_ids_raise_not_found(corpus: Path, kb_root: Path, bad_id: str) -> None:
    quiet_build(corpus, kb_root)
    with open_current(kb_root) as kb:
        with pytest.raises(TreatyNotFound) as exc:
            kb.get_treaty(bad_id)
        assert exc.value.param == "treaty_id"
        with pytest.raises(TreatyNotFound):
            kb.get_article(bad_id, "1")
        with pytest.raises(ArticleNotFound) as exc2:
            kb.get_article("a", bad_id)
        assert exc2.value.param == "num"
        assert not kb.has_treaty(bad_id)


# -- bad input -------------------------------------------------------------------------


def test_a_bad_file_is_recorded_and_the_rest_still_build(tmp_path: Path, kb_root: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 5, "empty.txt": None, "c.txt": 4})
    result = quiet_build(corpus, kb_root)
    assert result.treaty_ids == ("a", "c")
    assert [e.source for e in result.errors] == ["empty.txt"]
    assert "empty file" in result.errors[0].error
    assert "1 of 3 sources failed" in result.summary()
    manifest = open_current(kb_root).manifest()
    assert manifest["errors"] == [{"source": "empty.txt", "error": result.errors[0].error}]
    assert {s["path"]: s["error"] is not None for s in manifest["sources"]} == {"a.txt": False, "empty.txt": True, "c.txt": False}


def test_duplicate_treaty_ids_keep_the_first(tmp_path: Path, kb_root: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "1.txt").write_text("Бірінші\nid=same\narticles=2\n", encoding="utf-8")
    (corpus / "2.txt").write_text("Екінші\nid=same\narticles=3\n", encoding="utf-8")
    result = quiet_build(corpus, kb_root)
    assert result.treaty_ids == ("same",)
    assert "duplicate treaty id 'same'" in result.errors[0].error
    assert open_current(kb_root).get_treaty("same").title == "Бірінші"


def test_nothing_parsed_fails_and_keeps_the_previous_version(tmp_path: Path, kb_root: Path, corpus: Path) -> None:
    first = quiet_build(corpus, kb_root)
    bad = write_fake_corpus(tmp_path / "bad", {"x.txt": None, "y.txt": None})
    with pytest.raises(BuildError, match="no treaty parsed"):
        quiet_build(bad, kb_root)
    assert read_current(kb_root) == first.version
    assert versions(kb_root) == [first.version]


def test_missing_or_empty_corpus_fails(tmp_path: Path, kb_root: Path) -> None:
    with pytest.raises(BuildError, match="corpus not found"):
        quiet_build(tmp_path / "nope", kb_root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match="no source files"):
        quiet_build(tmp_path / "empty", kb_root)
    with pytest.raises(KbUnavailable):
        open_current(kb_root)


# -- failure midway --------------------------------------------------------------------


@pytest.mark.parametrize("exc_type", [RuntimeError, KeyboardInterrupt, MemoryError])
def test_exception_midway_keeps_the_previous_version(corpus: Path, kb_root: Path, exc_type: type[BaseException]) -> None:
    first = quiet_build(corpus, kb_root)
    calls = 0

    def parse_then_explode(path: Path) -> Treaty:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise exc_type("parser bug")
        return fake_parse(path)

    with pytest.raises(exc_type):
        quiet_build(corpus, kb_root, parse=parse_then_explode)
    assert calls == 3
    assert read_current(kb_root) == first.version
    assert versions(kb_root) == [first.version]  # the temp folder is gone
    with open_current(kb_root) as kb:
        assert kb.count_treaties() == 4


def test_failure_while_publishing_keeps_the_previous_version(
    corpus: Path, kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = quiet_build(corpus, kb_root)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kb.build.os.replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        quiet_build(corpus, kb_root)
    assert read_current(kb_root) == first.version
    assert versions(kb_root) == [first.version]  # neither the temp nor the renamed folder is left


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import kb.build
    from tests.kb_samples import fake_parse

    corpus, kb_root, marker, phase = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]

    def stall():
        marker.write_text("here")
        time.sleep(120)

    calls = 0
    def slow_parse(path):
        global calls
        calls += 1
        if phase == "parse" and calls == 2:
            stall()
        return fake_parse(path)

    if phase == "publish":
        real_publish = kb.build._publish
        def slow_publish(paths, version):
            stall()
            real_publish(paths, version)
        kb.build._publish = slow_publish

    kb.build.build(corpus, kb_root, parse=slow_parse, progress=None)
    """
)


@pytest.mark.parametrize("phase", ["parse", "publish"])
def test_sigkill_midway_keeps_the_previous_version(corpus: Path, kb_root: Path, tmp_path: Path, phase: str) -> None:
    from litestar.testing import TestClient

    from api.app import create_app

    first = quiet_build(corpus, kb_root)
    marker = tmp_path / "stalled"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(corpus), str(kb_root), str(marker), phase],
        cwd=REPO,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"build subprocess exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                pytest.fail("build subprocess never reached the stall point")
            time.sleep(0.02)
        # The build is midway: it has written something next to the live version.
        assert len(versions(kb_root)) == 2
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()

    assert read_current(kb_root) == first.version
    with open_current(kb_root) as kb:
        assert kb.version == first.version
        assert kb.get_article("a", "4").num == "4"
    with TestClient(create_app(kb_root)) as client:
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "version": first.version, "treaties": 4}

    # The next build is not blocked (the lock died with the process) and sweeps the debris.
    third = quiet_build(corpus, kb_root)
    assert read_current(kb_root) == third.version
    assert not [n for n in versions(kb_root) if n.startswith(".tmp-")]


# -- versions over time ----------------------------------------------------------------


def test_versions_sort_in_build_order_and_old_ones_are_pruned(corpus: Path, kb_root: Path) -> None:
    results = [quiet_build(corpus, kb_root) for _ in range(5)]
    names = [r.version for r in results]
    assert names == sorted(names) and len(set(names)) == 5
    assert len({n.rsplit("-", 1)[1] for n in names}) == 1  # same input, same content hash
    assert versions(kb_root) == names[-3:]
    assert read_current(kb_root) == names[-1]
    assert results[3].pruned == (names[0],)


def test_content_hash_follows_the_input(corpus: Path, kb_root: Path) -> None:
    one = quiet_build(corpus, kb_root)
    (corpus / "a.txt").write_text("Өзгерген\narticles=2\n", encoding="utf-8")
    two = quiet_build(corpus, kb_root)
    assert one.version.rsplit("-", 1)[1] != two.version.rsplit("-", 1)[1]


def test_an_open_version_keeps_serving_after_swap_and_is_pruned_once_closed(corpus: Path, kb_root: Path) -> None:
    first = quiet_build(corpus, kb_root)
    live = CurrentKnowledgeBase(kb_root)
    old = live.get()
    assert old.version == first.version
    for _ in range(4):
        last = quiet_build(corpus, kb_root)
    assert first.version in versions(kb_root)  # in use: kept past the retention count …
    assert [t.id for t in old.list_treaties()] == ["a", "b", "c", "d"]  # … and readable
    assert live.get().version == last.version  # and the live handle followed CURRENT
    old.close()
    quiet_build(corpus, kb_root)
    assert first.version not in versions(kb_root)  # released: the next build prunes it


# -- the real corpus, once the parser is in place ---------------------------------------


def test_build_the_real_corpus(tmp_path: Path, kb_root: Path) -> None:
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    (corpus / "zz_empty.txt").write_bytes(b"")
    result = build(corpus, kb_root, progress=None)
    assert len(result.sources) == 6
    assert [e.source for e in result.errors] == ["zz_empty.txt"]
    assert len(result.treaty_ids) == 5
    assert result.counts["articles"] > 0
    with open_current(kb_root) as kb:
        for summary in kb.list_treaties():
            treaty = kb.get_treaty(summary.id)
            assert summary.article_count == len(treaty.articles)
            for article in treaty.articles:
                record = kb.get_article(summary.id, article.num)
                assert record.citation.endswith(f", {record.num}-бап")


def test_the_real_corpus_stores_what_extraction_found(real_kb_build: BuildResult) -> None:
    """Definitions, references, obligations, clause attributes and the concept registry
    all land in their tables, and concepts are linked across treaties. (The session's
    build of corpus/, conftest.py: this test only reads it.)"""
    result = real_kb_build
    for table in ("definitions", "refs", "obligations", "clauses", "concepts"):
        assert result.counts[table] > 0, table
    kb = KnowledgeBase(result.path)
    db = kb.raw_connection()
    treaties_of = dict(
        db.execute(
            "SELECT concept_id, COUNT(DISTINCT treaty_id) FROM definitions WHERE concept_id = 'classified-information' GROUP BY concept_id"
        ).fetchall()
    )
    assert treaties_of.get("classified-information", 0) >= 2
    labels = json.loads(db.execute("SELECT labels FROM concepts WHERE id = 'classified-information'").fetchone()[0])
    assert labels["en"] == "classified information"
    kinds = {row[0] for row in db.execute("SELECT kind FROM clauses")}
    assert {"dispute_resolution", "withdrawal", "entry_into_force"} <= kinds
    assert db.execute("SELECT COUNT(*) FROM articles WHERE clause_types != '[]'").fetchone()[0] > 0
    kb.close()
