"""The local caches stay within their room: the oldest pictures and clips go first,
nothing outside ``cache/`` is touched, and a pipeline starting prunes before its
workers read."""

from __future__ import annotations

import os
from pathlib import Path

from shared.backends import open_backend
from shared.backends.local import LocalBlobStore
from shared.embedded import EmbeddedPipeline
from shared.keys import AUDIO_CACHE_PREFIX, IMAGE_CACHE_PREFIX
from shared.settings import Settings

KB = 1024


def put_aged(blobs: LocalBlobStore, key: str, size: int, age: int) -> None:
    """``key`` of ``size`` bytes, written ``age`` seconds ago."""
    blobs.put(key, b"x" * size)
    then = blobs.path(key).stat().st_mtime - age
    os.utime(blobs.path(key), (then, then))


def test_the_oldest_entries_go_until_the_rest_fits(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path)
    for age in range(5):
        put_aged(blobs, f"{IMAGE_CACHE_PREFIX}{age}.png", 10 * KB, age=100 * age)
    put_aged(blobs, "jobs/j/images/scene-001.png", 50 * KB, age=1000)

    deleted = blobs.prune(IMAGE_CACHE_PREFIX, max_bytes=25 * KB)

    # The three oldest go; the two newest (20 KB) fit; the job's picture stays.
    assert deleted == [f"{IMAGE_CACHE_PREFIX}{age}.png" for age in (4, 3, 2)]
    assert blobs.list(IMAGE_CACHE_PREFIX) == [f"{IMAGE_CACHE_PREFIX}{age}.png" for age in (0, 1)]
    assert blobs.exists("jobs/j/images/scene-001.png")
    assert blobs.prune(IMAGE_CACHE_PREFIX, max_bytes=25 * KB) == []


def test_a_pipeline_prunes_each_cache_on_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, local_cache_mb=0)
    backend = open_backend(settings)
    assert isinstance(backend.blobs, LocalBlobStore)
    for prefix in (IMAGE_CACHE_PREFIX, AUDIO_CACHE_PREFIX):
        put_aged(backend.blobs, f"{prefix}a.bin", KB, age=10)
    backend.blobs.put("jobs/j/movie.mp4", b"film")

    pipeline = EmbeddedPipeline(backend, settings, stages=["script"]).start()
    pipeline.stop(0)

    assert backend.blobs.list("cache/") == []
    assert backend.blobs.get("jobs/j/movie.mp4") == b"film"
