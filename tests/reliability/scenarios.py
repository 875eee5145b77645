"""The fault scenarios: each runs one fault once on an ``Env`` and says what it saw.

A scenario counts what matters (jobs lost, work done twice) from evidence the worker
does not write itself: the stand-in handlers' ledger (one line per handler start and
finish), messages taken off the next stage's queue, the job table's writes and, on
the local backend, SQLite's count of messages ever sent. Every other expectation it
checks becomes a line in ``problems``. The tests run each scenario on both backends
and require a clean run; ``tests.reliability.report`` runs them several times and
prints the table.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.backends import Backend
from shared.contracts import JobRecord, JobStatus, StageMessage, StageStatus
from shared.dead_letters import read_dead_letters, redrive
from shared.pipeline import load_handler, next_stage
from shared.ports import BlobStore, JobPage, JobTable
from shared.submit import submit
from shared.worker import Outcome, Worker
from tests.reliability.harness import (
    STAGES,
    Env,
    Workers,
    dead_letter_total,
    messages_sent,
    plot_request,
    take_all,
    wait_final,
)
from tests.support import stub_pipeline
from tests.support.waiting import wait_until

__all__ = [
    "FaultRun",
    "blob_write_fails",
    "concurrent_delivery",
    "disk_full_process",
    "duplicate_send",
    "kill_mid_handler",
    "killed_every_time",
    "late_messages",
    "poison_messages",
    "run_in_process",
    "sigterm_busy_worker",
    "table_outage",
]


@dataclass
class FaultRun:
    """One run of one scenario."""

    fault: str
    backend: str
    jobs: int = 0
    #: Jobs that did not end as the scenario says they must (succeeded, or failed with
    #: their reason), counted at the end of the run.
    lost: int = 0
    #: Work done twice: handler runs finished more than once, or downstream messages
    #: or stage transitions beyond one.
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    @property
    def passed(self) -> bool:
        return not self.problems and self.lost == 0 and self.duplicates == 0


# ---------------------------------------------------------------- helpers


def stub_worker(backend: Backend, env: Env, stage: str, handler: Any = None) -> Worker:
    return Worker(
        stage,
        handler or stub_pipeline.handle,
        backend=backend,
        settings=env.settings,
        next_stage=next_stage(stage),
    )


def run_in_process(
    env: Env, job_ids: list[str], *, timeout: float = 60, backend: Backend | None = None
) -> dict[str, JobRecord]:
    """A stand-in worker per stage, in this process, until every job is final."""
    backend = backend or env.backend
    workers = [stub_worker(backend, env, stage) for stage in STAGES]
    deadline = time.monotonic() + timeout
    while True:
        records = {job_id: backend.jobs.get(job_id) for job_id in job_ids}
        if all(record.status.is_final for record in records.values()):
            return records
        idle = all(worker.run_once(0) is None for worker in workers)
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs not final after {timeout} s")
        if idle:
            time.sleep(0.05)


def part_files(env: Env) -> list[Path]:
    """Temporary files a write left behind (local backend)."""
    return sorted(env.data_dir.rglob("*.part")) if env.kind == "local" else []


class RecordingJobTable:
    """A ``JobTable`` that keeps every record it stored: the transitions, counted."""

    def __init__(self, inner: JobTable, writes: list[JobRecord], lock: threading.Lock) -> None:
        self.inner = inner
        self.writes = writes
        self.lock = lock

    def create(self, record: JobRecord) -> JobRecord:
        return self.inner.create(record)

    def get(self, job_id: str) -> JobRecord:
        return self.inner.get(job_id)

    def update(self, record: JobRecord, *, expected_version: int) -> JobRecord:
        stored = self.inner.update(record, expected_version=expected_version)
        with self.lock:
            self.writes.append(stored)
        return stored

    def list(self, **kwargs: Any) -> JobPage:
        return self.inner.list(**kwargs)


def stage_transitions(first: JobRecord, writes: list[JobRecord], stage: str) -> Counter[str]:
    """How often ``stage`` was claimed and marked done across the recorded writes."""
    counted: Counter[str] = Counter()
    previous = first.stages[stage]
    for record in sorted(writes, key=lambda r: r.version):
        state = record.stages[stage]
        if state.attempts > previous.attempts:
            counted["claim"] += 1
        if state.status == StageStatus.DONE and previous.status != StageStatus.DONE:
            counted["done"] += 1
        previous = state
    return counted


class FailingBlobs:
    """A ``BlobStore`` whose ``fail_on``-th write fails as a full disk (or a broken
    upload) fails it; every other call goes through."""

    def __init__(self, inner: BlobStore, fail_on: int) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.writes = 0

    def _write(self, write: Callable[[], None]) -> None:
        self.writes += 1
        if self.writes == self.fail_on:
            raise OSError(errno.ENOSPC, "No space left on device")
        write()

    def put(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        self._write(lambda: self.inner.put(key, data, content_type=content_type))

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        self._write(lambda: self.inner.put_file(key, path, content_type=content_type))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _started_by(env: Env, job: str, stage: str, pid: int) -> bool:
    return any(entry["pid"] == pid for entry in env.ledger().starts(job, stage))


class Gate:
    """A stand-in handler that holds on, once inside, until the test lets it go."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.inside, self.release = threading.Event(), threading.Event()
        # One item per entry: list.append is atomic where ``+= 1`` is not.
        self._entries: list[None] = []

    @property
    def calls(self) -> int:
        """Times the handler was entered."""
        return len(self._entries)

    def handle(self, message: StageMessage, context: Any) -> StageMessage:
        self._entries.append(None)
        self.inside.set()
        self.release.wait(self.timeout)
        return stub_pipeline.handle(message, context)


