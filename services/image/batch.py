"""Paint a list of shots through the cache with at most ``concurrency`` at once.

Identical shots (same cache key) are painted once. Each finished picture is cached
at once, so when one shot fails the others are already paid for and the retry
paints only what is missing. The first failure cancels the shots not yet started
and is raised as it is (the worker decides between retry and failure by its type).
"""

from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

from services.image.cache import ImageCache, cache_key
from services.image.providers import ImageProvider
from services.image.shots import Shot

__all__ = ["paint_all"]


def paint_all(
    shots: list[Shot],
    provider: ImageProvider,
    cache: ImageCache,
    *,
    concurrency: int,
    log: Any,
) -> list[bytes]:
    """PNG bytes for every shot, in order."""
    keys = [cache_key(provider, shot) for shot in shots]
    found: dict[str, bytes] = {}
    missing: dict[str, Shot] = {}
    for key, shot in zip(keys, shots, strict=True):
        if key in found or key in missing:
            continue
        cached = cache.get(key)
        if cached is not None:
            found[key] = cached
        else:
            missing[key] = shot
    log.info(
        "images_planned",
        provider=provider.name,
        shots=len(shots),
        cached=len(found),
        to_paint=len(missing),
    )

    def paint(key: str, shot: Shot) -> bytes:
        data = provider.paint(shot)
        cache.put(key, data)
        return data

    if missing:
        with ThreadPoolExecutor(
            max_workers=max(1, min(concurrency, len(missing))), thread_name_prefix="paint"
        ) as pool:
            futures: dict[Future[bytes], str] = {
                pool.submit(paint, key, shot): key for key, shot in missing.items()
            }
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            for future in done:
                error = future.exception()
                if error is not None:
                    raise error
            for future, key in futures.items():
                found[key] = future.result()
    return [found[key] for key in keys]
