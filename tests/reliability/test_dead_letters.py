"""``pixelscript dlq list|redrive`` on both backends, and ``jobs.reopen``: the one way
out of ``failed``, taken only by a redrive, so a replayed letter finds a stage it
may claim."""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner, Result

from shared import jobs
from shared.cli import app
from shared.contracts import JobRecord, JobStatus, StageStatus
from shared.dead_letters import fail_stranded_jobs, redrive
from shared.errors import PermanentError, TransitionRefused
from shared.intake import job_id_for
from shared.submit import submit
from shared.worker import Outcome, Worker, delivery_id
from tests.reliability.harness import STAGES, Env, plot_request, take_all
from tests.reliability.scenarios import run_in_process, stub_worker
from tests.support import stub_pipeline
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
STAGE = STAGES[1]


def cli(env: Env, *args: str) -> Result:
    """The command in this process. It configures logging onto the runner's stderr,
    which closes afterwards: logging is put back as it was."""
    handlers = logging.getLogger().handlers[:]
    try:
        return CliRunner(env={**env.process_env(), "COLUMNS": "250"}).invoke(app, list(args))
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers[:] = handlers


def job_failed_by_a_missing_artifact(env: Env) -> tuple[str, str]:
    """A job past the first stage whose next message names an artifact that is gone:
    dead-lettered by the second stage, the job failed. Returns (job id, the key)."""
    job = submit(env.backend, plot_request()).job_id
    stub_worker(env.backend, env, STAGES[0]).run_once(5)
    [body] = take_all(env.queue(STAGE))
    lost = f"jobs/{job}/{STAGES[0]}-lost.txt"
    env.queue(STAGE).send(body.replace(f"jobs/{job}/{STAGES[0]}.txt", lost))
    stub_worker(env.backend, env, STAGE).run_once(5)
    assert env.backend.jobs.get(job).status == JobStatus.FAILED
    return job, lost


class TestDlqCommand:
    def test_list_shows_each_letter_with_its_job_and_reason(self, env: Env) -> None:
        # Given a job failed by a missing artifact, and a letter that is not JSON
        job, _ = job_failed_by_a_missing_artifact(env)
        env.queue(STAGES[0]).send("{not json")
        stub_worker(env.backend, env, STAGES[0]).run_once(5)
        # When the dead letters are listed, of every stage and of one
        everything, one = cli(env, "dlq", "list"), cli(env, "dlq", "list", STAGE)
        # Then each shows its stage, job and reason
        assert everything.exit_code == 0, everything.output
        assert re.search(rf"{STAGE} .* {job} .* the job's {STAGES[0]} artifact", everything.stdout)
        assert re.search(rf"{STAGES[0]} .* - .* message is not JSON", everything.stdout)
        assert "2 dead letter(s)" in everything.stdout
        assert job in one.stdout and "not JSON" not in one.stdout

    def test_redrive_reopens_the_failed_job_and_it_runs_to_the_end(self, env: Env) -> None:
        # Given a job failed by a missing artifact, the artifact since restored
        job, lost = job_failed_by_a_missing_artifact(env)
        failed = env.backend.jobs.get(job)
        env.backend.blobs.put(lost, b"restored")
        # When its stage's dead letters are redriven
        result = cli(env, "dlq", "redrive", STAGE)
        # Then the job is reopened, the reopening logged with the error it clears
        assert result.exit_code == 0, result.output
        assert f"{STAGE}: 1 back on the queue, 1 failed job(s) reopened" in result.stdout
        assert f"reopened {job}" in result.stdout
        [logged] = [
            json.loads(line) for line in result.stderr.splitlines() if "job_reopened" in line
        ]
        assert (logged["job_id"], logged["previous_error"]) == (job, failed.error)
        reopened = env.backend.jobs.get(job)
        assert (reopened.status, reopened.error) == (JobStatus.RUNNING, None)
        assert reopened.stages[STAGE].status == StageStatus.PENDING
        # And the replayed message runs the job to success, with nothing left behind
        assert run_in_process(env, [job])[job].status == JobStatus.SUCCEEDED
        assert "no dead letters" in cli(env, "dlq", "list", STAGE).stdout

    def test_a_stage_that_does_not_exist_is_a_usage_error(self, env: Env) -> None:
        result = cli(env, "dlq", "redrive", "colour-grading")
        assert result.exit_code == 2
        assert "no stage 'colour-grading'" in result.stderr


class TestRedriveOfAJobRequest:
    def test_a_job_request_sent_to_sqs_comes_back_as_the_same_job(self, env: Env) -> None:
        """A raw job request whose stage failed for good is redriven as its job's stage
        message: the same job runs again, no second job is made."""
        # Given a job request sent straight to the first queue, its stage failing for good
        stage = STAGES[0]
        message_id = env.queue(stage).send(
            json.dumps({"schema": 1, "request": plot_request().model_dump(mode="json")})
        )

        def refuses(message: object, context: object) -> object:
            raise PermanentError("the provider refused the plot")

        assert stub_worker(env.backend, env, stage, refuses).run_once(5) == Outcome.DEAD_LETTERED
        job = job_id_for(message_id)
        assert env.backend.jobs.get(job).status == JobStatus.FAILED
        # When its dead letter is redriven (the provider since fixed)
        result = redrive(env.backend, stage)
        # Then the same job is reopened and runs; no other job exists
        assert (result.moved, result.reopened) == (1, [job])
        assert stub_worker(env.backend, env, stage).run_once(5) == Outcome.DONE
        assert env.backend.jobs.get(job).stages[stage].status == StageStatus.DONE
        assert [record.job_id for record in env.backend.jobs.list().jobs] == [job]


