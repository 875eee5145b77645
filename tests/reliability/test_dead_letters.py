"""``pixelscript dlq list|redrive`` on both backends, and ``jobs.reopen``: the one way
out of ``failed``, taken only by a redrive, so a replayed letter finds a stage it
may claim."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner, Result

from shared import jobs
from shared.cli import app
from shared.contracts import JobRecord, JobStatus, StageStatus
from shared.dead_letters import redrive
from shared.errors import PermanentError, TransitionRefused
from shared.intake import job_id_for
from shared.submit import submit
from shared.worker import Outcome
from tests.reliability.harness import STAGES, Env, plot_request, take_all
from tests.reliability.scenarios import run_in_process, stub_worker

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
