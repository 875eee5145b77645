"""Dead letters across the pipeline: read them, and redrive them so their jobs run again.

A message is dead-lettered with its job failed (``shared.worker``). Sending it back
as it is would only have it dropped as a duplicate, since a failed job is final; so
``redrive`` reopens each letter's job (``jobs.reopen``, logged with the error it
clears) just before that letter goes back to its queue, through the queue's
``prepare`` hook, so a job is reopened only for a letter that really returns.

    dead letter --prepare: reopen its job--> back on the stage's queue --> claimed, runs

* A stage message names its job. A job request sent straight to the first queue
  (``shared.intake``) names it through its message id; if that job exists, the letter
  goes back as the job's stage message, so the same job runs again rather than a new
  one being made from the same request.
* A letter whose job is not failed (SQS's own redrive policy moved it after workers
  died holding it, say) goes back as it is: its job never left the stage.
* A letter that names no job (not JSON, say) goes back as it is, and is dead-lettered
  again unless the workers have been fixed to read it.

A letter the queue moved by itself (every worker that took it died holding it) leaves
its job running with nobody to end it; ``fail_stranded_jobs``, which each worker runs
now and then, fails such a job with a reason saying so, and the redrive above then
reopens it like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from shared import jobs
from shared.backends import Backend
from shared.contracts import StageMessage
from shared.errors import InvalidMessage, NotFound, TransitionRefused
from shared.intake import job_id_for
from shared.keys import request_key
from shared.logs import get_logger
from shared.messages import parse_message
from shared.ports import DeadLetter

__all__ = [
    "Redriven",
    "StageLetter",
    "fail_stranded_jobs",
    "job_of",
    "read_dead_letters",
    "redrive",
]


@dataclass(frozen=True)
class StageLetter:
    """A dead letter and the stage whose queue it came from."""

    stage: str
    letter: DeadLetter
    #: The job the letter names, when it names one.
    job_id: str | None


@dataclass
class Redriven:
    """What ``redrive`` did for one stage."""

    stage: str
    moved: int = 0
    #: Jobs taken out of ``failed`` for a letter that went back.
    reopened: list[str] = field(default_factory=list)
    #: Letters that went back without a job to reopen (none named, or not failed).
    unchanged: int = 0


def _body(letter: DeadLetter) -> dict[str, Any] | None:
    try:
        raw = json.loads(letter.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return raw if isinstance(raw, dict) else None


def _is_job_request(raw: dict[str, Any]) -> bool:
    return "request" in raw and "job_id" not in raw and "stage" not in raw


def job_of(letter: DeadLetter, stage: str) -> str | None:
    """The job a dead letter of ``stage`` belongs to, or None when it names none: read
    as the worker reads it (``parse_message``), so even a letter that is not JSON names
    its job when the worker could tell which."""
    try:
        return parse_message(letter.body, stage=stage).job_id
    except InvalidMessage as exc:
        if exc.job_id is not None:
            return exc.job_id
    raw = _body(letter)
    if raw is not None and _is_job_request(raw):
        return job_id_for(letter.message_id)
    return None


def read_dead_letters(backend: Backend, stages: list[str], *, limit: int) -> list[StageLetter]:
    """Up to ``limit`` dead letters of each stage, oldest first; they stay where they are."""
    return [
        StageLetter(stage=stage, letter=letter, job_id=job_of(letter, stage))
        for stage in stages
        for letter in backend.queue(stage).dead_letters(limit=limit)
    ]


def redrive(backend: Backend, stage: str, *, limit: int = 100) -> Redriven:
    """Move up to ``limit`` of ``stage``'s dead letters back to its queue, reopening
    each one's failed job first."""
    log = get_logger(component="dead_letters", stage=stage)
    result = Redriven(stage=stage)

    def prepare(letter: DeadLetter) -> str:
        body = letter.body
        job_id = job_of(letter, stage)
        if job_id is None:
            log.warning("redrive_without_job", message_id=letter.message_id)
            result.unchanged += 1
            return body
        raw = _body(letter)
        try:
            before = backend.jobs.get(job_id)
        except NotFound:
            # A job request that was never admitted (it was invalid): replay it as it is.
            log.warning("redrive_unknown_job", job_id=job_id, message_id=letter.message_id)
            result.unchanged += 1
            return body
        if raw is not None and _is_job_request(raw):
            body = StageMessage(
                job_id=job_id, stage=stage, artifacts={"request": request_key(job_id)}
            ).to_json()
        try:
            jobs.apply(backend.jobs, job_id, jobs.reopen(stage))
        except TransitionRefused as exc:
            log.info("redrive_job_not_reopened", job_id=job_id, reason=str(exc))
            result.unchanged += 1
            return body
        log.warning(
            "job_reopened",
            job_id=job_id,
            previous_error=before.error,
            dead_letter_reason=letter.reason,
        )
        result.reopened.append(job_id)
        return body

    result.moved = backend.queue(stage).redrive(limit=limit, prepare=prepare)
    return result


def fail_stranded_jobs(
    backend: Backend, stage: str, *, grace_seconds: float, limit: int = 100
) -> list[str]:
    """Fail the jobs whose ``stage`` message its queue dead-lettered by itself, after
    every delivery ended with its worker gone (``jobs.abandon``); returns their ids.
    Jobs already final, and stages another delivery may still hold, are left alone."""
    log = get_logger(component="dead_letters", stage=stage)
    failed = []
    for letter in backend.queue(stage).dead_letters(limit=limit):
        job_id = job_of(letter, stage)
        if job_id is None:
            continue
        reason = (
            f"the {stage} worker stopped without finishing {letter.receive_count} times "
            "(killed, out of memory or shut down), so the queue set the message aside; "
            f"`pixelscript dlq redrive {stage}` runs the stage again"
        )
        change = jobs.abandon(stage, letter.message_id, reason, grace_seconds=grace_seconds)
        try:
            jobs.apply(backend.jobs, job_id, change)
        except (TransitionRefused, NotFound):
            continue
        log.error(
            "job_failed_stranded",
            job_id=job_id,
            message_id=letter.message_id,
            receive_count=letter.receive_count,
        )
        failed.append(job_id)
    return failed