def strand(env: Env) -> str:
    """A job whose stage message every worker died holding: each delivery claimed the
    stage and was never heard of again, until the queue dead-lettered the message by
    itself. Nothing failed the job: it says running."""
    job = submit(env.backend, plot_request()).job_id
    stub_worker(env.backend, env, STAGES[0]).run_once(5)
    queue = env.queue(STAGE)

    def deliver_and_die() -> bool:
        for received in queue.receive(max_messages=1, wait_seconds=0, visibility_timeout=1):
            jobs.apply(env.backend.jobs, job, jobs.claim(STAGE, delivery_id(received), 1))
        return bool(queue.dead_letters())

    wait_until(deliver_and_die, timeout=30, interval=0.2, what="the queue to give up")
    record = env.backend.jobs.get(job)
    assert (record.status, record.stages[STAGE].status) == (JobStatus.RUNNING, StageStatus.RUNNING)
    return job


class TestStrandedJobs:
    def test_a_worker_fails_the_job_readably_and_a_redrive_finishes_it(self, env: Env) -> None:
        # Given a job whose stage message the queue set aside after its workers died
        job = strand(env)
        # When a worker of that stage runs (it looks in its dead letters every 0.2 s)
        worker_settings = env.settings.worker.model_copy(update={"stranded_check_seconds": 0.2})
        settings = env.settings.model_copy(update={"worker": worker_settings})
        worker = Worker(
            STAGE, stub_pipeline.handle, backend=env.backend, settings=settings, next_stage="x"
        )
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            # Then, once the lease has been over for a visibility timeout, the job fails
            # saying what happened and what to do
            failed = wait_until(
                lambda: (r := env.backend.jobs.get(job)).status.is_final and r,
                timeout=20,
                what="the stranded job to fail",
            )
        finally:
            worker.stop(0)
            thread.join(10)
        assert failed.status == JobStatus.FAILED
        assert failed.stages[STAGE].status == StageStatus.FAILED
        assert "stopped without finishing 3 times" in (failed.error or "")
        assert f"pixelscript dlq redrive {STAGE}" in (failed.error or "")
        # And a redrive reopens it and it runs to the end
        assert redrive(env.backend, STAGE).reopened == [job]
        assert run_in_process(env, [job])[job].status == JobStatus.SUCCEEDED

    @pytest.mark.parametrize("lease", [60, 0], ids=["live-lease", "lease-over"])
    def test_a_stage_another_message_holds_is_left_alone(self, env: Env, lease: int) -> None:
        """Its holder is at work, or its message comes back when the holder is gone."""
        # Given a job whose stage another message's delivery holds, and a copy of the
        # message that went to the dead letters
        job = submit(env.backend, plot_request()).job_id
        stub_worker(env.backend, env, STAGES[0]).run_once(5)
        queue = env.queue(STAGE)
        [held] = queue.receive(max_messages=1, wait_seconds=0, visibility_timeout=60)
        jobs.apply(env.backend.jobs, job, jobs.claim(STAGE, delivery_id(held), lease))
        queue.send(held.body)
        [copy] = queue.receive(max_messages=1, wait_seconds=0, visibility_timeout=60)
        queue.dead_letter(copy, "deferred too often")
        # When the dead letters are checked for stranded jobs
        failed = fail_stranded_jobs(env.backend, STAGE, grace_seconds=0)
        # Then the job runs on
        assert failed == []
        assert env.backend.jobs.get(job).stages[STAGE].status == StageStatus.RUNNING


class TestReopen:
    def failed_record(self, stage: str = STAGE) -> JobRecord:
        record = jobs.new_record("2" * 32, plot_request(), STAGES, {})
        record = jobs.claim(STAGES[0], "m#a", 60)(record)
        record = jobs.complete(STAGES[0], "m#a", {STAGES[0]: "k"}, STAGE)(record)
        record = jobs.claim(stage, "n#a", 60)(record)
        return jobs.fail(stage, "the artifact is missing")(record)

    def test_a_failed_stage_goes_back_to_pending_with_its_attempts(self) -> None:
        reopened = jobs.reopen(STAGE)(self.failed_record())
        state = reopened.stages[STAGE]
        assert (state.status, state.attempts, state.error) == (StageStatus.PENDING, 1, None)
        assert (reopened.status, reopened.current_stage, reopened.error) == (
            JobStatus.RUNNING,
            STAGE,
            None,
        )
        assert reopened.stages[STAGES[0]].status == StageStatus.DONE

    @pytest.mark.parametrize(
        ("record", "stage", "refusal"),
        [
            (lambda self: jobs.new_record("3" * 32, plot_request(), STAGES, {}), STAGE, "queued"),
            (lambda self: self.failed_record(), STAGES[0], "failed in"),
        ],
        ids=["not-failed", "another-stage"],
    )
    def test_only_a_job_failed_in_that_stage_is_reopened(self, record, stage, refusal) -> None:
        with pytest.raises(TransitionRefused, match=refusal):
            jobs.reopen(stage)(record(self))

    def test_nothing_but_the_redrive_reopens_a_job(self) -> None:
        """The way out of ``failed`` is taken in one place: shared.dead_letters."""
        callers = [
            path.relative_to(REPO).as_posix()
            for root in ("shared", "services")
            for path in (REPO / root).rglob("*.py")
            if "jobs.reopen(" in path.read_text("utf-8")
        ]
        assert callers == ["shared/dead_letters.py"]
