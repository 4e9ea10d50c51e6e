"""OpenAPI details Litestar cannot infer on its own.

``Span`` is an ``array_like`` msgspec Struct: it travels as ``[start, end]``, but
Litestar's generic Struct support would describe it as an object with two keys. This
plugin tells the schema the truth, so clients generated from ``/schema`` decode it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Litestar
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Schema,
)
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from ingest.model import Span


class SpanSchemaPlugin(OpenAPISchemaPlugin):
    """``Span`` → ``[start, end]``, two integers, a half-open range into ``Treaty.text``."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Span

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.INTEGER, minimum=0),
            min_items=2,
            max_items=2,
            title="Span",
            description="Half-open character range [start, end) into the treaty's repaired text.",
        )


def document_formats(app: Litestar, paths: Sequence[str], media: Mapping[str, str]) -> None:
    """Say in the schema what a route that answers in several formats gives: a JSON
    object, or the bytes of a report (Markdown, HTML, PDF, DOCX, CSV, XLSX). Litestar
    can only describe such a route's ``Response[bytes]`` as one string, which a JSON
    answer would violate; the document is generated once, so it is amended in place."""
    document = app.openapi_schema
    for path in paths:
        item = (document.paths or {}).get(path)
        operation = item.get if item is not None else None
        if operation is None or operation.responses is None or "200" not in operation.responses:
            raise ValueError(f"no GET {path} to document")
        answer = operation.responses["200"]
        assert isinstance(answer, OpenAPIResponse)
        answer.content = {
            value.split(";")[0]: OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.OBJECT) if name == "json" else Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )
            for name, value in media.items()
        }
