"""Submitting a job: store the request, create the record, send the first message."""

from __future__ import annotations

import contextlib

from shared import jobs
from shared.backends import Backend
from shared.contracts import JobRecord, JobRequest, StageMessage, new_job_id
from shared.errors import TransitionRefused
from shared.keys import request_key
from shared.pipeline import stage_names

__all__ = ["submit"]


def submit(backend: Backend, request: JobRequest) -> JobRecord:
    """Start a job for ``request`` and return its record.

    The request is stored before the record exists and the record before the first
    message is sent, so no worker ever sees a job it cannot read. If the send fails
    the job is marked failed with the reason rather than left queued forever.
    """
    job_id = new_job_id()
    key = request_key(job_id)
    backend.blobs.put(
        key, request.model_dump_json(indent=2).encode("utf-8"), content_type="application/json"
    )
    stages = stage_names()
    record = backend.jobs.create(jobs.new_record(job_id, request, stages, {"request": key}))
    message = StageMessage(job_id=job_id, stage=stages[0], artifacts={"request": key})
    try:
        backend.queue(stages[0]).send(message.to_json())
    except Exception as exc:
        with contextlib.suppress(TransitionRefused):
            jobs.apply(backend.jobs, job_id, jobs.fail(stages[0], f"could not enqueue: {exc}"))
        raise
    return record
