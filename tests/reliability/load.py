"""Load: many jobs at once through ``pixelscript serve`` (local, submitted through the
API) and through the distributed setup (AWS APIs on moto, one process per stage
worker), with the stand-in handlers of ``tests.support.stub_pipeline``: what is
measured is the runtime (queues, claims, hand-offs), not the painting.

Counted, not assumed: every job's final state, each handler's starts and finishes
(ledger), each stage's claims (the record's attempts), downstream messages (SQLite's
count of messages sent, locally; duplicates the workers dropped or deferred, read from
their logs, on AWS), and dead letters. Measured: throughput from the first submission
to the last job's end, each job's latency (created to finished), and each stage's
queue wait (``StageState.waited_seconds``: the message's ``sent_at`` to its claim).
"""

from __future__ import annotations

import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.backends import Backend, open_backend
from shared.contracts import JobRecord, JobStatus
from shared.settings import WorkerSettings
from shared.submit import submit
from tests.reliability.harness import (
    STAGES,
    Env,
    Workers,
    aws_env,
    dead_letter_total,
    local_env,
    messages_sent,
    plot_request,
)

__all__ = ["LOAD_WORKER", "LoadRun", "distributed_load", "serve_load"]

#: Settings of a healthy deployment, only quicker to poll.
LOAD_WORKER = WorkerSettings(
    visibility_timeout=30, wait_seconds=1, max_receives=4, stop_timeout=10, backoff_min=1
)
API_KEY = "load-test-key-0123456789"


@dataclass
class LoadRun:
    setup: str
    jobs: int
    workers_per_stage: int
    #: Seconds each stand-in handler waits (a provider call's stand-in).
    stage_seconds: float
    succeeded: int = 0
    lost: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    #: Stage -> every job's queue wait there.
    waits: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    @property
    def passed(self) -> bool:
        return not self.problems and self.lost == 0 and self.duplicates == 0

    @property
    def throughput(self) -> float:
        """Jobs per minute, first submission to last finish."""
        return 60 * self.succeeded / self.seconds if self.seconds else 0.0

    def latency(self, quantile: float) -> float:
        return _quantile(self.latencies, quantile)

    def wait(self, stage: str, quantile: float = 0.5) -> float:
        return _quantile(self.waits.get(stage, []), quantile)


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def _judge(
    run: LoadRun, env: Env, records: dict[str, JobRecord], started: float, *, ledger: bool = True
) -> None:
    """Count what happened to every job, from the records and (stand-in handlers) the
    ledger."""
    run.succeeded = sum(r.status == JobStatus.SUCCEEDED for r in records.values())
    run.lost = run.jobs - run.succeeded
    ends = [r.updated_at.timestamp() for r in records.values()]
    run.seconds = max(ends) - started if ends else 0.0
    run.latencies = sorted((r.updated_at - r.created_at).total_seconds() for r in records.values())
    run.waits = {
        stage: sorted(
            r.stages[stage].waited_seconds or 0.0
            for r in records.values()
            if r.stages[stage].waited_seconds is not None
        )
        for stage in STAGES
    }
    extra_claims = sum(
        max(0, r.stages[stage].attempts - 1) for r in records.values() for stage in STAGES
    )
    run.duplicates = extra_claims
    if ledger:
        runs = env.ledger()
        starts, finishes = runs.count("start"), runs.count("finish")
        run.duplicates += sum(max(0, n - 1) for n in finishes.values())
        expected = {(job, stage) for job in records for stage in STAGES}
        run.expect(set(finishes) == expected, "a handler never finished for some job and stage")
        run.expect(max(starts.values(), default=0) <= 1, "a handler started twice")
    sent = messages_sent(env)
    run.expect(
        sent in (None, run.jobs * len(STAGES)),
        f"{sent} messages sent, not {run.jobs * len(STAGES)} (one per job and stage)",
    )
    run.expect(dead_letter_total(env) == 0, "something was dead-lettered")


# ---------------------------------------------------------------- pixelscript serve


def _serve_command() -> list[str]:
    script = Path(sys.executable).with_name("pixelscript")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shared.cli"]


def _start_serve(
    env: Env, workers_per_stage: int, stage_seconds: float, log: Path, *, films: bool
) -> tuple[subprocess.Popen[str], str]:
    process_env = env.process_env(
        PIXELSCRIPT_API__KEYS=API_KEY, PIXELSCRIPT_STUB_SECONDS=str(stage_seconds)
    )
    if films:
        # The real stages: an empty PIXELSCRIPT_PIPELINE is the default pipeline.
        process_env["PIXELSCRIPT_PIPELINE"] = ""
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                *_serve_command(),
                "serve",
                "--port",
                "0",
                "--workers-per-stage",
                str(workers_per_stage),
            ],
            env=process_env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    banner, deadline = "", time.monotonic() + 60
    while "Press Ctrl+C" not in banner:
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"serve did not start:\n{banner}\n{log.read_text()}")
        try:
            banner += lines.get(timeout=0.5)
        except queue.Empty:
            continue
    found = re.search(r"on (http://\S+)/", banner)
    assert found, banner
    return process, found.group(1)


