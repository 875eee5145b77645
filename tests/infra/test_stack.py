"""The CDK app's templates, by intent: every queue has a DLQ, everything is encrypted
and SSL-only, the table keeps its history, a stage wakes from zero for one message,
each role holds only what its stage needs, secrets arrive as ECS secrets, and
cdk-nag has nothing unacknowledged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match

from infra.access import API_ACCESS, stage_access
from infra.config import load_environment
from infra.stack import QUEUE_PREFIX
from shared.backends.aws.schema import (
    ATTR_CREATED,
    ATTR_EXPIRES,
    ATTR_KIND,
    ATTR_STATUS,
    INDEX_NEWEST,
    INDEX_STATUS,
)
from shared.pipeline import stage_names
from tests.infra.conftest import Synthesized

STAGES = stage_names()


def resources(built: Synthesized, kind: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = built.template.find_resources(kind)
    return found


def get_att(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def queue_ids(built: Synthesized) -> dict[str, str]:
    """Queue name -> logical id."""
    return {
        body["Properties"]["QueueName"]: logical_id
        for logical_id, body in resources(built, "AWS::SQS::Queue").items()
    }


def role_statements(built: Synthesized, prefix: str) -> list[dict[str, Any]]:
    """Statements of the default policy of the task role whose id starts with ``prefix``."""
    policies = [
        body
        for logical_id, body in resources(built, "AWS::IAM::Policy").items()
        if logical_id.startswith(prefix)
    ]
    assert len(policies) == 1, f"expected one policy for {prefix}, found {len(policies)}"
    statements: list[dict[str, Any]] = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    return statements


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def resources_of(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def object_patterns(statement: dict[str, Any]) -> set[str]:
    """``jobs/*/script.json`` from ``{"Fn::Join": ["", [<bucket arn>, "/jobs/*/script.json"]]}``."""
    return {resource["Fn::Join"][1][1].lstrip("/") for resource in resources_of(statement)}


def bucket_id(built: Synthesized) -> str:
    [artifacts] = [
        logical_id
        for logical_id in resources(built, "AWS::S3::Bucket")
        if logical_id.startswith("Artifacts")
    ]
    return artifacts


def worker_prefix(stage: str) -> str:
    return f"{stage.capitalize()}WorkerTaskTaskRoleDefaultPolicy"


class TestQueues:
    def test_every_stage_has_a_named_queue_and_dead_letter_queue(
        self, synthesized: Synthesized
    ) -> None:
        """Queue names are what the workers look up (``shared.backends.queue_name``)."""
        names = set(queue_ids(synthesized))
        env = synthesized.env
        expected = {f"{QUEUE_PREFIX}-{env}-{stage}" for stage in STAGES}
        assert names == expected | {f"{name}-dlq" for name in expected}

    def test_every_source_queue_redrives_to_its_dlq_after_at_least_three_receives(
        self, synthesized: Synthesized
    ) -> None:
        ids = queue_ids(synthesized)
        queues = resources(synthesized, "AWS::SQS::Queue")
        for name, logical_id in ids.items():
            if name.endswith("-dlq"):
                continue
            policy = queues[logical_id]["Properties"]["RedrivePolicy"]
            assert policy["deadLetterTargetArn"] == get_att(ids[f"{name}-dlq"])
            assert policy["maxReceiveCount"] >= 3

    def test_dead_letters_outlive_the_messages_they_come_from(
        self, synthesized: Synthesized
    ) -> None:
        ids = queue_ids(synthesized)
        queues = resources(synthesized, "AWS::SQS::Queue")
        for stage in STAGES:
            name = f"{QUEUE_PREFIX}-{synthesized.env}-{stage}"
            source = queues[ids[name]]["Properties"]["MessageRetentionPeriod"]
            dead = queues[ids[f"{name}-dlq"]]["Properties"]["MessageRetentionPeriod"]
            assert dead > source

    def test_every_queue_is_encrypted_and_long_polled_where_consumed(
        self, synthesized: Synthesized
    ) -> None:
        for body in resources(synthesized, "AWS::SQS::Queue").values():
            assert body["Properties"]["SqsManagedSseEnabled"] is True
        synthesized.template.resource_properties_count_is(
            "AWS::SQS::Queue", {"ReceiveMessageWaitTimeSeconds": 20}, len(STAGES)
        )

    def test_every_queue_refuses_requests_without_tls(self, synthesized: Synthesized) -> None:
        """One policy per queue denies sqs:* when aws:SecureTransport is false."""
        synthesized.template.resource_count_is("AWS::SQS::QueuePolicy", 2 * len(STAGES))
        for body in resources(synthesized, "AWS::SQS::QueuePolicy").values():
            [statement] = body["Properties"]["PolicyDocument"]["Statement"]
            assert statement["Effect"] == "Deny"
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


