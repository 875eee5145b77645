"""Providers that fail, through the real stages and the worker: the OpenAI writer (script
stage) against the fake OpenAI server, Amazon Polly (audio stage) against an endpoint
that only fails. Throttling and 5xx are retried inside the client with backoff and
jitter, then by the queue, and the job ends failed with a reason a person can read;
a provider that does not answer is cut off by its timeout."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from services.script.writers.openai_writer import OpenAIWriter
from shared.contracts import JobStatus, StageMessage
from shared.pipeline import load_handler, next_stage
from shared.settings import AudioSettings, OpenAISettings, Settings
from shared.submit import submit
from shared.worker import Outcome, Worker
from tests.fakes.openai_server import FakeOpenAI, RecordedRequest, Reply, error_reply
from tests.fakes.polly_server import FailingPolly
from tests.reliability.harness import STAGES, Env, plot_request, take_all
from tests.reliability.scenarios import FaultRun

__all__ = ["OPENAI_FAILURES", "openai_fails", "polly_fails"]

CHAT = "POST /v1/chat/completions"
#: The SDK's first retry waits 0.5 s less up to a quarter (its jitter), when the
#: server sends no retry-after header.
SDK_FIRST_BACKOFF = (0.375, 0.5)
#: How long a request may take in the timeout case.
OPENAI_TIMEOUT = 0.5

#: What the fake answers, and what the job's error must then say.
OPENAI_FAILURES: dict[str, tuple[Callable[[], Reply], str]] = {
    "429": (lambda: error_reply(429, "Rate limit reached"), "is rate limiting the requests"),
    "500": (lambda: error_reply(500, "The server had an error"), "failed with HTTP 500"),
    "timeout": (
        lambda: Reply(body={"never": "read"}, delay=5),
        f"did not answer within {OPENAI_TIMEOUT:g} s",
    ),
}


def _deliveries(worker: Worker, limit: int) -> list[Outcome | None]:
    """Run the stage until the queue gives up on the message (or ``limit`` tries)."""
    outcomes: list[Outcome | None] = []
    while len(outcomes) < limit and Outcome.DEAD_LETTERED not in outcomes:
        outcomes.append(worker.run_once(5))
    return outcomes


def openai_fails(env: Env, fake: FakeOpenAI, failure: str) -> FaultRun:
    run = FaultRun(f"OpenAI writer answers {failure}", env.kind, jobs=1)
    answer, reason = OPENAI_FAILURES[failure]
    arrivals: list[float] = []

    def failing(_: RecordedRequest) -> Reply:
        arrivals.append(time.monotonic())
        return answer()

    fake.route(CHAT, failing)
    # Given the real script stage writing with OpenAI (one SDK retry) at a failing server
    openai = OpenAISettings(
        api_key="sk-test", base_url=fake.base_url, max_retries=1, timeout_seconds=OPENAI_TIMEOUT
    )
    settings = env.settings.model_copy(update={"script_provider": "openai", "openai": openai})
    stage = STAGES[0]
    worker = Worker(
        stage, load_handler(stage), backend=env.backend, settings=settings, next_stage="image"
    )
    job = submit(env.backend, plot_request()).job_id
    # When the stage runs until the queue gives up
    receives = settings.worker.max_receives
    started = time.monotonic()
    outcomes = _deliveries(worker, receives)
    took = time.monotonic() - started
    # Then every delivery tried twice (the SDK's retry), after a jittered backoff
    tries = openai.max_retries + 1
    run.expect(
        len(arrivals) == tries * receives, f"{len(arrivals)} requests, not {tries}x{receives}"
    )
    if failure != "timeout":
        low, high = SDK_FIRST_BACKOFF
        gaps = [arrivals[i + 1] - arrivals[i] for i in range(0, len(arrivals) - 1, tries)]
        # The lower bound is the SDK's; the upper one leaves a busy machine a second.
        run.expect(all(low <= gap <= high + 1.0 for gap in gaps), f"retry gaps {gaps}")
    # And no attempt outlived its bound: timeout x tries plus the backoff, per delivery
    bound = receives * (tries * OPENAI_TIMEOUT + SDK_FIRST_BACKOFF[1] + 1.0)
    run.expect(took <= bound, f"{took:.1f} s for {receives} deliveries (bound {bound:.1f} s)")
    # And the job failed cleanly, dead-lettered with the provider's reason
    run.expect(
        outcomes == [Outcome.RETRY] * (receives - 1) + [Outcome.DEAD_LETTERED], f"{outcomes}"
    )
    record = env.backend.jobs.get(job)
    error = record.error or ""
    clean = record.status == JobStatus.FAILED and f"gave up after {receives} attempts" in error
    run.expect(clean and reason in error, f"job {record.status}: {error!r}")
    run.expect("Traceback" not in error, "a traceback in the job's error")
    run.lost = int(not clean)
    run.duplicates = len(take_all(env.queue(next_stage(stage))))
    return run


def polly_fails(env: Env, code: str, status: int) -> FaultRun:
    run = FaultRun(f"Polly answers {code} ({status})", env.kind, jobs=1)
    with FailingPolly(code, status) as polly:
        # Given a job whose screenplay the real script stage wrote (offline writer), at
        # the real audio stage speaking with Polly (two attempts per call) at a failing
        # endpoint
        audio = AudioSettings(polly_endpoint_url=polly.url, polly_max_attempts=2, cache=False)
        settings = env.settings.model_copy(update={"audio_provider": "polly", "audio": audio})
        job = submit(env.backend, plot_request()).job_id
        writer = Worker(
            STAGES[0],
            load_handler(STAGES[0]),
            backend=env.backend,
            settings=settings,
            next_stage=STAGES[1],
        )
        run.expect(writer.run_once(5) == Outcome.DONE, "the screenplay was not written")
        [body] = take_all(env.queue(STAGES[1]))
        written = StageMessage.model_validate_json(body).artifacts
        env.queue("audio").send(
            StageMessage(job_id=job, stage="audio", artifacts=written).to_json()
        )
        speaker = Worker(
            "audio",
            load_handler("audio"),
            backend=env.backend,
            settings=settings,
            next_stage=next_stage("audio"),
        )
        # When the stage runs until the queue gives up
        receives = settings.worker.max_receives
        outcomes = _deliveries(speaker, receives)
    # Then botocore made both attempts of every delivery, waiting a jittered backoff
    # between them (rand(0, 1) x 1 s for throttling, x 50 ms for a 5xx)
    times = [at for at, _, _ in polly.arrivals]
    run.expect(len(times) == 2 * receives, f"{len(times)} requests, not 2x{receives}")
    ceiling = 1.0 if "Throttl" in code else 0.05
    gaps = [times[i + 1] - times[i] for i in range(0, len(times) - 1, 2)]
    run.expect(all(gap <= ceiling + 1.0 for gap in gaps), f"retry gaps {gaps}")
    # And the job failed cleanly with Polly's error code in its reason
    record = env.backend.jobs.get(job)
    error = record.error or ""
    clean = record.status == JobStatus.FAILED and f"gave up after {receives} attempts" in error
    run.expect(clean and code in error, f"job {record.status}: {error!r}")
    run.expect(
        outcomes == [Outcome.RETRY] * (receives - 1) + [Outcome.DEAD_LETTERED], f"{outcomes}"
    )
    run.lost = int(not clean)
    return run


def writer_client_is_bounded(settings: Settings) -> dict[str, Any]:
    """The timeout and retries the OpenAI client is built with (not the SDK defaults)."""
    client = OpenAIWriter(settings).client
    return {"timeout": client.timeout, "max_retries": client.max_retries}


def polly_client_is_bounded(settings: Settings) -> dict[str, Any]:
    from services.audio.polly_provider import make_polly_client

    config = make_polly_client(settings).meta.config
    return {
        "connect_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
        "attempts": json.loads(json.dumps(config.retries)),
    }
