"""``shared.ports.Queue`` on SQS standard queues, each with its dead-letter queue.

The queue and its DLQ are made by the CDK app (or ``provision`` for moto and
LocalStack); this class only looks them up by name. What SQS does not give the
port for free, and how it is filled in:

* **Receipts.** The receipt we hand out is ``<message id>|<SQS receipt handle>``.
  SQS (and moto even more so) may accept an old receipt handle after the message
  was delivered again; the port says a stale receipt controls nothing. So the queue
  remembers the newest receipt it handed out per message and treats older ones as
  stale: ``extend`` returns False, ``delete`` and ``dead_letter`` do nothing, as on
  the local backend. Across processes the job table's claim and lease guard the
  stage, whatever SQS does with a stale handle.
* **Dead letters with a reason.** ``dead_letter`` first checks that the receipt still
  holds the message, then sends the body to the DLQ with the reason, the original
  message id and the receive count as message attributes, then deletes the original.
  Messages that SQS moved itself (the redrive policy) carry no attributes: their
  reason is "received N times without being deleted", N the policy's maxReceiveCount.
* **Reading the DLQ without consuming it.** ``dead_letters`` receives with a short
  visibility timeout and releases everything it saw (visibility 0) before returning,
  so the letters stay; a concurrent reader of the same DLQ may see fewer meanwhile.
* **Redrive** receives from the DLQ, sends fresh copies (receive count 1) and deletes
  the dead letters, in batches. A crash between the two sends a message twice, which
  the worker's claim drops. ``prepare`` runs for a whole batch before any of it is
  sent; if it raises, the batch is released and stays in the DLQ.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from shared.backends.aws.clients import error_code
from shared.backends.limits import MAX_MESSAGE_BYTES, MAX_WAIT_SECONDS, check_message
from shared.errors import NotFound, QueueLimitError
from shared.ports import DeadLetter, ReceivedMessage

__all__ = ["SQSQueue"]

#: SQS's largest batch (send, delete, change visibility) and receive.
MAX_BATCH = 10
#: SQS's longest visibility timeout (12 h).
MAX_VISIBILITY_SECONDS = 43_200
#: How long a message read by ``dead_letters`` or ``redrive`` stays hidden if this
#: process dies before releasing or deleting it.
PEEK_VISIBILITY_SECONDS = 30
#: Long poll when reading a DLQ: 0 would be a short poll, which samples only some
#: SQS servers and can miss messages.
PEEK_WAIT_SECONDS = 1
#: How long ``dead_letter`` holds the message between copying it and deleting it.
DEAD_LETTER_HOLD_SECONDS = 60
#: Receipts remembered to recognise stale ones; far more than a worker has in flight.
MAX_TRACKED_RECEIPTS = 10_000
RECEIPT_SEPARATOR = "|"

#: Message attributes of an explicit dead letter.
ATTR_REASON = "pixelscript-reason"
ATTR_MESSAGE_ID = "pixelscript-message-id"
ATTR_RECEIVE_COUNT = "pixelscript-receive-count"

#: Error codes meaning "this receipt no longer controls the message". The JSON
#: protocol reports some with the legacy query prefix.
_STALE_RECEIPT_CODES = {"ReceiptHandleIsInvalid", "MessageNotInflight", "InvalidReceiptHandle"}
_NO_QUEUE_CODES = {"QueueDoesNotExist", "NonExistentQueue"}


def _code(exc: ClientError) -> str:
    return error_code(exc).removeprefix("AWS.SimpleQueueService.")


def _stale_receipt(exc: ClientError) -> bool:
    code = _code(exc)
    if code in _STALE_RECEIPT_CODES:
        return True
    # Real SQS says an expired handle is an invalid *parameter*; keep other invalid
    # parameters (a visibility beyond 12 h) as errors.
    message = str(exc.response.get("Error", {}).get("Message", "")).lower()
    return code == "InvalidParameterValue" and "receipt" in message


class SQSQueue:
    """Implements ``shared.ports.Queue`` on one SQS queue and its DLQ."""

    def __init__(self, sqs: Any, name: str) -> None:
        self.sqs = sqs
        self.name = name
        self._lock = threading.Lock()
        self._url: str | None = None
        self._dlq_url: str | None = None
        self._max_receives: int | None = None
        self._receipts: OrderedDict[str, str] = OrderedDict()

    # ------------------------------------------------------------------ lookup

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = self._lookup(self.name)
        return self._url

    def _lookup(self, name: str, owner: str | None = None) -> str:
        params = {"QueueName": name} | ({"QueueOwnerAWSAccountId": owner} if owner else {})
        try:
            return str(self.sqs.get_queue_url(**params)["QueueUrl"])
        except ClientError as exc:
            if _code(exc) in _NO_QUEUE_CODES:
                raise NotFound(
                    f"SQS queue {name!r} does not exist; deploy the CDK app or run "
                    "`pixelscript aws bootstrap` for an emulator"
                ) from exc
            raise

    def _redrive_policy(self) -> None:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["RedrivePolicy"]
        ).get("Attributes", {})
        if "RedrivePolicy" not in attributes:
            raise NotFound(
                f"SQS queue {self.name!r} has no redrive policy, so no dead-letter queue; "
                "deploy the CDK app or run `pixelscript aws bootstrap`"
            )
        policy = json.loads(attributes["RedrivePolicy"])
        # arn:aws:sqs:<region>:<account>:<name>
        _, _, _, _, account, dlq_name = str(policy["deadLetterTargetArn"]).split(":", 5)
        self._max_receives = int(policy["maxReceiveCount"])
        self._dlq_url = self._lookup(dlq_name, owner=account)

    @property
    def max_receives(self) -> int:
        """The redrive policy's maxReceiveCount: the queue's truth, not a setting."""
        if self._max_receives is None:
            self._redrive_policy()
        assert self._max_receives is not None
        return self._max_receives

    @property
    def dead_letter_url(self) -> str:
        if self._dlq_url is None:
            self._redrive_policy()
        assert self._dlq_url is not None
        return self._dlq_url

    # ------------------------------------------------------------------ receipts

    def _remember(self, message_id: str, receipt: str) -> None:
        with self._lock:
            self._receipts[message_id] = receipt
            self._receipts.move_to_end(message_id)
            while len(self._receipts) > MAX_TRACKED_RECEIPTS:
                self._receipts.popitem(last=False)

    def _forget(self, message_id: str) -> None:
        with self._lock:
            self._receipts.pop(message_id, None)

    def _handle(self, receipt: str) -> tuple[str, str] | None:
        """(message id, SQS handle) of a current receipt; None if foreign or stale."""
        message_id, separator, handle = receipt.partition(RECEIPT_SEPARATOR)
        if not separator or not handle:
            return None
        with self._lock:
            newest = self._receipts.get(message_id)
        if newest is not None and newest != receipt:
            return None
        return message_id, handle

    # ------------------------------------------------------------------ the port

    def send(self, body: str, *, delay_seconds: int = 0) -> str:
        check_message(body, delay_seconds)
        try:
            reply = self.sqs.send_message(
                QueueUrl=self.url, MessageBody=body, DelaySeconds=delay_seconds
            )
        except ClientError as exc:
            if _code(exc) == "InvalidMessageContents":
                raise QueueLimitError(f"SQS refused the message body: {exc}") from exc
            raise
        return str(reply["MessageId"])

    def receive(
        self, *, max_messages: int = 1, wait_seconds: float = 0, visibility_timeout: int = 30
    ) -> list[ReceivedMessage]:
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be 1 to {MAX_BATCH}, not {max_messages}")
        # SQS waits whole seconds: a wait of 0.5 s becomes 1 s.
        wait = min(MAX_WAIT_SECONDS, max(0, math.ceil(wait_seconds)))
        reply = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait,
            VisibilityTimeout=visibility_timeout,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        received = []
        for message in reply.get("Messages", []):
            receipt = f"{message['MessageId']}{RECEIPT_SEPARATOR}{message['ReceiptHandle']}"
            self._remember(message["MessageId"], receipt)
            received.append(
                ReceivedMessage(
                    message_id=message["MessageId"],
                    body=message["Body"],
                    receipt=receipt,
                    receive_count=int(message["Attributes"]["ApproximateReceiveCount"]),
                )
            )
        return received

    def extend(self, receipt: str, visibility_timeout: int) -> bool:
        handle = self._handle(receipt)
        if handle is None:
            return False
        try:
            self.sqs.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=handle[1], VisibilityTimeout=visibility_timeout
            )
        except ClientError as exc:
            if _stale_receipt(exc):
                return False
            raise
        return True

    def delete(self, receipt: str) -> None:
        handle = self._handle(receipt)
        if handle is None:
            return
        try:
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=handle[1])
        except ClientError as exc:
            if not _stale_receipt(exc):
                raise
        self._forget(handle[0])

    def dead_letter(self, message: ReceivedMessage, reason: str) -> None:
        handle = self._handle(message.receipt)
        if handle is None or not self.extend(message.receipt, DEAD_LETTER_HOLD_SECONDS):
            return
        self.sqs.send_message(
            QueueUrl=self.dead_letter_url,
            MessageBody=message.body,
            MessageAttributes={
                ATTR_REASON: {"DataType": "String", "StringValue": reason or "(no reason)"},
                ATTR_MESSAGE_ID: {"DataType": "String", "StringValue": message.message_id},
                ATTR_RECEIVE_COUNT: {
                    "DataType": "Number",
                    "StringValue": str(message.receive_count),
                },
            },
        )
        self.delete(message.receipt)

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        seen: dict[str, dict[str, Any]] = {}
        handles: list[str] = []
        expected = self._count(self.dead_letter_url, ["ApproximateNumberOfMessages"])
        try:
            while len(seen) < limit:
                batch = self._peek(min(MAX_BATCH, limit - len(seen)))
                if not batch:
                    break
                for message in batch:
                    handles.append(message["ReceiptHandle"])
                    seen.setdefault(message["MessageId"], message)
                if expected and len(seen) >= expected:
                    break
        finally:
            self._release(handles)
        ordered = sorted(seen.values(), key=lambda m: int(m["Attributes"]["SentTimestamp"]))
        return [self._as_dead_letter(message) for message in ordered[:limit]]

    def redrive(
        self, *, limit: int = 100, prepare: Callable[[DeadLetter], str] | None = None
    ) -> int:
        moved = 0
        while moved < limit:
            batch = self._peek(min(MAX_BATCH, limit - moved))
            if not batch:
                break
            try:
                bodies = [
                    prepare(self._as_dead_letter(message)) if prepare else message["Body"]
                    for message in batch
                ]
                for body in bodies:
                    check_message(body, 0)
            except BaseException:
                # Nothing of this batch was sent: the letters stay, visible again at once.
                self._release([message["ReceiptHandle"] for message in batch])
                raise
            for group in _by_size(list(zip(batch, bodies, strict=True))):
                reply = self.sqs.send_message_batch(
                    QueueUrl=self.url,
                    Entries=[
                        {"Id": str(index), "MessageBody": body}
                        for index, (_, body) in enumerate(group)
                    ],
                )
                sent = [group[int(entry["Id"])][0] for entry in reply.get("Successful", [])]
                if sent:
                    self._delete_batch(self.dead_letter_url, [m["ReceiptHandle"] for m in sent])
                moved += len(sent)
                if reply.get("Failed"):
                    raise RuntimeError(f"redrive of {self.name} failed: {reply['Failed'][0]}")
        return moved

    def depth(self) -> int:
        return self._count(
            self.url,
            [
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )

    # ------------------------------------------------------------------ helpers

    def _count(self, url: str, names: list[str]) -> int:
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        return sum(int(attributes.get("Attributes", {}).get(name, 0)) for name in names)

    def _peek(self, count: int) -> list[dict[str, Any]]:
        reply = self.sqs.receive_message(
            QueueUrl=self.dead_letter_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=PEEK_WAIT_SECONDS,
            VisibilityTimeout=PEEK_VISIBILITY_SECONDS,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
        )
        return list(reply.get("Messages", []))

    def _release(self, handles: list[str]) -> None:
        for start in range(0, len(handles), MAX_BATCH):
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.dead_letter_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                    for index, handle in enumerate(handles[start : start + MAX_BATCH])
                ],
            )

    def _delete_batch(self, url: str, handles: list[str]) -> None:
        for start in range(0, len(handles), MAX_BATCH):
            self.sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": handle}
                    for index, handle in enumerate(handles[start : start + MAX_BATCH])
                ],
            )

    def _as_dead_letter(self, message: dict[str, Any]) -> DeadLetter:
        attributes = message.get("MessageAttributes", {})
        if ATTR_REASON in attributes:
            return DeadLetter(
                message_id=attributes[ATTR_MESSAGE_ID]["StringValue"],
                body=message["Body"],
                reason=attributes[ATTR_REASON]["StringValue"],
                receive_count=int(attributes[ATTR_RECEIVE_COUNT]["StringValue"]),
            )
        # Moved by the redrive policy: it came back once more than maxReceiveCount.
        return DeadLetter(
            message_id=message["MessageId"],
            body=message["Body"],
            reason=f"received {self.max_receives} times without being deleted",
            receive_count=self.max_receives,
        )


def _by_size(
    messages: list[tuple[dict[str, Any], str]],
) -> list[list[tuple[dict[str, Any], str]]]:
    """Split (message, body to send) pairs so no send batch exceeds SQS's payload
    limit (the whole batch counts, not each message)."""
    groups: list[list[tuple[dict[str, Any], str]]] = []
    size = 0
    for message, body in messages:
        body_size = len(body.encode("utf-8"))
        if not groups or size + body_size > MAX_MESSAGE_BYTES:
            groups.append([])
            size = 0
        groups[-1].append((message, body))
        size += body_size
    return groups
