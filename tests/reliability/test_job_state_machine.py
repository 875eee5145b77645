"""The job state machine (``shared.jobs``) under any order of deliveries: hypothesis
drives claims, heartbeats, completions, retries, releases, failures and redrive
reopenings from three deliveries at once with the clock moving on, and checks after
every step that the record never moves backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from shared import jobs
from shared.contracts import JobRecord, JobRequest, JobStatus, StageStatus
from shared.errors import TransitionRefused

STAGES = ["first", "second"]
DELIVERIES = st.sampled_from(["m1#a", "m1#b", "m2#a"])
STAGE = st.sampled_from(STAGES)
START = datetime(2025, 1, 1, tzinfo=UTC)


class JobUnderAnyDeliveryOrder(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        request = JobRequest(plot="A job pulled every which way.", director="Varda")
        self.record: JobRecord = jobs.new_record("0" * 32, request, STAGES, {})
        self.now = START
        self.done: set[str] = set()
        self.attempts = dict.fromkeys(STAGES, 0)
        self.reopened = False

    def step(self, change: jobs.Change) -> bool:
        """Apply ``change`` as ``jobs.apply`` would; a refusal leaves the record alone."""
        before = self.record
        try:
            self.record = change(before)
        except TransitionRefused as exc:
            assert exc.record is before
            return False
        return True

    @rule(seconds=st.integers(min_value=0, max_value=90))
    def time_passes(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule(stage=STAGE, delivery=DELIVERIES)
    def claim(self, stage: str, delivery: str) -> None:
        before = self.record.stages[stage]
        if self.step(jobs.claim(stage, delivery, 60, self.now)):
            assert before.status not in (StageStatus.DONE, StageStatus.FAILED)
            # Only a lease that ran out (or none) lets another delivery in.
            if before.status == StageStatus.RUNNING and before.claim != delivery:
                assert before.lease_until is not None and before.lease_until <= self.now

    @rule(stage=STAGE, delivery=DELIVERIES)
    def heartbeat(self, stage: str, delivery: str) -> None:
        self.step(jobs.renew(stage, delivery, 60, self.now))

    @rule(stage=STAGE, delivery=DELIVERIES)
    def complete(self, stage: str, delivery: str) -> None:
        last = stage == STAGES[-1]
        self.step(jobs.complete(stage, delivery, {stage: "k"}, None if last else "x", self.now))

    @rule(stage=STAGE, delivery=DELIVERIES)
    def retry_later(self, stage: str, delivery: str) -> None:
        self.step(jobs.retry_later(stage, delivery, "throttled", self.now))

    @rule(stage=STAGE, delivery=DELIVERIES)
    def release(self, stage: str, delivery: str) -> None:
        self.step(jobs.release(stage, delivery, self.now))

    @rule(stage=STAGE)
    def dead_letter(self, stage: str) -> None:
        self.step(jobs.fail(stage, "poison", self.now))

    @rule(stage=STAGE, message=st.sampled_from(["m1", "m2"]), grace=st.sampled_from([0, 60]))
    def queue_gave_up(self, stage: str, message: str, grace: int) -> None:
        """The queue dead-lettered ``message`` by itself and a worker's check abandons."""
        before = self.record.stages[stage]
        if self.step(
            jobs.abandon(stage, message, "workers died", grace_seconds=grace, now=self.now)
        ):
            # Never while another message holds the stage or a lease may still be live.
            assert before.claim is None or before.claim.startswith(f"{message}#")
            assert before.lease_until is None or (
                before.lease_until + timedelta(seconds=grace) <= self.now
            )
            assert self.record.stages[stage].status == StageStatus.FAILED

    @rule(stage=STAGE)
    def redrive(self, stage: str) -> None:
        was_failed = self.record.status == JobStatus.FAILED
        if self.step(jobs.reopen(stage)):
            assert was_failed
            assert self.record.stages[stage].status == StageStatus.PENDING

    @invariant()
    def never_backwards(self) -> None:
        record = self.record
        now_done = {name for name, s in record.stages.items() if s.status == StageStatus.DONE}
        # A done stage stays done, whatever arrives later.
        assert self.done <= now_done, (self.done, now_done)
        self.done = now_done
        for name, state in record.stages.items():
            # Attempts only grow; a stage is held only while running.
            assert state.attempts >= self.attempts[name]
            self.attempts[name] = state.attempts
            assert (state.status == StageStatus.RUNNING) == (state.claim is not None)
        if record.status == JobStatus.SUCCEEDED:
            assert STAGES[-1] in now_done and record.error is None
        if record.status == JobStatus.FAILED:
            assert record.error and any(
                s.status == StageStatus.FAILED for s in record.stages.values()
            )


def test_a_job_failed_while_a_stage_runs_cannot_be_completed_into_success() -> None:
    """Found by the machine above: the last stage finishing after the job was failed
    (a dead letter of another stage) must not turn it into a success."""
    machine = JobUnderAnyDeliveryOrder()
    machine.claim(delivery="m1#b", stage=STAGES[-1])
    machine.dead_letter(stage=STAGES[0])
    machine.complete(delivery="m1#b", stage=STAGES[-1])
    assert machine.record.status == JobStatus.FAILED
    machine.never_backwards()


JobUnderAnyDeliveryOrder.TestCase.settings = settings(
    # 6,000 examples of 60 steps found nothing more (a minute); 400 keep CI quick.
    max_examples=400,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestJobUnderAnyDeliveryOrder = JobUnderAnyDeliveryOrder.TestCase


def test_a_succeeded_job_is_final_for_every_transition() -> None:
    """Nothing but reopen can take a job out of a final state, and reopen refuses a
    success."""
    request = JobRequest(plot="Done and dusted.", director="Varda")
    record = jobs.new_record("1" * 32, request, STAGES, {})
    for stage in STAGES:
        record = jobs.claim(stage, "m#a", 60, START)(record)
        record = jobs.complete(stage, "m#a", {}, None if stage == STAGES[-1] else "x")(record)
    assert record.status == JobStatus.SUCCEEDED
    for change in [
        jobs.claim(STAGES[0], "m#b", 60, START + timedelta(days=1)),
        jobs.fail(STAGES[0], "late poison"),
        jobs.abandon(STAGES[0], "m", "workers died", grace_seconds=0),
        jobs.reopen(STAGES[-1]),
        jobs.retry_later(STAGES[-1], "m#a", "late"),
    ]:
        try:
            change(record)
        except TransitionRefused:
            continue
        raise AssertionError(f"{change} changed a succeeded job")
