"""Incremental builds (``kb.build`` with ``kb.segments``): a version built step by step
(treaties added, changed, removed) answers exactly as one built at once from the same
corpus, while sharing the unchanged segments by hard link and keeping provision ids."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.build import BuildResult, build
from kb.lexical import Postings, _deltas, _undeltas, postings
from kb.paths import SEGMENTS_DIR, KbPaths
from kb.search import search
from kb.segments import MAX_SEGMENTS, plan_segments
from kb.store import KnowledgeBase, open_current, open_version
from tests.kb_samples import fake_parse, write_fake_corpus

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "corpus").glob("*.txt")) + sorted((REPO / "tests" / "fixtures" / "dev-texts").glob("*.txt"))
QUERIES = [
    "құпия ақпаратқа", "ақпарат алмасу", "даулар келіссөздер", "күшіне енеді", "депозитарий", "құзыретті органдар",
    '"құпия ақпарат" -тарату', "сотталған адамдар", "инвестициялар", "көлік құралдары", "хабарлама", "Тараптар",
]


def quiet(corpus: Path, kb_root: Path, **kw: Any) -> BuildResult:
    return build(corpus, kb_root, progress=None, **kw)


def answers(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything a user sees, without provision ids (which differ by design: a treaty
    added later gets the next free ones)."""
    out: dict[str, Any] = {
        "treaties": [(t.id, t.title, t.article_count) for t in kb.list_treaties()],
        "concepts": [(c.id, c.label, c.definitions) for c in kb.list_concepts()],
        "definitions": kb.definition_rows(),
        "obligations": kb.obligation_rows(),
        "names": kb.treaty_names().names,
    }
    for query in QUERIES:
        for group in (None, "article"):
            result = search(kb, query, mode="keyword", limit=40, group=group)
            out[f"{query}/{group}"] = (result.total, [(h.citation, h.level, round(h.score, 9), h.snippet) for h in result.hits], result.facets)
    for treaty_id in kb.treaty_ids():
        for article in kb.get_treaty(treaty_id).articles[:3]:
            out[f"{treaty_id}/{article.num}"] = kb.get_article(treaty_id, article.num)
    return out


def copy_sources(folder: Path, names: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for path in names:
        shutil.copy(path, folder / path.name)
    return folder


def same_as_cold(kb_root: Path, corpus: Path, tmp_path: Path, counts: dict[str, int] | None = None) -> None:
    cold_root = tmp_path / f"cold-{len(os.listdir(tmp_path))}"
    cold = quiet(corpus, cold_root, incremental=False)
    if counts is not None:  # the build's own counts leave out a kept segment's dead rows
        assert counts == dict(cold.counts)
    with open_current(kb_root) as stepwise, open_current(cold_root) as cold:
        assert answers(stepwise) == answers(cold)


def inode(path: Path) -> int:
    return path.stat().st_ino


# -- step by step equals at once ------------------------------------------------------------------


def test_a_corpus_built_step_by_step_answers_as_one_built_at_once(tmp_path: Path) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "kb"
    first = quiet(copy_sources(corpus, SOURCES[:6]), root)
    assert first.reuse.parsed_sources == 6 and first.reuse.segments_written == 1

    # two treaties added: the first segment is shared by hard link, only the new ones are parsed
    added = quiet(copy_sources(corpus, SOURCES[:8]), root)
    assert added.reuse.reused_sources == 6 and added.reuse.parsed_sources == 2
    assert added.reuse.segments_kept == 1 and added.reuse.segments_written == 1
    old_segment = next((first.path / SEGMENTS_DIR).glob("*.sqlite"))
    assert inode(added.path / SEGMENTS_DIR / old_segment.name) == inode(old_segment)
    same_as_cold(root, corpus, tmp_path)

    # one treaty changed (a word of its text), one removed: their old rows are dead, never served
    changed = SOURCES[1]
    copy_sources(corpus, [*SOURCES[:1], *SOURCES[2:8]])
    text = changed.read_text("utf-8")
    (corpus / changed.name).write_text(text.replace("ақпарат", "мәлімет", 3), "utf-8")
    quiet(corpus, root)
    same_as_cold(root, corpus, tmp_path)
    (corpus / SOURCES[3].name).unlink()
    removed = quiet(corpus, root)
    same_as_cold(root, corpus, tmp_path, dict(removed.counts))


def test_an_unchanged_corpus_reuses_everything_and_keeps_its_hash_and_ids(tmp_path: Path) -> None:
    corpus, root = copy_sources(tmp_path / "corpus", SOURCES[:3]), tmp_path / "kb"
    first = quiet(corpus, root)
    again = quiet(corpus, root)
    assert again.reuse.parsed_sources == 0 and again.reuse.segments_written == 0
    assert again.content_sha256 == first.content_sha256 and again.version != first.version
    with open_version(root, first.version) as a, open_version(root, again.version) as b:
        assert a.provision_table().rowid.tolist() == b.provision_table().rowid.tolist()
    # the new version's own bytes: its small kb.sqlite (and the manifest), nothing of the treaties
    own = (again.path / "kb.sqlite").stat().st_size
    assert again.reuse.bytes_written == own and again.reuse.bytes_shared > 10 * own


def test_a_treaty_keeps_its_provision_ids_when_another_is_added(tmp_path: Path) -> None:
    corpus, root = copy_sources(tmp_path / "corpus", SOURCES[1:3]), tmp_path / "kb"
    first = quiet(corpus, root)
    with open_version(root, first.version) as kb:
        before = {h.citation: h.id for h in search(kb, "ақпарат", mode="keyword", limit=100).hits}
    shutil.copy(SOURCES[0], corpus / SOURCES[0].name)  # sorts first: corpus order changes, ids do not
    quiet(corpus, root)
    with open_current(root) as kb:
        after = {h.citation: h.id for h in search(kb, "ақпарат", mode="keyword", limit=100).hits}
    assert before and all(after[c] == i for c, i in before.items())


def test_a_change_to_the_code_builds_everything_again(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 3, "b.txt": 4})
    root = tmp_path / "kb"
    build(corpus, root, parse=fake_parse, progress=None)
    assert build(corpus, root, parse=fake_parse, progress=None).reuse.reused_sources == 2

    def other_parse(path: Path) -> Any:  # another parser: another build key
        return fake_parse(path)

    assert build(corpus, root, parse=other_parse, progress=None).reuse.reused_sources == 0


