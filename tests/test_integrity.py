"""Integrity of a knowledge-base version (``kb.integrity``): the build records every
file, ``kelisim check`` and every open verify them, and a server refuses a damaged
version while it keeps serving the last intact one.

The damage tests go over every file the version holds, whatever the layout, so a file
a later build adds is covered without changing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api import cli
from api.app import create_app
from kb.build import BuildResult, build
from kb.errors import KbCorrupt
from kb.integrity import seal, verify_version
from kb.paths import DB_NAME, MANIFEST_NAME
from kb.store import open_current
from tests.kb_samples import fake_parse, write_fake_corpus


def quiet_build(corpus: Path, kb_root: Path, **kw: object) -> BuildResult:
    return build(corpus, kb_root, parse=fake_parse, progress=None, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One version with every kind of file a build writes (the dense index too)."""
    root = tmp_path_factory.mktemp("integrity")
    corpus = write_fake_corpus(root / "corpus", {"a.txt": 5, "b.txt": 3})
    result = quiet_build(corpus, root / "kb", vectors=True)
    assert dense_index(result.path)
    return result


@pytest.fixture
def kb_root(built: BuildResult, tmp_path: Path) -> Path:
    """A private copy of ``built``'s root, free to damage."""
    return Path(shutil.copytree(built.path.parent.parent, tmp_path / "kb"))


def version_dir(kb_root: Path) -> Path:
    return kb_root / "versions" / (kb_root / "CURRENT").read_text().strip()


def dense_index(folder: Path) -> str:
    """A FAISS file of the version, wherever the layout puts it."""
    return next(f for f in every_file(folder) if f.endswith(".faiss"))


