"""OpenAPI details Litestar cannot infer on its own.

``Span`` is an ``array_like`` msgspec Struct: it travels as ``[start, end]``, but
Litestar's generic Struct support would describe it as an object with two keys. This
plugin tells the schema the truth, so clients generated from ``/schema`` decode it.
"""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import OpenAPIType, Schema
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
