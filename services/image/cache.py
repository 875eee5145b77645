"""Content-addressed picture cache in the blob store: ``cache/images/<sha256>.png``.

The key hashes the provider's name, its ``identity`` (model, API size, quality, the
exact prompt, the painter's code version) and the whole ``Shot``, so a picture whose
inputs did not change is never paid for twice: not within a job (two identical
shots), not when a later stage fails and the job is re-run, not across jobs.
A cache entry is written with the blob store's atomic put, so a reader never sees
half a picture.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from services.image.providers import ImageProvider
from services.image.shots import Shot
from shared.errors import NotFound
from shared.keys import IMAGE_CACHE_PREFIX
from shared.ports import BlobStore

__all__ = ["CACHE_PREFIX", "ImageCache", "cache_key"]

CACHE_PREFIX = IMAGE_CACHE_PREFIX


def cache_key(provider: ImageProvider, shot: Shot) -> str:
    material: dict[str, Any] = {
        "provider": provider.name,
        "identity": provider.identity(shot),
        "shot": shot.model_dump(mode="json"),
    }
    digest = hashlib.sha256(
        json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return f"{CACHE_PREFIX}{digest}.png"


class ImageCache:
    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def get(self, key: str) -> bytes | None:
        try:
            return self.blobs.get(key)
        except NotFound:
            return None

    def put(self, key: str, data: bytes) -> None:
        self.blobs.put(key, data, content_type="image/png")
