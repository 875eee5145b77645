"""API-key authentication: the ``X-API-Key`` header, compared in constant time."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Annotated

from fastapi import HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader

from services.api.key_sources import SecretKeySource

__all__ = ["API_KEY_HEADER", "KeyRing", "api_key_header", "presented_key_valid", "require_api_key"]

API_KEY_HEADER = "X-API-Key"
#: Longer headers are refused unread: no key is this long.
MAX_KEY_CHARS = 512

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key from PIXELSCRIPT_API__KEYS or the configured Secrets Manager secret.",
)


def _digest(key: str) -> bytes:
    # Hashing first makes every comparison the same length, so timing says nothing
    # about a key's length either.
    return hashlib.sha256(key.encode("utf-8")).digest()


class KeyRing:
    """The keys the API accepts: fixed ones from settings plus a rotating secret's."""

    def __init__(self, keys: Sequence[str], secret: SecretKeySource | None = None) -> None:
        self._static = [_digest(key) for key in keys if key]
        self._secret = secret
        if not self._static and secret is None:
            raise ValueError(
                "no API key configured: set PIXELSCRIPT_API__KEYS or PIXELSCRIPT_API__KEY_SECRET_ID"
            )

    def accepts(self, presented: str | None) -> bool:
        if not presented or len(presented) > MAX_KEY_CHARS:
            return False
        candidate = _digest(presented)
        known = self._static + (
            [_digest(key) for key in self._secret.current()] if self._secret else []
        )
        # Compare against every key, without stopping at a match.
        matched = False
        for digest in known:
            matched |= secrets.compare_digest(candidate, digest)
        return matched


def presented_key_valid(request: Request, presented: str | None) -> bool:
    keyring: KeyRing = request.app.state.api.keys
    return keyring.accepts(presented)


def unauthorised() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=f"missing or wrong API key: send one in the {API_KEY_HEADER} header",
        headers={"WWW-Authenticate": API_KEY_HEADER},
    )


def require_api_key(
    request: Request, presented: Annotated[str | None, Security(api_key_header)]
) -> None:
    """Dependency of every route but the health check and the page. Sync on purpose:
    FastAPI runs it on a thread, where a secret refresh may block."""
    if not presented_key_valid(request, presented):
        raise unauthorised()
