"""Small helpers the API tests share."""

from __future__ import annotations

from shared.backends import Backend
from shared.contracts import JobRecord, JobRequest
from shared.submit import submit

__all__ = ["submit_jobs"]


def submit_jobs(backend: Backend, count: int, *, director: str = "Wes Anderson") -> list[JobRecord]:
    """``count`` queued jobs, oldest first (no worker runs, so they stay queued)."""
    return [
        submit(backend, JobRequest(plot=f"Plot number {index}.", director=director))
        for index in range(count)
    ]
