"""Reading a stage message off a queue: the one place a body becomes a ``StageMessage``,
shared by the worker and the dead-letter tools so both name a letter's job alike."""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from shared.contracts import JOB_ID_PATTERN, SCHEMA_VERSION, StageMessage
from shared.errors import InvalidMessage
from shared.validation import describe_errors

__all__ = ["parse_message"]

#: A job id inside a body that is not JSON (a truncated message), so that its job can
#: still be failed with the reason instead of waiting for a message that never comes.
_JOB_ID_IN_TEXT = re.compile(r'"job_id"\s*:\s*"([0-9a-f]{32})"')


def parse_message(body: str, *, stage: str) -> StageMessage:
    """The stage message in ``body`` for ``stage``, or ``InvalidMessage`` saying why not."""
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError: JSON nested deeper than Python's stack; still not a message.
        found = _JOB_ID_IN_TEXT.search(body)
        raise InvalidMessage(
            f"message is not JSON ({exc})", job_id=found.group(1) if found else None
        ) from exc
    if not isinstance(raw, dict):
        raise InvalidMessage("message is not a JSON object")
    job_id = raw.get("job_id")
    job_id = job_id if isinstance(job_id, str) and JOB_ID_PATTERN.match(job_id) else None
    if raw.get("schema") != SCHEMA_VERSION:
        raise InvalidMessage(
            f"message schema version {raw.get('schema')!r} is not one this worker reads "
            f"({SCHEMA_VERSION})",
            job_id=job_id,
        )
    try:
        message = StageMessage.model_validate(raw)
    except ValidationError as exc:
        raise InvalidMessage(describe_errors(exc), job_id=job_id) from exc
    if message.stage != stage:
        raise InvalidMessage(
            f"message for stage {message.stage!r} arrived on the {stage!r} queue", job_id=job_id
        )
    return message