# ---------------------------------------------------------------- the scenarios


def kill_mid_handler(env: Env, workers: Workers, *, timeout: float = 60) -> FaultRun:
    """kill -9 a worker of every stage in the middle of its handler, one job."""
    run = FaultRun("kill -9 mid-handler, each stage", env.kind, jobs=1)
    # Given one worker process per stage, each stuck for good in its first handler run
    hanging = {stage: workers.start(stage, PIXELSCRIPT_STUB_HANG=stage) for stage in STAGES}
    workers.wait_ready()
    # When a job runs and each stage's worker is killed (-9) in the middle of its
    # handler, a fresh worker taking its place (as ECS replaces a task)
    job = submit(env.backend, plot_request()).job_id
    for stage, process in hanging.items():
        wait_until(
            lambda stage=stage, process=process: _started_by(env, job, stage, process.pid),
            timeout=timeout,
            what=f"the {stage} handler to start",
        )
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        workers.start(stage)
    # Then the job completes once each message's visibility has expired
    record = wait_final(env.backend, [job], timeout=timeout, check=workers.check_alive)[job]
    run.lost = int(record.status != JobStatus.SUCCEEDED)
    ledger = env.ledger()
    finishes, starts = ledger.count("finish"), ledger.count("start")
    # And every stage's handler finished (wrote its artifact, handed off) exactly once
    run.duplicates = sum(max(0, finishes[(job, stage)] - 1) for stage in STAGES)
    for stage in STAGES:
        run.expect(finishes[(job, stage)] == 1, f"{stage} finished {finishes[(job, stage)]}x")
        run.expect(starts[(job, stage)] == 2, f"{stage} started {starts[(job, stage)]}x, not 2")
        attempts = record.stages[stage].attempts
        run.expect(attempts == 2, f"{stage} has {attempts} attempts, not 2 (killed, then done)")
        run.expect(stage in record.artifacts, f"the record lists no {stage} artifact")
    sent = messages_sent(env)
    run.expect(sent in (None, len(STAGES)), f"{sent} messages sent, not one per stage")
    run.expect(dead_letter_total(env) == 0, "something was dead-lettered")
    return run


