"""The dialogue stem: every clip at its place, in a raw float32 file at the mix rate.

The track is a memory-mapped file (ffmpeg reads it next), so a long film costs disk,
not memory; only one clip is in memory at a time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from services.mixer.layout import Layout
from shared.errors import NotFound, PermanentError
from shared.media.wav import decode_wav, resample
from shared.ports import BlobStore

__all__ = ["assemble_dialogue"]


def assemble_dialogue(layout: Layout, blobs: BlobStore, path: Path) -> None:
    """Write ``layout``'s clips from ``blobs`` into ``path`` (raw float32 mono)."""
    track = np.memmap(path, dtype=np.float32, mode="w+", shape=(layout.samples,))
    try:
        for placement in layout.placements:
            try:
                samples, rate = decode_wav(blobs.get(placement.key))
            except NotFound:
                raise PermanentError(f"the clip {placement.key} is missing") from None
            if rate != placement.clip_rate:
                raise PermanentError(
                    f"the clip {placement.key} is at {rate} Hz; the manifest says "
                    f"{placement.clip_rate} Hz"
                )
            clip = resample(samples, rate, layout.sample_rate)[: placement.samples]
            end = placement.start + clip.size
            track[placement.start : end] += clip
        track.flush()
    finally:
        del track