def test_segments_merge_before_there_are_too_many(tmp_path: Path) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "kb"
    sizes = {f"t{i:02d}.txt": 2 + i % 3 for i in range(MAX_SEGMENTS + 3)}
    names = sorted(sizes)
    for k in range(1, len(names) + 1):
        write_fake_corpus(corpus, {n: sizes[n] for n in names[:k]})
        result = build(corpus, root, parse=fake_parse, progress=None)
        assert len(list((result.path / SEGMENTS_DIR).glob("*.sqlite"))) <= MAX_SEGMENTS
    build(corpus, tmp_path / "cold", parse=fake_parse, progress=None, incremental=False)
    with open_current(root) as a, open_current(tmp_path / "cold") as b:
        assert [t.id for t in a.list_treaties()] == [t.id for t in b.list_treaties()]
        assert a.provision_table().size == b.provision_table().size
        for q in ("ақпарат", "бап", "Тараптар"):
            ra, rb = search(a, q, mode="keyword", limit=50), search(b, q, mode="keyword", limit=50)
            assert [(h.citation, h.score) for h in ra.hits] == [(h.citation, h.score) for h in rb.hits]


@pytest.mark.parametrize(
    ("order", "live", "total", "new_rows", "keep", "fold"),
    [
        (["a"], {"a": 10}, {"a": 10}, True, ("a",), ()),
        (["a"], {"a": 4}, {"a": 10}, True, (), ("a",)),  # mostly dead: folded into the new segment
        (["a", "b"], {"a": 10}, {"a": 10, "b": 3}, True, ("a",), ()),  # nothing live: dropped
        ([f"s{i}" for i in range(8)], {f"s{i}": 100 - i for i in range(8)}, {f"s{i}": 100 - i for i in range(8)}, True,
         tuple(f"s{i}" for i in range(7)), ("s7",)),  # one too many with the new one: the smallest folds
        ([f"s{i}" for i in range(8)], {f"s{i}": 5 for i in range(8)}, {f"s{i}": 5 for i in range(8)}, False,
         tuple(f"s{i}" for i in range(8)), ()),  # nothing new: eight stay
    ],
)
def test_the_segment_plan(order: list[str], live: dict[str, int], total: dict[str, int], new_rows: bool, keep: tuple[str, ...], fold: tuple[str, ...]) -> None:
    plan = plan_segments(order, live, total, new_rows)
    assert (plan.keep, plan.fold) == (keep, fold)
    assert len(plan.keep) + (1 if new_rows or plan.fold else 0) <= MAX_SEGMENTS


# -- leases and retention -------------------------------------------------------------------------


def test_a_version_in_use_is_never_pruned(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 3})
    root = tmp_path / "kb"
    first = build(corpus, root, parse=fake_parse, progress=None, keep=1)
    reader = open_version(root, first.version)
    try:
        write_fake_corpus(corpus, {"a.txt": 3, "b.txt": 2})
        second = build(corpus, root, parse=fake_parse, progress=None, keep=1)
        assert first.version not in second.pruned and first.path.is_dir()
        assert reader.list_treaties()  # still reading it
    finally:
        reader.close()
    write_fake_corpus(corpus, {"a.txt": 3, "b.txt": 2, "c.txt": 1})
    third = build(corpus, root, parse=fake_parse, progress=None, keep=1)
    assert first.version in third.pruned and not first.path.exists()
    assert not KbPaths(root).lease_file(first.version).exists()
    # the shared segment lives on in the versions that kept it
    with open_current(root) as kb:
        assert [t.id for t in kb.list_treaties()] == ["a", "b", "c"]


# -- the keyword postings -------------------------------------------------------------------------


_runs = st.lists(st.lists(st.integers(0, 10_000), max_size=30).map(sorted), max_size=20)


@settings(max_examples=200, deadline=None)
@given(runs=_runs)
def test_differences_restart_at_each_run_and_undo_exactly(runs: list[list[int]]) -> None:
    values = np.asarray([v for run in runs for v in run], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum([len(r) for r in runs]))).astype(np.int64)
    deltas = _deltas(values, indptr)
    assert (deltas >= 0).all()
    assert _undeltas(deltas, indptr).tolist() == values.tolist()


_tokens = st.lists(
    st.tuples(st.sampled_from(["ақпарат", "тарап", "келісім", "бап"]), st.lists(st.sampled_from(["ақпарат", "тарап", "келісім"]), max_size=2)),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(docs=st.lists(_tokens, max_size=12))
def test_postings_survive_their_storage(docs: list[list[tuple[str, list[str]]]]) -> None:
    stored = [(i + 1, [[0, 1, form, lemmas] for form, lemmas in doc]) for i, doc in enumerate(docs)]
    part = postings(stored)
    back = Postings.from_rows(part.to_rows())
    for name in ("indptr", "docs", "tf", "position_indptr", "positions", "doc_rowids", "doc_lengths", "doc_tokens"):
        assert getattr(back, name).tolist() == getattr(part, name).tolist(), name
    assert back.vocab == part.vocab
