"""Keyset pagination for every list the knowledge base answers.

A cursor names the last key handed out (a small JSON array: a score and a rowid for a
search, a treaty's place and a row's for a list) and is bound to a *fingerprint* of
what was asked (the query, its filters, the knowledge-base version), so a cursor can
be replayed neither against another question nor against a rebuilt knowledge base:
the next page is "the rows after this key", never "skip N rows", and stays right
however deep a client pages. A cursor is opaque to clients (base64 of JSON) and is
checked on the way back in; anything altered is a ``QueryError`` naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import msgspec

from kb.errors import QueryError

MAX_CURSOR = 256
FORMAT = 1
DEFAULT_PAGE = 50
MAX_PAGE = 500

Key = tuple[int | str, ...]
T = TypeVar("T")
R = TypeVar("R")


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """One page of a list: the version it was read from, how many items the whole
    list holds, this page's items, and the cursor of the next page (None on the last)."""

    version: str
    total: int
    items: tuple[T, ...]
    next_cursor: str | None


def fingerprint(*parts: object) -> str:
    """A short hash of what a list was asked for (its version, filters, order)."""
    data = repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:16]


def encode_cursor(fp: str, key: Sequence[int | str]) -> str:
    """The cursor that resumes after ``key`` in the list fingerprinted ``fp``."""
    raw = json.dumps([FORMAT, fp, *key], separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: object, fp: str, shape: Sequence[type]) -> Key:
    """The key a cursor resumes after, checked against the list's fingerprint ``fp``
    and the key's ``shape`` (the type of each part)."""
    bad = QueryError("cursor is not one this list handed out (altered, or from another query)", "cursor")
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR:
        raise bad
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(decoded, list) or len(decoded) != 2 + len(shape) or decoded[0] != FORMAT:
        raise bad
    if not isinstance(decoded[1], str):
        raise bad
    key = decoded[2:]
    if any(type(part) is not kind for part, kind in zip(key, shape, strict=True)):
        raise bad
    if decoded[1] != fp:
        raise QueryError(
            "cursor belongs to another query or knowledge-base version: ask again without it", "cursor"
        )
    return tuple(key)


def page_size(limit: object, default: int = DEFAULT_PAGE, maximum: int = MAX_PAGE) -> int:
    """``limit`` as a page size (a whole number from 1 to ``maximum``; None: ``default``)."""
    if limit is None:
        return default
    if isinstance(limit, bool):
        raise QueryError("limit must be a whole number", "limit")
    if isinstance(limit, str):
        text = limit.strip()
        if not re.fullmatch(r"\d{1,6}", text):
            raise QueryError(f"limit must be a whole number from 1 to {maximum}, not {limit[:20]!r}", "limit")
        limit = int(text)
    if not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise QueryError(f"limit must be from 1 to {maximum}, not {limit!r}", "limit")
    return limit


def paginate(
    version: str,
    rows: Sequence[tuple[Key, R]],
    fp: str,
    cursor: str | None,
    limit: object,
    shape: Sequence[type],
    make: Callable[[R], T],
) -> Page[T]:
    """One page of ``rows`` (each ``(key, row)``, in ascending key order): the rows
    after the cursor's key, ``limit`` of them, each made into its item by ``make``
    only then, so a filter over a large list builds fifty items, not all of them."""
    size = page_size(limit)
    start = 0
    if cursor is not None:
        start = bisect_right(rows, decode_cursor(cursor, fp, shape), key=lambda row: row[0])
    chosen = rows[start : start + size]
    more = start + size < len(rows)
    return Page(
        version=version,
        items=tuple(make(row) for _, row in chosen),
        total=len(rows),
        next_cursor=encode_cursor(fp, chosen[-1][0]) if chosen and more else None,
    )


__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "Page", "decode_cursor", "encode_cursor", "fingerprint", "page_size", "paginate"]
