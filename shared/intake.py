"""A job from one queue message: what someone with only SQS access sends.

    {"schema": 1, "request": {"plot": "...", "director": "...", "options": {...}}}

sent to the first stage's queue (plain ``boto3`` ``send_message``) starts a job. The
first stage's worker admits it before running the stage:

* the job id is the message id as 32 hex digits (SQS message ids are UUIDs), so the
  sender knows it from ``send_message``'s reply, and a redelivery finds the same job;
* the request is stored at ``jobs/<id>/request.json`` and the record created (a
  redelivery keeps the record it finds);
* the message then runs as the stage message ``{job_id, stage, artifacts: {request}}``.

An invalid request is dead-lettered with the reason, as any invalid message is.
``shared.submit`` is the same thing for callers with the whole backend at hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid

from pydantic import ValidationError

from shared import jobs
from shared.backends import Backend
from shared.contracts import SCHEMA_VERSION, JobRequest, StageMessage
from shared.errors import ConflictError, InvalidMessage
from shared.keys import request_key
from shared.pipeline import stage_names
from shared.ports import ReceivedMessage
from shared.validation import describe_errors

__all__ = ["admit_job_request", "job_id_for"]


def job_id_for(message_id: str) -> str:
    """The job id of a job request delivered as message ``message_id``."""
    try:
        return uuid.UUID(message_id).hex
    except ValueError:
        return hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:32]


def admit_job_request(
    backend: Backend, received: ReceivedMessage, *, stage: str
) -> StageMessage | None:
    """The first stage's message for the job request in ``received``, creating the job;
    None when the body is not a job request (a stage message, or garbage that
    ``parse_message`` will explain)."""
    try:
        raw = json.loads(received.body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(raw, dict) or "request" not in raw or "job_id" in raw or "stage" in raw:
        return None
    if raw.get("schema") != SCHEMA_VERSION:
        raise InvalidMessage(
            f"job request schema version {raw.get('schema')!r} is not one this worker reads "
            f"({SCHEMA_VERSION})"
        )
    unknown = sorted(set(raw) - {"schema", "request"})
    if unknown:
        raise InvalidMessage(f"job request has unknown fields: {', '.join(unknown)}")
    first = stage_names()[0]
    if stage != first:
        raise InvalidMessage(f"a job request goes to the {first!r} queue, not {stage!r}")
    try:
        request = JobRequest.model_validate(raw["request"])
    except ValidationError as exc:
        raise InvalidMessage(describe_errors(exc)) from exc
    job_id = job_id_for(received.message_id)
    key = request_key(job_id)
    backend.blobs.put(
        key, request.model_dump_json(indent=2).encode("utf-8"), content_type="application/json"
    )
    # Delivered before: the job exists, and the stage's claim decides what runs.
    with contextlib.suppress(ConflictError):
        backend.jobs.create(jobs.new_record(job_id, request, stage_names(), {"request": key}))
    return StageMessage(job_id=job_id, stage=stage, artifacts={"request": key})
