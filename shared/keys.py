"""Deterministic artifact keys. Re-running a stage overwrites the same keys, which is
what makes a redelivered message harmless."""

from __future__ import annotations

import re

from shared.errors import ContractError

__all__ = [
    "BLOB_KEY_PATTERN",
    "check_blob_key",
    "job_prefix",
    "request_key",
    "script_fountain_key",
    "script_json_key",
]

#: Lowercase path segments of letters, digits, dot, dash and underscore; no empty or
#: dot-only segments, so no key can climb out of its folder or prefix.
BLOB_KEY_PATTERN = re.compile(
    r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*)*$"
)
BLOB_KEY_MAX_CHARS = 512


def check_blob_key(key: str) -> str:
    """``key`` if it is a valid blob key, else ``ContractError`` saying why."""
    if not isinstance(key, str) or len(key) > BLOB_KEY_MAX_CHARS or not BLOB_KEY_PATTERN.match(key):
        raise ContractError(
            f"{str(key)[:80]!r} is not a valid artifact key "
            "(lowercase segments of letters, digits, '.', '-' and '_' separated by '/')"
        )
    return key


def job_prefix(job_id: str) -> str:
    return f"jobs/{job_id}/"


def request_key(job_id: str) -> str:
    return f"jobs/{job_id}/request.json"


def script_json_key(job_id: str) -> str:
    return f"jobs/{job_id}/script.json"


def script_fountain_key(job_id: str) -> str:
    return f"jobs/{job_id}/script.fountain"
