"""Scale: build and serve figures at 5, 500 and 5,000 treaties (issue 14).

For each size it builds, in a fresh child process each time (so peak memory is the
build's own), a knowledge base with vectors from a corpus of that many treaties, then:

- **cold build**: a new kb root, everything parsed and written (``incremental=False``),
  vectors through the shared embedding cache (warm after the first size: the synthetic
  treaties recombine the seeds' articles, so the cache holds their vectors and the
  figure is the build's own work, not the model's — ``bench/embed_speed.py`` measures
  the model);
- **add one treaty**: one more source file, an incremental build of the same root: its
  time as a share of the cold build's, and the bytes it wrote as a share of the first
  version's (``BuildResult.reuse``);
- **size per article**: the version folder, and the keyword index within it (the
  segments' postings and the provisions' stored tokens, by SQLite's ``dbstat``);
- **serving**: ``kelisim serve --no-build`` in its own process: memory (RSS) once
  warm and after the load; keyword and hybrid p50/p99 over HTTP with 16 keep-alive
  clients (``bench/http_load.py``'s client) for ``--seconds`` each; at 500 treaties
  also two server processes side by side (clients split between them) against one.

The 5-treaty corpus is ``corpus/``; the others are ``bench/latency.py``'s synthetic
corpora (titles, preambles and 17 articles drawn from the seeds). Loopback only; every
server is stopped at the end.

    python bench/scale.py [--sizes 5,500,5000] [--seconds 8] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from http_load import (  # noqa: E402
    HOST,
    QUERIES,
    Tally,
    client,
    free_port,
    launch,
    percentile,
    stop_server,
)
from latency import folder_size, synthetic_corpus  # noqa: E402

CLIENTS = 16


# -- builds, each in a fresh child ------------------------------------------------------


def _build_child(corpus: str, root: str, incremental: bool, out: Connection) -> None:
    from kb.build import build

    t0 = time.perf_counter()
    result = build(Path(corpus), Path(root), progress=None, vectors=True, incremental=incremental)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send({
        "seconds": seconds, "peak_mb": peak, "counts": dict(result.counts), "path": str(result.path),
        "bytes_written": result.reuse.bytes_written, "parsed": result.reuse.parsed_sources,
        "segments_kept": result.reuse.segments_kept,
    })
    out.close()


def measured_build(corpus: Path, root: Path, incremental: bool) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")  # a fork of a process running torch threads can hang
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_build_child, args=(str(corpus), str(root), incremental, send))
    child.start()
    result = receive.recv()
    child.join()
    return result  # type: ignore[no-any-return]


def keyword_index_bytes(version: Path) -> tuple[int, int]:
    """(postings, stored tokens) in bytes over the version's segments."""
    import sqlite3

    postings = tokens = 0
    for segment in sorted((version / "segments").glob("*.sqlite")):
        conn = sqlite3.connect(f"{segment.as_uri()}?mode=ro", uri=True)
        try:
            postings += conn.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = 'lexical'").fetchone()[0]
            tokens += conn.execute("SELECT coalesce(sum(length(CAST(tokens AS BLOB))), 0) FROM provisions").fetchone()[0]
        finally:
            conn.close()
    return postings, tokens


# -- serving -------------------------------------------------------------------------------


def start_server(kb_root: Path, log: Path, startup: float = 900.0) -> tuple[subprocess.Popen[bytes], int]:
    """``kelisim serve --no-build`` in its own process, ready once a hybrid search
    answers (the model and the tables loaded)."""
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--no-build", "--kb", str(kb_root), "--host", HOST, "--port", str(port)]
    return launch(command, port, log, startup, "/api/v1/search?q=%D0%B0%D2%9B%D0%BF%D0%B0%D1%80%D0%B0%D1%82&mode=hybrid"), port


def rss_mb(pid: int) -> float:
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


