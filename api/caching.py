"""Conditional GET keyed on the knowledge-base version: an ``ETag`` on every answer
that depends only on the version, and a ``304 Not Modified`` before any work is done
when the client already holds it.

Why this works: a version is immutable, so what a GET answers is a function of the
version, this kelisim's release, the path and query, and the ``Accept`` header (which
picks a report's format). The tag is a hash of exactly those, so it can be computed
*before* the handler runs: a revalidation costs a ``stat`` of ``CURRENT`` and a hash.
The middleware also pins the version it tagged for the handler (``scope["state"]``),
so a build swapped in mid-request cannot yield a body under another version's tag;
``X-Kelisim-Version`` names it on every answer. The pin is a lease
(``CurrentKnowledgeBase.acquire``): a version replaced mid-request is closed only once
its last answer has been sent.

Tags are weak (``W/``): a gzipped and a plain body of one answer are the same
representation to a cache, not the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kb.errors import KbUnavailable
from kb.store import CurrentKnowledgeBase, KnowledgeBase

STATE_KEY = "kelisim_kb"
CACHE_CONTROL = "public, max-age=0, must-revalidate"
"""A version may change at any moment, so a cache revalidates every time; with the
tag, that is a 304 without a body."""
UNCACHED = ("/health", "/mcp")
"""Paths whose answer is not a function of the version (liveness; a protocol session)."""


def etag(version: str, release: str, scope: Scope) -> str:
    headers = dict(scope.get("headers") or ())
    accept = headers.get(b"accept", b"")
    key = b"\x00".join((version.encode(), release.encode(), scope["path"].encode("utf-8", "surrogateescape"), scope.get("query_string", b""), accept))
    return 'W/"' + hashlib.sha256(key).hexdigest()[:32] + '"'


def _matches(header: bytes, tag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``tag`` (weak comparison, RFC 9110 13.1.2)."""
    wanted = tag.removeprefix("W/")
    for part in header.decode("latin-1").split(","):
        part = part.strip()
        if part == "*" or part.removeprefix("W/") == wanted:
            return True
    return False


def conditional_get(current: CurrentKnowledgeBase, release: str) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware factory Litestar's ``middleware=[...]`` takes."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def handle(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"].startswith(UNCACHED):
                await app(scope, receive, send)
                return
            try:
                kb = current.acquire()  # leased: not closed before this answer is sent, whatever builds run
            except KbUnavailable:
                await app(scope, receive, send)  # the handler answers the 503
                return
            try:
                await _answer(app, kb, scope, receive, send)
            finally:
                current.release(kb)

        async def _answer(app: ASGIApp, kb: KnowledgeBase, scope: Scope, receive: Receive, send: Send) -> None:
            state: dict[str, Any] = scope.setdefault("state", {})  # type: ignore[typeddict-item]
            state[STATE_KEY] = kb
            version_header = (b"x-kelisim-version", kb.version.encode("ascii"))
            cacheable = scope["method"] in ("GET", "HEAD")  # a POST's answer is pinned and named, not cached
            tag = etag(kb.version, release, scope)
            asked = dict(scope.get("headers") or ()).get(b"if-none-match")
            if cacheable and asked is not None and _matches(asked, tag):
                await send({
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", tag.encode()), (b"cache-control", CACHE_CONTROL.encode()), (b"vary", b"Accept"), version_header],
                })
                await send({"type": "http.response.body", "body": b""})
                return

            async def tagged(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers") or [])
                    headers.append(version_header)
                    if cacheable and message["status"] == 200:
                        headers += [(b"etag", tag.encode()), (b"cache-control", CACHE_CONTROL.encode()), (b"vary", b"Accept")]
                    message = {**message, "headers": headers}  # type: ignore[typeddict-item]
                await send(message)

            await app(scope, receive, tagged)

        return handle

    return middleware


def pinned(state: dict[str, Any]) -> KnowledgeBase | None:
    """The version the middleware tagged this request with (None when it did not)."""
    return state.get(STATE_KEY)


__all__ = ["CACHE_CONTROL", "conditional_get", "etag", "pinned"]
