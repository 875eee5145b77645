"""The OpenAI calls of the workflow: upload, create a job, follow it. Official SDK only.

The client is built as the writer builds its own (key, ``base_url``, timeout, retries from
``settings.openai``). SDK errors that survive its retries become ``FineTuneError`` with one
readable sentence; SDK objects become the small models below, so the command line never
depends on the SDK's types. The director a job is for travels with it in its metadata
(``pixelscript_director``), and in its suffix for a person reading model ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openai
from pydantic import BaseModel

from services.script.finetune.registry import suffix_for
from shared.errors import PixelScriptError
from shared.openai_client import open_client
from shared.settings import Settings

__all__ = [
    "DIRECTOR_METADATA_KEY",
    "FINAL_STATES",
    "NO_KEY_MESSAGE",
    "FineTuneClient",
    "FineTuneError",
    "FineTuneJob",
    "JobEvent",
]

#: The job metadata key that names the director the model is for.
DIRECTOR_METADATA_KEY = "pixelscript_director"
#: Job states that never change again.
FINAL_STATES = frozenset({"succeeded", "failed", "cancelled"})

NO_KEY_MESSAGE = (
    "Fine-tuning needs an OpenAI API key: set PIXELSCRIPT_OPENAI__API_KEY (or "
    "OPENAI_API_KEY). PIXELSCRIPT_OPENAI__BASE_URL points at another OpenAI-compatible "
    "server, if it offers fine-tuning."
)


class FineTuneError(PixelScriptError):
    """A fine-tuning call failed; the message says what the server answered."""


class JobEvent(BaseModel):
    created_at: datetime
    level: str
    message: str


class FineTuneJob(BaseModel):
    id: str
    status: str
    base_model: str
    fine_tuned_model: str | None = None
    #: The director recorded with the job (metadata), if any.
    director: str | None = None
    suffix: str | None = None
    created_at: datetime
    finished_at: datetime | None = None
    trained_tokens: int | None = None
    error: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES


def _time(seconds: int | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _suffix_of(job: Any) -> str | None:
    given = (job.model_extra or {}).get("user_provided_suffix")
    if isinstance(given, str) and given:
        return given
    # ft:<base>:<organisation>:<suffix>:<id>
    parts = (job.fine_tuned_model or "").split(":")
    return parts[3] if len(parts) == 5 and parts[3] else None


def _job(job: Any) -> FineTuneJob:
    metadata = job.metadata or {}
    error = None
    if job.error is not None and (job.error.message or job.error.code):
        error = f"{job.error.message} ({job.error.code})" if job.error.code else job.error.message
    return FineTuneJob(
        id=job.id,
        status=job.status,
        base_model=job.model,
        fine_tuned_model=job.fine_tuned_model,
        director=metadata.get(DIRECTOR_METADATA_KEY),
        suffix=_suffix_of(job),
        created_at=_time(job.created_at),
        finished_at=_time(job.finished_at),
        trained_tokens=job.trained_tokens,
        error=error,
    )


class FineTuneClient:
    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.client = client or open_client(
            settings,
            no_key=NO_KEY_MESSAGE,
            base_url=settings.openai.base_url,
            timeout=settings.openai.timeout_seconds,
        )

    @property
    def where(self) -> str:
        return self.settings.openai.base_url or "the OpenAI API"

    def upload(self, path: Path) -> str:
        """Upload a training file (purpose ``fine-tune``); returns the file id."""
        with self._errors("uploading " + path.name), path.open("rb") as handle:
            uploaded = self.client.files.create(file=(path.name, handle), purpose="fine-tune")
        return uploaded.id

    def create_job(self, training_file: str, *, base_model: str, director: str) -> FineTuneJob:
        with self._errors(f"creating the fine-tuning job on {base_model}"):
            job = self.client.fine_tuning.jobs.create(
                model=base_model,
                training_file=training_file,
                suffix=suffix_for(director),
                metadata={DIRECTOR_METADATA_KEY: director},
            )
        return _job(job)

    def job(self, job_id: str) -> FineTuneJob:
        with self._errors(f"reading the job {job_id}"):
            return _job(self.client.fine_tuning.jobs.retrieve(job_id))

    def events(self, job_id: str, *, limit: int = 20) -> list[JobEvent]:
        """The job's latest ``limit`` events, oldest first."""
        with self._errors(f"reading the events of {job_id}"):
            page = self.client.fine_tuning.jobs.list_events(job_id, limit=limit)
            events = [
                JobEvent(created_at=_time(e.created_at), level=e.level, message=e.message)
                for e in page.data
            ]
        # The API lists newest first; a log reads oldest first.
        return sorted(events, key=lambda e: e.created_at)

    def recent_jobs(self, *, limit: int = 10) -> list[FineTuneJob]:
        """The organisation's latest jobs, newest first (one page)."""
        with self._errors("listing the fine-tuning jobs"):
            page = self.client.fine_tuning.jobs.list(limit=limit)
            return [_job(job) for job in page.data]

    def _errors(self, doing: str) -> _SDKErrors:
        return _SDKErrors(doing, self.where)


class _SDKErrors:
    """Turns an SDK error into ``FineTuneError("<doing> at <where> failed: ...")``."""

    def __init__(self, doing: str, where: str) -> None:
        self.doing = doing
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _: Any) -> bool:
        if exc is None or not isinstance(exc, openai.OpenAIError):
            return False
        detail = exc.message if isinstance(exc, openai.APIError) else str(exc)
        if isinstance(exc, openai.APIStatusError):
            # The server's own sentence, without the SDK's "Error code: 404 - " prefix.
            body = exc.body if isinstance(exc.body, dict) else {}
            detail = str(body.get("message") or detail)
            raise FineTuneError(
                f"{self.doing} at {self.where} failed with HTTP {exc.status_code}: {detail}"
            ) from exc
        raise FineTuneError(f"{self.doing} at {self.where} failed: {detail}") from exc
