"""The MCP server (``api.mcp_server``) through the SDK's own client, over both transports.

Each transport runs the same sequence an assistant would: initialize, tools/list (every
tool, each with an input schema whose parameters are described and read-only hints),
a call of every tool with real arguments whose items each carry a citation and a
reader link, refused arguments that come back as tool errors naming the parameter,
and the treaties as resources.

- stdio: ``python -m api.cli mcp --kb ROOT --base-url …`` as a subprocess, the way a
  desktop assistant launches ``kelisim mcp`` (links then absolute);
- streamable HTTP: ``create_app(ROOT)`` served by uvicorn on a free loopback port in a
  background thread, the client at ``/mcp`` (links then paths).

Both read ``vector_kb`` (corpus/ built with vectors, once per session), so searches
run in the hybrid mode and ``find_similar`` reads a whole clause by its meaning.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

if TYPE_CHECKING:
    from mcp import Client

    from kb.store import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
TREATY = "2017-kupiia-akparatty-ozara-korgau"
DISPUTE_CLAUSE = (
    "Осы Келісімнің ережелерін түсіндіру немесе қолдану кезінде туындайтын даулар Тараптардың құзыретті "
    "органдары арасындағы консультациялар мен келіссөздер арқылы шешіледі."
)

CALLS: list[tuple[str, dict[str, Any], str]] = [
    # (tool, arguments, the key of the answer's cited items)
    ("search_provisions", {"q": "құпия ақпаратқа", "limit": 3}, "hits"),
    ("get_article", {"treaty_id": TREATY, "num": "1"}, ""),
    ("get_definitions", {"term": "classified information"}, "items"),
    ("get_obligations", {"actor": "тарап", "modality": "obligation", "limit": 3}, "items"),
    ("compare_clauses", {"clause_type": "dispute_resolution", "baseline": TREATY, "draft": DISPUTE_CLAUSE}, "rows"),
    ("compare_concept", {"term": "құпия ақпарат"}, "rows"),
    ("find_similar", {"text": DISPUTE_CLAUSE, "limit": 3}, "hits"),
    ("list_treaties", {}, "treaties"),
]

BAD: list[tuple[str, dict[str, Any], str]] = [
    # (tool, arguments, the parameter the error must name)
    ("search_provisions", {"q": ""}, "q"),
    ("search_provisions", {"q": "ақпарат", "treaty": "no-such-treaty"}, "treaty"),
    ("get_article", {"treaty_id": "no-such-treaty", "num": "1"}, "treaty_id"),
    ("get_obligations", {"modality": "maybe"}, "modality"),
    ("get_obligations", {"clause_type": "no_such_type"}, "clause_type"),
    ("get_definitions", {"concept": "no such concept at all"}, "concept"),
    ("compare_concept", {"term": "no such concept at all"}, "term"),
    ("compare_clauses", {"clause_type": "no_such_type"}, "clause_type"),
    ("find_similar", {"text": "   "}, "text"),
]


async def exercise(client: Client, link_prefix: str) -> None:
    """The whole sequence on a connected ``client`` (initialize is its ``__aenter__``);
    every reader link must start with ``link_prefix``."""
    from api.mcp_server import TOOL_NAMES

    assert client.server_info is not None and client.server_info.name == "kelisim"

    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == set(TOOL_NAMES)
    for tool in tools.values():
        schema = tool.input_schema
        assert schema["type"] == "object", tool.name
        for name, prop in schema.get("properties", {}).items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
        hints = tool.annotations
        assert hints is not None and hints.read_only_hint is True and hints.destructive_hint is False
        assert hints.idempotent_hint is True and hints.open_world_hint is False
        assert tool.output_schema is not None, tool.name

    for name, arguments, key in CALLS:
        result = await client.call_tool(name, arguments)
        assert not result.is_error, (name, result.content)
        answer = result.structured_content
        items = answer[key] if key else [answer]
        assert items, (name, answer)
        for item in items:
            assert item["citation"].strip(), (name, item)
            assert item["url"].startswith(f"{link_prefix}/treaties/"), (name, item["url"])
        if name == "get_definitions":
            assert {i["term"] for i in items} == {"құпия ақпарат"}
        if name == "compare_clauses":
            assert answer["draft"]["changes"]
        if name == "find_similar":
            assert "dispute_resolution" in answer["draft_types"]
            assert any("dispute_resolution" in hit["same_type"] for hit in items)

    for name, arguments, param in BAD:
        result = await client.call_tool(name, arguments)
        assert result.is_error, (name, arguments, result.structured_content)
        message = result.content[0].text  # type: ignore[union-attr]
        # kb's refusals as "<tool>: <param>: <why>", the SDK's schema validation as pydantic's "\n<param>\n  <why>"
        assert f"tool {name}: {param}: " in message or f"\n{param}\n" in message, (name, message)

    listed = {r.uri for r in (await client.list_resources()).resources}
    assert f"treaty://{TREATY}" in listed and len(listed) == 5
    templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
    assert templates == ["treaty://{treaty_id}"]
    page = (await client.read_resource(f"treaty://{TREATY}")).contents[0]
    assert page.mime_type == "text/markdown"
    text = page.text  # type: ignore[union-attr]
    assert text.startswith("# ") and "- parties:" in text and f"({link_prefix}/treaties/{TREATY}#art-1)" in text


@pytest.fixture(scope="module")
def kb_root(vector_kb: KnowledgeBase) -> Path:
    return vector_kb.path.parent.parent


@pytest.fixture(autouse=True)
def _no_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KELISIM_BASE_URL", raising=False)


def test_stdio_transport(kb_root: Path) -> None:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    env = {k: v for k, v in os.environ.items() if k != "KELISIM_BASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "api.cli", "mcp", "--kb", str(kb_root), "--base-url", "https://kelisim.test/"],
        env=env,
        cwd=REPO,
    )

    async def main() -> None:
        with anyio.fail_after(240):
            async with Client(params, mode="legacy") as client:
                await exercise(client, "https://kelisim.test")

    anyio.run(main)


@pytest.fixture(scope="module")
def served_app(kb_root: Path) -> Iterator[str]:
    """``create_app(kb_root)`` served by uvicorn on a free loopback port: its base URL."""
    import uvicorn

    from api.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(kb_root), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="mcp-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "uvicorn did not stop"


def test_streamable_http_transport(served_app: str) -> None:
    from mcp import Client

    async def main() -> None:
        with anyio.fail_after(240):
            async with Client(f"{served_app}/mcp", mode="legacy") as client:
                await exercise(client, "")

    anyio.run(main)


def test_http_accepts_localhost_and_refuses_a_foreign_host(served_app: str) -> None:
    """DNS-rebinding protection: a loopback Host (127.0.0.1 or localhost, any port) is
    served, another Host is refused before any tool runs; /mcp stays out of the schema."""
    import httpx

    port = served_app.rsplit(":", 1)[1]
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}'
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}
    ok = httpx.post(f"http://localhost:{port}/mcp", headers=headers, content=body, timeout=30)
    assert ok.status_code == 200 and "search_provisions" in ok.text
    refused = httpx.post(f"{served_app}/mcp", headers={**headers, "host": "attacker.example"}, content=body, timeout=30)
    assert refused.status_code == 421
    schema = httpx.get(f"{served_app}/schema/openapi.json", timeout=30).json()
    assert not [p for p in schema["paths"] if p.startswith("/mcp")]


def test_stdio_writes_nothing_but_the_protocol(kb_root: Path) -> None:
    """Every line ``kelisim mcp`` writes to stdout is a JSON-RPC message: a desktop
    assistant reads stdout as the protocol, and one stray line breaks it."""
    import json
    import queue
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "mcp", "--kb", str(kb_root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO, env=env, text=True, encoding="utf-8",
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "list_treaties", "arguments": {}}},
    ]
    try:
        proc.stdin.write("".join(json.dumps(r) + "\n" for r in requests))
        proc.stdin.flush()
        seen: list[dict[str, Any]] = []
        while not any(m.get("id") == 2 for m in seen):
            seen.append(json.loads(lines.get(timeout=120)))  # a line that is not JSON fails here
        assert all(m["jsonrpc"] == "2.0" for m in seen)
        answer = next(m for m in seen if m.get("id") == 2)["result"]
        assert not answer.get("isError") and len(answer["structuredContent"]["treaties"]) == 5
    finally:
        proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    while not lines.empty():
        json.loads(lines.get())
