"""``kelisim compare`` and ``kelisim report``: the comparisons of ``kb.concepts``, ``kb.clause_compare``, ``kb.clause_matrix`` and the profile of ``kb.profile``
on the command line, as JSON, Markdown, CSV, XLSX or DOCX, to stdout or a file (the
binary formats to a file only).

    kelisim compare clauses --type dispute_resolution [--treaties ID,…]
        [--baseline ID | --baseline-file F] [--draft-file F] [--format json|md] [--out F]
    kelisim compare concept TERM [--baseline ID | --baseline-file F] [--format json|md] [--out F]
    kelisim report treaty ID [--format json|md|docx] [--out F]
    kelisim compare matrix [--treaties ID,…] [--columns KIND,…] [--format json|md|csv|xlsx|docx] [--out F]

Exit 2 for a refused request (the parameter named on stderr), 1 without a knowledge base.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.compare_render import FORMATS, render
from kb.errors import KbUnavailable, NotFound, QueryError

MAX_PASTE = 200_000
"""A pasted clause or definition longer than this is not one."""


def add_report_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="one treaty's profile: parties, dates, final clauses, obligations by actor")
    kinds = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    treaty = kinds.add_parser("treaty", help="the profile of one treaty")
    treaty.add_argument("treaty_id", metavar="ID")
    treaty.add_argument("--format", choices=("json", "md", "html", "docx", "pdf"), default="md")
    treaty.add_argument("--out", type=Path, metavar="F", help="write here instead of stdout")
    treaty.add_argument("--kb", type=Path, default=None, help="knowledge-base root (default: $KELISIM_KB or var/kb)")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("compare", help="compare a clause type or a concept across treaties (JSON or Markdown)")
    kinds = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    clauses = kinds.add_parser("clauses", help="each treaty's article of a clause type, with its attributes and a redline")
    clauses.add_argument("--type", required=True, metavar="TYPE", help="a clause type id (docs/clause-types.md)")
    clauses.add_argument("--treaties", metavar="ID,…", help="only these treaties, in this order")
    clauses.add_argument("--draft-file", type=Path, metavar="F", help="a draft clause (UTF-8 text) to redline against the baseline")
    matrix = kinds.add_parser("matrix", help="treaties × clause attributes, each cell cited")
    matrix.add_argument("--treaties", metavar="ID,…", help="only these treaties, in this order")
    matrix.add_argument("--columns", metavar="KIND,…", help="only these clause kinds (default: all)")
    matrix.add_argument("--format", choices=FORMATS, default="md")
    matrix.add_argument("--out", type=Path, metavar="F", help="write here instead of stdout")
    matrix.add_argument("--kb", type=Path, default=None, help="knowledge-base root (default: $KELISIM_KB or var/kb)")
    concept = kinds.add_parser("concept", help="every treaty's definition of a concept, redlined against a baseline")
    concept.add_argument("term", metavar="TERM", help="a concept id, or its label in kk (any inflection), ru or en")
    for parser in (clauses, concept):
        base = parser.add_mutually_exclusive_group()
        base.add_argument("--baseline", metavar="ID", help="the treaty whose text is the baseline")
        base.add_argument("--baseline-file", type=Path, metavar="F", help="a pasted text (UTF-8) as the baseline")
        parser.add_argument("--format", choices=FORMATS, default="md")
        parser.add_argument("--out", type=Path, metavar="F", help="write here instead of stdout")
        parser.add_argument("--kb", type=Path, default=None, help="knowledge-base root (default: $KELISIM_KB or var/kb)")


def _read_text(path: Path | None, param: str) -> str | None:
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror})", param) from exc
    if len(data) > MAX_PASTE:
        raise QueryError(f"{path}: {len(data)} bytes, more than {MAX_PASTE}", param)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (byte {exc.start})", param) from exc


def run(args: argparse.Namespace, kb_root: Path) -> int:
    from kb.clause_compare import compare_clauses
    from kb.clause_matrix import clause_matrix
    from kb.concepts import compare_concept
    from kb.profile import treaty_profile
    from kb.store import open_current

    def listed(value: str | None) -> tuple[str, ...] | None:
        return tuple(v.strip() for v in value.split(",") if v.strip()) if value else None

    try:
        baseline_text = _read_text(getattr(args, "baseline_file", None), "baseline-file")
        with open_current(kb_root) as kb:
            if args.what == "treaty":
                model = treaty_profile(kb, args.treaty_id)
            elif args.what == "matrix":
                model = clause_matrix(kb, treaties=listed(args.treaties), columns=listed(args.columns))
            elif args.what == "clauses":
                model = compare_clauses(
                    kb, args.type, treaties=listed(args.treaties), baseline=args.baseline, baseline_text=baseline_text,
                    draft=_read_text(args.draft_file, "draft-file"),
                )
            else:
                model = compare_concept(kb, args.term, baseline=args.baseline, baseline_text=baseline_text)
    except (QueryError, NotFound) as exc:
        print(f"kelisim {args.command}: {exc.param}: {exc.message}", file=sys.stderr)
        return 2
    except KbUnavailable as exc:
        print(f"kelisim {args.command}: {exc}", file=sys.stderr)
        return 1
    if args.format in ("xlsx", "docx", "pdf") and args.out is None:
        print(f"kelisim {args.command}: format: {args.format} is a binary file: give --out FILE", file=sys.stderr)
        return 2
    try:
        data = render(model, args.format)
    except ValueError as exc:
        print(f"kelisim {args.command}: format: {exc}", file=sys.stderr)
        return 2
    if args.out is not None:
        args.out.write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


__all__ = ["add_parser", "run"]
