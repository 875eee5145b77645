"""The status API (``services/api``) on Fargate behind an Application Load Balancer.

Internal by default: reached from inside the VPC (a VPN, a bastion, a peered VPC).
Internet-facing only with an ACM certificate, HTTPS, and HTTP redirected, since
callers send their API key in a header.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as patterns
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.access import API_ACCESS
from infra.components.queues import StageQueue
from infra.components.worker_service import acknowledge_image_pulls, grant_blob_access
from infra.config import ApiConfig
from infra.nag import acknowledge

__all__ = ["ApiProps", "ApiService"]

API_PORT = 8000


@dataclass(frozen=True)
class ApiProps:
    image: ecs.ContainerImage
    config: ApiConfig
    cluster: ecs.ICluster
    vpc: ec2.IVpc
    subnets: ec2.SubnetSelection
    public_ip: bool
    first_queue: StageQueue
    bucket: s3.IBucket
    table: dynamodb.ITable
    index_arns: list[str]
    keys_secret: secretsmanager.ISecret
    environment: dict[str, str]
    access_logs: s3.IBucket
    log_retention: logs.RetentionDays
    removal: RemovalPolicy


class ApiService(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: ApiProps) -> None:
        super().__init__(scope, construct_id)
        config = props.config
        self.log_group = logs.LogGroup(
            self, "Logs", retention=props.log_retention, removal_policy=props.removal
        )
        https = config.certificate_arn is not None
        self.service = patterns.ApplicationLoadBalancedFargateService(
            self,
            "Service",
            cluster=props.cluster,
            cpu=config.cpu,
            memory_limit_mib=config.memory,
            desired_count=config.min_tasks,
            task_subnets=props.subnets,
            assign_public_ip=props.public_ip,
            public_load_balancer=config.public,
            # An internal load balancer is opened to the VPC below, not to 0.0.0.0/0.
            open_listener=config.public,
            protocol=elbv2.ApplicationProtocol.HTTPS if https else elbv2.ApplicationProtocol.HTTP,
            certificate=(
                acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
                if config.certificate_arn
                else None
            ),
            redirect_http=https,
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS if https else None,
            min_healthy_percent=100,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            task_image_options=patterns.ApplicationLoadBalancedTaskImageOptions(
                image=props.image,
                container_name="api",
                container_port=API_PORT,
                environment={
                    **props.environment,
                    "PIXELSCRIPT_API__HOST": "0.0.0.0",
                    "PIXELSCRIPT_API__PORT": str(API_PORT),
                    "PIXELSCRIPT_API__KEY_SECRET_ID": props.keys_secret.secret_arn,
                },
                log_driver=ecs.LogDrivers.aws_logs(stream_prefix="api", log_group=self.log_group),
            ),
        )
        self.service.target_group.configure_health_check(
            path="/healthz", healthy_http_codes="200", interval=Duration.seconds(15)
        )
        load_balancer = self.service.load_balancer
        load_balancer.log_access_logs(props.access_logs, prefix="api-alb")
        if not config.public:
            load_balancer.connections.allow_from(
                ec2.Peer.ipv4(props.vpc.vpc_cidr_block),
                ec2.Port.tcp(443 if https else 80),
                "callers inside the VPC",
            )
            acknowledge(
                load_balancer,
                "AwsSolutions-EC23",
                "Inbound only from the VPC's own CIDR; cdk-nag cannot read the CIDR "
                "(a CloudFormation reference) and reports an error instead of a pass.",
            )
        else:
            acknowledge(
                load_balancer,
                "AwsSolutions-EC23",
                "The public API's HTTPS entry point; every route but /healthz needs a key.",
            )
        scaling = self.service.service.auto_scale_task_count(
            min_capacity=config.min_tasks, max_capacity=config.max_tasks
        )
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
        self._grant(props)
        acknowledge_image_pulls(self.service.task_definition)
        acknowledge(
            self.service.task_definition,
            "AwsSolutions-ECS2",
            "The environment holds only non-secret settings and the key secret's ARN; "
            "the API reads its keys from Secrets Manager at run time (and on rotation).",
        )

    def _grant(self, props: ApiProps) -> None:
        role = self.service.task_definition.task_role
        props.first_queue.queue.grant_send_messages(role)
        props.keys_secret.grant_read(role)
        grant_blob_access(role, props.bucket, API_ACCESS, who="the API")
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                resources=[props.table.table_arn, *props.index_arns],
            )
        )
