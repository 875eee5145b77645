"""Names the AWS resources share between the backend, ``provision`` and the CDK app.

One place, so the table the CDK app creates has exactly the attributes and indexes
the job table queries, and the queues have the names the workers look up.
"""

from __future__ import annotations

from shared.backends import queue_name
from shared.settings import Settings

__all__ = [
    "ATTR_CREATED",
    "ATTR_EXPIRES",
    "ATTR_JOB_ID",
    "ATTR_KIND",
    "ATTR_RECORD",
    "ATTR_STATUS",
    "ATTR_VERSION",
    "DLQ_SUFFIX",
    "INDEX_NEWEST",
    "INDEX_STATUS",
    "KIND_JOB",
    "dead_letter_queue_name",
    "queue_name",
]

#: Partition key of the table.
ATTR_JOB_ID = "job_id"
#: Bumped by every write; conditional writes name the version they read.
ATTR_VERSION = "version"
ATTR_STATUS = "status"
#: Sort key of both indexes: ``<created_at, UTC, microseconds>#<job_id>``, so equal
#: timestamps still sort the same way on every page and on both backends.
ATTR_CREATED = "created"
#: The same value on every job: the partition of the newest-first index. One
#: partition carries a few hundred writes a second, far above a film studio's pace.
ATTR_KIND = "kind"
KIND_JOB = "job"
#: The ``JobRecord`` as JSON: the one source of truth; the attributes above are copies
#: for keys and indexes.
ATTR_RECORD = "record"
#: Epoch seconds after which DynamoDB's TTL may delete the item (it may lag by days;
#: nothing relies on the deletion happening on time).
ATTR_EXPIRES = "expires_at"

#: Every job, newest first: partition ``kind``, sort ``created``.
INDEX_NEWEST = "newest"
#: Jobs of one status, newest first: partition ``status``, sort ``created``.
INDEX_STATUS = "by-status"

DLQ_SUFFIX = "-dlq"


def dead_letter_queue_name(settings: Settings, stage: str) -> str:
    return f"{queue_name(settings, stage)}{DLQ_SUFFIX}"
