"""The worker runtime on the local backend: retries, dead letters, duplicates, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from shared import jobs
from shared.backends import Backend
from shared.contracts import (
    JobRecord,
    JobRequest,
    JobStatus,
    StageMessage,
    StageStatus,
    new_job_id,
)
from shared.errors import PermanentError, TransientError
from shared.pipeline import COMPLETE
from shared.settings import Settings
from shared.worker import Outcome, StageContext, Worker
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
STAGES = ["alpha", "beta"]


def start_job(backend: Backend) -> JobRecord:
    """A job record for the two test stages, and alpha's message on its queue."""
    request = JobRequest(plot="Two clocks disagree about midnight.", director="Lynch")
    record = backend.jobs.create(jobs.new_record(new_job_id(), request, STAGES, {}))
    backend.queue("alpha").send(StageMessage(job_id=record.job_id, stage="alpha").to_json())
    return record


class CountingHandler:
    """Writes one artifact and hands off; counts calls; can fail the first N of them."""

    def __init__(self, fail_with: Callable[[int], BaseException | None] | None = None) -> None:
        self.calls = 0
        self.lock = threading.Lock()
        self.fail_with = fail_with

    def __call__(self, message: StageMessage, context: StageContext) -> StageMessage:
        with self.lock:
            self.calls += 1
            call = self.calls
        if self.fail_with is not None and (error := self.fail_with(call)) is not None:
            raise error
        key = f"jobs/{message.job_id}/{context.stage}.txt"
        context.blobs.put(key, b"artifact")
        return message.handoff(context.next_stage, **{context.stage: key})


def alpha_worker(backend: Backend, settings: Settings, handler: Callable) -> Worker:
    return Worker("alpha", handler, backend=backend, settings=settings, next_stage="beta")


def beta_messages(backend: Backend) -> list[dict]:
    return [json.loads(body) for body in backend.queue("beta").drain()]


