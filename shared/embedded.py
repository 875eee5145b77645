"""Every stage's worker in one process, on threads, over the local backend.

This is what ``pixelscript make`` runs: the same workers, queues and job table as the
distributed deployment, only in-process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from shared.backends import Backend
from shared.backends.local import LocalBlobStore
from shared.contracts import JobRecord, StageStatus
from shared.keys import CACHE_PREFIXES
from shared.logs import get_logger
from shared.pipeline import load_handler, next_stage, stage_names
from shared.settings import Settings
from shared.worker import Worker

__all__ = ["EmbeddedPipeline"]

FINISHED_STAGE = (StageStatus.DONE, StageStatus.FAILED)
#: Long-poll wait of embedded workers: short, so that stopping is prompt.
EMBEDDED_WAIT_SECONDS = 0.25


class EmbeddedPipeline:
    """Starts one worker thread per stage; ``wait_for`` follows a job to its end."""

    def __init__(
        self,
        backend: Backend,
        settings: Settings,
        *,
        workers_per_stage: int = 1,
        stages: list[str] | None = None,
    ) -> None:
        """``stages`` limits the workers to some stages (tests of one stage); messages
        for the others stay queued."""
        self.backend = backend
        self.settings = settings
        self.workers = [
            Worker(
                stage,
                load_handler(stage),
                backend=backend,
                settings=settings,
                next_stage=next_stage(stage),
                wait_seconds=EMBEDDED_WAIT_SECONDS,
            )
            for stage in (stages or stage_names())
            for _ in range(workers_per_stage)
        ]
        self._threads: list[threading.Thread] = []

    def start(self) -> EmbeddedPipeline:
        self._prune_caches()
        for index, worker in enumerate(self.workers):
            thread = threading.Thread(
                target=worker.run, name=f"worker-{worker.stage}-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _prune_caches(self) -> None:
        """Keep the local caches within ``local_cache_mb`` each, before any worker reads
        them. Other backends expire theirs themselves (an S3 lifecycle rule)."""
        blobs = self.backend.blobs
        if not isinstance(blobs, LocalBlobStore):
            return
        log = get_logger(component="embedded")
        for prefix in CACHE_PREFIXES:
            deleted = blobs.prune(prefix, max_bytes=self.settings.local_cache_mb * 2**20)
            if deleted:
                log.info("cache_pruned", prefix=prefix, files=len(deleted))

    def stop(self, timeout: float | None = None) -> None:
        """Stop every worker; each may finish its message for ``timeout`` seconds."""
        for worker in self.workers:
            worker.stop(timeout)
        grace = self.settings.worker.stop_timeout if timeout is None else timeout
        for thread in self._threads:
            thread.join(grace + 2 * EMBEDDED_WAIT_SECONDS + 1)
        self._threads.clear()

    def wait_for(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        on_update: Callable[[JobRecord], None] | None = None,
        poll_seconds: float = 0.1,
        stage: str | None = None,
    ) -> JobRecord:
        """Poll the job record until it is final (or, with ``stage``, until that stage
        is done or failed); ``TimeoutError`` after ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        last_version = -1
        while True:
            record = self.backend.jobs.get(job_id)
            if on_update is not None and record.version != last_version:
                on_update(record)
                last_version = record.version
            if record.status.is_final:
                return record
            if stage is not None and record.stages[stage].status in FINISHED_STAGE:
                return record
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {record.status} after {timeout} s")
            time.sleep(poll_seconds)

    def __enter__(self) -> EmbeddedPipeline:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
