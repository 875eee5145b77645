"""What the reliability scenarios run on, shared by the tests and the report command.

An ``Env`` is one backend (local SQLite and disk, or AWS APIs on a moto server) with
every stage's queue, settings tuned for fast faults (2 s visibility, no backoff), and
ways to start stage workers as real processes (``python -m services.<stage>``, the
container's command) running the stand-in handlers of ``tests.support.stub_pipeline``.
The tests build an ``Env`` from their fixtures; ``tests.reliability.report`` builds
its own, moto server included.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.backends import Backend, open_backend
from shared.contracts import JobRecord, JobRequest
from shared.errors import NotFound
from shared.pipeline import stage_names
from shared.ports import Queue
from shared.settings import AWSSettings, Settings, WorkerSettings
from tests.fakes.moto import FAKE_CREDENTIALS
from tests.fakes.moto import moto_server as fake_moto_server
from tests.support.stub_pipeline import Ledger, read_ledger

__all__ = [
    "FAULT_WORKER",
    "REPO",
    "STAGES",
    "STUB_PIPELINE",
    "Env",
    "Workers",
    "aws_env",
    "dead_letter_total",
    "local_env",
    "messages_sent",
    "moto_server",
    "plot_request",
    "take_all",
    "wait_final",
]

REPO = Path(__file__).resolve().parents[2]
STUB_PIPELINE = "tests.support.stub_pipeline"
#: The real stage names: the stand-in pipeline keeps them.
STAGES = stage_names()
#: Faults show quickly: a dead worker's message is back after 2 s, retries are at once.
FAULT_WORKER = WorkerSettings(
    visibility_timeout=2,
    wait_seconds=0.2,
    max_receives=3,
    stop_timeout=5,
    backoff_min=0,
    backoff_max=0,
)
#: Environment a worker process must not inherit from whoever runs the tests.
_CLEARED_PREFIXES = ("PIXELSCRIPT_", "OPENAI_", "AWS_")


def plot_request(index: int = 0) -> JobRequest:
    return JobRequest(plot=f"Clock number {index} runs backwards.", director="Agnès Varda")


@dataclass
class Env:
    """One backend with every stage's queue, and how a process reaches it."""

    kind: str
    settings: Settings
    backend: Backend
    #: AWS only: the moto server and fake credentials.
    endpoint: str | None = None

    @property
    def data_dir(self) -> Path:
        """The local backend's data, and every process's stand-in ledger."""
        return self.settings.data_dir

    def connect(self) -> Backend:
        """A second backend on the same resources with its own connections, as another
        process would have."""
        if self.kind == "local":
            return open_backend(self.settings)
        from shared.backends.aws import make_clients, open_aws_backend

        return open_aws_backend(self.settings, clients=make_clients(self.settings))

    def queue(self, stage: str) -> Queue:
        return self.backend.queue(stage)

    def ledger(self) -> Ledger:
        return read_ledger(self.data_dir)

    def process_env(self, **extra: str) -> dict[str, str]:
        """A worker process's environment, as a container's task definition sets it."""
        worker = self.settings.worker
        env = {k: v for k, v in os.environ.items() if not k.startswith(_CLEARED_PREFIXES)}
        env.update(
            PYTHONPATH=str(REPO),
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
            PIXELSCRIPT_PIPELINE=STUB_PIPELINE,
            PIXELSCRIPT_BACKEND=self.kind,
            PIXELSCRIPT_DATA_DIR=str(self.data_dir),
            PIXELSCRIPT_ENVIRONMENT=self.settings.environment,
            PIXELSCRIPT_LOG_FORMAT="json",
            PIXELSCRIPT_WORKER__VISIBILITY_TIMEOUT=str(worker.visibility_timeout),
            PIXELSCRIPT_WORKER__WAIT_SECONDS=str(worker.wait_seconds),
            PIXELSCRIPT_WORKER__MAX_RECEIVES=str(worker.max_receives),
            PIXELSCRIPT_WORKER__STOP_TIMEOUT=str(worker.stop_timeout),
            PIXELSCRIPT_WORKER__BACKOFF_MIN=str(worker.backoff_min),
            PIXELSCRIPT_WORKER__BACKOFF_MAX=str(worker.backoff_max),
        )
        if self.kind == "aws":
            from tests.fakes.moto import FAKE_CREDENTIALS

            aws = self.settings.aws
            env.update(FAKE_CREDENTIALS)
            env.update(
                PIXELSCRIPT_AWS__REGION=aws.region,
                PIXELSCRIPT_AWS__ENDPOINT_URL=str(aws.endpoint_url),
                PIXELSCRIPT_AWS__BUCKET=aws.bucket,
                PIXELSCRIPT_AWS__TABLE=aws.table,
                PIXELSCRIPT_AWS__QUEUE_PREFIX=aws.queue_prefix,
            )
        env.update(extra)
        return env


def local_env(root: Path, worker: WorkerSettings = FAULT_WORKER) -> Env:
    settings = Settings(_env_file=None, data_dir=root / "data", worker=worker)  # type: ignore[call-arg]
    return Env("local", settings, open_backend(settings))


