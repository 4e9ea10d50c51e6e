"""HTTP throughput of the served API under 16 concurrent clients, on loopback.

It builds a knowledge base from ``corpus/`` into a temporary folder (with vectors, the
default build), starts the real app in a child process exactly as ``kelisim serve``
does (``api.app.create_app(kb_root, warm_model=True)`` under ``uvicorn.run`` on
127.0.0.1, a free port, access log on), and drives it from this process, so the load
generator and the server never share a GIL. Each scenario runs for a fixed time after
a short warm-up; every client holds one keep-alive connection and sends its next
request as soon as the previous answer is in. Per scenario it prints requests/s, p50
and p99 latency, the error count (a status other than 200, a timeout or a dropped
connection), and the throughput as a fraction of the baseline's:

- ``static``: the baseline, a constant 2-byte answer from a route the benchmark
  registers on the same app instance before serving it. The app has no static files
  of its own, and Litestar's static-file router would add a ``stat`` and a read in a
  worker thread per request, which no API route pays: the constant route is the least
  any route of this server costs (uvicorn's HTTP parsing, Litestar's routing,
  dependency-free handler, response), so a ratio says how much of a route's time is
  its own work;
- ``article``: ``GET /api/v1/treaties/{id}/articles/{num}`` over every article of the
  corpus (ids and numbers read from the API itself);
- ``keyword`` and ``hybrid``: ``GET /api/v1/search?q=…&mode=…`` over general
  Kazakh, Russian and English questions written for this benchmark (``QUERIES``).

Targets (issue 13) on this 2-core machine with 16 clients: article >= 500 req/s,
keyword >= 300 req/s, hybrid >= 100 req/s, no errors.

The client is a small asyncio HTTP/1.1 client over raw streams rather than httpx: at a
few thousand requests per second httpx's own per-request work would take a core the
server needs, and the figures would measure the client. The load generator's CPU use
is printed beside each scenario, so one can see it stayed well under a core. The run
is bounded: each scenario stops by itself after ``--seconds``, every request has a
timeout, the server gets ``--startup`` seconds to build and start and is stopped at
the end whatever happened.

    python bench/http_load.py [--seconds 10] [--clients 16] [--warmup 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STATIC_PATH = "/bench/static"
REQUEST_TIMEOUT = 30.0

QUERIES = [
    # Kazakh: words as a drafter types them, and whole questions
    "ақпаратпен алмасу тәртібі",
    "дауларды шешу",
    "келісімнің күшіне енуі",
    "келісімге өзгерістер енгізу",
    "тараптардың құзыретті органдары",
    "құпия ақпаратты қорғау",
    "шығыстарды кім көтереді",
    "келісімнің қолданылуын тоқтата тұру",
    "депозитарийдің міндеттері",
    "ынтымақтастықтың негізгі бағыттары",
    "келісім қандай тілдерде жасалды",
    "үшінші тарапқа ақпарат беру",
    # Russian
    "порядок разрешения споров между сторонами",
    "вступление соглашения в силу",
    "расходы на реализацию соглашения",
    "защита конфиденциальной информации",
    "выход из соглашения",
    "компетентные органы сторон",
    # English
    "settlement of disputes",
    "entry into force and termination",
    "exchange of information between the parties",
    "who bears the costs of cooperation",
    "amendments to the agreement",
    "protection of classified information",
]


@dataclass
class Tally:
    """What one scenario's clients saw."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def error(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what


# ---- the server (child process) ----------------------------------------------------


def serve(kb_root: Path, port: int) -> None:
    """Build the knowledge base, then serve it as ``kelisim serve`` does (``api.cli._serve``),
    with the baseline's constant route registered on the same app."""
    from litestar import MediaType, get

    from api.app import create_app
    from kb.build import build

    build(ROOT / "corpus", kb_root, progress=None, vectors=True)

    import uvicorn

    @get(STATIC_PATH, include_in_schema=False, media_type=MediaType.TEXT, sync_to_thread=False)
    def static() -> bytes:
        return b"ok"

    app = create_app(kb_root, warm_model=True)
    app.register(static)
    uvicorn.run(app, host=HOST, port=port, log_level="info")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(kb_root: Path, log: Path, startup: float) -> tuple[subprocess.Popen[bytes], int]:
    """The server in its own process (own GIL), answering ``/health`` with 200, or an exit."""
    port = free_port()
    return launch([sys.executable, __file__, "--serve", str(kb_root), "--port", str(port)], port, log, startup, "/health"), port


