"""boto3 clients for the AWS backend, built once from settings and injectable.

Tests and tools pass their own clients (a moto server, botocore's Stubber); the
services build them from ``AWSSettings``: region, and an ``endpoint_url`` for moto
server, LocalStack or a VPC endpoint. Credentials come from boto3's usual chain
(the ECS task role in production), never from our settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from shared.settings import Settings

__all__ = ["AWSClients", "error_code", "make_clients"]

#: Retries inside botocore for throttling and 5xx before our code sees an error.
MAX_ATTEMPTS = 5
#: A long poll holds its connection for up to 20 s; the read timeout must outlast it.
READ_TIMEOUT_SECONDS = 60
#: Worker threads (handler, heartbeat) and transfer threads share one pool per client.
MAX_POOL_CONNECTIONS = 20


@dataclass(frozen=True)
class AWSClients:
    sqs: Any
    s3: Any
    dynamodb: Any


def make_clients(settings: Settings, *, session: boto3.session.Session | None = None) -> AWSClients:
    """The three clients for ``settings.aws``; ``session`` defaults to a new one."""
    session = session or boto3.session.Session()
    aws = settings.aws
    config = Config(
        region_name=aws.region,
        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        read_timeout=READ_TIMEOUT_SECONDS,
        max_pool_connections=MAX_POOL_CONNECTIONS,
    )
    # Presigned URLs with SigV4 (botocore may otherwise sign them with the retired
    # SigV2); emulators answer on one host name, so path-style addresses there.
    s3_config = config.merge(
        Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if aws.endpoint_url else "auto"},
        )
    )
    common: dict[str, Any] = {"region_name": aws.region, "endpoint_url": aws.endpoint_url}
    return AWSClients(
        sqs=session.client("sqs", config=config, **common),
        s3=session.client("s3", config=s3_config, **common),
        dynamodb=session.client("dynamodb", config=config, **common),
    )


def error_code(exc: ClientError) -> str:
    """The service's error code (``NoSuchKey``, ``ConditionalCheckFailedException``...)."""
    return str(exc.response.get("Error", {}).get("Code", ""))
