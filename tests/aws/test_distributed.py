"""The whole pipeline on AWS APIs: every stage's worker as its own process on a moto
server, a job started the way a user with only SQS access would start it.

Given the queues (each with a DLQ and redrive policy), the bucket and the table,
and one ``python -m services.<stage>`` process per stage in ``shared.pipeline``;
when a job request is sent to the first queue with plain boto3 ``send_message``;
then the job record says succeeded and every artifact it names is in S3.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from shared.backends import queue_name
from shared.backends.aws import provision
from shared.backends.aws.jobtable import DynamoJobTable
from shared.backends.aws.schema import dead_letter_queue_name
from shared.contracts import JobRecord, JobStatus
from shared.errors import NotFound
from shared.health import is_fresh
from shared.intake import job_id_for
from shared.pipeline import stage_names
from shared.settings import Settings
from tests.fakes.moto import FAKE_CREDENTIALS
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
#: Generous: every stage that exists runs, on two shared cores, in cold processes.
JOB_TIMEOUT_SECONDS = 150
STOP_TIMEOUT_SECONDS = 30

pytestmark = pytest.mark.slow


def worker_environment(settings: Settings, data_dir: Path) -> dict[str, str]:
    """What a container's task definition sets, pointed at the moto server."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PIXELSCRIPT_", "OPENAI_", "AWS_"))
    }
    return {
        **inherited,
        **FAKE_CREDENTIALS,
        "PYTHONPATH": str(REPO),
        "PIXELSCRIPT_BACKEND": "aws",
        "PIXELSCRIPT_ENVIRONMENT": settings.environment,
        "PIXELSCRIPT_DATA_DIR": str(data_dir),
        "PIXELSCRIPT_LOG_FORMAT": "json",
        "PIXELSCRIPT_AWS__REGION": settings.aws.region,
        "PIXELSCRIPT_AWS__ENDPOINT_URL": str(settings.aws.endpoint_url),
        "PIXELSCRIPT_AWS__BUCKET": settings.aws.bucket,
        "PIXELSCRIPT_AWS__TABLE": settings.aws.table,
        "PIXELSCRIPT_AWS__QUEUE_PREFIX": settings.aws.queue_prefix,
        "PIXELSCRIPT_WORKER__VISIBILITY_TIMEOUT": "30",
        # Short polls so SIGTERM is answered quickly at the end of the test.
        "PIXELSCRIPT_WORKER__WAIT_SECONDS": "1",
        "PIXELSCRIPT_WORKER__MAX_RECEIVES": str(settings.worker.max_receives),
        "PIXELSCRIPT_WORKER__HEALTH_FILE": str(data_dir / "health"),
    }


class Workers:
    """The stage worker processes and their logs."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def logs(self) -> str:
        return "\n".join(
            f"--- {stage}\n{log.read_text(errors='replace')[-2500:]}"
            for stage, _, log in self.processes
        )

    def check_alive(self) -> None:
        """Fail at once, with the logs, if a worker has died (not after the timeout)."""
        dead = [(stage, p.returncode) for stage, p, _ in self.processes if p.poll() is not None]
        if dead:
            raise AssertionError(f"worker(s) exited early {dead}:\n{self.logs()}")


@pytest.fixture
def workers(aws_settings: Settings, aws_clients: Any, tmp_path: Path) -> Iterator[Workers]:
    """One worker process per stage on freshly provisioned resources."""
    provision(aws_clients, aws_settings, stage_names())
    started = Workers()
    for stage in stage_names():
        data_dir = tmp_path / stage
        data_dir.mkdir()
        log = tmp_path / f"{stage}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", f"services.{stage}"],
                cwd=tmp_path,
                env=worker_environment(aws_settings, data_dir),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.processes.append((stage, process, log))
    try:
        yield started
    finally:
        for _, process, _ in started.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {}
        for stage, process, _ in started.processes:
            try:
                codes[stage] = process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[stage] = process.wait()
    # SIGTERM is how ECS stops a task: every worker must leave cleanly, in time.
    assert all(code == 0 for code in codes.values()), f"exit codes {codes}:\n{started.logs()}"


def test_raw_json_job_request_runs_through_every_stage_worker(
    aws_settings: Settings, workers: Workers, tmp_path: Path
) -> None:
    """A job request sent with plain boto3 comes out succeeded, its artifacts in S3."""
    # Given a user with nothing but boto3 and the queue's name
    endpoint, region = aws_settings.aws.endpoint_url, aws_settings.aws.region
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
    intake = sqs.get_queue_url(QueueName=queue_name(aws_settings, stage_names()[0]))["QueueUrl"]

    # When they send a job request as raw JSON
    request = {
        "plot": "A lighthouse keeper finds a message in a bottle and sails to answer it.",
        "director": "Agnès Varda",
        "options": {"max_scenes": 3, "seed": 7},
    }
    reply = sqs.send_message(
        QueueUrl=intake, MessageBody=json.dumps({"schema": 1, "request": request})
    )
    job_id = job_id_for(reply["MessageId"])

    # Then the job record (read as the status API would) says succeeded
    table = DynamoJobTable(
        boto3.client("dynamodb", endpoint_url=endpoint, region_name=region),
        aws_settings.aws.table,
        retention_days=aws_settings.aws.job_retention_days,
    )

    def finished() -> JobRecord | None:
        workers.check_alive()
        try:
            record = table.get(job_id)
        except NotFound:
            return None
        return record if record.status.is_final else None

    record = wait_until(finished, timeout=JOB_TIMEOUT_SECONDS, interval=0.5, what="the job")
    assert record.status == JobStatus.SUCCEEDED, f"{record.error}\n{workers.logs()}"
    assert all(state.status == "done" for state in record.stages.values())
    assert list(record.stages) == stage_names()

    # And every artifact the record names is an object in the bucket
    assert "request" in record.artifacts
    for name, key in record.artifacts.items():
        head = s3.head_object(Bucket=aws_settings.aws.bucket, Key=key)
        assert head["ContentLength"] > 0, f"artifact {name} ({key}) is empty"
    stored = s3.get_object(Bucket=aws_settings.aws.bucket, Key=record.artifacts["request"])
    assert json.loads(stored["Body"].read())["director"] == "Agnès Varda"
    # And no stage dead-lettered anything, and every worker kept its health file fresh
    for stage in stage_names():
        dlq = sqs.get_queue_url(QueueName=dead_letter_queue_name(aws_settings, stage))["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0", f"{stage} dead-lettered"
        assert is_fresh(tmp_path / stage / "health", 60), f"{stage} health file is stale"