async def _load(ports: list[int], paths: list[str], seconds: float, warmup: float = 2.0) -> tuple[Tally, float]:
    tally = Tally()
    now = time.perf_counter()
    record_from, until = now + warmup, now + warmup + seconds
    step = max(1, len(paths) // CLIENTS)
    await asyncio.gather(*(client(ports[k % len(ports)], paths, k * step, until, record_from, tally) for k in range(CLIENTS)))
    return tally, time.perf_counter() - record_from


def load(ports: list[int], mode: str, seconds: float) -> dict[str, float]:
    paths = [f"/api/v1/search?{urllib.parse.urlencode({'q': q, 'mode': mode})}" for q in QUERIES]
    tally, wall = asyncio.run(_load(ports, paths, seconds))
    return {
        "rps": len(tally.latencies) / wall,
        "p50": percentile(tally.latencies, 0.5) * 1000,
        "p99": percentile(tally.latencies, 0.99) * 1000,
        "errors": tally.errors,
    }


# -- one size ---------------------------------------------------------------------------------


def corpus_of(size: int, folder: Path) -> tuple[Path, Path]:
    """A corpus of ``size`` treaties, and one more treaty file kept aside for the
    incremental step."""
    corpus = folder / "corpus"
    extra = folder / "extra"
    extra.mkdir(parents=True)
    if size == 5:
        shutil.copytree(ROOT / "corpus", corpus)
        synthetic_corpus(folder / "one", 1)
        shutil.move(str(folder / "one" / "syn_0000.txt"), extra / "syn_new.txt")
    else:
        synthetic_corpus(corpus, size + 1)
        shutil.move(str(corpus / f"syn_{size:04d}.txt"), extra / f"syn_{size:04d}.txt")
    return corpus, next(extra.iterdir())


def measure(size: int, folder: Path, seconds: float, side_by_side: bool) -> dict[str, Any]:
    corpus, extra = corpus_of(size, folder)
    root = folder / "kb"
    cold = measured_build(corpus, root, incremental=False)
    shutil.copy(extra, corpus / extra.name)
    incremental = measured_build(corpus, root, incremental=True)
    articles = incremental["counts"]["articles"]
    version = Path(incremental["path"])
    postings, tokens = keyword_index_bytes(version)
    out: dict[str, Any] = {
        "treaties": incremental["counts"]["treaties"],
        "articles": articles,
        "cold_s": cold["seconds"],
        "cold_peak_mb": cold["peak_mb"],
        "add_one_s": incremental["seconds"],
        "add_one_share": incremental["seconds"] / cold["seconds"],
        "new_bytes_share": incremental["bytes_written"] / cold["bytes_written"],
        "folder_kb_per_article": folder_size(version) / articles / 1024,
        "keyword_kb_per_article": (postings + tokens) / articles / 1024,
        "postings_kb_per_article": postings / articles / 1024,
    }
    proc, port = start_server(root, folder / "server.log")
    try:
        out["serve_rss_warm_mb"] = rss_mb(proc.pid)
        for mode in ("keyword", "hybrid"):
            out[mode] = load([port], mode, seconds)
        out["serve_rss_after_mb"] = rss_mb(proc.pid)
        if side_by_side:
            second, port2 = start_server(root, folder / "server2.log")
            try:
                out["two_processes"] = {mode: load([port, port2], mode, seconds) for mode in ("keyword", "hybrid")}
                out["two_processes_rss_mb"] = rss_mb(proc.pid) + rss_mb(second.pid)
            finally:
                stop_server(second)
    finally:
        stop_server(proc)
    return out


def report(size: int, m: dict[str, Any]) -> None:
    print(f"\n{size} treaties ({m['treaties']} after adding one, {m['articles']} articles)")
    print(f"  cold build            {m['cold_s']:8.1f} s   peak memory {m['cold_peak_mb']:.0f} MB")
    print(f"  add one treaty        {m['add_one_s']:8.1f} s   = {m['add_one_share']:.1%} of the cold build;"
          f" new bytes {m['new_bytes_share']:.1%} of the first version's")
    print(f"  version folder        {m['folder_kb_per_article']:8.1f} KB per article;"
          f" keyword index {m['keyword_kb_per_article']:.2f} KB per article (postings {m['postings_kb_per_article']:.2f})")
    print(f"  serving memory        {m['serve_rss_warm_mb']:8.0f} MB warm, {m['serve_rss_after_mb']:.0f} MB after the load")
    for mode in ("keyword", "hybrid"):
        r = m[mode]
        print(f"  {mode:<8} 1 process   {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms   errors {r['errors']}")
    if "two_processes" in m:
        for mode in ("keyword", "hybrid"):
            r = m["two_processes"][mode]
            print(f"  {mode:<8} 2 processes {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms   errors {r['errors']}"
                  f"   x{r['rps'] / m[mode]['rps']:.2f} of one")
        print(f"  two processes' memory {m['two_processes_rss_mb']:8.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5,500,5000")
    ap.add_argument("--seconds", type=float, default=8.0, help="measured seconds per load scenario")
    ap.add_argument("--side-by-side", type=int, default=500, help="the size at which two server processes are measured")
    ap.add_argument("--keep", type=Path, help="work here and keep the knowledge bases (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kelisim-scale-"))
    figures: dict[int, dict[str, Any]] = {}
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            t0 = time.perf_counter()
            figures[size] = measure(size, work / str(size), args.seconds, size == args.side_by_side)
            report(size, figures[size])
            print(f"  (this size took {time.perf_counter() - t0:.0f} s in all)", flush=True)
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if len(figures) > 1:
        sizes = sorted(figures)
        print("\ncurves (per size): " + ", ".join(
            f"{s}: build {figures[s]['cold_s']:.0f} s, {figures[s]['folder_kb_per_article']:.1f} KB/article,"
            f" serve {figures[s]['serve_rss_after_mb']:.0f} MB, keyword p99 {figures[s]['keyword']['p99']:.0f} ms"
            for s in sizes))
        print(f"median add-one share: {statistics.median(f['add_one_share'] for f in figures.values()):.1%}")


if __name__ == "__main__":
    main()
