"""What the AWS backend adds beyond the port contract: presigned URLs, the item
layout the CDK table indexes, error mapping, and receipt rules that make SQS behave
like the local backend."""

from __future__ import annotations

import urllib.request
import uuid
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from shared.backends import Backend
from shared.backends.aws import DynamoJobTable, S3BlobStore
from shared.backends.aws.jobtable import sort_key
from shared.contracts import JobRecord, JobRequest, new_job_id
from shared.errors import NotFound
from shared.jobs import new_record
from shared.settings import Settings


@pytest.fixture(params=["local", "aws"])
def backend(request: pytest.FixtureRequest) -> Backend:
    built: Backend = request.getfixturevalue(f"{request.param}_backend")
    return built


@pytest.fixture
def queue_stage() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


def record(**changes: object) -> JobRecord:
    request = JobRequest(plot="A tide clock stops at noon.", director="Varda")
    return new_record(new_job_id(), request, ["script"], {}).model_copy(update=changes)


class TestPresignedUrls:
    def test_presigned_url_serves_the_blob_with_its_type(self, aws_backend: Backend) -> None:
        """The URL needs no credentials and returns the bytes as video/mp4."""
        key = f"jobs/{new_job_id()}/movie.mp4"
        aws_backend.blobs.put(key, b"\x00\x00\x00\x18ftypmp42")
        url = aws_backend.blobs.url(key, expires_in=60)
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert reply.read() == b"\x00\x00\x00\x18ftypmp42"
            assert reply.headers["Content-Type"] == "video/mp4"


class TestJobItems:
    def test_item_carries_the_index_and_ttl_attributes(
        self, aws_backend: Backend, aws_clients: Any, aws_settings: Settings
    ) -> None:
        """The stored item has the keys both indexes sort on and an expiry in the future."""
        stored = aws_backend.jobs.create(record())
        item = aws_clients.dynamodb.get_item(
            TableName=aws_settings.aws.table, Key={"job_id": {"S": stored.job_id}}
        )["Item"]
        assert item["kind"] == {"S": "job"}
        assert item["status"] == {"S": "queued"}
        assert item["version"] == {"N": "1"}
        assert item["created"] == {"S": sort_key(stored)}
        retention = timedelta(days=aws_settings.aws.job_retention_days)
        assert int(item["expires_at"]["N"]) == int((stored.created_at + retention).timestamp())

    def test_sort_key_orders_by_time_then_id(self) -> None:
        """Text order of the sort key is time order, ties broken by job id."""
        early, late = record(), record()
        late = late.model_copy(update={"created_at": early.created_at + timedelta(microseconds=1)})
        assert sort_key(early) < sort_key(late)


class TestErrorMapping:
    def test_unknown_s3_errors_are_not_turned_into_not_found(self) -> None:
        """AccessDenied is re-raised as the ClientError it is, not hidden as NotFound."""
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")  # fmt: skip
        store = S3BlobStore(s3, "bucket")
        with Stubber(s3) as stub:
            stub.add_client_error("get_object", "AccessDenied", http_status_code=403)
            stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
            with pytest.raises(ClientError, match="AccessDenied"):
                store.get("jobs/a/b.json")
            with pytest.raises(NotFound):
                store.get("jobs/a/b.json")
            stub.assert_no_pending_responses()

    def test_throttled_conditional_write_is_not_a_conflict(self) -> None:
        """Only ConditionalCheckFailedException means "lost the race"; throttling re-raises."""
        dynamodb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x",
                                aws_secret_access_key="x")  # fmt: skip
        table = DynamoJobTable(dynamodb, "jobs", retention_days=1)
        with Stubber(dynamodb) as stub:
            stub.add_client_error("put_item", "ProvisionedThroughputExceededException", 400)
            with pytest.raises(ClientError, match="ProvisionedThroughput"):
                table.update(record(), expected_version=1)
            stub.assert_no_pending_responses()


class TestStaleReceipts:
    """SQS (and moto, which honours every receipt a message ever had) would let an old
    receipt delete or move a redelivered message; both backends refuse, as the port says."""

    def test_stale_receipt_deletes_nothing(self, backend: Backend, queue_stage: str) -> None:
        queue = backend.queue(queue_stage)
        queue.send("held twice")
        [first] = queue.receive(wait_seconds=5, visibility_timeout=1)
        [second] = queue.receive(wait_seconds=10, visibility_timeout=1)
        queue.delete(first.receipt)
        [third] = queue.receive(wait_seconds=10, visibility_timeout=30)
        assert third.message_id == second.message_id and third.receive_count == 3

    def test_stale_receipt_dead_letters_nothing(self, backend: Backend, queue_stage: str) -> None:
        queue = backend.queue(queue_stage)
        queue.send("not yours")
        [first] = queue.receive(wait_seconds=5, visibility_timeout=1)
        queue.receive(wait_seconds=10, visibility_timeout=30)
        queue.dead_letter(first, "stale")
        assert queue.dead_letters() == []
        assert queue.depth() == 1

    def test_foreign_receipt_extends_nothing(self, backend: Backend, queue_stage: str) -> None:
        assert backend.queue(queue_stage).extend("not-a-receipt", 30) is False
