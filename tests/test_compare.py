"""Comparison across treaties (issue 12, first part): redlines, the clause matrix held
to the hand-checked gold, the concept comparison, the clause comparison with a pasted
draft, every cited cell checked against the source file, and the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api import cli
from ingest.decode import decode
from ingest.repair import repair
from kb.clause_compare import compare_clauses
from kb.clause_matrix import COLUMNS, clause_matrix
from kb.compare_render import render, to_csv
from kb.concepts import Evidence, compare_concept, drift, find_concept
from kb.errors import NotFound, QueryError
from kb.redline import normalise, redline
from kb.store import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
GOLD = json.loads((REPO / "tests" / "fixtures" / "gold" / "seeds.json").read_text(encoding="utf-8"))
TM = "2017-kupiia-akparatty-ozara-korgau"


@pytest.fixture(scope="module")
def kb(real_kb: KnowledgeBase) -> KnowledgeBase:
    return real_kb


def _file_of(kb: KnowledgeBase) -> dict[str, str]:
    return {t.id: Path(kb.get_treaty(t.id).source).name for t in kb.list_treaties()}


# -- redlines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "options", "edits"),
    [
        ("Даулар келіссөздер арқылы шешіледі.", "Даулар келіссөздер арқылы шешіледі.", {}, [("equal", "Даулар келіссөздер арқылы шешіледі.")]),
        ("алты ай ішінде", "үш ай ішінде", {}, [("delete", "алты "), ("insert", "үш "), ("equal", "ай ішінде")]),
        ("«құпия» ақпарат — мәлімет", '"құпия" ақпарат - мәлімет', {}, [("equal", '"құпия" ақпарат - мәлімет')]),  # typography is no change
        ("Тараптар  хабарлайды", "тараптар хабарлайды", {"ignore_case": True}, [("equal", "тараптар хабарлайды")]),
        ("Тараптар хабарлайды.", "Тараптар хабарлайды", {"ignore_punctuation": True}, [("equal", "Тараптар хабарлайды")]),
        ("1. Тараптар хабарлайды", "2) Тараптар хабарлайды", {"ignore_numbering": True}, [("equal", "2) Тараптар хабарлайды")]),
        ("құпия ақпаратты береді", "құпия ақпаратқа береді", {"lemmas": True}, [("equal", "құпия ақпаратқа береді")]),
        ("", "жаңа сөз", {}, [("insert", "жаңа сөз")]),
    ],
)
def test_redline_table(old: str, new: str, options: dict[str, bool], edits: list[tuple[str, str]]) -> None:
    assert [(e.kind, e.text) for e in redline(old, new, **options).edits] == edits


_TEXT = st.text(alphabet=st.sampled_from(list("аәбғқңөұүіһ ТК.,;:()«»—-12 \n")), max_size=60)


@given(_TEXT, _TEXT)
def test_a_redline_rebuilds_both_texts(old: str, new: str) -> None:
    """Equal and deleted runs are the old text, equal and inserted runs the new one
    (both normalised); no two neighbouring edits are of one kind."""
    shown = redline(old, new)
    assert shown.new() == normalise(new)
    assert normalise(shown.old()).split() == normalise(old).split() or shown.old().replace(" ", "") == normalise(old).replace(" ", "")
    assert all(a.kind != b.kind for a, b in zip(shown.edits, shown.edits[1:]))
    assert shown.same == (normalise(old).split() == normalise(new).split())


def test_renderers_mark_the_same_edits() -> None:
    shown = redline("Даулар келіссөздер арқылы шешіледі.", "Даулар <келіссөздер> және консультациялар арқылы шешіледі.")
    assert shown.changes == 2
    assert "<ins>&lt;</ins>келіссөздер<ins>&gt; және консультациялар </ins>" in shown.html()  # markup escaped
    assert "**> және консультациялар**" in shown.markdown()


def test_inflection_is_wording_and_a_new_word_is_substance() -> None:
    assert drift("құпия ақпарат", "құпия ақпарат")[1] == "same"
    assert drift("құпия ақпаратты қорғау", "Құпия ақпаратқа қорғау.")[1] == "wording"
    assert drift("құпия ақпаратты қорғау", "құпия ақпаратты жою")[1] == "substance"


# -- the drafting test: a pasted dispute clause against the Turkmen agreement's article 13 --


def test_a_draft_shows_exactly_its_inserted_sentence_and_its_changed_word(kb: KnowledgeBase) -> None:
    article = kb.get_article(TM, "13").text
    assert "келіссөздер арқылы" in article
    sentence = "Егер дау алты ай ішінде шешілмесе, ол төрелік сотқа беріледі."
    first, second = article.split("\n")
    draft = first.replace("келіссөздер арқылы", "консультациялар арқылы") + " " + sentence + "\n" + second
    comparison = compare_clauses(kb, "dispute_resolution", treaties=(TM,), baseline=TM, draft=draft)
    row = comparison.rows[-1]
    assert row.treaty_id == "draft" and row.redline is not None
    changes = [(e.kind, e.text.strip()) for e in row.redline.edits if e.kind != "equal"]
    assert changes == [("delete", "келіссөздер"), ("insert", "консультациялар"), ("insert", sentence)]
    assert comparison.rows[0].redline is None  # the baseline is not redlined against itself


# -- the clause matrix, held to the gold ----------------------------------------------------


def _gold_holds(kind: str, gold: dict[str, object], value: dict[str, object], article: str) -> bool:
    for field, wanted in gold.items():
        if field == "article":
            ok = article == wanted
        elif field == "methods":
            ok = sorted(value["methods"]) == sorted(wanted)  # type: ignore[arg-type]
        elif field == "escalation_after_months":
            ok = (value.get("escalation") or {}).get("after_months") == wanted  # type: ignore[union-attr]
        elif field == "notification":
            ok = value.get("notification") in wanted  # type: ignore[operator]
        else:
            ok = value.get(field) == wanted
        if not ok:
            return False
    return True


def test_the_matrix_reproduces_every_gold_clause_attribute(kb: KnowledgeBase) -> None:
    matrix = clause_matrix(kb)
    file_of = _file_of(kb)
    by_file = {file_of[row.treaty_id]: row for row in matrix.rows}
    checked = 0
    for entry in GOLD["treaties"]:
        row = by_file[entry["file"]]
        cells = {c.column: c for c in row.cells}
        for kind, gold in (entry.get("clauses") or {}).items():
            cell = cells[kind]
            assert cell.status == "found" and cell.evidence is not None, (entry["file"], kind)
            assert _gold_holds(kind, gold, cell.value, cell.evidence.article), (entry["file"], kind, cell.value)
            checked += 1
        if entry.get("classification_levels"):
            assert cells["classification_levels"].value == entry["classification_levels"]
            checked += 1
    assert checked >= 25


def _holds_its_quote(kb: KnowledgeBase, e: Evidence) -> bool:
    """The quoted words are at the stated offsets of the source file (the source's
    extraction damage repaired as the parser repairs it)."""
    source = decode((REPO / kb.get_treaty(e.treaty_id).source).read_bytes()).text
    assert e.source_start is not None and e.source_end is not None
    return normalise(repair(source[e.source_start : e.source_end]).text) == normalise(e.quote)


def test_every_found_cell_quotes_words_at_its_source_offsets(kb: KnowledgeBase) -> None:
    cells = [c for row in clause_matrix(kb).rows for c in row.cells if c.status == "found"]
    assert len(cells) >= 25
    assert all(c.evidence is not None and _holds_its_quote(kb, c.evidence) for c in cells)


def test_the_matrix_takes_rows_and_columns_and_refuses_unknown_ones(kb: KnowledgeBase) -> None:
    matrix = clause_matrix(kb, treaties=(TM,), columns=("withdrawal", "expenses"))
    assert matrix.columns == ("withdrawal", "expenses") and [r.treaty_id for r in matrix.rows] == [TM]
    assert matrix.rows[0].cells[0].value == {"notice_months": 6, "survival": True}
    with pytest.raises(QueryError) as refused:
        clause_matrix(kb, columns=("withdrawl",))
    assert refused.value.param == "columns"
    with pytest.raises(NotFound):
        clause_matrix(kb, treaties=("nope",))
    absent = [c for row in clause_matrix(kb).rows for c in row.cells if c.status == "absent"]
    assert absent and all(c.evidence is None for c in absent)  # 001 has no classification table
    assert set(COLUMNS) >= {"dispute_resolution", "withdrawal", "entry_into_force"}


def test_the_matrix_as_csv_is_one_line_per_cell(kb: KnowledgeBase) -> None:
    matrix = clause_matrix(kb)
    rows = list(csv.DictReader(io.StringIO(to_csv(matrix))))
    assert len(rows) == len(matrix.rows) * len(matrix.columns)
    found = [r for r in rows if r["status"] == "found"]
    assert all(r["article"] and r["source_start"] and r["quote"] for r in found)


# -- the concept comparison ------------------------------------------------------------------


@pytest.mark.parametrize("term", ["құпия ақпарат", "құпия ақпаратқа", "classified information", "Секретной информации", "classified-information"])
def test_classified_information_however_asked(kb: KnowledgeBase, term: str) -> None:
    comparison = compare_concept(kb, term)
    file_of = _file_of(kb)
    group = next(g for g in GOLD["concept_groups"] if ["004", "құпия ақпарат"] in g)
    assert sorted((file_of[r.treaty_id][:3], r.term) for r in comparison.rows) == sorted(tuple(x) for x in group)
    assert all(_holds_its_quote(kb, r.evidence) for r in comparison.rows)
    assert [r.redline is None for r in comparison.rows].count(True) == 1  # the baseline
    assert comparison.drift  # the two treaties define it differently in substance
    assert all(r.used_in and r.article in r.used_in for r in comparison.rows)


def test_concepts_the_gold_keeps_apart_never_share_a_comparison(kb: KnowledgeBase) -> None:
    file_of = _file_of(kb)
    for a, b in GOLD["concepts_apart"]:
        rows = {(file_of[r.treaty_id][:3], r.term) for r in compare_concept(kb, a[1]).rows}
        assert tuple(a) in rows or not rows
        assert tuple(b) not in rows, (a, b)


def test_a_pasted_definition_is_a_baseline_and_unknown_terms_are_named(kb: KnowledgeBase) -> None:
    comparison = compare_concept(kb, "құпия ақпарат", baseline_text="мемлекеттік құпияларды құрайтын мәліметтер")
    assert comparison.baseline == "text" and all(r.redline is not None for r in comparison.rows)
    with pytest.raises(NotFound) as missing:
        find_concept(kb, "ауа райы")
    assert missing.value.param == "term"
    with pytest.raises(QueryError):
        find_concept(kb, "   ")
    with pytest.raises(NotFound) as base:
        compare_concept(kb, "құпия ақпарат", baseline="2017-akparat-almasu")
    assert base.value.param == "baseline"


# -- formats and the command line ----------------------------------------------------------------


def test_json_and_markdown_say_the_same_thing(kb: KnowledgeBase) -> None:
    comparison = compare_clauses(kb, "withdrawal", baseline=TM)
    data = json.loads(render(comparison, "json"))
    assert [r["treaty_id"] for r in data["rows"]] == [r.treaty_id for r in comparison.rows]
    assert all({"treaty_id", "article", "attributes", "evidence"} <= set(r) for r in data["rows"])
    changed = [r for r in data["rows"] if r["redline"]]
    assert changed and all(r["redline"]["changes"] > 0 and "<ins>" in r["redline"]["html"] for r in changed)
    markdown = render(comparison, "md").decode()
    assert markdown.startswith("# Clause comparison: withdrawal")
    assert all(f"/treaties/{r.treaty_id}#art-{r.article}" in markdown for r in comparison.rows)
    with pytest.raises(ValueError, match="csv is for the clause matrix"):
        render(comparison, "csv")


def test_cli_compare(real_kb_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["compare", "concept", "classified information", "--kb", str(real_kb_root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["concept"]["id"] == "classified-information"
    out = tmp_path / "m.csv"
    assert cli.main(["compare", "matrix", "--kb", str(real_kb_root), "--format", "csv", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("treaty_id,")
    draft = tmp_path / "draft.txt"
    draft.write_text("Даулар келіссөздер арқылы шешіледі.", encoding="utf-8")
    assert cli.main(["compare", "clauses", "--type", "dispute_resolution", "--baseline", TM, "--draft-file", str(draft), "--kb", str(real_kb_root)]) == 0
    assert "## Draft" in capsys.readouterr().out
    assert cli.main(["compare", "clauses", "--type", "nope", "--kb", str(real_kb_root)]) == 2
    assert "kelisim compare: type:" in capsys.readouterr().err
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    assert cli.main(["compare", "concept", "құпия ақпарат", "--baseline-file", str(tmp_path / "bad.txt"), "--kb", str(real_kb_root)]) == 2
    assert "baseline-file" in capsys.readouterr().err
    assert cli.main(["compare", "matrix", "--kb", str(tmp_path / "none")]) == 1


def test_api_compare(real_client) -> None:  # type: ignore[no-untyped-def]
    concepts = real_client.get("/api/v1/concepts").json()["items"]
    assert any(c["id"] == "classified-information" and c["labels"]["en"] == "classified information" for c in concepts)
    one = real_client.get("/api/v1/concepts/секретная информация").json()
    assert one["concept"]["id"] == "classified-information" and len(one["definitions"]) == 2
    compared = real_client.get("/api/v1/compare/concepts/classified-information", params={"baseline": TM})
    assert compared.status_code == 200 and compared.json()["baseline"] == TM
    md = real_client.get("/api/v1/compare/clauses", params={"type": "withdrawal", "format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# Clause comparison")
    draft = real_client.get("/api/v1/compare/clauses", params={"type": "dispute_resolution", "baseline": TM, "draft": "Даулар келіссөздер арқылы шешіледі."})
    assert draft.json()["rows"][-1]["treaty_id"] == "draft"
    matrix = real_client.get("/api/v1/compare/matrix", params={"columns": "withdrawal", "format": "csv"})
    assert matrix.status_code == 200 and matrix.text.startswith("treaty_id,")
    workbook = real_client.get("/api/v1/compare/matrix", params={"format": "xlsx"})
    assert workbook.headers["content-type"].endswith("spreadsheetml.sheet") and workbook.content[:2] == b"PK"
    negotiated = real_client.get("/api/v1/compare/matrix", headers={"Accept": "text/csv, application/json;q=0.5"})
    assert negotiated.headers["content-type"].startswith("text/csv")
    assert real_client.get("/api/v1/compare/matrix", headers={"Accept": "*/*"}).headers["content-type"].startswith("application/json")
    report = real_client.get("/api/v1/compare/concepts/classified-information", params={"format": "docx"})
    assert report.headers["content-type"].endswith("wordprocessingml.document") and report.content[:2] == b"PK"
    for path, params, param, status in [
        ("/api/v1/compare/matrix", {"columns": "nope"}, "columns", 400),
        ("/api/v1/compare/matrix", {"format": "xls"}, "format", 400),
        ("/api/v1/compare/clauses", {}, "type", 400),
        ("/api/v1/compare/clauses", {"type": "withdrawal", "format": "csv"}, "format", 400),
        ("/api/v1/compare/clauses", {"type": "withdrawal", "draft": "x" * 30_000, "baseline": TM}, "draft", 400),
        ("/api/v1/compare/concepts/ауа райы", {}, "term", 404),
        ("/api/v1/compare/matrix", {"treaties": "nope"}, "treaties", 404),
    ]:
        r = real_client.get(path, params=params)
        assert r.status_code == status and r.json()["param"] == param, (path, params, r.text)


# -- office formats, read back ------------------------------------------------------------------


def test_the_docx_holds_tables_with_a_repeating_header_and_one_tracked_change_per_edit(kb: KnowledgeBase) -> None:
    import docx
    from docx.oxml.ns import qn

    for model in (
        compare_clauses(kb, "withdrawal", baseline=TM, draft="Әрбір Тарап алты ай бұрын хабарлап, Келісімнен шыға алады."),
        compare_concept(kb, "құпия ақпарат"),
    ):
        document = docx.Document(io.BytesIO(render(model, "docx")))
        body = document.element.body
        assert document.tables and body.findall(".//" + qn("w:tblHeader"))
        first_rows = [t.rows[0]._tr for t in document.tables[1:]]  # the cover block has no header
        assert all(tr.find(qn("w:trPr")) is not None and tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None for tr in first_rows)
        tracked = len(body.findall(".//" + qn("w:ins"))) + len(body.findall(".//" + qn("w:del")))
        assert tracked == sum(r.redline.changes for r in model.rows if r.redline is not None) > 0
        deleted = "".join(t.text for t in body.iter(qn("w:delText")))
        assert deleted and all(t.text for t in body.iter(qn("w:delText")))
        ids = [el.get(qn("w:id")) for tag in ("w:ins", "w:del") for el in body.iter(qn(tag))]
        assert len(ids) == len(set(ids))
        assert model.version in "\n".join(c.text for row in document.tables[0].rows for c in row.cells)


def test_the_xlsx_matrix_has_a_cell_per_value_and_its_evidence(kb: KnowledgeBase) -> None:
    from openpyxl import load_workbook

    matrix = clause_matrix(kb)
    book = load_workbook(io.BytesIO(render(matrix, "xlsx")))
    sheet, evidence = book["Matrix"], book["Evidence"]
    assert sheet.max_row == len(matrix.rows) + 1 and sheet.max_column == len(matrix.columns) + 1
    assert [c.value for c in sheet[1]] == ["treaty", *matrix.columns] and sheet.freeze_panes == "B2"
    assert evidence.max_row == len(matrix.rows) * len(matrix.columns) + 1
    found = [r for r in evidence.iter_rows(min_row=2, values_only=True) if r[2] == "found"]
    assert found and all(r[4] and r[5] is not None and r[8] for r in found)
    with pytest.raises(ValueError, match="xlsx is for the clause matrix"):
        render(compare_concept(kb, "құпия ақпарат"), "xlsx")


def test_cli_writes_binary_formats_to_a_file_only(real_kb_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["compare", "matrix", "--kb", str(real_kb_root), "--format", "xlsx"]) == 2
    assert "give --out" in capsys.readouterr().err
    out = tmp_path / "c.docx"
    assert cli.main(["compare", "concept", "құпия ақпарат", "--kb", str(real_kb_root), "--format", "docx", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"


# -- the treaty profile -----------------------------------------------------------------------------


def test_a_treaty_profile_holds_its_facts_clauses_and_every_obligation(kb: KnowledgeBase) -> None:
    import docx

    from kb.profile import treaty_profile

    file_of = _file_of(kb)
    for treaty_id, file in file_of.items():
        gold = next(t for t in GOLD["treaties"] if t["file"] == file)
        profile = treaty_profile(kb, treaty_id)
        assert profile.signed_date == gold.get("signed_date") and profile.entry_into_force_date == gold.get("entry_into_force_date")
        assert [c.column for c in profile.clauses] == list(clause_matrix(kb).columns)
        assert sum(len(g.duties) for g in profile.duties) == len(kb.obligations(treaty_id))
        keys = [(g.actor, g.modality) for g in profile.duties]
        assert len(keys) == len(set(keys))  # one group per actor and modality
    profile = treaty_profile(kb, TM)
    assert profile.approval and profile.approval.startswith("қаулы № ")
    assert any(d.deadline == "immediately" for g in profile.duties for d in g.duties)
    markdown = render(profile, "md").decode()
    assert "## Final clauses" in markdown and "/treaties/2017-kupiia-akparatty-ozara-korgau#art-13" in markdown
    document = docx.Document(io.BytesIO(render(profile, "docx")))
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")] == ["Final clauses", "Obligations, prohibitions and permissions"]
    with pytest.raises(NotFound):
        treaty_profile(kb, "nope")


def test_profile_on_the_command_line_and_the_api(real_kb_root: Path, real_client, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["report", "treaty", TM, "--kb", str(real_kb_root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["treaty_id"] == TM
    assert cli.main(["report", "treaty", "nope", "--kb", str(real_kb_root)]) == 2
    assert "kelisim report: treaty_id:" in capsys.readouterr().err
    r = real_client.get(f"/api/v1/treaties/{TM}/profile", params={"format": "md"})
    assert r.status_code == 200 and r.text.startswith("# ")
    assert real_client.get("/api/v1/treaties/nope/profile").status_code == 404


# -- pages ------------------------------------------------------------------------------------------


def test_the_comparison_pages_render_and_link_their_downloads(real_client) -> None:  # type: ignore[no-untyped-def]
    import re

    pages = {
        "/compare/matrix": "Ережелер матрицасы",
        f"/compare?type=dispute_resolution&baseline={TM}&draft=Даулар+консультациялар+арқылы+шешіледі.": "<ins>",
        "/concepts": "құпия ақпарат",
        "/concepts/classified information": "<del>",
        f"/treaties/{TM}/profile": "Қорытынды ережелер",
    }
    for path, marker in pages.items():
        r = real_client.get(path)
        assert r.status_code == 200 and marker in r.text, path
        for href in re.findall(r'href="([^"#]+)', r.text):
            if href.startswith("/") and not href.startswith("/schema"):
                assert real_client.get(href.replace("&amp;", "&")).status_code == 200, (path, href)
    picked = real_client.get("/compare/matrix", params=[("treaties", TM), ("columns", "withdrawal"), ("columns", "expenses")])
    assert picked.status_code == 200 and picked.text.count("<tr><th scope=\"row\">") == 1
    assert "format=xlsx" in picked.text and "columns=withdrawal%2Cexpenses" in picked.text
    two = real_client.get("/compare", params=[("type", "withdrawal"), ("treaties", TM), ("treaties", "2017-akparat-almasu")])
    assert two.status_code == 200 and two.text.count('<section class="article">') == 2 and "format=pdf" in two.text
    assert real_client.get("/compare/matrix", params={"columns": "nope"}).status_code == 400
    reader = real_client.get(f"/treaties/{TM}").text
    assert f'href="/treaties/{TM}/profile"' in reader
    assert 'href="/concepts/classified-information"' in reader and 'href="/compare?type=dispute_resolution"' in reader
    assert real_client.get("/compare?type=nope").status_code == 400
    assert real_client.get("/concepts/ауа райы").status_code == 404


# -- HTML and PDF, read back; the HTML in a real browser -----------------------------------------


def test_the_pdf_holds_the_cover_and_every_citation(kb: KnowledgeBase) -> None:
    from pypdf import PdfReader

    for model in (compare_concept(kb, "құпия ақпарат"), clause_matrix(kb, columns=("withdrawal", "dispute_resolution"))):
        pdf = render(model, "pdf")
        assert pdf.startswith(b"%PDF")
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        assert model.version in text
        cited = [r.evidence for r in model.rows] if isinstance(model, type(compare_concept(kb, "құпия ақпарат"))) else [c.evidence for row in model.rows for c in row.cells if c.evidence]
        assert cited and all(f"{e.article}-бап" in text and str(e.source_start) in text for e in cited)


def test_a_report_fetches_nothing() -> None:
    """An image and a stylesheet on a loopback server: the PDF renders, the server is
    never asked (it counts its requests, and stops with the test)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kb.compare_office import html_pdf

    asked: list[str] = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        pdf = html_pdf(f'<html><head><link rel="stylesheet" href="{base}/s.css"></head><body><img src="{base}/x.png"><p>мәтін</p></body></html>')
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF") and asked == []


