"""The job state machine: pure transitions on ``JobRecord`` and one way to apply them.

Every change is a function of (record) -> record that either returns the new record
or raises ``TransitionRefused``; ``apply`` writes it with one conditional update and,
when another writer got there first, re-runs the function on the record that won.
So the table never moves backwards, whatever order late or duplicate messages
arrive in.

Stage timeline, one delivery holding the stage at a time::

    pending --claim--> running --complete--> done
                         |  ^
             retry_later |  | claim (same message again, or the lease ran out)
                         v  |
                       retrying
    any of the above --fail--> failed   (and the job with it)
    any of the above --abandon--> failed (its queue dead-lettered the message itself)
    failed --reopen--> pending          (only when its dead letter is redriven)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from shared.contracts import (
    JobRecord,
    JobRequest,
    JobStatus,
    StageState,
    StageStatus,
    utcnow,
)
from shared.errors import ConflictError, TransitionRefused
from shared.ports import JobTable

__all__ = [
    "Change",
    "abandon",
    "apply",
    "claim",
    "complete",
    "fail",
    "new_record",
    "release",
    "renew",
    "reopen",
    "retry_later",
]

Change = Callable[[JobRecord], JobRecord]

#: Conditional-write attempts before giving up on a record under heavy contention.
MAX_WRITE_ATTEMPTS = 20
PLOT_EXCERPT_CHARS = 160
ERROR_MAX_CHARS = 2000


def new_record(
    job_id: str, request: JobRequest, stages: Sequence[str], artifacts: dict[str, str]
) -> JobRecord:
    plot = " ".join(request.plot.split())
    if len(plot) > PLOT_EXCERPT_CHARS:
        plot = plot[: PLOT_EXCERPT_CHARS - 1] + "…"
    return JobRecord(
        job_id=job_id,
        director=request.director,
        plot_excerpt=plot,
        current_stage=stages[0],
        stages={name: StageState() for name in stages},
        artifacts=dict(artifacts),
    )


def _copy(record: JobRecord) -> JobRecord:
    return record.model_copy(deep=True)


def _stage(record: JobRecord, stage: str) -> StageState:
    try:
        return record.stages[stage]
    except KeyError:
        raise TransitionRefused(f"job has no stage {stage!r}", record=record) from None


def _short(error: str) -> str:
    error = " ".join(error.split())
    return error if len(error) <= ERROR_MAX_CHARS else error[: ERROR_MAX_CHARS - 1] + "…"


def claim(
    stage: str,
    claim_id: str,
    lease_seconds: float,
    now: datetime | None = None,
    *,
    sent_at: datetime | None = None,
) -> Change:
    """Take the stage for the delivery ``claim_id``, for ``lease_seconds``.

    Refused when the job is final, the stage is done, or another delivery holds a
    live lease: a duplicate message, or this same message delivered again while its
    first delivery still works on it. Once the lease has run out (its holder died or
    gave the stage back) any delivery takes the stage over. ``sent_at`` (the
    message's) gives the stage's queue wait on its first claim.
    """

    def change(record: JobRecord) -> JobRecord:
        at = now or utcnow()
        state = _stage(record, stage)
        if record.status.is_final:
            raise TransitionRefused(f"job is already {record.status}", record=record)
        if state.status in (StageStatus.DONE, StageStatus.FAILED):
            raise TransitionRefused(f"stage {stage} is already {state.status}", record=record)
        if (
            state.status == StageStatus.RUNNING
            and state.claim != claim_id
            and state.lease_until is not None
            and state.lease_until > at
        ):
            raise TransitionRefused(
                f"stage {stage} is held by another delivery until {state.lease_until:%H:%M:%S}",
                record=record,
            )
        updated = _copy(record)
        new_state = updated.stages[stage]
        new_state.status = StageStatus.RUNNING
        new_state.attempts += 1
        if new_state.started_at is None and sent_at is not None:
            # Clocks of sender and claimer may differ by a little; never negative.
            new_state.waited_seconds = max(0.0, round((at - sent_at).total_seconds(), 3))
        new_state.started_at = new_state.started_at or at
        new_state.claim = claim_id
        new_state.lease_until = at + timedelta(seconds=lease_seconds)
        updated.status = JobStatus.RUNNING
        updated.current_stage = stage
        return updated

    return change


def _held(record: JobRecord, stage: str, claim_id: str) -> StageState:
    state = _stage(record, stage)
    if record.status.is_final:
        # Failed meanwhile (a dead letter of another stage): nothing may finish it now;
        # a completion would turn a failed job into a succeeded one.
        raise TransitionRefused(f"job is already {record.status}", record=record)
    if state.status != StageStatus.RUNNING or state.claim != claim_id:
        raise TransitionRefused(
            f"stage {stage} is no longer held by this delivery ({state.status})", record=record
        )
    return state


def renew(stage: str, claim_id: str, lease_seconds: float, now: datetime | None = None) -> Change:
    """Extend the lease of the delivery that holds the stage (the heartbeat)."""

    def change(record: JobRecord) -> JobRecord:
        _held(record, stage, claim_id)
        updated = _copy(record)
        updated.stages[stage].lease_until = (now or utcnow()) + timedelta(seconds=lease_seconds)
        return updated

    return change


def complete(
    stage: str,
    claim_id: str,
    artifacts: dict[str, str],
    next_stage: str | None,
    now: datetime | None = None,
) -> Change:
    """Mark the stage done and record its artifacts; the job succeeds after the last."""

    def change(record: JobRecord) -> JobRecord:
        _held(record, stage, claim_id)
        at = now or utcnow()
        updated = _copy(record)
        state = updated.stages[stage]
        state.status = StageStatus.DONE
        state.finished_at = at
        state.error = None
        state.claim = None
        state.lease_until = None
        updated.artifacts.update(artifacts)
        if next_stage is None:
            updated.status = JobStatus.SUCCEEDED
            updated.current_stage = None
        else:
            updated.current_stage = next_stage
        return updated

    return change


def retry_later(stage: str, claim_id: str, error: str, now: datetime | None = None) -> Change:
    """Record a failed attempt that will be retried; the lease ends now so whichever
    delivery comes next may take the stage."""

    def change(record: JobRecord) -> JobRecord:
        _held(record, stage, claim_id)
        updated = _copy(record)
        state = updated.stages[stage]
        state.status = StageStatus.RETRYING
        state.error = _short(error)
        state.claim = None
        state.lease_until = now or utcnow()
        return updated

    return change


def release(stage: str, claim_id: str, now: datetime | None = None) -> Change:
    """Give the stage back without an error (the worker is stopping)."""

    def change(record: JobRecord) -> JobRecord:
        _held(record, stage, claim_id)
        updated = _copy(record)
        state = updated.stages[stage]
        state.status = StageStatus.PENDING
        state.claim = None
        state.lease_until = now or utcnow()
        return updated

    return change


def fail(stage: str, error: str, now: datetime | None = None) -> Change:
    """Fail the stage and the job with ``error``. Refused once the job is final, and
    for a stage that is done: a late copy of its message that cannot be read (a poison
    duplicate) must not fail a job that has moved on."""

    def change(record: JobRecord) -> JobRecord:
        if record.status.is_final:
            raise TransitionRefused(f"job is already {record.status}", record=record)
        done = record.stages.get(stage)
        if done is not None and done.status == StageStatus.DONE:
            raise TransitionRefused(f"stage {stage} is already done", record=record)
        at = now or utcnow()
        updated = _copy(record)
        state = updated.stages.get(stage)
        if state is not None:
            state.status = StageStatus.FAILED
            state.error = _short(error)
            state.finished_at = at
            state.claim = None
            state.lease_until = None
        updated.status = JobStatus.FAILED
        updated.current_stage = stage if state is not None else record.current_stage
        updated.error = _short(f"{stage}: {error}")
        return updated

    return change


def abandon(
    stage: str,
    message_id: str,
    error: str,
    *,
    grace_seconds: float,
    now: datetime | None = None,
) -> Change:
    """Fail a stage whose queue gave up on its message ``message_id``: every delivery
    ended without a word from its worker (killed, out of memory, stopped and released)
    until the queue moved the message to its dead letters, so no worker will finish or
    fail the job.

    Refused while a delivery may still be at work: a stage held by another message, a
    live lease, or one that ran out less than ``grace_seconds`` ago (another copy of the
    message, if there is one, has had that long to take over). Then as ``fail``.
    """

    def change(record: JobRecord) -> JobRecord:
        at = now or utcnow()
        state = _stage(record, stage)
        if state.claim is not None and not state.claim.startswith(f"{message_id}#"):
            raise TransitionRefused(f"stage {stage} is held by another message", record=record)
        if (
            state.lease_until is not None
            and state.lease_until + timedelta(seconds=grace_seconds) > at
        ):
            raise TransitionRefused(f"stage {stage} may still be at work", record=record)
        return fail(stage, error, at)(record)

    return change


def reopen(stage: str) -> Change:
    """Give a failed job another go at the stage it failed in: the one way out of
    ``failed``, taken only when that stage's dead letter is redriven
    (``shared.dead_letters``), so the message that comes back finds a stage it may claim.

    The stage goes back to pending with its attempts kept; the job is running again
    (queued if no stage is done yet) and loses its error, which the caller logs.
    Refused unless the job failed in ``stage``.
    """

    def change(record: JobRecord) -> JobRecord:
        state = _stage(record, stage)
        if record.status != JobStatus.FAILED:
            raise TransitionRefused(f"job is {record.status}, not failed", record=record)
        if state.status != StageStatus.FAILED:
            raise TransitionRefused(
                f"job failed in {record.current_stage}, not in {stage}", record=record
            )
        updated = _copy(record)
        new_state = updated.stages[stage]
        new_state.status = StageStatus.PENDING
        new_state.error = None
        new_state.finished_at = None
        new_state.claim = None
        new_state.lease_until = None
        done = any(s.status == StageStatus.DONE for s in updated.stages.values())
        updated.status = JobStatus.RUNNING if done else JobStatus.QUEUED
        updated.current_stage = stage
        updated.error = None
        return updated

    return change


def apply(table: JobTable, job_id: str, change: Change) -> JobRecord:
    """Read, change, write conditionally; on a lost race, change the winner's record.

    Raises ``TransitionRefused`` from ``change``, ``NotFound`` for an unknown job, and
    ``ConflictError`` only if the record keeps changing under us for
    ``MAX_WRITE_ATTEMPTS`` tries.
    """
    record = table.get(job_id)
    for _ in range(MAX_WRITE_ATTEMPTS):
        updated = change(record)
        updated.updated_at = utcnow()
        try:
            return table.update(updated, expected_version=record.version)
        except ConflictError as exc:
            record = exc.current if exc.current is not None else table.get(job_id)
    raise ConflictError(f"job {job_id} kept changing; gave up after {MAX_WRITE_ATTEMPTS} writes")