def killed_every_time(env: Env, workers: Workers, *, timeout: float = 60) -> FaultRun:
    """kill -9 every worker that takes one stage's message, until the queue gives up on
    it by itself: a worker of the stage fails the job saying so, and a redrive then
    finishes it, every handler finishing once."""
    run = FaultRun("kill -9 every delivery, queue gives up", env.kind, jobs=1)
    stage, receives = STAGES[1], env.settings.worker.max_receives
    # Given workers for every other stage
    for other in STAGES:
        if other != stage:
            workers.start(other)
    job = submit(env.backend, plot_request()).job_id
    # When each worker that takes the stage's message is killed (-9) in its handler,
    # as many times as the queue delivers it
    for _ in range(receives):
        hanging = workers.start(stage, PIXELSCRIPT_STUB_HANG=stage)
        wait_until(
            lambda hanging=hanging: _started_by(env, job, stage, hanging.pid),
            timeout=timeout,
            what=f"the {stage} handler to start",
        )
        hanging.send_signal(signal.SIGKILL)
        hanging.wait(10)
    # Then a worker of the stage, looking in its dead letters, fails the job readably
    workers.start(stage, PIXELSCRIPT_WORKER__STRANDED_CHECK_SECONDS="0.5")
    record = wait_final(env.backend, [job], timeout=timeout, check=workers.check_alive)[job]
    run.expect(record.status == JobStatus.FAILED, f"the job is {record.status}")
    run.expect(
        f"stopped without finishing {receives} times" in (record.error or ""),
        f"error {record.error!r}",
    )
    run.expect(len(workers.events("job_failed_stranded")) == 1, "not one job_failed_stranded")
    # And once redriven, the job runs to the end
    result = redrive(env.backend, stage)
    run.expect(result.reopened == [job], f"reopened {result.reopened}")
    done = wait_final(env.backend, [job], timeout=timeout, check=workers.check_alive)[job]
    run.lost = int(done.status != JobStatus.SUCCEEDED)
    finishes = env.ledger().count("finish")
    run.duplicates = sum(max(0, finishes[(job, name)] - 1) for name in STAGES)
    run.expect(env.ledger().count("start")[(job, stage)] == receives + 1, "starts != kills + 1")
    return run


def concurrent_delivery(env: Env, *, timeout: float = 30) -> FaultRun:
    """The same stage message delivered twice at once (SQS may): one handler run, one
    downstream message, one claim and one completion."""
    run = FaultRun("same message delivered twice at once", env.kind, jobs=1)
    # Given a job's first message, and two workers with their own connections, whose
    # handler holds on until the test lets it go
    writes: list[JobRecord] = []
    lock = threading.Lock()

    def recorded(backend: Backend) -> Backend:
        table = RecordingJobTable(backend.jobs, writes, lock)
        return Backend(backend.kind, backend.blobs, table, backend.make_queue)

    first_backend, second_backend = recorded(env.connect()), recorded(env.connect())
    created = submit(env.backend, plot_request())
    job, stage = created.job_id, STAGES[0]
    gate = Gate(timeout)
    first = stub_worker(first_backend, env, stage, gate.handle)
    second = stub_worker(second_backend, env, stage, gate.handle)
    # When the first worker is inside the handler and the queue delivers the message
    # again, to the second (its visibility cut short, as a lost heartbeat would)
    [delivery] = first.queue.receive(wait_seconds=5, visibility_timeout=30)
    outcomes: dict[str, Outcome | None] = {}
    thread = threading.Thread(target=lambda: outcomes.update(first=first.process(delivery)))
    thread.start()
    run.expect(gate.inside.wait(timeout), "the first delivery never reached the handler")
    first.queue.extend(delivery.receipt, 0)
    outcomes["second"] = second.run_once(wait_seconds=5)
    gate.release.set()
    thread.join(timeout)
    # Then the second delivery waits for the first instead of running, and the first
    # completes the stage
    run.expect(outcomes == {"first": Outcome.DONE, "second": Outcome.DEFERRED}, str(outcomes))
    # And if the deferred delivery comes back (the first one's delete may have removed
    # it already) it finds the stage done and is dropped
    if env.queue(stage).depth():
        late = second.run_once(wait_seconds=2 * env.settings.worker.visibility_timeout + 2)
        run.expect(late == Outcome.DUPLICATE, f"the deferred delivery ended {late}")
    downstream = take_all(env.backend.queue(next_stage(stage)))
    counted = stage_transitions(created, writes, stage)
    run.duplicates = (gate.calls - 1) + (len(downstream) - 1) + (counted["claim"] - 1)
    run.duplicates += counted["done"] - 1
    run.expect(gate.calls == 1, f"the handler ran {gate.calls} times")
    run.expect(len(downstream) == 1, f"{len(downstream)} downstream messages")
    run.expect(counted == Counter(claim=1, done=1), f"transitions {dict(counted)}")
    record = env.backend.jobs.get(job)
    run.lost = int(record.stages[stage].status != StageStatus.DONE)
    run.expect(env.backend.queue(stage).depth() == 0, f"the {stage} queue is not empty")
    return run


