"""The comparisons (``kb.concepts``, ``kb.clause_compare``, ``kb.clause_matrix``) as
documents: JSON (the model as it is), Markdown (a report to read or paste), CSV (the
matrix, a line per cell), and through ``kb.compare_office`` XLSX (the matrix) and DOCX
(every comparison, redlines as tracked changes). Every renderer reads the same
model, so a cell says the same thing in every format; each row cites its article and
its source offsets.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

import msgspec

from kb.clause_compare import ClauseComparison
from kb.clause_matrix import ClauseMatrix
from kb.concepts import ConceptComparison, Evidence
from kb.profile import TreatyProfile
from kb.report_text import (
    Comparison,
    cell_text,
    cover,
    duty_notes,
    group_heading,
    profile_facts,
    row_title,
    show,
)

FORMATS = ("json", "md", "html", "csv", "xlsx", "docx", "pdf")
"""``csv`` and ``xlsx`` are for the matrix only: a comparison of texts is no table of
values. ``xlsx``, ``docx`` and ``pdf`` (from the ``html``) are written by
``kb.compare_office``."""


def to_json(model: Comparison) -> bytes:
    """The model as JSON; each redline also as its counts and as HTML."""
    data: Any = msgspec.to_builtins(model)
    if isinstance(model, ClauseMatrix | TreatyProfile):
        return msgspec.json.format(msgspec.json.encode(data), indent=1)
    for row, source in zip(data["rows"], model.rows, strict=True):
        if source.redline is not None:
            row["redline"]["changes"] = source.redline.changes
            row["redline"]["html"] = source.redline.html()
    if isinstance(model, ConceptComparison):
        data["drift"] = model.drift
    return msgspec.json.format(msgspec.json.encode(data), indent=1)


def _cite(e: Evidence) -> str:
    return f"[{e.where()}]({e.anchor})" if e.article else "the draft"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _matrix_markdown(model: ClauseMatrix) -> list[str]:
    lines = ["# Clause matrix", "", f"Knowledge base version `{model.version}`; {len(model.rows)} treaties.", ""]
    lines += ["| treaty | " + " | ".join(model.columns) + " |", "|---" * (len(model.columns) + 1) + "|"]
    for row in model.rows:
        cells = []
        for cell in row.cells:
            cite = f" ({_cite(cell.evidence)})" if cell.evidence is not None else ""
            cells.append(_cell(cell_text(cell)) + cite)
        lines.append(f"| {_cell(row.treaty_title)} | " + " | ".join(cells) + " |")
    return lines


def to_csv(model: ClauseMatrix) -> str:
    """One line per cell: treaty, column, status, value (JSON), article, source offsets,
    and the quoted words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["treaty_id", "treaty_title", "column", "status", "value", "article", "source_start", "source_end", "anchor", "quote"])
    for row in model.rows:
        for cell in row.cells:
            e = cell.evidence
            writer.writerow([
                row.treaty_id, row.treaty_title, cell.column, cell.status,
                "" if cell.value is None else json.dumps(cell.value, ensure_ascii=False),
                e.article if e else "", e.source_start if e else "", e.source_end if e else "", e.anchor if e else "",
                " ".join(e.quote.split()) if e else "",
            ])
    return out.getvalue()


def _profile_markdown(model: TreatyProfile) -> list[str]:
    lines = [f"# {model.title}", "", f"Knowledge base version `{model.version}`; treaty `{model.treaty_id}`.", ""]
    lines += [f"- **{k}**: {v}" for k, v in profile_facts(model)] + ["", "## Final clauses", "", "| clause | value | source |", "|---|---|---|"]
    for cell in model.clauses:
        lines.append(f"| {cell.column} | {_cell(cell_text(cell))} | {_cite(cell.evidence) if cell.evidence else ''} |")
    lines += ["", "## Obligations, prohibitions and permissions", ""]
    for group in model.duties:
        lines += [f"### {group_heading(group)}", ""]
        lines += [f"- {_cell(d.text)} ({_cite(d.evidence)}{duty_notes(d)})" for d in group.duties]
        lines.append("")
    return lines


def to_markdown(model: Comparison) -> str:
    lines: list[str] = []
    if isinstance(model, TreatyProfile):
        lines = _profile_markdown(model)
    elif isinstance(model, ClauseMatrix):
        lines = _matrix_markdown(model)
    elif isinstance(model, ConceptComparison):
        c = model.concept
        labels = ", ".join(f"{k}: {v}" for k, v in c.labels.items())
        lines += [f"# {c.label}", "", f"Concept `{c.id}` ({labels}). Knowledge base version `{model.version}`.", ""]
        lines += [f"Baseline: {model.baseline or 'none'}. Drift in substance: {'yes' if model.drift else 'no'}.", ""]
        lines += ["| treaty | term | definition | against the baseline | used in articles |", "|---|---|---|---|---|"]
        for r in model.rows:
            against = "baseline" if r.redline is None else f"{r.drift}: {_cell(r.redline.markdown())}"
            lines.append(
                f"| {_cell(r.treaty_title)} ({_cite(r.evidence)}) | {_cell(r.term)} | {_cell(r.definition)} | {against} | {', '.join(r.used_in)} |"
            )
    else:
        lines += [f"# Clause comparison: {model.type}", "", f"Knowledge base version `{model.version}`. Baseline: {model.baseline or 'none'}.", ""]
        for r in model.rows:
            lines += [f"## {row_title(r)}", "", f"Source: {_cite(r.evidence)}.", ""]
            if r.attributes:
                lines += [", ".join(f"**{k}**: {show(v)}" for k, v in r.attributes.items() if k != "article"), ""]
            lines += [r.redline.markdown() if r.redline is not None else r.text, ""]
    return "\n".join(lines).rstrip() + "\n"


