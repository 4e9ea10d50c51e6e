"""A cold ``kelisim search --mode hybrid`` from the command line: the whole process.

What a user waits for when they type one search: Python starting, the imports, the
knowledge base opened, the query analysed and embedded, the hits printed. Runs
``python -m api.cli search --mode hybrid QUERY`` ``--runs`` times as a subprocess and
prints the median and p90 of the wall clock, for this tree and for the tree of
``--baseline`` (a commit before issue 14: the query embedded by the torch model's
trace, spaCy and torch imported on the way), alternating the two so that both see the
same load on the machine. Each tree searches a knowledge base built from ``corpus/``
with vectors by its own code (in a temporary folder, or ``--keep``), so that a change
of the knowledge base's format cannot fail the other tree.

    python bench/cold_search.py [--runs 10] [--query "…"] [--baseline REV] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "9244ada"
"""The last commit before the query path was made light (issue 14)."""


def export_tree(rev: str, into: Path) -> Path:
    """The files of commit ``rev`` of this repository, written into ``into``."""
    if not (into / "api").is_dir():
        data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=BytesIO(data)) as tar:
            tar.extractall(into, filter="data")
    return into


def cli(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=tree, env=env, check=True,
                          capture_output=True, text=True)


def build_kb(tree: Path, kb: Path) -> Path:
    if not (kb / "CURRENT").is_file():
        t0 = time.perf_counter()
        cli(tree, "build", "--corpus", str(ROOT / "corpus"), "--kb", str(kb), "-q")
        print(f"built {kb} with {tree}'s code in {time.perf_counter() - t0:.1f} s")
    return kb


def one_search(tree: Path, kb: Path, query: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = cli(tree, "search", "--kb", str(kb), "--mode", "hybrid", query).stdout
    return time.perf_counter() - t0, out


def citations(out: str) -> list[str]:
    """The hits' citation lines of a search's output, in order."""
    return [line for line in out.splitlines() if line[:1].isdigit() and ". " in line]


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):5.2f} s  p90 {p90:5.2f} s  min {ordered[0]:5.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--query", default="дауларды шешу тәртібі")
    ap.add_argument("--baseline", default=BASELINE, help="commit of the previous path (default: %(default)s)")
    ap.add_argument("--keep", type=Path, help="a folder to build the trees' knowledge bases in, or reuse them from")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kelisim-cold-"))
    folder.mkdir(parents=True, exist_ok=True)
    trees = {"this tree": ROOT, f"baseline {args.baseline}": export_tree(args.baseline, folder / "baseline-tree")}
    kbs = {name: build_kb(tree, folder / f"kb-{i}") for i, (name, tree) in enumerate(trees.items())}
    outputs = {name: one_search(tree, kbs[name], args.query)[1] for name, tree in trees.items()}  # warm the disk cache
    times: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            times[name].append(one_search(tree, kbs[name], args.query)[0])
    print(f"\ncold `kelisim search --mode hybrid {args.query!r}`, {args.runs} runs each, whole process:")
    for name in trees:
        print(f"  {name:<22} {summary(times[name])}")
    new, old = (statistics.median(t) for t in times.values())
    print(f"  ratio baseline / this tree: {old / new:.1f}x   target: median <= 1.5 s")
    same = citations(outputs["this tree"]) == citations(outputs[f"baseline {args.baseline}"])
    print(f"  the same hits in the same order: {'yes' if same else 'no'}")


if __name__ == "__main__":
    main()
