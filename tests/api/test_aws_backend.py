"""The same app over the AWS backend (S3, DynamoDB, SQS on a moto server): jobs are
submitted and listed the same way, and artifact links are presigned S3 URLs."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.api import create_app
from shared.backends import Backend
from shared.pipeline import stage_names
from shared.settings import ApiSettings, Settings
from tests.api.conftest import API_KEY, AUTH


@pytest.fixture
def aws_api(aws_settings: Settings, aws_backend: Backend) -> Iterator[TestClient]:
    configured = aws_settings.model_copy(update={"api": ApiSettings(keys=[API_KEY])})
    with TestClient(create_app(configured, aws_backend), headers=AUTH) as client:
        yield client


def test_a_job_on_aws_reads_back_with_presigned_links(
    aws_api: TestClient, aws_backend: Backend, moto_endpoint: str
) -> None:
    created = aws_api.post("/jobs", json={"plot": "A quiet plot.", "director": "Jane Doe"})
    assert created.status_code == 202, created.text
    job_id = created.json()["job_id"]
    assert aws_backend.queue(stage_names()[0]).depth() == 1

    view = aws_api.get(f"/jobs/{job_id}").json()
    assert view["status"] == "queued"
    link = view["artifacts"]["request"]["url"]
    assert link.startswith(moto_endpoint)
    assert "Signature" in link
    with urllib.request.urlopen(link, timeout=10) as reply:
        assert json.loads(reply.read())["director"] == "Jane Doe"

    # The API's own artifact route sends the caller on to the presigned URL.
    redirect = aws_api.get(f"/jobs/{job_id}/artifacts/request", follow_redirects=False)
    assert redirect.status_code == 307
    assert redirect.headers["location"].startswith(moto_endpoint)

    listed = aws_api.get("/jobs?status=queued").json()["jobs"]
    assert [job["job_id"] for job in listed] == [job_id]
    assert aws_api.get("/jobs/0123456789abcdef0123456789abcdef").status_code == 404
