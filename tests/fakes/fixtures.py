"""Pytest fixtures for the fakes, registered for every test by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI

__all__ = ["fake_openai"]


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A started ``FakeOpenAI`` on 127.0.0.1; set ``chat_content`` or enqueue replies."""
    # A proxy from the environment must never see (or swallow) requests to the fake.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with FakeOpenAI() as server:
        yield server
