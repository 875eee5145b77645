"""Pitch and timbre shaping of a voice with ffmpeg: how one Piper model plays many people.

Two moves, because a real voice differs in both: the vocal tract (formants) and the
fundamental (pitch). ``asetrate`` + ``aresample`` scales both together, like a
smaller or larger speaker; ``rubberband`` with formants preserved then moves the pitch
the rest of the way without making the voice cartoonish. ``asetrate`` shortens the
clip by the formant factor, which the Piper provider has already made up for by
speaking that much slower.
"""

from __future__ import annotations

import numpy as np

from shared.media.ffmpeg import run_ffmpeg
from shared.media.wav import Samples

__all__ = ["shape_voice", "shaping_filter"]

#: Factors closer to 1 than this are left alone (well under a tenth of a semitone).
NEUTRAL_TOLERANCE = 0.003


def shaping_filter(sample_rate: int, *, pitch: float, formant: float) -> str | None:
    """The ffmpeg audio filter chain for the shaping, or ``None`` when there is none."""
    filters = []
    if abs(formant - 1) > NEUTRAL_TOLERANCE:
        filters.append(f"asetrate={round(sample_rate * formant)},aresample={sample_rate}")
    remaining = pitch / formant
    if abs(remaining - 1) > NEUTRAL_TOLERANCE:
        filters.append(f"rubberband=pitch={remaining:.5f}:formant=preserved:pitchq=quality")
    return ",".join(filters) or None


def shape_voice(samples: Samples, sample_rate: int, *, pitch: float, formant: float) -> Samples:
    """``samples`` with the fundamental scaled by ``pitch`` and formants by ``formant``."""
    chain = shaping_filter(sample_rate, pitch=pitch, formant=formant)
    if chain is None or samples.size == 0:
        return samples
    raw = ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1"]
    result = run_ffmpeg(
        [*raw, "-i", "pipe:0", "-af", chain, *raw, "pipe:1"],
        input_bytes=np.ascontiguousarray(samples, dtype="<f4").tobytes(),
        timeout=120,
    )
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