def duplicate_send(env: Env, *, timeout: float = 30) -> FaultRun:
    """One stage message sent twice (a producer's retry), both copies held at once by
    two workers: one runs, the other is dropped."""
    run = FaultRun("same message sent twice, held at once", env.kind, jobs=1)
    # Given two copies of a job's first message on the queue and two workers
    writes: list[JobRecord] = []
    lock = threading.Lock()
    backends = [env.connect(), env.connect()]
    backends = [
        Backend(b.kind, b.blobs, RecordingJobTable(b.jobs, writes, lock), b.make_queue)
        for b in backends
    ]
    created = submit(env.backend, plot_request())
    job, stage = created.job_id, STAGES[0]
    first_body = take_all(env.backend.queue(stage))[0]
    for _ in range(2):
        env.backend.queue(stage).send(first_body)
    gate = Gate(timeout)
    first, second = (stub_worker(backend, env, stage, gate.handle) for backend in backends)
    # When both workers take a copy while the first is still in its handler
    outcomes: dict[str, Outcome | None] = {}
    thread = threading.Thread(target=lambda: outcomes.update(first=first.run_once(5)))
    thread.start()
    run.expect(gate.inside.wait(timeout), "no delivery reached the handler")
    outcomes["second"] = second.run_once(wait_seconds=5)
    gate.release.set()
    thread.join(timeout)
    # Then one ran and the other was dropped: one downstream message, one transition
    run.expect(outcomes == {"first": Outcome.DONE, "second": Outcome.DUPLICATE}, str(outcomes))
    downstream = take_all(env.backend.queue(next_stage(stage)))
    counted = stage_transitions(created, writes, stage)
    run.duplicates = (gate.calls - 1) + (len(downstream) - 1) + (counted["claim"] - 1)
    run.duplicates += counted["done"] - 1
    run.expect(len(downstream) == 1, f"{len(downstream)} downstream messages")
    run.expect(counted == Counter(claim=1, done=1), f"transitions {dict(counted)}")
    run.lost = int(env.backend.jobs.get(job).stages[stage].status != StageStatus.DONE)
    run.expect(env.backend.queue(stage).depth() == 0, f"the {stage} queue is not empty")
    return run