class TestStorage:
    def test_buckets_are_private_encrypted_and_ssl_only(self, synthesized: Synthesized) -> None:
        synthesized.template.resource_count_is("AWS::S3::Bucket", 2)
        synthesized.template.all_resources_properties(
            "AWS::S3::Bucket",
            {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
            },
        )
        for body in resources(synthesized, "AWS::S3::BucketPolicy").values():
            statements = body["Properties"]["PolicyDocument"]["Statement"]
            assert any(
                s["Effect"] == "Deny"
                and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
                for s in statements
            )

    def test_artifacts_expire_are_logged_and_versioned_only_in_prod(
        self, synthesized: Synthesized
    ) -> None:
        artifacts = resources(synthesized, "AWS::S3::Bucket")[bucket_id(synthesized)]
        properties = artifacts["Properties"]
        prefixes = {rule["Prefix"] for rule in properties["LifecycleConfiguration"]["Rules"]}
        assert prefixes == {"jobs/", "cache/"}
        assert "LoggingConfiguration" in properties
        versioned = properties.get("VersioningConfiguration", {}).get("Status") == "Enabled"
        assert versioned is (synthesized.env == "prod")

    def test_job_table_has_pitr_ttl_and_the_newest_first_indexes(
        self, synthesized: Synthesized
    ) -> None:
        synthesized.template.has_resource_properties(
            "AWS::DynamoDB::Table",
            {
                "TableName": f"{QUEUE_PREFIX}-{synthesized.env}-jobs",
                "BillingMode": "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
                "TimeToLiveSpecification": {"AttributeName": ATTR_EXPIRES, "Enabled": True},
                "GlobalSecondaryIndexes": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "IndexName": name,
                                "KeySchema": [
                                    {"AttributeName": partition, "KeyType": "HASH"},
                                    {"AttributeName": ATTR_CREATED, "KeyType": "RANGE"},
                                ],
                            }
                        )
                        for name, partition in (
                            (INDEX_NEWEST, ATTR_KIND),
                            (INDEX_STATUS, ATTR_STATUS),
                        )
                    ]
                ),
            },
        )

    def test_dev_destroys_and_prod_retains_its_data(self, synthesized: Synthesized) -> None:
        policy = "Delete" if synthesized.env == "dev" else "Retain"
        for kind in ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue"):
            for body in resources(synthesized, kind).values():
                assert body["DeletionPolicy"] == policy, kind


