"""Fixtures for the fine-tuning tests: a clean environment and the command line in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.cli import app
from shared.settings import Settings
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture(scope="session")
def tiktoken_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiktoken-cache")


@pytest.fixture(autouse=True)
def _clean_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiktoken_cache: Path
) -> Iterator[None]:
    """No developer settings leak in; tiktoken's cache is the test's, never the machine's."""
    for name in list(os.environ):
        if name.startswith(("PIXELSCRIPT_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    monkeypatch.setenv("PIXELSCRIPT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env, and default output lands here
    yield


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI) -> FakeOpenAI:
    """The command line's OpenAI settings pointed at the fake server, with a key."""
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__API_KEY", "sk-test")
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__MAX_RETRIES", "0")
    return fake_openai


class Cli:
    """``pixelscript ...`` run in this process, with stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str):  # -> click.testing.Result
        return self.runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def models_file(tmp_path: Path) -> Path:
    return Settings(_env_file=None).models_file()  # type: ignore[call-arg]
