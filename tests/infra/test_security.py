"""Security by sweep over whole templates (both environments), so a resource or grant
added later is held to the same rules without a test naming it: nothing public, every
data store encrypted at rest, traffic TLS-only or inside the VPC, and no policy with a
``*`` action or a ``*`` resource beyond the acknowledged ones (README, cdk-nag table)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tests.infra.conftest import Synthesized

#: ``Resource: "*"`` is acknowledged only for actions that take no resource ARN.
WILDCARD_RESOURCE_ACTIONS = {
    "ecr:GetAuthorizationToken",  # every execution role; pulls are limited to the repo
    "polly:SynthesizeSpeech",  # the audio stage, when Polly speaks
    "polly:DescribeVoices",
}
#: The only wildcards in object ARNs: the job id, and each stage's own content cache.
OBJECT_PATTERNS = [
    re.compile(r"^jobs/\*/[a-z0-9/._*-]+$"),
    re.compile(r"^cache/(images|audio)/\*$"),
]
#: Acknowledged (README): the API hands out links to any artifact of any job.
API_OBJECTS = ("ApiService", "jobs/*")
#: Actions no service role needs: deleting data, reading a whole table, rewriting access.
DESTRUCTIVE = re.compile(
    r"^(s3:(DeleteObject|DeleteBucket|PutBucketPolicy|PutBucketAcl|PutObjectAcl)"
    r"|dynamodb:(DeleteItem|DeleteTable|Scan|UpdateTable)"
    r"|sqs:(DeleteQueue|PurgeQueue|SetQueueAttributes)|iam:.*|kms:.*)"
)
#: Every resource type that stores data, and how it is encrypted at rest. A new kind
#: of store fails the sweep until it is added here with its encryption checked.
DATA_STORES = {
    "AWS::S3::Bucket": "SSE-S3, checked below",
    "AWS::SQS::Queue": "SSE-SQS, checked below",
    "AWS::DynamoDB::Table": "always encrypted; no SSESpecification means an AWS-owned key",
    "AWS::Logs::LogGroup": "CloudWatch Logs encrypts every log group",
    "AWS::SecretsManager::Secret": "Secrets Manager encrypts with KMS (aws/secretsmanager)",
}
STORE_LIKE = re.compile(
    r"^AWS::(RDS|EFS|ElastiCache|OpenSearchService|Elasticsearch|Redshift|DocDB|Neptune"
    r"|Kinesis|KinesisFirehose|SNS|EC2::Volume|Backup|Glue|Timestream|MemoryDB)"
)


def statements(built: Synthesized) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical id, statement) of every identity policy: policies and inline role ones."""
    for logical_id, body in built.json["Resources"].items():
        props = body.get("Properties", {})
        if body["Type"] == "AWS::IAM::Policy":
            for statement in props["PolicyDocument"]["Statement"]:
                yield logical_id, statement
        if body["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield logical_id, statement


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def object_suffix(built: Synthesized, resource: Any) -> str | None:
    """``jobs/*/script.json`` of ``{"Fn::Join": ["", [<bucket arn>, "/jobs/*/script.json"]]}``
    (None for anything but an object ARN in one of the template's buckets)."""
    if not (isinstance(resource, dict) and "Fn::Join" in resource):
        return None
    parts = resource["Fn::Join"][1]
    if len(parts) != 2 or not isinstance(parts[1], str) or not parts[1].startswith("/"):
        return None
    target = parts[0].get("Fn::GetAtt", [None])[0] if isinstance(parts[0], dict) else None
    if built.json["Resources"].get(target, {}).get("Type") != "AWS::S3::Bucket":
        return None
    return parts[1][1:]


class TestLeastPrivilegeEverywhere:
    def test_no_policy_allows_every_action_of_a_service(self, synthesized: Synthesized) -> None:
        for logical_id, statement in statements(synthesized):
            for action in listed(statement["Action"]):
                assert action != "*" and not action.endswith(":*"), (logical_id, action)

    def test_a_wildcard_resource_only_for_actions_that_take_no_arn(
        self, synthesized: Synthesized
    ) -> None:
        for logical_id, statement in statements(synthesized):
            if "*" in listed(statement["Resource"]):
                assert set(listed(statement["Action"])) <= WILDCARD_RESOURCE_ACTIONS, logical_id

    def test_object_grants_name_only_job_keys_and_stage_caches(
        self, synthesized: Synthesized
    ) -> None:
        seen = 0
        for logical_id, statement in statements(synthesized):
            for resource in listed(statement["Resource"]):
                suffix = object_suffix(synthesized, resource)
                if suffix is None:
                    continue
                seen += 1
                if (logical_id.startswith(API_OBJECTS[0]), suffix) == (True, API_OBJECTS[1]):
                    assert statement["Action"] == "s3:GetObject", statement
                    continue
                assert any(p.match(suffix) for p in OBJECT_PATTERNS), (logical_id, suffix)
        assert seen, "expected object grants in the template"

    def test_no_role_may_delete_data_scan_the_table_or_change_access(
        self, synthesized: Synthesized
    ) -> None:
        for logical_id, statement in statements(synthesized):
            if statement["Effect"] != "Allow":
                continue
            for action in listed(statement["Action"]):
                assert not DESTRUCTIVE.match(action), (logical_id, action)

    def test_managed_policies_are_only_lambda_logging_for_cdk_helpers(
        self, synthesized: Synthesized
    ) -> None:
        for logical_id, body in synthesized.json["Resources"].items():
            for arn in body.get("Properties", {}).get("ManagedPolicyArns", []):
                assert logical_id.startswith("Custom"), logical_id
                assert "AWSLambdaBasicExecutionRole" in str(arn), (logical_id, arn)


class TestNothingPublic:
    def test_no_bucket_policy_allows_anyone(self, synthesized: Synthesized) -> None:
        for logical_id, body in synthesized.json["Resources"].items():
            if body["Type"] not in ("AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"):
                continue
            for statement in body["Properties"]["PolicyDocument"]["Statement"]:
                if statement["Effect"] == "Allow":
                    principal = statement.get("Principal")
                    assert principal not in ("*", {"AWS": "*"}), logical_id

    def test_plain_http_only_on_a_load_balancer_inside_the_vpc(
        self, synthesized: Synthesized
    ) -> None:
        """An HTTP listener is allowed on an internal load balancer (the VPC's own
        traffic); one reachable from the internet must be HTTPS."""
        resources = synthesized.json["Resources"]
        listeners = [b for b in resources.values() if b["Type"].endswith("::Listener")]
        assert listeners
        for listener in listeners:
            balancer = resources[listener["Properties"]["LoadBalancerArn"]["Ref"]]
            if listener["Properties"]["Protocol"] != "HTTPS":
                assert balancer["Properties"]["Scheme"] == "internal"
            else:
                assert listener["Properties"]["Certificates"]


class TestEncryptedAtRest:
    def test_every_data_store_is_one_whose_encryption_is_known(
        self, synthesized: Synthesized
    ) -> None:
        kinds = {body["Type"] for body in synthesized.json["Resources"].values()}
        unknown = {kind for kind in kinds if STORE_LIKE.match(kind)} - set(DATA_STORES)
        assert unknown == set(), f"decide and test the encryption of {unknown}"

    def test_buckets_and_queues_are_encrypted_and_the_table_is_not_unencrypted(
        self, synthesized: Synthesized
    ) -> None:
        for body in synthesized.json["Resources"].values():
            props = body.get("Properties", {})
            if body["Type"] == "AWS::S3::Bucket":
                rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                assert rules[0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
            if body["Type"] == "AWS::SQS::Queue":
                assert props.get("SqsManagedSseEnabled") is True or props.get("KmsMasterKeyId")
            if body["Type"] == "AWS::DynamoDB::Table":
                # Encrypted whatever this says; a customer key, if set, must be named.
                sse = props.get("SSESpecification", {})
                if sse.get("SSEType") == "KMS":
                    assert sse.get("KMSMasterKeyId")