def every_file(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def delete(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "truncate": (truncate, ("truncated", "unreadable")),
    "flip": (flip_one_byte, ("content differs", "altered", "unreadable", "not a knowledge base")),
    "delete": (delete, ("missing",)),
}
"""A way to damage a file, and the reasons a check may give for it (a manifest cut in
half is no longer JSON; a flipped byte may land in SQLite's own header)."""


def check(kb_root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = cli.main(["check", "--kb", str(kb_root), *extra])
    out, err = capsys.readouterr()
    return code, out, err


# -- what the build records -------------------------------------------------------------


def test_the_manifest_records_every_file_of_the_version(built: BuildResult) -> None:
    manifest = json.loads((built.path / MANIFEST_NAME).read_text("utf-8"))
    on_disk = [f for f in every_file(built.path) if f != MANIFEST_NAME]
    assert sorted(manifest["files"]) == on_disk and DB_NAME in on_disk and dense_index(built.path) in on_disk
    for rel, record in manifest["files"].items():
        data = (built.path / rel).read_bytes()
        assert record == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_a_file_shared_by_hard_link_keeps_its_first_record(built: BuildResult, tmp_path: Path) -> None:
    """A build that links a file of the previous version does not hash it again, so a
    file damaged in between is caught in both versions rather than blessed in the new."""
    previous = Path(shutil.copytree(built.path, tmp_path / "v1"))
    shared = tmp_path / "v2"
    shared.mkdir()
    os.link(previous / DB_NAME, shared / DB_NAME)
    flip_one_byte(shared / DB_NAME)  # the same file in both
    assert (previous / DB_NAME).read_bytes() == (shared / DB_NAME).read_bytes()
    sealed = seal({"version": "v2"}, shared, previous=previous)
    assert sealed["files"][DB_NAME] == json.loads((previous / MANIFEST_NAME).read_text("utf-8"))["files"][DB_NAME]
    (shared / MANIFEST_NAME).write_text(json.dumps(sealed), "utf-8")
    for folder in (previous, shared):
        with pytest.raises(KbCorrupt, match="content differs") as caught:
            verify_version(folder, "full")
        assert caught.value.file == DB_NAME
    assert seal({"version": "v2"}, shared)["files"][DB_NAME]["sha256"] == hashlib.sha256((shared / DB_NAME).read_bytes()).hexdigest()


def test_check_passes_on_a_whole_version(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(kb_root, capsys)
    version = version_dir(kb_root).name
    assert code == 0, err
    files = len(every_file(version_dir(kb_root))) - 1  # the manifest checks itself
    assert out.startswith(f"ok {version}: {files} files,") and out.count("\n") == 1


def test_check_a_named_version(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = version_dir(kb_root).name
    assert check(kb_root, capsys, "--version", version)[0] == 0
    code, _, err = check(kb_root, capsys, "--version", "20200101T000000000000Z-00000000")
    assert code == 1 and "missing" in err


# -- damage: every file, three ways -----------------------------------------------------


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_check_names_each_damaged_file(built: BuildResult, tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]) -> None:
    damage, reasons = DAMAGE[how]
    files = every_file(built.path)
    assert MANIFEST_NAME in files and len(files) >= 3
    for rel in files:
        root = Path(shutil.copytree(built.path.parent.parent, tmp_path / f"{how}-{rel.replace('/', '_')}"))
        damage(version_dir(root) / rel)
        code, out, err = check(root, capsys)
        assert code == 1 and out == "", (rel, out)
        assert f"{version_dir(root).name}/{rel}:" in err, (rel, err)
        assert any(reason in err for reason in reasons), (rel, err)


@pytest.mark.parametrize("how", ["truncate", "delete"])
def test_every_open_notices_a_missing_or_truncated_file(kb_root: Path, how: str) -> None:
    """The cheap check every open makes (sizes, no hashing) is enough for these."""
    for rel in [f for f in every_file(version_dir(kb_root)) if f != MANIFEST_NAME]:
        DAMAGE[how][0](version_dir(kb_root) / rel)
        with pytest.raises(KbCorrupt) as caught:
            open_current(kb_root)
        assert caught.value.file == rel and caught.value.version == version_dir(kb_root).name
        break  # the first file is enough here: the CLI test above goes over them all


def test_a_flipped_byte_passes_the_cheap_open_but_not_the_full_check(kb_root: Path) -> None:
    folder = version_dir(kb_root)
    faiss = dense_index(folder)
    flip_one_byte(folder / faiss)  # the dense index is read only when a semantic search runs
    open_current(kb_root).close()  # sizes only: a one-shot CLI does not pay for hashing
    with pytest.raises(KbCorrupt) as caught:
        verify_version(folder, "full")
    assert caught.value.file == faiss
    assert caught.value.reason.startswith("content differs")


def test_a_file_the_build_did_not_write_is_refused(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (version_dir(kb_root) / "extra").mkdir()
    (version_dir(kb_root) / "extra" / "stray.bin").write_bytes(b"x")
    code, _, err = check(kb_root, capsys)
    assert code == 1 and "extra/stray.bin: not written by the build" in err


def test_a_version_built_before_file_records_opens_but_cannot_be_checked(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = version_dir(kb_root) / MANIFEST_NAME
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["files"], manifest["manifest_sha256"]
    path.write_text(json.dumps(manifest), "utf-8")
    open_current(kb_root).close()
    code, _, err = check(kb_root, capsys)
    assert code == 1 and "rebuild to verify" in err


# -- the server refuses a damaged version ---------------------------------------------


def versions_answering(client: TestClient) -> set[str]:
    answers = [client.get(path) for path in ("/api/v1/treaties", "/api/v1/treaties/a/articles/1", "/api/v1/manifest")]
    assert [r.status_code for r in answers] == [200, 200, 200]
    return {r.headers["x-kelisim-version"] for r in answers}


def test_the_server_keeps_the_last_good_version_and_says_why(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 5})
    root = tmp_path / "kb"
    first = quiet_build(corpus, root)
    with TestClient(create_app(root)) as client:
        assert client.get("/health").json() == {"status": "ok", "version": first.version, "treaties": 1}

        write_fake_corpus(corpus, {"b.txt": 3})
        damaged = quiet_build(corpus, root)
        flip_one_byte(damaged.path / DB_NAME)  # after CURRENT named it, before the server looked
        assert versions_answering(client) == {first.version}
        health = client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "degraded" and body["version"] == first.version and body["treaties"] == 1
        assert body["refused"]["version"] == damaged.version and body["refused"]["file"] == DB_NAME
        assert body["refused"]["reason"].startswith(("content differs", "not a knowledge base"))
        assert client.get("/api/v1/manifest").json()["version"] == first.version

        write_fake_corpus(corpus, {"c.txt": 2})
        fixed = quiet_build(corpus, root)
        assert versions_answering(client) == {fixed.version}
        assert client.get("/health").json() == {"status": "ok", "version": fixed.version, "treaties": 3}


def test_at_start_up_the_newest_intact_version_is_served(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 5})
    root = tmp_path / "kb"
    quiet_build(corpus, root)
    write_fake_corpus(corpus, {"b.txt": 3})
    intact = quiet_build(corpus, root)
    write_fake_corpus(corpus, {"c.txt": 2})
    damaged = quiet_build(corpus, root)
    truncate(damaged.path / DB_NAME)
    with TestClient(create_app(root)) as client:
        assert versions_answering(client) == {intact.version}
        body = client.get("/health").json()
        assert body["status"] == "degraded" and body["version"] == intact.version
        assert body["refused"] == {"version": damaged.version, "file": DB_NAME, "reason": body["refused"]["reason"]}
        assert body["refused"]["reason"].startswith("truncated")


def test_no_intact_version_is_503_naming_the_damage(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 5})
    result = quiet_build(corpus, tmp_path / "kb")
    delete(result.path / DB_NAME)
    with TestClient(create_app(tmp_path / "kb")) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable" and f"{DB_NAME}: missing" in health.json()["detail"]
        assert health.json()["refused"]["file"] == DB_NAME
        r = client.get("/api/v1/treaties")
        assert r.status_code == 503 and DB_NAME in r.json()["detail"]
