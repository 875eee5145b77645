"""The AWS backend: SQS queues, an S3 bucket and a DynamoDB table via boto3.

``endpoint_url`` in ``AWSSettings`` points the same code at moto server, LocalStack
or real AWS. Resources are made by the CDK app (``infra/``) or, for emulators, by
``provision``.
"""

from __future__ import annotations

from shared.backends import Backend, queue_name
from shared.backends.aws.blobstore import S3BlobStore
from shared.backends.aws.clients import AWSClients, make_clients
from shared.backends.aws.jobtable import DynamoJobTable
from shared.backends.aws.provision import provision
from shared.backends.aws.queue import SQSQueue
from shared.settings import Settings

__all__ = [
    "AWSClients",
    "DynamoJobTable",
    "S3BlobStore",
    "SQSQueue",
    "make_clients",
    "open_aws_backend",
    "provision",
]


def open_aws_backend(settings: Settings, *, clients: AWSClients | None = None) -> Backend:
    """The three ports on AWS; ``clients`` defaults to ones built from ``settings``."""
    clients = clients or make_clients(settings)
    return Backend(
        kind="aws",
        blobs=S3BlobStore(clients.s3, settings.aws.bucket),
        jobs=DynamoJobTable(
            clients.dynamodb, settings.aws.table, retention_days=settings.aws.job_retention_days
        ),
        make_queue=lambda stage: SQSQueue(clients.sqs, queue_name(settings, stage)),
    )
