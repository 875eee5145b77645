"""Job requests sent straight to the first stage's queue (``shared.intake``), on both
backends: the worker makes the job, runs the stage, and treats redelivery and
garbage as it treats any message."""

from __future__ import annotations

import json
import uuid

import pytest

from shared.backends import Backend
from shared.contracts import StageMessage, StageStatus
from shared.errors import NotFound
from shared.intake import job_id_for
from shared.pipeline import next_stage, stage_names
from shared.settings import Settings
from shared.worker import Outcome, StageContext, Worker

FIRST = stage_names()[0]
REQUEST = {"plot": "A clockmaker builds a clock that runs backwards.", "director": "Varda"}


@pytest.fixture(params=["local", "aws"])
def backend(request: pytest.FixtureRequest) -> Backend:
    built: Backend = request.getfixturevalue(f"{request.param}_backend")
    return built


def handler(message: StageMessage, context: StageContext) -> StageMessage:
    key = f"jobs/{message.job_id}/{context.stage}.txt"
    context.blobs.put(key, b"made")
    return message.handoff(context.next_stage, **{context.stage: key})


def first_worker(backend: Backend, settings: Settings) -> Worker:
    return Worker(FIRST, handler, backend=backend, settings=settings, next_stage=next_stage(FIRST))


def send_request(backend: Backend, body: object, stage: str = FIRST) -> str:
    return backend.queue(stage).send(json.dumps(body))


class TestJobRequests:
    def test_job_request_becomes_a_job_named_after_the_message(
        self, backend: Backend, settings: Settings
    ) -> None:
        """The job id is the message id's hex; the request is stored and the stage runs."""
        message_id = send_request(backend, {"schema": 1, "request": REQUEST})
        assert first_worker(backend, settings).run_once(5) is Outcome.DONE
        job_id = uuid.UUID(message_id).hex
        assert job_id_for(message_id) == job_id
        record = backend.jobs.get(job_id)
        assert record.stages[FIRST].status == StageStatus.DONE
        assert list(record.stages) == stage_names()
        assert record.artifacts["request"] == f"jobs/{job_id}/request.json"
        stored = json.loads(backend.blobs.get(record.artifacts["request"]))
        assert (stored["plot"], stored["director"]) == (REQUEST["plot"], REQUEST["director"])

    def test_redelivered_job_request_runs_the_stage_once(
        self, backend: Backend, settings: Settings
    ) -> None:
        """The same request delivered twice finds its job and is dropped as a duplicate."""
        message_id = send_request(backend, {"schema": 1, "request": REQUEST})
        queue = backend.queue(FIRST)
        worker = first_worker(backend, settings)
        [first] = queue.receive(wait_seconds=5, visibility_timeout=30)
        assert worker.process(first) is Outcome.DONE
        again = type(first)(first.message_id, first.body, first.receipt, 2)
        assert worker.process(again) is Outcome.DUPLICATE
        record = backend.jobs.get(job_id_for(message_id))
        assert record.stages[FIRST].attempts == 1

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ({"schema": 1, "request": {"plot": "", "director": "Varda"}}, "plot"),
            ({"schema": 2, "request": REQUEST}, "schema version 2"),
            ({"schema": 1, "request": REQUEST, "priority": 9}, "unknown fields: priority"),
        ],
    )
    def test_invalid_job_request_is_dead_lettered_without_a_job(
        self, backend: Backend, settings: Settings, body: dict, reason: str
    ) -> None:
        """A request no worker could honour goes to the DLQ with the reason; no job exists."""
        message_id = send_request(backend, body)
        assert first_worker(backend, settings).run_once(5) is Outcome.DEAD_LETTERED
        [letter] = backend.queue(FIRST).dead_letters()
        assert reason in letter.reason
        with pytest.raises(NotFound):
            backend.jobs.get(job_id_for(message_id))

    def test_job_request_on_a_later_stage_queue_is_dead_lettered(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """Only the first stage admits job requests."""
        send_request(local_backend, {"schema": 1, "request": REQUEST}, stage="later")
        worker = Worker(
            "later", handler, backend=local_backend, settings=settings, next_stage="complete"
        )
        assert worker.run_once(1) is Outcome.DEAD_LETTERED
        [letter] = local_backend.queue("later").dead_letters()
        assert f"goes to the {FIRST!r} queue" in letter.reason

    def test_stage_messages_are_not_taken_for_job_requests(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """A message with a job id is a stage message, even with a ``request`` field."""
        local_backend.queue(FIRST).send(
            json.dumps({"schema": 1, "job_id": "0" * 32, "stage": FIRST, "request": REQUEST})
        )
        assert first_worker(local_backend, settings).run_once(1) is Outcome.DEAD_LETTERED
        [letter] = local_backend.queue(FIRST).dead_letters()
        assert "request" in letter.reason  # the stage message's own validation speaks
        assert local_backend.jobs.list().jobs == []
