"""One stage's worker on ECS Fargate: its task, its log group, its permissions, and
autoscaling on its queue that wakes the stage from zero tasks for one message.

Scaling, as two step policies on the task count (min 0 by default):

    waiting messages  >= 1 for 1 min   ->  +1 task   (>= 10: +2), every minute while true
    waiting + in flight == 0 for N min ->  -1 task

Scaling out looks only at waiting messages (a task busy on one message does not
call for another); scaling in waits until nothing is waiting *or in flight*, so a
task is never taken away from a message it holds. A task that is stopped anyway
(deployment, Spot-like churn) gets SIGTERM and ``stop_timeout`` seconds to finish
or release its message, within Fargate's 120 s.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.access import BlobAccess
from infra.components.queues import StageQueue
from infra.config import ServiceSize
from infra.nag import acknowledge

__all__ = ["WorkerProps", "WorkerService", "acknowledge_image_pulls", "grant_blob_access"]

#: Fargate stops a task at most 120 s after SIGTERM; the worker gets less, so its
#: release of the message is not cut short.
CONTAINER_STOP_MARGIN_SECONDS = 10
#: Waiting messages from which a scale-out adds two tasks at once.
BURST_MESSAGES = 10
HEALTH_CHECK = ecs.HealthCheck(
    command=["CMD", "python", "-m", "shared.health"],
    interval=Duration.seconds(30),
    timeout=Duration.seconds(5),
    retries=3,
    start_period=Duration.seconds(60),
)


def grant_blob_access(role: iam.IRole, bucket: s3.IBucket, access: BlobAccess, *, who: str) -> None:
    """GetObject on the read patterns, PutObject on the write patterns, ListBucket so
    a missing key answers 404 (``NotFound``) and not 403. Each wildcard in an object
    ARN is acknowledged for cdk-nag with what it stands for."""
    role.add_to_principal_policy(
        iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject"],
            resources=[bucket.arn_for_objects(pattern) for pattern in access.reads],
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resources=[bucket.arn_for_objects(pattern) for pattern in access.writes],
        )
    )
    logical_id = Stack.of(bucket).get_logical_id(bucket.node.default_child)  # type: ignore[arg-type]
    for pattern in dict.fromkeys((*access.reads, *access.writes)):
        if pattern.startswith("cache/"):
            why = f"{who} reads and writes its own cross-job cache, named by content hash"
        elif pattern == "jobs/*":
            why = f"{who} hands out links to any artifact of any job"
        else:
            why = f"per-job keys, the job id is the wildcard: {who} touches only {pattern}"
        acknowledge(role, f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{pattern}]", why)


def acknowledge_image_pulls(task_definition: ecs.TaskDefinition) -> None:
    """The execution role's one wildcard: ``ecr:GetAuthorizationToken`` has no ARN."""
    role = task_definition.execution_role
    assert role is not None
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::*]",
        "ecr:GetAuthorizationToken takes no resource; the image pull itself is limited "
        "to the asset repository, and logs to this service's log group.",
    )


@dataclass(frozen=True)
class WorkerProps:
    stage: str
    image: ecs.ContainerImage
    size: ServiceSize
    cluster: ecs.ICluster
    subnets: ec2.SubnetSelection
    public_ip: bool
    queue: StageQueue
    #: The next stage's queue; None for the last stage.
    next_queue: StageQueue | None
    bucket: s3.IBucket
    table: dynamodb.ITable
    access: BlobAccess
    environment: dict[str, str]
    secrets: dict[str, ecs.Secret]
    speaks: bool
    stop_timeout: int
    scale_in_idle_minutes: int
    log_retention: logs.RetentionDays
    removal: RemovalPolicy


class WorkerService(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: WorkerProps) -> None:
        super().__init__(scope, construct_id)
        stage = props.stage
        self.log_group = logs.LogGroup(
            self, "Logs", retention=props.log_retention, removal_policy=props.removal
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "Task",
            cpu=props.size.cpu,
            memory_limit_mib=props.size.memory,
            ephemeral_storage_gib=props.size.ephemeral_storage_gib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        self.container = self.task_definition.add_container(
            "Worker",
            container_name=stage,
            image=props.image,
            environment=props.environment,
            secrets=props.secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix=stage, log_group=self.log_group),
            health_check=HEALTH_CHECK,
            stop_timeout=Duration.seconds(props.stop_timeout + CONTAINER_STOP_MARGIN_SECONDS),
        )
        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=props.cluster,
            task_definition=self.task_definition,
            desired_count=props.size.min_tasks,
            vpc_subnets=props.subnets,
            assign_public_ip=props.public_ip,
            min_healthy_percent=100,
            max_healthy_percent=200,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
        )
        self._grant(props)
        self._scale(props)
        acknowledge_image_pulls(self.task_definition)
        acknowledge(
            self.task_definition,
            "AwsSolutions-ECS2",
            "The environment holds only non-secret settings (names, sizes, log level); "
            "the OpenAI key arrives as an ECS secret from Secrets Manager.",
        )

    def _grant(self, props: WorkerProps) -> None:
        role = self.task_definition.task_role
        props.queue.queue.grant_consume_messages(role)
        props.queue.dead_letter_queue.grant_send_messages(role)
        if props.next_queue is not None:
            props.next_queue.queue.grant_send_messages(role)
        grant_blob_access(role, props.bucket, props.access, who=props.stage)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:GetItem", "dynamodb:PutItem"],
                resources=[props.table.table_arn],
            )
        )
        if props.speaks:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["polly:SynthesizeSpeech", "polly:DescribeVoices"], resources=["*"]
                )
            )
            acknowledge(
                role,
                "AwsSolutions-IAM5[Resource::*]",
                "Polly's SynthesizeSpeech and DescribeVoices take no resource ARN.",
            )

    def _scale(self, props: WorkerProps) -> None:
        queue = props.queue.queue
        minute = Duration.minutes(1)
        scaling = self.service.auto_scale_task_count(
            min_capacity=props.size.min_tasks, max_capacity=props.size.max_tasks
        )
        waiting = queue.metric_approximate_number_of_messages_visible(
            period=minute, statistic="Maximum"
        )
        busy = cloudwatch.MathExpression(
            expression="waiting + inflight",
            using_metrics={
                "waiting": waiting,
                "inflight": queue.metric_approximate_number_of_messages_not_visible(
                    period=minute, statistic="Maximum"
                ),
            },
            period=minute,
            label=f"{props.stage} messages waiting or in flight",
        )
        # From zero: one waiting message is enough (the pattern's default steps
        # start at 100 messages and would leave a lone job waiting forever).
        scaling.scale_on_metric(
            "ScaleOut",
            metric=waiting,
            scaling_steps=[
                autoscaling.ScalingInterval(upper=0, change=0),
                autoscaling.ScalingInterval(lower=1, change=1),
                autoscaling.ScalingInterval(lower=BURST_MESSAGES, change=2),
            ],
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=minute,
            evaluation_periods=1,
        )
        scaling.scale_on_metric(
            "ScaleIn",
            metric=busy,
            scaling_steps=[
                autoscaling.ScalingInterval(upper=0, change=-1),
                autoscaling.ScalingInterval(lower=1, change=0),
            ],
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=minute,
            evaluation_periods=props.scale_in_idle_minutes,
        )
