"""One deployable unit per environment: queues, bucket, table, workers, the API.

Composition only: sizes and switches come in as ``EnvironmentConfig``; the
constructs in ``infra/components`` do the work; grants and outputs are wired here.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from aws_cdk import Aws, CfnOutput, Environment, IgnoreMode, RemovalPolicy, Stack
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.access import stage_access
from infra.components.api_service import ApiProps, ApiService
from infra.components.network import Network
from infra.components.queues import StageQueue
from infra.components.storage import ArtifactBucket, JobTable, LogBucket
from infra.components.worker_service import WorkerProps, WorkerService
from infra.config import EnvironmentConfig
from infra.nag import acknowledge
from shared.backends import queue_name
from shared.backends.aws.schema import dead_letter_queue_name
from shared.settings import AWSSettings, Settings

__all__ = ["QUEUE_PREFIX", "PixelScriptStack"]

#: ``AWSSettings.queue_prefix``: queues are ``pixelscript-<env>-<stage>``.
QUEUE_PREFIX = "pixelscript"
SERVICES = ("script", "image", "audio", "mixer", "render", "api")


#: CloudWatch accepts only these retentions; a config value is rounded up to one.
_RETENTIONS = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


def _retention(days: int) -> logs.RetentionDays:
    return next((_RETENTIONS[d] for d in sorted(_RETENTIONS) if d >= days), _RETENTIONS[731])


class PixelScriptStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        stages: list[str],
        repo: Path,
        with_api: bool,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            env=Environment(region=config.region),
            description=f"PixelScript Director, {config.name}: stage workers, queues, storage",
        )
        self.config = config
        self.repo = repo
        removal = RemovalPolicy.DESTROY if config.removal == "destroy" else RemovalPolicy.RETAIN
        retention = _retention(config.log_retention_days)
        names = Settings.model_construct(
            environment=config.name, aws=AWSSettings(queue_prefix=QUEUE_PREFIX)
        )

        network = Network(
            self,
            "Network",
            nat_gateways=config.nat_gateways,
            log_retention=retention,
            removal=removal,
        )
        cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=network.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        access_logs = LogBucket(
            self, "AccessLogs", removal=removal, expiry_days=config.log_retention_days
        ).bucket
        bucket = ArtifactBucket(
            self,
            "Artifacts",
            removal=removal,
            versioned=config.versioned_bucket,
            expiry_days=config.artifact_expiry_days,
            access_logs=access_logs,
        ).bucket
        jobs = JobTable(
            self, "Jobs", table_name=f"{QUEUE_PREFIX}-{config.name}-jobs", removal=removal
        )
        queues = {
            stage: StageQueue(
                self,
                f"{stage.capitalize()}Queue",
                queue_name=queue_name(names, stage),
                dead_letter_queue_name=dead_letter_queue_name(names, stage),
                visibility_timeout=config.visibility_timeout,
                max_receives=config.max_receives,
                removal=removal,
            )
            for stage in stages
        }
        openai_key = secretsmanager.Secret(
            self,
            "OpenAIKey",
            description=f"PixelScript {config.name}: the OpenAI API key (put the real one in)",
            removal_policy=removal,
        )
        acknowledge(
            openai_key,
            "AwsSolutions-SMG4",
            "A third-party API key: it is rotated at OpenAI and put here by hand; "
            "Secrets Manager has no rotation function that could mint one.",
        )
        environment = {
            "PIXELSCRIPT_BACKEND": "aws",
            "PIXELSCRIPT_ENVIRONMENT": config.name,
            "PIXELSCRIPT_LOG_LEVEL": config.log_level,
            "PIXELSCRIPT_LOG_FORMAT": "json",
            "PIXELSCRIPT_AWS__REGION": Aws.REGION,
            "PIXELSCRIPT_AWS__BUCKET": bucket.bucket_name,
            "PIXELSCRIPT_AWS__TABLE": jobs.table.table_name,
            "PIXELSCRIPT_AWS__QUEUE_PREFIX": QUEUE_PREFIX,
            "PIXELSCRIPT_AWS__JOB_RETENTION_DAYS": str(config.job_retention_days),
            "PIXELSCRIPT_WORKER__VISIBILITY_TIMEOUT": str(config.visibility_timeout),
            "PIXELSCRIPT_WORKER__MAX_RECEIVES": str(config.max_receives),
            "PIXELSCRIPT_WORKER__STOP_TIMEOUT": str(config.stop_timeout),
            "PIXELSCRIPT_WORKER__HEALTH_FILE": "/tmp/pixelscript-health",
            "PIXELSCRIPT_SCRIPT_PROVIDER": config.script_provider,
            "PIXELSCRIPT_IMAGE_PROVIDER": config.image_provider,
            "PIXELSCRIPT_AUDIO_PROVIDER": config.audio_provider,
        }

        self.workers: dict[str, WorkerService] = {}
        for index, stage in enumerate(stages):
            access = stage_access(stage, first=index == 0)
            uses_openai = (
                access.openai_setting is not None
                and getattr(config, access.openai_setting) == "openai"
            )
            self.workers[stage] = WorkerService(
                self,
                f"{stage.capitalize()}Worker",
                props=WorkerProps(
                    stage=stage,
                    image=self._image(stage),
                    size=config.stages.get(stage) or _missing_size(stage),
                    cluster=cluster,
                    subnets=network.task_subnets,
                    public_ip=not network.private,
                    queue=queues[stage],
                    next_queue=queues[stages[index + 1]] if index + 1 < len(stages) else None,
                    bucket=bucket,
                    table=jobs.table,
                    access=access,
                    environment=environment,
                    secrets=(
                        {"PIXELSCRIPT_OPENAI__API_KEY": ecs.Secret.from_secrets_manager(openai_key)}
                        if uses_openai
                        else {}
                    ),
                    speaks=access.speaks and config.audio_provider == "polly",
                    stop_timeout=config.stop_timeout,
                    scale_in_idle_minutes=config.scale_in_idle_minutes,
                    log_retention=retention,
                    removal=removal,
                ),
            )

        self.api: ApiService | None = None
        if with_api:
            keys = secretsmanager.Secret(
                self,
                "ApiKeys",
                description=f"PixelScript {config.name}: API keys, {{'keys': [...]}}",
                generate_secret_string=secretsmanager.SecretStringGenerator(
                    secret_string_template="{}",
                    generate_string_key="api_key",
                    exclude_punctuation=True,
                    password_length=40,
                ),
                removal_policy=removal,
            )
            acknowledge(
                keys,
                "AwsSolutions-SMG4",
                "Client API keys are rotated by editing the secret (the API re-reads it "
                "every few minutes), so old and new keys overlap during a hand-over.",
            )
            self.api = ApiService(
                self,
                "Api",
                props=ApiProps(
                    image=self._image("api"),
                    config=config.api,
                    cluster=cluster,
                    vpc=network.vpc,
                    subnets=network.task_subnets,
                    public_ip=not network.private,
                    first_queue=queues[stages[0]],
                    bucket=bucket,
                    table=jobs.table,
                    index_arns=jobs.index_arns,
                    keys_secret=keys,
                    environment=environment,
                    access_logs=access_logs,
                    log_retention=retention,
                    removal=removal,
                ),
            )
            CfnOutput(
                self,
                "ApiUrl",
                value=f"http://{self.api.service.load_balancer.load_balancer_dns_name}",
            )

        CfnOutput(self, "ArtifactBucket", value=bucket.bucket_name)
        CfnOutput(self, "JobTableName", value=jobs.table.table_name)
        CfnOutput(self, "IntakeQueueUrl", value=queues[stages[0]].queue.queue_url)
        CfnOutput(self, "OpenAIKeySecret", value=openai_key.secret_arn)

    def _image(self, service: str) -> ecs.ContainerImage:
        """The service's image, built from the repository root with its Dockerfile; the
        other services' folders are left out so their changes do not rebuild it."""
        others = [f"services/{name}" for name in SERVICES if name != service]
        return ecs.ContainerImage.from_asset(
            str(self.repo),
            file=f"services/{service}/Dockerfile",
            exclude=others,
            ignore_mode=IgnoreMode.DOCKER,
            platform=ecr_assets.Platform.LINUX_AMD64,
        )


def _missing_size(stage: str) -> NoReturn:
    raise ValueError(f"environments.toml has no [<env>.stages.{stage}] section for stage {stage!r}")
