"""Job records in SQLite with optimistic concurrency (``UPDATE ... WHERE version = ?``)."""

from __future__ import annotations

import base64
import binascii
import json

from shared.backends.local.database import Database
from shared.contracts import JobRecord, JobStatus
from shared.errors import ConflictError, ContractError, NotFound
from shared.ports import JobPage

__all__ = ["LocalJobTable", "decode_cursor", "encode_cursor"]

MAX_PAGE_SIZE = 100


def encode_cursor(position: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, object]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        position = None
    if not isinstance(position, dict):
        raise ContractError("cursor: not a cursor this service handed out")
    return position


class LocalJobTable:
    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, record: JobRecord) -> JobRecord:
        stored = record.model_copy(update={"version": 1})
        with self.database.write() as db:
            existing = db.execute(
                "SELECT body FROM jobs WHERE job_id = ?", (record.job_id,)
            ).fetchone()
            if existing is not None:
                raise ConflictError(
                    f"job {record.job_id} already exists",
                    current=JobRecord.model_validate_json(existing["body"]),
                )
            db.execute(
                "INSERT INTO jobs (job_id, status, created_ts, version, body) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    stored.job_id,
                    stored.status.value,
                    stored.created_at.timestamp(),
                    stored.version,
                    stored.model_dump_json(),
                ),
            )
        return stored

    def get(self, job_id: str) -> JobRecord:
        row = (
            self.database.read()
            .execute("SELECT body FROM jobs WHERE job_id = ?", (job_id,))
            .fetchone()
        )
        if row is None:
            raise NotFound(f"no job {job_id[:64]!r}")
        return JobRecord.model_validate_json(row["body"])

    def update(self, record: JobRecord, *, expected_version: int) -> JobRecord:
        stored = record.model_copy(update={"version": expected_version + 1})
        with self.database.write() as db:
            cursor = db.execute(
                "UPDATE jobs SET status = ?, version = ?, body = ? "
                "WHERE job_id = ? AND version = ?",
                (
                    stored.status.value,
                    stored.version,
                    stored.model_dump_json(),
                    stored.job_id,
                    expected_version,
                ),
            )
            if cursor.rowcount == 0:
                row = db.execute(
                    "SELECT body FROM jobs WHERE job_id = ?", (record.job_id,)
                ).fetchone()
                if row is None:
                    raise NotFound(f"no job {record.job_id!r}")
                current = JobRecord.model_validate_json(row["body"])
                raise ConflictError(
                    f"job {record.job_id} is at version {current.version}, not {expected_version}",
                    current=current,
                )
        return stored

    def list(
        self, *, status: JobStatus | None = None, limit: int = 20, cursor: str | None = None
    ) -> JobPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ContractError(f"limit: must be 1 to {MAX_PAGE_SIZE}, not {limit}")
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(JobStatus(status).value)
        if cursor is not None:
            position = decode_cursor(cursor)
            try:
                after_ts, after_id = float(position["ts"]), str(position["id"])  # type: ignore[arg-type]
            except (KeyError, TypeError, ValueError) as exc:
                raise ContractError("cursor: not a cursor this service handed out") from exc
            clauses.append("(created_ts < ? OR (created_ts = ? AND job_id < ?))")
            params.extend([after_ts, after_ts, after_id])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = (
            self.database.read()
            .execute(
                f"SELECT job_id, created_ts, body FROM jobs {where} "
                "ORDER BY created_ts DESC, job_id DESC LIMIT ?",
                (*params, limit + 1),
            )
            .fetchall()
        )
        jobs = [JobRecord.model_validate_json(row["body"]) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_cursor({"ts": last["created_ts"], "id": last["job_id"]})
        return JobPage(jobs=jobs, next_cursor=next_cursor)
