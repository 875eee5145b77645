"""Create the queues, bucket and table for emulators (moto server, LocalStack).

In AWS the CDK app in ``infra/`` owns these resources; this is the same shape for
the tests and ``pixelscript aws bootstrap``. Every call is idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.backends.aws.clients import AWSClients, error_code
from shared.backends.aws.schema import (
    ATTR_CREATED,
    ATTR_EXPIRES,
    ATTR_JOB_ID,
    ATTR_KIND,
    ATTR_STATUS,
    INDEX_NEWEST,
    INDEX_STATUS,
    dead_letter_queue_name,
    queue_name,
)
from shared.backends.limits import MAX_WAIT_SECONDS
from shared.settings import Settings

__all__ = [
    "DEAD_LETTER_RETENTION_SECONDS",
    "QUEUE_RETENTION_SECONDS",
    "Provisioned",
    "provision",
    "provision_bucket",
    "provision_queue",
    "provision_table",
]

#: A stage message is useful for days at most; its dead letter must outlive it so
#: someone can read and redrive it (SQS's maximum, 14 days).
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class Provisioned:
    bucket: str
    table: str
    queues: dict[str, str]


def provision_queue(clients: AWSClients, settings: Settings, stage: str) -> str:
    """The stage's queue and its DLQ, with the redrive policy; returns the queue URL."""
    sqs = clients.sqs
    dlq_url = sqs.create_queue(
        QueueName=dead_letter_queue_name(settings, stage),
        Attributes={
            "MessageRetentionPeriod": str(DEAD_LETTER_RETENTION_SECONDS),
            "SqsManagedSseEnabled": "true",
        },
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(
        sqs.create_queue(
            QueueName=queue_name(settings, stage),
            Attributes={
                "MessageRetentionPeriod": str(QUEUE_RETENTION_SECONDS),
                "VisibilityTimeout": str(settings.worker.visibility_timeout),
                "ReceiveMessageWaitTimeSeconds": str(MAX_WAIT_SECONDS),
                "SqsManagedSseEnabled": "true",
                "RedrivePolicy": json.dumps(
                    {
                        "deadLetterTargetArn": dlq_arn,
                        "maxReceiveCount": settings.worker.max_receives,
                    }
                ),
            },
        )["QueueUrl"]
    )


def provision_bucket(clients: AWSClients, settings: Settings) -> str:
    """A private, encrypted bucket named ``settings.aws.bucket``."""
    s3, bucket, region = clients.s3, settings.aws.bucket, settings.aws.region
    try:
        if region == "us-east-1":
            # us-east-1 refuses an explicit LocationConstraint for itself.
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
    except ClientError as exc:
        if error_code(exc) != "BucketAlreadyOwnedByYou":
            raise
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    return bucket


def provision_table(clients: AWSClients, settings: Settings) -> str:
    """The job table with both newest-first indexes and TTL, on demand."""
    dynamodb, table = clients.dynamodb, settings.aws.table
    index_keys = {INDEX_NEWEST: ATTR_KIND, INDEX_STATUS: ATTR_STATUS}
    try:
        dynamodb.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"}
                for name in (ATTR_JOB_ID, ATTR_KIND, ATTR_STATUS, ATTR_CREATED)
            ],
            KeySchema=[{"AttributeName": ATTR_JOB_ID, "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index,
                    "KeySchema": [
                        {"AttributeName": partition, "KeyType": "HASH"},
                        {"AttributeName": ATTR_CREATED, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index, partition in index_keys.items()
            ],
        )
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise
    dynamodb.get_waiter("table_exists").wait(TableName=table)
    try:
        dynamodb.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ATTR_EXPIRES},
        )
    except ClientError as exc:
        # Asking again for the TTL that is already on is a ValidationException.
        if error_code(exc) != "ValidationException":
            raise
    return table


def provision(clients: AWSClients, settings: Settings, stages: Iterable[str]) -> Provisioned:
    """Everything the workers of ``stages`` need."""
    return Provisioned(
        bucket=provision_bucket(clients, settings),
        table=provision_table(clients, settings),
        queues={stage: provision_queue(clients, settings, stage) for stage in stages},
    )
