"""The whole parse: the seeds against golden files, the export against its schema,
and the promises that hold for any input (hypothesis)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import IngestError, parse_bytes, parse_path
from ingest.model import ParseExport, Treaty
from ingest.schema import comparable, parse_schema
from ingest.tree import coverage_gaps

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = ROOT / "tests" / "golden" / "parse"
SEEDS = sorted(CORPUS.glob("*.txt"))


def _export(treaty: Treaty) -> dict:
    data = json.loads(msgspec.json.encode(treaty))
    data["source"] = f"corpus/{Path(treaty.source).name}"  # as `kelisim parse corpus` run from the root names it
    return data


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_parse_matches_its_golden_file(seeds: dict[str, Treaty], path: Path) -> None:
    """A change to the parse shows up here as a diff to review; regenerate with
    KELISIM_UPDATE_GOLDEN=1 once the new output is checked."""
    got = _export(seeds[path.name[:3]])
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("KELISIM_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert got == want


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_character_belongs_to_exactly_one_part(seeds: dict[str, Treaty], path: Path) -> None:
    assert coverage_gaps(seeds[path.name[:3]]) == []


def test_committed_schema_is_the_models_schema() -> None:
    """Everything but the descriptions exactly, the descriptions by their words: how
    msgspec lays out a docstring (0.23 dedents them) is not a change of the models."""
    committed = json.loads((ROOT / "docs" / "parse.schema.json").read_text(encoding="utf-8"))
    generated = json.loads(json.dumps(parse_schema()))
    assert comparable(committed) == comparable(generated), "models changed: regenerate docs/parse.schema.json (kelisim schema)"


def test_the_export_of_the_seeds_validates_against_the_schema() -> None:
    export = ParseExport(treaties=tuple(parse_path(p) for p in SEEDS))
    jsonschema.validate(json.loads(msgspec.json.encode(export)), parse_schema())


def test_seed_facts_a_lawyer_reads_first(seeds: dict[str, Treaty]) -> None:
    tm = seeds["004"]
    assert tm.parties == ("Қазақстан Республикасының Үкіметі", "Түрікменстан Үкіметі")
    assert tm.approval is not None and tm.approval.signed_by == "Б. Сағынтаев" and tm.approval.action == "approves"
    assert tm.closing is not None
    assert (tm.closing.originals, tm.closing.languages, tm.closing.prevailing) == (2, ("kk", "tk", "ru"), "ru")
    assert [s.text for s in tm.signatures] == ["Қазақстан Республикасының Түрікменстан"]
    assert "Қазақстан Республикасының Түрікменстан" not in tm.articles[-1].text
    ocac = seeds["003"]
    assert ocac.approval is not None and ocac.approval.action == "authorises_signing"
    assert [a.num for a in ocac.annexes] == ["1", "2"]
    assert ocac.annexes[0].tables[0].rows[0] == ("Әзербайжан Республикасы", "Өте құпия", "Құпия")
    assert {w.code for w in ocac.warnings} == {"implicit-article", "article-number-skip"}
    assert ocac.depositary == "Орталықтың болатын мемлекеті"  # named by article 20, not the closing
    eaec = seeds["002"]
    assert eaec.closing is not None and eaec.closing.depositary == "Еуразиялық экономикалық қоғамдастықтың Интеграциялық Комитеті"


kazakh_words = st.sampled_from(
    ["1-бап", "2-бап", "Тараптар", "келісім", "туралы", "КЕЛІСІМ", "төмендегілер туралы келісті:", "1.", "2)", "а)", "–",
     "қаулысы", "№ 5", "2017 жылғы 18 сәуірде", "Астана қаласында", "жасалды.", "1-қосымша", "I тарау", "\n", "\n\n\n", "      ",
     "\t", "  ", ";", ":", ".", "\"", "бекітілсін.келісім", "қ о й ы л с ы н", "Жоба", "(", ")"]
)
treaty_like = st.lists(st.one_of(kazakh_words, st.text(max_size=8)), max_size=80).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(treaty_like, st.text(max_size=300), st.binary(max_size=300)))
def test_any_input_parses_or_is_refused_with_the_documented_error(data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        treaty = parse_bytes(raw, "fuzz.txt")
    except IngestError as exc:
        assert str(exc).startswith("fuzz.txt: ") and "\n" not in str(exc)
        return
    assert coverage_gaps(treaty) == []
    assert treaty.articles
