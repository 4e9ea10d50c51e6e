"""The whole OpenAPI schema fuzzed against the app (schemathesis): every documented
operation is called with generated parameters and bodies, and every answer must be
no 5xx, a documented status code and content type, and a body matching its documented
schema (problem details included).

Left out on purpose: schemathesis's "positive data accepted" check. A parameter's
schema says it is a string; whether that string names a treaty of this knowledge
base, or is a cursor this API handed out, no schema can say, so a schema-valid value
is rightly refused with a 400 naming it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


KB_ROOT = Path(tempfile.mkdtemp(prefix="kelisim-fuzz-")) / "kb"
"""The app is made at import, so that each operation is a test of its own; it serves
whatever this folder holds, which the fixture below points at the session's
knowledge base (the schema does not depend on it)."""
APP = create_app(KB_ROOT)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def served(real_kb_root: Path) -> Iterator[None]:
    KB_ROOT.mkdir(parents=True, exist_ok=True)
    (KB_ROOT / "versions").symlink_to(real_kb_root / "versions", target_is_directory=True)
    shutil.copy(real_kb_root / "CURRENT", KB_ROOT / "CURRENT")
    yield
    shutil.rmtree(KB_ROOT.parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
