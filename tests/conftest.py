"""Fixtures every test may use: settings on a temporary data dir, and the backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.backends import Backend, open_backend
from shared.settings import Settings, WorkerSettings

pytest_plugins = ["tests.fakes.fixtures", "tests.fakes.moto"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # pytest exits 5 when it collected nothing; a suite that vanished must fail loudly.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Local backend settings on a fresh data dir, fast retries, no .env or user env."""
    monkeypatch.chdir(tmp_path)
    for name in [
        "PIXELSCRIPT_BACKEND",
        "PIXELSCRIPT_SCRIPT_PROVIDER",
        "OPENAI_API_KEY",
        "PIXELSCRIPT_OPENAI__API_KEY",
    ]:
        monkeypatch.delenv(name, raising=False)
    return Settings(
        data_dir=tmp_path / "data",
        worker=WorkerSettings(
            visibility_timeout=5,
            wait_seconds=0.5,
            max_receives=3,
            stop_timeout=5,
            backoff_min=0,
            backoff_max=0,
        ),
    )


@pytest.fixture
def local_backend(settings: Settings) -> Iterator[Backend]:
    yield open_backend(settings)
