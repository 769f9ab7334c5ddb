"""The API fuzzed from its own OpenAPI document (issue #26 item 3): schemathesis generates requests for
every operation (the document's examples first: ``latest``, ``fisheries``; then generated values, bounded
per operation so the run stays short) and fails on a server error or an answer the document does not
describe: an undocumented status or content type, or a body that breaks its schema.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from web.api import api_routes

# No rate limit here: the fuzzer sends hundreds of requests from one address on purpose.
APP = Starlette(routes=api_routes(requests_per_minute=None))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_document_says(case):
    case.call_and_validate(checks=CHECKS)