def launch(command: list[str], port: int, log: Path, startup: float, ready: str) -> subprocess.Popen[bytes]:
    """Start ``command`` (a server on ``port``) with this checkout on its path, and wait
    until ``ready`` answers 200; stop it and exit if it dies or takes over ``startup`` s."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{ready}", timeout=60) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"the server did not start within {startup:.0f} s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- the load generator (this process) ---------------------------------------------


def get_json(port: int, path: str) -> object:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=REQUEST_TIMEOUT) as r:
        return json.loads(r.read())


def article_paths(port: int) -> list[str]:
    """Every article of the served corpus, by the API's own list and exports."""
    paths = []
    for summary in get_json(port, "/api/v1/treaties?limit=500")["items"]:  # type: ignore[index]
        tid = summary["id"]
        treaty = get_json(port, f"/api/v1/treaties/{urllib.parse.quote(tid)}")
        for article in treaty["articles"]:  # type: ignore[index]
            paths.append(f"/api/v1/treaties/{urllib.parse.quote(tid)}/articles/{urllib.parse.quote(article['num'])}")
    return paths


def search_paths(mode: str) -> list[str]:
    return [f"/api/v1/search?{urllib.parse.urlencode({'q': q, 'mode': mode})}" for q in QUERIES]


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET; the status. Litestar answers with a Content-Length."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode("ascii"))
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise ValueError("no Content-Length")
    await reader.readexactly(length)
    return status


async def client(port: int, paths: list[str], start: int, until: float, record_from: float, tally: Tally) -> None:
    """One client: its own connection, the paths in turn from ``start``, until ``until``;
    only answers that started after ``record_from`` count (the warm-up's do not)."""
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    i = start
    while time.perf_counter() < until:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = await asyncio.open_connection(HOST, port)
            status = await asyncio.wait_for(fetch(*conn, path), REQUEST_TIMEOUT)
            error = "" if status == 200 else f"HTTP {status} for {path}"
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
            error = f"{type(exc).__name__} {exc} for {path}"
            if conn is not None:
                conn[1].close()
            conn = None
        t1 = time.perf_counter()
        if t0 >= record_from:
            if error:
                tally.error(error)
            else:
                tally.latencies.append(t1 - t0)
    if conn is not None:
        conn[1].close()


async def scenario(port: int, paths: list[str], clients: int, warmup: float, seconds: float) -> tuple[Tally, float]:
    """Run ``clients`` clients over ``paths``; the tally and the measured wall time."""
    tally = Tally()
    now = time.perf_counter()
    record_from, until = now + warmup, now + warmup + seconds
    step = max(1, len(paths) // clients)
    await asyncio.gather(*(client(port, paths, k * step, until, record_from, tally) for k in range(clients)))
    return tally, time.perf_counter() - record_from


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0, help="measured time per scenario")
    ap.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before each scenario")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--startup", type=float, default=600.0, help="seconds the server may take to build and start")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the child: build into this kb root and serve it
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve is not None:
        serve(args.serve, args.port)
        return

    tmp = Path(tempfile.mkdtemp(prefix="kelisim-http-load-"))
    proc = None
    try:
        print("building the knowledge base and starting the server ...", flush=True)
        t0 = time.perf_counter()
        proc, port = start_server(tmp / "kb", tmp / "server.log", args.startup)
        print(f"server up on {HOST}:{port} after {time.perf_counter() - t0:.0f} s (pid {proc.pid})")
        articles = article_paths(port)
        scenarios = [
            ("static", [STATIC_PATH]),
            ("article", articles),
            ("keyword", search_paths("keyword")),
            ("hybrid", search_paths("hybrid")),
        ]
        print(f"{args.clients} clients, keep-alive, {args.warmup:.0f} s warm-up + {args.seconds:.0f} s each; "
              f"{len(articles)} articles, {len(QUERIES)} queries\n")
        print(f"  {'scenario':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x static':>9} {'client cpu':>11}")
        baseline = None
        for name, paths in scenarios:
            cpu0 = cpu_seconds()
            tally, wall = asyncio.run(scenario(port, paths, args.clients, args.warmup, args.seconds))
            cpu = (cpu_seconds() - cpu0) / (wall + args.warmup)
            rate = len(tally.latencies) / wall
            baseline = baseline or rate
            p50, p99 = percentile(tally.latencies, 0.5) * 1000, percentile(tally.latencies, 0.99) * 1000
            print(f"  {name:<9} {rate:8.0f} {p50:8.1f} {p99:8.1f} {tally.errors:7d} {rate / baseline:9.2f} {cpu:10.0%}", flush=True)
            if tally.errors:
                print(f"            first error: {tally.first_error}")
        print("\ntargets: article >= 500 req/s, keyword >= 300 req/s, hybrid >= 100 req/s, 0 errors")
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
