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

from kb.clause_matrix import ClauseMatrix
from kb.concepts import ConceptComparison, Evidence
from kb.profile import TreatyProfile
from kb.redline import Redline
from kb.report_text import (
    Comparison,
    cell_text,
    cover,
    duty_notes,
    group_heading,
    profile_facts,
    row_title,
    value_text,
)

AUTHOR = "Kelisim"


def _cite(e: Evidence | None) -> str:
    return "" if e is None else e.where()


def matrix_xlsx(model: ClauseMatrix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["treaty", *model.columns])
    for row in model.rows:
        sheet.append([row.treaty_title, *(cell_text(c) for c in row.cells)])
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


def _table(document, labels: list[str]):  # type: ignore[no-untyped-def]
    """A bordered table whose first row, ``labels`` in bold, repeats on every page."""
    table = document.add_table(rows=1, cols=len(labels))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = label
    _repeat_header(table)
    return table


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


def _cover(document, model: Comparison) -> None:  # type: ignore[no-untyped-def]
    title, treaties, baseline = cover(model)
    document.add_heading(title, level=0)
    block = document.add_table(rows=0, cols=2)
    for label, value in (("Knowledge base version", model.version), ("Treaties compared", "\n".join(treaties)), ("Baseline", baseline or "—")):
        cells = block.add_row().cells
        cells[0].text, cells[1].text = label, value


def _profile(document, model: TreatyProfile) -> None:  # type: ignore[no-untyped-def]
    for label, value in profile_facts(model):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_heading("Final clauses", level=1)
    table = _table(document, ["clause", "value", "source"])
    for c in model.clauses:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = c.column, cell_text(c), _cite(c.evidence)
    document.add_heading("Obligations, prohibitions and permissions", level=1)
    for group in model.duties:
        document.add_heading(group_heading(group), level=2)
        for d in group.duties:
            document.add_paragraph(f"{' '.join(d.text.split())} ({d.article}-бап{duty_notes(d)})", style="List Bullet")


def comparison_docx(model: Comparison) -> bytes:
    from docx import Document

    document = Document()
    revisions = _Revisions()
    _cover(document, model)
    if isinstance(model, TreatyProfile):
        _profile(document, model)
    elif isinstance(model, ClauseMatrix):
        table = _table(document, ["treaty", *model.columns])
        for row in model.rows:
            cells = table.add_row().cells
            cells[0].text = row.treaty_title
            for cell, value in zip(cells[1:], row.cells, strict=True):
                cell.text = cell_text(value)
                if value.evidence is not None:
                    cell.add_paragraph(_cite(value.evidence)).runs[0].italic = True
    elif isinstance(model, ConceptComparison):
        document.add_paragraph(", ".join(f"{k}: {v}" for k, v in model.concept.labels.items()))
        table = _table(document, ["treaty", "term", "definition against the baseline", "used in articles"])
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
        for r in model.rows:
            document.add_heading(row_title(r), level=1)
            if r.evidence.article:
                document.add_paragraph(_cite(r.evidence)).runs[0].italic = True
            if r.attributes:
                table = _table(document, ["attribute", "value"])
                for key, value in r.attributes.items():
                    if key != "article":
                        cells = table.add_row().cells
                        cells[0].text, cells[1].text = key, value_text(value)
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