def test_the_html_report_renders_in_headless_chromium(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Debian's chromium (``make browser``) renders the report; the screenshot's
    non-white area is as tall as a table of every treaty's definition."""
    import shutil
    import subprocess

    from PIL import Image

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make browser` installs it"
    page = tmp_path / "concept.html"
    page.write_bytes(render(compare_concept(kb, "құпия ақпарат"), "html"))
    shot = tmp_path / "concept.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--screenshot={shot}",
         "--window-size=1200,1400", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1400)
    box = Image.eval(image, lambda v: 255 if v < 200 else 0).getbbox()
    assert box is not None and box[3] - box[1] > 600 and box[2] - box[0] > 900  # the cover and the table, wide and tall


@pytest.mark.parametrize(
    ("old", "new", "pairs"),
    [
        (["Тараптар ақпарат алмасады.", "Шығыстарды әр Тарап өзі көтереді."], ["Тараптар ақпарат алмасады.", "Шығыстарды әр Тарап өзі көтереді."], [(0, 0), (1, 1)]),
        # a paragraph inserted in the middle: the others still find their partners
        (["Тараптар ақпарат алмасады.", "Шығыстарды әр Тарап өзі көтереді."],
         ["Тараптар ақпарат алмасады.", "Даулар келіссөздер арқылы шешіледі.", "Шығыстарды әр Тарап өз есебінен көтереді."],
         [(0, 0), (None, 1), (1, 2)]),
        # reordered: the better half is kept in order, the other paragraph is deleted and inserted
        (["Даулар келіссөздер арқылы шешіледі.", "Тараптар ақпарат алмасады."], ["Тараптар ақпарат алмасады.", "Даулар келіссөздер арқылы шешіледі."],
         [(0, None), (1, 0), (None, 1)]),
        ([], ["Жаңа тармақ."], [(None, 0)]),
    ],
)
def test_paragraphs_align_by_their_words(old: list[str], new: list[str], pairs: list[tuple[int | None, int | None]]) -> None:
    from kb.clause_compare import align_paragraphs

    expected = [(None if i is None else old[i], None if j is None else new[j]) for i, j in pairs]
    assert align_paragraphs(old, new) == expected


@given(st.lists(st.sampled_from(["Тараптар ақпарат алмасады.", "Даулар шешіледі.", "Шығыстар.", "Жаңа сөз бар."]), max_size=5),
       st.lists(st.sampled_from(["Тараптар ақпарат алмасады.", "Даулар шешіледі.", "Шығыстар.", "Жаңа сөз бар."]), max_size=5))
def test_an_alignment_keeps_every_paragraph_once_in_order(old: list[str], new: list[str]) -> None:
    from kb.clause_compare import align_paragraphs

    pairs = align_paragraphs(old, new)
    assert [a for a, _ in pairs if a is not None] == old and [b for _, b in pairs if b is not None] == new


def test_clause_labels_are_the_shared_tables(real_client) -> None:  # type: ignore[no-untyped-def]
    from ingest.extract.clause_labels import LABELS, label
    from ingest.extract.clause_types import TYPES

    table = {}
    for line in (REPO / "docs" / "clause-types.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in TYPES:
            table[cells[0]] = tuple(cells[1:4])
    assert LABELS == table and set(LABELS) == set(TYPES)
    assert label("withdrawal", "en") == LABELS["withdrawal"][2] and label("nope") == "nope"
    page = real_client.get("/compare/matrix").text
    assert LABELS["withdrawal"][0] in page and LABELS["dispute_resolution"][0] in page
