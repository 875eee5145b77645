"""The three ports every backend implements: Queue, BlobStore and JobTable.

Stages and the worker see only these. Both backends (``shared.backends.local``,
``shared.backends.aws``) pass the same contract suite in ``tests/contract``; a
behaviour that differs between them is a bug in one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from shared.contracts import JobRecord, JobStatus

__all__ = ["BlobStore", "DeadLetter", "JobPage", "JobTable", "Queue", "ReceivedMessage"]


@dataclass(frozen=True)
class ReceivedMessage:
    """One delivery of a message. ``receipt`` names this delivery, ``message_id`` the message."""

    message_id: str
    body: str
    receipt: str
    #: How many times the message has been received, this delivery included (1 = first).
    receive_count: int


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    body: str
    reason: str
    receive_count: int


@runtime_checkable
class Queue(Protocol):
    """At-least-once delivery with a visibility timeout, like SQS standard queues.

    A received message is hidden for ``visibility_timeout`` seconds; if it is not
    deleted in that time it is delivered again with a new receipt and a higher
    ``receive_count``. A message received ``max_receives`` times that comes back
    once more goes to the dead-letter queue instead.
    """

    name: str
    max_receives: int

    def send(self, body: str, *, delay_seconds: int = 0) -> str:
        """Enqueue ``body``; returns the message id. Raises ``QueueLimitError`` when the
        body is larger than the queue carries or the delay is out of range."""
        ...

    def receive(
        self, *, max_messages: int = 1, wait_seconds: float = 0, visibility_timeout: int = 30
    ) -> list[ReceivedMessage]:
        """Up to ``max_messages`` visible messages, waiting up to ``wait_seconds`` for one
        (long poll). Returns an empty list when none arrived."""
        ...

    def extend(self, receipt: str, visibility_timeout: int) -> bool:
        """Hide the message for ``visibility_timeout`` more seconds from now; 0 releases
        it at once. Returns False when the receipt is no longer current (the message was
        deleted or delivered again)."""
        ...

    def delete(self, receipt: str) -> None:
        """Remove the message. Deleting with a stale receipt or twice is not an error."""
        ...

    def dead_letter(self, message: ReceivedMessage, reason: str) -> None:
        """Move the message to the dead-letter queue now, with ``reason``."""
        ...

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """Messages in the dead-letter queue, oldest first (they stay there)."""
        ...

    def redrive(
        self, *, limit: int = 100, prepare: Callable[[DeadLetter], str] | None = None
    ) -> int:
        """Move dead letters back to this queue as new messages; returns how many.

        ``prepare`` is called with each letter just before it goes back and returns the
        body to send (the job table is made ready for it there); if it raises, that
        letter stays a dead letter and the error propagates."""
        ...

    def depth(self) -> int:
        """Messages waiting or in flight (approximate on SQS)."""
        ...


@runtime_checkable
class BlobStore(Protocol):
    """Artifacts by key (``jobs/<id>/...``). A put is atomic: a reader sees the old
    blob, the new one, or none, never half a file. Keys outside the key grammar are
    refused with ``ContractError``."""

    def put(self, key: str, data: bytes, *, content_type: str | None = None) -> None: ...

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None: ...

    def get(self, key: str) -> bytes:
        """The blob's bytes; ``NotFound`` when there is none."""
        ...

    def download(self, key: str, path: Path) -> None:
        """Write the blob to ``path`` (atomically); ``NotFound`` when there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def url(self, key: str, *, expires_in: int = 3600) -> str:
        """A URL a browser or player can read the blob from (presigned on S3)."""
        ...

    def list(self, prefix: str) -> list[str]:
        """Keys under ``prefix``, sorted."""
        ...


@dataclass(frozen=True)
class JobPage:
    jobs: list[JobRecord]
    #: Pass back as ``cursor`` for the next page; ``None`` on the last page.
    next_cursor: str | None


@runtime_checkable
class JobTable(Protocol):
    """Job records with optimistic concurrency: every write names the version it read."""

    def create(self, record: JobRecord) -> JobRecord:
        """Store a new record at version 1. ``ConflictError`` if the id exists."""
        ...

    def get(self, job_id: str) -> JobRecord:
        """The record; ``NotFound`` when there is none."""
        ...

    def update(self, record: JobRecord, *, expected_version: int) -> JobRecord:
        """Replace the record if its stored version is ``expected_version``; the stored
        record gets ``expected_version + 1``. Otherwise ``ConflictError`` carrying the
        current record (``NotFound`` if there is none)."""
        ...

    def list(
        self, *, status: JobStatus | None = None, limit: int = 20, cursor: str | None = None
    ) -> JobPage:
        """Newest first, optionally only one status. Invalid cursors raise
        ``ContractError``."""
        ...
