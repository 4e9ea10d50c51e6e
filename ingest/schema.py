"""The JSON Schema of the parse export, generated from the models themselves.

``docs/parse.schema.json`` is this function's output, committed; a test fails when
the models change and the committed schema was not regenerated
(``kelisim schema > docs/parse.schema.json``).

A description is a model's docstring, and how msgspec lays one out is msgspec's
business (0.23 started dedenting them): ``parse_schema`` writes every description
dedented (``inspect.cleandoc``) whatever msgspec did, and the tests compare schemas
through ``comparable``, which also reduces each description to its words, so a
library that reflows docstrings does not fail them while a changed model does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import msgspec

from ingest.model import ParseExport


def parse_schema() -> dict[str, Any]:
    schema = msgspec.json.schema(ParseExport)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kelisim parse export"
    schema["description"] = "The output of `kelisim parse PATH... --format json`; see docs/parse-json.md."
    return _map_descriptions(schema, inspect.cleandoc)


def comparable(schema: Any) -> Any:
    """``schema`` with each description reduced to its words (dedented, whitespace
    runs collapsed to one space): what two schemas are compared by, so that only the
    docstrings' formatting may differ between them."""
    return _map_descriptions(schema, lambda text: " ".join(inspect.cleandoc(text).split()))


def _map_descriptions(node: Any, fix: Callable[[str], str]) -> Any:
    # "description" as a JSON Schema keyword (a string), not a property named so
    if isinstance(node, dict):
        return {k: fix(v) if k == "description" and isinstance(v, str) else _map_descriptions(v, fix) for k, v in node.items()}
    if isinstance(node, list):
        return [_map_descriptions(v, fix) for v in node]
    return node