class TestWorkers:
    def test_one_fargate_service_and_log_group_per_stage_and_the_api(
        self, synthesized: Synthesized
    ) -> None:
        services = len(STAGES) + 1
        synthesized.template.resource_count_is("AWS::ECS::Service", services)
        synthesized.template.resource_count_is("AWS::ECS::TaskDefinition", services)
        # One per service, and the VPC's flow logs.
        synthesized.template.resource_count_is("AWS::Logs::LogGroup", services + 1)

    def test_containers_log_check_health_and_stop_gracefully(
        self, synthesized: Synthesized
    ) -> None:
        config = load_environment(synthesized.env)
        for stage in STAGES:
            synthesized.template.has_resource_properties(
                "AWS::ECS::TaskDefinition",
                {
                    "ContainerDefinitions": [
                        Match.object_like(
                            {
                                "Name": stage,
                                "HealthCheck": Match.object_like(
                                    {"Command": ["CMD", "python", "-m", "shared.health"]}
                                ),
                                "StopTimeout": Match.any_value(),
                                "LogConfiguration": Match.object_like({"LogDriver": "awslogs"}),
                                "Environment": Match.array_with(
                                    [
                                        {
                                            "Name": "PIXELSCRIPT_WORKER__STOP_TIMEOUT",
                                            "Value": str(config.stop_timeout),
                                        }
                                    ]
                                ),
                            }
                        )
                    ]
                },
            )
        for body in resources(synthesized, "AWS::ECS::TaskDefinition").values():
            [container] = body["Properties"]["ContainerDefinitions"]
            if container["Name"] in STAGES:
                # The worker's own deadline ends before Fargate's SIGKILL (120 s at most).
                assert config.stop_timeout < container["StopTimeout"] <= 120

    def test_one_waiting_message_starts_a_task_from_zero(self, synthesized: Synthesized) -> None:
        """The alarm fires at 1 visible message and its first step adds one task; the
        pattern's default steps would wait for 100."""
        config = load_environment(synthesized.env)
        for stage in STAGES:
            size = config.stages[stage]
            synthesized.template.has_resource_properties(
                "AWS::ApplicationAutoScaling::ScalableTarget",
                {
                    "MinCapacity": size.min_tasks,
                    "MaxCapacity": size.max_tasks,
                    "ResourceId": Match.object_like(
                        {"Fn::Join": ["", Match.array_with([{"Ref": Match.any_value()}])]}
                    ),
                },
            )
        alarms = [
            body["Properties"]
            for body in resources(synthesized, "AWS::CloudWatch::Alarm").values()
            if body["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
        ]
        assert len(alarms) == len(STAGES)
        for alarm in alarms:
            assert alarm["Threshold"] == 1
            assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
            assert alarm["EvaluationPeriods"] == 1
        policies = resources(synthesized, "AWS::ApplicationAutoScaling::ScalingPolicy")
        scale_out = [
            body["Properties"]["StepScalingPolicyConfiguration"]
            for logical_id, body in policies.items()
            if "ScaleOutUpperPolicy" in logical_id
        ]
        assert len(scale_out) == len(STAGES)
        for step in scale_out:
            first = step["StepAdjustments"][0]
            assert (first["MetricIntervalLowerBound"], first["ScalingAdjustment"]) == (0, 1)
        assert load_environment("dev").stages[STAGES[0]].min_tasks == 0

    def test_scale_in_waits_until_nothing_is_waiting_or_in_flight(
        self, synthesized: Synthesized
    ) -> None:
        """A task is removed only when its queue has no message waiting *or held*."""
        alarms = [
            body["Properties"]
            for body in resources(synthesized, "AWS::CloudWatch::Alarm").values()
            if "Metrics" in body["Properties"]
            and body["Properties"]["AlarmDescription"].startswith("Lower")
        ]
        assert len(alarms) == len(STAGES)
        for alarm in alarms:
            names = {
                metric["MetricStat"]["Metric"]["MetricName"]
                for metric in alarm["Metrics"]
                if "MetricStat" in metric
            }
            assert names == {
                "ApproximateNumberOfMessagesVisible",
                "ApproximateNumberOfMessagesNotVisible",
            }
            assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (
                0,
                "LessThanOrEqualToThreshold",
            )


class TestLeastPrivilege:
    @pytest.mark.parametrize("stage", STAGES)
    def test_each_stage_role_reaches_only_its_queues_keys_and_table(
        self, synthesized: Synthesized, stage: str
    ) -> None:
        ids = queue_ids(synthesized)
        own = f"{QUEUE_PREFIX}-{synthesized.env}-{stage}"
        index = STAGES.index(stage)
        send_to = {get_att(ids[f"{own}-dlq"])["Fn::GetAtt"][0]}
        if index + 1 < len(STAGES):
            send_to.add(ids[f"{QUEUE_PREFIX}-{synthesized.env}-{STAGES[index + 1]}"])
        access = stage_access(stage, first=index == 0)
        statements = role_statements(synthesized, worker_prefix(stage))
        seen_sqs_targets = set()
        for statement in statements:
            actions = actions_of(statement)
            assert statement["Effect"] == "Allow"
            assert not any(action.endswith("*") for action in actions), actions
            if "sqs:ReceiveMessage" in actions:
                assert resources_of(statement) == [get_att(ids[own])]
            elif "sqs:SendMessage" in actions:
                [target] = resources_of(statement)
                seen_sqs_targets.add(target["Fn::GetAtt"][0])
            elif actions == ["s3:GetObject"]:
                assert object_patterns(statement) == set(access.reads)
            elif "s3:PutObject" in actions:
                assert object_patterns(statement) == set(access.writes)
            elif actions == ["s3:ListBucket"]:
                assert resources_of(statement) == [get_att(bucket_id(synthesized))]
            elif any(action.startswith("dynamodb:") for action in actions):
                assert sorted(actions) == ["dynamodb:GetItem", "dynamodb:PutItem"]
                [table] = resources_of(statement)
                assert table["Fn::GetAtt"][0].startswith("JobsTable")
            elif any(action.startswith("polly:") for action in actions):
                assert stage == "audio" and synthesized.env == "prod"
            else:
                pytest.fail(f"{stage} has an unexpected statement {json.dumps(statement)}")
        assert seen_sqs_targets == send_to

    def test_only_polly_gets_a_resource_wildcard(self, synthesized: Synthesized) -> None:
        for stage in STAGES:
            for statement in role_statements(synthesized, worker_prefix(stage)):
                if "*" in resources_of(statement):
                    assert all(a.startswith("polly:") for a in actions_of(statement))

    def test_api_role_submits_reads_and_links_but_runs_no_stage(
        self, synthesized: Synthesized
    ) -> None:
        ids = queue_ids(synthesized)
        first = ids[f"{QUEUE_PREFIX}-{synthesized.env}-{STAGES[0]}"]
        statements = role_statements(synthesized, "ApiServiceTaskDefTaskRoleDefaultPolicy")
        everything = [action for statement in statements for action in actions_of(statement)]
        assert "sqs:ReceiveMessage" not in everything
        assert "dynamodb:Query" in everything and "dynamodb:Scan" not in everything
        for statement in statements:
            if "sqs:SendMessage" in actions_of(statement):
                assert resources_of(statement) == [get_att(first)]
            if "s3:PutObject" in actions_of(statement):
                assert object_patterns(statement) == set(API_ACCESS.writes)


class TestSecrets:
    def test_openai_key_reaches_containers_only_as_an_ecs_secret(self, prod: Synthesized) -> None:
        """In prod the script and image stages use OpenAI: the key is a secret reference."""
        [secret_id] = [
            logical_id
            for logical_id in resources(prod, "AWS::SecretsManager::Secret")
            if logical_id.startswith("OpenAIKey")
        ]
        for stage in ("script", "image"):
            if stage not in STAGES:
                continue
            prod.template.has_resource_properties(
                "AWS::ECS::TaskDefinition",
                {
                    "ContainerDefinitions": [
                        Match.object_like(
                            {
                                "Name": stage,
                                "Secrets": [
                                    {
                                        "Name": "PIXELSCRIPT_OPENAI__API_KEY",
                                        "ValueFrom": {"Ref": secret_id},
                                    }
                                ],
                            }
                        )
                    ]
                },
            )

    def test_no_container_environment_holds_a_key(self, synthesized: Synthesized) -> None:
        for body in resources(synthesized, "AWS::ECS::TaskDefinition").values():
            for container in body["Properties"]["ContainerDefinitions"]:
                for variable in container.get("Environment", []):
                    name = variable["Name"]
                    assert not name.endswith(("API_KEY", "SECRET", "PASSWORD", "TOKEN")), name

    def test_dev_stages_without_openai_get_no_secret(self, dev: Synthesized) -> None:
        for body in resources(dev, "AWS::ECS::TaskDefinition").values():
            [container] = body["Properties"]["ContainerDefinitions"]
            if container["Name"] in STAGES:
                assert "Secrets" not in container


class TestApi:
    def test_api_sits_behind_an_internal_load_balancer_with_health_checks(
        self, synthesized: Synthesized
    ) -> None:
        synthesized.template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            {
                "Scheme": "internal",
                "LoadBalancerAttributes": Match.array_with(
                    [{"Key": "access_logs.s3.enabled", "Value": "true"}]
                ),
            },
        )
        synthesized.template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::TargetGroup", {"HealthCheckPath": "/healthz"}
        )


