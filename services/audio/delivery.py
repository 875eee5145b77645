"""How a line is spoken: the director's pace and the line's parenthetical.

A screenplay's parenthetical ("quietly", "shouting", "slowly") says how a line is
read. Both providers honour the same reading: Piper through its length scale and
output level, Polly through SSML ``<prosody>``. Pauses ("beat", "a pause") are the
mixer's business: it reads the parenthetical too and leaves the gap before the line.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Delivery", "delivery_for"]

#: Output level of an ordinary line; below full scale so a shout has room above it.
NORMAL_VOLUME = 0.7


class Delivery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Speech-rate factor: the director's pace times the parenthetical's.
    rate: float = Field(default=1.0, gt=0.3, lt=3)
    #: Peak level of the clip, 0..1.
    volume: float = Field(default=NORMAL_VOLUME, gt=0, le=1)
    #: ``soft`` / ``loud`` / ``None``: the SSML volume word, when the reading asks for one.
    loudness: str | None = None


# Word stems in a parenthetical and the reading they ask for: (rate, volume, loudness).
_READINGS: list[tuple[re.Pattern[str], float, float, str | None]] = [
    (
        re.compile(r"whisper|quiet|soft|hush|murmur|under (?:his|her|their) breath"),
        0.95,
        0.35,
        "soft",
    ),
    (re.compile(r"shout|yell|scream|loud|furious|angr"), 1.08, 1.0, "loud"),
    (re.compile(r"slow|hesita|tired|sad|grave|solemn|drawl"), 0.85, NORMAL_VOLUME, None),
    (re.compile(r"quick|fast|rapid|excit|nervous|hurr|breathless"), 1.15, NORMAL_VOLUME, None),
]


def delivery_for(parenthetical: str | None, *, pace: float) -> Delivery:
    """The reading of a line with ``parenthetical`` in a film paced at ``pace``."""
    rate, volume, loudness = 1.0, NORMAL_VOLUME, None
    wording = (parenthetical or "").lower()
    for pattern, rate_factor, level, word in _READINGS:
        if pattern.search(wording):
            rate *= rate_factor
            if word is not None and loudness is None:
                volume, loudness = level, word
    return Delivery(rate=round(rate * pace, 4), volume=volume, loudness=loudness)
