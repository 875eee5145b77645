"""``POST /jobs``, ``GET /jobs/{id}`` and ``GET /jobs``: submit, read and list jobs."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from services.api.context import Context
from services.api.log import api_log
from services.api.models import JobCreated, JobList, JobView, Problem
from services.api.problems import PROBLEM_RESPONSES
from services.api.routes.params import JobId
from services.api.views import job_summary, job_url, job_view
from shared.contracts import JobRequest, JobStatus
from shared.submit import submit
from shared.validation import parse_model_json

__all__ = ["router"]


router = APIRouter(tags=["jobs"])

#: Longest cursor accepted; the ones this service hands out are far shorter.
CURSOR_MAX_CHARS = 1024

_NOT_FOUND = {404: {"model": Problem, "description": "No such job."}}


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobCreated,
    responses={
        **PROBLEM_RESPONSES,
        413: {"model": Problem, "description": "Request body over the size limit."},
    },
    summary="Start a job: a plot and a director in, a film out",
    # The body is read and validated by hand (below), so the schema is named here; the
    # app's OpenAPI builder adds JobRequest to the components.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}
            },
        }
    },
)
async def create_job(request: Request, response: Response, context: Context) -> JobCreated:
    # Validated here rather than by FastAPI so the 422 carries the same sentences as the
    # command line (shared.validation); a user script is parsed too, so off the loop.
    body = await request.body()
    job_request = await run_in_threadpool(parse_model_json, JobRequest, body)
    record = await run_in_threadpool(submit, context.backend, job_request)
    url = job_url(record.job_id)
    api_log().info("job_submitted", job_id=record.job_id, director=record.director)
    response.headers["Location"] = url
    return JobCreated(job_id=record.job_id, url=url, events_url=f"{url}/events")


@router.get(
    "/jobs/{job_id}",
    response_model=JobView,
    responses={**PROBLEM_RESPONSES, **_NOT_FOUND},
    summary="One job: stages, attempts, timings, errors and artifact links",
)
def get_job(job_id: JobId, context: Context) -> JobView:
    return job_view(context.backend.jobs.get(job_id), context.links)


@router.get(
    "/jobs",
    response_model=JobList,
    responses=PROBLEM_RESPONSES,
    summary="Jobs, newest first, a page at a time",
)
def list_jobs(
    context: Context,
    status: Annotated[JobStatus | None, Query(description="Only jobs with this status.")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Jobs per page.")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=CURSOR_MAX_CHARS, description="next_cursor of the previous page."),
    ] = None,
) -> JobList:
    page = context.backend.jobs.list(status=status, limit=limit, cursor=cursor)
    next_url = None
    if page.next_cursor is not None:
        query = {"limit": limit, "cursor": page.next_cursor}
        if status is not None:
            query["status"] = status.value
        next_url = f"/jobs?{urlencode(query)}"
    return JobList(
        jobs=[job_summary(record) for record in page.jobs],
        next_cursor=page.next_cursor,
        next_url=next_url,
    )
