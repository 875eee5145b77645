"""Fixtures for the API tests: the app on the local backend of a temporary data dir."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.api import create_app
from shared.backends import Backend
from shared.settings import ApiSettings, Settings

API_KEY = "test-key-0123456789"
AUTH = {"X-API-Key": API_KEY}
CORS_ORIGIN = "https://studio.example"


@pytest.fixture
def api_settings(settings: Settings) -> Settings:
    """The suite's settings with one API key, one CORS origin and a quick event stream."""
    return settings.model_copy(
        update={
            "api": ApiSettings(
                keys=[API_KEY],
                cors_origins=[CORS_ORIGIN],
                max_body_bytes=64 * 1024,
                events_poll_seconds=0.05,
                events_heartbeat_seconds=0.2,
            )
        }
    )


@pytest.fixture
def app(api_settings: Settings, local_backend: Backend) -> FastAPI:
    return create_app(api_settings, local_backend)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client that sends no key unless a test adds one."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def authed(app: FastAPI) -> Iterator[TestClient]:
    """A client that sends the right key with every request."""
    with TestClient(app, headers=AUTH, raise_server_exceptions=False) as test_client:
        yield test_client
