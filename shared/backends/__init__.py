"""Backends behind the ports, chosen by ``Settings.backend``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.ports import BlobStore, JobTable, Queue
from shared.settings import Settings

__all__ = ["Backend", "open_backend", "queue_name"]


def queue_name(settings: Settings, stage: str) -> str:
    return f"{settings.aws.queue_prefix}-{settings.environment}-{stage}"


@dataclass
class Backend:
    """The three ports of one backend; queues are made on first use, one per stage."""

    kind: str
    blobs: BlobStore
    jobs: JobTable
    make_queue: Callable[[str], Queue]
    _queues: dict[str, Queue] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def queue(self, stage: str) -> Queue:
        with self._lock:
            if stage not in self._queues:
                self._queues[stage] = self.make_queue(stage)
            return self._queues[stage]


def open_backend(settings: Settings) -> Backend:
    if settings.backend == "local":
        from shared.backends.local import Database, LocalBlobStore, LocalJobTable, LocalQueue

        database = Database(settings.data_dir / "pixelscript.db")
        return Backend(
            kind="local",
            blobs=LocalBlobStore(settings.data_dir / "artifacts"),
            jobs=LocalJobTable(database),
            make_queue=lambda stage: LocalQueue(
                database, queue_name(settings, stage), max_receives=settings.worker.max_receives
            ),
        )
    if settings.backend == "aws":
        from shared.backends.aws import open_aws_backend

        return open_aws_backend(settings)
    raise ValueError(f"unknown backend {settings.backend!r}; use 'local' or 'aws'")
