"""The environment is the lock: requirements.lock pins every runtime and test dependency
of pyproject.toml, with hashes (``make lock``); the Makefile installs exactly it. These
tests fail when the installed distributions differ from the lock (a dependency that moved
under the project, a hand-installed extra, a venv older than the lock) or when a
dependency of pyproject.toml is missing from the lock or pinned outside its range."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PROJECT = "kelisim"
# what `python -m venv` puts in before the lock is installed; pip itself is no dependency
BOOTSTRAP = {"pip"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)[ \t]*(?:\\|;|$)", re.MULTILINE)


def _lock() -> dict[str, tuple[str, str]]:
    """canonical name -> (version, the entry's text), one per pinned requirement."""
    text = LOCK.read_text(encoding="utf-8")
    entries: dict[str, tuple[str, str]] = {}
    for entry in re.split(r"\n(?=\S)", text):
        if not entry.strip() or entry.startswith("#"):
            continue
        match = PIN.match(entry)
        assert match, f"requirements.lock: not an exact pin: {entry.splitlines()[0]!r}"
        name = canonicalize_name(match.group(1))
        assert name not in entries, f"requirements.lock pins {name} twice"
        entries[name] = (match.group(2), entry)
    return entries


def _installed() -> dict[str, str]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name is None:
            continue
        found.setdefault(canonicalize_name(name), dist.version)
    return found


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + project.get("optional-dependencies", {}).get("test", [])
    return [Requirement(line) for line in lines]


def test_the_lock_pins_every_entry_exactly_with_hashes() -> None:
    lock = _lock()
    assert len(lock) > 50, "requirements.lock looks truncated"
    unhashed = sorted(name for name, (_, entry) in lock.items() if "--hash=sha256:" not in entry)
    assert not unhashed, f"pinned without hashes: {unhashed} (run `make lock`)"
    # the CPU build: a torch from the index would bring gigabytes of CUDA
    assert Version(lock["torch"][0]).local == "cpu", f"torch must be the CPU wheel (+cpu), the lock pins {lock['torch'][0]}"


def test_every_dependency_of_pyproject_is_in_the_lock_within_its_range() -> None:
    lock = _lock()
    environment = default_environment() | {"extra": "test"}
    problems = []
    for requirement in _declared():
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        if name not in lock:
            problems.append(f"{requirement}: missing from requirements.lock")
        elif not requirement.specifier.contains(lock[name][0], prereleases=True):
            problems.append(f"{requirement}: the lock pins {lock[name][0]}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_the_installed_distributions_are_exactly_the_lock() -> None:
    lock = {name: version for name, (version, _) in _lock().items()}
    installed = {name: v for name, v in _installed().items() if name not in BOOTSTRAP and name != PROJECT}
    missing = sorted(f"{n}=={lock[n]}" for n in lock.keys() - installed.keys())
    extra = sorted(f"{n}=={installed[n]}" for n in installed.keys() - lock.keys())
    differ = sorted(f"{n}: installed {installed[n]}, locked {lock[n]}" for n in lock.keys() & installed.keys()
                    if Version(installed[n]) != Version(lock[n]))
    assert not (missing or extra or differ), (
        f"{sys.prefix} is not requirements.lock (reinstall: `make clean setup`)\n"
        f"missing: {missing}\nnot in the lock: {extra}\ndifferent versions: {differ}"
    )
    assert PROJECT in _installed(), "the project itself is not installed (`make setup`)"