_STYLE = """
body { font-family: "DejaVu Serif", "PT Serif", Georgia, serif; font-size: 10.5pt; line-height: 1.45; margin: 1.5em; }
h1 { font-size: 16pt; } h2 { font-size: 12.5pt; margin-top: 1.4em; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
thead { display: table-header-group; } th { background: #f3f0e8; }
ins { background: #dcefd8; } del { background: #f6d6d0; }
.cover td:first-child { width: 14em; color: #555; } .cite { color: #555; font-size: 9pt; }
@page { size: A4 landscape; margin: 1.5cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _html_cite(e: Evidence | None) -> str:
    if e is None or not e.article:
        return ""
    return f'<span class="cite"><a href="{_e(e.anchor)}">{_e(e.where())}</a></span>'


def to_html(model: Comparison) -> str:
    """A whole HTML document: a cover block (knowledge-base version, the treaties
    compared), then the comparison's tables and redlines (``<ins>``/``<del>``), every
    cell citing its article. Self-contained: no script, no external resource."""
    title, treaties, baseline = cover(model)
    rows: list[str] = []
    if isinstance(model, ClauseMatrix):
        rows.append("<table><thead><tr><th>treaty</th>" + "".join(f"<th>{_e(c)}</th>" for c in model.columns) + "</tr></thead><tbody>")
        for row in model.rows:
            cells = "".join(f"<td>{_e(cell_text(c))}<br>{_html_cite(c.evidence)}</td>" for c in row.cells)
            rows.append(f"<tr><th>{_e(row.treaty_title)}</th>{cells}</tr>")
        rows.append("</tbody></table>")
    elif isinstance(model, ConceptComparison):
        rows.append("<table><thead><tr><th>treaty</th><th>term</th><th>definition against the baseline</th><th>used in</th></tr></thead><tbody>")
        for r in model.rows:
            body = _e(r.definition) + " <em>(baseline)</em>" if r.redline is None else f"{r.redline.html()}<br><em>{_e(r.drift)}</em>"
            rows.append(f"<tr><td>{_e(r.treaty_title)}<br>{_html_cite(r.evidence)}</td><td>{_e(r.term)}</td><td>{body}</td><td>{_e(', '.join(r.used_in))}</td></tr>")
        rows.append("</tbody></table>")
    elif isinstance(model, ClauseComparison):
        for r in model.rows:
            rows.append(f"<h2>{_e(row_title(r))}</h2><p>{_html_cite(r.evidence)}</p>")
            if r.attributes:
                rows.append("<table><tbody>" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(show(v))}</td></tr>" for k, v in r.attributes.items() if k != "article") + "</tbody></table>")
            rows.append(f"<p>{r.redline.html() if r.redline is not None else _e(r.text)}</p>")
    else:
        rows.append("<table><thead><tr><th>clause</th><th>value</th><th>source</th></tr></thead><tbody>")
        rows += [f"<tr><td>{_e(c.column)}</td><td>{_e(cell_text(c))}</td><td>{_html_cite(c.evidence)}</td></tr>" for c in model.clauses]
        rows.append("</tbody></table>")
        for group in model.duties:
            rows.append(f"<h3>{_e(group_heading(group))}</h3><ul>")
            rows += [f"<li>{_e(' '.join(d.text.split()))} {_html_cite(d.evidence)}{_e(f' · {d.deadline}' if d.deadline else '')}</li>" for d in group.duties]
            rows.append("</ul>")
    block = (
        '<table class="cover"><tbody>'
        f"<tr><td>Knowledge base version</td><td>{_e(model.version)}</td></tr>"
        f"<tr><td>Treaties compared</td><td>{'<br>'.join(_e(t) for t in treaties)}</td></tr>"
        f"<tr><td>Baseline</td><td>{_e(baseline or '—')}</td></tr></tbody></table>"
    )
    return (
        f'<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{_e(title)}</title><style>{_STYLE}</style></head>'
        f"<body><h1>{_e(title)}</h1>{block}{''.join(rows)}</body></html>\n"
    )


def render(model: Comparison, fmt: str) -> bytes:
    if fmt == "json":
        return to_json(model)
    if fmt == "md":
        return to_markdown(model).encode("utf-8")
    if fmt in ("csv", "xlsx"):
        if not isinstance(model, ClauseMatrix):
            raise ValueError(f"{fmt} is for the clause matrix; a comparison of texts is json, md or docx")
        if fmt == "csv":
            return to_csv(model).encode("utf-8")
        from kb.compare_office import matrix_xlsx

        return matrix_xlsx(model)
    if fmt == "docx":
        from kb.compare_office import comparison_docx

        return comparison_docx(model)
    if fmt == "html":
        return to_html(model).encode("utf-8")
    if fmt == "pdf":
        from kb.compare_office import html_pdf

        return html_pdf(to_html(model))
    raise ValueError(f"unknown format {fmt!r}: the formats are {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Comparison", "render", "to_csv", "to_html", "to_json", "to_markdown"]
