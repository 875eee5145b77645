"""Content hashes of clips: a line spoken before with the same voice is not spoken again.

The hash covers everything that decides the sound: the text, the voice (model or
Polly voice id, pitch, formant, rate), the reading, the provider's fingerprint (model
file, engine, sample rate) and ``CACHE_VERSION``, which changes whenever this stage's
processing does. Clips live in the blob store at ``cache/audio/<sha256>.wav`` and are
shared by every job.
"""

from __future__ import annotations

import hashlib
import json

from services.audio.base import VoiceChoice
from services.audio.delivery import Delivery

__all__ = ["CACHE_VERSION", "clip_hash"]

#: Bump when trimming, shaping or encoding changes, so old clips are not reused.
CACHE_VERSION = 1


def clip_hash(
    *, provider: str, fingerprint: str, voice: VoiceChoice, delivery: Delivery, text: str
) -> str:
    recipe = {
        "version": CACHE_VERSION,
        "provider": provider,
        "fingerprint": fingerprint,
        "voice": voice.model_dump(mode="json"),
        "delivery": delivery.model_dump(mode="json"),
        "text": text,
    }
    encoded = json.dumps(recipe, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()
