"""Per-environment settings for the CDK app, read once from ``environments.toml``.

``app.py`` loads one environment and passes it down as plain props; constructs never
read files or the process environment (CDK best practice).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["ApiConfig", "EnvironmentConfig", "ServiceSize", "load_environment"]

ENVIRONMENTS_FILE = Path(__file__).with_name("environments.toml")

#: Fargate's valid (cpu, memory) pairs are checked by CloudFormation; these bounds
#: catch typos at synth instead.
_CPU = Literal[256, 512, 1024, 2048, 4096, 8192, 16384]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceSize(_Strict):
    cpu: _CPU = 512
    memory: int = Field(default=1024, ge=512, le=122_880)
    #: 0 lets a stage sleep at no cost; the queue-depth alarm wakes it for one message.
    min_tasks: int = Field(default=0, ge=0)
    max_tasks: int = Field(default=2, ge=1, le=100)
    #: Fargate task storage beyond the default 20 GiB (the renderer's frames and mp4).
    ephemeral_storage_gib: int | None = Field(default=None, ge=21, le=200)

    @model_validator(mode="after")
    def _order(self) -> ServiceSize:
        if self.min_tasks > self.max_tasks:
            raise ValueError(f"min_tasks {self.min_tasks} exceeds max_tasks {self.max_tasks}")
        return self


class ApiConfig(ServiceSize):
    min_tasks: int = Field(default=1, ge=1)
    #: Internet-facing only with HTTPS: API keys never cross the internet in clear.
    public: bool = False
    certificate_arn: str | None = None

    @model_validator(mode="after")
    def _https_when_public(self) -> ApiConfig:
        if self.public and not self.certificate_arn:
            raise ValueError("api.public needs api.certificate_arn (an ACM certificate for HTTPS)")
        return self


class EnvironmentConfig(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,20}$")
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    #: ``destroy``: stack deletion removes data (dev); ``retain``: data stays (prod).
    removal: Literal["destroy", "retain"]
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_retention_days: int = Field(default=30, ge=1)
    job_retention_days: int = Field(default=90, ge=1, le=3650)
    #: Days before S3 expires a job's artifacts and cached clips/pictures.
    artifact_expiry_days: int = Field(default=90, ge=1)
    versioned_bucket: bool = False
    #: 0 puts tasks in public subnets with public IPs (no NAT cost, still no inbound).
    nat_gateways: int = Field(default=0, ge=0, le=3)
    visibility_timeout: int = Field(default=120, ge=30, le=43_200)
    #: SQS maxReceiveCount; the issue asks for at least 3 deliveries before the DLQ.
    max_receives: int = Field(default=4, ge=3, le=1000)
    #: Seconds a worker has after SIGTERM to finish or release its message; the
    #: container's stop timeout is this plus a margin, within Fargate's 120 s.
    stop_timeout: int = Field(default=100, ge=5, le=110)
    scale_in_idle_minutes: int = Field(default=5, ge=1, le=60)
    script_provider: Literal["rules", "openai"] = "rules"
    image_provider: Literal["painter", "openai"] = "painter"
    audio_provider: Literal["piper", "polly"] = "piper"
    stages: dict[str, ServiceSize]
    api: ApiConfig = Field(default_factory=ApiConfig)


def load_environment(name: str, path: Path = ENVIRONMENTS_FILE) -> EnvironmentConfig:
    """The environment ``name`` from ``path``; ValueError naming what is wrong."""
    environments = tomllib.loads(path.read_text("utf-8"))
    if name not in environments:
        raise ValueError(
            f"no environment {name!r} in {path.name}; choose one of "
            f"{', '.join(sorted(environments))} (cdk synth -c env=NAME)"
        )
    try:
        return EnvironmentConfig.model_validate({"name": name, **environments[name]})
    except ValidationError as exc:
        raise ValueError(f"{path.name} [{name}]: {exc}") from exc
