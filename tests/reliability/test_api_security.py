"""Who gets in, on both backends: every route but the health check needs the key; a
job's artifacts cannot be had by guessing another id (ids are 128 random bits) or by
replaying one job's link for another; links expire (presigned S3 URLs carry their
lifetime; the API's own signed links stop working when it is over)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from services.api import create_app
from services.api.links import EXPIRY_STEP_SECONDS, LinkSigner
from shared import jobs
from shared.contracts import JOB_ID_PATTERN, JobRecord, new_job_id
from shared.settings import ApiSettings
from shared.submit import submit
from tests.reliability.harness import Env, plot_request

API_KEY = "security-key-0123456789"
LINK_SECONDS = 600
OPEN_ROUTES = {("GET", "/healthz")}


@pytest.fixture
def app(env: Env):
    settings = env.settings.model_copy(
        update={"api": ApiSettings(keys=[API_KEY], link_seconds=LINK_SECONDS)}
    )
    return create_app(settings, env.backend)


@pytest.fixture
def anonymous(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def authed(app) -> TestClient:
    return TestClient(app, headers={"X-API-Key": API_KEY}, raise_server_exceptions=False)


def job_with_movie(env: Env) -> JobRecord:
    record = submit(env.backend, plot_request())
    key = f"jobs/{record.job_id}/movie.mp4"
    env.backend.blobs.put(key, f"the film of {record.job_id}".encode())

    def add(current: JobRecord) -> JobRecord:
        updated = current.model_copy(deep=True)
        updated.artifacts["movie"] = key
        return updated

    return jobs.apply(env.backend.jobs, record.job_id, add)


def test_every_route_but_health_refuses_a_request_without_the_key(
    env: Env, app, anonymous: TestClient
) -> None:
    job = job_with_movie(env)
    routes = [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(routes) >= 7
    for method, path in routes:
        concrete = path.replace("{job_id}", job.job_id).replace("{name}", "movie")
        for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": API_KEY.upper()}):
            response = anonymous.request(method, concrete, headers=headers, json={})
            if (method, path) in OPEN_ROUTES:
                assert response.status_code == 200
            else:
                assert response.status_code == 401, (method, path, headers)


def test_job_ids_are_128_random_bits_never_repeated() -> None:
    ids = [new_job_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(JOB_ID_PATTERN.match(job_id) for job_id in ids)
    # Every hex digit at every position: no counter, clock or fixed part in the id.
    for position in range(32):
        assert len({job_id[position] for job_id in ids[:2000]}) == 16, position


def test_guessed_ids_find_no_job_and_no_artifact(env: Env, authed: TestClient) -> None:
    real = job_with_movie(env)
    for _ in range(200):
        guess = new_job_id()
        assert authed.get(f"/jobs/{guess}").status_code == 404
        response = authed.get(f"/jobs/{guess}/artifacts/movie", follow_redirects=False)
        assert response.status_code == 404
    assert authed.get(f"/jobs/{real.job_id}").status_code == 200


def test_one_jobs_link_opens_only_that_jobs_artifact(
    env: Env, authed: TestClient, anonymous: TestClient
) -> None:
    first, second = job_with_movie(env), job_with_movie(env)
    link = authed.get(f"/jobs/{first.job_id}").json()["artifacts"]["movie"]["url"]
    if env.kind == "local":
        assert anonymous.get(link).content == f"the film of {first.job_id}".encode()
        # The same signature on the other job's path opens nothing.
        replayed = link.replace(first.job_id, second.job_id)
        assert anonymous.get(replayed).status_code == 401
    else:
        assert httpx.get(link).content == f"the film of {first.job_id}".encode()
        assert f"/jobs/{first.job_id}/movie.mp4" in urlparse(link).path


@pytest.mark.parametrize("env", ["aws"], indirect=True)
def test_presigned_links_carry_a_lifetime_of_link_seconds(env: Env, authed: TestClient) -> None:
    """A SigV4 URL's signature covers its date and lifetime: after them S3 refuses it.
    (moto serves expired URLs, so the lifetime is read from the signed query; the
    API's own links below are refused after theirs.)"""
    job = job_with_movie(env)
    redirect = authed.get(f"/jobs/{job.job_id}/artifacts/movie", follow_redirects=False)
    assert redirect.status_code == 307
    query = parse_qs(urlparse(redirect.headers["location"]).query)
    assert query["X-Amz-Expires"] == [str(LINK_SECONDS)]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-SignedHeaders"] == ["host"] and query["X-Amz-Signature"][0]
    signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed).total_seconds()) < 60
    assert httpx.get(redirect.headers["location"]).status_code == 200


def test_the_apis_signed_links_stop_working_when_their_lifetime_is_over() -> None:
    now = [1_000_000.0]
    signer = LinkSigner(clock=lambda: now[0])
    job = new_job_id()
    expires = signer.expiry(LINK_SECONDS)
    signature = signer.sign(job, "movie", expires)
    assert signer.verify(job, "movie", expires, signature)
    # Rounded up to the step so a URL stays the same for a while, never beyond that.
    assert LINK_SECONDS <= expires - now[0] <= LINK_SECONDS + EXPIRY_STEP_SECONDS
    now[0] = expires + 1
    assert not signer.verify(job, "movie", expires, signature)
    # A later expiry cannot be written in by hand: the signature covers it.
    assert not signer.verify(job, "movie", expires + 3600, signature)
