"""A stage's SQS queue and its dead-letter queue."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs
from constructs import Construct

__all__ = ["StageQueue"]

#: SQS's longest retention: a dead letter must outlive the message that became it,
#: so someone can read it and redrive it.
DEAD_LETTER_RETENTION = Duration.days(14)
QUEUE_RETENTION = Duration.days(4)


class StageQueue(Construct):
    """``queue`` (named as ``shared.backends.queue_name``) with ``dead_letter_queue``:
    SSE, SSL-only, long polling, a redrive policy after ``max_receives`` deliveries."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue_name: str,
        dead_letter_queue_name: str,
        visibility_timeout: int,
        max_receives: int,
        removal: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetters",
            queue_name=dead_letter_queue_name,
            retention_period=DEAD_LETTER_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            removal_policy=removal,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            queue_name=queue_name,
            retention_period=QUEUE_RETENTION,
            visibility_timeout=Duration.seconds(visibility_timeout),
            receive_message_wait_time=Duration.seconds(20),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queue, max_receive_count=max_receives
            ),
            removal_policy=removal,
        )
