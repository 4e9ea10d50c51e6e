"""The ``kelisim`` command: ``build``, ``check``, ``serve``, ``parse``, ``lemmas``, ``schema``, ``search``, ``compare``, ``report`` and ``mcp``.

Each subcommand is a thin shell over one library call (``kb.build.build``,
``api.app.create_app``, ``api.parse_cmd.run``, ``kb.search.search``) so everything it does is testable
without a terminal. Exit codes: 0 success, 1 runtime failure, 2 usage error or
nothing to build.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kb.errors import BuildError, KbUnavailable

DEFAULT_KB = "var/kb"
DEFAULT_CORPUS = "corpus"
KB_ENV = "KELISIM_KB"


def default_kb_root() -> Path:
    """``$KELISIM_KB`` if set, else ``var/kb`` under the current directory."""
    return Path(os.environ.get(KB_ENV) or DEFAULT_KB)


def _add_kb_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=Path(DEFAULT_CORPUS), help="folder of treaty sources (default: %(default)s)")
    parser.add_argument("--kb", type=Path, default=None, help=f"knowledge-base root (default: ${KB_ENV} or {DEFAULT_KB})")
    parser.add_argument("--no-vectors", action="store_true", help="skip the dense index (keyword search only; much faster)")
    parser.add_argument(
        "--embedding", choices=("onnx", "int8", "torch"), default=None,
        help="how provisions are embedded: onnx (the model in fp32 on ONNX Runtime, 3-4x torch's speed, same "
        "vectors), int8 (ONNX Runtime, int8 arithmetic) or torch (the sentence-transformers model); "
        "default: $KELISIM_EMBEDDING, else onnx",
    )


LAZY_COMMANDS = ("parse", "compare", "report")
"""Commands whose modules (the parser, the comparison renderers: spaCy, torch) are
imported only when the parser must know them: not for a search."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or, with ``command``, the same parser holding only that
    subcommand (its arguments and help unchanged): ``main`` asks for the one it runs,
    so that a search does not import the modules of ``parse`` and ``compare``."""
    parser = argparse.ArgumentParser(prog="kelisim", description="A knowledge base of international agreements in Kazakh.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def wanted(name: str) -> bool:
        return command is None or command == name

    if wanted("build"):
        p_build = sub.add_parser("build", help="parse the corpus into a new knowledge-base version")
        _add_kb_options(p_build)
        p_build.add_argument("-q", "--quiet", action="store_true", help="no progress bars or lines")
        p_build.add_argument(
            "--full", action="store_true", help="parse and write everything anew (default: reuse what the current version holds unchanged)"
        )
    if wanted("check"):
        p_check = sub.add_parser("check", help="verify that a knowledge-base version is whole (every file's size and sha256)")
        p_check.add_argument("--kb", type=Path, default=None, help=f"knowledge-base root (default: ${KB_ENV} or {DEFAULT_KB})")
        p_check.add_argument("--version", default=None, metavar="V", help="this version instead of the current one")
    if wanted("serve"):
        _add_serve_parser(sub)
    if command is None or command in LAZY_COMMANDS:
        from api import compare_cmd, parse_cmd

        if wanted("parse"):
            parse_cmd.add_parser(sub)
        if wanted("compare"):
            compare_cmd.add_parser(sub)
        if wanted("report"):
            compare_cmd.add_report_parser(sub)
    if wanted("schema"):
        sub.add_parser("schema", help="print the JSON Schema of the parse export (docs/parse.schema.json)")
    if wanted("lemmas"):
        p_lemmas = sub.add_parser("lemmas", help="print each word with its candidate lemmas, best first")
        p_lemmas.add_argument("words", nargs="+", metavar="WORD")
    if wanted("search"):
        _add_search_parser(sub)
    if wanted("mcp"):
        p_mcp = sub.add_parser("mcp", help="serve the knowledge base to AI assistants over MCP on stdin/stdout")
        p_mcp.add_argument("--kb", type=Path, default=None, help=f"knowledge-base root (default: ${KB_ENV} or {DEFAULT_KB})")
        p_mcp.add_argument("--base-url", default=None, metavar="URL", help="where the reader is served, for absolute links (default: $KELISIM_BASE_URL, else paths)")
    return parser


def _add_serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_serve = sub.add_parser("serve", help="build (unless --no-build) and serve the API and reader")
    _add_kb_options(p_serve)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--no-build", action="store_true", help="serve the current version if there is one")
    p_serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browser pages of this origin (e.g. https://drafts.example.kz) to call the API; repeat for more; none by default",
    )


def _add_search_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from kb.modes import MODES

    p_search = sub.add_parser(
        "search",
        help="search the provisions of the current knowledge base",
        description='QUERY: words (any inflection), "phrases", OR, -exclusion, and filters treaty:ID, party:WORD, '
        "year:2017 or year:2010-2018, type:CLAUSE_TYPE, article:N.",
    )
    p_search.add_argument("query", metavar="QUERY")
    p_search.add_argument("--mode", default=None, choices=MODES, help="default: hybrid when the knowledge base has vectors, else keyword")
    p_search.add_argument("--limit", type=int, default=10, metavar="N", help="hits to show (default: %(default)s)")
    p_search.add_argument("--treaty", metavar="ID", help="only this treaty")
    p_search.add_argument("--year", metavar="Y", help="a year (2017) or a range (2010-2018)")
    p_search.add_argument("--type", metavar="T", help="only articles of this clause type")
    p_search.add_argument("--group", choices=("article",), default=None, help="one hit per article (its best provision)")
    p_search.add_argument("--cursor", metavar="C", help="next_cursor of a previous --json answer")
    p_search.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    p_search.add_argument("--kb", type=Path, default=None, help=f"knowledge-base root (default: ${KB_ENV} or {DEFAULT_KB})")


def _build(corpus: Path, kb_root: Path, quiet: bool, vectors: bool = True, full: bool = False) -> int:
    from api.progress import BuildProgress
    from kb.build import build

    progress = None if quiet else BuildProgress()
    try:
        result = build(corpus, kb_root, progress=progress, vectors=vectors, incremental=not full)
    except BuildError as exc:
        print(f"kelisim build: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or a full disk: the previous version stays current
        print(f"kelisim build: failed, previous version kept: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if progress is not None:
            progress.close()
    print(result.summary())
    for error in result.errors:
        print(f"  skipped {error.source}: {error.error}", file=sys.stderr)
    return 0


def _check(kb_root: Path, version: str | None) -> int:
    """Hash every file of a version against its manifest and open it: exit 0 with one
    summary line when it is whole, 1 naming the damaged file otherwise."""
    import time

    from kb.integrity import verify_version
    from kb.paths import KbPaths, is_version_name
    from kb.store import open_version, read_current

    started = time.perf_counter()
    try:
        name = version if version is not None else read_current(kb_root)
        folder = KbPaths(kb_root).version_dir(name)
        if not is_version_name(name) or not folder.is_dir():
            raise KbUnavailable(f"version {name[:80]!r} is missing from {folder.parent}")
        # every byte against its record first: a damaged file is named before SQLite reads it
        verified = verify_version(folder, "full")
        if verified is None:
            raise KbUnavailable(f"version {name} was built before builds recorded their files; rebuild to verify it")
        open_version(kb_root, name).close()  # and it opens: the schema, the segments
    except KbUnavailable as exc:
        print(f"kelisim check: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    files = f"{verified.files} file" + ("s" if verified.files != 1 else "")
    print(f"ok {name}: {files}, {verified.bytes / 1e6:.1f} MB, every sha256 as built ({seconds:.2f} s)")
    return 0


def _serve(args: argparse.Namespace, kb_root: Path) -> int:
    from kb.store import read_current

    have_current = True
    try:
        read_current(kb_root)
    except KbUnavailable:
        have_current = False
    if not (args.no_build and have_current):
        code = _build(args.corpus, kb_root, quiet=False, vectors=not args.no_vectors)
        if code != 0 and not have_current:
            return code
        if code != 0:
            print("kelisim serve: build failed, serving the previous version", file=sys.stderr)

    import uvicorn

    from api.app import create_app

    app = create_app(kb_root, warm_model=True, cors_origins=args.cors_origin)
    print(f"kelisim: serving {kb_root} at http://{_url_host(args.host)}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _search(args: argparse.Namespace, kb_root: Path) -> int:
    """Print the hits of one search: a block per hit (citation, score, snippet), or the
    whole answer as JSON. Exit 2 for a refused query, 1 when there is no knowledge base."""
    import msgspec

    from kb.errors import QueryError
    from kb.search import search
    from kb.store import open_current

    try:
        with open_current(kb_root) as kb:
            result = search(
                kb, args.query, mode=args.mode, limit=args.limit, cursor=args.cursor,
                treaty=args.treaty, year=args.year, type=args.type, group=args.group,
            )
    except QueryError as exc:
        print(f"kelisim search: {exc.param}: {exc.message}", file=sys.stderr)
        return 2
    except KbUnavailable as exc:
        print(f"kelisim search: {exc}", file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(result)).decode("utf-8") + "\n")
        return 0
    bold = sys.stdout.isatty()
    shown = len(result.hits)
    print(f"{result.total} hit{'s' if result.total != 1 else ''}" + (f", showing {shown}" if shown < result.total else ""))
    for n, hit in enumerate(result.hits, 1):
        print()
        print(f"{n}. {hit.citation}")
        print(f"   score {hit.score:.3f} · {hit.treaty_id} · {hit.level}")
        print(f"   {_terminal_snippet(hit.snippet, bold)}")
    return 0


def _terminal_snippet(snippet: str, bold: bool) -> str:
    """The HTML snippet for a terminal: marks in bold on a tty, in [brackets] otherwise."""
    import html

    on, off = ("\033[1m", "\033[0m") if bold else ("[", "]")
    return html.unescape(snippet.replace("<mark>", on).replace("</mark>", off))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


COMMANDS = ("build", "check", "serve", "parse", "compare", "report", "schema", "lemmas", "search", "mcp")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = argv[0] if argv else None
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
    if getattr(args, "embedding", None):
        from kb.embedding import select_variant

        select_variant(args.embedding)
    if args.command == "parse":
        from api import parse_cmd

        return parse_cmd.run(args)
    if args.command == "lemmas":
        from ingest.kk.morphology import analyse

        for word in args.words:
            print("\t".join((word, *analyse(word))))
        return 0
    if args.command == "schema":
        import json

        from ingest.schema import parse_schema

        print(json.dumps(parse_schema(), ensure_ascii=False, indent=2))
        return 0
    kb_root = args.kb if args.kb is not None else default_kb_root()
    if args.command == "build":
        return _build(args.corpus, kb_root, args.quiet, vectors=not args.no_vectors, full=args.full)
    if args.command == "check":
        return _check(kb_root, args.version)
    if args.command == "serve":
        return _serve(args, kb_root)
    if args.command == "search":
        return _search(args, kb_root)
    if args.command in ("compare", "report"):
        from api import compare_cmd

        return compare_cmd.run(args, kb_root)
    if args.command == "mcp":  # stdout is the protocol's: nothing else may print there
        from api.mcp_server import run_stdio

        return run_stdio(kb_root, base_url=args.base_url)
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover - argparse guards


if __name__ == "__main__":
    sys.exit(main())
