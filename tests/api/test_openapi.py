"""The OpenAPI schema is served and true: schemathesis fuzzes every operation against
the app, with valid and invalid input, and no answer may be a 5xx or stray from the
schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import jobs
from shared.backends import Backend
from shared.contracts import JobRequest
from shared.submit import submit
from tests.api.conftest import AUTH

#: Enough to find the shapes that break a handler, few enough to run in seconds.
EXAMPLES_PER_OPERATION = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_schema_is_served_without_a_key(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["APIKeyHeader"]["description"],
    }
    body = schema["paths"]["/jobs"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/JobRequest"}
    job_request = schema["components"]["schemas"]["JobRequest"]
    assert set(job_request["required"]) == {"plot", "director"}
    # Every $ref points at a component that exists.
    for name in _refs(schema):
        assert name in schema["components"]["schemas"], name


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


@pytest.fixture
def finished_job(local_backend: Backend) -> str:
    """A job that failed at once: its event stream ends instead of following it."""
    record = submit(local_backend, JobRequest(plot="A finished plot.", director="Jane Doe"))
    jobs.apply(local_backend.jobs, record.job_id, jobs.fail("script", "made to fail"))
    return record.job_id


@pytest.mark.parametrize(
    ("mode", "on_a_real_job"),
    [
        (GenerationMode.POSITIVE, False),
        (GenerationMode.NEGATIVE, False),
        (GenerationMode.POSITIVE, True),
    ],
    ids=["valid", "invalid", "valid-on-a-real-job"],
)
def test_no_input_makes_the_api_fail_or_stray_from_its_schema(
    app: FastAPI, finished_job: str, mode: GenerationMode, on_a_real_job: bool
) -> None:
    """Every operation, a few dozen generated requests each, with the key. (schemathesis'
    own pytest parametrisation cannot load a schema from a fixture under pytest 9, so
    the operations are walked here.) Random job ids name no job and get a quick 404;
    the third pass aims at a real, finished job so the 200 answers are checked too."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    paths = app.openapi()["paths"]
    for operation in operations:
        definition = paths[operation.path][operation.method.lower()]
        if mode == GenerationMode.NEGATIVE and not (
            definition.get("parameters") or definition.get("requestBody")
        ):
            continue  # nothing in the request to make invalid (the health check)
        fixed = {"job_id": finished_job} if on_a_real_job else {}
        if on_a_real_job and "{job_id}" not in operation.path:
            continue

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=AUTH, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:
            exc.add_note(f"operation: {operation.label} ({mode.value} input)")
            raise