def aws_env(root: Path, endpoint: str, worker: WorkerSettings = FAULT_WORKER) -> Env:
    """Fresh, uniquely named queues (with DLQs), bucket and table on the moto server."""
    from shared.backends.aws import make_clients, open_aws_backend, provision

    unique = uuid.uuid4().hex[:12]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        backend="aws",
        data_dir=root / "data",
        worker=worker,
        aws=AWSSettings(
            endpoint_url=endpoint,
            region="us-east-1",
            bucket=f"pixelscript-rel-{unique}",
            table=f"pixelscript-rel-{unique}",
            queue_prefix=f"rel{unique}",
        ),
    )
    clients = make_clients(settings)
    provision(clients, settings, STAGES)
    return Env("aws", settings, open_aws_backend(settings, clients=clients), endpoint)


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 for a run outside pytest (the report command)."""
    os.environ.update(FAKE_CREDENTIALS)
    with fake_moto_server() as endpoint:
        yield endpoint


# ---------------------------------------------------------------- worker processes


@dataclass
class Workers:
    """Stage worker processes and their logs (one JSON event per line)."""

    env: Env
    logs_dir: Path
    processes: list[tuple[str, subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(
        self, stage: str, *, command: list[str] | None = None, **extra_env: str
    ) -> subprocess.Popen[bytes]:
        """``python -m services.<stage>`` (the container's command) or ``command``."""
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log = self.logs_dir / f"{stage}-{len(self.processes)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command or [sys.executable, "-m", f"services.{stage}"],
                cwd=self.logs_dir,
                env=self.env.process_env(**extra_env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append((stage, process, log))
        return process

    def start_all(self, per_stage: int = 1, **extra_env: str) -> None:
        for stage in STAGES:
            for _ in range(per_stage):
                self.start(stage, **extra_env)

    def wait_ready(self, timeout: float = 30) -> None:
        """Until every live process has logged ``worker_started`` (imports done)."""
        deadline = time.monotonic() + timeout
        while not all(
            "worker_started" in log.read_text(errors="replace")
            for _, process, log in self.processes
            if process.poll() is None
        ):
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"workers did not start in {timeout} s:\n{self.logs()}")
            time.sleep(0.05)

    def events(self, name: str) -> list[dict[str, Any]]:
        """Every logged event called ``name``, from every process."""
        found = []
        for _, _, log in self.processes:
            for line in log.read_text(errors="replace").splitlines():
                with contextlib.suppress(json.JSONDecodeError):
                    event = json.loads(line)
                    if isinstance(event, dict) and event.get("event") == name:
                        found.append(event)
        return found

    def logs(self, tail: int = 2500) -> str:
        return "\n".join(
            f"--- {stage} pid {process.pid}\n{log.read_text(errors='replace')[-tail:]}"
            for stage, process, log in self.processes
        )

    def check_alive(self) -> None:
        """Fail at once, with the logs, when a worker nobody killed has died."""
        dead = [
            (stage, process.returncode)
            for stage, process, _ in self.processes
            if process.poll() is not None and process.returncode != -signal.SIGKILL
        ]
        if dead:
            raise AssertionError(f"worker(s) exited early {dead}:\n{self.logs()}")

    def stop_all(self, timeout: float = 20) -> dict[int, int]:
        """SIGTERM to every live process, as ECS stops a task; exit codes by pid."""
        live = [process for _, process, _ in self.processes if process.poll() is None]
        for process in live:
            process.send_signal(signal.SIGTERM)
        codes = {}
        for process in live:
            try:
                codes[process.pid] = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[process.pid] = process.wait()
        return codes


# ---------------------------------------------------------------- observing


def wait_final(
    backend: Backend,
    job_ids: list[str],
    *,
    timeout: float,
    check: Callable[[], None] = lambda: None,
    interval: float = 0.1,
) -> dict[str, JobRecord]:
    """Every job's record once all are succeeded or failed; ``TimeoutError`` naming the
    unfinished ones otherwise. ``check`` runs on every poll (to fail early)."""
    deadline = time.monotonic() + timeout
    final: dict[str, JobRecord] = {}
    while True:
        for job_id in job_ids:
            if job_id in final:
                continue
            with contextlib.suppress(NotFound):
                record = backend.jobs.get(job_id)
                if record.status.is_final:
                    final[job_id] = record
        if len(final) == len(job_ids):
            return final
        check()
        if time.monotonic() > deadline:
            waiting = sorted(set(job_ids) - set(final))
            raise TimeoutError(f"{len(waiting)} job(s) not final after {timeout} s: {waiting[:5]}")
        time.sleep(interval)


def take_all(queue: Queue) -> list[str]:
    """Receive and delete every message now waiting on ``queue``: how many messages a
    stage sent to a queue nobody consumes."""
    bodies: list[str] = []
    while batch := queue.receive(max_messages=10, wait_seconds=0, visibility_timeout=60):
        for received in batch:
            bodies.append(received.body)
            queue.delete(received.receipt)
    return bodies


def dead_letter_total(env: Env) -> int:
    """Dead letters in every stage's DLQ. On SQS the DLQ's message count, which is cheap:
    reading the letters long-polls each DLQ."""
    if env.kind == "local":
        return sum(len(env.queue(stage).dead_letters(limit=1000)) for stage in STAGES)
    total = 0
    for stage in STAGES:
        queue: Any = env.queue(stage)
        reply = queue.sqs.get_queue_attributes(
            QueueUrl=queue.dead_letter_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )
        total += sum(int(value) for value in reply["Attributes"].values())
    return total


def messages_sent(env: Env) -> int | None:
    """Messages ever sent on the local backend (SQLite's AUTOINCREMENT counter of the
    messages table); None on AWS, where SQS keeps no such count."""
    if env.kind != "local":
        return None
    connection = sqlite3.connect(env.data_dir / "pixelscript.db")
    try:
        row = connection.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'messages'"
        ).fetchone()
    finally:
        connection.close()
    return int(row[0]) if row else 0
