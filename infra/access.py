"""What each service may touch: the S3 keys it reads and writes, by pattern.

Keys are ``jobs/<job id>/...`` (``shared.keys``); the job id is the only wildcard in
a job's keys. Caches shared across jobs live under ``cache/<stage>/``. A stage
missing here is refused at synth: its permissions must be decided, not defaulted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["API_ACCESS", "INTAKE_WRITES", "STAGE_ACCESS", "BlobAccess", "stage_access"]

#: The first stage admits job requests sent straight to its queue (shared/intake.py):
#: it stores the request before running the stage.
INTAKE_WRITES = ("jobs/*/request.json",)


@dataclass(frozen=True)
class BlobAccess:
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    #: Amazon Polly, when the environment's audio provider is polly.
    speaks: bool = False
    #: The OpenAI key (an ECS secret), when the environment's provider is openai.
    openai_setting: str | None = None


STAGE_ACCESS: dict[str, BlobAccess] = {
    "script": BlobAccess(
        reads=("jobs/*/request.json",),
        writes=("jobs/*/script.json", "jobs/*/script.fountain", "jobs/*/plot.json"),
        openai_setting="script_provider",
    ),
    "image": BlobAccess(
        reads=("jobs/*/request.json", "jobs/*/script.json", "cache/images/*"),
        writes=("jobs/*/images/*", "jobs/*/storyboard.png", "cache/images/*"),
        openai_setting="image_provider",
    ),
    "audio": BlobAccess(
        reads=("jobs/*/request.json", "jobs/*/script.json", "cache/audio/*"),
        writes=("jobs/*/audio/*", "cache/audio/*"),
        speaks=True,
    ),
    "mixer": BlobAccess(
        reads=("jobs/*/request.json", "jobs/*/script.json", "jobs/*/audio/*"),
        writes=("jobs/*/mix/*", "jobs/*/subtitles.srt", "jobs/*/subtitles.vtt"),
    ),
    "render": BlobAccess(
        reads=(
            "jobs/*/request.json",
            "jobs/*/script.json",
            "jobs/*/images/*",
            "jobs/*/mix/*",
            "jobs/*/subtitles.srt",
        ),
        writes=("jobs/*/movie.mp4", "jobs/*/poster.jpg"),
    ),
}

#: The status API stores requests and hands out presigned links to any artifact.
API_ACCESS = BlobAccess(reads=("jobs/*",), writes=("jobs/*/request.json",))


def stage_access(stage: str, *, first: bool = False) -> BlobAccess:
    """What ``stage`` may touch; the first stage also writes job requests."""
    try:
        access = STAGE_ACCESS[stage]
    except KeyError:
        raise ValueError(
            f"stage {stage!r} is in shared/pipeline.py but not in infra/access.py: "
            "list the keys it reads and writes there"
        ) from None
    if first:
        access = replace(access, writes=(*INTAKE_WRITES, *access.writes))
    return access
