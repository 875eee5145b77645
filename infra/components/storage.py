"""The artifact bucket, its access-log bucket, and the job table."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.nag import acknowledge
from shared.backends.aws.schema import (
    ATTR_CREATED,
    ATTR_EXPIRES,
    ATTR_JOB_ID,
    ATTR_KIND,
    ATTR_STATUS,
    INDEX_NEWEST,
    INDEX_STATUS,
)

__all__ = ["ArtifactBucket", "JobTable", "LogBucket"]


def _private_bucket_props(removal: RemovalPolicy) -> dict[str, object]:
    return {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        "removal_policy": removal,
        # A destroyed dev stack must not leave a bucket behind because it held files.
        "auto_delete_objects": removal == RemovalPolicy.DESTROY,
    }


class LogBucket(Construct):
    """Where the artifact bucket's access logs and the load balancer's logs go."""

    def __init__(
        self, scope: Construct, construct_id: str, *, removal: RemovalPolicy, expiry_days: int
    ) -> None:
        super().__init__(scope, construct_id)
        props = _private_bucket_props(removal)
        # Server access logging and ELB log delivery write with the bucket owner's ACL
        # rules only when ACLs are enabled for the owner.
        props["object_ownership"] = s3.ObjectOwnership.BUCKET_OWNER_PREFERRED
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(expiry_days))],
            **props,  # type: ignore[arg-type]
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "This is the access-log bucket; logging it into itself would loop.",
        )


class ArtifactBucket(Construct):
    """Private, encrypted, SSL-only; jobs/ and cache/ expire; versioned where asked."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        removal: RemovalPolicy,
        versioned: bool,
        expiry_days: int,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        rules = [
            s3.LifecycleRule(
                id=f"expire-{prefix.rstrip('/')}",
                prefix=prefix,
                expiration=Duration.days(expiry_days),
                abort_incomplete_multipart_upload_after=Duration.days(1),
                noncurrent_version_expiration=Duration.days(30) if versioned else None,
            )
            for prefix in ("jobs/", "cache/")
        ]
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            versioned=versioned,
            lifecycle_rules=rules,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="artifacts/",
            **_private_bucket_props(removal),  # type: ignore[arg-type]
        )


class JobTable(Construct):
    """On-demand table keyed by job id: PITR, TTL on ``expires_at``, and the two
    newest-first indexes the job table queries (``shared.backends.aws.schema``)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, table_name: str, removal: RemovalPolicy
    ) -> None:
        super().__init__(scope, construct_id)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name=ATTR_JOB_ID, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=ATTR_EXPIRES,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=removal,
            deletion_protection=removal == RemovalPolicy.RETAIN,
        )
        for index, partition in ((INDEX_NEWEST, ATTR_KIND), (INDEX_STATUS, ATTR_STATUS)):
            self.table.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=partition, type=string),
                sort_key=dynamodb.Attribute(name=ATTR_CREATED, type=string),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        self.index_arns = [
            f"{self.table.table_arn}/index/{name}" for name in (INDEX_NEWEST, INDEX_STATUS)
        ]
