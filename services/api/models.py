"""What the API answers with: the response bodies of every route, as pydantic models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.contracts import JobStatus, StageStatus

__all__ = [
    "ArtifactLink",
    "DirectorList",
    "DirectorView",
    "FieldProblem",
    "Health",
    "JobCreated",
    "JobList",
    "JobSummary",
    "JobView",
    "Problem",
    "StageEvent",
    "StageView",
    "ValidationProblem",
]


class Problem(BaseModel):
    detail: str


class FieldProblem(BaseModel):
    #: Dotted path of the field, e.g. ``options.captions`` or ``scenes[2].heading``.
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: str
    errors: list[FieldProblem]


class ArtifactLink(BaseModel):
    name: str
    filename: str
    content_type: str
    #: Opens the artifact in a browser without the API key, for a limited time.
    url: str
    #: The same, asking the browser to save it.
    download_url: str


class StageView(BaseModel):
    name: str
    title: str
    status: StageStatus
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    error: str | None


class JobSummary(BaseModel):
    job_id: str
    status: JobStatus
    director: str
    plot_excerpt: str
    current_stage: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    url: str


class JobView(JobSummary):
    stages: list[StageView]
    artifacts: dict[str, ArtifactLink]
    events_url: str


class JobCreated(BaseModel):
    job_id: str
    url: str
    events_url: str


class JobList(BaseModel):
    jobs: list[JobSummary]
    #: Pass as ``cursor`` for the next page; ``None`` on the last page.
    next_cursor: str | None
    next_url: str | None


class DirectorView(BaseModel):
    name: str
    aliases: list[str]
    known_for: list[str]
    aspect: float = Field(description="Picture aspect ratio of the director's look.")
    structure: str


class DirectorList(BaseModel):
    directors: list[DirectorView]
    note: str


class Health(BaseModel):
    status: str
    backend: str
    stages: list[str]


class StageEvent(BaseModel):
    """The data of a ``stage`` event: the stage that changed and the whole job after it."""

    stage: StageView
    job: JobView
