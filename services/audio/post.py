"""The same finish for every provider's clip: silence trimmed, level set, edges faded.

Trimming makes the mixer's pauses exact (a provider's own leading and trailing
silence would add to them); a level per reading keeps a whisper quieter than a
shout once the whole track is loudness-normalised; short fades avoid clicks.
"""

from __future__ import annotations

import numpy as np

from services.audio.base import Clip
from shared.errors import PermanentError

__all__ = ["finish_clip"]

#: Below this level relative to the clip's peak counts as silence at the edges (dB).
TRIM_THRESHOLD_DB = -40.0
#: Room left around the speech, so breaths and consonant tails survive (seconds).
EDGE_MARGIN = 0.03
FADE_SECONDS = 0.005
#: A clip whose peak is below this is silence, not speech.
SILENCE_PEAK = 1e-3


def finish_clip(clip: Clip, *, volume: float, what: str) -> Clip:
    """``clip`` trimmed to its speech, peak at ``volume``, with faded edges.

    ``PermanentError`` when the clip holds no speech (``what`` names the line).
    """
    samples = np.asarray(clip.samples, np.float32)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak < SILENCE_PEAK:
        raise PermanentError(f"the voice produced silence for {what}")
    loud = np.flatnonzero(np.abs(samples) >= peak * 10 ** (TRIM_THRESHOLD_DB / 20))
    margin = round(EDGE_MARGIN * clip.sample_rate)
    start = max(0, int(loud[0]) - margin)
    end = min(samples.size, int(loud[-1]) + 1 + margin)
    trimmed = samples[start:end] * np.float32(volume / peak)
    fade = min(round(FADE_SECONDS * clip.sample_rate), trimmed.size // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        trimmed[:fade] *= ramp
        trimmed[-fade:] *= ramp[::-1]
    return Clip(trimmed.astype(np.float32), clip.sample_rate)
