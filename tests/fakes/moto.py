"""A moto server for the AWS backend's tests: real HTTP on 127.0.0.1, started once.

``moto_endpoint`` starts ``moto.server.ThreadedMotoServer`` on a free port for the
session; ``aws_backend`` gives each test its own bucket, table and queues on it.
Without moto the AWS tests skip on a developer's machine but fail in CI (``CI``
set), like dramatiq's ``check_redis``.

Moto serves requests on threads but does not make DynamoDB's conditional writes or
SQS's receive atomic, as the real services are: two threads can both pass
``version = :expected``, or both take one message. ``_serialise_moto`` adds the
missing locks around those steps (SQS's long-poll wait excluded), so the contract
tests check our code and not moto's races.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.backends import Backend
from shared.settings import AWSSettings, Settings
from tests.support.requirements import require

__all__ = [
    "FAKE_CREDENTIALS",
    "aws_backend",
    "aws_clients",
    "aws_settings",
    "moto_endpoint",
    "moto_server",
    "require_moto",
]

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # Nothing on loopback goes through a proxy from the environment.
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}


def require_moto() -> Any:
    """``ThreadedMotoServer``; a failure saying how to install it when it is missing."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover - depends on the machine
        require("moto[server]", False, "pip install -e '.[test]' (make test does)")
    return ThreadedMotoServer


def _locked(method: Callable[..., Any], lock: threading.Lock) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return method(*args, **kwargs)

    return wrapper


def _serialise_moto() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.sqs.models import Queue, SQSBackend

    if getattr(SQSBackend, "_pixelscript_serialised", False):
        return
    table_lock = threading.Lock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name), table_lock))

    queue_lock = threading.Lock()
    holder = threading.local()
    for name in ("receive_message", "delete_message", "change_message_visibility"):
        original = getattr(SQSBackend, name)

        def held(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with queue_lock:
                holder.held = True
                try:
                    return _original(*args, **kwargs)
                finally:
                    holder.held = False

        setattr(SQSBackend, name, functools.wraps(original)(held))

    wait = Queue.wait_for_messages

    def wait_unlocked(self: Any, timeout: int) -> None:
        # A long poll waits without the lock, so senders and other receivers go on.
        if not getattr(holder, "held", False):
            return wait(self, timeout)
        queue_lock.release()
        try:
            return wait(self, timeout)
        finally:
            queue_lock.acquire()

    Queue.wait_for_messages = wait_unlocked
    SQSBackend._pixelscript_serialised = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 until the block ends; yields its endpoint. The caller
    puts ``FAKE_CREDENTIALS`` in the environment."""
    server_class = require_moto()
    # One access-log line per request drowns a failing test's output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = server_class(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _serialise_moto()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a moto server; fake credentials in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        with moto_server() as endpoint:
            yield endpoint


@pytest.fixture(scope="session")
def aws_clients(moto_endpoint: str) -> Any:
    """One set of boto3 clients on the moto server, shared by every test."""
    from shared.backends.aws import make_clients

    return make_clients(Settings(aws=AWSSettings(endpoint_url=moto_endpoint)))


@pytest.fixture
def aws_settings(settings: Settings, moto_endpoint: str) -> Settings:
    """The test's settings on the AWS backend, with names no other test uses."""
    unique = uuid.uuid4().hex[:12]
    return settings.model_copy(
        update={
            "backend": "aws",
            "aws": AWSSettings(
                endpoint_url=moto_endpoint,
                region="us-east-1",
                bucket=f"pixelscript-test-{unique}",
                table=f"pixelscript-test-{unique}",
                queue_prefix=f"ps{unique}",
            ),
        }
    )


@pytest.fixture
def aws_backend(aws_settings: Settings, aws_clients: Any) -> Backend:
    """The AWS backend on its own bucket and table; a stage's queue and DLQ are made
    on first use, as the CDK app would have made them."""
    from shared.backends.aws import open_aws_backend
    from shared.backends.aws.provision import (
        provision_bucket,
        provision_queue,
        provision_table,
    )

    provision_bucket(aws_clients, aws_settings)
    provision_table(aws_clients, aws_settings)
    backend = open_aws_backend(aws_settings, clients=aws_clients)
    make_queue = backend.make_queue

    def provisioned_queue(stage: str) -> Any:
        provision_queue(aws_clients, aws_settings, stage)
        return make_queue(stage)

    backend.make_queue = provisioned_queue
    return backend
