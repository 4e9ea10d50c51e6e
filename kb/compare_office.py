"""The comparisons as office documents a negotiator takes into a meeting.

- XLSX (openpyxl), the clause matrix: sheet "Matrix" (a row per treaty, a column per
  clause kind, the header row frozen) and sheet "Evidence" (a line per cell: status,
  value, article, source offsets, the quoted words), so a value can be checked without
  leaving the workbook.
- PDF (WeasyPrint), every comparison, rendered from its HTML document
  (``kb.compare_render.to_html``) with a URL fetcher that refuses every request.
- DOCX (python-docx), every comparison: a cover block (knowledge-base version, the
  treaties compared), headings, real tables whose header row repeats on every page
  (``w:tblHeader``), citations, and redlines as Word tracked changes: each deletion a
  ``w:del`` run, each insertion a ``w:ins`` run, so Word's Review pane lists them and
  can accept or reject them one by one. python-docx has no API for tracked changes;
  they are written as the OOXML elements Word itself writes.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from kb.clause_compare import ClauseComparison
from kb.clause_matrix import ClauseMatrix, show
from kb.concepts import ConceptComparison, Evidence
from kb.profile import TreatyProfile
from kb.redline import Redline

AUTHOR = "Kelisim"


def _cite(e: Evidence | None) -> str:
    return "" if e is None else e.where()


def _value_text(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(" / ".join(str(v) for v in level.values()) for level in value)
    return show(value)


def matrix_xlsx(model: ClauseMatrix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["treaty", *model.columns])
    for row in model.rows:
        sheet.append([row.treaty_title, *(_value_text(c.value) if c.status == "found" else c.status for c in row.cells)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 40
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    evidence = book.create_sheet("Evidence")
    evidence.append(["treaty_id", "column", "status", "value", "article", "source_start", "source_end", "anchor", "quote"])
    for row in model.rows:
        for c in row.cells:
            e = c.evidence
            evidence.append([
                row.treaty_id, c.column, c.status, "" if c.value is None else json.dumps(c.value, ensure_ascii=False),
                e.article if e else "", e.source_start if e else None, e.source_end if e else None,
                e.anchor if e else "", " ".join(e.quote.split()) if e else "",
            ])
    for cell in evidence[1]:
        cell.font = Font(bold=True)
    evidence.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- DOCX ---------------------------------------------------------------------------------------


def _repeat_header(table) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


class _Revisions:
    """Numbers the tracked changes of one document (``w:id`` must be unique)."""

    def __init__(self) -> None:
        self.next_id = 1
        self.date = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    def write(self, paragraph, shown: Redline) -> None:  # type: ignore[no-untyped-def]
        """The redline's edits as runs of ``paragraph``: equal text plain, deletions in
        ``w:del`` (``w:delText``), insertions in ``w:ins``."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        for edit in shown.edits:
            if edit.kind == "equal":
                paragraph.add_run(edit.text)
                continue
            wrapper = OxmlElement("w:del" if edit.kind == "delete" else "w:ins")
            wrapper.set(qn("w:id"), str(self.next_id))
            wrapper.set(qn("w:author"), AUTHOR)
            wrapper.set(qn("w:date"), self.date)
            self.next_id += 1
            run = OxmlElement("w:r")
            text = OxmlElement("w:delText" if edit.kind == "delete" else "w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = edit.text
            run.append(text)
            wrapper.append(run)
            paragraph._p.append(wrapper)


def _cover(document, title: str, version: str, treaties: list[str], baseline: str) -> None:  # type: ignore[no-untyped-def]
    document.add_heading(title, level=0)
    cover = document.add_table(rows=0, cols=2)
    for label, value in (("Knowledge base version", version), ("Treaties compared", "\n".join(treaties)), ("Baseline", baseline or "—")):
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, value


def _profile(document, model: TreatyProfile) -> None:  # type: ignore[no-untyped-def]
    _cover(document, model.title, model.version, [model.title], "")
    for label, value in (
        ("Parties", "; ".join(model.parties)), ("Signed", ", ".join(p for p in (model.signed_date, model.signed_place) if p)),
        ("Approved by", model.approval or ""), ("In force since", model.entry_into_force_date or ""),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value or "—")
    document.add_heading("Final clauses", level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ["clause", "value", "source"], strict=True):
        cell.text = label
    _repeat_header(table)
    for c in model.clauses:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = c.column, _value_text(c.value) if c.status == "found" else c.status, _cite(c.evidence)
    document.add_heading("Obligations, prohibitions and permissions", level=1)
    for group in model.duties:
        document.add_heading(f"{group.actor or 'no actor named'}: {group.modality} ({len(group.duties)})", level=2)
        for d in group.duties:
            extra = "".join(f"; {label}: {v}" for label, v in (("deadline", d.deadline), ("if", d.condition)) if v)
            document.add_paragraph(f"{' '.join(d.text.split())} ({d.article}-бап{extra})", style="List Bullet")


def comparison_docx(model: ClauseMatrix | ClauseComparison | ConceptComparison | TreatyProfile) -> bytes:
    from docx import Document

    document = Document()
    revisions = _Revisions()
    if isinstance(model, TreatyProfile):
        _profile(document, model)
    elif isinstance(model, ClauseMatrix):
        _cover(document, "Clause matrix", model.version, [r.treaty_title for r in model.rows], "")
        table = document.add_table(rows=1, cols=len(model.columns) + 1)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, ["treaty", *model.columns], strict=True):
            cell.text = label
        _repeat_header(table)
        for row in model.rows:
            cells = table.add_row().cells
            cells[0].text = row.treaty_title
            for cell, value in zip(cells[1:], row.cells, strict=True):
                cell.text = _value_text(value.value) if value.status == "found" else value.status
                if value.evidence is not None:
                    cell.add_paragraph(_cite(value.evidence)).runs[0].italic = True
    elif isinstance(model, ConceptComparison):
        c = model.concept
        _cover(document, f"Concept: {c.label}", model.version, [r.treaty_title for r in model.rows], model.baseline)
        document.add_paragraph(", ".join(f"{k}: {v}" for k, v in c.labels.items()))
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, ["treaty", "term", "definition against the baseline", "used in articles"], strict=True):
            cell.text = label
        _repeat_header(table)
        for r in model.rows:
            cells = table.add_row().cells
            cells[0].text = f"{r.treaty_title}, {_cite(r.evidence)}"
            cells[1].text = r.term
            if r.redline is None:
                cells[2].text = r.definition + " (baseline)"
            else:
                revisions.write(cells[2].paragraphs[0], r.redline)
                cells[2].add_paragraph(f"drift: {r.drift}").runs[0].italic = True
            cells[3].text = ", ".join(r.used_in)
    else:
        _cover(document, f"Clause comparison: {model.type}", model.version, [r.treaty_title or r.treaty_id for r in model.rows], model.baseline)
        for r in model.rows:
            document.add_heading("Draft" if r.treaty_id == "draft" else f"{r.treaty_title}, {r.article}-бап", level=1)
            if r.evidence.article:
                document.add_paragraph(_cite(r.evidence)).runs[0].italic = True
            if r.attributes:
                table = document.add_table(rows=1, cols=2)
                table.style = "Table Grid"
                table.rows[0].cells[0].text, table.rows[0].cells[1].text = "attribute", "value"
                _repeat_header(table)
                for key, value in r.attributes.items():
                    if key != "article":
                        cells = table.add_row().cells
                        cells[0].text, cells[1].text = key, _value_text(value)
            paragraph = document.add_paragraph()
            if r.redline is None:
                paragraph.add_run(r.text)
            else:
                revisions.write(paragraph, r.redline)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()




# -- PDF ---------------------------------------------------------------------------------------


def html_pdf(document: str) -> bytes:
    """The report's HTML as PDF. WeasyPrint's fetcher is given no protocol it may use:
    a report is self-contained, and an image or stylesheet a text pointed to would be a
    request from the server to wherever it pointed. Links stay links."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)
    return HTML(string=document, base_url="/", url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]


__all__ = ["AUTHOR", "comparison_docx", "html_pdf", "matrix_xlsx"]
