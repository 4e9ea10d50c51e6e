"""The JSON Schema of the parse export, generated from the models themselves.

``docs/parse.schema.json`` is this function's output, committed; a test fails when
the models change and the committed schema was not regenerated
(``kelisim schema > docs/parse.schema.json``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from ingest.model import ParseExport


def parse_schema() -> dict[str, Any]:
    schema = msgspec.json.schema(ParseExport)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kelisim parse export"
    schema["description"] = "The output of `kelisim parse PATH... --format json`; see docs/parse-json.md."
    return schema
