"""Retry delays: exponential with jitter, as a pure function so tests can pin it."""

from __future__ import annotations

import random

__all__ = ["compute_backoff"]


def compute_backoff(
    attempt: int,
    *,
    minimum: float = 1.0,
    maximum: float = 120.0,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` >= 1 failed so far).

    "Equal jitter": half the exponential delay is certain, half is random, so retries
    from many workers spread out without any of them retrying at once.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    ceiling = min(maximum, minimum * 2 ** (attempt - 1))
    half = ceiling / 2
    return half + (rng or random).uniform(0, half)