def serve_load(
    root: Path,
    *,
    jobs: int = 50,
    workers_per_stage: int = 1,
    stage_seconds: float = 0.1,
    films: bool = False,
) -> LoadRun:
    """``jobs`` submitted at once through the API of ``pixelscript serve``; with
    ``films``, real ones (every real stage, three scenes at 480p) instead of stand-ins."""
    env = local_env(root, LOAD_WORKER)
    setup = "pixelscript serve, real films" if films else "pixelscript serve (local)"
    run = LoadRun(setup, jobs, workers_per_stage, 0.0 if films else stage_seconds)
    # Given pixelscript serve: the API and every stage's workers in one process
    process, url = _start_serve(
        env, workers_per_stage, stage_seconds, root / "serve.log", films=films
    )
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=30) as api:
            # When the jobs are submitted at once, from as many clients
            started = time.time()
            with ThreadPoolExecutor(max_workers=16) as pool:
                replies = list(
                    pool.map(lambda i: api.post("/jobs", json=_body(i, films)), range(jobs))
                )
            run.expect(all(r.status_code == 202 for r in replies), "a submission was refused")
            job_ids = [r.json()["job_id"] for r in replies if r.status_code == 202]
            # Then every job ends (the API says how many are still unfinished)
            _wait_through_api(api, jobs, timeout=(600 if films else 2) * jobs + 120)
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(30)
    # Ctrl+C's conventional status (uvicorn ends by re-raising the interrupt), or 0.
    run.expect(code in (0, 130, -signal.SIGINT), f"serve exited {code}")
    backend = open_backend(env.settings)
    _judge(run, env, {job: backend.jobs.get(job) for job in job_ids}, started, ledger=not films)
    return run


def _body(index: int, films: bool) -> dict[str, object]:
    body = plot_request(index).model_dump(mode="json")
    if films:
        body["options"] |= {"max_scenes": 3, "resolution": "480p", "seed": index}
    return body


def _count(api: httpx.Client, status: str) -> int:
    """Jobs with ``status``, every page of the list read."""
    counted, cursor = 0, None
    while True:
        params = {"status": status, "limit": 100} | ({"cursor": cursor} if cursor else {})
        page = api.get("/jobs", params=params).json()
        counted += len(page["jobs"])
        cursor = page["next_cursor"]
        if cursor is None:
            return counted


def _wait_through_api(api: httpx.Client, jobs: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        done = _count(api, "succeeded") + _count(api, "failed")
        if done >= jobs:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{jobs - done} of {jobs} jobs unfinished after {timeout} s")
        time.sleep(0.2)


# ---------------------------------------------------------------- distributed on moto


def distributed_load(
    root: Path,
    endpoint: str,
    *,
    jobs: int = 50,
    workers_per_stage: int = 1,
    stage_seconds: float = 0.1,
) -> LoadRun:
    """``jobs`` submitted at once to SQS, S3 and DynamoDB on moto, one process per
    stage worker (``workers_per_stage`` of each)."""
    env = aws_env(root, endpoint, LOAD_WORKER)
    run = LoadRun("distributed (AWS APIs on moto)", jobs, workers_per_stage, stage_seconds)
    # Given the stage workers as processes, ready
    workers = Workers(env, root / "logs")
    workers.start_all(workers_per_stage, PIXELSCRIPT_STUB_SECONDS=str(stage_seconds))
    try:
        workers.wait_ready()
        # When the jobs are submitted at once
        started = time.time()
        with ThreadPoolExecutor(max_workers=16) as pool:
            records = list(
                pool.map(lambda i: submit(_thread_backend(env), plot_request(i)), range(jobs))
            )
        job_ids = [record.job_id for record in records]
        # Then every job ends
        from tests.reliability.harness import wait_final

        final = wait_final(
            env.backend,
            job_ids,
            timeout=120 + 2 * jobs,
            check=workers.check_alive,
            interval=0.25,
        )
    finally:
        codes = workers.stop_all()
    run.expect(all(code == 0 for code in codes.values()), f"worker exit codes {codes}")
    dropped = len(workers.events("duplicate_dropped")) + len(workers.events("delivery_deferred"))
    run.expect(dropped == 0, f"{dropped} duplicate deliveries met (dropped or deferred)")
    _judge(run, env, final, started)
    return run


_local = threading.local()


def _thread_backend(env: Env) -> Backend:
    """One backend per submitting thread, as separate clients would have."""
    if getattr(_local, "env", None) is not env:
        _local.env, _local.backend = env, env.connect()
    backend: Backend = _local.backend
    return backend


def speedup(one: LoadRun, two: LoadRun) -> float:
    return two.throughput / one.throughput if one.throughput else 0.0
