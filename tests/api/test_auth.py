"""API keys: every route but the health check and the page refuses a request without
the right key; keys come from settings or a Secrets Manager secret that may rotate."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.api import create_app
from services.api.auth import KeyRing
from services.api.key_sources import SecretKeySource, parse_secret
from shared.backends import Backend
from shared.settings import ApiSettings, AWSSettings, Settings
from tests.api.conftest import API_KEY, AUTH
from tests.api.helpers import submit_jobs

OPEN_PATHS = {"/healthz"}
JOB_ID = "0123456789abcdef0123456789abcdef"


def _operations(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the OpenAPI schema lists, so a new route is covered here
    the day it is added."""
    schema = app.openapi()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _concrete(path: str) -> str:
    return path.replace("{job_id}", JOB_ID).replace("{name}", "movie")


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    body = {"plot": "A dog finds a bone.", "director": "Agnès Varda"}
    return client.request(method, _concrete(path), headers=headers, json=body)


class TestEveryRoute:
    def test_the_schema_lists_the_routes_the_issue_names(self, app: FastAPI) -> None:
        """The auth sweep below is only as good as this list."""
        assert set(_operations(app)) >= {
            ("POST", "/jobs"),
            ("GET", "/jobs"),
            ("GET", "/jobs/{job_id}"),
            ("GET", "/jobs/{job_id}/events"),
            ("GET", "/jobs/{job_id}/artifacts/{name}"),
            ("GET", "/directors"),
            ("GET", "/healthz"),
        }

    @pytest.mark.parametrize(
        "headers",
        [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}, {"X-API-Key": API_KEY + "x"}],
        ids=["no-key", "wrong-key", "empty-key", "key-plus-one"],
    )
    def test_without_the_right_key_every_route_but_health_is_401(
        self, app: FastAPI, client: TestClient, local_backend: Backend, headers: dict[str, str]
    ) -> None:
        for method, path in _operations(app):
            response = _call(client, method, path, headers)
            if path in OPEN_PATHS:
                assert response.status_code == 200, (method, path)
            else:
                assert response.status_code == 401, (method, path, response.text)
                assert "API key" in response.json()["detail"]
                assert response.headers["www-authenticate"] == "X-API-Key"
        # Given no key, no job was created either.
        assert local_backend.jobs.list().jobs == []

    def test_with_the_key_no_route_is_401(self, app: FastAPI, client: TestClient) -> None:
        for method, path in _operations(app):
            assert _call(client, method, path, AUTH).status_code != 401, (method, path)

    def test_the_page_and_the_health_check_need_no_key(self, client: TestClient) -> None:
        assert client.get("/healthz").json()["status"] == "ok"
        page = client.get("/")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert client.get("/static/app.js").status_code == 200

    def test_an_app_without_any_key_refuses_to_start(
        self, settings: Settings, local_backend: Backend
    ) -> None:
        with pytest.raises(ValueError, match="no API key configured"):
            create_app(settings, local_backend)


class TestSignedArtifactLinks:
    def test_a_link_from_the_api_opens_without_the_key_and_a_forged_one_does_not(
        self, authed: TestClient, client: TestClient, local_backend: Backend
    ) -> None:
        job = submit_jobs(local_backend, 1)[0]
        link = authed.get(f"/jobs/{job.job_id}").json()["artifacts"]["request"]["url"]
        assert client.get(link).status_code == 200
        forged = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
        assert client.get(forged).status_code == 401
        # A signature is for one artifact of one job only.
        other = link.replace("/artifacts/request?", "/artifacts/script?")
        assert client.get(other).status_code == 401

    def test_an_expired_link_is_refused(
        self, app: FastAPI, client: TestClient, local_backend: Backend
    ) -> None:
        job = submit_jobs(local_backend, 1)[0]
        signer = app.state.api.signer
        expires = 1_000_000  # long past
        signature = signer.sign(job.job_id, "request", expires)
        url = f"/jobs/{job.job_id}/artifacts/request?expires={expires}&sig={signature}"
        assert client.get(url).status_code == 401


class TestSecretsManagerKeys:
    @pytest.mark.parametrize(
        ("text", "keys"),
        [
            ("plain-key", ["plain-key"]),
            ('["a", "b"]', ["a", "b"]),
            ('{"keys": ["a", "b"]}', ["a", "b"]),
            ('{"api_key": "a"}', ["a"]),
            ("  spaced-key\n", ["spaced-key"]),
        ],
    )
    def test_the_secret_may_take_any_documented_shape(self, text: str, keys: list[str]) -> None:
        assert parse_secret(text) == keys

    @pytest.mark.parametrize("text", ['{"keys": []}', "[]", '{"other": 1}', "   "])
    def test_a_secret_without_a_key_is_an_error(self, text: str) -> None:
        with pytest.raises(ValueError, match="no key"):
            parse_secret(text)

    def test_keys_are_read_from_the_secret_named_in_settings(
        self, settings: Settings, local_backend: Backend, moto_endpoint: str
    ) -> None:
        # Given a secret on the moto server and settings naming it (and no key of their own)
        client = boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1")
        arn = client.create_secret(
            Name="pixelscript/api-keys-settings", SecretString='{"keys": ["from-secret"]}'
        )["ARN"]
        configured = settings.model_copy(
            update={
                "api": ApiSettings(key_secret_id=arn),
                "aws": AWSSettings(endpoint_url=moto_endpoint, region="us-east-1"),
            }
        )
        # When the app starts
        with TestClient(create_app(configured, local_backend)) as api:
            # Then the secret's key is accepted and others are not
            assert api.get("/directors", headers={"X-API-Key": "from-secret"}).status_code == 200
            assert api.get("/directors", headers={"X-API-Key": "other"}).status_code == 401

    def test_a_rotated_secret_is_picked_up_after_the_refresh_period(
        self, moto_endpoint: str
    ) -> None:
        client = boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1")
        client.create_secret(Name="pixelscript/api-keys-rotating", SecretString="old-key")
        now = [0.0]
        source = SecretKeySource(
            "pixelscript/api-keys-rotating", client, refresh_seconds=60, clock=lambda: now[0]
        )
        keyring = KeyRing([], source)
        assert keyring.accepts("old-key")

        client.put_secret_value(SecretId="pixelscript/api-keys-rotating", SecretString="new-key")
        now[0] = 30.0
        assert keyring.accepts("old-key"), "read again before the refresh period"
        now[0] = 61.0
        assert keyring.accepts("new-key")
        assert not keyring.accepts("old-key")

    def test_an_unreadable_secret_keeps_the_last_good_keys(self, moto_endpoint: str) -> None:
        client = boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1")
        client.create_secret(Name="pixelscript/api-keys-deleted", SecretString="kept-key")
        now = [0.0]
        source = SecretKeySource(
            "pixelscript/api-keys-deleted", client, refresh_seconds=1, clock=lambda: now[0]
        )
        client.delete_secret(
            SecretId="pixelscript/api-keys-deleted", ForceDeleteWithoutRecovery=True
        )
        now[0] = 5.0
        assert KeyRing([], source).accepts("kept-key")

    def test_a_missing_secret_stops_the_app_at_start(
        self, settings: Settings, local_backend: Backend, moto_endpoint: str
    ) -> None:
        configured = settings.model_copy(
            update={
                "api": ApiSettings(key_secret_id="pixelscript/no-such-secret"),
                "aws": AWSSettings(endpoint_url=moto_endpoint, region="us-east-1"),
            }
        )
        with pytest.raises(Exception, match="ResourceNotFound"):
            create_app(configured, local_backend)
