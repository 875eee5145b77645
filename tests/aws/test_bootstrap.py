"""``pixelscript aws bootstrap`` and ``provision``: the CDK app's shape on an emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from shared.backends import queue_name
from shared.backends.aws.schema import INDEX_NEWEST, INDEX_STATUS, dead_letter_queue_name
from shared.cli import app
from shared.pipeline import stage_names
from shared.settings import Settings


def bootstrap(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "PIXELSCRIPT_BACKEND": "aws",
        "PIXELSCRIPT_AWS__ENDPOINT_URL": str(settings.aws.endpoint_url),
        "PIXELSCRIPT_AWS__BUCKET": settings.aws.bucket,
        "PIXELSCRIPT_AWS__TABLE": settings.aws.table,
        "PIXELSCRIPT_AWS__QUEUE_PREFIX": settings.aws.queue_prefix,
        "PIXELSCRIPT_WORKER__MAX_RECEIVES": "5",
    }.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(app, ["aws", "bootstrap"])


class TestBootstrap:
    def test_bootstrap_creates_queues_with_redrive_bucket_and_table(
        self, aws_settings: Settings, aws_clients: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every stage gets a queue whose redrive policy names its DLQ; twice is fine."""
        first = bootstrap(aws_settings, monkeypatch)
        assert first.exit_code == 0, first.output
        assert bootstrap(aws_settings, monkeypatch).exit_code == 0
        sqs = aws_clients.sqs
        for stage in stage_names():
            url = sqs.get_queue_url(QueueName=queue_name(aws_settings, stage))["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
            assert policy["deadLetterTargetArn"].endswith(
                f":{dead_letter_queue_name(aws_settings, stage)}"
            )
            assert int(policy["maxReceiveCount"]) == 5
        aws_clients.s3.head_bucket(Bucket=aws_settings.aws.bucket)
        table = aws_clients.dynamodb.describe_table(TableName=aws_settings.aws.table)["Table"]
        assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {
            INDEX_NEWEST,
            INDEX_STATUS,
        }
        ttl = aws_clients.dynamodb.describe_time_to_live(TableName=aws_settings.aws.table)
        assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"

    def test_bootstrap_without_an_endpoint_refuses_real_aws(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Real AWS belongs to the CDK app; the command says so instead of creating."""
        monkeypatch.delenv("PIXELSCRIPT_AWS__ENDPOINT_URL", raising=False)
        result = CliRunner().invoke(app, ["aws", "bootstrap"])
        assert result.exit_code == 2
        assert "CDK app" in result.output

    def test_queue_without_redrive_policy_is_reported_clearly(
        self, aws_backend: Any, aws_clients: Any, aws_settings: Settings
    ) -> None:
        """A queue made by hand without a DLQ fails with a message naming the fix."""
        from shared.backends.aws import SQSQueue
        from shared.errors import NotFound

        name = queue_name(aws_settings, "bare")
        aws_clients.sqs.create_queue(QueueName=name)
        with pytest.raises(NotFound, match="no redrive policy"):
            _ = SQSQueue(aws_clients.sqs, name).max_receives
        with pytest.raises(NotFound, match="does not exist"):
            SQSQueue(aws_clients.sqs, f"{name}-missing").send("x")
