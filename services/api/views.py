"""Job records as the API shows them: stage titles and timings, links, no lease details."""

from __future__ import annotations

from services.api.links import ArtifactLinks
from services.api.models import JobSummary, JobView, StageView
from shared.contracts import JobRecord
from shared.pipeline import spec

__all__ = ["job_summary", "job_url", "job_view", "stage_view"]


def job_url(job_id: str) -> str:
    return f"/jobs/{job_id}"


def _title(stage: str) -> str:
    try:
        return spec(stage).title
    except KeyError:
        # A record written by a pipeline with a stage this build does not have.
        return stage


def stage_view(record: JobRecord, name: str) -> StageView:
    state = record.stages[name]
    return StageView(
        name=name,
        title=_title(name),
        status=state.status,
        attempts=state.attempts,
        started_at=state.started_at,
        finished_at=state.finished_at,
        seconds=state.seconds,
        error=state.error,
    )


def job_summary(record: JobRecord) -> JobSummary:
    return JobSummary(
        job_id=record.job_id,
        status=record.status,
        director=record.director,
        plot_excerpt=record.plot_excerpt,
        current_stage=record.current_stage,
        error=record.error,
        created_at=record.created_at,
        updated_at=record.updated_at,
        url=job_url(record.job_id),
    )


def job_view(record: JobRecord, links: ArtifactLinks) -> JobView:
    return JobView(
        **job_summary(record).model_dump(),
        stages=[stage_view(record, name) for name in record.stages],
        artifacts={
            name: links.link(record.job_id, name, key)
            for name, key in sorted(record.artifacts.items())
        },
        events_url=f"{job_url(record.job_id)}/events",
    )
