"""Links to artifacts that a browser can open without sending the API key.

A ``<video>`` or ``<img>`` element cannot add an ``X-API-Key`` header, so artifact
links carry their own short-lived authority: presigned URLs on S3 (the blob store's
``url``), and on a blob store that answers with ``file://`` URLs (the local one) an
API path signed with an HMAC and an expiry, which the artifacts route checks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlencode

from services.api.media_types import content_type
from services.api.models import ArtifactLink
from shared.ports import BlobStore

__all__ = ["ArtifactLinks", "LinkSigner"]

#: Expiry times are rounded up to this many seconds, so the same artifact keeps the
#: same URL for a while and a browser can cache it (and a player never sees it change).
EXPIRY_STEP_SECONDS = 300


class LinkSigner:
    """HMAC-SHA256 over (job, artifact name, expiry) with a key only this process knows."""

    def __init__(self, secret: bytes | None = None, *, clock: Callable[[], float] = time.time):
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock

    def _mac(self, job_id: str, name: str, expires: int) -> str:
        message = f"{job_id}/{name}/{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def expiry(self, lifetime: int) -> int:
        now = int(self._clock())
        return (now // EXPIRY_STEP_SECONDS + 1) * EXPIRY_STEP_SECONDS + lifetime

    def sign(self, job_id: str, name: str, expires: int) -> str:
        return self._mac(job_id, name, expires)

    def verify(self, job_id: str, name: str, expires: int | None, signature: str | None) -> bool:
        if expires is None or signature is None or expires < self._clock():
            return False
        # Bytes, not str: compare_digest refuses non-ASCII text, and a link's query string
        # may hold anything.
        expected = self._mac(job_id, name, expires).encode()
        return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


class ArtifactLinks:
    """Makes the link for each artifact of a job."""

    def __init__(self, blobs: BlobStore, signer: LinkSigner, *, lifetime: int) -> None:
        self.blobs = blobs
        self.signer = signer
        self.lifetime = lifetime

    def served_by_api(self, key: str) -> bool:
        return self.blobs.url(key, expires_in=self.lifetime).startswith("file://")

    def link(self, job_id: str, name: str, key: str) -> ArtifactLink:
        url = self.blobs.url(key, expires_in=self.lifetime)
        filename = PurePosixPath(key).name
        if url.startswith("file://"):
            expires = self.signer.expiry(self.lifetime)
            query = {"expires": expires, "sig": self.signer.sign(job_id, name, expires)}
            url = f"/jobs/{job_id}/artifacts/{name}?{urlencode(query)}"
            download_url = f"{url}&download=1"
        else:
            download_url = url
        return ArtifactLink(
            name=name,
            filename=filename,
            content_type=content_type(key),
            url=url,
            download_url=download_url,
        )
