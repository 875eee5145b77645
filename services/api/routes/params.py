"""Path parameters shared by several routes, with the patterns that keep them safe.

A job id that does not match is refused with 422 before any storage is touched, so
no id can name a path (``..``), a key outside ``jobs/`` or a DynamoDB surprise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from shared.contracts import JOB_ID_PATTERN

__all__ = ["ARTIFACT_NAME_PATTERN", "ArtifactName", "JobId"]

ARTIFACT_NAME_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"

JobId = Annotated[
    str,
    Path(
        pattern=JOB_ID_PATTERN.pattern,
        description="The job's id: 32 lowercase hex characters.",
        examples=["5f0c2b9e8a7d4c3b2a1908f7e6d5c4b3"],
    ),
]
ArtifactName = Annotated[
    str,
    Path(
        pattern=ARTIFACT_NAME_PATTERN,
        description="An artifact's name as the job lists it: movie, fountain, script...",
        examples=["movie"],
    ),
]
