"""``shared.ports.BlobStore`` on one private S3 bucket.

An S3 PUT (and a completed multipart upload) replaces an object atomically, which
is the port's "old blob, new blob or none" promise; downloads go to a temporary file
renamed into place. Encryption, versioning and lifecycle are the bucket's settings
(CDK app), not per request.
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from shared.backends.aws.clients import error_code
from shared.errors import NotFound
from shared.keys import check_blob_key

__all__ = ["S3BlobStore"]

#: Files above this go up and down in parts, in parallel (a rendered movie).
MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024
#: The longest a presigned URL may live with SigV4.
MAX_URL_SECONDS = 7 * 24 * 3600
_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}

_TRANSFER = TransferConfig(
    multipart_threshold=MULTIPART_THRESHOLD_BYTES,
    multipart_chunksize=MULTIPART_THRESHOLD_BYTES,
    max_concurrency=4,
)


def _content_type(key: str, given: str | None) -> str:
    # A browser plays a presigned movie only if S3 serves it as video/mp4.
    return given or mimetypes.guess_type(key)[0] or "application/octet-stream"


class S3BlobStore:
    """Implements ``shared.ports.BlobStore`` on ``bucket``."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        self.s3.put_object(
            Bucket=self.bucket,
            Key=check_blob_key(key),
            Body=data,
            ContentType=_content_type(key, content_type),
        )

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        check_blob_key(key)
        # Opened here so a missing file fails before any request (and leaves the old blob).
        with path.open("rb") as source:
            self.s3.upload_fileobj(
                source,
                self.bucket,
                key,
                ExtraArgs={"ContentType": _content_type(key, content_type)},
                Config=_TRANSFER,
            )

    def get(self, key: str) -> bytes:
        try:
            reply = self.s3.get_object(Bucket=self.bucket, Key=check_blob_key(key))
        except ClientError as exc:
            if error_code(exc) in _MISSING_CODES:
                raise NotFound(f"no artifact {key}") from exc
            raise
        with reply["Body"] as body:
            data: bytes = body.read()
        return data

    def download(self, key: str, path: Path) -> None:
        check_blob_key(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                self.s3.download_fileobj(self.bucket, key, stream, Config=_TRANSFER)
            os.replace(temporary, path)
        except ClientError as exc:
            Path(temporary).unlink(missing_ok=True)
            if error_code(exc) in _MISSING_CODES:
                raise NotFound(f"no artifact {key}") from exc
            raise
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def exists(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=check_blob_key(key))
        except ClientError as exc:
            if error_code(exc) in _MISSING_CODES:
                return False
            raise
        return True

    def url(self, key: str, *, expires_in: int = 3600) -> str:
        """A presigned GET for ``key``, valid ``expires_in`` seconds (at most 7 days)."""
        return str(
            self.s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": check_blob_key(key)},
                ExpiresIn=max(1, min(expires_in, MAX_URL_SECONDS)),
            )
        )

    def list(self, prefix: str) -> list[str]:
        if prefix:
            check_blob_key(prefix.rstrip("/"))
        keys: list[str] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)