def poison_messages(env: Env, *, timeout: float = 60) -> FaultRun:
    """Messages no worker can process are dead-lettered with their jobs failed; once the
    cause is fixed, a redrive lets the job run again."""
    run = FaultRun("poison messages, then redrive", env.kind, jobs=3)
    stage = STAGES[1]
    # Given three jobs past the first stage whose next messages are poison: not JSON,
    # an unknown schema version, and one naming an artifact that is not there
    job_ids = [submit(env.backend, plot_request(i)).job_id for i in range(3)]
    first = stub_worker(env.backend, env, STAGES[0])
    while first.run_once(0) is not None:
        pass
    bodies = {StageMessage.model_validate_json(b).job_id: b for b in take_all(env.queue(stage))}
    broken, old_schema, missing = job_ids
    lost_key = f"jobs/{missing}/{STAGES[0]}-lost.txt"
    poison = {
        broken: bodies[broken][: len(bodies[broken]) // 2],
        old_schema: bodies[old_schema].replace('"schema":1', '"schema":2'),
        missing: bodies[missing].replace(f"jobs/{missing}/{STAGES[0]}.txt", lost_key),
    }
    for body in poison.values():
        env.queue(stage).send(body)
    # When the stage's worker meets them
    worker = stub_worker(env.backend, env, stage)
    outcomes = [worker.run_once(1) for _ in poison]
    # Then each is dead-lettered and its job failed with a reason a person can read
    run.expect(outcomes == [Outcome.DEAD_LETTERED] * 3, f"outcomes {outcomes}")
    reasons = {
        broken: "message is not JSON",
        old_schema: "schema version 2",
        missing: f"the job's {STAGES[0]} artifact is missing",
    }
    for job_id, reason in reasons.items():
        record = env.backend.jobs.get(job_id)
        run.expect(
            record.status == JobStatus.FAILED and reason in (record.error or ""),
            f"job {job_id[:8]} is {record.status} with error {record.error!r}",
        )
    letters = read_dead_letters(env.backend, [stage], limit=10)
    run.expect(
        {letter.job_id for letter in letters} == set(job_ids), "letters do not name their jobs"
    )
    # When the missing artifact is restored and the stage's dead letters are redriven
    env.backend.blobs.put(lost_key, b"restored")
    result = redrive(env.backend, stage)
    run.expect(result.moved == 3, f"{result.moved} letters redriven")
    run.expect(sorted(result.reopened) == sorted(job_ids), "not every failed job reopened")
    # Then the fixed job runs to the end; the other two are dead-lettered again
    records = run_in_process(env, job_ids, timeout=timeout)
    run.lost = int(records[missing].status != JobStatus.SUCCEEDED)
    run.lost += sum(records[j].status != JobStatus.FAILED for j in (broken, old_schema))
    finishes = env.ledger().count("finish")
    run.duplicates = sum(max(0, n - 1) for n in finishes.values())
    run.expect(dead_letter_total(env) == 2, f"{dead_letter_total(env)} dead letters, not 2")
    return run


def sigterm_busy_worker(
    env: Env, workers: Workers, *, finishes: bool, timeout: float = 60
) -> FaultRun:
    """SIGTERM to a worker inside its handler: it stops receiving, finishes (if it can
    within the stop timeout) or releases its message, and exits 0."""
    how = "finishes in time" if finishes else "released at the stop timeout"
    run = FaultRun(f"SIGTERM to a busy worker ({how})", env.kind, jobs=1)
    stage = STAGES[0]
    # Given a worker process of the first stage, busy in its handler
    stop_timeout = 10.0 if finishes else 0.5
    settings = {"PIXELSCRIPT_WORKER__STOP_TIMEOUT": str(stop_timeout)}
    if finishes:
        settings["PIXELSCRIPT_STUB_SECONDS"] = "1.5"
    else:
        settings["PIXELSCRIPT_STUB_HANG"] = stage
    process = workers.start(stage, **settings)
    workers.wait_ready()
    job = submit(env.backend, plot_request()).job_id
    wait_until(
        lambda: _started_by(env, job, stage, process.pid), timeout=timeout, what="the handler"
    )
    # When it gets SIGTERM
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(stop_timeout + 20)
    took = time.monotonic() - signalled
    # Then it exits 0 within its stop timeout (and a little for the last poll)
    run.expect(code == 0, f"exit code {code}")
    run.expect(took <= stop_timeout + 5, f"took {took:.1f} s to stop")
    state = env.backend.jobs.get(job).stages[stage]
    if finishes:
        run.expect(state.status == StageStatus.DONE, f"the stage is {state.status}, not done")
    else:
        # And the message is back at once, not after its visibility timeout
        queue = env.queue(stage)
        back = queue.receive(wait_seconds=1, visibility_timeout=30)
        run.expect(len(back) == 1 and back[0].receive_count == 2, "the message was not released")
        for received in back:
            queue.extend(received.receipt, 0)
        run.expect(
            (state.status, state.claim) == (StageStatus.PENDING, None),
            f"the stage is {state.status}, held by {state.claim}",
        )
    # And the job, finished by other workers, succeeds with every stage run once
    record = run_in_process(env, [job], timeout=timeout)[job]
    run.lost = int(record.status != JobStatus.SUCCEEDED)
    finishes_seen = env.ledger().count("finish")
    run.duplicates = sum(max(0, n - 1) for n in finishes_seen.values())
    return run


def late_messages(env: Env, *, timeout: float = 60) -> FaultRun:
    """Copies of every stage's message arriving after the job succeeded (and out of
    order) never move the job backwards and run nothing again."""
    run = FaultRun("late and duplicate messages after success", env.kind, jobs=1)
    # Given a job that ran through every stage
    job = submit(env.backend, plot_request()).job_id
    done = run_in_process(env, [job], timeout=timeout)[job]
    runs_before = env.ledger().count("finish")
    # When every stage's message arrives again, last stage first, twice each
    for index, stage in reversed(list(enumerate(STAGES))):
        earlier = {name: done.artifacts[name] for name in ["request", *STAGES[:index]]}
        body = StageMessage(job_id=job, stage=stage, artifacts=earlier).to_json()
        for _ in range(2):
            env.queue(stage).send(body)
    outcomes = Counter(
        stub_worker(env.backend, env, stage).run_once(1) for stage in STAGES for _ in range(2)
    )
    # Then each is dropped as a duplicate, the record is exactly as it was, nothing ran
    run.expect(outcomes == Counter({Outcome.DUPLICATE: 10}), f"outcomes {dict(outcomes)}")
    after = env.backend.jobs.get(job)
    run.expect(after == done, "the job record changed")
    run.lost = int(after.status != JobStatus.SUCCEEDED)
    runs_after = env.ledger().count("finish")
    run.duplicates = sum((runs_after - runs_before).values())
    run.expect(all(env.queue(s).depth() == 0 for s in STAGES), "a queue is not empty")
    return run


def blob_write_fails(env: Env) -> FaultRun:
    """The blob store fails a write (a full disk, a broken upload) in the real script
    stage: the attempt fails and is retried; nothing of it is published as done."""
    run = FaultRun("blob write fails mid-stage", env.kind, jobs=1)
    stage = STAGES[0]
    # Given the real script stage (offline writer) whose blob store fails its second
    # write once: script.json is written, script.fountain is not
    failing = FailingBlobs(env.backend.blobs, fail_on=2)
    backend = Backend(env.kind, failing, env.backend.jobs, env.backend.make_queue)
    worker = stub_worker(backend, env, stage, load_handler(stage))
    job = submit(env.backend, plot_request()).job_id
    # When the stage runs
    first = worker.run_once(5)
    # Then the attempt is to be retried, and neither artifact is published as done
    record = env.backend.jobs.get(job)
    state = record.stages[stage]
    run.expect(first == Outcome.RETRY, f"the first attempt ended {first}")
    run.expect(state.status == StageStatus.RETRYING, f"the stage is {state.status}")
    run.expect("No space left on device" in (state.error or ""), f"error {state.error!r}")
    run.expect(not {"script", "fountain"} & set(record.artifacts), "the failed attempt's artifacts")
    run.expect(env.queue(next_stage(stage)).depth() == 0, "a downstream message was sent")
    run.expect(part_files(env) == [], f"temporary files left: {part_files(env)}")
    # And the retry completes the stage and publishes it once
    second = worker.run_once(5)
    record = env.backend.jobs.get(job)
    downstream = take_all(env.queue(next_stage(stage)))
    run.expect(second == Outcome.DONE, f"the retry ended {second}")
    run.expect({"script", "fountain"} <= set(record.artifacts), "artifacts not recorded")
    run.expect(record.stages[stage].attempts == 2, "not two attempts")
    run.lost = int(record.stages[stage].status != StageStatus.DONE)
    run.duplicates = max(0, len(downstream) - 1)
    run.expect(len(downstream) == 1, f"{len(downstream)} downstream messages")
    return run


def disk_full_process(env: Env, workers: Workers, *, timeout: float = 60) -> FaultRun:
    """A worker process that cannot write past 1 MB (RLIMIT_FSIZE) fails its 2 MB
    artifact part-way, attempt after attempt: no partial file stays, the job fails
    cleanly, and once space is back a redrive finishes it."""
    run = FaultRun("disk full: writes fail part-way (RLIMIT_FSIZE)", env.kind, jobs=1)
    stage, size = STAGES[0], 2_000_000
    # Given a first-stage worker process limited to 1 MB files, its handler writing 2 MB
    limited = workers.start(
        stage,
        command=[sys.executable, "-m", "tests.support.limited_worker", "1000000", stage],
        PIXELSCRIPT_STUB_BYTES=str(size),
    )
    job = submit(env.backend, plot_request()).job_id
    # When the stage runs
    record = wait_final(env.backend, [job], timeout=timeout, check=workers.check_alive)[job]
    # Then every attempt fails part-way, and the stage gives up cleanly after the limit
    receives = env.settings.worker.max_receives
    run.expect(record.status == JobStatus.FAILED, f"the job is {record.status}")
    run.expect(
        f"gave up after {receives} attempts" in (record.error or "")
        and "File too large" in (record.error or ""),
        f"error {record.error!r}",
    )
    ledger = env.ledger()
    run.expect(ledger.count("start")[(job, stage)] == receives, "not one start per delivery")
    run.expect(ledger.count("finish")[(job, stage)] == 0, "a failed attempt finished")
    key = f"jobs/{job}/{stage}.txt"
    run.expect(not env.backend.blobs.exists(key), "a partial artifact was left in place")
    run.expect(part_files(env) == [], f"temporary files left: {part_files(env)}")
    run.expect(stage not in record.artifacts, "the record lists the failed artifact")
    limited.send_signal(signal.SIGTERM)
    run.expect(limited.wait(20) == 0, "the limited worker did not exit 0")
    # When space is back (workers without the limit) and the dead letter is redriven
    result = redrive(env.backend, stage)
    run.expect(result.reopened == [job], f"reopened {result.reopened}")
    # Then the job runs to the end, the artifact whole
    done = run_in_process(env, [job], timeout=timeout)[job]
    run.lost = int(done.status != JobStatus.SUCCEEDED)
    run.expect(done.artifacts.get(stage) == key and env.backend.blobs.exists(key), "no artifact")
    run.duplicates = sum(max(0, n - 1) for n in env.ledger().count("finish").values())
    return run


class FlakyJobTable(RecordingJobTable):
    """A job table that cannot be reached for its first ``failures`` reads."""

    def __init__(self, inner: JobTable, failures: int) -> None:
        super().__init__(inner, [], threading.Lock())
        self.failures = failures

    def get(self, job_id: str) -> JobRecord:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the job table did not answer (simulated outage)")
        return self.inner.get(job_id)


def table_outage(env: Env, *, timeout: float = 30) -> FaultRun:
    """The job table is unreachable when a worker takes a message: the worker lives
    on, the message comes back, the stage runs once."""
    run = FaultRun("job table unreachable mid-message", env.kind, jobs=1)
    stage = STAGES[0]
    # Given a running worker whose job table fails its first read
    created = submit(env.backend, plot_request())
    flaky = FlakyJobTable(env.backend.jobs, failures=1)
    backend = Backend(env.kind, env.backend.blobs, flaky, env.backend.make_queue)
    worker = stub_worker(backend, env, stage)
    thread = threading.Thread(target=worker.run, daemon=True)
    # When it meets the outage on the job's message
    thread.start()
    try:
        wait_until(
            lambda: env.backend.jobs.get(created.job_id).stages[stage].status == "done",
            timeout=timeout,
            what="the stage to run after the outage",
        )
        alive = thread.is_alive()
    finally:
        worker.stop(0)
        thread.join(10)
    # Then the worker survived it and the stage ran once, handing off once
    run.expect(alive, "the worker died")
    record = env.backend.jobs.get(created.job_id)
    run.expect(record.stages[stage].attempts == 1, f"{record.stages[stage].attempts} claims")
    downstream = take_all(env.queue(next_stage(stage)))
    run.duplicates = max(0, len(downstream) - 1) + max(0, record.stages[stage].attempts - 1)
    run.expect(len(downstream) == 1, f"{len(downstream)} downstream messages")
    run.lost = int(record.stages[stage].status != StageStatus.DONE)
    return run


# Every scenario that takes only an Env, by name, for the report.
IN_PROCESS: dict[str, Callable[[Env], FaultRun]] = {
    "concurrent_delivery": concurrent_delivery,
    "duplicate_send": duplicate_send,
    "poison_messages": poison_messages,
    "late_messages": late_messages,
    "blob_write_fails": blob_write_fails,
    "table_outage": table_outage,
}