class TestHappyPath:
    def test_message_runs_handler_publishes_next_and_marks_done(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """One message: handler runs once, beta gets one message, alpha is done."""
        record = start_job(local_backend)
        handler = CountingHandler()
        assert alpha_worker(local_backend, settings, handler).run_once(1) is Outcome.DONE
        stored = local_backend.jobs.get(record.job_id)
        assert stored.stages["alpha"].status == StageStatus.DONE
        assert stored.stages["alpha"].attempts == 1
        assert stored.artifacts == {"alpha": f"jobs/{record.job_id}/alpha.txt"}
        assert stored.current_stage == "beta" and stored.status == JobStatus.RUNNING
        [handed] = beta_messages(local_backend)
        assert handed["artifacts"] == {"alpha": f"jobs/{record.job_id}/alpha.txt"}
        assert local_backend.queue("alpha").depth() == 0

    def test_last_stage_completes_the_job(self, local_backend: Backend, settings: Settings) -> None:
        """A handler returning the COMPLETE message marks the job succeeded, sends nothing."""
        record = start_job(local_backend)
        worker = Worker(
            "alpha",
            CountingHandler(),
            backend=local_backend,
            settings=settings,
            next_stage=COMPLETE,
        )
        assert worker.run_once(1) is Outcome.DONE
        assert local_backend.jobs.get(record.job_id).status == JobStatus.SUCCEEDED
        assert local_backend.queue("beta").depth() == 0


class TestRetries:
    def test_transient_failure_is_retried_then_succeeds(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A throttled first attempt is retried and the second attempt completes the stage."""
        record = start_job(local_backend)
        handler = CountingHandler(
            lambda call: TransientError("429 slow down") if call == 1 else None
        )
        worker = alpha_worker(local_backend, settings, handler)
        assert worker.run_once(1) is Outcome.RETRY
        retrying = local_backend.jobs.get(record.job_id).stages["alpha"]
        assert (retrying.status, retrying.error) == (StageStatus.RETRYING, "429 slow down")
        assert worker.run_once(5) is Outcome.DONE
        done = local_backend.jobs.get(record.job_id).stages["alpha"]
        assert (done.status, done.attempts, done.error) == (StageStatus.DONE, 2, None)
        assert len(beta_messages(local_backend)) == 1

    def test_failing_handler_is_retried_then_dead_lettered(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A handler that always fails runs max_receives times, then the job fails."""
        record = start_job(local_backend)
        handler = CountingHandler(lambda call: ConnectionError(f"provider down ({call})"))
        worker = alpha_worker(local_backend, settings, handler)
        outcomes = [worker.run_once(5) for _ in range(settings.worker.max_receives)]
        assert outcomes == [Outcome.RETRY] * (settings.worker.max_receives - 1) + [
            Outcome.DEAD_LETTERED
        ]
        assert handler.calls == settings.worker.max_receives
        failed = local_backend.jobs.get(record.job_id)
        assert failed.status == JobStatus.FAILED
        assert failed.error == (
            f"alpha: gave up after {settings.worker.max_receives} attempts: "
            f"ConnectionError: provider down ({settings.worker.max_receives})"
        )
        [letter] = local_backend.queue("alpha").dead_letters()
        assert letter.reason.startswith("gave up after")
        assert local_backend.queue("beta").depth() == 0

    def test_permanent_failure_dead_letters_at_once(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A permanent error is not retried: the job fails with its message."""
        record = start_job(local_backend)
        handler = CountingHandler(lambda call: PermanentError("the model refused: unsafe plot"))
        assert alpha_worker(local_backend, settings, handler).run_once(1) is Outcome.DEAD_LETTERED
        assert handler.calls == 1
        failed = local_backend.jobs.get(record.job_id)
        assert failed.error == "alpha: the model refused: unsafe plot"
        assert failed.stages["alpha"].status == StageStatus.FAILED


class TestPoisonMessages:
    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ("{not json", "not JSON"),
            ("[1, 2]", "not a JSON object"),
            ('{"schema": 99, "job_id": "JOB", "stage": "alpha"}', "schema version 99"),
            ('{"schema": 1, "job_id": "JOB", "stage": "beta"}', "arrived on the 'alpha' queue"),
            ('{"schema": 1, "job_id": "../../etc", "stage": "alpha"}', "job_id"),
            (
                '{"schema": 1, "job_id": "JOB", "stage": "alpha", '
                '"artifacts": {"x": "jobs/0123456789abcdef0123456789abcdef/x"}}',
                "outside this job's folder",
            ),
        ],
    )
    def test_invalid_message_is_dead_lettered_and_its_job_failed(
        self, local_backend: Backend, settings: Settings, body: str, reason: str
    ) -> None:
        """A message no worker could process goes to the DLQ at once with a readable reason."""
        record = start_job(local_backend)
        local_backend.queue("alpha").drain()
        local_backend.queue("alpha").send(body.replace("JOB", record.job_id))
        handler = CountingHandler()
        assert alpha_worker(local_backend, settings, handler).run_once(1) is Outcome.DEAD_LETTERED
        assert handler.calls == 0
        [letter] = local_backend.queue("alpha").dead_letters()
        assert reason in letter.reason
        stored = local_backend.jobs.get(record.job_id)
        if '"job_id": "JOB"' in body:
            assert stored.status == JobStatus.FAILED and reason in (stored.error or "")
        else:
            assert stored.status == JobStatus.QUEUED

    def test_message_for_an_unknown_job_is_dead_lettered(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A well-formed message whose job does not exist is dead-lettered, not retried."""
        local_backend.queue("alpha").send(
            StageMessage(job_id=new_job_id(), stage="alpha").to_json()
        )
        assert (
            alpha_worker(local_backend, settings, CountingHandler()).run_once(1)
            is Outcome.DEAD_LETTERED
        )
        assert "does not exist" in local_backend.queue("alpha").dead_letters()[0].reason


class TestDuplicates:
    def test_message_delivered_twice_produces_one_downstream_message(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """The same stage message sent twice: the handler runs once, beta gets one message."""
        record = start_job(local_backend)
        local_backend.queue("alpha").send(
            StageMessage(job_id=record.job_id, stage="alpha").to_json()
        )
        handler = CountingHandler()
        worker = alpha_worker(local_backend, settings, handler)
        assert [worker.run_once(1), worker.run_once(1)] == [Outcome.DONE, Outcome.DUPLICATE]
        assert handler.calls == 1
        assert len(beta_messages(local_backend)) == 1
        assert local_backend.jobs.get(record.job_id).stages["alpha"].attempts == 1

    def test_concurrent_duplicates_run_the_handler_once(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """Two workers holding copies of one message at once: one runs, the other drops."""
        record = start_job(local_backend)
        local_backend.queue("alpha").send(
            StageMessage(job_id=record.job_id, stage="alpha").to_json()
        )
        release = threading.Event()
        inside = threading.Event()

        def slow(message: StageMessage, context: StageContext) -> StageMessage:
            inside.set()
            assert release.wait(30)
            return message.handoff(context.next_stage)

        first = alpha_worker(local_backend, settings, slow)
        second = alpha_worker(local_backend, settings, slow)
        outcomes: list[Outcome | None] = []
        thread = threading.Thread(target=lambda: outcomes.append(first.run_once(1)))
        thread.start()
        assert inside.wait(10)
        outcomes.append(second.run_once(1))
        release.set()
        thread.join(30)
        assert sorted(outcomes) == sorted([Outcome.DONE, Outcome.DUPLICATE])
        assert len(beta_messages(local_backend)) == 1
        assert local_backend.jobs.get(record.job_id).stages["alpha"].attempts == 1

    def test_late_message_never_moves_the_job_backwards(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A copy of alpha's message after the job succeeded changes nothing."""
        record = start_job(local_backend)
        Worker(
            "alpha",
            CountingHandler(),
            backend=local_backend,
            settings=settings,
            next_stage=COMPLETE,
        ).run_once(1)
        finished = local_backend.jobs.get(record.job_id)
        local_backend.queue("alpha").send(
            StageMessage(job_id=record.job_id, stage="alpha").to_json()
        )
        assert alpha_worker(local_backend, settings, CountingHandler()).run_once(1) is (
            Outcome.DUPLICATE
        )
        assert local_backend.jobs.get(record.job_id) == finished


class TestHeartbeat:
    def test_long_handler_keeps_its_message_hidden(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A handler working past the visibility timeout is not redelivered meanwhile."""
        fast = settings.model_copy(
            update={"worker": settings.worker.model_copy(update={"visibility_timeout": 2})}
        )
        record = start_job(local_backend)
        finished = threading.Event()

        def long_work(message: StageMessage, context: StageContext) -> StageMessage:
            assert not finished.wait(4.5)  # more than twice the visibility timeout
            return message.handoff(context.next_stage)

        worker = alpha_worker(local_backend, fast, long_work)
        thread = threading.Thread(target=worker.run_once, args=(1,))
        thread.start()
        wait_until(
            lambda: (
                local_backend.jobs.get(record.job_id).stages["alpha"].status == StageStatus.RUNNING
            ),
            timeout=10,
            what="alpha to start",
        )
        # Anyone polling during the work sees nothing: the heartbeat keeps extending.
        assert local_backend.queue("alpha").receive(wait_seconds=3.5, visibility_timeout=2) == []
        thread.join(30)
        assert local_backend.jobs.get(record.job_id).stages["alpha"].attempts == 1


def worker_process(
    settings: Settings, behaviour: str, *, stop_timeout: float = 5
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.worker_process",
            str(settings.data_dir),
            "alpha",
            "beta",
            behaviour,
            "2",
            str(stop_timeout),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


class TestProcessFaults:
    def test_killed_worker_message_is_picked_up_after_visibility(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """kill -9 mid-handler: after the visibility timeout another worker completes it."""
        record = start_job(local_backend)
        process = worker_process(settings, "hang")
        started = settings.data_dir / f"{record.job_id}.started"
        wait_until(started.exists, timeout=30, what="the worker process to start the handler")
        process.kill()
        process.wait(10)

        handler = CountingHandler()
        worker = alpha_worker(local_backend, settings, handler)
        assert worker.run_once(wait_seconds=10) is Outcome.DONE
        stored = local_backend.jobs.get(record.job_id)
        assert stored.stages["alpha"].status == StageStatus.DONE
        assert stored.stages["alpha"].attempts == 2
        assert handler.calls == 1
        assert len(beta_messages(local_backend)) == 1

    def test_sigterm_releases_a_busy_message_and_exits_zero(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """SIGTERM with a handler stuck past the stop timeout: message released, exit 0."""
        record = start_job(local_backend)
        process = worker_process(settings, "hang", stop_timeout=0.5)
        started = settings.data_dir / f"{record.job_id}.started"
        wait_until(started.exists, timeout=30, what="the worker process to start the handler")
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        # Released, not left hidden for the visibility timeout: available at once.
        [again] = local_backend.queue("alpha").receive(wait_seconds=1, visibility_timeout=30)
        assert again.receive_count == 2
        stage = local_backend.jobs.get(record.job_id).stages["alpha"]
        assert (stage.status, stage.claim) == (StageStatus.PENDING, None)

    def test_sigterm_lets_a_short_handler_finish(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """SIGTERM while a handler can still finish in time: the stage completes, exit 0."""
        record = start_job(local_backend)
        process = worker_process(settings, "work:1.0", stop_timeout=10)
        started = settings.data_dir / f"{record.job_id}.started"
        wait_until(started.exists, timeout=30, what="the worker process to start the handler")
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert local_backend.jobs.get(record.job_id).stages["alpha"].status == StageStatus.DONE
        assert len(beta_messages(local_backend)) == 1
