"""``kelisim parse PATH... --format json|text|akn``: the bulk export, no index built.

Each file is parsed on its own: a file that cannot be parsed gets one line on
stderr (``kelisim: <file>: <reason>``) and the exit status 2, while every other
file of the run is still parsed and printed. The JSON export follows
``docs/parse-json.md`` and is described by ``docs/parse.schema.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

import msgspec

from ingest.corpus import Corpus, parse_corpus
from ingest.model import ParseExport, Treaty
from ingest.render import render_text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "parse",
        help="parse treaty files into structured treaties (JSON, text or Akoma Ntoso)",
        description="Parse treaty source files (a folder stands for its .txt/.html/.docx files).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="source files or folders")
    parser.add_argument("--format", choices=("json", "text", "akn"), default="json")
    parser.add_argument("--out", metavar="DIR", help="write one file per treaty into DIR instead of standard output")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    corpus = parse_all(args.paths, sys.stderr)
    treaties = list(corpus.treaties)
    errors = [{"source": e.source, "reason": e.reason} for e in corpus.errors]
    if args.out:
        write_files(treaties, Path(args.out), args.format, args.pretty)
    elif args.format == "json":
        export = ParseExport(treaties=corpus.treaties, concepts=corpus.concepts, errors=tuple(errors))
        data = msgspec.json.encode(export)
        if args.pretty:
            data = msgspec.json.format(data, indent=2)
        sys.stdout.buffer.write(data + b"\n")
    elif args.format == "text":
        sys.stdout.write("\n\n".join(render_text(t) for t in treaties))
    else:
        if len(treaties) > 1:
            print("kelisim: --format akn prints one document; give --out DIR for several treaties", file=sys.stderr)
            return 2
        from ingest.akn import to_akn

        for treaty in treaties:
            sys.stdout.buffer.write(to_akn(treaty))
    return 2 if errors or not treaties else 0


def parse_all(paths: list[str], err: TextIO) -> Corpus:
    """Parse and link every file (``ingest.corpus.parse_corpus``), reporting each
    failure on ``err`` as it happens."""
    corpus = parse_corpus(paths, progress=lambda _done, _total, o: _report(o.error, err))
    if not corpus.outcomes:
        print("kelisim: no source files in " + ", ".join(paths), file=err)
    return corpus


def _report(error: object, err: TextIO) -> None:
    if error is not None:
        print(f"kelisim: {error}", file=err)


def write_files(treaties: list[Treaty], out: Path, fmt: str, pretty: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for treaty in treaties:
        if fmt == "json":
            data = msgspec.json.encode(treaty)
            (out / f"{treaty.id}.json").write_bytes(msgspec.json.format(data, indent=2) if pretty else data)
        elif fmt == "text":
            (out / f"{treaty.id}.txt").write_text(render_text(treaty), encoding="utf-8")
        else:
            from ingest.akn import to_akn

            (out / f"{treaty.id}.xml").write_bytes(to_akn(treaty))
