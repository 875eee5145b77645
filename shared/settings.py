"""Configuration from the environment (``PIXELSCRIPT_*``) and an optional ``.env`` file.

Nested groups use a double underscore: ``PIXELSCRIPT_OPENAI__MODEL=gpt-4.1-mini``,
``PIXELSCRIPT_WORKER__MAX_RECEIVES=5``. ``OPENAI_API_KEY`` is honoured as well, as
every OpenAI tool does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AWSSettings", "OpenAISettings", "Settings", "WorkerSettings", "default_data_dir"]


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


class AWSSettings(BaseModel):
    region: str = "us-east-1"
    #: moto server, LocalStack or a VPC endpoint; ``None`` is real AWS.
    endpoint_url: str | None = None
    bucket: str = "pixelscript-artifacts"
    table: str = "pixelscript-jobs"
    queue_prefix: str = "pixelscript"


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
