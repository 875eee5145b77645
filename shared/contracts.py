"""The data that crosses a boundary: requests, scripts, stage messages and job records.

Every model here validates with short sentences that name the field (see
``shared.validation``). ``Script`` doubles as the structured-output schema the
OpenAI writer asks for, so it carries no JSON-schema constraints (OpenAI's strict
mode rejects ``maxLength``, non-null ``default`` and friends): limits are checked
by validators instead, and every optional field defaults to ``None``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from shared.errors import ContractError
from shared.plot_frame import CharacterKind, PlotFrame
from shared.staging import Staging

__all__ = [
    "ARTIFACT_KEY_PATTERN",
    "JOB_ID_PATTERN",
    "PLOT_MAX_CHARS",
    "SCHEMA_VERSION",
    "Captions",
    "Character",
    "JobOptions",
    "JobRecord",
    "JobRequest",
    "JobStatus",
    "Line",
    "PlotFrame",
    "ProviderOverrides",
    "Resolution",
    "Scene",
    "Script",
    "StageMessage",
    "StageState",
    "StageStatus",
    "Staging",
    "UserScript",
    "VoiceTraits",
    "new_job_id",
    "utcnow",
]

#: Version of the stage message format; a worker refuses any other.
SCHEMA_VERSION = 1
#: A plot is a paragraph or a page, not a novel.
PLOT_MAX_CHARS = 4000
DIRECTOR_MAX_CHARS = 100
#: A user-supplied Fountain or JSON script.
USER_SCRIPT_MAX_CHARS = 200_000
SCRIPT_MAX_SCENES = 24
SCRIPT_MAX_LINES_PER_SCENE = 80
SCRIPT_MAX_CHARACTERS = 40
LINE_MAX_CHARS = 1000
DESCRIPTION_MAX_CHARS = 2000
NAME_MAX_CHARS = 60

#: 128 random bits as lowercase hex: unguessable, and safe in a path or an S3 key.
JOB_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
ARTIFACT_KEY_PATTERN = re.compile(r"^jobs/[0-9a-f]{32}(/[a-z0-9][a-z0-9._-]*)+$")
HEADING_PATTERN = re.compile(
    r"^(INT\.|EXT\.|INT\./EXT\.|I/E\.?|EST\.)\s+\S.*$",
    re.IGNORECASE,
)
# Control characters other than newline and tab have no place in text a person typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_job_id() -> str:
    return secrets.token_hex(16)


# ---------------------------------------------------------------- text helpers


#: Kinds of text that live on one line (a Fountain cue, a heading, a title).
_SINGLE_LINE = {"name", "scene heading", "title"}


def _clean_text(value: str, *, max_chars: int, what: str = "text") -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be empty")
    if what in _SINGLE_LINE and ("\n" in value or "\r" in value or "\t" in value):
        raise ValueError(f"must be a single line (a {what} cannot hold line breaks or tabs)")
    if len(value) > max_chars:
        raise ValueError(f"is too long ({len(value)} characters; the limit is {max_chars})")
    if _CONTROL.search(value):
        raise ValueError(f"contains control characters, which a {what} cannot hold")
    return value


def _text(max_chars: int, what: str = "text") -> Any:
    return AfterValidator(lambda v: _clean_text(v, max_chars=max_chars, what=what))


def _optional_text(max_chars: int) -> Any:
    def check(value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return _clean_text(value, max_chars=max_chars)

    return AfterValidator(check)


def _job_id(value: str) -> str:
    if not JOB_ID_PATTERN.match(value):
        raise ValueError(f"{value[:40]!r} is not a job id (32 lowercase hex characters)")
    return value


JobId = Annotated[str, AfterValidator(_job_id)]


def _artifact_key(value: str) -> str:
    if not ARTIFACT_KEY_PATTERN.match(value) or ".." in value:
        raise ValueError(f"{value[:80]!r} is not an artifact key under jobs/<job id>/")
    return value


ArtifactKey = Annotated[str, AfterValidator(_artifact_key)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


# ---------------------------------------------------------------- the screenplay


class VoiceTraits(_Model):
    """How a character sounds; ``None`` means not specified and a neutral choice is made."""

    gender: Literal["female", "male", "neutral"] | None = None
    age: Literal["child", "young", "adult", "elderly"] | None = None
    accent: Annotated[str | None, _optional_text(40)] = None


class Character(_Model):
    """A speaking or seen character; ``description`` is the fixed visual bible entry."""

    name: Annotated[str, _text(NAME_MAX_CHARS, "name")]
    description: Annotated[str, _text(DESCRIPTION_MAX_CHARS)]
    voice: VoiceTraits | None = None
    #: person (the default), group, creature, machine or a thing that acts.
    kind: CharacterKind | None = None
    #: A group's members who speak for it (each a character of their own).
    members: list[str] | None = None

    @property
    def is_narrator(self) -> bool:
        return self.name.strip().upper() == "NARRATOR"


class Line(_Model):
    speaker: Annotated[str, _text(NAME_MAX_CHARS, "name")]
    text: Annotated[str, _text(LINE_MAX_CHARS)]
    parenthetical: Annotated[str | None, _optional_text(120)] = None

    @field_validator("parenthetical")
    @classmethod
    def _unwrap_parentheses(cls, value: str | None) -> str | None:
        # "(quietly)" and "quietly" mean the same thing; store it bare.
        return value.strip("() ") or None if value else value


class Scene(_Model):
    number: int
    heading: str
    description: Annotated[str, _text(DESCRIPTION_MAX_CHARS)]
    mood: Annotated[str | None, _optional_text(60)] = None
    title_card: Annotated[str | None, _optional_text(120)] = None
    lines: list[Line]
    #: What the picture shows, as data (the painter reads this, not the description).
    staging: Staging | None = None

    @field_validator("heading")
    @classmethod
    def _heading(cls, value: str) -> str:
        value = _clean_text(value, max_chars=160, what="scene heading").upper()
        if not HEADING_PATTERN.match(value):
            raise ValueError(
                f"{value[:60]!r} is not a scene heading like 'INT. DINER - NIGHT' "
                "(it must start with INT., EXT. or INT./EXT.)"
            )
        return value

    @field_validator("lines")
    @classmethod
    def _line_count(cls, value: list[Line]) -> list[Line]:
        if len(value) > SCRIPT_MAX_LINES_PER_SCENE:
            raise ValueError(
                f"has {len(value)} lines; a scene holds at most {SCRIPT_MAX_LINES_PER_SCENE}"
            )
        return value


class Script(_Model):
    """A short screenplay: the output of the script stage and the input of every other."""

    title: Annotated[str, _text(160, "title")]
    logline: Annotated[str, _text(600)]
    director: Annotated[str, _text(DIRECTOR_MAX_CHARS, "name")]
    characters: list[Character]
    scenes: list[Scene]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        if not self.scenes:
            problems.append("scenes: a script needs at least one scene")
        if len(self.scenes) > SCRIPT_MAX_SCENES:
            problems.append(f"scenes: {len(self.scenes)} scenes; the limit is {SCRIPT_MAX_SCENES}")
        if len(self.characters) > SCRIPT_MAX_CHARACTERS:
            problems.append(
                f"characters: {len(self.characters)} characters; "
                f"the limit is {SCRIPT_MAX_CHARACTERS}"
            )
        names = [c.name.upper() for c in self.characters]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"characters: {', '.join(duplicates)} listed more than once")
        for index, scene in enumerate(self.scenes):
            if scene.number != index + 1:
                problems.append(
                    f"scenes[{index}].number: is {scene.number}, expected {index + 1} "
                    "(scenes are numbered 1, 2, 3... in order)"
                )
            for line_index, line in enumerate(scene.lines):
                if line.speaker.upper() not in names:
                    problems.append(
                        f"scenes[{index}].lines[{line_index}].speaker: {line.speaker!r} "
                        "is not in the characters list"
                    )
            for figure_index, figure in enumerate(scene.staging.figures if scene.staging else []):
                if figure.character.upper() not in names:
                    problems.append(
                        f"scenes[{index}].staging.figures[{figure_index}].character: "
                        f"{figure.character!r} is not in the characters list"
                    )
        if not any(scene.lines for scene in self.scenes):
            problems.append("scenes: no scene has a spoken line")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def character(self, name: str) -> Character:
        """The character called ``name`` (case-insensitive)."""
        for character in self.characters:
            if character.name.upper() == name.upper():
                return character
        raise KeyError(name)

    def spoken_lines(self) -> list[tuple[Scene, int, Line]]:
        """Every line in script order with its 1-based index inside its scene."""
        return [
            (scene, index, line)
            for scene in self.scenes
            for index, line in enumerate(scene.lines, start=1)
        ]


# ---------------------------------------------------------------- the request


class Captions(StrEnum):
    OFF = "off"
    SOFT = "soft"
    BURNED = "burned"


Resolution = Literal["480p", "720p", "1080p", "vertical"]


class ProviderOverrides(_Model):
    """Per-request provider choice; ``None`` keeps the configured one."""

    script: Literal["rules", "openai"] | None = None
    image: Literal["painter", "openai"] | None = None
    audio: Literal["piper", "polly"] | None = None


class JobOptions(_Model):
    resolution: Resolution = "720p"
    captions: Captions = Captions.SOFT
    #: An upper bound on the scene count; the writer picks the count from the style
    #: and ``minutes`` within it.
    max_scenes: int = Field(default=SCRIPT_MAX_SCENES, ge=3, le=SCRIPT_MAX_SCENES)
    #: The film's rough length; ``None`` is the default film (6-10 scenes, 1-2 minutes).
    minutes: float | None = Field(default=None, ge=0.5, le=10)
    music: bool = False
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    providers: ProviderOverrides = Field(default_factory=ProviderOverrides)


class UserScript(_Model):
    """A screenplay the user wrote: the writer is skipped and this is used as is."""

    format: Literal["fountain", "json"]
    text: Annotated[str, _text(USER_SCRIPT_MAX_CHARS, "script")]


class JobRequest(_Model):
    plot: Annotated[str, _text(PLOT_MAX_CHARS, "plot")]
    director: Annotated[str, _text(DIRECTOR_MAX_CHARS, "name")]
    options: JobOptions = Field(default_factory=JobOptions)
    script: UserScript | None = None

    @field_validator("script")
    @classmethod
    def _script_reads(cls, value: UserScript | None) -> UserScript | None:
        # A screenplay that cannot be read is refused with the request, before any job
        # exists, rather than failing a job later.
        if value is not None:
            from shared.user_script import parse_user_script

            try:
                parse_user_script(value, director="check")
            except ContractError as exc:
                raise ValueError("; ".join(exc.problems)) from None
        return value


# ---------------------------------------------------------------- transport


class StageMessage(_Model):
    """What travels on a queue: a job, a stage and references to artifacts (claim-check).

    Never image or audio bytes, never the whole script: only keys of blobs.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, alias="schema")
    job_id: JobId
    stage: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    artifacts: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")], ArtifactKey] = (
        Field(default_factory=dict, max_length=256)
    )
    sent_at: datetime = Field(default_factory=utcnow)

    @model_validator(mode="after")
    def _artifacts_belong_to_job(self) -> Self:
        prefix = f"jobs/{self.job_id}/"
        strays = [name for name, key in self.artifacts.items() if not key.startswith(prefix)]
        if strays:
            raise ValueError(
                f"artifacts {', '.join(sorted(strays))} point outside this job's folder {prefix}"
            )
        return self

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)

    def handoff(self, stage: str, **artifacts: str) -> StageMessage:
        """The next stage's message: same job, every reference so far plus ``artifacts``."""
        return StageMessage(
            job_id=self.job_id, stage=stage, artifacts={**self.artifacts, **artifacts}
        )


# ---------------------------------------------------------------- job records


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class StageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"


class StageState(BaseModel):
    status: StageStatus = StageStatus.PENDING
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    #: Seconds the message that first started the stage waited in its queue (from the
    #: sender's ``sent_at`` to the claim): where a busy pipeline spends its time.
    waited_seconds: float | None = None
    #: The delivery (``<message id>#<receipt digest>``) whose worker holds the stage,
    #: and until when.
    claim: str | None = None
    lease_until: datetime | None = None

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobRecord(BaseModel):
    job_id: JobId
    status: JobStatus = JobStatus.QUEUED
    director: str
    plot_excerpt: str
    current_stage: str | None = None
    stages: dict[str, StageState]
    artifacts: dict[str, str] = Field(default_factory=dict)
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: Bumped by every write; a write names the version it read (optimistic locking).
    version: int = 0