class TestCdkNag:
    def test_no_finding_is_left_unacknowledged(self, synthesized: Synthesized) -> None:
        """Synthesis would have raised; the validation report lists no failing plugin."""
        failing = [
            report["pluginName"]
            for report in synthesized.report["pluginReports"]
            if report["conclusion"] != "success"
        ]
        assert failing == []

    def test_an_unacknowledged_finding_fails_synthesis(self, tmp_path: Path) -> None:
        """The checks are live: a bucket without logs or TLS enforcement stops synth."""
        from aws_cdk import aws_s3 as s3

        from infra.app import build_app

        app, stack = build_app("dev", outdir=str(tmp_path))
        s3.Bucket(stack, "Careless")
        with pytest.raises(Exception, match="ValidationFailed") as caught:
            app.synth()
        report = json.loads((tmp_path / "validation-report.json").read_text())
        rules = {
            violation["ruleName"]
            for plugin in report["pluginReports"]
            for violation in plugin["violations"]
        }
        assert {"AwsSolutions-S1", "AwsSolutions-S10"} <= rules, caught.value

    def test_every_acknowledgement_gives_a_reason(self, synthesized: Synthesized) -> None:
        acknowledged = [
            rule
            for body in synthesized.json["Resources"].values()
            for rule in body.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
            if rule["id"].startswith("AwsSolutions")
        ]
        assert acknowledged, "expected the acknowledgements in the template metadata"
        for rule in acknowledged:
            assert len(rule["reason"].split()) >= 5, rule
