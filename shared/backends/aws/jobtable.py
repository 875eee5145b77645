"""``shared.ports.JobTable`` on DynamoDB: one conditional write per transition.

Item layout (names in ``shared.backends.aws.schema``)::

    job_id (PK) | version | status | created | kind | expires_at | record (JobRecord JSON)

``record`` is the truth; the others are copies DynamoDB needs for the key, the
conditions, the two newest-first indexes and TTL.

    create:  PutItem  if attribute_not_exists(job_id)
    update:  PutItem  if version = :expected
             on failure ReturnValuesOnConditionCheckFailure=ALL_OLD hands back the
             winner: ConflictError(current=winner), or NotFound when there is none
    get:     GetItem  ConsistentRead (a worker must see the write it just lost to)
    list:    Query on ``newest`` or ``by-status``, ScanIndexForward=False, never Scan

TTL only tidies up: DynamoDB may delete an expired item days late, and nothing reads
``expires_at`` as a deadline.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared.backends.aws.clients import error_code
from shared.backends.aws.schema import (
    ATTR_CREATED,
    ATTR_EXPIRES,
    ATTR_JOB_ID,
    ATTR_KIND,
    ATTR_RECORD,
    ATTR_STATUS,
    ATTR_VERSION,
    INDEX_NEWEST,
    INDEX_STATUS,
    KIND_JOB,
)
from shared.contracts import JOB_ID_PATTERN, JobRecord, JobStatus
from shared.errors import ConflictError, ContractError, NotFound
from shared.ports import JobPage

__all__ = ["DynamoJobTable", "sort_key"]

MAX_PAGE_SIZE = 100
_BAD_CURSOR = "cursor: not a cursor this service handed out"


def sort_key(record: JobRecord) -> str:
    """``2025-01-31T12:00:00.000001Z#<job id>``: sorts by time, then id, as text."""
    created = record.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{created}#{record.job_id}"


def _item(record: JobRecord, retention: timedelta) -> dict[str, Any]:
    return {
        ATTR_JOB_ID: {"S": record.job_id},
        ATTR_VERSION: {"N": str(record.version)},
        ATTR_STATUS: {"S": record.status.value},
        ATTR_CREATED: {"S": sort_key(record)},
        ATTR_KIND: {"S": KIND_JOB},
        ATTR_EXPIRES: {"N": str(int((record.created_at + retention).timestamp()))},
        ATTR_RECORD: {"S": record.model_dump_json()},
    }


def _record(item: dict[str, Any]) -> JobRecord:
    return JobRecord.model_validate_json(item[ATTR_RECORD]["S"])


def _encode_cursor(item: dict[str, Any], index: str) -> str:
    position = {"i": index, **{name: item[name]["S"] for name in _index_keys(index)}}
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _index_keys(index: str) -> tuple[str, ...]:
    partition = ATTR_KIND if index == INDEX_NEWEST else ATTR_STATUS
    return (ATTR_JOB_ID, partition, ATTR_CREATED)


def _decode_cursor(cursor: str, index: str) -> dict[str, Any]:
    """The ExclusiveStartKey in ``cursor``; ContractError for anything we did not make."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        position = None
    if not isinstance(position, dict) or position.get("i") != index:
        raise ContractError(_BAD_CURSOR)
    names = _index_keys(index)
    if set(position) != {"i", *names} or not all(isinstance(position[n], str) for n in names):
        raise ContractError(_BAD_CURSOR)
    if not JOB_ID_PATTERN.match(position[ATTR_JOB_ID]):
        raise ContractError(_BAD_CURSOR)
    return {name: {"S": position[name]} for name in names}


class DynamoJobTable:
    """Implements ``shared.ports.JobTable`` on ``table``."""

    def __init__(self, dynamodb: Any, table: str, *, retention_days: int) -> None:
        self.dynamodb = dynamodb
        self.table = table
        self.retention = timedelta(days=retention_days)

    def create(self, record: JobRecord) -> JobRecord:
        stored = record.model_copy(update={"version": 1})
        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item=_item(stored, self.retention),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": ATTR_JOB_ID},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                current = exc.response.get("Item")
                raise ConflictError(
                    f"job {record.job_id} already exists",
                    current=_record(current) if current else None,
                ) from exc
            raise
        return stored

    def get(self, job_id: str) -> JobRecord:
        if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
            # DynamoDB would accept any string; an id we never issue cannot exist.
            raise NotFound(f"no job {str(job_id)[:64]!r}")
        reply = self.dynamodb.get_item(
            TableName=self.table, Key={ATTR_JOB_ID: {"S": job_id}}, ConsistentRead=True
        )
        if "Item" not in reply:
            raise NotFound(f"no job {job_id!r}")
        return _record(reply["Item"])

    def update(self, record: JobRecord, *, expected_version: int) -> JobRecord:
        stored = record.model_copy(update={"version": expected_version + 1})
        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item=_item(stored, self.retention),
                ConditionExpression="#version = :expected",
                ExpressionAttributeNames={"#version": ATTR_VERSION},
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            item = exc.response.get("Item")
            if not item:
                raise NotFound(f"no job {record.job_id!r}") from exc
            current = _record(item)
            raise ConflictError(
                f"job {record.job_id} is at version {current.version}, not {expected_version}",
                current=current,
            ) from exc
        return stored

    def list(
        self, *, status: JobStatus | None = None, limit: int = 20, cursor: str | None = None
    ) -> JobPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ContractError(f"limit: must be 1 to {MAX_PAGE_SIZE}, not {limit}")
        if status is None:
            index, partition = INDEX_NEWEST, (ATTR_KIND, KIND_JOB)
        else:
            index, partition = INDEX_STATUS, (ATTR_STATUS, JobStatus(status).value)
        query: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": index,
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": partition[0]},
            "ExpressionAttributeValues": {":p": {"S": partition[1]}},
            "ScanIndexForward": False,
        }
        if cursor is not None:
            start = _decode_cursor(cursor, index)
            if start[partition[0]]["S"] != partition[1]:
                raise ContractError(_BAD_CURSOR)
            query["ExclusiveStartKey"] = start
        # One item more than asked says whether a next page exists, so the last page
        # has no cursor (DynamoDB alone would hand out a cursor to an empty page).
        items: list[dict[str, Any]] = []
        while len(items) <= limit:
            try:
                reply = self.dynamodb.query(**query, Limit=limit + 1 - len(items))
            except ClientError as exc:
                if error_code(exc) == "ValidationException" and cursor is not None:
                    raise ContractError(_BAD_CURSOR) from exc
                raise
            items.extend(reply.get("Items", []))
            if "LastEvaluatedKey" not in reply:
                break
            query["ExclusiveStartKey"] = reply["LastEvaluatedKey"]
        page = items[:limit]
        next_cursor = _encode_cursor(page[-1], index) if len(items) > limit else None
        return JobPage(jobs=[_record(item) for item in page], next_cursor=next_cursor)
