"""SSML for Amazon Polly: the text escaped, the reading as ``<prosody>``, pauses as ``<break>``.

Only tags the neural engine supports are used (``prosody`` rate and volume, ``break``,
``s``); pitch and whisper effects are standard-engine only and would be refused.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from services.audio.delivery import NORMAL_VOLUME, Delivery

__all__ = ["to_ssml"]

#: An ellipsis or a dash between words is a pause a reader takes.
_PAUSE = re.compile(r"\s*(?:\.\.\.|…|—|--)\s*")
PAUSE_MS = 350


def _rate_percent(rate: float) -> int:
    # Polly accepts 20%..200%.
    return max(20, min(200, round(rate * 100)))


def to_ssml(text: str, delivery: Delivery, *, voice_rate: float = 1.0) -> str:
    """``text`` as a ``<speak>`` document read the way ``delivery`` says."""
    pieces = [escape(piece, {'"': "&quot;"}) for piece in _PAUSE.split(text.strip())]
    body = f'<break time="{PAUSE_MS}ms"/>'.join(piece for piece in pieces if piece)
    attributes = []
    rate = _rate_percent(delivery.rate * voice_rate)
    if rate != 100:
        attributes.append(f'rate="{rate}%"')
    if delivery.loudness is not None and delivery.volume != NORMAL_VOLUME:
        attributes.append(f'volume="{delivery.loudness}"')
    if attributes:
        body = f"<prosody {' '.join(attributes)}>{body}</prosody>"
    return f"<speak>{body}</speak>"
