"""Providers that fail, through the real stages and the worker: throttling and 5xx are
retried with backoff and jitter (the client's, then the queue's), then the job fails
cleanly; a provider that does not answer is cut off. The provider is the fault here,
not the backend, so these run on the local one."""

from __future__ import annotations

import pytest

from shared.backoff import compute_backoff
from shared.settings import AudioSettings, OpenAISettings
from tests.fakes.moto import FAKE_CREDENTIALS
from tests.fakes.openai_server import FakeOpenAI
from tests.reliability.harness import Env
from tests.reliability.providers import (
    OPENAI_FAILURES,
    openai_fails,
    polly_client_is_bounded,
    polly_fails,
    writer_client_is_bounded,
)


def assert_clean(run) -> None:
    assert run.problems == [], run.problems
    assert (run.lost, run.duplicates) == (0, 0)


@pytest.mark.parametrize("failure", list(OPENAI_FAILURES))
def test_a_failing_openai_writer_is_retried_then_fails_the_job_cleanly(
    local: Env, fake_openai: FakeOpenAI, failure: str
) -> None:
    assert_clean(openai_fails(local, fake_openai, failure))


@pytest.mark.parametrize(
    ("code", "status"),
    [("ThrottlingException", 400), ("ServiceFailureException", 500)],
    ids=["throttled", "5xx"],
)
def test_a_failing_polly_is_retried_then_fails_the_job_cleanly(
    local: Env, monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    assert_clean(polly_fails(local, code, status))


def test_provider_clients_are_built_with_bounded_timeouts_and_retries(
    local: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No provider call can hang a worker: every client has a timeout and a retry cap
    from settings, never the library's unbounded or long defaults."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings = local.settings.model_copy(
        update={
            "openai": OpenAISettings(api_key="sk-test", timeout_seconds=42, max_retries=2),
            "audio": AudioSettings(polly_max_attempts=3),
        }
    )
    assert writer_client_is_bounded(settings) == {"timeout": 42, "max_retries": 2}
    polly = polly_client_is_bounded(settings)
    assert (polly["connect_timeout"], polly["read_timeout"]) == (10, 60)
    assert polly["attempts"] == {"mode": "standard", "total_max_attempts": 3}


def test_the_queue_retries_with_exponential_backoff_and_jitter() -> None:
    """The worker's own retry delay: half certain, half random, doubling to a cap."""
    for attempt in range(1, 8):
        ceiling = min(120, 2 ** (attempt - 1))
        delays = [compute_backoff(attempt, minimum=1, maximum=120) for _ in range(200)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len({round(delay, 6) for delay in delays}) > 150, "no jitter"
