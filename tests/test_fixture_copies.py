"""The repository's copies of the project's common files are byte-identical to their
originals in ../shared (the folder beside a clone that holds the hand-checked data).

The tests read only the copies, so they run on a bare clone; this check alone needs the
originals, and skips (saying so) where ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ORIGINALS = REPO.parent / "shared"

# copy in this repository → original under ../shared
COPIES = {
    "tests/fixtures/gold/lemmas.tsv": "gold/lemmas.tsv",
    "tests/fixtures/gold/seeds.json": "gold/seeds.json",
    "tests/fixtures/docs/clause-types.md": "docs/clause-types.md",
    "tests/fixtures/gold/dev-texts.json": "gold/dev-texts.json",
    **{f"corpus/{p.name}": f"corpus/{p.name}" for p in sorted((REPO / "corpus").glob("*.txt"))},
    **{f"tests/fixtures/dev-texts/{p.name}": f"dev-texts/{p.name}" for p in sorted((REPO / "tests" / "fixtures" / "dev-texts").iterdir())},
}


def test_the_copies_are_byte_identical_to_their_originals() -> None:
    if not ORIGINALS.is_dir():
        pytest.skip(f"{ORIGINALS} is absent: the copies cannot be compared with their originals")
    assert len(COPIES) == 15
    differ = [
        copy for copy, original in COPIES.items()
        if not (ORIGINALS / original).is_file() or (REPO / copy).read_bytes() != (ORIGINALS / original).read_bytes()
    ]
    assert differ == [], "refresh these copies from ../shared (cp ../shared/<original> <copy>)"
    extra = sorted(p.name for p in (ORIGINALS / "corpus").glob("*.txt") if not (REPO / "corpus" / p.name).exists())
    assert extra == [], "../shared/corpus has seeds this repository lacks"
