"""``GET /jobs/{id}/events``: server-sent events as the job's stages change.

The stream polls the job table, which both backends answer cheaply, rather than
needing a change feed: a ``job`` event with the whole job first, a ``stage`` event
for every stage that changed since the last read, a comment line as a heartbeat
when nothing happens, and an ``end`` event with the final job before it closes.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from services.api.context import ApiContext, Context
from services.api.log import api_log
from services.api.models import Problem, StageEvent
from services.api.problems import PROBLEM_RESPONSES
from services.api.routes.params import JobId
from services.api.sse import HEARTBEAT, changed_stages, sse_event
from services.api.views import job_view, stage_view
from shared.contracts import JobRecord
from shared.errors import NotFound

__all__ = ["event_stream", "router"]


router = APIRouter(tags=["jobs"])

#: How long a client waits before reconnecting after the connection drops.
RETRY_MILLISECONDS = 2000

#: One event of the stream (Open API 3.1 reads an event stream's ``schema`` per event).
EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["job", "stage", "end"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "job and end: a JobView; stage: a StageEvent.",
        },
    },
}


async def event_stream(context: ApiContext, record: JobRecord) -> AsyncIterator[str]:
    poll = context.api.events_poll_seconds
    heartbeat = context.api.events_heartbeat_seconds
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    yield sse_event("job", job_view(record, context.links).model_dump_json())
    last_sent = time.monotonic()
    while not record.status.is_final:
        await anyio.sleep(poll)
        try:
            current = await run_in_threadpool(context.backend.jobs.get, record.job_id)
        except NotFound:
            api_log().warning("job_vanished_while_streaming", job_id=record.job_id)
            return
        except Exception as exc:
            # A storage hiccup is not the end of the job: keep the stream and try again.
            api_log().warning("job_read_failed", job_id=record.job_id, error=str(exc))
            continue
        changed = changed_stages(record, current)
        if changed:
            view = job_view(current, context.links)
            for name in changed:
                event = StageEvent(stage=stage_view(current, name), job=view)
                yield sse_event("stage", event.model_dump_json())
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= heartbeat:
            yield HEARTBEAT
            last_sent = time.monotonic()
        record = current
    yield sse_event("end", job_view(record, context.links).model_dump_json())


@router.get(
    "/jobs/{job_id}/events",
    responses={
        **PROBLEM_RESPONSES,
        200: {
            "description": "An event stream: job, then stage per change, then end.",
            "content": {"text/event-stream": {"schema": EVENT_SCHEMA}},
        },
        404: {"model": Problem, "description": "No such job."},
    },
    response_class=StreamingResponse,
    summary="Server-sent events as the job's stages change",
)
def job_events(job_id: JobId, context: Context) -> StreamingResponse:
    # Read once before streaming, so an unknown job is a plain 404, not an empty stream.
    record = context.backend.jobs.get(job_id)
    return StreamingResponse(
        event_stream(context, record),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
