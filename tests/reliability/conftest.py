"""Fixtures of the reliability suite: every test that asks for ``env`` runs on both
backends (as ``tests/contract`` does), with worker processes when it asks for
``workers``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import Env, Workers, aws_env, local_env

BACKENDS = ["local", "aws"]


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Env:
    if request.param == "local":
        return local_env(tmp_path)
    return aws_env(tmp_path, request.getfixturevalue("moto_endpoint"))


@pytest.fixture
def local(tmp_path: Path) -> Env:
    return local_env(tmp_path)


@pytest.fixture
def workers(env: Env, tmp_path: Path) -> Iterator[Workers]:
    """Worker processes on ``env``; whatever still runs is stopped with SIGTERM after
    the test, and must exit 0 (a killed one is not asked)."""
    started = Workers(env, tmp_path / "logs")
    try:
        yield started
    finally:
        codes = started.stop_all()
    assert all(code == 0 for code in codes.values()), f"exit codes {codes}:\n{started.logs()}"
